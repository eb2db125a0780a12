"""The results format ``dlenv.results/2`` as pydantic models: what is checked, and its JSON Schema.

A document is ``{"schema", "created", "environments": {key: environment}, "results": [...],
"errors": [...]}`` (and ``"interrupted": true`` when the run was stopped early). Each result
names the environment that measured it by its key (``"environment": "e1"``), so one file
holds results from several machines, each with its own; an error may name one too.
Version 1 files (one ``"environment"`` for the whole document) are still read: that
environment becomes every result's. A later minor version (``dlenv.results/2.1``) is read
too, with a notice; a later major version is refused ("made by a newer dlenv: upgrade").

``validate_document`` checks one (decoded from JSON, or built in Python) and returns a
normalised copy (always version 2), or raises ``ResultsError`` whose problems each start
with the path of the field at fault and say what was found and what is allowed::

    results[3].median_s: must be a finite number > 0, got NaN

``check_document`` does the same and also returns notices: what was read but left out (a
field this dlenv does not know, from a newer dlenv) or read leniently. It is called where
data comes in (a file, an upload, a worker's reply) and before writing.
``python -m dlenv.data.schema`` prints the JSON Schema (``docs/results.schema.json``).
"""

from __future__ import annotations

import json
import re
from datetime import datetime
from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, ValidationError, ValidationInfo, field_validator, model_validator

from dlenv.data.fields import (
    INT_LIMIT,
    MAX_BYTES,
    MAX_ERRORS,
    MAX_PROBLEMS,
    MAX_RESULTS,
    MAX_SAMPLES,
    MAX_TEXT,
    PARAM_PREFIX,
    REFUSED,
    SIZE_PARAMS,
    Count,
    Device,
    EnvironmentKey,
    Environments,
    ExtraName,
    ExtraValue,
    Finite,
    Flag,
    LongText,
    NonNegative,
    Params,
    Positive,
    Samples,
    Share,
    Text,
    Timestamp,
    UnreadableNumber,
    UtcTimestamp,
    choice,
    describe,
    key_path,
    refuse,
    timestamp_or_none,
)
from dlenv.data.versions import from_v1, leave_out_unknown, v1_path
from dlenv.vocab import (
    BACKENDS,
    DTYPES,
    MATMUL_PRECISIONS,
    MODEL_BOUNDS,
    PEAK_SOURCES,
    PROVENANCES,
    TIMED_PROVENANCES,
    TIMINGS,
    WORKLOADS,
)

# Also read from here by the other modules of dlenv.data.
__all__ = ["INT_LIMIT", "MAX_BYTES", "MAX_TEXT", "PARAM_PREFIX", "SCHEMA", "Checked", "Document", "Error", "Result",
           "ResultsError", "UnreadableNumber", "check_document", "json_schema", "timestamp_or_none",
           "validate_document"]

VERSION = 2
SCHEMA_PREFIX = "dlenv.results/"
SCHEMA = f"{SCHEMA_PREFIX}{VERSION}"
READABLE_VERSIONS = {1, 2}

_SCHEMA_VERSION = re.compile(re.escape(SCHEMA_PREFIX) + r"([1-9][0-9]{0,8})(?:\.([0-9]{1,9}))?")


class ResultsError(ValueError):
    """A results document (or the bytes holding it) was refused.

    ``problems`` holds the first few problems, each starting with the path of the
    field at fault, e.g. ``results[3].median_s: must be a finite number > 0, got NaN``.
    """

    def __init__(self, problems: str | list[str], *, stopped_early: bool = False) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.stopped_early = stopped_early
        if len(self.problems) == 1 and not stopped_early:
            message = f"invalid dlenv results: {self.problems[0]}"
        else:
            more = f", stopped after the first {len(self.problems)}" if stopped_early else ""
            listing = "".join(f"\n  - {problem}" for problem in self.problems)
            message = f"invalid dlenv results ({len(self.problems)} problems{more}):{listing}"
        super().__init__(message)


# --- records and the document --------------------------------------------------------


class _Record(BaseModel):
    model_config = ConfigDict(strict=True, extra="allow", hide_input_in_errors=True)
    # Other fields are kept when they are scalars a table can hold.
    __pydantic_extra__: dict[ExtraName, ExtraValue] = Field(init=False)


# A training's figures per epoch, first epoch first (None: no figure, e.g. a loss that diverged).
PerEpoch = Annotated[list[Annotated[float, Finite] | None], Field(max_length=MAX_SAMPLES)]
EPOCH_FIELDS = ("epoch_s", "epoch_loss", "epoch_accuracy", "epoch_val_loss", "epoch_val_accuracy")

# A timing dlenv took (measured, imported, reference) has all of these; a published or
# predicted figure is one number per shape and has none of the samples and their statistics,
# but must say where it comes from.
SAMPLE_FIELDS = ("iqr_s", "q1_s", "q3_s", "min_s", "mean_s", "n_samples", "calls_per_sample", "samples_s",
                 "first_call_s")
SOURCE_FIELDS = {"published": ("provenance_source", "provenance_version"),
                 "predicted": ("provenance_source", "model_peak_gflops", "model_gbps", "model_overhead_s")}
# A call takes at least a nanosecond (a few clock cycles) and, in dlenv, at most a day (the
# longest call is one training epoch); no device does 100 PFLOP/s (an NVIDIA B200's dense FP8
# datasheet peak is 4.5 PFLOP/s).
MIN_SECONDS = 1e-9
MAX_SECONDS = 86_400.0
MAX_GFLOPS = 1e8
# Times a chart draws or a table shows, each held to MAX_SECONDS.
TIME_FIELDS = ("median_s", "iqr_s", "q1_s", "q3_s", "min_s", "mean_s", "first_call_s")
TIMING_FIELDS = ("backend", "timing", "iqr_s", "q1_s", "q3_s", "min_s", "mean_s", "n_samples",
                 "calls_per_sample", "samples_s", "first_call_s", "noisy")


class Result(_Record):
    """One result: a workload with its params on one device, its time per call, and what it is.

    ``provenance`` says what the number is (``dlenv.vocab.PROVENANCES``). Timings dlenv took
    (measured, imported, reference) carry their samples and statistics (``TIMING_FIELDS``);
    published and predicted figures carry ``median_s`` alone, and say where they come from
    (``provenance_source``, ``provenance_path``, ``provenance_version``, ``provenance_note``)
    or, for predictions, the model's inputs (``model_*``). A file without provenance (written
    before dlenv had it) holds dlenv timings: ``measured``.
    """

    model_config = ConfigDict(json_schema_extra={"allOf": [
        {"if": {"properties": {"provenance": {"enum": list(TIMED_PROVENANCES)}}},
         "then": {"required": list(TIMING_FIELDS)}},
        *({"if": {"properties": {"provenance": {"const": kind}}, "required": ["provenance"]},
           "then": {"required": list(fields), "not": {"anyOf": [{"required": [name]} for name in SAMPLE_FIELDS]}}}
          for kind, fields in SOURCE_FIELDS.items()),
    ]})

    workload: choice(WORKLOADS)
    params: Params = Field(description="The workload's parameters (sizes, mode, ...).")
    provenance: choice(PROVENANCES) = Field(
        "measured", description="measured (here, by this dlenv), imported (from a file someone measured), "
                                "reference (bundled, measured by dlenv on a named machine), published (a third "
                                "party's figure, with its source) or predicted (a model, with its inputs).")
    backend: choice(BACKENDS) | None = None
    device: Device
    device_name: Text
    dtype: choice(DTYPES)
    timing: choice(TIMINGS) | None = Field(None, description="synced: the clock stops after the device finished.")
    median_s: Positive = Field(description="Median seconds per call (for published and predicted: the figure).")
    iqr_s: NonNegative | None = None
    q1_s: Positive | None = None
    q3_s: Positive | None = None
    min_s: Positive | None = None
    mean_s: Positive | None = None
    n_samples: Count | None = None
    calls_per_sample: Count | None = None
    samples_s: Samples | None = Field(None, description="Seconds per call of each sample; n_samples of them.")
    first_call_s: Positive | None = Field(None, description="The first call, compilation included.")
    noisy: Flag | None = None
    flops: NonNegative
    bytes: NonNegative
    gflops: NonNegative
    gbps: NonNegative
    samples_per_s: NonNegative | None = None
    peak_gflops: Positive | None = None
    peak_source: choice(PEAK_SOURCES) | None = None
    pct_of_peak: NonNegative | None = None
    peak_exceeded: Flag | None = None
    memory_bytes: NonNegative | None = None
    threads: Count | None = None
    measured_at: Timestamp | None = None
    started_at: UtcTimestamp | None = Field(None, description="When the timed region started (UTC).")
    ended_at: UtcTimestamp | None = Field(None, description="When the timed region ended (UTC).")
    note: Text | None = None
    # What the machine was doing during the timed region (dlenv.measure.contention).
    other_cpu_share: Share | None = Field(None, description="Other programs' share of the machine's CPU time "
                                          "during the timed region (0 to 1).")
    steal_share: Share | None = Field(None, description="The hypervisor's steal time, same measure.")
    load_avg_1m: NonNegative | None = Field(None, description="1-minute load average when the region started.")
    busy: Flag | None = Field(None, description="Other programs or steal used over 0.2 of a CPU during the region.")
    # What ran: the model Keras built (its parameter count, checked against the spec) and the peak's provenance.
    parameter_count: Count | None = Field(None, description="Parameters of the model that actually ran.")
    peak_note: Text | None = None
    # Where a published or predicted figure comes from.
    provenance_source: Text | None = Field(None, description="The repository or page it comes from.")
    provenance_path: Text | None = Field(None, description="The file or section within it.")
    provenance_version: Text | None = Field(None, description="The commit or date it was read at.")
    provenance_note: Text | None = Field(None, description="What the figure is, in a sentence.")
    # A prediction's inputs: time = max(flops / peak, bytes / bandwidth) + overhead (dlenv.measure.predict).
    model_peak_gflops: Positive | None = None
    model_gbps: Positive | None = None
    model_overhead_s: NonNegative | None = None
    model_bound: choice(MODEL_BOUNDS) | None = None
    # What a matmul's multiplies ran as, and the backend setting that decided it.
    matmul_precision: choice(MATMUL_PRECISIONS) | None = Field(
        None, description="The precision the matmul ran in: a float32 matmul may run as tf32 or bfloat16 passes.")
    matmul_precision_setting: Text | None = Field(None, description="The backend's setting, as read when it ran.")
    # A training (workload "train"): one figure per epoch, first epoch first. Its median_s is a
    # steady epoch's time, first_call_s the first epoch's, samples_s the later epochs' times.
    epoch_s: PerEpoch | None = Field(None, description="Seconds of each epoch (its validation pass included).")
    epoch_loss: PerEpoch | None = Field(None, description="Training loss of each epoch.")
    epoch_accuracy: PerEpoch | None = Field(None, description="Training accuracy of each epoch (0 to 1).")
    epoch_val_loss: PerEpoch | None = Field(None, description="Validation loss after each epoch.")
    epoch_val_accuracy: PerEpoch | None = Field(None, description="Validation accuracy after each epoch (0 to 1).")
    environment: EnvironmentKey = Field(description="The key of the environment that measured it.")

    @model_validator(mode="before")
    @classmethod
    def _provenance_is_explicit(cls, data: object) -> object:
        # Older files hold dlenv timings only; saying so in the record keeps every reader simple.
        if isinstance(data, dict) and "provenance" not in data:
            return {**data, "provenance": "measured"}
        return data

    @model_validator(mode="after")
    def _timings_have_samples(self) -> Result:
        if self.provenance in TIMED_PROVENANCES:
            missing = [name for name in TIMING_FIELDS if getattr(self, name) is None]
            if missing:
                raise refuse(f"a {self.provenance} result must have {', '.join(missing)} "
                             "(only published and predicted figures may leave them out)")
            return self
        present = [name for name in SAMPLE_FIELDS if getattr(self, name) is not None]
        if present:
            raise refuse(f"a {self.provenance} figure has no samples, got {', '.join(present)}")
        needed = [name for name in SOURCE_FIELDS[self.provenance] if getattr(self, name) is None]
        if needed:
            raise refuse(f"a {self.provenance} figure must say where it comes from: {', '.join(needed)} missing")
        if self.provenance == "published" and not self.provenance_source.startswith(("https://", "http://")):
            raise refuse(f"provenance_source of a published figure must be the http(s) address of its page or "
                         f"repository, got {describe(self.provenance_source)}")
        return self

    @model_validator(mode="after")
    def _within_what_a_device_can_do(self) -> Result:
        # One file's impossible number would sit above every real one in a class's charts.
        if self.median_s < MIN_SECONDS:
            raise refuse(f"median_s: {self.median_s:g} s is shorter than any call can take (at least {MIN_SECONDS:g} s)")
        times = {name: getattr(self, name) for name in TIME_FIELDS if getattr(self, name) is not None}
        times.update({f"{name}[{i}]": value for name in ("samples_s", "epoch_s")
                      for i, value in enumerate(getattr(self, name) or ())})
        longest = max(times, key=times.get)
        if times[longest] > MAX_SECONDS:
            raise refuse(f"{longest}: {times[longest]:g} s is longer than any call dlenv times (at most "
                         f"{MAX_SECONDS:g} s, a day)")
        if self.gflops > MAX_GFLOPS:
            raise refuse(f"gflops: {self.gflops:g} is more than any device does (at most {MAX_GFLOPS:g}, "
                         "100 PFLOP/s)")
        return self

    @model_validator(mode="after")
    def _one_figure_per_epoch(self) -> Result:
        lengths = {name: len(getattr(self, name)) for name in EPOCH_FIELDS if getattr(self, name) is not None}
        if len(set(lengths.values())) > 1:
            raise refuse("the per-epoch lists must have one figure per epoch each, got "
                         + ", ".join(f"{name}: {length}" for name, length in lengths.items()))
        return self

    @field_validator("params")
    @classmethod
    def _sizes_are_whole_numbers(cls, params: dict, info: ValidationInfo) -> dict:
        # A text size (valid as a param otherwise) stopped the charts, which sort the sizes.
        for name in SIZE_PARAMS.get(info.data.get("workload"), ()):
            value = params.get(name, 1)
            if isinstance(value, float) and value.is_integer() and value >= 1:  # a spreadsheet's 256.0
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                raise refuse(f"must be an integer >= 1, got {describe(value)}", key_path(name))
        return params

    @field_validator("samples_s")
    @classmethod
    def _one_sample_each(cls, samples: list | None, info: ValidationInfo) -> list | None:
        count = info.data.get("n_samples")
        if count is not None and samples is not None and len(samples) != count:
            raise refuse(f"holds {len(samples)} samples but n_samples is {count}")
        return samples

    @field_validator("ended_at")
    @classmethod
    def _ends_after_start(cls, ended: str | None, info: ValidationInfo) -> str | None:
        started = info.data.get("started_at")
        if started and ended and _utc(ended) < _utc(started):
            raise refuse(f"is before started_at ({started}), got {describe(ended)}")
        return ended


def _utc(value: str) -> datetime:
    return datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)


class Error(_Record):
    """A measurement that failed, and why."""

    workload: choice(WORKLOADS)
    error: LongText
    params: Params | None = None
    backend: choice(BACKENDS) | None = None
    device: Device | None = None
    hint: Text | None = None
    environment: EnvironmentKey | None = Field(None, description="The key of the environment it failed in.")


class Document(BaseModel):
    """A dlenv results file: results from one or more machines, each naming its environment.

    Fields this dlenv does not know are left out when read (with a notice): a newer dlenv
    may add optional ones. Version 1 files (one top-level ``environment``) are read too.
    """

    model_config = ConfigDict(strict=True, extra="ignore", hide_input_in_errors=True,
                              title=f"dlenv results ({SCHEMA})")

    schema_: Literal[SCHEMA] = Field(alias="schema")
    created: Timestamp = Field(description="When the file was written (ISO 8601, UTC).")
    environments: Environments = Field(description="The machines and software that measured, by key; "
                                                   "each result names its own.")
    results: list[Result] = Field(max_length=MAX_RESULTS)
    errors: list[Error] = Field(max_length=MAX_ERRORS)
    interrupted: Flag | None = Field(None, description="true: the run was stopped before all of its "
                                                       "measurements finished.")

    @field_validator("results", "errors")
    @classmethod
    def _environments_known(cls, records: list, info: ValidationInfo) -> list:
        environments = info.data.get("environments")
        if environments is None:  # refused itself: its keys are unknown
            return records
        for index, record in enumerate(records):
            if record.environment is not None and record.environment not in environments:
                known = ", ".join(describe(key) for key in list(environments)[:10]) or "none"
                raise refuse(f"{describe(record.environment)} is not a key of environments (it has {known})",
                             f"[{index}].environment")
        return records

    @field_validator("results", "errors", mode="before")
    @classmethod
    def _not_too_many(cls, records: object, info: ValidationInfo) -> object:
        if not isinstance(records, list):
            raise refuse(f"must be a list, got {describe(records)}")
        limit = MAX_RESULTS if info.field_name == "results" else MAX_ERRORS
        if len(records) > limit:  # checked before the items: an oversized file costs nothing to refuse
            raise refuse(f"holds {len(records)} entries, more than the limit of {limit}")
        return records


# --- checking ------------------------------------------------------------------------

_TOP_FIELDS = tuple(field.alias or name for name, field in Document.model_fields.items())
_V1_TOP_FIELDS = ("schema", "created", "environment", "results", "errors")
_RECORD_FIELDS = {"results": set(Result.model_fields), "errors": set(Error.model_fields)}
# More than this many pydantic errors (a file of 100,000 empty records): the records are
# checked again one at a time, up to MAX_PROBLEMS problems, instead of reading them all.
_MANY_ERRORS = 1_000


class Checked(NamedTuple):
    """A checked document (always version 2) and what to tell whoever handed it in."""

    document: dict
    notices: list[str]


def _check_schema(doc: object) -> tuple[int, int | None]:
    """Refuse other files and other versions before reading any field by its meaning;
    return the (major, minor) version."""
    if not isinstance(doc, dict):
        raise ResultsError(f"document: must be a JSON object, got {describe(doc)}")
    if "schema" not in doc:
        raise ResultsError("schema: missing; this is not a dlenv results document")
    schema = doc["schema"]
    if not isinstance(schema, str) or not schema.startswith(SCHEMA_PREFIX):
        raise ResultsError(f"schema: must be a string like {SCHEMA}, got {describe(schema)}; "
                           "this is not a dlenv results document")
    match = _SCHEMA_VERSION.fullmatch(schema)
    if match is None:
        raise ResultsError(f"schema: {describe(schema)} has no valid version number (like {SCHEMA})")
    major = int(match.group(1))
    if major not in READABLE_VERSIONS:
        readable = " and ".join(f"{SCHEMA_PREFIX}{v}" for v in sorted(READABLE_VERSIONS))
        if major > VERSION:
            raise ResultsError(f"schema: {schema} was made by a newer dlenv; this dlenv reads {readable}: "
                               "upgrade dlenv (pip install -U dlenv) to read it")
        raise ResultsError(f"unknown schema version {schema}; this dlenv reads {readable}")
    return major, None if match.group(2) is None else int(match.group(2))


def check_document(doc: object) -> Checked:
    """Check a decoded document against the schema; return a normalised copy and notices.

    Normalised: version 2; ints where floats are expected become floats; optional fields
    stay absent when absent; fields this dlenv does not know are left out (said in a notice).
    Raises ``ResultsError`` with up to MAX_PROBLEMS problems, each naming its field.
    """
    major, minor = _check_schema(doc)
    doc, notices = leave_out_unknown(doc, _V1_TOP_FIELDS if major == 1 else _TOP_FIELDS, _RECORD_FIELDS)
    if minor is not None:
        notices.insert(0, f"schema {doc['schema']} is from a newer dlenv; read as {SCHEMA_PREFIX}{major}")
    doc = from_v1(doc, SCHEMA) if major == 1 else {**doc, "schema": SCHEMA}
    try:
        checked = Document.model_validate(doc)
    except ValidationError as error:
        problems = _problems(error) if error.error_count() <= _MANY_ERRORS else _problems_one_by_one(doc)
        if major == 1:
            problems = [v1_path(problem) for problem in problems]
        raise ResultsError(problems[:MAX_PROBLEMS], stopped_early=len(problems) > MAX_PROBLEMS) from None
    except RecursionError:  # not reached by JSON files (the reader refuses deep nesting first)
        raise ResultsError("document: nested too deeply to check") from None
    return Checked(checked.model_dump(by_alias=True, exclude_unset=True), notices)


def validate_document(doc: object) -> dict:
    """``check_document``'s document, without its notices."""
    return check_document(doc).document


def _path(loc: tuple) -> str:
    text = "".join(f"[{step}]" if isinstance(step, int) else key_path(str(step)) for step in loc
                   if step != "[key]")  # pydantic's marker for a dict key (the message says "key")
    return text.removeprefix(".")


def _problems(error: ValidationError, prefix: tuple = ()) -> list[str]:
    """pydantic's errors as dlenv's problems: the path first, then what was wrong."""
    problems: list[str | list[str]] = []
    missing: dict[tuple, list[str]] = {}
    for item in error.errors(include_url=False, include_context=True):
        loc, kind = prefix + tuple(item["loc"]), item["type"]
        if kind == "missing" and len(loc) > 1:
            # One problem per record, not one per field: such a record is likely not a result at all.
            if loc[:-1] not in missing:
                missing[loc[:-1]] = [_path(loc[:-1])]
                problems.append(missing[loc[:-1]])
            missing[loc[:-1]].append(str(loc[-1]))
        elif kind == REFUSED:
            problems.append(f"{_path(loc)}{item['ctx']['where']}: {item['ctx']['message']}")
        elif kind == "missing":
            problems.append(f"{_path(loc)}: required field is missing")
        elif kind in ("model_type", "model_attributes_type"):
            problems.append(f"{_path(loc)}: must be an object, got {describe(item.get('input'))}")
        else:  # not expected: every field type explains its refusals
            problems.append(f"{_path(loc)}: {item['msg']}")
    return [item if isinstance(item, str) else f"{item[0]}: missing required fields: {', '.join(item[1:])}"
            for item in problems]


def _problems_one_by_one(doc: dict) -> list[str]:
    """The first problems of a document with very many, checking one record at a time."""
    head = {**doc, "results": [], "errors": []}
    try:
        Document.model_validate(head)
        problems = []
    except ValidationError as error:
        problems = _problems(error)
    for name, model in (("results", Result), ("errors", Error)):
        for index, record in enumerate(doc.get(name) if isinstance(doc.get(name), list) else ()):
            try:
                model.model_validate(record)
            except ValidationError as error:
                problems += _problems(error, (name, index))
            if len(problems) > MAX_PROBLEMS:
                return problems
    return problems


def json_schema() -> dict:
    """The JSON Schema (draft 2020-12) of a results document, generated from the models."""
    schema = Document.model_json_schema(by_alias=True, mode="validation")
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", **schema}


if __name__ == "__main__":
    print(json.dumps(json_schema(), indent=2, ensure_ascii=False))
