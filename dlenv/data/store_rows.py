"""What a result becomes in the store's tables, and what a query's rows become again.

A result is stored once: its row has a content hash (its canonical JSON, without the key
naming its environment, plus its own environment's hash) under a unique index. A few fields are copied into columns so that
filters and tables need not parse ``record_json``; the result itself is kept whole there.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

from dlenv.data.database import canonical_json
from dlenv.data.fields import key_path
from dlenv.data.schema import ResultsError
from dlenv.data.store_schema import (
    BOOL_COLUMNS,
    CONTENTION_BOOL_COLUMNS,
    CONTENTION_FLOAT_COLUMNS,
    FLOAT_COLUMNS,
    INT_COLUMNS,
    MAX_INDEXED_TEXT,
    PROVENANCE_COLUMNS,
    TEXT_COLUMNS,
)
from dlenv.data.tables import machine_name, measured_at

if TYPE_CHECKING:
    import pandas

# Columns of the frames that Store.results() returns.
FRAME_COLUMNS = (
    "id", "measured_at", "machine", "runtime", "workload", "label", "backend", "device", "device_name",
    "dtype", "timing", "median_s", "iqr_s", "q1_s", "q3_s", "min_s", "mean_s", "gflops", "gbps",
    "samples_per_s", "pct_of_peak", "peak_gflops", "peak_source", "flops", "bytes", "first_call_s",
    "n_samples", "calls_per_sample", "noisy", "reference", "source", *CONTENTION_FLOAT_COLUMNS, *CONTENTION_BOOL_COLUMNS,
    *PROVENANCE_COLUMNS, "environment_id", "added_by", "added_at",
)
# Columns NOT NULL since version 1 that published and predicted results leave out.
_EMPTY_WHEN_MISSING = ("backend", "timing")


def sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc(value: str) -> datetime | None:
    """An ISO-8601 text as naive UTC (naive input is taken as UTC), None if unreadable."""
    try:
        moment = datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    except (TypeError, ValueError):
        return None
    if moment.tzinfo is None:
        return moment
    try:
        return moment.astimezone(timezone.utc).replace(tzinfo=None)
    except OverflowError:  # e.g. 0001-01-01T00:00+01:00
        return datetime.min if moment.year == 1 else datetime.max


def check_storable(value: object, path: str) -> None:
    """Refuse text PostgreSQL cannot hold (NUL), so SQLite and PostgreSQL accept the same files."""
    if isinstance(value, str) and "\x00" in value:
        raise ResultsError(f"{path}: contains a NUL character (U+0000), which the database cannot store")
    if isinstance(value, dict):
        for key, item in value.items():
            check_storable(key, path)
            check_storable(item, f"{path}.{key}")


def _label(result: dict) -> str:
    """The record's own label (dlenv writes one), else workload, params and dtype."""
    if isinstance(result.get("label"), str) and result["label"]:
        return result["label"]
    params = " ".join(f"{key}={value}" for key, value in result["params"].items())
    return " ".join(part for part in (result["workload"], params, result["dtype"]) if part)


def _measured_at(result: dict, fallback: datetime) -> datetime:
    value = result.get("measured_at")
    return (utc(value) if isinstance(value, str) else None) or fallback


def _result_row(result: dict, env_machine: str, fallback_time: datetime, env_hash: str, index: int) -> dict:
    # Without its environment's key: that is only a name within one file.
    result = {key: value for key, value in result.items() if key != "environment"}
    record = canonical_json(result)
    # Nor its provenance: a timing exported and imported again (measured, now imported) is
    # the same result, and rows stored before provenance existed keep their hashes.
    identity = canonical_json({key: value for key, value in result.items() if key != "provenance"})
    machine = result["machine"] if isinstance(result.get("machine"), str) else env_machine
    row = {name: result.get(name) for name in (*FLOAT_COLUMNS, *INT_COLUMNS, *BOOL_COLUMNS, *TEXT_COLUMNS,
                                               *CONTENTION_FLOAT_COLUMNS, *CONTENTION_BOOL_COLUMNS,
                                               *PROVENANCE_COLUMNS)}
    row.update({name: row[name] or "" for name in _EMPTY_WHEN_MISSING})
    row.update(
        hash=sha256(env_hash + "\n" + identity),
        machine=machine[:MAX_INDEXED_TEXT],
        label=_label(result),
        params_json=result["params"],
        measured_at=_measured_at(result, fallback_time),
        record_json=record,
    )
    # JSON escapes NUL as \u0000: only then look for the field to name (a rare, slow path).
    if "\\u0000" in record:
        for name in ("machine", "label", "device_name", "params_json"):
            check_storable(row[name], f"results[{index}].{name.removesuffix('_json')}")
    return row


def unique_rows(doc: dict, env_hashes: dict[str, str]) -> list[tuple[str, dict]]:
    """(environment key, row) to insert, each content hash once (a document may repeat a
    result); ``env_hashes`` holds the hash of each environment the results name."""
    rows: dict[str, tuple[str, dict]] = {}
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    per_environment = {}
    for key in env_hashes:
        environment = doc["environments"][key]
        # The time to_dataframe shows for a result without its own measured_at.
        per_environment[key] = (environment_columns(environment, key)[0], utc(measured_at(doc, environment)) or now)
    for index, result in enumerate(doc["results"]):
        key = result["environment"]
        row = _result_row(result, *per_environment[key], env_hashes[key], index)
        rows.setdefault(row["hash"], (key, row))
    return list(rows.values())


def environment_columns(environment: dict, key: str) -> tuple[str, str | None]:
    """(machine, runtime) of the environment ``key``, as stored in its columns."""
    # The same name to_dataframe shows (hostname, machine, cpu...).
    machine = machine_name(environment)[:MAX_INDEXED_TEXT]
    runtime = environment.get("runtime")
    runtime = runtime[:MAX_INDEXED_TEXT] if isinstance(runtime, str) else None
    where = f"environments{key_path(key)}"
    check_storable(machine, f"{where}.machine")
    check_storable(runtime, f"{where}.runtime")
    return machine, runtime


def to_frame(rows: Sequence[Any]) -> pandas.DataFrame:
    """Query rows as the frame the Results page shows: typed columns plus param_<name>."""
    import pandas as pd

    frame = pd.DataFrame.from_records([row[:-1] for row in rows], columns=list(FRAME_COLUMNS))
    frame[list(_EMPTY_WHEN_MISSING)] = frame[list(_EMPTY_WHEN_MISSING)].replace("", None)
    params = [row[-1] for row in rows]
    names = list(dict.fromkeys(name for item in params for name in item))
    for name in names:
        frame["param_" + name] = pd.Series([item.get(name) for item in params], dtype=_param_dtype(params, name))
    dtypes: dict[str, str] = {name: "float64" for name in (*FLOAT_COLUMNS, *CONTENTION_FLOAT_COLUMNS)}
    dtypes.update({name: "Int64" for name in INT_COLUMNS})
    dtypes.update({"id": "int64", "environment_id": "int64", "noisy": "boolean", "reference": "bool", "busy": "boolean"})
    frame = frame.astype(dtypes)
    for name in ("measured_at", "added_at"):
        frame[name] = pd.to_datetime(frame[name]).astype("datetime64[us]").dt.tz_localize("UTC")
    return frame


def _param_dtype(params: list[dict], name: str) -> str:
    values = [item[name] for item in params if name in item]
    if all(isinstance(value, bool) for value in values):
        return "boolean"
    if all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        return "Int64"
    return "object"

