"""The Learn page's TensorFlow 1.x vs 2.x example, run for real in the TensorFlow worker, and its
tf.keras and backend-engine tables, in English and Korean (AppTest, as tests/test_pages.py)."""

import importlib.util
import json

import pytest
from test_pages import button, open_page, settle, shared_runner  # noqa: F401  (the fixture shuts the runner down)

from dlenv.i18n import t
from dlenv.measure import tfversions


def frame_with(at, column: str):
    """The table (interactive or static) that has ``column``."""
    return next(d.value for d in [*at.dataframe, *at.table] if column in d.value.columns)


def figure(text: str) -> float:
    """A table's number: "1,230 ⚠" -> 1230.0 (the mark says the samples were widely spread)."""
    return float(text.split()[0].replace(",", ""))


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_learn_runs_one_layer_the_tf1_and_tf2_ways_and_shows_both_results_and_timings(lang):
    at = open_page("learn", lang)
    assert not any(t("tfv_code_tf1", lang) in m.value for m in at.markdown)  # nothing runs before the button
    button(at, t("tfv_run", lang)).click().run()
    settle(at, "learn:versions")
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    names = [t(f"tfv_way_{way}", lang) for way in tfversions.WAYS]

    code = [c.value for c in at.code]
    assert any("v1.Session(graph=g)" in c for c in code)  # the 1.x code beside the 2.x code
    assert any("tf.function(layer)" in c for c in code)
    # The code that ran, its comments in the page's language, wrapped rather than cut at the edge.
    ran = at.session_state["_last_learn:versions"]["result"]["code"]
    shown = [tfversions.shown_code(ran[side], lang).strip() for side in ("tf1", "tf2")]
    blocks = [c for c in at.code if c.value.strip() in shown]
    assert [c.value.strip() for c in blocks] == shown and all(c.proto.wrap_lines for c in blocks)
    [chart] = [c for c in at.get("plotly_chart") if json.loads(c.proto.spec)["layout"]["title"]["text"]
               == t("tfv_chart", lang)]
    assert [bar["x"][0] for bar in json.loads(chart.proto.spec)["data"]] == names

    timings = frame_with(at, t("learn_col_median", lang))
    assert list(timings[t("tfv_col_way", lang)]) == names
    assert all(figure(v) > 0 for v in timings[t("learn_col_median", lang)])
    assert all(figure(v) > 0 for v in timings[t("learn_col_first", lang)])
    takeaway = t("tfv_takeaway", lang, session="S", eager="E", function="F", fastest="X", slowest="Y", ratio=1)
    assert any(m.value.startswith(takeaway[:12]) for m in at.markdown)

    outputs = frame_with(at, t("tfv_class", lang, n=9))
    assert list(outputs[t("tfv_col_way", lang)]) == names
    rows = outputs.drop(columns=t("tfv_col_way", lang)).values.tolist()
    assert rows[0] == rows[1] == rows[2]  # the same probabilities, to the 3 decimals shown
    assert sum(float(p) for p in rows[0]) == pytest.approx(1, abs=0.01)
    [agree] = [s.value for s in at.success]
    assert agree == t("tfv_identical", lang) or agree.startswith(t("tfv_agree", lang, diff="")[:12])
    assert any(c.value == t("tfv_isolated", lang) for c in at.caption)

    result = at.session_state["_last_learn:versions"]["result"]
    medians = {row["mode"]: row["median_s"] for row in result["timings"]}
    explained = any(m.value == t("tfv_function_slower", lang) for m in at.markdown)
    assert explained == (medians["function"] > medians["eager"])  # said why when the data contradicts the text
    worker = result["keras"]
    assert any(c.value == t("tfk_worker_same", lang, tf_keras=worker["tf.keras"], keras=worker["keras"])
               for c in at.caption)


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_learn_marks_the_installed_keras_engines_among_the_retired_and_current(lang):
    at = open_page("learn", lang)
    engines = frame_with(at, t("eng_col_engine", lang))
    here = dict(zip(engines[t("eng_col_engine", lang)], engines[t("eng_col_here", lang)], strict=True))
    installed, absent = t("eng_here_yes", lang), t("eng_here_no", lang)
    assert here["TensorFlow"] == here["JAX"] == here["PyTorch"] == installed
    for name, package in (("Theano", "theano"), ("CNTK", "cntk"), ("OpenVINO", "openvino")):
        assert here[name] == (installed if importlib.util.find_spec(package) else absent)
    status = dict(zip(engines[t("eng_col_engine", lang)], engines[t("eng_col_status", lang)], strict=True))
    assert status["Theano"] == status["CNTK"] == t("eng_status_retired", lang)
    assert status["OpenVINO"] == t("eng_status_inference", lang)

    keras = frame_with(at, t("tfk_col_code", lang))
    by_code = dict(zip(keras[t("tfk_col_code", lang)], keras[t("tfk_col_means", lang)], strict=True))
    assert by_code["import keras"] == by_code["tf.keras  (from tensorflow import keras)"] == t("tfk_keras3", lang)
    assert any(link.proto.label == t("feed_link", lang) for link in at.get("page_link"))


def test_the_traced_functions_code_wraps_its_long_line_instead_of_running_off_the_page():
    at = open_page("learn", "ko")
    button(at, t("learn_trace", "ko")).click().run()
    settle(at, "learn")
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    [source] = [c for c in at.code if "def dense_gelu_dense" in c.value]
    assert source.proto.wrap_lines  # its GELU line is longer than half a 1280 px page
