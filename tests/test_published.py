"""The published GPU sets: each loads and validates, says where every figure comes from,
matches the transcribed source table, and is re-made byte for byte by its generator."""

import csv
import importlib.util
import subprocess
import sys

import pytest
from conftest import ROOT

from dlenv.data import reference, results
from dlenv.data.schema import TIMING_FIELDS
from dlenv.measure.peaks import ACCELERATOR_PEAKS
from dlenv.vocab import DTYPE_BYTES

PUBLISHED = reference.names("published")
SCRIPT = ROOT / "scripts" / "published_sets.py"
CSV_DIR = ROOT / "dlenv" / "data" / "published"


def _script():
    spec = importlib.util.spec_from_file_location("published_sets", SCRIPT)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    finally:
        del sys.modules[spec.name]
    return module


def _csv_rows(name: str) -> list[dict]:
    lines = (CSV_DIR / name).read_text(encoding="utf-8").splitlines()
    return list(csv.DictReader(line for line in lines if not line.startswith("#")))


def test_the_published_sets_are_shipped_and_told_apart_from_measured_ones():
    assert {"gpu-h100-openxla-matmul", "gpu-mamf-published", "gpu-amd-maf-published"} <= set(PUBLISHED)
    assert "cpu-epyc-2vcpu-tensorflow" in reference.names("reference")
    assert set(reference.names("reference")) | set(PUBLISHED) == set(reference.names())
    assert reference.kind("cpu-epyc-2vcpu-tensorflow") == "reference"
    with pytest.raises(ValueError, match="kind must be one of"):
        reference.names("measured")


@pytest.mark.parametrize("name", PUBLISHED)
def test_each_set_validates_and_every_figure_names_its_source(name):
    doc = reference.load(name)
    assert results.validate_document(doc) == doc
    assert (ROOT / "dlenv" / "data" / "reference" / f"{name}.json").stat().st_size < 300_000
    assert doc["results"] and not doc["errors"]
    for env in doc["environments"].values():
        assert env["machine"].startswith(reference.PUBLISHED_PREFIX)
        about = env["reference"]
        assert all(isinstance(about[key], str) and about[key] for key in ("title", "source", "path", "version",
                                                                            "licence"))
    info = reference.info(name)
    assert info["kind"] == "published" and info["source"].startswith("https://") and info["cards"]
    for result in doc["results"]:
        env = results.environment_of(doc, result)
        assert result["provenance"] == "published"
        assert not set(TIMING_FIELDS) & set(result), "a published figure carries no timing statistics"
        for key in ("provenance_source", "provenance_path", "provenance_version", "provenance_note"):
            assert isinstance(result[key], str) and result[key]
        assert result["provenance_source"] == env["reference"]["source"]
        assert result["device"] in {device["id"] for device in env["devices"]}
        assert result["device_name"] == next(d["name"] for d in env["devices"] if d["id"] == result["device"])
        p = result["params"]
        b = p.get("batch", 1)
        assert result["flops"] == 2 * b * p["m"] * p["n"] * p["k"]
        assert result["bytes"] == b * (p["m"] * p["k"] + p["k"] * p["n"] + p["m"] * p["n"]) * DTYPE_BYTES[
            result["dtype"]]
        assert result["gflops"] == pytest.approx(result["flops"] / result["median_s"] / 1e9, rel=1e-12)
    table = results.to_dataframe(doc)
    assert table["machine"].str.startswith(reference.PUBLISHED_PREFIX).all()
    assert table["backend"].isna().all()


def test_the_h100_bf16_4096_figure_is_the_transcribed_openxla_number():
    [row] = [r for r in _csv_rows("openxla_matmul.csv")
             if (r["cc"], r["dtype"], r["b"], r["m"], r["n"], r["k"]) == ("sm_90", "bfloat16", "1", "4096", "4096",
                                                                          "4096")]
    doc = reference.load("gpu-h100-openxla-matmul")
    [result] = [r for r in doc["results"] if r["dtype"] == "bfloat16" and r["params"] == {"m": 4096, "n": 4096,
                                                                                             "k": 4096}]
    assert result["gflops"] * 1e9 == pytest.approx(int(row["flops_per_s"]), rel=1e-12)
    assert result["flops"] / result["median_s"] == pytest.approx(int(row["flops_per_s"]), rel=1e-12)
    # The CSV says which upstream commit it was read at, and the set says the same.
    header = (CSV_DIR / "openxla_matmul.csv").read_text(encoding="utf-8")
    assert f"# commit: {result['provenance_version']}\n" in header


def test_nvidia_float32_rows_are_tf32_and_beat_the_fp32_peak():
    for name in ("gpu-h100-openxla-matmul", "gpu-b200-openxla-matmul"):
        float32 = [r for r in reference.load(name)["results"] if r["dtype"] == "float32"]
        assert float32 and all(r["matmul_precision"] == "tf32" for r in float32)
        assert all("TF32" in r["provenance_note"] for r in float32)
    h100 = next(r for r in reference.load("gpu-h100-openxla-matmul")["results"]
                if r["dtype"] == "float32" and r["params"] == {"m": 4096, "n": 4096, "k": 4096})
    # The lesson: a "float32" matmul far above the FP32 (CUDA core) peak ran on tensor cores,
    # and its % of peak is taken against the TF32 column.
    assert h100["gflops"] > 3 * ACCELERATOR_PEAKS["H100 SXM"]["float32"] * 1e3
    assert h100["peak_gflops"] == ACCELERATOR_PEAKS["H100 SXM"]["tf32"] * 1e3 and not h100["peak_exceeded"]


def test_published_for_finds_sets_by_card_and_dtype():
    assert reference.published_for("H100 SXM", "bfloat16") == ["gpu-h100-openxla-matmul", "gpu-mamf-published"]
    assert reference.published_for("H100 SXM", "float32") == ["gpu-h100-openxla-matmul"]
    assert reference.published_for("AMD Instinct MI300X", "float16") == ["gpu-amd-maf-published"]
    assert reference.published_for("H100 SXM", "float64") == []
    assert reference.published_for("no such card", "bfloat16") == []


def test_the_generator_is_deterministic_and_the_shipped_sets_are_up_to_date(tmp_path):
    first, second = tmp_path / "a", tmp_path / "b"
    for out in (first, second):
        out.mkdir()
        subprocess.run([sys.executable, str(SCRIPT), "--out", str(out)], check=True, capture_output=True)
    names = sorted(path.name for path in first.iterdir())
    assert names == sorted(f"{name}.json" for name in PUBLISHED)
    for file_name in names:
        assert (first / file_name).read_bytes() == (second / file_name).read_bytes()
    check = subprocess.run([sys.executable, str(SCRIPT), "--check"], check=False, capture_output=True,
                           text=True)
    assert check.returncode == 0, check.stderr


def test_the_parsers_read_the_upstream_formats():
    module = _script()
    table = module.parse_gemm_perf_table('''entries {
  key: "sm_90"
  value {
    entries {
      b: 2
      m: 256
      n: 512
      k: 1024
      flops { key: "bf16xbf16->bf16" value: 1000 }
      flops { key: "f32xf32->f32" value: 500 }
    }
  }
}''')
    assert table == {"sm_90": [(2, 256, 512, 1024, {"bf16xbf16->bf16": 1000, "f32xf32->f32": 500})]}
    with pytest.raises(ValueError):
        module.parse_gemm_perf_table("not a table")
    markdown = (f"#### {module.MAMF['section']}\n\n**BF16**:\n\n| Accelerator | MAMF | Theory |\n| :-- | --: | --: |\n"
                "| Card A | 10.5 | 20 |\n| Card B |  | 30 |\n\n**FP8**:\n\n| Accelerator | MAMF |\n| :-- | --: |\n"
                "| Card A | 99 |\n")
    assert module.parse_mamf_table(markdown) == [{"Accelerator": "Card A", "MAMF": "10.5", "Theory": "20"}]
