"""Per-session state (language, session id), the app's navigation and the one Runner the whole server shares."""

from __future__ import annotations

import os
import uuid
from typing import TYPE_CHECKING

import psutil
import streamlit as st

from dlenv.i18n import LANGS, t
from dlenv.serve.limits import BASELINE_MB, Limits
from dlenv.serve.runner import Runner
from dlenv.ui import presenter

if TYPE_CHECKING:
    from dlenv.data.store import Store

# The pages, in sidebar order: (script, title key in dlenv.i18n, icon).
PAGES = [
    ("pages/environment.py", "page_environment", ":material/memory:"),
    ("pages/matmul.py", "page_matmul", ":material/grid_on:"),
    ("pages/models.py", "page_models", ":material/account_tree:"),
    ("pages/training.py", "page_training", ":material/model_training:"),
    ("pages/backends.py", "page_backends", ":material/compare_arrows:"),
    ("pages/results.py", "page_results", ":material/table_chart:"),
    ("pages/leaderboard.py", "page_leaderboard", ":material/leaderboard:"),
    ("pages/learn.py", "page_learn", ":material/school:"),
]
_IN_APP = "_in_app"  # session-state marker: navigation() ran in this script run


def language() -> str:
    """The session's language code, "en" until the visitor picks another."""
    lang = st.session_state.get("lang")
    if lang not in LANGS:
        lang = st.session_state["lang"] = "en"
    return lang


# Why pages/*.py call page_language() first, and why .streamlit/config.toml sets
# client.showSidebarNavigation = false (facts from Streamlit 1.67's source):
#
# - runtime/pages_manager.py: the first session a server creates sets the class
#   attribute PagesManager.uses_pages_directory to whether a pages/ folder lies beside
#   the main script (here it does: app.py and pages/ are the project's layout). Only a
#   public st.navigation call (commands/navigation.py) sets it to False, for good.
# - runtime/scriptrunner/script_runner.py: while it is True, a run does not execute
#   app.py but _mpa_v1(): a navigation built from the file names in pages/, sent to the
#   browser, then the page the URL names. So a fresh server whose first session opens a
#   page URL (a browser reconnecting after a restart, a bookmark when Streamlit Cloud
#   wakes the app) runs pages/matmul.py without app.py. (AppTest resets the attribute
#   to None on every run, so under AppTest every page runs this way.)
# - _mpa_v1() hides that navigation when client.showSidebarNavigation is False, and so
#   does st.navigation(position="sidebar"); the option is scriptable (st.set_option).
#
# Hence: the config turns the option off, so the pages-folder navigation is sent
# hidden and its file-name links never show; navigation() turns it back on just before
# its own st.navigation, which ends the pages-folder mode for the server. A page run
# without navigation() in the same run (page_language() finds no marker) calls
# navigation() itself and runs the page inside it, in the same script run (a rerun
# would drop a button click the run carries), then stops the outer run.


def navigation() -> st.Page:
    """The app's frame: page config, language picker and navigation; returns the page to run.

    app.py runs the returned page; page_language() calls this when Streamlit ran a
    page without app.py (see the comment above).
    """
    showing = presenter.begin()  # before set_page_config: presenter mode starts with the sidebar collapsed
    st.set_page_config(page_title="dlenv", page_icon=":material/speed:", layout="wide",
                       initial_sidebar_state="collapsed" if showing else "auto")
    _start_runner()  # the TensorFlow worker starts loading while the visitor reads the page
    lang = language()
    if showing:
        presenter.frame(lang)  # large fonts, no sidebar or toolbar; the way out on the page
    else:
        language_picker()
        presenter.switch(lang)
    st.session_state[_IN_APP] = True
    st.set_option("client.showSidebarNavigation", True)  # off in config.toml until now, see above
    return st.navigation([
        st.Page(script, title=t(key, lang), icon=icon, default=(i == 0))
        for i, (script, key, icon) in enumerate(PAGES)
    ], position="top" if showing else "sidebar")  # presenter mode: the pages along the top, no sidebar


def page_language() -> str:
    """For pages/*.py, first thing: the session's language, once sure the page runs inside the app."""
    if not st.session_state.pop(_IN_APP, False):
        navigation().run()  # runs this page again, inside the app
        st.stop()
    return language()


def _picked() -> None:
    st.session_state["lang"] = st.session_state["_lang_picker"]


def language_picker() -> str:
    """A sidebar language selector; navigation() draws it on every page, so the choice is kept."""
    lang = language()
    st.session_state["_lang_picker"] = lang
    st.sidebar.selectbox(t("language", lang), list(LANGS), format_func=LANGS.get, key="_lang_picker",
                         on_change=_picked)
    return lang


PREWARM_BACKEND = "tensorflow"  # the Quick demo's backend, and the slowest to start (seconds)


def prewarm_fits(limits: Limits, available_bytes: int | None = None) -> bool:
    """Whether this machine has memory for a TensorFlow worker nobody asked for yet.

    Its resident size once started (``BASELINE_MB``, measured by bench/memory.py) must be
    under this deployment's per-process limit (``DLENV_WORKER_MEMORY_MB``, where set: else
    the worker could run nothing), and the memory available now
    (``psutil.virtual_memory().available``, or ``available_bytes``) must hold it twice over,
    so that a small Cloud instance keeps room for the app and the visitor's own request.
    ``DLENV_PREWARM=0`` turns prewarming off.
    """
    if os.environ.get("DLENV_PREWARM", "1") == "0":
        return False
    need = BASELINE_MB[PREWARM_BACKEND] * 2**20
    if limits.worker_memory_bytes is not None and need >= limits.worker_memory_bytes:
        return False
    available = psutil.virtual_memory().available if available_bytes is None else available_bytes
    return available >= 2 * need


@st.cache_resource(show_spinner=False, on_release=lambda runner: runner.shutdown())
def _shared_runner() -> Runner:
    # Streamlit copies root-level secrets (Streamlit Cloud's Secrets setting) into the
    # environment when it loads them: load them before the limits are read.
    st.secrets.load_if_toml_exists()
    shared = Runner()
    if prewarm_fits(shared.limits):
        shared.prewarm(PREWARM_BACKEND)  # a thread; the first Quick demo then finds it warm
    return shared


def _start_runner() -> None:
    """Create the shared Runner on the first page render (it prewarms TensorFlow); never stops
    the page: an unusable limit is said by the first page that measures (``runner()``)."""
    try:
        _shared_runner()
    except ValueError:
        pass


def runner() -> Runner:
    """One Runner per Streamlit server: every session shares its queue and warm workers.

    Its limits come from the environment (DLENV_MAX_MATMUL, ...). A limit set to something
    unusable stops the page with one message naming it, not a traceback.
    """
    try:
        return _shared_runner()
    except ValueError as exc:  # Limits.from_env: "DLENV_MAX_WORKERS must be a whole number >= 1, got 'abc'"
        st.error(t("bad_setting", language(), message=exc))
        st.stop()


def session_id() -> str:
    """A stable id for this browser session (the runner's per-session queue quota)."""
    if "session_id" not in st.session_state:
        st.session_state["session_id"] = uuid.uuid4().hex
    return st.session_state["session_id"]


def _database_url() -> str:
    """``[connections.dlenv] url`` from Streamlit secrets (a shared class database on
    Streamlit Cloud), else DLENV_DATABASE_URL, else the local SQLite file."""
    try:
        return st.secrets["connections"]["dlenv"]["url"]
    except (KeyError, FileNotFoundError):
        from dlenv.data.store import database_url

        return database_url()


@st.cache_resource(show_spinner=False, on_release=lambda store: store.close())
def store() -> Store:
    """One Store (connection pool) per server; raises ``store.StoreError`` with a safe message."""
    from dlenv.data.store import Store  # SQLAlchemy loads with the first page that needs the store

    return Store(_database_url())
