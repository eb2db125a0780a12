"""Results on a page: tables and the charts of dlenv.charts, with translated titles."""

from __future__ import annotations

from typing import Any

import pandas as pd
import streamlit as st

from dlenv import charts, results
from dlenv.devices import DeviceInfo, peak_for
from dlenv.i18n import t

TABLE_COLUMNS = ("label", "machine", "backend", "device", "timing", "median_s", "iqr_s", "first_call_s", "gflops", "gbps",
                 "samples_per_s", "pct_of_peak", "n_samples", "noisy")


def frame(doc: dict[str, Any]) -> pd.DataFrame:
    return results.to_dataframe(doc)


def table(df: pd.DataFrame, lang: str) -> None:
    st.subheader(t("table", lang))
    shown = [c for c in TABLE_COLUMNS if c in df and df[c].notna().any()]
    st.dataframe(df[shown], hide_index=True, width="stretch")


def matmul_charts(df: pd.DataFrame, lang: str) -> None:
    """Time and throughput against size, speedup (GPU over CPU), roofline."""
    synced = df[df["timing"] == "synced"]
    mm = synced[synced["workload"] == "matmul"]
    size_x = t("axis_size", lang)
    left, right = st.columns(2)
    left.plotly_chart(charts.time_vs_size(_with_timing(df[df["workload"] == "matmul"]),
                                          t("chart_time", lang), size_x, t("axis_time", lang)),
                      width="stretch")
    right.plotly_chart(charts.throughput_vs_size(mm, t("chart_throughput", lang), size_x),
                       width="stretch")
    kinds = set(synced["device"].str.split(":").str[0])
    if {"gpu", "cpu"} <= kinds:
        gpu = min(d for d in synced["device"].unique() if d.startswith("gpu"))
        left.plotly_chart(charts.speedup_vs_size(mm, gpu, "cpu:0", t("chart_speedup", lang), size_x,
                                                 t("axis_speedup", lang)), width="stretch")
    else:
        left.info(t("no_speedup", lang))
    right.plotly_chart(charts.roofline(synced, t("chart_roofline", lang), t("axis_intensity", lang)),
                       width="stretch")


def _with_timing(rows: pd.DataFrame) -> pd.DataFrame:
    """Naive rows get "naive" after the backend name, so they show as lines of their own."""
    return rows.assign(backend=rows["backend"].where(rows["timing"] == "synced", rows["backend"] + " naive"))


def device_rows(env: dict[str, Any], lang: str) -> pd.DataFrame:
    """One row per device a backend reports: id, name, memory, float32 peak."""
    rows = []
    for raw in env.get("devices", []):
        device = DeviceInfo.from_dict(raw)
        peak = peak_for(device, "float32")
        rows.append({t("device_id", lang): device.id, t("name", lang): device.name,
                     t("memory", lang): f"{device.memory_bytes / 2**30:.1f} GiB" if device.memory_bytes else "?",
                     t("peak", lang): f"{peak.gflops:,.0f} GFLOP/s ({peak.source})" if peak else "?"})
    return pd.DataFrame(rows)
