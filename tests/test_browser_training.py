"""The Training page in a real browser, in English and Korean: a digits training runs to its curves
and tables, and Cancel stops a long training within the epoch it is in (its worker is killed).

One ``streamlit run app.py`` server and one headless Chromium (tests/browser.py); the
trainings are real (TensorFlow worker, 8x8 digits, no network).
"""

import re

import pytest
from browser import RUN_TIMEOUT_MS, errors, go, launch_browser, open_app, press, start_server, wait_for_app_run, \
    wait_for_jobs

from dlenv.i18n import t


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from start_server(tmp_path_factory, DLENV_MAX_EPOCHS="40")


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


def slider_to(page, label: str, key: str) -> None:
    """Move the slider called ``label`` to an end with the keyboard ("Home" or "End")."""
    page.get_by_test_id("stMain").get_by_role("slider", name=label).press(key)
    wait_for_app_run(page)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_digits_training_runs_to_its_curves_and_cancel_stops_a_long_one(browser, server, lang):
    page = open_app(browser, server, lang)
    try:
        go(page, t("page_training", lang))
        # The page's defaults: an MLP on the 8x8 digits, 5 epochs of batch 32.
        press(page, t("tr_train", lang), RUN_TIMEOUT_MS)
        assert errors(page) == []
        for key in ("tr_curves", "tr_times", "tr_epochs_table", "table"):
            assert page.get_by_text(t(key, lang), exact=True).count() == 1, key
        assert page.get_by_test_id("stPlotlyChart").count() >= 2  # curves, epoch times
        assert page.get_by_test_id("stDataFrame").count() >= 2  # every epoch, the results table

        # A long one: 40 epochs of batch 8 (162 steps each), 4 layers of 512. Cancel once an epoch is in.
        slider_to(page, t("tr_epochs", lang), "End")
        slider_to(page, t("tr_batch", lang), "Home")
        slider_to(page, t("tr_depth", lang), "End")
        slider_to(page, t("tr_width_mlp", lang), "End")
        workers_before = {p.pid for p in server.workers()}
        page.get_by_test_id("stMain").get_by_role("button", name=t("tr_train", lang), exact=True).click()
        done = re.escape(t("tr_epoch_progress", lang, epoch="#", epochs=40, loss="", accuracy="").split(":")[0])
        live = page.get_by_text(re.compile(done.replace("\\#", "[0-9]+")))
        live.first.wait_for(timeout=RUN_TIMEOUT_MS)
        training = {p.pid for p in server.workers()}
        page.get_by_role("button", name=t("cancel", lang), exact=True).click()
        wait_for_jobs(page, RUN_TIMEOUT_MS)
        assert page.get_by_text(t("job_cancelled", lang), exact=True).count() == 1
        # The worker that trained was killed mid-training, so no epoch after the current one ran.
        assert training and not training & {p.pid for p in server.workers()}, (workers_before, training)
        assert live.count() == 0  # no epochs shown any more; the page keeps the first training's charts
    finally:
        page.context.close()
