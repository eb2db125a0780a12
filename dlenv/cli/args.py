"""The command line's arguments: the parser, and the workload specs, devices and backends they ask for.

Everything here is checked without importing a framework: a bad value is a ``CliError``
(one line, exit 2) before anything starts.
"""

from __future__ import annotations

import argparse
import itertools
import os
import re
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

from dlenv.measure import backends
from dlenv.measure.workloads import CNN, MLP, Elementwise, Matmul, Train, Workload, WorkloadError
from dlenv.vocab import (
    DATASETS,
    DTYPES,
    ELEMENTWISE_OPS,
    MODES,
    PARAM_LIMITS,
    PEAKS,
    PIPELINES,
    TIMINGS,
    TRAIN_MODELS,
    TRAIN_PRECISIONS,
    WORKLOADS,
)

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

def _given(text: str | None, default: str) -> str:
    """A flag's text, or ``default`` when the flag was left out; an empty value ("--width ''") is
    kept, to be refused, not mistaken for no value."""
    return default if text is None else text


def _int_list(flag: str, text: str, lo: int = 1, hi: int = 65536) -> list[int]:
    values = []
    for item in text.split(","):
        item = item.strip()
        if not WHOLE_NUMBER.fullmatch(item) or not lo <= int(item) <= hi:
            raise CliError(f"{flag}: {item!r} is not allowed; give whole numbers from {lo} to {hi}, "
                           f"separated by commas (e.g. {lo},{min(hi, lo * 64)})")
        values.append(int(item))
    return values


def _int_one(flag: str, text: str, lo: int, hi: int) -> int:
    if not WHOLE_NUMBER.fullmatch(text.strip()) or not lo <= int(text) <= hi:
        raise CliError(f"{flag}: {text!r} is not allowed; give one whole number from {lo} to {hi}")
    return int(text)


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
    _add_workload_args(run)
    run.add_argument("--timing", default="synced", choices=[*TIMINGS, "both"],
                     help="naive leaves the device sync out of the clock, to show why it matters")
    run.add_argument("--budget", type=_positive_float("--budget", 0.05, 600), default=3.0,
                     help="seconds of sampling per measurement (default 3)")
    run.add_argument("--peak", default="table", choices=PEAKS,
                     help="%% of peak against the spec table/CPU estimate, or a measured ceiling")
    run.add_argument("--strict-float32", action="store_true",
                     help="float32 matmuls in full float32: no TF32 or bfloat16 passes (the frameworks' GPU/TPU default)")
    run.add_argument("--out", type=Path, help="write the results here: JSON, or CSV if the name ends in .csv")
    run.add_argument("--quiet", action="store_true", help="no progress bar and no table")
    run.add_argument("--save", action="store_true",
                     help="store the results in the database (DLENV_DATABASE_URL, else the local SQLite file)")
    run.add_argument("--db", metavar="URL", help="store the results in this database (implies --save)")
    _add_predict(sub)
    ref = sub.add_parser("reference", help="the bundled result sets: this project's reference machines and "
                                           "third parties' published GPU measurements")
    ref_sub = ref.add_subparsers(dest="action", required=True, parser_class=_Parser)
    listing = ref_sub.add_parser("list", help="each set: its name, provenance, cards and source")
    listing.add_argument("--json", action="store_true", help="print JSON instead of lines")
    show = ref_sub.add_parser("show", help="one set's results as a table (or --json: the results document)")
    show.add_argument("name", help="a set's name, as 'dlenv reference list' prints it")
    show.add_argument("--json", action="store_true", help="print the results document")

    imp = sub.add_parser("import", help="store results files (JSON or CSV) in the local database")
    _add_store_args(imp, db_required=False)
    push = sub.add_parser("push", help="store results files in a shared database (--db is required)")
    _add_store_args(push, db_required=True)
    code = sub.add_parser("class-code", help="a teacher: record the class code (from DLENV_CLASS_CODE) in a database, "
                                             "or --clear it; pushes to it then need the code")
    code.add_argument("--db", metavar="URL", default=None,
                      help="database URL (default: DLENV_DATABASE_URL, else the local SQLite file)")
    code.add_argument("--clear", action="store_true", help="remove the class code: writing is open again")
    return parser


# ---------------------------------------------------------------- predict (and the workload flags run shares)

def _add_workload_args(parser: argparse.ArgumentParser) -> None:
    """The flags ``workload_specs`` reads: ``run`` and ``predict`` take the same ones."""
    parser.add_argument("--dtype", default="float32", help=f"one or more of {', '.join(DTYPES)}")
    parser.add_argument("--sizes", default="256,1024", help="matmul/elementwise: N or MxNxK, comma-separated")
    parser.add_argument("--op", default="add", help=f"elementwise: {', '.join(ELEMENTWISE_OPS)}")
    parser.add_argument("--depth", default=None, help="mlp/cnn: layers (comma-separated to sweep)")
    parser.add_argument("--width", default=None, help="mlp: units per layer (default 512); train: units per "
                                                      "layer (mlp) or filters (cnn), default 128")
    parser.add_argument("--input", default="784", help="mlp: input features")
    parser.add_argument("--filters", default="32", help="cnn: filters per conv layer")
    parser.add_argument("--image", default="32", help="cnn: image height and width")
    parser.add_argument("--channels", default="3", help="cnn: input channels")
    parser.add_argument("--batch", default=None, help="mlp/cnn/train: batch size (comma-separated to sweep)")
    parser.add_argument("--mode", default="inference", help=f"mlp/cnn: {', '.join(MODES)} (or both)")
    train = parser.add_argument_group("train", "a Keras model trained with model.fit on a real dataset")
    train.add_argument("--model", default="mlp", help=f"train: {', '.join(TRAIN_MODELS)}")
    train.add_argument("--dataset", default="digits",
                       help=f"train: {', '.join(DATASETS)} (digits is bundled with scikit-learn: no network)")
    train.add_argument("--epochs", default="3", help="train: epochs (whole passes over the training images)")
    train.add_argument("--pipeline", default="arrays",
                       help=f"train: {', '.join(PIPELINES)} (comma-separated to compare input pipelines)")
    # predict has a --precision of its own (how float32 matmuls run): there this is --train-precision.
    precision_flag = "--train-precision" if parser.prog.endswith("predict") else "--precision"
    train.add_argument(precision_flag, dest="train_precision", default="float32",
                       help=f"train: {', '.join(TRAIN_PRECISIONS)} (comma-separated to compare)")
    train.add_argument("--seed", default="0", help="train: random seed (the same seed gives the same accuracies)")
    train.add_argument("--samples", default=None, help="train: use only this many training images (default: all)")


def _add_predict(sub: argparse._SubParsersAction) -> None:
    predict = sub.add_parser("predict", help="a device's expected time, predicted from its datasheet (nothing runs)")
    predict.add_argument("workload", choices=WORKLOADS)
    predict.add_argument("--device", "--devices", dest="device", default="H100,T4,cpu",
                         help="cards by name, comma-separated: e.g. H100, A100, T4, L4, tpu v5e, cpu (this CPU)")
    predict.add_argument("--precision", default="tf32", choices=("tf32", "float32"),
                         help="float32 matmuls as frameworks run them by default (tf32: TF32 tensor cores, "
                              "one bfloat16 pass on TPU) or in full float32")
    _add_workload_args(predict)
    predict.add_argument("--json", action="store_true", help="print the results document (JSON) instead of a table")


def predict_cards(text: str) -> list[str]:
    """The card keys ``--device`` names (``dlenv.measure.predict.match_card``), each once, in order."""
    from dlenv.measure import predict

    keys = []
    for item in text.split(","):
        try:
            keys.append(predict.match_card(item))
        except predict.PredictError as exc:
            raise CliError(f"--device: {exc}") from exc
    return list(dict.fromkeys(keys))


def _add_store_args(parser: argparse.ArgumentParser, db_required: bool) -> None:
    parser.add_argument("files", nargs="+", type=Path, metavar="FILE", help="results files: JSON, or CSV (.csv)")
    parser.add_argument("--db", metavar="URL", required=db_required,
                        help="database URL, e.g. postgresql://user@host/dlenv" if db_required else
                        "database URL (default: DLENV_DATABASE_URL, else the local SQLite file)")
    parser.add_argument("--reference", action="store_true", help="mark the results as a reference set")
    parser.add_argument("--nickname", metavar="NAME", default=None,
                        help="who adds these results, recorded with each (default: DLENV_NICKNAME); "
                             "needed by a database with a class code")
    parser.add_argument("--class-code", metavar="CODE", default=None,
                        help="the class code, when the database has one (better: the DLENV_CLASS_CODE "
                             "variable, which stays out of the shell's history and the process list)")


def _add_common(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--backend", default="tensorflow", help="tensorflow, jax, torch or all (installed ones)")
    parser.add_argument("--threads", type=int, default=None, help="CPU threads to use (default: all)")
    parser.add_argument("--virtual-cpus", type=int, default=None,
                        help="split the CPU into this many logical devices (to try multi-device runs)")


def workload_specs(args: argparse.Namespace) -> list[Workload]:
    """Every spec the arguments ask for (a sweep is the product of the lists)."""
    dtypes = _choice_list("--dtype", args.dtype, DTYPES)
    try:
        if args.workload == "matmul":
            return [Matmul(m, n, k, dt) for dt in dtypes for m, n, k in _matmul_shapes(args.sizes)]
        if args.workload == "elementwise":
            ops = _choice_list("--op", args.op, ELEMENTWISE_OPS)
            return [Elementwise(n, op, dt) for dt in dtypes for op in ops
                    for n in _int_list("--sizes", args.sizes)]
        if args.workload == "train":
            return _train_specs(args, dtypes)
        modes = _choice_list("--mode", args.mode, MODES)
        # "is None", not "or": an empty --depth= or --batch= is refused like an empty --sizes=, not read as the default.
        depths = _int_list("--depth", ("4" if args.workload == "mlp" else "3") if args.depth is None else args.depth, 1, 64)
        batches = _int_list("--batch", ("64" if args.workload == "mlp" else "32") if args.batch is None else args.batch)
        if args.workload == "mlp":
            return [MLP(depth=d, width=w, batch=b, mode=mo, input_dim=i, dtype=dt)
                    for dt, mo, d, w, b, i in itertools.product(
                        dtypes, modes, depths, _int_list("--width", _given(args.width, "512"), 1, 16384), batches,
                        _int_list("--input", args.input))]
        return [CNN(depth=d, filters=f, batch=b, mode=mo, image=im, channels=c, dtype=dt)
                for dt, mo, d, f, b, im, c in itertools.product(
                    dtypes, modes, depths, _int_list("--filters", args.filters, 1, 2048), batches,
                    _int_list("--image", args.image, 4, 1024), _int_list("--channels", args.channels, 1, 64))]
    except WorkloadError as exc:
        raise CliError(str(exc)) from exc


def _train_specs(args: argparse.Namespace, dtypes: list[str]) -> list[Train]:
    """The ``Train`` specs of ``run train`` (a sweep over pipelines, precisions and batches)."""
    if dtypes != ["float32"]:
        raise CliError("--dtype: train takes --precision instead (float32, mixed_float16, mixed_bfloat16)")
    if getattr(args, "timing", "synced") != "synced":
        raise CliError("--timing: train is timed synced only (its epochs end with the loss on the host)")
    model = _choice_list("--model", args.model, TRAIN_MODELS)
    dataset = _choice_list("--dataset", args.dataset, DATASETS)
    if len(model) > 1 or len(dataset) > 1:
        raise CliError("--model and --dataset: give one of each")
    pipelines = _choice_list("--pipeline", args.pipeline, PIPELINES)
    precisions = _choice_list("--precision", args.train_precision, tuple(TRAIN_PRECISIONS))
    one = {flag: _int_one(flag, text, *PARAM_LIMITS[name])
           for flag, text, name in (("--epochs", args.epochs, "epochs"), ("--seed", args.seed, "seed"),
                                    ("--depth", _given(args.depth, "2"), "depth"), ("--width", _given(args.width, "128"), "width"))}
    samples = _int_one("--samples", args.samples, *PARAM_LIMITS["samples"]) if args.samples is not None else None
    batches = _int_list("--batch", _given(args.batch, "32"))
    return [Train(model=model[0], dataset=dataset[0], epochs=one["--epochs"], batch=b, seed=one["--seed"],
                  pipeline=p, depth=one["--depth"], width=one["--width"], samples=samples,
                  dtype=TRAIN_PRECISIONS[precision])
            for precision, p, b in itertools.product(precisions, pipelines, batches)]


def backend_names(text: str) -> list[str]:
    names = backends.installed() if text == "all" else [text]
    for name in names:
        try:
            backends.require(name)
        except backends.BackendError as exc:
            raise CliError(str(exc)) from exc
    return names


def check_common(args: argparse.Namespace) -> None:
    ncpu = len(os.sched_getaffinity(0))
    if args.threads is not None and not 1 <= args.threads <= ncpu:
        raise CliError(f"--threads: {args.threads} is not allowed; this machine has {ncpu} usable CPUs (1 to {ncpu})")
    if args.virtual_cpus is not None and not 1 <= args.virtual_cpus <= 16:
        raise CliError(f"--virtual-cpus: {args.virtual_cpus} is not allowed; give 1 to 16")
    for name in backends.THREAD_VARIABLES:
        if args.threads is not None and name != "TF_NUM_INTEROP_THREADS":
            continue  # --threads sets the others for the measuring process itself
        problem = backends.thread_variable_problem(name, ncpu)
        if problem:
            raise CliError(problem)


def device_tokens(text: str) -> list[str]:
    tokens = [t.strip().lower() for t in text.split(",")]
    for token in tokens:
        if not DEVICE_TOKEN.match(token):
            raise CliError(f"--devices: unknown device {token!r}; use cpu, gpu, tpu, all or an id like gpu:0")
    return tokens




def timings(args: argparse.Namespace) -> tuple[str, ...]:
    return TIMINGS if args.timing == "both" else (args.timing,)
