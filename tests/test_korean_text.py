"""Korean text that a newcomer's trial found in English or misworded: install hints, the code
comments of the Learn page's TensorFlow 1.x / 2.x example, one word for the fixed cost of a step.
Pure functions only (no page is opened), so these are fast."""

import io
import re
import tokenize
import unicodedata

import pytest

from dlenv.i18n import TEXT, t
from dlenv.measure import backends, tfversions
from dlenv.ui.messages import install_hint
from dlenv.vocab import BACKENDS

HANGUL = re.compile(r"[\uac00-\ud7a3]")


def tokens(code: str, comments: bool) -> list[tuple[int, str]]:
    return [(tok.type, tok.string) for tok in tokenize.generate_tokens(io.StringIO(code).readline)
            if (tok.type == tokenize.COMMENT) == comments and tok.type not in (tokenize.NL, tokenize.NEWLINE)]


def columns(line: str) -> int:
    """Monospace columns: a Hangul syllable takes two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in line)


@pytest.mark.parametrize("name", BACKENDS)
def test_an_install_hint_is_said_in_korean_around_its_commands(name):
    module = backends.get(name)
    text = install_hint(name, "ko")
    commands = re.findall(r"`([^`]*)`", text)
    assert commands[0] == module.INSTALL_COMMAND
    prose = re.sub(r"`[^`]*`", "", text)
    # Outside the commands: Korean, the backend's name and hardware names only.
    assert set(re.findall(r"[A-Za-z]+", prose)) <= {name, "NVIDIA", "GPU", "CPU"}, prose
    if module.INSTALL_ALTERNATIVE:
        assert commands[1] == module.INSTALL_ALTERNATIVE[1] and len(commands) == 2
        assert HANGUL.search(prose.split("(", 1)[1]), prose  # when to use the other command, in Korean
    english = install_hint(name, "en")
    assert english.startswith(f"Not installed here: {name}. Install with `{module.INSTALL_COMMAND}`")
    assert re.findall(r"`([^`]*)`", english) == commands


def test_the_jax_hint_names_the_cuda_build_for_an_nvidia_gpu_in_both_languages():
    assert install_hint("jax", "en") == ('Not installed here: jax. Install with `pip install "jax[cpu]"` '
                                         '(on an NVIDIA GPU: `pip install "jax[cuda12]"`)')
    assert install_hint("jax", "ko") == ('여기에 설치되어 있지 않음: jax. 설치 명령: `pip install "jax[cpu]"` '
                                         '(NVIDIA GPU에서는 `pip install "jax[cuda12]"`)')


@pytest.mark.parametrize("side", ["tf1", "tf2"])
def test_the_tf_example_shows_korean_comments_on_the_very_code_that_ran(side):
    code = tfversions.example_code()[side]
    assert tfversions.shown_code(code, "en") == code
    korean = tfversions.shown_code(code, "ko")
    assert tokens(korean, comments=False) == tokens(code, comments=False)  # the code itself: unchanged
    lines = {line for key, entry in TEXT.items() if key.startswith("tfv_cmt_") for line in entry["ko"].split("\n")}
    shown = [text[1:].strip() for _, text in tokens(korean, comments=True)]
    assert shown and all(comment in lines for comment in shown), shown  # every comment translated
    assert any(HANGUL.search(comment) for comment in shown)
    assert max(columns(line) for line in korean.splitlines()) <= 44  # half the page at 1280 px, as in English


def test_shell_is_spelled_as_a_shell_not_a_cell():
    assert t("shell", "ko") == "셸에서 측정하기"
    # "셀" is a notebook cell everywhere it is used (셀을 다시 실행, 첫 번째 셀), never a shell.
    for key, entry in TEXT.items():
        for found in re.finditer(r"(?<!픽)셀", entry["ko"]):
            around = entry["ko"][max(0, found.start() - 12):found.end() + 8]
            assert "노트북" in entry["ko"] or "Colab" in entry["ko"], (key, around)


def test_the_models_takeaway_and_its_caption_both_say_per_step():
    for lang, word in (("en", "per step"), ("ko", "스텝당")):
        assert word in t("models_predicted_note", lang, bound="")
        assert word in t("bound_overhead", lang)
    assert "per call" not in t("bound_overhead", "en") and "호출당" not in t("bound_overhead", "ko")
