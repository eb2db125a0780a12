"""What the command line prints: a progress bar on stderr and readable tables on stdout."""

from __future__ import annotations

import sys
from typing import Any

from rich import box
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, TextColumn, TimeElapsedColumn
from rich.progress import Progress as _RichProgress
from rich.table import Table

from dlenv.formats import number_text, percent_text

# Piped output (a log, a notebook cell) has no terminal width: give tables room
# instead of Rich's 80-column default, which squeezes them into ellipses.
_out = Console(width=None if sys.stdout.isatty() else 200)
_err = Console(stderr=True)


class Progress:
    """A bar over tasks; the description shows the current task and its sample count."""

    def __init__(self, total: int, enabled: bool = True) -> None:
        self._bar = _RichProgress(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn(),
                                  TimeElapsedColumn(), console=_err, disable=not enabled, transient=False)
        self._task = self._bar.add_task("starting", total=total)

    def __enter__(self) -> Progress:
        self._bar.start()
        return self

    def on_event(self, event: dict[str, Any]) -> None:
        """Follow a runner job's progress: the worker's ``task`` of ``tasks`` in ``call`` of ``calls``
        (``done``: that task has finished)."""
        done_before = (event.get("call", 1) - 1) * event["tasks"]
        self._bar.update(self._task, completed=done_before + event["task"] - (0 if event.get("done") else 1),
                         description=event["label"] + (f" (sample {event['sample']})" if "sample" in event else ""))
        if "failed" in event:
            self._bar.console.print(f"[red]failed:[/red] {event['failed']} ({event['hint']})", highlight=False)

    def complete(self) -> None:
        """Every task finished: fill the bar (an interrupted run leaves it at what really finished)."""
        self._bar.update(self._task, completed=self._bar.tasks[0].total)

    def __exit__(self, *exc: object) -> None:
        self._bar.stop()


def _fmt_time(seconds: float) -> str:
    for unit, scale in (("s", 1), ("ms", 1e-3), ("us", 1e-6)):
        if seconds >= scale:
            return f"{seconds / scale:.3g} {unit}"
    return f"{seconds / 1e-9:.3g} ns"


def _throughput(r: dict[str, Any]) -> str:
    """GFLOP/s (GB/s for an element-wise op), and samples/s for a model, formatted as the app's
    tables format them (``dlenv.formats.number_text``: "102,489", "56.8")."""
    if r["workload"] == "elementwise":
        return f"{number_text(r['gbps'])} GB/s"
    text = f"{number_text(r['gflops'])} GFLOP/s"
    if r.get("samples_per_s"):
        text += f", {number_text(r['samples_per_s'])} samples/s"
    return text


def _peak(r: dict[str, Any]) -> str:
    """% of peak as the app writes it ("0.3%", "12%"), then where the peak comes from."""
    if r.get("pct_of_peak") is None:
        return "-"
    flag = " (!)" if r.get("peak_exceeded") else ""
    return f"{percent_text(r['pct_of_peak'])} {r['peak_source']}{flag}"


def _machines(doc: dict[str, Any]) -> str:
    """The machine(s) that measured: one ``environment`` (results/1) or several ``environments``."""
    one = doc.get("environment")
    envs = [one] if isinstance(one, dict) else list((doc.get("environments") or {}).values())
    return ", ".join(dict.fromkeys(str(e.get("machine") or "?") for e in envs)) or "?"


def _label(r: dict[str, Any]) -> str:
    """The result's label, with what its matmul ran as when that differs from its dtype ("as TF32")."""
    label = r.get("label", r["workload"])
    ran = r.get("matmul_precision")
    return f"{label} (ran as {ran})" if ran and ran != r["dtype"] else label


def _where(r: dict[str, Any]) -> str:
    """Backend and device of a timing; the card of a published or predicted figure (it has no backend)."""
    return f"{r['backend']} {r['device']}" if r.get("backend") else f"{r['device_name']} {r['device']}"


def _spread(r: dict[str, Any]) -> str:
    """IQR as % of the median, flagged noisy or busy; "-" for a figure without samples."""
    if r.get("iqr_s") is None:
        return "-"
    return (f"{100 * r['iqr_s'] / r['median_s']:.1f}%" + (" noisy" if r.get("noisy") else "")
            + (" busy" if r.get("busy") else ""))


def print_results(doc: dict[str, Any]) -> None:
    table = Table(title=f"results from {_machines(doc)}", box=box.SIMPLE)
    for column in ("workload", "where", "provenance", "timing", "median", "IQR", "1st call", "throughput", "of peak"):
        table.add_column(column, justify="right" if column in ("median", "IQR", "1st call") else "left")
    for r in doc["results"]:
        table.add_row(_label(r), _where(r), r.get("provenance", "measured"), r.get("timing") or "-",
                      _fmt_time(r["median_s"]), _spread(r), _fmt_time(r["first_call_s"]) if r.get("first_call_s") else "-",
                      _throughput(r), _peak(r))
    _out.print(table)
    line = busy_line(doc["results"])
    if line:
        _out.print(line, highlight=False)
    for r in doc["results"]:
        if r.get("note"):
            _out.print(f"note ({r.get('label')}, {r['device']}, {r.get('timing') or '-'}): {r['note']}", highlight=False)
    for r in doc["results"]:
        if r.get("epoch_s"):
            print_epochs(r)


def print_epochs(r: dict[str, Any]) -> None:
    """A training's epochs (``dlenv run train``): time, samples/s, loss and accuracy, then its test accuracy."""
    title = f"{r.get('label', r['workload'])} on {r.get('backend') or '-'} {r['device']}"
    table = Table(title=title, box=box.SIMPLE)
    for column in ("epoch", "time", "samples/s", "loss", "accuracy", "val loss", "val accuracy"):
        table.add_column(column, justify="right")
    samples = r.get("train_samples")
    for i, seconds in enumerate(r["epoch_s"]):
        cells = [r.get(f"epoch_{name}", [None] * len(r["epoch_s"]))[i]
                 for name in ("loss", "accuracy", "val_loss", "val_accuracy")]
        table.add_row(f"{i + 1}" + (" (first)" if i == 0 else ""), _fmt_time(seconds),
                      f"{samples / seconds:,.0f}" if samples and seconds else "-",
                      *[f"{value:.4f}" if value is not None else "-" for value in cells])
    _out.print(table)
    if r.get("test_accuracy") is not None:
        _out.print(f"test accuracy {r['test_accuracy']:.4f} (loss {r['test_loss']:.4f}) on {r.get('test_samples')} "
                   f"images; whole fit {_fmt_time(r['fit_s'])}; fed by {r.get('feeder', '-')}", highlight=False)


def busy_line(rows: list[dict[str, Any]]) -> str | None:
    """One line saying that results were measured on a busy machine (``busy``), or None."""
    busy = [r for r in rows if r.get("busy")]
    if not busy:
        return None
    share = max((r.get("other_cpu_share") or 0) + (r.get("steal_share") or 0) for r in busy)
    which = "all results" if len(busy) == len(rows) else f"{len(busy)} of {len(rows)} results"
    return (f"busy: measured while other programs used up to {100 * share:.0f}% of the CPU ({which}, marked busy): "
            "measure again when the machine is quiet")


def print_devices(report: dict[str, Any]) -> None:
    versions = ", ".join(f"{k} {v}" for k, v in report["versions"].items())
    table = Table(title=f"{report['backend']} backend ({versions})")
    for column in ("id", "name", "memory", "details", "float32 peak", "bfloat16 peak"):
        table.add_column(column)
    for d in report["devices"]:
        memory = f"{d['memory_bytes'] / 2**30:.1f} GiB" if d.get("memory_bytes") else "-"
        details = (f"{d['cores']} cores, {', '.join(d['simd'][-3:])}" if d["kind"] == "cpu"
                   else f"compute {d.get('compute_capability') or '-'}, driver {d.get('driver') or '-'}")
        peaks = [f"{number_text(p['gflops'])} GFLOP/s ({p['source']})" if p else "-"
                 for p in (d["peak"].get("float32"), d["peak"].get("bfloat16"))]
        table.add_row(d["id"], d["name"], memory, details, *peaks)
    _out.print(table)


def print_predictions(doc: dict[str, Any]) -> None:
    """Predicted results (``dlenv predict``): time, throughput, % of the datasheet peak and the
    term that decided it; titled so that no one takes them for measurements."""
    table = Table(title="predicted from the datasheet (nothing was measured)", box=box.SIMPLE)
    for column in ("workload", "card", "precision", "predicted", "throughput", "of peak", "bound"):
        table.add_column(column, justify="right" if column == "predicted" else "left")
    for r in doc["results"]:
        table.add_row(r.get("label", r["workload"]), r["device_name"], r.get("matmul_precision") or r["dtype"],
                      _fmt_time(r["median_s"]), _throughput(r), _peak(r), r.get("model_bound") or "-")
    _out.print(table)
    _out.print("model: time = max(FLOPs / peak, bytes / bandwidth) + per-call overhead; "
               "inputs per card in --json (environments.*.model)", highlight=False)
