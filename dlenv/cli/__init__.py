"""The command line: ``python -m dlenv devices|run|import|push`` (also what a Colab notebook runs).

Exit codes: 0 success; 2 bad input (one line naming the value and what is allowed, no
traceback); 3 a requested measurement failed (the results that succeeded are written).

Everything that can be checked without a framework is checked before one is imported.
A run on one backend measures in this process; several backends run one child process
each (Keras fixes its backend at import) and their result files are merged.

``import`` and ``push`` store results files in a database (``dlenv.data.store``): ``import`` the
local SQLite one by default, ``push`` a shared one named with ``--db``. Every file is read
and checked before anything is stored, so one bad file stores nothing. ``run --save`` (or
``run --db URL``) stores what it measured.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, NoReturn

from dlenv.measure import backends
from dlenv.data import results
from dlenv.serve.plan import Refused
from dlenv.vocab import DTYPES, ELEMENTWISE_OPS, MODES, TIMINGS, WORKLOADS
from dlenv.measure.workloads import CNN, MLP, Elementwise, Matmul, WorkloadError

EXIT_OK, EXIT_BAD_INPUT, EXIT_FAILED = 0, 2, 3
DEVICE_TOKEN = re.compile(r"^(all|cpu|gpu|tpu)(:\d+)?$")
# ASCII digits only, and few of them: str.isdigit() also accepts "²", which int() refuses, and
# int() refuses over 4300 digits; both raised a ValueError with a traceback instead of exit 2.
WHOLE_NUMBER = re.compile(r"[0-9]{1,12}")


class CliError(Exception):
    """Bad input: printed as one line, exit code 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        # prog is "dlenv" or "dlenv run": the top-level parser (unrecognized arguments) has no command.
        command = "".join(f"{word} " for word in self.prog.split()[1:])
        raise CliError(f"{message} (see: python -m dlenv {command}--help)")


# ---------------------------------------------------------------- argument parsing

def _int_list(flag: str, text: str, lo: int = 1, hi: int = 65536) -> list[int]:
    values = []
    for item in text.split(","):
        item = item.strip()
        if not WHOLE_NUMBER.fullmatch(item) or not lo <= int(item) <= hi:
            raise CliError(f"{flag}: {item!r} is not allowed; give whole numbers from {lo} to {hi}, "
                           f"separated by commas (e.g. {lo},{min(hi, lo * 64)})")
        values.append(int(item))
    return values


def _matmul_shapes(text: str) -> list[tuple[int, int, int]]:
    shapes = []
    for item in text.split(","):
        parts = item.strip().lower().split("x")
        if len(parts) not in (1, 3):
            raise CliError(f"--sizes: {item!r} is not a size; give N (square) or MxNxK, e.g. 256,1024,512x256x128")
        dims = _int_list("--sizes", ",".join(parts))
        shapes.append((dims[0],) * 3 if len(dims) == 1 else tuple(dims))
    return shapes


def _choice_list(flag: str, text: str, allowed: Sequence[str]) -> list[str]:
    chosen = [item.strip() for item in text.split(",")]
    for item in chosen:
        if item not in allowed:
            raise CliError(f"{flag}: unknown value {item!r}; choose from {', '.join(allowed)}")
    return chosen


def _positive_float(flag: str, lo: float, hi: float):
    def parse(text: str) -> float:
        try:
            value = float(text)
        except ValueError:
            value = float("nan")
        if not lo <= value <= hi:  # NaN fails this too
            raise CliError(f"{flag}: {text!r} is not allowed; give a number from {lo:g} to {hi:g}")
        return value
    return parse


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="dlenv", description="Measure deep-learning workloads on every device and backend.")
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    devices = sub.add_parser("devices", help="list the devices each backend sees, with peak FLOP/s")
    _add_common(devices)
    devices.add_argument("--json", action="store_true", help="print JSON instead of a table")
    devices.add_argument("--measure", action="store_true",
                         help="also measure each device's ceiling (best large-matmul GFLOP/s, float32)")

    run = sub.add_parser("run", help="measure a workload")
    run.add_argument("workload", choices=WORKLOADS)
    _add_common(run)
    run.add_argument("--devices", default="cpu", help="cpu, gpu, tpu, all, or ids like gpu:1 (comma-separated)")
    run.add_argument("--dtype", default="float32", help=f"one or more of {', '.join(DTYPES)}")
    run.add_argument("--sizes", default="256,1024", help="matmul/elementwise: N or MxNxK, comma-separated")
    run.add_argument("--op", default="add", help=f"elementwise: {', '.join(ELEMENTWISE_OPS)}")
    run.add_argument("--depth", default=None, help="mlp/cnn: layers (comma-separated to sweep)")
    run.add_argument("--width", default="512", help="mlp: units per layer")
    run.add_argument("--input", default="784", help="mlp: input features")
    run.add_argument("--filters", default="32", help="cnn: filters per conv layer")
    run.add_argument("--image", default="32", help="cnn: image height and width")
    run.add_argument("--channels", default="3", help="cnn: input channels")
    run.add_argument("--batch", default=None, help="mlp/cnn: batch size (comma-separated to sweep)")
    run.add_argument("--mode", default="inference", help=f"mlp/cnn: {', '.join(MODES)} (or both)")
    run.add_argument("--timing", default="synced", choices=["synced", "naive", "both"],
                     help="naive leaves the device sync out of the clock, to show why it matters")
    run.add_argument("--budget", type=_positive_float("--budget", 0.05, 600), default=3.0,
                     help="seconds of sampling per measurement (default 3)")
    run.add_argument("--peak", default="table", choices=["table", "measured"],
                     help="%% of peak against the spec table/CPU estimate, or a measured ceiling")
    run.add_argument("--out", type=Path, help="write the results here: JSON, or CSV if the name ends in .csv")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no table")
    run.add_argument("--save", action="store_true",
                     help="store the results in the database (DLENV_DATABASE_URL, else the local SQLite file)")
    run.add_argument("--db", metavar="URL", help="store the results in this database (implies --save)")

    imp = sub.add_parser("import", help="store results files (JSON or CSV) in the local database")
    _add_store_args(imp, db_required=False)
    push = sub.add_parser("push", help="store results files in a shared database (--db is required)")
    _add_store_args(push, db_required=True)
    return parser


def _add_store_args(parser: argparse.ArgumentParser, db_required: bool) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="results files: JSON, or CSV (.csv)")
    parser.add_argument("--db", metavar="URL", required=db_required,
                        help="database URL, e.g. postgresql://user@host/dlenv" if db_required else
                        "database URL (default: DLENV_DATABASE_URL, else the local SQLite file)")
    parser.add_argument("--reference", action="store_true", help="mark the results as a reference set")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", default="tensorflow", help="tensorflow, jax, torch or all (installed ones)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads to use (default: all)")
    parser.add_argument("--virtual-cpus", type=int, default=None,
                        help="split the CPU into this many logical devices (to try multi-device runs)")


def workload_specs(args: argparse.Namespace) -> list:
    """Every spec the arguments ask for (a sweep is the product of the lists)."""
    dtypes = _choice_list("--dtype", args.dtype, DTYPES)
    try:
        if args.workload == "matmul":
            return [Matmul(m, n, k, dt) for dt in dtypes for m, n, k in _matmul_shapes(args.sizes)]
        if args.workload == "elementwise":
            ops = _choice_list("--op", args.op, ELEMENTWISE_OPS)
            return [Elementwise(n, op, dt) for dt in dtypes for op in ops
                    for n in _int_list("--sizes", args.sizes)]
        modes = _choice_list("--mode", args.mode, MODES)
        # "is None", not "or": an empty --depth= or --batch= is refused like an empty --sizes=, not read as the default.
        depths = _int_list("--depth", ("4" if args.workload == "mlp" else "3") if args.depth is None else args.depth, 1, 64)
        batches = _int_list("--batch", ("64" if args.workload == "mlp" else "32") if args.batch is None else args.batch)
        if args.workload == "mlp":
            return [MLP(depth=d, width=w, batch=b, mode=mo, input_dim=i, dtype=dt)
                    for dt, mo, d, w, b, i in itertools.product(
                        dtypes, modes, depths, _int_list("--width", args.width, 1, 16384), batches,
                        _int_list("--input", args.input))]
        return [CNN(depth=d, filters=f, batch=b, mode=mo, image=im, channels=c, dtype=dt)
                for dt, mo, d, f, b, im, c in itertools.product(
                    dtypes, modes, depths, _int_list("--filters", args.filters, 1, 2048), batches,
                    _int_list("--image", args.image, 4, 1024), _int_list("--channels", args.channels, 1, 64))]
    except WorkloadError as exc:
        raise CliError(str(exc)) from exc


def _backend_names(text: str) -> list[str]:
    names = backends.installed() if text == "all" else [text]
    for name in names:
        try:
            backends.require(name)
        except backends.BackendError as exc:
            raise CliError(str(exc)) from exc
    return names


def _check_common(args: argparse.Namespace) -> None:
    ncpu = len(os.sched_getaffinity(0))
    if args.threads is not None and not 1 <= args.threads <= ncpu:
        raise CliError(f"--threads: {args.threads} is not allowed; this machine has {ncpu} usable CPUs (1 to {ncpu})")
    if args.virtual_cpus is not None and not 1 <= args.virtual_cpus <= 16:
        raise CliError(f"--virtual-cpus: {args.virtual_cpus} is not allowed; give 1 to 16")


def _device_tokens(text: str) -> list[str]:
    tokens = [t.strip().lower() for t in text.split(",")]
    for token in tokens:
        if not DEVICE_TOKEN.match(token):
            raise CliError(f"--devices: unknown device {token!r}; use cpu, gpu, tpu, all or an id like gpu:0")
    return tokens


# ---------------------------------------------------------------- commands

def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        args = build_parser().parse_args(argv)
        if args.command in ("import", "push"):
            return cmd_store(args)
        _check_common(args)
        if args.command == "devices":
            return cmd_devices(args)
        return cmd_run(args)
    except CliError as exc:
        print(f"dlenv: error: {_printable(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT


def _printable(text: str) -> str:
    """Control characters escaped: argparse quotes a bad argument as typed, and a newline
    (or \x1f, which splitlines also breaks at) in it split the one-line error."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def cmd_devices(args: argparse.Namespace) -> int:
    names = _backend_names(args.backend)
    if len(names) > 1:
        measure = ["--measure"] if args.measure else []
        reports = [_child_json(["devices", "--json", *measure, *_common_flags(args), "--backend", n]) for n in names]
    else:
        reports = [_devices_report(names[0], args)]
    if args.json:
        print(json.dumps(reports if len(reports) > 1 else reports[0], indent=1, ensure_ascii=False))
    else:
        from dlenv.cli import table as report

        for rep in reports:
            report.print_devices(rep)
    return EXIT_OK


def _devices_report(name: str, args: argparse.Namespace) -> dict[str, Any]:
    from dlenv.measure import devices
    from dlenv.measure import execute

    backend = execute.prepare(name, args.threads, args.virtual_cpus)
    entries = []
    for device in backend.devices():
        measured = execute.measure_ceiling(device, "float32", backend) if args.measure else None
        peaks = {dt: devices.peak_for(device, dt, measured if dt == "float32" else None) for dt in DTYPES}
        entries.append({**device.to_dict(),
                        "peak": {dt: p.__dict__ for dt, p in peaks.items() if p is not None},
                        "measured_ceiling_gflops": measured})
    return {"backend": name, "versions": backend.versions(), "devices": entries}


def _common_flags(args: argparse.Namespace) -> list[str]:
    flags = []
    if args.threads:
        flags += ["--threads", str(args.threads)]
    if args.virtual_cpus:
        flags += ["--virtual-cpus", str(args.virtual_cpus)]
    return flags


def _child_json(argv: list[str]) -> dict[str, Any]:
    # A fresh interpreter per backend: Keras picks its backend once per process.
    done = subprocess.run([sys.executable, "-m", "dlenv", *argv], check=False, stdout=subprocess.PIPE, text=True)
    if done.returncode != EXIT_OK:
        raise CliError(f"the {argv[-1]} backend could not list its devices (exit {done.returncode})")
    return json.loads(done.stdout)


def cmd_run(args: argparse.Namespace) -> int:
    specs = workload_specs(args)
    tokens = _device_tokens(args.devices)
    names = _backend_names(args.backend)
    _check_out(args.out)
    if args.save or args.db:
        _open_store(args.db).close()  # a bad URL fails now, not after minutes of measuring
    if len(names) > 1:
        return _run_backends(names, specs, tokens, args)
    from dlenv.measure import execute

    backend = execute.prepare(names[0], args.threads, args.virtual_cpus)
    return _finish(_measure_all(specs, tokens, backend, args), args)


def _check_out(path: Path | None) -> None:
    """Refuse an --out file that cannot be written now: it used to fail with a traceback after measuring."""
    if path is None:
        return
    if "\x00" in str(path):  # only from Python callers; os functions raise ValueError on it
        raise CliError(f"--out: {_shown(path)} is not a usable file name")
    if path.is_dir():
        raise CliError(f"--out: {_shown(path)} is a folder; give a file name such as results.json or results.csv")
    if not path.parent.is_dir() or not os.access(path.parent, os.W_OK):
        raise CliError(f"--out: cannot write into {_shown(path.parent)}: no such folder, or not writable")


def _measure_all(specs: list, tokens: list[str], backend: Any, args: argparse.Namespace) -> dict[str, Any]:
    from dlenv.measure import execute
    from dlenv.cli import table as report
    from dlenv.measure.timing import TimingSettings

    timings = TIMINGS if args.timing == "both" else (args.timing,)
    try:
        tasks = execute.plan(specs, tokens, backend, timings)
    except Refused as exc:
        raise CliError(str(exc)) from exc
    with report.Progress(len(tasks), enabled=not args.quiet) as progress:
        return execute.run_plan(tasks, backend, TimingSettings(budget_s=args.budget), args.peak, progress.on_event)


def _run_backends(names: list[str], specs: list, tokens: list[str], args: argparse.Namespace) -> int:
    """The same request on several backends: one warm worker each, through the runner."""
    from dlenv.cli import table as report
    from dlenv.serve.plan import JobRequest
    from dlenv.serve.limits import Limits
    from dlenv.serve.runner import Runner

    timings = TIMINGS if args.timing == "both" else (args.timing,)
    request = JobRequest(backend=names[0], specs=tuple(specs), devices=tuple(tokens), timings=timings,
                         budget_s=args.budget, peak=args.peak, threads=args.threads)
    # The user's own machine: only the memory check in the worker limits sizes.
    runner = Runner(Limits(max_matmul=2**16, max_model_bytes=2**62, queue_per_session=len(names)),
                    virtual_cpus=args.virtual_cpus)
    try:
        jobs = runner.compare(request, names, session="cli")
        for job in jobs:
            with report.Progress(request.task_count, enabled=not args.quiet) as progress:
                while not job.wait(0.2):
                    if job.progress:
                        progress.on_event(job.progress)
    finally:
        runner.shutdown()
    refused = [job.error for job in jobs if job.error and job.error.kind in ("refused", "missing_device")]
    if refused:
        raise CliError(refused[0].message)
    docs = [job.doc for job in jobs if job.doc]
    failures = [{"workload": request.specs[0].name, "params": {}, "backend": job.backend, "device": tokens[0],
                 "dtype": request.specs[0].dtype, "error": job.error.message, "hint": job.error.hint}
                for job in jobs if job.error]
    if not docs:
        for failure in failures:
            print(f"dlenv: failed: {failure['error']} ({failure['hint']})", file=sys.stderr)
        return EXIT_FAILED
    merged = results.merge_documents(docs)
    merged["errors"] += failures
    return _finish(merged, args)


def _finish(doc: dict[str, Any], args: argparse.Namespace) -> int:
    from dlenv.cli import table as report

    try:
        if args.out and args.out.suffix.lower() == ".csv":
            args.out.write_text(results.to_csv(doc), encoding="utf-8")  # formula-safe cells
        elif args.out:
            results.dump(doc, args.out)
    except OSError as exc:  # checked before measuring, but a disk can fill up or a folder go away
        raise CliError(f"--out: cannot write {_shown(args.out)}: {exc.strerror or exc}") from exc
    if not args.quiet:
        report.print_results(doc)
    if args.save or args.db:
        _save(doc, args.db)  # after --out: a database failure still leaves the file
    for error in doc["errors"]:
        print(f"dlenv: failed: {error['error']} ({error['hint']})", file=sys.stderr)
    return EXIT_FAILED if doc["errors"] else EXIT_OK


# ---------------------------------------------------------------- the results database

def _open_store(url: str | None) -> Any:
    from dlenv.data import store

    try:
        return store.Store(url)
    except store.StoreError as exc:
        raise CliError(str(exc)) from exc


def _save(doc: dict[str, Any], url: str | None) -> None:
    from dlenv.data import store

    db = _open_store(url)
    try:
        saved = db.save_document(doc, source="local")
    except (store.StoreError, results.ResultsError) as exc:
        raise CliError(_one_line(exc)) from exc
    finally:
        db.close()
    print(f"saved: added {saved.added}, {saved.duplicates} already stored (database: {db.url_for_display})")


def _one_line(exc: Exception) -> str:
    """ResultsError lists several problems on indented lines; the CLI says it on one."""
    return str(exc).replace(":\n  - ", ": ").replace("\n  - ", "; ").replace("\n", " ")


def _shown(path: Path) -> str:
    """A file name as given, or quoted with escapes if it holds a newline or other control
    character (which would break the one-line error, or write raw bytes to the terminal)."""
    text = str(path)
    return text if text.isprintable() else repr(text)


def read_results_file(path: Path) -> dict[str, Any]:
    """A results file checked in full by ``dlenv.data.files.read_results``, the reader of the app's upload."""
    from dlenv.data.files import read_results

    try:
        with open(path, "rb") as file:
            data = file.read(results.MAX_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the path (from Python callers)
        raise CliError(f"{_shown(path)}: cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        return read_results(data, path.name)
    except results.ResultsError as exc:
        raise CliError(f"{_shown(path)}: {_one_line(exc)}") from exc


def cmd_store(args: argparse.Namespace) -> int:
    from dlenv.data import store

    if args.db is not None and not args.db.strip():
        raise CliError("--db: the database URL is empty; give one like postgresql://user:password@host/dbname")
    docs = [(path, read_results_file(path)) for path in args.files]  # all checked before any is stored
    db = _open_store(args.db)
    try:
        for index, (path, doc) in enumerate(docs):
            try:
                saved = db.save_document(doc, source=args.command, reference=args.reference)
            except results.ResultsError as exc:  # text the database cannot hold (a NUL character)
                stored = f" (the {index} files before it were stored)" if index else ""
                raise CliError(f"{_shown(path)}: {_one_line(exc)}{stored}") from exc
            print(f"{_shown(path)}: added {saved.added}, {saved.duplicates} already stored", flush=True)
    except store.StoreError as exc:
        raise CliError(str(exc)) from exc
    finally:
        db.close()
    print(f"database: {db.url_for_display}")
    return EXIT_OK
