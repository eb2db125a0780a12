"""Turn a workload spec into a step: a no-argument callable the timer can run.

Call ``build`` inside ``keras.device(...)`` so tensors and model weights are created on
the device being measured (and keep the scope open while timing: TensorFlow places
eager ops by the active scope).

Kernels (matmul, element-wise) call the backend's own op on tensors made by Keras.
``keras.ops.matmul`` would add its argument conversion and dtype promotion to every
call: about 100 us on a 2-core CPU, as long as a whole 64x64 matmul, so the device would
look slower than it is. Models are real Keras models run through Keras's compiled
``predict_on_batch`` / ``train_on_batch``, which return host values: the step ends with
the result on the host, i.e. synced.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from types import ModuleType
from typing import Any

from dlenv.measure.workloads import CNN, MLP, Elementwise, Matmul, Workload

Step = Callable[[], Any]


def build(spec: Workload, backend: ModuleType, seed: int = 0) -> Step:
    """The step for ``spec`` on the active Keras device."""
    if isinstance(spec, Matmul):
        return _matmul_step(spec, backend, seed)
    if isinstance(spec, Elementwise):
        return _elementwise_step(spec, backend, seed)
    return _model_step(spec, seed)


def _normal(shape: tuple[int, ...], dtype: str, seed: int) -> Any:
    import keras

    return keras.random.normal(shape, dtype=dtype, seed=seed)


def _matmul_step(spec: Matmul, backend: ModuleType, seed: int) -> Step:
    a = _normal((spec.m, spec.k), spec.dtype, seed)
    b = _normal((spec.k, spec.n), spec.dtype, seed + 1)
    return functools.partial(backend.matmul(), a, b)  # no Python frame of ours per call


def _elementwise_step(spec: Elementwise, backend: ModuleType, seed: int) -> Step:
    a = _normal((spec.size, spec.size), spec.dtype, seed)
    b = _normal((spec.size, spec.size), spec.dtype, seed + 1)
    return functools.partial(backend.elementwise(spec.op), a, b)


def _policy(dtype: str) -> str:
    # Keras mixed precision: compute in 16 bits, keep weights in float32.
    return {"float16": "mixed_float16", "bfloat16": "mixed_bfloat16"}.get(dtype, dtype)


def build_model(spec: MLP | CNN) -> Any:
    """The Keras model a model spec describes (also shown as the model summary)."""
    import keras
    from keras import layers

    policy = _policy(spec.dtype)
    if isinstance(spec, MLP):
        body = [layers.Dense(spec.width, activation="relu", dtype=policy) for _ in range(spec.depth)]
        inputs = keras.Input((spec.input_dim,))
    else:
        body = [layers.Conv2D(spec.filters, spec.kernel, padding="same", activation="relu", dtype=policy)
                for _ in range(spec.depth)]
        body.append(layers.GlobalAveragePooling2D(dtype=policy))
        inputs = keras.Input((spec.image, spec.image, spec.channels))
    # The last layer stays float32 so the softmax and loss are computed accurately.
    head = layers.Dense(spec.classes, dtype="float32")
    return keras.Sequential([inputs, *body, head], name=spec.name)


def _model_step(spec: MLP | CNN, seed: int) -> Step:
    import keras

    from dlenv.measure.execute import MeasurementFailed

    model = build_model(spec)
    built = model.count_params()
    if built != spec.parameter_count():
        # The spec's FLOPs and label hold only for the model it describes (a Keras setting
        # such as image_data_format=channels_first reads the image another way).
        raise MeasurementFailed(
            f"{spec.label()}: Keras built a model with {built:,} parameters, not the {spec.parameter_count():,} "
            f"the spec describes (Keras: image_data_format={keras.config.image_data_format()}, "
            f"floatx={keras.config.floatx()}), so its FLOPs and label would be wrong; nothing was timed",
            "measure in a dlenv worker (python -m dlenv run ...), which pins Keras's settings; "
            "report a bug if this happens there")
    model.compile(optimizer="adam", loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True))
    shape = (spec.batch, spec.input_dim) if isinstance(spec, MLP) else (
        spec.batch, spec.image, spec.image, spec.channels)
    # Inputs are made on the device once, so steps do not copy data from the host.
    x = keras.random.normal(shape, seed=seed)
    if spec.mode == "train":
        y = keras.random.randint((spec.batch,), 0, spec.classes, seed=seed)

        def step() -> Any:
            return model.train_on_batch(x, y)
    else:
        def step() -> Any:
            return model.predict_on_batch(x)
    step.parameter_count = built  # the model that runs, for the result record
    return step
