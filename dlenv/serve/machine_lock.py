"""One measurement per machine, across processes: the lock every runner holds around a worker call.

Two processes timing at once corrupt each other's numbers (two CLIs measured 52 GFLOP/s
each where one alone measured 95). The runner's queue keeps one process's jobs in line;
this lock, a ``filelock.FileLock`` in the user's cache folder, does the same between
processes: CLIs, app servers, a notebook. The OS releases it when its holder dies, so a
crash leaves no stale lock. Beside it the holder writes who it is (pid, since when, what),
so that a waiter can say what it waits for.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from datetime import datetime
from pathlib import Path

import platformdirs
from filelock import FileLock, Timeout

from dlenv.measure.environment import now_iso

POLL_S = 0.2  # how often a waiter checks for cancel and reports whom it waits for


@dataclass(frozen=True)
class Holder:
    """Who holds the lock: process id, since when (UTC ISO 8601) and what it measures."""

    pid: int
    since: str
    what: str = ""

    def since_local(self) -> str:
        """When the holder took the lock, as HH:MM:SS in this machine's time zone."""
        try:
            return datetime.fromisoformat(self.since.replace("Z", "+00:00")).astimezone().strftime("%H:%M:%S")
        except ValueError:
            return self.since

    def describe(self) -> str:
        """One sentence for a waiting user."""
        return f"waiting for another dlenv measurement, pid {self.pid}, since {self.since_local()}"


class MachineLock:
    """The machine-wide measurement lock (one per user: ``platformdirs.user_cache_dir("dlenv")``)."""

    def __init__(self, folder: Path | None = None) -> None:
        folder = Path(folder or platformdirs.user_cache_dir("dlenv"))
        folder.mkdir(parents=True, exist_ok=True)
        self._lock = FileLock(folder / "measure.lock")
        self._about = folder / "measure-holder.json"

    def acquire(self, what: str, cancelled: Callable[[], bool],
                on_wait: Callable[[Holder | None], None]) -> float | None:
        """Take the lock, waiting as long as another process holds it.

        While waiting, ``on_wait`` gets the holder (None if it cannot be read) every
        ``POLL_S`` seconds, and ``cancelled()`` is asked whether to give up. Returns the
        seconds waited, or None if cancelled before the lock was taken.
        """
        began = time.monotonic()
        while True:
            try:
                self._lock.acquire(timeout=POLL_S)
                break
            except Timeout:
                if cancelled():
                    return None
                on_wait(self.holder())
        self._write_holder(Holder(os.getpid(), now_iso(), what))
        return time.monotonic() - began

    def release(self) -> None:
        with contextlib.suppress(OSError):
            self._about.unlink()
        self._lock.release()

    def holder(self) -> Holder | None:
        """Who holds the lock now, as it wrote itself down; None if nobody or unreadable."""
        try:
            return Holder(**json.loads(self._about.read_text(encoding="utf-8")))
        except (OSError, ValueError, TypeError):
            return None

    def _write_holder(self, holder: Holder) -> None:
        # Written whole, then renamed: a waiter never reads half a file.
        handle, temp = tempfile.mkstemp(dir=self._about.parent, prefix=".holder.")
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            json.dump(asdict(holder), file)
        os.replace(temp, self._about)
