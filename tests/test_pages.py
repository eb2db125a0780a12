"""Every page renders in English and Korean; real measurements reach charts and tables.

AppTest runs the app in this process, so the Runner it creates (one per server, in
``st.cache_resource``) spawns real worker processes; the module fixture shuts them down.
Whether the app imports a framework is checked in a fresh interpreter, since this
pytest process has TensorFlow loaded for other tests.
"""

import base64
import json
import os
import re
import subprocess
import sys

import numpy as np
import plotly.io
import pytest
import streamlit as st
from apptest import button, isolated_app, open_page, settle
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dlenv.i18n import t

PAGES = ["environment", "matmul", "models", "training", "backends", "results", "leaderboard", "learn"]


@pytest.fixture(scope="module", autouse=True)
def shared_runner(tmp_path_factory):
    yield from isolated_app(tmp_path_factory)  # the Results page's store out of the checkout


def texts(at: AppTest) -> str:
    parts = [e.value for kind in ("title", "header", "subheader", "markdown", "caption") for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("page", PAGES)
def test_every_page_renders_in_both_languages(page, lang):
    at = open_page(page, lang)
    assert not at.exception, [e.value for e in at.exception]
    assert at.title and not at.error


def test_korean_pages_show_korean():
    for page in PAGES:
        at = open_page(page, "ko")
        assert any("가" <= ch <= "힣" for ch in at.title[0].value), page
        assert any("가" <= ch <= "힣" for ch in texts(at)), page


def test_language_picker_switches_and_is_kept_across_pages():
    at = open_page("environment")
    at.selectbox(key="_lang_picker").select("ko").run()
    assert at.session_state["lang"] == "ko"
    at.switch_page("pages/learn.py").run()
    assert at.title[0].value == t("learn_title", "ko")


def test_quick_demo_measures_then_serves_the_same_run_from_the_cache():
    at = open_page()
    button(at, "Run the quick demo").click().run()
    assert button(at, "Cancel") and not at.get("plotly_chart")  # measuring: progress, the page still drawn
    assert any("python -m dlenv devices" in c.value for c in at.code)
    settle(at, "environment")
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    assert len(at.get("plotly_chart")) == 1
    table = at.dataframe[-1].value
    assert {"matmul 64 float32", "matmul 512 float32"} <= set(table["label"])
    assert not any("Cached" in i.value for i in at.info)
    button(at, "Run the quick demo").click().run()
    assert any("Cached" in i.value for i in at.info)
    assert button(at, "Measure again")


def test_matmul_run_shows_charts_and_says_there_is_nothing_to_compare_with():
    at = open_page("matmul")
    at.multiselect(key="mm_sizes").set_value([64, 128]).run()
    at.multiselect(key="mm_cards").set_value([]).run()
    at.toggle(key="mm_naive").set_value(True).run()
    button(at, "Run").click().run()
    settle(at, "matmul")
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    assert len(at.get("plotly_chart")) == 3  # time, throughput, roofline
    assert any("Nothing to compare the CPU with" in i.value for i in at.info)
    table = at.dataframe[-1].value
    assert set(table["timing"]) == {"synced", "naive"} and "elementwise add 64x64 float32" in set(table["label"])


def test_matmul_too_large_is_refused_next_to_the_input():
    at = open_page("matmul", "ko")
    at.number_input(key="mm_other").set_value(10**6).run()
    assert not at.exception
    from dlenv.ui.state import runner

    limit = runner().limits.max_matmul  # this machine's, not the spec's absolute range
    assert at.error and at.error[0].value.startswith("크기 1000000은(는) 여기서 너무 큽니다")
    assert f"{limit} × {limit} 행렬까지" in at.error[0].value and "m must be" not in at.error[0].value
    assert button(at, "실행").disabled


def numbers(values) -> list:
    """A trace's numbers as a list: Plotly's JSON may hold an array as {"dtype", "bdata": base64}."""
    if isinstance(values, dict) and "bdata" in values:
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"]).tolist()
    return list(values)


@pytest.mark.parametrize("lang, words", [
    ("en", {"published": "(published)", "predicted": "(predicted)",
            "wins": ("wins from N=", "already ahead at N=")}),
    ("ko", {"published": "(공개된 측정값)", "predicted": "(예측값)",
            "wins": ("부터 계속 앞섭니다", "에서도 이미 앞섭니다")}),
])
def test_matmul_with_gpu_chosen_on_a_cpu_only_machine_compares_published_and_predicted_cards(lang, words):
    at = open_page("matmul", lang)
    at.multiselect(key="mm_sizes").set_value([64, 256, 1024]).run()
    at.multiselect(key="mm_devices").set_value(["cpu", "gpu"]).run()
    assert at.multiselect(key="mm_cards").value == ["H100 SXM", "T4"]  # the default where no GPU is known
    button(at, "Run" if lang == "en" else "실행").click().run()
    settle(at, "matmul")
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    # The missing GPU is said, and the CPU's results are kept.
    assert [i.value for i in at.info if "GPU" in i.value] == [t("no_device_here", lang, kind="GPU")]
    figures = {figure.layout.title.text: figure
               for figure in (plotly.io.from_json(chart.proto.spec) for chart in at.get("plotly_chart"))}
    time = next(f for title, f in figures.items() if title in ("Time per call", "호출당 시간"))
    traces = {trace.name: trace for trace in time.data}
    published = traces[f"H100 SXM · TF32 {words['published']}"]  # float32 on an H100 runs as TF32
    predicted = traces[f"T4 {words['predicted']}"]
    measured = traces["cpu:0 · tensorflow"]
    assert published.mode == "markers" and numbers(published.x) == [256, 512, 1024]
    assert predicted.mode == "lines" and predicted.line.dash == "dot" and numbers(predicted.x) == [64, 256, 1024]
    assert measured.mode == "lines+markers" and numbers(measured.x) == [64, 256, 1024]
    speedup = next(f for title, f in figures.items() if title in ("Speedup over this machine's CPU",
                                                                    "이 컴퓨터 CPU 대비 속도 향상"))
    assert any(trace.name.startswith(t("chartw_crossover", lang)) for trace in speedup.data)
    sentences = [m.value for m in at.markdown if "N=1024" in m.value]
    # The T4 wins from some size on, or at every size compared (the CPU's timing at N=64 decides which).
    assert any(any(w in sentence for w in words["wins"]) and "T4" in sentence for sentence in sentences), sentences


def test_models_page_shows_the_summary_then_the_measured_step():
    at = open_page("models")
    assert at.metric[0].label == "Parameters" and int(at.metric[0].value.replace(",", "")) > 0
    at.select_slider(key="model_width").set_value(32).run()
    at.select_slider(key="model_batch").set_value(8).run()
    button(at, "Run").click().run()
    settle(at, "models")
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    labels = [m.label for m in at.metric]
    assert {"Time per step", "Samples per second", "First call (tracing, compiling)"} <= set(labels)
    # The measured step beside the same step predicted on the default cards, each labelled.
    [figure] = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    bars = {bar["name"]: bar for bar in figure["data"]}
    assert set(bars) == {"cpu:0 · tensorflow", "H100 SXM (predicted)", "T4 (predicted)"}
    assert bars["T4 (predicted)"]["marker"]["pattern"]["shape"] == "/"
    assert any("Predicted from the datasheet" in caption.value for caption in at.caption)


def test_environment_devices_per_backend_and_the_tensorflow_version():
    from dlenv.measure import backends

    at = open_page()
    assert not set(backends.installed()) & {s.value for s in at.subheader}  # nothing loads until asked
    button(at, "Show devices per backend").click().run()
    assert button(at, "Cancel")  # starting the workers takes seconds: progress and a way out
    settle(at, "environment:devices")
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    assert set(backends.installed()) <= {s.value for s in at.subheader}
    at.run()  # kept for the session: a rerun shows them without asking the workers again
    assert set(backends.installed()) <= {s.value for s in at.subheader}
    assert "_job_environment:devices" not in at.session_state
    assert any("print(tf.__version__)  # 2." in c.value for c in at.code)
    has_gpu = any(str(d).startswith("gpu") for table in at.dataframe for d in table.value.get("Device", []))
    assert has_gpu != any("There is no GPU" in i.value for i in at.info)


def test_backends_compare_side_by_side():
    from dlenv.measure import backends

    at = open_page("backends")
    button(at, "Compare the backends").click().run()
    settle(at, "backends")
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    assert set(at.dataframe[-1].value["backend"]) == set(backends.installed())
    assert len(at.get("plotly_chart")) == 1


def test_a_running_job_shows_progress_while_the_rest_of_the_page_renders_and_a_cancel_is_reported():
    at = open_page("matmul")
    at.multiselect(key="mm_sizes").set_value([64, 128, 256, 512]).run()
    button(at, "Run").click().run()
    job = at.session_state["_job_matmul"]
    assert not job.finished and button(at, "Cancel")
    assert any(h.value == "What more CPU cores buy" for h in at.header)  # drawn meanwhile
    button(at, "Cancel").click().run()  # the fragment's button, as a click in the browser
    assert job.wait(30) and job.state == "cancelled"
    if "_job_matmul" in at.session_state:  # not finished within the click's run: the next run collects it
        at.run()
    assert not at.exception and [w.value for w in at.warning] == ["Cancelled."]
    assert "_job_matmul" not in at.session_state and not at.get("plotly_chart")


def test_pressing_run_again_follows_the_running_job_and_a_new_request_replaces_it():
    from dlenv.serve.runner import CANCELLED, DONE

    at = open_page("matmul")
    at.multiselect(key="mm_sizes").set_value([64]).run()
    button(at, "Run").click().run()
    first = at.session_state["_job_matmul"]
    button(at, "Run").click().run()  # a double click: the same job is followed, no second one
    assert at.session_state["_job_matmul"] is first
    settle(at, "matmul")
    assert first.state == DONE and at.session_state["_last_matmul"]["result"] is first.result

    # Pressed with other settings while a job runs: that job is cancelled, the new one runs.
    at.multiselect(key="mm_sizes").set_value([64, 128, 256, 512]).run()
    button(at, "Run").click().run()
    stale = at.session_state["_job_matmul"]
    at.multiselect(key="mm_sizes").set_value([128])
    button(at, "Run").click().run()
    assert stale.wait(30) and stale.state == CANCELLED
    settle(at, "matmul")
    # time, throughput, roofline, and the speedup over the default cards (H100, T4)
    assert not at.exception and len(at.get("plotly_chart")) == 4
    assert at.session_state["_last_matmul"]["result"]["results"][0]["params"]["m"] == 128


def test_leaving_a_page_mid_run_cancels_its_job():
    from dlenv.serve.runner import CANCELLED

    at = open_page("matmul")
    at.multiselect(key="mm_sizes").set_value([64, 128, 256, 512]).run()
    button(at, "Run").click().run()
    job = at.session_state["_job_matmul"]
    at.switch_page("pages/learn.py").run()  # the next run of the app happens on another page
    assert job.wait(30) and job.state == CANCELLED
    assert "_job_matmul" not in at.session_state


SCRIPT = f"""
import json, sys
from streamlit.testing.v1 import AppTest

from dlenv.i18n import t
seen = []
for page in {PAGES!r}:
    at = AppTest.from_file("app.py", default_timeout=60)
    at.session_state["lang"] = "ko"
    at.run()
    if page != "environment":
        at.switch_page("pages/" + page + ".py").run()
    seen += [e.value for e in at.exception]
print(json.dumps({{"exceptions": seen,
                  "frameworks": sorted(m for m in ("tensorflow", "jax", "torch", "keras") if m in sys.modules)}}))
"""


def test_no_page_imports_a_framework(tmp_path):
    done = subprocess.run([sys.executable, "-c", SCRIPT], capture_output=True, text=True, timeout=120, check=False,
                          cwd=ROOT, env={**os.environ, "PYTHONPATH": str(ROOT), "DLENV_DATA_DIR": str(tmp_path)})
    assert done.returncode == 0, done.stderr[-2000:]
    page = json.loads(done.stdout.strip().splitlines()[-1])
    assert page == {"exceptions": [], "frameworks": []}


def test_learn_traces_and_times_the_example_and_keeps_it_across_pages():
    at = open_page("learn")
    assert not at.get("graphviz_chart")  # nothing runs until the button is pressed
    button(at, "Trace and time").click().run()
    settle(at, "learn")
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    [graph] = at.get("graphviz_chart")
    assert '"x" -> "MatMul" [label="32×64"];' in graph.proto.spec
    [chart] = at.get("plotly_chart")
    assert json.loads(chart.proto.spec)["layout"]["title"]["text"] == "The same function, three ways (CPU)"
    table = next(d.value for d in at.dataframe if "Mode" in d.value.columns)  # the page has more tables below
    assert list(table["Mode"]) == ["eager", "graph", "XLA"]
    # 3 significant figures, as in every results table ("448", not "447.9267").
    assert all(re.fullmatch(r"[0-9,]+(\.[0-9]+)?( ⚠)?", cell) and len(cell.replace(",", "").split(" ")[0]) <= 5
               for cell in table["Median (µs)"]), list(table["Median (µs)"])
    assert any(m.value.startswith("What each mode pays for") for m in at.markdown)
    at.switch_page("pages/matmul.py").run()
    at.switch_page("pages/learn.py").run()
    assert at.get("graphviz_chart") and not at.exception  # kept for the session


def test_learn_shows_progress_with_a_cancel_button_and_a_cancel_leaves_no_graph():
    from dlenv.serve.runner import CANCELLED

    at = open_page("learn")
    button(at, "Trace and time").click().run()
    job = at.session_state["_job_learn"]
    button(at, "Cancel").click().run()
    assert job.wait(30) and job.state == CANCELLED
    if "_job_learn" in at.session_state:  # not finished within the click's run: the next run collects it
        at.run()
    assert not at.exception and [w.value for w in at.warning] == ["Cancelled."]
    assert not at.get("graphviz_chart") and "_job_learn" not in at.session_state


def test_matmul_thread_sweep_draws_gflops_against_threads_with_one_worker_at_a_time():
    import psutil

    from dlenv.measure.devices import cpu_info
    from dlenv.serve.plan import thread_counts

    at = open_page("matmul")
    at.selectbox(key="mm_threads_size").select(128).run()
    button(at, "Run the thread sweep").click().run()
    settle(at, "matmul:threads")
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    figures = [json.loads(chart.proto.spec) for chart in at.get("plotly_chart")]
    [figure] = [f for f in figures if f["layout"]["title"]["text"] == "Throughput against CPU threads"]
    assert [trace["name"] for trace in figure["data"]] == ["cpu:0 · tensorflow", "ideal (linear)"]
    cpu = cpu_info()
    swept = at.session_state["_last_matmul:threads"]["result"]["results"]
    assert [r["threads"] for r in swept] == list(thread_counts(min(cpu.cores, cpu.threads)))  # 1, 2 on 2 cores
    assert {r["label"] for r in swept} == {"matmul 128 float32"}
    workers = [p for p in psutil.Process().children(recursive=True) if "tensorflow" in p.cmdline()]
    assert len(workers) == 1  # each thread count's worker was retired when the next one started


def test_leaving_the_matmul_page_and_coming_back_keeps_its_inputs_and_its_result_together():
    at = open_page("matmul")
    at.multiselect(key="mm_sizes").set_value([128]).run()
    at.selectbox(key="mm_dtype").select("bfloat16").run()
    button(at, "Run").click().run()
    settle(at, "matmul")
    at.switch_page("pages/environment.py").run()
    at.switch_page("pages/matmul.py").run()
    assert at.multiselect(key="mm_sizes").value == [128] and at.selectbox(key="mm_dtype").value == "bfloat16"
    assert "matmul 128 bfloat16" in set(at.dataframe[-1].value["label"])  # the result shown is of these inputs
    # No clash between a widget's default and its kept value (Streamlit warns of one on the page).
    assert not at.exception and not [w.value for w in at.warning if "Session State" in w.value]


def test_the_models_page_keeps_its_model_across_page_switches():
    at = open_page("models")
    at.radio(key="model_kind").set_value("CNN").run()
    at.slider(key="model_depth").set_value(5).run()
    at.select_slider(key="model_filters").set_value(8).run()
    at.switch_page("pages/learn.py").run()
    at.switch_page("pages/models.py").run()
    assert (at.radio(key="model_kind").value, at.slider(key="model_depth").value,
            at.select_slider(key="model_filters").value) == ("CNN", 5, 8)


def test_a_result_measured_on_a_busy_machine_is_flagged_on_the_page_that_shows_it():
    import subprocess as sp

    # Another program on the CPU while the Models page measures: a busy loop not started by dlenv.
    loop = sp.Popen([sys.executable, "-c", "while True: pass"])
    try:
        at = open_page("models", "ko")
        at.select_slider(key="model_width").set_value(32).run()
        button(at, "실행").click().run()
        settle(at, "models")
    finally:
        loop.kill()
        loop.wait()
    assert not at.exception
    assert any("다른 프로그램이 CPU를" in w.value for w in at.warning), [w.value for w in at.warning]


def test_matmul_offers_percent_of_a_measured_peak():
    at = open_page("matmul", "ko")
    at.multiselect(key="mm_sizes").set_value([64]).run()
    at.toggle(key="mm_peak_measured").set_value(True).run()
    button(at, "실행").click().run()
    settle(at, "matmul")
    assert not at.exception and not at.error, [e.value for e in at.exception] + [e.value for e in at.error]
    records = at.session_state["_last_matmul"]["result"]["results"]
    assert {r["peak_source"] for r in records} == {"measured"}  # not the CPU estimate
    assert all(r["pct_of_peak"] > 0 for r in records)


@pytest.mark.parametrize("variable", ["DLENV_MAX_WORKERS", "DLENV_WORKER_IDLE_S", "DLENV_WORKER_MEMORY_MB",
                                      "DLENV_MAX_MATMUL"])
def test_a_limit_set_to_an_unusable_value_is_one_message_not_a_traceback(monkeypatch, variable):
    monkeypatch.setenv(variable, "abc")
    st.cache_resource.clear()  # a server started with this setting
    try:
        at = open_page("matmul", "ko")
        assert not at.exception, [e.value for e in at.exception]
        assert [e.value for e in at.error] == [
            f"이 앱의 설정에 쓸 수 없는 값이 있습니다: {variable} must be a whole number >= 1, got 'abc'. 앱을 운영하는 "
            "사람이 환경 변수나 Streamlit Cloud의 Settings -> Secrets에서 고쳐야 합니다."]
    finally:
        monkeypatch.delenv(variable)
        st.cache_resource.clear()
