"""The Training page in English and Korean: a real digits training (TensorFlow worker) draws its
curves, epoch times and tables; a deployment's limit and a missing dataset are said on the page.

AppTest runs the app in this process; its shared Runner (``st.cache_resource``) spawns a real
worker, shut down by the module fixture. A Korean run after the English one reuses the warm worker.
"""

import os

import pytest
import streamlit as st
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dlenv.i18n import t
from dlenv.ui import training as training_ui

TIMEOUT = 180


@pytest.fixture(scope="module", autouse=True)
def shared_runner(tmp_path_factory):
    # A store of our own; a parameter cap to be refused; a datasets folder without MNIST in it.
    saved = {key: os.environ.get(key) for key in ("DLENV_DATA_DIR", "DLENV_MAX_PARAMS", "DLENV_DATASETS")}
    os.environ["DLENV_DATA_DIR"] = str(tmp_path_factory.mktemp("data"))
    os.environ["DLENV_MAX_PARAMS"] = "100000"
    os.environ["DLENV_DATASETS"] = str(tmp_path_factory.mktemp("datasets"))
    st.cache_resource.clear()  # a runner made with other limits is shut down
    yield
    from dlenv.ui.state import runner

    shared = runner()
    st.cache_resource.clear()
    assert shared.worker_count() == 0
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


def open_training(lang: str) -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.run()
    at.switch_page("pages/training.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def train(at: AppTest, lang: str) -> AppTest:
    next(b for b in at.button if b.label == t("tr_train", lang)).click().run()
    job = at.session_state["_job_training"]
    assert job.wait(300)
    return at.run()


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "subheader", "markdown", "caption") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_digits_training_draws_its_curves_times_and_tables(lang):
    at = open_training(lang)
    assert at.title[0].value == t("tr_title", lang)
    at.slider(key="tr_epochs").set_value(2)
    at.select_slider(key="tr_batch").set_value(64)
    at = train(at, lang)
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    doc = at.session_state["results"][-1]["doc"]  # kept for the Results page like every measurement
    (run,) = doc["results"]
    assert run["workload"] == "train" and len(run["epoch_s"]) == 2 and run["test_accuracy"] > 0.5
    shown = texts(at)
    for key in ("tr_curves", "tr_times", "tr_epochs_table", "table"):
        assert t(key, lang) in shown
    metrics = {m.label: m.value for m in at.metric}
    assert metrics[t("tr_test_accuracy", lang)] == f"{run['test_accuracy']:.3f}"
    charts = at.get("plotly_chart")
    assert len(charts) >= 2  # the loss/accuracy curves and the epoch times
    epochs = at.dataframe[0].value
    assert list(epochs[t("tr_col_epoch", lang)]) == [1, 2]
    assert t("tr_col_val_accuracy", lang) in epochs.columns


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_limit_and_a_missing_dataset_are_said_and_nothing_runs(lang):
    at = open_training(lang)
    at.selectbox(key="tr_dataset").set_value("mnist").run()
    # No MNIST files in DLENV_DATASETS and no network here: said on the page, Train disabled.
    assert at.error[0].value == t("tr_no_network", lang, name="MNIST")
    assert next(b for b in at.button if b.label == t("tr_train", lang)).disabled
    at.selectbox(key="tr_dataset").set_value("digits").run()
    at.select_slider(key="tr_width_mlp").set_value(512).run()
    # (64+1)*512 + (512+1)*512 + (512+1)*10 = 301,066 parameters, over the 100,000 set above;
    # (64+1)*w + (w+1)*w + (w+1)*10 <= 100,000 up to w = 280.
    assert at.error[0].value == t("tr_lim_params", lang, count="301,066", limit="100,000", width="280")
    assert next(b for b in at.button if b.label == t("tr_train", lang)).disabled
    assert "_job_training" not in at.session_state


def test_loss_is_drawn_on_the_left_and_accuracy_on_the_right():
    run = {"epoch_s": [0.5, 0.1], "epoch_loss": [1.2, 0.4], "epoch_val_loss": [1.0, 0.5],
           "epoch_accuracy": [0.6, 0.9], "epoch_val_accuracy": [0.7, 0.88], "backend": "tensorflow",
           "params": {"pipeline": "arrays", "precision": "float32"}, "dtype": "float32"}
    figure = training_ui.curves([run], "en", names=False)
    sides = {(trace.xaxis, tuple(trace.y)) for trace in figure.data}
    assert sides == {("x", (1.2, 0.4)), ("x", (1.0, 0.5)), ("x2", (0.6, 0.9)), ("x2", (0.7, 0.88))}
