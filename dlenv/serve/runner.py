"""The one way anything is measured: a queue, a machine-wide lock and warm workers.

Every caller (each browser session of the dashboard, the CLI, the Colab notebook through
the CLI) hands the ``Runner`` a request (``dlenv.serve.plan``: a ``Plan``, a
``DeviceQuery`` or a ``LearnExample``) and gets a ``Job`` back at once. A single
dispatcher thread runs the jobs one at a time, in order. A job is one or more worker
calls (one per backend and CPU thread count); around each, the runner holds the
machine-wide lock (``dlenv.serve.machine_lock``), so that two processes never time at
once. Each call runs in the warm worker process of its backend (``dlenv.serve.worker``);
a worker that crashes, hangs past the call's timeout, is cancelled mid-call or has
served ``max_jobs_per_worker`` calls is replaced. Memory is bounded for small
deployments: at most ``limits.max_workers`` workers live at once, an idle one is stopped
after ``limits.worker_idle_s``, one holding more than ``limits.worker_memory_bytes`` after
a call is stopped, and a plan that would not fit on top of its backend's measured
baseline is refused before it is queued. ``prewarm`` starts a backend's worker ahead of the
first request, in a thread of its own and without the machine lock; a call that needs a
worker waits, under the lock, until no worker is still starting, so nothing is timed
while a framework loads beside it.

This module never imports a framework: only workers do.
"""

from __future__ import annotations

import itertools
import threading
import time
from collections import deque
from dataclasses import dataclass
from typing import Any

import psutil

from dlenv.data import results
from dlenv.serve import limits as limits_mod
from dlenv.serve.limits import Limits
from dlenv.serve.machine_lock import Holder, MachineLock
from dlenv.serve.plan import DeviceQuery, LearnExample, Plan, Request, WorkerCall
from dlenv.serve.worker_handle import WorkerError, WorkerProcess
from dlenv.vocab import BACKENDS

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"


class Busy(RuntimeError):
    """The queue is full (for this session or overall): try again later."""


@dataclass(frozen=True)
class JobError:
    kind: str      # refused, missing_device, out_of_memory, killed, timeout, crashed, protocol, cancelled...
    message: str   # a sentence a student understands
    hint: str      # what to change
    backend: str = ""


class Job:
    """A caller's handle on one request: state, queue position, live progress, result, errors.

    ``result`` is a results document for a ``Plan`` (the calls that succeeded, merged; a
    failed call is also listed in its ``errors``), ``{backend: environment}`` for a
    ``DeviceQuery`` and the traced example for a ``LearnExample``. ``progress`` holds the
    worker's last event (``task``, ``tasks``, ``label``, ``sample``) with ``call`` and
    ``calls``, or ``waiting_for`` (a ``machine_lock.Holder``, None if unknown) while another
    process measures.
    """

    def __init__(self, job_id: str, request: Request, session: str, runner: Runner,
                 timeout_s: float | None) -> None:
        self.id, self.request, self.session = job_id, request, session
        self.timeout_s = timeout_s  # per worker call; None: estimated from the call
        self.state = QUEUED
        self.progress: dict[str, Any] = {}
        self.result: Any = None
        self.errors: list[JobError] = []
        self.waited_s = 0.0  # time spent waiting for another process's measurement
        self._runner = runner
        self._cancelled = False
        self._done = threading.Event()

    @property
    def error(self) -> JobError | None:
        return self.errors[0] if self.errors else None

    @property
    def position(self) -> int:
        """1 for the next job to run, 0 while running or finished."""
        return self._runner.position(self)

    @property
    def finished(self) -> bool:
        return self._done.is_set()

    def wait(self, timeout: float | None = None) -> bool:
        return self._done.wait(timeout)

    def cancel(self) -> None:
        self._runner.cancel(self)

    def _finish(self, state: str) -> None:
        self.state = state
        self._done.set()


class Runner:
    """One per process that measures (``st.cache_resource`` shares it across browser sessions)."""

    def __init__(self, limits: Limits | None = None, virtual_cpus: int | None = None,
                 machine_lock: MachineLock | None = None) -> None:
        self.limits = limits or Limits.from_env()
        self._virtual_cpus = virtual_cpus
        self._machine = machine_lock or MachineLock()
        self._queue: deque[Job] = deque()
        self._running: Job | None = None
        self._calling: tuple[str, int | None] | None = None  # the worker the running job uses, even while it starts
        self._lock = threading.Condition()
        self._workers: dict[tuple[str, int | None], WorkerProcess] = {}
        self._environments: dict[str, dict[str, Any]] = {}
        self._baseline_mb: dict[str, float] = {}  # each backend's worker, just started
        self._last_used: dict[tuple[str, int | None], float] = {}
        self._prewarming: dict[tuple[str, int | None], threading.Thread] = {}  # workers starting ahead
        self._ids = itertools.count(1)
        self._closed = False
        self._thread = threading.Thread(target=self._dispatch, name="dlenv-runner", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------- callers

    def submit(self, request: Request, session: str = "default", timeout_s: float | None = None) -> Job:
        """Queue ``request`` and return its handle at once.

        A ``Plan`` is checked against the limits (``Refused`` from ``dlenv.measure.workloads``) and this session's and the
        machine's queue quotas (``Busy``); device queries and the Learn example use the CPU
        too, so they queue like a measurement, but take no quota.
        """
        if isinstance(request, Plan):
            self.check(request)
        with self._lock:
            if self._closed:
                raise Busy("the runner is shutting down; try again in a moment")
            if isinstance(request, Plan):
                self._check_quota(session)
            job = Job(str(next(self._ids)), request, session, self, timeout_s)
            self._queue.append(job)
            self._lock.notify_all()
        return job

    def check(self, plan: Plan) -> None:
        """Raise ``Refused`` if this deployment's limits do not allow ``plan`` (what ``submit`` checks)."""
        self.limits.check(plan, dict(self._baseline_mb))

    def position(self, job: Job) -> int:
        with self._lock:
            return self._queue.index(job) + 1 if job in self._queue else 0

    def cancel(self, job: Job) -> None:
        """Drop a queued job, or stop a running one (its worker is killed mid-call)."""
        with self._lock:
            job._cancelled = True
            if job in self._queue:
                self._queue.remove(job)
                job.errors.append(JobError("cancelled", "cancelled before it started", ""))
                job._finish(CANCELLED)
            elif job is self._running:
                self._kill_calling()

    def prewarm(self, backend: str, threads: int | None = None) -> threading.Thread | None:
        """Start ``backend``'s worker now, in the background, so its first request finds it warm.

        Returns the thread that waits for the worker's "ready" (join it to wait), or None when
        nothing was started: the runner is closing, that worker is already alive or starting,
        or ``limits.max_workers`` are alive. It never takes the machine-wide lock and never
        blocks the caller; a failed start (backend not installed, too slow) is dropped
        silently, and the first request then starts the worker itself and reports the error.
        ``shutdown`` kills a worker still starting.
        """
        key = (backend, threads)
        with self._lock:
            alive = sum(1 for worker in self._workers.values() if worker.alive)
            current = self._workers.get(key)
            if self._closed or key in self._prewarming or (current is not None and current.alive) \
                    or alive >= self.limits.max_workers:
                return None
            worker = WorkerProcess(backend, threads=threads, virtual_cpus=self._virtual_cpus,
                                   startup_timeout_s=self.limits.startup_timeout_s)
            self._workers[key] = worker
            thread = threading.Thread(target=self._start_ahead, args=(key, worker), name=f"dlenv-prewarm-{backend}",
                                      daemon=True)
            self._prewarming[key] = thread
            thread.start()
        return thread

    def worker_count(self) -> int:
        return sum(1 for worker in list(self._workers.values()) if worker.alive)

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            for job in list(self._queue):
                job.errors.append(JobError("cancelled", "the runner shut down", "start it again"))
                job._finish(CANCELLED)
            self._queue.clear()
            if self._running is not None:  # stops its wait for the machine lock too
                self._running._cancelled = True
            self._kill_calling()
            for key in self._prewarming:  # a worker still loading its framework: nobody needs it now
                self._workers[key].kill(reason="cancelled")
            prewarming = list(self._prewarming.values())
            self._lock.notify_all()
        self._thread.join(timeout=30)
        for thread in prewarming:
            thread.join(timeout=30)
        for worker in list(self._workers.values()):
            worker.stop()

    # ------------------------------------------------------------- dispatcher

    def _known_environment(self, backend: str) -> dict[str, Any] | None:
        """The backend's environment if a worker already reported it (never blocks)."""
        with self._lock:
            return self._environments.get(backend)

    def _start_ahead(self, key: tuple[str, int | None], worker: WorkerProcess) -> None:
        """A prewarm thread: start the worker; keep it if it started and the runner is still open."""
        try:
            worker.start()
        except WorkerError:
            worker.kill()
        baseline = _rss_mb(worker) if worker.alive else 0.0
        with self._lock:
            if self._closed:
                worker.kill(reason="cancelled")  # shutdown came while it started (before its process existed)
            if worker.alive:
                self._baseline_mb[key[0]] = baseline
                self._last_used[key] = time.monotonic()  # retired when idle, like any other worker
            elif self._workers.get(key) is worker:
                del self._workers[key]
            del self._prewarming[key]
            self._lock.notify_all()

    def _await_prewarm(self, job: Job) -> None:
        """Wait (cancellable) until no worker is starting ahead: one that belongs to this call is
        then warm, and another's framework import does not disturb the timing."""
        with self._lock:
            while self._prewarming and not job._cancelled and not self._closed:
                self._lock.wait(timeout=0.2)
            if job._cancelled or self._closed:
                raise WorkerError("cancelled while a worker started", "", "cancelled")

    def _kill_calling(self) -> None:
        """Kill the worker the running job uses (starting or measuring). Called under the lock, so
        the call cannot end and hand this worker to the next job in between."""
        worker = self._workers.get(self._calling) if self._calling else None
        if worker is not None:
            worker.kill(reason="cancelled")

    def _check_quota(self, session: str) -> None:
        pending = [job for job in [*self._queue, self._running] if job and isinstance(job.request, Plan)]
        mine = sum(1 for job in pending if job.session == session)
        if mine >= self.limits.queue_per_session:
            raise Busy(f"you already have {mine} measurements waiting; wait for them or cancel one")
        if len(pending) >= self.limits.queue_total:
            raise Busy("the machine is busy with other people's measurements; try again in a minute")

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                if not self._queue and not self._closed:
                    self._lock.wait(timeout=min(60.0, self.limits.worker_idle_s))
                if self._closed:
                    return
                job = self._queue.popleft() if self._queue else None
                if job is not None:
                    self._running, job.state = job, RUNNING
            if job is None:  # woken by the clock: a chance to stop idle workers (outside the lock)
                self._retire_idle()
                continue
            try:
                self._run(job)
            finally:
                with self._lock:
                    self._running = None

    def _run(self, job: Job) -> None:
        calls = job.request.calls()
        replies: list[tuple[WorkerCall, Any]] = []
        partial: dict[str, Any] = {}  # what the current call has finished so far
        for index, call in enumerate(calls, 1):
            if job._cancelled:
                break
            partial = {"environment": None, "results": []}
            try:
                replies.append((call, self._call(job, call, index, len(calls), partial)))
            except WorkerError as exc:
                job.errors.append(JobError(exc.kind, str(exc), exc.hint, call.backend))
        if job._cancelled:
            job.result = _interrupted(job.request, replies, partial)
            job._finish(CANCELLED)
            return
        job.result = _combine(job.request, replies, job.errors)
        job._finish(FAILED if job.errors else DONE)

    def _call(self, job: Job, call: WorkerCall, index: int, count: int, partial: dict[str, Any]) -> Any:
        """One worker call under the machine lock; raises ``WorkerError`` (kind "cancelled" too)."""
        if call.op == "devices" and not call.measure and (known := self._known_environment(call.backend)):
            return known
        label = getattr(job.request, "label", "") or call.op
        waited = self._machine.acquire(f"{label} ({call.backend})", lambda: job._cancelled,
                                       lambda holder: _waiting(job, holder))
        if waited is None:
            raise WorkerError("cancelled while waiting for another measurement", "", "cancelled")
        job.waited_s += waited
        if "waiting_for" in job.progress:  # the lock is ours: no longer waiting
            job.progress = {}
        key = (call.backend, call.threads)
        try:
            with self._lock:
                self._calling = key
            self._await_prewarm(job)
            worker = self._worker(key)
            with self._lock:
                if job._cancelled:  # cancelled just as its worker became ready
                    worker.kill(reason="cancelled")
                    raise WorkerError("cancelled while starting", "", "cancelled")
            timeout = job.timeout_s or limits_mod.default_timeout(call, self.limits)
            reply = worker.call(job.id, call, timeout,
                                on_progress=lambda event: _progress(job, event, index, count, partial))
        except WorkerError:
            broken = self._workers.get(key)
            if broken is not None and not broken.alive:  # killed, crashed, timed out: not a mere refusal
                self._retire(key)
            raise
        finally:
            with self._lock:
                self._calling = None
            self._machine.release()
        if call.op == "devices":
            environment = {"backend": call.backend, "versions": worker.ready.get("versions", {}), "devices": reply}
            with self._lock:
                self._environments[call.backend] = environment
            return environment
        self._last_used[key] = time.monotonic()
        if worker.calls_done >= self.limits.max_jobs_per_worker or self._over_memory(worker):
            self._retire(key)
        return results.validate_document(reply) if call.op == "run" else reply

    def _worker(self, key: tuple[str, int | None]) -> WorkerProcess:
        for other in [k for k in list(self._workers) if k[0] == key[0] and k != key]:  # list(): a prewarm may add
            self._retire(other)  # one worker per backend keeps memory bounded
        worker = self._workers.get(key)
        if worker is None or not worker.alive:
            others = sorted((k for k in list(self._workers) if k != key), key=lambda k: self._last_used.get(k, 0))
            for other in others[:max(0, len(others) + 1 - self.limits.max_workers)]:
                self._retire(other)  # the least recently used make room
            worker = WorkerProcess(key[0], threads=key[1], virtual_cpus=self._virtual_cpus,
                                   startup_timeout_s=self.limits.startup_timeout_s)
            self._workers[key] = worker
            worker.start()
            self._baseline_mb[key[0]] = _rss_mb(worker)
        return worker

    def _over_memory(self, worker: WorkerProcess) -> bool:
        """Whether an idle worker holds more than a measuring process may (TensorFlow keeps what a
        large workload allocated)."""
        limit = self.limits.worker_memory_bytes
        return limit is not None and _rss_mb(worker) * 2**20 > limit

    def _retire_idle(self) -> None:
        now = time.monotonic()
        with self._lock:  # a prewarm thread may add to _last_used meanwhile
            idle = [k for k, used in self._last_used.items() if now - used > self.limits.worker_idle_s]
        for key in idle:
            self._retire(key)

    def _retire(self, key: tuple[str, int | None]) -> None:
        self._last_used.pop(key, None)
        worker = self._workers.pop(key, None)
        if worker is not None:
            worker.stop()


def _rss_mb(worker: WorkerProcess) -> float:
    try:
        return psutil.Process(worker.pid).memory_info().rss / 2**20
    except (psutil.Error, TypeError):  # gone, or never started
        return 0.0


def _waiting(job: Job, holder: Holder | None) -> None:
    job.progress = {"waiting_for": holder}


def _progress(job: Job, event: dict[str, Any], index: int, count: int, partial: dict[str, Any]) -> None:
    """A worker's progress event: kept for callers to show, and what it finished kept apart."""
    if "environment" in event:
        partial["environment"] = event["environment"]
        return
    partial["results"] += event.get("finished", [])
    job.progress = {**{k: v for k, v in event.items() if k != "finished"}, "call": index, "calls": count,
                    "done": "finished" in event}  # the task named has finished, not just begun


def _interrupted(request: Request, replies: list[tuple[WorkerCall, Any]], partial: dict[str, Any]) -> Any:
    """What a cancelled plan had measured (finished calls, and the finished part of the one it
    stopped in), as one document marked ``interrupted``; None if nothing had finished."""
    if not isinstance(request, Plan):
        return None
    docs = [reply for _, reply in replies]
    if partial.get("results") and partial.get("environment"):
        docs.append(results.make_document(partial["results"], partial["environment"]))
    if not docs:
        return None
    doc = results.merge_documents(docs) if len(docs) > 1 else docs[0]
    return {**doc, "interrupted": True}


def _combine(request: Request, replies: list[tuple[WorkerCall, Any]], errors: list[JobError]) -> Any:
    """What a job hands back, from its successful calls (see ``Job``)."""
    if isinstance(request, DeviceQuery):
        return {call.backend: reply for call, reply in replies}
    if isinstance(request, LearnExample):
        return replies[0][1] if replies else None
    if not replies:
        return None
    doc = results.merge_documents([reply for _, reply in replies]) if len(replies) > 1 else replies[0][1]
    doc["errors"] += [_error_entry(request, error) for error in errors]
    return doc


def _error_entry(plan: Plan, error: JobError) -> dict[str, Any]:
    """A failed call as a results document's error: which workload, backend and device, and why."""
    spec = plan.specs[0]
    entry = {"workload": spec.name, "params": spec.params(), "dtype": spec.dtype, "error": error.message,
             "hint": error.hint}
    if error.backend in BACKENDS:
        entry["backend"] = error.backend
    if len(plan.devices) == 1 and ":" in plan.devices[0]:  # an exact id such as cpu:0, not "gpu" or "all"
        entry["device"] = plan.devices[0]
    return entry
