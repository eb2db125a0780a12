"""Faults during a class, driven from a real browser: each shows a clear message, the
next action works, and no saved result is lost (rows are counted before and after).

The server here allows two jobs in all (one measuring, one waiting), so a full queue is easy to reach.
"""

import json
import os
import re
import sqlite3
import subprocess
from pathlib import Path

import pytest
from browser import (
    RUN_TIMEOUT_MS,
    errors,
    go,
    launch_browser,
    open_app,
    press,
    start_server,
    wait_for_app_run,
    wait_for_error,
    wait_for_jobs,
)

from dlenv.data import reference
from dlenv.data.store import SQLITE_FILE, Store
from dlenv.i18n import t

EN = "en"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    # A save waits 3 s, not 30, for a lock another program holds (the locked-database test).
    yield from start_server(tmp_path_factory, DLENV_QUEUE_TOTAL="2", DLENV_QUEUE_PER_SESSION="1",
                            DLENV_DB_BUSY_TIMEOUT_S="3")


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


@pytest.fixture(scope="module")
def saved_rows(server, browser):
    """Stores the bundled reference results through the Results page; returns the row count."""
    page = open_app(browser, server)
    go(page, t("page_results", EN))
    press(page, t("res_reference", EN))
    assert errors(page) == []
    page.context.close()
    count = rows(server)
    assert count == sum(len(reference.load(name)["results"]) for name in reference.names())
    return count


def rows(server) -> int:
    with Store(f"sqlite:///{server.data_dir / SQLITE_FILE}") as db:
        return db.count()


def set_size(page, size: int) -> None:
    field = page.get_by_label(t("other_size", EN))
    field.fill(str(size))
    field.press("Enter")
    wait_for_app_run(page)


def start_run(page) -> None:
    """Press Run and return once the job is visibly under way (its Cancel button shows)."""
    page.get_by_test_id("stMain").get_by_role("button", name=t("run", EN), exact=True).click()
    page.get_by_role("button", name=t("cancel", EN), exact=True).wait_for(timeout=RUN_TIMEOUT_MS)


def test_a_worker_killed_mid_run_is_reported_and_the_next_run_works(server, browser, saved_rows):
    page = open_app(browser, server)
    go(page, t("page_matmul", EN))
    set_size(page, 4096)
    start_run(page)
    # "Measuring 1/8: ..." is the worker's own progress (the box's title says "Measuring..." at once).
    page.get_by_text(re.compile(r"Measuring \d+/\d+")).first.wait_for(timeout=RUN_TIMEOUT_MS)
    [worker] = server.workers()
    worker.kill()
    # The message itself is waited for: the progress bar can leave the page for a moment while
    # its fragment reruns, before the runner has seen the worker die.
    wait_for_error(page, "measuring process", RUN_TIMEOUT_MS)
    wait_for_jobs(page, RUN_TIMEOUT_MS)
    assert page.get_by_test_id("stException").count() == 0

    set_size(page, 0)
    press(page, t("run", EN), RUN_TIMEOUT_MS)
    assert errors(page) == []
    assert page.get_by_test_id("stPlotlyChart").count() >= 3
    assert rows(server) == saved_rows
    page.context.close()


def test_a_locked_database_refuses_a_save_clearly_and_loses_nothing(server, browser, saved_rows):
    page = open_app(browser, server)
    go(page, t("page_results", EN))
    lock = sqlite3.connect(server.data_dir / SQLITE_FILE, isolation_level=None)
    lock.execute("BEGIN EXCLUSIVE")  # another program holds the write lock past the busy timeout (3 s here)
    try:
        press(page, t("res_reference", EN), RUN_TIMEOUT_MS)
        assert any("Not saved, the save was rolled back" in e and "locked" in e for e in errors(page)), errors(page)
        assert page.get_by_test_id("stException").count() == 0
    finally:
        lock.rollback()
        lock.close()
    press(page, t("res_reference", EN))
    assert page.get_by_text(f"Saved: 0 new, {saved_rows} already stored.").count() == 1
    assert rows(server) == saved_rows
    page.context.close()


def unwritable(files: list[Path], on: bool) -> None:
    """Make ``files`` unwritable: as root (CI) mode bits do not stop writes, the immutable flag does."""
    if os.geteuid() == 0:
        subprocess.run(["chattr", "+i" if on else "-i", *map(str, files)], check=True)
    else:
        for path in files:
            path.chmod((0o555 if on else 0o755) if path.is_dir() else (0o444 if on else 0o644))


def test_an_unwritable_database_refuses_a_save_clearly_and_loses_nothing(server, browser, saved_rows):
    page = open_app(browser, server)
    go(page, t("page_results", EN))
    # The folder, the database and its write-ahead log; not the shared-memory index, which
    # SQLite maps into memory (made immutable, a write to it kills the process with SIGBUS).
    files = [server.data_dir, server.data_dir / SQLITE_FILE, server.data_dir / f"{SQLITE_FILE}-wal"]
    good = reference.load(reference.names()[0])
    good["results"][0]["median_s"] *= 1.01  # one new result, so the save must write
    upload = server.data_dir.parent / "new.json"
    upload.write_text(json.dumps(good))
    unwritable(files, True)
    try:
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(upload)
        wait_for_error(page, "Not saved, the save was rolled back")
        assert page.get_by_test_id("stException").count() == 0
    finally:
        unwritable(files, False)
    assert rows(server) == saved_rows
    press(page, t("res_reference", EN))
    assert page.get_by_text(f"Saved: 0 new, {saved_rows} already stored.").count() == 1


def test_a_full_queue_says_so_and_the_next_run_works(server, browser, saved_rows):
    first, second, third = (open_app(browser, server) for _ in range(3))
    for page in (first, second, third):
        go(page, t("page_matmul", EN))
    set_size(first, 4096)
    start_run(first)                                        # measuring
    start_run(second)                                       # the one waiting job allowed
    second.get_by_text("Waiting in the queue: position 1").wait_for(timeout=RUN_TIMEOUT_MS)
    press(third, t("run", EN))                              # refused: the queue is full
    assert any(e.startswith("Not queued:") for e in third.get_by_test_id("stAlertContentWarning").all_inner_texts())

    first.get_by_role("button", name=t("cancel", EN), exact=True).click()
    second.get_by_text("Waiting in the queue").wait_for(state="detached", timeout=RUN_TIMEOUT_MS)
    wait_for_jobs(second, RUN_TIMEOUT_MS)
    assert second.get_by_test_id("stPlotlyChart").count() >= 3
    press(third, t("run", EN), RUN_TIMEOUT_MS)             # the queue has room again
    assert errors(third) == [] and third.get_by_test_id("stPlotlyChart").count() >= 3
    assert rows(server) == saved_rows
    for page in (first, second, third):
        page.context.close()


def test_a_server_restart_mid_session_reconnects_and_keeps_every_row(server, browser, saved_rows):
    page = open_app(browser, server)
    go(page, t("page_results", EN))
    server.stop()
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="detached", timeout=30_000)
    server.start()
    wait_for_app_run(page, RUN_TIMEOUT_MS)                 # the page reconnects by itself
    # The fresh server's first request is for /results: it still goes through app.py
    # (its language picker and page titles), not Streamlit's pages-folder mode.
    assert page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox").count() == 1
    go(page, t("page_results", EN))
    assert page.locator("h1").first.inner_text() == t("res_title", EN)
    assert errors(page) == []
    assert rows(server) == saved_rows
    go(page, t("page_matmul", EN))
    press(page, t("run", EN), RUN_TIMEOUT_MS)
    assert errors(page) == [] and page.get_by_test_id("stPlotlyChart").count() >= 3
    page.context.close()
