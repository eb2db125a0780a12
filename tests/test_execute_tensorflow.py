"""Every workload measured for real with TensorFlow on the CPU, at tiny sizes."""

import pytest

from dlenv.data import results
from dlenv.measure import backends, execute, programs
from dlenv.measure.devices import DeviceInfo
from dlenv.measure.timing import TimingSettings
from dlenv.measure.workloads import CNN, MLP, Elementwise, Matmul
from dlenv.vocab import TIMINGS

QUICK = TimingSettings(budget_s=0.2, min_sample_s=0.002)


def cpu(backend, index=0):
    return next(d for d in backend.devices() if d.id == f"cpu:{index}")


def valid(records):
    """Records pass the result-file validation unchanged."""
    return results.validate_document(results.make_document(records, {"machine": "test"}))["results"]


def test_tensorflow_sees_two_logical_cpus(tf_backend):
    ids = [d.id for d in tf_backend.devices()]
    assert ids[:2] == ["cpu:0", "cpu:1"]
    assert tf_backend.versions()["keras"].startswith("3.")


@pytest.mark.parametrize("spec", [
    Matmul.square(64), Matmul(32, 48, 16), Matmul.square(64, "float16"), Matmul.square(64, "bfloat16"),
    Elementwise(64, "add"), Elementwise(64, "multiply"),
    MLP(depth=2, width=16, batch=4, input_dim=8), MLP(depth=2, width=16, batch=4, input_dim=8, mode="train"),
    CNN(depth=1, filters=4, batch=2, image=8), CNN(depth=2, filters=4, batch=2, image=8, mode="train"),
], ids=lambda s: s.label())
def test_every_workload_runs_and_gives_a_valid_record(tf_backend, spec):
    [record] = valid(execute.run_task(execute.Task(spec, cpu(tf_backend)), tf_backend, QUICK))
    assert record["workload"] == spec.name and record["dtype"] == spec.dtype
    assert record["device"] == "cpu:0" and record["backend"] == "tensorflow"
    assert record["flops"] == spec.flops()
    assert record["gflops"] == pytest.approx(spec.flops() / record["median_s"] / 1e9)
    assert record["n_samples"] == len(record["samples_s"]) >= QUICK.hard_min_samples
    assert record["first_call_s"] > 0
    assert record["peak_source"] == "estimate" and record["pct_of_peak"] is not None
    if spec.batch_size:
        assert record["samples_per_s"] == pytest.approx(spec.batch / record["median_s"])


def test_model_summary_matches_the_spec_parameter_count(tf_backend):
    for spec in (MLP(depth=3, width=32, input_dim=20, classes=5), CNN(depth=2, filters=8, image=16)):
        assert programs.build_model(spec).count_params() == spec.parameter_count()


def test_synced_and_naive_timings_are_both_recorded(tf_backend):
    task = execute.Task(Matmul.square(128), cpu(tf_backend), TIMINGS)
    synced, naive = execute.run_task(task, tf_backend, QUICK)
    assert (synced["timing"], naive["timing"]) == ("synced", "naive")
    assert "naive timing" in naive["note"]


def test_the_same_workload_compared_across_two_devices(tf_backend):
    import keras

    spec = Matmul.square(96)
    records = []
    for device in (cpu(tf_backend, 0), cpu(tf_backend, 1)):
        with keras.device(tf_backend.keras_device(device.id)):  # the tensors really live there
            step = programs.build(spec, tf_backend)
            assert step().device.endswith(f"CPU:{device.id[-1]}")
        records += execute.run_task(execute.Task(spec, device), tf_backend, QUICK)
    assert [r["device"] for r in valid(records)] == ["cpu:0", "cpu:1"]


def test_a_matmul_too_large_for_memory_is_refused_with_the_size_that_fits(tf_backend):
    problem = execute.check(Matmul.square(65536), cpu(tf_backend), tf_backend)
    fits = int(problem.rsplit(" ", 1)[1])
    assert "needs about 64.0 GiB" in problem and "the largest size that fits is" in problem
    assert execute.check(Matmul.square(fits), cpu(tf_backend), tf_backend) is None


def test_a_dtype_the_device_lacks_is_refused():
    t4 = DeviceInfo(id="gpu:0", kind="gpu", name="Tesla T4", compute_capability="7.5")
    tpu = DeviceInfo(id="tpu:0", kind="tpu", name="TPU v5 lite")
    assert "no bfloat16 units" in backends.dtype_problem(t4, "bfloat16")
    assert backends.dtype_problem(t4, "float16") is None
    assert "use bfloat16 on a TPU" in backends.dtype_problem(tpu, "float16")


def test_a_missing_device_fails_instead_of_quietly_running_on_the_cpu(tf_backend):
    ghost = DeviceInfo(id="gpu:7", kind="gpu", name="no such GPU")
    with pytest.raises(execute.MeasurementFailed) as failed:
        execute.run_task(execute.Task(Matmul.square(64), ghost), tf_backend, QUICK)
    assert "there is no device gpu:7" in str(failed.value)
    assert "cpu:0, cpu:1" in failed.value.hint


def test_measured_ceiling_is_a_real_large_matmul_rate(tf_backend):
    ceiling = execute.measure_ceiling(cpu(tf_backend), "float32", tf_backend, QUICK)
    assert 1 < ceiling < 1e5  # GFLOP/s: anything a CPU can do
    spec = Matmul.square(64)
    [record] = execute.run_task(execute.Task(spec, cpu(tf_backend)), tf_backend, QUICK, measured_peak=ceiling)
    assert record["pct_of_peak"] == pytest.approx(100 * record["gflops"] / record["peak_gflops"])
