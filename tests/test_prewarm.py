"""A fast first demo (issue 15 item 6): the TensorFlow worker started ahead, and honest headings.

Real worker processes and a real machine lock held by another process; no timings are
asserted here (bench/first_demo.py measures how fast the first demo is).
"""

import os
import subprocess
import sys
import time

import pytest
import streamlit as st
from conftest import ROOT
from streamlit.testing.v1 import AppTest
from test_machine_lock import ENV, HOLD
from test_runner import LIMITS, gone, small, worker_pids

from dlenv.i18n import t
from dlenv.serve.limits import BASELINE_MB, Limits
from dlenv.serve.runner import CANCELLED, DONE, QUEUED, RUNNING, Runner
from dlenv.ui.state import prewarm_fits

MB = 2**20


def started_workers(before):
    return set(worker_pids()) - before


def test_prewarm_starts_a_tensorflow_worker_in_the_background_and_shutdown_stops_it():
    before = set(worker_pids())
    runner = Runner(LIMITS)
    try:
        thread = runner.prewarm("tensorflow")
        assert thread is not None and thread.is_alive()  # returned while the worker still loads TensorFlow
        assert runner.prewarm("tensorflow") is None  # already starting: not twice
        thread.join(180)
        assert not thread.is_alive() and runner.worker_count() == 1
        [pid] = started_workers(before)
        assert runner.prewarm("tensorflow") is None  # alive: nothing to do

        job = runner.submit(small(), session="alice")  # served by that worker, no second process
        assert job.wait(120) and job.state == DONE, job.error
        assert started_workers(before) == {pid}
    finally:
        runner.shutdown()
    assert gone(pid, 10) and runner.worker_count() == 0


def test_a_job_submitted_while_the_worker_starts_waits_for_it_and_uses_it():
    before = set(worker_pids())
    runner = Runner(LIMITS)
    try:
        thread = runner.prewarm("tensorflow")
        job = runner.submit(small(), session="alice")
        assert job.wait(300) and job.state == DONE, job.error
        assert not thread.is_alive()
        assert len(started_workers(before)) == 1  # one TensorFlow process, started once
    finally:
        runner.shutdown()


def test_shutdown_while_the_worker_starts_kills_it():
    before = set(worker_pids())
    runner = Runner(LIMITS)
    thread = runner.prewarm("tensorflow")
    while not (new := started_workers(before)):  # spawned, importing TensorFlow
        assert thread.is_alive()
        time.sleep(0.01)
    runner.shutdown()
    assert not thread.is_alive() and runner.worker_count() == 0
    assert gone(new.pop(), 10)


def test_prewarm_does_not_wait_for_the_machine_lock():
    holder = subprocess.Popen([sys.executable, "-c", HOLD], cwd=ROOT, env=ENV, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    runner = Runner(LIMITS)
    try:
        assert holder.stdout.readline().strip() == "held"
        thread = runner.prewarm("tensorflow")
        thread.join(180)
        assert runner.worker_count() == 1 and holder.poll() is None  # ready while another process held it
        job = runner.submit(small(), session="alice")  # a measurement still waits its turn
        deadline = time.monotonic() + 30
        while job.progress.get("waiting_for") is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert job.progress["waiting_for"].pid == holder.pid
        job.cancel()
        assert job.wait(10) and job.state == CANCELLED
    finally:
        holder.stdin.close()
        holder.wait(30)
        runner.shutdown()


def test_prewarm_only_where_memory_allows(monkeypatch):
    baseline = BASELINE_MB["tensorflow"] * MB
    roomy = Limits(max_matmul=4096, max_model_bytes=2**30)
    assert prewarm_fits(roomy, available_bytes=4 * baseline)
    assert not prewarm_fits(roomy, available_bytes=baseline)  # a machine with little left
    tight = Limits(max_matmul=4096, max_model_bytes=2**30, worker_memory_bytes=baseline // 2)
    assert not prewarm_fits(tight, available_bytes=8 * baseline)  # TensorFlow alone is over the limit
    monkeypatch.setenv("DLENV_PREWARM", "0")
    assert not prewarm_fits(roomy, available_bytes=8 * baseline)


# ------------------------------------------------------------------ the app


@pytest.fixture
def app_data(tmp_path):
    previous = os.environ.get("DLENV_DATA_DIR")
    os.environ["DLENV_DATA_DIR"] = str(tmp_path)
    st.cache_resource.clear()  # a fresh server: a new shared runner
    yield
    from dlenv.ui.state import runner

    shared = runner()
    st.cache_resource.clear()  # shuts it down
    assert shared.worker_count() == 0
    if previous is None:
        os.environ.pop("DLENV_DATA_DIR")
    else:
        os.environ["DLENV_DATA_DIR"] = previous


def open_app(page: str = "environment", lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    if page != "environment":
        at.switch_page(f"pages/{page}.py").run()
    return at


def test_the_first_page_render_starts_the_tensorflow_worker(app_data):
    from dlenv.ui.state import runner

    at = open_app()
    assert not at.exception
    shared = runner()
    deadline = time.monotonic() + 180
    while shared.worker_count() == 0 and time.monotonic() < deadline:
        time.sleep(0.1)
    assert shared.worker_count() == 1  # started by the render, before any button


def status_label(at: AppTest) -> str:
    [box] = at.status
    return box.label


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_progress_heading_says_waiting_with_the_position_then_measuring(app_data, lang):
    from dlenv.ui.state import runner

    holder = subprocess.Popen([sys.executable, "-c", HOLD], cwd=ROOT, env=ENV, text=True,
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE)
    try:
        assert holder.stdout.readline().strip() == "held"
        at = open_app("matmul", lang)
        ahead = runner().submit(small(), session="someone else")  # waits for the holder
        at.multiselect(key="mm_sizes").set_value([64, 128, 256, 512]).run()
        button = next(b for b in at.button if b.label == t("run", lang))
        button.click().run()
        job = at.session_state["_job_matmul"]
        assert job.state == QUEUED and job.position == 1
        assert status_label(at) == t("job_waiting", lang, position=1)

        ahead.cancel()  # now first in line, waiting for the other process's measurement
        deadline = time.monotonic() + 60
        while job.progress.get("waiting_for") is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert job.state == RUNNING
        assert status_label(at.run()) == t("job_waiting_machine", lang)

        holder.stdin.close()  # the machine is free: it measures
        deadline = time.monotonic() + 180
        while "task" not in job.progress and not job.finished and time.monotonic() < deadline:
            time.sleep(0.02)
        assert not job.finished, job.error  # eight tasks of half a second each: still measuring
        assert status_label(at.run()) == t("job_running", lang)
        assert job.wait(300) and job.state == DONE, job.error
    finally:
        if not holder.stdin.closed:
            holder.stdin.close()
        holder.wait(30)
