"""The measuring process: ``python -m dlenv.serve.worker --backend NAME [--threads N]``.

One worker per Keras backend and CPU thread count (Keras fixes its backend at import, a
framework its thread pools at start). Its environment (backend, threads, GPU memory
policy) is set before the framework is imported, and it stays warm between calls. It
speaks JSON lines:

stdin, one call per line (``dlenv.serve.plan.WorkerCall.to_message``)::

    {"id": "7", "call": {"op": "run", "backend": ..., "specs": [...], "devices": [...], ...}}
    {"id": "8", "call": {"op": "devices", "backend": ..., "measure": false}}
    {"id": "9", "call": {"op": "learn", "backend": "tensorflow", "example": "graph" | "tf_versions"}}

stdout, events::

    {"event": "ready", "backend": ..., "versions": {...}, "devices": [...], "pid": ...}
    {"id": "7", "event": "progress", "task": 1, "tasks": 4, "label": "...", "sample": 3}
    {"id": "7", "event": "done", "result": {...results document...}}
    {"id": "8", "event": "done", "result": [{...device, peaks, free memory...}, ...]}
    {"id": "9", "event": "done", "result": {...operations, eager / graph / XLA timings...}}  ("graph";
        "tf_versions": the 1.x session, eager and tf.function timings and outputs)
    {"id": "7", "event": "error", "kind": "refused" | "bad_request" | ..., "message": ..., "hint": ...}

Only this protocol goes to stdout: the real stdout file descriptor is kept for it and
fd 1 is pointed at stderr, so anything a framework prints cannot corrupt a message.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from typing import IO, Any

from dlenv.measure import execute, graphdemo, tfversions
from dlenv.measure.timing import TimingSettings
from dlenv.measure.workloads import Refused
from dlenv.serve.plan import WorkerCall


class _Protocol:
    def __init__(self) -> None:
        self._out: IO[str] = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
        os.dup2(2, 1)
        sys.stdout = sys.stderr

    def send(self, message: dict[str, Any]) -> None:
        self._out.write(json.dumps(message, allow_nan=False) + "\n")
        self._out.flush()


def _answer(call_id: str, call: WorkerCall, backend: Any, protocol: _Protocol) -> None:
    if call.backend != backend.NAME:
        raise Refused(f"this worker runs {backend.NAME}, not {call.backend}", "send the call to its backend's worker")
    # Every call sets it, both ways: a warm worker must not pass one job's choice to the next.
    backend.set_strict_float32(call.strict_float32)
    if call.op == "devices":
        protocol.send({"id": call_id, "event": "done", "result": execute.device_report(backend, call.measure)})
    elif call.op == "learn":
        if backend.NAME != "tensorflow":  # the example traces a tf.function
            raise Refused(f"the graph example needs the tensorflow backend, not {backend.NAME}",
                          "ask the tensorflow worker")
        example = graphdemo.run if call.example == "graph" else tfversions.run
        protocol.send({"id": call_id, "event": "done", "result": example(backend)})
    else:
        # A device this machine lacks is an error of its own; the others are still measured.
        # (When none of them is here, the call is refused as a whole.)
        available = backend.devices()
        missing = execute.missing_devices(call.devices, available)
        present = [token for token in call.devices if token not in missing]
        tasks = execute.plan(call.specs, present or call.devices, backend, call.timings)

        def progress(event: dict[str, Any]) -> None:
            protocol.send({"id": call_id, "event": "progress", **event})

        doc = execute.run_plan(tasks, backend, TimingSettings(budget_s=call.budget_s), call.peak, progress)
        doc["errors"] += execute.missing_device_errors(call.specs, missing, available, backend.NAME)
        protocol.send({"id": call_id, "event": "done", "result": doc})


def serve(backend_name: str, threads: int | None, virtual_cpus: int | None) -> None:
    protocol = _Protocol()
    backend = execute.prepare(backend_name, threads, virtual_cpus)
    protocol.send({"event": "ready", "backend": backend_name, "versions": backend.versions(),
                   "devices": [d.to_dict() for d in backend.devices()], "pid": os.getpid()})
    for line in sys.stdin:
        try:
            message = json.loads(line)
            call_id = str(message["id"])
        except (ValueError, KeyError, TypeError):
            protocol.send({"event": "error", "kind": "bad_request", "message": "not a dlenv call",
                           "hint": "send one JSON object with id and call per line"})
            continue
        try:
            call = WorkerCall.from_message(message.get("call"))
        except ValueError as exc:
            protocol.send({"id": call_id, "event": "error", "kind": "bad_request", "message": str(exc),
                           "hint": "check the call"})
            continue
        try:
            _answer(call_id, call, backend, protocol)
        except Refused as exc:
            protocol.send({"id": call_id, "event": "error", "kind": exc.kind, "message": str(exc), "hint": exc.hint})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dlenv.serve.worker")
    parser.add_argument("--backend", required=True)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--virtual-cpus", type=int)
    args = parser.parse_args(argv)
    serve(args.backend, args.threads, args.virtual_cpus)


if __name__ == "__main__":
    main()
