"""Results files as people hand them in: one reader for the app's upload and ``dlenv import``.

``read_file(data, filename)`` takes a file's bytes and gives a ``Checked``: the validated
document and its notices (lines to show the user: fields a newer dlenv wrote that were left
out, a spreadsheet's CSV read as such), or raises ``ResultsError``. ``read_results`` gives
the document alone. A file brings in timings someone measured elsewhere: its ``measured``
results are read as ``imported`` (other provenances are kept as they are).

JSON when named ``.json`` or starting with ``{``/``[``, else CSV. A UTF-8 byte order mark
(spreadsheets, Windows editors) is skipped; a CSV in UTF-16 with its byte order mark (a
spreadsheet's "Unicode text") is read too. A CSV may be separated by commas, semicolons
(a spreadsheet in a locale whose decimal mark is a comma, which may also have written
``0,0123``) or tabs: the header says which, as it must name dlenv's columns. A CSV row
longer or shorter than the header is refused (a file cut off in its last line).
"""

from __future__ import annotations

import csv
import io
import re
from pathlib import PurePath

from dlenv.data.results import as_imported, loads_checked
from dlenv.data.schema import MAX_BYTES, PARAM_PREFIX, Checked, Result, ResultsError
from dlenv.data.tables import from_csv

_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
_SEPARATORS = {",": "commas", ";": "semicolons", "\t": "tabs"}
_COLUMNS = set(Result.model_fields) | {"machine", "os"}
# A number written with a decimal comma: 0,0123 or 2,62E-04.
_DECIMAL_COMMA = re.compile(r"[+-]?[0-9]*,[0-9]+([eE][+-]?[0-9]+)?")
# Cells that are never numbers, whatever they look like.
_TEXT_COLUMNS = {"device_name", "label", "note", "machine", "os", "workload", "backend", "device", "dtype", "timing",
                 "peak_source", "measured_at", "started_at", "ended_at", "peak_note", "provenance",
                 "provenance_source", "provenance_path", "provenance_version", "provenance_note", "model_bound",
                 "matmul_precision", "matmul_precision_setting"}
_SAVE_AS = "save it as CSV UTF-8 (comma-delimited)"


def read_results(data: bytes, filename: str = "") -> dict:
    """The validated document in a results file's bytes (at most ``MAX_BYTES``)."""
    return read_file(data, filename).document


def read_file(data: bytes, filename: str = "") -> Checked:
    """The validated document in a results file's bytes (its measured results as imported),
    and the notices to show with it."""
    checked = _read(data, filename)
    return Checked(as_imported(checked.document), checked.notices)


def _read(data: bytes, filename: str) -> Checked:
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"read_file() takes bytes, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise ResultsError(f"file is too large: {len(data)} > {MAX_BYTES} bytes allowed")
    data = data.removeprefix(_BOM)
    if not data.strip():
        raise ResultsError("the file is empty")
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".json" or (suffix != ".csv" and data.lstrip()[:1] in (b"{", b"[")):
        return loads_checked(data)
    text = _decode(data)
    if suffix != ".csv" and text.lstrip()[:1] in ("{", "["):
        return loads_checked(text)
    separator = _separator(text)
    rows = _rows(text, separator)
    if separator == ",":
        return Checked(from_csv(text), [])
    decimal_commas = _decimal_commas(rows)
    comma_text = _as_comma_csv(rows, decimal_commas)
    try:
        document = from_csv(comma_text)
    except ResultsError as error:
        hint = (f"the file is separated by {_SEPARATORS[separator]} (as a spreadsheet saves it in some "
                f"languages); if this is why, {_SAVE_AS}")
        raise ResultsError([*error.problems, hint], stopped_early=error.stopped_early) from None
    how = " with decimal commas" if decimal_commas else ""
    notice = (f"read a table separated by {_SEPARATORS[separator]}{how}, as a spreadsheet saves it; "
              "check the numbers, or export CSV from dlenv again")
    return Checked(document, [notice])


def _decode(data: bytes) -> str:
    encoding = "utf-16" if data.startswith(_UTF16_BOMS) else "utf-8"
    try:
        return data.decode(encoding)
    except UnicodeDecodeError as error:
        raise ResultsError(f"CSV: not {encoding.upper()}: byte 0x{data[error.start]:02x} at offset {error.start} "
                           f"cannot be decoded; {_SAVE_AS}") from None


def _header(text: str, separator: str) -> list[str]:
    try:
        return next(csv.reader(io.StringIO(text[:100_000], newline=""), delimiter=separator), [])
    except csv.Error:
        return []


def _separator(text: str) -> str:
    """The separator whose header cells name the most of dlenv's columns (commas when tied)."""
    def known(separator: str) -> int:
        return sum(cell.strip().lstrip("'") in _COLUMNS or cell.startswith(PARAM_PREFIX)
                   for cell in _header(text, separator))

    return max(_SEPARATORS, key=lambda separator: (known(separator), separator == ","))


def _rows(text: str, separator: str) -> list[list[str]]:
    """The rows, refusing rows shorter or longer than the header: pandas would fill a short
    row (a file cut off in its last line) with empty cells and accept it."""
    # The default limit (128 kB per cell) is below a samples_s cell of 10,000 samples; only raised.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=separator)
    what = "CSV" if separator == "," else f"CSV (separated by {_SEPARATORS[separator]})"
    rows = []
    try:
        header = next(reader, [])
        rows.append(header)
        for row in reader:
            if row and len(row) != len(header):
                raise ResultsError(f"{what}: line {reader.line_num} has {len(row)} cells but the header has "
                                   f"{len(header)}; the file looks truncated or damaged")
            if row:
                rows.append(row)
    except csv.Error as error:
        raise ResultsError(f"{what}: cannot be parsed: line {reader.line_num}: {error}") from None
    return rows


def _decimal_commas(rows: list[list[str]]) -> bool:
    """Whether the numbers are written with a decimal comma (median_s, always a fraction, says)."""
    header = [cell.strip() for cell in rows[0]]
    if "median_s" not in header:
        return False
    column = header.index("median_s")
    return any(_DECIMAL_COMMA.fullmatch(row[column].strip()) for row in rows[1:])


def _as_comma_csv(rows: list[list[str]], decimal_commas: bool) -> str:
    """The rows as dlenv writes CSV: commas between cells, decimal points in numbers."""
    header = [cell.strip() for cell in rows[0]]
    numeric = [name not in _TEXT_COLUMNS for name in header]
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([_point(cell) if decimal_commas and is_number else cell
                         for cell, is_number in zip(row, numeric)])
    return out.getvalue()


def _point(cell: str) -> str:
    """``0,0123`` as ``0.0123``; a list of samples (``0,1;0,2``) number by number."""
    parts = cell.split(";")
    if all(_DECIMAL_COMMA.fullmatch(part.strip()) for part in parts):
        return ";".join(part.strip().replace(",", ".") for part in parts)
    return cell
