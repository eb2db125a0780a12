"""Charts drawn from real result tables (measured here with TensorFlow on two logical CPUs)."""

import pandas as pd
import pytest

from dlenv import charts, execute, results
from dlenv.timing import TimingSettings
from dlenv.workloads import Elementwise, Matmul

QUICK = TimingSettings(budget_s=0.1, min_sample_s=0.002)
SIZES = (32, 64, 128)


@pytest.fixture(scope="module")
def table(tf_backend):
    specs = [Matmul.square(n) for n in SIZES] + [Elementwise(128)]
    tasks = execute.plan(specs, ["cpu:0", "cpu:1"], tf_backend)
    return results.to_dataframe(execute.run_plan(tasks, tf_backend, QUICK))


def test_time_vs_size_has_one_trace_per_device_and_backend_with_iqr_bars(table):
    matmul = table[table["workload"] == "matmul"]
    fig = charts.time_vs_size(matmul)
    assert [t.name for t in fig.data] == ["cpu:0 · tensorflow", "cpu:1 · tensorflow"]
    assert list(fig.data[0].x) == list(SIZES)
    assert fig.layout.xaxis.type == "log" and fig.layout.yaxis.type == "log"
    assert "(ms)" in fig.layout.yaxis.title.text
    first = matmul[matmul["device"] == "cpu:0"].sort_values("param_m").iloc[0]
    assert fig.data[0].y[0] == pytest.approx(first["median_s"] * 1e3)
    assert fig.data[0].error_y.array[0] == pytest.approx((first["q3_s"] - first["median_s"]) * 1e3)


def test_each_device_keeps_its_colour_on_every_chart(table):
    matmul = table[table["workload"] == "matmul"]
    time_colours = {t.name.split(" · ")[0]: t.line.color for t in charts.time_vs_size(matmul).data}
    gflops_colours = {t.name.split(" · ")[0]: t.line.color for t in charts.throughput_vs_size(matmul).data}
    assert time_colours == gflops_colours and len(set(time_colours.values())) == 2


def test_throughput_draws_the_peak_of_each_device(table):
    fig = charts.throughput_vs_size(table[table["workload"] == "matmul"])
    peaks = {shape.y0 for shape in fig.layout.shapes}
    assert peaks == set(table["peak_gflops"])
    assert "estimate" in fig.layout.annotations[0].text
    assert fig.layout.yaxis.title.text == "GFLOP/s"


def test_speedup_compares_matching_sizes_between_two_devices(table):
    matmul = table[table["workload"] == "matmul"]
    fig = charts.speedup_vs_size(matmul, fast="cpu:1", slow="cpu:0")
    speed = charts.speedup_table(matmul, "cpu:1", "cpu:0")
    assert list(fig.data[0].x) == list(SIZES)
    assert list(fig.data[0].y) == pytest.approx(list(speed["speedup"]))
    crossover = charts.crossover_size(speed)
    markers = [t for t in fig.data if t.name.startswith("crossover")]
    assert [list(t.x) for t in markers] == ([[crossover]] if crossover else [])


@pytest.mark.parametrize("speedups, expected", [
    ([0.2, 0.5, 0.9, 1.5, 3.0], 1024),   # the GPU starts to win at N=1024
    ([1.2, 0.8, 1.1, 2.0, 4.0], 512),    # an early lucky point does not count
    ([0.1, 0.2, 0.3, 0.4, 0.5], None),   # never wins
    ([2.0, 2.0, 2.0, 2.0, 2.0], 128),    # wins everywhere
])
def test_crossover_is_where_the_fast_device_stays_ahead(speedups, expected):
    table = pd.DataFrame({"param_m": [128, 256, 512, 1024, 2048], "speedup": speedups})
    assert charts.crossover_size(table) == expected


def test_roofline_separates_memory_bound_from_compute_bound(table):
    fig = charts.roofline(table)
    by_name = {t.name: t for t in fig.data}
    elementwise, matmul = by_name["cpu:0 · elementwise"], by_name["cpu:0 · matmul"]
    assert max(elementwise.x) < min(matmul.x)  # element-wise: under 1 FLOP per byte
    assert "FLOP/byte" in fig.layout.xaxis.title.text
