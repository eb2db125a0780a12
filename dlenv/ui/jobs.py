"""Run a measurement from a page: queue it, show progress, cancel, keep the result.

Streamlit reruns the whole script on every click, so the job handles live in
``st.session_state``: a rerun (a Cancel click, a page switch and back) finds the
running job again and keeps polling it. Finished results are kept per session, and
a request already measured in this session is served from there, marked as cached.
"""

from __future__ import annotations

import time
from dataclasses import replace
from typing import Any

import streamlit as st

from dlenv.i18n import t
from dlenv.serve.plan import JobRequest, Refused
from dlenv.serve.runner import CANCELLED, DONE, QUEUED, Busy, Job
from dlenv.ui.state import runner, session_id

POLL_S = 0.2


def session_documents() -> list[dict[str, Any]]:
    """Every results document measured in this browser session, oldest first."""
    return [entry["doc"] for entry in st.session_state.get("results", [])]


def show_error(message: str, hint: str, lang: str, warning: bool = False) -> None:
    (st.warning if warning else st.error)(message)
    if hint:
        st.caption(t("hint", lang, hint=hint))


def refusal(request: JobRequest) -> Refused | None:
    """Why this deployment would refuse ``request`` (shown next to the input), or None."""
    try:
        runner().limits.check(request)
    except Refused as exc:
        return exc
    return None


def run_job(request: JobRequest | None, lang: str, *, start: bool = True, slot: str = "job",
            backends: list[str] | None = None,
            threads: tuple[int | None, ...] = ()) -> dict[str, Any] | None:
    """The results document for ``request`` (on every backend in ``backends``, or once per CPU
    thread count in ``threads``, if given), or None.

    ``start`` is whether the page's Run button was pressed. Without it the slot's running
    job is polled, or its last result shown again, so results survive reruns and page
    switches. Errors are shown on the page, never raised. A page's second slot is named
    ``"<page>:<name>"`` so that ``leave_other_pages`` keeps it.
    """
    key = (request, tuple(backends or ()), tuple(threads))
    if st.session_state.pop(f"_again_{slot}", None) is not None and request is not None:
        return _submit(key, lang, slot)
    if start and request is not None:
        running = st.session_state.get(f"_job_{slot}")
        if running and running["key"] == key:  # pressed again while it runs: follow the same job
            return _poll(lang, slot)
        cached = _cached(key)
        if cached is None:
            return _submit(key, lang, slot)
        _drop(slot, lang)
        st.session_state[f"_last_{slot}"] = {"key": key, "doc": cached, "cached": True}
    if f"_job_{slot}" in st.session_state:
        return _poll(lang, slot)
    last = st.session_state.get(f"_last_{slot}")
    if last is None:
        return None
    if last["cached"]:
        st.info(t("cached", lang))
        st.button(t("measure_again", lang), key=f"again_{slot}",
                  on_click=lambda: st.session_state.update({f"_again_{slot}": True}))
    return last["doc"]


def _cached(key: tuple) -> dict[str, Any] | None:
    for entry in st.session_state.get("results", []):
        if entry["key"] == key:
            return entry["doc"]
    return None


def _drop(slot: str, lang: str) -> None:
    """Cancel what still runs in ``slot``: a new request (or a cached answer) replaces it."""
    if f"_job_{slot}" in st.session_state:
        _cancel(slot, lang)
        del st.session_state[f"_job_{slot}"]


def _submit(key: tuple, lang: str, slot: str) -> dict[str, Any] | None:
    request, backends, threads = key
    _drop(slot, lang)
    # Thread counts run one after another, each queued when the one before ends: they
    # need a worker each, and queueing them all at once would take the session's quota.
    waiting = [replace(request, threads=n) for n in threads[1:]]
    try:
        if backends:
            jobs = runner().compare(request, list(backends), session=session_id())
        else:
            jobs = [runner().submit(replace(request, threads=threads[0]) if threads else request,
                                    session=session_id())]
    except Refused as exc:
        show_error(t("refused", lang, message=exc), exc.hint, lang)
        return None
    except Busy as exc:
        show_error(t("busy", lang, message=exc), "", lang, warning=True)
        return None
    st.session_state[f"_job_{slot}"] = {"key": key, "jobs": jobs, "waiting": waiting}
    return _poll(lang, slot)


def leave_other_pages(page_slot: str) -> None:
    """Cancel this session's running jobs of every page but ``page_slot``.

    Called on each run of the app: a job whose page was left would otherwise keep the
    machine (and the queue) busy for nobody.
    """
    mine = f"_job_{page_slot}"
    for key in [k for k in st.session_state
                if k.startswith("_job_") and k != mine and not k.startswith(f"{mine}:")]:
        for job in st.session_state[key]["jobs"]:
            job.cancel()
        del st.session_state[key]


def _cancel(slot: str, lang: str) -> None:
    running = st.session_state.get(f"_job_{slot}")
    if running:
        between = all(job.finished for job in running["jobs"])
        for job in running["jobs"]:
            job.cancel()
        if running.get("waiting"):
            if between:  # clicked in the moment between two jobs of a sequence: no job to cancel
                running["stopped"] = t("job_cancelled", lang)
            running["waiting"].clear()


def _poll(lang: str, slot: str) -> dict[str, Any] | None:
    key = st.session_state[f"_job_{slot}"]["key"]
    jobs, stopped = _follow(slot, lang)
    failed = _show_failures(jobs, lang)
    done = [job for job in jobs if job.state == DONE]
    if not done:
        return None
    doc = done[0].doc if len(jobs) == 1 else runner().merged(done)
    if not failed and not stopped:  # only complete measurements are served again from the cache
        st.session_state.setdefault("results", []).append({"key": key, "doc": doc})
    st.session_state[f"_last_{slot}"] = {"key": key, "doc": doc, "cached": False}
    return doc


def _follow(slot: str, lang: str, label: str = "job_running") -> tuple[list[Job], str | None]:
    """Wait for the slot's jobs with a progress line, a bar and a Cancel button.

    Returns the jobs and why a sequence stopped early (None if it did not); the slot is
    free again afterwards.
    """
    running = st.session_state[f"_job_{slot}"]
    jobs: list[Job] = running["jobs"]
    with st.status(t(label, lang), expanded=True) as box:
        st.button(t("cancel", lang), key=f"cancel_{slot}", on_click=_cancel, args=(slot, lang))
        line, bar = st.empty(), st.progress(0.0)
        shown = None
        while (job := _current(running, lang)) is not None:
            text = _progress_text(job, lang)
            total = len(jobs) + len(running.get("waiting", ()))
            now = (t("job_of", lang, index=jobs.index(job) + 1, count=total, text=text) if total > 1 else text,
                   _fraction(jobs, total))
            if now != shown:  # a whole class polls at once: send the browser only what changed
                line.write(now[0])
                bar.progress(now[1])
                shown = now
            time.sleep(POLL_S)
        stopped = running.get("stopped")
        failed = stopped or any(job.state != DONE for job in jobs)
        box.update(label=t("job_failed" if failed else "job_done", lang),
                   state="error" if failed else "complete", expanded=bool(failed))
        line.empty()
        bar.progress(1.0)
    del st.session_state[f"_job_{slot}"]
    if stopped:
        show_error(stopped, "", lang, warning=True)
    return jobs, stopped


def _show_failures(jobs: list[Job], lang: str, message_key: str | None = None) -> list[Job]:
    """Say why each job that did not finish stopped; returns those jobs.

    ``message_key`` names an i18n text that frames the worker's message (given as
    ``message`` and ``backend``).
    """
    failed = [job for job in jobs if job.state != DONE]
    for job in failed:
        if job.state == CANCELLED:
            show_error(t("job_cancelled", lang), "", lang, warning=True)
        else:
            message = job.error.message
            if message_key:
                message = t(message_key, lang, message=message, backend=job.backend)
            show_error(message, job.error.hint, lang)
    return failed


def _current(running: dict[str, Any], lang: str) -> Job | None:
    """The job to wait on: the first unfinished one, else the next waiting request (queued now,
    if every job so far succeeded); None when there is nothing left to wait for."""
    jobs: list[Job] = running["jobs"]
    unfinished = next((job for job in jobs if not job.finished), None)
    if unfinished or not running.get("waiting") or any(job.state != DONE for job in jobs):
        return unfinished
    try:
        jobs.append(runner().submit(running["waiting"].pop(0), session=session_id()))
    except Busy as exc:
        running["waiting"].clear()
        running["stopped"] = t("busy", lang, message=exc)
        return None
    return jobs[-1]


def _fraction(jobs: list[Job], total: int) -> float:
    """Overall progress: the finished jobs, plus the running job's share of its own tasks."""
    running = next((job for job in jobs if not job.finished), None)
    tasks = running.progress.get("tasks") if running else None
    part = (running.progress["task"] - 0.5) / tasks if tasks else 0.0
    return min(1.0, (sum(job.finished for job in jobs) + part) / total)


def _progress_text(job: Job, lang: str) -> str:
    if job.state == QUEUED:
        return t("queued", lang, position=job.position)
    if job.op == "learn":
        return t("learn_running", lang)
    progress = job.progress
    if not progress.get("tasks"):
        return t("starting", lang, backend=job.backend)
    return t("measuring", lang, task=progress["task"], tasks=progress["tasks"], label=progress.get("label", ""))


def load_environments(names: list[str], lang: str, start: bool) -> dict[str, dict[str, Any]]:
    """Versions and devices per backend as its worker sees them, for those of ``names`` loaded
    in this session; ``start`` (the button was pressed) loads the rest, with progress and
    Cancel. Starting a worker takes seconds; the runner keeps what it learnt for everyone.
    """
    known = st.session_state.setdefault("environments", {})
    slot = "environment:devices"
    missing = [name for name in names if name not in known]
    if start and missing and f"_job_{slot}" not in st.session_state:
        try:
            jobs = [runner().ask(name, "environment", session=session_id()) for name in missing]
        except Busy as exc:
            show_error(t("busy", lang, message=exc), "", lang, warning=True)
        else:
            st.session_state[f"_job_{slot}"] = {"key": None, "jobs": jobs}
    if f"_job_{slot}" in st.session_state:
        jobs, _ = _follow(slot, lang, label="loading_devices")
        _show_failures(jobs, lang, message_key="backend_failed")
        known.update({job.backend: job.doc for job in jobs if job.state == DONE})
    return {name: known[name] for name in names if name in known}


def trace_and_time(lang: str, start: bool) -> dict[str, Any] | None:
    """The Learn page's traced graph and eager / graph / XLA timings (``Runner.ask(..., "learn")``), or None.

    ``start`` (the button was pressed) measures afresh, with progress and Cancel; otherwise
    the session's last result is returned, so it survives page switches without a worker.
    """
    slot = "learn"
    if start and f"_job_{slot}" not in st.session_state:
        try:
            job = runner().ask("tensorflow", "learn", session=session_id())
        except Busy as exc:
            show_error(t("busy", lang, message=exc), "", lang, warning=True)
        else:
            st.session_state[f"_job_{slot}"] = {"key": None, "jobs": [job]}
    if f"_job_{slot}" in st.session_state:
        [job], _ = _follow(slot, lang, label="learn_status")
        if not _show_failures([job], lang, message_key="learn_failed"):
            st.session_state["learn_demo"] = job.doc
    return st.session_state.get("learn_demo")


def known_environments() -> dict[str, dict[str, Any]]:
    """The environments already loaded in this session (loading one takes seconds)."""
    return st.session_state.get("environments", {})
