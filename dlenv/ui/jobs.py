"""Run a request from a page: queue it, show progress without blocking the page, cancel, keep the result.

Streamlit reruns the whole script on every click, so each page slot's running job lives in
``st.session_state``. While it runs, ``run_job`` returns None and draws a fragment that
reruns itself every ``POLL_S`` (``st.fragment(run_every=...)``): it shows the queue
position or progress, a bar and a Cancel button, and reruns the whole page once the job
has finished, when ``run_job`` hands the page its result. The rest of the page renders
meanwhile. Finished measurements are kept per session, and a plan already measured in
this session is served from there, marked as cached. The box's heading says "Waiting
(position N)" while the job waits in the queue or for another process's measurement, and
"Measuring..." (or the page's own heading) once it runs. In presenter mode with Replay on
(``dlenv.ui.presenter``), a Run shows the newest stored result of the same request instead,
labelled as a replay with its time.
"""

from __future__ import annotations

from typing import Any

import streamlit as st

from dlenv.i18n import t
from dlenv.measure.workloads import Refused
from dlenv.serve.plan import DeviceQuery, LearnExample, Plan, Request
from dlenv.serve.runner import CANCELLED, DONE, QUEUED, Busy, Job
from dlenv.ui import presenter
from dlenv.ui.messages import show_problem
from dlenv.ui.state import runner, session_id

POLL_S = 0.5  # a class of 30 polls at once on a 2-core machine: twice a second is live enough


def session_documents() -> list[dict[str, Any]]:
    """Every results document measured in this browser session, oldest first."""
    return [entry["doc"] for entry in st.session_state.get("results", [])]


def show_error(message: str, hint: str, lang: str, warning: bool = False) -> None:
    (st.warning if warning else st.error)(message)
    if hint:
        st.caption(t("hint", lang, hint=hint))


def refusal(plan: Plan) -> Refused | None:
    """Why this deployment would refuse ``plan`` (shown next to the input), or None."""
    try:
        runner().check(plan)
    except Refused as exc:
        return exc
    return None


def run_job(request: Request | None, lang: str, *, start: bool = True, slot: str = "job",
            status: str = "job_running") -> Any | None:
    """The result of the slot's request (a results document for a ``Plan``), or None.

    ``start`` is whether the page's button was pressed. Without it the slot's running job is
    followed, or its last result shown again, so results survive reruns and page switches.
    Errors are shown on the page, never raised. A page's second slot is named
    ``"<page>:<name>"`` so that ``leave_other_pages`` keeps it. ``status`` is the i18n key
    of the progress box's title.
    """
    if st.session_state.pop(f"_again_{slot}", None) is not None and request is not None:
        _submit(request, lang, slot)
    elif start and request is not None:
        running = st.session_state.get(f"_job_{slot}")
        if not (running and running.request == request):  # pressed again while it runs: follow that job
            cached = _cached(request)
            replayed = presenter.replay(request) if cached is None and presenter.replaying() else None
            if cached is not None:
                _drop(slot)
                st.session_state[f"_last_{slot}"] = {"request": request, "result": cached, "cached": True}
            elif replayed is not None:
                _drop(slot)
                st.session_state[f"_last_{slot}"] = {"request": request, "result": replayed[0], "cached": False,
                                                     "replayed": replayed[1]}
            else:
                if presenter.replaying():
                    st.caption(t("replay_none", lang))
                _submit(request, lang, slot)
    job: Job | None = st.session_state.get(f"_job_{slot}")
    if job is not None:
        if not job.finished:
            _progress(slot, lang, status)
            return None
        _collect(job, slot, lang)
    last = st.session_state.get(f"_last_{slot}")
    if last is None:
        return None
    if last.get("replayed"):
        st.info(t("replayed", lang, when=last["replayed"]), icon=":material/replay:")
    if last["cached"]:
        st.info(t("cached", lang))
        st.button(t("measure_again", lang), key=f"again_{slot}",
                  on_click=lambda: st.session_state.update({f"_again_{slot}": True}))
    return last["result"]


def _cached(request: Request) -> Any | None:
    if isinstance(request, Plan):
        for entry in st.session_state.get("results", []):
            if entry["request"] == request:
                return entry["doc"]
    return None


def _drop(slot: str) -> None:
    """Cancel what still runs in ``slot``: a new request (or a cached answer) replaces it."""
    job = st.session_state.pop(f"_job_{slot}", None)
    if job is not None:
        job.cancel()


def _submit(request: Request, lang: str, slot: str) -> None:
    _drop(slot)
    try:
        st.session_state[f"_job_{slot}"] = runner().submit(request, session=session_id())
    except Refused as exc:  # said in the page's language (dlenv.ui.messages)
        show_problem(exc, exc.hint, lang, kind=exc.kind, prefix="refused")
    except Busy as exc:
        show_problem(exc, "", lang, warning=True, prefix="busy")


def _collect(job: Job, slot: str, lang: str) -> None:
    """A finished job: say how it ended and why any part failed, keep what it measured."""
    del st.session_state[f"_job_{slot}"]
    if job.state != CANCELLED:  # a Cancel the user pressed is said once, as a notice, not as a failure
        ok = job.state == DONE
        st.status(t("job_done" if ok else "job_failed", lang), state="complete" if ok else "error", expanded=False)
    _show_failures(job, lang)
    if job.result is None or job.state == CANCELLED:  # a Cancel click discards what finished
        return
    if isinstance(job.request, Plan):
        _show_task_failures(job, lang)
    if isinstance(job.request, Plan) and job.state == DONE:  # only complete measurements are served again
        st.session_state.setdefault("results", []).append({"request": job.request, "doc": job.result})
    if job.state == DONE:
        presenter.remember(job.request, job.result)  # for a presenter's Replay, in any session
    st.session_state[f"_last_{slot}"] = {"request": job.request, "result": job.result, "cached": False}


def _show_task_failures(job: Job, lang: str) -> None:
    """What failed inside a call that otherwise finished (a device this machine lacks, one size
    out of memory): the results document's errors, before the job's own errors that the runner
    appended to it (shown by ``_show_failures``)."""
    errors = job.result.get("errors", [])
    for error in errors[:len(errors) - len(job.errors)]:
        if error.get("kind") == "missing_device":  # said in the page's language
            st.info(t("no_device_here", lang, kind=str(error.get("device_kind", "")).upper()))
            continue
        show_problem(error["error"], error.get("hint", ""), lang, kind=str(error.get("kind", "")), warning=True)


def _show_failures(job: Job, lang: str) -> None:
    if job.state == CANCELLED:
        show_error(t("job_cancelled", lang), "", lang, warning=True)
        return
    for error in job.errors:
        prefix = "backend_failed" if isinstance(job.request, DeviceQuery) else \
            "learn_failed" if isinstance(job.request, LearnExample) else ""
        show_problem(error.message, error.hint, lang, kind=error.kind, prefix=prefix, backend=error.backend)


def leave_other_pages(page_slot: str) -> None:
    """Cancel this session's running jobs of every page but ``page_slot``.

    Called on each run of a page: a job whose page was left would otherwise keep the
    machine (and the queue) busy for nobody.
    """
    mine = f"_job_{page_slot}"
    for key in [k for k in st.session_state
                if k.startswith("_job_") and k != mine and not k.startswith(f"{mine}:")]:
        st.session_state.pop(key).cancel()


def _cancel(slot: str) -> None:
    job = st.session_state.get(f"_job_{slot}")
    if job is not None:
        job.cancel()


@st.fragment(run_every=POLL_S)
def _progress(slot: str, lang: str, status: str) -> None:
    """The running job's status box; reruns itself, and the whole page once the job has finished."""
    job: Job | None = st.session_state.get(f"_job_{slot}")
    if job is None or job.finished:
        st.rerun()
    # Not ``with st.status(...)``: leaving that block marks the box complete (a tick while it runs).
    box = st.status(_heading(job, lang, status), expanded=True, state="running")
    box.button(t("cancel", lang), key=f"cancel_{slot}", on_click=_cancel, args=(slot,))
    box.write(_progress_text(job, lang))
    box.progress(_fraction(job))


def _heading(job: Job, lang: str, status: str) -> str:
    """The box's title: waiting (in the queue, with its position, or for another process's
    measurement) until the job runs, then the page's own heading (``status``)."""
    position = job.position
    if job.state == QUEUED and position:
        return t("job_waiting", lang, position=position)
    if "waiting_for" in job.progress:  # next in line: another process measures
        return t("job_waiting_machine", lang)
    return t(status, lang)


def _fraction(job: Job) -> float:
    """Overall progress: the finished calls plus the running call's share of its own tasks."""
    progress = job.progress
    if not progress.get("tasks"):
        return 0.0
    calls = progress.get("calls", 1)
    within = (progress["task"] - 0.5) / progress["tasks"]
    return min(1.0, (progress.get("call", 1) - 1 + within) / calls)


def _progress_text(job: Job, lang: str) -> str:
    progress = job.progress
    if job.state == QUEUED:
        return t("queued", lang, position=job.position)
    if "waiting_for" in progress:
        holder = progress["waiting_for"]
        return t("waiting_machine", lang, pid=holder.pid if holder else "?", since=holder.since_local() if holder else "?")
    if isinstance(job.request, LearnExample):
        return t("learn_running", lang)
    if not progress.get("tasks"):
        return t("starting", lang, backend=", ".join(call.backend for call in job.request.calls()[:1]))
    text = t("measuring", lang, task=progress["task"], tasks=progress["tasks"], label=progress.get("label", ""))
    if progress.get("calls", 1) > 1:
        text = t("job_of", lang, index=progress["call"], count=progress["calls"], text=text)
    return text


def load_environments(names: list[str], lang: str, start: bool) -> dict[str, dict[str, Any]]:
    """Versions and devices per backend as its worker sees them, for those of ``names`` loaded
    in this session; ``start`` (the button was pressed) loads the rest, with progress and
    Cancel. Starting a worker takes seconds; the runner keeps what it learnt for everyone.
    """
    known = st.session_state.setdefault("environments", {})
    missing = tuple(name for name in names if name not in known)
    loaded = run_job(DeviceQuery(missing) if missing else None, lang, start=start and bool(missing),
                     slot="environment:devices", status="loading_devices")
    known.update(loaded or {})
    return {name: known[name] for name in names if name in known}


def trace_and_time(lang: str, start: bool) -> dict[str, Any] | None:
    """The Learn page's traced graph and eager / graph / XLA timings, or None.

    ``start`` (the button was pressed) measures afresh, with progress and Cancel; otherwise
    the session's last result is returned, so it survives page switches without a worker.
    """
    return run_job(LearnExample(), lang, start=start, slot="learn", status="learn_status")


def known_environments() -> dict[str, dict[str, Any]]:
    """The environments already loaded in this session (loading one takes seconds)."""
    return st.session_state.get("environments", {})
