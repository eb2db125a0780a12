"""Where the results database is and how to connect to it: the URL, engines, and errors said safely.

With no configuration the database is a SQLite file in the data folder (``DLENV_DATA_DIR``
or ``<repo>/data``). ``DLENV_DATABASE_URL`` points at any SQLite or PostgreSQL database
instead (``postgresql://user:password@host/db``): how a class shares one leaderboard.

SQLite runs in WAL mode with a busy timeout (30 s unless ``DLENV_DB_BUSY_TIMEOUT_S`` says) and
takes its write lock at the start of a write transaction (``BEGIN IMMEDIATE``, on connections
with the ``dlenv_write`` execution option), so a writer waits its turn instead of failing with
"database is locked" halfway.
"""

from __future__ import annotations

import contextlib
import json
import os
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import URL, Connection, Engine

SQLITE_FILE = "dlenv.sqlite"
BUSY_TIMEOUT_S = 30  # how long a write waits for another program's lock, unless DLENV_DB_BUSY_TIMEOUT_S says


def busy_timeout_s() -> int:
    """Seconds a SQLite write waits for another program's write lock before it is refused."""
    value = os.environ.get("DLENV_DB_BUSY_TIMEOUT_S", str(BUSY_TIMEOUT_S))
    if not value.isdigit() or int(value) < 1:
        raise StoreError(f"DLENV_DB_BUSY_TIMEOUT_S must be a whole number of seconds >= 1, got {value!r}")
    return int(value)
_REPO = Path(__file__).resolve().parents[2]


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


def parse_url(url: str) -> URL:
    """``url`` checked and ready for SQLAlchemy (PostgreSQL through psycopg 3)."""
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
            f"unsupported database {parsed.get_backend_name()!r} in {display_url(parsed)}: "
            "dlenv stores results in SQLite or PostgreSQL"
        )
    return parsed


def display_url(url: URL) -> str:
    """The URL without its password, also where a driver option carries one."""
    query = {key: ("***" if "password" in key.lower() else value) for key, value in url.query.items()}
    return url.set(query=query).render_as_string(hide_password=True)



# --- engines ---------------------------------------------------------------------



def create_engine(url: str | URL) -> Engine:
    """An engine for a SQLite or PostgreSQL URL, set up as dlenv uses them; StoreError if it cannot be made."""
    parsed = url if isinstance(url, URL) else parse_url(url)
    try:
        return _sqlite_engine(parsed) if parsed.get_backend_name() == "sqlite" else _postgres_engine(parsed)
    except ImportError as error:
        raise StoreError(f"no database driver for {display_url(parsed)}: {error}; "
                         "pip install -r requirements.txt") from None
    except (sa.exc.ArgumentError, ValueError, TypeError, OverflowError) as error:
        # A URL SQLAlchemy cannot use: a host in a SQLite URL, an option it cannot convert
        # (sqlite:///x.db?timeout=abc). Without this, a bad --db showed a traceback.
        raise StoreError(explain(parsed, error)) from None


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
    engine = sa.create_engine(url, json_serializer=canonical_json, hide_parameters=True,
                              connect_args=_defaults(url, timeout=busy_timeout_s()))
    sa.event.listen(engine, "connect", _sqlite_on_connect)
    sa.event.listen(engine, "begin", _sqlite_on_begin)
    return engine


def _sqlite_on_connect(dbapi_connection: Any, _record: Any) -> None:
    # The driver's own transaction handling would BEGIN lazily (deferred); _sqlite_on_begin
    # emits BEGIN itself.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute(f"PRAGMA busy_timeout = {busy_timeout_s() * 1000}")
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
    return sa.create_engine(url, json_serializer=canonical_json, hide_parameters=True, pool_pre_ping=True,
                            connect_args=_defaults(url, connect_timeout=10, application_name="dlenv"))


def _defaults(url: URL, **options: object) -> dict[str, object]:
    """Driver options the URL does not set itself (connect_args would override the URL's)."""
    return {name: value for name, value in options.items() if name not in url.query}


def explain(url: URL, error: BaseException) -> str:
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
    return f"database {display_url(url)}: {text}; {hint}"



def canonical_json(value: object) -> str:
    """One text per JSON value: what content hashes are taken of."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False)
