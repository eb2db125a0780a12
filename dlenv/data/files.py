"""Results files as people hand them in: one reader for the app's upload and ``dlenv import``.

``read_results(data, filename)`` takes a file's bytes and gives a validated document or
raises ``ResultsError``: JSON when named ``.json`` or starting with ``{``/``[``, else CSV;
a UTF-8 byte order mark (spreadsheets, Windows editors) is skipped; a CSV row longer or
shorter than the header is refused (a file cut off in its last line).
"""

from __future__ import annotations

import csv
import io
from pathlib import PurePath

from dlenv.data.results import loads
from dlenv.data.schema import MAX_BYTES, ResultsError
from dlenv.data.tables import from_csv

_BOM = b"\xef\xbb\xbf"


def read_results(data: bytes, filename: str = "") -> dict:
    """The validated document in a results file's bytes (at most ``MAX_BYTES``)."""
    if not isinstance(data, (bytes, bytearray, memoryview)):
        raise TypeError(f"read_results() takes bytes, not {type(data).__name__}")
    data = bytes(data)
    if len(data) > MAX_BYTES:
        raise ResultsError(f"file is too large: {len(data)} > {MAX_BYTES} bytes allowed")
    data = data.removeprefix(_BOM)
    if not data.strip():
        raise ResultsError("the file is empty")
    suffix = PurePath(filename).suffix.lower()
    if suffix == ".json" or (suffix != ".csv" and data.lstrip()[:1] in (b"{", b"[")):
        return loads(data)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as error:
        raise ResultsError(f"CSV: not UTF-8: byte 0x{data[error.start]:02x} at offset {error.start} cannot be "
                           "decoded; save the table as CSV UTF-8") from None
    _check_rows(text)
    return from_csv(text)


def _check_rows(text: str) -> None:
    """Refuse rows shorter or longer than the header: pandas would fill a short row (a file
    cut off in its last line) with empty cells and accept it."""
    # The default limit (128 kB per cell) is below a samples_s cell of 10,000 samples; only raised.
    csv.field_size_limit(max(csv.field_size_limit(), MAX_BYTES))
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader, [])
        for row in reader:
            if row and len(row) != len(header):
                raise ResultsError(f"CSV: line {reader.line_num} has {len(row)} cells but the header has "
                                   f"{len(header)}; the file looks truncated or damaged")
    except csv.Error as error:
        raise ResultsError(f"CSV: cannot be parsed: line {reader.line_num}: {error}") from None
