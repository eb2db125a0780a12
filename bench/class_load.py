"""A class of 30 at once (issue: proven in a real browser). Run by hand; figures go in docs/benchmarks.md.

One ``streamlit run app.py`` server on loopback, one headless Chromium with 30 browser
contexts (30 sessions). Every session opens the Matrix multiply page, then all press
Run within a few seconds. Each must end with its charts or a clear queue/busy message;
the server must stay up; at most one measuring process may run at any moment (sampled
every 0.2 s); memory of the app process and of the workers is sampled throughout.

Usage: python bench/class_load.py [--sessions 30] [--limit-s 900] [--warm]
"""

import argparse
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

from browser import RUN_TIMEOUT_MS, AppServer, launch_browser, press, wait_for_app_run

from dlenv.i18n import t


class Sampler(threading.Thread):
    """Samples the server's memory and how many measuring workers are alive."""

    def __init__(self, server: AppServer) -> None:
        super().__init__(daemon=True)
        self.server, self.stop = server, threading.Event()
        self.app_mb, self.workers_mb, self.most_workers = 0.0, 0.0, 0
        self.health_s, self.health_failures = 0.0, 0

    def run(self) -> None:
        while not self.stop.is_set():
            try:
                workers = self.server.workers()
                self.workers_mb = max(self.workers_mb, sum(w.memory_info().rss for w in workers) / 2**20)
            except psutil.NoSuchProcess:  # a worker that exited between listing and reading
                workers = []
            self.app_mb = max(self.app_mb, self.server.rss_mb())
            self.most_workers = max(self.most_workers, len(workers))
            began = time.monotonic()
            self.health_failures += not self.server.healthy(timeout_s=10)
            self.health_s = max(self.health_s, time.monotonic() - began)
            time.sleep(0.2)


# Installed in each page: notes, in the browser's own clock, when the session first shows
# its outcome, so a slow check from here (a busy renderer) does not skew the times.
WATCH = """() => {
    const all = selector => [...document.querySelectorAll(selector)];
    const outcome = () => {
        if (all("[data-testid=stAlertContentWarning]").some(e => e.textContent.includes("Not queued"))) return "busy";
        if (all("[data-testid=stException], [data-testid=stAlertContentError]").length) return "error";
        if (all("[data-testid=stApp][data-test-script-state=notRunning]").length
            && all("[data-testid=stPlotlyChart]").length >= 3) return "result";
        return null;
    };
    window.dlenvOutcome = null;
    const timer = setInterval(() => {
        const state = outcome();
        if (state) { window.dlenvOutcome = [state, Date.now() / 1000]; clearInterval(timer); }
    }, 100);
}"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--sessions", type=int, default=30)
    parser.add_argument("--limit-s", type=float, default=900)
    parser.add_argument("--warm", action="store_true",
                        help="run one measurement first, so the worker is started (as after a teacher's demo)")
    args = parser.parse_args()
    server = AppServer(Path(tempfile.mkdtemp(prefix="dlenv-class-"))).start()
    sampler = Sampler(server)
    sampler.start()
    try:
        for browser in launch_browser():
            if args.warm:
                page = browser.new_context().new_page()
                page.goto(f"{server.url}/matmul")
                wait_for_app_run(page, 120_000)
                press(page, t("run", "en"), RUN_TIMEOUT_MS)
                page.context.close()
            pages = []
            for _ in range(args.sessions):
                page = browser.new_context(viewport={"width": 1100, "height": 800}).new_page()
                page.goto(f"{server.url}/matmul")
                wait_for_app_run(page, 120_000)
                pages.append(page)
            print(f"{len(pages)} sessions open; app process {server.rss_mb():.0f} MB")
            buttons = [page.get_by_test_id("stMain").get_by_role("button", name=t("run", "en"), exact=True)
                       .element_handle() for page in pages]
            for page in pages:
                page.evaluate(WATCH)
            start, pressed_at = time.monotonic(), time.time()
            for button in buttons:  # a DOM click each, without Playwright's per-click waits
                button.evaluate("b => b.click()")
            pressed = time.monotonic() - start
            ended: dict[int, tuple[str, float]] = {}
            rounds = []
            while len(ended) < len(pages) and time.monotonic() - start < args.limit_s:
                began = time.monotonic()
                for i, page in enumerate(pages):
                    if i not in ended and (seen := page.evaluate("() => window.dlenvOutcome")):
                        ended[i] = (seen[0], seen[1] - pressed_at)
                rounds.append(time.monotonic() - began)
                time.sleep(1)
            print(f"asking every session took {statistics.median(rounds):.2f} s (median), "
                  f"{max(rounds):.2f} s at most")
            states = [s for s, _ in ended.values()]
            times = sorted(s for _, s in ended.values())
            print(f"all {len(pages)} pressed Run within {pressed:.1f} s")
            print(f"results {states.count('result')}, busy messages {states.count('busy')}, "
                  f"errors {states.count('error')}, unfinished {len(pages) - len(ended)}")
            if times:
                print(f"sessions done after (s): {', '.join(f'{x:.0f}' for x in times)}")
            print(f"/_stcore/health: slowest answer {sampler.health_s:.1f} s, unanswered within 10 s: "
                  f"{sampler.health_failures}; most measuring workers alive at once: {sampler.most_workers}")
            print(f"peak memory: app process {sampler.app_mb:.0f} MB, workers {sampler.workers_mb:.0f} MB")
    finally:
        sampler.stop.set()
        server.stop()


if __name__ == "__main__":
    main()
