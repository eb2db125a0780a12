"""Results as a table for people: translated headers, readable units, marks, a width that fits.

``for_people(df, lang)`` turns a results frame (``dlenv.data.results.to_dataframe``) into
the table a page shows, as plain data (no Streamlit call), so it can be tested on its own;
``show(df, lang)`` draws it. The frame keeps the results' field names as its column keys
(``label``, ``timing``, ``median_s``...), so code and tests can find a column whatever the
language; what a reader sees is the header from ``dlenv.i18n`` (``st.column_config``).

Formatting rules (issue 15, item 2; the classroom review's "1.33e+03 ms"; the functions live in
``dlenv.formats``, which the command line shares):

* times: 3 significant figures in the unit that keeps the number between 1 and 999
  (s, ms, µs, ns), so an exponent never appears;
* rates (GFLOP/s, GB/s, samples/s): 3 significant figures, thousands separators above 1,000;
* a timing whose samples are widely spread (``noisy``) gets "⚠" after its number, one
  measured while other programs used the CPU (``busy``) gets "◔" (a text symbol: an emoji
  such as "⏳" is an empty box on a Linux machine without an emoji font);
* words in cells (timing, provenance, what limits a prediction) are translated; names
  (devices, backends, machines, dtypes) are shown as they are;
* about nine columns are shown, so the table fits a 1280-pixel page; the rest stay in the
  table, hidden, and the table's "Show/hide columns" menu brings them back. A column that
  holds one value on every row (one device, one backend) is said once above the table
  instead (``PeopleTable.common``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from dlenv.formats import is_number, number_text, percent_text, time_text
from dlenv.i18n import TEXT, t
from dlenv.precision import dtype_label, train_policy

NOISY_MARK, BUSY_MARK, OVER_PEAK_MARK = "⚠", "◔", "↑"

# Column key -> i18n key of its header; the order is the order shown.
HEADERS = {
    "label": "col_label", "machine": "col_machine", "device": "col_device", "backend": "col_backend",
    "dtype": "col_dtype", "timing": "col_timing", "median_s": "col_median", "iqr_s": "col_iqr",
    "gflops": "col_gflops", "gbps": "col_gbps", "pct_of_peak": "col_pct", "provenance": "col_provenance",
    "first_call_s": "col_first", "samples_per_s": "col_samples", "threads": "col_threads",
    "n_samples": "col_n", "other_cpu_share": "col_other_cpu", "model_bound": "col_bound",
    "device_name": "col_device_name",
}
# Shown when they hold something worth a column; the rest are hidden (one click away).
MAIN = ("label", "machine", "device", "backend", "dtype", "timing", "median_s", "iqr_s", "gflops", "gbps",
        "pct_of_peak", "provenance")
# Shown only when they differ between rows (one machine, one timing: nothing to tell apart).
ONLY_WHEN_MIXED = ("machine", "device", "backend", "dtype", "timing", "provenance")
# Of those, the ones whose single value is said above the table ("cpu:0 · tensorflow · float32").
SAID_ONCE = ("device", "backend", "dtype")
# At most this many columns fit beside the sidebar at 1280 px; past it these go to the menu
# first (the label already ends with the dtype; GB/s and the timing method matter least).
MAX_SHOWN = 9
HIDDEN_FIRST = ("dtype", "gbps", "timing")
# Then, when the free-text columns (``FREE_TEXT_MIN_PX``) would not get even their minimum width
# beside the others, these go to the menu too.
HIDDEN_WHEN_TIGHT = ("iqr_s",)
# Header tooltips (i18n keys).
HELP = {"median_s": "col_median_help", "iqr_s": "col_iqr_help", "pct_of_peak": "col_pct_help",
        "gflops": "col_gflops_help", "provenance": "col_provenance_help"}


@dataclass
class PeopleTable:
    """What a page shows: ``frame`` (all columns, formatted), the columns shown first
    (``shown``), the headers in the page's language (``headers``), header tooltips
    (``helps``), one line per mark used (``marks``) and the value of each ``SAID_ONCE`` column
    that is the same on every row (``common``, key -> value), said above the table."""

    frame: pd.DataFrame
    shown: list[str]
    headers: dict[str, str]
    helps: dict[str, str] = field(default_factory=dict)
    marks: list[str] = field(default_factory=list)
    common: dict[str, str] = field(default_factory=dict)


def workload_text(row: Mapping[str, Any], lang: str) -> str:
    """What a result measured, in ``lang``: "matmul 64 float32" in English (the record's own
    label), "행렬 곱셈 64 float32" in Korean, built from the workload and its parameters."""
    label = row.get("label")
    if lang == "en" and isinstance(label, str) and label:
        return label
    workload, dtype = str(row.get("workload", "")), str(row.get("dtype", ""))
    p = {key[len("param_"):]: value for key, value in row.items()
         if isinstance(key, str) and key.startswith("param_") and _present(value)}
    name = t(f"wl_{workload}", lang) if f"wl_{workload}" in TEXT else workload
    words: list[str] = [name]
    try:
        if workload == "matmul":
            m, n, k = (int(p[x]) for x in ("m", "n", "k"))
            words.append(str(m) if m == n == k else f"{m}×{k} · {k}×{n}")
        elif workload == "elementwise":
            words = [t(f"wl_elementwise_{p.get('op', 'add')}", lang), f"{int(p['size'])}×{int(p['size'])}"]
        elif workload in ("mlp", "cnn"):
            words += [t("wl_depth", lang, n=int(p["depth"]))]
            words += [t("wl_width", lang, n=int(p["width"]))] if workload == "mlp" else \
                [t("wl_filters", lang, n=int(p["filters"])), t("wl_image", lang, n=int(p["image"]))]
            words += [t("wl_batch", lang, n=int(p["batch"])), t(f"mode_{p.get('mode', 'inference')}", lang)]
        elif workload == "train":
            return " ".join(_training_words(p, dtype, lang))
    except (KeyError, TypeError, ValueError):  # a file without these parameters: the workload's name alone
        pass
    return " ".join([*words, dtype] if dtype else words)


def _training_words(p: Mapping[str, Any], dtype: str, lang: str) -> list[str]:
    """A training's label in ``lang``: model, size, dataset, epochs, batch, input pipeline and
    the Keras precision policy ("mixed_float16" where the row's dtype says float16)."""
    model = str(p["model"])
    width = t("wl_width", lang, n=int(p["width"])) if model == "mlp" else t("wl_filters", lang, n=int(p["width"]))
    name = f"ds_{p['dataset']}"
    dataset = (t(name, lang) if name in TEXT else str(p["dataset"])) + \
        (f" ({int(p['samples']):,})" if _present(p.get("samples")) else "")
    return [t("wl_train", lang), model.upper(), t("wl_depth", lang, n=int(p["depth"])), width, dataset,
            t("wl_epochs", lang, n=int(p["epochs"])), t("wl_batch", lang, n=int(p["batch"])),
            t(f"tr_pipe_{p['pipeline']}", lang), train_policy(dtype)]


# The labels dlenv's specs give themselves (``Workload.label``), read back into their parts.
_LABELS = (
    (re.compile(r"matmul (?P<m>\d+) (?P<dtype>\w+)"), "matmul"),
    (re.compile(r"matmul (?P<m>\d+)x(?P<n>\d+)x(?P<k>\d+) (?P<dtype>\w+)"), "matmul"),
    (re.compile(r"elementwise (?P<op>add|multiply) (?P<size>\d+)x\d+ (?P<dtype>\w+)"), "elementwise"),
    (re.compile(r"mlp depth (?P<depth>\d+) width (?P<width>\d+) batch (?P<batch>\d+) (?P<mode>\w+) (?P<dtype>\w+)"),
     "mlp"),
    (re.compile(r"cnn depth (?P<depth>\d+) filters (?P<filters>\d+) image (?P<image>\d+) batch (?P<batch>\d+) "
                r"(?P<mode>\w+) (?P<dtype>\w+)"), "cnn"),
    (re.compile(r"train (?P<model>mlp|cnn) depth (?P<depth>\d+) width (?P<width>\d+) (?P<dataset>\w+)"
                r"(?: (?P<samples>\d+) samples)? (?P<epochs>\d+) epochs batch (?P<batch>\d+) (?P<pipeline>\w+) "
                r"(?P<dtype>\w+)"), "train"),
)


def label_text(label: str, lang: str) -> str:
    """A spec's label ("mlp depth 2 width 128 batch 32 inference float32", as messages quote
    it) in ``lang``; a text that is not such a label comes back as it is."""
    if lang == "en":
        return label
    for pattern, workload in _LABELS:
        found = pattern.fullmatch(label.strip())
        if found:
            parts = found.groupdict()
            params = {f"param_{key}": value for key, value in parts.items() if key != "dtype"}
            if workload == "matmul" and "param_n" not in params:
                params.update(param_n=parts["m"], param_k=parts["m"])
            return workload_text({"workload": workload, "dtype": parts["dtype"], **params}, lang)
    return label


def machine_text(machine: str, lang: str) -> str:
    """A machine's name as the data gives it, with dlenv's own prefixes for the bundled sets
    ("reference:", "published:"; ``dlenv.data.reference``) in ``lang``."""
    from dlenv.data.reference import MACHINE_PREFIX, PUBLISHED_PREFIX

    for prefix, kind in ((MACHINE_PREFIX, "reference"), (PUBLISHED_PREFIX, "published")):
        if machine.startswith(prefix):
            return f"{t(f'prov_{kind}', lang)}: {machine[len(prefix):].strip()}"
    return machine


def word(kind: str, value: object, lang: str) -> str:
    """A cell that is a word (a timing, a provenance, what limits a prediction, where a peak
    figure comes from) in ``lang``; the value itself when no translation is known."""
    if not _present(value):
        return ""
    key = {"timing": "timing_", "provenance": "prov_", "model_bound": "bound_word_", "peak_source": "peak_src_"
           }[kind] + str(value)
    return t(key, lang) if key in TEXT else str(value)


def for_people(df: pd.DataFrame, lang: str) -> PeopleTable:
    """The table a page shows for the results frame ``df``, in ``lang``.

    Keys stay the field names; see the module docstring for the formats. Rows keep their
    order. Raises nothing for missing columns: a column the frame lacks is left out.
    """
    out = pd.DataFrame(index=df.index)
    rows = [row for _, row in df.iterrows()]
    marks: list[str] = []
    noisy = _flags(df, "noisy")
    busy = _flags(df, "busy")
    out["label"] = [workload_text(row, lang) for row in rows]
    for key in ("machine", "device", "backend", "device_name"):
        if key in df:
            out[key] = df[key].where(df[key].notna(), "").astype(str)
    if "machine" in out:
        out["machine"] = [machine_text(name, lang) for name in out["machine"]]
    if "dtype" in df:
        out["dtype"] = [dtype_label(row) for row in rows]
    for key in ("timing", "provenance", "model_bound"):
        if key in df:
            out[key] = [word(key, value, lang) for value in df[key]]
    if "median_s" in df:
        out["median_s"] = [time_text(value) + (" " + NOISY_MARK if n else "") + (" " + BUSY_MARK if b else "")
                           for value, n, b in zip(df["median_s"], noisy, busy)]
    for key in ("iqr_s", "first_call_s"):
        if key in df:
            out[key] = [time_text(value) for value in df[key]]
    for key in ("gflops", "gbps", "samples_per_s"):
        if key in df:
            out[key] = [number_text(value) for value in df[key]]
    over = [False] * len(df)
    if "pct_of_peak" in df:
        # Above an estimated peak: the estimate is low (a reported base clock), said under the table.
        sources = df["peak_source"] if "peak_source" in df else [None] * len(df)
        over = [is_number(value) and float(value) > 100 and source == "estimate"
                for value, source in zip(df["pct_of_peak"], sources)]
        out["pct_of_peak"] = [percent_text(value) + (" " + OVER_PEAK_MARK if o else "")
                              for value, o in zip(df["pct_of_peak"], over)]
    if "other_cpu_share" in df:
        out["other_cpu_share"] = [percent_text(100 * value) if is_number(value) else ""
                                  for value in df["other_cpu_share"]]
    for key in ("threads", "n_samples"):
        if key in df:
            out[key] = [f"{int(value):,}" if is_number(value) else "" for value in df[key]]
    filled = [key for key in out if (out[key] != "").any()]
    out = out[[key for key in HEADERS if key in filled]]
    shown = [key for key in MAIN if key in out and not (key in ONLY_WHEN_MIXED and out[key].nunique() < 2)]
    for key in HIDDEN_FIRST:
        if len(shown) > MAX_SHOWN and key in shown:
            shown.remove(key)
    if any(noisy):
        marks.append(t("mark_noisy", lang, mark=NOISY_MARK))
    if any(busy):
        marks.append(t("mark_busy", lang, mark=BUSY_MARK))
    if any(over):
        marks.append(t("mark_over_peak", lang, mark=OVER_PEAK_MARK))
    headers = {key: t(HEADERS[key], lang) for key in out}
    helps = {key: t(HELP[key], lang) for key in out if key in HELP}
    # Said once above the table only when it is one value on every row (a mixed dtype hidden to
    # make room is not "float32" for all).
    common = {key: str(out[key].iloc[0]) for key in SAID_ONCE
              if key in out and key not in shown and len(out) and out[key].nunique() < 2}
    table = PeopleTable(out.reset_index(drop=True), shown, headers, helps, marks, common)
    for key in HIDDEN_WHEN_TIGHT:  # long free text (machine names) beside many columns: make room
        if key in shown and _tight(table):
            shown.remove(key)
    return table


# The width a table has beside the open sidebar in a 1280 px window, and what a cell adds to its
# text (padding on both sides); a text's width is estimated at 6.6 px a character, 14 px a Hangul
# or other wide one (the app's 14 px font: measured on the tour's screenshots, 6.2 to 6.5).
TABLE_PX, CELL_PADDING_PX = 818, 17
# The columns whose text has no bound (what was measured, a machine's name): they share what the
# other shown columns leave, each at least its minimum (px).
FREE_TEXT_MIN_PX = {"label": 160, "machine": 110}


def text_px(text: str) -> float:
    """About how many pixels ``text`` takes in a table cell's font (see ``TABLE_PX``)."""
    return sum(14.0 if unicodedata.east_asian_width(char) in "WF" else 6.6 for char in text)


def needed_px(table: PeopleTable, key: str) -> float:
    """About how wide column ``key`` is when sized to its header and cells (as the grid sizes it)."""
    cells = [table.headers[key], *table.frame[key].astype(str)] if key in table.frame else [table.headers[key]]
    return max(text_px(cell) for cell in cells) + CELL_PADDING_PX


def _tight(table: PeopleTable) -> bool:
    """Whether the shown columns overflow ``TABLE_PX`` even with the free-text ones at their minimum."""
    return sum(FREE_TEXT_MIN_PX[key] if key in FREE_TEXT_MIN_PX else needed_px(table, key)
               for key in table.shown) > TABLE_PX


def column_widths(table: PeopleTable) -> dict[str, int]:
    """Fixed widths (px) for the free-text columns (``FREE_TEXT_MIN_PX``) when the shown columns,
    each as wide as its text, would not fit ``TABLE_PX``; empty when they fit. The free-text
    columns share what the others leave: each its minimum, then what is left over it, the
    narrower needs met first. A long text ends in "…" there (whole on hover), and the last
    column is never cut off at the right edge."""
    free = sorted((key for key in FREE_TEXT_MIN_PX if key in table.shown), key=lambda key: needed_px(table, key))
    room = TABLE_PX - sum(needed_px(table, key) for key in table.shown if key not in free)
    if not free or sum(needed_px(table, key) for key in free) <= room:
        return {}
    widths = {key: FREE_TEXT_MIN_PX[key] for key in free}
    extra = room - sum(widths.values())
    for index, key in enumerate(free):  # what is left over the minimums, the narrower needs met first
        share = max(0.0, extra) / (len(free) - index)
        grow = max(0.0, min(needed_px(table, key) - widths[key], share))
        widths[key] += int(grow)
        extra -= grow
    return widths


def show(df: pd.DataFrame, lang: str, *, height: int | None = None) -> PeopleTable:
    """Draw ``df`` as ``for_people`` formats it: the main columns, the rest hidden (the
    table's "Show/hide columns" menu), one caption per mark used. Returns what it drew."""
    import streamlit as st

    table = for_people(df, lang)
    widths = column_widths(table)
    config = {key: st.column_config.TextColumn(table.headers[key], help=table.helps.get(key), width=widths.get(key))
              for key in table.frame}
    hidden = [key for key in table.frame if key not in table.shown and key not in table.common]
    if table.common:
        st.caption(t("table_common", lang, values=" · ".join(f"{table.headers[key]}: {value}"
                                                             for key, value in table.common.items())))
    # Columns left out of column_order are hidden, and the menu shows them again.
    st.dataframe(table.frame, hide_index=True, width="stretch", column_config=config, column_order=table.shown,
                 placeholder="", height=height or "auto")
    for line in table.marks:
        st.caption(line)
    if hidden:
        st.caption(t("table_more", lang, columns=", ".join(table.headers[key] for key in hidden)))
    return table


def version_text(versions: Mapping[str, str], has_gpu: bool, lang: str) -> str:
    """A backend's versions on one line ("tensorflow 2.19.0 · keras 3.10.0 · CUDA 12.5.1 · cuDNN 9").
    Without a GPU, the CUDA and cuDNN versions a framework was built with are said to be
    build versions, so they do not read as a GPU that is present (issue 15, item 8)."""
    names = {"cuda": "CUDA", "cudnn": "cuDNN"}
    plain = [f"{name} {version}" for name, version in versions.items() if name not in names]
    build = [f"{names[name]} {version}" for name, version in versions.items() if name in names]
    if build and not has_gpu:
        return " · ".join([*plain, t("version_build", lang, versions=", ".join(build))])
    return " · ".join(plain + build)


def _flags(df: pd.DataFrame, key: str) -> list[bool]:
    if key not in df:
        return [False] * len(df)
    return [bool(value) if _present(value) else False for value in df[key]]


def _present(value: object) -> bool:
    if value is None:
        return False
    try:
        return not bool(pd.isna(value))
    except (TypeError, ValueError):  # a list or a dict: present
        return True

