"""Charts drawn from real result tables (measured here with TensorFlow on two logical CPUs)."""

import os

import pandas as pd
import pytest

from dlenv import charts, compare
from dlenv.data import results
from dlenv.measure import execute, graphdemo
from dlenv.measure.timing import TimingSettings
from dlenv.measure.workloads import Elementwise, Matmul
from dlenv.serve.limits import Limits
from dlenv.serve.plan import Plan
from dlenv.serve.runner import DONE, Runner

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
    throughput = charts.throughput_vs_size(matmul).data
    gflops_colours = {t.name.split(" · ")[0]: t.line.color for t in throughput if " peak " not in t.name}
    peak_colours = {t.name.split(" peak ")[0]: t.line.color for t in throughput if " peak " in t.name}
    assert time_colours == gflops_colours == peak_colours and len(set(time_colours.values())) == 2


def test_throughput_draws_the_peak_of_each_device(table):
    fig = charts.throughput_vs_size(table[table["workload"] == "matmul"])
    lines = [trace for trace in fig.data if " peak " in trace.name]
    assert {trace.y[0] for trace in lines} == set(table["peak_gflops"])
    assert all("estimate" in trace.name and trace.line.dash == "dash" for trace in lines)
    assert not fig.layout.annotations  # nothing placed in log-axis units by hand
    assert fig.layout.yaxis.title.text == "GFLOP/s"


def test_speedup_compares_matching_sizes_between_two_devices(table):
    matmul = table[table["workload"] == "matmul"]
    fig = charts.speedup_vs_size(matmul, baseline="cpu:0 · tensorflow")
    speed = charts.speedup_table(matmul, "cpu:1 · tensorflow", "cpu:0 · tensorflow")
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


@pytest.fixture(scope="module")
def demo(tf_backend):
    return graphdemo.run(tf_backend, QUICK)


@pytest.fixture(scope="module")
def sweep():
    """Real rows of a thread sweep: matmul 128 by a worker pinned to 1 CPU, then one with all of them."""
    runner = Runner(Limits(max_matmul=4096, max_model_bytes=2**30))
    try:
        job = runner.submit(Plan((Matmul.square(128),), devices=("cpu:0",), threads=(1, None), budget_s=0.1))
        assert job.wait(180) and job.state == DONE, job.errors
        return results.to_dataframe(job.result)
    finally:
        runner.shutdown()


def test_graph_dot_has_a_node_per_operation_and_an_arrow_per_input(demo):
    operations = demo["operations"]
    assert {"Placeholder", "Const", "MatMul", "AddV2", "Mul", "Tanh", "Identity"} <= {op["type"] for op in operations}
    dot = charts.graph_dot(operations)
    assert dot.startswith("digraph {") and dot.endswith("}")
    assert all(f'"{op["name"]}" [' in dot for op in operations)
    arrows = [line for line in dot.splitlines() if " -> " in line]
    assert len(arrows) == sum(len(op["inputs"]) for op in operations)
    assert '  "x" -> "MatMul" [label="32×64"];' in arrows and '  "b1" -> "add" [label="64"];' in arrows
    assert '  "add_3" [label="AddV2"];' in dot  # TensorFlow's own names say no more than the type
    assert '  "mul/x" [shape=plaintext, style=solid, label="0.5"];' in dot  # a constant shows its value
    assert '  "mul/x" -> "mul" [label=""];' in arrows  # a scalar's arrow needs no shape
    named = charts.graph_dot([*operations, {"name": "logits", "type": "Identity", "inputs": ["add_3"], "shape": None}])
    assert '"logits" [label="logits\\nIdentity"];' in named and '"add_3" -> "logits" [label="32×10"];' in named


def test_mode_times_has_one_bar_per_mode_with_the_iqr(demo):
    names = {"eager": "eager (즉시 실행)", "graph": "그래프", "xla": "XLA"}
    timed = [row for row in demo["timings"] if "median_s" in row]
    assert [row["mode"] for row in timed] == ["eager", "graph", "xla"]  # this TensorFlow build has XLA
    fig = charts.mode_times(demo["timings"], names, y_title="µs")
    assert [bar.x[0] for bar in fig.data] == list(names.values())
    eager = timed[0]
    assert fig.data[0].y[0] == pytest.approx(eager["median_s"] * 1e6)
    assert fig.data[0].error_y.array[0] == pytest.approx((eager["q3_s"] - eager["median_s"]) * 1e6)
    assert fig.layout.xaxis.type == "category" and not fig.layout.showlegend


def test_mode_times_leaves_out_a_mode_that_failed(demo):
    timings = [*demo["timings"][:2], {"mode": "xla", "error": "XLA is not part of this build"}]
    assert [bar.x[0] for bar in charts.mode_times(timings).data] == ["eager", "graph"]


def test_eager_cost_per_operation_spreads_the_gap_over_the_arithmetic_operations(demo):
    assert graphdemo.compute_operations(demo) == 13  # 2 MatMul, 4 AddV2, 6 Mul, 1 Tanh
    timed = {**demo, "timings": [{"mode": "eager", "median_s": 180e-6}, {"mode": "graph", "median_s": 50e-6}]}
    assert graphdemo.eager_cost_per_operation(timed) == pytest.approx(10e-6)
    slower = {**demo, "timings": [{"mode": "eager", "median_s": 50e-6}, {"mode": "graph", "median_s": 60e-6}]}
    assert graphdemo.eager_cost_per_operation(slower) is None


def test_thread_scaling_draws_gflops_against_threads_with_the_ideal_line(sweep):
    usable = len(os.sched_getaffinity(0))
    fig = charts.thread_scaling(sweep, ideal_name="ideal")
    measured, ideal = fig.data
    assert list(measured.x) == [1, usable] and measured.name == "cpu:0 · tensorflow"
    assert list(measured.y) == pytest.approx(list(sweep.sort_values("threads")["gflops"]))
    assert list(ideal.y) == pytest.approx([measured.y[0], measured.y[0] * usable])
    assert ideal.name == "ideal" and ideal.line.dash == "dot"
    assert list(fig.layout.xaxis.tickvals) == [1, usable] and fig.layout.yaxis.type == "linear"


@pytest.fixture(scope="module")
def compared(table):
    """This CPU's matmuls beside the H100's published and the T4's predicted ones at the same sizes."""
    cards = compare.matmul_comparison([*SIZES, 256, 512], "float32", ["H100 SXM", "T4"])
    return pd.concat([table[table["workload"] == "matmul"], results.to_dataframe(cards.document)], ignore_index=True)


def test_each_provenance_is_drawn_its_own_way_and_named_in_the_legend(compared):
    names = {"published": "published", "predicted": "predicted from the datasheet"}
    traces = {trace.name: trace for trace in charts.time_vs_size(compared, names=names).data}
    measured, published = traces["cpu:0 · tensorflow"], traces["NVIDIA H100 80GB HBM3 (published)"]
    predicted = traces["T4 (predicted from the datasheet)"]
    assert measured.mode == "lines+markers" and measured.error_y.array is not None
    assert published.mode == "markers" and published.marker.symbol == "diamond" and published.error_y.array is None
    assert predicted.mode == "lines" and predicted.line.dash == "dot"
    assert list(published.x) == [256, 512]  # the published sizes within the sweep, no more
    assert "github.com/openxla/xla" in published.customdata[0][2]  # the hover names the source


def test_speedup_over_the_measured_cpu_uses_only_sizes_both_have(compared):
    fig = charts.speedup_vs_size(compared, baseline="cpu:0 · tensorflow")
    names = [trace.name for trace in fig.data]
    assert "T4 (predicted) ÷ cpu:0 · tensorflow" in names
    assert not any(name.startswith("NVIDIA H100 80GB HBM3 (published) ÷") for name in names)  # no common size
    summary = charts.speedup_summary(compared, "T4 (predicted)", "cpu:0 · tensorflow")
    assert summary["at"] == max(SIZES) and summary["fast_provenance"] == "predicted"
    assert summary["slow_provenance"] == "measured"
    t4 = compared[compared["device_name"] == "T4"].set_index("param_m")["median_s"]
    cpu = compared[compared["device"] == "cpu:0"].set_index("param_m")["median_s"]
    assert summary["speedup"] == pytest.approx(cpu[max(SIZES)] / t4[max(SIZES)])
