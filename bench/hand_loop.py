"""The reference dlenv is checked against: a hand-written matmul loop, nothing else.

Usage: python bench/hand_loop.py BACKEND N REPS SECONDS_PER_REP
Prints JSON: seconds per call for each rep (a loop of calls, one sync at the end).
"""

import json
import os
import sys
import time

backend, n, reps, rep_s = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])

if backend == "tensorflow":
    import tensorflow as tf

    a, b = tf.random.normal((n, n)), tf.random.normal((n, n))
    matmul, sync = tf.linalg.matmul, lambda _: tf.test.experimental.sync_devices()
else:
    os.environ.setdefault("XLA_PYTHON_CLIENT_PREALLOCATE", "false")
    import jax
    import jax.numpy as jnp

    a = jax.random.normal(jax.random.key(0), (n, n))
    b = jax.random.normal(jax.random.key(1), (n, n))
    matmul, sync = jax.jit(jnp.matmul), jax.block_until_ready

sync(matmul(a, b))  # the first call (compile, allocation) is not part of the reference
start = time.perf_counter()
sync(matmul(a, b))
calls = max(1, int(rep_s / (time.perf_counter() - start)))
per_call = []
for _ in range(reps):
    start = time.perf_counter()
    for _ in range(calls):
        c = matmul(a, b)
    sync(c)
    per_call.append((time.perf_counter() - start) / calls)
print(json.dumps({"backend": backend, "n": n, "calls": calls, "per_call_s": per_call}))
