"""The Learn page's live example: one small function traced as a graph and timed three ways.

A TensorFlow worker runs it (``{"op": "learn"}``, see ``dlenv.serve.worker``). The function is a
two-layer network on a small batch with the GELU activation written out (its tanh form, as
in transformers): a dozen operations that each do only microseconds of arithmetic, so what
a mode adds per operation shows in the times, and a chain of element-wise steps that XLA
can fuse. The same function is timed eagerly (Python dispatches every operation), as a
``tf.function`` graph (one call runs the recorded graph) and compiled by XLA
(``jit_compile=True``), each with ``dlenv.measure.timing.measure``: first call apart, synced,
median and IQR.

Importing this module is cheap: TensorFlow is imported inside ``run`` only.
"""

from __future__ import annotations

import inspect
import textwrap
from collections.abc import Callable
from types import ModuleType
from typing import Any

from dlenv.measure.timing import TimingSettings, measure

MODES = ("eager", "graph", "xla")
SHAPES = {"x": (32, 64), "w1": (64, 64), "b1": (64,), "w2": (64, 10), "b2": (10,)}
SETTINGS = TimingSettings(budget_s=0.5)
_NOT_COMPUTE = ("Placeholder", "Const", "Identity")  # inputs, constants, the returned value: no arithmetic


def _example(tf: Any) -> Callable[..., Any]:
    def dense_gelu_dense(x, w1, b1, w2, b2):
        h = tf.matmul(x, w1) + b1
        h = 0.5 * h * (1.0 + tf.tanh(0.7978846 * (h + 0.044715 * h * h * h)))  # GELU
        return tf.matmul(h, w2) + b2

    return dense_gelu_dense


def run(backend: ModuleType, settings: TimingSettings = SETTINGS) -> dict[str, Any]:
    """The example's source, its graph's operations and its eager, graph and XLA timings (on the CPU).

    A mode that fails (XLA missing from this TensorFlow build, say) has ``error`` instead
    of timings, so the other modes are still shown.
    """
    import tensorflow as tf

    fn = _example(tf)
    with tf.device("/CPU:0"):
        args = [tf.random.stateless_normal(shape, seed=(i, 0)) for i, shape in enumerate(SHAPES.values())]
        graph = tf.function(fn)
        variants = {"eager": fn, "graph": graph, "xla": tf.function(fn, jit_compile=True)}
        # Timed before the operations are listed, so the graph's first call includes its tracing.
        timings = [time_mode(mode, variants[mode], args, backend.sync, settings) for mode in MODES]
        operations = [_operation(tf, op) for op in graph.get_concrete_function(*args).graph.get_operations()]
    return {
        "source": textwrap.dedent(inspect.getsource(fn)),
        "operations": operations,
        "timings": timings,
    }


def time_mode(
    mode: str, fn: Callable[..., Any], args: list[Any], sync: Callable[[Any], None], settings: TimingSettings
) -> dict[str, Any]:
    """``fn(*args)`` timed by ``dlenv.measure.timing.measure``: ``{"mode": mode, **timing fields}``
    (seconds per call), or ``{"mode": mode, "error": first line of the exception}`` if it raised."""
    try:
        measurement = measure(lambda: fn(*args), sync, settings)
    except Exception as exc:  # noqa: BLE001  (a mode that cannot run is reported, not raised)
        return {"mode": mode, "error": (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]}
    return {"mode": mode, **measurement.to_dict()}


def _operation(tf: Any, op: Any) -> dict[str, Any]:
    """One graph operation: its name, type, the operations it reads from, its output's shape
    and, for a numeric scalar constant, its value."""
    shape = op.outputs[0].shape if op.outputs else None
    found = {
        "name": op.name,
        "type": op.type,
        "inputs": [tensor.op.name for tensor in op.inputs],
        "shape": shape.as_list() if shape is not None and shape.rank is not None else None,
    }
    dtype = op.outputs[0].dtype if op.outputs else None
    if op.type == "Const" and found["shape"] == [] and (dtype.is_floating or dtype.is_integer):
        found["value"] = tf.make_ndarray(op.get_attr("value")).item()
    return found


def compute_operations(demo: dict[str, Any]) -> int:
    """How many operations of the graph do arithmetic (inputs and the returned copy left out)."""
    return sum(1 for op in demo["operations"] if op["type"] not in _NOT_COMPUTE)


def eager_cost_per_operation(demo: dict[str, Any]) -> float | None:
    """Seconds eager mode spends per arithmetic operation beyond the graph's time, or None.

    None when either mode failed or the graph was not faster (then there is nothing to explain).
    """
    medians = {t["mode"]: t["median_s"] for t in demo["timings"] if "median_s" in t}
    count = compute_operations(demo)
    if "eager" not in medians or "graph" not in medians or medians["eager"] <= medians["graph"] or not count:
        return None
    return (medians["eager"] - medians["graph"]) / count
