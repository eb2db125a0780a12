"""Learn: the ideas behind the numbers, in the source article's order (tensors made with NumPy, no
framework here; the graph example and the TensorFlow 1.x vs 2.x example run in the TensorFlow worker,
only when asked; installed versions and backends are read from package metadata)."""

import numpy as np
import streamlit as st

from dlenv.i18n import t
from dlenv.serve.plan import LearnExample
from dlenv.ui import show
from dlenv.ui.jobs import leave_other_pages, run_job, trace_and_time
from dlenv.ui.state import page_language

lang = page_language()
leave_other_pages("learn")  # a job left running on another page is cancelled
st.title(t("learn_title", lang))

st.header(t("tensors", lang))
st.write(t("tensors_text", lang))
examples = [np.float32(0.25), np.arange(4, dtype=np.float32), np.ones((3, 4), dtype=np.float32),
            np.zeros((28, 28, 3), dtype=np.uint8), np.zeros((32, 28, 28, 3), dtype=np.float32)]
for rank, tensor in enumerate(examples):
    array = np.asarray(tensor)
    with st.expander(t("rank", lang, rank=rank, what=t(f"rank{rank}", lang)), expanded=rank < 3):
        st.caption(t("shape_dtype", lang, shape=array.shape, dtype=array.dtype))
        if array.ndim <= 2:
            st.code(np.array2string(array, precision=2))

st.header(t("graph", lang))
st.write(t("graph_text", lang))
st.subheader(t("learn_live", lang))
st.write(t("learn_live_text", lang))
demo = trace_and_time(lang, start=st.button(t("learn_trace", lang), type="primary"))
if demo:
    show.graph_example(demo, lang)

st.header(t("tfv_header", lang))
st.write(t("tfv_text", lang))
versions = run_job(LearnExample("tf_versions", label="TensorFlow 1.x vs 2.x"), lang,
                   start=st.button(t("tfv_run", lang), type="primary"), slot="learn:versions", status="tfv_status")
if versions:
    show.tf_versions_example(versions, lang)

st.header(t("stack", lang))
st.write(t("stack_text", lang))
st.code("Keras  (layers, models, fit / predict)\n   ↓\n"
        "backend: TensorFlow | JAX | PyTorch  (tensor ops, autodiff, compiler)\n   ↓\n"
        "driver + chip: CPU | GPU (CUDA) | TPU", language="text")
st.header(t("tfk_header", lang))
st.write(t("tfk_text", lang))
show.keras_names(lang, versions["keras"] if versions else None)
st.header(t("eng_header", lang))
st.write(t("eng_text", lang))
show.keras_engines(lang)
st.header(t("chips", lang))
st.write(t("chips_text", lang))
st.header(t("feed_header", lang))
st.write(t("feed_text", lang))
st.page_link("pages/training.py", label=t("feed_link_training", lang), icon=":material/model_training:")
st.page_link("pages/matmul.py", label=t("feed_link", lang), icon=":material/grid_on:")
st.header(t("colab", lang))
st.write(t("colab_text", lang))
