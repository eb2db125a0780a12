"""The Learn page's TensorFlow 1.x vs 2.x example, what ``tf.keras`` means here, and Keras's backends.

``run`` (in the TensorFlow worker, ``{"op": "learn", "example": "tf_versions"}``, see
``dlenv.serve.worker``) runs one small computation, a dense layer's forward pass
``softmax(x @ w + b)`` on a batch of 32, written three ways:

* ``session``: TensorFlow 1.x style, through ``tf.compat.v1``: build a graph of placeholders and
  operations first, then run it in a ``Session``, feeding NumPy arrays and fetching the output;
* ``eager``: TensorFlow 2.x's default, each operation runs as Python reaches it;
* ``function``: TensorFlow 2.x with ``tf.function``, traced into a graph on the first call.

Each is timed with ``dlenv.measure.timing.measure`` (first call apart, synced, median and IQR),
and the three outputs are compared. The 1.x graph lives in a ``tf.Graph()`` of its own and its
session is closed afterwards: graph mode never leaks into the warm worker's other work (no
``disable_eager_execution``, which would switch the whole process).

The rest is safe to call from a page (standard library only, no framework import):
``example_code`` is the code ``run`` reports, ``shown_code`` a display copy of it with its comments
in the page's language (the code itself unchanged),
``keras_packages`` and ``tf_keras_meaning`` read installed versions from package metadata,
``engines`` lists Keras's backend engines then and now with the installed ones marked.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import inspect
import io
import os
import re
import textwrap
import tokenize
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from dlenv.measure.graphdemo import time_mode
from dlenv.measure.timing import TimingSettings
from dlenv.vocab import BACKENDS

WAYS = ("session", "eager", "function")
SHAPES = {"x": (32, 64), "w": (64, 10), "b": (10,)}
SETTINGS = TimingSettings(budget_s=0.4)
# float32 softmax outputs lie in [0, 1]; kernels that sum in another order differ by a few ulps (~1e-7).
TOLERANCE = 1e-5
SHOWN_SAMPLE = 0  # the batch row whose output the page shows


def build_tf1() -> tuple[Callable[..., Any], Any]:
    """TensorFlow 1.x style: build a graph, then run it in a session.

    Returns ``run(x, w, b) -> NumPy array (32, 10)`` and the session (close it when done), on
    the CPU as the 2.x ways in ``run``. The graph is a ``tf.Graph()`` of its own: the process stays in eager mode. The page shows
    the body (``_source``) in half its width: lines of at most 44 characters.
    """
    import tensorflow as tf
    v1 = tf.compat.v1  # the TensorFlow 1.x API

    # 1. Build the graph: nothing runs yet.
    g = tf.Graph()
    with g.as_default(), tf.device("/CPU:0"):
        x = v1.placeholder(tf.float32, (32, 64))
        w = v1.placeholder(tf.float32, (64, 10))
        b = v1.placeholder(tf.float32, (10,))
        y = tf.nn.softmax(x @ w + b)
    session = v1.Session(graph=g)

    # 2. Run it: feed the inputs, fetch y.
    def run(x_in, w_in, b_in):
        feed = {x: x_in, w: w_in, b: b_in}
        return session.run(y, feed_dict=feed)

    return run, session


def build_tf2() -> tuple[Callable[..., Any], Callable[..., Any]]:
    """TensorFlow 2.x style: a plain function runs at once (eager); ``tf.function`` makes it a graph.

    Returns the eager function and its ``tf.function``, both ``(x, w, b) -> tensor (32, 10)``.
    """
    import tensorflow as tf

    # Eager: each operation runs as soon as
    # Python reaches it.
    def layer(x, w, b):
        return tf.nn.softmax(x @ w + b)

    # tf.function: traced into a graph on its
    # first call.
    graph_layer = tf.function(layer)
    return layer, graph_layer


def run(backend: ModuleType, settings: TimingSettings = SETTINGS) -> dict[str, Any]:
    """The example's code, timings and outputs, and what ``tf.keras`` is inside the worker.

    Returns ``{"code": {"tf1", "tf2"}, "timings": [one per way in WAYS, "mode" naming it],
    "outputs": {way: row SHOWN_SAMPLE of its (32, 10) output}, "max_difference": largest
    absolute difference between any way's whole output and the session's, "agree": whether
    that is within TOLERANCE, "keras": ``keras_in_worker``, "eager_after": whether the worker
    is still in eager mode afterwards}``. A way that fails has ``error`` instead of timings.
    """
    import numpy as np
    import tensorflow as tf

    values = inputs()
    session_run, session = build_tf1()
    try:
        with tf.device("/CPU:0"):
            tensors = [tf.constant(value) for value in values]
            eager, function = build_tf2()
            calls = {"session": lambda: session_run(*values), "eager": lambda: eager(*tensors),
                     "function": lambda: function(*tensors)}
            # Timed first, so the session's and the function's first calls include their setup.
            timings = [time_mode(way, calls[way], [], backend.sync, settings) for way in WAYS]
            outputs = {way: np.asarray(calls[way]()) for way in WAYS if "error" not in _row(timings, way)}
    finally:
        session.close()
    reference = outputs.get("session")
    differences = [float(np.max(np.abs(out - reference))) for out in outputs.values()] if reference is not None else []
    return {
        "code": example_code(),
        "timings": timings,
        "outputs": {way: [float(v) for v in out[SHOWN_SAMPLE]] for way, out in outputs.items()},
        "max_difference": max(differences) if len(differences) > 1 else None,
        "agree": len(differences) > 1 and max(differences) <= TOLERANCE,
        "keras": keras_in_worker(),
        "eager_after": bool(tf.executing_eagerly()),
    }


def inputs() -> list[Any]:
    """``x`` (32, 64), ``w`` (64, 10), ``b`` (10,): float32 NumPy arrays, normal with seed 0; ``w`` and
    ``b`` scaled by 0.1, as small as freshly initialised weights, so the probabilities are spread out."""
    import numpy as np

    rng = np.random.default_rng(0)
    scales = {"x": 1.0, "w": 0.1, "b": 0.1}
    return [(scales[name] * rng.standard_normal(shape)).astype(np.float32) for name, shape in SHAPES.items()]


def _row(timings: list[dict[str, Any]], way: str) -> dict[str, Any]:
    return next(row for row in timings if row["mode"] == way)


def _source(fn: Callable[..., Any]) -> str:
    """A builder's code as the page shows it: its body after the docstring, without the final
    ``return`` that hands the pieces to ``run`` (plumbing, not the lesson)."""
    body = textwrap.dedent(inspect.getsource(fn)).split('"""', 2)[2]
    lines = body.splitlines()[1:]  # the rest of the docstring's closing line
    if lines and lines[-1].strip().startswith("return "):
        lines = lines[:-1]
    return textwrap.dedent("\n".join(lines)).strip() + "\n"


def example_code() -> dict[str, str]:
    """``{"tf1", "tf2"}``: the code of ``build_tf1`` and ``build_tf2`` as the page shows it, read
    from the functions that run (``inspect``), so the code shown is the code that ran."""
    return {"tf1": _source(build_tf1), "tf2": _source(build_tf2)}


def shown_code(code: str, lang: str) -> str:
    """A display copy of ``example_code``'s ``code`` with its comments in ``lang``: each comment
    (a run of comment lines at one indentation read as one text) whose English is a ``tfv_cmt_*``
    entry of ``dlenv.i18n`` is replaced by that entry's ``lang`` text, a line per "\n" in it. The
    code itself is untouched (only COMMENT tokens change); a comment without an entry stays as
    it is. English gives back ``code`` unchanged."""
    from dlenv.i18n import TEXT  # plain Python, no Streamlit

    if lang == "en":
        return code
    comments = {entry["en"]: entry.get(lang, entry["en"]) for key, entry in TEXT.items() if key.startswith("tfv_cmt_")}
    lines = code.splitlines(keepends=True)
    blocks: list[dict[str, Any]] = []  # {"first", "last" (1-based rows), "col", "alone", "texts"}
    for token in tokenize.generate_tokens(io.StringIO(code).readline):
        if token.type != tokenize.COMMENT:
            continue
        (row, col), text = token.start, token.string[1:].strip()
        alone = not lines[row - 1][:col].strip()
        last = blocks[-1] if blocks else None
        if last and alone and last["alone"] and last["last"] == row - 1 and last["col"] == col:
            last["last"], last["texts"] = row, [*last["texts"], text]
        else:
            blocks.append({"first": row, "last": row, "col": col, "alone": alone, "texts": [text]})
    for block in reversed(blocks):  # from the end, so the rows of the blocks before stay put
        local = comments.get(" ".join(block["texts"]))
        if local is None:
            continue
        start, end = block["first"] - 1, block["last"]
        before = lines[start][:block["col"]]
        if block["alone"]:
            lines[start:end] = [f"{before}# {part}\n" for part in local.split("\n")]
        else:  # after code on its line: one line
            lines[start] = f"{before}# {' '.join(local.split())}" + ("\n" if lines[start].endswith("\n") else "")
    return "".join(lines)


def keras_in_worker() -> dict[str, Any]:
    """Inside a TensorFlow worker: the versions ``keras`` and ``tf.keras`` report, and whether
    ``tf.keras.layers.Dense`` is the very class ``keras.layers.Dense`` (one Keras, two names)."""
    import keras
    import tensorflow as tf

    try:
        tf_keras = tf.keras
        found = {"tf.keras": str(tf_keras.__version__), "same_dense": tf_keras.layers.Dense is keras.layers.Dense}
    except Exception as exc:  # noqa: BLE001  (a TensorFlow without tf.keras is reported, not raised)
        found = {"tf.keras": None, "same_dense": False, "error": str(exc)[:200]}
    return {"tensorflow": tf.__version__, "keras": keras.__version__, **found}


# --- read from package metadata: safe in the Streamlit process ----------------------------

KERAS_PACKAGES = ("tensorflow", "keras", "tf-keras")


def keras_packages() -> dict[str, str | None]:
    """Installed versions of ``tensorflow``, ``keras`` and ``tf-keras`` (Keras 2), None where missing.

    Read with ``importlib.metadata``: nothing is imported. A CPU-only or GPU wheel of
    TensorFlow (``tensorflow-cpu``) counts as ``tensorflow``.
    """
    found: dict[str, str | None] = {}
    for name in KERAS_PACKAGES:
        found[name] = _version(name)
    if found["tensorflow"] is None:
        found["tensorflow"] = _version("tensorflow-cpu")
    return found


def _version(distribution: str) -> str | None:
    try:
        return importlib.metadata.version(distribution)
    except importlib.metadata.PackageNotFoundError:
        return None


def _release(version: str) -> tuple[int, int]:
    numbers = [int(part) for part in re.findall(r"\d+", version)[:2]]
    return (numbers + [0, 0])[0], (numbers + [0, 0])[1]


def tf_keras_meaning(packages: Mapping[str, str | None], environ: Mapping[str, str] = os.environ) -> str | None:
    """What ``tf.keras`` resolves to with these packages: ``"keras3"``, ``"tf_keras"`` (Keras 2 as
    the ``tf-keras`` package), ``"bundled2"`` (the Keras 2 TensorFlow itself shipped) or None
    (no TensorFlow).

    Source: "What's new in TensorFlow 2.16" (https://blog.tensorflow.org/2024/03/whats-new-in-tensorflow-216.html,
    March 2024): from TF 2.16 ``tf.keras`` is Keras 3; Keras 2 ships as ``tf_keras``, and with it
    installed ``TF_USE_LEGACY_KERAS=1`` points ``tf.keras`` at it. Keras newsletter of
    2023-12-01 (https://discuss.ai.google.dev/t/keras-newsletter-december-1-2023/28008) says the same.
    """
    tensorflow = packages.get("tensorflow")
    if tensorflow is None:
        return None
    if _release(tensorflow) < (2, 16):
        return "bundled2"
    legacy = environ.get("TF_USE_LEGACY_KERAS", "").strip().lower() in ("1", "true", "yes")
    return "tf_keras" if legacy and packages.get("tf-keras") else "keras3"


@dataclass(frozen=True)
class Engine:
    """One backend engine Keras has run on. ``years``: when Keras could use it; ``status``:
    ``"retired"``, ``"current"`` or ``"inference"`` (current, inference only); ``package``: its
    import name, to tell whether it is installed here."""

    key: str
    name: str
    maker: str
    years: str
    status: str
    package: str


# Sources, per engine (facts only, the wording is ours):
# - Keras itself: released March 2015; TensorFlow a Keras backend since December 2015 ("Introducing
#   Keras 2", https://blog.keras.io/introducing-keras-2.html, March 2017).
# - Theano: development ends with Theano 1.0, announced by Y. Bengio / P. Lamblin on theano-users,
#   2017-09-28 (https://groups.google.com/g/theano-users/c/7Poq8BZutbY).
# - CNTK: the Keras backend arrived with CNTK 2.0 (MicrosoftDocs/cognitive-toolkit-docs,
#   articles/ReleaseNotes/CNTK_2_0_Release_Notes.md, 2017-06-01); 2.7 is the last main release
#   (articles/ReleaseNotes/CNTK_2_7_Release_Notes.md, 2019-04).
# - Multi-backend Keras: 2.3.0 is its last major release, bug fixes until April 2020
#   (https://github.com/keras-team/keras/releases/tag/2.3.0, 2019-09); 2.4.0 discontinues it and
#   is TensorFlow only (https://github.com/keras-team/keras/releases/tag/2.4.0, 2020-06).
# - JAX, PyTorch: backends of Keras 3.0 (https://github.com/keras-team/keras/releases/tag/v3.0.0, 2023-11-28).
# - OpenVINO: inference-only backend from Keras 3.8.0 (https://github.com/keras-team/keras/releases/tag/v3.8.0,
#   2025-01).
ENGINES = (
    Engine("theano", "Theano", "MILA, Université de Montréal", "2015–2020", "retired", "theano"),
    Engine("cntk", "CNTK", "Microsoft", "2017–2020", "retired", "cntk"),
    Engine("tensorflow", "TensorFlow", "Google", "2015–", "current", "tensorflow"),
    Engine("jax", "JAX", "Google", "2023–", "current", "jax"),
    Engine("torch", "PyTorch", "Meta, PyTorch Foundation", "2023–", "current", "torch"),
    Engine("openvino", "OpenVINO", "Intel", "2025–", "inference", "openvino"),
)


def installed_engines() -> set[str]:
    """The keys of ``ENGINES`` whose package can be imported here (found, not imported)."""
    from dlenv.measure import backends

    others = {e.key for e in ENGINES if e.key not in BACKENDS and importlib.util.find_spec(e.package) is not None}
    return set(backends.installed()) | others  # dlenv's own three by the test its other pages use
