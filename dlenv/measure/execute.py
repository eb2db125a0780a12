"""Run workload specs in this process, on one backend: what a measuring process does.

The order is always: ``prepare`` the process (environment, then the framework import);
``plan`` a request into tasks, checking every one before any runs (no such device,
unsupported dtype, not enough memory); then ``run_plan``, which runs each task with
``run_task``: build the step inside the device scope, time it, and turn the
``Measurement`` into a result record (see ``dlenv.data.results`` for the fields).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from types import ModuleType
from typing import Any

from dlenv.data import results
from dlenv.measure import backends, contention, datasets, devices, environment, programs, training
from dlenv.measure.environment import now_iso
from dlenv.measure.timing import Measurement, TimingSettings, measure
from dlenv.measure.workloads import Elementwise, Matmul, Refused, Train, Workload
from dlenv.precision import MATMUL_WORKLOADS
from dlenv.vocab import DTYPES

MEMORY_HEADROOM = 0.9  # leave 10% of free memory to the framework and the OS


class MeasurementFailed(RuntimeError):
    """A task that failed while running; ``hint`` says what to try instead."""

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.hint = hint


def prepare(backend_name: str, threads: int | None = None, virtual_cpus: int | None = None) -> ModuleType:
    """Configure this process for ``backend_name`` and import it. Once per process."""
    backend = backends.require(backend_name)
    backends.configure_process(backend_name, threads, virtual_cpus)
    backend.load()
    backends.pin_keras(backend_name)
    return backend


def _gib(n: float) -> str:
    return f"{n / 2**30:.1f} GiB"


def check(spec: Workload, device: devices.DeviceInfo, backend: ModuleType) -> str | None:
    """Why ``spec`` cannot run on ``device`` (one sentence saying what to change), or None."""
    problem = backends.dtype_problem(device, spec.dtype)
    if problem:
        return problem
    if isinstance(spec, Train) and (problem := datasets.availability_problem(spec.dataset)):
        return problem
    free = backend.free_memory(device.id)
    if free is None or spec.memory_bytes() <= free * MEMORY_HEADROOM:
        return None
    message = f"{spec.label()} needs about {_gib(spec.memory_bytes())} but {device.id} has {_gib(free)} free"
    if isinstance(spec, (Matmul, Elementwise)):
        return f"{message}; the largest size that fits is {spec.largest_square_fitting(int(free * MEMORY_HEADROOM))}"
    return f"{message}; use a smaller batch, width or depth"


@dataclass(frozen=True)
class Task:
    spec: Workload
    device: devices.DeviceInfo
    timings: tuple[str, ...] = ("synced",)


def resolve_devices(tokens: Sequence[str], available: list[devices.DeviceInfo],
                    backend_name: str) -> list[devices.DeviceInfo]:
    """The devices named by ``tokens`` (cpu, gpu, tpu, all, or ids like gpu:1), in order;
    ``Refused`` (kind "missing_device") if a token names none."""
    chosen: list[devices.DeviceInfo] = []
    for token in tokens:
        matches = [d for d in available if token == "all" or d.kind == token or d.id == token]
        if not matches:
            raise _missing(token, available, backend_name)
        chosen += [d for d in matches if d not in chosen]
    return chosen


def missing_devices(tokens: Sequence[str], available: list[devices.DeviceInfo]) -> list[str]:
    """The tokens of ``tokens`` that name no device of ``available``."""
    return [token for token in tokens
            if not any(token == "all" or d.kind == token or d.id == token for d in available)]


def missing_device_errors(specs: Sequence[Workload], tokens: Sequence[str], available: list[devices.DeviceInfo],
                          backend_name: str) -> list[dict[str, Any]]:
    """One error record per missing device token (results-document ``errors`` entries), so a
    request for "cpu" and "gpu" on a machine without a GPU measures the CPU and says why the
    GPU is not there, instead of failing as a whole."""
    errors = []
    for token in tokens:
        refused = _missing(token, available, backend_name)
        errors.append({"workload": specs[0].name, "backend": backend_name, "error": str(refused),
                       "hint": refused.hint, "kind": refused.kind, "device_kind": token.partition(":")[0]})
    return errors


def _missing(token: str, available: list[devices.DeviceInfo], backend_name: str) -> Refused:
    have = ", ".join(d.id for d in available)
    return Refused(f"no {token} device found by the {backend_name} backend here; available: {have}",
                   "choose an available device, or run where that device is (see the Colab notebook)",
                   kind="missing_device")


def plan(specs: Sequence[Workload], device_tokens: Sequence[str], backend: ModuleType,
         timings: Sequence[str] = ("synced",)) -> list[Task]:
    """Every (spec, device) task of a request, each checked before anything runs."""
    chosen = resolve_devices(device_tokens, backend.devices(), backend.NAME)
    tasks = []
    for spec in specs:
        for device in chosen:
            problem = check(spec, device, backend)
            if problem:
                raise Refused(problem, "change the size, dtype or device")
            tasks.append(Task(spec, device, tuple(timings)))
    return tasks


def run_plan(tasks: Sequence[Task], backend: ModuleType, settings: TimingSettings = TimingSettings(),
             peak: str = "table", on_event: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """Measure every task; a failed task is recorded under ``errors`` and the rest go on.

    ``on_event`` receives progress: {"environment": {...}} first (who measures, on what),
    then {"task": i, "tasks": n, "label": ...} when a task starts, the same with
    "sample": k after each sample, with "finished": [records] when it has finished (so a
    run stopped half-way keeps what it measured), and with "failed" and "hint" when it
    fails. Returns a results document.
    """
    emit = on_event or (lambda event: None)
    env = environment.collect(backend, backend.devices())
    emit({"environment": env})
    records: list[dict[str, Any]] = []
    errors: list[dict[str, Any]] = []
    ceilings: dict[tuple[str, str], float] = {}
    for index, task in enumerate(tasks, 1):
        where = {"task": index, "tasks": len(tasks), "label": f"{backend.NAME} {task.device.id} {task.spec.label()}"}
        emit(where)
        try:
            key = (task.device.id, task.spec.dtype)
            if peak == "measured" and key not in ceilings:
                ceilings[key] = measure_ceiling(task.device, task.spec.dtype, backend, settings)
            if isinstance(task.spec, Train):
                finished = [run_training(task, backend, lambda info, where=where: emit(_training_event(where, info)))]
            else:
                finished = run_task(task, backend, settings, ceilings.get(key),
                                    lambda n, where=where: emit({**where, "sample": n}))
            records += finished
            emit({**where, "finished": finished})
        except MeasurementFailed as exc:
            errors.append({"workload": task.spec.name, "params": task.spec.params(), "backend": backend.NAME,
                           "device": task.device.id, "dtype": task.spec.dtype, "error": str(exc), "hint": exc.hint})
            emit({**where, "failed": str(exc), "hint": exc.hint})
    return results.make_document(records, env, errors)


def run_task(task: Task, backend: ModuleType, settings: TimingSettings = TimingSettings(),
             measured_peak: float | None = None,
             on_sample: Callable[[int], None] | None = None) -> list[dict[str, Any]]:
    """Measure one task; one result record per timing (synced, naive)."""
    import keras

    present = _device_ids(backend)
    if task.device.id not in present:
        # TensorFlow would quietly run on the CPU instead (soft device placement).
        raise MeasurementFailed(f"there is no device {task.device.id} for the {backend.NAME} backend here",
                                f"choose one of {', '.join(present)}")
    try:
        records = []
        with keras.device(backend.keras_device(task.device.id)):
            step = programs.build(task.spec, backend)  # a model's parameters are checked here
            ran = {"threads": backend.threads() if task.device.kind == "cpu" else None,
                   "parameter_count": getattr(step, "parameter_count", None),
                   "precision": (backend.matmul_precision(task.device, task.spec.dtype)
                                 if task.spec.name in MATMUL_WORKLOADS else None)}
            for timing in task.timings:
                started = now_iso()
                probe = contention.Probe()  # what other programs use while this is timed
                m = measure(step, backend.sync, settings, naive=(timing == "naive"), on_sample=on_sample)
                interval = {"started_at": started, "ended_at": now_iso(), **probe.stop().to_dict()}
                record = result_record(task.spec, backend.NAME, task.device, m, measured_peak, **ran)
                records.append({**record, **interval})
    except Exception as exc:  # noqa: BLE001  (every framework error becomes a message)
        raise _explain(exc, task, backend) from exc
    return records


def run_training(task: Task, backend: ModuleType, on_event: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    """Train a ``Train`` spec on the task's device (``dlenv.measure.training``): its result record.

    ``on_event`` receives the download's and each epoch's progress; a failure is a
    ``MeasurementFailed`` saying what happened, as for ``run_task``.
    """
    import keras

    present = _device_ids(backend)
    if task.device.id not in present:
        raise MeasurementFailed(f"there is no device {task.device.id} for the {backend.NAME} backend here",
                                f"choose one of {', '.join(present)}")
    try:
        with keras.device(backend.keras_device(task.device.id)):
            return training.run_task(task.spec, backend, task.device, on_event)
    except datasets.DatasetUnavailable as exc:
        raise MeasurementFailed(str(exc), "use --dataset digits, which needs no network") from exc
    except Exception as exc:  # noqa: BLE001  (every framework error becomes a message)
        raise _explain(exc, task, backend) from exc


def _training_event(where: dict[str, Any], info: dict[str, Any]) -> dict[str, Any]:
    """A training's progress as a task event, its label saying the epoch (or the download)."""
    if "epoch" in info:
        step = f" epoch {info['epoch']}/{info['epochs']}"
    else:
        step = f" downloading {info['download'] / 1e6:.1f}/{info['download_total'] / 1e6:.1f} MB"
    return {**where, **info, "label": where["label"] + step}


@functools.cache
def _device_ids(backend: ModuleType) -> tuple[str, ...]:
    return tuple(d.id for d in backend.devices())  # devices do not change within a process


def _explain(exc: Exception, task: Task, backend: ModuleType) -> MeasurementFailed:
    if isinstance(exc, MeasurementFailed):  # already says what happened and what to do
        return exc
    first_line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:300]
    if isinstance(exc, MemoryError) or backend.is_out_of_memory(exc):
        return MeasurementFailed(f"{task.spec.label()} ran out of memory on {task.device.id}",
                                 "use a smaller size or batch, or another device")
    return MeasurementFailed(f"{task.spec.label()} failed on {task.device.id}: {first_line}",
                             "check the parameters; report a bug if it persists")


def result_record(spec: Workload, backend_name: str, device: devices.DeviceInfo, m: Measurement,
                  measured_peak: float | None = None, threads: int | None = None,
                  parameter_count: int | None = None, precision: tuple[str, str] | None = None) -> dict[str, Any]:
    """A result record (``dlenv.data.results`` schema) from a measurement.

    ``threads``: the CPU threads the framework computed with (``backend.threads()``; the
    usable CPUs if not given), which the CPU peak is scaled to. ``measured_peak``: the
    measured ceiling, which is then the peak. ``parameter_count``: the model that ran.
    ``precision``: (what its matmuls ran as, the framework setting read), from
    ``backend.matmul_precision``, recorded as ``matmul_precision`` and
    ``matmul_precision_setting``; the peak is the one for that precision (TF32's on a GPU).
    """
    gflops = spec.flops() / m.median / 1e9
    if device.kind == "cpu" and threads is None:
        threads = device.threads
    peak = devices.peak_for(device, spec.dtype, measured_peak, threads, precision[0] if precision else None)
    pct, exceeded = devices.percent_of_peak(gflops, peak)
    record = {
        "workload": spec.name, "params": spec.params(), "label": spec.label(), "provenance": "measured",
        "backend": backend_name, "device": device.id, "device_name": device.name,
        "device_kind": device.kind, "dtype": spec.dtype,
        "threads": threads if device.kind == "cpu" else None,  # a CPU's time depends on it
        **m.to_dict(),
        "flops": spec.flops(), "bytes": spec.bytes_moved(), "memory_bytes": spec.memory_bytes(),
        "gflops": gflops, "gbps": spec.bytes_moved() / m.median / 1e9,
        "samples_per_s": spec.batch_size / m.median if spec.batch_size else None,
        "peak_gflops": peak.gflops if peak else None, "peak_source": peak.source if peak else None,
        "pct_of_peak": pct, "peak_exceeded": exceeded, "peak_note": peak.note[:1000] if peak else None,
        "measured_at": now_iso(),
    }
    if parameter_count is not None:
        record["parameter_count"] = parameter_count
    if precision is not None:
        record["matmul_precision"], record["matmul_precision_setting"] = precision
    if m.timing == "naive":
        record["note"] = ("naive timing: the clock stopped before the device finished, so this shows the time "
                          "to queue the work, not to do it")
    elif exceeded and peak.source == "measured":
        record["note"] = (f"faster than the measured ceiling of {peak.gflops:.0f} GFLOP/s: the ceiling's matmul "
                          "ran slower than this one (the machine was busier then, or this size suits it better)")
    elif exceeded:
        record["note"] = (f"faster than the {peak.source} peak of {peak.gflops:.0f} GFLOP/s: that peak is too "
                          "low (a virtual machine can hide the real clock); use --peak measured")
    return record


def device_report(backend: ModuleType, measure: bool = False) -> list[dict[str, Any]]:
    """Every device the backend sees: its description, free memory, datasheet or estimated peak
    per dtype, and with ``measure`` its measured float32 ceiling (``measure_ceiling``, seconds each)."""
    entries = []
    for device in backend.devices():
        measured = measure_ceiling(device, "float32", backend) if measure else None
        threads = backend.threads() if device.kind == "cpu" else None
        peaks = {dtype: devices.peak_for(device, dtype, measured if dtype == "float32" else None, threads)
                 for dtype in DTYPES}
        entries.append({**device.to_dict(), "free_bytes": backend.free_memory(device.id),
                        "peak": {dtype: peak.__dict__ for dtype, peak in peaks.items() if peak is not None},
                        "measured_ceiling_gflops": measured})
    return entries


def ceiling_spec(device: devices.DeviceInfo, dtype: str) -> Matmul:
    """The matmul whose best throughput is quoted as a device's measured ceiling."""
    return Matmul.square(2048 if device.kind == "cpu" else 8192, dtype)


def measure_ceiling(device: devices.DeviceInfo, dtype: str, backend: ModuleType,
                    settings: TimingSettings = TimingSettings()) -> float:
    """Best GFLOP/s of a large matmul on ``device``: the "maximum achievable" rate."""
    spec = ceiling_spec(device, dtype)
    record = run_task(Task(spec, device), backend, settings)[0]
    return spec.flops() / record["min_s"] / 1e9
