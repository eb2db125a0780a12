"""A GPU's, TPU's or this CPU's expected time for a workload, predicted from the datasheet.

No framework is imported and nothing runs: a machine without the accelerator can still
show what it would take, labelled ``provenance: "predicted"``. The model (a roofline with
a fixed cost per call)::

    time = max(compute, memory) + overhead
    compute  = FLOPs / peak            (peak: the datasheet FLOP/s at the spec's dtype)
    memory   = bytes moved / bandwidth (bandwidth: the datasheet DRAM GB/s)
    overhead = the fixed cost of one call from Python (``peaks.CALL_OVERHEAD``)

FLOPs and bytes are the spec's own (``dlenv.measure.workloads``: 2*M*N*K for a matmul,
A, B and C moved once). One term is added where the plain roofline is systematically off:

* **Wave quantization of GPU matmuls.** A GEMM kernel computes the output in thread-block
  tiles (``peaks.GEMM_TILE_TENSOR`` 128 x 256 on tensor cores, ``GEMM_TILE_CUDA_CORES``
  128 x 128 on CUDA cores), one tile per streaming multiprocessor (SM) at a time. With
  ``tiles = ceil(M / tile_m) * ceil(N / tile_n)`` the kernel runs ``waves = ceil(tiles / SMs)``
  rounds, each as long as one full tile: ``compute = waves * 2 * tile_m * tile_n * K / (peak / SMs)``.
  For a large matmul this is FLOPs / peak (within a partly filled last wave); a 1024 x 1024
  bfloat16 matmul on an H100 (32 tiles on 132 SMs) takes as long as 132 / 32 = 4.1 times
  its FLOPs at the peak. Source: NVIDIA, Matrix Multiplication Background User's Guide
  (docs.nvidia.com/deeplearning/performance/dl-performance-matrix-multiplication), sections
  on tile and wave quantization.
  Not modelled: split-K (the library cutting a long K across idle SMs when M x N makes few tiles),
  so a 256 x 256 x 4096 matmul comes out several times too slow; and how far below the datasheet
  any matmul stays (about 80% on an H100): ``peak_gflops`` takes a measured ceiling. Both are
  quantified in docs/predictions.md.
* **MXU padding of TPU matmuls.** XLA pads each matmul dimension to the MXU edge
  (``peaks.TPU_MXU_EDGE``: 128, or 256 on v6e): FLOPs are counted on the padded shape.

Precision: ``float32_precision="tf32"`` (the default, what TensorFlow and JAX do unless
told otherwise) runs float32 matmuls and models on an Ampere-or-later GPU's TF32 tensor
cores and on a TPU as one bfloat16 pass; ``"float32"`` asks for full float32: CUDA cores
on a GPU, six bfloat16 passes on a TPU (JAX's ``Precision.HIGHEST``; docs.jax.dev "Matmul
precision"). bfloat16 on a GPU without bfloat16 units (T4, V100) runs as float32 on CUDA
cores, as XLA converts it there. A dtype the card has no figure for (float64 anywhere but
the CPU) is refused with ``PredictError``.

Cards: every ``peaks.ACCELERATOR_PEAKS`` key, and ``"cpu"``: this machine's CPU, its peak
the ``dlenv.measure.devices`` estimate and its bandwidth the large element-wise result of the
bundled reference set. ``predict`` takes measured figures instead (``peak_gflops``,
``gbps``, ``overhead_s``), as ``bench/predictions.py`` does for this CPU.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from dlenv.measure import peaks
from dlenv.measure.workloads import CNN, MLP, Elementwise, Matmul, Workload

FLOAT32_PRECISIONS = ("tf32", "float32")
CPU_CARD = "cpu"
TPU_FLOAT32_PASSES = 6  # bfloat16 passes for full float32 on a TPU (JAX's Precision.HIGHEST)
SOURCE = "dlenv datasheet model"
# The bundled set whose largest element-wise add gives this CPU's default bandwidth.
CPU_BANDWIDTH_REFERENCE = "cpu-epyc-2vcpu-tensorflow"


class PredictError(ValueError):
    """A card or dtype the model has no figure for; the message says what is possible."""


@dataclass(frozen=True)
class Card:
    """The model's inputs for one device: FLOP/s by column, bandwidth, overhead, fill units."""

    key: str
    kind: str                        # "gpu" | "tpu" | "cpu"
    name: str
    peaks_gflops: dict[str, float]   # by ACCELERATOR_PEAKS column (or dtype for the CPU)
    peak_source: str                 # "spec" (datasheet) or "estimate" (the CPU formula)
    peak_note: str
    gbps: float
    gbps_note: str
    overhead: peaks.CallOverhead
    sms: int | None = None           # GPUs: streaming multiprocessors
    mxu_edge: int | None = None      # TPUs: the matmul unit's edge
    notes: dict[str, str] = field(default_factory=dict)


def cards() -> list[str]:
    """Every card ``predict`` knows: the datasheet keys, then ``"cpu"`` (this machine's CPU)."""
    return [*peaks.ACCELERATOR_PEAKS, CPU_CARD]


def match_card(text: str) -> str:
    """The card key for a name as people write it: "H100" -> "H100 SXM", "tpu v5e", "T4", "cpu".

    Exact keys (any case) first, then ``peaks.match_accelerator``'s patterns, which take the
    names CUDA and JAX report too. Raises ``PredictError`` naming the known cards.
    """
    wanted = " ".join(str(text).split())
    if wanted.lower() in ("cpu", "cpu:0", "this cpu"):
        return CPU_CARD
    for key in peaks.ACCELERATOR_PEAKS:
        if key.lower() == wanted.lower():
            return key
    # "v5e" or "v6e" alone: the patterns need "TPU " in front.
    found = peaks.match_accelerator(wanted) or peaks.match_accelerator(f"TPU {wanted}")
    if found is None or not wanted:
        raise PredictError(f"no datasheet figures for {wanted!r}; known cards: {', '.join(cards())}")
    return found


def card(key: str) -> Card:
    """The model's inputs for a ``cards()`` key (``match_card`` turns a name into one)."""
    if key == CPU_CARD:
        return _cpu_card()
    if key not in peaks.ACCELERATOR_PEAKS:
        raise PredictError(f"unknown card {key!r}; known cards: {', '.join(cards())}")
    per_chip = peaks.DEVICES_PER_CHIP.get(key, 1)  # TPU v2/v3: a device is half a chip
    kind = "tpu" if key.startswith("TPU") else "gpu"
    bandwidth_source = peaks.ACCELERATOR_BANDWIDTH_SOURCES.get(key, peaks.ACCELERATOR_SOURCES[key])
    return Card(
        key=key, kind=kind, name=key,
        peaks_gflops={column: tflops * 1000 / per_chip for column, tflops in peaks.ACCELERATOR_PEAKS[key].items()},
        peak_source="spec", peak_note=peaks.ACCELERATOR_SOURCES[key],
        gbps=peaks.ACCELERATOR_BANDWIDTH_GBPS[key] / per_chip, gbps_note=bandwidth_source,
        overhead=peaks.CALL_OVERHEAD[kind], sms=peaks.GPU_SMS.get(key), mxu_edge=peaks.TPU_MXU_EDGE.get(key),
    )


def _cpu_card() -> Card:
    from dlenv.measure import devices  # psutil and py-cpuinfo, no framework

    cpu = devices.cpu_info()
    found = {dtype: devices.peak_for(cpu, dtype) for dtype in ("float32", "float64", "float16", "bfloat16")}
    estimates = {dtype: peak for dtype, peak in found.items() if peak is not None}
    gbps, gbps_note = cpu_reference_bandwidth()
    note = estimates["float32"].note if "float32" in estimates else "no estimate (core count or clock unknown)"
    return Card(key=CPU_CARD, kind="cpu", name=cpu.name, peaks_gflops={d: p.gflops for d, p in estimates.items()},
                peak_source="estimate", peak_note=note, gbps=gbps, gbps_note=gbps_note,
                overhead=peaks.CALL_OVERHEAD["cpu"])


def cpu_reference_bandwidth() -> tuple[float, str]:
    """(GB/s, where from): the largest element-wise add in the bundled CPU reference set.

    An add of two N x N float32 tensors too large for the caches moves 3 N^2 x 4 bytes at
    DRAM speed; the reference machine is a 2-vCPU AMD EPYC VM, so on another machine this
    is a stand-in: measure (``bench/predictions.py``) and pass ``gbps`` instead.
    """
    from dlenv.data import reference  # pydantic, no framework

    doc = reference.load(CPU_BANDWIDTH_REFERENCE)
    rows = [r for r in doc["results"] if r["workload"] == "elementwise" and r.get("timing", "synced") == "synced"]
    if not rows:
        raise PredictError(f"the reference set {CPU_BANDWIDTH_REFERENCE} has no element-wise result")
    largest = max(rows, key=lambda r: r["params"]["size"])
    size = largest["params"]["size"]
    return largest["gbps"], (f"measured: element-wise add {size}x{size} {largest['dtype']} in the bundled "
                             f"reference set {CPU_BANDWIDTH_REFERENCE}")


# ---------------------------------------------------------------- the model


@dataclass(frozen=True)
class _Peak:
    gflops: float
    column: str           # the ACCELERATOR_PEAKS column (or CPU dtype) used
    precision: str        # the effective matmul precision (dlenv.vocab.MATMUL_PRECISIONS)
    passes: int = 1       # bfloat16 passes per multiply (TPU float32)


def _peak(spec: Workload, hw: Card, float32_precision: str) -> _Peak:
    """The FLOP/s the spec's multiplies run at on ``hw``; PredictError where there is no figure."""
    dtype, have = spec.dtype, hw.peaks_gflops
    if dtype == "float32" and hw.kind == "tpu":
        passes = 1 if float32_precision == "tf32" else TPU_FLOAT32_PASSES
        return _Peak(have["bfloat16"] / passes, "bfloat16", "bfloat16" if passes == 1 else "float32", passes)
    if dtype == "float32" and hw.kind == "gpu" and float32_precision == "tf32" and "tf32" in have:
        return _Peak(have["tf32"], "tf32", "tf32")
    if dtype in have:
        return _Peak(have[dtype], dtype, dtype)
    if dtype == "bfloat16" and hw.kind == "gpu" and "float32" in have:
        # No bfloat16 units (T4, V100): XLA's GPU compiler keeps bfloat16 matrix multiplies only
        # from compute capability 8.0 and has its float normalization pass convert earlier GPUs'
        # to float32 (openxla/xla, xla/service/gpu/gpu_compiler.cc, GpuFloatSupport), so they
        # run at the float32 figure on CUDA cores.
        return _Peak(have["float32"], "float32", "float32")
    if isinstance(spec, Elementwise) and dtype != "float64":
        # An add is memory-bound by far (1 FLOP per 12 bytes); where the card has no
        # figure for the dtype (TPU float16), its largest figure stands for the vector units.
        column = max(have, key=have.get)
        return _Peak(have[column], column, dtype)
    figures = ", ".join(have) or "none"
    raise PredictError(f"{hw.key} has no datasheet figure for {dtype} (it has: {figures}); "
                       "predict another dtype or another card")


def dtype_note(spec: Workload, card_key: str, float32_precision: str = "tf32") -> str | None:
    """One line when the card has no figure for the spec's dtype and its figure for another
    precision stands in ("T4 has no bfloat16 figure: bfloat16 is predicted at its float32
    figure, ..."), None when the dtype's own figure (or, for float32, the figure
    ``float32_precision`` picks) is used. Raises ``PredictError`` as ``predict`` does."""
    hw = card(card_key if card_key in cards() else match_card(card_key))
    if spec.dtype == "float32" or isinstance(spec, Elementwise):
        return None  # float32: TF32 or not is the precision column's; an add: bound by memory
    ran = _peak(spec, hw, float32_precision).precision
    if ran == spec.dtype:
        return None
    why = (" (XLA converts bfloat16 matrix multiplies to float32 on a GPU without bfloat16 units)"
           if spec.dtype == "bfloat16" and ran == "float32" and hw.kind == "gpu" else "")
    return f"{hw.name} has no {spec.dtype} figure: {spec.dtype} is predicted at its {ran} figure{why}"


def _given_peak(spec: Workload, hw: Card, float32_precision: str, gflops: float) -> _Peak:
    """A measured ceiling in place of the datasheet's figure; the unit it runs on (tensor cores
    or not, hence the tile) and the precision stay what the datasheet rule says."""
    try:
        rule = _peak(spec, hw, float32_precision)
    except PredictError:
        return _Peak(gflops, spec.dtype, spec.dtype)
    return _Peak(gflops, rule.column, rule.precision)


def _compute_s(spec: Workload, hw: Card, peak: _Peak) -> tuple[float, float]:
    """(seconds of compute, the fraction of the peak the shape can use: 1 when it fills the device)."""
    flops = spec.flops()
    if isinstance(spec, Matmul) and hw.kind == "gpu" and hw.sms:
        tile_m, tile_n = peaks.GEMM_TILE_CUDA_CORES if peak.column == "float32" else peaks.GEMM_TILE_TENSOR
        tiles = math.ceil(spec.m / tile_m) * math.ceil(spec.n / tile_n)
        waves = math.ceil(tiles / hw.sms)
        seconds = waves * 2.0 * tile_m * tile_n * spec.k / (peak.gflops * 1e9 / hw.sms)
        return seconds, flops / (seconds * peak.gflops * 1e9)
    if isinstance(spec, Matmul) and hw.kind == "tpu" and hw.mxu_edge:
        edge = hw.mxu_edge
        padded = 2.0 * math.prod(math.ceil(d / edge) * edge for d in (spec.m, spec.n, spec.k))
        return padded / (peak.gflops * 1e9), flops / padded
    return flops / (peak.gflops * 1e9), 1.0


def _overhead_s(spec: Workload, hw: Card) -> float:
    """A kernel: one eager op. A model: one compiled Keras step, plus a launch per further kernel
    (a layer's forward; training adds two backward kernels per layer)."""
    if isinstance(spec, (MLP, CNN)):
        kernels = len(spec.layer_costs()) * (3 if spec.mode == "train" else 1)
        return hw.overhead.step_s[spec.mode] + (kernels - 1) * hw.overhead.launch_s
    return hw.overhead.op_s


def predict(spec: Workload, card_key: str, *, float32_precision: str = "tf32", peak_gflops: float | None = None,
            gbps: float | None = None, overhead_s: float | None = None) -> dict[str, Any]:
    """One result record (``dlenv.results/2``, provenance "predicted") for ``spec`` on a card.

    ``card_key``: a ``cards()`` key or a name ``match_card`` knows. ``float32_precision``:
    "tf32" (frameworks' default) or "float32" (see the module docstring). ``peak_gflops``,
    ``gbps``, ``overhead_s``: measured figures used instead of the datasheet's (the record's
    ``peak_source`` is then "measured"). ``median_s`` is the predicted seconds per call;
    ``model_*`` hold the inputs, ``model_bound`` the term that decided it. Raises
    ``PredictError`` for an unknown card, an unknown precision or a dtype without a figure.
    """
    if float32_precision not in FLOAT32_PRECISIONS:
        raise PredictError(f"float32_precision must be one of {', '.join(FLOAT32_PRECISIONS)}, "
                           f"got {float32_precision!r}")
    hw = card(card_key if card_key in cards() else match_card(card_key))
    peak = _given_peak(spec, hw, float32_precision, peak_gflops) if peak_gflops else _peak(spec, hw, float32_precision)
    bandwidth = gbps or hw.gbps
    compute, used = _compute_s(spec, hw, peak)
    memory = spec.bytes_moved() / (bandwidth * 1e9)
    overhead = _overhead_s(spec, hw) if overhead_s is None else overhead_s
    seconds = max(compute, memory) + overhead
    bound = "overhead" if overhead >= max(compute, memory) else ("compute" if compute >= memory else "memory")
    gflops = spec.flops() / seconds / 1e9
    datasheet = peak.gflops * peak.passes  # a TPU's float32: the bfloat16 figure
    record = {
        "workload": spec.name, "params": spec.params(), "label": spec.label(), "provenance": "predicted",
        "device": f"{hw.kind}:0", "device_name": hw.name, "device_kind": hw.kind, "dtype": spec.dtype,
        "median_s": seconds, "flops": spec.flops(), "bytes": spec.bytes_moved(),
        "memory_bytes": spec.memory_bytes(), "gflops": gflops, "gbps": spec.bytes_moved() / seconds / 1e9,
        "samples_per_s": spec.batch_size / seconds if spec.batch_size else None,
        "peak_gflops": datasheet, "peak_source": "measured" if peak_gflops else hw.peak_source,
        "pct_of_peak": 100.0 * gflops / datasheet, "peak_exceeded": False,
        "peak_note": ("measured ceiling given to the model" if peak_gflops
                      else f"{hw.peak_note}: {peak.column}")[:1000],
        "model_peak_gflops": peak.gflops, "model_gbps": bandwidth, "model_overhead_s": overhead,
        "model_bound": bound, "model_utilization": used,
        "provenance_source": SOURCE,
        "provenance_note": _note(spec, hw, peak, bandwidth, overhead, used, bound, peak_gflops, gbps)[:1000],
    }
    if isinstance(spec, Matmul):
        record["matmul_precision"] = peak.precision
        # The precision asked for; matmul_precision says what the card runs (a T4 has no TF32).
        record["matmul_precision_setting"] = f"float32_precision={float32_precision} (requested)"
    return record


def _note(spec: Workload, hw: Card, peak: _Peak, bandwidth: float, overhead: float, used: float, bound: str,
          given_peak: float | None, given_gbps: float | None) -> str:
    passes = f" / {peak.passes} bfloat16 passes" if peak.passes > 1 else ""
    fill = f", {100 * used:.2g}% of it usable by this shape" if used < 0.995 else ""
    peak_from = "measured" if given_peak else f"{peak.column}{passes}"
    if spec.dtype == "bfloat16" and peak.precision == "float32":
        peak_from += "; no bfloat16 units, so it runs as float32"
    gbps_from = "measured" if given_gbps else hw.gbps_note
    return (f"predicted from the datasheet: {hw.name}, {peak.gflops:,.0f} GFLOP/s ({peak_from}){fill}, "
            f"{bandwidth:,.1f} GB/s ({gbps_from}), {overhead * 1e6:.1f} us per call; {bound}-bound")


def predict_document(specs: list[Workload], card_keys: list[str], *, float32_precision: str = "tf32",
                     **measured: float | None) -> dict:
    """A results document of ``predict`` for every spec on every card: one environment per card,
    ``{"machine": "predicted: <card> (datasheet)", "devices": [...], "model": {...inputs...}}``.

    ``measured``: ``peak_gflops``/``gbps``/``overhead_s`` passed to every ``predict``. Not
    validated here (``dlenv.data.results.dumps`` does); raises ``PredictError`` like ``predict``.
    """
    from dlenv.data.results import document_of

    pairs = []
    for key in card_keys:
        hw = card(key if key in cards() else match_card(key))
        environment = {
            "machine": f"predicted: {hw.key} (datasheet)",
            "devices": [{"id": f"{hw.kind}:0", "kind": hw.kind, "name": hw.name}],
            "model": {"formula": "max(flops / peak, bytes / bandwidth) + overhead",
                      "float32_precision": float32_precision, "peaks_gflops": dict(hw.peaks_gflops),
                      "peak_source": hw.peak_note, "gbps": hw.gbps, "gbps_source": hw.gbps_note,
                      "op_overhead_s": hw.overhead.op_s, "step_overhead_s": dict(hw.overhead.step_s),
                      "launch_s": hw.overhead.launch_s, "overhead_source": hw.overhead.source,
                      "sms": hw.sms, "mxu_edge": hw.mxu_edge,
                      **{k: v for k, v in measured.items() if v is not None}},
        }
        pairs += [(predict(spec, hw.key, float32_precision=float32_precision, **measured), environment)
                  for spec in specs]
    return document_of(pairs)
