"""The Colab notebook, run top to bottom in a real kernel, in smoke mode (tiny sizes).

What it runs for each sweep, on a CPU or a GPU runtime, is tested in tests/test_colab.py.
"""

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
    """A notebook made by the app for a sweep of every workload, run in a real kernel."""
    from dlenv import colab

    monkeypatch.setenv("DLENV_NOTEBOOK_SMOKE", "1")
    monkeypatch.setenv("PYTHONPATH", str(ROOT))
    monkeypatch.setenv("TF_CPP_MIN_LOG_LEVEL", "3")
    monkeypatch.setenv("DLENV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DLENV_DATABASE_URL", raising=False)
    sweep = colab.Sweep(workloads=("matmul", "elementwise", "mlp", "cnn"), sizes=(64, 128), backend="jax",
                        devices=("cpu", "gpu"), timing="both", budget_s=0.2)
    # Were the notebook to try installing, this address would fail loudly instead of reaching the network.
    made = colab.notebook_for(sweep, install=str(tmp_path / "no-such-dlenv"), machine="smoke test")
    nb = nbformat.reads(made.decode("utf-8"), as_version=4)
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
    install = _text(_code(nb, "_pip_install(DLENV_INSTALL)"))
    assert "installing" not in install and f"from {ROOT / 'dlenv'}" in install
    devices = _text(_code(nb, "nvidia-smi"))
    assert "accelerator: cpu" in devices and "machine name: smoke test" in devices
    assert "gpu: not on this runtime" in _text(_code(nb, "RUNS = {}"))  # asked for, absent, said

    doc = results.load(tmp_path / colab.RESULTS_FILE)  # the one file offered for download
    assert not doc["errors"]
    matmuls = [r for r in doc["results"] if r["workload"] == "matmul"]
    assert [(r["params"]["m"], r["timing"]) for r in matmuls] == [
        (64, "synced"), (64, "naive"), (128, "synced"), (128, "naive")]
    assert {r["workload"] for r in doc["results"]} == {"matmul", "elementwise", "mlp", "cnn"}
    assert {r["backend"] for r in doc["results"]} == {"jax"}
    assert {r["device"] for r in doc["results"]} == {"cpu:0"}
    assert {env["machine"] for env in doc["environments"].values()} == {"smoke test"}
    table = _code(nb, "to_dataframe")
    assert any("text/html" in out.get("data", {}) for out in table.outputs)  # the summary table
    assert "not on Colab" in _text(_code(nb, "colab_files"))

    pushed = _text(push)
    assert f"{colab.RESULTS_FILE}: added" in pushed
    from dlenv.data.store import Store

    store = Store(db_url)
    try:
        assert store.count() == len(doc["results"])
    finally:
        store.close()
    print(f"notebook ran in {took:.0f} s")
    assert took < 240, f"the smoke run took {took:.0f} s; keep it short"
    json.dumps(nb)  # outputs are plain JSON (nothing unserialisable reached the notebook)
