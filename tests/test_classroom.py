"""A class's shared store: who may write, the caps, the teacher's moderation, the leaderboard.

Against real databases as tests/test_store.py does (a SQLite file, and the PostgreSQL server
of DLENV_TEST_POSTGRES_URL, a schema per test), through the public API: the Store, the CLI's
main(), and the pages under Streamlit's AppTest with a class code set in the environment or
in the secrets. The browser flow is tests/test_browser_classroom.py.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
import streamlit as st
import test_store
from conftest import ROOT
from streamlit.testing.v1 import AppTest
from test_store import make_doc, sized

from dlenv import leaderboard as lb
from dlenv.charts import card_colour
from dlenv.cli import main
from dlenv.data import results
from dlenv.data.classcode import MAX_NICKNAME, AccessError, check_nickname, hash_code, matches_hash, same_code
from dlenv.data.store import Store, TooManyResults
from dlenv.i18n import t
from dlenv.vocab import TIMED_PROVENANCES

# The store tests' databases: a SQLite file and a PostgreSQL schema (skipped locally without a server).
db_url = test_store.db_url
db = test_store.db
CODE = "올빼미-42 owl"  # not ASCII: compare_digest on str would refuse it
PASSWORD = "teach\u00e9r-99"


# --- nicknames and codes -----------------------------------------------------------


@pytest.mark.parametrize("hostile", ["x" * (MAX_NICKNAME + 1), "kim\nlee", "kim\x00", "tab\there", "\u202eevil",
                                     "zero\u200bwidth", "\x1b[31mred", "\ud800", 42, b"kim", ["kim"]])
def test_a_hostile_nickname_is_refused_without_quoting_it(hostile):
    with pytest.raises(AccessError) as caught:
        check_nickname(hostile)
    assert str(hostile) not in str(caught.value) or not isinstance(hostile, str) or len(str(hostile)) < 3


def test_nicknames_are_trimmed_and_markup_is_kept_as_typed():
    assert check_nickname("  김민지  ") == "김민지"
    assert check_nickname("<b>kim</b> ![x](y)") == "<b>kim</b> ![x](y)"  # escaped where shown, not here
    assert check_nickname("   ") is None and check_nickname(None) is None
    with pytest.raises(AccessError, match="a nickname is needed"):
        check_nickname("", required=True)


@pytest.mark.parametrize("typed", [None, 42, "", "  ", "x" * 10_000, "owl\x00", CODE + "\u200b", CODE + "\x00", "올빼미-42\nowl",
                                   "올빼미-42"])
def test_a_wrong_or_hostile_code_never_matches_and_never_raises(typed):
    stored = hash_code(CODE)
    assert not matches_hash(typed, stored)
    assert not same_code(typed, CODE)
    assert not matches_hash(CODE, "scrypt$99999999999$8$1$AAAA$AAAA")  # a hostile stored value: False, no hang


def test_the_stored_hash_is_salted_and_holds_no_trace_of_the_code():
    first, second = hash_code(CODE), hash_code(CODE)
    assert first != second and matches_hash(CODE, first) and matches_hash(f"  {CODE} ", second)
    assert CODE not in first and CODE.encode().hex() not in first
    assert same_code(CODE, CODE) and same_code(f" {CODE}", CODE)


# --- the store: who, when, how; hide and restore; caps ------------------------------


def test_each_result_records_who_added_it_when_and_how(db):
    db.save_document(make_doc([sized(64)]), source="upload", added_by="  kim ")
    db.save_document(make_doc([sized(128)]), source="push")
    table = db.results().set_index("param_n")
    assert table.loc[64, "added_by"] == "kim" and table.loc[64, "source"] == "upload"
    assert pd.isna(table.loc[128, "added_by"]) and table.loc[128, "source"] == "push"
    assert table["added_at"].notna().all()
    with pytest.raises(AccessError):
        db.save_document(make_doc([sized(256)]), added_by="a\nb")
    assert db.count() == 2  # the refused save stored nothing


def test_moderation_hides_and_restores_results_and_a_nickname_without_deleting(db):
    db.save_document(make_doc([sized(64), sized(128)], machine="kim-pc"), source="upload", added_by="kim")
    db.save_document(make_doc([sized(256)], machine="lee-pc"), source="upload", added_by="lee")
    ids = dict(zip(db.results()["param_n"], db.results()["id"], strict=True))
    assert db.hide([ids[256]], by="teacher") == 1
    assert db.hide([ids[256]], by="teacher") == 0  # already hidden
    assert sorted(db.results()["param_n"]) == [64, 128] and db.count() == 2 and db.count(hidden=None) == 3
    assert [r["params"]["n"] for r in db.document()["results"]] == [64, 128]
    assert db.values("machine") == ["kim-pc"]
    hidden = db.additions().set_index("id").loc[ids[256]]
    assert hidden["hidden_by"] == "teacher" and hidden["added_by"] == "lee" and hidden["hidden_at"] is not None
    assert db.hide(added_by="kim", by="teacher") == 2 and db.count() == 0
    assert db.best("gflops", workload="matmul")[1] == 0
    assert db.restore(added_by="kim") == 2 and db.restore([ids[256]]) == 1
    assert db.count() == 3 and db.results(hidden=True).empty
    with pytest.raises(TypeError):
        db.hide(by="teacher")  # neither ids nor a nickname: not "everything"
    assert not hasattr(db, "delete")


def test_a_file_over_the_results_cap_is_refused_before_anything_is_stored(db):
    db.save_document(make_doc([sized(64)]))
    data = results.dumps(make_doc([sized(n) for n in (128, 256, 512)])).encode()
    with pytest.raises(TooManyResults, match="holds 3 results, more than the 2"):
        db.import_bytes(data, "three.json", max_results=2)
    assert db.count(hidden=None) == 1
    assert db.import_bytes(data, "three.json", max_results=3, added_by="kim").added == 3


def test_the_class_code_is_kept_as_a_salted_hash_only(db, db_url):
    assert not db.class_code_required() and db.check_class_code("anything")
    assert db.set_class_code(CODE) and not db.set_class_code(CODE)  # the same code: nothing written
    assert db.class_code_required() and db.check_class_code(CODE) and not db.check_class_code("owl")
    with Store(db_url) as other:  # another writer of the same database sees it
        assert other.class_code_required() and other.check_class_code(f" {CODE} ")
    if db_url.startswith("sqlite"):
        assert CODE.encode() not in Path(db_url.removeprefix("sqlite:///")).read_bytes()
    assert db.set_class_code(None) and not db.class_code_required()


def at_rate(n: int, gflops: float, **changes) -> dict:
    """A float32 matmul of size n (params m = n = k) that ran at ``gflops``."""
    return sized(n, median_s=2.0 * n**3 / gflops / 1e9, params={"m": n, "n": n, "k": n}, **changes)


@pytest.mark.parametrize(("value", "throughput", "ratio"), [
    (1190.4, "1,190", "1,190×"), (2.43, "2.43", "2.4×"), (56.84, "56.8", "57×"), (0.03277, "0.0328", "0.033×"),
    (123456.0, "123,000", "123,456×"), (99.96, "100", "100×"), (float("nan"), "", ""), (None, "", "")])
def test_board_numbers_read_as_people_write_them(value, throughput, ratio):
    assert lb.value_text(value) == throughput and lb.ratio_text(value) == ratio


def test_the_database_ranks_the_same_board_as_pandas(db):
    for machine, speed in (("a", 1.0), ("b", 3.0), ("c", 2.0)):
        rows = [at_rate(n, speed * n, measured_at=f"2026-11-{10 + n // 64:02d}T00:00:00Z") for n in (64, 128, 256)]
        db.save_document(make_doc(rows, machine=machine), added_by=machine)
    best, total = db.best("gflops", workload="matmul", dtype="float32", provenance=list(TIMED_PROVENANCES))
    every = db.results(workload="matmul")
    assert total == 9 and lb.board(best, "matmul")["id"].tolist() == lb.board(every, "matmul")["id"].tolist()
    table = lb.board(best, "matmul")
    assert table["machine"].tolist() == ["b", "c", "a"]
    assert table["value"].tolist() == pytest.approx([768.0, 512.0, 256.0])
    assert table["times_median"].tolist() == pytest.approx([1.5, 1.0, 0.5])  # over the median CPU (c: 512)
    _, since = db.best("gflops", workload="matmul", since="2026-11-13")
    assert since == 3  # the n=256 rows only (measured on the 14th)


# --- the command line --------------------------------------------------------------


def test_push_needs_the_code_and_a_nickname_and_never_prints_the_code(db_url, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("DLENV_CLASS_CODE", raising=False)
    monkeypatch.delenv("DLENV_NICKNAME", raising=False)
    with Store(db_url) as db:
        db.set_class_code(CODE)
    path = tmp_path / "mine.json"
    path.write_text(results.dumps(make_doc([sized(64)])))
    push = ["push", str(path), "--db", db_url]
    assert main(push + ["--nickname", "kim"]) == 2
    assert main(push + ["--nickname", "kim", "--class-code", "owl"]) == 2
    assert main(push + ["--class-code", CODE]) == 2  # no nickname
    monkeypatch.setenv("DLENV_CLASS_CODE", CODE)
    assert main(push + ["--nickname", "kim\nlee"]) == 2
    with Store(db_url) as db:
        assert db.count(hidden=None) == 0
    assert main(push + ["--nickname", "kim"]) == 0
    out = capsys.readouterr()
    assert "has a class code" in out.err and "is not the one" in out.err and "control characters" in out.err
    assert CODE not in out.out + out.err and "owl" not in out.out + out.err
    with Store(db_url) as db:
        [row] = db.results().to_dict("records")
    assert row["added_by"] == "kim" and row["source"] == "push"


def test_class_code_command_records_and_clears_from_the_environment(db_url, capsys, monkeypatch):
    monkeypatch.setenv("DLENV_CLASS_CODE", CODE)
    assert main(["class-code", "--db", db_url]) == 0 and main(["class-code", "--db", db_url]) == 0
    with Store(db_url) as db:
        assert db.check_class_code(CODE) and not db.check_class_code("x")
    assert main(["class-code", "--db", db_url, "--clear"]) == 0
    out = capsys.readouterr().out
    assert "recorded" in out and "unchanged" in out and "removed" in out and CODE not in out


# --- the pages, under AppTest ---------------------------------------------------------


@pytest.fixture()
def class_app(tmp_path, monkeypatch):
    """The app on a fresh SQLite file with a class code, a teacher's password and an upload cap of 2."""
    monkeypatch.setenv("DLENV_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("DLENV_CLASS_CODE", CODE)
    monkeypatch.setenv("DLENV_TEACHER_PASSWORD", PASSWORD)
    monkeypatch.setenv("DLENV_UPLOADS_PER_HOUR", "2")
    monkeypatch.setenv("DLENV_MAX_RESULTS_PER_UPLOAD", "3")
    st.cache_resource.clear()  # a fresh Store on this folder
    yield tmp_path
    st.cache_resource.clear()


def open_page(page: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page(f"pages/{page}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def stored(folder) -> int:
    with Store(f"sqlite:///{folder}/dlenv.sqlite") as db:
        return db.count(hidden=None)


def page_text(at: AppTest) -> str:
    """Everything the page shows and every widget value the session keeps."""
    state = at.session_state._state._state
    return repr(at._tree) + repr(state._new_widget_state) + repr(dict(state._old_state))


def type_secret(at: AppTest, label: str, button: str, value: str) -> None:
    next(field for field in at.text_input if field.label == label).input(value)
    next(b for b in at.button if b.label == button).click().run()


def upload(at: AppTest, name: str, doc: dict) -> None:
    at.file_uploader[0].upload(name, results.dumps(doc).encode(), "application/json").run()


def test_page_writes_need_the_code_then_store_with_the_nickname(class_app):
    at = open_page("results")
    upload(at, "kim.json", make_doc([sized(64)], machine="kim-laptop"))
    assert t("class_need_code", "en") in [e.value for e in at.error] and stored(class_app) == 0
    next(b for b in at.button if b.label.startswith("Load the reference")).click().run()
    assert stored(class_app) == 0  # the reference sets are a write too
    at.text_input(key="class_nickname").input("kim").run()
    type_secret(at, t("class_code", "en"), t("class_unlock", "en"), "not it")
    assert t("class_wrong_code", "en") in [e.value for e in at.error] and stored(class_app) == 0
    type_secret(at, t("class_code", "en"), t("class_unlock", "en"), CODE)
    # Unlocking stores nothing by itself: the file kept in the uploader waits for its own button.
    assert not at.exception and stored(class_app) == 0
    assert any("kim\\.json is not stored yet" in info.value for info in at.info)
    assert not any(field.label == t("class_code", "en") for field in at.text_input)
    at.run()
    assert stored(class_app) == 0
    at.button(key="class_store_upload").click().run()
    assert stored(class_app) == 1
    [done] = at.success
    assert "Saved: 1 new" in done.value and done.value.endswith(t("class_stored_as", "en", nickname="kim"))
    assert not any(b.key == "class_store_upload" for b in at.button)  # stored once: no button left
    at.run()
    assert stored(class_app) == 1
    with Store(f"sqlite:///{class_app}/dlenv.sqlite") as db:
        [row] = db.results().to_dict("records")
        assert row["added_by"] == "kim" and row["source"] == "upload"
        exported = results.dumps(db.document()) + results.to_csv(db.document())
    at.run()
    for secret in (CODE, PASSWORD):
        assert secret not in page_text(at) and secret not in exported
    assert CODE.encode() not in (class_app / "dlenv.sqlite").read_bytes()


def test_an_upload_refused_for_want_of_a_nickname_waits_for_its_button(class_app):
    """Typing the nickname after a refusal stores nothing by itself (the newcomer trial's upload
    was stored on the keystroke); pressing the file's Store button does, and says under which name."""
    at = open_page("results", "ko")
    type_secret(at, t("class_code", "ko"), t("class_unlock", "ko"), CODE)
    upload(at, "kim.json", make_doc([sized(64)], machine="kim-laptop"))
    assert t("class_need_nickname", "ko") in [e.value for e in at.error] and stored(class_app) == 0
    at.text_input(key="class_nickname").input("김민지").run()
    assert stored(class_app) == 0 and not at.error and not at.success
    assert any(info.value.startswith("kim\\.json 파일은 아직 저장하지 않았습니다") for info in at.info)
    at.button(key="class_store_upload").click().run()
    assert stored(class_app) == 1 and "닉네임 김민지(으)로 추가했습니다." in at.success[0].value
    with Store(f"sqlite:///{class_app}/dlenv.sqlite") as db:
        assert db.nicknames() == ["김민지"]


def test_a_long_or_hostile_nickname_is_refused_on_the_page_not_cut(class_app):
    """The field does not cut at the limit (the newcomer trial's 60 characters became 40 silently):
    it says the limit, and a longer, control-character or empty nickname is refused, unquoted."""
    at = open_page("results")
    field = at.text_input(key="class_nickname")
    assert field.max_chars > MAX_NICKNAME and f"{MAX_NICKNAME} characters" in field.label
    assert "refused, not cut" in field.help
    type_secret(at, t("class_code", "en"), t("class_unlock", "en"), CODE)
    upload(at, "kim.json", make_doc([sized(64)], machine="kim-laptop"))
    for hostile, said in [("k" * 60, t("class_nickname_too_long", "en", count=60, max=MAX_NICKNAME)),
                          ("kim\x07bell", t("class_nickname_control", "en")),
                          ("\u202eevil", t("class_nickname_control", "en")),
                          ("kim\nlee", t("class_nickname_control", "en")),
                          ("   ", None)]:
        at.text_input(key="class_nickname").input(hostile).run()
        if said is not None:
            assert said in [e.value for e in at.error]
        at.button(key="class_store_upload").click().run()
        wanted = t("class_need_usable_nickname" if said else "class_need_nickname", "en")
        assert wanted in [e.value for e in at.error] and stored(class_app) == 0
        shown = repr(at._tree)
        assert hostile.strip() not in shown or not hostile.strip()
    at.text_input(key="class_nickname").input("<b>kim</b> *x*").run()  # markup: kept as typed, shown escaped
    at.button(key="class_store_upload").click().run()
    assert stored(class_app) == 1 and "<b>" not in at.success[0].value
    assert at.success[0].value.endswith(t("class_stored_as", "en", nickname="\\<b\\>kim\\</b\\> \\*x\\*"))
    with Store(f"sqlite:///{class_app}/dlenv.sqlite") as db:
        assert db.nicknames() == ["<b>kim</b> *x*"]


def test_the_caps_refuse_with_when_to_try_again_and_store_nothing(class_app):
    at = open_page("results", "ko")
    at.text_input(key="class_nickname").input("lee").run()
    type_secret(at, t("class_code", "ko"), t("class_unlock", "ko"), CODE)
    upload(at, "four.json", make_doc([sized(n) for n in (64, 128, 256, 512)]))  # over the 3-result cap
    assert any("4개" in e.value and "3개" in e.value for e in at.error) and stored(class_app) == 0
    upload(at, "one.json", make_doc([sized(64)]))
    assert stored(class_app) == 1
    upload(at, "two.json", make_doc([sized(128)]))  # the third upload this hour, over the cap of 2
    [error] = at.error
    assert "2개" in error.value and "분 뒤에 다시" in error.value and stored(class_app) == 1


@pytest.mark.parametrize("hostile", ["x" * 300, "\x00\n", "'; DROP TABLE results; --", "<script>alert(1)</script>"])
def test_hostile_codes_are_refused_on_the_page_without_being_shown(class_app, hostile):
    at = open_page("results")
    type_secret(at, t("class_code", "en"), t("class_unlock", "en"), hostile)
    assert not at.exception and t("class_wrong_code", "en") in [e.value for e in at.error]
    shown = repr(at._tree)
    assert hostile not in shown and "alert(1)" not in shown and stored(class_app) == 0


def test_the_teacher_hides_and_restores_and_the_leaderboard_follows(class_app):
    with Store(f"sqlite:///{class_app}/dlenv.sqlite") as db:
        db.save_document(make_doc([sized(64)], machine="kim-laptop"), source="upload", added_by="kim")
        db.save_document(make_doc([sized(128)], machine="lee-laptop"), source="upload", added_by="<b>lee</b>")
    at = open_page("leaderboard")
    assert at.dataframe[0].value["Machine"].tolist() == ["lee-laptop", "kim-laptop"]
    assert len(at.dataframe) == 1  # the moderation list needs the password
    type_secret(at, t("class_teacher_password", "en"), t("class_teacher_unlock", "en"), "guess")
    assert t("class_wrong_password", "en") in [e.value for e in at.error]
    type_secret(at, t("class_teacher_password", "en"), t("class_teacher_unlock", "en"), PASSWORD)
    additions = at.dataframe[1].value
    assert set(additions["Who · how"]) == {"kim · page: upload", "<b>lee</b> · page: upload"}
    at.selectbox(key="class_mod_nickname").select("kim").run()
    next(b for b in at.button if b.label == t("class_hide_nickname", "en")).click().run()
    assert at.dataframe[0].value["Machine"].tolist() == ["lee-laptop"]
    assert "hidden by teacher" in at.dataframe[1].value["Hidden"].tolist()
    next(b for b in at.button if b.label == t("class_restore_nickname", "en")).click().run()
    assert at.dataframe[0].value["Machine"].tolist() == ["lee-laptop", "kim-laptop"]
    assert PASSWORD not in page_text(at)
    with Store(f"sqlite:///{class_app}/dlenv.sqlite") as db:
        assert db.count(hidden=None) == 2


def test_the_class_section_of_the_secrets_sets_the_code(tmp_path, monkeypatch):
    for name in ("DLENV_CLASS_CODE", "DLENV_TEACHER_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DLENV_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.secrets["class"] = {"code": CODE, "teacher_password": PASSWORD}
    at.run()
    at.switch_page("pages/results.py").run()
    assert any(field.label == t("class_code", "en") for field in at.text_input)
    with Store(f"sqlite:///{tmp_path}/dlenv.sqlite") as db:  # recorded for the CLI
        assert db.class_code_required() and db.check_class_code(CODE)
    st.cache_resource.clear()


def test_without_a_code_writing_and_moderation_stay_open(tmp_path, monkeypatch):
    for name in ("DLENV_CLASS_CODE", "DLENV_TEACHER_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DLENV_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    at = open_page("results", "ko")
    assert not any(field.label == t("class_code", "ko") for field in at.text_input) and not at.error
    upload(at, "mine.json", make_doc([sized(64)], machine="내 노트북"))
    assert stored(tmp_path) == 1
    at.switch_page("pages/leaderboard.py").run()
    assert not at.exception and not at.error and at.title[0].value == t("lb_title", "ko")
    assert at.dataframe[0].value[t("col_machine", "ko")].tolist() == ["내 노트북"]
    assert len(at.dataframe) == 2  # the moderation list, open on a local install
    st.cache_resource.clear()


def test_the_leaderboard_draws_published_and_predicted_gpus_as_lines_not_ranks(class_app):
    rows = [at_rate(n, 100.0 + n) for n in (1024, 2048)]
    with Store(f"sqlite:///{class_app}/dlenv.sqlite") as db:
        db.save_document(make_doc(rows, machine="kim-laptop"), added_by="kim")
    at = open_page("leaderboard")
    board = at.dataframe[0].value
    assert board["Rank"].tolist()[0] == "1" and set(board["Rank"].tolist()[1:]) == {"-"}
    # One name per card, as on every chart: the published H100 is not "NVIDIA H100 80GB HBM3" here.
    lines = board[board["Rank"] == "-"]
    assert set(lines["Device name"]) == {"H100 SXM · TF32", "T4"} and len(lines) == 3  # H100 published + predicted
    assert set(lines["Size · backend"]) <= {"N=1024", "N=2048"} and board["× median laptop"].iloc[0] == "1×"
    # For people: 3 significant figures with separators and "2.4×", never "2.15e+03" (the newcomer trial).
    assert board["Best (GFLOP/s)"].iloc[0] == "2,150" and board["Size · backend"].iloc[0] == "2048 · jax"
    cells = board[["Best (GFLOP/s)", "× median laptop"]].to_numpy().ravel().tolist()
    assert all(cell and "e+" not in cell and "e-" not in cell for cell in cells)
    assert all(cell.endswith("×") for cell in board["× median laptop"]) and "2,150 GFLOP/s" in at.caption[1].value
    figure = json.loads(at.get("plotly_chart")[0].proto.spec)
    bars = [trace for trace in figure["data"] if trace["type"] == "bar"]
    assert len(bars) == 1 and len(bars[0]["y"]) == 1  # one bar: the class's one machine
    # Each line is named in the legend below, never written over the bars.
    legend = {trace["name"] for trace in figure["data"] if trace["type"] == "scatter"}
    assert legend == {"H100 SXM · TF32 (published)", "H100 SXM · TF32 (predicted)", "T4 (predicted)", "median laptop"}
    assert not figure["layout"].get("annotations") and len(figure["layout"]["shapes"]) == 4
    colours = {trace["name"]: trace["line"]["color"] for trace in figure["data"] if trace["type"] == "scatter"}
    assert colours["H100 SXM · TF32 (published)"] == colours["H100 SXM · TF32 (predicted)"] == card_colour("H100 SXM")
    assert colours["T4 (predicted)"] == card_colour("T4") != card_colour("H100 SXM")
    assert os.environ["DLENV_CLASS_CODE"] not in json.dumps(figure)


def test_after_five_wrong_codes_a_session_waits_before_the_next_try(class_app):
    at = open_page("results")
    for _ in range(5):
        type_secret(at, t("class_code", "en"), t("class_unlock", "en"), "guess")
        assert t("class_wrong_code", "en") in [e.value for e in at.error]
    type_secret(at, t("class_code", "en"), t("class_unlock", "en"), CODE)  # even the right one waits
    [error] = at.error
    assert error.value.startswith("Too many wrong tries: try again in ") and stored(class_app) == 0
    assert any(field.label == t("class_code", "en") for field in at.text_input)  # still locked


def test_the_leaderboard_and_moderation_have_no_english_words_in_korean(tmp_path, monkeypatch):
    from test_korean_ui import names_from_data, offenders

    for name in ("DLENV_CLASS_CODE", "DLENV_TEACHER_PASSWORD"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("DLENV_DATA_DIR", str(tmp_path))
    st.cache_resource.clear()
    at = open_page("results", "ko")
    next(b for b in at.button if b.label == t("res_reference", "ko")).click().run()
    at.text_input(key="class_nickname").input("민지").run()
    upload(at, "mine.json", make_doc([at_rate(n, 20.0 * n) for n in (256, 1024)], machine="민지 노트북"))
    at.switch_page("pages/leaderboard.py").run()
    assert at.get("plotly_chart") and len(at.dataframe) == 2  # the board and the moderation list
    board = at.dataframe[0].value
    assert board[t("lb_col_best", "ko", unit="GFLOP/s")].tolist()[:1] == ["20,500"]  # 20.0 x 1024, 3 figures
    assert all(cell.endswith("×") and "e+" not in cell for cell in board[t("lb_col_times", "ko")] if cell)
    assert offenders(at, [*names_from_data(), "민지 노트북", "민지"]) == []
    st.cache_resource.clear()


@pytest.mark.parametrize("value", ["0", "-1", "abc", "1e3", "2.5", "99999999999", "١٢", "1_000", "+5"])
def test_an_unusable_cap_is_named_and_closes_writing_without_breaking_the_pages(class_app, monkeypatch, value):
    monkeypatch.setenv("DLENV_UPLOADS_PER_HOUR", value)
    at = open_page("results")
    assert any("DLENV_UPLOADS_PER_HOUR must be a whole number" in e.value for e in at.error)
    upload(at, "mine.json", make_doc([sized(64)]))
    assert not at.exception and stored(class_app) == 0
    at.switch_page("pages/leaderboard.py").run()
    assert not at.exception and at.title[0].value == t("lb_title", "en")


def test_the_readme_says_in_both_languages_that_the_caps_are_per_browser_session():
    """The caps are per browser session: the Cloud section must not promise more (a new tab starts over)."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("**A class leaderboard people can trust"):readme.index("## Command line")]
    english, korean = section.split("**교사용 안내")
    assert "The caps count per browser session" in english and "a new tab" in english
    assert "not a student who wants to get" in english
    assert "이 제한은 브라우저 세션마다 세며" in korean and "새 탭" in korean and "막지 못합니다" in korean
    for text in (english, korean):
        assert "DLENV_UPLOADS_PER_HOUR" in text and "DLENV_MAX_RESULTS_PER_UPLOAD" in text
