"""Leaderboard: every machine of the class side by side for one workload, and the teacher's moderation."""

import pandas as pd
import streamlit as st

from dlenv import compare
from dlenv import leaderboard as lb
from dlenv.data.store import StoreError
from dlenv.i18n import TEXT, t
from dlenv.ui import classroom, show
from dlenv.ui.jobs import leave_other_pages
from dlenv.ui.state import page_language, store
from dlenv.ui.tables import workload_text
from dlenv.vocab import TIMED_PROVENANCES

lang = page_language()
leave_other_pages("leaderboard")  # a job left running on another page is cancelled
st.title(t("lb_title", lang))
try:
    db = store()
    workloads = db.values("workload", provenance=list(TIMED_PROVENANCES))
except StoreError as exc:
    st.error(t("res_db_error", lang, message=exc))
    st.stop()
st.caption(t("lb_intro", lang))


# Every column's width (px): the board's last column fits a 1280 px window with the sidebar open
# (818 px; tests/test_browser_classroom.py measures it). Text with no bound (a machine's or a CPU's
# full name, a nickname, a shape) ends in "…" there; the chart's hover has it whole.
WIDTHS = {"lb_col_rank": 45, "col_machine": 95, "col_device_name": 105, "lb_col_best": 100, "lb_col_times": 105,
          "lb_col_what": 110, "col_provenance": 100, "lb_col_nickname": 72, "lb_col_date": 84}
# Headers kept short to read whole at those widths, with the longer meaning on hover.
HELPS = {"lb_col_times": "lb_col_times_help"}


def what_text(row: dict) -> str:
    """Where the best row was measured, for a board already of one workload and data type: its
    size and backend ("4096 · jax"; "512×256 · 256×1024 · torch"), the workload's name and data
    type left out (the page's choices say them); a label of another shape is kept whole."""
    text = workload_text(row, lang)
    name = t(f"wl_{row['workload']}", lang) if f"wl_{row['workload']}" in TEXT else str(row["workload"])
    dtype = f" {row['dtype']}"
    if text.startswith(f"{name} ") and text.endswith(dtype) and len(text) > len(name) + len(dtype) + 1:
        text = text[len(name) + 1:-len(dtype)]
    backend = row.get("backend")
    return text + (f" · {backend}" if isinstance(backend, str) and backend else "")


def people_table(table: pd.DataFrame, lines: pd.DataFrame, unit: str) -> pd.DataFrame:
    """The board for people: one row per machine and device, then the reference lines."""
    names = show.provenance_names(lang)
    median = lb.median_laptop(table)
    rows = pd.DataFrame({
        t("lb_col_rank", lang): table["rank"].astype(str),
        t("col_machine", lang): table["machine"],
        t("col_device_name", lang): table["device_name"],
        t("lb_col_best", lang, unit=unit): [lb.value_text(value) for value in table["value"]],
        t("lb_col_times", lang): [lb.ratio_text(value) for value in table["times_median"]],
        t("lb_col_what", lang): [what_text(row) for row in table.to_dict("records")],
        t("col_provenance", lang): table["provenance"].map(lambda kind: names.get(kind, kind)),
        t("lb_col_nickname", lang): table["added_by"].fillna(""),
        t("lb_col_date", lang): table["measured_at"].dt.strftime("%Y-%m-%d"),
    })
    if lines.empty:
        return rows
    extra = pd.DataFrame({
        t("lb_col_rank", lang): "-", t("col_machine", lang): t("lb_reference_row", lang),
        t("col_device_name", lang): lines["card"],
        t("lb_col_best", lang, unit=unit): [lb.value_text(value) for value in lines["value"]],
        t("lb_col_times", lang): [lb.ratio_text(value / median) if median else "" for value in lines["value"]],
        t("lb_col_what", lang): [f"N={size}" for size in lines["size"]],
        t("col_provenance", lang): lines["provenance"].map(lambda kind: names.get(kind, kind)),
        t("lb_col_nickname", lang): "", t("lb_col_date", lang): "",
    })
    return pd.concat([rows, extra], ignore_index=True)


if not workloads:
    st.info(t("lb_empty", lang))
else:
    left, middle, right = st.columns(3)
    workload = left.selectbox(t("lb_workload", lang), workloads, key="lb_workload",
                              index=workloads.index("matmul") if "matmul" in workloads else 0,
                              format_func=lambda name: t(f"wl_{name}", lang) if f"wl_{name}" in TEXT else name)
    dtypes = db.values("dtype", workload=workload, provenance=list(TIMED_PROVENANCES))
    dtype = middle.selectbox(t("lb_dtype", lang), dtypes, key="lb_dtype",
                             index=dtypes.index("float32") if "float32" in dtypes else 0)
    dates = right.date_input(t("lb_dates", lang), value=(), key="lb_dates", format="YYYY-MM-DD")
    since, until = (list(dates) + [None, None])[:2] if isinstance(dates, (list, tuple)) else (dates, None)
    cards = []
    if workload == "matmul":
        cards = st.multiselect(t("lb_cards", lang), compare.cards(), default=list(compare.DEFAULT_CARDS),
                               key="lb_cards", placeholder=t("lb_cards_none", lang))
    column, unit = lb.metric(workload)
    # The best row of each machine and device, ranked in the database: a class's thousands of rows stay there.
    frame, total = db.best(column, workload=workload, dtype=dtype, provenance=list(TIMED_PROVENANCES),
                           since=since, until=until)
    table = lb.board(frame, workload)
    if table.empty:
        st.info(t("lb_nothing", lang))
    else:
        lines = lb.reference_lines(table, frame, workload, dtype, cards)
        median = lb.median_laptop(table)
        st.caption(t("lb_summary", lang, machines=table["machine"].nunique(), results=total,
                     median=f"{lb.value_text(median)} {unit}" if median else "-"))
        words = {"added_by": t("lb_col_nickname", lang), "backend": t("col_backend", lang),
                 "median": t("lb_median", lang), "title": t("lb_chart_title", lang, unit=unit),
                 "measured_at": t("lb_col_date", lang), "python": "Python"}
        environments = db.environments(table["environment_id"])
        st.plotly_chart(lb.figure(table, lines, environments, unit, words, show.provenance_names(lang)),
                        width="stretch")
        st.dataframe(people_table(table, lines, unit), hide_index=True,
                     column_config={t(key, lang, unit=unit): st.column_config.TextColumn(
                                        width=width, help=t(HELPS[key], lang) if key in HELPS else None)
                                    for key, width in WIDTHS.items()})
        st.caption(t("lb_how", lang))

classroom.moderation(db, lang)
