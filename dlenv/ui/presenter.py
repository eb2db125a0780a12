"""Presenter mode: large fonts, no sidebar or toolbar, replayed results when the server is busy.

Turned on by the sidebar switch or by ``?presenter=1`` in the page's address; other code
asks ``active()``.
"""

from __future__ import annotations

import streamlit as st

_KEY = "presenter"  # session-state flag; also the URL query parameter's name


def active() -> bool:
    """Whether this session shows the app in presenter mode (False outside a Streamlit run)."""
    try:
        return bool(st.session_state.get(_KEY, False))
    except Exception:  # no script run context (a plain import, a unit test of a chart function)
        return False
