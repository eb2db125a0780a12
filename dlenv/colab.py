"""The Colab round trip: the "Open in Colab" address and the notebook, made for a chosen sweep.

A teacher on a machine without a GPU opens the project's notebook on Colab, runs it on a
free T4, downloads the one file it writes and imports it on the Results page. This module
is the pure part (no Streamlit): ``dlenv.ui.colab`` draws it on the pages, and
``python -m dlenv.colab`` writes a notebook from the command line.

Where the project lives is a setting, never a guess: ``DLENV_REPOSITORY`` (an environment
variable; on Streamlit Cloud a root-level Secret, which Streamlit copies into the
environment) holds ``OWNER/REPO`` or ``OWNER/REPO@REF`` of a GitHub repository. Unset, the
pages offer the notebook as a download with dlenv's own code inside it (``embed``), so it
installs without any address.

Sources of the two address forms:
- Colab opens a public GitHub notebook at ``https://colab.research.google.com/github/OWNER/REPO/blob/REF/PATH``:
  googlecolab/colabtools, notebooks/colab-github-demo.ipynb (commit 4e6f038), "Loading Public
  Notebooks Directly from GitHub".
- pip installs ``git+https://github.com/OWNER/REPO@REF`` (a branch, tag or commit): pip's
  "VCS Support" page, https://pip.pypa.io/en/stable/topics/vcs-support/ (pypa/pip,
  docs/html/topics/vcs-support.md).
"""

from __future__ import annotations

import argparse
import base64
import io
import json
import os
import re
import sys
import zipfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from dlenv.vocab import BACKENDS, DEVICE_KINDS, DTYPES, PARAM_LIMITS, TIMINGS, WORKLOADS

REPOSITORY_VARIABLE = "DLENV_REPOSITORY"
NOTEBOOK_PATH = "notebooks/dlenv_colab.ipynb"  # inside the repository, as Colab's address names it
ROOT = Path(__file__).resolve().parents[1]  # the checkout the app runs from
STOCK_NOTEBOOK = ROOT / NOTEBOOK_PATH
RESULTS_FILE = "dlenv-colab-results.json"  # the one file the notebook offers for download
PARAMETERS_CELL = "parameters"  # cell ids in the notebook
EMBEDDED_CELL = "embedded"

# GitHub's rules: an owner is 1-39 letters, digits or inner hyphens; a repository name is
# letters, digits, '.', '_' and '-' (never "." or ".."). A ref here: a branch, tag or commit
# without spaces, '..' or a leading '-' (git check-ref-format refuses those too).
_OWNER = r"[A-Za-z0-9](?:[A-Za-z0-9-]{0,37}[A-Za-z0-9])?"
_NAME = r"[A-Za-z0-9._-]{1,100}"
_REF = r"[A-Za-z0-9._/-]{1,200}"
_REPOSITORY = re.compile(rf"(?:https://github\.com/)?(?P<owner>{_OWNER})/(?P<name>{_NAME}?)(?:\.git)?/?"
                         rf"(?:@(?P<ref>{_REF}))?")


@dataclass(frozen=True)
class Repository:
    """A GitHub repository holding this project, and the branch, tag or commit to use."""

    owner: str
    name: str
    ref: str = "main"


def parse_repository(text: str) -> Repository:
    """``OWNER/REPO``, ``OWNER/REPO@REF`` or ``https://github.com/OWNER/REPO[.git][@REF]``
    as a Repository (ref "main" when not given). Raises ValueError naming the setting."""
    match = _REPOSITORY.fullmatch(text.strip())
    ref = match and match["ref"]
    if (not match or match["name"] in (".", "..") or not match["name"]
            or (ref and (".." in ref or ref.startswith(("-", "/")) or ref.endswith("/")))):
        raise ValueError(f"{REPOSITORY_VARIABLE}={text!r} is not a GitHub repository; give OWNER/REPO or "
                         "OWNER/REPO@BRANCH (e.g. my-school/dlenv@main)")
    return Repository(match["owner"], match["name"], ref or "main")


def repository_from(environ: Mapping[str, str] = os.environ) -> Repository | None:
    """The repository ``DLENV_REPOSITORY`` names, None when it is unset or empty.
    Raises ValueError when it is set to something that is not a repository."""
    text = environ.get(REPOSITORY_VARIABLE, "").strip()
    return parse_repository(text) if text else None


def colab_url(repository: Repository, path: str = NOTEBOOK_PATH) -> str:
    """The address that opens ``path`` of the repository in Colab (form: module docstring)."""
    return (f"https://colab.research.google.com/github/{repository.owner}/{repository.name}"
            f"/blob/{repository.ref}/{path}")


def install_source(repository: Repository) -> str:
    """What ``pip install`` takes to install dlenv from the repository (pip's VCS form)."""
    return f"git+https://github.com/{repository.owner}/{repository.name}@{repository.ref}"


# ------------------------------------------------------------------ the sweep


@dataclass(frozen=True)
class Sweep:
    """What the notebook measures: each workload on each device, backend and dtype.

    ``sizes`` are matmul and element-wise sizes N (N x N matrices; N elements); the
    models (mlp, cnn) use the command line's default shapes, inference and training.
    ``devices`` are kinds (cpu, gpu, tpu) or "all"; a kind the runtime lacks is left out
    by the notebook, with a line saying how to get it. ``timing`` is synced, naive or both;
    ``budget_s`` the seconds of sampling per measurement. Raises ValueError on a value the
    command line would refuse.
    """

    workloads: tuple[str, ...] = ("matmul", "elementwise")
    sizes: tuple[int, ...] = (256, 1024, 4096)
    dtype: str = "float32"
    backend: str = "tensorflow"
    devices: tuple[str, ...] = ("cpu", "gpu")
    timing: str = "synced"
    budget_s: float = 2.0

    def __post_init__(self) -> None:
        lo, hi = PARAM_LIMITS["size"]
        problems = [
            *(f"workload {w!r} (choose from {', '.join(WORKLOADS)})" for w in self.workloads if w not in WORKLOADS),
            *(f"size {n!r} (whole numbers from {lo} to {hi})" for n in self.sizes
              if isinstance(n, bool) or not isinstance(n, int) or not lo <= n <= hi),
            *(f"device {d!r} (cpu, gpu, tpu or all)" for d in self.devices if d not in (*DEVICE_KINDS, "all")),
        ]
        if self.dtype not in DTYPES:
            problems.append(f"dtype {self.dtype!r} (choose from {', '.join(DTYPES)})")
        if self.backend not in (*BACKENDS, "all"):
            problems.append(f"backend {self.backend!r} (choose from {', '.join(BACKENDS)} or all)")
        if self.timing not in (*TIMINGS, "both"):
            problems.append(f"timing {self.timing!r} (synced, naive or both)")
        if not 0.05 <= self.budget_s <= 600:
            problems.append(f"budget {self.budget_s!r} (0.05 to 600 seconds)")
        if not self.workloads or not self.devices or not self.sizes:
            problems.append("a sweep needs at least one workload, device and size")
        if problems:
            raise ValueError("not a sweep the notebook can run: " + "; ".join(problems))

    @classmethod
    def for_colab(cls, sizes: Iterable[int], dtype: str, devices: Iterable[str], backend: str,
                  naive: bool = False) -> Sweep:
        """The Matrix multiply page's choices as a Colab sweep: matmul and element-wise (as
        the page runs them), on the kinds of the chosen devices plus the CPU and the GPU
        (a GPU is why one goes to Colab; ids such as cpu:1 name this machine's devices,
        not Colab's). Sizes outside the allowed range are left out; none left: the default."""
        lo, hi = PARAM_LIMITS["size"]
        kept = tuple(sorted({int(n) for n in sizes if not isinstance(n, bool) and lo <= int(n) <= hi}))
        kinds = {str(d).split(":")[0] for d in devices} | {"cpu", "gpu"}
        chosen = ("all",) if "all" in kinds else tuple(k for k in DEVICE_KINDS if k in kinds)
        return cls(sizes=kept or cls.sizes, dtype=dtype, devices=chosen, backend=backend,
                   timing="both" if naive else "synced")

    def run_args(self, workload: str) -> list[str]:
        """``python -m dlenv run`` arguments for one workload of the sweep, as the notebook
        builds them (without --out); ``dlenv.cli.args.build_parser`` parses them."""
        args = [workload, "--backend", self.backend, "--devices", ",".join(self.devices), "--dtype", self.dtype,
                "--timing", self.timing, "--budget", f"{self.budget_s:g}"]
        if workload in ("matmul", "elementwise"):
            return [*args, "--sizes", ",".join(map(str, self.sizes))]
        return [*args, "--mode", "inference,train"]


def parameter_cell(sweep: Sweep, install: str = "", machine: str = "") -> str:
    """The notebook's first code cell: the sweep as Python assignments a teacher edits,
    with the place pip installs dlenv from (``install``, "" when none is set) and the
    machine name the Results page shows ("" for "Colab" and the accelerator's name)."""
    def literal(value: object) -> str:
        return json.dumps(value, ensure_ascii=False)  # a JSON string or list is a Python literal too

    lines = [
        "# Parameters: change a value, then Runtime > Run all.",
        "# 매개변수: 값을 바꾼 뒤 런타임 > 모두 실행을 누르세요.",
        f"WORKLOADS = {literal(list(sweep.workloads))}  # any of: {', '.join(WORKLOADS)}",
        f"SIZES = {literal(','.join(map(str, sweep.sizes)))}  # matmul, elementwise: N or MxNxK, comma-separated",
        f"DTYPE = {literal(sweep.dtype)}  # {', '.join(DTYPES)} (comma-separated to sweep)",
        f"BACKEND = {literal(sweep.backend)}  # {', '.join(BACKENDS)} or all",
        f"DEVICES = {literal(','.join(sweep.devices))}  # cpu, gpu, tpu, all; one this runtime lacks is left out",
        f"TIMING = {literal(sweep.timing)}  # synced, naive (wrong on purpose) or both",
        f"BUDGET = {sweep.budget_s:g}  # seconds of sampling per measurement",
        f"MACHINE = {literal(machine)}  # the name the Results page shows; empty: Colab and the GPU's name",
        f"OUT = {literal(RESULTS_FILE)}  # the one file to download",
        "# Where pip installs dlenv from: git+https://github.com/OWNER/REPO@BRANCH, or the name of a",
        "# dlenv wheel or zip you uploaded (Files panel). Empty: the copy embedded below, else an upload.",
        f"DLENV_INSTALL = {literal(install)}",
    ]
    return "\n".join(lines)


def embedded_cell(source_zip: bytes | None) -> str:
    """The cell that carries dlenv's own code (base64 of a zip), hidden in Colab behind its title."""
    title = "#@title dlenv's own code, embedded by the app that made this notebook (run it; no need to read it)"
    if not source_zip:
        return f"{title}\nDLENV_EMBEDDED = \"\"  # empty: this notebook installs dlenv from DLENV_INSTALL or an upload"
    text = base64.encodebytes(source_zip).decode("ascii")  # 76-character lines
    return f'{title}\nDLENV_EMBEDDED = """\n{text}"""'


def source_zip(root: Path = ROOT) -> bytes | None:
    """dlenv's source as a zip pip can install (pyproject.toml, README.md, the dlenv package
    under one top folder, as an sdist is laid out; the bundled reference result sets left
    out, a notebook does not use them), or None without a checkout at ``root``.
    The same files give the same bytes (fixed dates), so a notebook made twice is identical."""
    files = [root / "pyproject.toml", root / "README.md"]
    if not all(path.is_file() for path in files):
        return None
    package = root / "dlenv"
    reference = package / "data" / "reference"  # the app's bundled result sets: not needed to measure
    files += sorted(path for path in package.rglob("*") if path.is_file() and "__pycache__" not in path.parts
                    and (path.suffix == ".py" or (path.suffix == ".json" and reference not in path.parents)))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for path in files:
            info = zipfile.ZipInfo(f"dlenv-src/{path.relative_to(root).as_posix()}", date_time=(2020, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            archive.writestr(info, path.read_bytes())
    return buffer.getvalue()


def notebook_for(sweep: Sweep = Sweep(), *, install: str = "", embed: bytes | None = None, machine: str = "",
                 template: Path = STOCK_NOTEBOOK) -> bytes:
    """The project's notebook (``template``) with ``sweep`` written into its first code cell
    and ``embed`` (a ``source_zip``) into its embedded-code cell, as .ipynb bytes (UTF-8 JSON,
    nbformat 4, no outputs). Raises FileNotFoundError without the template, ValueError when
    the template lacks either cell or ``install`` or ``machine`` holds a line break."""
    if any(ch in text for text in (install, machine) for ch in "\r\n"):
        raise ValueError("install and machine must be one line each")
    notebook = json.loads(template.read_text(encoding="utf-8"))
    cells = {cell.get("id"): cell for cell in notebook["cells"]}
    for key, source in ((PARAMETERS_CELL, parameter_cell(sweep, install, machine)), (EMBEDDED_CELL, embedded_cell(embed))):
        if key not in cells:
            raise ValueError(f"{template} has no cell with id {key!r}")
        cells[key]["source"] = source.splitlines(keepends=True)
    return (json.dumps(notebook, indent=1, ensure_ascii=False) + "\n").encode("utf-8")


def main(argv: list[str] | None = None) -> int:
    """``python -m dlenv.colab``: write the notebook for a sweep (default: the stock one)."""
    parser = argparse.ArgumentParser(prog="python -m dlenv.colab", description=__doc__.split("\n")[0])
    parser.add_argument("--repository", default=os.environ.get(REPOSITORY_VARIABLE, ""),
                        help=f"OWNER/REPO[@REF] to install dlenv from (default: ${REPOSITORY_VARIABLE}; empty: none)")
    parser.add_argument("--embed", action="store_true", help="carry dlenv's own code inside the notebook")
    parser.add_argument("--out", type=Path, default=None, help="where to write it (default: standard output)")
    args = parser.parse_args(argv)
    try:
        install = install_source(parse_repository(args.repository)) if args.repository.strip() else ""
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    data = notebook_for(Sweep(), install=install, embed=source_zip() if args.embed else None)
    if args.out is None:
        sys.stdout.buffer.write(data)
    else:
        args.out.write_bytes(data)
        print(f"wrote {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
