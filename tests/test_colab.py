"""The Colab round trip: the address, the notebook made for a sweep, the commands it runs,
the pages' link or download, and the one-step import of the file it writes."""

import base64
import contextlib
import io
import json
import re
import subprocess
import sys
import zipfile

import pytest
import streamlit as st
from conftest import ROOT
from streamlit.testing.v1 import AppTest

from dlenv import colab
from dlenv.cli import args as cli_args
from dlenv.data import reference
from dlenv.measure.workloads import Elementwise, Matmul

STOCK = ROOT / "notebooks" / "dlenv_colab.ipynb"


def cells(data: bytes) -> dict:
    return {cell["id"]: "".join(cell["source"]) for cell in json.loads(data)["cells"]}


def parameters(data: bytes) -> dict:
    namespace: dict = {}
    exec(cells(data)[colab.PARAMETERS_CELL], namespace)  # noqa: S102  (the notebook's own cell)
    return {k: v for k, v in namespace.items() if k.isupper()}


# ------------------------------------------------------------------ the address


@pytest.mark.parametrize("text, expected", [
    ("my-school/dlenv", colab.Repository("my-school", "dlenv", "main")),
    ("my-school/dlenv@v1.2", colab.Repository("my-school", "dlenv", "v1.2")),
    (" https://github.com/a1/dl.env.git@feature/colab ", colab.Repository("a1", "dl.env", "feature/colab")),
    ("https://github.com/a1/dlenv/", colab.Repository("a1", "dlenv", "main")),
])
def test_a_repository_setting_is_read(text, expected):
    assert colab.parse_repository(text) == expected


@pytest.mark.parametrize("text", ["dlenv", "a/b/c", "-x/dlenv", "a/..", "a/b@..x", "a/b@-rf", "a/b@",
                                  "https://gitlab.com/a/b", "a/b c", "a/b@x y"])
def test_a_repository_setting_that_is_not_one_is_refused_naming_the_variable(text):
    with pytest.raises(ValueError, match="DLENV_REPOSITORY"):
        colab.parse_repository(text)


def test_the_colab_address_and_the_install_source_name_the_repository():
    repo = colab.Repository("my-school", "dlenv", "v1")
    assert colab.colab_url(repo) == \
        "https://colab.research.google.com/github/my-school/dlenv/blob/v1/notebooks/dlenv_colab.ipynb"
    assert colab.install_source(repo) == "git+https://github.com/my-school/dlenv@v1"
    assert colab.repository_from({}) is None
    assert colab.repository_from({"DLENV_REPOSITORY": "  "}) is None
    assert colab.repository_from({"DLENV_REPOSITORY": "my-school/dlenv@v1"}) == repo
    assert (ROOT / colab.NOTEBOOK_PATH) == STOCK and STOCK.is_file()  # the path the address names exists


# ------------------------------------------------------------------ the sweep and the notebook


def test_a_sweep_refuses_what_the_command_line_would():
    with pytest.raises(ValueError) as error:
        colab.Sweep(workloads=("conv",), sizes=(0,), dtype="int8", backend="mxnet", devices=("npu",), timing="x")
    for word in ("conv", "0", "int8", "mxnet", "npu", "'x'"):
        assert word in str(error.value)


def test_the_matmul_page_choices_become_a_colab_sweep_with_the_gpu_added():
    sweep = colab.Sweep.for_colab([1024, 64, 99999], "bfloat16", ["cpu:1"], "jax", naive=True)
    assert sweep == colab.Sweep(workloads=("matmul", "elementwise"), sizes=(64, 1024), dtype="bfloat16",
                                backend="jax", devices=("cpu", "gpu"), timing="both")
    assert colab.Sweep.for_colab([], "float32", ["tpu"], "torch").devices == ("cpu", "gpu", "tpu")
    assert colab.Sweep.for_colab([], "float32", ["all"], "torch").sizes == colab.Sweep().sizes


SWEEPS = [
    colab.Sweep(),
    colab.Sweep(workloads=("matmul", "mlp", "cnn"), sizes=(128, 8192), dtype="float16", backend="all",
                devices=("gpu",), timing="both", budget_s=0.5),
]


@pytest.mark.parametrize("sweep", SWEEPS)
def test_the_notebook_for_a_sweep_is_valid_and_holds_the_sweep_in_its_first_code_cell(sweep):
    data = colab.notebook_for(sweep, install="git+https://github.com/my-school/dlenv@v1", machine="lab 3")
    notebook = json.loads(data)
    assert notebook["nbformat"] == 4
    assert notebook["metadata"]["colab"]["gpuType"] == "T4"  # Colab opens it asking for a T4
    code = [cell for cell in notebook["cells"] if cell["cell_type"] == "code"]
    assert code[0]["id"] == colab.PARAMETERS_CELL
    assert all(cell["outputs"] == [] and cell["execution_count"] is None for cell in code)
    assert parameters(data) == {
        "WORKLOADS": list(sweep.workloads), "SIZES": ",".join(map(str, sweep.sizes)), "DTYPE": sweep.dtype,
        "BACKEND": sweep.backend, "DEVICES": ",".join(sweep.devices), "TIMING": sweep.timing,
        "BUDGET": sweep.budget_s, "MACHINE": "lab 3", "OUT": "dlenv-colab-results.json",
        "DLENV_INSTALL": "git+https://github.com/my-school/dlenv@v1"}
    nbformat = pytest.importorskip("nbformat")
    nbformat.validate(nbformat.reads(data.decode("utf-8"), as_version=4))


def test_the_stock_notebook_is_what_the_generator_makes_and_names_no_invented_address():
    stock = STOCK.read_bytes()
    install = parameters(stock)["DLENV_INSTALL"]
    assert stock == colab.notebook_for(colab.Sweep(), install=install)  # regenerate: python -m dlenv.colab --out
    addresses = set(re.findall(r"github\.com/[^\s\"'`)]+", stock.decode("utf-8")))
    allowed = {"github.com/OWNER/REPO@BRANCH", "github.com/OWNER/REPO@BRANCH,"}
    if install:  # a publisher wrote its own address in: only that one
        allowed.add(install.removeprefix("git+https://"))
    assert addresses <= allowed, addresses


def _run_measure_cell(data: bytes, kinds: set[str]) -> tuple[list[list[str]], str]:
    """The notebook's measuring cell run on its parameters, with dlenv_cli collecting commands."""
    calls: list[list[str]] = []
    namespace = {**parameters(data), "SMOKE": False, "kinds": kinds,
                 "dlenv_cli": lambda *args: calls.append([str(arg) for arg in args])}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(cells(data)["measure"], namespace)  # noqa: S102  (the notebook's own cell)
    return calls, printed.getvalue()


@pytest.mark.parametrize("sweep", SWEEPS)
def test_every_command_the_notebook_runs_parses_with_the_cli_parser(sweep):
    calls, printed = _run_measure_cell(colab.notebook_for(sweep), {"cpu", "gpu"})
    assert not printed
    assert [call[1] for call in calls] == list(sweep.workloads)
    for call in calls:
        assert call[0] == "run" and call[-2] == "--out"
        args = cli_args.build_parser().parse_args(call)
        assert call[1:-2] == sweep.run_args(args.workload)  # the notebook and Sweep.run_args agree
        specs = cli_args.workload_specs(args)
        assert cli_args.device_tokens(args.devices) == list(sweep.devices)
        assert (args.backend, args.timing, args.budget) == (sweep.backend, sweep.timing, sweep.budget_s)
        assert {spec.dtype for spec in specs} == {sweep.dtype}
        if args.workload == "matmul":
            assert specs == [Matmul.square(n, sweep.dtype) for n in sweep.sizes]
        if args.workload == "elementwise":
            assert specs == [Elementwise(size=n, dtype=sweep.dtype) for n in sweep.sizes]
        if args.workload in ("mlp", "cnn"):
            assert {spec.mode for spec in specs} == {"inference", "train"}


def test_on_a_runtime_without_a_gpu_the_notebook_measures_the_cpu_and_says_how_to_get_one():
    calls, printed = _run_measure_cell(colab.notebook_for(colab.Sweep()), {"cpu"})
    assert {call[call.index("--devices") + 1] for call in calls} == {"cpu"}
    assert "gpu: not on this runtime" in printed and "T4 GPU" in printed
    assert "런타임 유형 변경" in printed


def test_the_embedded_copy_of_dlenv_installs_with_pip(tmp_path):
    source = colab.source_zip()
    assert source == colab.source_zip()  # the same bytes twice: a notebook made twice is identical
    data = colab.notebook_for(colab.Sweep(), embed=source)
    namespace: dict = {}
    exec(cells(data)[colab.EMBEDDED_CELL], namespace)  # noqa: S102
    archive = base64.b64decode(namespace["DLENV_EMBEDDED"])
    assert archive == source
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    assert {"dlenv-src/pyproject.toml", "dlenv-src/dlenv/colab.py", "dlenv-src/dlenv/cli/args.py"} <= set(names)
    (tmp_path / "dlenv-src.zip").write_bytes(archive)
    # As the notebook's install cell does, without the network: no dependencies, this venv's setuptools.
    done = subprocess.run([sys.executable, "-m", "pip", "install", "-q", "--no-deps", "--no-build-isolation",
                           "--target", str(tmp_path / "site"), str(tmp_path / "dlenv-src.zip")],
                          check=False, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "site" / "dlenv" / "cli" / "args.py").read_bytes() == (ROOT / "dlenv/cli/args.py").read_bytes()


def test_the_command_line_writes_a_notebook_for_a_repository(tmp_path):
    out = tmp_path / "nb.ipynb"
    done = subprocess.run([sys.executable, "-m", "dlenv.colab", "--repository", "my-school/dlenv@v1", "--out",
                           str(out)], check=False, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert parameters(out.read_bytes())["DLENV_INSTALL"] == "git+https://github.com/my-school/dlenv@v1"
    bad = subprocess.run([sys.executable, "-m", "dlenv.colab", "--repository", "not a repo"],
                         check=False, capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert bad.returncode == 2 and "DLENV_REPOSITORY" in bad.stderr


def test_the_pages_notebook_carries_dlenv_when_no_repository_is_set():
    from dlenv.ui.colab import notebook_bytes  # through st.cache_data: the sweep must hash

    sweep = colab.Sweep(sizes=(512,))
    first = notebook_bytes(sweep, "")
    assert notebook_bytes(sweep, "") == first
    assert parameters(first)["SIZES"] == "512"
    namespace: dict = {}
    exec(cells(first)[colab.EMBEDDED_CELL], namespace)  # noqa: S102
    assert base64.b64decode(namespace["DLENV_EMBEDDED"]) == colab.source_zip()  # no address: dlenv travels inside
    with_address = notebook_bytes(sweep, "git+https://github.com/my-school/dlenv@v1")
    assert "DLENV_EMBEDDED = \"\"" in cells(with_address)[colab.EMBEDDED_CELL]


# ------------------------------------------------------------------ the pages


@pytest.fixture()
def app_env(tmp_path, monkeypatch):
    monkeypatch.setenv("DLENV_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("DLENV_REPOSITORY", raising=False)
    st.cache_resource.clear()
    yield monkeypatch
    st.cache_resource.clear()  # the runner's on_release stops its workers


def page(name: str, lang: str = "en") -> AppTest:
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
    at.session_state["lang"] = lang
    at.run()
    if name != "environment":
        at.switch_page(f"pages/{name}.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_environment_page_offers_the_notebook_as_a_download_when_no_repository_is_set(app_env):
    at = page("environment")
    assert [b.label for b in at.download_button] == ["Download the notebook for Colab"]
    assert not at.get("link_button")
    assert any("File → Upload notebook" in c.value for c in at.caption)


def test_the_environment_page_links_to_colab_when_a_repository_is_set(app_env):
    app_env.setenv("DLENV_REPOSITORY", "my-school/dlenv@v1")
    at = page("environment", "ko")
    [link] = at.get("link_button")
    assert link.proto.label == "Colab에서 노트북 열기"
    assert link.proto.url == \
        "https://colab.research.google.com/github/my-school/dlenv/blob/v1/notebooks/dlenv_colab.ipynb"
    assert not [b for b in at.download_button if "Colab" in b.label]


def test_an_unusable_repository_setting_says_so_and_falls_back_to_the_download(app_env):
    app_env.setenv("DLENV_REPOSITORY", "not a repository")
    at = page("environment")
    assert any("DLENV_REPOSITORY" in w.value for w in at.warning)
    assert not at.get("link_button")
    assert [b.label for b in at.download_button] == ["Download the notebook for Colab"]


def test_the_matmul_page_offers_the_sweep_chosen_on_it(app_env):
    at = page("matmul")
    at.multiselect(key="mm_sizes").set_value([128, 2048])
    at.selectbox(key="mm_dtype").set_value("float16")
    at.toggle(key="mm_naive").set_value(True).run()
    assert not at.exception
    sweep_line = next(c.value for c in at.caption if c.value.startswith("The notebook measures"))
    assert "at sizes 128, 2048, float16" in sweep_line and sweep_line.endswith(
        "on cpu, gpu. Its first cell holds these values: change them there.")  # the GPU added to the page's cpu
    assert "Download the notebook for Colab" in [b.label for b in at.download_button]


def test_the_colab_file_imports_in_one_step_naming_its_machine(app_env):
    doc = reference.load("cpu-epyc-2vcpu-tensorflow")  # a file the CLI wrote, as the notebook's is
    for environment in doc["environments"].values():
        environment["machine"] = "Colab Tesla T4"  # what the notebook names a T4 runtime
    at = page("results")
    at.file_uploader[0].upload(colab.RESULTS_FILE, json.dumps(doc).encode(), "application/json").run()
    count = len(doc["results"])
    [success] = at.success
    shown = success.value.replace("\\", "")  # Markdown escapes removed, as the page displays it
    assert f"Imported {colab.RESULTS_FILE}: {count} results from Colab Tesla T4." in shown
    assert f"Saved: {count} new, 0 already stored." in shown
