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

The input pipelines (``dlenv.vocab.PIPELINES``) start from the training images as image files
hold them: each image PNG-encoded once (``datasets.encode_png``, before anything is timed; the
files are kept in memory, so reading them from a disk is left out). ``arrays`` loads the
dataset into memory first: every image decoded once before ``fit`` (not timed), then ``fit``
gets the preprocessed arrays and Keras batches them itself. ``streamed`` decodes and
preprocesses each batch's images as ``fit`` asks for the batch, one after the other, without
prefetching (``tf.data``: ``tf.io.decode_png`` in a map per image, then batch, with tf.data's
automatic prefetch injection, map parallelization and map-and-batch fusion turned off, since
each would prepare batches ahead; JAX and PyTorch: a Python generator decoding with Pillow).
``prefetched`` does the same work in parallel and ahead (``tf.data`` map with
``num_parallel_calls`` and ``prefetch``, both AUTOTUNE; elsewhere the generator's images
decoded by 2 processes, up to 8 batches ahead, handed over in order: ``_decoding_pool`` says
why processes). Per image, every pipeline does the same:
PNG decoded to uint8 pixels (lossless, so the same pixels reach the model in all three),
converted to float32, divided by the largest value, reshaped to the model's input. No resize:
the files are stored at the model's input size. Validation and test images are in-memory
arrays in all three (an epoch's time includes its validation pass).

Seeds: the split never changes (``datasets.SPLIT_SEED``); the spec's seed sets Python's,
NumPy's and the framework's generators (``keras.utils.set_random_seed``) before the model is
built, and orders the streamed batches, so the same spec gives the same accuracies again on
the same machine and backend (tests/test_training.py checks it).
"""

from __future__ import annotations

import itertools
import math
import multiprocessing
import statistics
import time
from collections import deque
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
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
# The CNN (convolutions, then global average pooling) learns far more slowly at that rate: 3
# epochs of batch 32 on the digits left it at 0.47-0.66 test accuracy (TensorFlow, seeds 0-2;
# 0.97 only after 20 epochs, so it is the step size, not what the model can learn), and a
# constant 0.01 left dead ReLUs (0.09, chance) on some seeds. A larger peak reached gently does
# both: the rate climbs from a tenth of CNN_PEAK_RATE over the first sixth of the steps
# (warm-up), then follows a cosine down, and clipping each gradient's norm at 1 keeps the
# first large steps from killing units. 3 epochs of batch 32, width 128: 0.93, 0.76, 0.93
# (seeds 0-2; measured here, TensorFlow, clipnorm on). A depth of 3 lets each unit see the
# whole 8x8 image before the pooling and reaches 0.92-0.97 on the same seeds.
CNN_PEAK_RATE, CNN_WARMUP_SHARE, CNN_CLIPNORM = 0.02, 1 / 6, 1.0
PREFETCH_WORKERS, PREFETCH_QUEUE = 2, 8  # the prefetched pipeline on JAX and PyTorch: processes, batches ahead
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
    feed, fit_args, close = _pipeline(spec, backend, data)
    clock = _epoch_clock(spec.epochs, emit)
    x_val, y_val = _prepare(spec, data["val"][0]), data["val"][1]
    started, probe = now_iso(), contention.Probe()
    t0 = time.perf_counter()
    try:
        model.fit(feed, epochs=spec.epochs, validation_data=(x_val, y_val), callbacks=[clock], verbose=0,
                  **fit_args)
    finally:
        close()
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
        model.compile(optimizer=_optimizer(spec),
                      loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    finally:
        keras.config.set_dtype_policy(previous)
    if model.count_params() != spec.parameter_count():  # see programs._model_step
        raise MeasurementFailed(f"{spec.label()}: Keras built {model.count_params():,} parameters, not the "
                                f"{spec.parameter_count():,} the spec describes; nothing was trained",
                                "train in a dlenv worker (python -m dlenv run train), which pins Keras's settings")
    return model


def _optimizer(spec: Train) -> Any:
    """Adam: at ``LEARNING_RATE`` for the MLP; for the CNN warmed up to ``CNN_PEAK_RATE`` and
    cosine-decayed over the whole training, gradients clipped (why: the constants' comment)."""
    import keras

    if spec.model != "cnn":
        return keras.optimizers.Adam(LEARNING_RATE)
    steps = spec.steps_per_epoch * spec.epochs
    schedule = keras.optimizers.schedules.CosineDecay(
        CNN_PEAK_RATE / 10, decay_steps=steps, warmup_target=CNN_PEAK_RATE,
        warmup_steps=max(1, int(steps * CNN_WARMUP_SHARE)))
    return keras.optimizers.Adam(schedule, clipnorm=CNN_CLIPNORM)


def _input_shape(spec: Train) -> tuple[int, ...]:
    return (spec.info.input_values,) if spec.model == "mlp" else spec.info.shape


def _prepare(spec: Train, raw: Any) -> Any:
    """Preprocessing with NumPy: uint8 images (n, h, w, c) -> float32 in [0, 1], the model's input shape."""
    import numpy as np

    return (raw.astype(np.float32) / np.float32(spec.info.scale)).reshape(len(raw), *_input_shape(spec))


def _pipeline(spec: Train, backend: ModuleType,
              data: dict[str, tuple[Any, Any]]) -> tuple[Any, dict[str, Any], Callable[[], None]]:
    """What ``fit`` is given, the extra ``fit`` arguments it needs, and what to call after ``fit``."""
    x, y = data["train"]
    x, y = x[:spec.train_samples], y[:spec.train_samples]
    files = datasets.encode_png(x)  # the images as stored; before fit, so never timed
    if spec.pipeline == "arrays":  # the dataset loaded into memory: decoded once, before fit
        x_in_memory = _prepare(spec, datasets.decode_png(files, spec.info.shape))
        return x_in_memory, {"y": y, "batch_size": spec.batch, "shuffle": True}, lambda: None
    if backend.NAME == "tensorflow":
        return _tf_dataset(spec, files, y), {}, lambda: None
    steps = {"steps_per_epoch": spec.steps_per_epoch}
    if spec.pipeline == "streamed":
        return _generator(spec, files, y), steps, lambda: None
    pool = _decoding_pool(spec, files)
    return _prefetching(spec, y, pool), steps, lambda: pool.shutdown(cancel_futures=True)


def _tf_dataset(spec: Train, files: list[bytes], y: Any) -> Any:
    """The tf.data pipeline: shuffled PNG files, each decoded and preprocessed by a map, then batched."""
    import tensorflow as tf

    scale, shape, channels = spec.info.scale, _input_shape(spec), spec.info.shape[2]

    def decode(file: Any, label: Any) -> tuple[Any, Any]:
        image = tf.io.decode_png(file, channels=channels)  # (h, w, c) uint8
        return tf.reshape(tf.cast(image, tf.float32) / scale, shape), label

    images = tf.data.Dataset.from_tensor_slices((tf.constant(files), y)).shuffle(len(y), seed=spec.seed)
    if spec.pipeline == "prefetched":
        return images.map(decode, num_parallel_calls=tf.data.AUTOTUNE).batch(spec.batch).prefetch(tf.data.AUTOTUNE)
    options = tf.data.Options()
    # Each of these would prepare images or batches ahead of fit, in the background: tf.data would
    # add a prefetch after the last map, run the map in parallel, and fuse map and batch into one
    # op that fills its batches from a thread of its own.
    options.experimental_optimization.inject_prefetch = False
    options.experimental_optimization.map_parallelization = False
    options.experimental_optimization.map_and_batch_fusion = False
    return images.map(decode).batch(spec.batch).with_options(options)


def _batch_indices(spec: Train, count: int) -> Iterator[Any]:
    """The images of each batch, epoch after epoch: a new order every epoch, from the seed."""
    import numpy as np

    for epoch in itertools.count():
        order = np.random.default_rng([spec.seed, epoch]).permutation(count)
        for start in range(0, count, spec.batch):
            yield order[start:start + spec.batch]


def _make_batch(spec: Train, files: list[bytes], y: Any, chosen: Any) -> tuple[Any, Any]:
    """One batch from the files: the chosen images decoded (Pillow) and preprocessed, and their labels."""
    return _prepare(spec, datasets.decode_png([files[i] for i in chosen], spec.info.shape)), y[chosen]


def _generator(spec: Train, files: list[bytes], y: Any) -> Iterator[tuple[Any, Any]]:
    """Batches made one at a time, when ``fit`` asks for the next."""
    for chosen in _batch_indices(spec, len(y)):
        yield _make_batch(spec, files, y, chosen)


def _decoding_pool(spec: Train, files: list[bytes]) -> ProcessPoolExecutor:
    """``PREFETCH_WORKERS`` processes holding the files, started (and each given a first image
    to decode) before ``fit``, so their start is not timed. Processes, not threads: Pillow's
    decoding of small images is mostly Python, which threads would run one at a time under the
    GIL, as would the training loop's own Python (PyTorch's DataLoader uses worker processes
    for the same reason). Spawned, not forked: a fork of a process running JAX's or PyTorch's
    threads is unsafe."""
    pool = ProcessPoolExecutor(PREFETCH_WORKERS, mp_context=multiprocessing.get_context("spawn"),
                               initializer=datasets.keep_files, initargs=(files, spec.info.shape))
    for started in [pool.submit(datasets.decode_kept, [0]) for _ in range(PREFETCH_WORKERS)]:
        started.result()
    return pool


def _prefetching(spec: Train, y: Any, pool: ProcessPoolExecutor) -> Iterator[tuple[Any, Any]]:
    """The same batches as ``_generator``, their images decoded by ``pool`` up to
    ``PREFETCH_QUEUE`` batches ahead of ``fit`` and handed over in order (so the same seed gives
    the same batches); the scaling to float32 is done here, as the batch is handed over."""
    indices = _batch_indices(spec, len(y))
    ahead = deque((chosen, pool.submit(datasets.decode_kept, chosen))
                  for chosen in itertools.islice(indices, PREFETCH_QUEUE))
    while True:
        chosen, ready = ahead.popleft()
        following = next(indices)
        ahead.append((following, pool.submit(datasets.decode_kept, following)))
        yield _prepare(spec, ready.result()), y[chosen]


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
        return "in-memory arrays, the PNG images decoded once before training (Keras batches them)"
    if backend_name == "tensorflow":
        return ("tf.data, PNG decoded and scaled per image (map), no prefetch" if pipeline == "streamed"
                else "tf.data, PNG decoded and scaled per image (parallel map) + prefetch (AUTOTUNE)")
    if pipeline == "streamed":
        return "Python generator, PNG decoded (Pillow) and scaled per batch, one batch at a time"
    return (f"Python generator, PNG decoded (Pillow) per batch by {PREFETCH_WORKERS} processes, "
            f"up to {PREFETCH_QUEUE} batches ahead, and scaled")


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
