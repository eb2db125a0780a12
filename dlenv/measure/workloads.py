"""What to run: frozen workload specs that know their cost before they run.

A spec is plain data (no framework import). It validates itself on creation, so an
invalid spec cannot exist, and it knows its FLOP count, the bytes it must move and an
estimate of the memory it needs. ``dlenv.measure.programs`` turns a spec into something a
backend can execute.

FLOP conventions (the usual ones, so numbers compare with papers and datasheets):

* a multiply-add counts as 2 FLOPs;
* matmul (M x K) @ (K x N): 2*M*N*K;
* element-wise op on n elements: n FLOPs (it is memory-bound: report GB/s);
* Dense layer, per sample, forward: 2*in*out (bias add and activation ignored);
* Conv2D, per sample, forward, as an implicit GEMM: 2 * (H_out*W_out) * (k*k*C_in) * C_out;
* a training step is ~3x the forward pass (forward, grad w.r.t. activations, grad
  w.r.t. weights); the optimizer update is ignored.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import ClassVar, Union

from dlenv.measure.datasets import DATASETS as DATASET_FACTS
from dlenv.measure.datasets import Dataset
from dlenv.vocab import DATASETS, DTYPE_BYTES, DTYPES, ELEMENTWISE_OPS, MODES, PIPELINES, TRAIN_MODELS, TRAIN_PRECISIONS
from dlenv.vocab import PARAM_LIMITS as LIMITS
from dlenv.vocab import WORKLOADS as _NAMES

TRAIN_FLOPS_FACTOR = 3  # forward + 2 backward matmuls per layer; see module docstring



class WorkloadError(ValueError):
    """A workload parameter outside its allowed range; the message names the value."""


class Refused(ValueError):
    """A workload refused before it runs (a limit, no such device, unsupported dtype, no memory).

    ``kind`` tells callers apart ("refused", "missing_device"); ``hint`` says what to change.
    """

    def __init__(self, message: str, hint: str, kind: str = "refused") -> None:
        super().__init__(message)
        self.hint, self.kind = hint, kind


def _check_int(field: str, value: object, limit: str | None = None) -> None:
    lo, hi = LIMITS[limit or field]
    if isinstance(value, bool) or not isinstance(value, int):
        raise WorkloadError(f"{field} must be a whole number from {lo} to {hi}, got {value!r}")
    if not lo <= value <= hi:
        raise WorkloadError(f"{field} must be from {lo} to {hi}, got {value}")


def _check_choice(field: str, value: object, allowed: tuple[str, ...]) -> None:
    if value not in allowed:
        raise WorkloadError(f"{field} must be one of {', '.join(allowed)}, got {value!r}")


@dataclass(frozen=True)
class Layer:
    """One layer of a model as the Models page lists it: its Keras type ("Dense", "Conv2D",
    "GlobalAveragePooling2D"), forward FLOPs per sample, parameters, output values per
    sample and the output shape per sample (channels last, as Keras builds it)."""

    kind: str
    flops: float
    params: int
    outputs: int
    shape: tuple[int, ...]


class _Spec:
    """Shared behaviour of the specs below (each is a frozen dataclass)."""

    name: ClassVar[str]
    dtype: str

    @property
    def itemsize(self) -> int:
        return DTYPE_BYTES[self.dtype]

    def params(self) -> dict[str, int | str]:
        """The parameters that define the workload (what a result file records)."""
        return {k: v for k, v in asdict(self).items() if k != "dtype"}

    @property
    def batch_size(self) -> int | None:
        """Samples per step for model workloads; None for kernels."""
        return None


@dataclass(frozen=True)
class Matmul(_Spec):
    """C = A @ B with A of shape (m, k) and B of shape (k, n)."""

    m: int
    n: int
    k: int
    dtype: str = "float32"
    name: ClassVar[str] = "matmul"

    def __post_init__(self) -> None:
        for field in ("m", "n", "k"):
            _check_int(field, getattr(self, field), "size")
        _check_choice("dtype", self.dtype, DTYPES)

    @classmethod
    def square(cls, size: int, dtype: str = "float32") -> Matmul:
        return cls(size, size, size, dtype)

    def flops(self) -> float:
        return 2.0 * self.m * self.n * self.k

    def bytes_moved(self) -> float:
        # The minimum traffic: read A and B once, write C once. Real kernels move more
        # (tiles are re-read), so GB/s from this number is a lower bound.
        return float((self.m * self.k + self.k * self.n + self.m * self.n) * self.itemsize)

    def memory_bytes(self) -> int:
        # A, B and C live at once; a second C covers the output of the call being timed
        # while the previous one is still referenced.
        return (self.m * self.k + self.k * self.n + 2 * self.m * self.n) * self.itemsize

    def label(self) -> str:
        shape = str(self.m) if self.m == self.n == self.k else f"{self.m}x{self.n}x{self.k}"
        return f"matmul {shape} {self.dtype}"

    def largest_square_fitting(self, free_bytes: int) -> int:
        """The largest square size whose memory estimate fits in ``free_bytes``."""
        return int((free_bytes / (4 * self.itemsize)) ** 0.5)


@dataclass(frozen=True)
class Elementwise(_Spec):
    """out = a (op) b on two size x size tensors: the memory-bound counterpart of matmul."""

    size: int
    op: str = "add"
    dtype: str = "float32"
    name: ClassVar[str] = "elementwise"

    def __post_init__(self) -> None:
        _check_int("size", self.size)
        _check_choice("op", self.op, ELEMENTWISE_OPS)
        _check_choice("dtype", self.dtype, DTYPES)

    @property
    def elements(self) -> int:
        return self.size * self.size

    def flops(self) -> float:
        return float(self.elements)

    def bytes_moved(self) -> float:
        return float(3 * self.elements * self.itemsize)  # read a and b, write out

    def memory_bytes(self) -> int:
        return 4 * self.elements * self.itemsize  # a, b, out, and the previous out

    def label(self) -> str:
        return f"elementwise {self.op} {self.size}x{self.size} {self.dtype}"

    def largest_square_fitting(self, free_bytes: int) -> int:
        return int((free_bytes / (4 * self.itemsize)) ** 0.5)


class _Model(_Spec):
    """Shared cost model of the Keras model specs: layers as (flops/sample, params)."""

    batch: int
    mode: str

    @property
    def batch_size(self) -> int:
        return self.batch

    def layer_costs(self) -> list[tuple[float, int, int]]:
        """Per layer: forward FLOPs per sample, parameter count, output values per sample."""
        raise NotImplementedError

    def layers(self) -> list[Layer]:
        """Every layer the model builds (``dlenv.measure.programs.build_model``), in order,
        with its type and cost; layers without parameters or multiply-adds (pooling) are
        listed with 0 FLOPs, as the FLOP conventions above leave them out."""
        raise NotImplementedError

    def parameter_count(self) -> int:
        return sum(p for _, p, _ in self.layer_costs())

    def forward_flops_per_sample(self) -> float:
        return sum(f for f, _, _ in self.layer_costs())

    def flops(self) -> float:
        factor = TRAIN_FLOPS_FACTOR if self.mode == "train" else 1
        return factor * self.batch * self.forward_flops_per_sample()

    def _activations_per_sample(self) -> int:
        return self.input_values() + sum(o for _, _, o in self.layer_costs())

    def input_values(self) -> int:
        raise NotImplementedError

    def bytes_moved(self) -> float:
        # Approximate: weights read once per step, every activation written once and
        # read once; training roughly triples both (gradients of each).
        factor = TRAIN_FLOPS_FACTOR if self.mode == "train" else 1
        weights = self.parameter_count() * self.itemsize
        activations = 2 * self.batch * self._activations_per_sample() * self.itemsize
        return float(factor * (weights + activations))

    def memory_bytes(self) -> int:
        # Weights are kept in float32 (Keras mixed precision); training adds gradients
        # and Adam's two moments, and keeps every activation for the backward pass.
        weight_copies = 4 if self.mode == "train" else 1
        weights = weight_copies * self.parameter_count() * 4
        activations = self.batch * self._activations_per_sample() * self.itemsize
        return int(weights + (2 if self.mode == "train" else 1) * activations)


@dataclass(frozen=True)
class MLP(_Model):
    """A stack of Dense(width, relu) layers on flat inputs, then Dense(classes)."""

    depth: int = 4
    width: int = 512
    batch: int = 64
    mode: str = "inference"
    input_dim: int = 784
    classes: int = 10
    dtype: str = "float32"
    name: ClassVar[str] = "mlp"

    def __post_init__(self) -> None:
        for field in ("depth", "width", "batch", "input_dim", "classes"):
            _check_int(field, getattr(self, field))
        _check_choice("mode", self.mode, MODES)
        _check_choice("dtype", self.dtype, DTYPES)

    def layer_sizes(self) -> list[int]:
        return [self.input_dim] + [self.width] * self.depth + [self.classes]

    def layer_costs(self) -> list[tuple[float, int, int]]:
        sizes = self.layer_sizes()
        return [(2.0 * i * o, i * o + o, o) for i, o in zip(sizes, sizes[1:])]

    def layers(self) -> list[Layer]:
        return [Layer("Dense", flops, params, outputs, (outputs,))
                for flops, params, outputs in self.layer_costs()]

    def input_values(self) -> int:
        return self.input_dim

    def label(self) -> str:
        return f"mlp depth {self.depth} width {self.width} batch {self.batch} {self.mode} {self.dtype}"


@dataclass(frozen=True)
class CNN(_Model):
    """``depth`` Conv2D(filters, kernel, same padding, relu) layers, global pooling, Dense."""

    depth: int = 3
    filters: int = 32
    batch: int = 32
    mode: str = "inference"
    image: int = 32
    channels: int = 3
    kernel: int = 3
    classes: int = 10
    dtype: str = "float32"
    name: ClassVar[str] = "cnn"

    def __post_init__(self) -> None:
        for field in ("depth", "filters", "batch", "image", "channels", "kernel", "classes"):
            _check_int(field, getattr(self, field))
        _check_choice("mode", self.mode, MODES)
        _check_choice("dtype", self.dtype, DTYPES)

    def layer_costs(self) -> list[tuple[float, int, int]]:
        pixels = self.image * self.image  # "same" padding, stride 1: the size is kept
        costs = []
        c_in = self.channels
        for _ in range(self.depth):
            gemm_k = self.kernel * self.kernel * c_in
            costs.append((2.0 * pixels * gemm_k * self.filters, gemm_k * self.filters + self.filters,
                          pixels * self.filters))
            c_in = self.filters
        costs.append((2.0 * self.filters * self.classes, self.filters * self.classes + self.classes,
                      self.classes))
        return costs

    def layers(self) -> list[Layer]:
        costs = self.layer_costs()
        convs = [Layer("Conv2D", flops, params, outputs, (self.image, self.image, self.filters))
                 for flops, params, outputs in costs[:-1]]
        # GlobalAveragePooling2D: H*W adds per channel, left out of the FLOPs like bias and activation.
        pool = Layer("GlobalAveragePooling2D", 0.0, 0, self.filters, (self.filters,))
        flops, params, outputs = costs[-1]
        return [*convs, pool, Layer("Dense", flops, params, outputs, (outputs,))]

    def input_values(self) -> int:
        return self.image * self.image * self.channels

    def label(self) -> str:
        return (f"cnn depth {self.depth} filters {self.filters} image {self.image} "
                f"batch {self.batch} {self.mode} {self.dtype}")


@dataclass(frozen=True)
class Train(_Spec):
    """A Keras model trained for real with ``model.fit`` on a real dataset (``dlenv.measure.training``).

    ``model``: "mlp" (``depth`` Dense(``width``, relu) layers on the flattened image) or "cnn"
    (``depth`` Conv2D(``width`` filters, 3x3, same padding, relu), global average pooling),
    each then Dense(classes): the ``MLP`` and ``CNN`` specs above, so their FLOPs, parameters
    and predictions hold. ``dataset``: ``dlenv.measure.datasets`` (``samples`` trains on the
    first that many training images instead of all). ``pipeline``: how batches reach the model
    (``dlenv.vocab.PIPELINES``). ``dtype``: what the layers compute in; float16 and bfloat16
    are Keras mixed precision (``mixed_float16``, ``mixed_bfloat16``: float32 weights).

    One call is one epoch: ``flops``, ``bytes_moved`` are per epoch (its training steps and
    its validation pass), so a result's ``median_s`` is the time of an epoch.
    """

    model: str = "mlp"
    dataset: str = "digits"
    epochs: int = 3
    batch: int = 32
    seed: int = 0
    pipeline: str = "arrays"
    depth: int = 2
    width: int = 128
    samples: int | None = None
    dtype: str = "float32"
    name: ClassVar[str] = "train"

    def __post_init__(self) -> None:
        _check_choice("model", self.model, TRAIN_MODELS)
        _check_choice("dataset", self.dataset, DATASETS)
        _check_choice("pipeline", self.pipeline, PIPELINES)
        _check_choice("dtype", self.dtype, tuple(TRAIN_PRECISIONS.values()))
        for field in ("epochs", "batch", "seed", "depth", "width"):
            _check_int(field, getattr(self, field))
        if self.samples is not None:
            _check_int("samples", self.samples)
        if self.samples is not None and self.samples > self.info.train:
            raise WorkloadError(f"samples must be at most {self.info.train:,}, the training images of "
                                f"{self.dataset}, got {self.samples:,}")
        if self.batch > self.train_samples:
            raise WorkloadError(f"batch {self.batch} is larger than the {self.train_samples:,} training images of "
                                f"{self.dataset}; use a batch of at most {self.train_samples:,}")

    @property
    def info(self) -> Dataset:
        """The dataset's facts: split sizes, image shape, classes."""
        return DATASET_FACTS[self.dataset]

    @property
    def precision(self) -> str:
        """The Keras dtype policy: float32, mixed_float16 or mixed_bfloat16."""
        return next(policy for policy, dtype in TRAIN_PRECISIONS.items() if dtype == self.dtype)

    @property
    def train_samples(self) -> int:
        return self.samples or self.info.train

    @property
    def steps_per_epoch(self) -> int:
        return -(-self.train_samples // self.batch)

    @property
    def batch_size(self) -> int:
        return self.batch

    def params(self) -> dict[str, int | str]:
        return {k: v for k, v in super().params().items() if v is not None}

    def step_spec(self, mode: str = "train") -> MLP | CNN:
        """The model as the ``MLP`` / ``CNN`` spec whose step (one batch) this training repeats."""
        height, _, channels = self.info.shape
        if self.model == "mlp":
            return MLP(depth=self.depth, width=self.width, batch=self.batch, mode=mode,
                       input_dim=self.info.input_values, classes=self.info.classes, dtype=self.dtype)
        return CNN(depth=self.depth, filters=self.width, batch=self.batch, mode=mode, image=height,
                   channels=channels, kernel=3, classes=self.info.classes, dtype=self.dtype)

    def parameter_count(self) -> int:
        return self.step_spec().parameter_count()

    def forward_flops_per_sample(self) -> float:
        return self.step_spec().forward_flops_per_sample()

    def flops(self) -> float:
        # An epoch: every training image forward and backward, every validation image forward.
        forward = self.forward_flops_per_sample()
        return TRAIN_FLOPS_FACTOR * forward * self.train_samples + forward * self.info.val

    def total_flops(self) -> float:
        """Every epoch, and the test images evaluated once at the end."""
        return self.epochs * self.flops() + self.forward_flops_per_sample() * self.info.test

    def bytes_moved(self) -> float:
        val_steps = -(-self.info.val // self.batch)
        return float(self.steps_per_epoch * self.step_spec().bytes_moved()
                     + val_steps * self.step_spec("inference").bytes_moved())

    def data_bytes(self) -> int:
        """The dataset in memory: the raw images (one byte a value) and their float32 copy, labels."""
        images = self.train_samples + self.info.val + self.info.test
        return images * (self.info.input_values * (1 + 4) + 4)

    def memory_bytes(self) -> int:
        # The model's step (weights, Adam's moments, a batch's activations) plus the dataset;
        # a pipeline holds a few more batches, which the step's activations already exceed.
        return self.step_spec().memory_bytes() + self.data_bytes()

    def label(self) -> str:
        size = f" {self.samples} samples" if self.samples else ""
        return (f"train {self.model} depth {self.depth} width {self.width} {self.dataset}{size} "
                f"{self.epochs} epochs batch {self.batch} {self.pipeline} {self.precision}")


Workload = Union[Matmul, Elementwise, MLP, CNN, Train]
WORKLOADS: dict[str, type] = {cls.name: cls for cls in (Matmul, Elementwise, MLP, CNN, Train)}
assert tuple(WORKLOADS) == _NAMES, "dlenv.vocab.WORKLOADS and the spec classes disagree"
