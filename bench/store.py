"""Costs of the results store (issue: store). Run by hand; figures go in docs/benchmarks.md.

1. Importing a 10,000-result JSON file (``Store.import_bytes``: parse, validate, hash,
   insert in one transaction) into a fresh SQLite database, median of 3. Target: < 3 s.
2. The Results page's main query over 100,000 stored results (ten such files from ten
   machines), median of 10 after one warm-up call. Target: < 200 ms.
   - ``Store.results(workload="matmul", limit=1000)``
   - the unfiltered newest-first page ``Store.results(limit=1000)``
   - also shown: the fastest result per device (``best_per_device``) and GPU-over-CPU pairs
     (``speedup``) over all 100,000 (no target; they scan everything). The store had them as
     methods; no page used them, so they live here, as queries on the store's tables.

Usage: python bench/store.py [DATABASE_URL_FOR_PART_2]   (default: a temporary SQLite file)
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pandas as pd
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from synthetic import median_time, timed

from dlenv.data import database, results
from dlenv.data.store import Store
from dlenv.data.store_schema import RESULTS

WORKLOADS = {
    "matmul": lambda i: {"m": 64 * (1 + i % 64), "n": 64 * (1 + i % 64), "k": 64 * (1 + i % 64)},
    "elementwise": lambda i: {"size": 256 * (1 + i % 32), "op": ("add", "multiply")[i % 2]},
    "mlp": lambda i: {"depth": 1 + i % 8, "width": 512, "batch": 64, "mode": ("inference", "train")[i % 2]},
    "cnn": lambda i: {"depth": 1 + i % 5, "filters": 32, "image": 32, "batch": 32, "mode": "inference"},
}


def result(i: int, machine: int) -> dict:
    """A valid, realistic result record; every (i, machine) gives different content."""
    workload = list(WORKLOADS)[i % 4]
    device = ("cpu:0", "gpu:0")[(i // 4) % 2]
    median = 1e-4 * (1 + i % 997) * (1 if device == "cpu:0" else 0.1)
    flops = 2.0e9 * (1 + i % 50)
    when = datetime(2026, 1, 1, tzinfo=timezone.utc) + timedelta(minutes=7 * i + machine)
    return timed(median, flops, flops / 100, when, workload=workload, params=WORKLOADS[workload](i),
                 label=f"{workload} #{i}", backend=("tensorflow", "jax", "torch")[(i // 8) % 3], device=device,
                 device_name="AMD EPYC" if device == "cpu:0" else "NVIDIA H100 80GB HBM3",
                 dtype=("float32", "bfloat16")[(i // 24) % 2], first_call_s=0.3 + machine)


def document(machine: int, count: int = 10_000) -> dict:
    environment = {"machine": f"machine-{machine}", "runtime": "local", "os": "Linux", "python": "3.11.7",
                   "devices": [{"id": "cpu:0"}, {"id": "gpu:0"}], "collected_at": "2026-01-01T00:00:00Z"}
    return results.make_document([result(i, machine) for i in range(count)], environment)


# One result per group: the same measurement on the same machine and device.
GROUP = ("machine", "device", "backend", "workload", "params_json", "dtype", "timing")


def best_per_device(engine: sa.Engine, workload: str | None = None) -> pd.DataFrame:
    """Per (machine, device, backend, workload, params, dtype, timing) the fastest result."""
    rank = sa.func.row_number().over(partition_by=[RESULTS.c[name] for name in GROUP],
                                     order_by=[RESULTS.c.median_s.asc(), RESULTS.c.id.desc()])
    ranked = sa.select(RESULTS.c.id, RESULTS.c.label, RESULTS.c.median_s, *(RESULTS.c[name] for name in GROUP),
                       rank.label("rank"))
    if workload is not None:
        ranked = ranked.where(RESULTS.c.workload == workload)
    ranked = ranked.subquery()
    with engine.connect() as conn:
        rows = conn.execute(sa.select(ranked).where(ranked.c.rank == 1)).mappings().all()
    return pd.DataFrame(rows, columns=[column.name for column in ranked.c])


def speedup(engine: sa.Engine, fast: str, slow: str) -> pd.DataFrame:
    """The fast device's best result against the slow one's for the same machine, workload, params,
    dtype, backend and timing; ``speedup`` = slow median / fast median."""
    best = best_per_device(engine)
    best["params_json"] = [json.dumps(params, sort_keys=True) for params in best["params_json"]]
    keys = [name for name in GROUP if name != "device"]
    pairs = best[best["device"] == fast].merge(best[best["device"] == slow], on=keys, suffixes=("_fast", "_slow"))
    pairs["speedup"] = pairs["median_s_slow"] / pairs["median_s_fast"]
    return pairs


def bench_import(folder: Path) -> None:
    data = results.dumps(document(0)).encode()
    times = []
    for run in range(3):
        with Store(f"sqlite:///{folder / f'import-{run}.sqlite'}") as store:
            start = time.perf_counter()
            report = store.import_bytes(data, "results.json")
            times.append(time.perf_counter() - start)
            assert report.added == 10_000, report
    print(f"import 10,000 results ({len(data) / 2**20:.1f} MB JSON) into fresh SQLite: "
          f"median {statistics.median(times):.2f} s ({', '.join(f'{t:.2f}' for t in times)})  target < 3 s")


def bench_queries(url: str) -> None:
    engine = database.create_engine(url)
    with Store(url) as store:
        start = time.perf_counter()
        for machine in range(10):
            store.save_document(document(machine))
        print(f"filled {store.count():,} results in {time.perf_counter() - start:.1f} s ({store.url_for_display})")
        cases = {
            'results(workload="matmul", limit=1000)': lambda: store.results(workload="matmul", limit=1000),
            "results(limit=1000), newest first": lambda: store.results(limit=1000),
            'results(workload="matmul", device="gpu:0", params={"m": 320}, limit=1000)':
                lambda: store.results(workload="matmul", device="gpu:0", params={"m": 320}, limit=1000),
            'best_per_device(workload="matmul")': lambda: best_per_device(engine, workload="matmul"),
            'speedup("gpu:0", "cpu:0")': lambda: speedup(engine, "gpu:0", "cpu:0"),
        }
        for name, call in cases.items():
            rows = len(call())  # warm-up: first connection, statement caches
            median, times = median_time(call, 10)
            print(f"{name}: {rows} rows, median {median * 1e3:.0f} ms "
                  f"(min {min(times) * 1e3:.0f}, max {max(times) * 1e3:.0f})")
    engine.dispose()


def main() -> None:
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, Python {platform.python_version()}, "
          f"SQLAlchemy {sa.__version__}, SQLite {__import__('sqlite3').sqlite_version}")
    with tempfile.TemporaryDirectory() as folder:
        bench_import(Path(folder))
        bench_queries(sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{Path(folder) / 'queries.sqlite'}")


if __name__ == "__main__":
    main()
