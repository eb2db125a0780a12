"""Every part accepts every name in ``dlenv.vocab``: a name added there is accepted everywhere.

Each test takes the names from the vocabulary and asks the user of it (the CLI's parser, the
spec classes, the plan, the results schema, the backend modules) to accept them, so a
module that kept a list of its own fails here as soon as the vocabulary grows.
"""

import copy

import pytest

from dlenv import charts
from dlenv.cli import args as cli_args
from dlenv.data import reference, results
from dlenv.i18n import t
from dlenv.measure import backends, workloads
from dlenv.serve.plan import Plan
from dlenv.data.schema import SAMPLE_FIELDS
from dlenv.vocab import (
    BACKENDS,
    DTYPES,
    MATMUL_PRECISIONS,
    PEAK_SOURCES,
    PEAKS,
    PROVENANCES,
    TIMED_PROVENANCES,
    TIMINGS,
    WORKLOADS,
)


def a_result(**changes):
    """A real stored result (from the bundled reference set) with some fields changed."""
    doc = copy.deepcopy(reference.load(reference.names()[0]))
    doc["results"] = [{**doc["results"][0], **changes}]
    doc["errors"] = []
    return doc


def parse(*argv):
    return cli_args.build_parser().parse_args(list(argv))


@pytest.mark.parametrize("name", WORKLOADS)
def test_every_workload_has_a_spec_class_a_cli_command_and_a_place_in_the_schema(name):
    assert workloads.WORKLOADS[name].name == name
    assert parse("run", name).workload == name
    assert results.validate_document(a_result(workload=name))["results"][0]["workload"] == name


@pytest.mark.parametrize("dtype", DTYPES)
def test_every_dtype_is_a_spec_dtype_a_cli_value_and_a_schema_value(dtype):
    assert workloads.Matmul.square(64, dtype).itemsize >= 2
    assert {spec.dtype for spec in cli_args.workload_specs(parse("run", "matmul", "--dtype", dtype))} == {dtype}
    assert results.validate_document(a_result(dtype=dtype))["results"][0]["dtype"] == dtype


@pytest.mark.parametrize("backend", BACKENDS)
def test_every_backend_has_a_module_and_a_place_in_the_schema(backend):
    assert backends.get(backend).NAME == backend
    assert results.validate_document(a_result(backend=backend))["results"][0]["backend"] == backend
    assert [call.backend for call in Plan((workloads.Matmul.square(8),), backends=(backend,)).calls()] == [backend]


@pytest.mark.parametrize("timing", TIMINGS)
def test_every_timing_is_a_cli_value_a_plan_value_and_a_schema_value(timing):
    assert cli_args.timings(parse("run", "matmul", "--timing", timing)) == (timing,)
    assert Plan((workloads.Matmul.square(8),), timings=(timing,)).timings == (timing,)
    assert results.validate_document(a_result(timing=timing))["results"][0]["timing"] == timing
    assert cli_args.timings(parse("run", "matmul", "--timing", "both")) == TIMINGS


@pytest.mark.parametrize("peak", PEAKS)
def test_every_peak_choice_is_a_cli_value_and_a_plan_value(peak):
    assert parse("run", "matmul", "--peak", peak).peak == peak
    assert Plan((workloads.Matmul.square(8),), peak=peak).calls()[0].peak == peak


@pytest.mark.parametrize("source", PEAK_SOURCES)
def test_every_peak_source_is_a_schema_value(source):
    assert results.validate_document(a_result(peak_source=source))["results"][0]["peak_source"] == source


@pytest.mark.parametrize("provenance", PROVENANCES)
def test_every_provenance_is_a_schema_value_a_chart_style_and_a_page_word(provenance):
    doc = a_result(provenance=provenance)
    if provenance not in TIMED_PROVENANCES:  # one figure with its source, no samples
        figure = {key: value for key, value in doc["results"][0].items() if key not in SAMPLE_FIELDS}
        doc["results"] = [{**figure, "provenance_source": "https://example.org/figures", "provenance_version": "2026",
                           "model_peak_gflops": 1.0, "model_gbps": 1.0, "model_overhead_s": 0.0}]
    assert results.validate_document(doc)["results"][0]["provenance"] == provenance
    assert provenance in charts.PROVENANCE_STYLE
    assert t(f"prov_{provenance}", "en") and t(f"prov_{provenance}", "ko")


@pytest.mark.parametrize("precision", MATMUL_PRECISIONS)
def test_every_matmul_precision_is_a_schema_value(precision):
    assert results.validate_document(a_result(matmul_precision=precision))["results"][0]["matmul_precision"] == precision


def test_a_name_outside_the_vocabulary_is_refused_everywhere():
    with pytest.raises(cli_args.CliError):
        parse("run", "transformer")
    with pytest.raises(results.ResultsError, match="workload"):
        results.validate_document(a_result(workload="transformer"))
    with pytest.raises(ValueError, match="dtype"):
        workloads.Matmul.square(64, "int8")
    with pytest.raises(ValueError, match="timings"):
        Plan((workloads.Matmul.square(8),), timings=("fast",))
