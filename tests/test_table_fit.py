"""The results table's label column gets a fixed width when long labels would push the last
shown column past the right edge of a 1280 px window (sidebar open); tests/test_browser.py's
tour screenshots show the result. Rows: the bundled reference sets plus a long training label."""

import pandas as pd
import pytest

from dlenv.data import reference, results
from dlenv.measure.workloads import Train
from dlenv.ui import tables


def rows(*, long_label: bool) -> pd.DataFrame:
    frame = pd.concat([results.to_dataframe(reference.load(name)) for name in reference.names()], ignore_index=True)
    frame = frame[frame["workload"] == "matmul"].head(6).copy()
    if long_label:  # a training's label, the longest kind ("train mlp depth 2 width 128 digits 5 epochs ...")
        spec = Train(model="mlp", depth=2, width=128, epochs=5, batch=32)
        first = frame.index[0]
        frame.loc[first, ["workload", "label"]] = ["train", spec.label()]
        for key, value in spec.params().items():
            frame.loc[first, f"param_{key}"] = value
    return frame


def needed(table: tables.PeopleTable, key: str) -> float:
    return max(tables.text_px(text) for text in [table.headers[key], *table.frame[key]]) + tables.CELL_PADDING_PX


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_a_long_label_is_given_what_the_other_columns_leave(lang):
    table = tables.for_people(rows(long_label=True), lang)
    assert len(table.shown) >= 7
    width = tables.label_width(table)
    assert width is not None and tables.LABEL_MIN_PX <= width <= tables.LABEL_MAX_PX
    others = sum(needed(table, key) for key in table.shown if key != "label")
    assert width + others <= tables.TABLE_PX or width == tables.LABEL_MIN_PX
    assert width < needed(table, "label")  # cut with "…" (whole on hover), not the last column


def test_short_labels_keep_their_natural_width():
    table = tables.for_people(rows(long_label=False), "en")
    assert tables.label_width(table) is None


def test_a_korean_glyph_counts_about_twice_a_latin_letter():
    assert tables.text_px("최고 성능 대비 %") > tables.text_px("% of peak") * 1.3
