"""Results and their environments in a relational database (SQLAlchemy 2.x Core).

With no configuration the store is a SQLite file in the data folder
(``DLENV_DATA_DIR`` or ``<repo>/data``), so ``streamlit run app.py`` keeps results
across restarts. ``DLENV_DATABASE_URL`` points it at any SQLite or PostgreSQL
database instead (``postgresql://user:password@host/db``): how a class shares one
leaderboard when the app runs on Streamlit Community Cloud. Configuration and engines:
``dlenv.data.database``; tables and upgrades: ``dlenv.data.store_schema``; rows:
``dlenv.data.store_rows``.

Guarantees:

* The schema is created, and upgraded from older versions, by ``Store()``
  (table ``dlenv_schema`` holds the version; each upgrade is one transaction).
* Each save is one transaction: a failure leaves the database as it was.
* Results are stored once: each has a content hash (its canonical JSON plus its own
  environment's hash) under a unique index, inserted with ``ON CONFLICT DO NOTHING``
  so two writers saving the same result do not fail either.
* Several writers at once (browser sessions, the CLI) are safe: PostgreSQL locks
  rows; SQLite runs in WAL mode with a 30 s busy timeout and takes its write lock at
  the start of a write transaction (``BEGIN IMMEDIATE``), so a writer waits its turn
  instead of failing with "database is locked" halfway.

* Each result records who added it (``added_by``, a nickname checked by
  ``dlenv.data.classcode.check_nickname``), when (``added_at``, UTC) and from which path
  (``source``: "dashboard", "upload", "reference", "push", "import", "local"). A teacher hides
  results (``hide``/``restore``): a soft delete that keeps the row with who hid it and when;
  every read (``results``, ``count``, ``document()``) leaves hidden rows out unless asked.
  There is no method that deletes a result.
* A class code, when set (``set_class_code``), is kept as a salted hash in ``dlenv_settings``
  (``dlenv.data.classcode``); callers check a typed code with ``check_class_code``.

Only SQLite and PostgreSQL are supported: the dedupe insert and the params filter
use their SQL dialects.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import date, datetime, time, timedelta, timezone
from operator import itemgetter
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import Connection

from dlenv.data import results as rs
from dlenv.data.classcode import check_nickname, hash_code, matches_hash
from dlenv.data.database import (
    SQLITE_FILE,
    StoreError,
    canonical_json,
    create_engine,
    data_dir,
    database_url,
    display_url,
    explain,
    parse_url,
)
from dlenv.data.files import read_file
from dlenv.data.schema import MAX_BYTES
from dlenv.data.store_rows import FRAME_COLUMNS, environment_columns, sha256, to_frame, unique_rows, utc
from dlenv.data.store_schema import (
    ENVIRONMENTS,
    MAX_INDEXED_TEXT,
    MAX_SOURCE,
    RESULTS,
    SCHEMA_VERSION,
    SETTINGS,
    migrate,
    stored_version,
)

if TYPE_CHECKING:
    import pandas
    from typing_extensions import Self

__all__ = ["ADDITION_COLUMNS", "FRAME_COLUMNS", "MAX_IMPORT_BYTES", "MAX_INDEXED_TEXT", "SCHEMA_VERSION", "SQLITE_FILE", "SaveReport",
           "Store", "StoreError", "TooManyResults", "data_dir", "database_url"]

MAX_IMPORT_BYTES = MAX_BYTES
# Rows per INSERT statement (and ids per IN list): well under SQLite's 32766 variables.
BATCH_ROWS = 500
_FILTERS = ("workload", "backend", "device", "dtype", "machine", "timing", "provenance")
_CLASS_CODE = "class_code"  # the dlenv_settings row holding the class code's hash
# The moderation view's columns (Store.additions).
ADDITION_COLUMNS = ("id", "added_at", "added_by", "source", "provenance", "machine", "device_name", "workload",
                    "label", "dtype", "gflops", "gbps", "samples_per_s", "hidden_at", "hidden_by", "params_json")


# --- the store -------------------------------------------------------------------


@dataclass(frozen=True)
class SaveReport:
    """What one save did: results added, results already stored, the ids of the environments
    its results name, and notices about the file (``files.read_file``: fields left out...)."""

    added: int
    duplicates: int
    environment_ids: tuple[int, ...]
    notices: tuple[str, ...] = ()
    machines: tuple[str, ...] = ()  # the machines its results name, as the Results page shows them


class TooManyResults(rs.ResultsError):
    """An upload holds more results than one upload may add (``import_bytes(max_results=)``)."""

    def __init__(self, count: int, cap: int) -> None:
        super().__init__(f"the file holds {count} results, more than the {cap} one upload may add here; "
                         "split it or ask your teacher")
        self.count, self.cap = count, cap


class Store:
    """Results in a database; see the module docstring for what it guarantees."""

    def __init__(self, url: str | None = None) -> None:
        """Connect to ``url`` (default: ``database_url()``), creating or upgrading the schema."""
        self._url = parse_url(url or database_url())
        self.url_for_display = display_url(self._url)
        self._engine = create_engine(self._url)
        self._writer = self._engine.execution_options(dlenv_write=True)
        try:
            self._open()
        except (ValueError, TypeError, OverflowError) as error:
            # Raised by the driver at connect, not as a DBAPIError: a NUL in the path (%00),
            # an option out of range (?detect_types=99999999999999999999).
            self._engine.dispose()
            raise StoreError(explain(self._url, error)) from None
        except BaseException:
            self._engine.dispose()
            raise

    def __repr__(self) -> str:
        return f"Store({self.url_for_display!r})"

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        self._engine.dispose()

    def _open(self) -> None:
        with self._errors():
            with self._engine.connect() as conn:
                current = stored_version(conn)
            if current != SCHEMA_VERSION:
                with self._writer.begin() as conn:
                    migrate(conn)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Database failures as StoreError, naming the database without its password."""
        try:
            yield
        except sa.exc.DBAPIError as error:
            raise StoreError(explain(self._url, error)) from None

    # --- writing ---------------------------------------------------------------------

    def save_document(self, doc: dict, *, source: str = "local", reference: bool = False,
                      added_by: str | None = None) -> SaveReport:
        """Validate ``doc`` (ResultsError if invalid) and store it in one transaction.

        ``added_by`` is the nickname recorded with each new result (``classcode.AccessError``,
        a ValueError, if it is too long or holds a control character; nothing is stored then).
        """
        return self._save(rs.validate_document(doc), source=source, reference=reference, added_by=added_by)

    def import_bytes(self, data: bytes, filename: str = "", *, source: str = "import",
                     reference: bool = False, added_by: str | None = None,
                     max_results: int | None = None) -> SaveReport:
        """Store an uploaded results file, JSON or CSV (by suffix, else by content).

        A bad file, or one with more than ``max_results`` results, raises ResultsError and
        stores nothing. The report's ``notices`` say what was read leniently (a spreadsheet's
        CSV) or left out (fields from a newer dlenv).
        """
        document, notices = read_file(data, filename)
        if max_results is not None and len(document["results"]) > max_results:
            raise TooManyResults(len(document["results"]), max_results)
        report = self._save(document, source=source, reference=reference, added_by=added_by)
        return replace(report, notices=tuple(notices))

    def _save(self, doc: dict, *, source: str, reference: bool, added_by: str | None = None) -> SaveReport:
        """Store a validated document in one transaction; each result with its own environment."""
        if not isinstance(source, str) or not 0 < len(source) <= MAX_SOURCE or "\x00" in source:
            raise ValueError(f"source must be a text of 1 to {MAX_SOURCE} characters, got {source!r}")
        added_by = check_nickname(added_by)
        added_at = datetime.now(timezone.utc).replace(tzinfo=None)
        named = dict.fromkeys(result["environment"] for result in doc["results"])  # in order, each once
        env_json = {key: canonical_json(doc["environments"][key]) for key in named}
        env_hashes = {key: sha256(text) for key, text in env_json.items()}
        rows = unique_rows(doc, env_hashes)
        with self._errors(), self._writer.begin() as conn:
            env_ids = {key: self._environment_id(conn, doc["environments"][key], key, env_json[key], env_hashes[key],
                                                 doc["created"]) for key in named}
            added = 0
            for start in range(0, len(rows), BATCH_ROWS):
                batch = [{**row, "environment_id": env_ids[key], "source": source, "reference": reference,
                          "added_by": added_by, "added_at": added_at}
                         for key, row in rows[start:start + BATCH_ROWS]]
                added += _insert_rows(conn, batch)
            if reference:
                _mark_reference(conn, [row["hash"] for _, row in rows])
        return SaveReport(added=added, duplicates=len(doc["results"]) - added,
                          environment_ids=tuple(dict.fromkeys(env_ids.values())),
                          machines=tuple(dict.fromkeys(environment_columns(doc["environments"][key], key)[0]
                                                       for key in named)))

    @staticmethod
    def _environment_id(conn: Connection, environment: dict, key: str, env_json: str, env_hash: str,
                        created: str) -> int:
        machine, runtime = environment_columns(environment, key)
        conn.execute(_insert_ignoring_duplicates(conn, ENVIRONMENTS).values(
            hash=env_hash, machine=machine, runtime=runtime, json=env_json,
            # When the document that first brought this environment was written.
            created=utc(created) or datetime.now(timezone.utc).replace(tzinfo=None)))
        # Read back rather than RETURNING: the row may come from another writer.
        return conn.execute(sa.select(ENVIRONMENTS.c.id).where(ENVIRONMENTS.c.hash == env_hash)).scalar_one()

    # --- reading ---------------------------------------------------------------------

    def count(self, *, hidden: bool | None = False) -> int:
        """How many results are stored: visible ones (default), hidden ones (True) or all (None)."""
        query = sa.select(sa.func.count()).select_from(RESULTS)
        if hidden is not None:
            query = query.where(_hidden_is(hidden))
        with self._errors(), self._engine.connect() as conn:
            return conn.execute(query).scalar_one()

    def results(self, *, workload: str | Sequence[str] | None = None, backend: str | Sequence[str] | None = None,
                device: str | Sequence[str] | None = None, dtype: str | Sequence[str] | None = None,
                machine: str | Sequence[str] | None = None, timing: str | Sequence[str] | None = None,
                provenance: str | Sequence[str] | None = None, reference: bool | None = None,
                since: datetime | date | str | None = None, until: datetime | date | str | None = None, params: dict | None = None,
                limit: int | None = None, hidden: bool | None = False,
                added_by: str | Sequence[str] | None = None) -> pandas.DataFrame:
        """Stored results, newest first, one row per result (the Results page's main query).

        Text filters take one value or a list of values. ``params`` keeps results whose
        params include each given name with that value. ``since``/``until`` (datetime,
        date or ISO text, UTC when naive) are inclusive; a date means the whole day.
        Results a teacher hid are left out (``hidden=False``); ``hidden=True`` gives only
        those, ``None`` all.
        """
        filters = {"workload": workload, "backend": backend, "device": device, "dtype": dtype,
                   "machine": machine, "timing": timing, "provenance": provenance, "reference": reference,
                   "since": since, "added_by": added_by, "hidden": hidden,
                   "until": until, "params": params}
        query = self._select(filters).order_by(RESULTS.c.measured_at.desc(), RESULTS.c.id.desc())
        return self._frame(query.limit(limit) if limit is not None else query)

    def document(self, ids: list[int] | None = None) -> dict:
        """Stored results as a valid results document, in the order of ``ids``; each result
        keeps the environment it was stored with. Without ``ids``: every result not hidden."""
        with self._errors(), self._engine.connect() as conn:
            rows = _records(conn, ids)
        environments: dict[int, dict] = {}
        pairs = []
        for env_id, env_json, record_json, provenance in rows:
            if env_id not in environments:
                environments[env_id] = json.loads(env_json)
            # The column decides: rows stored before version 4 had none in their record.
            pairs.append(({**json.loads(record_json), "provenance": provenance}, environments[env_id]))
        return rs.validate_document(rs.document_of(pairs))

    def _select(self, filters: dict[str, Any]) -> sa.Select:
        query = sa.select(*_frame_columns(), RESULTS.c.params_json).join_from(
            RESULTS, ENVIRONMENTS, RESULTS.c.environment_id == ENVIRONMENTS.c.id)
        return query.where(*self._conditions(filters))

    def _conditions(self, filters: dict[str, Any]) -> list[sa.ColumnElement[bool]]:
        conditions = [_matches(RESULTS.c[name], filters.get(name)) for name in _FILTERS
                      if filters.get(name) is not None]
        if filters.get("reference") is not None:
            conditions.append(RESULTS.c.reference == bool(filters["reference"]))
        if filters.get("hidden") is not None:
            conditions.append(_hidden_is(bool(filters["hidden"])))
        if filters.get("added_by") is not None:
            conditions.append(_matches(RESULTS.c.added_by, filters["added_by"]))
        if filters.get("since") is not None:
            conditions.append(RESULTS.c.measured_at >= _bound(filters["since"], end=False))
        if filters.get("until") is not None:
            conditions.append(RESULTS.c.measured_at <= _bound(filters["until"], end=True))
        for name, value in (filters.get("params") or {}).items():
            conditions.append(self._param_equals(name, value))
        return conditions

    def _param_equals(self, name: str, value: object) -> sa.ColumnElement[bool]:
        if isinstance(value, (dict, list)) or value is None:
            raise TypeError(f"params filter {name!r}: must be a number, text or boolean, got {value!r}")
        if self._engine.dialect.name == "postgresql":
            # jsonb containment: numbers compare by value (1024 = 1024.0), true is not 1.
            return sa.type_coerce(RESULTS.c.params_json, pg.JSONB).contains({name: value})
        each = sa.func.json_each(RESULTS.c.params_json).table_valued("key", "value", "type").alias()
        kinds = (["true"] if value else ["false"]) if isinstance(value, bool) else (
            ["text"] if isinstance(value, str) else ["integer", "real"])
        match = [each.c.key == name, each.c.type.in_(kinds)]
        if not isinstance(value, bool):
            match.append(each.c.value == value)
        return sa.select(sa.literal(1)).select_from(each).where(*match).exists()

    def _frame(self, query: sa.Select) -> pandas.DataFrame:
        with self._errors(), self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return to_frame(rows)

    def best(self, metric: str, *, workload: str, dtype: str | Sequence[str] | None = None,
             provenance: str | Sequence[str] | None = None, since: datetime | date | str | None = None,
             until: datetime | date | str | None = None) -> tuple[pandas.DataFrame, int]:
        """The leaderboard's query: for each (machine, device name), its result with the highest
        ``metric`` (a throughput column: ``gflops``, ``gbps``, ``samples_per_s``) among the
        visible results that match, as ``results()`` rows; and how many results matched.

        One window-function query (``row_number() OVER (PARTITION BY machine, device_name)``),
        so a class's thousands of rows are ranked in the database, not loaded. Ties go to the
        older result (lower id).
        """
        if metric not in ("gflops", "gbps", "samples_per_s"):
            raise ValueError(f"not a throughput column: {metric!r}")
        column = RESULTS.c[metric]
        filters = {"workload": workload, "dtype": dtype, "provenance": provenance, "since": since, "until": until,
                   "hidden": False}
        conditions = [*self._conditions(filters), column > 0]
        rank = sa.func.row_number().over(partition_by=[RESULTS.c.machine, RESULTS.c.device_name],
                                         order_by=[column.desc(), RESULTS.c.id.asc()])
        ranked = sa.select(RESULTS.c.id, rank.label("place")).where(*conditions).subquery()
        winners = sa.select(ranked.c.id).where(ranked.c.place == 1)
        query = self._select({}).where(RESULTS.c.id.in_(winners)).order_by(column.desc(), RESULTS.c.id)
        with self._errors(), self._engine.connect() as conn:
            rows = conn.execute(query).all()
            total = conn.execute(sa.select(sa.func.count()).select_from(RESULTS).where(*conditions)).scalar_one()
        return to_frame(rows), total

    def values(self, column: str, *, workload: str | Sequence[str] | None = None,
               provenance: str | Sequence[str] | None = None) -> list[str]:
        """The distinct values of a text column (``workload``, ``dtype``, ``machine``...) among
        results not hidden, sorted: a page's choices without loading the rows."""
        if column not in (*_FILTERS, "added_by"):
            raise ValueError(f"not a text column of results: {column!r}")
        filters = {"workload": workload, "provenance": provenance, "hidden": False}
        query = sa.select(RESULTS.c[column]).where(*self._conditions(filters), RESULTS.c[column].is_not(None),
                                                   RESULTS.c[column] != "").distinct()
        with self._errors(), self._engine.connect() as conn:
            return sorted(conn.execute(query).scalars())

    def environments(self, ids: Iterable[int]) -> dict[int, dict]:
        """The stored environments (machine, software, devices) with these ids, by id: what a
        leaderboard shows on hover for its best rows."""
        wanted = list(dict.fromkeys(int(i) for i in ids))
        found: dict[int, dict] = {}
        with self._errors(), self._engine.connect() as conn:
            for start in range(0, len(wanted), BATCH_ROWS):
                query = sa.select(ENVIRONMENTS.c.id, ENVIRONMENTS.c.json).where(
                    ENVIRONMENTS.c.id.in_(wanted[start:start + BATCH_ROWS]))
                found.update((env_id, json.loads(text)) for env_id, text in conn.execute(query))
        return found

    # --- moderation --------------------------------------------------------------------

    def additions(self, *, limit: int = 500, added_by: str | None = None) -> pandas.DataFrame:
        """The newest additions first (hidden ones too), for a teacher: ``ADDITION_COLUMNS``.
        Results stored before schema version 5 have no ``added_at`` and come last."""
        import pandas as pd

        query = sa.select(*(RESULTS.c[name] for name in ADDITION_COLUMNS)).order_by(
            RESULTS.c.added_at.desc().nulls_last(), RESULTS.c.id.desc()).limit(int(limit))
        if added_by is not None:
            query = query.where(RESULTS.c.added_by == added_by)
        with self._errors(), self._engine.connect() as conn:
            rows = conn.execute(query).all()
        frame = pd.DataFrame.from_records([tuple(row) for row in rows], columns=list(ADDITION_COLUMNS))
        for name in ("added_at", "hidden_at"):
            frame[name] = pd.to_datetime(frame[name]).astype("datetime64[us]").dt.tz_localize("UTC")
        return frame

    def nicknames(self) -> list[str]:
        """Every nickname that added a result, sorted."""
        query = sa.select(RESULTS.c.added_by).where(RESULTS.c.added_by.is_not(None)).distinct()
        with self._errors(), self._engine.connect() as conn:
            return sorted(conn.execute(query).scalars())

    def hide(self, ids: Iterable[int] | None = None, *, added_by: str | None = None, by: str) -> int:
        """Hide results (soft delete): those with ``ids``, or everything ``added_by`` added.
        Records who hid them (``by``, a nickname) and when; returns how many were hidden now."""
        who = check_nickname(by, required=True)
        now = datetime.now(timezone.utc).replace(tzinfo=None)
        return self._moderate(ids, added_by, _hidden_is(False), {"hidden_by": who, "hidden_at": now})

    def restore(self, ids: Iterable[int] | None = None, *, added_by: str | None = None) -> int:
        """Show hidden results again (``ids``, or everything ``added_by`` added); returns how many."""
        return self._moderate(ids, added_by, _hidden_is(True), {"hidden_by": None, "hidden_at": None})

    def _moderate(self, ids: Iterable[int] | None, added_by: str | None, state: sa.ColumnElement[bool],
                  values: dict[str, Any]) -> int:
        if (ids is None) == (added_by is None):
            raise TypeError("give either ids or added_by")
        changed = 0
        with self._errors(), self._writer.begin() as conn:
            if added_by is not None:
                return conn.execute(RESULTS.update().where(RESULTS.c.added_by == added_by, state)
                                    .values(**values)).rowcount
            wanted = list(dict.fromkeys(int(i) for i in ids))
            for start in range(0, len(wanted), BATCH_ROWS):
                changed += conn.execute(RESULTS.update().where(
                    RESULTS.c.id.in_(wanted[start:start + BATCH_ROWS]), state).values(**values)).rowcount
        return changed

    # --- the class code ------------------------------------------------------------------

    def class_code_required(self) -> bool:
        """Whether this database has a class code: then writers check one (``check_class_code``)."""
        return self._setting(_CLASS_CODE) is not None

    def check_class_code(self, code: object) -> bool:
        """``code`` is this database's class code (True when it has none); constant-time."""
        stored = self._setting(_CLASS_CODE)
        return True if stored is None else matches_hash(code, stored)

    def set_class_code(self, code: str | None) -> bool:
        """Record ``code``'s salted hash (None: remove the class code); returns whether the
        database changed (the same code again changes nothing). ValueError for an unusable code."""
        stored = self._setting(_CLASS_CODE)
        if code is not None and stored is not None and matches_hash(code, stored):
            return False
        if code is None and stored is None:
            return False
        value = None if code is None else hash_code(code)
        with self._errors(), self._writer.begin() as conn:
            conn.execute(SETTINGS.delete().where(SETTINGS.c.name == _CLASS_CODE))
            if value is not None:
                conn.execute(SETTINGS.insert().values(name=_CLASS_CODE, value=value))
        return True

    def _setting(self, name: str) -> str | None:
        with self._errors(), self._engine.connect() as conn:
            return conn.execute(sa.select(SETTINGS.c.value).where(SETTINGS.c.name == name)).scalar_one_or_none()



# --- helpers of Store ------------------------------------------------------------


def _bound(value: datetime | date | str, end: bool) -> datetime:
    """A since/until argument as naive UTC; a date means the whole day."""
    if isinstance(value, str):
        moment = utc(value)
        if moment is None:
            raise ValueError(f"not an ISO-8601 date or date-time: {value!r}")
        if len(value) == 10 and end:  # "2026-11-27": until the end of that day
            return moment + timedelta(days=1) - timedelta(microseconds=1)
        return moment
    if isinstance(value, datetime):
        return value if value.tzinfo is None else value.astimezone(timezone.utc).replace(tzinfo=None)
    return datetime.combine(value, time.max if end else time.min)



def _insert_ignoring_duplicates(conn: Connection, table: sa.Table) -> Any:
    """INSERT that skips rows whose hash is already stored, even by a concurrent writer."""
    dialect = pg if conn.dialect.name == "postgresql" else sqlite
    return dialect.insert(table).on_conflict_do_nothing(index_elements=["hash"])


def _insert_rows(conn: Connection, rows: list[dict]) -> int:
    """Insert rows (skipping stored hashes) with one driver-level executemany; return how many
    were new. SQLAlchemy's per-row parameter handling would cost more than the insert itself
    (10,000 results: about 1.5 s against 0.3 s); its type converters are still applied.
    """
    compiled = _insert_ignoring_duplicates(conn, RESULTS).compile(dialect=conn.dialect, column_keys=list(rows[0]))
    keys = list(compiled.positiontup) if compiled.positional else list(rows[0])
    values = [list(row) for row in map(itemgetter(*keys), rows)]
    # Only these need converting: the drivers take str, int, float, bool and None as they are.
    for name in ("params_json", "measured_at", "added_at"):
        convert = RESULTS.c[name].type.dialect_impl(conn.dialect).bind_processor(conn.dialect)
        if convert is not None:
            column = keys.index(name)
            for value in values:
                value[column] = convert(value[column])
    params = [tuple(v) for v in values] if compiled.positional else [dict(zip(keys, v, strict=True)) for v in values]
    # No RETURNING: both drivers then run one prepared statement for all rows in one round
    # trip (psycopg: pipeline mode) and report the total of rows inserted.
    result = conn.exec_driver_sql(str(compiled), params, execution_options={"preserve_rowcount": True})
    return result.rowcount


def _mark_reference(conn: Connection, hashes: list[str]) -> None:
    """Importing reference results flags copies already stored too (never unflags)."""
    for start in range(0, len(hashes), BATCH_ROWS):
        conn.execute(RESULTS.update()
                     .where(RESULTS.c.hash.in_(hashes[start:start + BATCH_ROWS]), RESULTS.c.reference.is_(False))
                     .values(reference=True))


def _hidden_is(hidden: bool) -> sa.ColumnElement[bool]:
    return RESULTS.c.hidden_at.is_not(None) if hidden else RESULTS.c.hidden_at.is_(None)


def _matches(column: sa.ColumnElement[Any], value: str | Iterable[str]) -> sa.ColumnElement[bool]:
    if isinstance(value, str):
        return column == value
    return column.in_(list(value))


def _frame_columns() -> list[sa.ColumnElement[Any]]:
    return [ENVIRONMENTS.c.runtime if name == "runtime" else RESULTS.c[name] for name in FRAME_COLUMNS]


def _records(conn: Connection, ids: list[int] | None) -> list[tuple[int, str, str, str]]:
    """(environment id, environment JSON, record JSON, provenance) of each result."""
    query = sa.select(RESULTS.c.environment_id, ENVIRONMENTS.c.json, RESULTS.c.record_json, RESULTS.c.provenance,
                      RESULTS.c.id).join_from(
        RESULTS, ENVIRONMENTS, RESULTS.c.environment_id == ENVIRONMENTS.c.id)
    if ids is None:
        return [row[:4] for row in conn.execute(query.where(_hidden_is(False)).order_by(RESULTS.c.id))]
    wanted = list(dict.fromkeys(int(i) for i in ids))
    found: dict[int, tuple[int, str, str, str]] = {}
    for start in range(0, len(wanted), BATCH_ROWS):
        for row in conn.execute(query.where(RESULTS.c.id.in_(wanted[start:start + BATCH_ROWS]))):
            found[row[4]] = row[:4]
    missing = [i for i in wanted if i not in found]
    if missing:
        raise KeyError(f"no stored results with id {', '.join(map(str, missing[:10]))}")
    return [found[i] for i in wanted]

