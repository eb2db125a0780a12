"""The tables of the results store, their indexes, and upgrades from older schema versions.

The version is kept in table ``dlenv_schema``. A change to the tables is a new version and an
entry in ``_UPGRADES`` (each upgrade runs in one transaction); ``migrate`` creates a fresh
database at the current version or upgrades an older one.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql as pg
from sqlalchemy.engine import Connection

from dlenv.data.classcode import MAX_NICKNAME
from dlenv.data.database import StoreError

SCHEMA_VERSION = 5
# PostgreSQL btree index entries must stay under ~2700 bytes: 255 characters of up to
# 4 UTF-8 bytes each fit. The whole value is kept in record_json/json.
MAX_INDEXED_TEXT = 255
MAX_SOURCE = 100
# Any constant works: it only has to be the same for every dlenv process.
_MIGRATION_LOCK = 0x646C656E76

_PARAMS_TYPE = sa.JSON().with_variant(pg.JSONB(), "postgresql")

# Result fields copied into columns, by type: filters, sorting and tables read these
# without parsing record_json.
FLOAT_COLUMNS = ("median_s", "iqr_s", "q1_s", "q3_s", "min_s", "mean_s", "first_call_s", "flops",
                  "bytes", "gflops", "gbps", "samples_per_s", "peak_gflops", "pct_of_peak")
INT_COLUMNS = ("n_samples", "calls_per_sample")
BOOL_COLUMNS = ("noisy",)
TEXT_COLUMNS = ("workload", "backend", "device", "device_name", "dtype", "timing", "peak_source")
# From version 3: what the machine was doing during the timed region (the Results page's busy banner).
CONTENTION_FLOAT_COLUMNS = ("other_cpu_share", "steal_share")
CONTENTION_BOOL_COLUMNS = ("busy",)
# From version 4: what each result is (dlenv.vocab.PROVENANCES) and what its matmul ran as.
# Published and predicted results have no backend or timing: those NOT NULL columns (from
# version 1) hold "" for them, and the frames read "" back as missing.
PROVENANCE_COLUMNS = ("provenance", "matmul_precision")
# From version 5: who added a result, when, and whether a teacher hid it (a soft delete: the
# row stays; Store.results() leaves hidden rows out). Where from is ``source`` (version 2).
MODERATION_COLUMNS = ("added_by", "added_at", "hidden_by", "hidden_at")


def define(metadata: sa.MetaData, version: int) -> tuple[sa.Table, sa.Table, sa.Table]:
    """The tables (dlenv_schema, environments, results) as schema ``version`` has them; from
    version 5 also ``dlenv_settings`` in ``metadata`` (name -> text: the class code's hash).

    Version 1 is frozen: never change what ``define(..., 1)`` builds.
    """
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
        *(sa.Column(name, sa.Float) for name in FLOAT_COLUMNS),
        *(sa.Column(name, sa.Integer) for name in INT_COLUMNS),
        *(sa.Column(name, sa.Boolean) for name in BOOL_COLUMNS),
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
    if version >= 3:
        columns += [*(sa.Column(name, sa.Float) for name in CONTENTION_FLOAT_COLUMNS),
                    *(sa.Column(name, sa.Boolean) for name in CONTENTION_BOOL_COLUMNS)]
    if version >= 4:
        columns += [sa.Column("provenance", sa.String(16), nullable=False, server_default="measured"),
                    sa.Column("matmul_precision", sa.String(16)),
                    sa.Index("ix_results_provenance", "provenance")]
    if version >= 5:
        columns += [sa.Column("added_by", sa.String(MAX_NICKNAME)),
                    sa.Column("added_at", sa.DateTime),
                    sa.Column("hidden_by", sa.String(MAX_NICKNAME)),
                    sa.Column("hidden_at", sa.DateTime),
                    # The moderation view: the newest additions first, and all of one nickname.
                    sa.Index("ix_results_added_at", "added_at", "id"),
                    sa.Index("ix_results_added_by", "added_by")]
        sa.Table("dlenv_settings", metadata,
                 sa.Column("name", sa.String(64), primary_key=True),
                 sa.Column("value", sa.Text, nullable=False))
    return schema, environments, sa.Table("results", metadata, *columns)


_METADATA = sa.MetaData()
SCHEMA_TABLE, ENVIRONMENTS, RESULTS = define(_METADATA, SCHEMA_VERSION)
SETTINGS = _METADATA.tables["dlenv_settings"]


def _upgrade_1_to_2(conn: Connection) -> None:
    """Add where a result came from, the reference flag, and an index for the main query."""
    conn.execute(sa.text(
        f"ALTER TABLE results ADD COLUMN source VARCHAR({MAX_SOURCE}) NOT NULL DEFAULT 'unknown'"))
    conn.execute(sa.text("ALTER TABLE results ADD COLUMN reference BOOLEAN NOT NULL DEFAULT FALSE"))
    conn.execute(sa.text("CREATE INDEX ix_results_reference ON results (reference)"))
    conn.execute(sa.text("CREATE INDEX ix_results_workload_time ON results (workload, measured_at, id)"))


def _upgrade_2_to_3(conn: Connection) -> None:
    """Add the busy-machine figures (empty for results stored before: they did not have them)."""
    for name in CONTENTION_FLOAT_COLUMNS:
        conn.execute(sa.text(f"ALTER TABLE results ADD COLUMN {name} FLOAT"))
    for name in CONTENTION_BOOL_COLUMNS:
        conn.execute(sa.text(f"ALTER TABLE results ADD COLUMN {name} BOOLEAN"))


def _upgrade_3_to_4(conn: Connection) -> None:
    """Add provenance and matmul precision. Rows stored before are dlenv timings: the stored
    reference sets are "reference", the rest "measured" (an import did not mark them before)."""
    conn.execute(sa.text("ALTER TABLE results ADD COLUMN provenance VARCHAR(16) NOT NULL DEFAULT 'measured'"))
    conn.execute(sa.text("ALTER TABLE results ADD COLUMN matmul_precision VARCHAR(16)"))
    conn.execute(sa.text("UPDATE results SET provenance = 'reference' WHERE reference"))
    conn.execute(sa.text("CREATE INDEX ix_results_provenance ON results (provenance)"))


def _upgrade_4_to_5(conn: Connection) -> None:
    """Add who added each result and when, the soft-delete columns and the settings table.
    Rows stored before keep these empty: nobody recorded who added them or when."""
    moment = sa.DateTime().compile(dialect=conn.dialect)  # as create_all spells it: DATETIME, TIMESTAMP...
    conn.execute(sa.text(f"ALTER TABLE results ADD COLUMN added_by VARCHAR({MAX_NICKNAME})"))
    conn.execute(sa.text(f"ALTER TABLE results ADD COLUMN added_at {moment}"))
    conn.execute(sa.text(f"ALTER TABLE results ADD COLUMN hidden_by VARCHAR({MAX_NICKNAME})"))
    conn.execute(sa.text(f"ALTER TABLE results ADD COLUMN hidden_at {moment}"))
    conn.execute(sa.text("CREATE INDEX ix_results_added_at ON results (added_at, id)"))
    conn.execute(sa.text("CREATE INDEX ix_results_added_by ON results (added_by)"))
    SETTINGS.create(conn)


_UPGRADES: dict[int, Callable[[Connection], None]] = {1: _upgrade_1_to_2, 2: _upgrade_2_to_3, 3: _upgrade_3_to_4,
                                                      4: _upgrade_4_to_5}


def stored_version(conn: Connection) -> int | None:
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


def migrate(conn: Connection) -> None:
    """Create or upgrade the schema; runs inside one write transaction."""
    if conn.dialect.name == "postgresql":
        # Two processes opening a fresh database must not both create the tables.
        conn.execute(sa.select(sa.func.pg_advisory_xact_lock(_MIGRATION_LOCK)))
    version = stored_version(conn)
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

