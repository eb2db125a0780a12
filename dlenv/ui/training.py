"""The Training page's parts: dataset words, live epochs while it trains, curves, times, and the
input-pipeline and mixed-precision sentences (pages/training.py reads like the screen).

A training's result record (``dlenv.measure.training``) holds its per-epoch lists
(``epoch_s``, ``epoch_loss``, ...), so every chart here is drawn from the results document the
runner hands back, or, while it trains, from the worker's last progress event (its
``history``: the same lists so far).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping
from typing import Any

import pandas as pd
import plotly.graph_objects as go
import streamlit as st
from plotly.subplots import make_subplots

from dlenv import charts
from dlenv.i18n import t
from dlenv.measure import datasets, training
from dlenv.measure.predict import PredictError
from dlenv.measure.workloads import Train
from dlenv.precision import train_policy
from dlenv.serve.limits import Limits, largest_fitting
from dlenv.serve.runner import Job
from dlenv.ui import show
from dlenv.ui.jobs import POLL_S
from dlenv.ui.tables import time_text
from dlenv.vocab import TRAIN_PRECISIONS

LIVE_CHART_KEY = "training_live_chart"


@st.cache_data(ttl=300, show_spinner=False)
def dataset_problem(name: str) -> str | None:
    """Why ``name`` cannot be used here (not downloaded and no network), or None; the network
    answer is kept five minutes, so a page rerun does not wait for it again."""
    return datasets.availability_problem(name)


def limit_problem(spec: Train, limits: Limits, lang: str) -> str | None:
    """A deployment's training limit that ``spec`` is over, said in ``lang`` with the largest width
    that fits (``dlenv.serve.limits``; epochs are capped by the page's slider); None if within."""
    def widest(fits: Any) -> str:
        found = largest_fitting(spec, "width", fits)
        return f"{found:,}" if found else "–"

    if spec.train_samples > limits.max_train_samples:
        return t("tr_lim_samples", lang, name=datasets.DATASETS[spec.dataset].title,
                 count=f"{spec.train_samples:,}", limit=f"{limits.max_train_samples:,}")
    if limits.max_params is not None and spec.parameter_count() > limits.max_params:
        return t("tr_lim_params", lang, count=f"{spec.parameter_count():,}", limit=f"{limits.max_params:,}",
                 width=widest(lambda s: s.parameter_count() <= limits.max_params))
    if spec.memory_bytes() > limits.max_model_bytes:
        return t("tr_lim_memory", lang, need=f"{spec.memory_bytes() / 2**20:,.0f}",
                 limit=f"{limits.max_model_bytes / 2**20:,.0f}",
                 width=widest(lambda s: s.memory_bytes() <= limits.max_model_bytes))
    return None


def dataset_sizes(name: str, lang: str) -> str:
    info = datasets.DATASETS[name]
    return t("tr_ds_sizes", lang, train=f"{info.train:,}", val=f"{info.val:,}", test=f"{info.test:,}",
             shape="×".join(map(str, info.shape[:2])), classes=info.classes)


def policy_of(run: Mapping[str, Any]) -> str:
    """A training's Keras dtype policy ("float32", "mixed_float16", "mixed_bfloat16"): its
    ``precision_policy``, else read back from the dtype its layers computed in."""
    policy = run.get("precision_policy")
    if isinstance(policy, str) and policy in TRAIN_PRECISIONS:
        return policy
    dtype = run.get("dtype") or (run.get("params") or {}).get("dtype") or "float32"
    return train_policy(str(dtype))


def _name_parts(run: Mapping[str, Any], lang: str) -> tuple[str, str, str, str]:
    """backend, device, input pipeline, precision policy: what tells a page's runs apart."""
    return (str(run.get("backend") or ""), str(run.get("device") or ""),
            t(f"tr_pipe_{(run.get('params') or {}).get('pipeline', 'arrays')}", lang),
            t(f"tr_prec_{policy_of(run)}", lang))


def run_names(runs: list[dict[str, Any]], lang: str) -> list[str]:
    """The runs as every legend and table of the page names them, one distinct name each.

    The backend always; the device, the input pipeline and the precision policy when they differ
    between the runs (a lone run says its pipeline and precision too). Runs alike in all four
    (another seed, size or model) are numbered."""
    parts = [_name_parts(run, lang) for run in runs]
    differ = {i for i in range(4) if len({p[i] for p in parts}) > 1}
    keep = sorted({0} | differ | ({2, 3} if len(runs) == 1 else set()))
    names = [" · ".join(p[i] for i in keep if p[i]) for p in parts]
    counts = Counter(names)
    seen: Counter[str] = Counter()
    for index, name in enumerate(names):
        if counts[name] > 1:
            seen[name] += 1
            names[index] = f"{name} #{seen[name]}"
    return names


def run_name(run: dict[str, Any], lang: str) -> str:
    """A lone run's name: backend, input pipeline and precision."""
    return run_names([run], lang)[0]


def results_frame(doc: dict[str, Any]) -> pd.DataFrame:
    """The results table's frame (``dlenv.ui.show.frame``) with a training's dtype said as its
    Keras policy: a mixed_float16 run is "mixed_float16" (float32 weights, float16 compute),
    not the "float16" its layers computed in."""
    df = show.frame(doc)
    if not df.empty and "workload" in df and "dtype" in df:
        trains = df["workload"] == "train"
        df.loc[trains, "dtype"] = [policy_of(row) for _, row in df[trains].iterrows()]
    return df


def runs_of(doc: dict[str, Any] | None) -> list[dict[str, Any]]:
    """The trainings of a results document that have per-epoch figures, in order."""
    return [r for r in (doc or {}).get("results", []) if r.get("workload") == "train" and r.get("epoch_s")]


# --------------------------------------------------------------- while it trains

@st.fragment(run_every=POLL_S)
def live(slot: str, lang: str) -> None:
    """The running training's epochs so far (the progress box above has Cancel); nothing when none runs."""
    job: Job | None = st.session_state.get(f"_job_{slot}")
    if job is None or job.finished:
        return
    progress = job.progress
    if "download" in progress:
        st.caption(t("tr_downloading", lang, done=f"{progress['download'] / 1e6:.1f}",
                     total=f"{progress['download_total'] / 1e6:.1f}"))
        st.progress(min(1.0, progress["download"] / max(1, progress["download_total"])))
        return
    history = progress.get("history")
    if not history:
        st.caption(t("tr_waiting_first", lang))
        return
    epoch, epochs = progress["epoch"], progress["epochs"]
    st.write(t("tr_epoch_progress", lang, epoch=epoch, epochs=epochs, loss=_figure(history["loss"][-1]),
               accuracy=_figure(history["val_accuracy"][-1])))
    st.progress(min(1.0, epoch / epochs))
    run = {f"epoch_{name}": values for name, values in history.items() if name != "epoch_s"}
    run["epoch_s"] = history["epoch_s"]
    st.plotly_chart(curves([{**run, "backend": progress.get("label", "").split(" ")[0]}], lang, names=False),
                    key=LIVE_CHART_KEY)


def _figure(value: float | None) -> str:
    return "–" if value is None else f"{value:.3f}"


# --------------------------------------------------------------- charts

def curves(runs: list[dict[str, Any]], lang: str, names: bool = True) -> go.Figure:
    """Loss (left) and accuracy (right) per epoch: training solid, validation dashed; each run in
    its colour (``dlenv.charts.run_colour``, the same as in ``epoch_times``), in the shared
    projector fonts (``dlenv.charts.linear_layout``)."""
    figure = make_subplots(rows=1, cols=2, subplot_titles=(t("tr_loss", lang), t("tr_accuracy", lang)),
                           horizontal_spacing=0.12)
    for index, name in enumerate(run_names(runs, lang)):
        run, colour = runs[index], charts.run_colour(index)
        epochs = list(range(1, len(run["epoch_s"]) + 1))
        who = f"{name}: " if names else ""
        for column, metric in ((1, "loss"), (2, "accuracy")):
            for prefix, kind, dash in (("", "tr_training", "solid"), ("val_", "tr_validation", "dash")):
                values = run.get(f"epoch_{prefix}{metric}") or []
                figure.add_trace(go.Scatter(
                    x=epochs, y=values, mode="lines+markers", line={"color": colour, "dash": dash, "width": 3},
                    marker={"color": colour, "size": 8}, name=f"{who}{t(kind, lang)}",
                    legendgroup=f"{index}{prefix}", showlegend=column == 1, meta={"run": name},
                    hovertemplate=f"{who}{t(kind, lang)}<br>{t('tr_axis_epoch', lang)} %{{x}}: %{{y:.4f}}"
                                  "<extra></extra>"), row=1, col=column)
    charts.linear_layout(figure, t("tr_axis_epoch", lang), "", legend=t("tr_col_run", lang) if names else "")
    figure.update_yaxes(title={"text": t("tr_loss", lang), "font": charts.AXIS_TITLE_FONT}, row=1, col=1)
    figure.update_yaxes(title={"text": t("tr_accuracy", lang), "font": charts.AXIS_TITLE_FONT}, row=1, col=2)
    figure.update_annotations(font=charts.AXIS_TITLE_FONT)  # the subplot titles
    if len(runs) and len(runs[0]["epoch_s"]) <= 20:
        figure.update_xaxes(dtick=1)
    figure.update_layout(height=420, margin={"t": 40})
    return figure


def epoch_times(runs: list[dict[str, Any]], lang: str) -> go.Figure:
    """Seconds of every epoch, one bar group per run, each run in its colour of ``curves`` (the
    first epoch compiles: it stands out)."""
    figure = go.Figure()
    for index, name in enumerate(run_names(runs, lang)):
        run = runs[index]
        epochs = list(range(1, len(run["epoch_s"]) + 1))
        figure.add_trace(go.Bar(x=epochs, y=run["epoch_s"], name=name, marker_color=charts.run_colour(index),
                                meta={"run": name},
                                hovertemplate=f"{name}<br>{t('tr_axis_epoch', lang)} %{{x}}: "
                                              "%{y:.3f} s<extra></extra>"))
    charts.linear_layout(figure, t("tr_axis_epoch", lang), t("tr_axis_seconds", lang), legend=t("tr_col_run", lang))
    if len(runs) and len(runs[0]["epoch_s"]) <= 20:
        figure.update_xaxes(dtick=1)
    figure.update_layout(barmode="group", height=400, margin={"t": 30})
    return figure


def epochs_table(runs: list[dict[str, Any]], lang: str) -> pd.DataFrame:
    """One row per epoch of every run, headers in ``lang``."""
    rows = []
    for run, name in zip(runs, run_names(runs, lang), strict=True):
        for i, seconds in enumerate(run["epoch_s"]):
            figures = {name: (run.get(f"epoch_{name}") or [None] * len(run["epoch_s"]))[i]
                       for name in ("loss", "accuracy", "val_loss", "val_accuracy")}
            rows.append({t("tr_col_run", lang): name, t("tr_col_epoch", lang): i + 1,
                         t("tr_col_time", lang): time_text(seconds),
                         t("tr_col_images_s", lang): f"{run.get('train_samples', 0) / seconds:,.0f}",
                         **{t(f"tr_col_{name}", lang): _figure(value) for name, value in figures.items()}})
    return pd.DataFrame(rows)


# --------------------------------------------------------------- what the figures say

def pipeline_sentence(runs: list[dict[str, Any]], lang: str) -> str | None:
    """The input-pipeline comparison in one sentence, from the steady epoch times (median_s)
    of one backend's three pipelines; None unless all three ran."""
    by = {run["params"].get("pipeline"): run["median_s"] for run in runs}
    if not {"arrays", "streamed", "prefetched"} <= set(by):
        return None
    words = {name: time_text(by[name]) for name in by}
    ratio = by["streamed"] / by["arrays"]
    if ratio >= 1.1:  # past the spread of repeated epochs on a quiet machine (docs/benchmarks.md)
        return t("tr_pipes_waits", lang, streamed=words["streamed"], arrays=words["arrays"],
                 prefetched=words["prefetched"], ratio=f"{ratio:.1f}")
    return t("tr_pipes_keeps", lang, streamed=words["streamed"], arrays=words["arrays"], prefetched=words["prefetched"])


def precision_notes(spec: Train, runs: list[dict[str, Any]], card: str, lang: str) -> list[str]:
    """What mixed precision did here (the measured steady epochs of each precision run) and the
    predicted effect of mixed float16 on ``card`` (``dlenv.measure.training.predict_epoch``)."""
    notes = []
    measured = {policy_of(run): run["median_s"] for run in runs}
    if len(measured) > 1:
        times = ", ".join(f"{t(f'tr_prec_{policy}', lang)} {time_text(seconds)}" for policy, seconds in measured.items())
        notes += [t("tr_mp_measured", lang, times=times), t("tr_mp_cpu", lang)]
    try:
        full = training.predict_epoch(Train(**{**spec.params(), "dtype": "float32"}), card)
        mixed = training.predict_epoch(Train(**{**spec.params(), "dtype": "float16"}), card)
    except PredictError:
        return notes
    ratio = full["median_s"] / mixed["median_s"]
    # Within 5% the model predicts no gain: "1.0× as fast" read as a typo.
    same = abs(ratio - 1) < 0.05
    notes.append(t("tr_mp_predicted_same" if same else "tr_mp_predicted", lang, card=full["device_name"],
                   f32=time_text(full["median_s"]), f16=time_text(mixed["median_s"]), ratio=f"{ratio:.1f}"))
    notes.append(t("tr_mp_overhead" if mixed.get("model_bound") == "overhead" else "tr_mp_compute", lang))
    return notes


def predicted_epochs(spec: Train, cards: list[str], lang: str) -> list[str]:
    """One line per card: this training's epoch predicted from the card's datasheet."""
    lines = []
    for card in cards:
        try:
            epoch = training.predict_epoch(spec, card)
        except PredictError:
            continue
        if math.isfinite(epoch["median_s"]):
            lines.append(t("tr_predicted_epoch", lang, card=epoch["device_name"], time=time_text(epoch["median_s"])))
    return lines
