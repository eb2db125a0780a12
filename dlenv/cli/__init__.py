"""The command line: ``python -m dlenv devices|run|predict|import|push|class-code`` (also what a Colab notebook runs).

Exit codes: 0 success; 2 bad input (one line naming the value and what is allowed, no
traceback); 3 a requested measurement failed (the results that succeeded are written).

Everything that can be checked without a framework is checked before anything starts
(``dlenv.cli.args``). ``run`` and ``devices`` hand a request to a ``Runner``, like the
dashboard does: it measures in worker processes, one per backend and thread count, under
the machine-wide lock, so a CLI never times at the same moment as another CLI or an app.

``import`` and ``push`` store results files in a database (``dlenv.data.store``): ``import`` the
local SQLite one by default, ``push`` a shared one named with ``--db``. Every file is read
and checked before anything is stored, so one bad file stores nothing. ``run --save`` (or
``run --db URL``) stores what it measured. A database with a class code (``class-code``, or
recorded by the app, ``dlenv.ui.classroom``) needs it (``DLENV_CLASS_CODE`` or ``--class-code``)
and a nickname (``DLENV_NICKNAME`` or ``--nickname``) for any of these, before anything is stored.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from dlenv.cli.args import CliError, backend_names, build_parser, check_common, device_tokens, timings, workload_specs
from dlenv.data import results
from dlenv.serve.plan import DeviceQuery, Plan, Request

EXIT_OK, EXIT_BAD_INPUT, EXIT_FAILED = 0, 2, 3


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    for stream in (sys.stdout, sys.stderr):  # a console that cannot show a machine's name gets "?"
        if hasattr(stream, "reconfigure"):
            stream.reconfigure(errors="replace")
    try:
        args = build_parser().parse_args(argv)
        if args.command in ("import", "push"):
            return cmd_store(args)
        if args.command == "class-code":
            return cmd_class_code(args)
        if args.command == "predict":
            return cmd_predict(args)
        if args.command == "reference":
            return cmd_reference(args)
        check_common(args)
        if args.command == "devices":
            return cmd_devices(args)
        return cmd_run(args)
    except CliError as exc:
        print(f"dlenv: error: {_printable(str(exc))}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:  # `python -m dlenv ... --json | head`: the reader stopped, not an error of ours
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())  # no second error at exit
        return EXIT_OK


def _printable(text: str) -> str:
    """Control characters escaped: argparse quotes a bad argument as typed, and a newline
    (or \x1f, which splitlines also breaks at) in it split the one-line error."""
    return text if text.isprintable() else "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


def cmd_devices(args: argparse.Namespace) -> int:
    names = backend_names(args.backend)
    job, signum = _run_job(DeviceQuery(tuple(names), measure=args.measure), args, quiet=True)
    if signum:
        print(f"dlenv: stopped by {signal.Signals(signum).name}", file=sys.stderr)
        return 128 + signum
    reports = [job.result[name] for name in names if name in (job.result or {})]
    if not reports:
        raise CliError(job.error.message)
    if args.json:
        print(json.dumps(reports if len(reports) > 1 else reports[0], indent=1, ensure_ascii=False))
    else:
        from dlenv.cli import table

        for report in reports:
            table.print_devices(report)
    _print_failures([{"error": e.message, "hint": e.hint} for e in job.errors])
    return EXIT_FAILED if job.errors else EXIT_OK


def cmd_run(args: argparse.Namespace) -> int:
    plan = Plan(tuple(workload_specs(args)), tuple(device_tokens(args.devices)), timings(args),
                tuple(backend_names(args.backend)), (args.threads,), args.budget, args.peak,
                strict_float32=args.strict_float32, label=args.workload)
    _check_training(plan)
    _check_out(args.out)
    if args.save or args.db:
        db = _open_store(args.db)  # a bad URL or a missing class code fails now, not after minutes of measuring
        try:
            write_access(db, None, None)
        finally:
            db.close()
    job, signum = _run_job(plan, args, quiet=args.quiet)
    if signum:
        return _interrupted(job, plan, args, signum)
    refused = [e for e in job.errors if e.kind in ("refused", "missing_device", "missing_backend")]
    if job.result is None and refused:
        raise CliError(refused[0].message)
    if job.result is None:
        _print_failures([{"error": e.message, "hint": e.hint} for e in job.errors])
        return EXIT_FAILED
    return _finish(job.result, args)


def _check_training(plan: Plan) -> None:
    """A training's dataset must be here or downloadable, and it must fit in the memory free
    now: said in one line before any worker starts (the worker checks again)."""
    import psutil

    from dlenv.measure import datasets
    from dlenv.measure.execute import MEMORY_HEADROOM
    from dlenv.measure.workloads import Train
    from dlenv.serve.limits import train_hint

    room = psutil.virtual_memory().available * MEMORY_HEADROOM
    for spec in plan.specs:
        if not isinstance(spec, Train):
            continue
        if spec.memory_bytes() > room:
            raise CliError(f"{spec.label()} needs about {spec.memory_bytes() / 2**20:,.0f} MB but this machine has "
                           f"{room / 2**20:,.0f} MB free; {train_hint(spec, lambda s: s.memory_bytes() <= room)}")
        problem = datasets.availability_problem(spec.dataset)
        if problem:
            raise CliError(problem)


def _run_job(request: Request, args: argparse.Namespace, quiet: bool) -> tuple[Any, int]:
    """Run one request through a runner of this process's own, following its progress on stderr.

    Returns the finished job, and the signal that stopped it (SIGINT for Ctrl-C, SIGTERM) or 0:
    a signal cancels the job, which keeps what had finished.
    """
    from dlenv.cli import table
    from dlenv.serve.limits import Limits
    from dlenv.serve.runner import Runner

    # The user's own machine: only the memory check in the worker limits sizes.
    runner = Runner(Limits(max_matmul=2**16, max_model_bytes=2**62), virtual_cpus=args.virtual_cpus)
    stopped: list[int] = []

    def stop(signum: int, _frame: Any) -> None:
        stopped.append(signum)
        job.cancel()

    try:
        job = runner.submit(request, session="cli")
        previous = {sig: signal.signal(sig, stop) for sig in (signal.SIGINT, signal.SIGTERM)}
        try:
            _follow(job, table.Progress(request.task_count if isinstance(request, Plan) else 0,
                                        enabled=not quiet and isinstance(request, Plan)))
        finally:
            for sig, handler in previous.items():
                signal.signal(sig, handler)
    finally:
        runner.shutdown()
    if job.waited_s >= 0.5:
        print(f"dlenv: waited {job.waited_s:.1f} s for another dlenv measurement to finish", file=sys.stderr)
    return job, (stopped[0] if stopped else 0)


def _follow(job: Any, progress: Any) -> None:
    """Show a job's progress (and whom it waits for) until it has finished."""
    told = False
    with progress:
        while not job.wait(0.2):
            if "waiting_for" in job.progress and not told:
                holder = job.progress["waiting_for"]
                what = holder.describe() if holder else "waiting for another dlenv measurement"
                print(f"dlenv: {what} (Ctrl-C cancels)", file=sys.stderr, flush=True)
                told = True
            elif "task" in job.progress:
                progress.on_event(job.progress)
        if "task" in job.progress:
            progress.on_event(job.progress)
        if job.state != "cancelled":
            progress.complete()


def _interrupted(job: Any, plan: Plan, args: argparse.Namespace, signum: int) -> int:
    """A run stopped by a signal: keep what finished (``--out``, the database), exit 128 + signal."""
    name = signal.Signals(signum).name
    doc = job.result
    finished = len(doc["results"]) if doc else 0
    print(f"dlenv: stopped by {name} after {finished} of {plan.task_count} measurements", file=sys.stderr)
    if doc:
        _finish(doc, args)
    return 128 + signum


def _print_failures(errors: list[dict[str, Any]]) -> None:
    for error in errors:
        print(f"dlenv: failed: {error['error']} ({error['hint']})", file=sys.stderr)


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


def _finish(doc: dict[str, Any], args: argparse.Namespace) -> int:
    from dlenv.cli import table

    try:
        if args.out and args.out.suffix.lower() == ".csv":
            args.out.write_text(results.to_csv(doc), encoding="utf-8")  # formula-safe cells
        elif args.out:
            results.dump(doc, args.out)
    except OSError as exc:  # checked before measuring, but a disk can fill up or a folder go away
        raise CliError(f"--out: cannot write {_shown(args.out)}: {exc.strerror or exc}") from exc
    except results.ResultsError as exc:  # a value dlenv would not read back: said, never a traceback
        raise CliError(f"--out: not written: {_one_line(exc)}") from exc
    if args.out:
        print(f"dlenv: wrote {len(doc['results'])} results to {_shown(args.out)}", file=sys.stderr)
    if args.save or args.db:
        _save(doc, args.db)  # after --out, before printing: a failure of either still leaves the file
    if not args.quiet:
        table.print_results(doc)
    _print_failures(doc["errors"])
    return EXIT_FAILED if doc["errors"] else EXIT_OK


# ---------------------------------------------------------------- predict: from the datasheet, nothing runs

def cmd_predict(args: argparse.Namespace) -> int:
    """Print each spec's predicted time on each card (``dlenv.measure.predict``): a table, or with
    ``--json`` the results document, every record ``provenance: "predicted"``."""
    from dlenv.cli import table
    from dlenv.cli.args import predict_cards
    from dlenv.measure import predict

    specs, cards = workload_specs(args), predict_cards(args.device)
    if args.workload == "train":  # an epoch: steps of the datasheet model (dlenv.measure.training)
        from dlenv.measure import training

        document = training.predict_document
    else:
        document = predict.predict_document
    # Card by card: a card without a figure for the dtype (float16 on a TPU) is left out and said,
    # the others are still printed (exit 3, as run does when part of a request failed).
    docs, failures = [], []
    for card in cards:
        try:
            docs.append(document(specs, [card], float32_precision=args.precision))
        except predict.PredictError as exc:
            failures.append(str(exc))
    if not docs:
        raise CliError(failures[0])
    doc = results.merge_documents(docs) if len(docs) > 1 else docs[0]
    for failure in failures:
        print(f"dlenv: left out: {_printable(failure)}", file=sys.stderr)
    for note in _dtype_notes(predict, specs, cards, args.precision):
        print(f"dlenv: note: {note}", file=sys.stderr)
    if args.json:
        print(results.dumps(doc))  # validated: what --json prints, dlenv reads back
    else:
        table.print_predictions(doc)
    return EXIT_FAILED if failures else EXIT_OK


def _dtype_notes(predict: Any, specs: list[Any], cards: list[str], float32_precision: str) -> list[str]:
    """``predict.dtype_note`` for every card and distinct dtype asked for: a card predicted at
    another precision's figure (bfloat16 on a T4 at float32's) says so, once per card and dtype."""
    notes: list[str] = []
    for card in cards:
        for spec in specs:
            step = spec.step_spec() if hasattr(spec, "step_spec") else spec  # a training: its step
            try:
                note = predict.dtype_note(step, card, float32_precision)
            except predict.PredictError:  # left out above
                continue
            if note and note not in notes:
                notes.append(note)
    return notes


def cmd_reference(args: argparse.Namespace) -> int:
    """``reference list``: every bundled set with its provenance, cards and source;
    ``reference show NAME``: its results (a table, or with ``--json`` the document)."""
    import json

    from dlenv.cli import table
    from dlenv.data import reference

    if args.action == "list":
        listing = [reference.info(name) for name in reference.names()]
        if args.json:
            print(json.dumps(listing, ensure_ascii=False, indent=1))
        for entry in () if args.json else listing:
            print(f"{entry['name']}  [{entry['kind']}]  {entry['title'] or ''}")
            print(f"    cards: {', '.join(dict.fromkeys(card for card in entry['cards'] if card)) or '-'}")
            if entry["source"]:
                print(f"    source: {entry['source']} @ {entry['version'] or '?'} ({entry['licence'] or 'licence ?'})")
        return EXIT_OK
    try:
        doc = reference.load(args.name)
    except reference.UnknownReferenceSet as exc:
        raise CliError(str(exc)) from exc
    if args.json:
        print(results.dumps(doc))
    else:
        table.print_results(doc)
    return EXIT_OK


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
        saved = db.save_document(doc, source="local", added_by=write_access(db, None, None))
    except (store.StoreError, results.ResultsError) as exc:
        raise CliError(_one_line(exc)) from exc
    finally:
        db.close()
    print(f"saved: added {saved.added}, {saved.duplicates} already stored (database: {db.url_for_display})")


def write_access(db: Any, code: str | None, nickname: str | None) -> str | None:
    """Who writes to ``db``: the checked nickname (``--nickname``, else ``DLENV_NICKNAME``).

    A database with a class code (recorded by the app that has one, ``Store.set_class_code``)
    needs that code (``--class-code``, else ``DLENV_CLASS_CODE``) and a nickname; CliError
    otherwise, before anything is stored. The code is never printed.
    """
    from dlenv.data.classcode import AccessError, check_nickname

    required = db.class_code_required()
    if required:
        typed = code if code is not None else os.environ.get("DLENV_CLASS_CODE")
        if not typed:
            raise CliError(f"{db.url_for_display} has a class code: set DLENV_CLASS_CODE to the code your teacher "
                           "gave (or pass --class-code); nothing was stored")
        if not db.check_class_code(typed):
            raise CliError(f"the class code is not the one {db.url_for_display} has (DLENV_CLASS_CODE or "
                           "--class-code); nothing was stored")
    try:
        who = check_nickname(nickname if nickname is not None else os.environ.get("DLENV_NICKNAME"),
                             required=required)
    except AccessError as exc:
        raise CliError(f"--nickname: {exc} (or set DLENV_NICKNAME); nothing was stored") from None
    return who


def _one_line(exc: Exception) -> str:
    """ResultsError lists several problems on indented lines; the CLI says it on one."""
    return str(exc).replace(":\n  - ", ": ").replace("\n  - ", "; ").replace("\n", " ")


def _shown(path: Path) -> str:
    """A file name as given, or quoted with escapes if it holds a newline or other control
    character (which would break the one-line error, or write raw bytes to the terminal)."""
    text = str(path)
    return text if text.isprintable() else repr(text)


def read_results_file(path: Path) -> dict[str, Any]:
    """A results file checked in full by ``dlenv.data.files.read_file``, the reader of the app's upload;
    what it adapted or left out (a spreadsheet's dialect, a newer dlenv's fields) is said on stdout."""
    from dlenv.data.files import read_file

    try:
        with open(path, "rb") as file:
            data = file.read(results.MAX_BYTES + 1)
    except (OSError, ValueError) as exc:  # ValueError: a NUL character in the path (from Python callers)
        raise CliError(f"{_shown(path)}: cannot read: {getattr(exc, 'strerror', None) or exc}") from exc
    try:
        checked = read_file(data, path.name)
    except results.ResultsError as exc:
        raise CliError(f"{_shown(path)}: {_one_line(exc)}") from exc
    for notice in checked.notices:
        print(f"{_shown(path)}: note: {notice}")
    return checked.document


def cmd_class_code(args: argparse.Namespace) -> int:
    """Record the class code's salted hash (``DLENV_CLASS_CODE``; never an argument, so it stays
    out of the shell's history) in a database, or remove it with --clear."""
    code = None if args.clear else os.environ.get("DLENV_CLASS_CODE", "")
    if code is not None and not code.strip():
        raise CliError("set DLENV_CLASS_CODE to the class code first (or pass --clear to remove the code)")
    db = _open_store(args.db)
    try:
        changed = db.set_class_code(code)
    except ValueError as exc:  # a code with a control character: the message does not quote it
        raise CliError(f"DLENV_CLASS_CODE: {exc}") from None
    finally:
        db.close()
    state = "removed" if args.clear else "recorded"
    print(f"class code {state if changed else 'unchanged'} in {db.url_for_display}")
    return EXIT_OK


def cmd_store(args: argparse.Namespace) -> int:
    from dlenv.data import store

    if args.db is not None and not args.db.strip():
        raise CliError("--db: the database URL is empty; give one like postgresql://user:password@host/dbname")
    docs = [(path, read_results_file(path)) for path in args.files]  # all checked before any is stored
    db = _open_store(args.db)
    try:
        who = write_access(db, args.class_code, args.nickname)
        for index, (path, doc) in enumerate(docs):
            try:
                saved = db.save_document(doc, source=args.command, reference=args.reference, added_by=who)
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
