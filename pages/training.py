"""Training: a Keras MLP or CNN trained for real on a real dataset, epoch by epoch, with the input
pipeline and mixed precision compared, and the same epoch predicted on a GPU."""

import streamlit as st

from dlenv import compare
from dlenv.i18n import t
from dlenv.measure import backends
from dlenv.measure.workloads import Train, WorkloadError
from dlenv.serve.limits import DEFAULT_MAX_EPOCHS
from dlenv.serve.plan import Plan
from dlenv.ui import show
from dlenv.ui import training as view
from dlenv.ui.jobs import leave_other_pages, refusal, run_job
from dlenv.ui.messages import problem_text
from dlenv.ui.state import page_language, runner
from dlenv.ui.tables import time_text
from dlenv.vocab import DATASETS, PIPELINES, TRAIN_MODELS, TRAIN_PRECISIONS

lang = page_language()
leave_other_pages("training")  # a job left running on another page is cancelled
st.title(t("tr_title", lang))
st.caption(t("tr_intro", lang))

left, right = st.columns(2)
model = left.radio(t("tr_model", lang), TRAIN_MODELS, format_func=lambda m: t(f"tr_model_{m}", lang),
                   horizontal=True, key="tr_model", persist_state="session")
dataset = left.selectbox(t("tr_dataset", lang), DATASETS, format_func=lambda d: t(f"tr_ds_{d}", lang),
                         key="tr_dataset", persist_state="session")
left.caption(view.dataset_sizes(dataset, lang))
# The CNN starts at 3 layers: with 2, each unit sees only 5x5 of the 8x8 digits before the
# pooling. At this page's other defaults (width 32, 5 epochs, batch 32, seed 0) 2 layers reached
# 0.956 / 0.936 / 0.922 test accuracy on TensorFlow / JAX / PyTorch, 3 layers 0.967 / 0.950 /
# 0.975 (measured here, 2026-11-30).
depth = left.slider(t("tr_depth", lang), 1, 4, 2 if model == "mlp" else 3, key=f"tr_depth_{model}",
                    persist_state="session")
width = left.select_slider(t(f"tr_width_{model}", lang), [8, 16, 32, 64, 128, 256, 512], 128 if model == "mlp" else 32,
                           key=f"tr_width_{model}", persist_state="session")
max_epochs = min(runner().limits.max_epochs, DEFAULT_MAX_EPOCHS)  # a deployment's DLENV_MAX_EPOCHS
epochs = right.slider(t("tr_epochs", lang), 1, max_epochs, min(5, max_epochs), key="tr_epochs", persist_state="session")
batch = right.select_slider(t("tr_batch", lang), [8, 16, 32, 64, 128, 256], 32, key="tr_batch", persist_state="session")
backend = right.selectbox(t("backend", lang), backends.installed(), key="tr_backend", persist_state="session")
comparing = right.radio(t("tr_compare", lang), ("none", "pipelines", "precisions"),
                        format_func=lambda c: t(f"tr_cmp_{c}", lang), key="tr_compare", persist_state="session")
pipelines, precisions = list(PIPELINES), list(TRAIN_PRECISIONS)
if comparing != "pipelines":
    pipelines = [right.selectbox(t("tr_pipeline", lang), PIPELINES, format_func=lambda p: t(f"tr_pipe_{p}", lang),
                                 key="tr_pipeline", persist_state="session", help=t("tr_pipeline_help", lang))]
if comparing != "precisions":
    precisions = [right.selectbox(t("tr_precision", lang), list(TRAIN_PRECISIONS),
                                  format_func=lambda p: t(f"tr_prec_{p}", lang), key="tr_precision",
                                  persist_state="session", help=t("tr_precision_help", lang))]
seed = right.number_input(t("tr_seed", lang), 0, 2**31 - 1, 0, key="tr_seed", help=t("tr_seed_help", lang))

request, problem, specs = None, None, []
try:
    specs = [Train(model=model, dataset=dataset, epochs=epochs, batch=batch, seed=int(seed), pipeline=pipeline,
                   depth=depth, width=width, dtype=TRAIN_PRECISIONS[precision])
             for precision in precisions for pipeline in pipelines]
    request = Plan(tuple(specs), backends=(backend,), label=specs[0].label())
except WorkloadError as exc:
    problem = problem_text(exc, "", lang)[0]
if specs:
    spec = specs[0]
    cols = st.columns(4)
    cols[0].metric(t("params", lang), f"{spec.parameter_count():,}")
    cols[1].metric(t("flops_sample", lang), f"{spec.forward_flops_per_sample() / 1e6:,.2f} MFLOP")
    cols[2].metric(t("memory_est", lang), f"{spec.memory_bytes() / 2**20:,.1f} MB")
    cols[3].metric(t("tr_steps", lang), f"{spec.steps_per_epoch:,}")
if request and view.dataset_problem(dataset):  # not downloaded, and no network to download it
    problem, request = t("tr_no_network", lang, name=t(f"tr_ds_{dataset}", lang).split(",")[0]), None
limited = request and view.limit_problem(specs[0], runner().limits, lang)  # in the page's language
refused = request and not limited and refusal(request)  # any other limit (the worker's memory)
if limited:
    problem, request = limited, None
elif refused:
    problem, request = problem_text(refused, refused.hint, lang, kind=refused.kind, prefix="refused")[0], None
if problem:
    st.error(problem)

doc = run_job(request, lang, start=st.button(t("tr_train", lang), type="primary", disabled=request is None),
              slot="training", status="tr_status")
view.live("training", lang)
runs = view.runs_of(doc)
if not runs:
    st.caption(t("tr_no_results", lang))
else:
    show.busy_warning(show.frame(doc), lang)
    best = max(runs, key=lambda r: r.get("test_accuracy") or 0)
    cols = st.columns(4)
    cols[0].metric(t("tr_test_accuracy", lang), f"{best['test_accuracy']:.3f}")
    cols[1].metric(t("tr_epoch_steady", lang), time_text(best["median_s"]))
    cols[2].metric(t("tr_first_epoch", lang), time_text(best["first_call_s"]), help=t("tr_first_help", lang))
    cols[3].metric(t("tr_images_s", lang), f"{best['samples_per_s']:,.0f}")
    st.subheader(t("tr_curves", lang))
    st.plotly_chart(view.curves(runs, lang), key="training_curves")
    st.subheader(t("tr_times", lang))
    st.plotly_chart(view.epoch_times(runs, lang), key="training_times")
    st.caption(t("tr_times_caption", lang))
    sentence = view.pipeline_sentence(runs, lang)
    if sentence:
        st.subheader(t("tr_pipes_title", lang))
        st.write(sentence)
    st.subheader(t("tr_epochs_table", lang))
    st.dataframe(view.epochs_table(runs, lang), hide_index=True)
    show.table(view.results_frame(doc), lang)  # a training's dtype as its policy (mixed_float16)

if specs:
    st.subheader(t("tr_mp_title", lang))
    for note in view.precision_notes(specs[0], runs, compare.DEFAULT_CARDS[-1], lang):
        st.write(note)
    st.subheader(t("tr_predicted_title", lang))
    for line in view.predicted_epochs(specs[0], list(compare.DEFAULT_CARDS), lang):
        st.caption(line)
