"""Stability and best throughput of dlenv's default matmul sweep on this CPU.

For each backend: ``python -m dlenv run matmul --sizes 512,1024,2048,4096`` with
default settings (3 s budget). Reports per size IQR/median, samples, seconds spent
measuring, GFLOP/s and % of the CPU estimate; then the best GFLOP/s.

Usage: python bench/matmul_cpu.py [BACKEND ...]
"""

import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SIZES = "512,1024,2048,4096"


def main(backends: list[str]) -> None:
    for backend in backends:
        with tempfile.TemporaryDirectory() as tmp:
            out = Path(tmp) / "r.json"
            subprocess.run([sys.executable, "-m", "dlenv", "run", "matmul", "--sizes", SIZES, "--backend", backend,
                            "--out", str(out), "--quiet"], check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
            doc = json.loads(out.read_text())
        cpu = doc["environment"]["cpu"]
        print(f"## {backend} on {cpu['name']}, {cpu['cores']} cores, {cpu['clock_ghz']} GHz "
              f"({doc['environment']['frameworks']})")
        print("| N | median | IQR/median | samples x calls | measuring (s) | GFLOP/s | % of estimate |")
        print("|---|---|---|---|---|---|---|")
        for r in doc["results"]:
            measuring = r["wall_s"] - r["first_call_s"]
            print(f"| {r['params']['m']} | {r['median_s'] * 1e3:.2f} ms | {100 * r['iqr_s'] / r['median_s']:.1f}% "
                  f"| {r['n_samples']} x {r['calls_per_sample']} | {measuring:.2f} | {r['gflops']:.1f} "
                  f"| {r['pct_of_peak']:.0f}% |")
        best = max(doc["results"], key=lambda r: r["gflops"])
        print(f"\nbest: {best['gflops']:.1f} GFLOP/s at N={best['params']['m']}, "
              f"{best['pct_of_peak']:.0f}% of the {best['peak_gflops']:.0f} GFLOP/s estimate\n")


if __name__ == "__main__":
    main(sys.argv[1:] or ["tensorflow", "jax"])
