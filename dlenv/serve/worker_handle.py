"""One worker process seen from the parent: start, talk JSON lines, time out, kill.

Every way a worker can go wrong becomes a ``WorkerError`` whose message a student
understands and whose hint says what to do: the backend is not installed, the OS
killed the process (usually for memory), it printed something that is not a dlenv
message, it hung past its timeout, or it was cancelled.
"""

from __future__ import annotations

import json
import os
import queue
import signal
import subprocess
import sys
import threading
import time
from collections import deque
from collections.abc import Callable
from pathlib import Path
from typing import Any

from dlenv.measure import backends
from dlenv.serve.plan import WorkerCall

ROOT = Path(__file__).resolve().parents[2]
_EOF = object()


class WorkerError(RuntimeError):
    def __init__(self, message: str, hint: str, kind: str) -> None:
        super().__init__(message)
        self.hint, self.kind = hint, kind


class WorkerProcess:
    def __init__(self, backend: str, threads: int | None = None, virtual_cpus: int | None = None,
                 startup_timeout_s: float = 180, python: str = sys.executable) -> None:
        self.backend, self.threads, self.virtual_cpus = backend, threads, virtual_cpus
        self.python = python  # the interpreter that runs ``-m dlenv.serve.worker``
        self.startup_timeout_s = startup_timeout_s
        self.ready: dict[str, Any] = {}
        self.calls_done = 0
        self.started_in_s: float | None = None  # cold start: spawn to "ready"
        self._proc: subprocess.Popen | None = None
        self._messages: queue.Queue = queue.Queue()
        self._stderr: deque[str] = deque(maxlen=30)
        self._kill_reason: str | None = None

    # ------------------------------------------------------------- life cycle

    @property
    def alive(self) -> bool:
        return self._proc is not None and self._proc.poll() is None

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc else None

    def start(self) -> None:
        """Spawn the worker (a fresh interpreter, never a fork) and wait until it is ready."""
        try:
            backends.require(self.backend)
        except backends.BackendError as exc:  # its message names the install command
            raise WorkerError(str(exc), "install the backend, or choose an installed one",
                              "missing_backend") from exc
        command = [self.python, "-m", "dlenv.serve.worker", "--backend", self.backend]
        if self.threads:
            command += ["--threads", str(self.threads)]
        if self.virtual_cpus:
            command += ["--virtual-cpus", str(self.virtual_cpus)]
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")])),
               "PYTHONUNBUFFERED": "1"}
        began = time.perf_counter()
        self._proc = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                      text=True, encoding="utf-8", errors="replace", env=env,
                                      start_new_session=True)  # a Ctrl-C in the parent does not hit it
        threading.Thread(target=self._read_stdout, args=(self._proc,), daemon=True).start()
        threading.Thread(target=self._read_stderr, args=(self._proc,), daemon=True).start()
        message = self._next(time.monotonic() + self.startup_timeout_s, "start")
        if message.get("event") != "ready":
            self.kill()
            raise self._protocol_error(message)
        self.ready = message
        self.started_in_s = time.perf_counter() - began

    def stop(self) -> None:
        """Close stdin (the worker exits at EOF); kill it if it does not go quickly."""
        if self._proc is None:
            return
        try:
            self._proc.stdin.close()
            self._proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            self.kill()

    def kill(self, reason: str | None = None) -> None:
        """SIGKILL the worker's whole process group (its threads and any children)."""
        if reason:
            self._kill_reason = reason
        if self._proc is not None and self._proc.poll() is None:
            try:
                os.killpg(self._proc.pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
            self._proc.wait()

    # ------------------------------------------------------------- requests

    def call(self, call_id: str, call: WorkerCall, timeout_s: float,
             on_progress: Callable[[dict[str, Any]], None] | None = None) -> Any:
        """Send one call and wait for its answer: a results document (``run``), the device list
        (``devices``) or the traced example (``learn``). Progress events go to ``on_progress``;
        a refusal or failure in the worker raises ``WorkerError`` with the worker's message."""
        self._send({"id": call_id, "call": call.to_message()})
        deadline = time.monotonic() + timeout_s
        while True:
            message = self._next(deadline, call.op, timeout_s)
            if message.get("id") != call_id:
                raise self._protocol_error(message)
            event = message.get("event")
            if event == "progress":
                if on_progress:
                    on_progress(message)
                continue
            if event == "error":
                self.calls_done += 1
                raise WorkerError(str(message.get("message")), str(message.get("hint", "")),
                                  str(message.get("kind", "failed")))
            if event == "done" and "result" in message:
                self.calls_done += 1
                return message["result"]
            raise self._protocol_error(message)

    # ------------------------------------------------------------- plumbing

    def _send(self, message: dict[str, Any]) -> None:
        if not self.alive:
            raise self._exit_error()
        try:
            self._proc.stdin.write(json.dumps(message) + "\n")
            self._proc.stdin.flush()
        except OSError as exc:
            raise self._exit_error() from exc

    def _read_stdout(self, proc: subprocess.Popen) -> None:
        for line in proc.stdout:
            try:
                message = json.loads(line)
                self._messages.put(message if isinstance(message, dict) else {"garbage": line})
            except ValueError:
                self._messages.put({"garbage": line})
        self._messages.put(_EOF)

    def _read_stderr(self, proc: subprocess.Popen) -> None:
        for line in proc.stderr:
            self._stderr.append(line.rstrip())

    def _next(self, deadline: float, what: str, timeout_s: float | None = None) -> dict[str, Any]:
        try:
            message = self._messages.get(timeout=max(0.0, deadline - time.monotonic()))
        except queue.Empty:
            self.kill()
            if what == "start":
                raise WorkerError(f"the {self.backend} backend did not start within {self.startup_timeout_s:.0f} s",
                                  "the machine may be overloaded; try again", "timeout") from None
            raise WorkerError(f"the measurement took longer than its {timeout_s:.0f} s limit and was stopped",
                              "use a smaller size, fewer sizes or a shorter budget", "timeout") from None
        if message is _EOF:
            self._proc.wait()
            raise self._exit_error()
        return message

    def _exit_error(self) -> WorkerError:
        code = self._proc.poll() if self._proc else None
        if self._kill_reason == "cancelled":
            return WorkerError("cancelled while measuring", "", "cancelled")
        if code is not None and code < 0:
            name = signal.Signals(-code).name if -code in signal.Signals._value2member_map_ else str(-code)
            return WorkerError(f"the operating system stopped the {self.backend} measuring process ({name}); "
                               "this usually means it ran out of memory",
                               "use a smaller size or batch; the next measurement starts a fresh process", "killed")
        last = next((line for line in reversed(self._stderr) if line.strip()), "no message")
        return WorkerError(f"the {self.backend} measuring process stopped (exit code {code}): {last[:300]}",
                           "check that the backend is installed correctly; the next measurement starts a fresh "
                           "process", "crashed")

    def _protocol_error(self, message: dict[str, Any]) -> WorkerError:
        self.kill()
        shown = str(message.get("garbage", message))[:200].strip()
        return WorkerError(f"the {self.backend} measuring process sent something that is not a dlenv message: "
                           f"{shown!r}", "the next measurement starts a fresh process", "protocol")
