"""Per-session state (language, session id) and the one Runner the whole server shares."""

from __future__ import annotations

import runpy
import uuid
from pathlib import Path
from typing import TYPE_CHECKING

import streamlit as st

from dlenv.i18n import LANGS, t
from dlenv.serve.runner import Runner

if TYPE_CHECKING:
    from dlenv.data.store import Store

APP = Path(__file__).resolve().parents[2] / "app.py"


def language() -> str:
    """The session's language code, "en" until the visitor picks another."""
    lang = st.session_state.get("lang")
    if lang not in LANGS:
        lang = st.session_state["lang"] = "en"
    return lang


def in_app() -> None:
    """Called by app.py on every run, just before it runs the chosen page."""
    st.session_state["_via_app"] = True


def page_language() -> str:
    """For pages/*.py: the session's language, once sure the page runs inside app.py.

    A fresh server whose first request is for a page URL (a browser reconnecting after
    a restart, a bookmarked page after Streamlit Cloud woke the app) runs pages/*.py on
    its own, in Streamlit's older pages-folder mode: no app.py, so no language picker
    and raw file names in the sidebar. Then app.py is run here, in the same script run
    (a rerun would drop a button click it carries): its st.navigation ends that mode
    and runs this page again, inside the app; the outer run stops after it.
    """
    if not st.session_state.pop("_via_app", False):
        runpy.run_path(str(APP))
        st.stop()
    return language()


def _picked() -> None:
    st.session_state["lang"] = st.session_state["_lang_picker"]


def language_picker() -> str:
    """A sidebar language selector; app.py draws it on every page, so the choice is kept."""
    lang = language()
    st.session_state["_lang_picker"] = lang
    st.sidebar.selectbox(t("language", lang), list(LANGS), format_func=LANGS.get, key="_lang_picker",
                         on_change=_picked)
    return lang


@st.cache_resource(show_spinner=False, on_release=lambda runner: runner.shutdown())
def runner() -> Runner:
    """One Runner per Streamlit server: every session shares its queue and warm workers.

    Its limits come from the environment (DLENV_MAX_MATMUL, ...). Streamlit copies
    root-level secrets (Streamlit Cloud's Secrets setting) into the environment when it
    loads them: load them before the limits are read.
    """
    st.secrets.load_if_toml_exists()
    return Runner()


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
