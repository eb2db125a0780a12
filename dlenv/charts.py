"""Charts as pure functions: a results DataFrame in, a Plotly figure out.

No Streamlit here, so every chart is testable on its own. The frame is what
``dlenv.data.results.to_dataframe`` (or the store) gives: one row per result, with
``param_<name>`` columns. All charts share one look, made to be read on a projector at
1280x720: a colour per device (the same device has the same colour on every chart), a
line dash per backend, naive timings dotted and paler than synced ones, tick labels of
at least 15 px, log axes labelled at powers of ten only (or, for sizes, at the measured
sizes themselves), units in the axis titles and the exact numbers in the hover.

Every chart takes ``names``: the words it draws in the page's language (provenances,
"naive", "peak", the legend's title...); an English default is used for a word left out
(``WORDS``). The page gets the one-line takeaway of each chart from ``dlenv.takeaways``.
"""

from __future__ import annotations

import html
import math
import re
import zlib
from collections.abc import Iterable
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dlenv.measure import peaks

# Colour-blind-safe (Okabe-Ito); index = device number within its kind.
_PALETTE = {"cpu": ("#0072B2", "#56B4E9", "#009E73", "#999999"),
            "gpu": ("#D55E00", "#E69F00", "#CC79A7", "#F0E442"),
            "tpu": ("#009E73", "#117733", "#44AA99", "#999933")}
# Other machines' series (imported, reference, published, predicted), in order of appearance.
_OTHER_COLOURS = ("#CC79A7", "#E69F00", "#882255", "#44AA99", "#AA4499", "#117733", "#DDCC77", "#332288")
_DASH = {"tensorflow": "solid", "jax": "dash", "torch": "dot"}
_SYMBOL = {"tensorflow": "circle", "jax": "square", "torch": "triangle-up"}
# How each provenance is drawn, on every chart: a line for timings, dashed when they come from
# elsewhere; markers alone for a third party's figures; a dotted line without markers for a model.
PROVENANCE_STYLE: dict[str, dict[str, Any]] = {
    "measured": {"mode": "lines+markers", "dash": None},
    "imported": {"mode": "lines+markers", "dash": "longdash"},
    "reference": {"mode": "lines+markers", "dash": "dashdot"},
    "published": {"mode": "markers", "dash": None, "symbol": "diamond", "size": 11},
    "predicted": {"mode": "lines", "dash": "dot"},
}
# The columns that make one series: what ran, where, how it was timed and what the number is.
SERIES_KEYS = ("machine", "device", "device_name", "backend", "provenance", "timing", "card_key", "matmul_precision",
               "dtype")
# The English words the charts draw; a page passes its own language's in ``names``.
WORDS: dict[str, str] = {
    "legend": "device · backend (provenance)", "legend_roofline": "device · workload",
    "legend_backends": "what is timed", "naive": "naive", "synced": "synced", "peak": "peak",
    "bandwidth": "memory bandwidth", "src_spec": "spec", "src_estimate": "estimate", "src_measured": "measured",
    "bw_measured": "best measured", "matmul": "matmul", "elementwise": "element-wise",
    "step": "median step", "first_call": "first call (build + compile)", "ideal": "ideal (linear)",
    "latest_of": "latest of {count} runs at this size", "samples": "samples", "median": "median",
    "crossover": "wins from here", "time": "time", "speedup_over": "how many times as fast as {baseline}",
}
# What a float32 matmul ran as, in a series name ("H100 SXM · TF32 (published)").
_RAN_AS = {"tf32": "TF32", "bfloat16": "bfloat16 pass", "bfloat16_3x": "3 bfloat16 passes"}
# Projector sizes (px): Plotly's defaults (12 px ticks in grey) cannot be read from the back of a room.
FONT = {"size": 15, "color": "#222222"}
TICK_FONT = {"size": 15, "color": "#222222"}
AXIS_TITLE_FONT = {"size": 17, "color": "#222222"}
TITLE_FONT = {"size": 20}
# Sizes closer than this factor share one tick label (1000 beside 1024 would overlap).
_SIZE_TICK_GAP = 1.6


# Runs told apart by colour alone (a training's runs on one page): Okabe-Ito, colour-blind-safe.
RUN_COLOURS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#882255", "#999999")


def run_colour(index: int) -> str:
    """The colour of the ``index``-th run of a page, the same on every chart of that page."""
    return RUN_COLOURS[index % len(RUN_COLOURS)]


def linear_layout(fig: go.Figure, x: str, y: str, legend: str = "", title: str = "") -> go.Figure:
    """The shared look (projector fonts, the legend below the plot) on linear axes: charts of
    epochs or counts, such as the Training page's."""
    return _layout(fig, title, x, y, log_x=False, log_y=False, legend=legend)


def word(names: dict[str, str] | None, key: str) -> str:
    """``names[key]`` or the English default."""
    return (names or {}).get(key) or WORDS[key]


def device_colour(device: str) -> str:
    kind, _, index = device.partition(":")
    palette = _PALETTE.get(kind, ("#333333",))
    return palette[int(index or 0) % len(palette)]


def paler(colour: str, amount: float = 0.45) -> str:
    """``colour`` (#RRGGBB) mixed with ``amount`` of white: the naive timing's shade of its line."""
    rgb = [int(colour[i:i + 2], 16) for i in (1, 3, 5)]
    return "#" + "".join(f"{round(c + (255 - c) * amount):02X}" for c in rgb)


def with_series(df: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """``df`` with a ``series`` column (the legend name of each row's line) and a ``colour``.

    A result measured here is named by its device and backend ("cpu:0 · tensorflow"), as
    before provenance existed; anything else by its device's name, its backend if it has
    one and its provenance, translated by ``names`` ("NVIDIA H100 80GB HBM3 (published)").
    When the rows hold naive and synced timings both, each name ends with its timing
    ("cpu:0 · tensorflow · naive"), and a naive line has a paler shade of its colour.
    Two machines that would share a name get their machine's name added. Names come from
    files, so they are HTML-escaped (Plotly renders tags in legend and hover text).
    """
    names = names or {}
    if "series" in df:
        return df
    frame = df.assign(**{key: df.get(key) for key in SERIES_KEYS})
    frame["provenance"] = frame["provenance"].fillna("measured")
    keys = frame[list(SERIES_KEYS)].astype(object).where(frame[list(SERIES_KEYS)].notna(), None)
    both_timings = keys["timing"].dropna().nunique() > 1
    labels: dict[tuple, str] = {}
    for key in dict.fromkeys(map(tuple, keys.itertuples(index=False, name=None))):
        labels[key] = _series_label(dict(zip(SERIES_KEYS, key, strict=True)), names, both_timings)
    clashing = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    colours = {}
    for key, label in labels.items():
        row = dict(zip(SERIES_KEYS, key, strict=True))
        if label in clashing and row["machine"]:
            labels[key] = f"{label} · {html.escape(str(row['machine']))}"
        # Measured: the device's colour; anything else: its card's, the same on every chart
        # and every run (a naive and a synced line of one series share it, the naive paler).
        colour = device_colour(row["device"]) if row["provenance"] == "measured" else card_colour(card_key(row))
        colours[key] = paler(colour) if row["timing"] == "naive" else colour
    tuples = list(map(tuple, keys.itertuples(index=False, name=None)))
    return frame.assign(series=[labels[key] for key in tuples], colour=[colours[key] for key in tuples])


def card_key(row: dict[str, Any]) -> str:
    """The card a row is about: its ``card_key`` (the datasheet table's name, which published
    sets record), else its device's name, else its device id."""
    return next((str(row[key]) for key in ("card_key", "device_name") if isinstance(row.get(key), str) and row[key]),
                str(row.get("device")))


def card_colour(card: str) -> str:
    """A card's colour: fixed by its place in the datasheet table, so the H100 is the same
    colour on every chart and in every run; other names by a checksum of the name."""
    from dlenv.measure.peaks import ACCELERATOR_PEAKS

    known = list(ACCELERATOR_PEAKS)
    index = known.index(card) if card in known else zlib.crc32(card.encode("utf-8"))
    return _OTHER_COLOURS[index % len(_OTHER_COLOURS)]


def _series_label(row: dict[str, Any], names: dict[str, str], both_timings: bool) -> str:
    backend = row["backend"]
    timing = f" · {word(names, row['timing'])}" if both_timings and row["timing"] in ("naive", "synced") else ""
    if row["provenance"] == "measured":
        return f"{row['device']} · {backend}{timing}"
    name = html.escape(card_name(row))
    kind = names.get(row["provenance"], row["provenance"])
    return f"{name} · {backend}{timing} ({kind})" if backend else f"{name} ({kind})"


def _series(df: pd.DataFrame, by: tuple[str, ...] = ("device", "backend")) -> list[tuple[dict[str, Any], pd.DataFrame]]:
    groups = []
    for key, part in df.groupby(list(by), sort=True, dropna=False):
        groups.append((dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)), part))
    return groups


def latest_per_size(df: pd.DataFrame, size: str) -> pd.DataFrame:
    """One row per series and size: the latest (by ``started_at``, else ``measured_at``, else
    the last in ``df``), with ``runs``, how many rows there were. A store holds repeats, thread
    sweeps and older runs at the same size; joined in one line they zig-zag."""
    frame = with_series(df)
    when = next((column for column in ("started_at", "measured_at") if column in frame and frame[column].notna().any()),
                None)
    order = pd.to_datetime(frame[when], utc=True, errors="coerce") if when else pd.Series(0, index=frame.index)
    frame = frame.assign(_order=order, _row=range(len(frame)))
    frame = frame.sort_values(["_order", "_row"], na_position="first", kind="mergesort")
    runs = frame.groupby(["series", size])[size].transform("size")
    return frame.assign(runs=runs).drop_duplicates(["series", size], keep="last").drop(columns=["_order", "_row"])


def _lines(df: pd.DataFrame, names: dict[str, str] | None,
           size: str | None = None) -> list[tuple[str, pd.DataFrame, dict[str, Any]]]:
    """(legend name, rows, trace style) of each series, in a stable order: measured first.
    With ``size``, one row per series and size (``latest_per_size``)."""
    frame = with_series(df, names)
    if size is not None:
        frame = latest_per_size(frame, size)
    order = {kind: i for i, kind in enumerate(PROVENANCE_STYLE)}
    parts = sorted(frame.groupby("series", sort=True), key=lambda item: (order.get(item[1]["provenance"].iloc[0], 9),
                                                                        item[0]))
    lines = []
    for name, part in parts:
        first = part.iloc[0]
        style = PROVENANCE_STYLE.get(first["provenance"], PROVENANCE_STYLE["measured"])
        backend = first["backend"] if isinstance(first["backend"], str) else None
        dash = style["dash"] or (_DASH.get(backend, "solid") if first["provenance"] == "measured" else "solid")
        symbol = style.get("symbol", _SYMBOL.get(backend, "circle"))
        if first.get("timing") == "naive":  # dotted (dashed where the backend's own dash is dotted), hollow
            dash, symbol = ("dash" if dash == "dot" else "dot"), f"{symbol}-open"
        lines.append((name, part, {
            "mode": style["mode"], "line": {"color": first["colour"], "dash": dash, "width": 2.5},
            "marker": {"symbol": symbol, "size": style.get("size", 9), "color": first["colour"]}}))
    return lines


def _provenance_hover(part: pd.DataFrame, names: dict[str, str] | None) -> list[str]:
    """What each point is and, for published and predicted figures, where it comes from; and
    when a point is the latest of several runs at its size, that."""
    names = names or {}
    texts = []
    for row in part.itertuples(index=False):
        kind = getattr(row, "provenance", None) or "measured"
        source = getattr(row, "provenance_source", None) if kind in ("published", "predicted") else None
        note = getattr(row, "provenance_note", None) if kind in ("published", "predicted") else None
        words = [names.get(kind, kind)] + [html.escape(str(text)) for text in (source, note)
                                           if isinstance(text, str) and text]
        runs = getattr(row, "runs", 1)
        if pd.notna(runs) and runs > 1:
            words.append(word(names, "latest_of").format(count=int(runs)))
        texts.append("<br>".join(words))
    return texts


def _size_column(df: pd.DataFrame) -> str:
    return "param_m" if "param_m" in df else "param_size"


# ---------------------------------------------------------------- axes a class can read


def decade_label(exponent: int) -> str:
    """The tick text of 10**exponent: "0.01", "1", "1000", "10k", "1M" (or "1e-6" beyond)."""
    if -4 <= exponent < 0:
        return f"{10.0 ** exponent:.{-exponent}f}"
    if 0 <= exponent < 4:
        return str(10**exponent)
    if 4 <= exponent < 9:
        return f"{10 ** (exponent % 3)}{'k' if exponent < 6 else 'M'}"
    return f"1e{exponent}"


def _positive(values: Iterable[Any]) -> list[float]:
    found = []
    for value in values:
        try:
            number = float(value)
        except (TypeError, ValueError):
            continue
        if math.isfinite(number) and number > 0:
            found.append(number)
    return found


def decade_axis(values: Iterable[Any]) -> dict[str, Any]:
    """Settings of a log axis (``fig.update_yaxes(**...)``) labelled at powers of ten only, with
    unlabelled grid lines at 2..9 between them. The range covers ``values`` and at least two
    powers of ten, so that every tick read is a decade: Plotly's own minor labels ("2", "5")
    read as 200 and 500 on a projector."""
    found = _positive(values)
    if not found:
        return {"type": "log"}
    low, high = math.log10(min(found)), math.log10(max(found))
    first, last = math.floor(low), math.ceil(high)
    if last == first:
        last += 1
    if sum(1 for k in range(first, last + 1) if low - 0.05 <= k <= high + 0.05) < 2:
        low, high = first, last  # too narrow to hold two decades: show the decades around it
    # Data more than a factor of 2 past the outermost labelled decade gets the next one, so that
    # no point sits above (or below) every label: 2.9 ms is read between "1" and "10".
    if high - math.floor(high + 0.05) > 0.3:
        high = math.ceil(high)
    if math.ceil(low - 0.05) - low > 0.3:
        low = math.floor(low)
    pad = 0.04 * max(high - low, 1.0)
    exponents = [k for k in range(first, last + 1) if low - pad <= k <= high + pad]
    minor = [m * 10.0**k for k in range(first - 1, last + 1) for m in range(2, 10)]
    return {"type": "log", "range": [low - pad, high + pad], "tickvals": [10.0**k for k in exponents],
            "ticktext": [decade_label(k) for k in exponents], "tickmode": "array",
            "minor": {"tickmode": "array", "tickvals": minor, "showgrid": True, "gridcolor": "#EEEEEE", "ticks": ""}}


def size_axis(sizes: Iterable[Any]) -> dict[str, Any]:
    """Settings of a log size axis labelled at the measured sizes themselves (64, 256, 1024...),
    thinned where two would overlap."""
    found = sorted(set(_positive(sizes)))
    if not found:
        return {"type": "log"}
    shown: list[float] = []
    for size in found:
        if not shown or size / shown[-1] >= _SIZE_TICK_GAP:
            shown.append(size)
    low, high = math.log10(found[0]), math.log10(found[-1])
    pad = 0.06 * max(high - low, 0.5)
    return {"type": "log", "range": [low - pad, high + pad], "tickmode": "array", "tickvals": shown,
            "ticktext": [f"{size:g}" for size in shown]}


def _trace_values(fig: go.Figure, axis: str) -> list[float]:
    """Every value drawn along ``axis`` ("x" or "y"), error bars' ends included."""
    found: list[float] = []
    for trace in fig.data:
        drawn = getattr(trace, axis, None)
        values = list(drawn) if drawn is not None else []
        found += _positive(values)
        error = getattr(trace, f"error_{axis}", None)
        if error is not None and error.array is not None:
            plus = list(error.array)
            minus = list(error.arrayminus) if error.arrayminus is not None else plus
            found += _positive(v + e for v, e in zip(values, plus, strict=False) if _positive([v]) and _positive([e]))
            found += _positive(v - e for v, e in zip(values, minus, strict=False) if _positive([v]) and _positive([e]))
    return found


def _layout(fig: go.Figure, title: str, x: str, y: str, log_x: bool = True, log_y: bool = True,
            legend: str = "device · backend", sizes: Iterable[Any] | None = None) -> go.Figure:
    """The shared look: projector fonts, the legend below the plot with a title, log axes at
    decades (an x axis of ``sizes`` at the sizes)."""
    # The legend goes below the plot: names with their provenance are long, and beside a
    # half-width chart they left the plot a sliver.
    fig.update_layout(title={"text": title, "font": TITLE_FONT}, font=FONT, hovermode="closest",
                      template="plotly_white", margin={"t": 60, "r": 20, "l": 70}, showlegend=True,
                      hoverlabel={"font": {"size": 15}},
                      legend={"title": {"text": legend}, "orientation": "h", "yanchor": "top", "y": -0.32,
                              "xanchor": "left", "x": 0, "font": {"size": 14}})
    fig.update_xaxes(title={"text": x, "font": AXIS_TITLE_FONT}, tickfont=TICK_FONT, type="log" if log_x else "linear")
    fig.update_yaxes(title={"text": y, "font": AXIS_TITLE_FONT}, tickfont=TICK_FONT, type="log" if log_y else "linear")
    if log_x:
        fig.update_xaxes(**(size_axis(sizes) if sizes is not None else decade_axis(_trace_values(fig, "x"))))
    if log_y:
        fig.update_yaxes(**decade_axis(_trace_values(fig, "y")))
    return fig


# ---------------------------------------------------------------- the charts


def time_vs_size(df: pd.DataFrame, title: str = "Time per call", x_title: str = "matrix size N",
                 y_title: str = "median time per call (ms)", names: dict[str, str] | None = None) -> go.Figure:
    """Median time per call (ms) against size N, log-log, IQR as asymmetric error bars (timings
    only: a published or predicted figure has no spread). One line per series (``with_series``),
    drawn by its provenance (``PROVENANCE_STYLE``); naive timings dotted, paler and named so;
    one point per series and size (the latest run, ``latest_per_size``). ``names`` translates
    the words (``WORDS``)."""
    size = _size_column(df)
    fig = go.Figure()
    for name, part, style in _lines(df, names, size):
        part = part.sort_values(size)
        ms = part["median_s"] * 1e3
        timed = part["q1_s"].notna().all() and part["q3_s"].notna().all()
        error = {"type": "data", "symmetric": False, "array": part["q3_s"] * 1e3 - ms,
                 "arrayminus": ms - part["q1_s"] * 1e3, "thickness": 1.5} if timed else None
        iqr = (part["iqr_s"] * 1e3).fillna(0.0)
        spread = ("<br>IQR %{customdata[0]:.3g} ms<br>%{customdata[1]} " + word(names, "samples")) if timed else ""
        what = word(names, "median") if timed else word(names, "time")  # a figure has no median of samples
        fig.add_trace(go.Scatter(
            x=part[size], y=ms, name=name, error_y=error, **style,
            customdata=list(zip(iqr, part["n_samples"].fillna(0).astype(int), _provenance_hover(part, names),
                                strict=True)),
            hovertemplate="N=%{x}<br>" + what + " %{y:.3g} ms" + spread +
                          "<br>%{customdata[2]}<extra>%{fullData.name}</extra>"))
    return _layout(fig, title, x_title, y_title, legend=word(names, "legend"), sizes=df[size])


def throughput_vs_size(df: pd.DataFrame, title: str = "Throughput", x_title: str = "matrix size N",
                       y_title: str = "GFLOP/s", names: dict[str, str] | None = None) -> go.Figure:
    """GFLOP/s against size, one line per series drawn by its provenance (one point per size,
    the latest), with each series' peak as a dashed horizontal line of its colour, named
    "<device> peak (<source>) <GFLOP/s>"."""
    size = _size_column(df)
    fig = go.Figure()
    lines = _lines(df, names, size)
    for name, part, style in lines:
        part = part.sort_values(size)
        fig.add_trace(go.Scatter(
            x=part[size], y=part["gflops"], name=name, **style, customdata=_provenance_hover(part, names),
            hovertemplate="N=%{x}<br>%{y:.3g} GFLOP/s<br>%{customdata}<extra>%{fullData.name}</extra>"))
    # Each peak is a dashed line of its own in the legend. (An add_hline annotation is
    # placed in axis units, which on a log axis are powers of ten: 156 became 10^156.)
    low, high = df[size].min(), df[size].max()
    drawn = set()
    for name, part, style in lines:
        peaks_ = part.dropna(subset=["peak_gflops"])
        if peaks_.empty:
            continue
        row = peaks_.iloc[0]
        # One line per device or card (its published and predicted series share the datasheet's
        # peak), named without the provenance so the legend fits under a half-width chart.
        label = f"{_peak_owner(row.to_dict())} {word(names, 'peak')} {rate_text(row['peak_gflops'])} " \
                f"({_source_word(row['peak_source'], names)})"
        if label in drawn:
            continue
        drawn.add(label)
        fig.add_trace(go.Scatter(
            x=[low, high], y=[row["peak_gflops"]] * 2, mode="lines", name=label, meta={"roof": "compute"},
            line={"color": style["line"]["color"], "dash": "dash", "width": 1.5},
            hovertemplate="%{y:.4g} GFLOP/s<extra>%{fullData.name}</extra>"))
    return _layout(fig, title, x_title, y_title, legend=word(names, "legend"), sizes=df[size])


def card_name(row: dict[str, Any]) -> str:
    """A published or predicted row's card as every chart and table names it: the card and what
    a float32 matmul ran as there ("H100 SXM · TF32"), whatever the source's own device name."""
    ran = row.get("matmul_precision")
    ran_as = f" · {_RAN_AS[ran]}" if isinstance(ran, str) and ran != row.get("dtype") and ran in _RAN_AS else ""
    return card_key(row) + ran_as


def _peak_owner(row: dict[str, Any]) -> str:
    """Whose peak a line is: the device measured here, else the card ("H100 SXM · TF32")."""
    return str(row["device"]) if row.get("provenance") == "measured" else html.escape(card_name(row))


def rate_text(gflops: float) -> str:
    """A throughput in the unit that keeps it short: "332 GFLOP/s", "495 TFLOP/s", "1.2 PFLOP/s"."""
    for scale, unit in ((1e6, "PFLOP/s"), (1e3, "TFLOP/s")):
        if gflops >= scale:
            return f"{gflops / scale:.3g} {unit}"
    return f"{gflops:.3g} GFLOP/s"


def _source_word(source: Any, names: dict[str, str] | None) -> str:
    key = f"src_{source}"
    return word(names, key) if key in WORDS else str(source)


def speedup_vs_size(df: pd.DataFrame, baseline: str, title: str = "Speedup", x_title: str = "matrix size N",
                    y_title: str = "speedup (×)", names: dict[str, str] | None = None) -> go.Figure:
    """How many times faster each series is than ``baseline`` (a series name, see
    ``with_series``, e.g. "cpu:0 · tensorflow") at each size both have, the crossover marked.

    The crossover is the smallest size from which a series stays ahead (speedup ≥ 1 at
    that size and every larger one compared): where the accelerator starts to pay off.
    A series keeps its provenance's style, so a speedup over a published or predicted
    figure looks like one.
    """
    size = _size_column(df)
    frame = with_series(df, names)
    fig = go.Figure()
    for name, part, style in _lines(frame, names):
        if name == baseline:
            continue
        table = speedup_table(frame, name, baseline, size)
        if table.empty:
            continue
        fig.add_trace(go.Scatter(
            x=table[size], y=table["speedup"], name=name,
            **{**style, "mode": "lines+markers" if style["mode"] != "markers" else "markers"},
            hovertemplate="N=%{x}<br>%{y:.3g}×<extra>%{fullData.name}</extra>"))
        crossover = crossover_size(table, size)
        if crossover is not None:
            fig.add_trace(go.Scatter(
                x=[crossover], y=[table.loc[table[size] == crossover, "speedup"].iloc[0]], mode="markers",
                marker={"symbol": "star", "size": 18, "color": style["line"]["color"],
                        "line": {"color": "black", "width": 1.5}},
                name=f"{word(names, 'crossover')} · {name}",
                hovertemplate="N=%{x}<extra>%{fullData.name}</extra>"))
    # Speedup 1 (as fast as the baseline): a plain trace, kept out of the legend and the hover.
    fig.add_trace(go.Scatter(x=[df[size].min(), df[size].max()], y=[1, 1], mode="lines", name="1×", showlegend=False,
                             line={"color": "grey", "dash": "dot"}, hoverinfo="skip"))
    # The baseline goes in the legend's title, once, rather than after every name ("… ÷ cpu:0 ·
    # tensorflow" cut every entry off beside a half-width chart).
    legend = word(names, "speedup_over").format(baseline=html.escape(baseline))
    return _layout(fig, title, x_title, y_title, log_y=True, legend=legend, sizes=df[size])


def speedup_table(df: pd.DataFrame, fast: str, slow: str, size: str = "param_m") -> pd.DataFrame:
    """Per size both series have: slow's median time / fast's. ``fast`` and ``slow`` are
    series names (``with_series``)."""
    frame = with_series(df)
    times = frame[frame["series"].isin([fast, slow])].groupby([size, "series"])["median_s"].min().unstack("series")
    if fast not in times or slow not in times:
        return pd.DataFrame(columns=[size, "speedup"])
    table = times.dropna().reset_index()
    table["speedup"] = table[slow] / table[fast]
    return table.sort_values(size)[[size, "speedup"]].reset_index(drop=True)


def crossover_size(table: pd.DataFrame, size: str = "param_m") -> int | None:
    """The smallest size from which the speedup stays ≥ 1, or None if it never does."""
    if table.empty:
        return None
    winning = table["speedup"] >= 1
    if not winning.iloc[-1]:
        return None
    losing_sizes = table.loc[~winning, size]
    later = table[table[size] > losing_sizes.max()] if not losing_sizes.empty else table
    return int(later[size].iloc[0])


def speedup_summary(df: pd.DataFrame, fast: str, slow: str, size: str = "param_m") -> dict[str, Any] | None:
    """The numbers of the one-sentence answer: how many times faster ``fast`` is than ``slow``
    at the largest size both have (``speedup``, ``at``), and from which size it wins
    (``crossover``, None if it never does; when it is ``first``, the smallest size both have,
    it is ahead wherever the two were compared, which says nothing of smaller sizes), with
    both series' provenances. None when the two have no size in common."""
    table = speedup_table(df, fast, slow, size)
    if table.empty:
        return None
    frame = with_series(df)
    kind = {name: part["provenance"].iloc[0] for name, part in frame.groupby("series")}
    last = table.iloc[-1]
    return {"speedup": float(last["speedup"]), "at": int(last[size]), "crossover": crossover_size(table, size),
            "first": int(table[size].iloc[0]), "fast_provenance": kind[fast], "slow_provenance": kind[slow]}


def memory_bandwidth(rows: pd.DataFrame) -> tuple[float, str] | None:
    """(GB/s, "spec" or "measured") of one device's rows: an accelerator's datasheet DRAM
    bandwidth (``dlenv.measure.peaks.ACCELERATOR_BANDWIDTH_GBPS``, matched by its name), else the
    best GB/s its element-wise results reached; None when neither is known. A measured figure
    is what a small add reached, often from a cache: a floor of the roof, not DRAM's."""
    name = str(rows["device_name"].iloc[0]) if "device_name" in rows and len(rows) else ""
    if not str(rows["device"].iloc[0]).startswith("cpu"):
        key = peaks.match_accelerator(name)
        if key in peaks.ACCELERATOR_BANDWIDTH_GBPS:
            return peaks.ACCELERATOR_BANDWIDTH_GBPS[key] / peaks.DEVICES_PER_CHIP.get(key, 1), "spec"
    added = rows[(rows["workload"] == "elementwise") & (rows["gbps"] > 0)]
    return (float(added["gbps"].max()), "measured") if not added.empty else None


def roofline(df: pd.DataFrame, title: str = "Roofline", x_title: str = "arithmetic intensity (FLOP/byte)",
             y_title: str = "GFLOP/s", names: dict[str, str] | None = None) -> go.Figure:
    """Each result at (FLOPs per byte moved, GFLOP/s), labelled by its size, under its device's
    roofs: the compute peak (the results' ``peak_gflops``, its ``peak_source`` in the legend) as
    a flat line and the memory bandwidth (``memory_bandwidth``: spec or best measured, said in the
    legend) as the sloped line GB/s x intensity, meeting at the ridge. Compute-bound work sits
    high on the right under the flat roof, memory-bound work (element-wise) low on the left
    under the slope. Roof traces carry ``meta={"roof": "compute" | "memory"}``."""
    fig = go.Figure()
    data = df[df["bytes"] > 0].assign(intensity=lambda d: d["flops"] / d["bytes"])
    if data.empty:
        return _layout(fig, title, x_title, y_title, legend=word(names, "legend_roofline"))
    size = pd.Series(None, index=data.index, dtype=object)
    for column in ("param_m", "param_size"):  # a matmul's N, an element-wise add's size
        if column in data:
            size = size.where(size.notna(), data[column].astype(object))
    data = data.assign(size_text=size.map(lambda n: f"{int(n)}" if pd.notna(n) else ""))
    for key, part in _series(data, ("device", "workload")):
        fig.add_trace(go.Scatter(
            x=part["intensity"], y=part["gflops"], mode="markers+text", text=part["size_text"],
            # Element-wise adds share one intensity (a column of points): their sizes go beside them.
            textposition="middle right" if key["workload"] == "elementwise" else "top center", textfont={"size": 13},
            name=f"{key['device']} · {word(names, key['workload']) if key['workload'] in WORDS else key['workload']}",
            marker={"color": device_colour(key["device"]), "size": 11,
                    "symbol": "circle" if key["workload"] != "elementwise" else "square"},
            # Labels can come from an imported file: escaped, since Plotly renders tags in hover text.
            customdata=part[["label", "gbps"]].assign(label=part["label"].map(html.escape)),
            hovertemplate="%{customdata[0]}<br>%{x:.3g} FLOP/byte<br>%{y:.4g} GFLOP/s<br>"
                          "%{customdata[1]:.3g} GB/s<extra></extra>"))
    low, high = data["intensity"].min() / 3, data["intensity"].max() * 3
    for device, part in data.groupby("device", sort=True):
        _roofs(fig, str(device), part, low, high, names)
    return _layout(fig, title, x_title, y_title, legend=word(names, "legend_roofline"))


def _roofs(fig: go.Figure, device: str, part: pd.DataFrame, low: float, high: float,
           names: dict[str, str] | None) -> None:
    """The device's memory slope and compute roof, from ``low`` to ``high`` FLOP/byte."""
    colour = device_colour(device)
    with_peak = part.dropna(subset=["peak_gflops"])
    peak = float(with_peak["peak_gflops"].max()) if not with_peak.empty else None
    bandwidth = memory_bandwidth(part)
    ridge = peak / bandwidth[0] if peak and bandwidth else None
    if bandwidth:
        gbps, source = bandwidth
        end = min(ridge, high) if ridge else high
        source_word = word(names, "src_spec") if source == "spec" else word(names, "bw_measured")
        fig.add_trace(go.Scatter(
            x=[low, end], y=[gbps * low, gbps * end], mode="lines", meta={"roof": "memory"},
            name=f"{device} {word(names, 'bandwidth')} ({source_word}) {gbps:.3g} GB/s",
            line={"color": colour, "dash": "dot", "width": 2},
            hovertemplate="%{x:.3g} FLOP/byte<br>%{y:.4g} GFLOP/s<extra>%{fullData.name}</extra>"))
    if peak:
        start = max(ridge, low) if ridge else low
        source = with_peak.loc[with_peak["peak_gflops"].idxmax(), "peak_source"]
        fig.add_trace(go.Scatter(
            x=[start, high], y=[peak, peak], mode="lines", meta={"roof": "compute"},
            name=f"{device} {word(names, 'peak')} ({_source_word(source, names)}) {peak:.0f} GFLOP/s",
            line={"color": colour, "dash": "dash", "width": 2},
            hovertemplate="%{y:.4g} GFLOP/s<extra>%{fullData.name}</extra>"))


def thread_scaling(df: pd.DataFrame, title: str = "Threads", x_title: str = "CPU threads",
                   y_title: str = "GFLOP/s", ideal_name: str = "ideal (linear)") -> go.Figure:
    """GFLOP/s against the CPU thread count (the ``threads`` column), with ideal linear scaling
    from the fewest threads measured as a dotted line: the gap is what more cores did not buy."""
    fig = go.Figure()
    for key, part in _series(df):
        part = part.sort_values("threads")
        fig.add_trace(go.Scatter(
            x=part["threads"], y=part["gflops"], mode="lines+markers", name=f"{key['device']} · {key['backend']}",
            line={"color": device_colour(key["device"]), "dash": _DASH.get(key["backend"], "solid"), "width": 2.5},
            marker={"size": 10},
            hovertemplate="%{x} threads<br>%{y:.4g} GFLOP/s<extra>%{fullData.name}</extra>"))
        first = part.iloc[0]
        fig.add_trace(go.Scatter(
            x=part["threads"], y=first["gflops"] / first["threads"] * part["threads"], mode="lines",
            name=ideal_name, line={"color": "grey", "dash": "dot", "width": 2},
            hovertemplate="%{x} threads<br>%{y:.4g} GFLOP/s<extra>%{fullData.name}</extra>"))
    fig = _layout(fig, title, x_title, y_title, log_x=False, log_y=False)
    fig.update_xaxes(tickvals=sorted(df["threads"].unique()))
    fig.update_yaxes(rangemode="tozero")
    return fig


def backend_times(df: pd.DataFrame, title: str = "Time per step by backend",
                  y_title: str = "time (ms, log scale)", names: dict[str, str] | None = None) -> go.Figure:
    """The same model on each backend: the median step (IQR as error bars) beside the first call
    (building and compiling), grouped per backend, on a log axis so that a 0.3 ms bar stays
    visible beside a 40 ms one and a 2 s first call. One group per backend (per backend and
    device when there are several devices)."""
    rows = df[df["timing"].isna() | (df["timing"] == "synced")] if "timing" in df else df
    rows = rows.sort_values(["backend", "device"])
    several = rows["device"].nunique() > 1
    x = [f"{b} · {d}" if several else str(b) for b, d in zip(rows["backend"], rows["device"], strict=True)]
    ms = rows["median_s"] * 1e3
    fig = go.Figure()
    fig.add_trace(go.Bar(
        x=x, y=ms, name=word(names, "step"), marker_color="#0072B2", meta={"bar": "step"},
        error_y={"type": "data", "symmetric": False, "array": rows["q3_s"] * 1e3 - ms,
                 "arrayminus": ms - rows["q1_s"] * 1e3, "thickness": 2, "color": "#222222"},
        customdata=list(zip(rows["iqr_s"] * 1e3, rows["n_samples"].fillna(0).astype(int), strict=True)),
        hovertemplate="%{y:.3g} ms<br>IQR %{customdata[0]:.2g} ms<br>%{customdata[1]} "
                      + word(names, "samples") + "<extra>%{x}</extra>"))
    fig.add_trace(go.Bar(
        x=x, y=rows["first_call_s"] * 1e3, name=word(names, "first_call"), marker_color="#E69F00",
        meta={"bar": "first_call"}, hovertemplate="%{y:.3g} ms<extra>%{x}</extra>"))
    fig = _layout(fig, title, "", y_title, log_x=False, legend=word(names, "legend_backends"))
    fig.update_xaxes(type="category")
    fig.update_layout(barmode="group")
    return fig


def step_bars(rows: pd.DataFrame, title: str, y_title: str, hatched: Iterable[str]) -> go.Figure:
    """One bar per series (``with_series`` rows: one model step measured or predicted), the
    time per step in ms on a log axis at decades; the series in ``hatched`` (not timed here:
    predicted, published) are hatched."""
    hatched = set(hatched)
    fig = go.Figure([go.Bar(x=[row.series], y=[row.median_s * 1e3], name=row.series, marker_color=row.colour,
                            marker_pattern_shape="/" if row.provenance in hatched else "",
                            hovertemplate="%{y:.3g} ms<extra>%{x}</extra>") for row in rows.itertuples()])
    fig = _layout(fig, title, "", y_title, log_x=False, legend="")
    fig.update_xaxes(type="category")
    fig.update_layout(showlegend=False)
    return fig


_MODE_COLOURS = {"eager": "#999999", "graph": "#0072B2", "xla": "#D55E00"}


def mode_times(timings: list[dict[str, Any]], names: dict[str, str] | None = None, title: str = "Time per call",
               y_title: str = "median time per call (µs)") -> go.Figure:
    """One bar per execution mode (eager, graph, XLA) of the Learn page's example: median
    time per call, IQR as error bars. ``names`` translates the mode names and the hover's words
    (``WORDS``); failed modes are left out."""
    names = names or {}
    fig = go.Figure()
    for row in (row for row in timings if "median_s" in row):
        us = row["median_s"] * 1e6
        fig.add_trace(go.Bar(
            x=[names.get(row["mode"], row["mode"])], y=[us], name=names.get(row["mode"], row["mode"]),
            marker_color=_MODE_COLOURS.get(row["mode"], "#333333"),
            error_y={"type": "data", "symmetric": False, "array": [row["q3_s"] * 1e6 - us],
                     "arrayminus": [us - row["q1_s"] * 1e6], "thickness": 2},
            customdata=[[row["iqr_s"] * 1e6, row["first_call_s"] * 1e3, row["n_samples"]]],
            hovertemplate=word(names, "median") + " %{y:.3g} µs<br>IQR %{customdata[0]:.2g} µs<br>"
                          + word(names, "first_call") + " %{customdata[1]:.3g} ms<br>%{customdata[2]} "
                          + word(names, "samples") + "<extra></extra>"))
    fig = _layout(fig, title, "", y_title, log_x=False, log_y=False, legend="")
    fig.update_xaxes(type="category")
    fig.update_layout(showlegend=False)
    return fig


def graph_dot(operations: list[dict[str, Any]]) -> str:
    """Graphviz DOT of a traced graph: a node per operation (inputs as ovals, constants as their
    value, the rest as boxes with name and type), an arrow per input, labelled with the shape
    of the tensor it carries (none for a scalar)."""
    shapes = {op["name"]: op.get("shape") for op in operations}
    lines = ["digraph {", "  rankdir=TB;",
             '  node [shape=box, style="rounded,filled", fillcolor="#E8F1FA", fontname="Helvetica"];',
             '  edge [fontname="Helvetica", fontsize=10];']
    for op in operations:
        if op["type"] == "Placeholder":
            lines.append(f'  {_dot_text(op["name"])} [shape=ellipse, fillcolor="#FFFFFF"];')
        elif "value" in op:
            value = _dot_text(f"{op['value']:g}")
            lines.append(f"  {_dot_text(op['name'])} [shape=plaintext, style=solid, label={value}];")
        else:
            lines.append(f"  {_dot_text(op['name'])} [label={_dot_text(_op_label(op))}];")
    for op in operations:
        for source in op["inputs"]:
            label = _dot_text(_shape(shapes.get(source)))
            lines.append(f"  {_dot_text(source)} -> {_dot_text(op['name'])} [label={label}];")
    return "\n".join([*lines, "}"])


def _op_label(op: dict[str, Any]) -> str:
    """The type, and the name too when it says more than the type (TensorFlow's own names,
    like add_3 for an AddV2, do not)."""
    base = re.sub(r"_\d+$", "", op["name"].rsplit("/", 1)[-1]).lower()
    return op["type"] if op["type"].lower().startswith(base) else f"{op['name']}\n{op['type']}"


def _dot_text(text: str) -> str:
    """A DOT quoted string (names from a graph are safe, but a label holds newlines)."""
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n") + '"'


def _shape(shape: list[int | None] | None) -> str:
    if shape is None:
        return "?"
    return "×".join("?" if d is None else str(d) for d in shape)
