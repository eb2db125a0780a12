"""Memory of the app and its workers on a small deployment. Run by hand; figures go in docs/benchmarks.md.

One ``streamlit run app.py`` server with the README's Streamlit Community Cloud settings,
one headless Chromium session that runs the Quick demo, a backend comparison, and a 4096
matmul on TensorFlow and on JAX. The resident memory of the app process plus its live
workers is sampled every 0.05 s throughout; the peak must stay under 1 GB (what a small
Cloud app gets). Also reported: each backend's worker just after start (the baselines in
``dlenv.serve.limits.BASELINE_MB``) and how many workers were alive at most.

Usage: python bench/memory.py [--budget-mb 1024]
"""

import argparse
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import RUN_TIMEOUT_MS, AppServer, errors, go, launch_browser, open_app, pick, press, wait_for_app_run

from dlenv.i18n import t

# The README's Streamlit Cloud secrets (root-level keys become these environment variables).
CLOUD = {"DLENV_MAX_MATMUL": "4096", "DLENV_MAX_MODEL_MB": "256", "DLENV_QUEUE_PER_SESSION": "1",
         "DLENV_QUEUE_TOTAL": "30", "DLENV_WORKER_MEMORY_MB": "800", "DLENV_MAX_WORKERS": "1",
         "DLENV_WORKER_IDLE_S": "300"}


class Sampler(threading.Thread):
    """Peak resident memory of the app process plus its workers, and the most workers at once."""

    def __init__(self, server: AppServer) -> None:
        super().__init__(daemon=True)
        self.server, self.stop = server, threading.Event()
        self.peak_mb, self.app_mb, self.most_workers, self.step = 0.0, 0.0, 0, "server start"
        self.peaks: dict[str, float] = {}

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                workers = self.server.workers()
                total = self.server.rss_mb() + sum(w.memory_info().rss for w in workers) / 2**20
            except psutil.NoSuchProcess:  # a worker that exited between listing and reading
                continue
            self.peak_mb = max(self.peak_mb, total)
            self.peaks[self.step] = max(self.peaks.get(self.step, 0.0), total)
            self.app_mb = max(self.app_mb, self.server.rss_mb())
            self.most_workers = max(self.most_workers, len(workers))
            time.sleep(0.05)


def matmul_4096(page, backend: str) -> list[str]:
    """Run a 4096 matmul on ``backend`` from the Matrix multiply page; the page's errors."""
    go(page, t("page_matmul", "en"))
    main = page.get_by_test_id("stMain")
    pick(page, main.get_by_test_id("stSelectbox").filter(has_text=t("backend", "en")).first, backend)
    size = page.get_by_label(t("other_size", "en"))
    size.fill("4096")
    size.press("Enter")
    wait_for_app_run(page)
    if page.get_by_test_id("stMain").get_by_role("button", name=t("run", "en"), exact=True).is_disabled():
        return errors(page)  # refused next to the input, before anything runs
    press(page, t("run", "en"), RUN_TIMEOUT_MS)
    return errors(page)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--budget-mb", type=float, default=1024)
    args = parser.parse_args()
    server = AppServer(Path(tempfile.mkdtemp(prefix="dlenv-memory-")), **CLOUD).start()
    sampler = Sampler(server)
    sampler.start()
    try:
        for browser in launch_browser():
            page = open_app(browser, server)
            sampler.step = "idle app"
            time.sleep(1)
            sampler.step = "quick demo"
            press(page, t("demo_run", "en"), RUN_TIMEOUT_MS)
            print(f"quick demo: errors {errors(page)}")
            sampler.step = "backend comparison"
            go(page, t("page_backends", "en"))
            press(page, t("compare_run", "en"), RUN_TIMEOUT_MS)
            print(f"backend comparison: errors {errors(page)}")
            for backend in ("tensorflow", "jax"):
                sampler.step = f"matmul 4096 on {backend}"
                print(f"matmul 4096 on {backend}: {matmul_4096(page, backend) or 'ran'}")
    finally:
        sampler.stop.set()
        sampler.join()
        server.stop()
    for step, peak in sampler.peaks.items():
        print(f"  peak during {step}: {peak:.0f} MB")
    verdict = "under" if sampler.peak_mb < args.budget_mb else "OVER"
    print(f"peak app + workers: {sampler.peak_mb:.0f} MB ({verdict} {args.budget_mb:.0f} MB); app alone at most "
          f"{sampler.app_mb:.0f} MB; workers alive at once: at most {sampler.most_workers}")


if __name__ == "__main__":
    main()
