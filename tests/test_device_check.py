"""scripts/device_check.sh --smoke: every step of the GPU machine's check, run here on the CPU.

The smoke run is the real check with the GPU replaced by the CPU and tiny sizes, so what
these tests pass is what the one device call has to run. ``python3`` is taken from PATH,
so PATH starts with this interpreter's folder (the venv's bin).
"""

from __future__ import annotations

import importlib.util
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from dlenv.data import results

ROOT = Path(__file__).resolve().parents[1]
SCRIPT = ROOT / "scripts" / "device_check.sh"
BACKENDS = [name for name in ("jax", "torch") if importlib.util.find_spec(name) is not None]
WORKLOADS = {"matmul", "elementwise", "mlp", "cnn"}
RUN_STEPS = ("devices", "matmul gpu", "matmul cpu float32", "elementwise", "mlp", "cnn",
             "matmul cpu bfloat16", "merge")

pytestmark = pytest.mark.skipif(
    shutil.which("bash") is None or shutil.which("timeout") is None or not BACKENDS
    or importlib.util.find_spec("keras") is None,
    reason="needs bash, coreutils' timeout, keras and jax or torch")


def run_check(out: Path, *args: str, **env: str) -> subprocess.CompletedProcess:
    path = f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}"
    full_env = {**os.environ, "PATH": path, **env}
    return subprocess.run(["bash", str(SCRIPT), str(out), *args], capture_output=True, text=True,
                          timeout=600, env=full_env, cwd=ROOT)


@pytest.fixture(scope="module")
def smoke(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess]:
    out = tmp_path_factory.mktemp("device_check")
    return out, run_check(out, "--smoke")


def test_smoke_run_succeeds(smoke):
    out, done = smoke
    assert done.returncode == 0, done.stdout[-6000:] + done.stderr[-3000:]
    assert f"0 failed, {len(BACKENDS)} backends" in done.stdout
    # Everything printed is in the log too (tee).
    log = (out / "log.txt").read_text()
    assert "=== summary" in log and log.strip().splitlines()[-1] == done.stdout.strip().splitlines()[-1]


def test_at_most_eight_files_come_back(smoke):
    out, _ = smoke
    files = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    expected = {"log.txt", "reference.json", *(f"{kind}-{b}.json" for b in BACKENDS for kind in ("devices", "results"))}
    assert set(files) == expected
    assert len(files) <= 8
    assert not any(p.is_dir() for p in out.iterdir()), "the per-step parts are removed after the merge"


@pytest.mark.parametrize("backend", BACKENDS)
def test_results_hold_every_workload(smoke, backend):
    out, _ = smoke
    doc = results.load(out / f"results-{backend}.json")  # validated by dlenv itself
    rows = doc["results"]
    assert doc["errors"] == []
    assert {r["backend"] for r in rows} == {backend}
    assert {r["workload"] for r in rows} == WORKLOADS
    matmul = [r for r in rows if r["workload"] == "matmul"]
    # The GPU step (on the CPU here: 2 dtypes) and the CPU steps (one per dtype), each
    # with 2 sizes x 2 timings.
    assert len(matmul) == (2 + 1 + 1) * 2 * 2
    assert {(r["dtype"], r["timing"]) for r in matmul} == {
        (dtype, timing) for dtype in ("float32", "bfloat16") for timing in ("naive", "synced")}
    assert {r["params"]["m"] for r in matmul} == {64, 128}
    for model in ("mlp", "cnn"):
        assert {r["params"]["mode"] for r in rows if r["workload"] == model} == {"inference", "train"}
    assert all(r["median_s"] > 0 and r["device"] == "cpu:0" for r in rows)


@pytest.mark.parametrize("backend", BACKENDS)
def test_devices_listed(smoke, backend):
    out, _ = smoke
    report = json.loads((out / f"devices-{backend}.json").read_text())
    assert report["backend"] == backend
    assert "cpu:0" in [d["id"] for d in report["devices"]]
    assert report["versions"]["keras"]


def test_reference_timings(smoke):
    out, _ = smoke
    ref = json.loads((out / "reference.json").read_text())
    assert ref["errors"] == []
    got = {(r["impl"], r["dtype"], r["n"]) for r in ref["results"]}
    impls = [impl for name, impl in (("torch", "torch.matmul"), ("jax", "jax.numpy.matmul")) if name in BACKENDS]
    assert {(i, d, n) for i in impls for d in ("float32", "bfloat16") for n in (64, 128)} <= got
    assert all(r["median_s"] > 0 and r["gflops"] > 0 for r in ref["results"])


def test_log_names_every_step(smoke):
    out, _ = smoke
    log = (out / "log.txt").read_text()
    for heading in ("=== nvidia-smi", "=== versions", "keras already imports", "step gpu reference: exit 0"):
        assert heading in log
    for backend in BACKENDS:
        for step in RUN_STEPS:
            assert f"step {backend} {step}: exit 0" in log, f"{backend} {step}"
        assert f"-> results-{backend}.json with dlenv.data.results.merge_documents" in log


def test_failed_steps_are_logged_and_fail_the_run(tmp_path):
    # Past the deadline every measuring step is skipped: the script goes on, logs each
    # exit code, still runs the merges and the summary, and exits non-zero.
    done = run_check(tmp_path, "--smoke", DEVICE_CHECK_DEADLINE_S="0")
    assert done.returncode == 1, done.stdout[-4000:]
    log = (tmp_path / "log.txt").read_text()
    backend = BACKENDS[0]
    assert f"step {backend} cnn: SKIPPED" in log
    assert f"step {backend} merge: exit 1" in log
    assert "=== summary" in log and " failed, " in log.splitlines()[-1]


def test_bad_arguments():
    done = subprocess.run(["bash", str(SCRIPT)], capture_output=True, text=True, timeout=30)
    assert done.returncode == 2 and "usage" in done.stderr
