"""JAX and PyTorch measure the same workloads as TensorFlow, each in its own process."""

import subprocess
import sys

import pytest
from conftest import ROOT

from dlenv.data import results
from tests.measure_every_workload import SPECS


@pytest.mark.parametrize("backend", ["jax", "torch"])
def test_every_workload_runs_on_the_backend(backend):
    done = subprocess.run([sys.executable, str(ROOT / "tests" / "measure_every_workload.py"), backend],
                          capture_output=True, text=True, timeout=300, cwd=ROOT,
                          env={"PYTHONPATH": str(ROOT), "PATH": "/usr/bin:/bin"})
    assert done.returncode == 0, done.stderr[-2000:]
    doc = results.loads(done.stdout)
    assert all(results.environment_of(doc, r)["frameworks"][backend] for r in doc["results"])
    assert {r["backend"] for r in doc["results"]} == {backend}
    labels = {r["label"] for r in doc["results"]}
    assert labels == {spec.label() for spec in SPECS}
    matmul = [r for r in doc["results"] if r["label"] == "matmul 64 float32"]
    assert {(r["device"], r["timing"]) for r in matmul} == {
        ("cpu:0", "synced"), ("cpu:0", "naive"), ("cpu:1", "synced"), ("cpu:1", "naive")}
    for record in doc["results"]:
        assert record["median_s"] > 0 and record["gflops"] > 0
