"""Stability and best throughput of dlenv's default matmul sweep on this CPU.

For each backend: ``python -m dlenv run matmul --sizes 512,1024,2048,4096`` with
default settings (3 s budget). Reports per size IQR/median, samples, seconds spent
measuring, GFLOP/s and % of the CPU estimate; then the best GFLOP/s.

With ``--trials K`` it repeats the sweep K times per backend, each right after a probe
of the machine's own steadiness (``machine_noise.py``), and prints one line per trial:
which sizes met the stability target (IQR/median <= 5% within 3 s of measuring) and how
steady the machine was just before.

Usage: python bench/matmul_cpu.py [--trials K] [BACKEND ...]
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import machine_noise

ROOT = Path(__file__).resolve().parents[1]
SIZES = "512,1024,2048,4096"
TARGET_REL_IQR, TARGET_S = 0.05, 3.0


def sweep(backend: str) -> dict[str, Any]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        subprocess.run([sys.executable, "-m", "dlenv", "run", "matmul", "--sizes", SIZES, "--backend", backend,
                        "--out", str(out), "--quiet"], check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
        return json.loads(out.read_text())


def measuring_s(r: dict[str, Any]) -> float:
    return r["wall_s"] - r["first_call_s"]


def met(r: dict[str, Any]) -> bool:
    return r["iqr_s"] / r["median_s"] <= TARGET_REL_IQR and measuring_s(r) <= TARGET_S


def table(backend: str, doc: dict[str, Any]) -> None:
    environment = next(iter(doc["environments"].values()))  # one run on one machine
    cpu = environment["cpu"]
    print(f"## {backend} on {cpu['name']}, {cpu['cores']} cores, {cpu['clock_ghz']} GHz "
          f"({environment['frameworks']})")
    print("| N | median | IQR/median | samples x calls | measuring (s) | GFLOP/s | % of estimate |")
    print("|---|---|---|---|---|---|---|")
    for r in doc["results"]:
        print(f"| {r['params']['m']} | {r['median_s'] * 1e3:.2f} ms | {100 * r['iqr_s'] / r['median_s']:.1f}% "
              f"| {r['n_samples']} x {r['calls_per_sample']} | {measuring_s(r):.2f} | {r['gflops']:.1f} "
              f"| {r['pct_of_peak']:.0f}% |")
    best = max(doc["results"], key=lambda r: r["gflops"])
    print(f"\nbest: {best['gflops']:.1f} GFLOP/s at N={best['params']['m']}, "
          f"{best['pct_of_peak']:.0f}% of the {best['peak_gflops']:.0f} GFLOP/s estimate\n")


def trials(backend: str, count: int) -> None:
    print(f"## {backend}: {count} trials; per N: IQR/median, seconds measuring, met (<= 5% within 3 s)")
    hits = {n: 0 for n in SIZES.split(",")}
    for trial in range(1, count + 1):
        noise = machine_noise.probe(2.0)
        doc = sweep(backend)
        cells = []
        for r in doc["results"]:
            n = str(r["params"]["m"])
            hits[n] += met(r)
            cells.append(f"{n}: {100 * r['iqr_s'] / r['median_s']:.1f}% {measuring_s(r):.1f}s "
                         f"{'yes' if met(r) else 'no'}")
        print(f"trial {trial} | machine before: {machine_noise.describe(noise)} | " + " | ".join(cells))
    print("met in: " + ", ".join(f"N={n} {k}/{count}" for n, k in hits.items()) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--trials", type=int, default=0)
    parser.add_argument("backends", nargs="*", default=["tensorflow", "jax"])
    args = parser.parse_args()
    for backend in args.backends:
        if args.trials:
            trials(backend, args.trials)
        else:
            table(backend, sweep(backend))


if __name__ == "__main__":
    main()
