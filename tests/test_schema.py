"""The results format as a JSON Schema (docs/results.schema.json) and the per-result start and end times."""

import copy
import json
import subprocess
import sys

import pytest
from conftest import ROOT

from dlenv.data import reference, results
from dlenv.data.results import ResultsError

PUBLISHED = ROOT / "docs" / "results.schema.json"
GOOD = reference.load("cpu-epyc-2vcpu-tensorflow")


def test_the_published_schema_is_what_the_models_generate():
    generated = subprocess.run([sys.executable, "-m", "dlenv.data.schema"], cwd=ROOT, capture_output=True,
                               text=True, check=True).stdout
    assert PUBLISHED.read_text(encoding="utf-8") == generated, (
        "docs/results.schema.json is out of date: python -m dlenv.data.schema > docs/results.schema.json")


def with_result(**changes) -> dict:
    doc = copy.deepcopy(GOOD)
    doc["results"] = [{**doc["results"][0], **changes}]
    return doc


BAD = {
    "negative median": with_result(median_s=-1.0),
    "unknown workload": with_result(workload="resnet50"),
    "device": with_result(device="cuda:0"),
    "started_at without a zone": with_result(started_at="2026-11-27T01:23:45"),
    "ended_at not UTC": with_result(ended_at="2026-11-27T01:23:45+09:00"),
    "schema version": {**GOOD, "schema": "dlenv.results/7"},
    "version 1 shape": {**{k: v for k, v in GOOD.items() if k != "environments"}, "environment": {}},
    "result without its environment": with_result(environment=None),
    "interrupted not a boolean": {**GOOD, "interrupted": "yes"},
}


def test_what_dlenv_accepts_and_refuses_the_published_schema_does_too():
    jsonschema = pytest.importorskip("jsonschema")
    validator = jsonschema.Draft202012Validator(json.loads(PUBLISHED.read_text(encoding="utf-8")))
    validator.check_schema(validator.schema)
    timed = with_result(started_at="2026-11-27T01:23:45.123456Z", ended_at="2026-11-27T01:23:46+00:00")
    interrupted = {**GOOD, "interrupted": True}
    for doc in (GOOD, timed, interrupted):
        assert list(validator.iter_errors(json.loads(results.dumps(doc)))) == []
    for name, doc in BAD.items():
        assert list(validator.iter_errors(doc)), name
        with pytest.raises(ResultsError):
            results.validate_document(doc)


def test_start_and_end_times_are_optional_utc_date_times_kept_as_written():
    doc = with_result(started_at="2026-11-27T01:23:45.123456Z", ended_at="2026-11-27T01:23:45.987654Z")
    back = results.loads(results.dumps(doc))["results"][0]
    assert (back["started_at"], back["ended_at"]) == ("2026-11-27T01:23:45.123456Z", "2026-11-27T01:23:45.987654Z")
    assert "started_at" not in results.validate_document(GOOD)["results"][0]
    csv_back = results.from_csv(results.to_csv(doc))["results"][0]
    assert csv_back["started_at"] == "2026-11-27T01:23:45.123456Z"


@pytest.mark.parametrize("changes, problem", [
    ({"started_at": "2026-11-27 01:23:45"},
     "results[0].started_at: must be an ISO-8601 UTC date-time like 2026-11-27T01:23:45.123456Z, got '2026-11-27 01:23:45'"),
    ({"started_at": "2026-11-27T01:23:45+09:00"}, "results[0].started_at: must be an ISO-8601 UTC date-time"),
    ({"ended_at": "2026-13-27T01:23:45Z"}, "results[0].ended_at: must be an ISO-8601 UTC date-time"),
    ({"ended_at": 1764206625}, "results[0].ended_at: must be an ISO-8601 UTC date-time like 2026-11-27T01:23:45.123456Z, got 1764206625"),
    ({"started_at": "2026-11-27T01:23:46Z", "ended_at": "2026-11-27T01:23:45Z"},
     "results[0].ended_at: is before started_at (2026-11-27T01:23:46Z), got '2026-11-27T01:23:45Z'"),
])
def test_bad_start_and_end_times_are_refused_naming_the_field(changes, problem):
    with pytest.raises(ResultsError) as refused:
        results.validate_document(with_result(**changes))
    assert refused.value.problems[0].startswith(problem), refused.value.problems
