"""The command line as a user runs it: ``python -m dlenv ...`` in a fresh process."""

import json
import resource
import subprocess
import sys

import pytest
from conftest import run_dlenv

from dlenv.data import results


def assert_one_line_error(done, *fragments):
    assert done.returncode == 2, done.stderr[-2000:]
    errors = [line for line in done.stderr.splitlines() if line.startswith("dlenv: error:")]
    assert len(errors) == 1, done.stderr
    assert "Traceback" not in done.stderr
    for fragment in fragments:
        assert fragment in errors[0]


@pytest.mark.parametrize("args, fragments", [
    (["--sizes", "0"], ["'0' is not allowed", "from 1 to 65536"]),
    (["--sizes", "-256"], ["'-256' is not allowed"]),
    (["--sizes", "abc"], ["'abc' is not allowed"]),
    (["--sizes", "256,"], ["'' is not allowed"]),
    (["--sizes", "100000"], ["'100000' is not allowed"]),
    (["--sizes", "64x64"], ["give N (square) or MxNxK"]),
    (["--dtype", "int8"], ["--dtype: unknown value 'int8'", "float32, float16, bfloat16"]),
    (["--devices", "npu"], ["--devices: unknown device 'npu'", "cpu, gpu, tpu, all"]),
    (["--backend", "mxnet"], ["unknown backend 'mxnet'", "tensorflow, jax, torch"]),
    (["--threads", "0"], ["--threads: 0 is not allowed"]),
    (["--threads", "many"], ["--threads", "invalid int value"]),
    (["--budget", "nan"], ["--budget: 'nan' is not allowed"]),
    (["--budget", "-1"], ["--budget: '-1' is not allowed"]),
    (["--timing", "fast"], ["invalid choice: 'fast'"]),
    (["--frobnicate"], ["unrecognized arguments: --frobnicate"]),
])
def test_bad_matmul_values_exit_2_with_one_clear_line(args, fragments):
    assert_one_line_error(run_dlenv("run", "matmul", *args), *fragments)


@pytest.mark.parametrize("args, fragments", [
    (["mlp", "--depth", "0"], ["--depth: '0' is not allowed", "from 1 to 64"]),
    (["mlp", "--mode", "eval"], ["--mode: unknown value 'eval'"]),
    (["mlp", "--batch", "1.5"], ["--batch: '1.5' is not allowed"]),
    (["cnn", "--image", "2"], ["--image: '2' is not allowed", "from 4 to 1024"]),
    (["elementwise", "--op", "divide"], ["--op: unknown value 'divide'", "add, multiply"]),
    (["transformer"], ["invalid choice: 'transformer'"]),
])
def test_bad_model_values_exit_2_with_one_clear_line(args, fragments):
    assert_one_line_error(run_dlenv("run", *args), *fragments)


def test_matmul_on_tensorflow_writes_a_valid_results_file(tmp_path):
    out = tmp_path / "r.json"
    done = run_dlenv("run", "matmul", "--sizes", "256,1024", "--devices", "cpu", "--backend", "tensorflow",
                     "--out", str(out), "--budget", "0.5")
    assert done.returncode == 0, done.stderr[-2000:]
    doc = results.load(out)
    assert [r["params"]["m"] for r in doc["results"]] == [256, 1024]
    [environment] = doc["environments"].values()
    assert environment["frameworks"]["tensorflow"]
    assert environment["cpu"]["cores"] >= 1
    assert "matmul 1024 float32" in done.stdout  # the table


def test_matmul_on_jax_with_naive_and_synced_timings(tmp_path):
    out = tmp_path / "r.json"
    done = run_dlenv("run", "matmul", "--sizes", "256", "--backend", "jax", "--timing", "both",
                     "--out", str(out), "--budget", "0.3")
    assert done.returncode == 0, done.stderr[-2000:]
    doc = results.load(out)
    assert [(r["backend"], r["timing"]) for r in doc["results"]] == [("jax", "synced"), ("jax", "naive")]


def test_devices_json_lists_the_cpu_with_a_peak_estimate():
    done = run_dlenv("devices", "--json")
    assert done.returncode == 0, done.stderr[-2000:]
    report = json.loads(done.stdout)
    cpu = report["devices"][0]
    assert cpu["id"] == "cpu:0" and cpu["kind"] == "cpu"
    assert cpu["peak"]["float32"]["source"] == "estimate" and cpu["peak"]["float32"]["gflops"] > 0


def test_every_installed_backend_in_one_request_is_merged_into_one_file(tmp_path):
    out = tmp_path / "all.json"
    done = run_dlenv("run", "mlp", "--depth", "1", "--width", "16", "--batch", "8", "--backend", "all",
                     "--out", str(out), "--budget", "0.2")
    assert done.returncode == 0, done.stderr[-2000:]
    doc = results.load(out)
    assert {r["backend"] for r in doc["results"]} == {"tensorflow", "jax", "torch"}
    for r in doc["results"]:  # each result with the environment of the backend that measured it
        assert r["backend"] in results.environment_of(doc, r)["frameworks"]


def test_two_logical_cpu_devices_are_compared_in_one_run(tmp_path):
    out = tmp_path / "two.json"
    done = run_dlenv("run", "elementwise", "--sizes", "128", "--virtual-cpus", "2", "--devices", "cpu:0,cpu:1",
                     "--out", str(out), "--budget", "0.2")
    assert done.returncode == 0, done.stderr[-2000:]
    assert [r["device"] for r in results.load(out)["results"]] == ["cpu:0", "cpu:1"]


def test_a_size_larger_than_memory_is_refused_before_running():
    done = run_dlenv("run", "matmul", "--sizes", "256,65536")
    assert_one_line_error(done, "matmul 65536 float32 needs about 64.0 GiB", "the largest size that fits is")


def test_a_missing_gpu_is_refused():
    done = run_dlenv("run", "matmul", "--devices", "gpu", "--backend", "jax")
    assert_one_line_error(done, "no gpu device found by the jax backend here; available: cpu:0")


def test_an_out_of_memory_failure_mid_run_keeps_the_results_that_succeeded(tmp_path):
    out = tmp_path / "partial.json"

    def small_address_space():  # the OS refuses the big matrices, as on a small machine
        resource.setrlimit(resource.RLIMIT_AS, (6 * 2**30, 6 * 2**30))

    done = run_dlenv("run", "matmul", "--sizes", "128,20000", "--backend", "jax", "--out", str(out),
                     "--budget", "0.2", preexec_fn=small_address_space)
    assert done.returncode == 3, done.stderr[-2000:]
    assert "Traceback" not in done.stderr
    doc = results.load(out)
    assert [r["params"]["m"] for r in doc["results"]] == [128]
    [error] = doc["errors"]
    assert "ran out of memory" in error["error"] and "smaller size" in error["hint"]


def test_csv_output_can_be_read_back(tmp_path):
    out = tmp_path / "r.csv"
    done = run_dlenv("run", "elementwise", "--sizes", "64", "--op", "add,multiply", "--backend", "jax",
                     "--out", str(out), "--budget", "0.2", "--quiet")
    assert done.returncode == 0, done.stderr[-2000:]
    doc = results.from_csv(out.read_text(encoding="utf-8"))
    assert [r["params"]["op"] for r in doc["results"]] == ["add", "multiply"]
    assert all(r["gbps"] > 0 for r in doc["results"])


# --- the bundled sets ---------------------------------------------------------------


def test_reference_list_names_a_published_gpu_set_with_its_source():
    done = run_dlenv("reference", "list")
    assert done.returncode == 0, done.stderr
    listing = done.stdout.split("\n")
    at = listing.index(next(line for line in listing if line.startswith("gpu-h100-openxla-matmul  [published]")))
    assert "NVIDIA H100 80GB HBM3" in listing[at + 1]
    assert listing[at + 2].strip().startswith("source: https://github.com/openxla/xla @ ")
    as_json = json.loads(run_dlenv("reference", "list", "--json").stdout)
    assert {entry["kind"] for entry in as_json} == {"reference", "published"}


def test_reference_show_prints_the_published_records_with_their_provenance():
    done = run_dlenv("reference", "show", "gpu-h100-openxla-matmul", "--json")
    assert done.returncode == 0, done.stderr
    doc = results.loads(done.stdout)
    assert {r["provenance"] for r in doc["results"]} == {"published"}
    assert all(r["provenance_version"] and r["provenance_path"] for r in doc["results"])
    table = run_dlenv("reference", "show", "gpu-h100-openxla-matmul")
    assert table.returncode == 0 and "published" in table.stdout and "Traceback" not in table.stderr


def test_reference_show_of_an_unknown_set_names_the_sets_there_are():
    assert_one_line_error(run_dlenv("reference", "show", "gpu-h100"), "no reference set 'gpu-h100'",
                          "gpu-h100-openxla-matmul")


def test_the_cli_formats_numbers_without_the_apps_imports():
    # dlenv.formats is shared with the app's tables; the command line stays free of pandas and Streamlit.
    code = ("import sys, dlenv.cli.table, dlenv.formats; "
            "print(sorted(m for m in ('pandas', 'streamlit') if m in sys.modules))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False, timeout=60)
    assert done.returncode == 0 and done.stdout.strip() == "[]", done.stderr
