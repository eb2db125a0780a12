"""Tables for people (dlenv.ui.tables): units without exponents, marks that every browser draws,
columns that fit a 1280-pixel page, workload names in the page's language.

The rows are real: the bundled reference sets (dlenv.data.reference) and this package's own
training spec label.
"""

import pandas as pd
import pytest

from dlenv import takeaways
from dlenv.data import reference, results
from dlenv.i18n import t
from dlenv.measure.workloads import Train
from dlenv.ui import tables


def reference_rows() -> pd.DataFrame:
    frames = [results.to_dataframe(reference.load(name)) for name in reference.names()]
    return pd.concat(frames, ignore_index=True)


@pytest.mark.parametrize(("seconds", "text"), [(1.33, "1.33 s"), (0.99996, "1 s"), (0.000512, "512 µs"),
                                               (4.12e-3, "4.12 ms"), (2.5e-8, "25 ns")])
def test_times_read_in_the_unit_that_keeps_them_between_1_and_999(seconds, text):
    assert tables.time_text(seconds) == text


def test_rates_are_rounded_with_thousands_separators_and_never_an_exponent():
    assert [tables.number_text(x) for x in (1234.5, 56.78, 0.01234, 0.0001)] == ["1,234", "56.8", "0.0123", "< 0.001"]


def test_a_busy_or_noisy_time_carries_a_text_mark_and_its_explanation():
    rows = reference_rows().head(2).copy()
    rows["busy"], rows["noisy"] = [True, False], [False, True]
    table = tables.for_people(rows, "en")
    assert table.frame["median_s"][0].endswith(" " + tables.BUSY_MARK)
    assert table.frame["median_s"][1].endswith(" " + tables.NOISY_MARK)
    # Symbols from fonts every system ships: an emoji (U+1F300 on, or the hourglass U+23F3)
    # is an empty box on a Linux machine without an emoji font.
    assert all(ord(mark) < 0x2300 or 0x25A0 <= ord(mark) < 0x2700 for mark in (tables.BUSY_MARK, tables.NOISY_MARK))
    assert table.marks == [t("mark_noisy", "en", mark=tables.NOISY_MARK), t("mark_busy", "en", mark=tables.BUSY_MARK)]


def test_a_column_with_one_value_on_every_row_is_said_once_above_the_table():
    rows = reference_rows()
    one = rows[(rows["device"] == rows["device"].iloc[0]) & (rows["backend"] == rows["backend"].iloc[0])
               & (rows["machine"] == rows["machine"].iloc[0])]
    table = tables.for_people(one, "ko")
    assert {"device", "backend"} <= set(table.common) and not {"device", "backend"} & set(table.shown)
    assert table.common["device"] == one["device"].iloc[0]
    assert table.headers["backend"] == t("col_backend", "ko")
    assert len(table.shown) <= 7  # what, time, spread, GFLOP/s, GB/s, % of peak (+ provenance): fits 1280 px

    mixed = tables.for_people(rows, "en")
    assert "backend" in mixed.shown or mixed.frame["backend"].nunique() < 2
    assert "device" in mixed.shown and "device" not in mixed.common and len(mixed.shown) <= tables.MAX_SHOWN
    # The reference sets' long machine names beside nine columns: the spread goes to the menu to make room.
    assert "machine" in mixed.shown and "iqr_s" not in mixed.shown and "iqr_s" in mixed.frame


def test_a_training_is_named_in_korean_with_its_pipeline_and_precision_policy():
    spec = Train(dataset="digits", epochs=5, batch=32, pipeline="streamed", dtype="float16")
    text = tables.label_text(spec.label(), "ko")
    assert text.startswith(t("wl_train", "ko") + " MLP " + t("wl_depth", "ko", n=2))
    assert t("tr_pipe_streamed", "ko") in text and t("wl_epochs", "ko", n=5) in text
    assert text.endswith("mixed_float16")
    row = {"workload": "train", "dtype": "float16", **{f"param_{k}": v for k, v in spec.params().items()}}
    assert tables.workload_text(row, "ko") == text  # a stored row reads as its label does


def test_a_rate_above_an_estimated_peak_is_marked_and_explained_as_a_low_estimate():
    # The reference CPU's matmuls as if they reached 113% of its cores x clock x width estimate
    # (this machine's Quick demo did: the VM reports a base clock, the chip boosts).
    cpu = reference_rows()
    cpu = cpu[(cpu["workload"] == "matmul") & (cpu["peak_source"] == "estimate")].copy()
    cpu["pct_of_peak"] = 113.0
    table = tables.for_people(cpu, "ko")
    assert set(table.frame["pct_of_peak"]) == {"113% " + tables.OVER_PEAK_MARK}
    assert t("mark_over_peak", "ko", mark=tables.OVER_PEAK_MARK) in table.marks
    assert takeaways.throughput(cpu).key == "tk_throughput_over"


def test_a_bundled_reference_machine_is_named_in_the_page_language():
    rows = reference_rows()
    machines = set(tables.for_people(rows, "ko").frame["machine"])
    assert any(name.startswith(t("prov_reference", "ko") + ": ") for name in machines), machines
    assert any(name.startswith(t("prov_published", "ko") + ": ") for name in machines), machines
    assert not any(name.startswith(("reference:", "published:")) for name in machines)


def test_a_mixed_precision_training_shows_its_keras_policy_as_its_dtype():
    spec = Train(dataset="digits", epochs=1, dtype="bfloat16")
    row = {"workload": "train", "dtype": "bfloat16", "label": spec.label(),
           **{f"param_{k}": v for k, v in spec.params().items()}}
    table = tables.for_people(pd.DataFrame([row, {**row, "dtype": "float32"}]), "en")
    assert list(table.frame["dtype"]) == ["mixed_bfloat16", "float32"]


@pytest.mark.parametrize("lang", ["en", "ko"])
def test_the_texts_that_explain_the_marks_show_the_marks_the_tables_use(lang):
    warning = t("busy_warning", lang, count=1, total=2, share=50)
    assert tables.BUSY_MARK in warning
    assert {tables.BUSY_MARK, tables.NOISY_MARK} <= set(t("col_median_help", lang))


def test_the_work_ratio_of_two_matmul_sizes_is_said_exactly():
    # The reference CPU's synced matmuls at N=256 and N=1024, the smaller one relabelled N=64 (the
    # Quick demo's smallest size): (1024/64)^3 = 4,096 times the work, never "4,100".
    cpu = reference_rows()
    cpu = cpu[(cpu["workload"] == "matmul") & (cpu["timing"] == "synced") & cpu["param_m"].isin([256, 1024])].copy()
    small = cpu["param_m"] == 256
    cpu.loc[small, ["param_m", "param_n", "param_k"]] = 64
    cpu.loc[small, "flops"] = 2.0 * 64**3
    found = takeaways.time_vs_size(cpu)
    assert found.values["work"] == "4,096" and "4,096×" in found.text("en")
