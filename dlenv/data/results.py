"""Read, check, write and tabulate dlenv results files.

A results file is one UTF-8 JSON document::

    {"schema": "dlenv.results/1", "created": "...Z", "environment": {...},
     "results": [{...}, ...], "errors": [{...}, ...]}

Files come from other machines, other dlenv versions and people's editors, so
everything read is checked before use: ``loads``/``load``/``from_csv`` return a
document only if ``validate_document`` accepts it, and raise ``ResultsError``
(naming each bad field) otherwise. Writers validate too, so dlenv never writes a
file it would refuse to read.

This module stays light on purpose: stdlib only at import time; pandas (and the
numpy it brings) is imported inside the table functions.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import math
import os
import re
import tempfile
from collections.abc import Callable, Iterable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple

from dlenv.vocab import BACKENDS, DTYPES, PEAK_SOURCES, TIMINGS, WORKLOADS

if TYPE_CHECKING:
    import pandas

SCHEMA = "dlenv.results/1"
SCHEMA_PREFIX = "dlenv.results/"
READABLE_VERSIONS = {1}


MAX_BYTES = 50 * 2**20
MAX_RESULTS = 100_000
MAX_ERRORS = 100_000
MAX_SAMPLES = 10_000
MAX_PARAMS = 100
MAX_TEXT = 1_000
# Error messages and environment values may quote tracebacks or driver strings.
MAX_LONG_TEXT = 10_000
MAX_KEY = 100
MAX_ENV_DEPTH = 8
MAX_ENV_VALUES = 10_000
MAX_PROBLEMS = 20
# Larger integers do not fit pandas' int64 columns; nothing dlenv measures needs them.
_INT_LIMIT = 2**63

_DEVICE = re.compile(r"(cpu|gpu|tpu):[0-9]+")
_SCHEMA_VERSION = re.compile(re.escape(SCHEMA_PREFIX) + r"([1-9][0-9]{0,8})")
# What a spreadsheet reads as a plain number, so it is not a formula to neutralise.
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_PLAIN_INT = re.compile(r"[+-]?[0-9]{1,18}")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_PARAM_PREFIX = "param_"
_CSV_LIST_SEP = ";"


class ResultsError(ValueError):
    """A results document (or the bytes holding it) was refused.

    ``problems`` holds the first few problems, each starting with the path of the
    field at fault, e.g. ``results[3].median_s: must be a finite number > 0, got NaN``.
    """

    def __init__(self, problems: str | list[str], *, stopped_early: bool = False) -> None:
        self.problems = [problems] if isinstance(problems, str) else list(problems)
        self.stopped_early = stopped_early
        super().__init__(self._message())

    def _message(self) -> str:
        if len(self.problems) == 1 and not self.stopped_early:
            return f"invalid dlenv results: {self.problems[0]}"
        more = f", stopped after the first {len(self.problems)}" if self.stopped_early else ""
        listing = "".join(f"\n  - {problem}" for problem in self.problems)
        return f"invalid dlenv results ({len(self.problems)} problems{more}):{listing}"


# --- building ------------------------------------------------------------------


def make_document(
    results: list[dict], environment: dict, errors: Iterable[dict] = ()
) -> dict:
    """Wrap results in a document stamped with the schema and the UTC time now.

    Not validated here, so a run never loses its results to one bad value before
    it can report it: ``dumps``/``dump`` validate.
    """
    return {
        "schema": SCHEMA,
        "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "environment": dict(environment),
        "results": list(results),
        "errors": list(errors),
    }


# --- field checkers ------------------------------------------------------------
# A checker takes a decoded JSON value and returns it normalised, or raises _Invalid.


class _Invalid(Exception):
    """One bad value; ``where`` is the path below the field (``[3]``, ``.size``)."""

    def __init__(self, message: str, where: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.where = where


class _TooMany(Exception):
    """Enough problems collected to stop checking."""


class _BadNumber:
    """Stands in for a JSON number Python would turn into NaN/inf or a huge int.

    The JSON parser hooks return it instead of failing, so that validation can
    name the field holding it.
    """

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token


Checker = Callable[[object], object]


def _describe(value: object) -> str:
    """Show a refused value briefly, without ever failing."""
    if isinstance(value, _BadNumber):
        return value.token
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, int) and abs(value) >= _INT_LIMIT:
        # repr() of a huge int can itself raise (int max str digits).
        return "an integer out of range"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return repr(value[:40] + "…") if len(value) > 40 else repr(value)
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "an object"
    return f"a Python {type(value).__name__}"


def _key_path(key: str) -> str:
    # Capped like _describe: a key of megabytes must not be echoed whole in the message.
    if len(key) > MAX_KEY:
        return f"[{key[:40] + '…'!r}]"
    return f".{key}" if key.isidentifier() else f"[{key!r}]"


def _valid_text(value: str, max_len: int) -> str:
    if len(value) > max_len:
        raise _Invalid(f"must be at most {max_len} characters, got {len(value)}")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        # JSON "\ud800" escapes decode to lone surrogates, which cannot be written back.
        raise _Invalid(f"is not valid Unicode (lone surrogate), got {_describe(value)}") from None
    return value


def _check_key(key: object) -> str:
    if not isinstance(key, str) or not key:
        raise _Invalid(f"keys must be non-empty strings, got {_describe(key)}")
    try:
        return _valid_text(key, MAX_KEY)
    except _Invalid as problem:
        raise _Invalid(f"key {_describe(key)} {problem.message}") from None


def _float_checker(*, zero_allowed: bool) -> Checker:
    rule = "must be a finite number " + (">= 0" if zero_allowed else "> 0")

    def check(value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise _Invalid(f"{rule}, got {_describe(value)}")
        if isinstance(value, int) and abs(value) >= _INT_LIMIT:
            raise _Invalid(f"{rule}, got {_describe(value)}")
        number = float(value)
        if not math.isfinite(number) or number < 0 or (number == 0 and not zero_allowed):
            raise _Invalid(f"{rule}, got {_describe(value)}")
        return number

    return check


_POSITIVE = _float_checker(zero_allowed=False)
_NON_NEGATIVE = _float_checker(zero_allowed=True)


def _count(value: object) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value < _INT_LIMIT:
        raise _Invalid(f"must be an integer >= 1, got {_describe(value)}")
    return value


def _flag(value: object) -> bool:
    if not isinstance(value, bool):
        raise _Invalid(f"must be true or false, got {_describe(value)}")
    return value


def _text_checker(max_len: int = MAX_TEXT) -> Checker:
    def check(value: object) -> str:
        if not isinstance(value, str):
            raise _Invalid(f"must be a string, got {_describe(value)}")
        return _valid_text(value, max_len)

    return check


_TEXT = _text_checker()


def _choice(options: tuple[str, ...]) -> Checker:
    def check(value: object) -> str:
        if value not in options or not isinstance(value, str):
            raise _Invalid(f"must be one of {', '.join(options)}; got {_describe(value)}")
        return value

    return check


def _device(value: object) -> str:
    if not isinstance(value, str) or len(value) > 32 or not _DEVICE.fullmatch(value):
        raise _Invalid(f"must be a device id like cpu:0, gpu:1 or tpu:0; got {_describe(value)}")
    return value


def _timestamp(value: object) -> str:
    if isinstance(value, str) and len(value) <= 64:
        with contextlib.suppress(ValueError):
            # Python 3.10's fromisoformat does not accept the "Z" suffix.
            datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
            return value
    raise _Invalid(f"must be an ISO-8601 date-time string, got {_describe(value)}")


def _scalar_checker(max_len: int) -> Checker:
    """JSON scalars that every table and file format can hold."""

    def check(value: object) -> object:
        if value is None or isinstance(value, bool):
            return value
        if isinstance(value, str):
            return _valid_text(value, max_len)
        if isinstance(value, int) and abs(value) < _INT_LIMIT:
            return value
        if isinstance(value, float) and math.isfinite(value):
            return value
        raise _Invalid(
            f"must be a string, finite number, boolean or null, got {_describe(value)}"
        )

    return check


_SCALAR = _scalar_checker(MAX_TEXT)
_ENV_SCALAR = _scalar_checker(MAX_LONG_TEXT)


def _samples(value: object) -> list[float]:
    if not isinstance(value, list):
        raise _Invalid(f"must be a list of numbers, got {_describe(value)}")
    if len(value) > MAX_SAMPLES:
        raise _Invalid(f"must have at most {MAX_SAMPLES} samples, got {len(value)}")
    checked = []
    for index, sample in enumerate(value):
        try:
            checked.append(_POSITIVE(sample))
        except _Invalid as problem:
            raise _Invalid(problem.message, f"[{index}]") from None
    return checked


def _params(value: object) -> dict:
    if not isinstance(value, dict):
        raise _Invalid(f"must be an object of name -> number/string/boolean, got {_describe(value)}")
    if len(value) > MAX_PARAMS:
        raise _Invalid(f"must have at most {MAX_PARAMS} entries, got {len(value)}")
    checked = {}
    for key, item in value.items():
        name = _check_key(key)
        if item is None:
            raise _Invalid("must be a number, string or boolean, got null", _key_path(name))
        try:
            checked[name] = _SCALAR(item)
        except _Invalid as problem:
            raise _Invalid(problem.message, _key_path(name)) from None
    return checked


def _json_tree(value: object, depth: int, budget: list[int]) -> object:
    """Copy a free-form JSON value, refusing what could not be written back or is too big."""
    budget[0] -= 1
    if budget[0] < 0:
        raise _Invalid(f"holds more than {MAX_ENV_VALUES} values")
    if isinstance(value, (dict, list)) and depth >= MAX_ENV_DEPTH:
        raise _Invalid(f"is nested deeper than {MAX_ENV_DEPTH} levels")
    if isinstance(value, dict):
        copy = {}
        for key, item in value.items():
            name = _check_key(key)
            try:
                copy[name] = _json_tree(item, depth + 1, budget)
            except _Invalid as problem:
                raise _Invalid(problem.message, _key_path(name) + problem.where) from None
        return copy
    if isinstance(value, list):
        items = []
        for index, item in enumerate(value):
            try:
                items.append(_json_tree(item, depth + 1, budget))
            except _Invalid as problem:
                raise _Invalid(problem.message, f"[{index}]{problem.where}") from None
        return items
    return _ENV_SCALAR(value)


def _environment(value: object) -> dict:
    if not isinstance(value, dict):
        raise _Invalid(f"must be an object, got {_describe(value)}")
    environment = _json_tree(value, 0, [MAX_ENV_VALUES])
    devices = environment.get("devices")
    if devices is not None and not (
        isinstance(devices, list) and all(isinstance(device, dict) for device in devices)
    ):
        raise _Invalid("must be a list of objects", ".devices")
    return environment


# --- record layouts --------------------------------------------------------------
# Each field: its checker, whether it is required, and how to read it from a CSV cell.


def _cell_text(cell: str) -> str | None:
    return _unneutralise(cell) if cell else None


def _cell_float(cell: str) -> object:
    if not cell:
        return None
    try:
        return float(cell)
    except ValueError:
        return cell  # left for validation to name


def _cell_int(cell: str) -> object:
    number = _cell_float(cell)
    # Spreadsheets may have rewritten 5 as 5.0.
    if isinstance(number, float) and number.is_integer() and abs(number) < _INT_LIMIT:
        return int(number)
    return number


def _cell_bool(cell: str) -> object:
    return {"true": True, "false": False, "": None}.get(cell.lower(), cell)


def _cell_samples(cell: str) -> list:
    return [_cell_float(part) for part in cell.split(_CSV_LIST_SEP)] if cell else []


def _cell_scalar(cell: str) -> object:
    """Read back a cell whose type the CSV does not record (params, extra fields)."""
    if cell.startswith(_QUOTE):
        return cell[1:]
    if cell in ("True", "False"):
        return cell == "True"
    if _PLAIN_INT.fullmatch(cell):
        return int(cell)
    if _PLAIN_NUMBER.fullmatch(cell):
        return float(cell)
    return cell or None


class _Field(NamedTuple):
    check: Checker
    required: bool
    from_cell: Callable[[str], object] | None = None  # None: not a CSV column of its own


_RESULT_FIELDS: dict[str, _Field] = {
    "workload": _Field(_choice(WORKLOADS), True, _cell_text),
    "params": _Field(_params, True),  # CSV: one param_<name> column per param
    "backend": _Field(_choice(BACKENDS), True, _cell_text),
    "device": _Field(_device, True, _cell_text),
    "device_name": _Field(_TEXT, True, _cell_text),
    "dtype": _Field(_choice(DTYPES), True, _cell_text),
    "timing": _Field(_choice(TIMINGS), True, _cell_text),
    "median_s": _Field(_POSITIVE, True, _cell_float),
    "iqr_s": _Field(_NON_NEGATIVE, True, _cell_float),
    "q1_s": _Field(_POSITIVE, True, _cell_float),
    "q3_s": _Field(_POSITIVE, True, _cell_float),
    "min_s": _Field(_POSITIVE, True, _cell_float),
    "mean_s": _Field(_POSITIVE, True, _cell_float),
    "n_samples": _Field(_count, True, _cell_int),
    "calls_per_sample": _Field(_count, True, _cell_int),
    "samples_s": _Field(_samples, True, _cell_samples),
    "first_call_s": _Field(_POSITIVE, True, _cell_float),
    "noisy": _Field(_flag, True, _cell_bool),
    "flops": _Field(_NON_NEGATIVE, True, _cell_float),
    "bytes": _Field(_NON_NEGATIVE, True, _cell_float),
    "gflops": _Field(_NON_NEGATIVE, True, _cell_float),
    "gbps": _Field(_NON_NEGATIVE, True, _cell_float),
    "samples_per_s": _Field(_NON_NEGATIVE, False, _cell_float),
    "peak_gflops": _Field(_POSITIVE, False, _cell_float),
    "peak_source": _Field(_choice(PEAK_SOURCES), False, _cell_text),
    "pct_of_peak": _Field(_NON_NEGATIVE, False, _cell_float),
    "peak_exceeded": _Field(_flag, False, _cell_bool),
    "memory_bytes": _Field(_NON_NEGATIVE, False, _cell_float),
    "threads": _Field(_count, False, _cell_int),
    "measured_at": _Field(_timestamp, False, _cell_text),
    "note": _Field(_TEXT, False, _cell_text),
}

_ERROR_FIELDS: dict[str, _Field] = {
    "workload": _Field(_choice(WORKLOADS), True),
    "error": _Field(_text_checker(MAX_LONG_TEXT), True),
    "params": _Field(_params, False),
    "backend": _Field(_choice(BACKENDS), False),
    "device": _Field(_device, False),
    "hint": _Field(_TEXT, False),
}

_INT_FIELDS = [name for name, field in _RESULT_FIELDS.items() if field.check is _count]
_FLOAT_FIELDS = [
    name for name, field in _RESULT_FIELDS.items() if field.check in (_POSITIVE, _NON_NEGATIVE)
]
_BOOL_FIELDS = [name for name, field in _RESULT_FIELDS.items() if field.check is _flag]
_CSV_FIELDS = {name: field for name, field in _RESULT_FIELDS.items() if field.from_cell}
_TOP_FIELDS = ("schema", "created", "environment", "results", "errors")


# --- validation ------------------------------------------------------------------


class _Problems:
    def __init__(self) -> None:
        self.items: list[str] = []

    def add(self, path: str, message: str) -> None:
        self.items.append(f"{path}: {message}")
        if len(self.items) >= MAX_PROBLEMS:
            raise _TooMany


def validate_document(doc: object) -> dict:
    """Check a decoded document against the schema; return a normalised copy.

    Normalised: ints where floats are expected become floats. Raises
    ``ResultsError`` with up to MAX_PROBLEMS problems, each naming its field.
    """
    problems = _Problems()
    try:
        checked = _check_document(doc, problems)
    except _TooMany:
        raise ResultsError(problems.items, stopped_early=True) from None
    if problems.items:
        raise ResultsError(problems.items)
    return checked


def _check_schema(doc: dict) -> None:
    """Refuse other files and other versions before reading any field by its meaning."""
    if "schema" not in doc:
        raise ResultsError("schema: missing; this is not a dlenv results document")
    schema = doc["schema"]
    if not isinstance(schema, str) or not schema.startswith(SCHEMA_PREFIX):
        raise ResultsError(
            f"schema: must be a string like {SCHEMA}, got {_describe(schema)}; "
            "this is not a dlenv results document"
        )
    match = _SCHEMA_VERSION.fullmatch(schema)
    if match is None:
        raise ResultsError(f"schema: {_describe(schema)} has no valid version number")
    if int(match.group(1)) not in READABLE_VERSIONS:
        readable = ", ".join(f"{SCHEMA_PREFIX}{v}" for v in sorted(READABLE_VERSIONS))
        raise ResultsError(f"unknown schema version {schema}; this dlenv reads {readable}")


def _check_document(doc: object, problems: _Problems) -> dict:
    if not isinstance(doc, dict):
        raise ResultsError(f"document: must be a JSON object, got {_describe(doc)}")
    _check_schema(doc)
    checked: dict = {"schema": doc["schema"]}
    for name in doc:
        if name not in _TOP_FIELDS:
            # Named like any other key: str(name) echoed newlines, markup and megabytes as they were.
            shown = _key_path(name).removeprefix(".") if isinstance(name, str) and name else _describe(name)
            problems.add(shown, f"unknown top-level field; expected only {', '.join(_TOP_FIELDS)}")
    for name, check in (("created", _timestamp), ("environment", _environment)):
        if name not in doc:
            problems.add(name, "required field is missing")
            continue
        try:
            checked[name] = check(doc[name])
        except _Invalid as problem:
            problems.add(name + problem.where, problem.message)
    checked["results"] = _check_records(
        doc, "results", _RESULT_FIELDS, MAX_RESULTS, _cross_check_result, problems
    )
    checked["errors"] = _check_records(doc, "errors", _ERROR_FIELDS, MAX_ERRORS, None, problems)
    return checked


def _check_records(
    doc: dict,
    name: str,
    fields: dict[str, _Field],
    limit: int,
    cross_check: Callable[[dict, str, _Problems], None] | None,
    problems: _Problems,
) -> list[dict]:
    if name not in doc:
        problems.add(name, "required field is missing")
        return []
    records = doc[name]
    if not isinstance(records, list):
        problems.add(name, f"must be a list, got {_describe(records)}")
        return []
    if len(records) > limit:
        # Checked before the items, so an oversized file costs nothing to refuse.
        problems.add(name, f"holds {len(records)} entries, more than the limit of {limit}")
        return []
    checked = []
    for index, record in enumerate(records):
        path = f"{name}[{index}]"
        if not isinstance(record, dict):
            problems.add(path, f"must be an object, got {_describe(record)}")
            continue
        result = _check_record(record, fields, path, problems)
        if cross_check is not None:
            cross_check(result, path, problems)
        checked.append(result)
    return checked


def _check_record(record: dict, fields: dict[str, _Field], path: str, problems: _Problems) -> dict:
    checked: dict = {}
    missing = [name for name, field in fields.items() if field.required and name not in record]
    if missing:
        # One problem, not one per field: a record missing most fields is likely not a result at all.
        problems.add(path, f"missing required fields: {', '.join(missing)}")
    for name, field in fields.items():
        if name not in record:
            continue
        value = record[name]
        if value is None and not field.required:
            checked[name] = None
            continue
        try:
            checked[name] = field.check(value)
        except _Invalid as problem:
            problems.add(f"{path}.{name}{problem.where}", problem.message)
    for key, value in record.items():
        if key in fields:
            continue
        where = _key_path(key) if isinstance(key, str) and key else f"[{_describe(key)}]"
        try:
            name = _check_key(key)
            if name.startswith(_PARAM_PREFIX):
                # Tables flatten params to param_<name> columns; an extra field there would collide.
                raise _Invalid(f"extra field names may not start with {_PARAM_PREFIX!r}")
            if isinstance(value, (dict, list)):
                raise _Invalid(f"extra fields must be scalars (only params may nest), got {_describe(value)}")
            checked[name] = _SCALAR(value)
        except _Invalid as problem:
            problems.add(path + where, problem.message)
    return checked


# Params the charts put on a size axis: whole numbers, as dlenv writes them. A text there (a
# valid param otherwise) stopped the Results page: the chart could not sort the sizes.
_SIZE_PARAMS = {"matmul": ("m", "n", "k"), "elementwise": ("size",)}


def _cross_check_result(result: dict, path: str, problems: _Problems) -> None:
    _check_samples_count(result, path, problems)
    params = result.get("params")
    for name in _SIZE_PARAMS.get(result.get("workload"), ()) if isinstance(params, dict) else ():
        value = params.get(name, 1)
        if not (isinstance(value, float) and value.is_integer() and value >= 1):  # 256.0: a spreadsheet's 256
            try:
                _count(value)
            except _Invalid as problem:
                problems.add(f"{path}.params{_key_path(name)}", problem.message)


def _check_samples_count(result: dict, path: str, problems: _Problems) -> None:
    samples, count = result.get("samples_s"), result.get("n_samples")
    if isinstance(samples, list) and isinstance(count, int) and len(samples) != count:
        problems.add(f"{path}.samples_s", f"holds {len(samples)} samples but n_samples is {count}")


# --- JSON files ----------------------------------------------------------------


def _parse_float(token: str) -> float | _BadNumber:
    number = float(token)
    return number if math.isfinite(number) else _BadNumber(f"{token[:30]} (overflows to infinity)")


def _parse_int(token: str) -> int | _BadNumber:
    # Python refuses to parse ints over 4300 digits with a bare ValueError; stop far earlier.
    return int(token) if len(token) <= 20 else _BadNumber(f"{token[:20]}… (integer too large)")


def _check_size(data: bytes | str, max_bytes: int, what: str) -> None:
    # A str never has more characters than UTF-8 bytes: a long one is refused before encoding it.
    if isinstance(data, str) and len(data) <= max_bytes:
        size = len(data.encode("utf-8", "surrogatepass"))
    else:
        size = len(data)
    if size > max_bytes:
        raise ResultsError(f"{what} is too large: {size} > {max_bytes} bytes allowed")


def loads(data: bytes | str, *, max_bytes: int = MAX_BYTES) -> dict:
    """Parse and validate a results document from JSON bytes or text."""
    if not isinstance(data, (bytes, str)):
        raise TypeError(f"loads() takes bytes or str, not {type(data).__name__}")
    _check_size(data, max_bytes, "data")
    text = data
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError as error:
            raise ResultsError(
                f"not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} "
                "cannot be decoded; results files are UTF-8 JSON"
            ) from None
    try:
        doc = json.loads(
            text, parse_constant=_BadNumber, parse_float=_parse_float, parse_int=_parse_int
        )
    except json.JSONDecodeError as error:
        raise ResultsError(
            f"not valid JSON: {error.msg} at line {error.lineno}, column {error.colno}"
        ) from None
    except RecursionError:
        raise ResultsError("not accepted: JSON nested too deeply to read") from None
    return validate_document(doc)


def load(path: str | os.PathLike, *, max_bytes: int = MAX_BYTES) -> dict:
    """Read and validate a results file, refusing oversized files before reading them."""
    with open(path, "rb") as file:
        size = os.fstat(file.fileno()).st_size
        if size > max_bytes:
            raise ResultsError(f"file {os.fspath(path)} is too large: {size} > {max_bytes} bytes allowed")
        # Read one byte over the cap so a file that grew since fstat is still refused.
        data = file.read(max_bytes + 1)
    return loads(data, max_bytes=max_bytes)


def dumps(doc: dict) -> str:
    """Validate, then serialise as JSON text (never with NaN/Infinity tokens)."""
    return json.dumps(validate_document(doc), allow_nan=False, ensure_ascii=False, indent=1)


def dump(doc: dict, path: str | os.PathLike) -> None:
    """Write a results file atomically: a crash leaves the old file or the new one, never half."""
    text = dumps(doc) + "\n"
    target = Path(path)
    # Same folder, so os.replace is a rename on one filesystem (atomic).
    handle, temp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        # mkstemp makes the file private (0600); results files are meant to be shared.
        os.chmod(temp, target.stat().st_mode & 0o777 if target.exists() else 0o644)
        os.replace(temp, target)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


# --- merging ---------------------------------------------------------------------


def merge_documents(docs: list[dict]) -> dict:
    """Join the documents of one run that spans several backend processes.

    Results and errors are concatenated in order. Environments are merged: objects
    key by key (later documents win for scalars), ``devices`` lists as a union by
    ``"id"``. ``created`` is the time of the merge.
    """
    checked = [validate_document(doc) for doc in docs]
    environment: dict = {}
    for doc in checked:
        environment = _merge_objects(environment, doc["environment"])
    merged = make_document(
        [result for doc in checked for result in doc["results"]],
        environment,
        [error for doc in checked for error in doc["errors"]],
    )
    return validate_document(merged)


def _merge_objects(base: dict, update: dict) -> dict:
    merged = dict(base)
    for key, value in update.items():
        old = merged.get(key)
        if key == "devices" and isinstance(old, list) and isinstance(value, list):
            merged[key] = _union_devices(old, value)
        elif isinstance(old, dict) and isinstance(value, dict):
            merged[key] = _merge_objects(old, value)
        else:
            merged[key] = value
    return merged


def _union_devices(devices: list, more: list) -> list:
    union = list(devices)
    for device in more:
        same = [i for i, known in enumerate(union) if "id" in device and known.get("id") == device["id"]]
        if same:
            union[same[0]] = _merge_objects(union[same[0]], device)
        elif device not in union:
            union.append(device)
    return union


# --- tables ----------------------------------------------------------------------


def _os_name(environment: dict) -> str | None:
    """``"os"`` as a string, or the parts of an object like ``{"name": "Linux", "release": "6.8"}``."""
    value = environment.get("os")
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        words = [value[part] for part in ("name", "system", "release", "version")
                 if isinstance(value.get(part), str)]
        return " ".join(words) or None
    return None


def _iso_or_none(value: object) -> str | None:
    try:
        return _timestamp(value)
    except _Invalid:
        return None


def _first_text(mapping: dict, keys: tuple[str, ...]) -> str | None:
    return next((mapping[key] for key in keys if isinstance(mapping.get(key), str) and mapping[key]), None)


def _machine(environment: dict) -> str:
    # dlenv.measure.environment.collect writes "machine"; other writers may say "hostname".
    cpu = environment.get("cpu")
    return (
        _first_text(environment, ("hostname", "machine"))
        or (cpu if isinstance(cpu, str) and cpu else None)
        or (_first_text(cpu, ("model", "name", "brand")) if isinstance(cpu, dict) else None)
        or "unknown"
    )


def to_dataframe(doc: dict) -> pandas.DataFrame:
    """One row per result: the result fields, ``param_<name>`` columns, and the
    environment columns ``machine``, ``os``, ``measured_at`` (a result's own field
    of that name wins, so a table read back from CSV keeps its values).
    """
    import pandas as pd

    doc = validate_document(doc)
    environment = doc["environment"]
    os_name = _os_name(environment)
    # dlenv.measure.environment.collect writes "collected_at"; other writers may say "time".
    times = [_iso_or_none(environment.get(key)) for key in ("time", "collected_at")]
    # Capped and checked so that a table written to CSV reads back as valid results.
    fallback = {
        "machine": _machine(environment)[:MAX_TEXT],
        "os": os_name[:MAX_TEXT] if os_name else None,
        "measured_at": next((time for time in times if time), doc["created"]),
    }
    # param_columns: column -> its values (to pick a dtype); extra_columns: an ordered set.
    rows, param_columns, extra_columns = [], {}, {}
    for result in doc["results"]:
        row = {key: value for key, value in result.items() if key != "params"}
        for name, value in result["params"].items():
            row[_PARAM_PREFIX + name] = value
            param_columns.setdefault(_PARAM_PREFIX + name, []).append(value)
        for key, value in fallback.items():
            if row.get(key) is None:
                row[key] = value
        for key in row:
            if key not in _RESULT_FIELDS and key not in param_columns:
                extra_columns.setdefault(key, None)
        rows.append(row)
    columns = [name for name in _RESULT_FIELDS if name != "params"]
    columns += list(param_columns) + list(extra_columns)
    frame = pd.DataFrame.from_records(rows, columns=columns)
    # Explicit dtypes: missing optional values must not turn int columns into floats.
    dtypes = {name: "Int64" for name in _INT_FIELDS}
    dtypes.update({name: "float64" for name in _FLOAT_FIELDS})
    dtypes.update({name: "boolean" for name in _BOOL_FIELDS})
    for column, values in param_columns.items():
        if all(isinstance(value, bool) for value in values):
            dtypes[column] = "boolean"
        elif all(isinstance(value, int) and not isinstance(value, bool) for value in values):
            dtypes[column] = "Int64"
    return frame.astype(dtypes)


def _neutralise(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (OWASP CSV injection).

    Text that starts with a quote is quoted too, so from_csv can strip exactly one. Empty
    text is a lone quote: an empty cell reads back as a missing value (a required
    ``device_name`` of "" made the CSV of a valid document unreadable).
    """
    if not text or text.startswith(_QUOTE) or (
        text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)
    ):
        return _QUOTE + text
    return text


def _unneutralise(text: str) -> str:
    return text[1:] if text.startswith(_QUOTE) else text


def _csv_cell(value: object) -> str:
    import numpy as np
    import pandas as pd

    if isinstance(value, (list, tuple, np.ndarray)):
        return _CSV_LIST_SEP.join(_csv_cell(item) for item in value)
    if pd.isna(value):
        return ""
    if isinstance(value, (bool, np.bool_)):
        return "True" if value else "False"
    if isinstance(value, (int, np.integer)):
        return str(int(value))
    if isinstance(value, (float, np.floating)):
        return repr(float(value))  # shortest text that reads back as the same float
    return _neutralise(str(value))


def to_csv(table: pandas.DataFrame | dict) -> str:
    """CSV text of a document or of a table from ``to_dataframe``.

    RFC 4180 (CRLF line ends). Lists (samples) become ``;``-joined numbers; text
    that a spreadsheet would run as a formula is prefixed with ``'``; numbers stay
    numbers.
    """
    import pandas as pd

    frame = table if isinstance(table, pd.DataFrame) else to_dataframe(table)
    out = io.StringIO()
    # RFC 4180 line ends: with "\n" alone the csv module leaves a lone "\r" unquoted.
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([_neutralise(str(column)) for column in frame.columns])
    for row in frame.itertuples(index=False, name=None):
        writer.writerow([_csv_cell(value) for value in row])
    return out.getvalue()


def from_csv(text: str, *, max_bytes: int = MAX_BYTES) -> dict:
    """Read a CSV written by ``to_csv`` back into a validated document.

    The environment is only ``{"source": "csv"}``; ``machine``/``os`` columns come
    back as extra result fields. Param types are read from the text, so a string
    param that looks like a number comes back as a number.
    """
    import pandas as pd

    _check_size(text, max_bytes, "CSV")
    try:
        data = text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ResultsError(f"CSV: not valid Unicode: lone surrogate at character {error.start}") from None
    try:
        # All cells as text, no NA guessing: each field's own reader decides.
        frame = pd.read_csv(
            io.BytesIO(data), encoding="utf-8", dtype=str, keep_default_na=False, na_filter=False
        )
    except pd.errors.EmptyDataError:
        raise ResultsError("CSV: no header row; not a dlenv results table") from None
    except pd.errors.ParserError as error:
        raise ResultsError(f"CSV: cannot be parsed: {error}") from None
    columns = [_unneutralise(str(column)) for column in frame.columns]
    missing = [name for name, field in _CSV_FIELDS.items() if field.required and name not in columns]
    if missing:
        raise ResultsError(f"CSV: missing required columns: {', '.join(missing)}")
    results = []
    for cells in frame.itertuples(index=False, name=None):
        result: dict = {"params": {}}
        for column, cell in zip(columns, cells):
            field = _CSV_FIELDS.get(column)
            value = field.from_cell(cell) if field else _cell_scalar(cell)
            if value is None and not (field and field.required):
                continue  # an empty cell is a field this result did not have
            if column.startswith(_PARAM_PREFIX):
                result["params"][column[len(_PARAM_PREFIX):]] = value
            else:
                result[column] = value
        results.append(result)
    return validate_document(make_document(results, {"source": "csv"}))
