"""Every name dlenv's parts must agree on, defined once.

The CLI's choices, the workload specs, the plan, the results schema, the store and the
pages all import these tuples; none of them spells a list of its own, so a name added
here is accepted everywhere at once (``tests/test_vocab.py`` checks each user).
"""

from __future__ import annotations

# What can be measured (``dlenv.measure.workloads`` has one spec class per name).
WORKLOADS = ("matmul", "elementwise", "mlp", "cnn", "train")
# Bytes per element: memory and bandwidth estimates use them.
DTYPE_BYTES = {"float32": 4, "float16": 2, "bfloat16": 2, "float64": 8}
DTYPES = tuple(DTYPE_BYTES)
# Keras backends dlenv knows (``dlenv.measure.backends`` has one module per name).
BACKENDS = ("tensorflow", "jax", "torch")
DEVICE_KINDS = ("cpu", "gpu", "tpu")
# synced: the clock stops after the device finished; naive: after the call returned.
TIMINGS = ("synced", "naive")
# What % of peak is taken against: the spec table / CPU estimate, or a measured ceiling.
PEAKS = ("table", "measured")
# Where a result's peak figure came from.
PEAK_SOURCES = ("spec", "estimate", "measured")
MODES = ("inference", "train")
# What a result is: measured here by this dlenv; imported from a file someone measured;
# reference (measured by this project on a named machine, bundled); published (a third
# party's figure, with its source); predicted (a model's figure, with its inputs).
PROVENANCES = ("measured", "imported", "reference", "published", "predicted")
# Those that are timings dlenv took itself: only they carry samples and enter statistics.
TIMED_PROVENANCES = ("measured", "imported", "reference")
# The effective precision of a matmul's multiplies (float32 may run as TF32 or bfloat16 passes).
MATMUL_PRECISIONS = ("float64", "float32", "tf32", "bfloat16_3x", "bfloat16", "float16")
MODEL_BOUNDS = ("compute", "memory", "overhead")
ELEMENTWISE_OPS = ("add", "multiply")
# The training workload (``dlenv.measure.workloads.Train``): a Keras model trained with model.fit.
TRAIN_MODELS = ("mlp", "cnn")
# digits: scikit-learn's bundled 8x8 digits (no network); the others through keras.datasets.
DATASETS = ("digits", "mnist", "fashion_mnist")
# How batches reach the model: in-memory arrays; a stream (tf.data on TensorFlow, a Python
# generator elsewhere) preprocessing each batch, no prefetch; the same, parallel and prefetched.
PIPELINES = ("arrays", "streamed", "prefetched")
# Keras dtype policies a training may use, and the dtype its layers compute in.
TRAIN_PRECISIONS = {"float32": "float32", "mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}

# Ranges accepted for workload parameters (inclusive). They keep a typo (size 10**9)
# from reaching a framework; the CLI and the pages offer the same ranges.
PARAM_LIMITS = {
    "size": (1, 65536),
    "depth": (1, 64),
    "width": (1, 16384),
    "input_dim": (1, 65536),
    "classes": (1, 100000),
    "batch": (1, 65536),
    "filters": (1, 2048),
    "image": (4, 1024),
    "channels": (1, 64),
    "kernel": (1, 11),
    "epochs": (1, 1000),
    "samples": (1, 1_000_000),
    "seed": (0, 2**31 - 1),
}
