"""In Korean, no page shows an English word outside names and units (issue 15, item 3).

Each page is opened in Korean with AppTest and its main action is run for real at small
sizes (real workers, real frameworks). Then everything a reader sees is collected: every
text element, widget labels, options, helps and placeholders, metrics, expanders, table
headers (``st.column_config`` labels) and the cells that are words, and each Plotly chart's
title, axis titles, legend title, trace names, annotations and hover templates
(``chart.proto.spec``). ``english_words`` finds the English words in it: runs of 3 or
more ASCII letters that are not part of an identifier (``cpu:0``, ``float32``,
``tf.function``, ``GFLOP/s``) and not in ``ALLOWED`` (names and units). A failure lists
every offender with where it appeared.

Code blocks (``st.code``) are not looked at: code is English by nature. Neither are the
texts Streamlit draws itself (the file uploader's "Drag and drop", the dataframe toolbar),
which an app cannot change.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator

import pandas as pd
import pytest
from apptest import isolated_app, open_page, settle
from streamlit.testing.v1 import AppTest

from dlenv.i18n import TEXT, t

LANG = "ko"

# Names and units that stay as they are in Korean text (compared lower-case).
NAMES = [
    "tensorflow", "jax", "jaxlib", "pytorch", "torch", "keras", "python", "numpy", "cuda", "cudnn", "xla",
    "gpu", "cpu", "tpu", "colab", "jupyter", "streamlit", "dlenv", "nvidia", "intel", "amd", "google", "linux",
    "openvino", "theano", "cntk", "mlp", "cnn", "gelu", "relu", "tanh", "softmax", "dense", "adam", "identity",
    "plotly", "graphviz", "sqlite", "postgresql", "csv",
    "json", "ipynb", "nbformat", "english", "epyc", "xeon", "vcpu", "sxm", "pcie", "nvl", "hbm", "hbm3",
    "instinct", "rocm", "openxla", "mamf", "tesla", "npu", "sse", "avx", "fma", "neon", "sve", "amx",
]
UNITS = ["flop", "flops", "mflop", "gflop", "tflop", "gib", "mib", "kib", "iqr", "ghz", "mhz", "utc"]
# Terms of art this course keeps in English, each beside a Korean gloss where it appears
# ("eager (즉시 실행)", "동기화 없이 잰 시간(naive)"), as Korean deep-learning courses do.
TERMS = ["eager", "naive", "shape"]
ALLOWED = {word.lower() for word in NAMES + UNITS + TERMS}

# An ASCII word not glued to an identifier: letters, digits, "_", "/", ":", or a dot between letters.
_WORD = re.compile(r"(?<![A-Za-z0-9_/:@#$%=\\À-ÿ])(?<![A-Za-z0-9]\.)[A-Za-z]{3,}(?![A-Za-z0-9_/:À-ÿ])(?!\.[A-Za-z0-9])")
# What is not prose: code spans, links, HTML tags, Plotly placeholders, file names, Markdown escapes.
_NOT_PROSE = re.compile(r"`[^`]*`|https?://\S+|<[^>]+>|%\{[^}]*\}|[\w.-]+\.(?:json|csv|ipynb|py|db)\b|:\w+\[|"
                        r":material/\w+:|\?\w+=\S*")


def english_words(text: object, allowed: set[str] = ALLOWED) -> list[str]:
    """The English words of ``text`` (see the module docstring), in order."""
    # As the page shows it: Markdown's backslash escapes (``bad\\.json``) are not on the screen.
    prose = _NOT_PROSE.sub(" ", re.sub(r"\\(.)", r"\1", str(text)))
    return [word for word in _WORD.findall(prose) if word.lower() not in allowed]


def test_the_detector_finds_english_words_and_lets_names_units_and_identifiers_pass():
    assert english_words("측정 중 (Measuring...) 2/3: matmul 64 float32") == ["Measuring", "matmul"]
    assert english_words("TensorFlow로 cpu:0에서 float32 행렬 곱셈, 4.12 ms, 300 GFLOP/s, tf.function") == []
    assert english_words("The end.") == ["The", "end"]
    assert english_words("bad\\.json 파일을 가져오지 않았습니다") == []  # a file name, Markdown-escaped
    assert english_words("`python -m dlenv run` 결과.json, %{y:.3g} ms<extra>%{x}</extra>") == []
    assert english_words("Keras 모델: MLP와 CNN") == []
    assert english_words("주소 끝에 ?presenter=1을, jit_compile=True인, Université de Montréal") == []


# --- collecting what a reader sees --------------------------------------------------

Seen = Iterator[tuple[str, str]]  # (where, text)


def _elements(at: AppTest) -> Seen:
    for kind in ("title", "header", "subheader", "markdown", "caption", "info", "warning", "error", "success",
                 "exception", "toast"):
        for element in getattr(at, kind):
            yield kind, str(element.value)
    for metric in at.metric:
        yield "metric", f"{metric.label} {metric.value}"
        if metric.proto.help:
            yield f"metric help ({metric.label})", metric.proto.help
    for kind in ("button", "toggle", "checkbox", "number_input", "text_input", "slider", "select_slider", "radio",
                 "selectbox", "multiselect", "file_uploader", "download_button"):
        for widget in getattr(at, kind, []):
            proto = widget.proto
            yield f"{kind} label", proto.label
            if getattr(proto, "help", ""):
                yield f"{kind} help ({proto.label})", proto.help
            if getattr(proto, "placeholder", ""):
                yield f"{kind} placeholder ({proto.label})", proto.placeholder
            for option in getattr(proto, "options", []):
                yield f"{kind} option ({proto.label})", option
    for block in at.expander:
        yield "expander", str(block.label)
    for tab in at.tabs:
        yield "tab", str(tab.label)


def _chart_texts(spec: dict) -> Seen:
    layout = spec.get("layout", {})
    for axis in [key for key in layout if key.startswith(("xaxis", "yaxis"))]:
        title = (layout[axis] or {}).get("title")
        yield f"axis title ({axis})", title.get("text", "") if isinstance(title, dict) else title or ""
        for tick in (layout[axis] or {}).get("ticktext", []) or []:
            yield f"tick ({axis})", str(tick)
    title = layout.get("title")
    yield "chart title", title.get("text", "") if isinstance(title, dict) else title or ""
    legend = (layout.get("legend") or {}).get("title")
    yield "legend title", legend.get("text", "") if isinstance(legend, dict) else legend or ""
    for note in layout.get("annotations", []) or []:
        yield "annotation", str(note.get("text", ""))
    for trace in spec.get("data", []):
        yield "trace name", str(trace.get("name") or "")
        yield "hover template", str(trace.get("hovertemplate") or "")
        group = (trace.get("legendgrouptitle") or {}).get("text")
        if group:
            yield "legend group", group
        for text in trace.get("text", []) if isinstance(trace.get("text"), list) else [trace.get("text") or ""]:
            yield "point label", str(text)


# Cells of these columns are names (machines, devices, backends), not words.
NAME_COLUMNS = {"machine", "device", "device_name", "backend", "dtype", "label_raw"}


def _tables(at: AppTest) -> Seen:
    for table in at.dataframe:
        config = json.loads(table.proto.columns) if table.proto.columns else {}
        frame = table.value
        labels = {}
        for key in frame.columns:
            entry = config.get(str(key)) or {}
            labels[key] = entry.get("label") or str(key)
            yield "table header", labels[key]
            if entry.get("help"):
                yield f"table header help ({labels[key]})", entry["help"]
        for key in frame.columns:
            if str(key) in NAME_COLUMNS or labels[key] in NAME_HEADERS \
                    or pd.api.types.is_numeric_dtype(frame[key]) or pd.api.types.is_bool_dtype(frame[key]):
                continue
            for value in frame[key].dropna().unique():
                yield f"table cell ({labels[key]})", str(value)


NAME_HEADERS = {t(key, LANG) for key in ("col_machine", "col_device", "col_device_name", "col_backend", "device_id",
                                          "name", "layer_type", "tfk_col_code")}  # names, and code as written


def offenders(at: AppTest, names: list[str]) -> list[str]:
    """Every English word on the page, as "where: word  «text»"; ``names`` (machines, cards,
    devices as the data names them) are taken out of a text before it is looked at."""
    seen: list[tuple[str, str]] = [*_elements(at), *_tables(at)]
    for chart in at.get("plotly_chart"):
        seen += list(_chart_texts(json.loads(chart.proto.spec)))
    found = []
    for where, text in seen:
        prose = text
        for name in names:
            prose = prose.replace(name, " ")
        words = english_words(prose)
        if words:
            found.append(f"{where}: {', '.join(words)}  «{text[:120]}»")
    return found


def names_from_data() -> list[str]:
    """The names the data brings (cards, this CPU, the bundled sets' machines and devices),
    longest first: names, not English to translate."""
    from dlenv import compare
    from dlenv.data import reference
    from dlenv.measure.devices import CPU_CORES, cpu_info

    texts = [*compare.cards(), cpu_info().name or "", *(core.name for core in CPU_CORES.values())]
    for name in reference.names():
        doc = reference.load(name)
        environments = doc.get("environments") or {}
        for env in environments.values() if isinstance(environments, dict) else environments:
            texts += [str(env.get("machine", "")), str(env.get("hostname", ""))]
        texts += [str(result.get("device_name", "")) for result in doc["results"]]
    return sorted({text for text in texts if text}, key=len, reverse=True)


# --- the pages, in Korean, after their main actions --------------------------------


@pytest.fixture(scope="module")
def allowed() -> list[str]:
    return names_from_data()


@pytest.fixture(scope="module", autouse=True)
def shared_runner(tmp_path_factory):
    yield from isolated_app(tmp_path_factory, DLENV_MAX_MODEL_MB="256")  # small enough to refuse the largest model


def press(at: AppTest, key: str) -> AppTest:
    label = t(key, LANG)
    next(b for b in at.button if b.label == label).click().run()
    return settle(at)


def check(at: AppTest, allowed: list[str], page: str) -> None:
    assert not at.exception, [e.value for e in at.exception]
    found = offenders(at, allowed)
    assert not found, f"English on the {page} page in Korean:\n" + "\n".join(found)


def test_environment_in_korean_after_devices_and_the_quick_demo(allowed):
    at = open_page("environment", LANG)
    check(at, allowed, "environment")
    press(at, "load_devices")
    press(at, "demo_run")
    assert at.get("plotly_chart") and at.dataframe
    check(at, allowed, "environment")


def test_matmul_in_korean_with_gpu_chosen_and_a_refused_size(allowed):
    at = open_page("matmul", LANG)
    at.multiselect(key="mm_sizes").set_value([64, 128]).run()
    at.multiselect(key="mm_devices").set_value(["cpu", "gpu"]).run()
    at.toggle(key="mm_naive").set_value(True).run()
    press(at, "run")
    assert len(at.get("plotly_chart")) >= 3
    check(at, allowed, "matrix multiply")
    at.number_input(key="mm_other").set_value(10**6).run()
    assert at.error
    check(at, allowed, "matrix multiply (a size over the limit)")


def test_models_in_korean_mlp_measured_cnn_described_and_a_model_refused(allowed):
    at = open_page("models", LANG)
    press(at, "run")
    assert at.metric and at.dataframe
    check(at, allowed, "models")
    at.radio(key="model_kind").set_value("CNN").run()
    types = set(at.dataframe[0].value[t("layer_type", LANG)])
    assert {"Conv2D", "GlobalAveragePooling2D", "Dense"} <= types
    check(at, allowed, "models (CNN)")
    at.radio(key="model_kind").set_value("MLP").run()
    at.slider(key="model_depth").set_value(8).run()
    at.select_slider(key="model_width").set_value(2048).run()
    at.select_slider(key="model_batch").set_value(256).run()
    at.radio(key="model_mode").set_value("train").run()
    assert at.error and at.error[0].value.startswith(t("refused", LANG, message="")[:5])  # over DLENV_MAX_MODEL_MB
    check(at, allowed, "models (refused)")


def test_backends_in_korean_after_the_comparison(allowed):
    at = open_page("backends", LANG)
    press(at, "compare_run")
    assert at.get("plotly_chart")
    check(at, allowed, "backends")


def test_results_in_korean_with_the_reference_sets_and_a_bad_upload(allowed):
    at = open_page("results", LANG)
    check(at, allowed, "results (empty)")
    label = t("res_reference", LANG)
    next(b for b in at.button if b.label == label).click().run()
    assert at.dataframe
    check(at, allowed, "results")
    at.file_uploader[0].upload("bad.json", b'{"format": "not dlenv"}', "application/json").run()
    assert at.error
    check(at, allowed, "results (a bad upload)")


def test_learn_in_korean_after_every_live_example(allowed):
    at = open_page("learn", LANG)
    for key in ("learn_trace", *sorted(k for k in TEXT if k.startswith("tfv_run"))):
        if any(b.label == t(key, LANG) for b in at.button):
            press(at, key)
    check(at, allowed, "learn")
