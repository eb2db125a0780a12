#!/usr/bin/env bash
# One-call device check: install the carried wheels if Keras is missing, then measure
# every workload with the dlenv CLI on the jax and torch backends (GPU and CPU).
#
#   scripts/device_check.sh OUTDIR [--smoke]
#
# Written for the lent GPU machine (x86-64, Python 3.12 with PyTorch, JAX and CuPy but no
# TensorFlow, no Keras and no network): there `.whl/` (scripts/fetch_wheels.sh) is
# carried with the working tree and OUTDIR is $OUT, whose files come back (at most 8).
# What comes back: log.txt, devices-{jax,torch}.json, results-{jax,torch}.json (the
# per-step result files merged, one per backend) and reference.json.
#
# --smoke is the same sequence on the CPU with tiny sizes and budgets, so a CPU-only
# machine (tests/test_device_check.py) runs every step of the real check.
#
# Every step runs even when an earlier one failed; its exit code is logged, and the
# script exits 0 only if every step succeeded. `python3` is taken from PATH.
# Environment knobs: DEVICE_CHECK_DEADLINE_S (skip the measuring steps that would start
# after this many seconds; default 450, smoke 300), DEVICE_CHECK_STEP_TIMEOUT_S (default
# 180, smoke 120), DEVICE_CHECK_BUDGET (--budget of each run; default 1, smoke 0.2),
# DEVICE_CHECK_PARALLEL (1: run the reference and the backends at the same time, each
# one's log printed whole after the others; default 0, smoke 1: a CPU-only test is
# dominated by framework imports, and it measures nothing that could be disturbed).
set -uo pipefail

usage() { echo "usage: $0 OUTDIR [--smoke]" >&2; exit 2; }

OUTDIR="" SMOKE=0
for arg in "$@"; do
  case "$arg" in
    --smoke) SMOKE=1 ;;
    -h|--help) usage ;;
    -*) echo "unknown option: $arg" >&2; usage ;;
    *) [[ -z "$OUTDIR" ]] || usage; OUTDIR=$arg ;;
  esac
done
[[ -n "$OUTDIR" ]] || usage
mkdir -p "$OUTDIR" || exit 2
OUTDIR=$(cd "$OUTDIR" && pwd)
REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$REPO" || exit 2

export PYTHONUNBUFFERED=1
export XLA_PYTHON_CLIENT_PREALLOCATE=false  # JAX must not take 75% of the GPU from torch
export TF_CPP_MIN_LOG_LEVEL=2
export COLUMNS=${COLUMNS:-160}              # rich tables in the log: wide enough to read
SITE=${DEVICE_CHECK_SITE:-/tmp/site}        # where the carried wheels are installed

if (( SMOKE )); then
  GPU=cpu
  MM_GPU_SIZES=64,128 MM_CPU_SIZES=64,128 EW_SIZES=64
  MLP_FLAGS=(--batch 4 --depth 1 --width 16)
  CNN_FLAGS=(--batch 4 --depth 1 --filters 4 --image 8)
  BUDGET=${DEVICE_CHECK_BUDGET:-0.2}
  DEADLINE=${DEVICE_CHECK_DEADLINE_S:-300}
  STEP_TIMEOUT=${DEVICE_CHECK_STEP_TIMEOUT_S:-120}
  PARALLEL=${DEVICE_CHECK_PARALLEL:-1}
  CPU_BF16_TIMEOUT=$STEP_TIMEOUT
else
  GPU=gpu:0
  MM_GPU_SIZES=256,1024,4096,8192,16384 MM_CPU_SIZES=256,1024,2048 EW_SIZES=1024,4096,16384
  MLP_FLAGS=() CNN_FLAGS=()
  BUDGET=${DEVICE_CHECK_BUDGET:-1}
  DEADLINE=${DEVICE_CHECK_DEADLINE_S:-450}
  STEP_TIMEOUT=${DEVICE_CHECK_STEP_TIMEOUT_S:-180}
  PARALLEL=${DEVICE_CHECK_PARALLEL:-0}
  CPU_BF16_TIMEOUT=${DEVICE_CHECK_CPU_BF16_TIMEOUT_S:-100}
fi
# "gpu:0,cpu" in the real check; in the smoke run both are the CPU, named once.
if [[ "$GPU" == cpu ]]; then BOTH=cpu; else BOTH="$GPU,cpu"; fi

# Each step appends one line "NAME exit RC SECONDS" to $STEPFILE: a file, not a variable,
# so that steps run in background jobs (--smoke) are counted too.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/device_check.XXXXXX") || exit 2
trap 'rm -rf "$WORK"' EXIT
STEPFILE=$WORK/steps-main

# step NAME [--stdout FILE] [--always] [--timeout S] CMD...: run CMD under a timeout
# (S, default $STEP_TIMEOUT), log its exit code,
# never stop the script. Measuring steps that would start after the deadline are skipped
# (and count as failed) so the merges and the summary still happen inside the device
# call's limit; --always steps (merges, summaries) run regardless.
step() {
  local name=$1 out="" always=0 limit=$STEP_TIMEOUT; shift
  while [[ $# -gt 0 ]]; do
    case "$1" in
      --stdout) out=$2; shift 2 ;;
      --always) always=1; shift ;;
      --timeout) limit=$2; shift 2 ;;
      *) break ;;
    esac
  done
  local left=$(( DEADLINE - SECONDS )) rc t0=$SECONDS
  echo
  echo "=== [$(date -u +%H:%M:%S) +${SECONDS}s] step $name: $*"
  if (( !always && left <= 5 )); then
    rc=124
    echo "=== step $name: SKIPPED, past the ${DEADLINE}s deadline (exit $rc)"
  else
    (( !always && left < limit )) && limit=$left
    local run=(timeout -k 10 "$limit")
    declare -F "$1" >/dev/null && run=()  # shell functions (merges, checks) run as they are
    if [[ -n "$out" ]]; then
      "${run[@]}" "$@" >"$out"
    else
      "${run[@]}" "$@"
    fi
    rc=$?
    (( rc == 124 || rc == 137 )) && echo "=== step $name: timed out after ${limit}s"
    echo "=== step $name: exit $rc ($(( SECONDS - t0 ))s)"
  fi
  printf '%-28s exit %3d  %4ds\n' "$name" "$rc" "$(( SECONDS - t0 ))" >>"$STEPFILE"
  return 0
}

# Keras picks its backend at import; try one that is here (there is no TensorFlow there).
keras_imports() {
  local b
  for b in jax torch; do
    KERAS_BACKEND=$b python3 -c "import $b, keras" >/dev/null 2>&1 && return 0
  done
  return 1
}

print_versions() {
  python3 - <<'EOF'
import importlib, importlib.metadata, os, platform, sys
print("python", sys.version.replace("\n", " "), "at", sys.executable)
print("platform", platform.platform(), "| cpus", len(os.sched_getaffinity(0)))
for name, dist in (("numpy", "numpy"), ("ml_dtypes", "ml-dtypes"), ("optree", "optree"), ("namex", "namex"),
                   ("h5py", "h5py"), ("absl", "absl-py"), ("rich", "rich"), ("psutil", "psutil"),
                   ("cpuinfo", "py-cpuinfo"), ("pandas", "pandas"), ("packaging", "packaging"),
                   ("jax", "jax"), ("jaxlib", "jaxlib"), ("torch", "torch")):
    try:
        module = importlib.import_module(name)
        try:
            version = importlib.metadata.version(dist)
        except importlib.metadata.PackageNotFoundError:
            version = getattr(module, "__version__", "?")
        print(f"{name:10s} {version:20s} {getattr(module, '__file__', '')}")
    except Exception as exc:  # noqa: BLE001
        print(f"{name:10s} not importable: {type(exc).__name__}: {exc}")
try:
    import jax
    print("jax devices:", jax.devices())
except Exception as exc:  # noqa: BLE001
    print("jax devices: failed:", exc)
try:
    import torch
    print("torch cuda:", torch.version.cuda, "available:", torch.cuda.is_available(),
          [torch.cuda.get_device_name(i) for i in range(torch.cuda.device_count())])
except Exception as exc:  # noqa: BLE001
    print("torch: failed:", exc)
import importlib.util
spec = importlib.util.find_spec("keras")  # where it is, without importing it (a backend each run)
try:
    keras_version = importlib.metadata.version("keras")
except importlib.metadata.PackageNotFoundError:
    keras_version = "?"
print(f"keras      {keras_version:20s} {spec.origin if spec else 'not found'}")
EOF
}

# merge_results BACKEND PARTS_DIR: the step result files into OUTDIR/results-BACKEND.json
# (dlenv.data.results when it is there and accepts them, plain JSON otherwise); the parts are
# removed after a merge so that no more than 8 files come back.
merge_results() {
  local backend=$1 parts=$2
  python3 - "$OUTDIR/results-$backend.json" "$parts" <<'EOF' && rm -rf "$parts"
import json, sys
from pathlib import Path

out, parts = Path(sys.argv[1]), sorted(Path(sys.argv[2]).glob("*.json"))
if not parts:
    sys.exit(f"no result files in {sys.argv[2]}: every step of this backend failed")
try:
    from dlenv.data import results
    doc = results.merge_documents([results.load(p) for p in parts])
    results.dump(doc, out)
    how = "dlenv.data.results.merge_documents"
except Exception as exc:  # noqa: BLE001  (missing module, or a file it refuses)
    print(f"dlenv.data.results could not merge ({type(exc).__name__}: {str(exc)[:300]}); merging as plain JSON")
    docs = []
    for p in parts:
        try:
            docs.append(json.loads(p.read_text()))
        except ValueError as bad:
            print(f"skipping unreadable {p.name}: {bad}")
    env = {}
    for d in docs:
        env.update(d.get("environment") or {})
    doc = {"schema": docs[0].get("schema") if docs else None, "environment": env,
           "results": [r for d in docs for r in d.get("results", [])],
           "errors": [e for d in docs for e in d.get("errors", [])],
           "merged_from": [p.name for p in parts]}
    out.write_text(json.dumps(doc, indent=1) + "\n")
    how = "plain JSON"
print(f"merged {', '.join(p.name for p in parts)} -> {out.name} with {how}: "
      f"{len(doc['results'])} results, {len(doc['errors'])} errors")
for r in doc["results"]:
    print(f"  {r.get('device', '?'):6s} {r.get('label', r.get('workload')):50s} {r.get('timing', ''):6s} "
          f"median {r.get('median_s', float('nan')) * 1e3:10.3f} ms  {r.get('gflops') or 0:12.1f} GFLOP/s")
for e in doc["errors"]:
    print(f"  ERROR {e.get('device')}: {e.get('error')}")
EOF
}

run_backend() {
  local b=$1 parts="$OUTDIR/parts-$1"
  mkdir -p "$parts"
  local dl=(python3 -m dlenv)
  step "$b devices" --stdout "$OUTDIR/devices-$b.json" "${dl[@]}" devices --backend "$b" --json
  [[ -s "$OUTDIR/devices-$b.json" ]] && cat "$OUTDIR/devices-$b.json"
  step "$b matmul gpu" "${dl[@]}" run matmul --sizes "$MM_GPU_SIZES" --dtype float32,bfloat16 \
    --devices "$GPU" --backend "$b" --timing both --budget "$BUDGET" --out "$parts/matmul-$b-gpu.json"
  step "$b matmul cpu float32" "${dl[@]}" run matmul --sizes "$MM_CPU_SIZES" --dtype float32 \
    --devices cpu --backend "$b" --timing both --budget "$BUDGET" --out "$parts/matmul-$b-cpu-float32.json"
  step "$b elementwise" "${dl[@]}" run elementwise --sizes "$EW_SIZES" \
    --devices "$BOTH" --backend "$b" --budget "$BUDGET" --out "$parts/elementwise-$b.json"
  step "$b mlp" "${dl[@]}" run mlp --mode inference,train "${MLP_FLAGS[@]}" \
    --devices "$BOTH" --backend "$b" --budget "$BUDGET" --out "$parts/mlp-$b.json"
  step "$b cnn" "${dl[@]}" run cnn --mode inference,train "${CNN_FLAGS[@]}" \
    --devices "$BOTH" --backend "$b" --budget "$BUDGET" --out "$parts/cnn-$b.json"
  # Last and on its own: a CPU without bfloat16 units can take ~1 s per 2048 product
  # (torch on an AVX2-only CPU ran 128x128 at 1-2 GFLOP/s), and a timeout here loses
  # only these rows.
  step "$b matmul cpu bfloat16" --timeout "$CPU_BF16_TIMEOUT" "${dl[@]}" run matmul --sizes "$MM_CPU_SIZES" \
    --dtype bfloat16 --devices cpu --backend "$b" --timing both --budget "$BUDGET" \
    --out "$parts/matmul-$b-cpu-bfloat16.json"
  step "$b merge" --always merge_results "$b" "$parts"
}

main() {
  echo "device_check: $(date -u +%Y-%m-%dT%H:%M:%SZ) repo $REPO out $OUTDIR smoke=$SMOKE" \
       "budget=$BUDGET deadline=${DEADLINE}s step_timeout=${STEP_TIMEOUT}s"

  if keras_imports; then
    echo "keras already imports: no wheels installed"
  elif [[ -d .whl ]] && compgen -G ".whl/*.whl" >/dev/null; then
    ls -la .whl
    step "pip install .whl" --always python3 -m pip install -q --no-index --no-deps --no-compile \
      --no-cache-dir --upgrade --target "$SITE" .whl/*.whl
    export PYTHONPATH=$SITE:$REPO${PYTHONPATH:+:$PYTHONPATH}
    step "keras imports" --always keras_imports
  else
    echo "keras does not import and there is no .whl/ folder (scripts/fetch_wheels.sh makes it)"
    step "keras imports" --always keras_imports
  fi
  export PYTHONPATH=${PYTHONPATH:-$REPO}
  case ":$PYTHONPATH:" in *":$REPO:"*) ;; *) export PYTHONPATH=$PYTHONPATH:$REPO ;; esac
  echo "PYTHONPATH=$PYTHONPATH"

  echo; echo "=== nvidia-smi"
  if command -v nvidia-smi >/dev/null; then nvidia-smi; else echo "nvidia-smi: not found (no NVIDIA GPU here)"; fi
  echo; echo "=== versions"
  print_versions

  # The jobs: the reference, then each backend that imports. On the GPU they run one
  # after another (they would disturb each other's timings); the smoke run starts them
  # together and prints each one's log after the other, in the same order.
  local jobs=() b
  [[ -f scripts/gpu_reference.py ]] && jobs+=(reference)
  for b in jax torch; do
    if python3 -c "import $b" >/dev/null 2>&1; then
      jobs+=("$b")
    else
      echo; echo "=== backend $b: SKIPPED, python3 cannot import $b"
    fi
  done
  local backends_run=0
  for b in "${jobs[@]}"; do [[ $b == reference ]] || backends_run=$(( backends_run + 1 )); done
  local job
  if (( PARALLEL )); then
    for job in "${jobs[@]}"; do
      ( STEPFILE=$WORK/steps-$job; run_job "$job" >"$WORK/log-$job" 2>&1 ) &
    done
    wait
    for job in "${jobs[@]}"; do cat "$WORK/log-$job"; done
  else
    for job in "${jobs[@]}"; do
      ( STEPFILE=$WORK/steps-$job; run_job "$job" )
    done
  fi

  echo; echo "=== files in $OUTDIR"
  ls -la "$OUTDIR"
  echo; echo "=== summary (${SECONDS}s)"
  local summary
  summary=$(cat "$WORK"/steps-main 2>/dev/null; for job in "${jobs[@]}"; do cat "$WORK/steps-$job" 2>/dev/null; done)
  echo "$summary"
  local total failed
  total=$(grep -c . <<<"$summary")
  failed=$(grep -cv ' exit   0 ' <<<"$summary")
  (( backends_run > 0 )) || { echo "no backend could be imported"; failed=$(( failed + 1 )); }
  echo "device_check: $total steps, $failed failed, $backends_run backends, ${SECONDS}s"
  (( failed == 0 ))
}

run_job() {
  if [[ $1 == reference ]]; then
    local ref=(python3 scripts/gpu_reference.py "$OUTDIR")
    (( SMOKE )) && ref+=(--smoke)
    step "gpu reference" "${ref[@]}"
  else
    run_backend "$1"
  fi
}

main 2>&1 | tee "$OUTDIR/log.txt"
exit "${PIPESTATUS[0]}"
