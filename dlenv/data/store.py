"""Results and their environments in a relational database (SQLAlchemy 2.x Core).

With no configuration the store is a SQLite file in the data folder
(``DLENV_DATA_DIR`` or ``<repo>/data``), so ``streamlit run app.py`` keeps results
across restarts. ``DLENV_DATABASE_URL`` points it at any SQLite or PostgreSQL
database instead (``postgresql://user:password@host/db``): how a class shares one
leaderboard when the app runs on Streamlit Community Cloud.

Guarantees:

* The schema is created, and upgraded from older versions, by ``Store()``
  (table ``dlenv_schema`` holds the version; each upgrade is one transaction).
* Each save is one transaction: a failure leaves the database as it was.
* Results are stored once: each has a content hash (its canonical JSON plus its
  environment's hash) under a unique index, inserted with ``ON CONFLICT DO NOTHING``
  so two writers saving the same result do not fail either.
* Several writers at once (browser sessions, the CLI) are safe: PostgreSQL locks
  rows; SQLite runs in WAL mode with a 30 s busy timeout and takes its write lock at
  the start of a write transaction (``BEGIN IMMEDIATE``), so a writer waits its turn
  instead of failing with "database is locked" halfway.

Only SQLite and PostgreSQL are supported: the dedupe insert and the params filter
use their SQL dialects.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from operator import itemgetter
from pathlib import Path
from typing import TYPE_CHECKING, Any

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.dialects import sqlite
from sqlalchemy.engine import URL, Connection, Engine

from dlenv.data import results as rs
from dlenv.data.files import read_results
from dlenv.data.tables import machine_name

if TYPE_CHECKING:
    import pandas
    from typing_extensions import Self

SCHEMA_VERSION = 2
MAX_IMPORT_BYTES = rs.MAX_BYTES
SQLITE_FILE = "dlenv.sqlite"
BUSY_TIMEOUT_S = 30
# PostgreSQL btree index entries must stay under ~2700 bytes: 255 characters of up to
# 4 UTF-8 bytes each fit. The whole value is kept in record_json/json.
MAX_INDEXED_TEXT = 255
MAX_SOURCE = 100
# Rows per INSERT statement (and ids per IN list): well under SQLite's 32766 variables.
BATCH_ROWS = 500
# Any constant works: it only has to be the same for every dlenv process.
_MIGRATION_LOCK = 0x646C656E76
_REPO = Path(__file__).resolve().parents[2]


# --- configuration ---------------------------------------------------------------


class StoreError(RuntimeError):
    """The database cannot be opened or written; the message says what to check."""


def data_dir() -> Path:
    """``DLENV_DATA_DIR`` or ``<repo root>/data``, created on demand."""
    folder = Path(os.environ.get("DLENV_DATA_DIR") or _REPO / "data")
    try:
        folder = folder.expanduser()  # RuntimeError for "~name" of no such user
        folder.mkdir(parents=True, exist_ok=True)
    except (OSError, RuntimeError) as error:
        raise StoreError(
            f"cannot create the data folder {folder}: {getattr(error, 'strerror', None) or error}; "
            "set DLENV_DATA_DIR to a writable folder or DLENV_DATABASE_URL to a database"
        ) from None
    return folder


def database_url() -> str:
    """``DLENV_DATABASE_URL`` if set, else the SQLite file in ``data_dir()``."""
    url = os.environ.get("DLENV_DATABASE_URL", "").strip()
    return url or f"sqlite:///{data_dir() / SQLITE_FILE}"


def _parse_url(url: str) -> URL:
    try:
        parsed = sa.make_url(url)
    except (sa.exc.ArgumentError, ValueError):
        # Not echoed: a malformed URL may still hold a password.
        raise StoreError(
            "DLENV_DATABASE_URL is not a database URL; expected e.g. "
            "postgresql://user:password@host:5432/dbname or sqlite:////path/to/dlenv.sqlite"
        ) from None
    # Plain postgresql:// (and Heroku-style postgres://) would pick psycopg2, which is not
    # installed: psycopg 3 is the driver in requirements.txt.
    if parsed.drivername in ("postgresql", "postgres"):
        parsed = parsed.set(drivername="postgresql+psycopg")
    if parsed.get_backend_name() not in ("sqlite", "postgresql"):
        raise StoreError(
            f"unsupported database {parsed.get_backend_name()!r} in {_mask(parsed)}: "
            "dlenv stores results in SQLite or PostgreSQL"
        )
    return parsed


def _mask(url: URL) -> str:
    """The URL without its password, also where a driver option carries one."""
    query = {key: ("***" if "password" in key.lower() else value) for key, value in url.query.items()}
    return url.set(query=query).render_as_string(hide_password=True)


# --- schema ----------------------------------------------------------------------
# Version 1 is frozen: never change what _define(..., version=1) builds. A change to the
# schema is a new version plus an entry in _UPGRADES.

_PARAMS_TYPE = sa.JSON().with_variant(pg.JSONB(), "postgresql")

# Result fields copied into columns, by type: filters, sorting and tables read these
# without parsing record_json.
_FLOAT_COLUMNS = ("median_s", "iqr_s", "q1_s", "q3_s", "min_s", "mean_s", "first_call_s", "flops",
                  "bytes", "gflops", "gbps", "samples_per_s", "peak_gflops", "pct_of_peak")
_INT_COLUMNS = ("n_samples", "calls_per_sample")
_BOOL_COLUMNS = ("noisy",)
_TEXT_COLUMNS = ("workload", "backend", "device", "device_name", "dtype", "timing", "peak_source")


def _define(metadata: sa.MetaData, version: int) -> tuple[sa.Table, sa.Table, sa.Table]:
    schema = sa.Table("dlenv_schema", metadata, sa.Column("version", sa.Integer, nullable=False))
    environments = sa.Table(
        "environments", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        sa.Column("machine", sa.Text, nullable=False),
        sa.Column("runtime", sa.Text),
        sa.Column("created", sa.DateTime, nullable=False),
        sa.Column("json", sa.Text, nullable=False),
        sa.Index("ix_environments_machine", "machine"),
    )
    columns = [
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("hash", sa.String(64), nullable=False, unique=True),
        sa.Column("environment_id", sa.Integer, sa.ForeignKey("environments.id"), nullable=False),
        # Also here, not only in environments: a CSV row carries its own machine.
        sa.Column("machine", sa.Text, nullable=False),
        sa.Column("workload", sa.String(32), nullable=False),
        sa.Column("label", sa.Text, nullable=False),
        sa.Column("backend", sa.String(32), nullable=False),
        sa.Column("device", sa.String(32), nullable=False),
        sa.Column("device_name", sa.Text, nullable=False),
        sa.Column("dtype", sa.String(16), nullable=False),
        sa.Column("timing", sa.String(16), nullable=False),
        sa.Column("params_json", _PARAMS_TYPE, nullable=False),
        *(sa.Column(name, sa.Float) for name in _FLOAT_COLUMNS),
        *(sa.Column(name, sa.Integer) for name in _INT_COLUMNS),
        *(sa.Column(name, sa.Boolean) for name in _BOOL_COLUMNS),
        sa.Column("peak_source", sa.String(16)),
        # UTC without a zone: SQLite stores it as sortable ISO text, PostgreSQL as timestamp.
        sa.Column("measured_at", sa.DateTime, nullable=False),
        sa.Column("record_json", sa.Text, nullable=False),
        sa.Index("ix_results_query", "workload", "backend", "device", "dtype"),
        sa.Index("ix_results_measured_at", "measured_at", "id"),
        sa.Index("ix_results_machine", "machine"),
        sa.Index("ix_results_environment_id", "environment_id"),
    ]
    if version >= 2:
        columns += [
            sa.Column("source", sa.String(MAX_SOURCE), nullable=False, server_default="unknown"),
            sa.Column("reference", sa.Boolean, nullable=False, server_default=sa.false()),
            sa.Index("ix_results_reference", "reference"),
            # The Results page filters by workload and shows the newest first: read in
            # order from this index and stop at the page size, instead of sorting them all.
            sa.Index("ix_results_workload_time", "workload", "measured_at", "id"),
        ]
    return schema, environments, sa.Table("results", metadata, *columns)


_METADATA = sa.MetaData()
SCHEMA_TABLE, ENVIRONMENTS, RESULTS = _define(_METADATA, SCHEMA_VERSION)


def _create_v1(conn: Connection) -> None:
    """Create the version-1 schema (kept to test the upgrade path from it)."""
    metadata = sa.MetaData()
    schema, _, _ = _define(metadata, 1)
    metadata.create_all(conn)
    conn.execute(schema.insert().values(version=1))


def _upgrade_1_to_2(conn: Connection) -> None:
    """Add where a result came from, the reference flag, and an index for the main query."""
    conn.execute(sa.text(
        f"ALTER TABLE results ADD COLUMN source VARCHAR({MAX_SOURCE}) NOT NULL DEFAULT 'unknown'"))
    conn.execute(sa.text("ALTER TABLE results ADD COLUMN reference BOOLEAN NOT NULL DEFAULT FALSE"))
    conn.execute(sa.text("CREATE INDEX ix_results_reference ON results (reference)"))
    conn.execute(sa.text("CREATE INDEX ix_results_workload_time ON results (workload, measured_at, id)"))


_UPGRADES: dict[int, Callable[[Connection], None]] = {1: _upgrade_1_to_2}


def _schema_version(conn: Connection) -> int | None:
    """The stored version; None for an empty database; StoreError for someone else's tables."""
    inspector = sa.inspect(conn)
    if inspector.has_table("dlenv_schema"):
        versions = conn.execute(sa.select(SCHEMA_TABLE.c.version)).scalars().all()
        if len(versions) != 1:
            raise StoreError(f"table dlenv_schema should hold one version, holds {len(versions)}")
        return versions[0]
    if inspector.has_table("results") or inspector.has_table("environments"):
        raise StoreError("the database has results/environments tables that dlenv did not create; "
                         "use another database (DLENV_DATABASE_URL)")
    return None


def _migrate(conn: Connection) -> None:
    """Create or upgrade the schema; runs inside one write transaction."""
    if conn.dialect.name == "postgresql":
        # Two processes opening a fresh database must not both create the tables.
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
    version = _schema_version(conn)
    if version is None:
        _METADATA.create_all(conn)
        conn.execute(SCHEMA_TABLE.insert().values(version=SCHEMA_VERSION))
        return
    if version > SCHEMA_VERSION:
        raise StoreError(f"the database has schema version {version}, newer than this dlenv's "
                         f"{SCHEMA_VERSION}: upgrade dlenv")
    for step in range(version, SCHEMA_VERSION):
        _UPGRADES[step](conn)
    conn.execute(SCHEMA_TABLE.update().values(version=SCHEMA_VERSION))


# --- engines ---------------------------------------------------------------------


def _sqlite_engine(url: URL) -> Engine:
    if url.database and url.database != ":memory:" and not url.query.get("uri"):
        # "~" expanded for SQLite too: it created the folder under home, then SQLite opened
        # the path as written ("./~/...") and failed. "~name" of no such user stays as written.
        with contextlib.suppress(RuntimeError):
            url = url.set(database=str(Path(url.database).expanduser()))
        # A folder that does not exist yet is the usual first-run case; a path that cannot
        # be created is reported when connecting.
        try:
            Path(url.database).parent.mkdir(parents=True, exist_ok=True)
        except OSError:
            pass
    engine = sa.create_engine(url, json_serializer=_canonical, hide_parameters=True,
                              connect_args=_defaults(url, timeout=BUSY_TIMEOUT_S))
    sa.event.listen(engine, "connect", _sqlite_on_connect)
    sa.event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling would BEGIN lazily (deferred); _sqlite_on_begin
    # emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_S * 1000}")
    # WAL: readers never block the writer nor the other way round; persistent in the file.
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.execute("PRAGMA foreign_keys = ON")
    cursor.close()


def _sqlite_on_begin(conn: Connection) -> None:
    # A deferred transaction that reads, then writes, fails at once with "database is
    # locked" when another writer got in between; IMMEDIATE takes the write lock first,
    # waiting up to the busy timeout.
    write = conn.get_execution_options().get("dlenv_write", False)
    conn.exec_driver_sql("BEGIN IMMEDIATE" if write else "BEGIN")


def _postgres_engine(url: URL) -> Engine:
    # pre_ping: a hosted server drops idle connections, and the app keeps its Store for hours.
    return sa.create_engine(url, json_serializer=_canonical, hide_parameters=True, pool_pre_ping=True,
                            connect_args=_defaults(url, connect_timeout=10, application_name="dlenv"))


def _defaults(url: URL, **options: object) -> dict[str, object]:
    """Driver options the URL does not set itself (connect_args would override the URL's)."""
    return {name: value for name, value in options.items() if name not in url.query}


def _explain(url: URL, error: BaseException) -> str:
    """Why the database failed, with what to check; never shows the password."""
    reason = str(getattr(error, "orig", None) or error).strip().splitlines()
    text = (reason[0] if reason else type(error).__name__)[:300]
    if url.password:
        text = text.replace(str(url.password), "***")
    if "locked" in text:  # SQLite's write lock held past the busy timeout by another program
        hint = "another program is writing to it; nothing was saved, try again in a moment"
    elif url.get_backend_name() == "sqlite":
        hint = ("check that the folder exists and is writable (DLENV_DATA_DIR), "
                "or set DLENV_DATABASE_URL")
    else:
        hint = ("check the host, port, user, password and database name in DLENV_DATABASE_URL, "
                "and that the server accepts connections")
    return f"database {_mask(url)}: {text}; {hint}"


# --- values ----------------------------------------------------------------------


def _canonical(value: object) -> str:
    """One text per JSON value: what content hashes are taken of."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _utc(value: str) -> datetime | None:
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


def _bound(value: datetime | date | str, end: bool) -> datetime:
    """A since/until argument as naive UTC; a date means the whole day."""
    if isinstance(value, str):
        moment = _utc(value)
        if moment is None:
            raise ValueError(f"not an ISO-8601 date or date-time: {value!r}")
        if len(value) == 10 and end:  # "2026-11-27": until the end of that day
            return moment + timedelta(days=1) - timedelta(microseconds=1)
        return moment
    if isinstance(value, datetime):
        return value if value.tzinfo is None else value.astimezone(timezone.utc).replace(tzinfo=None)
    return datetime.combine(value, time.max if end else time.min)


def _check_storable(value: object, path: str) -> None:
    """Refuse text PostgreSQL cannot hold (NUL), so SQLite and PostgreSQL accept the same files."""
    if isinstance(value, str) and "\x00" in value:
        raise rs.ResultsError(f"{path}: contains a NUL character (U+0000), which the database cannot store")
    if isinstance(value, dict):
        for key, item in value.items():
            _check_storable(key, path)
            _check_storable(item, f"{path}.{key}")


def _label(result: dict) -> str:
    """The record's own label (dlenv writes one), else workload, params and dtype."""
    if isinstance(result.get("label"), str) and result["label"]:
        return result["label"]
    params = " ".join(f"{key}={value}" for key, value in result["params"].items())
    return " ".join(part for part in (result["workload"], params, result["dtype"]) if part)


def _document_time(doc: dict) -> datetime:
    """When a document's results were measured, for those without their own time: the same
    rule as results.to_dataframe (the environment's time, else the file's).
    """
    environment = doc["environment"]
    for value in (environment.get("time"), environment.get("collected_at"), doc["created"]):
        moment = _utc(value) if isinstance(value, str) else None
        if moment is not None:
            return moment
    return datetime.now(timezone.utc).replace(tzinfo=None)


def _measured_at(result: dict, fallback: datetime) -> datetime:
    value = result.get("measured_at")
    return (_utc(value) if isinstance(value, str) else None) or fallback


def _result_row(result: dict, env_machine: str, fallback_time: datetime, env_hash: str, index: int) -> dict:
    record = _canonical(result)
    machine = result["machine"] if isinstance(result.get("machine"), str) else env_machine
    row = {name: result.get(name) for name in (*_FLOAT_COLUMNS, *_INT_COLUMNS, *_BOOL_COLUMNS, *_TEXT_COLUMNS)}
    row.update(
        hash=_sha256(env_hash + "\n" + record),
        machine=machine[:MAX_INDEXED_TEXT],
        label=_label(result),
        params_json=result["params"],
        measured_at=_measured_at(result, fallback_time),
        record_json=record,
    )
    # JSON escapes NUL as \u0000: only then look for the field to name (a rare, slow path).
    if "\\u0000" in record:
        for name in ("machine", "label", "device_name", "params_json"):
            _check_storable(row[name], f"results[{index}].{name.removesuffix('_json')}")
    return row


# --- the store -------------------------------------------------------------------


@dataclass(frozen=True)
class SaveReport:
    """What one save did: results added, results already stored, the environment's id."""

    added: int
    duplicates: int
    environment_id: int


# Columns of the frames that results(), best_per_device() and latest_per_device() return.
FRAME_COLUMNS = (
    "id", "measured_at", "machine", "runtime", "workload", "label", "backend", "device", "device_name",
    "dtype", "timing", "median_s", "iqr_s", "q1_s", "q3_s", "min_s", "mean_s", "gflops", "gbps",
    "samples_per_s", "pct_of_peak", "peak_gflops", "peak_source", "flops", "bytes", "first_call_s",
    "n_samples", "calls_per_sample", "noisy", "reference", "source",
)
_KEY_COLUMNS = ("machine", "device", "backend", "workload", "params_json", "dtype", "timing")
_FILTERS = ("workload", "backend", "device", "dtype", "machine", "timing")


class Store:
    """Results in a database; see the module docstring for what it guarantees."""

    def __init__(self, url: str | None = None) -> None:
        """Connect to ``url`` (default: ``database_url()``), creating or upgrading the schema."""
        self._url = _parse_url(url or database_url())
        self.url_for_display = _mask(self._url)
        try:
            sqlite_url = self._url.get_backend_name() == "sqlite"
            self._engine = _sqlite_engine(self._url) if sqlite_url else _postgres_engine(self._url)
        except ImportError as error:
            raise StoreError(f"no database driver for {self.url_for_display}: {error}; "
                             "pip install -r requirements.txt") from None
        except (sa.exc.ArgumentError, ValueError, TypeError, OverflowError) as error:
            # A URL SQLAlchemy cannot use: a host in a SQLite URL, an option it cannot convert
            # (sqlite:///x.db?timeout=abc). Without this, a bad --db showed a traceback.
            raise StoreError(_explain(self._url, error)) from None
        self._writer = self._engine.execution_options(dlenv_write=True)
        try:
            self._open()
        except (ValueError, TypeError, OverflowError) as error:
            # Raised by the driver at connect, not as a DBAPIError: a NUL in the path (%00),
            # an option out of range (?detect_types=99999999999999999999).
            self._engine.dispose()
            raise StoreError(_explain(self._url, error)) from None
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
                current = _schema_version(conn)
            if current != SCHEMA_VERSION:
                with self._writer.begin() as conn:
                    _migrate(conn)

    @contextmanager
    def _errors(self) -> Iterator[None]:
        """Database failures as StoreError, naming the database without its password."""
        try:
            yield
        except sa.exc.DBAPIError as error:
            raise StoreError(_explain(self._url, error)) from None

    # --- writing ---------------------------------------------------------------------

    def save_document(self, doc: dict, *, source: str = "local", reference: bool = False) -> SaveReport:
        """Validate ``doc`` (ResultsError if invalid) and store it in one transaction."""
        return self._save(rs.validate_document(doc), source=source, reference=reference)

    def import_bytes(self, data: bytes, filename: str = "", *, source: str = "import",
                     reference: bool = False) -> SaveReport:
        """Store an uploaded results file, JSON or CSV (by suffix, else by content).

        A bad file raises ResultsError and stores nothing.
        """
        return self._save(read_results(data, filename), source=source, reference=reference)

    def _save(self, doc: dict, *, source: str, reference: bool,
              after_batch: Callable[[int], None] | None = None) -> SaveReport:
        """Store a validated document. ``after_batch(rows so far)`` runs inside the transaction
        after each INSERT batch: tests raise from it to check that nothing partial stays.
        """
        if not isinstance(source, str) or not 0 < len(source) <= MAX_SOURCE or "\x00" in source:
            raise ValueError(f"source must be a text of 1 to {MAX_SOURCE} characters, got {source!r}")
        environment = doc["environment"]
        env_json = _canonical(environment)
        env_hash = _sha256(env_json)
        rows = _unique_rows(doc, env_hash)
        with self._errors(), self._writer.begin() as conn:
            env_id = self._environment_id(conn, environment, env_json, env_hash, doc["created"])
            added = 0
            for start in range(0, len(rows), BATCH_ROWS):
                batch = [{**row, "environment_id": env_id, "source": source, "reference": reference}
                         for row in rows[start:start + BATCH_ROWS]]
                added += _insert_rows(conn, batch)
                if after_batch is not None:
                    after_batch(start + len(batch))
            if reference:
                _mark_reference(conn, [row["hash"] for row in rows])
        return SaveReport(added=added, duplicates=len(doc["results"]) - added, environment_id=env_id)

    @staticmethod
    def _environment_id(conn: Connection, environment: dict, env_json: str, env_hash: str,
                        created: str) -> int:
        machine, runtime = _environment_columns(environment)
        conn.execute(_insert_ignoring_duplicates(conn, ENVIRONMENTS).values(
            hash=env_hash, machine=machine, runtime=runtime, json=env_json,
            # When the document that first brought this environment was written.
            created=_utc(created) or datetime.now(timezone.utc).replace(tzinfo=None)))
        # Read back rather than RETURNING: the row may come from another writer.
        return conn.execute(sa.select(ENVIRONMENTS.c.id).where(ENVIRONMENTS.c.hash == env_hash)).scalar_one()

    # --- reading ---------------------------------------------------------------------

    def count(self) -> int:
        with self._errors(), self._engine.connect() as conn:
            return conn.execute(sa.select(sa.func.count()).select_from(RESULTS)).scalar_one()

    def results(self, *, workload: str | Sequence[str] | None = None, backend: str | Sequence[str] | None = None,
                device: str | Sequence[str] | None = None, dtype: str | Sequence[str] | None = None,
                machine: str | Sequence[str] | None = None, timing: str | Sequence[str] | None = None,
                reference: bool | None = None, since: datetime | date | str | None = None,
                until: datetime | date | str | None = None, params: dict | None = None,
                limit: int | None = None) -> pandas.DataFrame:
        """Stored results, newest first, one row per result (the Results page's main query).

        Text filters take one value or a list of values. ``params`` keeps results whose
        params include each given name with that value. ``since``/``until`` (datetime,
        date or ISO text, UTC when naive) are inclusive; a date means the whole day.
        """
        filters = {"workload": workload, "backend": backend, "device": device, "dtype": dtype,
                   "machine": machine, "timing": timing, "reference": reference, "since": since,
                   "until": until, "params": params}
        query = self._select(filters).order_by(RESULTS.c.measured_at.desc(), RESULTS.c.id.desc())
        return self._frame(query.limit(limit) if limit is not None else query)

    def best_per_device(self, **filters: Any) -> pandas.DataFrame:
        """Per (machine, device, backend, workload, params, dtype, timing) the fastest result."""
        return self._one_per_key(filters, [RESULTS.c.median_s.asc(), RESULTS.c.id.desc()])

    def latest_per_device(self, **filters: Any) -> pandas.DataFrame:
        """Per (machine, device, backend, workload, params, dtype, timing) the newest result."""
        return self._one_per_key(filters, [RESULTS.c.measured_at.desc(), RESULTS.c.id.desc()])

    def speedup(self, fast_device: str, slow_device: str, **filters: Any) -> pandas.DataFrame:
        """Best result of ``fast_device`` against ``slow_device`` on the same machine, workload,
        params, dtype, backend and timing; ``speedup`` = slow median / fast median.
        """
        if "device" in filters:
            raise TypeError("speedup() takes the devices as fast_device and slow_device, not device=")
        limit = filters.pop("limit", None)
        best = self._one_per_key({**filters, "device": [fast_device, slow_device]},
                                 [RESULTS.c.median_s.asc(), RESULTS.c.id.desc()], keep_params=True)
        table = _pair(best, fast_device, slow_device)
        return table.head(limit) if limit is not None else table

    def document(self, ids: list[int] | None = None) -> dict:
        """Stored results as a valid dlenv.results/1 document (the whole store by default).

        Results with different environments are merged with ``results.merge_documents``.
        """
        with self._errors(), self._engine.connect() as conn:
            rows = _records(conn, ids)
        groups: dict[int, tuple[dict, list[dict]]] = {}
        for env_id, env_json, record_json in rows:
            groups.setdefault(env_id, (json.loads(env_json), []))[1].append(json.loads(record_json))
        docs = [rs.make_document(records, environment) for environment, records in groups.values()]
        if not docs:
            return rs.validate_document(rs.make_document([], {}))
        return rs.validate_document(docs[0]) if len(docs) == 1 else rs.merge_documents(docs)

    def _select(self, filters: dict[str, Any]) -> sa.Select:
        query = sa.select(*_frame_columns(), RESULTS.c.params_json).join_from(
            RESULTS, ENVIRONMENTS, RESULTS.c.environment_id == ENVIRONMENTS.c.id)
        return query.where(*self._conditions(filters))

    def _conditions(self, filters: dict[str, Any]) -> list[sa.ColumnElement[bool]]:
        unknown = set(filters) - {*_FILTERS, "reference", "since", "until", "params"}
        if unknown:
            raise TypeError(f"unknown filter(s): {', '.join(sorted(unknown))}")
        conditions = [_matches(RESULTS.c[name], filters.get(name)) for name in _FILTERS
                      if filters.get(name) is not None]
        if filters.get("reference") is not None:
            conditions.append(RESULTS.c.reference == bool(filters["reference"]))
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

    def _one_per_key(self, filters: dict[str, Any], order: list[Any], keep_params: bool = False) -> pandas.DataFrame:
        limit = filters.pop("limit", None)
        rank = sa.func.row_number().over(partition_by=[RESULTS.c[name] for name in _KEY_COLUMNS], order_by=order)
        ranked = self._select(filters).add_columns(rank.label("rank")).subquery()
        query = (sa.select(*(column for column in ranked.c if column.name != "rank"))
                 .where(ranked.c.rank == 1).order_by(ranked.c.measured_at.desc(), ranked.c.id.desc()))
        return self._frame(query.limit(limit) if limit is not None else query, keep_params)

    def _frame(self, query: sa.Select, keep_params: bool = False) -> pandas.DataFrame:
        with self._errors(), self._engine.connect() as conn:
            rows = conn.execute(query).all()
        return _to_frame(rows, keep_params)


# --- helpers of Store ------------------------------------------------------------


def _unique_rows(doc: dict, env_hash: str) -> list[dict]:
    """Rows to insert, each content hash once (a document may repeat a result)."""
    rows: dict[str, dict] = {}
    env_machine, fallback_time = _environment_columns(doc["environment"])[0], _document_time(doc)
    for index, result in enumerate(doc["results"]):
        row = _result_row(result, env_machine, fallback_time, env_hash, index)
        rows.setdefault(row["hash"], row)
    return list(rows.values())


def _environment_columns(environment: dict) -> tuple[str, str | None]:
    """(machine, runtime) of an environment, as stored in its columns."""
    # The same name results.to_dataframe shows (hostname, machine, cpu...).
    machine = machine_name(environment)[:MAX_INDEXED_TEXT]
    runtime = environment.get("runtime")
    runtime = runtime[:MAX_INDEXED_TEXT] if isinstance(runtime, str) else None
    _check_storable(machine, "environment.machine")
    _check_storable(runtime, "environment.runtime")
    return machine, runtime


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
    for name in ("params_json", "measured_at"):
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


def _matches(column: sa.ColumnElement[Any], value: str | Iterable[str]) -> sa.ColumnElement[bool]:
    if isinstance(value, str):
        return column == value
    return column.in_(list(value))


def _frame_columns() -> list[sa.ColumnElement[Any]]:
    return [ENVIRONMENTS.c.runtime if name == "runtime" else RESULTS.c[name] for name in FRAME_COLUMNS]


def _records(conn: Connection, ids: list[int] | None) -> list[tuple[int, str, str]]:
    query = sa.select(RESULTS.c.environment_id, ENVIRONMENTS.c.json, RESULTS.c.record_json, RESULTS.c.id).join_from(
        RESULTS, ENVIRONMENTS, RESULTS.c.environment_id == ENVIRONMENTS.c.id)
    if ids is None:
        return [row[:3] for row in conn.execute(query.order_by(RESULTS.c.id))]
    wanted = list(dict.fromkeys(int(i) for i in ids))
    found: dict[int, tuple[int, str, str]] = {}
    for start in range(0, len(wanted), BATCH_ROWS):
        for row in conn.execute(query.where(RESULTS.c.id.in_(wanted[start:start + BATCH_ROWS]))):
            found[row[3]] = row[:3]
    missing = [i for i in wanted if i not in found]
    if missing:
        raise KeyError(f"no stored results with id {', '.join(map(str, missing[:10]))}")
    return [found[i] for i in wanted]


def _to_frame(rows: Sequence[Any], keep_params: bool) -> pandas.DataFrame:
    """Query rows as the frame the Results page shows: typed columns plus param_<name>."""
    import pandas as pd

    frame = pd.DataFrame.from_records([row[:-1] for row in rows], columns=list(FRAME_COLUMNS))
    params = [row[-1] for row in rows]
    names = list(dict.fromkeys(name for item in params for name in item))
    for name in names:
        frame["param_" + name] = pd.Series([item.get(name) for item in params], dtype=_param_dtype(params, name))
    if keep_params:
        frame["params_key"] = [_canonical(item) for item in params]
    dtypes: dict[str, str] = {name: "float64" for name in _FLOAT_COLUMNS}
    dtypes.update({name: "Int64" for name in _INT_COLUMNS})
    dtypes.update({"id": "int64", "noisy": "boolean", "reference": "bool"})
    frame = frame.astype(dtypes)
    frame["measured_at"] = pd.to_datetime(frame["measured_at"]).astype("datetime64[us]").dt.tz_localize("UTC")
    return frame


def _param_dtype(params: list[dict], name: str) -> str:
    values = [item[name] for item in params if name in item]
    if all(isinstance(value, bool) for value in values):
        return "boolean"
    if all(isinstance(value, int) and not isinstance(value, bool) for value in values):
        return "Int64"
    return "object"


def _pair(best: pandas.DataFrame, fast: str, slow: str) -> pandas.DataFrame:
    """Join the fast device's rows to the slow one's on everything but the device."""
    keys = ["machine", "workload", "backend", "dtype", "timing", "params_key"]
    param_columns = [name for name in best.columns if name.startswith("param_")]
    shared = best[keys + ["label", *param_columns]].drop_duplicates(keys)
    sides = []
    for side, device in (("fast", fast), ("slow", slow)):
        part = best[best["device"] == device][keys + ["id", "device", "device_name", "median_s"]]
        renamed = {name: f"{side}_{name}" for name in ("id", "device", "device_name", "median_s")}
        sides.append(part.rename(columns=renamed))
    table = sides[0].merge(sides[1], on=keys).merge(shared, on=keys, how="left")
    table["speedup"] = table["slow_median_s"] / table["fast_median_s"]
    order = ["machine", "workload", "label", "backend", "dtype", "timing", *param_columns,
             "fast_device", "slow_device", "fast_median_s", "slow_median_s", "speedup",
             "fast_device_name", "slow_device_name", "fast_id", "slow_id"]
    return table.sort_values(["machine", "workload", "backend", "dtype", "timing", "slow_median_s"],
                             kind="stable")[order].reset_index(drop=True)
