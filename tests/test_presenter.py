"""Presenter mode (issue 15 item 5): the query parameter and the switch, what it hides, Replay.

AppTest runs the app in this process; the Quick demo measured here is real (a TensorFlow
worker), and the module fixture shuts the shared runner down.
"""


import pytest
from apptest import TIMEOUT_S, button, isolated_app, settle
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dlenv.i18n import t


@pytest.fixture(scope="module", autouse=True)
def shared_runner(tmp_path_factory):
    yield from isolated_app(tmp_path_factory)


def app(lang: str = "en", **query: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.session_state["lang"] = lang
    at.query_params.update(query)
    return at.run()


def style(at: AppTest) -> str:
    return "\n".join(html.value for html in at.get("html"))


def sidebar_widgets(at: AppTest) -> list:
    return [*at.sidebar.selectbox, *at.sidebar.toggle, *at.sidebar.button]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_query_parameter_turns_presenter_mode_on_and_leave_turns_it_off(lang):
    at = app(lang, presenter="1")
    assert not at.exception
    assert at.session_state["presenter"] is True
    assert sidebar_widgets(at) == []  # nothing drawn in the sidebar: Streamlit shows none
    css = style(at)
    assert "font-size: 22px" in css and 'data-testid="stSidebar"' in css and "stToolbarActions" in css
    assert at.toggle(key="_presenter_replay_switch").label == t("presenter_replay", lang)

    button(at, t("presenter_leave", lang)).click().run()
    assert at.session_state["presenter"] is False and "presenter" not in at.query_params
    assert style(at) == ""  # the normal app: no presenter style sheet
    assert at.sidebar.selectbox[0].label == t("language", lang)
    assert at.sidebar.toggle(key="_presenter_switch").label == t("presenter_mode", lang)


def test_the_sidebar_switch_turns_it_on_and_puts_it_in_the_address():
    at = app()
    assert style(at) == "" and at.sidebar.toggle(key="_presenter_switch").value is False
    at.sidebar.toggle(key="_presenter_switch").set_value(True).run()
    assert at.session_state["presenter"] is True and at.query_params.get("presenter") == "1"
    assert sidebar_widgets(at) == [] and "stSidebar" in style(at)
    at.switch_page("pages/matmul.py").run()  # kept across pages
    assert "stSidebar" in style(at) and sidebar_widgets(at) == []


def test_presenter_mode_off_explicitly_in_the_address():
    at = app(presenter="0")
    assert at.session_state["presenter"] is False and style(at) == ""


def test_replay_shows_the_last_run_of_the_same_demo_labelled_with_its_time_and_measures_nothing():
    from dlenv.ui import presenter
    from dlenv.ui.state import store

    first = app()  # an ordinary session measures the Quick demo
    button(first, t("demo_run", "en")).click().run()
    settle(first, "environment")
    measured = first.session_state["_last_environment"]["result"]
    assert measured["results"]

    shown = app(presenter="1")  # the presenter, in another session, with Replay on
    shown.toggle(key="_presenter_replay_switch").set_value(True).run()
    button(shown, t("demo_run", "en")).click().run()
    assert "_job_environment" not in shown.session_state  # nothing queued
    [info] = [i.value for i in shown.info if i.value.startswith("Replay:")]
    assert info == t("replayed", "en", when=info.split(" at ")[1].split(",")[0])
    assert shown.session_state["_last_environment"]["result"] is measured
    assert len(shown.get("plotly_chart")) == 1

    # After a server restart only the database has it: saved there, it is replayed from there.
    store().save_document(measured, source="dashboard")
    presenter._shelf.clear()
    again = app(presenter="1")
    again.toggle(key="_presenter_replay_switch").set_value(True).run()
    button(again, t("demo_run", "en")).click().run()
    assert "_job_environment" not in again.session_state
    replayed = again.session_state["_last_environment"]["result"]
    assert sorted(r["median_s"] for r in replayed["results"]) == sorted(r["median_s"] for r in measured["results"])
    assert any(i.value.startswith("Replay:") for i in again.info)


def test_replay_with_nothing_stored_says_so_and_measures():
    from dlenv.measure.workloads import Matmul
    from dlenv.serve.plan import Plan
    from dlenv.ui import presenter

    at = app(presenter="1")
    at.toggle(key="_presenter_replay_switch").set_value(True).run()
    assert presenter.replay(Plan((Matmul.square(96),), budget_s=0.1)) is None  # never measured
    at.switch_page("pages/matmul.py").run()
    at.multiselect(key="mm_sizes").set_value([64]).run()
    button(at, t("run", "en")).click().run()
    assert t("replay_none", "en") in [c.value for c in at.caption]
    settle(at, "matmul")
    assert not at.exception and at.session_state["_last_matmul"].get("replayed") is None
