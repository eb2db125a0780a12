"""The app in a real browser: every page, every run button, import, download, cancel.

One ``streamlit run app.py`` server and one headless Chromium for the module; each test
opens its own browser session (a new context), as a visitor would. Measurements are real
and small. Screenshots of every page in both languages are kept under ``artifacts/``
(``DLENV_UPDATE_SCREENSHOTS=1`` also refreshes the README's, in docs/screenshots/).
"""

import csv
import io
import json

import pytest
from browser import (
    PAGES,
    RUN_TIMEOUT_MS,
    AppServer,
    errors,
    go,
    launch_browser,
    legend,
    nav_links,
    nav_links_seen,
    open_app,
    press,
    record_nav_links,
    run_matmul_with_gpu_chosen,
    screenshot,
    start_server,
    svg_texts,
    wait_for_app_run,
    wait_for_error,
    wait_for_jobs,
)

from dlenv.data import reference
from dlenv.i18n import t
from dlenv.serve.machine_lock import MachineLock


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from start_server(tmp_path_factory)


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


@pytest.fixture
def page(browser, server):
    page = open_app(browser, server)
    yield page
    page.context.close()


def charts(page) -> int:
    return page.get_by_test_id("stPlotlyChart").count()


def quick_demo_drawn(page, lang: str) -> None:
    assert page.get_by_text(t("job_done", lang), exact=True).count() == 1
    assert charts(page) == 1
    assert t("axis_size", lang) in svg_texts(page, ".xtitle")
    assert {"64", "128", "256", "512"} <= svg_texts(page, ".xtick")  # the sizes, not "6, 7, 8, 9, 100, 2"
    assert "cpu:0 · tensorflow" in legend(page)  # a single line keeps its legend


def model_step_apart_from_its_first_call(page, lang: str) -> None:
    labels = page.get_by_test_id("stMetricLabel").all_inner_texts()
    assert t("step_time", lang) in labels and t("first_call", lang) in labels


def backends_side_by_side(page, lang: str) -> None:
    axis = svg_texts(page, ".xtick")
    assert {"tensorflow", "jax", "torch"} <= axis, axis
    assert {t("chartw_step", lang), t("chartw_first_call", lang)} <= legend(page)  # first calls compared too


def graph_traced_and_timed_three_ways(page, lang: str) -> None:
    graph = page.get_by_test_id("stGraphVizChart")
    graph.locator("svg .node").first.wait_for(timeout=30_000)  # drawn in the browser from the DOT text
    assert graph.locator("svg .node").count() >= 10
    assert {t(f"learn_mode_{mode}", lang) for mode in ("eager", "graph", "xla")} <= svg_texts(page, ".xtick")


# Each page's main action, pressed in order with the page's defaults (small, real runs), and
# what must then be on the page. Saving the session gives the leaderboard this machine.
TOUR = {
    "environment": (("load_devices", "demo_run"), quick_demo_drawn),
    "matmul": (("run",), None),
    "models": (("run",), model_step_apart_from_its_first_call),
    "training": (("tr_train",), None),
    "backends": (("compare_run",), backends_side_by_side),
    "results": (("res_save_session",), None),
    "leaderboard": ((), None),
    "learn": (("learn_trace", "tfv_run"), graph_traced_and_timed_three_ways),
}


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_every_page_after_its_run_in_both_languages(browser, server, lang):
    """The class's view: every page at 1280x720 after its main action, no error, a title in the
    page's language, the page's own checks; a full-length screenshot of each
    (artifacts/screenshots/tour-<page>-<lang>.png, the README's gallery)."""
    assert list(TOUR) == list(PAGES)
    page = open_app(browser, server, lang, viewport={"width": 1280, "height": 720})
    for name, (actions, check) in TOUR.items():
        go(page, t(PAGES[name], lang))
        for action in actions:
            if action == "res_save_session":
                save_session(page, lang)
            else:
                press(page, t(action, lang), RUN_TIMEOUT_MS)
        assert errors(page) == [], (name, errors(page))
        title = page.locator("h1").first.inner_text()
        if lang == "ko":
            assert any("가" <= ch <= "힣" for ch in title), (name, title)
        if check:
            check(page, lang)
        # The tables' columns fit the 1280 px window: none runs past the right edge into a scrollbar.
        overflow = tables_overflow(page)
        assert [px for px in overflow if px > 1] == [], (name, overflow)
        screenshot(page, f"tour-{name}-{lang}", readme=True)
    page.context.close()


def tables_overflow(page) -> list[int]:
    """For each table on the page, how many pixels of its columns lie beyond its right edge (0: fits)."""
    return page.get_by_test_id("stDataFrame").locator(".dvn-scroller").evaluate_all(
        "nodes => nodes.map(n => n.scrollWidth - n.clientWidth)")


def save_session(page, lang: str) -> None:
    """Press "Save this session's N measurements", whatever N is."""
    label = t("res_save_session", lang, count="NUMBER").split("NUMBER")[0]
    page.get_by_test_id("stMain").get_by_role("button", name=label).click()
    wait_for_app_run(page)


def test_matmul_sweep_with_naive_timing_beside_synced(page):
    go(page, t("page_matmul", "en"))
    page.get_by_text(t("naive", "en"), exact=True).click()
    wait_for_app_run(page)
    press(page, t("run", "en"), RUN_TIMEOUT_MS)
    assert errors(page) == []
    assert charts(page) >= 3  # time, throughput, roofline
    names = legend(page)  # "cpu:0 · tensorflow · naive" and "cpu:0 · tensorflow · synced", drawn apart
    assert any(n.endswith(f"tensorflow · {t('chartw_naive', 'en')}") for n in names), names
    assert any(n.endswith(f"tensorflow · {t('chartw_synced', 'en')}") for n in names), names
    ticks = svg_texts(page, ".ytick")  # log axes: powers of ten only, never Plotly's "2" and "5"
    assert ticks and not ticks & {"2", "5", "20", "50", "200", "500"}, ticks
    screenshot(page, "matmul-run")


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_matmul_with_gpu_chosen_here_shows_cpu_measured_h100_published_and_t4_predicted(browser, server, lang):
    """The article's lesson on a machine without a GPU: the CPU measured, the H100's published
    points and the T4's predicted curve, the speedup with its crossover, each labelled."""
    page = open_app(browser, server, lang)
    names = run_matmul_with_gpu_chosen(page, lang)
    published, predicted = t("prov_published", lang), t("prov_predicted", lang)
    assert f"H100 SXM · TF32 ({published})" in names, names  # float32 on an H100 runs as TF32
    assert f"T4 ({predicted})" in names and "cpu:0 · tensorflow" in names, names
    assert any(name.startswith(f"{t('chartw_crossover', lang)} · T4") for name in names), names
    assert t("chart_speedup", lang) in svg_texts(page, ".gtitle")
    # The missing GPU is said in the page's language; the CPU's results are kept.
    assert page.get_by_text(t("no_device_here", lang, kind="GPU")).count() == 1
    screenshot(page, f"matmul-gpu-compare-{lang}", readme=True)
    page.context.close()


def test_a_too_large_size_is_refused_next_to_the_input(page, server):
    go(page, t("page_matmul", "en"))
    size = page.get_by_label(t("other_size", "en"))
    size.fill("32768")  # allowed by the spec, over this machine's memory limit
    size.press("Enter")
    wait_for_error(page, "A size of 32768 is too large here: this machine allows matrices up to")
    wait_for_app_run(page)  # the rest of the run: the Run button below it
    assert page.get_by_test_id("stMain").get_by_role("button", name=t("run", "en"), exact=True).is_disabled()
    assert page.get_by_test_id("stException").count() == 0


def test_results_import_a_good_and_a_bad_file_then_download_csv(page, tmp_path):
    go(page, t("page_results", "en"))
    upload = page.get_by_test_id("stFileUploaderDropzoneInput")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"schema": "dlenv.results/99", "results": "<script>alert(1)</script>"}))
    upload.set_input_files(bad)
    wait_for_error(page, "bad.json was not imported")
    assert page.locator("script", has_text="alert(1)").count() == 0

    good = tmp_path / "good.json"
    doc = reference.load(reference.names()[0])
    good.write_text(json.dumps(doc))
    upload.set_input_files(good)
    saved = page.get_by_text(f"Saved: {len(doc['results'])} new")
    saved.first.wait_for(timeout=60_000)  # the upload reaches the server before the rerun starts
    wait_for_app_run(page)
    assert saved.count() == 1
    assert errors(page) == []

    with page.expect_download(timeout=60_000) as download:
        page.get_by_role("button", name=t("res_download_csv", "en")).click()
    # Everything stored comes down (the module's other tests may have saved their sessions first).
    rows = list(csv.DictReader(io.StringIO(download.value.path().read_text())))
    imported = [row for row in rows if row["provenance"] == "reference"]
    assert len(imported) == len(doc["results"]) and all(r["provenance"] == "reference" for r in doc["results"])
    assert {row["workload"] for row in imported} == {r["workload"] for r in doc["results"]}
    screenshot(page, "results-imported")


def test_cancel_stops_a_running_measurement(page):
    go(page, t("page_matmul", "en"))
    page.get_by_label(t("other_size", "en")).fill("4096")
    page.get_by_label(t("other_size", "en")).press("Enter")
    wait_for_app_run(page)
    page.get_by_test_id("stMain").get_by_role("button", name=t("run", "en"), exact=True).click()
    cancel = page.get_by_role("button", name=t("cancel", "en"), exact=True)
    cancel.wait_for(timeout=RUN_TIMEOUT_MS)
    page.wait_for_timeout(1000)  # let the measurement begin
    cancel.click()
    wait_for_jobs(page, RUN_TIMEOUT_MS)
    assert page.get_by_text(t("job_cancelled", "en"), exact=True).count() == 1
    assert charts(page) == 0


def test_cancel_stops_the_learn_example_while_it_waits_for_the_machine(page):
    # This test holds the machine-wide measurement lock (the server shares this user's cache
    # folder), so the job stays in line until Cancel: on a warm worker the example itself ends
    # within a second, before any click could land. Cancelling a running job is covered by the
    # Training page's browser test and tests/test_runner.py.
    lock = MachineLock()
    lock.acquire("test_browser holds the machine", lambda: False, lambda holder: None)
    try:
        go(page, t("page_learn", "en"))
        page.get_by_role("button", name=t("learn_trace", "en"), exact=True).click()
        page.get_by_text(t("job_waiting_machine", "en"), exact=True).wait_for(timeout=RUN_TIMEOUT_MS)
        page.get_by_role("button", name=t("cancel", "en"), exact=True).click()
        wait_for_jobs(page, RUN_TIMEOUT_MS)
    finally:
        lock.release()
    assert page.get_by_text(t("job_cancelled", "en"), exact=True).count() == 1
    assert page.get_by_test_id("stGraphVizChart").count() == 0 and errors(page) == []


@pytest.mark.parametrize(("path", "title_key"), [("matmul", "mm_title"), ("", "env_title")])
def test_a_fresh_server_shows_the_app_navigation_at_once(browser, tmp_path_factory, path, title_key):
    # A fresh server's first session, opened at a page URL (a browser reconnecting after
    # a restart, a bookmark when Streamlit Cloud wakes the app) or at the start page:
    # Streamlit's pages-folder mode must never show, not even its file-name links for a
    # moment (dlenv/ui/state.py explains that mode).
    fresh = AppServer(tmp_path_factory.mktemp("fresh-data")).start()
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    try:
        record_nav_links(context)
        page = context.new_page()
        page.goto(f"{fresh.url}/{path}")
        # The page's own title first: before the first run starts the script state reads "notRunning".
        page.locator("h1", has_text=t(title_key, "en")).wait_for(timeout=60_000)
        wait_for_app_run(page)
        titles = [t(key, "en") for key in PAGES.values()]
        assert nav_links(page) == titles
        assert nav_links_seen(page) == titles  # never "app", "matmul", "environment", ...
        picker = page.get_by_test_id("stSidebar").get_by_test_id("stSelectbox")
        assert picker.count() == 1 and t("language", "en") in picker.inner_text()
        assert page.url == f"{fresh.url}/{path}" and errors(page) == []
    finally:
        context.close()
        fresh.stop()
