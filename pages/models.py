"""Models: a Keras MLP or CNN, its size computed from the description, then measured."""

import pandas as pd
import streamlit as st

from dlenv import compare
from dlenv.i18n import t
from dlenv.measure import backends
from dlenv.measure.workloads import CNN, MLP, WorkloadError
from dlenv.serve.plan import Plan
from dlenv.ui import show
from dlenv.ui.jobs import leave_other_pages, refusal, run_job
from dlenv.ui.messages import problem_text
from dlenv.ui.state import page_language
from dlenv.ui.tables import time_text
from dlenv.vocab import MODES

lang = page_language()
leave_other_pages("models")  # a job left running on another page is cancelled
st.title(t("models_title", lang))

left, right = st.columns(2)
kind = left.radio(t("model_kind", lang), ["MLP", "CNN"], horizontal=True, key="model_kind", persist_state="session")
depth = left.slider(t("depth" if kind == "MLP" else "depth_cnn", lang), 1, 8, 2, key="model_depth", persist_state="session")
if kind == "MLP":
    width = left.select_slider(t("width", lang), [32, 64, 128, 256, 512, 1024, 2048], 256, key="model_width", persist_state="session")
else:
    width = left.select_slider(t("filters", lang), [8, 16, 32, 64, 128], 32, key="model_filters", persist_state="session")
batch = right.select_slider(t("batch", lang), [1, 8, 16, 32, 64, 128, 256], 32, key="model_batch", persist_state="session")
mode = right.radio(t("mode", lang), MODES, format_func=lambda m: t(f"mode_{m}", lang), horizontal=True,
                   key="model_mode", persist_state="session")
backend = right.selectbox(t("backend", lang), backends.installed(), key="model_backend", persist_state="session")

spec = MLP(depth=depth, width=width, batch=batch, mode=mode) if kind == "MLP" else \
    CNN(depth=depth, filters=width, batch=batch, mode=mode)

st.subheader(t("summary", lang))
cols = st.columns(3)
cols[0].metric(t("params", lang), f"{spec.parameter_count():,}")
cols[1].metric(t("flops_sample", lang), f"{spec.forward_flops_per_sample() / 1e6:,.2f} MFLOP")
cols[2].metric(t("memory_est", lang), f"{spec.memory_bytes() / 2**20:,.1f} MB")
# One row per Keras layer, its type named; every number with thousands separators.
st.dataframe(pd.DataFrame([{t("layer", lang): i + 1, t("layer_type", lang): layer.kind,
                            t("layer_shape", lang): " × ".join(map(str, layer.shape)),
                            "FLOPs": f"{layer.flops:,.0f}" if layer.flops else "–",
                            t("params", lang): f"{layer.params:,}", t("outputs", lang): f"{layer.outputs:,}"}
                           for i, layer in enumerate(spec.layers())]), hide_index=True)
st.caption(t("layer_note", lang))
if mode == "train":
    st.caption(t("train_note", lang))

request, problem = None, None
try:
    request = Plan((spec,), backends=(backend,), budget_s=0.5, label=spec.label())
except WorkloadError as exc:
    problem = problem_text(exc, "", lang)[0]
refused = request and refusal(request)
if refused:  # in the page's language, the hint on a line of its own
    problem, request = problem_text(refused, refused.hint, lang, kind=refused.kind, prefix="refused")[0], None
if problem:
    st.error(problem)

doc = run_job(request, lang, start=st.button(t("run", lang), type="primary", disabled=request is None), slot="models")
df = show.frame(doc) if doc else None
if doc:
    show.busy_warning(df, lang)
    row = df.iloc[0]
    cols = st.columns(3)
    cols[0].metric(t("step_time", lang), time_text(row["median_s"]))
    cols[1].metric(t("samples_s", lang), f"{row['samples_per_s']:,.0f}" if pd.notna(row["samples_per_s"]) else "?")
    cols[2].metric(t("first_call", lang), time_text(row["first_call_s"]), help=t("first_call_help", lang))
    show.table(df, lang)

st.subheader(t("models_predicted", lang))
cards = st.multiselect(t("compare_cards", lang), compare.cards(), default=list(compare.DEFAULT_CARDS),
                       key="model_cards", persist_state="session", help=t("compare_cards_help", lang),
                       placeholder=t("placeholder_pick", lang))
measured = df[(df["timing"] == "synced") & (df["workload"] == spec.name)] if df is not None else None
show.model_predictions(spec, measured, cards, lang)
