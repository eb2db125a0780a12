"""Shared fixtures.

Keras fixes its backend when first imported, so this test process measures with
TensorFlow only (split into two logical CPU devices, to exercise multi-device code);
the JAX and PyTorch backends are tested in child processes.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="session")
def tf_backend():
    from dlenv.measure import execute

    return execute.prepare("tensorflow", virtual_cpus=2)


def run_dlenv(*args: str, timeout: float = 300, preexec_fn=None) -> subprocess.CompletedProcess:
    """``python -m dlenv ARGS`` in a fresh interpreter, as a user would run it."""
    env = {**os.environ, "PYTHONPATH": str(ROOT), "TF_CPP_MIN_LOG_LEVEL": "3"}
    return subprocess.run([sys.executable, "-m", "dlenv", *args], capture_output=True, text=True,
                          timeout=timeout, env=env, cwd=ROOT, preexec_fn=preexec_fn)
