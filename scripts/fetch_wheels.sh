#!/usr/bin/env bash
# Download into .whl/ the wheels that scripts/device_check.sh installs on the lent GPU
# machine (x86-64 Linux, CPython 3.12, no network, no Keras). That machine already has
# numpy, ml-dtypes, absl-py, h5py, rich (markdown-it-py, mdurl, pygments), packaging,
# psutil, py-cpuinfo, pandas, typing-extensions, jax and torch (see KINDS.md of the
# device tool), so only Keras and the two needs of it that it lacks travel: carrying a
# second numpy or ml_dtypes next to the ones JAX uses breaks the install.
#   scripts/fetch_wheels.sh [PYTHON]    (PYTHON: the pip to download with; default python3)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${1:-python3}
WHEELS=(keras==3.15.1 namex==0.1.0 optree==0.20.0)

grep -qx '/.whl/' .git/info/exclude 2>/dev/null || { mkdir -p .git/info; echo /.whl/ >>.git/info/exclude; }
rm -rf .whl
mkdir -p .whl
"$PY" -m pip download --no-deps --only-binary=:all: --python-version 3.12 --implementation cp \
  --platform manylinux_2_28_x86_64 --platform manylinux_2_27_x86_64 --platform manylinux_2_17_x86_64 \
  --platform manylinux2014_x86_64 --platform manylinux1_x86_64 -d .whl "${WHEELS[@]}"
ls -la .whl
du -sh .whl
