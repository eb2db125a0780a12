"""The reference results shipped in the package: each loads, validates and says where it came from."""

import pytest
from conftest import ROOT

from dlenv.data import reference, results


def test_at_least_one_set_is_shipped_each_named_after_its_file_with_a_title():
    assert reference.names()
    for name in reference.names("reference"):
        assert (ROOT / "dlenv" / "data" / "reference" / f"{name}.json").is_file()
        [environment] = reference.load(name)["environments"].values()
        title = environment["reference"]["title"]
        assert isinstance(title, str) and title and title != name


@pytest.mark.parametrize("name", reference.names("reference"))
def test_each_set_is_a_valid_document_with_a_full_environment(name):
    doc = reference.load(name)
    assert results.validate_document(doc) == doc
    assert (ROOT / "dlenv" / "data" / "reference" / f"{name}.json").stat().st_size < 300_000
    assert doc["results"] and not doc["errors"]
    [env] = doc["environments"].values()
    assert all(results.environment_of(doc, result) is env for result in doc["results"])
    assert env["machine"].startswith(reference.MACHINE_PREFIX)
    assert env["frameworks"] and all(isinstance(v, str) and v for v in env["frameworks"].values())
    assert env["cpu"]["name"] and env["cpu"]["cores"] >= 1
    assert env["os"] and env["python"]
    assert env["reference"]["commands"]
    for result in doc["results"]:
        assert result["backend"] in env["frameworks"]
        assert result["device"] in {device["id"] for device in env["devices"]}
    # The table carries the label, so a reference row never passes for one's own measurement.
    assert set(results.to_dataframe(doc)["machine"]) == {env["machine"]}


def test_the_cpu_set_covers_the_standard_suite():
    doc = reference.load("cpu-epyc-2vcpu-tensorflow")
    seen = {(r["workload"], r["timing"], r["params"].get("m") or r["params"].get("size") or r["params"].get("mode"))
            for r in doc["results"]}
    assert {("matmul", t, n) for t in ("synced", "naive") for n in (256, 512, 1024, 2048)} <= seen
    assert {("elementwise", "synced", 1024), ("elementwise", "synced", 4096)} <= seen
    assert {(w, "synced", m) for w in ("mlp", "cnn") for m in ("inference", "train")} <= seen


@pytest.mark.parametrize("name", ["", "nope", "../results", "cpu-epyc-2vcpu-tensorflow.json", None])
def test_an_unknown_name_is_refused_with_the_names_available(name):
    with pytest.raises(reference.UnknownReferenceSet, match="available: cpu-epyc-2vcpu-tensorflow"):
        reference.load(name)


def test_the_package_data_table_ships_the_files():
    tomllib = pytest.importorskip("tomllib")  # Python 3.11+
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "*.json" in config["tool"]["setuptools"]["package-data"]["dlenv.data.reference"]
