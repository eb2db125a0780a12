"""The app under Streamlit's headless test runner (``streamlit.testing.v1.AppTest``), for the
page tests: a store and settings of a module's own, pages opened in a language, jobs waited for.

The browser tests' counterpart is ``tests/browser.py``. Jobs run for real in the shared
runner's worker processes (``dlenv.ui.state.runner``), as they do behind a browser.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
import streamlit as st
from conftest import ROOT
from streamlit.testing.v1 import AppTest

TIMEOUT_S = 180  # one script run, a job's wait included where a test waits for it


def isolated_app(tmp_path_factory: pytest.TempPathFactory, **env: str | None) -> Iterator[None]:
    """A module-scoped fixture's body: the app with a store of its own (``DLENV_DATA_DIR``, out of
    the checkout) and ``env`` set (None removes a variable) for the module's tests. Afterwards the
    shared runner is shut down, its workers with it (checked), and the environment restored."""
    env = {"DLENV_DATA_DIR": str(tmp_path_factory.mktemp("data")), **env}
    saved = {key: os.environ.get(key) for key in env}
    _set(env)
    st.cache_resource.clear()  # a runner made under other settings is shut down
    try:
        yield
    finally:
        from dlenv.ui.state import runner

        shared = runner()
        st.cache_resource.clear()  # its on_release shuts the runner and its workers down
        _set(saved)
    assert shared.worker_count() == 0


def _set(env: dict[str, str | None]) -> None:
    for key, value in env.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def open_page(page: str = "environment", lang: str = "en") -> AppTest:
    """A new session on ``page`` (a file name under pages/) in ``lang``, after the start page."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT_S)
    at.session_state["lang"] = lang
    at.run()
    if page != "environment":
        at.switch_page(f"pages/{page}.py").run()
    return at


def settle(at: AppTest, slot: str | None = None) -> AppTest:
    """Wait for the job of ``slot`` (every job of the session when None), then rerun: what the
    progress fragment makes a browser do."""
    keys = [f"_job_{slot}"] if slot else [key for key in list(at.session_state.keys()) if key.startswith("_job_")]
    for key in keys:
        if key in at.session_state:
            assert at.session_state[key].wait(300)
    return at.run()


def button(at: AppTest, label: str):
    """The button called ``label``."""
    return next(b for b in at.button if b.label == label)
