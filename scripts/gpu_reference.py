"""Reference matmul timings made without dlenv or Keras, to check dlenv's numbers against.

    python3 scripts/gpu_reference.py OUTDIR [--smoke]

* ``torch.matmul`` on CUDA, timed by ``torch.utils.benchmark.Timer(...).blocked_autorange``
  (which synchronises CUDA around its clock);
* ``jax.numpy.matmul`` under ``jax.jit`` on the GPU, timed by hand: blocks of calls, each
  block ended by ``block_until_ready``; float32 also with ``precision="highest"``, since
  JAX's default float32 matmul on a GPU may use TF32 while torch's does not.

float32 and bfloat16, N in 1024, 4096, 8192, 16384 (``--smoke``: on the CPU, N in 64, 128,
short runs). Writes OUTDIR/reference.json after every measurement (a run cut short keeps
what it measured): {"device", "versions", "settings", "results": [{impl, dtype, n,
median_s, gflops, ...}], "errors": [...]}. Exits 1 if any measurement failed.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
import traceback
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable

os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")  # share the GPU with torch

DTYPES = ("float32", "bfloat16")
SIZES = (1024, 4096, 8192, 16384)
SMOKE_SIZES = (64, 128)


class Report:
    def __init__(self, path: Path, settings: dict[str, Any]) -> None:
        self.path = path
        self.doc: dict[str, Any] = {
            "schema": "dlenv.gpu_reference/1",
            "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "machine": platform.node(), "python": platform.python_version(),
            "settings": settings, "versions": {}, "device": {}, "results": [], "errors": []}

    def save(self) -> None:
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(self.doc, indent=1) + "\n")
        os.replace(tmp, self.path)

    def add(self, impl: str, dtype: str, n: int, median_s: float, **extra: Any) -> None:
        gflops = 2.0 * n**3 / median_s / 1e9
        self.doc["results"].append({"impl": impl, "dtype": dtype, "n": n, "median_s": median_s,
                                    "gflops": gflops, **extra})
        print(f"{impl:40s} {dtype:9s} n={n:6d} median {median_s * 1e3:10.4f} ms {gflops:12.1f} GFLOP/s",
              flush=True)
        self.save()

    def fail(self, impl: str, dtype: str | None, n: int | None, exc: BaseException) -> None:
        line = (str(exc).strip().splitlines() or [type(exc).__name__])[0][:500]
        self.doc["errors"].append({"impl": impl, "dtype": dtype, "n": n, "error": f"{type(exc).__name__}: {line}"})
        print(f"{impl} {dtype} n={n}: FAILED", flush=True)
        traceback.print_exc()
        self.save()


def torch_reference(report: Report, sizes: tuple[int, ...], smoke: bool, min_run_time: float) -> None:
    import torch
    from torch.utils import benchmark

    device = "cpu" if smoke else "cuda"
    report.doc["versions"]["torch"] = torch.__version__
    if device == "cuda":
        report.doc["device"]["torch"] = torch.cuda.get_device_name(0)
    precision = {"float32_matmul_precision": torch.get_float32_matmul_precision(),
                 "allow_tf32": torch.backends.cuda.matmul.allow_tf32}
    for dtype in DTYPES:
        for n in sizes:
            try:
                gen = torch.Generator(device=device).manual_seed(0)
                a = torch.randn(n, n, device=device, dtype=getattr(torch, dtype), generator=gen)
                b = torch.randn(n, n, device=device, dtype=getattr(torch, dtype), generator=gen)
                timer = benchmark.Timer("torch.matmul(a, b)", globals={"torch": torch, "a": a, "b": b},
                                        label="matmul", sub_label=f"{dtype} {n}")
                m = timer.blocked_autorange(min_run_time=min_run_time)
                report.add("torch.matmul", dtype, n, m.median, device=device, iqr_s=m.iqr,
                           calls=m.number_per_run * len(m.times), timer="torch.utils.benchmark.blocked_autorange",
                           **precision)
                del a, b
            except Exception as exc:  # noqa: BLE001
                report.fail("torch.matmul", dtype, n, exc)
    if device == "cuda":
        torch.cuda.empty_cache()  # give the memory back before JAX allocates


def time_blocks(fn: Callable[[], Any], sync: Callable[[Any], Any], min_run_time: float,
                min_block_s: float = 0.02, min_blocks: int = 5) -> tuple[float, int]:
    """Median seconds per call: blocks of ``number`` calls, each ended by ``sync``."""
    sync(fn())  # compile and warm up
    start = time.perf_counter()
    sync(fn())
    one = max(time.perf_counter() - start, 1e-7)
    number = max(1, int(min_block_s / one))
    per_call, spent = [], 0.0
    while len(per_call) < min_blocks or spent < min_run_time:
        start = time.perf_counter()
        for _ in range(number):
            out = fn()
        sync(out)  # one stream, in order: the last result ready means all are done
        elapsed = time.perf_counter() - start
        per_call.append(elapsed / number)
        spent += elapsed
        if len(per_call) >= 10_000:
            break
    return statistics.median(per_call), number * len(per_call)


def jax_reference(report: Report, sizes: tuple[int, ...], smoke: bool, min_run_time: float) -> None:
    import functools

    import jax
    import jax.numpy as jnp

    report.doc["versions"].update({"jax": jax.__version__, "jax_backend": jax.default_backend()})
    device = jax.devices("cpu")[0] if smoke else jax.devices("gpu")[0]
    report.doc["device"]["jax"] = str(device.device_kind)
    variants = [("jax.numpy.matmul", jax.jit(jnp.matmul), DTYPES),
                ("jax.numpy.matmul(precision=highest)",
                 jax.jit(functools.partial(jnp.matmul, precision=jax.lax.Precision.HIGHEST)), ("float32",))]
    for impl, fn, dtypes in variants:
        for dtype in dtypes:
            for n in sizes:
                try:
                    ka, kb = jax.random.split(jax.random.PRNGKey(0))
                    a = jax.device_put(jax.random.normal(ka, (n, n), dtype=dtype), device)
                    b = jax.device_put(jax.random.normal(kb, (n, n), dtype=dtype), device)
                    median, calls = time_blocks(lambda: fn(a, b), jax.block_until_ready, min_run_time)
                    report.add(impl, dtype, n, median, device=str(device), calls=calls,
                               timer="perf_counter blocks + block_until_ready",
                               default_matmul_precision=str(jax.config.jax_default_matmul_precision))
                    del a, b
                except Exception as exc:  # noqa: BLE001
                    report.fail(impl, dtype, n, exc)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("outdir", type=Path)
    parser.add_argument("--smoke", action="store_true", help="on the CPU, tiny sizes, short runs")
    parser.add_argument("--min-run-time", type=float, default=None, help="seconds per measurement (default 1)")
    args = parser.parse_args(argv)
    sizes = SMOKE_SIZES if args.smoke else SIZES
    min_run_time = args.min_run_time or (0.05 if args.smoke else 1.0)
    args.outdir.mkdir(parents=True, exist_ok=True)
    report = Report(args.outdir / "reference.json",
                    {"sizes": list(sizes), "dtypes": list(DTYPES), "min_run_time_s": min_run_time,
                     "smoke": args.smoke})
    report.save()
    for name, fn in (("torch", torch_reference), ("jax", jax_reference)):
        try:
            fn(report, sizes, args.smoke, min_run_time)
        except Exception as exc:  # noqa: BLE001  (framework missing, no GPU)
            report.fail(name, None, None, exc)
    print(f"reference: {len(report.doc['results'])} results, {len(report.doc['errors'])} errors "
          f"-> {report.path}", flush=True)
    return 1 if report.doc["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
