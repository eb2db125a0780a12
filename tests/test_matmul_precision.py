"""What a "float32" matmul ran as: the rule from setting and device to precision, each backend
reading its framework's setting, results carrying both, and the strict-float32 switch reaching
a warm worker without outliving its call."""

import json
import os
import subprocess
import sys

import pandas as pd
import pytest
from conftest import ROOT

from dlenv.cli.args import build_parser
from dlenv.measure.devices import DeviceInfo, peak_for
from dlenv.measure.workloads import MLP, Elementwise, Matmul, WorkloadError
from dlenv.precision import dtype_label, from_level
from dlenv.serve.limits import Limits
from dlenv.serve.plan import Plan, WorkerCall
from dlenv.serve.runner import DONE, Runner

A100 = DeviceInfo("gpu:0", "gpu", "NVIDIA A100-SXM4-40GB", compute_capability="8.0")
T4 = DeviceInfo("gpu:0", "gpu", "Tesla T4", compute_capability="7.5")
TPU = DeviceInfo("tpu:0", "tpu", "TPU v5 lite")
CPU = DeviceInfo("cpu:0", "cpu", "a CPU", cores=2, threads=2, clock_ghz=2.0, simd=("avx2", "fma"))
BACKENDS = ("tensorflow", "jax", "torch")


# ---------------------------------------------------------------- the rule (no framework)

@pytest.mark.parametrize(("device", "level", "ran"), [
    (A100, "default", "tf32"), (A100, "high", "tf32"), (A100, "highest", "float32"),
    (T4, "default", "float32"), (T4, "high", "float32"), (T4, "highest", "float32"),
    (TPU, "default", "bfloat16"), (TPU, "high", "bfloat16_3x"), (TPU, "highest", "float32"),
    (CPU, "default", "float32"), (CPU, "high", "float32"), (CPU, "highest", "float32"),
])
def test_a_float32_matmul_runs_as_the_level_allows_on_each_device(device, level, ran):
    assert from_level(device, "float32", level) == ran


def test_other_dtypes_run_as_themselves_and_an_unknown_gpu_counts_as_without_tf32():
    assert from_level(A100, "bfloat16", "default") == "bfloat16"
    assert from_level(TPU, "bfloat16", "default") == "bfloat16"
    assert from_level(A100, "float64", "default") == "float64"
    unknown = DeviceInfo("gpu:0", "gpu", "Some GPU", compute_capability=None)
    assert from_level(unknown, "float32", "default") == "float32"
    with pytest.raises(ValueError, match="unknown precision level"):
        from_level(A100, "float32", "fastest")


def test_the_peak_is_the_one_for_the_precision_the_matmul_ran_as():
    assert peak_for(A100, "float32", precision="tf32").gflops == 156_000
    assert peak_for(A100, "float32", precision="float32").gflops == 19_500
    assert peak_for(A100, "float32").gflops == 19_500
    assert peak_for(T4, "float32", precision="float32").gflops == 8_100
    assert peak_for(TPU, "float32", precision="bfloat16").gflops == 197_000
    three = peak_for(TPU, "float32", precision="bfloat16_3x")
    assert three.gflops == pytest.approx(197_000 / 3) and "3 bfloat16 passes" in three.note
    assert peak_for(CPU, "float32", precision="float32") == peak_for(CPU, "float32")


def test_a_dtype_label_names_a_narrower_run():
    assert dtype_label({"dtype": "float32", "matmul_precision": "tf32"}) == "float32 (TF32)"
    assert dtype_label({"dtype": "float32", "matmul_precision": "bfloat16"}) == "float32 (bfloat16, 1 pass)"
    assert dtype_label({"dtype": "float32", "matmul_precision": "float32"}) == "float32"
    assert dtype_label({"dtype": "float16"}) == "float16"
    rows = pd.DataFrame([{"dtype": "float32", "matmul_precision": "tf32"}, {"dtype": "float32"}])
    assert [dtype_label(row) for _, row in rows.iterrows()] == ["float32 (TF32)", "float32"]  # NaN: not recorded


# ---------------------------------------------------------------- each backend reads its setting

def test_tensorflow_reads_its_tf32_switch(tf_backend):
    import tensorflow as tf

    from dlenv.measure.backends import tensorflow as backend

    try:
        tf.config.experimental.enable_tensor_float_32_execution(False)
        assert backend.matmul_precision(A100, "float32") == ("float32", "tensor_float_32_execution_enabled=False")
        tf.config.experimental.enable_tensor_float_32_execution(True)
        assert backend.matmul_precision(A100, "float32") == ("tf32", "tensor_float_32_execution_enabled=True")
        assert backend.matmul_precision(TPU, "float32")[0] == "bfloat16"
        assert backend.matmul_precision(CPU, "float32")[0] == "float32"
    finally:
        tf.config.experimental.enable_tensor_float_32_execution(True)  # TensorFlow's default


TORCH_CHECK = """
import json, torch
from dlenv.measure.backends import torch as backend
from dlenv.measure.devices import DeviceInfo
a100 = DeviceInfo("gpu:0", "gpu", "A100", compute_capability="8.0")
t4 = DeviceInfo("gpu:0", "gpu", "T4", compute_capability="7.5")
cpu = DeviceInfo("cpu:0", "cpu", "a CPU")
seen = {"start": backend.matmul_precision(a100, "float32")}
torch.set_float32_matmul_precision("high")
seen["high"] = backend.matmul_precision(a100, "float32")
seen["high_t4"] = backend.matmul_precision(t4, "float32")
seen["high_cpu"] = backend.matmul_precision(cpu, "float32")
backend.set_strict_float32(True)
seen["strict"] = backend.matmul_precision(a100, "float32")
seen["strict_cudnn"] = torch.backends.cudnn.allow_tf32
backend.set_strict_float32(False)
seen["after"] = backend.matmul_precision(a100, "float32")
print(json.dumps(seen))
"""


def test_torch_reads_its_float32_matmul_precision_and_the_strict_switch_restores_it():
    seen = in_child(TORCH_CHECK)
    assert seen["start"] == ["float32", "float32_matmul_precision=highest, cuda.matmul.allow_tf32=False"]
    assert seen["high"] == ["tf32", "float32_matmul_precision=high, cuda.matmul.allow_tf32=True"]
    assert seen["high_t4"][0] == "float32"
    assert seen["high_cpu"][0] == "float32" and "mkldnn.matmul.fp32_precision=" in seen["high_cpu"][1]
    assert seen["strict"] == ["float32", "float32_matmul_precision=highest, cuda.matmul.allow_tf32=False"]
    assert seen["strict_cudnn"] is False
    assert seen["after"] == seen["high"]  # what the process had before the switch, not torch's default


JAX_CHECK = """
import json, jax
from dlenv.measure.backends import jax as backend
from dlenv.measure.devices import DeviceInfo
devices = {"a100": DeviceInfo("gpu:0", "gpu", "A100", compute_capability="8.0"),
           "v100": DeviceInfo("gpu:0", "gpu", "V100", compute_capability="7.0"),
           "tpu": DeviceInfo("tpu:0", "tpu", "TPU v5 lite"), "cpu": DeviceInfo("cpu:0", "cpu", "a CPU")}
seen = {}
for setting in (None, "bfloat16", "tensorfloat32", "highest", "BF16_BF16_F32_X3", "TF32_TF32_F32"):
    jax.config.update("jax_default_matmul_precision", setting)
    seen[str(setting)] = {name: backend.matmul_precision(d, "float32") for name, d in devices.items()}
print(json.dumps(seen))
"""


def test_jax_reads_its_default_matmul_precision_and_resolves_legacy_names_and_presets():
    seen = in_child(JAX_CHECK)
    ran = {setting: {name: got[0] for name, got in by_device.items()} for setting, by_device in seen.items()}
    assert ran["None"] == {"a100": "tf32", "v100": "float32", "tpu": "bfloat16", "cpu": "float32"}
    assert ran["bfloat16"] == ran["None"]  # a legacy name for precision DEFAULT: TF32 on a GPU that has it
    assert ran["tensorfloat32"] == {"a100": "tf32", "v100": "float32", "tpu": "bfloat16_3x", "cpu": "float32"}
    assert set(ran["highest"].values()) == {"float32"}
    assert ran["BF16_BF16_F32_X3"] == {"a100": "bfloat16_3x", "v100": "bfloat16_3x", "tpu": "bfloat16_3x",
                                       "cpu": "float32"}
    assert ran["TF32_TF32_F32"]["a100"] == "tf32"
    assert seen["tensorfloat32"]["cpu"][1] == "jax_default_matmul_precision=tensorfloat32"


def in_child(code):
    """What ``code`` printed last, as JSON, run in a fresh interpreter (a framework's settings are global)."""
    done = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, text=True, timeout=120,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert done.returncode == 0, done.stderr[-2000:]
    return json.loads(done.stdout.splitlines()[-1])


# ---------------------------------------------------------------- results, and the switch through a warm worker

SETTING = {  # the setting text each backend records for a CPU matmul: (default, strict)
    "tensorflow": ("tensor_float_32_execution_enabled=True", "tensor_float_32_execution_enabled=False"),
    "jax": ("jax_default_matmul_precision=None", "jax_default_matmul_precision=highest"),
    "torch": ("float32_matmul_precision=highest", "float32_matmul_precision=highest"),
}


@pytest.fixture(scope="module")
def runner():
    runner = Runner(Limits(max_matmul=4096, max_model_bytes=2**30))
    yield runner
    runner.shutdown()


def run(runner, plan):
    job = runner.submit(plan)
    assert job.wait(300) and job.state == DONE, job.errors
    return job.result["results"]


def settings(records):
    return {r["backend"]: r["matmul_precision_setting"] for r in records if r["workload"] != "elementwise"}


def test_matmul_results_carry_what_they_ran_as_and_strict_float32_does_not_outlive_its_call(runner):
    specs = (Matmul.square(32), MLP(depth=1, width=16, batch=4, input_dim=16), Elementwise(size=32))
    first = run(runner, Plan(specs, backends=BACKENDS, budget_s=0.05))
    for record in first:
        if record["workload"] == "elementwise":
            assert "matmul_precision" not in record and "matmul_precision_setting" not in record
        else:
            assert record["matmul_precision"] == "float32", record  # a CPU runs the dtype
            assert record["matmul_precision_setting"].startswith(SETTING[record["backend"]][0]), record
    assert {r["workload"] for r in first if "matmul_precision" in r} == {"matmul", "mlp"}

    strict = run(runner, Plan((Matmul.square(32),), backends=BACKENDS, budget_s=0.05, strict_float32=True))
    assert {b: s.split(",")[0] for b, s in settings(strict).items()} == {b: s[1] for b, s in SETTING.items()}
    again = run(runner, Plan((Matmul.square(32),), backends=BACKENDS, budget_s=0.05))  # the same warm workers
    assert {b: s.split(",")[0] for b, s in settings(again).items()} == {b: s[0] for b, s in SETTING.items()}
    assert settings(again) == settings(first)


def test_strict_float32_travels_in_the_call_and_must_be_a_boolean():
    plan = Plan((Matmul.square(32),), backends=("tensorflow", "jax"), strict_float32=True)
    assert all(call.strict_float32 for call in plan.calls())
    message = plan.calls()[0].to_message()
    assert WorkerCall.from_message(message).strict_float32 is True
    assert WorkerCall.from_message({**message, "strict_float32": False}).strict_float32 is False
    assert WorkerCall.from_message({k: v for k, v in message.items() if k != "strict_float32"}).strict_float32 is False
    with pytest.raises(WorkloadError, match="strict_float32 must be true or false"):
        WorkerCall.from_message({**message, "strict_float32": "false"})
    assert Plan((Matmul.square(32),), strict_float32=True) != Plan((Matmul.square(32),))  # not one cached answer


def test_the_command_line_has_a_strict_float32_flag():
    parser = build_parser()
    assert parser.parse_args(["run", "matmul", "--strict-float32"]).strict_float32 is True
    assert parser.parse_args(["run", "matmul"]).strict_float32 is False
