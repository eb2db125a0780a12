"""Train a real Keras model on a real dataset with ``model.fit``, timing each epoch (a worker's job).

``run_task`` does, for one ``Train`` spec on one device: the dataset (downloaded first if need
be, with progress, never timed; ``dlenv.measure.datasets``), the seeds
(``keras.utils.set_random_seed``), the Keras dtype policy, the model (``programs.build_model``
of the spec's MLP/CNN), the input pipeline, then ``model.fit`` with a callback that takes each
epoch's wall time and its logs, reports them as progress, and at the end ``model.evaluate`` on
the test images. It returns one result record (``dlenv.data.schema``):

* ``first_call_s``: the first epoch (it includes tracing and compiling); ``samples_s``: the
  other epochs' seconds (the steady state; the first epoch when there is only one);
  ``median_s`` their median, so ``samples_per_s`` (training images / ``median_s``) is the
  steady-state rate. An epoch's time includes its validation pass.
* the per-epoch lists ``epoch_s``, ``epoch_loss``, ``epoch_accuracy``, ``epoch_val_loss``,
  ``epoch_val_accuracy`` (first epoch first), and ``test_loss``, ``test_accuracy``,
  ``fit_s`` (the whole ``model.fit``), ``test_s`` (the evaluation), the dataset's sizes and shape.

The input pipelines (``dlenv.vocab.PIPELINES``): ``arrays`` hands ``fit`` the preprocessed
arrays (Keras batches them itself); ``streamed`` preprocesses each batch as it is needed, one
after the other, without prefetching (``tf.data`` with map and no prefetch on TensorFlow, with
tf.data's automatic prefetch injection and map parallelization turned off; a Python generator
on JAX and PyTorch); ``prefetched`` the same with preprocessing in parallel and batches
prepared ahead (``tf.data`` map with ``num_parallel_calls`` and ``prefetch``, both AUTOTUNE;
elsewhere the generator's batches made by 2 threads, up to 8 ahead, handed over in order).
Preprocessing is the same everywhere: the raw uint8 pixels to float32 divided by the largest
value, in the model's input shape.

Seeds: the split never changes (``datasets.SPLIT_SEED``); the spec's seed sets Python's,
NumPy's and the framework's generators (``keras.utils.set_random_seed``) before the model is
built, and orders the streamed batches, so the same spec gives the same accuracies again on
the same machine and backend (tests/test_training.py checks it).
"""

from __future__ import annotations

import itertools
import math
import statistics
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from types import ModuleType
from typing import Any

from dlenv.measure import contention, datasets, devices, programs
from dlenv.measure.environment import now_iso
from dlenv.measure.timing import Measurement
from dlenv.measure.workloads import Train

# Adam's step size. Keras's default (0.001) leaves the 8x8 digits under 0.9 test accuracy
# after 3 epochs of batch 64 (60 steps); 0.003 passes 0.9 on all three backends (measured
# here, docs/benchmarks.md "Training").
LEARNING_RATE = 0.003
PREFETCH_WORKERS, PREFETCH_QUEUE = 2, 8  # the prefetched pipeline on JAX and PyTorch: threads, batches ahead
HISTORY = ("loss", "accuracy", "val_loss", "val_accuracy")

Emit = Callable[[dict[str, Any]], None]


def run_task(spec: Train, backend: ModuleType, device: devices.DeviceInfo, emit: Emit) -> dict[str, Any]:
    """Train ``spec`` on ``device`` (inside its ``keras.device`` scope); the result record.

    ``emit`` receives progress: {"download": bytes, "download_total": bytes} while a dataset
    downloads, then after each epoch {"epoch": k, "epochs": n, "history": {name: [per epoch]}}
    with ``epoch_s`` and the four ``HISTORY`` lists so far. Raises what Keras raises
    (``dlenv.measure.execute`` turns it into a message).
    """
    import keras

    if not datasets.cached(spec.dataset):
        datasets.download(spec.dataset, lambda done, total: emit({"download": done, "download_total": total}))
    data = datasets.load(spec.dataset)
    keras.utils.set_random_seed(spec.seed)
    model = _model(spec)
    feed, fit_args = _pipeline(spec, backend, data)
    clock = _epoch_clock(spec.epochs, emit)
    x_val, y_val = _prepare(spec, data["val"][0]), data["val"][1]
    started, probe = now_iso(), contention.Probe()
    t0 = time.perf_counter()
    model.fit(feed, epochs=spec.epochs, validation_data=(x_val, y_val), callbacks=[clock], verbose=0, **fit_args)
    fit_s = time.perf_counter() - t0
    interval = {"started_at": started, "ended_at": now_iso(), **probe.stop().to_dict()}
    t1 = time.perf_counter()
    test_loss, test_accuracy = model.evaluate(_prepare(spec, data["test"][0]), data["test"][1],
                                              batch_size=spec.batch, verbose=0)
    test_s = time.perf_counter() - t1
    record = _record(spec, backend, device, clock, model.count_params(), fit_s)
    return {**record, **interval, "test_loss": float(test_loss), "test_accuracy": float(test_accuracy),
            "test_s": test_s}


def _model(spec: Train) -> Any:
    """The compiled model, built under the spec's dtype policy (mixed precision: Keras then
    scales the loss of ``mixed_float16`` itself)."""
    import keras

    from dlenv.measure.execute import MeasurementFailed

    previous = keras.config.dtype_policy()
    keras.config.set_dtype_policy(spec.precision)
    try:
        model = programs.build_model(spec.step_spec())
        model.compile(optimizer=keras.optimizers.Adam(LEARNING_RATE),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    finally:
        keras.config.set_dtype_policy(previous)
    if model.count_params() != spec.parameter_count():  # see programs._model_step
        raise MeasurementFailed(f"{spec.label()}: Keras built {model.count_params():,} parameters, not the "
                                f"{spec.parameter_count():,} the spec describes; nothing was trained",
                                "train in a dlenv worker (python -m dlenv run train), which pins Keras's settings")
    return model


def _input_shape(spec: Train) -> tuple[int, ...]:
    return (spec.info.input_values,) if spec.model == "mlp" else spec.info.shape


def _prepare(spec: Train, raw: Any) -> Any:
    """Preprocessing with NumPy: uint8 images (n, h, w, c) -> float32 in [0, 1], the model's input shape."""
    import numpy as np

    return (raw.astype(np.float32) / np.float32(spec.info.scale)).reshape(len(raw), *_input_shape(spec))


def _pipeline(spec: Train, backend: ModuleType, data: dict[str, tuple[Any, Any]]) -> tuple[Any, dict[str, Any]]:
    """What ``fit`` is given, and the extra ``fit`` arguments it needs."""
    x, y = data["train"]
    x, y = x[:spec.train_samples], y[:spec.train_samples]
    if spec.pipeline == "arrays":
        return _prepare(spec, x), {"y": y, "batch_size": spec.batch, "shuffle": True}
    if backend.NAME == "tensorflow":
        return _tf_dataset(spec, x, y), {}
    make = _generator if spec.pipeline == "streamed" else _prefetching
    return make(spec, x, y), {"steps_per_epoch": spec.steps_per_epoch}


def _tf_dataset(spec: Train, x: Any, y: Any) -> Any:
    import tensorflow as tf

    scale, shape = spec.info.scale, _input_shape(spec)

    def preprocess(images: Any, labels: Any) -> tuple[Any, Any]:
        return tf.reshape(tf.cast(images, tf.float32) / scale, (-1, *shape)), labels

    batches = tf.data.Dataset.from_tensor_slices((x, y)).shuffle(len(y), seed=spec.seed).batch(spec.batch)
    if spec.pipeline == "prefetched":
        return batches.map(preprocess, num_parallel_calls=tf.data.AUTOTUNE).prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()
    # tf.data would otherwise add a prefetch after the last map and run the map in parallel by itself.
    options.experimental_optimization.inject_prefetch = False
    options.experimental_optimization.map_parallelization = False
    return batches.map(preprocess).with_options(options)


def _batch_indices(spec: Train, count: int) -> Iterator[Any]:
    """The images of each batch, epoch after epoch: a new order every epoch, from the seed."""
    import numpy as np

    for epoch in itertools.count():
        order = np.random.default_rng([spec.seed, epoch]).permutation(count)
        for start in range(0, count, spec.batch):
            yield order[start:start + spec.batch]


def _generator(spec: Train, x: Any, y: Any) -> Iterator[tuple[Any, Any]]:
    """Batches made one at a time, when ``fit`` asks for the next."""
    for chosen in _batch_indices(spec, len(y)):
        yield _prepare(spec, x[chosen]), y[chosen]


def _prefetching(spec: Train, x: Any, y: Any) -> Iterator[tuple[Any, Any]]:
    """The same batches, made by ``PREFETCH_WORKERS`` threads up to ``PREFETCH_QUEUE`` ahead of
    ``fit``, handed over in order (so the same seed gives the same batches)."""
    def make(chosen: Any) -> tuple[Any, Any]:
        return _prepare(spec, x[chosen]), y[chosen]

    indices = _batch_indices(spec, len(y))
    with ThreadPoolExecutor(PREFETCH_WORKERS, thread_name_prefix="dlenv-prefetch") as pool:
        ahead = deque(pool.submit(make, next(indices)) for _ in range(PREFETCH_QUEUE))
        while True:
            ready = ahead.popleft()
            ahead.append(pool.submit(make, next(indices)))
            yield ready.result()


def _epoch_clock(epochs: int, emit: Emit) -> Any:
    """A Keras callback keeping each epoch's wall time and logs (``history``) and reporting them."""
    import keras

    class EpochClock(keras.callbacks.Callback):
        def __init__(self) -> None:
            super().__init__()
            self.history: dict[str, list[float | None]] = {"epoch_s": [], **{name: [] for name in HISTORY}}
            self._started = 0.0

        def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
            self._started = time.perf_counter()

        def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
            self.history["epoch_s"].append(time.perf_counter() - self._started)  # validation included
            for name in HISTORY:
                value = float((logs or {}).get(name, float("nan")))
                self.history[name].append(value if math.isfinite(value) else None)  # a diverged loss: no figure
            emit({"epoch": epoch + 1, "epochs": epochs,
                  "history": {name: list(values) for name, values in self.history.items()}})

    return EpochClock()


def _record(spec: Train, backend: ModuleType, device: devices.DeviceInfo, clock: Any, parameter_count: int,
            fit_s: float) -> dict[str, Any]:
    from dlenv.measure.execute import result_record

    times = clock.history["epoch_s"]
    steady = times[1:] or times  # one epoch: it is its own steady state (and says so in a note)
    m = Measurement(tuple(steady), 1, times[0], "synced", fit_s)
    threads = backend.threads() if device.kind == "cpu" else None
    record = result_record(spec, backend.NAME, device, m, None, threads, parameter_count)
    info = spec.info
    record.update({
        "samples_per_s": spec.train_samples / m.median,
        "epoch_s": list(times), **{f"epoch_{name}": list(clock.history[name]) for name in HISTORY},
        "fit_s": fit_s, "train_samples": spec.train_samples, "val_samples": info.val, "test_samples": info.test,
        "input_shape": info.shape_text(), "classes": info.classes, "dataset_source": info.source,
        "precision_policy": spec.precision, "feeder": feeder(spec.pipeline, backend.NAME),
        "steps_per_epoch": spec.steps_per_epoch,
    })
    if len(times) == 1:
        record["note"] = "one epoch only: its time includes tracing and compiling, so it is not a steady state"
    elif statistics.median(steady) > 0 and times[0] > 1.5 * statistics.median(steady):
        record.setdefault("note", f"the first epoch took {times[0] / statistics.median(steady):.1f}x a steady "
                                  "one: tracing and compiling")
    return record


def feeder(pipeline: str, backend_name: str) -> str:
    """What feeds the model for ``pipeline`` on ``backend_name``, in words (the record's ``feeder``)."""
    if pipeline == "arrays":
        return "in-memory arrays (Keras batches them)"
    if backend_name == "tensorflow":
        return ("tf.data, map per batch, no prefetch" if pipeline == "streamed"
                else "tf.data, parallel map per batch + prefetch (AUTOTUNE)")
    return ("Python generator, one batch at a time" if pipeline == "streamed"
            else f"Python generator, {PREFETCH_WORKERS} threads preparing up to {PREFETCH_QUEUE} batches ahead")


# --------------------------------------------------------------- predicted epochs (no framework)

def predicted_epoch(spec: Train, step: dict[str, Any], val_step: dict[str, Any]) -> dict[str, Any]:
    """A predicted epoch (``provenance`` "predicted") from the datasheet model's predictions of one
    training step (``step``, of ``spec.step_spec("train")``) and one validation step
    (``val_step``, of ``spec.step_spec("inference")``) on the same card
    (``dlenv.measure.predict.predict``): ``steps_per_epoch`` training steps plus the validation
    steps, every batch counted full. The input pipeline is not in the model: it assumes the
    batches are ready when the device wants them (the ``prefetched`` case on a fast host)."""
    val_steps = -(-spec.info.val // spec.batch)
    seconds = spec.steps_per_epoch * step["median_s"] + val_steps * val_step["median_s"]
    gflops = spec.flops() / seconds / 1e9
    note = (f"an epoch predicted as {spec.steps_per_epoch} training steps and {val_steps} validation steps of "
            f"batch {spec.batch}, input pipeline not included; a training step: {step.get('provenance_note', '')}")
    return {**step, "workload": spec.name, "params": spec.params(), "label": spec.label(), "median_s": seconds,
            "flops": spec.flops(), "bytes": spec.bytes_moved(), "memory_bytes": spec.memory_bytes(),
            "gflops": gflops, "gbps": spec.bytes_moved() / seconds / 1e9,
            "samples_per_s": spec.train_samples / seconds,
            "pct_of_peak": 100.0 * gflops / step["peak_gflops"] if step.get("peak_gflops") else None,
            "provenance_note": note[:1000], "train_samples": spec.train_samples,
            "steps_per_epoch": spec.steps_per_epoch, "precision_policy": spec.precision}


def predict_epoch(spec: Train, card_key: str, float32_precision: str = "tf32") -> dict[str, Any]:
    """``predicted_epoch`` of ``spec`` on a card (a ``dlenv.measure.predict`` card key or name);
    raises ``predict.PredictError`` as ``predict.predict`` does."""
    from dlenv.measure import predict

    step = predict.predict(spec.step_spec("train"), card_key, float32_precision=float32_precision)
    val_step = predict.predict(spec.step_spec("inference"), card_key, float32_precision=float32_precision)
    return predicted_epoch(spec, step, val_step)


def predict_document(specs: list[Train], card_keys: list[str], float32_precision: str = "tf32") -> dict[str, Any]:
    """``dlenv.measure.predict.predict_document`` for trainings: each record a predicted epoch."""
    from dlenv.measure import predict

    doc = predict.predict_document([spec.step_spec() for spec in specs], card_keys,
                                   float32_precision=float32_precision)
    epochs = []
    for index, step in enumerate(doc["results"]):  # card by card, each spec in turn
        spec, key = specs[index % len(specs)], card_keys[index // len(specs)]
        val_step = predict.predict(spec.step_spec("inference"), key, float32_precision=float32_precision)
        epochs.append({**predicted_epoch(spec, step, val_step), "environment": step["environment"]})
    return {**doc, "results": epochs}
