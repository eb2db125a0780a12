"""Read and write dlenv results files, and join the documents of one run.

A results file is one UTF-8 JSON document::

    {"schema": "dlenv.results/1", "created": "...Z", "environment": {...},
     "results": [{...}, ...], "errors": [{...}, ...]}

Files come from other machines, other dlenv versions and people's editors, so
everything read is checked before use: ``loads``/``load``/``from_csv`` return a
document only if ``validate_document`` (``dlenv.data.schema``) accepts it, and raise
``ResultsError`` (naming each bad field) otherwise. Writers validate too, so dlenv
never writes a file it would refuse to read. Tables and CSV: ``dlenv.data.tables``;
a file of either kind, as the app's upload and ``dlenv import`` read it: ``dlenv.data.files``.

This module stays light: no pandas (nor any framework) at import time.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import tempfile
from collections.abc import Iterable
from datetime import datetime, timezone
from pathlib import Path

from dlenv.data.schema import MAX_BYTES, SCHEMA, ResultsError, UnreadableNumber, validate_document
from dlenv.data.tables import from_csv, to_csv, to_dataframe

__all__ = ["MAX_BYTES", "SCHEMA", "ResultsError", "dump", "dumps", "from_csv", "load", "loads", "make_document",
           "merge_documents", "to_csv", "to_dataframe", "validate_document"]


def make_document(results: list[dict], environment: dict, errors: Iterable[dict] = ()) -> dict:
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


# --- JSON files ----------------------------------------------------------------


def _parse_float(token: str) -> float | UnreadableNumber:
    number = float(token)
    return number if math.isfinite(number) else UnreadableNumber(f"{token[:30]} (overflows to infinity)")


def _parse_int(token: str) -> int | UnreadableNumber:
    # Python refuses to parse ints over 4300 digits with a bare ValueError; stop far earlier.
    return int(token) if len(token) <= 20 else UnreadableNumber(f"{token[:20]}… (integer too large)")


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
            text, parse_constant=UnreadableNumber, parse_float=_parse_float, parse_int=_parse_int
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
