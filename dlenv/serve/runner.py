"""The parent side of measuring: warm workers, one fair queue, limits, cancel.

One ``Runner`` per machine (the dashboard shares it across browser sessions with
``st.cache_resource``; the CLI makes its own). Every job goes through one FIFO queue
and a single dispatcher thread runs them one at a time, because two timed regions on
one machine corrupt each other's numbers. Each job runs in the warm worker process of
its backend (``dlenv.serve.worker``); a worker that crashes, hangs past the job's timeout, is
cancelled mid-job or has served ``max_jobs_per_worker`` jobs is replaced.

This module never imports a framework: only workers do.
"""

from __future__ import annotations

import itertools
import threading
from collections import deque
from dataclasses import dataclass, replace
from typing import Any

from dlenv.serve import limits as limits_mod
from dlenv.data import results
from dlenv.serve.plan import JobRequest
from dlenv.serve.limits import Limits
from dlenv.serve.worker_handle import WorkerError, WorkerProcess

QUEUED, RUNNING, DONE, FAILED, CANCELLED = "queued", "running", "done", "failed", "cancelled"


class Busy(RuntimeError):
    """The queue is full (for this session or overall): try again later."""


@dataclass(frozen=True)
class JobError:
    kind: str      # refused, missing_device, out_of_memory, killed, timeout, crashed, protocol, ...
    message: str   # a sentence a student understands
    hint: str      # what to change


class Job:
    """A caller's handle: state, queue position, live progress, result or error."""

    def __init__(self, job_id: str, request: JobRequest | None, session: str, runner: Runner,
                 timeout_s: float, backend: str | None = None, op: str = "run") -> None:
        self.id, self.request, self.session, self.timeout_s = job_id, request, session, timeout_s
        self.backend = request.backend if request else backend
        self.op = op  # "run" measures the request; request-less jobs ask "environment" or "learn"
        self.state = QUEUED
        self.progress: dict[str, Any] = {}
        self.doc: dict[str, Any] | None = None
        self.error: JobError | None = None
        self.started: float | None = None   # wall-clock time of the worker's timed region
        self.ended: float | None = None
        self.worker_pid: int | None = None
        self._runner = runner
        self._done = threading.Event()

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

    def _finish(self, state: str, doc: dict[str, Any] | None = None, error: JobError | None = None) -> None:
        self.state, self.doc, self.error = state, doc, error
        self._done.set()


class Runner:
    def __init__(self, limits: Limits | None = None, virtual_cpus: int | None = None) -> None:
        self.limits = limits or Limits.from_env()
        self._virtual_cpus = virtual_cpus
        self._queue: deque[Job] = deque()
        self._running: Job | None = None
        self._lock = threading.Condition()
        self._workers: dict[tuple[str, int | None], WorkerProcess] = {}
        self._environments: dict[str, dict[str, Any]] = {}
        self._ids = itertools.count(1)
        self._closed = False
        self._thread = threading.Thread(target=self._dispatch, name="dlenv-runner", daemon=True)
        self._thread.start()

    # ------------------------------------------------------------- callers

    def submit(self, request: JobRequest, session: str = "default", timeout_s: float | None = None) -> Job:
        """Queue ``request``; raises ``jobs.Refused`` (over a limit) or ``Busy`` (queue full)."""
        self.limits.check(request)
        timeout = timeout_s or limits_mod.default_timeout(request, self.limits)
        with self._lock:
            if self._closed:
                raise Busy("the runner is shutting down; try again in a moment")
            mine = sum(1 for j in self._pending() if j.session == session)
            if mine >= self.limits.queue_per_session:
                raise Busy(f"you already have {mine} measurements waiting; wait for them or cancel one")
            if len(self._pending()) >= self.limits.queue_total:
                raise Busy("the machine is busy with other people's measurements; try again in a minute")
            job = Job(str(next(self._ids)), request, session, self, timeout)
            self._queue.append(job)
            self._lock.notify_all()
        return job

    def compare(self, request: JobRequest, backends: list[str], session: str = "default") -> list[Job]:
        """The same workload on several backends, one job (and worker) each."""
        return [self.submit(_with_backend(request, name), session) for name in backends]

    def position(self, job: Job) -> int:
        with self._lock:
            return self._queue.index(job) + 1 if job in self._queue else 0

    def cancel(self, job: Job) -> None:
        """Drop a queued job, or stop a running one by killing its worker."""
        with self._lock:
            if job in self._queue:
                self._queue.remove(job)
                job._finish(CANCELLED, error=JobError("cancelled", "cancelled before it started", ""))
                return
            # Kill under the lock: the job cannot finish and hand this worker to the
            # next job in between.
            worker = self._workers.get(_worker_key(job)) if job is self._running else None
            if worker is not None:
                worker.kill(reason="cancelled")

    def ask(self, backend: str, op: str, session: str = "default", timeout_s: float = 300) -> Job:
        """Queue a request-less job and return its handle at once: ``op`` is "environment"
        (versions and devices as the backend's worker sees them) or "learn" (the Learn page's
        example, ``dlenv.measure.graphdemo``, on the TensorFlow worker).

        Both queue like a measurement because they use the CPU: starting a framework or
        timing the example must not overlap someone else's timed region. No queue quota
        applies: after the first, an environment job is answered from the cache at once.
        """
        job = Job(f"{op}-{next(self._ids)}", None, session, self, timeout_s, backend=backend, op=op)
        with self._lock:
            if self._closed:
                raise Busy("the runner is shutting down; try again in a moment")
            self._queue.append(job)
            self._lock.notify_all()
        return job

    def known_environment(self, backend: str) -> dict[str, Any] | None:
        """The backend's environment if a worker already reported it (never blocks)."""
        with self._lock:
            return self._environments.get(backend)

    def environment(self, backend: str, timeout_s: float = 300) -> dict[str, Any]:
        """``ask(backend, "environment")``, waited for: cached per backend; ``WorkerError`` if it fails."""
        known = self.known_environment(backend)
        if known:
            return known
        job = self.ask(backend, "environment", timeout_s=timeout_s)
        if not job.wait(timeout_s + 5) or job.error:
            error = job.error or JobError("timeout", f"the {backend} worker did not answer in time", "try again")
            raise WorkerError(error.message, error.hint, error.kind)
        return job.doc

    def merged(self, jobs: list[Job]) -> dict[str, Any]:
        """One results document from finished jobs (a backend comparison, say)."""
        return results.merge_documents([job.doc for job in jobs if job.doc])

    def running_worker_pid(self) -> int | None:
        """The process measuring right now, if any (what cancel would stop)."""
        with self._lock:
            worker = self._workers.get(_worker_key(self._running)) if self._running else None
        return worker.pid if worker and worker.alive else None

    def worker_count(self) -> int:
        return sum(1 for worker in self._workers.values() if worker.alive)

    def queue_length(self) -> int:
        with self._lock:
            return len(self._pending())

    def shutdown(self) -> None:
        with self._lock:
            self._closed = True
            for job in list(self._queue):
                job._finish(CANCELLED, error=JobError("cancelled", "the runner shut down", "start it again"))
            self._queue.clear()
            self._lock.notify_all()
        for worker in list(self._workers.values()):
            worker.stop()

    # ------------------------------------------------------------- dispatcher

    def _pending(self) -> list[Job]:
        return list(self._queue) + ([self._running] if self._running else [])

    def _dispatch(self) -> None:
        while True:
            with self._lock:
                while not self._queue and not self._closed:
                    self._lock.wait()
                if self._closed:
                    return
                job = self._queue.popleft()
                self._running = job
                job.state = RUNNING
            try:
                self._run(job)
            finally:
                with self._lock:
                    self._running = None

    def _run(self, job: Job) -> None:
        key = _worker_key(job)
        if job.op == "environment" and (known := self.known_environment(job.backend)):
            job._finish(DONE, doc=known)
            return
        try:
            worker = self._worker(key)
            if job.op == "environment":
                doc = {**worker.ready, "devices": worker.devices(job.timeout_s)}
                with self._lock:
                    self._environments[job.backend] = doc
                job._finish(DONE, doc=doc)
                return
            if job.op == "learn":
                job._finish(DONE, doc=worker.learn(job.timeout_s))
                return
            job.worker_pid = worker.pid
            reply = worker.run(job.id, job.request.to_message(), job.timeout_s, on_progress=lambda e: _set(job, e))
        except WorkerError as exc:
            self._retire(key)
            state = CANCELLED if exc.kind == "cancelled" else FAILED
            job._finish(state, error=JobError(exc.kind, str(exc), exc.hint))
            return
        if reply["event"] == "error":
            job._finish(FAILED, error=JobError(reply["kind"], reply["message"], reply["hint"]))
            return
        job.started, job.ended = reply["started"], reply["ended"]
        doc = results.validate_document(reply["doc"])
        job._finish(DONE, doc=doc)
        if worker.jobs_done >= self.limits.max_jobs_per_worker:
            self._retire(key)

    def _worker(self, key: tuple[str, int | None]) -> WorkerProcess:
        for other in [k for k in self._workers if k[0] == key[0] and k != key]:
            self._retire(other)  # one worker per backend keeps memory bounded
        worker = self._workers.get(key)
        if worker is None or not worker.alive:
            worker = WorkerProcess(key[0], threads=key[1], virtual_cpus=self._virtual_cpus,
                                   startup_timeout_s=self.limits.startup_timeout_s)
            self._workers[key] = worker
            worker.start()
        return worker

    def _retire(self, key: tuple[str, int | None]) -> None:
        worker = self._workers.pop(key, None)
        if worker is not None:
            worker.stop()


def _set(job: Job, event: dict[str, Any]) -> None:
    job.progress = event


def _worker_key(job: Job) -> tuple[str, int | None]:
    """Jobs share a worker when they need the same backend and thread count."""
    return job.backend, job.request.threads if job.request else None


def _with_backend(request: JobRequest, backend: str) -> JobRequest:
    return replace(request, backend=backend)
