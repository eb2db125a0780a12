"""Child process for tests: measure every workload, tiny, on one backend; print the JSON.

Usage: python tests/measure_every_workload.py BACKEND

Keras picks its backend once per process, so each non-TensorFlow backend is tested
from a fresh interpreter running this script. The CPU is split into two logical
devices; the matmul runs on both, the rest on cpu:0.
"""

import sys

from dlenv.data import results
from dlenv.measure import environment, execute
from dlenv.measure.timing import TimingSettings
from dlenv.measure.workloads import CNN, MLP, Elementwise, Matmul
from dlenv.vocab import TIMINGS

QUICK = TimingSettings(budget_s=0.2, min_sample_s=0.002)
SPECS = [
    Matmul.square(64), Matmul.square(64, "bfloat16"), Elementwise(64, "add"),
    MLP(depth=2, width=16, batch=4, input_dim=8), MLP(depth=2, width=16, batch=4, input_dim=8, mode="train"),
    CNN(depth=1, filters=4, batch=2, image=8), CNN(depth=1, filters=4, batch=2, image=8, mode="train"),
]


def main(name: str) -> None:
    backend = execute.prepare(name, virtual_cpus=2)
    devices = backend.devices()
    records = []
    for spec in SPECS:
        targets = devices[:2] if spec.name == "matmul" else devices[:1]
        for device in targets:
            timings = TIMINGS if spec.name == "matmul" else ("synced",)
            records += execute.run_task(execute.Task(spec, device, timings), backend, QUICK)
    print(results.dumps(results.make_document(records, environment.collect(backend, devices))))


if __name__ == "__main__":
    main(sys.argv[1])
