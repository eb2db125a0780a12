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


def dlenv_run(n: int) -> float:
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "r.json"
        subprocess.run([sys.executable, "-m", "dlenv", "run", "matmul", "--sizes", str(n), "--backend", BACKEND,
                        "--out", str(out), "--quiet"], check=True, cwd=ROOT, stderr=subprocess.DEVNULL)
        return json.loads(out.read_text())["results"][0]["median_s"]


def hand_run(n: int) -> float:
    # About the same measuring time as dlenv's default 3 s budget.
    out = subprocess.run([sys.executable, str(ROOT / "bench" / "hand_loop.py"), BACKEND, str(n), "7", "0.4"],
                         check=True, capture_output=True, text=True).stdout
    return statistics.median(json.loads(out.splitlines()[-1])["per_call_s"])


def main() -> None:
    ratios: dict[int, list[float]] = {n: [] for n in SIZES}
    for pair in range(PAIRS):
        for n in SIZES:
            # The two sides of a pair run back to back, in alternating order, so slow
            # drifts of a shared machine hit both alike.
            if pair % 2 == 0:
                ours, hand = dlenv_run(n), hand_run(n)
            else:
                hand, ours = hand_run(n), dlenv_run(n)
            ratios[n].append(hand / ours)  # throughput of dlenv relative to the hand loop
            print(f"pair {pair + 1} N={n}: dlenv {ours * 1e3:.3f} ms, hand {hand * 1e3:.3f} ms, "
                  f"dlenv/hand throughput {ratios[n][-1]:.3f}", flush=True)
    for n in SIZES:
        median = statistics.median(ratios[n])
        print(f"{BACKEND} N={n}: median dlenv/hand throughput over {PAIRS} pairs = {median:.3f} "
              f"(min {min(ratios[n]):.3f}, max {max(ratios[n]):.3f}); "
              f"dlenv time per call is {100 * (1 / median - 1):+.1f}% vs the hand loop")


if __name__ == "__main__":
    main()
