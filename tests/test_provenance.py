"""Every result says what it is: measured, imported, reference, published or predicted.

Timings dlenv took carry their samples; published and predicted figures carry one number and
where it comes from. A file brings its measured results in as imported, and every other
provenance survives a round trip through JSON, CSV and the store unchanged.
"""

import copy
import re

import pytest

from dlenv.data import reference, results
from dlenv.data.files import read_file
from dlenv.data.results import ResultsError
from dlenv.data.schema import TIMING_FIELDS
from dlenv.data.store import Store
from dlenv.vocab import PROVENANCES, TIMED_PROVENANCES


def measured_doc() -> dict:
    """The bundled CPU reference set, as if measured here (what the runner hands out)."""
    doc = copy.deepcopy(reference.load("cpu-epyc-2vcpu-tensorflow"))
    doc["results"] = [{**result, "provenance": "measured"} for result in doc["results"][:2]]
    return doc


def published_h100(size: int = 4096, tflops: float = 700.0) -> dict:
    """A third party's bfloat16 matmul figure: one number, its source, no samples."""
    flops, moved = 2.0 * size**3, 3.0 * size * size * 2
    seconds = flops / (tflops * 1e12)
    return {"workload": "matmul", "params": {"m": size, "n": size, "k": size}, "provenance": "published",
            "device": "gpu:0", "device_name": "NVIDIA H100 80GB HBM3", "dtype": "bfloat16",
            "median_s": seconds, "flops": flops, "bytes": moved, "gflops": flops / seconds / 1e9,
            "gbps": moved / seconds / 1e9, "provenance_source": "https://github.com/openxla/xla",
            "provenance_path": "xla/service/gpu/model/matmul_interpolator_data.h",
            "provenance_version": "0123456789abcdef0123456789abcdef01234567",
            "provenance_note": f"measured by XLA's authors: {tflops} TFLOP/s", "matmul_precision": "bfloat16"}


def predicted_t4(size: int = 4096) -> dict:
    """A datasheet prediction: one number and the model's inputs."""
    flops, moved = 2.0 * size**3, 3.0 * size * size * 2
    seconds = flops / 65e12 + 5e-6
    return {"workload": "matmul", "params": {"m": size, "n": size, "k": size}, "provenance": "predicted",
            "device": "gpu:0", "device_name": "Tesla T4", "dtype": "bfloat16", "median_s": seconds,
            "flops": flops, "bytes": moved, "gflops": flops / seconds / 1e9, "gbps": moved / seconds / 1e9,
            "model_peak_gflops": 65000.0, "model_gbps": 320.0, "model_overhead_s": 5e-6, "model_bound": "compute",
            "provenance_source": "dlenv datasheet model", "provenance_note": "predicted from the datasheet"}


def mixed_doc() -> dict:
    """Results of every provenance in one file, each kind on its own machine."""
    doc = measured_doc()
    pairs = [(result, results.environment_of(doc, result)) for result in doc["results"]]
    pairs.append(({**doc["results"][0], "provenance": "reference"}, {"machine": "reference: a lab PC"}))
    pairs.append(({**doc["results"][1], "provenance": "imported"}, {"machine": "a Colab T4"}))
    pairs.append((published_h100(), {"machine": "published: NVIDIA H100 (OpenXLA)"}))
    pairs.append((predicted_t4(), {"machine": "predicted: T4 (datasheet)"}))
    return results.validate_document(results.document_of(pairs))


def kinds(doc: dict) -> list[str]:
    return [result["provenance"] for result in doc["results"]]


def test_a_published_or_predicted_figure_needs_no_samples_and_keeps_its_source():
    doc = mixed_doc()
    assert kinds(doc) == ["measured", "measured", "reference", "imported", "published", "predicted"]
    published, predicted = doc["results"][4], doc["results"][5]
    assert not set(TIMING_FIELDS) & set(published) and not set(TIMING_FIELDS) & set(predicted)
    assert published["provenance_path"].endswith("matmul_interpolator_data.h")
    assert predicted["model_bound"] == "compute"


@pytest.mark.parametrize("kind", TIMED_PROVENANCES)
def test_a_timing_without_its_samples_is_refused_with_what_is_missing(kind):
    figure = {**published_h100(), "provenance": kind}
    with pytest.raises(ResultsError, match=rf"results\[0\]: a {kind} result must have backend, timing, iqr_s"):
        results.validate_document(results.document_of([(figure, {"machine": "x"})]))


def test_a_file_without_provenance_holds_measured_timings():
    doc = measured_doc()
    for result in doc["results"]:
        del result["provenance"]
    assert kinds(results.validate_document(doc)) == ["measured", "measured"]


def test_an_unknown_provenance_is_refused_naming_the_allowed_ones():
    doc = measured_doc()
    doc["results"][0]["provenance"] = "guessed"
    with pytest.raises(ResultsError, match="results\\[0\\].provenance: must be one of " + ", ".join(PROVENANCES)):
        results.validate_document(doc)


@pytest.mark.parametrize("write, name", [(results.dumps, "mixed.json"), (results.to_csv, "mixed.csv")])
def test_a_file_brings_measured_results_in_as_imported_and_keeps_the_rest(write, name):
    original = mixed_doc()
    imported = read_file(write(original).encode("utf-8"), name).document
    assert kinds(imported) == ["imported", "imported", "reference", "imported", "published", "predicted"]
    # Exported again and read back: nothing changes any more.
    again = read_file(write(imported).encode("utf-8"), name).document
    assert kinds(again) == kinds(imported)
    assert again["results"][4]["provenance_version"] == original["results"][4]["provenance_version"]
    assert again["results"][5]["model_gbps"] == 320.0


def test_the_store_keeps_provenance_filters_by_it_and_treats_a_reimport_as_a_duplicate(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'results.sqlite'}") as db:
        assert db.save_document(mixed_doc()).added == 6
        table = db.results()
        assert sorted(table["provenance"]) == sorted(kinds(mixed_doc()))
        assert table.loc[table["provenance"] == "published", "backend"].isna().all()
        assert list(db.results(provenance="predicted")["device_name"]) == ["Tesla T4"]
        assert db.results(provenance=["measured", "imported", "reference"])["n_samples"].notna().all()
        # The measured results exported and imported again are the same results, not new ones.
        report = db.import_bytes(results.dumps(db.document()).encode("utf-8"), "export.json")
        assert (report.added, report.duplicates) == (0, 6)
        assert kinds(db.document()) == kinds(mixed_doc())


def test_the_bundled_cpu_set_is_a_reference():
    assert set(kinds(reference.load("cpu-epyc-2vcpu-tensorflow"))) == {"reference"}


@pytest.mark.parametrize("change, problem", [
    ({"provenance_source": None}, "a published figure must say where it comes from: provenance_source missing"),
    ({"provenance_version": None}, "provenance_version missing"),
    ({"provenance_source": "javascript:alert(1)"}, "must be the http(s) address of its page or repository"),
    ({"samples_s": [0.001], "n_samples": 1}, "a published figure has no samples, got n_samples, samples_s"),
    ({"median_s": 1e-30}, "shorter than any call can take"),
    ({"median_s": 1e300}, "median_s: 1e+300 s is longer than any call dlenv times (at most 86400 s, a day)"),
    ({"gflops": 1e39}, "more than any device does"),
])
def test_a_figure_that_cannot_be_true_or_says_no_source_is_refused(change, problem):
    figure = {key: value for key, value in {**published_h100(), **change}.items() if value is not None}
    with pytest.raises(ResultsError, match=re.escape(problem)):
        results.validate_document(results.document_of([(figure, {"machine": "x"})]))


def test_a_prediction_must_carry_the_model_inputs_it_came_from():
    figure = {key: value for key, value in predicted_t4().items() if key != "model_gbps"}
    with pytest.raises(ResultsError, match="a predicted figure must say where it comes from: model_gbps missing"):
        results.validate_document(results.document_of([(figure, {"machine": "x"})]))
