"""Charts drawn from real result tables (measured here with TensorFlow on two logical CPUs)."""

import inspect
import os

import pandas as pd
import plotly.graph_objects as go
import pytest

from dlenv import charts, compare, takeaways
from dlenv.data import results
from dlenv.i18n import t
from dlenv.measure import backends, execute, graphdemo
from dlenv.measure.timing import TimingSettings
from dlenv.measure.workloads import MLP, Elementwise, Matmul
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
    markers = [t for t in fig.data if t.name.startswith("wins from here")]
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
    elementwise, matmul = by_name["cpu:0 · element-wise"], by_name["cpu:0 · matmul"]
    assert max(elementwise.x) < min(matmul.x)  # element-wise: under 1 FLOP per byte
    assert "FLOP/byte" in fig.layout.xaxis.title.text


@pytest.fixture(scope="module")
def demo(tf_backend):
    return graphdemo.run(tf_backend, QUICK)


@pytest.fixture(scope="module")
def runner():
    shared = Runner(Limits(max_matmul=4096, max_model_bytes=2**30))
    yield shared
    shared.shutdown()


@pytest.fixture(scope="module")
def sweep(runner):
    """Real rows of a thread sweep: matmul 128 by a worker pinned to 1 CPU, then one with all of them."""
    job = runner.submit(Plan((Matmul.square(128),), devices=("cpu:0",), threads=(1, None), budget_s=0.1))
    assert job.wait(180) and job.state == DONE, job.errors
    return results.to_dataframe(job.result)


MODEL = MLP(depth=1, width=32, batch=8)


@pytest.fixture(scope="module")
def backend_rows(runner):
    """The Backends page's comparison: one small MLP on every installed backend, each in its worker."""
    job = runner.submit(Plan((MODEL,), backends=tuple(backends.installed()), budget_s=0.1))
    assert job.wait(300) and job.state == DONE, job.errors
    return results.to_dataframe(job.result)


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
    measured, published = traces["cpu:0 · tensorflow"], traces["H100 SXM · TF32 (published)"]
    predicted = traces["T4 (predicted from the datasheet)"]
    assert measured.mode == "lines+markers" and measured.error_y.array is not None
    assert published.mode == "markers" and published.marker.symbol == "diamond" and published.error_y.array is None
    assert predicted.mode == "lines" and predicted.line.dash == "dot"
    assert list(published.x) == [256, 512]  # the published sizes within the sweep, no more
    assert "github.com/openxla/xla" in published.customdata[0][2]  # the hover names the source


def test_a_card_has_one_peak_line_in_units_that_keep_it_short(compared):
    fig = charts.throughput_vs_size(compared)
    peaks = sorted(trace.name for trace in fig.data if trace.meta and trace.meta.get("roof") == "compute")
    # The H100's published and predicted series share one datasheet peak (TF32: 494.7 TFLOP/s).
    assert [name for name in peaks if name.startswith("H100")] == ["H100 SXM · TF32 peak 495 TFLOP/s (spec)"]
    assert "T4 peak 8.1 TFLOP/s (spec)" in peaks
    assert any(name.startswith("cpu:0 peak ") and name.endswith("GFLOP/s (estimate)") for name in peaks), peaks


def test_speedup_over_the_measured_cpu_uses_only_sizes_both_have(compared):
    fig = charts.speedup_vs_size(compared, baseline="cpu:0 · tensorflow")
    names = [trace.name for trace in fig.data]
    assert "T4 (predicted)" in names  # the baseline is said once, in the legend's title
    assert fig.layout.legend.title.text == "how many times as fast as cpu:0 · tensorflow"
    assert "H100 SXM · TF32 (published)" not in names  # no size in common with the CPU
    summary = charts.speedup_summary(compared, "T4 (predicted)", "cpu:0 · tensorflow")
    assert summary["at"] == max(SIZES) and summary["fast_provenance"] == "predicted"
    assert summary["slow_provenance"] == "measured"
    t4 = compared[compared["device_name"] == "T4"].set_index("param_m")["median_s"]
    cpu = compared[compared["device"] == "cpu:0"].set_index("param_m")["median_s"]
    assert summary["speedup"] == pytest.approx(cpu[max(SIZES)] / t4[max(SIZES)])


# ---------------------------------------------------------------- charts a class can read (issue 15)

DECADES = {charts.decade_label(k): 10.0**k for k in range(-12, 13)}


def log_axes(fig: go.Figure) -> list:
    return [axis for axis in (fig.layout.xaxis, fig.layout.yaxis) if axis.type == "log"]


def assert_decades_or_sizes(fig: go.Figure, sizes=()) -> None:
    """Every tick label of a log axis is a power of ten at its own value, or a measured size."""
    sizes = {float(size) for size in sizes}
    axes = log_axes(fig)
    assert axes, "a log axis was expected"
    for axis in axes:
        assert axis.ticktext and len(axis.ticktext) == len(axis.tickvals) >= 2, axis
        for text, value in zip(axis.ticktext, axis.tickvals, strict=True):
            if text in DECADES:
                assert value == pytest.approx(DECADES[text]), (text, value)
            else:
                assert float(text) == value and value in sizes, (text, value, sizes)
        assert axis.tickfont.size >= 14 and axis.title.font.size >= 16
    assert fig.layout.title.font.size >= 16


@pytest.fixture(scope="module")
def both_timings(tf_backend):
    """Matmuls on cpu:0 timed synced and naive."""
    tasks = execute.plan([Matmul.square(n) for n in SIZES], ["cpu:0"], tf_backend, timings=("synced", "naive"))
    return results.to_dataframe(execute.run_plan(tasks, tf_backend, QUICK))


def model_rows(backend_rows):
    """The Models page's bars: the step measured here beside the step predicted on two cards."""
    predicted = results.to_dataframe(compare.model_comparison(MODEL, ["H100 SXM", "T4"]).document)
    measured = backend_rows[backend_rows["backend"] == "tensorflow"]
    return charts.with_series(pd.concat([measured, predicted], ignore_index=True))


def test_log_axes_label_decades_and_the_measured_sizes_only(table, compared, both_timings, backend_rows, sweep):
    matmul = table[table["workload"] == "matmul"]
    for fig in (charts.time_vs_size(matmul), charts.throughput_vs_size(matmul), charts.time_vs_size(both_timings),
                charts.time_vs_size(compared), charts.throughput_vs_size(compared),
                charts.speedup_vs_size(compared, "cpu:0 · tensorflow")):
        assert_decades_or_sizes(fig, sizes=set(compared["param_m"]))
        assert list(fig.layout.xaxis.ticktext) == [f"{n:g}" for n in sorted(set(fig.layout.xaxis.tickvals))]
        assert fig.layout.showlegend  # a single line keeps its legend: the Quick demo had none
    assert list(charts.time_vs_size(matmul).layout.xaxis.ticktext) == [str(n) for n in SIZES]
    for fig in (charts.roofline(table), charts.backend_times(backend_rows),
                charts.step_bars(model_rows(backend_rows), "Step", "ms", ["predicted"])):
        assert_decades_or_sizes(fig)
    assert charts.thread_scaling(sweep).layout.xaxis.tickfont.size >= 14


def test_a_narrow_range_still_shows_two_decades_and_close_sizes_share_a_tick():
    axis = charts.decade_axis([30.0, 83.0])  # GFLOP/s of a thread sweep: no power of ten inside
    assert axis["ticktext"] == ["10", "100"]
    sizes = charts.size_axis([64, 128, 1000, 1024, 2048])
    assert sizes["ticktext"] == ["64", "128", "1000", "2048"]
    assert [charts.decade_label(k) for k in (-3, 0, 3, 4, 6)] == ["0.001", "1", "1000", "10k", "1M"]


def test_naive_and_synced_timings_differ_in_dash_and_shade_and_say_which(both_timings):
    traces = {trace.name: trace for trace in charts.time_vs_size(both_timings).data}
    synced, naive = traces["cpu:0 · tensorflow · synced"], traces["cpu:0 · tensorflow · naive"]
    assert synced.line.dash != naive.line.dash and synced.line.color != naive.line.color
    assert naive.line.color == charts.paler(synced.line.color) and naive.marker.symbol.endswith("-open")
    korean = charts.time_vs_size(both_timings, names={"naive": "동기화 없음", "synced": "동기화"})
    assert {trace.name for trace in korean.data} == {"cpu:0 · tensorflow · 동기화", "cpu:0 · tensorflow · 동기화 없음"}


def test_roofline_has_a_compute_roof_a_memory_roof_and_points_labelled_by_size(table):
    fig = charts.roofline(table)
    roofs = {trace.meta["roof"]: trace for trace in fig.data if trace.meta and trace.name.startswith("cpu:0 ")}
    cpu = table[table["device"] == "cpu:0"]
    compute, memory = roofs["compute"], roofs["memory"]
    assert list(compute.y) == pytest.approx([cpu["peak_gflops"].max()] * 2) and "estimate" in compute.name
    best = cpu[cpu["workload"] == "elementwise"]["gbps"].max()  # a CPU has no datasheet bandwidth: measured
    assert memory.y[0] / memory.x[0] == pytest.approx(best) and "best measured" in memory.name
    assert memory.x[-1] == pytest.approx(compute.x[0])  # the two roofs meet at the ridge
    matmul = next(trace for trace in fig.data if trace.name == "cpu:0 · matmul")
    assert list(matmul.text) == [str(n) for n in SIZES]
    assert fig.layout.legend.title.text == "device · workload"


def test_an_accelerator_roof_uses_its_datasheet_bandwidth(compared):
    h100 = compared[compared["device_name"] == "NVIDIA H100 80GB HBM3"]
    assert charts.memory_bandwidth(h100) == (3350.0, "spec")


def test_a_series_measured_again_at_a_size_is_one_point_the_latest(table):
    matmul = table[(table["workload"] == "matmul") & (table["device"] == "cpu:0")]
    later = matmul.assign(median_s=matmul["median_s"] * 2,
                          started_at=pd.to_datetime(matmul["started_at"]) + pd.Timedelta(hours=1))
    [line] = charts.time_vs_size(pd.concat([later, matmul], ignore_index=True)).data
    assert list(line.x) == list(SIZES)  # no zig-zag back to the first size
    assert list(line.y) == pytest.approx(list(later.sort_values("param_m")["median_s"] * 1e3))
    assert "latest of 2 runs" in line.customdata[0][2]


def test_backends_chart_shows_every_step_with_its_spread_beside_the_first_calls(backend_rows):
    fig = charts.backend_times(backend_rows)
    step, first = fig.data
    assert step.meta["bar"] == "step" and first.meta["bar"] == "first_call"
    assert set(step.x) == set(backends.installed()) and fig.layout.yaxis.type == "log"
    rows = backend_rows.sort_values("backend")
    assert list(step.y) == pytest.approx(list(rows["median_s"] * 1e3))
    assert list(step.error_y.array) == pytest.approx(list((rows["q3_s"] - rows["median_s"]) * 1e3))
    assert list(first.y) == pytest.approx(list(rows["first_call_s"] * 1e3))
    low = fig.layout.yaxis.range[0]
    assert all(value > 10**low for value in step.y)  # every bar rises above the axis' bottom


# ---------------------------------------------------------------- takeaways


def figure_functions() -> set[str]:
    """The charts: public functions that draw a Figure from data (not those that restyle one)."""
    def draws(fn) -> bool:
        signature = inspect.signature(fn)
        first = next(iter(signature.parameters.values()), None)
        return signature.return_annotation in ("go.Figure", go.Figure) and \
            (first is None or first.annotation not in ("go.Figure", go.Figure))

    return {name for name, fn in inspect.getmembers(charts, inspect.isfunction)
            if fn.__module__ == charts.__name__ and not name.startswith("_") and draws(fn)}


def test_every_chart_has_a_takeaway_that_reads_in_both_languages(table, compared, sweep, backend_rows, demo):
    assert figure_functions() == set(takeaways.FOR_CHART)
    matmul = table[table["workload"] == "matmul"]
    found = {
        "time_vs_size": takeaways.time_vs_size(matmul), "throughput_vs_size": takeaways.throughput(matmul),
        "speedup_vs_size": takeaways.speedup(compared, "T4 (predicted)", "cpu:0 · tensorflow"),
        "roofline": takeaways.roofline(table), "thread_scaling": takeaways.thread_scaling(sweep),
        "backend_times": takeaways.backend_times(backend_rows), "step_bars": takeaways.step_bars(model_rows(backend_rows)),
        "mode_times": takeaways.mode_times(demo["timings"]),
    }
    assert set(found) == set(takeaways.FOR_CHART)
    for name, takeaway in found.items():
        for lang in ("en", "ko"):
            text = takeaway.text(lang)
            assert text.strip() and "{" not in text, (name, lang, text)
            if lang == "ko":
                assert any("가" <= ch <= "힣" for ch in text), (name, text)
    # The numbers are the data's: the largest matmul's GFLOP/s, the sweep's ratio.
    best = matmul[matmul["device"] == "cpu:0"]["gflops"].max()
    assert takeaways.number(best) in found["throughput_vs_size"].text("en")
    ordered = sweep.sort_values("threads")
    ratio = ordered["gflops"].iloc[-1] / ordered["gflops"].iloc[0]
    # On a busy machine 2 threads can be slower than 1: then the sentence gives both GFLOP/s instead.
    shown = (f"{takeaways.number(ordered['gflops'].iloc[0])} → {takeaways.number(ordered['gflops'].iloc[-1])}"
             if ratio < 1 else takeaways.number(ratio) + "×")
    assert shown in found["thread_scaling"].text("en")


def test_a_busy_machine_is_said_first(table, sweep, backend_rows):
    def busy(frame):
        return frame.assign(busy=True, other_cpu_share=0.6, steal_share=0.0)

    matmul = table[table["workload"] == "matmul"]
    first = t("tk_busy", "en", share=60)
    for takeaway in (takeaways.time_vs_size(busy(matmul)), takeaways.throughput(busy(matmul)),
                     takeaways.roofline(busy(table)), takeaways.thread_scaling(busy(sweep)),
                     takeaways.backend_times(busy(backend_rows)), takeaways.quick_demo(busy(table))):
        assert takeaway.text("en").startswith(first)
        assert takeaway.text("ko").startswith(t("tk_busy", "ko", share=60))
    assert not takeaways.time_vs_size(matmul.assign(busy=False)).text("en").startswith(first)


def test_two_threads_slower_than_one_says_why(sweep):
    ordered = sweep.sort_values("threads")
    one = ordered.iloc[0]
    slower = ordered.assign(gflops=[one["gflops"], one["gflops"] * 0.4][:len(ordered)])  # as the review measured
    takeaway = takeaways.thread_scaling(slower)
    assert takeaway.key == "tk_threads_slower"
    text = takeaway.text("en")
    assert "slower than 1" in text and "no free core" in text
    assert takeaways.thread_scaling(ordered.assign(gflops=[one["gflops"], one["gflops"] * 1.9])).key == "tk_threads"


def test_learn_takeaway_explains_xla_slower_than_graph(demo):
    timings = {row["mode"]: dict(row) for row in demo["timings"]}
    graph = timings["graph"]["median_s"]
    timings["xla"].update(median_s=graph * 1.5)  # as in the review's runs: XLA never faster than graph
    timings["eager"].update(median_s=graph * 2)
    takeaway = takeaways.mode_times(list(timings.values()))
    assert "XLA was slower than graph here" in takeaway.text("en") and "does not pay off" in takeaway.text("en")
    timings["xla"].update(median_s=graph * 3)
    assert "slowest" in takeaways.mode_times(list(timings.values())).text("en")


def test_backends_far_apart_are_explained_not_just_stated(backend_rows):
    if backend_rows["backend"].nunique() < 2:
        pytest.fail("the comparison needs two installed backends")
    last = max(backend_rows["backend"])  # as PyTorch was on the review's busy machine: 40x the others
    rows = backend_rows.assign(median_s=backend_rows["median_s"].where(backend_rows["backend"] != last,
                                                                       backend_rows["median_s"].max() * 40))
    assert takeaways.backend_times(rows).key == "tk_backends_far"
    assert "first call" in takeaways.backend_times(backend_rows).text("en").lower()


def test_naive_agreeing_with_synced_on_a_cpu_says_there_is_nothing_to_wait_for(both_timings):
    takeaway = takeaways.time_vs_size(both_timings)
    assert takeaway.key in ("tk_naive_same", "tk_naive_slower", "tk_naive_fast")
    synced = both_timings[(both_timings["timing"] == "synced") & (both_timings["param_m"] == max(SIZES))]
    naive = both_timings[(both_timings["timing"] == "naive") & (both_timings["param_m"] == max(SIZES))]
    ratio = synced["median_s"].iloc[0] / naive["median_s"].iloc[0]
    expected = "tk_naive_same" if 1 / 1.25 < ratio < 1.25 else "tk_naive_fast" if ratio >= 1.25 else "tk_naive_slower"
    assert takeaway.key == expected
