"""Charts as pure functions: a results DataFrame in, a Plotly figure out.

No Streamlit here, so every chart is testable on its own. The frame is what
``dlenv.data.results.to_dataframe`` (or the store) gives: one row per result, with
``param_<name>`` columns. All charts share one look: a colour per device (the same
device has the same colour on every chart), a line dash per backend, units in the
axis titles and the exact numbers in the hover.
"""

from __future__ import annotations

import html
import re
from typing import Any

import pandas as pd
import plotly.graph_objects as go

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
# The columns that make one series: what ran, where, and what the number is.
SERIES_KEYS = ("machine", "device", "device_name", "backend", "provenance")


def device_colour(device: str) -> str:
    kind, _, index = device.partition(":")
    palette = _PALETTE.get(kind, ("#333333",))
    return palette[int(index or 0) % len(palette)]


def with_series(df: pd.DataFrame, names: dict[str, str] | None = None) -> pd.DataFrame:
    """``df`` with a ``series`` column (the legend name of each row's line) and a ``colour``.

    A result measured here is named by its device and backend ("cpu:0 · tensorflow"), as
    before provenance existed; anything else by its device's name, its backend if it has
    one and its provenance, translated by ``names`` ("NVIDIA H100 80GB HBM3 (published)").
    Two machines that would share a name get their machine's name added. Names come from
    files, so they are HTML-escaped (Plotly renders tags in legend and hover text).
    """
    names = names or {}
    if "series" in df:
        return df
    frame = df.assign(**{key: df.get(key) for key in SERIES_KEYS})
    frame["provenance"] = frame["provenance"].fillna("measured")
    keys = frame[list(SERIES_KEYS)].astype(object).where(frame[list(SERIES_KEYS)].notna(), None)
    labels: dict[tuple, str] = {}
    for key in dict.fromkeys(map(tuple, keys.itertuples(index=False, name=None))):
        labels[key] = _series_label(dict(zip(SERIES_KEYS, key, strict=True)), names)
    clashing = {label for label in labels.values() if list(labels.values()).count(label) > 1}
    others = iter(_OTHER_COLOURS * (1 + len(labels) // len(_OTHER_COLOURS)))
    colours = {}
    for key, label in labels.items():
        row = dict(zip(SERIES_KEYS, key, strict=True))
        if label in clashing and row["machine"]:
            labels[key] = f"{label} · {html.escape(str(row['machine']))}"
        colours[key] = device_colour(row["device"]) if row["provenance"] == "measured" else next(others)
    tuples = list(map(tuple, keys.itertuples(index=False, name=None)))
    return frame.assign(series=[labels[key] for key in tuples], colour=[colours[key] for key in tuples])


def _series_label(row: dict[str, Any], names: dict[str, str]) -> str:
    backend = row["backend"]
    if row["provenance"] == "measured":
        return f"{row['device']} · {backend}"
    name = html.escape(str(row["device_name"] or row["device"]))
    kind = names.get(row["provenance"], row["provenance"])
    return f"{name} · {backend} ({kind})" if backend else f"{name} ({kind})"


def _series(df: pd.DataFrame, by: tuple[str, ...] = ("device", "backend")) -> list[tuple[dict[str, Any], pd.DataFrame]]:
    groups = []
    for key, part in df.groupby(list(by), sort=True, dropna=False):
        groups.append((dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)), part))
    return groups


def _lines(df: pd.DataFrame, names: dict[str, str] | None) -> list[tuple[str, pd.DataFrame, dict[str, Any]]]:
    """(legend name, rows, trace style) of each series, in a stable order: measured first."""
    frame = with_series(df, names)
    order = {kind: i for i, kind in enumerate(PROVENANCE_STYLE)}
    parts = sorted(frame.groupby("series", sort=True), key=lambda item: (order.get(item[1]["provenance"].iloc[0], 9),
                                                                        item[0]))
    lines = []
    for name, part in parts:
        first = part.iloc[0]
        style = PROVENANCE_STYLE.get(first["provenance"], PROVENANCE_STYLE["measured"])
        backend = first["backend"] if isinstance(first["backend"], str) else None
        dash = style["dash"] or (_DASH.get(backend, "solid") if first["provenance"] == "measured" else "solid")
        lines.append((name, part, {
            "mode": style["mode"], "line": {"color": first["colour"], "dash": dash},
            "marker": {"symbol": style.get("symbol", _SYMBOL.get(backend, "circle")), "size": style.get("size", 7),
                       "color": first["colour"]}}))
    return lines


def _provenance_hover(part: pd.DataFrame, names: dict[str, str] | None) -> list[str]:
    """What each point is and, for published and predicted figures, where it comes from."""
    names = names or {}
    texts = []
    for row in part.itertuples(index=False):
        kind = getattr(row, "provenance", None) or "measured"
        source = getattr(row, "provenance_source", None) if kind in ("published", "predicted") else None
        note = getattr(row, "provenance_note", None) if kind in ("published", "predicted") else None
        words = [names.get(kind, kind)] + [html.escape(str(text)) for text in (source, note)
                                           if isinstance(text, str) and text]
        texts.append("<br>".join(words))
    return texts


def _size_column(df: pd.DataFrame) -> str:
    return "param_m" if "param_m" in df else "param_size"


def _layout(fig: go.Figure, title: str, x: str, y: str, log_x: bool = True, log_y: bool = True,
            legend: str = "device · backend") -> go.Figure:
    # The legend goes below the plot: names with their provenance are long, and beside a
    # half-width chart they left the plot a sliver.
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y, hovermode="closest", template="plotly_white",
                      margin={"t": 60, "r": 20},
                      legend={"title": {"text": legend}, "orientation": "h", "yanchor": "top", "y": -0.22,
                              "xanchor": "left", "x": 0})
    fig.update_xaxes(type="log" if log_x else "linear")
    fig.update_yaxes(type="log" if log_y else "linear")
    return fig


def time_vs_size(df: pd.DataFrame, title: str = "Time per call", x_title: str = "matrix size N",
                 y_title: str = "median time per call (ms)", names: dict[str, str] | None = None) -> go.Figure:
    """Median time per call against size, log-log, IQR as asymmetric error bars (timings only:
    a published or predicted figure has no spread). One line per series (``with_series``),
    drawn by its provenance (``PROVENANCE_STYLE``); ``names`` translates the provenance names."""
    size = _size_column(df)
    fig = go.Figure()
    for name, part, style in _lines(df, names):
        part = part.sort_values(size)
        ms = part["median_s"] * 1e3
        timed = part["q1_s"].notna().all() and part["q3_s"].notna().all()
        error = {"type": "data", "symmetric": False, "array": part["q3_s"] * 1e3 - ms,
                 "arrayminus": ms - part["q1_s"] * 1e3} if timed else None
        iqr = (part["iqr_s"] * 1e3).fillna(0.0)
        fig.add_trace(go.Scatter(
            x=part[size], y=ms, name=name, error_y=error, **style,
            customdata=list(zip(iqr, part["n_samples"].fillna(0).astype(int), _provenance_hover(part, names),
                                strict=True)),
            hovertemplate="N=%{x}<br>median %{y:.4g} ms<br>IQR %{customdata[0]:.3g} ms<br>"
                          "%{customdata[1]} samples<br>%{customdata[2]}<extra>%{fullData.name}</extra>"))
    return _layout(fig, title, x_title, y_title, legend=(names or {}).get("legend", "device · backend"))


def throughput_vs_size(df: pd.DataFrame, title: str = "Throughput", x_title: str = "matrix size N",
                       y_title: str = "GFLOP/s", names: dict[str, str] | None = None) -> go.Figure:
    """GFLOP/s against size, one line per series drawn by its provenance, with each series'
    peak as a dashed horizontal line of its colour."""
    size = _size_column(df)
    fig = go.Figure()
    lines = _lines(df, names)
    for name, part, style in lines:
        part = part.sort_values(size)
        fig.add_trace(go.Scatter(
            x=part[size], y=part["gflops"], name=name, **style, customdata=_provenance_hover(part, names),
            hovertemplate="N=%{x}<br>%{y:.4g} GFLOP/s<br>%{customdata}<extra>%{fullData.name}</extra>"))
    # Each peak is a dashed line of its own in the legend. (An add_hline annotation is
    # placed in axis units, which on a log axis are powers of ten: 156 became 10^156.)
    low, high = df[size].min(), df[size].max()
    drawn = set()
    for name, part, style in lines:
        peaks = part.dropna(subset=["peak_gflops"])
        if peaks.empty:
            continue
        row = peaks.iloc[0]
        label = f"{name.split(' · ')[0] if row['provenance'] == 'measured' else name} peak " \
                f"({row['peak_source']}) {row['peak_gflops']:.0f}"
        if label in drawn:
            continue
        drawn.add(label)
        fig.add_trace(go.Scatter(
            x=[low, high], y=[row["peak_gflops"]] * 2, mode="lines", name=label,
            line={"color": style["line"]["color"], "dash": "dash", "width": 1},
            hovertemplate="%{y:.4g} GFLOP/s<extra>%{fullData.name}</extra>"))
    return _layout(fig, title, x_title, y_title, legend=(names or {}).get("legend", "device · backend"))


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
            x=table[size], y=table["speedup"], name=f"{name} ÷ {baseline}",
            **{**style, "mode": "lines+markers" if style["mode"] != "markers" else "markers"},
            hovertemplate="N=%{x}<br>%{y:.3g}× faster<extra>%{fullData.name}</extra>"))
        crossover = crossover_size(table, size)
        if crossover is not None:
            fig.add_trace(go.Scatter(
                x=[crossover], y=[table.loc[table[size] == crossover, "speedup"].iloc[0]], mode="markers",
                marker={"symbol": "star", "size": 16, "color": "black"}, name=f"crossover · {name}",
                hovertemplate="N=%{x}<extra>%{fullData.name}</extra>"))
    fig.add_hline(y=1, line={"color": "grey", "dash": "dot"})
    return _layout(fig, title, x_title, y_title, log_y=True, legend=(names or {}).get("legend", "device · backend"))


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
    (``crossover``, None if it never does), with both series' provenances. None when the two
    have no size in common."""
    table = speedup_table(df, fast, slow, size)
    if table.empty:
        return None
    frame = with_series(df)
    kind = {name: part["provenance"].iloc[0] for name, part in frame.groupby("series")}
    last = table.iloc[-1]
    return {"speedup": float(last["speedup"]), "at": int(last[size]), "crossover": crossover_size(table, size),
            "fast_provenance": kind[fast], "slow_provenance": kind[slow]}


def roofline(df: pd.DataFrame, title: str = "Roofline", x_title: str = "arithmetic intensity (FLOP/byte)",
             y_title: str = "GFLOP/s") -> go.Figure:
    """Each result at (FLOPs per byte moved, GFLOP/s): compute-bound work sits high on
    the right, memory-bound work (element-wise) low on the left."""
    fig = go.Figure()
    data = df[df["bytes"] > 0].assign(intensity=lambda d: d["flops"] / d["bytes"])
    for key, part in _series(data, ("device", "workload")):
        fig.add_trace(go.Scatter(
            x=part["intensity"], y=part["gflops"], mode="markers", name=f"{key['device']} · {key['workload']}",
            marker={"color": device_colour(key["device"]), "size": 9,
                    "symbol": "circle" if key["workload"] != "elementwise" else "square"},
            # Labels can come from an imported file: escaped, since Plotly renders tags in hover text.
            customdata=part[["label", "gbps"]].assign(label=part["label"].map(html.escape)),
            hovertemplate="%{customdata[0]}<br>%{x:.3g} FLOP/byte<br>%{y:.4g} GFLOP/s<br>"
                          "%{customdata[1]:.3g} GB/s<extra></extra>"))
    return _layout(fig, title, x_title, y_title)


def thread_scaling(df: pd.DataFrame, title: str = "Threads", x_title: str = "CPU threads",
                   y_title: str = "GFLOP/s", ideal_name: str = "ideal (linear)") -> go.Figure:
    """GFLOP/s against the CPU thread count (the ``threads`` column), with ideal linear scaling
    from the fewest threads measured as a dotted line: the gap is what more cores did not buy."""
    fig = go.Figure()
    for key, part in _series(df):
        part = part.sort_values("threads")
        fig.add_trace(go.Scatter(
            x=part["threads"], y=part["gflops"], mode="lines+markers", name=f"{key['device']} · {key['backend']}",
            line={"color": device_colour(key["device"]), "dash": _DASH.get(key["backend"], "solid")},
            hovertemplate="%{x} threads<br>%{y:.4g} GFLOP/s<extra>%{fullData.name}</extra>"))
        first = part.iloc[0]
        fig.add_trace(go.Scatter(
            x=part["threads"], y=first["gflops"] / first["threads"] * part["threads"], mode="lines",
            name=ideal_name, line={"color": "grey", "dash": "dot"},
            hovertemplate="%{x} threads<br>%{y:.4g} GFLOP/s<extra>%{fullData.name}</extra>"))
    fig = _layout(fig, title, x_title, y_title, log_x=False, log_y=False)
    fig.update_xaxes(tickvals=sorted(df["threads"].unique()))
    fig.update_yaxes(rangemode="tozero")
    return fig


_MODE_COLOURS = {"eager": "#999999", "graph": "#0072B2", "xla": "#D55E00"}


def mode_times(timings: list[dict[str, Any]], names: dict[str, str] | None = None, title: str = "Time per call",
               y_title: str = "median time per call (µs)") -> go.Figure:
    """One bar per execution mode (eager, graph, XLA) of the Learn page's example: median
    time per call, IQR as error bars. ``names`` translates the mode names; failed modes are left out."""
    names = names or {}
    fig = go.Figure()
    for row in (row for row in timings if "median_s" in row):
        us = row["median_s"] * 1e6
        fig.add_trace(go.Bar(
            x=[names.get(row["mode"], row["mode"])], y=[us], name=names.get(row["mode"], row["mode"]),
            marker_color=_MODE_COLOURS.get(row["mode"], "#333333"),
            error_y={"type": "data", "symmetric": False, "array": [row["q3_s"] * 1e6 - us],
                     "arrayminus": [us - row["q1_s"] * 1e6]},
            customdata=[[row["iqr_s"] * 1e6, row["first_call_s"] * 1e3, row["n_samples"]]],
            hovertemplate="median %{y:.3g} µs<br>IQR %{customdata[0]:.2g} µs<br>first call %{customdata[1]:.3g} ms"
                          "<br>%{customdata[2]} samples<extra></extra>"))
    fig = _layout(fig, title, "", y_title, log_x=False, log_y=False)
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
