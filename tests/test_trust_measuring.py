"""The measuring items of the trust issue, each reproduced as a test, with a variant of each.

2. Thread settings from the environment: the record's thread count and the CPU peak are
   what the framework really uses, whatever set it; a value dlenv cannot use is one line.
3. The user's own Keras configuration: dlenv measures the model its spec describes,
   whatever keras.json says, and records the parameter count of the model that ran.
4. "% of peak" against the wrong peak: ``--peak measured`` always uses the measured
   ceiling; the CPU estimate knows FLOP per cycle per microarchitecture (Zen 4 runs
   AVX-512 on 256-bit units); TensorFlow's TPU names find their datasheet row.

The command-line tests run ``python -m dlenv`` in a fresh process with the variable or
file set, as a user would.
"""

import json
import os
from pathlib import Path

import pytest
from conftest import run_dlenv
from test_cli import assert_one_line_error

from dlenv.data import results
from dlenv.measure import backends, devices, execute, peaks
from dlenv.measure.backends import tensorflow as tf_module
from dlenv.measure.devices import DeviceInfo, cpu_peak_estimate, peak_for
from dlenv.measure.timing import TimingSettings
from dlenv.measure.workloads import CNN, Matmul

QUICK = TimingSettings(budget_s=0.2, min_sample_s=0.002)
USABLE = len(os.sched_getaffinity(0))


def run_with(monkeypatch, env: dict[str, str], *args: str, tmp_path) -> tuple[dict, dict]:
    """``python -m dlenv run ARGS`` with ``env`` set: its one result record and its environment."""
    out = tmp_path / "r.json"
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    done = run_dlenv("run", *args, "--budget", "0.2", "--quiet", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    doc = results.load(out)
    [record] = doc["results"]
    [environment] = doc["environments"].values() if "environments" in doc else [doc["environment"]]
    return record, environment


def cpu_estimate(threads: int) -> float:
    """This machine's float32 CPU estimate for ``threads`` threads: a share of the all-cores one."""
    cpu = devices.cpu_info()
    cores = min(cpu.cores, cpu.threads)
    return cpu_peak_estimate(cpu, "float32").gflops * min(threads, cores) / cores


# ---------------------------------------------------------------- 2. threads from the environment


@pytest.mark.parametrize("backend, env, threads", [
    ("torch", {"OMP_NUM_THREADS": "1"}, 1),           # the reproduction
    ("torch", {"OMP_NUM_THREADS": "2,1"}, min(2, USABLE)),  # a legal nested list crashed the worker
    ("torch", {"MKL_NUM_THREADS": "1"}, 1),           # variant: torch reads MKL's variable too
    ("tensorflow", {"TF_NUM_INTRAOP_THREADS": "1"}, 1),  # variant: TensorFlow's own
    ("jax", {"XLA_FLAGS": "--xla_cpu_multi_thread_eigen=false"}, 1),  # variant: XLA's own
], ids=["torch-OMP=1", "torch-OMP=2,1", "torch-MKL=1", "tf-INTRAOP=1", "jax-eigen-off"])
def test_the_record_says_the_threads_the_framework_used_and_the_peak_is_scaled(
        backend, env, threads, tmp_path, monkeypatch):
    if USABLE < 2:
        pytest.skip("needs two usable CPUs to tell one thread from all")
    record, environment = run_with(monkeypatch, env, "matmul", "--sizes", "256", "--backend", backend,
                                   tmp_path=tmp_path)
    assert record["threads"] == threads
    assert environment["threads"]["framework"] == threads
    assert record["peak_source"] == "estimate"
    assert record["peak_gflops"] == pytest.approx(cpu_estimate(threads))
    assert record["pct_of_peak"] == pytest.approx(100 * record["gflops"] / cpu_estimate(threads))


@pytest.mark.parametrize("env, fragments", [
    ({"OMP_NUM_THREADS": "abc"}, ["OMP_NUM_THREADS='abc'", "from 1 to", "unset it, or pass --threads N"]),
    ({"OMP_NUM_THREADS": "0"}, ["OMP_NUM_THREADS='0'"]),
    ({"OMP_NUM_THREADS": "2,x"}, ["OMP_NUM_THREADS='2,x'", "a list like 2,1"]),
    ({"MKL_NUM_THREADS": str(USABLE + 1)}, [f"MKL_NUM_THREADS='{USABLE + 1}'", f"to {USABLE}, the CPUs"]),
    ({"TF_NUM_INTRAOP_THREADS": "-1"}, ["TF_NUM_INTRAOP_THREADS='-1'", "(0: the default)"]),
    ({"TF_NUM_INTEROP_THREADS": "many"}, ["TF_NUM_INTEROP_THREADS='many'"]),
])
def test_a_thread_variable_dlenv_cannot_use_is_one_line_and_exit_2(env, fragments, monkeypatch):
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert_one_line_error(run_dlenv("run", "matmul", "--sizes", "64", "--backend", "torch", "--budget", "0.1"),
                          *fragments)


def test_threads_flag_overrides_a_bad_thread_variable(tmp_path, monkeypatch):
    record, _ = run_with(monkeypatch, {"OMP_NUM_THREADS": "abc"}, "matmul", "--sizes", "64", "--backend", "torch",
                      "--threads", "1", tmp_path=tmp_path)
    assert record["threads"] == 1


def test_a_worker_with_a_bad_thread_variable_measures_instead_of_crashing(monkeypatch):
    # The app starts workers without the CLI's checks: they must not crash either.
    from dlenv.serve.plan import WorkerCall
    from dlenv.serve.worker_handle import WorkerProcess

    monkeypatch.setenv("OMP_NUM_THREADS", "abc")
    worker = WorkerProcess("torch")
    worker.start()
    try:
        doc = worker.call("1", WorkerCall("torch", "run", None, (Matmul.square(64),), budget_s=0.1), 120)
    finally:
        worker.stop()
    [record] = doc["results"]
    assert record["threads"] >= 1


def test_thread_variable_parsing():
    env = {"OMP_NUM_THREADS": "2,1", "MKL_NUM_THREADS": " 3 ", "TF_NUM_INTRAOP_THREADS": "0",
           "TF_NUM_INTEROP_THREADS": "x"}
    assert backends.thread_variable("OMP_NUM_THREADS", env) == 2
    assert backends.thread_variable("MKL_NUM_THREADS", env) == 3
    assert backends.thread_variable("TF_NUM_INTRAOP_THREADS", env) is None  # TensorFlow's default
    assert backends.thread_variable("TF_NUM_INTEROP_THREADS", env) is None
    assert backends.thread_variable_problem("OMP_NUM_THREADS", 2, env) is None
    assert backends.thread_variable_problem("MKL_NUM_THREADS", 2, env) is not None  # 3 > 2 CPUs
    assert backends.thread_variable_problem("TF_NUM_INTRAOP_THREADS", 2, env) is None
    assert backends.thread_variable_problem("OMP_NUM_THREADS", 2, {"OMP_NUM_THREADS": ""}) is None


# ---------------------------------------------------------------- 3. the user's Keras configuration

SPEC = CNN(depth=2, filters=8, batch=4, image=16)
CNN_ARGS = ("cnn", "--depth", "2", "--filters", "8", "--image", "16", "--batch", "4")


@pytest.mark.parametrize("backend", ["tensorflow", "jax", "torch"])
def test_a_channels_first_keras_json_does_not_change_the_model_measured(backend, tmp_path, monkeypatch):
    home = tmp_path / "keras"
    home.mkdir()
    (home / "keras.json").write_text(json.dumps({"image_data_format": "channels_first"}))
    record, environment = run_with(monkeypatch, {"KERAS_HOME": str(home)}, *CNN_ARGS, "--backend", backend,
                                   tmp_path=tmp_path)
    assert SPEC.parameter_count() == 898
    assert record.get("parameter_count") == 898
    assert record["flops"] == SPEC.flops()
    assert environment["keras"]["image_data_format"] == "channels_last"


@pytest.mark.parametrize("config", [
    {"floatx": "float16", "epsilon": 0.1},                              # variant: other keys
    {"floatx": "bfloat16"},                                             # one Keras itself refuses at import
    {"image_data_format": "channels_first", "backend": "torch"},
], ids=["floatx-float16", "floatx-invalid", "channels-first-in-home"])
def test_a_keras_json_in_the_home_folder_does_not_change_what_is_measured(config, tmp_path, monkeypatch):
    home = tmp_path / "home"
    (home / ".keras").mkdir(parents=True)
    (home / ".keras" / "keras.json").write_text(json.dumps(config))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.delenv("XDG_CACHE_HOME", raising=False)
    record, environment = run_with(monkeypatch, {"HOME": str(home)}, *CNN_ARGS, "--backend", "jax",
                                   tmp_path=tmp_path)
    assert record["parameter_count"] == 898 and record["backend"] == "jax"
    assert environment["keras"] | {"home": None} == {
        "backend": "jax", "floatx": "float32", "epsilon": 1e-07, "image_data_format": "channels_last",
        "dtype_policy": "float32", "home": None}


def test_a_model_unlike_its_spec_is_refused_before_timing(tf_backend):
    import keras

    cpu = next(d for d in tf_backend.devices() if d.id == "cpu:0")
    keras.config.set_image_data_format("channels_first")  # as a process that skipped dlenv's pinning
    try:
        with pytest.raises(execute.MeasurementFailed) as refused:
            execute.run_task(execute.Task(SPEC, cpu), tf_backend, QUICK)
    finally:
        keras.config.set_image_data_format("channels_last")
    message = str(refused.value)
    assert "1,834 parameters, not the 898" in message and "channels_first" in message
    assert "nothing was timed" in message and refused.value.hint


def test_each_model_result_records_the_parameter_count_of_the_model_that_ran(tf_backend):
    cpu = next(d for d in tf_backend.devices() if d.id == "cpu:0")
    [record] = execute.run_task(execute.Task(SPEC, cpu), tf_backend, QUICK)
    assert record["parameter_count"] == SPEC.parameter_count()
    [matmul] = execute.run_task(execute.Task(Matmul.square(64), cpu), tf_backend, QUICK)
    assert "parameter_count" not in matmul


# ---------------------------------------------------------------- 4. the peak compared with


def test_peak_measured_uses_the_measured_ceiling_even_below_the_estimate(tf_backend):
    cpu = next(d for d in tf_backend.devices() if d.id == "cpu:0")
    below = cpu_estimate(cpu.threads) * 0.6  # the issue: 211 measured, 332 estimated
    [record] = execute.run_task(execute.Task(Matmul.square(64), cpu), tf_backend, QUICK, measured_peak=below)
    assert record["peak_source"] == "measured" and record["peak_gflops"] == below
    assert record["pct_of_peak"] == pytest.approx(100 * record["gflops"] / below)


def test_peak_measured_on_the_command_line_is_the_measured_ceiling(tmp_path, monkeypatch):
    record, _ = run_with(monkeypatch, {}, "matmul", "--sizes", "128", "--backend", "jax", "--peak", "measured",
                         tmp_path=tmp_path)
    assert record["peak_source"] == "measured"
    assert "the best rate measured on cpu:0" in record["peak_note"]


def a_cpu(vendor, family, model, flags):
    """A 2-core 2.6 GHz CPU as ``cpu_info`` describes one, its core matched from CPUID vendor, family and model
    (``cpu_info`` reads those from /proc/cpuinfo: see the test on this machine's own CPU below)."""
    core = peaks.match_cpu_core(vendor, family, model)
    return DeviceInfo(id="cpu:0", kind="cpu", name="test CPU", memory_bytes=2**34, cores=2, threads=2, clock_ghz=2.6,
                      simd=tuple(f for f in devices.SIMD_FLAGS if f in flags),
                      microarchitecture=core.name if core else None)


AVX512 = ("sse4_2", "avx", "avx2", "fma", "avx512f")


@pytest.mark.parametrize("vendor, family, model, flags, name, per_cycle", [
    ("AuthenticAMD", 25, 0x11, AVX512 + ("avx512_bf16",), "AMD Zen 4", 32),  # Genoa: the case
    ("AuthenticAMD", 25, 0x61, AVX512, "AMD Zen 4", 32),                   # variant: Raphael
    ("AuthenticAMD", 25, 0xA0, AVX512, "AMD Zen 4", 32),                   # variant: Bergamo
    ("AuthenticAMD", 23, 0x01, ("avx", "avx2", "fma"), "AMD Zen/Zen+", 16),  # variant: Zen 1
    ("GenuineIntel", 6, 0x8C, AVX512, "Intel Ice Lake/Tiger Lake/Rocket Lake client", 32),
    ("AuthenticAMD", 26, 0x02, AVX512, "AMD Zen 5", 64),                   # Turin: full 512-bit units
    ("AuthenticAMD", 26, 0x24, AVX512, "AMD Zen 5 (mobile)", 32),
    ("AuthenticAMD", 25, 0x01, ("avx", "avx2", "fma"), None, 32),          # Zen 3: the flags suffice
    ("GenuineIntel", 6, 0x8F, AVX512, None, 64),                           # Sapphire Rapids: 2 x 512-bit FMA
])
def test_the_cpu_estimate_knows_flops_per_cycle_per_microarchitecture(vendor, family, model, flags, name, per_cycle):
    cpu = a_cpu(vendor, family, model, flags)
    cores = min(cpu.cores, cpu.threads)
    peak = cpu_peak_estimate(cpu, "float32")
    assert peak.gflops == pytest.approx(cores * 2.6 * per_cycle)
    assert f"x {per_cycle} float32 FLOP/cycle" in peak.note and (name is None or name in peak.note)
    assert cpu.microarchitecture == name
    assert devices.cpu_flops_per_cycle(cpu.simd, "float32", cpu.microarchitecture) == per_cycle


def test_zen4_half_and_double_precision_follow_its_float32_rate():
    zen4 = AVX512 + ("avx512_bf16",)
    assert devices.cpu_flops_per_cycle(zen4, "float64", "AMD Zen 4") == 16
    assert devices.cpu_flops_per_cycle(zen4, "bfloat16", "AMD Zen 4") == 64  # native bf16 doubles it
    assert devices.cpu_flops_per_cycle(("avx2", "fma"), "float32", "AMD Zen 4") == 32  # AVX-512 hidden by a VM


def test_this_machines_cpu_is_identified_from_cpuid():
    fields = {}
    for line in Path("/proc/cpuinfo").read_text(encoding="utf-8").splitlines():
        key, _, value = line.partition(":")
        fields.setdefault(key.strip(), value.strip())
    if "cpu family" not in fields:
        pytest.skip("no x86 /proc/cpuinfo here")
    core = devices.match_cpu_core(fields["vendor_id"], int(fields["cpu family"]), int(fields["model"]))
    assert devices.cpu_info().microarchitecture == (core.name if core else None)


@pytest.mark.parametrize("name, key, gflops", [
    ("v2-8", "TPU v2", 22_500.0),  # a v2 chip's two cores are two devices
    ("v3-8", "TPU v3", 61_500.0),
    ("v4-8", "TPU v4", 275_000.0),
    ("v5litepod-8", "TPU v5e", 197_000.0),
    ("v5p-8", "TPU v5p", 459_000.0),
    ("v6e-4", "TPU v6e", 918_000.0),
])
def test_tensorflows_tpu_names_find_their_datasheet_peak(name, key, gflops):
    assert devices.match_accelerator(name) == key
    assert peak_for(DeviceInfo("tpu:0", "tpu", name), "bfloat16").gflops == gflops


def test_tensorflow_names_a_tpu_from_its_accelerator_type_or_pci_id(tmp_path):
    assert tf_module.tpu_name({"TPU_ACCELERATOR_TYPE": "v5litepod-8"}, str(tmp_path)) == "v5litepod-8"
    assert tf_module.tpu_name({}, str(tmp_path)) == "TPU"
    for slot, vendor, device in (("0000:00:04.0", "0x1af4", "0x1000"), ("0000:00:05.0", "0x1ae0", "0x0063")):
        (tmp_path / slot).mkdir()
        (tmp_path / slot / "vendor").write_text(vendor + "\n")
        (tmp_path / slot / "device").write_text(device + "\n")
    name = tf_module.tpu_name({}, str(tmp_path))
    assert name == "TPU v5e" and peak_for(DeviceInfo("tpu:0", "tpu", name), "bfloat16").gflops == 197_000.0
