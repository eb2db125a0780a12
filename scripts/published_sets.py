"""Build dlenv's published GPU matmul sets from third parties' figures, with their sources.

    python scripts/published_sets.py                       # CSVs -> dlenv/data/reference/*.json
    python scripts/published_sets.py --check               # exit 1 if the shipped JSON differs
    python scripts/published_sets.py --out DIR             # write the JSON to DIR instead
    python scripts/published_sets.py --openxla GIT_DIR [--openxla-rev REV] --mamf GIT_DIR [--mamf-rev REV]
                                                           # re-read the upstream files first

Two steps, so the shipped sets are re-made without the upstream repositories:

1. Transcribe (needs a git directory of each upstream repository, e.g. from the ``fetch``
   tool): the OpenXLA GEMM performance table and the MAMF table of stas00/ml-engineering
   are parsed from the files at a commit and written as compact CSVs under
   ``dlenv/data/published/``, each headed by comment lines naming repository, path,
   commit, date and licence. Only the numbers dlenv uses are kept (bf16 and f32 GEMMs;
   the BF16 MAMF rows of GPUs).
2. Build: the CSVs (and ``amd_maf.csv``, whose four figures were entered by hand from
   AMD's ROCm blog: no git copy of that page was at hand) become results documents
   (``dlenv.results/2``) in ``dlenv/data/reference/``, one per set, with provenance
   "published" and no timing statistics. Output is deterministic: same CSVs, same bytes.

Formulas (dlenv.measure.workloads.Matmul, times the batch): flops = 2*b*m*n*k,
bytes = b*(m*k + k*n + m*n)*itemsize, seconds per call = flops / published FLOP/s.
Peaks: dlenv.measure.peaks.ACCELERATOR_PEAKS (the "tf32" column for float32 matmuls that
ran on TF32 tensor cores); a card without a row there gets no peak.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from dlenv.data import results
from dlenv.measure.peaks import ACCELERATOR_PEAKS, ACCELERATOR_SOURCES, match_accelerator
from dlenv.measure.workloads import Matmul

DATA = ROOT / "dlenv" / "data" / "published"
REFERENCE = ROOT / "dlenv" / "data" / "reference"
COMMAND = "python scripts/published_sets.py"

# --------------------------------------------------------------------------- sources

OPENXLA = {
    "repository": "https://github.com/openxla/xla",
    "path": "xla/service/gpu/model/default_matmul_perf_table.txtpb",
    # Until openxla/xla ad6eaee1 (2026-07-10) the same table was a C++ string in this header;
    # its last version (e97611c4) holds the same sm_90 and sm_100_B200 figures.
    "former_path": "xla/service/gpu/model/matmul_interpolator_data.h",
    "licence": "Apache-2.0",
}
# XLA's dtype keys (lhs x rhs -> out) that dlenv keeps, as dlenv dtypes.
XLA_DTYPES = {"bf16xbf16->bf16": "bfloat16", "f32xf32->f32": "float32"}
MAMF = {
    "repository": "https://github.com/stas00/ml-engineering",
    "path": "compute/accelerator/README.md",
    "section": "Maximum Achievable Matmul FLOPS comparison table",
    "licence": "CC-BY-SA-4.0",
}
AMD_MAF = {
    "repository": "https://github.com/ROCm/rocm-blogs",
    "page": "https://rocm.blogs.amd.com/software-tools-optimization/measuring-max-achievable-flops-part2/README.html",
    "path": "blogs/software-tools-optimization/measuring-max-achievable-flops-part2/README.md",
    "version": "8e011952aebcdc6ad86b42f5ee236136aa8765dd",
    "date": "2025-02-28",
    "licence": "not stated in the repository; four figures cited with attribution",
}


@dataclass(frozen=True)
class OpenXlaSet:
    """One compute capability of the OpenXLA table, shipped as one set."""

    name: str
    key: str                 # the table's key (XLA's device profile name)
    device_name: str         # the card as its maker's software names it
    float32_precision: str | None  # what XLA's float32 GEMM ran as; None where the source does not say
    card_note: str


OPENXLA_SETS = (
    OpenXlaSet("gpu-h100-openxla-matmul", "sm_90", "NVIDIA H100 80GB HBM3", "tf32",
               "sm_90 is Hopper; XLA's commit b2766086 says H100, and its 780 TFLOP/s bf16 exceeds the "
               "H100 PCIe's 756 TFLOP/s datasheet peak, so it is taken to be the SXM module."),
    OpenXlaSet("gpu-b200-openxla-matmul", "sm_100_B200", "NVIDIA B200", "tf32",
               "sm_100_B200 is XLA's key for B200 (commit 1088d5ab), kept apart from GB200 since e97611c4."),
    OpenXlaSet("gpu-mi350-openxla-matmul", "gfx950", "AMD Instinct MI350 series (gfx950)", None,
               "gfx950 is AMD's CDNA 4 (MI350X and MI355X); the contributing commit (96b3782c) says "
               "'profiled MI350' without naming the model."),
)


def git_show(git_dir: Path, rev: str, path: str) -> tuple[str, str, str]:
    """(text of ``path``, full sha of the last commit at or before ``rev`` that changed it, its date).

    Raises subprocess.CalledProcessError when the file is not at ``rev``.
    """
    def git(*args: str) -> str:
        return subprocess.run(["git", "-C", str(git_dir), *args], capture_output=True, text=True,
                              check=True).stdout

    text = git("show", f"{rev}:{path}")
    sha, date = git("log", "-1", "--format=%H %cI", rev, "--", path).split()
    return text, sha, date[:10]


# --------------------------------------------------------------------------- parsing

_TABLE_KEY = re.compile(r'^\s{0,4}entries\s*\{\s*key:\s*"([^"]+)"', re.MULTILINE)
_ENTRY = re.compile(r"entries\s*\{\s*b:\s*(\d+)\s*m:\s*(\d+)\s*n:\s*(\d+)\s*k:\s*(\d+)\s*"
                    r"((?:flops\s*\{[^}]*\}\s*)+)\}")
_FLOPS = re.compile(r'flops\s*\{\s*key:\s*"([^"]+)"\s*value:\s*(\d+)\s*\}')


def parse_gemm_perf_table(text: str) -> dict[str, list[tuple[int, int, int, int, dict[str, int]]]]:
    """XLA's GEMM performance table (text proto ``xla.GemmPerfTable``, as in the .txtpb or
    the older header's raw string) as {device key: [(b, m, n, k, {dtype key: FLOP/s})]}.

    Raises ValueError when no device or no entry is found (not such a table).
    """
    keys = [(match.start(), match.group(1)) for match in _TABLE_KEY.finditer(text)]
    table = {}
    for index, (start, key) in enumerate(keys):
        end = keys[index + 1][0] if index + 1 < len(keys) else len(text)
        table[key] = [(*map(int, entry.groups()[:4]), {k: int(v) for k, v in _FLOPS.findall(entry.group(5))})
                      for entry in _ENTRY.finditer(text, start, end)]
    if not table or not all(table.values()):
        raise ValueError("no GemmPerfTable entries found")
    return table


def parse_mamf_table(markdown: str, heading: str = "**BF16**") -> list[dict[str, str]]:
    """The rows of the MAMF comparison table under ``heading`` as {column: cell}, rows
    without a MAMF figure left out. Raises ValueError when the table is not found."""
    start = markdown.find(MAMF["section"])
    start = markdown.find(heading, start) if start >= 0 else -1
    if start < 0:
        raise ValueError(f"no {heading} MAMF table found")
    lines = markdown[start:].splitlines()[1:]
    table = [line for line in _first_block(lines) if line.startswith("|")]
    header = [cell.strip() for cell in table[0].strip("|").split("|")]
    rows = [dict(zip(header, (cell.strip() for cell in line.strip("|").split("|")))) for line in table[2:]]
    return [row for row in rows if row.get("MAMF")]


def _first_block(lines: list[str]) -> list[str]:
    block = []
    for line in lines:
        if line.strip().startswith("|"):
            block.append(line.strip())
        elif block:
            break
    return block


# --------------------------------------------------------------------------- step 1: CSVs

def _csv_text(comments: list[str], header: list[str], rows: list[list]) -> str:
    out = io.StringIO()
    out.write("".join(f"# {line}\n" for line in comments))
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue()


def transcribe_openxla(git_dir: Path, rev: str) -> str:
    """The CSV of the OpenXLA table's bf16 and f32 rows for the devices dlenv ships."""
    text, sha, date = git_show(git_dir, rev, OPENXLA["path"])
    table = parse_gemm_perf_table(text)
    rows = sorted([cc, XLA_DTYPES[key], b, m, n, k, flops]
                  for cc in sorted({s.key for s in OPENXLA_SETS}) for b, m, n, k, figures in table[cc]
                  for key, flops in figures.items() if key in XLA_DTYPES)
    comments = [
        f"source: {OPENXLA['repository']}", f"path: {OPENXLA['path']}", f"commit: {sha}", f"date: {date}",
        f"licence: {OPENXLA['licence']}",
        f"former path: {OPENXLA['former_path']} (same figures; moved to the .txtpb in ad6eaee1)",
        "figures: measured FLOP/s of batched GEMMs C[b] = A[b] @ B[b], A (m, k), B (k, n); XLA keys "
        + ", ".join(f"{key} = {dtype}" for key, dtype in XLA_DTYPES.items()),
        f"written by: {COMMAND} --openxla GIT_DIR",
    ]
    return _csv_text(comments, ["cc", "dtype", "b", "m", "n", "k", "flops_per_s"], rows)


def transcribe_mamf(git_dir: Path, rev: str) -> str:
    """The CSV of the MAMF table's BF16 GPU rows (Gaudi has no dlenv device kind; FP8 no dlenv dtype)."""
    text, sha, date = git_show(git_dir, rev, MAMF["path"])
    rows = []
    for row in parse_mamf_table(text):
        card = row["Accelerator"]
        if not card.startswith(("NVIDIA", "AMD")):
            continue
        m, n, k = (int(size) for size in row["Best Shape MxNxK"].split("x"))
        # Only the settings (NAME=value, a power limit) of the Notes column, not its prose.
        settings = " ".join(re.findall(r"[A-Z_]+=\S+?(?=,|\s|$)|\b\d+W\b", row.get("Notes", "")))
        rows.append([card, "bfloat16", row["MAMF"], row["Theory"], m, n, k, row["torch version"], settings])
    comments = [
        f"source: {MAMF['repository']}", f"path: {MAMF['path']} (section: {MAMF['section']}, BF16)",
        f"commit: {sha}", f"date: {date}", f"licence: {MAMF['licence']} (figures cited with attribution)",
        ("figures: TFLOP/s, mean of 100 matmuls after 50 warm-up ones at the best shape found by mamf-finder.py; "
         "theory_tflops is the datasheet peak the table lists"),
        f"written by: {COMMAND} --mamf GIT_DIR",
    ]
    return _csv_text(comments, ["card", "dtype", "tflops", "theory_tflops", "m", "n", "k", "torch", "settings"],
                     sorted(rows))


# --------------------------------------------------------------------------- step 2: documents

def read_csv(path: Path) -> tuple[dict[str, str], list[dict[str, str]]]:
    """(the ``# name: value`` comment lines as a dict, the rows as dicts of text)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    meta = dict(line[2:].split(": ", 1) for line in lines if line.startswith("# ") and ": " in line)
    return meta, list(csv.DictReader(line for line in lines if not line.startswith("#")))


def _result(*, device_name: str, dtype: str, b: int, m: int, n: int, k: int, flops_per_s: float,
            precision: str | None, source: str, path: str, version: str, note: str, **extra) -> dict:
    spec = Matmul(m, n, k, dtype)
    flops, moved = b * spec.flops(), float(b * spec.bytes_moved())
    median_s = flops / flops_per_s
    params = {"m": m, "n": n, "k": k, **({"batch": b} if b > 1 else {})}
    result = {
        "workload": "matmul", "params": params, "provenance": "published", "device": "gpu:0",
        "device_name": device_name, "dtype": dtype, "median_s": median_s, "flops": flops, "bytes": moved,
        "gflops": flops_per_s / 1e9, "gbps": moved / median_s / 1e9,
    }
    card = match_accelerator(device_name)
    column = "tf32" if precision == "tf32" else dtype
    if card is not None and column in ACCELERATOR_PEAKS[card]:
        peak = ACCELERATOR_PEAKS[card][column] * 1e3
        fp32 = ACCELERATOR_PEAKS[card].get("float32")
        why = (f"; its FP32 (CUDA core) peak is {fp32:g} TFLOP/s" if precision == "tf32" and fp32 else "")
        result.update(peak_gflops=peak, peak_source="spec", pct_of_peak=100 * result["gflops"] / peak,
                      peak_exceeded=result["gflops"] > peak,
                      peak_note=f"{column} peak, {ACCELERATOR_SOURCES[card]}{why}")
    result.update(provenance_source=source, provenance_path=path, provenance_version=version,
                  provenance_note=note)
    if precision is not None:
        result["matmul_precision"] = precision
    label = spec.label() + (f" batch {b}" if b > 1 else "")
    # card_key: dlenv.data.reference.published_for finds the card by it without importing dlenv.measure.
    card_key = {"card_key": card} if card is not None else {}
    return {**result, "label": label, **card_key, **extra, "environment": "e1"}


def _environment(device_name: str, who: str, reference: dict, date: str) -> dict:
    return {"machine": f"published: {device_name} ({who})", "collected_at": f"{date}T00:00:00Z",
            "devices": [{"id": "gpu:0", "kind": "gpu", "name": device_name}],
            "reference": {**reference, "commands": [COMMAND]}}


def _document(date: str, environments: list[dict], results_by_env: list[list[dict]]) -> dict:
    keys = [f"e{i + 1}" for i in range(len(environments))]
    rows = [{**r, "environment": key} for key, batch in zip(keys, results_by_env) for r in batch]
    doc = {"schema": results.SCHEMA, "created": f"{date}T00:00:00Z",
           "environments": dict(zip(keys, environments)), "results": rows, "errors": []}
    return results.validate_document(doc)


def openxla_documents(path: Path) -> dict[str, dict]:
    """One set per OPENXLA_SETS entry: square shapes (m = n = k) at every batch, both dtypes."""
    meta, rows = read_csv(path)
    source, version = meta["source"], meta["commit"]
    documents = {}
    for spec in OPENXLA_SETS:
        results_ = []
        for row in rows:
            b, m, n, k = (int(row[c]) for c in "bmnk")
            if row["cc"] != spec.key or not m == n == k:
                continue
            dtype = row["dtype"]
            precision = spec.float32_precision if dtype == "float32" else "bfloat16"
            if dtype == "float32" and precision == "tf32":
                how = "XLA's default precision runs float32 GEMMs on TF32 tensor cores, so this is a TF32 figure"
            elif dtype == "float32":
                how = "the table does not say which precision the float32 GEMM ran in"
            else:
                how = "bf16 inputs and output"
            note = f"Measured FLOP/s from XLA's default GEMM performance table ({spec.key}); {how}."
            results_.append(_result(device_name=spec.device_name, dtype=dtype, b=b, m=m, n=n, k=k,
                                    flops_per_s=float(row["flops_per_s"]), precision=precision, source=source,
                                    path=OPENXLA["path"], version=version, note=note))
        reference = {"title": f"{spec.device_name}: XLA's measured GEMM throughput ({spec.key})",
                     "source": source, "path": OPENXLA["path"], "version": version, "date": meta["date"],
                     "licence": OPENXLA["licence"], "table_key": spec.key, "card_note": spec.card_note,
                     "former_path": OPENXLA["former_path"]}
        env = _environment(spec.device_name, "OpenXLA", reference, meta["date"])
        documents[spec.name] = _document(meta["date"], [env], [results_])
    return documents


def mamf_document(path: Path) -> dict:
    """The MAMF table's BF16 GPU rows: one environment per card, one result each."""
    meta, rows = read_csv(path)
    version, date = meta["commit"], meta["date"]
    environments, results_ = [], []
    for row in rows:
        reference = {"title": "Maximum achievable matmul FLOPS (MAMF), as published", "source": meta["source"],
                     "path": MAMF["path"], "section": MAMF["section"], "version": version, "date": date,
                     "licence": MAMF["licence"]}
        # The table writes "AMD MI300X"; ROCm names the device "AMD Instinct MI300X", as AMD's own set does.
        device_name = re.sub(r"^AMD (?=MI)", "AMD Instinct ", row["card"])
        environments.append(_environment(device_name, "stas00/ml-engineering MAMF", reference, date))
        note = ("Best mean TFLOP/s found by mamf-finder.py's shape search (mean of 100 calls after 50 warm-up) "
                f"with torch {row['torch']}.")
        results_.append([_result(device_name=device_name, dtype=row["dtype"], b=1, m=int(row["m"]),
                                 n=int(row["n"]), k=int(row["k"]), flops_per_s=float(row["tflops"]) * 1e12,
                                 precision=row["dtype"], source=meta["source"], path=MAMF["path"],
                                 version=version, note=note, published_peak_tflops=float(row["theory_tflops"]),
                                 torch_version=row["torch"], **({"settings": row["settings"]}
                                                                if row["settings"] else {}))])
    return _document(date, environments, results_)


def amd_maf_document(path: Path) -> dict:
    """AMD's max-achievable FLOPs (MAF) table: one environment per card, FP16 and BF16."""
    meta, rows = read_csv(path)
    date = meta["date"]
    by_card: dict[str, list[dict]] = {}
    for row in rows:
        note = (f"AMD's max-achievable {row['dtype']} TFLOP/s (hipBLASLt-bench) at a median engine clock "
                f"of {row['median_clock_mhz']} MHz, as in the blog's results table.")
        by_card.setdefault(row["card"], []).append(_result(
            device_name=row["card"], dtype=row["dtype"], b=1, m=int(row["m"]), n=int(row["n"]), k=int(row["k"]),
            flops_per_s=float(row["tflops"]) * 1e12, precision=row["dtype"], source=meta["page"],
            path=meta["path"], version=meta["commit"], note=note, median_clock_mhz=float(row["median_clock_mhz"])))
    reference = {"title": "AMD Instinct max-achievable FLOPs (MAF), AMD ROCm blog", "source": meta["page"],
                 "repository": meta["source"], "path": meta["path"], "version": meta["commit"], "date": date,
                 "licence": meta["licence"]}
    environments = [_environment(card, "AMD ROCm blog", reference, date) for card in by_card]
    return _document(date, environments, list(by_card.values()))


def build() -> dict[str, dict]:
    """Every published set, by name, from the CSVs in dlenv/data/published."""
    documents = openxla_documents(DATA / "openxla_matmul.csv")
    documents["gpu-mamf-published"] = mamf_document(DATA / "mamf.csv")
    documents["gpu-amd-maf-published"] = amd_maf_document(DATA / "amd_maf.csv")
    return documents


def dumps(doc: dict) -> str:
    """The file text of a document: stable key order as built, one-space indent, a final newline."""
    return json.dumps(doc, indent=1, ensure_ascii=False) + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--openxla", type=Path, help="git directory of openxla/xla (or a fork carrying its history)")
    parser.add_argument("--openxla-rev", default="HEAD")
    parser.add_argument("--mamf", type=Path, help="git directory of stas00/ml-engineering")
    parser.add_argument("--mamf-rev", default="HEAD")
    parser.add_argument("--out", type=Path, default=REFERENCE, help="folder for the JSON sets")
    parser.add_argument("--check", action="store_true", help="compare with the files in --out; write nothing")
    args = parser.parse_args(argv)
    if args.openxla:
        (DATA / "openxla_matmul.csv").write_text(transcribe_openxla(args.openxla, args.openxla_rev), encoding="utf-8")
    if args.mamf:
        (DATA / "mamf.csv").write_text(transcribe_mamf(args.mamf, args.mamf_rev), encoding="utf-8")
    stale = []
    for name, doc in build().items():
        target = args.out / f"{name}.json"
        text = dumps(doc)
        if args.check:
            if not target.is_file() or target.read_text(encoding="utf-8") != text:
                stale.append(name)
        else:
            target.write_text(text, encoding="utf-8")
            print(f"{target}: {len(doc['results'])} results")
    if stale:
        print(f"out of date: {', '.join(stale)} (run {COMMAND})", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
