"""Does dlenv measure what a hand-written loop measures? (issue: measurement core)

Five paired runs, each side in a fresh process, alternating which goes first:
``python -m dlenv run matmul`` against ``bench/hand_loop.py`` on the same backend.
Reports per size the median dlenv/hand throughput ratio (fidelity, N=2048) and
time-per-call ratio (overhead, N=64).

Usage: python bench/core_fidelity.py [BACKEND] [PAIRS]
"""

import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BACKEND = sys.argv[1] if len(sys.argv) > 1 else "tensorflow"
PAIRS = int(sys.argv[2]) if len(sys.argv) > 2 else 5
SIZES = (2048, 64)


def dlenv_run() -> dict[int, float]:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        subprocess.run([sys.executable, "-m", "dlenv", "run", "matmul", "--sizes", ",".join(map(str, SIZES)),
                        "--backend", BACKEND, "--out", str(out), "--quiet"], check=True, cwd=ROOT,
                       stderr=subprocess.DEVNULL)
        doc = json.loads(out.read_text())
    return {r["params"]["m"]: r["median_s"] for r in doc["results"]}


def hand_run() -> dict[int, float]:
    medians = {}
    for n in SIZES:
        out = subprocess.run([sys.executable, str(ROOT / "bench" / "hand_loop.py"), BACKEND, str(n), "7", "0.4"],
                             check=True, capture_output=True, text=True).stdout
        medians[n] = statistics.median(json.loads(out.splitlines()[-1])["per_call_s"])
    return medians


def main() -> None:
    ratios: dict[int, list[float]] = {n: [] for n in SIZES}
    for pair in range(PAIRS):
        first, second = (dlenv_run, hand_run) if pair % 2 == 0 else (hand_run, dlenv_run)
        a, b = first(), second()
        ours, hand = (a, b) if first is dlenv_run else (b, a)
        for n in SIZES:
            ratios[n].append(hand[n] / ours[n])  # throughput of dlenv relative to the hand loop
            print(f"pair {pair + 1} N={n}: dlenv {ours[n] * 1e3:.3f} ms, hand {hand[n] * 1e3:.3f} ms, "
                  f"dlenv/hand throughput {ratios[n][-1]:.3f}", flush=True)
    for n in SIZES:
        print(f"{BACKEND} N={n}: median dlenv/hand throughput over {PAIRS} pairs = "
              f"{statistics.median(ratios[n]):.3f} (min {min(ratios[n]):.3f}, max {max(ratios[n]):.3f}); "
              f"dlenv time per call is {100 * (1 / statistics.median(ratios[n]) - 1):+.1f}% vs the hand loop")


if __name__ == "__main__":
    main()
