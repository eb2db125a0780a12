"""A real app server and a real browser for the end-to-end tests.

``AppServer`` runs ``streamlit run app.py --server.headless true`` on a free loopback
port with its own data folder and waits on ``/_stcore/health``. The browser is Debian's
``chromium`` driven by Playwright (no browser download): set ``DLENV_CHROMIUM`` to use
another binary. Without a Chromium the browser tests are skipped with the command that
installs one, except under CI (``CI=true``, as ``.ci/run`` runs), where that is a failure.

After each action the helpers wait the way Streamlit's own e2e suite does: on the
``data-test-connection-state`` and ``data-test-script-state`` attributes that the app
puts on its root element, not on fixed sleeps.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import psutil
import pytest

ROOT = Path(__file__).resolve().parents[1]
ARTIFACTS = ROOT / "artifacts"          # screenshots and server logs of the last run (git-ignored)
README_SHOTS = ROOT / "docs" / "screenshots"
RUN_TIMEOUT_MS = 180_000                # a run may include a worker's cold start on a busy 2-core machine
PAGES = {"environment": "page_environment", "matmul": "page_matmul", "models": "page_models",
         "training": "page_training", "backends": "page_backends", "results": "page_results", "leaderboard": "page_leaderboard",
         "learn": "page_learn"}


def chromium() -> str:
    """The Chromium binary Playwright drives; skips (or fails under CI) without one."""
    found = os.environ.get("DLENV_CHROMIUM") or shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    message = "the browser tests need Chromium: sudo apt-get install chromium (or set DLENV_CHROMIUM)"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class AppServer:
    """``streamlit run app.py`` in a child process, restartable on the same port and data."""

    def __init__(self, data_dir: Path, python: str = sys.executable, **env: str) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.data_dir = data_dir
        self.python = python
        self.env = {**os.environ, "DLENV_DATA_DIR": str(data_dir), "PYTHONPATH": str(ROOT),
                    "TF_CPP_MIN_LOG_LEVEL": "3", **env}
        self.process: subprocess.Popen | None = None
        ARTIFACTS.mkdir(exist_ok=True)
        self.log = ARTIFACTS / f"server-{self.port}.log"

    def start(self, timeout_s: float = 90) -> AppServer:
        command = [self.python, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
                   "--server.address", "127.0.0.1", "--server.port", str(self.port),
                   "--server.fileWatcherType", "none", "--browser.gatherUsageStats", "false"]
        with open(self.log, "ab") as log:
            # Its own process group: stop() ends the server and the workers it started.
            self.process = subprocess.Popen(command, cwd=ROOT, env=self.env, stdout=log, stderr=log,
                                            start_new_session=True)
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"the app server exited: {self.log.read_text()[-2000:]}")
            if self.healthy():
                return self
            time.sleep(0.3)
        raise RuntimeError(f"the app server did not answer /_stcore/health in {timeout_s:.0f} s")

    def healthy(self, timeout_s: float = 2) -> bool:
        try:
            with urllib.request.urlopen(f"{self.url}/_stcore/health", timeout=timeout_s) as answer:
                return answer.read() == b"ok"
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()
        self.process = None

    def workers(self) -> list[psutil.Process]:
        """The measuring worker processes this server started."""
        if not self.process:
            return []
        # Direct children only: a worker's own short-lived forks (before they exec another
        # program) carry the same command line but are not measuring processes.
        children = psutil.Process(self.process.pid).children()
        return [c for c in children if "dlenv.serve.worker" in " ".join(c.cmdline())]

    def rss_mb(self) -> float:
        """Memory of the app (Streamlit) process alone, in MB."""
        return psutil.Process(self.process.pid).memory_info().rss / 2**20


def start_server(tmp_path_factory, **env: str) -> Iterator[AppServer]:
    """Fixture body: a started server on fresh data, stopped afterwards."""
    server = AppServer(tmp_path_factory.mktemp("app-data"), **env).start()
    yield server
    server.stop()


def launch_browser() -> Iterator:
    """Fixture body: one headless Chromium for the module."""
    from playwright.sync_api import sync_playwright

    path = chromium()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, headless=True)
        yield browser
        browser.close()


# ------------------------------------------------------------ page helpers


def wait_for_app_run(page, timeout_ms: int = 60_000) -> None:
    """Wait until the script has finished its run: connected, and the script not running."""
    page.wait_for_timeout(250)  # past Streamlit's widget debounce, so the rerun has begun
    page.locator("[data-testid='stApp'][data-test-connection-state='CONNECTED']").wait_for(
        state="attached", timeout=timeout_ms)
    page.locator("[data-testid='stApp'][data-test-script-state='notRunning']").wait_for(
        state="attached", timeout=timeout_ms)
    # Charts load their code lazily and show a skeleton until then.
    page.get_by_test_id("stSkeleton").first.wait_for(state="detached", timeout=timeout_ms)


# Records the label of every sidebar navigation link the page ever renders, from before
# the app's first byte arrives, so a link shown for a moment and then replaced is kept
# (MutationObserver callbacks run before the browser paints: nothing painted is missed).
# A link's label is its text without its icon (a material icon is a ligature word).
_NAV_LABELS = """() => [...document.querySelectorAll("[data-testid='stSidebarNav'] a")].map(link => {
  const label = link.querySelector("[data-testid='stMarkdownContainer']") || link;
  return label.textContent.trim();
})"""
_NAV_RECORDER = f"""
window.__dlenvNavLabels = [];
const labels = {_NAV_LABELS};
new MutationObserver(() => {{
  for (const label of labels()) {{
    if (label && !window.__dlenvNavLabels.includes(label)) window.__dlenvNavLabels.push(label);
  }}
}}).observe(document, {{childList: true, subtree: true, characterData: true}});
"""


def record_nav_links(context) -> None:
    """From now on, pages of ``context`` record every sidebar link label (``nav_links_seen``)."""
    context.add_init_script(_NAV_RECORDER)


def nav_links(page) -> list[str]:
    """The labels of the sidebar navigation links shown now."""
    return page.evaluate(f"({_NAV_LABELS})()")


def nav_links_seen(page) -> list[str]:
    """Every sidebar link label ``page`` has rendered since it loaded, first seen first."""
    return page.evaluate("window.__dlenvNavLabels")


def open_app(browser, server: AppServer, lang: str = "en", viewport: dict[str, int] | None = None):
    """A new browser session on the start page, in ``lang``, in a 1280x900 window unless ``viewport``."""
    context = browser.new_context(viewport=viewport or {"width": 1280, "height": 900}, accept_downloads=True)
    page = context.new_page()
    page.goto(server.url)
    page.get_by_test_id("stAppViewContainer").wait_for(timeout=60_000)
    wait_for_app_run(page)
    if lang == "ko":
        pick(page, page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox"), "한국어")
    return page


def pick(page, selectbox, option: str) -> None:
    """Choose ``option`` in a Streamlit selectbox."""
    selectbox.click()
    page.get_by_role("option", name=option, exact=True).click()
    wait_for_app_run(page)


def go(page, title: str) -> None:
    """Follow the sidebar link called ``title`` (keeps the session, unlike a new URL)."""
    page.get_by_test_id("stSidebarNav").get_by_role("link", name=title, exact=True).click()
    wait_for_app_run(page)


def press(page, label: str, timeout_ms: int = 60_000) -> None:
    """Click the button called ``label`` in the main area and wait for the rerun to finish, and
    for the job it started (if any) to finish too."""
    page.get_by_test_id("stMain").get_by_role("button", name=label, exact=True).click()
    wait_for_app_run(page, timeout_ms)
    wait_for_jobs(page, timeout_ms)


def wait_for_jobs(page, timeout_ms: int = 60_000) -> None:
    """Wait until no job is running on the page, and the page has rerun with its result.

    A running job shows a progress bar in a fragment that reruns itself (``dlenv.ui.jobs``),
    so the script is "not running" between its reruns: the bar going away is what says the
    job is over. Its last fragment run then reruns the whole page.
    """
    page.get_by_test_id("stProgress").first.wait_for(state="detached", timeout=timeout_ms)
    wait_for_app_run(page, timeout_ms)


def wait_for_error(page, text: str, timeout_ms: int = 60_000) -> None:
    """Wait until an error box containing ``text`` shows.

    After an upload or a typed value ``wait_for_app_run`` can return before the rerun has
    begun (the file travels to the server first, and a fast run may never show as
    running), so a test that expects a message waits for the message itself.
    """
    page.get_by_test_id("stAlertContentError").filter(has_text=text).first.wait_for(timeout=timeout_ms)


def errors(page) -> list[str]:
    """Texts of the exception and error elements on the page (an exception is a bug)."""
    found = page.get_by_test_id("stException").all_inner_texts()
    return found + page.get_by_test_id("stAlertContentError").all_inner_texts()


def screenshot(page, name: str, readme: bool = False) -> Path:
    """Save a full-page screenshot as a test artefact; one the README shows (``readme``) is also
    saved under docs/screenshots when ``DLENV_UPDATE_SCREENSHOTS=1``."""
    target = ARTIFACTS / "screenshots" / f"{name}.png"
    target.parent.mkdir(parents=True, exist_ok=True)
    # The app scrolls inside its main area, so a full-page shot would stop at the window:
    # make the window as tall as the content for the shot.
    size = page.viewport_size
    height = page.get_by_test_id("stMain").evaluate("main => main.scrollHeight")
    page.set_viewport_size({"width": size["width"], "height": max(size["height"], min(height, 6000))})
    page.wait_for_timeout(300)  # charts resize to the new window
    page.screenshot(path=target)
    page.set_viewport_size(size)
    if readme and os.environ.get("DLENV_UPDATE_SCREENSHOTS"):
        from PIL import Image

        README_SHOTS.mkdir(parents=True, exist_ok=True)
        # 256 colours: a page of text and flat charts looks the same at about half the bytes.
        with Image.open(target) as shot:
            shot.convert("RGB").quantize(256).save(README_SHOTS / target.name, optimize=True)
    return target


def svg_texts(page, selector: str) -> set[str]:
    """Texts of Plotly's SVG elements (legend entries, axis ticks): they are in the DOM."""
    return set(page.locator(selector).evaluate_all("nodes => nodes.map(n => n.textContent)"))


def legend(page) -> set[str]:
    """Trace names in the Plotly legends on the page."""
    return svg_texts(page, ".legendtext")


def run_matmul_with_gpu_chosen(page, lang: str) -> set[str]:
    """On the Matrix multiply page, add "gpu" to the devices and run the default sweep; the legend names."""
    from dlenv.i18n import t

    go(page, t("page_matmul", lang))
    page.get_by_test_id("stMain").get_by_role("combobox", name=t("devices", lang), exact=True).click()
    page.get_by_role("option", name="gpu", exact=True).click()
    page.keyboard.press("Escape")
    wait_for_app_run(page)
    press(page, t("run", lang), RUN_TIMEOUT_MS)
    return legend(page)
