"""One line under each chart that says what its numbers mean, computed from the chart's data.

Pure functions: a results DataFrame (or the Learn page's timings) in, a ``Takeaway`` out (an
i18n key and its values), so the same numbers read in English and Korean
(``Takeaway.text(lang)`` fills ``dlenv.i18n``'s text). No Streamlit, no framework.

When the data contradicts what a page explains (two threads slower than one, XLA slower
than graph, one backend many times slower than the others on the same model), the takeaway
says why such a result happens instead of restating it. When results were measured while
other programs used the CPU (the ``busy`` column, ``dlenv.measure.contention``), the text
says that first, since it changes how every number after it reads.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

# Speedups are "far off" beyond this: the same model on the same CPU should not differ 5x by engine.
FAR_RATIO = 5.0
# Below this share of ideal scaling, more threads bought little (said with the reasons).
WEAK_SCALING = 0.6
# % of peak below which an *estimated* peak is explained as an upper bound.
LOW_PCT_OF_ESTIMATE = 25.0
# Naive and synced within this ratio "agree" (on a CPU there is nothing to wait for).
SAME_RATIO = 1.25


@dataclass(frozen=True)
class Term:
    """A word the page translates (``t(key, lang)``); several keys are joined by ``sep``."""

    keys: tuple[str, ...]
    sep: str = " ÷ "


@dataclass(frozen=True)
class Takeaway:
    """``key``: the ``dlenv.i18n`` text; ``values``: its placeholders (numbers are formatted to
    three significant figures when shown, ``Term`` values translated, text escaped by the page);
    ``busy_share``: the largest share (%) of the CPU other programs used while a result was
    measured, when any result was busy (then said first); ``extra``: further sentences."""

    key: str
    values: dict[str, Any] = field(default_factory=dict)
    busy_share: int | None = None
    extra: tuple[Takeaway, ...] = ()

    def text(self, lang: str, escape: Callable[[str], str] = str) -> str:
        """The sentence(s) in ``lang``: the busy note first, then this, then ``extra``.
        ``escape`` is applied to text values (names from files) before they are placed."""
        from dlenv.i18n import t

        words = {name: _shown(value, lang, escape) for name, value in self.values.items()}
        parts = [t(self.key, lang, **words)] + [more.text(lang, escape) for more in self.extra]
        if self.busy_share is not None:
            parts.insert(0, t("tk_busy", lang, share=self.busy_share))
        return " ".join(parts)


def _shown(value: Any, lang: str, escape: Callable[[str], str]) -> str:
    from dlenv.i18n import t

    if isinstance(value, Term):
        return value.sep.join(t(key, lang) for key in value.keys)
    if isinstance(value, (bool, str)):
        return escape(str(value))
    if isinstance(value, int):
        return str(value)  # sizes and counts: "N=1024", never "1,024"
    if isinstance(value, float):
        return number(value)
    return escape(str(value))


def number(value: float) -> str:
    """Three significant figures, no exponent for the numbers a chart shows: 0.512, 19.5, 1,950, 27,200."""
    if abs(value) >= 100:
        digits = math.floor(math.log10(abs(value))) + 1
        return f"{round(value, 3 - digits):,.0f}"
    if abs(value) >= 0.001 or value == 0:
        return f"{value:.3g}"
    return f"{value:.2e}"


def busy_share(df: pd.DataFrame) -> int | None:
    """The largest share (%, other programs plus steal) of the CPU used by others while a busy
    row was measured, or None when no row is busy (or the frame has no ``busy`` column)."""
    if df.empty or "busy" not in df:
        return None
    busy = df[df["busy"].fillna(False).astype(bool)]
    if busy.empty:
        return None
    share = pd.Series(0.0, index=busy.index)
    for column in ("other_cpu_share", "steal_share"):
        if column in busy:
            share = share + busy[column].fillna(0.0)
    return round(100 * float(share.max()))


def _timed(df: pd.DataFrame, workload: str = "matmul") -> pd.DataFrame:
    """Synced results of ``workload`` measured here (imported and reference ones too)."""
    rows = df[df["workload"] == workload]
    if "provenance" in rows:
        rows = rows[rows["provenance"].fillna("measured").isin(("measured", "imported", "reference"))]
    return rows


def _synced(rows: pd.DataFrame) -> pd.DataFrame:
    return rows[rows["timing"].isna() | (rows["timing"] == "synced")] if "timing" in rows else rows


def _first_series(rows: pd.DataFrame) -> pd.DataFrame:
    """The rows of the first device and backend (the one a page's sentence is about)."""
    if rows.empty:
        return rows
    first = rows.sort_values(["device", "backend"]).iloc[0]
    return rows[(rows["device"] == first["device"]) & (rows["backend"] == first["backend"])]


def time_vs_size(df: pd.DataFrame) -> Takeaway | None:
    """The time chart: with naive timings, whether naive agrees with synced at the largest size
    (on a CPU it should; a much faster naive time stopped the clock early); otherwise how the
    time grew from the smallest to the largest size against the work (2·N³)."""
    rows = _first_series(_timed(df))
    if rows.empty:
        return None
    share = busy_share(rows)
    synced = _synced(rows)
    naive = rows[rows["timing"] == "naive"] if "timing" in rows else rows.iloc[0:0]
    common = sorted(set(synced["param_m"]) & set(naive["param_m"]))
    if common:
        n = int(common[-1])
        ratio = float(synced.loc[synced["param_m"] == n, "median_s"].iloc[0]
                      / naive.loc[naive["param_m"] == n, "median_s"].iloc[0])
        if ratio >= SAME_RATIO:
            return Takeaway("tk_naive_fast", {"times": ratio, "n": n}, share)
        if ratio <= 1 / SAME_RATIO:
            return Takeaway("tk_naive_slower", {"times": 1 / ratio, "n": n}, share)
        return Takeaway("tk_naive_same", {"pct": round(100 * abs(ratio - 1)), "n": n}, share)
    return _growth(synced, share)


def _growth(synced: pd.DataFrame, share: int | None) -> Takeaway | None:
    if synced.empty:
        return None
    ordered = synced.sort_values("param_m")
    small, large = ordered.iloc[0], ordered.iloc[-1]
    if small["param_m"] == large["param_m"]:
        return Takeaway("tk_time_one", {"n": int(large["param_m"]), "ms": float(large["median_s"] * 1e3)}, share)
    # The work ratio is exact ((1024/64)^3 = 4,096): said in full, not rounded to "4,100".
    work = float(large["flops"] / small["flops"])
    exact = f"{round(work):,}" if work.is_integer() else number(work)
    time = float(large["median_s"] / small["median_s"])
    values = {"small": int(small["param_m"]), "large": int(large["param_m"]), "work": exact, "time": time,
              "g_small": float(small["gflops"]), "g_large": float(large["gflops"])}
    return Takeaway("tk_time_less" if time < 0.7 * work else "tk_time_follows", values, share)


def throughput(df: pd.DataFrame) -> Takeaway | None:
    """The throughput chart: the best GFLOP/s measured, at which size, and its share of the peak;
    an estimated peak reached below ``LOW_PCT_OF_ESTIMATE`` % is explained as an upper bound."""
    rows = _synced(_first_series(_timed(df)))
    if rows.empty:
        return None
    best = rows.loc[rows["gflops"].idxmax()]
    values = {"gflops": float(best["gflops"]), "n": int(best["param_m"])}
    if pd.isna(best.get("peak_gflops")) or pd.isna(best.get("pct_of_peak")):
        return Takeaway("tk_throughput_no_peak", values, busy_share(rows))
    values.update(pct=round(float(best["pct_of_peak"])), peak=float(best["peak_gflops"]),
                  source=Term((f"chartw_src_{best['peak_source']}",)))
    estimate = best["peak_source"] == "estimate"
    if estimate and best["pct_of_peak"] > 100:  # the estimate's clock is below the chip's boost clock
        return Takeaway("tk_throughput_over", values, busy_share(rows))
    low = estimate and best["pct_of_peak"] < LOW_PCT_OF_ESTIMATE
    return Takeaway("tk_throughput_low" if low else "tk_throughput", values, busy_share(rows))


def speedup(df: pd.DataFrame, fast: str, slow: str) -> Takeaway:
    """The speedup chart, per series: "The T4 is 11× faster at N=4096 and wins from N=256
    (predicted ÷ measured)", or that it is slower, or that the two share no size.
    ``fast`` and ``slow`` are series names (``dlenv.charts.with_series``)."""
    from dlenv import charts

    summary = charts.speedup_summary(df, fast, slow)
    words: dict[str, Any] = {"fast": fast, "slow": slow}
    if summary is None:
        return Takeaway("speedup_no_common", words)
    words.update(at=summary["at"], kinds=Term((f"prov_{summary['fast_provenance']}",
                                               f"prov_{summary['slow_provenance']}")))
    if summary["crossover"] is not None and summary["crossover"] == summary["first"]:
        # Ahead at the smallest size compared: where it starts to win is below what was compared.
        return Takeaway("speedup_ahead", {**words, "times": times(summary["speedup"]), "start": summary["first"]})
    if summary["crossover"] is not None:
        return Takeaway("speedup_wins", {**words, "times": times(summary["speedup"]), "start": summary["crossover"]})
    return Takeaway("speedup_loses", {**words, "times": times(1 / summary["speedup"])})


def times(ratio: float) -> str:
    """A ratio as a class reads it: "1,210", "11", "1.9" (never "1.21e+03")."""
    return f"{ratio:,.0f}" if ratio >= 10 else f"{ratio:.2g}"


def roofline(df: pd.DataFrame) -> Takeaway | None:
    """The roofline: the largest matmul's GFLOP/s at its FLOPs per byte and share of the peak,
    against the largest element-wise add's, held down by memory."""
    rows = df[df["bytes"] > 0]
    device = rows.sort_values("device")["device"].iloc[0] if not rows.empty else None
    rows = _synced(rows[rows["device"] == device])
    matmul = rows[rows["workload"] == "matmul"].sort_values("param_m")
    added = rows[rows["workload"] == "elementwise"].sort_values("param_size") if "param_size" in rows else rows[:0]
    if matmul.empty:
        return None
    mm = matmul.iloc[-1]
    values = {"n": int(mm["param_m"]), "mm_gflops": float(mm["gflops"]), "mm_int": float(mm["flops"] / mm["bytes"]),
              "pct": round(float(mm["pct_of_peak"])) if pd.notna(mm.get("pct_of_peak")) else "?"}
    if added.empty:
        return Takeaway("tk_roofline_matmul", values, busy_share(rows))
    ew = added.iloc[-1]
    values.update(ew_gflops=float(ew["gflops"]), ew_int=float(ew["flops"] / ew["bytes"]), ew_gbps=float(ew["gbps"]))
    return Takeaway("tk_roofline", values, busy_share(rows))


def thread_scaling(df: pd.DataFrame) -> Takeaway | None:
    """The thread sweep: the most threads against the fewest, as a speedup and a share of ideal
    (linear) scaling; when more threads were slower, or bought little, why that happens."""
    rows = _synced(_first_series(df.dropna(subset=["threads"])))
    if len(rows) < 2:
        return None
    ordered = rows.sort_values("threads")
    base, top = ordered.iloc[0], ordered.iloc[-1]
    gain = float(top["gflops"] / base["gflops"])
    ideal = float(top["threads"] / base["threads"])
    values = {"threads": int(top["threads"]), "base": int(base["threads"]), "speedup": gain,
              "eff": round(100 * gain / ideal), "g_base": float(base["gflops"]), "g_top": float(top["gflops"]),
              "n": int(top["param_m"])}
    key = "tk_threads_slower" if gain < 1 else "tk_threads_weak" if gain / ideal < WEAK_SCALING else "tk_threads"
    return Takeaway(key, values, busy_share(rows))


def backend_times(df: pd.DataFrame) -> Takeaway | None:
    """The backends chart: the fastest and slowest step and how far apart (a gap over
    ``FAR_RATIO`` explained: load or per-call overhead, not arithmetic), then the first calls."""
    rows = _synced(df)
    if rows.empty:
        return None
    rows = rows[rows["device"] == rows.sort_values("device")["device"].iloc[0]]
    share = busy_share(rows)
    fast, slow = rows.loc[rows["median_s"].idxmin()], rows.loc[rows["median_s"].idxmax()]
    if len(rows) == 1:
        return Takeaway("tk_backends_one", {"backend": fast["backend"], "ms": float(fast["median_s"] * 1e3)}, share)
    times = float(slow["median_s"] / fast["median_s"])
    values = {"fast": fast["backend"], "slow": slow["backend"], "fast_ms": float(fast["median_s"] * 1e3),
              "slow_ms": float(slow["median_s"] * 1e3), "times": times}
    extra: tuple[Takeaway, ...] = ()
    firsts = rows.dropna(subset=["first_call_s"])
    if len(firsts) > 1:
        quick, late = firsts.loc[firsts["first_call_s"].idxmin()], firsts.loc[firsts["first_call_s"].idxmax()]
        extra = (Takeaway("tk_backends_first", {"quick": quick["backend"], "quick_ms": float(quick["first_call_s"] * 1e3),
                                                "late": late["backend"], "late_ms": float(late["first_call_s"] * 1e3)}),)
    return Takeaway("tk_backends_far" if times > FAR_RATIO else "tk_backends", values, share, extra)


def step_bars(rows: pd.DataFrame) -> Takeaway | None:
    """The Models page's bars: the step measured here against the fastest predicted card, and
    what limits that card (``model_bound``)."""
    if rows.empty:
        return None
    measured = rows[rows["provenance"].fillna("measured").isin(("measured", "imported", "reference"))]
    predicted = rows[rows["provenance"] == "predicted"]
    if predicted.empty:
        if measured.empty:
            return None
        return Takeaway("tk_step_measured", {"ms": float(measured["median_s"].min() * 1e3)}, busy_share(measured))
    best = predicted.loc[predicted["median_s"].idxmin()]
    values = {"card": str(best.get("device_name") or best["device"]), "pred_ms": float(best["median_s"] * 1e3),
              "bound": Term((f"bound_{best['model_bound']}",)) if isinstance(best.get("model_bound"), str) else "?"}
    if measured.empty:
        return Takeaway("tk_step_predicted", values)
    here = float(measured["median_s"].min())
    values.update(ms=here * 1e3, times=here / float(best["median_s"]))
    return Takeaway("tk_step_vs_predicted", values, busy_share(measured))


def mode_times(timings: list[dict[str, Any]]) -> Takeaway | None:
    """The Learn page's eager / graph / XLA bars: how much faster graph and XLA ran, or, when XLA
    was slower than graph (or slowest) or graph no faster than eager, why. A noisy timing
    (spread over 10% of its median) is said first."""
    medians = {row["mode"]: row["median_s"] * 1e6 for row in timings if "median_s" in row}
    if "eager" not in medians or "graph" not in medians:
        return None
    eager, graph = medians["eager"], medians["graph"]
    values = {"eager": eager, "graph": graph, "graph_x": eager / graph,
              "spread": max(row["iqr_s"] * 1e6 for row in timings if "iqr_s" in row)}
    extra: tuple[Takeaway, ...] = ()
    if any(row.get("noisy") for row in timings):
        extra = (Takeaway("tk_modes_noisy", {"spread": values["spread"]}),)
    xla = medians.get("xla")
    if xla is not None:
        values.update(xla=xla, xla_x=eager / xla)
        if xla > eager and xla > graph:
            return _first(Takeaway("tk_modes_xla_slowest", values), extra)
        if xla > graph:
            return _first(Takeaway("tk_modes_xla_slower", values), extra)
    if graph >= 0.95 * eager:
        return _first(Takeaway("tk_modes_graph_slower", values), extra)
    return _first(Takeaway("tk_modes" if xla is not None else "tk_modes_no_xla", values), extra)


def _first(main: Takeaway, before: tuple[Takeaway, ...]) -> Takeaway:
    """``before`` (a noise note) said ahead of ``main``."""
    if not before:
        return main
    return Takeaway(before[0].key, before[0].values, main.busy_share, (main,))


def quick_demo(df: pd.DataFrame) -> Takeaway | None:
    """The Environment page's quick demo: how the matmul time grew with N against the work,
    then the small MLP's time per step."""
    rows = _synced(_first_series(_timed(df)))
    growth = _growth(rows, busy_share(df))
    mlp = _synced(_timed(df, "mlp"))
    extra: tuple[Takeaway, ...] = ()
    if not mlp.empty:
        row = mlp.iloc[0]
        extra = (Takeaway("tk_demo_mlp", {"batch": int(row["param_batch"]), "ms": float(row["median_s"] * 1e3),
                                          "samples": float(row["samples_per_s"] or 0)}),)
    if growth is None:
        return extra[0] if extra else None
    return Takeaway(growth.key, growth.values, growth.busy_share, extra)


# The takeaway of each chart in dlenv.charts (the tests check every chart has one).
FOR_CHART: dict[str, Callable[..., Takeaway | None]] = {
    "time_vs_size": time_vs_size, "throughput_vs_size": throughput, "speedup_vs_size": speedup,
    "roofline": roofline, "thread_scaling": thread_scaling, "backend_times": backend_times,
    "step_bars": step_bars, "mode_times": mode_times,
}
