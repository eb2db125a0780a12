"""The class leaderboard with a full class stored (issue 18). Run by hand; figures go in docs/benchmarks.md.

A class of 30 students, each adding 200 results (6,000 in all) from their own machine, as
uploads with their nickname; 5 of the 30 files come from a Colab T4 (cpu and gpu, provenance
imported). The worst case for the board: every result is a float32 matmul (sizes 256 to 4096,
three backends, repeated over ten days), so all 6,000 rows reach the chosen workload's query.

Timed, median of 10 after one warm-up (5 for the page):

1. ``Store.best("gflops", workload="matmul", dtype="float32", provenance=timed)``: the page's
   query (each machine's and device's best row, ranked in the database); and, for comparison,
   loading all 6,000 rows with ``Store.results`` and ranking them in pandas;
2. ``leaderboard.board`` + ``reference_lines`` (H100 and T4 published and predicted) + ``figure``;
3. the Leaderboard page's whole script run under Streamlit's AppTest (``pages/leaderboard.py``,
   server side: queries, pandas, Plotly, the messages sent to the browser), in English and
   Korean. Target: < 1 s. The browser's drawing of the chart is not included.

Usage: python bench/leaderboard.py [DATABASE_URL]   (default: a temporary SQLite file)
"""

from __future__ import annotations

import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from synthetic import median_time, timed

from dlenv import leaderboard as lb
from dlenv.data import results
from dlenv.data.store import Store
from dlenv.vocab import TIMED_PROVENANCES

STUDENTS = 30
PER_STUDENT = 200
COLAB = 5  # students whose file comes from a Colab T4
SIZES = (256, 512, 1024, 2048, 4096)
BACKENDS = ("tensorflow", "jax", "torch")


def result(student: int, i: int) -> dict:
    """A valid float32 matmul result; each (student, i) differs in content."""
    colab = student < COLAB
    device = "gpu:0" if colab and i % 2 else "cpu:0"
    n = SIZES[i % len(SIZES)]
    speed = (2.0e12 if device == "gpu:0" else 5.0e10 * (1 + student % 7)) * (0.6 + 0.4 * (i % 13) / 12)
    flops = 2.0 * n**3
    when = datetime(2026, 11, 1, tzinfo=timezone.utc) + timedelta(days=i % 10, minutes=student * 3 + i)
    return timed(flops / speed, flops, 12.0 * n * n, when, workload="matmul", params={"m": n, "n": n, "k": n},
                 label=f"matmul {n} float32", provenance="imported" if colab else "measured",
                 backend=BACKENDS[(i // 5) % 3], device=device,
                 device_name="Tesla T4" if device == "gpu:0" else f"Laptop CPU model {student % 7}",
                 dtype="float32", peak_gflops=1000.0,
                 run=i)  # an extra field: keeps each repeat a distinct result


def document(student: int) -> dict:
    environment = {"machine": f"student-{student:02d}-laptop" if student >= COLAB else f"Colab Tesla T4 #{student}",
                   "runtime": "colab" if student < COLAB else "local", "os": "Linux-6.1", "python": "3.11.7",
                   "frameworks": {"tensorflow": "2.21.0", "keras": "3.15.1"},
                   "devices": [{"id": "cpu:0"}, {"id": "gpu:0"}], "collected_at": "2026-11-01T00:00:00Z"}
    return results.make_document([result(student, i) for i in range(PER_STUDENT)], environment)


def fill(url: str) -> None:
    with Store(url) as db:
        for student in range(STUDENTS):
            db.save_document(document(student), source="upload", added_by=f"student {student:02d}")
        assert db.count() == STUDENTS * PER_STUDENT, db.count()


def page_time(lang: str, repeats: int = 5) -> tuple[float, list[float]]:
    """The Leaderboard page's script run under AppTest, after the app's first run."""
    from streamlit.testing.v1 import AppTest

    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/leaderboard.py")

    def run() -> None:
        at.run()
        assert not at.exception, [e.value for e in at.exception]
        assert at.dataframe and len(at.dataframe[0].value) >= STUDENTS, "the board did not render"

    return median_time(run, repeats, warm_up=True)


def main() -> None:
    folder = tempfile.mkdtemp()
    url = sys.argv[1] if len(sys.argv) > 1 else f"sqlite:///{folder}/dlenv.sqlite"
    os.environ["DLENV_DATABASE_URL"] = url  # the page's store
    start = time.perf_counter()
    fill(url)
    print(f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs; {url.split('://')[0]}")
    print(f"stored {STUDENTS} x {PER_STUDENT} = {STUDENTS * PER_STUDENT} results in {time.perf_counter() - start:.1f} s")
    with Store(url) as db:
        def query():
            return db.best("gflops", workload="matmul", dtype="float32", provenance=list(TIMED_PROVENANCES))

        frame, total = query()
        median, times = median_time(query, 10, warm_up=True)
        print(f"1. Store.best: {len(frame)} best of {total} rows, median {median * 1e3:.0f} ms "
              f"({', '.join(f'{x * 1e3:.0f}' for x in times)})")

        def load_all():
            every = db.results(workload="matmul", dtype="float32", provenance=list(TIMED_PROVENANCES))
            return lb.board(every, "matmul")

        assert load_all()["id"].tolist() == lb.board(frame, "matmul")["id"].tolist()  # the same board
        median, times = median_time(load_all, 10, warm_up=True)
        print(f"   (all 6,000 rows with Store.results + board in pandas: median {median * 1e3:.0f} ms)")

        def build():
            table = lb.board(frame, "matmul")
            lines = lb.reference_lines(table, frame, "matmul", "float32", ["H100 SXM", "T4"])
            return lb.figure(table, lines, db.environments(table["environment_id"]), "GFLOP/s"), table

        _, table = build()
        median, times = median_time(build, 10, warm_up=True)
        print(f"2. board + lines + figure: {len(table)} rows, median {median * 1e3:.0f} ms "
              f"({', '.join(f'{x * 1e3:.0f}' for x in times)})")
    for lang in ("en", "ko"):
        median, times = page_time(lang)
        print(f"3. page ({lang}): median {median * 1e3:.0f} ms ({', '.join(f'{x * 1e3:.0f}' for x in times)}); "
              f"target < 1000 ms {'ok' if median < 1 else 'MISSED'}")


if __name__ == "__main__":
    main()
