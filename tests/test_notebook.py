"""The Colab notebook, run top to bottom in a real kernel, in smoke mode (tiny sizes)."""

import json
import time

import pytest
from conftest import ROOT

from dlenv.data import results

nbformat = pytest.importorskip("nbformat")
nbclient = pytest.importorskip("nbclient")
pytest.importorskip("ipykernel")

NOTEBOOK = ROOT / "notebooks" / "dlenv_colab.ipynb"
PUSH_LINE = 'DLENV_DATABASE_URL = ""'


def _code(nb, fragment):
    cells = [cell for cell in nb.cells if cell.cell_type == "code" and fragment in cell.source]
    assert len(cells) == 1, fragment
    return cells[0]


def _text(cell):
    return "".join(out.get("text", "") for out in cell.outputs if out.output_type == "stream")


def test_the_notebook_is_valid_and_saved_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    nbformat.validate(nb)
    assert nb.metadata.kernelspec.name == "python3"
    assert all(not cell.get("outputs") and cell.get("execution_count") is None
               for cell in nb.cells if cell.cell_type == "code")
    assert nb.cells[0].cell_type == "markdown" and "Change runtime type" in nb.cells[0].source
    _code(nb, PUSH_LINE)  # the line the next test rewrites


def test_the_notebook_runs_top_to_bottom_in_smoke_mode(tmp_path, monkeypatch):
    monkeypatch.setenv("DLENV_NOTEBOOK_SMOKE", "1")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    # Were the notebook to try installing, this would fail loudly instead of reaching the network.
    monkeypatch.setenv("DLENV_SOURCE", str(tmp_path / "no-such-dlenv"))
    monkeypatch.setenv("DLENV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DLENV_DATABASE_URL", raising=False)
    nb = nbformat.read(NOTEBOOK, as_version=4)
    db_url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    push = _code(nb, PUSH_LINE)
    push.source = push.source.replace(PUSH_LINE, f"DLENV_DATABASE_URL = {db_url!r}")

    started = time.monotonic()
    client = nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                                     resources={"metadata": {"path": str(tmp_path)}})
    client.execute()  # raises CellExecutionError, with the cell's traceback, on any error
    took = time.monotonic() - started

    errors = [out for cell in nb.cells if cell.cell_type == "code" for out in cell.outputs
              if out.output_type == "error"]
    assert not errors
    install = _text(_code(nb, "DLENV_SOURCE ="))
    assert "installing" not in install and f"from {ROOT / 'dlenv'}" in install
    assert "accelerator: cpu" in _text(_code(nb, "nvidia-smi"))

    doc = results.load(tmp_path / "dlenv-results.json")
    assert not doc["errors"]
    matmuls = [r for r in doc["results"] if r["workload"] == "matmul"]
    assert [(r["params"]["m"], r["timing"]) for r in matmuls] == [
        (64, "synced"), (64, "naive"), (128, "synced"), (128, "naive")]
    assert {r["workload"] for r in doc["results"]} == {"matmul", "elementwise", "mlp", "cnn"}
    assert {r["backend"] for r in doc["results"]} == {"jax"}
    table = _code(nb, "to_dataframe")
    assert any("text/html" in out.get("data", {}) for out in table.outputs)  # the summary table
    assert "not on Colab" in _text(_code(nb, "colab_files"))

    pushed = _text(push)
    assert "dlenv-results.json: added" in pushed
    from dlenv.data.store import Store

    store = Store(db_url)
    try:
        assert store.count() == len(doc["results"])
    finally:
        store.close()
    print(f"notebook ran in {took:.0f} s")
    assert took < 240, f"the smoke run took {took:.0f} s; keep it short"
    json.dumps(nb)  # outputs are plain JSON (nothing unserialisable reached the notebook)


def _gpu(capability):
    return {"id": "gpu:0", "kind": "gpu", "name": "GPU", "compute_capability": capability}


CPU = {"id": "cpu:0", "kind": "cpu", "name": "CPU"}


@pytest.mark.parametrize("accel, devices, expected", [
    ("cpu", [CPU], {"matmul-cpu": ("tensorflow", "cpu", "float32")}),
    ("gpu", [CPU, _gpu("7.5")], {"matmul": ("tensorflow", "gpu", "float32,float16"),
                                 "matmul-cpu": ("tensorflow", "cpu", "float32")}),
    ("gpu", [CPU, _gpu("9.0")], {"matmul": ("tensorflow", "gpu", "float32,bfloat16")}),
    ("tpu", [CPU, {"id": "tpu:0", "kind": "tpu", "name": "TPU v5 lite"}], {"matmul": ("jax", "tpu", "float32,bfloat16")}),
])
def test_the_full_suite_asks_for_what_each_runtime_can_run(monkeypatch, accel, devices, expected):
    """The measuring cell with SMOKE off, its commands collected instead of run (no GPU/TPU here)."""
    from dlenv.cli import args as cli_args

    nb = nbformat.read(NOTEBOOK, as_version=4)
    calls = []
    namespace = {"os": __import__("os"), "SMOKE": False, "ACCEL": accel, "reports": [{"devices": devices}],
                 "dlenv_cli": lambda *args: calls.append([str(arg) for arg in args])}
    exec(_code(nb, "RUNS = {}").source, namespace)  # noqa: S102  (the notebook's own code)

    names = [call[call.index("--out") + 1].removeprefix("results-").removesuffix(".json") for call in calls]
    assert names == list(namespace["RUNS"])
    assert {"elementwise", "mlp", "cnn"} <= set(names)
    for call in calls:
        args = cli_args.build_parser().parse_args(call)
        assert cli_args.workload_specs(args)  # every value parses
        assert args.backend == ("jax" if accel == "tpu" else "tensorflow")
        assert args.budget == 3
        if args.workload in ("elementwise", "mlp", "cnn"):
            assert args.devices == ("cpu" if accel == "cpu" else "all")
    for name, (backend, device, dtypes) in expected.items():
        call = calls[names.index(name)]
        args = cli_args.build_parser().parse_args(call)
        assert (args.backend, args.devices, args.dtype) == (backend, device, dtypes)
    if accel == "cpu":
        assert "matmul" not in names
