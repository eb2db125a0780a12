"""The Training page in English and Korean: a real digits training (TensorFlow worker) draws its
curves, epoch times and tables; a deployment's limit and a missing dataset are said on the page.

AppTest runs the app in this process; its shared Runner (``st.cache_resource``) spawns a real
worker, shut down by the module fixture. A Korean run after the English one reuses the warm worker.
"""

import json

import pytest
from apptest import isolated_app, open_page
from streamlit.testing.v1 import AppTest

from dlenv.i18n import t
from dlenv.ui import tables
from dlenv.ui import training as training_ui
from dlenv.vocab import PIPELINES


@pytest.fixture(scope="module", autouse=True)
def shared_runner(tmp_path_factory):
    # A parameter cap to be refused; Keras's cache (KERAS_HOME) an empty folder and
    # keras.datasets' own server: the real "no network" path, without MNIST here.
    yield from isolated_app(tmp_path_factory, DLENV_MAX_PARAMS="100000", DLENV_DATASETS=None, DLENV_DATASETS_URL=None,
                            KERAS_HOME=str(tmp_path_factory.mktemp("keras_home")))


def open_training(lang: str) -> AppTest:
    at = open_page("training", lang)
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


def chart_runs(chart) -> dict[str, set[str]]:
    """A Plotly chart's runs (each trace's ``meta.run``) and the colours each is drawn in."""
    colours: dict[str, set[str]] = {}
    for trace in json.loads(chart.proto.spec)["data"]:
        colour = (trace.get("line") or {}).get("color") or (trace.get("marker") or {}).get("color")
        colours.setdefault(trace["meta"]["run"], set()).add(colour)
    return colours


# English compares the three precisions, Korean the three input pipelines: runs that differ in
# that alone must each have their own name and one colour on every chart.
@pytest.mark.parametrize(("lang", "comparing"), [("en", "precisions"), ("ko", "pipelines")])
def test_a_digits_training_draws_its_curves_times_and_tables(lang, comparing):
    at = open_training(lang)
    assert at.title[0].value == t("tr_title", lang)
    at.slider(key="tr_epochs").set_value(2)
    at.select_slider(key="tr_batch").set_value(64)
    at.radio(key="tr_compare").set_value(comparing).run()
    at = train(at, lang)
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    doc = at.session_state["results"][-1]["doc"]  # kept for the Results page like every measurement
    runs = doc["results"]
    assert len(runs) == 3 and not doc["errors"]
    for run in runs:
        assert run["workload"] == "train" and len(run["epoch_s"]) == 2 and run["test_accuracy"] > 0.5
    shown = texts(at)
    for key in ("tr_curves", "tr_times", "tr_epochs_table", "table"):
        assert t(key, lang) in shown
    metrics = {m.label: m.value for m in at.metric}
    best = max(run["test_accuracy"] for run in runs)
    assert metrics[t("tr_test_accuracy", lang)] == f"{best:.3f}"
    names = training_ui.run_names(runs, lang)
    assert len(set(names)) == 3
    if comparing == "precisions":  # the policy, never the compute dtype alone
        assert {run["precision_policy"] for run in runs} == {"float32", "mixed_float16", "mixed_bfloat16"}
        assert {name.split(" · ")[-1] for name in names} == {"float32", "mixed_float16", "mixed_bfloat16"}
    else:
        assert {name.split(" · ")[-1] for name in names} == {t(f"tr_pipe_{p}", lang) for p in PIPELINES}
    curves, times = at.get("plotly_chart")[:2]  # the loss/accuracy curves and the epoch times
    drawn = chart_runs(curves)
    assert set(drawn) == set(names) and all(len(colours) == 1 for colours in drawn.values())
    assert chart_runs(times) == drawn  # each run in one colour on both charts
    assert len({frozenset(colours) for colours in drawn.values()}) == 3
    epochs = at.dataframe[0].value
    assert list(epochs[t("tr_col_epoch", lang)]) == [1, 2] * 3
    assert set(epochs[t("tr_col_run", lang)]) == set(names)
    assert t("tr_col_val_accuracy", lang) in epochs.columns
    results = at.dataframe[1].value  # the results table: one distinct row per run
    assert len(results) == 3 and results["label"].nunique() == 3
    people = tables.for_people(training_ui.results_frame(doc), lang)
    dtypes = set(people.frame["dtype"])
    assert dtypes == ({"float32", "mixed_float16", "mixed_bfloat16"} if comparing == "precisions" else {"float32"})
    assert "float16" not in dtypes and people.frame["label"].nunique() == 3
    if lang == "ko":  # every word a reader sees, charts and tables included (tests/test_korean_ui.py)
        from test_korean_ui import names_from_data, offenders

        found = offenders(at, [*names_from_data(), "scikit-learn", "Fashion-MNIST", "MNIST"])  # datasets' names
        assert not found, "English on the Training page in Korean:\n" + "\n".join(found)


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


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_mixed_precision_on_a_gpu_is_said_to_gain_nothing_when_the_model_predicts_no_gain(lang):
    from dlenv.measure.workloads import Train

    def sentence(key: str) -> tuple[str, str]:  # the text before {f32}, and the text after {f16}
        template = t(key, lang, card="T4", f32="\0", f16="\1", ratio="")
        return template.split("\0")[0], template.split("\1")[1]

    small = training_ui.precision_notes(Train(dataset="digits"), [], "T4", lang)  # 26k parameters: overhead-bound
    start, end = sentence("tr_mp_predicted_same")
    assert small[0].startswith(start) and small[0].endswith(end) and small[1] == t("tr_mp_overhead", lang)
    wide = training_ui.precision_notes(Train(dataset="digits", width=2048, depth=4, batch=256), [], "T4", lang)
    start, _ = sentence("tr_mp_predicted")
    assert wide[0].startswith(start) and not wide[0].endswith(end), wide  # "(3.2× as fast)"
