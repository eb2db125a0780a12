"""The results table's free-text columns (what was measured, the machine) get fixed widths when
their text would push the last shown column past the right edge of a 1280 px window (sidebar
open); tests/test_browser.py's tour checks the page itself. Rows: the bundled reference sets,
with a training's label (the longest kind) on one row."""

import pandas as pd
import pytest

from dlenv.data import reference, results
from dlenv.measure.workloads import Train
from dlenv.ui import tables


def rows(*, long_label: bool, machines: int = 1) -> pd.DataFrame:
    frame = pd.concat([results.to_dataframe(reference.load(name)) for name in reference.names()], ignore_index=True)
    picked = [frame[frame["machine"] == name].head(3) for name in frame["machine"].drop_duplicates()[:machines]]
    frame = pd.concat(picked).copy()
    if long_label:  # a training's label, the longest kind ("train mlp depth 2 width 128 digits 5 epochs ...")
        spec = Train(model="mlp", depth=2, width=128, epochs=5, batch=32)
        first = frame.index[0]
        frame.loc[first, ["workload", "label"]] = ["train", spec.label()]
        for key, value in spec.params().items():
            frame.loc[first, f"param_{key}"] = value
    return frame


def fits(table: tables.PeopleTable) -> float:
    widths = tables.column_widths(table)
    return sum(widths.get(key, tables.needed_px(table, key)) for key in table.shown)


@pytest.mark.parametrize("lang", ["en", "ko"])
@pytest.mark.parametrize("machines", [1, 3])
def test_long_labels_and_machine_names_share_what_the_other_columns_leave(lang, machines):
    table = tables.for_people(rows(long_label=True, machines=machines), lang)
    if machines > 1:
        assert "machine" in table.shown and len(table.shown) >= 7
    needed = sum(tables.needed_px(table, key) for key in table.shown)
    widths = tables.column_widths(table)
    if needed <= tables.TABLE_PX:
        assert widths == {}
        return
    assert "label" in widths and set(widths) <= set(tables.FREE_TEXT_MIN_PX)
    assert all(width >= tables.FREE_TEXT_MIN_PX[key] for key, width in widths.items())
    assert fits(table) <= tables.TABLE_PX + 1  # the last column, GFLOP/s or % of peak, is not cut off
    assert widths["label"] < tables.needed_px(table, "label")  # the long label ends in "…" (whole on hover)


def test_the_reference_machines_long_names_are_narrowed_too():
    table = tables.for_people(rows(long_label=True, machines=3), "en")
    assert max(len(name) for name in table.frame["machine"]) > 40
    widths = tables.column_widths(table)
    assert widths["machine"] < tables.needed_px(table, "machine") and fits(table) <= tables.TABLE_PX + 1


def test_short_texts_keep_their_natural_width():
    table = tables.for_people(rows(long_label=False), "en")
    assert tables.column_widths(table) == {}


def test_a_korean_glyph_counts_about_twice_a_latin_letter():
    assert tables.text_px("최고 성능 대비 %") > tables.text_px("% of peak") * 1.3


def test_a_mixed_dtype_hidden_to_make_room_is_not_said_to_be_every_rows():
    table = tables.for_people(rows(long_label=False, machines=3), "en")
    assert table.frame["dtype"].nunique() > 1 and "dtype" not in table.shown
    assert "dtype" not in table.common  # it said "Every row: Data type: float32" beside bfloat16 rows
