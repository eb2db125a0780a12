"""The first Quick demo after a fresh server start, and warm page switches, in a real browser.

Issue 15's bars: the first Quick demo after a fresh start within 8 s on 2 cores (idle
machine), warm page switches under 0.5 s. For each repeat, a fresh
``streamlit run app.py --server.headless true`` (``tests/browser.AppServer``: its own port
and data folder) and a fresh headless Chromium session (Debian's, through Playwright):

1. open the start page, and time it until the app's first run has finished;
2. wait ``delay`` seconds (0: click at once, while the TensorFlow worker may still be
   loading; 10: a teacher who reads the page first), press "Run the quick demo", and time
   from the click to the chart drawn (its SVG in the page);
3. switch between the pages through the sidebar several times, and time each from the
   click until the page's script run has finished (the ``data-test-script-state``
   attribute going ``running`` -> ``notRunning``).

``--no-prewarm`` runs the same with ``DLENV_PREWARM=0`` (the worker starts on the click),
the figure before this change. Every timed click records what other programs did to
the machine meanwhile (``dlenv.measure.contention.Probe`` around this process's tree: the
server, its workers and the browser count as ours) and the 1-minute load average, so a
busy run is labelled. The browser runs on the same CPUs as the server.

Usage: python bench/first_demo.py [--repeats 3] [--delay 0 --delay 10] [--no-prewarm] [--switches 3]
Figures go in docs/benchmarks.md ("First demo and page switches").
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from browser import ARTIFACTS, AppServer, chromium
from playwright.sync_api import Error as PlaywrightError

from dlenv.i18n import t
from dlenv.measure.contention import Probe

SWITCH_PAGES = ["page_matmul", "page_models", "page_backends", "page_learn", "page_environment"]

# Clicks the sidebar link ``title`` and resolves with the seconds until the script run it
# starts has finished: the ``data-test-script-state`` attribute back to "notRunning" after
# "running" (attributeOldValue catches a short "running"), or, when React batched both into
# one render so the attribute never changed, the address and the page's title changed.
_SWITCH_JS = """async (title) => {
  const app = document.querySelector("[data-testid='stApp']");
  const link = [...document.querySelectorAll("[data-testid='stSidebarNav'] a")]
    .find(a => a.textContent.trim().endsWith(title));
  const path = location.pathname, heading = () => (document.querySelector("h1") || {}).textContent;
  const before = heading();
  let ran = false;
  const finished = new Promise(resolve => {
    const observer = new MutationObserver(records => {
      for (const r of records) if (r.attributeName === "data-test-script-state" && r.oldValue === "running") ran = true;
      const state = app.getAttribute("data-test-script-state");
      if (state === "running") ran = true;
      const moved = location.pathname !== path && heading() !== before;
      if (state === "notRunning" && (ran || moved)) { observer.disconnect(); resolve(performance.now()); }
    });
    observer.observe(document.body, {attributes: true, attributeFilter: ["data-test-script-state"],
                                     attributeOldValue: true, childList: true, subtree: true});
  });
  const began = performance.now();
  link.click();
  const timeout = new Promise((_, reject) => setTimeout(() => reject(new Error("no run within 60 s")), 60000));
  return ((await Promise.race([finished, timeout])) - began) / 1000;
}"""


def log(message: str) -> None:
    print(f"{time.strftime('%H:%M:%S')} {message}", file=sys.stderr, flush=True)


def load_1m() -> float:
    return round(os.getloadavg()[0], 2)


def wait_for_run(page, timeout_ms: int = 120_000) -> None:
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout_ms)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout_ms)


def one_start(browser, delay_s: float, switches: int, prewarm: bool) -> dict:
    """A fresh server and browser session: page load, the first demo, then page switches."""
    env = {} if prewarm else {"DLENV_PREWARM": "0"}
    server = AppServer(Path(tempfile.mkdtemp(prefix="dlenv-first-demo-")), **env)
    record: dict = {"prewarm": prewarm, "delay_s": delay_s, "load_1m_before": load_1m()}
    began = time.perf_counter()
    server.start()
    record["server_start_s"] = round(time.perf_counter() - began, 2)
    context = browser.new_context(viewport={"width": 1280, "height": 720})
    page = context.new_page()
    try:
        began = time.perf_counter()
        page.goto(server.url)
        page.get_by_test_id("stAppViewContainer").wait_for(timeout=120_000)
        page.locator("h1").first.wait_for(timeout=120_000)
        wait_for_run(page)
        record["page_load_s"] = round(time.perf_counter() - began, 2)
        log(f"page loaded in {record['page_load_s']} s; clicking in {delay_s:.0f} s")
        time.sleep(delay_s)
        record["workers_before_click"] = len(server.workers())

        probe = Probe()
        began = time.perf_counter()
        page.get_by_test_id("stMain").get_by_role("button", name=t("demo_run", "en"), exact=True).click()
        page.locator("[data-testid='stPlotlyChart'] .main-svg").first.wait_for(timeout=180_000)
        record["demo_s"] = round(time.perf_counter() - began, 2)
        log(f"first demo {record['demo_s']} s")
        contention = probe.stop()
        record["demo_other_cpu_share"] = round(contention.other_cpu_share, 3)
        record["demo_busy"] = contention.busy
        record["errors"] = page.get_by_test_id("stException").count() + page.get_by_test_id(
            "stAlertContentError").count()

        wait_for_run(page)
        switch_times, switch_other, lost = [], [], 0
        for _ in range(switches):
            for key in SWITCH_PAGES:
                log(f"switch to {key}")
                probe = Probe()
                try:
                    switch_times.append(page.evaluate(_SWITCH_JS, t(key, "en")))
                except PlaywrightError as exc:  # the click started no run that the page showed: counted, not timed
                    lost += 1
                    wait_for_run(page)
                    log(f"switch to {key}: {exc.message.splitlines()[0]}; the page shows {page.url}, "
                        f"{page.locator('h1').first.inner_text()!r}")
                    continue
                switch_other.append(probe.stop().other_cpu_share)
                page.get_by_test_id("stSkeleton").first.wait_for(state="detached", timeout=60_000)
        record["switch_median_s"] = round(statistics.median(switch_times), 3)
        record["switch_max_s"] = round(max(switch_times), 3)
        record["switches"] = len(switch_times)
        record["switches_without_a_run"] = lost
        record["switch_other_cpu_share"] = round(statistics.median(switch_other), 3)
        record["load_1m_after"] = load_1m()
    finally:
        context.close()
        server.stop()
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--delay", type=float, action="append", help="seconds between page load and click")
    parser.add_argument("--switches", type=int, default=3, help="rounds through the pages per start")
    parser.add_argument("--no-prewarm", action="store_true", help="also run with DLENV_PREWARM=0 (delay 0)")
    args = parser.parse_args()
    delays = args.delay or [0.0, 10.0]

    from playwright.sync_api import sync_playwright

    records = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium(), headless=True)
        runs = [(delay, True) for delay in delays] + ([(0.0, False)] if args.no_prewarm else [])
        for repeat in range(args.repeats):
            for delay, prewarm in runs:
                record = one_start(browser, delay, args.switches, prewarm)
                record["repeat"] = repeat + 1
                print(json.dumps(record), flush=True)
                records.append(record)
        browser.close()

    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "first_demo.json").write_text(json.dumps(records, indent=1))
    print("\n| prewarm | delay | first demo, click to chart (s) | median | page load (s) | warm switch median / max (s) "
          "| other programs' CPU during the demos | load 1 min before |")
    print("|---|---|---|---|---|---|---|---|")
    for delay, prewarm in sorted({(r["delay_s"], r["prewarm"]) for r in records}, key=lambda k: (not k[1], k[0])):
        rows = [r for r in records if r["delay_s"] == delay and r["prewarm"] == prewarm]
        demos = [r["demo_s"] for r in rows]
        loads = ", ".join(f"{r['page_load_s']:.1f}" for r in rows)
        others = ", ".join(f"{100 * r['demo_other_cpu_share']:.0f}%" for r in rows)
        switch = f"{statistics.median(r['switch_median_s'] for r in rows):.2f} / {max(r['switch_max_s'] for r in rows):.2f}"
        print(f"| {'on' if prewarm else 'off'} | {delay:.0f} s | {', '.join(f'{d:.1f}' for d in demos)} "
              f"| **{statistics.median(demos):.1f}** | {loads} | {switch} | {others} "
              f"| {', '.join(str(r['load_1m_before']) for r in rows)} |")

if __name__ == "__main__":
    main()
