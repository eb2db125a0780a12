"""The measuring process: ``python -m dlenv.serve.worker --backend NAME [--threads N]``.

One worker per Keras backend (Keras fixes its backend at import). Its environment
(backend, threads, GPU memory policy) is set before the framework is imported, and it
stays warm between jobs. It speaks JSON lines:

stdin, one request per line::

    {"id": "7", "op": "run", "job": {...JobRequest.to_message()...}}
    {"id": "8", "op": "devices"}
    {"id": "9", "op": "learn"}     (TensorFlow only: the Learn page's example, see dlenv.measure.graphdemo)

stdout, events::

    {"event": "ready", "backend": ..., "versions": {...}, "devices": [...], "pid": ...}
    {"id": "7", "event": "progress", "task": 1, "tasks": 4, "label": "...", "sample": 3}
    {"id": "7", "event": "result", "doc": {...results document...}, "started": t0, "ended": t1}
    {"id": "7", "event": "error", "kind": "refused" | "bad_request" | ..., "message": ..., "hint": ...}
    {"id": "9", "event": "learn", "demo": {...operations, eager / graph / XLA timings...}}

Only this protocol goes to stdout: the real stdout file descriptor is kept for it and
fd 1 is pointed at stderr, so anything a framework prints cannot corrupt a message.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from typing import IO, Any

from dlenv.measure import execute
from dlenv.measure import graphdemo
from dlenv.serve.plan import JobRequest, Refused


class _Protocol:
    def __init__(self) -> None:
        self._out: IO[str] = os.fdopen(os.dup(1), "w", buffering=1, encoding="utf-8")
        os.dup2(2, 1)
        sys.stdout = sys.stderr

    def send(self, message: dict[str, Any]) -> None:
        self._out.write(json.dumps(message, allow_nan=False) + "\n")
        self._out.flush()


def _device_list(backend: Any) -> list[dict[str, Any]]:
    return [{**d.to_dict(), "free_bytes": backend.free_memory(d.id)} for d in backend.devices()]


def _run(request_id: str, message: dict[str, Any], backend: Any, protocol: _Protocol) -> None:
    try:
        job = JobRequest.from_message(message.get("job"))
    except ValueError as exc:
        protocol.send({"id": request_id, "event": "error", "kind": "bad_request", "message": str(exc),
                       "hint": "check the request"})
        return
    try:
        tasks = execute.plan(job.specs, job.devices, backend, job.timings)
    except Refused as exc:
        protocol.send({"id": request_id, "event": "error", "kind": exc.kind, "message": str(exc), "hint": exc.hint})
        return

    def progress(event: dict[str, Any]) -> None:
        protocol.send({"id": request_id, "event": "progress", **event})

    started = time.time()
    doc = execute.run_plan(tasks, backend, job.settings(), job.peak, progress)
    protocol.send({"id": request_id, "event": "result", "doc": doc, "started": started, "ended": time.time()})


def _learn(request_id: str, backend: Any, protocol: _Protocol) -> None:
    if backend.NAME != "tensorflow":  # the example traces a tf.function
        protocol.send({"id": request_id, "event": "error", "kind": "refused",
                       "message": f"the graph example needs the tensorflow backend, not {backend.NAME}",
                       "hint": "ask the tensorflow worker"})
        return
    protocol.send({"id": request_id, "event": "learn", "demo": graphdemo.run(backend)})


def serve(backend_name: str, threads: int | None, virtual_cpus: int | None) -> None:
    protocol = _Protocol()
    backend = execute.prepare(backend_name, threads, virtual_cpus)
    protocol.send({"event": "ready", "backend": backend_name, "versions": backend.versions(),
                   "devices": _device_list(backend), "pid": os.getpid()})
    for line in sys.stdin:
        try:
            message = json.loads(line)
            request_id, op = str(message["id"]), message["op"]
        except (ValueError, KeyError, TypeError):
            protocol.send({"event": "error", "kind": "bad_request", "message": "not a dlenv request",
                           "hint": "send one JSON object with id and op per line"})
            continue
        if op == "run":
            _run(request_id, message, backend, protocol)
        elif op == "devices":
            protocol.send({"id": request_id, "event": "devices", "devices": _device_list(backend)})
        elif op == "learn":
            _learn(request_id, backend, protocol)
        else:
            protocol.send({"id": request_id, "event": "error", "kind": "bad_request",
                           "message": f"unknown op {op!r}", "hint": "use run, devices or learn"})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m dlenv.serve.worker")
    parser.add_argument("--backend", required=True)
    parser.add_argument("--threads", type=int)
    parser.add_argument("--virtual-cpus", type=int)
    args = parser.parse_args(argv)
    serve(args.backend, args.threads, args.virtual_cpus)


if __name__ == "__main__":
    main()
