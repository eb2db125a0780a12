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
_DASH = {"tensorflow": "solid", "jax": "dash", "torch": "dot"}


def device_colour(device: str) -> str:
    kind, _, index = device.partition(":")
    palette = _PALETTE.get(kind, ("#333333",))
    return palette[int(index or 0) % len(palette)]


def _series(df: pd.DataFrame, by: tuple[str, ...] = ("device", "backend")) -> list[tuple[dict[str, Any], pd.DataFrame]]:
    groups = []
    for key, part in df.groupby(list(by), sort=True):
        groups.append((dict(zip(by, key if isinstance(key, tuple) else (key,), strict=True)), part))
    return groups


def _size_column(df: pd.DataFrame) -> str:
    return "param_m" if "param_m" in df else "param_size"


def _layout(fig: go.Figure, title: str, x: str, y: str, log_x: bool = True, log_y: bool = True) -> go.Figure:
    fig.update_layout(title=title, xaxis_title=x, yaxis_title=y, hovermode="closest", legend_title="device · backend",
                      template="plotly_white", margin={"t": 60, "r": 20})
    fig.update_xaxes(type="log" if log_x else "linear")
    fig.update_yaxes(type="log" if log_y else "linear")
    return fig


def time_vs_size(df: pd.DataFrame, title: str = "Time per call", x_title: str = "matrix size N",
                 y_title: str = "median time per call (ms)") -> go.Figure:
    """Median time per call against size, log-log, IQR as asymmetric error bars."""
    size = _size_column(df)
    fig = go.Figure()
    for key, part in _series(df):
        part = part.sort_values(size)
        ms = part["median_s"] * 1e3
        fig.add_trace(go.Scatter(
            x=part[size], y=ms, mode="lines+markers", name=f"{key['device']} · {key['backend']}",
            line={"color": device_colour(key["device"]), "dash": _DASH.get(key["backend"], "solid")},
            error_y={"type": "data", "symmetric": False, "array": part["q3_s"] * 1e3 - ms,
                     "arrayminus": ms - part["q1_s"] * 1e3},
            customdata=part[["iqr_s", "n_samples"]].assign(iqr_s=part["iqr_s"] * 1e3),
            hovertemplate="N=%{x}<br>median %{y:.4g} ms<br>IQR %{customdata[0]:.3g} ms<br>"
                          "%{customdata[1]} samples<extra>%{fullData.name}</extra>"))
    return _layout(fig, title, x_title, y_title)


def throughput_vs_size(df: pd.DataFrame, title: str = "Throughput", x_title: str = "matrix size N",
                       y_title: str = "GFLOP/s") -> go.Figure:
    """GFLOP/s against size, with each device's peak as a dashed horizontal line."""
    size = _size_column(df)
    fig = go.Figure()
    for key, part in _series(df):
        part = part.sort_values(size)
        fig.add_trace(go.Scatter(
            x=part[size], y=part["gflops"], mode="lines+markers", name=f"{key['device']} · {key['backend']}",
            line={"color": device_colour(key["device"]), "dash": _DASH.get(key["backend"], "solid")},
            hovertemplate="N=%{x}<br>%{y:.4g} GFLOP/s<extra>%{fullData.name}</extra>"))
    # Each peak is a dashed line of its own in the legend. (An add_hline annotation is
    # placed in axis units, which on a log axis are powers of ten: 156 became 10^156.)
    peaks = df.dropna(subset=["peak_gflops"]).groupby("device")[["peak_gflops", "peak_source"]].first()
    for device, row in peaks.iterrows():
        fig.add_trace(go.Scatter(
            x=[df[size].min(), df[size].max()], y=[row["peak_gflops"]] * 2, mode="lines",
            name=f"{device} peak ({row['peak_source']}) {row['peak_gflops']:.0f}",
            line={"color": device_colour(device), "dash": "dash", "width": 1},
            hovertemplate="%{y:.4g} GFLOP/s<extra>%{fullData.name}</extra>"))
    return _layout(fig, title, x_title, y_title)


def speedup_vs_size(df: pd.DataFrame, fast: str, slow: str, title: str = "Speedup",
                    x_title: str = "matrix size N", y_title: str = "speedup (×)") -> go.Figure:
    """How many times faster ``fast`` is than ``slow`` per size, the crossover marked.

    The crossover is the smallest size from which ``fast`` stays ahead (speedup ≥ 1 at
    that size and every larger one): where the accelerator starts to pay off.
    """
    size = _size_column(df)
    fig = go.Figure()
    for backend, part in df.groupby("backend", sort=True):
        table = speedup_table(part, fast, slow, size)
        if table.empty:
            continue
        fig.add_trace(go.Scatter(
            x=table[size], y=table["speedup"], mode="lines+markers", name=f"{fast} over {slow} · {backend}",
            line={"color": device_colour(fast), "dash": _DASH.get(backend, "solid")},
            hovertemplate="N=%{x}<br>%{y:.3g}× faster<extra>%{fullData.name}</extra>"))
        crossover = crossover_size(table, size)
        if crossover is not None:
            fig.add_trace(go.Scatter(
                x=[crossover], y=[table.loc[table[size] == crossover, "speedup"].iloc[0]], mode="markers",
                marker={"symbol": "star", "size": 16, "color": "black"}, name=f"crossover · {backend}",
                hovertemplate=f"{fast} wins from N=%{{x}}<extra></extra>"))
    fig.add_hline(y=1, line={"color": "grey", "dash": "dot"})
    return _layout(fig, title, x_title, y_title, log_y=True)


def speedup_table(df: pd.DataFrame, fast: str, slow: str, size: str = "param_m") -> pd.DataFrame:
    """Per size: the median times on both devices and slow / fast."""
    times = df[df["device"].isin([fast, slow])].groupby([size, "device"])["median_s"].min().unstack("device")
    if fast not in times or slow not in times:
        return pd.DataFrame(columns=[size, "speedup"])
    table = times.dropna().reset_index()
    table["speedup"] = table[slow] / table[fast]
    return table.sort_values(size)[[size, "speedup"]].reset_index(drop=True)


def crossover_size(table: pd.DataFrame, size: str = "param_m") -> int | None:
    """The smallest size from which the speedup stays ≥ 1, or None if it never does."""
    winning = table["speedup"] >= 1
    if not winning.iloc[-1]:
        return None
    losing_sizes = table.loc[~winning, size]
    later = table[table[size] > losing_sizes.max()] if not losing_sizes.empty else table
    return int(later[size].iloc[0])


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
