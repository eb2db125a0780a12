"""How fast the dashboard is (issue: the dashboard). Run by hand; figures go in docs/benchmarks.md.

In one fresh process, with Streamlit's AppTest (the app runs in this process):
1. the start page's first and warm render times, and that no framework is imported;
2. switching pages (median of 5 per page);
3. the Results page with 10,000 stored results;
4. the Quick demo end to end (TensorFlow worker cold start included), and memory of this
   (app) process idle and after it, with the worker measured separately.

Usage: python bench/dashboard.py
"""

import os
import statistics
import sys
import tempfile
import time

import psutil

os.environ["DLENV_DATA_DIR"] = tempfile.mkdtemp(prefix="dlenv-bench-")

from streamlit.testing.v1 import AppTest  # noqa: E402

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PAGES = ["matmul", "models", "backends", "results", "learn", "environment"]


def rss_mb(pid: int) -> float:
    return psutil.Process(pid).memory_info().rss / 2**20


def timed(at: AppTest, page: str | None = None) -> float:
    start = time.perf_counter()
    (at.switch_page(f"pages/{page}.py") if page else at).run()
    assert not at.exception, [e.value for e in at.exception]
    return time.perf_counter() - start


def fill_store(n: int) -> None:
    sys.path.insert(0, os.path.join(ROOT, "bench"))
    from store import document  # bench/store.py's 10,000-result document builder

    from dlenv.data.store import Store

    with Store() as db:
        db.save_document(document(0, n))


def main() -> None:
    at = AppTest.from_file(os.path.join(ROOT, "app.py"), default_timeout=300)
    first = timed(at)
    warm = [timed(at) for _ in range(5)]
    loaded = sorted(m for m in ("tensorflow", "jax", "torch", "keras") if m in sys.modules)
    print(f"start page: first render {first:.2f} s, warm median {statistics.median(warm):.3f} s; "
          f"frameworks in the app process: {loaded or 'none'}")
    for page in PAGES:
        times = [timed(at, page) if i % 2 == 0 else timed(at, "learn" if page != "learn" else "matmul")
                 for i in range(10)][::2]
        print(f"switch to {page}: median {statistics.median(times):.3f} s")
    fill_store(10_000)
    results = [timed(at, "results") for _ in range(3)]
    print(f"results page with 10,000 stored results: {', '.join(f'{t:.2f}' for t in results)} s")
    me = os.getpid()
    idle = rss_mb(me)
    at.switch_page("pages/environment.py").run()
    start = time.perf_counter()
    next(b for b in at.button if b.label == "Run the quick demo").click().run()
    demo = time.perf_counter() - start
    assert at.get("plotly_chart"), "the quick demo drew no chart"
    workers = [c for c in psutil.Process(me).children(recursive=True) if "dlenv.serve.worker" in " ".join(c.cmdline())]
    print(f"quick demo: {demo:.1f} s (TensorFlow worker cold start included); app process RSS idle {idle:.0f} MB, "
          f"after the demo {rss_mb(me):.0f} MB; worker(s): {', '.join(f'{rss_mb(w.pid):.0f} MB' for w in workers)}")
    from dlenv.ui.state import runner

    runner().shutdown()


if __name__ == "__main__":
    main()
