"""Results as tables: a pandas DataFrame (one row per result), CSV text, and CSV read back.

pandas (and the numpy it brings) is imported inside the functions, so that importing
``dlenv.data.results`` stays light.
"""

from __future__ import annotations

import csv
import io
import re
import types
import typing
from collections.abc import Callable
from typing import TYPE_CHECKING

from dlenv.data.schema import (
    INT_LIMIT,
    MAX_BYTES,
    MAX_TEXT,
    PARAM_PREFIX,
    Result,
    ResultsError,
    timestamp_or_none,
    validate_document,
)

if TYPE_CHECKING:
    import pandas

# What a spreadsheet reads as a plain number, so it is not a formula to neutralise.
_PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")
_PLAIN_INT = re.compile(r"[+-]?[0-9]{1,18}")
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_QUOTE = "'"
_CSV_LIST_SEP = ";"


def _base_type(annotation: object) -> object:
    """float for ``Positive | None``, str for a Literal, list for samples, dict for params."""
    if typing.get_origin(annotation) in (typing.Union, types.UnionType):
        annotation = next(arg for arg in typing.get_args(annotation) if arg is not type(None))
    while typing.get_origin(annotation) is typing.Annotated:
        annotation = typing.get_args(annotation)[0]
    origin = typing.get_origin(annotation)
    return str if origin is typing.Literal else origin or annotation


# A result's "environment" (a key) is not a column: its environment's machine and os are.
_FIELD_TYPES = {name: _base_type(field.annotation) for name, field in Result.model_fields.items()
                if name != "environment"}
_REQUIRED = [name for name, field in Result.model_fields.items() if field.is_required() and name in _FIELD_TYPES]
# Columns of a table that describe the environment, not the result.
_ENVIRONMENT_COLUMNS = ("machine", "os")
_INT_FIELDS = [name for name, kind in _FIELD_TYPES.items() if kind is int]
_FLOAT_FIELDS = [name for name, kind in _FIELD_TYPES.items() if kind is float]
_BOOL_FIELDS = [name for name, kind in _FIELD_TYPES.items() if kind is bool]


# --- the environment's columns -----------------------------------------------------


def _os_name(environment: dict) -> str | None:
    """``"os"`` as a string, or the parts of an object like ``{"name": "Linux", "release": "6.8"}``."""
    value = environment.get("os")
    if isinstance(value, str):
        return value or None
    if isinstance(value, dict):
        words = [value[part] for part in ("name", "system", "release", "version") if isinstance(value.get(part), str)]
        return " ".join(words) or None
    return None


def _first_text(mapping: dict, keys: tuple[str, ...]) -> str | None:
    return next((mapping[key] for key in keys if isinstance(mapping.get(key), str) and mapping[key]), None)


def machine_name(environment: dict) -> str:
    """The machine that measured, as the tables and the store name it: the environment's
    ``hostname`` or ``machine``, else its CPU, else ``"unknown"``."""
    # dlenv.measure.environment.collect writes "machine"; other writers may say "hostname".
    cpu = environment.get("cpu")
    return (
        _first_text(environment, ("hostname", "machine"))
        or (cpu if isinstance(cpu, str) and cpu else None)
        or (_first_text(cpu, ("model", "name", "brand")) if isinstance(cpu, dict) else None)
        or "unknown"
    )


def environment_of(doc: dict, record: dict) -> dict:
    """The environment a validated document's result (or error) names; {} if it names none."""
    key = record.get("environment")
    return doc["environments"].get(key, {}) if isinstance(key, str) else {}


def measured_at(doc: dict, environment: dict) -> str:
    """When results were measured, for those without a time of their own: their
    environment's ``time`` or ``collected_at``, else when the file was written."""
    # dlenv.measure.environment.collect writes "collected_at"; other writers may say "time".
    times = [timestamp_or_none(environment.get(key)) for key in ("time", "collected_at")]
    return next((time for time in times if time), doc["created"])


def _environment_cells(doc: dict) -> dict[str, dict]:
    """Each environment key's ``machine``, ``os`` and ``measured_at`` cells, capped and checked
    so that a table written to CSV reads back as valid results."""
    cells = {}
    for key, environment in doc["environments"].items():
        os_name = _os_name(environment)
        cells[key] = {"machine": machine_name(environment)[:MAX_TEXT], "os": os_name[:MAX_TEXT] if os_name else None,
                      "measured_at": measured_at(doc, environment)}
    return cells


# --- a DataFrame ---------------------------------------------------------------------


def to_dataframe(doc: dict) -> pandas.DataFrame:
    """One row per result: the result fields, ``param_<name>`` columns, and the columns
    ``machine``, ``os``, ``measured_at`` of the result's own environment (a result's own
    field of that name wins: a version 1 table read back from CSV kept them there).

    ``doc`` is a document as dlenv hands them out (checked where it entered: the file reader,
    the runner, the store); it is not checked again here.
    """
    import pandas as pd

    environment_cells = _environment_cells(doc)
    # param_columns: column -> its values (to pick a dtype); extra_columns: an ordered set.
    rows, param_columns, extra_columns = [], {}, {}
    for result in doc["results"]:
        fallback = environment_cells[result["environment"]]
        row = {key: value for key, value in result.items() if key not in ("params", "environment")}
        for name, value in result["params"].items():
            row[PARAM_PREFIX + name] = value
            param_columns.setdefault(PARAM_PREFIX + name, []).append(value)
        for key, value in fallback.items():
            if row.get(key) is None:
                row[key] = value
        for key in row:
            if key not in _FIELD_TYPES and key not in param_columns:
                extra_columns.setdefault(key, None)
        rows.append(row)
    columns = [name for name in _FIELD_TYPES if name != "params"] + list(param_columns) + list(extra_columns)
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


# --- CSV -----------------------------------------------------------------------------


def _neutralise(text: str) -> str:
    """Stop a spreadsheet from running a cell as a formula (OWASP CSV injection).

    Text that starts with a quote is quoted too, so from_csv can strip exactly one. Empty
    text is a lone quote: an empty cell reads back as a missing value (a required
    ``device_name`` of "" made the CSV of a valid document unreadable).
    """
    if not text or text.startswith(_QUOTE) or (text.startswith(_FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text)):
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
    if isinstance(number, float) and number.is_integer() and abs(number) < INT_LIMIT:
        return int(number)
    return number


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


# How each result field's cell is read back; params have param_<name> columns instead.
_CELL_READERS: dict[object, Callable[[str], object]] = {
    str: lambda cell: _unneutralise(cell) if cell else None,
    float: _cell_float,
    int: _cell_int,
    bool: lambda cell: {"true": True, "false": False, "": None}.get(cell.lower(), cell),
    list: lambda cell: [_cell_float(part) for part in cell.split(_CSV_LIST_SEP)] if cell else None,
}
_CSV_FIELDS = {name: _CELL_READERS[kind] for name, kind in _FIELD_TYPES.items() if kind in _CELL_READERS}


def _check_size(text: str, max_bytes: int) -> bytes:
    # A str never has more characters than UTF-8 bytes: a long one is refused before encoding it.
    size = len(text) if len(text) > max_bytes else len(text.encode("utf-8", "surrogatepass"))
    if size > max_bytes:
        raise ResultsError(f"CSV is too large: {size} > {max_bytes} bytes allowed")
    try:
        return text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ResultsError(f"CSV: not valid Unicode: lone surrogate at character {error.start}") from None


def from_csv(text: str, *, max_bytes: int = MAX_BYTES) -> dict:
    """Read a CSV written by ``to_csv`` back into a validated document.

    Each distinct (``machine``, ``os``) of the rows becomes an environment
    ``{"machine": ..., "os": ..., "source": "csv"}`` of its results, so a table of several
    machines reads back as several machines. Param types are read from the text, so a
    string param that looks like a number comes back as a number.
    """
    import pandas as pd

    data = _check_size(text, max_bytes)
    try:
        # All cells as text, no NA guessing: each field's own reader decides.
        frame = pd.read_csv(io.BytesIO(data), encoding="utf-8", dtype=str, keep_default_na=False, na_filter=False)
    except pd.errors.EmptyDataError:
        raise ResultsError("CSV: no header row; not a dlenv results table") from None
    except pd.errors.ParserError as error:
        raise ResultsError(f"CSV: cannot be parsed: {error}") from None
    columns = [_unneutralise(str(column)) for column in frame.columns]
    missing = [name for name in _REQUIRED if name in _CSV_FIELDS and name not in columns]
    if missing:
        raise ResultsError(f"CSV: missing required columns: {', '.join(missing)}")
    results = []
    for cells in frame.itertuples(index=False, name=None):
        result: dict = {"params": {}}
        environment = {"source": "csv"}
        for column, cell in zip(columns, cells):
            if column in _ENVIRONMENT_COLUMNS:
                if cell:
                    environment[column] = _unneutralise(cell)
                continue
            read = _CSV_FIELDS.get(column)
            value = read(cell) if read else _cell_scalar(cell)
            if value is None and column not in _REQUIRED:
                continue  # an empty cell is a field this result did not have
            if column.startswith(PARAM_PREFIX):
                result["params"][column[len(PARAM_PREFIX):]] = value
            else:
                result[column] = value
        results.append((result, environment))
    from dlenv.data.results import document_of  # results imports this module

    return validate_document(document_of(results))
