"""Who measured, on what: the environment record stored with every result file."""

from __future__ import annotations

import os
import platform
from datetime import datetime, timezone
from types import ModuleType
from typing import Any

import dlenv
from dlenv.measure import backends
from dlenv.measure.devices import DeviceInfo, cpu_info

THREAD_VARIABLES = (*backends.THREAD_VARIABLES, "XLA_FLAGS")


def runtime() -> str:
    """Where this process runs: "colab", "streamlit-cloud" or "local"."""
    if "COLAB_RELEASE_TAG" in os.environ or "COLAB_GPU" in os.environ:
        return "colab"
    # Streamlit Community Cloud runs apps as "appuser" from a checkout under /mount/src.
    if os.environ.get("HOME") == "/home/appuser" or os.getcwd().startswith("/mount/src"):
        return "streamlit-cloud"
    return "local"


def now_iso() -> str:
    """The time now, UTC, ISO 8601 with milliseconds and a Z (e.g. 2026-11-30T04:12:33.123Z)."""
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def collect(backend: ModuleType, devices: list[DeviceInfo]) -> dict[str, Any]:
    """The environment of this (measuring) process, for a result file: what the framework
    computes with (``threads.framework``) and the Keras settings it ran under (``keras``)."""
    cpu = cpu_info()
    return {
        "dlenv": dlenv.__version__,
        "machine": os.environ.get("DLENV_MACHINE") or platform.node() or "unknown",
        "runtime": runtime(),
        "os": platform.platform(),
        "python": platform.python_version(),
        "frameworks": backend.versions(),
        "cpu": cpu.to_dict(),
        "devices": [d.to_dict() for d in devices],
        "keras": backends.keras_settings(),
        "threads": {"usable_cpus": len(os.sched_getaffinity(0)), "framework": backend.threads(),
                    **{var: os.environ[var] for var in THREAD_VARIABLES if var in os.environ}},
        "collected_at": now_iso(),
    }
