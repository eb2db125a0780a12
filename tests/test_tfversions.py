"""The Learn page's TensorFlow 1.x vs 2.x example with the real TensorFlow, and the version and
backend facts read from package metadata."""

import importlib.metadata
import importlib.util

import numpy as np
import pytest

from dlenv.measure import tfversions
from dlenv.measure.timing import TimingSettings
from dlenv.measure.workloads import WorkloadError
from dlenv.serve.plan import LearnExample, WorkerCall

QUICK = TimingSettings(budget_s=0.1, min_sample_s=0.002)


@pytest.fixture(scope="module")
def demo(tf_backend):
    return tfversions.run(tf_backend, QUICK)


def numpy_layer(x, w, b):
    z = x @ w + b
    e = np.exp(z - z.max(axis=1, keepdims=True))
    return e / e.sum(axis=1, keepdims=True)


def test_the_three_ways_are_timed_with_the_first_call_apart(demo):
    assert [row["mode"] for row in demo["timings"]] == ["session", "eager", "function"]
    for row in demo["timings"]:
        assert "error" not in row, row
        assert row["q1_s"] <= row["median_s"] <= row["q3_s"] and row["n_samples"] >= 3, row
        assert row["first_call_s"] > 0
    function = demo["timings"][2]
    assert function["first_call_s"] > function["median_s"]  # the first call traces the function


def test_the_three_ways_compute_the_dense_layer_numpy_computes(demo):
    expected = numpy_layer(*tfversions.inputs())[tfversions.SHOWN_SAMPLE]
    assert set(demo["outputs"]) == set(tfversions.WAYS)
    for way, row in demo["outputs"].items():
        assert np.allclose(row, expected, atol=1e-5), way
        assert sum(row) == pytest.approx(1, abs=1e-5)
    assert demo["agree"] and 0 <= demo["max_difference"] <= tfversions.TOLERANCE


def test_graph_mode_does_not_leak_into_the_process(demo):
    import tensorflow as tf

    assert demo["eager_after"] and tf.executing_eagerly()
    with pytest.raises(RuntimeError):  # placeholders only exist inside a graph
        tf.compat.v1.placeholder(tf.float32, shape=(1,))
    assert float(tf.reduce_sum(tf.ones(3))) == 3.0  # eager still computes at once


def test_the_code_shown_is_the_code_that_ran(demo):
    tf1, tf2 = demo["code"]["tf1"], demo["code"]["tf2"]
    assert tf1.startswith("import tensorflow as tf\nv1 = tf.compat.v1") and tf2.startswith("import tensorflow as tf")
    assert "v1.placeholder(" in tf1 and "v1.Session(graph=g)" in tf1 and "session.run(y, feed_dict=feed)" in tf1
    assert "graph_layer = tf.function(layer)" in tf2 and "Session" not in tf2
    assert "tf.nn.softmax(x @ w + b)" in tf1 and "tf.nn.softmax(x @ w + b)" in tf2  # the same computation
    assert '"""' not in tf1 + tf2 and "return run, session" not in tf1  # the body only, not the plumbing
    assert max(len(line) for line in (tf1 + tf2).splitlines()) <= 44  # fits half the page at 1280 pixels


def test_tf_keras_is_keras_3_in_the_worker(demo):
    found = demo["keras"]
    assert found["keras"] == importlib.metadata.version("keras")
    assert found["tf.keras"] == found["keras"] and found["same_dense"]


def test_keras_packages_come_from_metadata():
    packages = tfversions.keras_packages()
    assert packages["keras"] == importlib.metadata.version("keras")
    assert packages["tensorflow"] == importlib.metadata.version("tensorflow")


@pytest.mark.parametrize(("packages", "environ", "meaning"), [
    ({"tensorflow": "2.21.0", "keras": "3.15.1", "tf-keras": None}, {}, "keras3"),
    ({"tensorflow": "2.16.1", "keras": "3.0.5", "tf-keras": "2.16.0"}, {}, "keras3"),
    ({"tensorflow": "2.16.1", "keras": "3.0.5", "tf-keras": "2.16.0"}, {"TF_USE_LEGACY_KERAS": "1"}, "tf_keras"),
    ({"tensorflow": "2.17.0", "keras": "3.4.0", "tf-keras": None}, {"TF_USE_LEGACY_KERAS": "1"}, "keras3"),
    ({"tensorflow": "2.15.0", "keras": "2.15.0", "tf-keras": None}, {}, "bundled2"),
    ({"tensorflow": None, "keras": "3.15.1", "tf-keras": None}, {}, None),
])
def test_what_tf_keras_means(packages, environ, meaning):
    assert tfversions.tf_keras_meaning(packages, environ) == meaning


def test_installed_engines_are_the_importable_ones():
    here = tfversions.installed_engines()
    assert {"tensorflow", "jax", "torch"} <= here
    for engine in tfversions.ENGINES:
        assert (engine.key in here) == (importlib.util.find_spec(engine.package) is not None), engine.key
    assert [e.key for e in tfversions.ENGINES if e.status == "retired"] == ["theano", "cntk"]


def test_a_learn_call_carries_its_example_and_refuses_an_unknown_one():
    [call] = LearnExample("tf_versions").calls()
    assert WorkerCall.from_message(call.to_message()).example == "tf_versions"
    assert WorkerCall.from_message({"backend": "tensorflow", "op": "learn"}).example == "graph"
    with pytest.raises(WorkloadError):
        LearnExample("tf3")
    with pytest.raises(WorkloadError):
        WorkerCall.from_message({"backend": "tensorflow", "op": "learn", "example": "tf3"})
