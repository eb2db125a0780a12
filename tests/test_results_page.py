"""The Results page: import a good and a bad file, load the reference set, download."""

import json

import pytest
import streamlit as st
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dlenv.data import reference
from dlenv.data.store import Store


@pytest.fixture()
def data_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("DLENV_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()  # a fresh Store on this folder
    yield tmp_path
    st.cache_resource.clear()


def results_page(lang="en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/results.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_an_empty_store_says_what_to_do(data_dir):
    at = results_page()
    assert "No results stored yet" in at.info[0].value


def test_reference_results_load_in_one_click_and_can_be_downloaded(data_dir):
    at = results_page()
    next(b for b in at.button if b.label.startswith("Load the reference")).click().run()
    expected = sum(len(reference.load(name)["results"]) for name in reference.names())
    assert f"Saved: {expected} new, 0 already stored." in at.success[0].value
    assert any(f"{expected} of {expected} stored results" in c.value for c in at.caption)
    assert at.dataframe[0].value.shape[0] == expected
    # Machines compared: this CPU (reference) and the H100 (published), time, throughput and speedup.
    assert len(at.get("plotly_chart")) == 3
    with Store(f"sqlite:///{data_dir}/dlenv.sqlite") as store:
        assert store.results(reference=True).shape[0] == expected


def stored(data_dir) -> int:
    with Store(f"sqlite:///{data_dir}/dlenv.sqlite") as store:
        return store.count()


def test_a_good_file_is_imported_through_the_uploader(data_dir):
    name = reference.names()[0]
    data = json.dumps(reference.load(name)).encode()  # a real results file, as the CLI writes
    at = results_page()
    at.file_uploader[0].upload("colab.json", data, "application/json").run()
    count = len(reference.load(name)["results"])
    assert f"Saved: {count} new, 0 already stored." in at.success[0].value
    assert stored(data_dir) == count


@pytest.mark.parametrize("content, problem", [
    (b'{"schema": "dlenv.results/1", "results": [', "JSON"),
    (b"\xff\xfe not utf-8", "UTF-8"),
    (json.dumps({"schema": "dlenv.results/9", "environment": {}, "results": []}).encode(), "dlenv.results/9"),
])
def test_a_bad_file_is_refused_with_a_message_and_nothing_is_lost(data_dir, content, problem):
    at = results_page("ko")
    next(b for b in at.button if "참고 결과" in b.label).click().run()
    before = stored(data_dir)
    at.file_uploader[0].upload("bad.json", content, "application/json").run()
    assert not at.exception
    [error] = at.error
    shown = error.value.replace("\\", "")  # as the page displays it, Markdown escapes removed
    # In Korean: a short Korean line naming the file; the reader's English detail below it, folded.
    assert "bad.json" in shown and "가져오지 않았고 아무것도 저장하지 않았습니다" in shown
    assert any(problem in block.value for block in at.code), [block.value for block in at.code]
    assert stored(data_dir) == before


def test_a_hostile_file_name_is_shown_as_typed_not_as_markdown(data_dir):
    at = results_page()
    at.file_uploader[0].upload("![x](http://127.0.0.1/t.png) :red[hi].json", b"{", "application/json").run()
    [error] = at.error
    assert r"\!\[x\]\(http\://127\.0\.0\.1/t\.png\) \:red\[hi\]\.json" in error.value


def test_results_measured_on_a_busy_machine_are_flagged_here_too(data_dir):
    doc = reference.load(reference.names()[0])
    doc["results"][0] = {**doc["results"][0], "other_cpu_share": 0.53, "steal_share": 0.0, "busy": True}
    at = results_page("ko")
    at.file_uploader[0].upload("busy.json", json.dumps(doc).encode(), "application/json").run()
    assert not at.exception
    assert any("다른 프로그램이 CPU를 최대 53%" in w.value for w in at.warning), [w.value for w in at.warning]
