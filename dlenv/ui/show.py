"""Results on a page: tables and the charts of dlenv.charts, with translated titles."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import pandas as pd
import streamlit as st

from dlenv import charts, compare, takeaways
from dlenv.data import results
from dlenv.i18n import t
from dlenv.measure import graphdemo, tfversions
from dlenv.measure.devices import DeviceInfo, peak_for
from dlenv.ui import presenter, tables
from dlenv.vocab import PROVENANCES, TIMED_PROVENANCES


def frame(doc: dict[str, Any]) -> pd.DataFrame:
    return results.to_dataframe(doc)


def table(df: pd.DataFrame, lang: str) -> None:
    """The results table for people (``dlenv.ui.tables``): headers and words in ``lang``,
    times in ms or µs, marks for noisy and busy timings, the main columns first."""
    st.subheader(t("table", lang))
    tables.show(df, lang)


def busy_warning(df: pd.DataFrame, lang: str) -> bool:
    """A warning above a results table when some results were measured on a busy machine
    (``busy``: other programs used the CPU during the timed region, see
    ``dlenv.measure.contention``). Returns whether it was shown."""
    if df.empty or "busy" not in df:
        return False
    busy = df[df["busy"].fillna(False).astype(bool)]
    if busy.empty:
        return False
    share = busy.get("other_cpu_share", pd.Series(0.0, index=busy.index)).fillna(0.0)
    share = share + busy.get("steal_share", pd.Series(0.0, index=busy.index)).fillna(0.0)
    st.warning(t("busy_warning", lang, count=len(busy), total=len(df), share=f"{100 * share.max():.0f}"))
    return True


def provenance_names(lang: str) -> dict[str, str]:
    """The provenance names in ``lang``, as the charts' legends and hovers show them, and the
    legends' title (``"legend"``)."""
    return {**{kind: t(f"prov_{kind}", lang) for kind in PROVENANCES}, "legend": t("legend_series", lang)}


def chart_names(lang: str) -> dict[str, str]:
    """Every word the charts draw (``dlenv.charts.WORDS``: naive, synced, peak, legend titles...)
    and the provenance names, in ``lang``."""
    words = {word: t("legend_series" if word == "legend" else f"chartw_{word}", lang) for word in charts.WORDS}
    return {**words, **provenance_names(lang)}


def glossary(terms: Sequence[str], lang: str) -> str | None:
    """The short explanations of ``terms`` (gflops, median_iqr, naive_synced, pct_peak,
    intensity, first_call), one paragraph each: the ``help=`` tooltip beside a takeaway."""
    return "\n\n".join(t(f"gloss_{term}", lang) for term in terms) or None


def takeaway(where: Any, found: takeaways.Takeaway | None, lang: str, terms: Sequence[str] = ()) -> None:
    """A chart's one-line takeaway (``dlenv.takeaways``) under it, in ``lang``, with the glossary
    of the ``terms`` it uses as its tooltip. Names inside come from files: escaped."""
    if found is not None:
        where.markdown("→ " + found.text(lang, escape=plain), help=glossary(terms, lang))


def _panels(where: Any, panels: list[tuple[str, Any]], key: str, lang: str) -> None:
    """Draw ``panels`` ((title, draw(where)) pairs): all of them, two to a row, or in presenter
    mode the one picked with a segmented control (a projector shows one chart at a time)."""
    if presenter.active() and len(panels) > 1:
        titles = [title for title, _ in panels]
        picked = st.segmented_control(t("chart_pick", lang), titles, default=titles[0], key=key) or titles[0]
        dict(panels)[picked](st.container())
        return
    columns = where.columns(2)
    for i, (_, draw) in enumerate(panels):
        draw(columns[i % 2])


def matmul_charts(df: pd.DataFrame, lang: str, cards: Sequence[str] = (), strict_float32: bool = False) -> None:
    """Time and throughput against size, speedup over this machine's measured CPU (of every
    other series: a GPU measured here, an imported one, and each of ``cards`` as published and
    predicted at the measured sizes and dtype) with one sentence each, and the roofline of
    what was measured; each chart with its takeaway. In presenter mode one chart at a time."""
    names = chart_names(lang)
    df = _with_cards(df, cards, "float32" if strict_float32 else "tf32", lang)
    synced = df[df["timing"].isna() | (df["timing"] == "synced")]
    mm = synced[synced["workload"] == "matmul"]
    every = df[df["workload"] == "matmul"]
    size_x = t("axis_size", lang)
    timing_terms = ("median_iqr", "naive_synced") if (every["timing"] == "naive").any() else ("median_iqr",)

    def time(where: Any) -> None:
        where.plotly_chart(charts.time_vs_size(every, t("chart_time", lang), size_x, t("axis_time", lang), names),
                           width="stretch")
        takeaway(where, takeaways.time_vs_size(every), lang, timing_terms)

    def throughput(where: Any) -> None:
        where.plotly_chart(charts.throughput_vs_size(mm, t("chart_throughput", lang), size_x, names=names),
                           width="stretch")
        takeaway(where, takeaways.throughput(mm), lang, ("gflops", "pct_peak"))

    series = charts.with_series(mm, names)
    cpus = series[(series["provenance"] == "measured") & series["device"].str.startswith("cpu")]["series"]
    others = [name for name in dict.fromkeys(series["series"]) if not cpus.empty and name != cpus.iloc[0]]

    def speedup(where: Any) -> None:
        if not others:
            where.info(t("no_speedup", lang))
            return
        where.plotly_chart(charts.speedup_vs_size(series, cpus.iloc[0], t("chart_speedup", lang), size_x,
                                                  t("axis_speedup", lang), names), width="stretch")
        for name in others:
            where.markdown(speedup_sentence(series, name, cpus.iloc[0], lang), help=glossary(("speedup",), lang))

    measured = synced[synced["provenance"].isin(TIMED_PROVENANCES)]

    def roofline(where: Any) -> None:
        where.plotly_chart(charts.roofline(measured, t("chart_roofline", lang), t("axis_intensity", lang),
                                           names=names), width="stretch")
        takeaway(where, takeaways.roofline(measured), lang, ("intensity", "gflops"))

    _panels(st, [(t("chart_time", lang), time), (t("chart_throughput", lang), throughput),
                 (t("chart_speedup", lang), speedup), (t("chart_roofline", lang), roofline)], "mm_chart_pick", lang)


def machine_comparison(df: pd.DataFrame, lang: str) -> None:
    """Any matmul series against any other (this CPU, a bundled reference or published set, an
    imported Colab GPU): time, throughput and speedup against size, the crossover marked, and
    one sentence per series. The user picks the dtype, the series and the baseline."""
    names = chart_names(lang)
    matmul = df[(df["workload"] == "matmul") & (df["timing"].isna() | (df["timing"] == "synced"))]
    if "param_batch" in matmul:  # a size-N chart is of single N×N matmuls; batched ones (published sets) are not
        matmul = matmul[matmul["param_batch"].fillna(1) == 1]
    if "param_n" in matmul and "param_k" in matmul:  # and of square ones
        matmul = matmul[(matmul["param_m"] == matmul["param_n"]) & (matmul["param_m"] == matmul["param_k"])]
    if matmul.empty:
        return
    if "reference" in matmul:  # rows stored as a bundled reference are drawn (and named) as one
        marked = matmul["reference"].fillna(False).astype(bool) & (matmul["provenance"].fillna("measured") == "measured")
        matmul = matmul.assign(provenance=matmul["provenance"].where(~marked, "reference"))
    st.subheader(t("res_compare", lang))
    left, right = st.columns(2)
    dtypes = sorted(matmul["dtype"].unique())
    dtype = left.selectbox(t("dtype", lang), dtypes, index=dtypes.index("float32") if "float32" in dtypes else 0,
                           key="res_compare_dtype")
    series = charts.with_series(matmul[matmul["dtype"] == dtype], names)
    options = list(dict.fromkeys(series.sort_values("provenance", key=lambda p: p != "measured")["series"]))
    cpu = [name for name in options if series.loc[series["series"] == name, "device"].iloc[0].startswith("cpu")]
    fast = [name for name in options if name not in cpu]
    chosen = right.multiselect(t("res_series", lang), options, default=(cpu[:1] + fast[:2]) or options[:2],
                               key="res_compare_series")
    if len(chosen) < 2:
        right.info(t("res_pick_two", lang))
        return
    baseline = left.selectbox(t("res_baseline", lang), chosen, key="res_compare_baseline")
    shown = series[series["series"].isin(chosen)]
    size_x = t("axis_size", lang)
    if (charts.latest_per_size(shown, "param_m")["runs"] > 1).any():
        st.caption(t("res_latest_note", lang))
    one, two = st.columns(2)
    one.plotly_chart(charts.time_vs_size(shown, t("chart_time", lang), size_x, t("axis_time", lang), names),
                     width="stretch")
    two.plotly_chart(charts.throughput_vs_size(shown, t("chart_throughput", lang), size_x, names=names),
                     width="stretch")
    one.plotly_chart(charts.speedup_vs_size(shown, baseline, t("res_speedup", lang, baseline=baseline), size_x,
                                            t("axis_speedup", lang), names), width="stretch")
    for name in chosen:
        if name != baseline:
            two.write(speedup_sentence(shown, name, baseline, lang))


def model_predictions(spec: Any, measured: pd.DataFrame | None, card_keys: list[str], lang: str) -> None:
    """The time per step of ``spec`` predicted from each card's datasheet, as bars beside the
    step measured here (if any), each bar labelled by its provenance, and why a card is missing."""
    names = chart_names(lang)
    precision = "float32" if measured is not None and (measured.get("matmul_precision") == "float32").all() else "tf32"
    comparison = compare.model_comparison(spec, card_keys, float32_precision=precision)
    predicted = results.to_dataframe(comparison.document) if comparison.document["results"] else None
    rows = pd.concat([frame for frame in (measured, predicted) if frame is not None and not frame.empty])
    if rows.empty:
        return
    rows = charts.with_series(rows, names)
    hatched = [kind for kind in PROVENANCES if kind not in TIMED_PROVENANCES]
    st.plotly_chart(charts.step_bars(rows, t("models_predicted_chart", lang), t("axis_step_ms", lang), hatched),
                    width="stretch")
    takeaway(st, takeaways.step_bars(rows), lang)
    if predicted is not None:
        st.caption(t("models_predicted_note", lang, bound=", ".join(
            f"{row.device_name}: {t('bound_' + row.model_bound, lang)}" for row in predicted.itertuples())))
    for line in comparison.left_out:
        st.caption(t("compare_left_out", lang, what=t(line.key, lang, **line.values)))


def _with_cards(df: pd.DataFrame, cards: Sequence[str], float32_precision: str, lang: str) -> pd.DataFrame:
    """``df`` and the cards' published and predicted square matmuls at its sizes and dtype;
    a caption for each card or figure left out."""
    matmuls = df[df["workload"] == "matmul"]
    if not cards or matmuls.empty:
        return df
    sizes = sorted({int(size) for size in matmuls["param_m"]})
    comparison = compare.matmul_comparison(sizes, matmuls["dtype"].iloc[0], cards,
                                           float32_precision=float32_precision)
    for line in comparison.left_out:
        st.caption(t("compare_left_out", lang, what=t(line.key, lang, **line.values)))
    if not comparison.document["results"]:
        return df
    return pd.concat([df, frame(comparison.document)], ignore_index=True)


def speedup_sentence(df: pd.DataFrame, fast: str, slow: str, lang: str) -> str:
    """"The T4 is 11× faster at N=4096 and wins from N=256 (predicted ÷ measured)", or why not
    (``dlenv.takeaways.speedup``), names escaped for Markdown."""
    return takeaways.speedup(df, fast, slow).text(lang, escape=plain)


def quick_demo(df: pd.DataFrame, lang: str) -> None:
    """The Environment page's quick demo: the matmul times against N with a legend and the sizes
    on the axis, one sentence on what the chart shows, the MLP's step as a metric beside it, and
    the takeaway."""
    names = chart_names(lang)
    matmul = df[df["workload"] == "matmul"]
    left, right = st.columns([3, 1])
    left.plotly_chart(charts.time_vs_size(matmul, t("chart_time", lang), t("axis_size", lang), t("axis_time", lang),
                                          names), width="stretch")
    left.caption(t("demo_chart_says", lang))
    for row in df[df["workload"] == "mlp"].itertuples():
        right.metric(t("demo_mlp", lang), f"{takeaways.number(row.median_s * 1e3)} ms",
                     help=glossary(("median_iqr",), lang))
        rate = takeaways.number(float(row.samples_per_s)) if pd.notna(row.samples_per_s) else "?"
        right.caption(t("demo_mlp_rate", lang, depth=row.param_depth, width=row.param_width, batch=row.param_batch,
                        device=row.device, samples=rate))
    takeaway(st, takeaways.quick_demo(df), lang, ("median_iqr", "gflops"))


def backend_comparison(df: pd.DataFrame, lang: str) -> None:
    """The Backends page's chart (``dlenv.charts.backend_times``: steps with their spread beside
    the first calls, log axis) and its takeaway."""
    st.plotly_chart(charts.backend_times(df, t("chart_backends", lang), t("axis_backend_ms", lang),
                                         chart_names(lang)), width="stretch")
    takeaway(st, takeaways.backend_times(df), lang, ("median_iqr", "first_call"))


def device_rows(env: dict[str, Any], lang: str) -> pd.DataFrame:
    """One row per device a backend reports: id, name, memory, float32 peak."""
    rows = []
    for raw in env.get("devices", []):
        device = DeviceInfo.from_dict(raw)
        peak = peak_for(device, "float32")
        rows.append({t("device_id", lang): device.id, t("name", lang): device.name,
                     t("memory", lang): f"{device.memory_bytes / 2**30:.1f} GiB" if device.memory_bytes else "?",
                     t("peak", lang): f"{peak.gflops:,.0f} GFLOP/s ({tables.word('peak_source', peak.source, lang)})" if peak else "?"})
    return pd.DataFrame(rows)


def graph_example(demo: dict[str, Any], lang: str) -> None:
    """The Learn page's example (``dlenv.measure.graphdemo``): the graph it traced beside its code and
    its eager, graph and XLA timings, then why they differ."""
    left, right = st.columns(2)
    left.graphviz_chart(charts.graph_dot(demo["operations"]))
    left.caption(t("learn_graph_caption", lang))
    right.code(demo["source"], language="python", wrap_lines=True)
    names = {**chart_names(lang), **{mode: t(f"learn_mode_{mode}", lang) for mode in graphdemo.MODES}}
    right.plotly_chart(charts.mode_times(demo["timings"], names, t("learn_chart", lang), t("learn_axis_us", lang)),
                       width="stretch")
    takeaway(right, takeaways.mode_times(demo["timings"]), lang, ("median_iqr",))
    timed = [row for row in demo["timings"] if "median_s" in row]
    right.dataframe(pd.DataFrame({
        t("learn_col_mode", lang): [names[row["mode"]] for row in timed],
        t("learn_col_median", lang): [_us(row["median_s"]) + (f" {_NOISY}" if row.get("noisy") else "")
                                      for row in timed],
        t("learn_col_iqr", lang): [_us(row["iqr_s"]) for row in timed],
        t("learn_col_first", lang): [_figures(row["first_call_s"] * 1e3) for row in timed],
    }), hide_index=True)
    for row in demo["timings"]:
        if "error" in row:
            right.info(t("learn_mode_failed", lang, mode=names[row["mode"]], message=row["error"]))
    cost = graphdemo.eager_cost_per_operation(demo)
    if cost:
        right.write(t("learn_per_op", lang, us=cost * 1e6, count=graphdemo.compute_operations(demo)))
    right.write(t("learn_why", lang))


def tf_versions_example(demo: dict[str, Any], lang: str) -> None:
    """The Learn page's TensorFlow 1.x vs 2.x example (``dlenv.measure.tfversions.run``): the code of
    each side by side, the three ways' timings (chart and table), what each computed and whether
    they agree, a sentence from the timings, then why they differ."""
    left, right = st.columns(2)
    left.markdown(f"**{t('tfv_code_tf1', lang)}**")
    # The code that ran, its comments in the page's language (the code itself unchanged).
    left.code(tfversions.shown_code(demo["code"]["tf1"], lang), language="python", wrap_lines=True)
    right.markdown(f"**{t('tfv_code_tf2', lang)}**")
    right.code(tfversions.shown_code(demo["code"]["tf2"], lang), language="python", wrap_lines=True)
    names = {**chart_names(lang), **{way: t(f"tfv_way_{way}", lang) for way in tfversions.WAYS}}
    left, right = st.columns(2)
    left.plotly_chart(charts.mode_times(demo["timings"], names, t("tfv_chart", lang), t("learn_axis_us", lang)),
                      width="stretch")
    timed = [row for row in demo["timings"] if "median_s" in row]
    right.dataframe(pd.DataFrame({
        t("tfv_col_way", lang): [names[row["mode"]] for row in timed],
        t("learn_col_median", lang): [_us(row["median_s"]) + (f" {_NOISY}" if row["noisy"] else "") for row in timed],
        t("learn_col_iqr", lang): [_us(row["iqr_s"]) for row in timed],
        t("learn_col_first", lang): [_figures(row["first_call_s"] * 1e3) for row in timed],
    }), hide_index=True)
    if any(row["noisy"] for row in timed):
        right.caption(t("tfv_noisy", lang, mark=_NOISY))
    for row in demo["timings"]:
        if "error" in row:
            right.info(t("learn_mode_failed", lang, mode=names[row["mode"]], message=row["error"]))
    if demo["agree"]:
        right.success(t("tfv_agree", lang, diff=_difference(demo["max_difference"])) if demo["max_difference"]
                      else t("tfv_identical", lang))
    elif demo["max_difference"] is not None:
        right.error(t("tfv_disagree", lang, diff=_difference(demo["max_difference"]),
                      tolerance=_difference(tfversions.TOLERANCE)))
    takeaway = tf_versions_takeaway(demo, lang)
    if takeaway:
        right.write(takeaway)
    st.caption(t("tfv_outputs", lang))
    st.dataframe(pd.DataFrame(
        [[names[way]] + [f"{p:.3f}" for p in values] for way, values in demo["outputs"].items()],
        columns=[t("tfv_col_way", lang)] + [t("tfv_class", lang, n=i) for i in range(len(next(iter(
            demo["outputs"].values()), [])))]), hide_index=True)
    st.write(t("tfv_why", lang))
    medians = {row["mode"]: row["median_s"] for row in timed}
    if "function" in medians and "eager" in medians and medians["function"] > medians["eager"]:
        st.write(t("tfv_function_slower", lang))  # the data contradicts "one trip is cheaper": say why
    (st.caption if demo["eager_after"] else st.warning)(t("tfv_isolated" if demo["eager_after"] else "tfv_leaked", lang))


_NOISY = "⚠"  # after a median whose samples were widely spread (``noisy``), as in the results tables


def tf_versions_takeaway(demo: dict[str, Any], lang: str) -> str | None:
    """One sentence from the example's medians: each way's time, the fastest and how many times
    faster than the slowest; None unless all three ways were timed."""
    medians = {row["mode"]: row["median_s"] for row in demo["timings"] if "median_s" in row}
    if set(medians) != set(tfversions.WAYS):
        return None
    fastest, slowest = min(medians, key=medians.get), max(medians, key=medians.get)
    times = {way: f"{_us(medians[way])} µs" for way in tfversions.WAYS}
    return t("tfv_takeaway", lang, **times, fastest=t(f"tfv_way_{fastest}", lang),
             slowest=t(f"tfv_way_{slowest}", lang), ratio=medians[slowest] / medians[fastest])


def _us(seconds: float) -> str:
    """``seconds`` in microseconds, as ``_figures`` writes them."""
    return _figures(seconds * 1e6)


def _figures(value: float) -> str:
    """3 significant figures and never an exponent: 7.25, 61.3, 482, 1,230."""
    rounded = float(f"{value:.3g}")
    return f"{rounded:,.0f}" if abs(rounded) >= 100 else f"{rounded:g}"


def _difference(value: float) -> str:
    """A difference between float32 results, readable without an exponent."""
    if value == 0:
        return "0"
    return "< 0.000001" if value < 1e-6 else f"{value:.2g}"


def keras_names(lang: str, worker: dict[str, Any] | None = None) -> None:
    """What ``import keras``, ``tf.keras`` and ``import tf_keras`` give in this installation, from
    package metadata (``dlenv.measure.tfversions``; nothing imported), then what the TensorFlow
    worker reported (``worker``: ``tfversions.keras_in_worker()``), when the example has run."""
    packages = tfversions.keras_packages()
    meaning = tfversions.tf_keras_meaning(packages)
    missing = t("tfk_missing", lang)
    tf_keras_what = {"keras3": t("tfk_keras3", lang), "tf_keras": t("tfk_keras2", lang),
                     "bundled2": t("tfk_bundled2", lang), None: missing}[meaning]
    tf_keras_version = {"keras3": packages["keras"], "tf_keras": packages["tf-keras"],
                        "bundled2": packages["tensorflow"], None: None}[meaning]
    rows = [("import keras", t("tfk_keras3", lang) if packages["keras"] else missing, packages["keras"]),
            ("tf.keras  (from tensorflow import keras)", tf_keras_what, tf_keras_version),
            ("import tf_keras", t("tfk_keras2", lang) if packages["tf-keras"] else missing, packages["tf-keras"])]
    st.dataframe(pd.DataFrame([(code, what, version or "–") for code, what, version in rows],
                              columns=[t("tfk_col_code", lang), t("tfk_col_means", lang), t("tfk_col_version", lang)]),
                 hide_index=True)
    if worker and worker.get("tf.keras"):
        key = "tfk_worker_same" if worker["same_dense"] else "tfk_worker_different"
        st.caption(t(key, lang, tf_keras=worker["tf.keras"], keras=worker["keras"]))


def keras_engines(lang: str) -> None:
    """Keras's backend engines then and now (``dlenv.measure.tfversions.ENGINES``, sources there),
    with the ones installed here marked."""
    here = tfversions.installed_engines()
    st.table(pd.DataFrame({  # a static table: its one-line facts wrap instead of being cut off
        t("eng_col_engine", lang): [e.name for e in tfversions.ENGINES],
        t("eng_col_here", lang): [t("eng_here_yes" if e.key in here else "eng_here_no", lang)
                                  for e in tfversions.ENGINES],
        t("eng_col_status", lang): [t(f"eng_status_{e.status}", lang) for e in tfversions.ENGINES],
        t("eng_col_years", lang): [e.years for e in tfversions.ENGINES],
        t("eng_col_maker", lang): [e.maker for e in tfversions.ENGINES],
        t("eng_col_fact", lang): [t(f"eng_fact_{e.key}", lang) for e in tfversions.ENGINES],
    }), hide_index=True)


def thread_scaling(df: pd.DataFrame, lang: str) -> None:
    """GFLOP/s against CPU threads with the ideal linear line (the matmul page's thread sweep),
    and its takeaway (why, when more threads were slower)."""
    st.plotly_chart(charts.thread_scaling(df[df["timing"] == "synced"], t("chart_threads", lang),
                                          t("axis_threads", lang), "GFLOP/s", t("ideal_scaling", lang)),
                    width="stretch")
    takeaway(st, takeaways.thread_scaling(df), lang, ("gflops",))


def plain(text: object) -> str:
    """``text`` escaped for Streamlit's Markdown (alerts, st.write): shown as typed, so a
    file name or a value quoted from an uploaded file cannot become a link, an image or
    a colour directive."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~$:])", r"\\\1", str(text))
