"""Read and write dlenv results files, and join the documents of one run.

A results file is one UTF-8 JSON document::

    {"schema": "dlenv.results/2", "created": "...Z",
     "environments": {"e1": {...}, "e2": {...}},
     "results": [{..., "environment": "e1"}, ...], "errors": [{...}, ...]}

Each result names the environment (machine, software) that measured it, so a file may
hold results from several machines; ``environment_of(doc, result)`` gives it. Version 1
files (one ``"environment"`` for all) are read as version 2 (``dlenv.data.schema``).

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

from dlenv.data.schema import (
    MAX_BYTES,
    SCHEMA,
    Checked,
    ResultsError,
    UnreadableNumber,
    check_document,
    validate_document,
)
from dlenv.data.tables import environment_of, from_csv, to_csv, to_dataframe

__all__ = ["MAX_BYTES", "SCHEMA", "Checked", "ResultsError", "as_imported", "check_document", "document_of", "dump", "dumps",
           "environment_of", "from_csv", "load", "loads", "loads_checked", "make_document", "merge_documents",
           "to_csv", "to_dataframe", "validate_document"]


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def make_document(results: list[dict], environment: dict, errors: Iterable[dict] = (), *,
                  interrupted: bool = False) -> dict:
    """Wrap results measured in one environment in a document stamped with the schema and
    the UTC time now; every result and error names that environment.

    Not validated here, so a run never loses its results to one bad value before
    it can report it: ``dumps``/``dump`` validate.
    """
    return document_of([(result, environment) for result in results],
                       [(error, environment) for error in errors], interrupted=interrupted)


def document_of(results: Iterable[tuple[dict, dict]], errors: Iterable[tuple[dict, dict | None]] = (), *,
                interrupted: bool = False) -> dict:
    """A document of (record, its environment) pairs, not validated: each distinct
    environment once, under the keys ``e1``, ``e2``... in the order they first appear."""
    keys: dict[str, str] = {}
    environments: dict[str, dict] = {}

    def key(environment: dict) -> str:
        text = json.dumps(environment, sort_keys=True, ensure_ascii=False, default=repr)
        if text not in keys:
            keys[text] = f"e{len(keys) + 1}"
            environments[keys[text]] = dict(environment)
        return keys[text]

    doc = {
        "schema": SCHEMA,
        "created": _now(),
        "environments": environments,
        "results": [{**result, "environment": key(environment)} for result, environment in results],
        "errors": [{**{k: v for k, v in error.items() if k != "environment"},
                    **({"environment": key(environment)} if environment is not None else {})}
                   for error, environment in errors],
    }
    if interrupted:
        doc["interrupted"] = True
    return doc


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
    return loads_checked(data, max_bytes=max_bytes).document


def loads_checked(data: bytes | str, *, max_bytes: int = MAX_BYTES) -> Checked:
    """``loads``, with the notices of ``check_document`` (fields left out, a newer minor version)."""
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
    return check_document(doc)


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


# --- provenance ------------------------------------------------------------------


def as_imported(doc: dict) -> dict:
    """A copy of ``doc`` whose ``measured`` results are ``imported``: measured, but elsewhere
    or earlier, and brought in by a file. Reference, published and predicted results, and
    results already imported, keep their provenance, so a file re-imports unchanged."""
    return {**doc, "results": [{**result, "provenance": "imported"} if result.get("provenance", "measured") == "measured"
                               else result for result in doc["results"]]}


# --- merging ---------------------------------------------------------------------


def merge_documents(docs: list[dict]) -> dict:
    """Join documents (of one run's backend processes, or of several machines) into one.

    Results and errors are concatenated in order, each keeping its own environment
    (identical environments are kept once). ``created`` is the time of the merge; the
    result is ``interrupted`` if any document was. ``docs`` are documents as dlenv hands them
    out (checked where they entered: the file reader, the runner, the store), so they are not
    checked again here.
    """
    return document_of(
        [(result, environment_of(doc, result)) for doc in docs for result in doc["results"]],
        [(error, environment_of(doc, error) if error.get("environment") else None)
         for doc in docs for error in doc["errors"]],
        interrupted=any(doc.get("interrupted") for doc in docs),
    )
