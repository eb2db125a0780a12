"""Presenter mode: large fonts, no sidebar or toolbar, stored results replayed on request.

Turned on by the sidebar switch or by ``?presenter=1`` in the page's address (``?presenter=0``
turns it off); other code asks ``active()``. In presenter mode ``dlenv.ui.state.navigation``
draws the pages along the top instead of in the sidebar, and ``frame`` adds the style sheet
and, at the top of the page, the way out and the "Replay" switch. With Replay on, a page's
Run button shows the newest stored results of the same request (this server's, else the
database's measured ones) instead of measuring, labelled as a replay with the time they were
measured: for a class when the shared server is slow or busy.
"""

from __future__ import annotations

import threading
import time
from datetime import datetime
from typing import Any

import streamlit as st
from streamlit.runtime.scriptrunner import get_script_run_ctx

from dlenv.i18n import t
from dlenv.serve.plan import Plan, Request

QUERY = "presenter"              # the URL query parameter (and the session-state flag)
_SWITCH = "_presenter_switch"    # the sidebar toggle's widget key
REPLAY = "presenter_replay"      # session-state flag: Replay on
_REPLAY_SWITCH = "_presenter_replay_switch"  # its toggle's widget key
_ON = ("1", "true", "on", "yes")
_SHELF_SIZE = 64                 # requests whose last result the server keeps for replay

# Streamlit 1.67's frontend element ids (data-testid, read from its static bundle): the
# sidebar and the button that opens it, the toolbar's actions (Deploy, ...) and main menu,
# and the coloured line along the top. Text is sized in rem, so the root font size scales it.
CSS = """<style>
html { font-size: 22px !important; }
[data-testid="stSidebar"], [data-testid="stSidebarCollapsedControl"], [data-testid="stExpandSidebarButton"],
[data-testid="stToolbarActions"], [data-testid="stAppDeployButton"], [data-testid="stMainMenu"],
[data-testid="stDecoration"] { display: none !important; }
[data-testid="stMainBlockContainer"] { max-width: 100% !important; padding: 3.5rem 2rem 1rem !important; }
</style>"""


def active() -> bool:
    """Whether this session shows the app in presenter mode (False outside a Streamlit run)."""
    if get_script_run_ctx(suppress_warning=True) is None:  # a plain import, a chart function's unit test
        return False
    return bool(st.session_state.get(QUERY, False))


def begin() -> bool:
    """Take ``?presenter=`` from the address when it is there (it wins over the switch), keep
    the session's choice when it is not (a page switch may drop it); return ``active()``."""
    value = st.query_params.get(QUERY)
    if value is not None:
        st.session_state[QUERY] = value.strip().lower() in _ON
    return active()


def _set(on: bool) -> None:
    st.session_state[QUERY] = on
    if on:
        st.query_params[QUERY] = "1"  # a reload or a shared link stays in presenter mode
    else:
        st.query_params.pop(QUERY, None)


def switch(lang: str) -> None:
    """The sidebar switch that turns presenter mode on (drawn outside presenter mode)."""
    st.session_state[_SWITCH] = False
    st.sidebar.toggle(t("presenter_mode", lang), key=_SWITCH, help=t("presenter_help", lang),
                      on_change=lambda: _set(bool(st.session_state[_SWITCH])))


def frame(lang: str) -> None:
    """Presenter mode's style sheet, and at the top of the page: leave it, and Replay."""
    st.html(CSS)
    left, right = st.columns([1, 3], vertical_alignment="center")
    left.button(t("presenter_leave", lang), key="_presenter_leave", on_click=_set, args=(False,),
                icon=":material/close_fullscreen:")
    # The choice lives in a session flag of its own, set into the widget before it is drawn
    # (as the language picker does): the widget's own value, drawn before st.navigation, did
    # not survive to the next run (seen with AppTest, Streamlit 1.67).
    st.session_state[_REPLAY_SWITCH] = st.session_state.get(REPLAY, False)
    right.toggle(t("presenter_replay", lang), key=_REPLAY_SWITCH, help=t("presenter_replay_help", lang),
                 on_change=lambda: st.session_state.update({REPLAY: bool(st.session_state[_REPLAY_SWITCH])}))


def replaying() -> bool:
    """Whether Run buttons replay stored results (presenter mode with Replay on)."""
    return active() and bool(st.session_state.get(REPLAY, False))


# ------------------------------------------------------------------ replay


@st.cache_resource(show_spinner=False)
def _shelf() -> tuple[dict[Request, tuple[Any, float]], threading.Lock]:
    """The newest result of each request any session of this server finished, with its time."""
    return {}, threading.Lock()


def remember(request: Request, result: Any) -> None:
    """Keep a finished request's result for replay (the newest ``_SHELF_SIZE`` requests)."""
    shelf, lock = _shelf()
    with lock:
        shelf.pop(request, None)
        shelf[request] = (result, time.time())
        while len(shelf) > _SHELF_SIZE:
            shelf.pop(next(iter(shelf)))


def replay(request: Request) -> tuple[Any, str] | None:
    """A stored result of ``request`` and when it was measured (local "YYYY-MM-DD HH:MM"), or None.

    This server's newest finished run of the same request first; else, for a ``Plan``, the
    database's newest measured result of each of its workloads and backends (all must be
    there: a half replay would mislead).
    """
    shelf, lock = _shelf()
    with lock:
        kept = shelf.get(request)
    if kept is not None:
        return kept[0], datetime.fromtimestamp(kept[1]).strftime("%Y-%m-%d %H:%M")
    return _from_store(request) if isinstance(request, Plan) else None


def _from_store(plan: Plan) -> tuple[dict, str] | None:
    from dlenv.data.store import StoreError
    from dlenv.ui.state import store

    if plan.threads != (None,):  # a thread sweep's rows do not say which call they came from
        return None
    try:
        db = store()
        ids, newest = [], None
        for backend in plan.backends:
            for timing in plan.timings:
                for spec in plan.specs:
                    params = {k: v for k, v in spec.params().items() if isinstance(v, (int, float, str, bool))}
                    rows = db.results(workload=spec.name, backend=backend, dtype=spec.dtype, params=params,
                                      timing=timing, provenance="measured", limit=1)
                    if rows.empty:
                        return None
                    ids.append(int(rows["id"].iloc[0]))
                    when = rows["measured_at"].iloc[0].to_pydatetime()  # UTC
                    newest = when if newest is None else max(newest, when)
        doc = db.document(ids)
    except StoreError:
        return None
    return doc, newest.astimezone().strftime("%Y-%m-%d %H:%M")
