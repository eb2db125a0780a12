"""Every UI string exists in English and Korean, with the same placeholders."""

import ast
import string
from pathlib import Path

import pytest

from dlenv.i18n import LANGS, TEXT, t

ROOT = Path(__file__).resolve().parents[1]


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_key_has_every_language_with_the_same_placeholders(key):
    entry = TEXT[key]
    assert set(entry) == set(LANGS)
    assert all(entry[lang].strip() for lang in LANGS)
    assert _fields(entry["en"]) == _fields(entry["ko"])


def test_korean_texts_are_korean():
    hangul = [key for key, entry in TEXT.items() if any("가" <= ch <= "힣" for ch in entry["ko"])]
    assert len(hangul) > 0.9 * len([k for k, e in TEXT.items() if e["ko"] != e["en"]])


def test_t_fills_placeholders_and_falls_back_to_english():
    assert t("queued", "en", position=2).startswith("Waiting in the queue: position 2")
    assert "2번째" in t("queued", "ko", position=2)
    assert t("run", "xx") == "Run"


def test_every_key_the_pages_use_exists():
    used = set()
    files = [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("dlenv/ui/*.py")]
    for path in files:
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "t" and node.args \
                    and isinstance(node.args[0], ast.Constant):
                used.add(node.args[0].value)
    assert used and used <= set(TEXT), used - set(TEXT)
