"""Per-session state (language, session id) and the one Runner the whole server shares."""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

import streamlit as st

from dlenv.i18n import LANGS, t
from dlenv.runner import Runner

if TYPE_CHECKING:
    from dlenv.store import Store


def language() -> str:
    """The session's language code, "en" until the visitor picks another."""
    lang = st.session_state.get("lang")
    if lang not in LANGS:
        lang = st.session_state["lang"] = "en"
    return lang


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
    """One Runner per Streamlit server: every session shares its queue and warm workers."""
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
        from dlenv.store import database_url

        return database_url()


@st.cache_resource(show_spinner=False, on_release=lambda store: store.close())
def store() -> Store:
    """One Store (connection pool) per server; raises ``store.StoreError`` with a safe message."""
    from dlenv.store import Store  # SQLAlchemy loads with the first page that needs the store

    return Store(_database_url())
