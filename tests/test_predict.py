"""dlenv.measure.predict and ``python -m dlenv predict``: the datasheet model on hand-checkable cases.

Every expected number below is worked out from the datasheet figures in dlenv.measure.peaks
and the spec's FLOPs and bytes, not read back from the code under test.
"""

from __future__ import annotations

import re
import subprocess
import sys

import pytest

from dlenv.data import results
from dlenv.formats import number_text, percent_text
from dlenv.measure import devices, peaks, predict
from dlenv.measure.workloads import CNN, MLP, Elementwise, Matmul

H100_BF16 = 989.4e12  # FLOP/s, NVIDIA H100 SXM datasheet, dense
H100_GBPS = 3350e9
GPU_CALL = peaks.CALL_OVERHEAD["gpu"].op_s


def test_a_matmul_filling_every_sm_is_compute_bound_at_the_datasheet_peak():
    # 12 x 11 = 132 tiles of 128 x 256 on the H100's 132 SMs: one full wave, nothing wasted;
    # 2*M*N*K / 989.4 TFLOP/s = 143 us against 151 MB / 3350 GB/s = 45 us of memory traffic.
    spec = Matmul(m=128 * 12, n=256 * 11, k=16384, dtype="bfloat16")
    r = predict.predict(spec, "H100")
    expected = 2 * spec.m * spec.n * spec.k / H100_BF16 + GPU_CALL
    assert r["median_s"] == pytest.approx(expected, rel=1e-9)
    assert r["model_bound"] == "compute" and r["model_utilization"] == pytest.approx(1.0)
    assert r["peak_gflops"] == pytest.approx(H100_BF16 / 1e9) and r["peak_source"] == "spec"
    assert r["matmul_precision"] == "bfloat16"


def test_a_huge_square_matmul_runs_near_the_peak_and_a_small_one_pays_for_empty_sms():
    big = predict.predict(Matmul.square(16384, "bfloat16"), "H100 SXM")
    # 128 x 64 = 8192 tiles -> 63 waves of 132 SMs: 8192 / 8316 of the peak.
    assert big["model_utilization"] == pytest.approx(8192 / (63 * 132))
    assert big["pct_of_peak"] == pytest.approx(100 * 8192 / 8316, rel=3e-3)  # less 12 us of 9 ms: the call
    small = predict.predict(Matmul.square(1024, "bfloat16"), "H100 SXM")
    # 8 x 4 = 32 tiles: one wave as long as a full one, so 32 / 132 of the peak.
    assert small["model_utilization"] == pytest.approx(32 / 132)
    compute = 2 * 128 * 256 * 1024 / (H100_BF16 / 132)
    assert small["median_s"] == pytest.approx(max(compute, small["bytes"] / H100_GBPS) + GPU_CALL)


def test_a_large_elementwise_add_is_memory_bound_at_the_datasheet_bandwidth():
    spec = Elementwise(16384)
    r = predict.predict(spec, "H100")
    assert spec.bytes_moved() == 3 * 16384**2 * 4
    assert r["median_s"] == pytest.approx(spec.bytes_moved() / H100_GBPS + GPU_CALL)
    assert r["model_bound"] == "memory" and r["model_gbps"] == 3350.0
    assert r["gbps"] == pytest.approx(3350, rel=0.02)


def test_a_tiny_op_costs_the_per_call_overhead():
    r = predict.predict(Elementwise(1), "T4")
    assert r["model_bound"] == "overhead"
    assert r["median_s"] == pytest.approx(GPU_CALL, rel=1e-3)
    assert predict.predict(Elementwise(1), "tpu v5e")["median_s"] == pytest.approx(
        peaks.CALL_OVERHEAD["tpu"].op_s, rel=1e-3)


def test_float32_runs_as_tf32_by_default_from_ampere_on_and_on_cuda_cores_when_asked():
    spec = Matmul.square(8192)
    tf32 = predict.predict(spec, "A100")
    full = predict.predict(spec, "A100", float32_precision="float32")
    assert tf32["matmul_precision"] == "tf32" and tf32["model_peak_gflops"] == 156_000
    assert full["matmul_precision"] == "float32" and full["model_peak_gflops"] == 19_500
    # A T4 has no TF32: float32 is float32 either way.
    assert predict.predict(spec, "T4")["matmul_precision"] == "float32"


def test_tpu_float32_is_one_bfloat16_pass_by_default_and_six_in_full_precision():
    spec = Matmul.square(8192)
    default = predict.predict(spec, "TPU v5e")
    full = predict.predict(spec, "TPU v5e", float32_precision="float32")
    assert default["matmul_precision"] == "bfloat16" and full["matmul_precision"] == "float32"
    assert full["model_peak_gflops"] == pytest.approx(197_000 / 6)
    assert full["peak_gflops"] == pytest.approx(197_000)
    assert full["median_s"] / default["median_s"] == pytest.approx(6, rel=0.01)


def test_tpu_matmuls_are_counted_on_the_shape_padded_to_the_mxu():
    spec = Matmul(1025, 1025, 1025, "bfloat16")  # 6.3 MB moved: memory takes less than compute on both
    r = predict.predict(spec, "v5e", overhead_s=0)
    assert r["median_s"] == pytest.approx(2 * 1152**3 / 197e12)  # 9 x 128
    r6 = predict.predict(spec, "v6e", overhead_s=0)
    assert r6["median_s"] == pytest.approx(2 * 1280**3 / 918e12)  # 5 x 256


@pytest.mark.parametrize(("card", "dtype"), [("H100", "float64"), ("T4", "float64"), ("TPU v6e", "float64")])
def test_a_dtype_without_a_datasheet_figure_is_refused(card, dtype):
    with pytest.raises(predict.PredictError, match=f"no datasheet figure for {dtype}"):
        predict.predict(Matmul.square(1024, dtype), card)


def test_bfloat16_on_a_card_without_bfloat16_units_runs_at_its_float32_figure():
    t4 = predict.predict(Matmul.square(4096, "bfloat16"), "T4", overhead_s=0)
    assert t4["matmul_precision"] == "float32" and t4["model_peak_gflops"] == 8100.0
    assert t4["gflops"] < 8100.0 < predict.predict(Matmul.square(4096, "float16"), "T4")["gflops"]


def test_the_issue_command_prints_predicted_records_for_the_h100_and_the_t4():
    done = _cli("matmul", "--sizes", "1024,4096", "--dtype", "bfloat16", "--device", "H100,T4", "--json")
    assert done.returncode == 0, done.stderr
    doc = results.loads(done.stdout)
    assert {r["provenance"] for r in doc["results"]} == {"predicted"}
    assert [(r["device_name"], r["params"]["m"]) for r in doc["results"]] == [
        ("H100 SXM", 1024), ("H100 SXM", 4096), ("T4", 1024), ("T4", 4096)]
    assert all(r["provenance_note"].startswith("predicted from the datasheet") for r in doc["results"])


def test_card_names_as_people_write_them():
    assert predict.match_card("H100") == "H100 SXM"
    assert predict.match_card("T4") == "T4"
    assert predict.match_card("tpu v5e") == "TPU v5e"
    assert predict.match_card("v6e") == "TPU v6e"
    assert predict.match_card("V100") == "V100 SXM2"
    assert predict.match_card("NVIDIA A100-SXM4-80GB") == "A100 SXM4 80GB"
    assert predict.match_card("CPU") == "cpu"
    with pytest.raises(predict.PredictError, match="known cards: T4"):
        predict.match_card("B200")
    for must in ("T4", "L4", "A10G", "V100 SXM2", "A100 SXM4 40GB", "H100 SXM", "H200 SXM", "TPU v5e", "TPU v6e",
                 "cpu"):
        assert must in predict.cards()


def test_every_card_has_bandwidth_and_a_fill_unit():
    for key in peaks.ACCELERATOR_PEAKS:
        hw = predict.card(key)
        assert hw.gbps > 0 and (hw.sms or hw.mxu_edge), key


def test_the_cpu_card_is_this_cpu_with_its_estimated_peak():
    cpu = devices.cpu_info()
    r = predict.predict(Matmul.square(2048), "cpu")
    assert r["device"] == "cpu:0" and r["device_name"] == cpu.name
    assert r["peak_gflops"] == pytest.approx(devices.peak_for(cpu, "float32").gflops)
    assert r["peak_source"] == "estimate"
    gbps, where = predict.cpu_reference_bandwidth()
    assert r["model_gbps"] == gbps and predict.CPU_BANDWIDTH_REFERENCE in where


def test_measured_inputs_replace_the_datasheet():
    spec = Matmul.square(512)
    r = predict.predict(spec, "cpu", peak_gflops=100.0, gbps=10.0, overhead_s=0.0)
    assert r["median_s"] == pytest.approx(max(spec.flops() / 100e9, spec.bytes_moved() / 10e9))
    assert r["peak_source"] == "measured" and "measured" in r["provenance_note"]


def test_a_model_step_costs_the_keras_step_plus_a_launch_per_further_kernel():
    spec = MLP(depth=2, width=8, batch=1, mode="train")  # 3 Dense layers, 3 kernels each in training
    gpu = peaks.CALL_OVERHEAD["gpu"]
    r = predict.predict(spec, "H100")
    assert r["model_overhead_s"] == pytest.approx(gpu.step_s["train"] + 8 * gpu.launch_s)
    assert r["model_bound"] == "overhead" and r["samples_per_s"] == pytest.approx(1 / r["median_s"])


def test_records_are_predicted_and_the_document_validates():
    specs = [Matmul.square(1024, "bfloat16"), Elementwise(4096), MLP(), CNN(mode="train")]
    doc = predict.predict_document(specs, ["H100", "L4", "TPU v6e"])
    checked = results.validate_document(doc)
    assert len(checked["results"]) == 12
    for r in checked["results"]:
        assert r["provenance"] == "predicted" and r["provenance_source"] == predict.SOURCE
        assert r["provenance_note"].startswith("predicted from the datasheet: ")
        assert r["model_bound"] in ("compute", "memory", "overhead") and "samples_s" not in r
    machines = [env["machine"] for env in checked["environments"].values()]
    assert machines == ["predicted: H100 SXM (datasheet)", "predicted: L4 (datasheet)",
                        "predicted: TPU v6e (datasheet)"]
    assert checked["environments"]["e1"]["model"]["gbps"] == 3350.0


def _cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "dlenv", "predict", *args], check=False, capture_output=True, text=True,
                          timeout=120)


def test_cli_json_is_a_results_document_of_predictions():
    done = _cli("matmul", "--sizes", "1024,4096", "--dtype", "float64", "--device", "H100,T4", "--json")
    # float64 on a GPU has no figure: refused as a whole, one line.
    assert done.returncode == 2 and len(done.stderr.strip().splitlines()) == 1 and "H100" in done.stderr
    done = _cli("matmul", "--sizes", "1024,4096", "--dtype", "bfloat16", "--device", "H100,tpu v5e", "--json")
    assert done.returncode == 0, done.stderr
    doc = results.loads(done.stdout)
    assert [r["provenance"] for r in doc["results"]] == ["predicted"] * 4
    assert [r["device_name"] for r in doc["results"]] == ["H100 SXM", "H100 SXM", "TPU v5e", "TPU v5e"]
    assert doc["results"][1]["median_s"] == pytest.approx(
        predict.predict(Matmul.square(4096, "bfloat16"), "H100")["median_s"])


def test_cli_table_says_predicted():
    done = _cli("mlp", "--mode", "inference,train", "--device", "A10G,cpu")
    assert done.returncode == 0, done.stderr
    assert "predicted from the datasheet" in done.stdout and "A10G" in done.stdout


@pytest.mark.parametrize("args", [
    ("matmul", "--device", "B200"),
    ("matmul", "--device", "H100", "--dtype", "float64"),
    ("matmul", "--device", "H100", "--sizes", "0"),
    ("matmul", "--device", "H100", "--precision", "fp8"),
    ("conv", "--device", "H100"),
    ("elementwise", "--device", ""),
])
def test_cli_bad_input_exits_2_with_one_line(args):
    done = _cli(*args)
    assert done.returncode == 2
    assert done.stdout == "" and len(done.stderr.strip().splitlines()) == 1
    assert done.stderr.startswith("dlenv: error: ") and "Traceback" not in done.stderr


def test_a_card_without_the_dtype_is_left_out_and_said_while_the_others_print():
    done = _cli("matmul", "--sizes", "1024", "--dtype", "float16", "--device", "T4,tpu v5e", "--json")
    assert done.returncode == 3  # as run: part of the request could not be answered
    assert [r["device_name"] for r in results.loads(done.stdout)["results"]] == ["T4"]
    assert done.stderr.strip() == ("dlenv: left out: TPU v5e has no datasheet figure for float16 (it has: bfloat16); "
                                   "predict another dtype or another card")


def test_cli_table_writes_rates_and_percents_as_the_apps_tables_do():
    done = _cli("matmul", "--sizes", "64,4096", "--dtype", "bfloat16", "--device", "H100,T4")
    assert done.returncode == 0, done.stderr
    for card in ("H100", "T4"):
        for size in (64, 4096):
            r = predict.predict(Matmul.square(size, "bfloat16"), card)
            assert f"{number_text(r['gflops'])} GFLOP/s" in done.stdout  # "885,261", as the app writes it
            assert f" {percent_text(r['pct_of_peak'])} spec" in done.stdout  # "0.3%", not "0%"
    small = predict.predict(Matmul.square(64, "bfloat16"), "H100")["pct_of_peak"]
    assert small < 1 and re.search(r"\s0% ", done.stdout) is None
    assert re.search(r"\d{4}\.\d GFLOP/s", done.stdout) is None  # no "102489.2 GFLOP/s"


def test_bfloat16_on_a_t4_is_predicted_at_float32_with_one_note_and_exit_0():
    done = _cli("matmul", "--sizes", "1024,4096", "--dtype", "bfloat16", "--device", "H100,T4", "--json")
    assert done.returncode == 0, done.stderr
    assert [r["device_name"] for r in results.loads(done.stdout)["results"]] == ["H100 SXM"] * 2 + ["T4"] * 2
    [note] = done.stderr.splitlines()
    assert note.startswith("dlenv: note: T4 has no bfloat16 figure: bfloat16 is predicted at its float32 figure")
    # The card's own figure for the dtype asked (or float32's TF32 setting): nothing to say.
    for args in (("--dtype", "bfloat16", "--device", "H100,tpu v5e"), ("--device", "T4,cpu"),
                 ("--dtype", "float16", "--device", "T4")):
        quiet = _cli("matmul", "--sizes", "1024", *args, "--json")
        assert quiet.returncode == 0 and quiet.stderr == "", (args, quiet.stderr)
