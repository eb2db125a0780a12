"""The class leaderboard: every machine's best timing of one workload, side by side.

``board`` takes the store's rows (``Store.results``, one workload and dtype) and keeps, for each
machine and device, its best throughput among timings (``vocab.TIMED_PROVENANCES``: measured,
imported, reference), with the row it came from. "× the median laptop" divides by the median of
the CPU devices' best throughputs on the board (the class's typical laptop; the median so that
one very fast or very slow machine does not move it). ``reference_lines`` adds published and
predicted GPU figures (``dlenv.compare``) for matmuls, never mixed into the ranking. ``figure``
draws it. Standard library, pandas and Plotly only; no Streamlit, no framework.
"""

from __future__ import annotations

import html
import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd
import plotly.graph_objects as go

from dlenv import charts
from dlenv.charts import decade_axis, device_colour
from dlenv.takeaways import number, times
from dlenv.vocab import TIMED_PROVENANCES

# Throughput per workload: the column and its unit (dlenv.measure.execute.result_record writes them).
METRICS: dict[str, tuple[str, str]] = {"matmul": ("gflops", "GFLOP/s"), "elementwise": ("gbps", "GB/s"),
                                       "mlp": ("samples_per_s", "samples/s"), "cnn": ("samples_per_s", "samples/s")}
BOARD_COLUMNS = ("rank", "machine", "device", "device_name", "kind", "value", "times_median", "label", "backend",
                 "provenance", "added_by", "measured_at", "environment_id", "id")
# Words the figure draws; a page passes its own language's.
WORDS = {"added_by": "added by", "backend": "backend", "median": "median laptop", "title": "Best throughput",
         "measured_at": "measured", "python": "Python"}


def metric(workload: str) -> tuple[str, str]:
    """(column, unit) of ``workload``'s throughput; KeyError for an unknown workload."""
    return METRICS[workload]


def board(frame: pd.DataFrame, workload: str) -> pd.DataFrame:
    """The best timing per (machine, device name) of ``frame``'s ``workload`` rows, best first.

    ``frame`` has ``Store.results`` columns. Returns ``BOARD_COLUMNS``: ``value`` is the best
    throughput (``metric(workload)``), ``times_median`` that over the median CPU's (NaN without
    a CPU on the board), ``rank`` from 1; ties go to the lower id; then the best row's
    ``workload``, ``dtype`` and ``param_*`` columns. ``frame`` may hold every row
    or only ``Store.best``'s (the same board). Published and predicted rows never enter it.
    """
    column, _unit = metric(workload)
    rows = frame[(frame["workload"] == workload) & frame["provenance"].isin(TIMED_PROVENANCES)]
    rows = rows[rows[column].notna() & (rows[column] > 0)]
    if rows.empty:
        return pd.DataFrame(columns=list(BOARD_COLUMNS))
    # Best first, ties to the older result (lower id), as Store.best ranks them in the database.
    best = rows.sort_values([column, "id"], ascending=[False, True]).drop_duplicates(["machine", "device_name"])
    best = best.assign(value=best[column], kind=best["device"].str.partition(":")[0]).reset_index(drop=True)
    cpus = best.loc[best["kind"] == "cpu", "value"]
    median = float(cpus.median()) if len(cpus) else float("nan")
    best["times_median"] = best["value"] / median
    best["rank"] = range(1, len(best) + 1)
    return best[[*BOARD_COLUMNS, "workload", "dtype", *(c for c in best.columns if c.startswith("param_"))]]


def value_text(value: object) -> str:
    """A throughput for people, in any language: 3 significant figures with thousands separators
    ("1,190", "56.8", "0.0328"), never an exponent; "" when missing."""
    if not isinstance(value, (int, float)) or not math.isfinite(value):
        return ""
    return number(float(value))


def ratio_text(value: object) -> str:
    """A ratio to the median laptop for people: "2.4×", "12×", "1,190×"; "" when missing."""
    if not isinstance(value, (int, float)) or not math.isfinite(value) or value <= 0:
        return ""
    return f"{times(float(value))}×"


def median_laptop(table: pd.DataFrame) -> float | None:
    """The median of the board's CPU devices' best throughputs, None without a CPU."""
    cpus = table.loc[table["kind"] == "cpu", "value"]
    return float(cpus.median()) if len(cpus) else None


def reference_lines(table: pd.DataFrame, frame: pd.DataFrame, workload: str, dtype: str,
                    cards: Sequence[str]) -> pd.DataFrame:
    """Published and predicted figures of ``cards`` (``dlenv.compare``) for matmuls in ``dtype``:
    for each card and provenance, its best GFLOP/s over the square sizes the board's best rows
    measured. Columns: name, card (``dlenv.charts.card_name``), colour (the card's on every chart),
    provenance, value (GFLOP/s), size
    (the N it was reached at), source. Empty for other workloads (the
    bundled sets publish matmuls only) or a board without square matmuls."""
    from dlenv import compare
    from dlenv.data.results import to_dataframe

    empty = pd.DataFrame(columns=["name", "card", "colour", "provenance", "value", "size", "source"])
    if workload != "matmul" or table.empty or not cards:
        return empty
    best = frame[frame["id"].isin(table["id"])]
    sizes = sorted({int(m) for m, n, k in zip(best.get("param_m", []), best.get("param_n", []),
                                                best.get("param_k", []), strict=False)
                    if pd.notna(m) and m == n == k})
    if not sizes:
        return empty
    comparison = compare.matmul_comparison(sizes, dtype, list(cards))
    if not comparison.document["results"]:
        return empty
    figures = to_dataframe(comparison.document)
    # One name per card, as the charts give it: the published H100 is "NVIDIA H100 80GB HBM3" in
    # its source and "H100 SXM" in the datasheet table, and both are "H100 SXM · TF32" here.
    rows = figures.to_dict("records")
    figures["card"] = [charts.card_name(row) for row in rows]
    figures["colour"] = [charts.card_colour(charts.card_key(row)) for row in rows]
    lines = []
    for (card, provenance), part in figures.groupby(["card", "provenance"], sort=True):
        top = part.loc[part["gflops"].idxmax()]
        lines.append({"name": f"{card} · {provenance}", "card": card, "colour": top["colour"], "provenance": provenance,
                      "value": float(top["gflops"]), "size": int(top["param_m"]),
                      "source": top.get("provenance_source") or ""})
    return pd.DataFrame(lines, columns=list(empty.columns))


def environment_text(environment: Mapping[str, Any] | None, row: Mapping[str, Any],
                     words: Mapping[str, str] = WORDS) -> str:
    """The hover of one bar: machine, device, backend, frameworks, OS, Python, who added it, when.
    Everything is HTML-escaped: it comes from files students upload."""
    env = environment or {}
    frameworks = env.get("frameworks") if isinstance(env.get("frameworks"), dict) else {}
    versions = ", ".join(f"{name} {version}" for name, version in frameworks.items())
    parts = [f"{row['device_name']} ({row['device']})",
             f"{words['backend']}: {row['backend'] or '-'}" + (f" · {versions}" if versions else ""),
             " · ".join(str(part) for part in (env.get("os"), env.get("runtime")) if part),
             f"{words['python']} {env['python']}" if env.get("python") else "",
             f"{words['added_by']}: {row['added_by']}" if isinstance(row.get("added_by"), str) else "",
             f"{words['measured_at']}: {pd.Timestamp(row['measured_at']):%Y-%m-%d}"]
    return "<br>".join([f"<b>{html.escape(str(row['machine']))}</b>",
                        *(html.escape(part) for part in parts if part)])


def figure(table: pd.DataFrame, lines: pd.DataFrame, environments: Mapping[int, dict], unit: str,
           words: Mapping[str, str] = WORDS, provenance_names: Mapping[str, str] | None = None) -> go.Figure:
    """Horizontal bars, best first: one per machine and device, coloured by device kind, hatched
    when imported or reference; the environment on hover; reference lines (dotted: predicted,
    dashed: published; each card in its chart colour) and the median laptop (grey) as vertical lines
    named in a legend below. Log x axis."""
    names = provenance_names or {}
    labels = [f"{html.escape(str(m))} · {html.escape(str(d))}" for m, d in zip(table["machine"], table["device_name"],
                                                                              strict=True)]
    hovers = [environment_text(environments.get(int(row["environment_id"])), row, words)
              + f"<br>{html.escape(str(row['label']))}: {value_text(row['value'])} {unit}"
              + f"<br>{html.escape(names.get(row['provenance'], row['provenance']))}"
              for row in table.to_dict("records")]
    fig = go.Figure(go.Bar(
        x=table["value"], y=labels, orientation="h", hovertext=hovers, hoverinfo="text",
        marker={"color": [device_colour(str(d)) for d in table["device"]],
                "pattern": {"shape": ["" if p == "measured" else "/" for p in table["provenance"]]}},
        showlegend=False))
    for line in lines.to_dict("records"):
        label = f"{html.escape(line['card'])} ({html.escape(names.get(line['provenance'], line['provenance']))})"
        _vertical(fig, line["value"], label, "dot" if line["provenance"] == "predicted" else "dash", line["colour"])
    median = median_laptop(table)
    if median:
        _vertical(fig, median, words["median"], "solid", "#888888")
    # Labelled decades around every value drawn (Plotly's own range collapses on a single bar).
    axis = decade_axis([*table["value"], *lines["value"], median or 0])
    # The lines are named in a legend below the chart: labels written along the lines sat on the
    # bars and on each other (the newcomer trial).
    fig.update_layout(title=words["title"], xaxis={**axis, "title": unit},
                      yaxis={"autorange": "reversed", "automargin": True}, showlegend=True,
                      legend={"orientation": "h", "yanchor": "top", "y": -0.2, "xanchor": "left", "x": 0},
                      height=max(360, 26 * len(table) + 220), margin={"l": 10, "r": 10, "t": 60, "b": 40})
    return fig


def _vertical(fig: go.Figure, value: float, label: str, dash: str, colour: str) -> None:
    """A vertical line at ``value``, named ``label`` in the legend (a legend-only trace: a shape
    has no legend entry of its own)."""
    fig.add_vline(x=value, line_dash=dash, line_color=colour, line_width=2)
    fig.add_trace(go.Scatter(x=[None], y=[None], mode="lines", name=label,
                             line={"dash": dash, "color": colour, "width": 2}, hoverinfo="skip"))
