import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from dlenv.measure.devices import (
    ACCELERATOR_PEAKS,
    ACCELERATOR_SOURCES,
    DeviceInfo,
    Peak,
    cpu_flops_per_cycle,
    cpu_info,
    cpu_peak_estimate,
    match_accelerator,
    nvidia_driver_version,
    peak_for,
    percent_of_peak,
)

REPO = Path(__file__).resolve().parent.parent


def proc_cpuinfo_flags() -> set[str]:
    text = Path("/proc/cpuinfo").read_text()
    return {w for line in text.splitlines() if line.startswith(("flags", "Features")) for w in line.split(":", 1)[1].split()}


# ---------------------------------------------------------------- this machine's CPU


def test_cpu_info_describes_this_machine():
    cpu = cpu_info()
    assert cpu.id == "cpu:0" and cpu.kind == "cpu"
    assert cpu.name.strip()
    assert cpu.cores >= 1
    assert 1 <= cpu.threads <= os.cpu_count()
    assert cpu.memory_bytes > 0


@pytest.mark.skipif(not Path("/proc/cpuinfo").exists(), reason="needs Linux /proc/cpuinfo")
def test_cpu_info_simd_flags_agree_with_proc_cpuinfo():
    flags = proc_cpuinfo_flags()
    simd = cpu_info().simd
    for flag in ("avx2", "fma", "avx512f", "avx512_bf16", "amx_bf16", "asimd"):
        assert (flag in simd) == (flag in flags), flag


def test_cpu_info_is_cached():
    assert cpu_info() is cpu_info()


def test_cpu_peak_estimate_on_this_machine_is_positive_when_the_clock_is_known():
    cpu = cpu_info()
    peak = cpu_peak_estimate(cpu, "float32")
    if cpu.clock_ghz is None:
        assert peak is None
    else:
        assert peak.source == "estimate" and peak.gflops > 0


def test_importing_devices_loads_no_framework():
    code = "import dlenv.measure.devices, sys; assert not {'tensorflow', 'jax', 'torch', 'keras'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], cwd=REPO, check=True)


# ---------------------------------------------------------------- NVIDIA driver


def test_nvidia_driver_version_reads_the_kernel_module_line(tmp_path):
    version_file = tmp_path / "version"
    version_file.write_text(
        "NVRM version: NVIDIA UNIX Open Kernel Module for x86_64  550.54.15  "
        "Release Build  (dvs-builder@U16-I3-B03-4-3)  Tue Mar  5 22:15:33 UTC 2024\n"
        "GCC version:  gcc version 12.2.0 (Debian 12.2.0-14)\n"
    )
    assert nvidia_driver_version(str(version_file)) == "550.54.15"


def test_nvidia_driver_version_is_none_without_a_driver(tmp_path):
    assert nvidia_driver_version(str(tmp_path / "missing")) is None


def test_nvidia_driver_version_on_this_machine():
    version = nvidia_driver_version()
    if Path("/proc/driver/nvidia/version").exists():
        assert version and version[0].isdigit()
    else:
        assert version is None


# ---------------------------------------------------------------- FLOP per cycle


@pytest.mark.parametrize(
    ("simd", "dtype", "expected"),
    [
        (["sse4_2", "avx", "avx2", "fma", "avx512f"], "float32", 64),  # 16 lanes x 2 x 2 pipes
        (["sse4_2", "avx", "avx2", "fma", "avx512f"], "float64", 32),
        (["sse4_2", "avx", "avx2", "fma"], "float32", 32),  # 8 lanes x 2 x 2 pipes
        (["sse4_2", "avx", "avx2", "fma"], "float64", 16),
        (["sse4_2", "avx"], "float32", 16),  # Sandy Bridge: one add + one multiply
        (["sse4_2"], "float32", 8),  # 4 lanes x 2 x 1
        (["asimd"], "float32", 16),  # NEON: 4 lanes x 2 x 2 pipes
    ],
)
def test_cpu_flops_per_cycle(simd, dtype, expected):
    assert cpu_flops_per_cycle(simd, dtype) == expected


def test_half_precision_doubles_only_with_native_units():
    avx512 = ["avx2", "fma", "avx512f"]
    assert cpu_flops_per_cycle(avx512, "bfloat16") == 64  # converted to float32
    assert cpu_flops_per_cycle(avx512 + ["avx512_bf16"], "bfloat16") == 128
    assert cpu_flops_per_cycle(avx512 + ["amx_bf16"], "bfloat16") == 128
    assert cpu_flops_per_cycle(avx512 + ["avx512_bf16"], "float16") == 64  # bf16 units do not help fp16
    assert cpu_flops_per_cycle(avx512 + ["avx512_fp16"], "float16") == 128


def test_unknown_dtype_names_the_allowed_ones():
    with pytest.raises(ValueError, match="float32, float16, bfloat16, float64"):
        cpu_flops_per_cycle(["avx2"], "int8")
    with pytest.raises(ValueError, match="unknown dtype 'tf32'"):
        peak_for(DeviceInfo("gpu:0", "gpu", "NVIDIA A100-SXM4-40GB"), "tf32")


# ---------------------------------------------------------------- CPU estimate


def test_cpu_peak_estimate_is_cores_times_clock_times_flops_per_cycle():
    cpu = DeviceInfo("cpu:0", "cpu", "test CPU", cores=2, threads=4, clock_ghz=2.6, simd=("avx2", "fma", "avx512f"))
    peak = cpu_peak_estimate(cpu, "float32")
    assert peak.gflops == pytest.approx(2 * 2.6 * 64)  # 332.8
    assert peak.source == "estimate"
    assert peak.note.startswith("estimate: 2 cores x 2.6 GHz x 64 float32 FLOP/cycle (AVX-512")


def test_cpu_peak_estimate_counts_only_the_cpus_this_process_may_use():
    cpu = DeviceInfo("cpu:0", "cpu", "test CPU", cores=64, threads=4, clock_ghz=2.0, simd=("avx2", "fma"))
    assert cpu_peak_estimate(cpu, "float32").gflops == pytest.approx(4 * 2.0 * 32)


def test_cpu_peak_estimate_scales_to_the_framework_threads():
    cpu = DeviceInfo("cpu:0", "cpu", "test CPU", cores=2, threads=2, clock_ghz=2.6, simd=("avx2", "fma"))
    one = cpu_peak_estimate(cpu, "float32", threads=1)
    assert one.gflops == pytest.approx(cpu_peak_estimate(cpu, "float32").gflops / 2)
    assert one.note.startswith("estimate: 1 core x 2.6 GHz")
    assert cpu_peak_estimate(cpu, "float32", threads=8).gflops == pytest.approx(2 * 2.6 * 32)  # only 2 cores
    assert peak_for(cpu, "float32", threads=1) == one


def test_cpu_peak_estimate_is_none_without_a_clock():
    cpu = DeviceInfo("cpu:0", "cpu", "test CPU", cores=2, threads=2, simd=("avx2", "fma"))
    assert cpu_peak_estimate(cpu, "float32") is None


# ---------------------------------------------------------------- accelerator names


@pytest.mark.parametrize(
    ("name", "key"),
    [
        ("Tesla T4", "T4"),
        ("Tesla V100-SXM2-16GB", "V100 SXM2"),
        ("Tesla V100-SXM2-32GB", "V100 SXM2"),
        ("Tesla V100-PCIE-16GB", "V100 PCIe"),
        ("Tesla V100S-PCIE-32GB", "V100S PCIe"),
        ("NVIDIA A100-SXM4-40GB", "A100 SXM4 40GB"),
        ("NVIDIA A100-SXM4-80GB", "A100 SXM4 80GB"),
        ("NVIDIA A100-PCIE-40GB", "A100 PCIe 40GB"),
        ("NVIDIA A100 80GB PCIe", "A100 PCIe 80GB"),
        ("NVIDIA A10", "A10"),
        ("NVIDIA A10G", "A10G"),
        ("NVIDIA L4", "L4"),
        ("NVIDIA H100 80GB HBM3", "H100 SXM"),
        ("NVIDIA H100 PCIe", "H100 PCIe"),
        ("NVIDIA H100 NVL", "H100 NVL"),
        ("NVIDIA H200", "H200 SXM"),
        ("NVIDIA H200 NVL", "H200 NVL"),
        ("TPU v2", "TPU v2"),
        ("TPU v3", "TPU v3"),
        ("TPU v4", "TPU v4"),
        ("TPU v5 lite", "TPU v5e"),
        ("TPU v5", "TPU v5p"),
        ("TPU v5p", "TPU v5p"),
        ("TPU v6 lite", "TPU v6e"),
        # Cloud TPU accelerator types: how TensorFlow's TPU devices are named
        ("v2-8", "TPU v2"),
        ("v3-8", "TPU v3"),
        ("v4-8", "TPU v4"),
        ("v5litepod-8", "TPU v5e"),
        ("v5litepod-1", "TPU v5e"),
        ("v5e-4", "TPU v5e"),
        ("v5p-8", "TPU v5p"),
        ("v6e-8", "TPU v6e"),
    ],
)
def test_match_accelerator(name, key):
    assert match_accelerator(name) == key


@pytest.mark.parametrize(
    "name",
    ["NVIDIA L40S", "NVIDIA GeForce RTX 4090", "NVIDIA GH200 480GB", "TPU v4 lite", "AMD Instinct MI300X", "", "cpu",
     "TPU", "v9-8", "xv2-8"],
)
def test_match_accelerator_unknown_names(name):
    assert match_accelerator(name) is None


def test_every_table_row_has_a_source_and_only_dense_columns():
    assert ACCELERATOR_PEAKS.keys() == ACCELERATOR_SOURCES.keys()
    for key, row in ACCELERATOR_PEAKS.items():
        assert set(row) <= {"float32", "tf32", "float16", "bfloat16"}, key
        if key.startswith("TPU"):
            assert set(row) == {"bfloat16"}, key


def test_table_uses_dense_not_sparse_figures():
    assert ACCELERATOR_PEAKS["H100 SXM"]["bfloat16"] == 989.4
    assert ACCELERATOR_PEAKS["L4"]["bfloat16"] == 121.0
    assert ACCELERATOR_PEAKS["A100 SXM4 80GB"]["tf32"] == 156.0
    assert "bfloat16" not in ACCELERATOR_PEAKS["T4"]  # no bf16 tensor cores before Ampere


# ---------------------------------------------------------------- peak_for


def test_peak_for_gpu_uses_the_datasheet():
    h100 = DeviceInfo("gpu:0", "gpu", "NVIDIA H100 80GB HBM3", compute_capability="9.0")
    peak = peak_for(h100, "bfloat16")
    assert peak == Peak(989_400.0, "spec", peak.note)
    assert "H100" in peak.note and "tensor" in peak.note
    pcie = peak_for(DeviceInfo("gpu:0", "gpu", "NVIDIA H100 PCIe"), "bfloat16")
    assert pcie.gflops == 756_000.0


def test_peak_for_t4_has_no_bfloat16_figure():
    t4 = DeviceInfo("gpu:0", "gpu", "Tesla T4")
    assert peak_for(t4, "float16").gflops == 65_000.0
    assert peak_for(t4, "bfloat16") is None


def test_peak_for_tpu_is_per_device():
    v5e = DeviceInfo("tpu:0", "tpu", "TPU v5 lite")
    assert peak_for(v5e, "bfloat16").gflops == 197_000.0
    # A v2 chip's two TensorCores are two devices: one device gets half the chip.
    v2 = peak_for(DeviceInfo("tpu:0", "tpu", "TPU v2"), "bfloat16")
    assert v2.gflops == 22_500.0 and "2 devices" in v2.note
    assert peak_for(v5e, "float32") is None
    assert peak_for(v5e, "float16") is None


def test_peak_for_unknown_device_is_none_or_the_measured_rate():
    mystery = DeviceInfo("gpu:0", "gpu", "NVIDIA GeForce RTX 4090")
    assert peak_for(mystery, "float32") is None
    peak = peak_for(mystery, "float32", measured_gflops=70_000.0)
    assert peak.source == "measured" and peak.gflops == 70_000.0


@pytest.mark.parametrize("measured", [211.0, 400.0])  # below the 332.8 estimate (the trust issue's case), above it
def test_peak_for_cpu_with_a_measured_ceiling_is_always_that_ceiling(measured):
    cpu = DeviceInfo("cpu:0", "cpu", "test CPU", cores=2, threads=2, clock_ghz=2.6, simd=("avx2", "fma", "avx512f"))
    assert peak_for(cpu, "float32").source == "estimate"
    peak = peak_for(cpu, "float32", measured_gflops=measured)
    assert peak == Peak(measured, "measured", peak.note)
    assert "the estimate is 333 GFLOP/s" in peak.note


def test_peak_for_gpu_with_a_measured_ceiling_is_that_ceiling_and_names_tf32():
    a100 = DeviceInfo("gpu:0", "gpu", "NVIDIA A100-SXM4-40GB")
    assert peak_for(a100, "float32").gflops == 19_500.0
    peak = peak_for(a100, "float32", measured_gflops=120_000.0)
    assert peak.source == "measured" and peak.gflops == 120_000.0 and "TF32" in peak.note
    assert "TF32" not in peak_for(a100, "float32", measured_gflops=15_000.0).note


# ---------------------------------------------------------------- percent of peak


def test_percent_of_peak():
    peak = Peak(1000.0, "spec", "test")
    assert percent_of_peak(250.0, peak) == (25.0, False)
    assert percent_of_peak(1000.0, peak) == (100.0, False)
    assert percent_of_peak(1500.0, peak) == (150.0, True)  # the caller says "peak estimate too low"
    assert percent_of_peak(250.0, None) == (None, False)


# ---------------------------------------------------------------- serialisation


def test_device_info_round_trips_through_json():
    gpu = DeviceInfo("gpu:1", "gpu", "NVIDIA L4", memory_bytes=23_034_462_208, compute_capability="8.9", driver="550.54.15")
    cpu = cpu_info()
    for device in (gpu, cpu):
        d = json.loads(json.dumps(device.to_dict()))
        assert isinstance(d["simd"], list)
        assert DeviceInfo.from_dict(d) == device


def test_device_info_from_dict_ignores_fields_it_does_not_know():
    d = {"id": "tpu:0", "kind": "tpu", "name": "TPU v4", "cores_per_chip": 2}
    assert DeviceInfo.from_dict(d) == DeviceInfo("tpu:0", "tpu", "TPU v4")
