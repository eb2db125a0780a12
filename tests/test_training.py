"""python -m dlenv run train: a real Keras training on the bundled 8x8 digits on TensorFlow, JAX and
PyTorch, fed from arrays and from PNG files decoded per batch, the same accuracies again with the
same seed, and every bad value refused in one line.

The trainings run through the CLI in fresh interpreters (``run_dlenv``), as a student runs them;
the refusals call ``dlenv.cli.main`` in this process, since they are refused before a worker starts.
"""

import importlib.util
import json
from pathlib import Path

import numpy as np
import pytest
from conftest import run_dlenv

from dlenv import cli
from dlenv.data import results
from dlenv.measure import datasets, training
from dlenv.measure.workloads import Refused, Train
from dlenv.serve.limits import Limits
from dlenv.serve.plan import Plan
from dlenv.vocab import BACKENDS

EPOCH_LISTS = ("epoch_s", "epoch_loss", "epoch_accuracy", "epoch_val_loss", "epoch_val_accuracy")


def train(tmp_path, name: str, *flags: str) -> dict:
    out = tmp_path / f"{name}.json"
    done = run_dlenv("run", "train", "--dataset", "digits", "--epochs", "3", "--batch", "64", "--quiet",
                     "--out", str(out), *flags)
    assert done.returncode == 0, done.stderr
    return results.validate_document(json.loads(out.read_text()))


@pytest.fixture(scope="module")
def on_every_backend(tmp_path_factory):
    return train(tmp_path_factory.mktemp("train"), "all", "--backend", "all", "--pipeline", "arrays,streamed")


def runs(doc: dict, pipeline: str) -> dict[str, dict]:
    """The results of one pipeline, by backend."""
    return {r["backend"]: r for r in doc["results"] if r["params"]["pipeline"] == pipeline}


def test_digits_train_to_090_on_every_backend_with_each_epoch_recorded(on_every_backend):
    doc = on_every_backend
    by_backend = runs(doc, "arrays")
    assert set(by_backend) == set(BACKENDS) and not doc["errors"]
    for backend, r in by_backend.items():
        assert r["workload"] == "train" and r["provenance"] == "measured"
        assert r["params"]["dataset"] == "digits" and r["input_shape"] == "8x8x1"
        assert (r["train_samples"], r["val_samples"], r["test_samples"]) == (1293, 144, 360)
        assert all(len(r[name]) == 3 for name in EPOCH_LISTS), backend
        assert r["test_accuracy"] >= 0.90, (backend, r["test_accuracy"])
        assert r["epoch_loss"][2] < r["epoch_loss"][0]  # it learnt
        # The first epoch is timed apart; the steady ones are the samples.
        assert r["first_call_s"] == r["epoch_s"][0] and r["samples_s"] == r["epoch_s"][1:]
        assert r["samples_per_s"] == pytest.approx(1293 / r["median_s"])
        assert r["parameter_count"] == Train(batch=64).parameter_count()
        assert r["params"]["seed"] == 0  # the record keeps the seed


def test_png_files_decoded_per_batch_train_as_well_on_every_backend(on_every_backend):
    streamed = runs(on_every_backend, "streamed")
    assert set(streamed) == set(BACKENDS)
    for backend, r in streamed.items():
        assert r["test_accuracy"] >= 0.90, (backend, r["test_accuracy"])
        assert r["feeder"] == training.feeder("streamed", backend) and "PNG decoded" in r["feeder"]
    assert streamed["tensorflow"]["feeder"].startswith("tf.data") and "Pillow" in streamed["jax"]["feeder"]
    assert "PNG images decoded once" in runs(on_every_backend, "arrays")["jax"]["feeder"]


def test_the_same_seed_gives_the_same_accuracies_in_a_new_process(on_every_backend, tmp_path):
    again = {r["params"]["pipeline"]: r for r in train(tmp_path, "again", "--backend", "torch",
                                                       "--pipeline", "arrays,prefetched")["results"]}
    # The same arrays again; and the prefetched batches are the streamed ones (same images, same
    # order, same pixels), made by other threads in another process.
    for first, repeat in ((runs(on_every_backend, "arrays")["torch"], again["arrays"]),
                          (runs(on_every_backend, "streamed")["torch"], again["prefetched"])):
        assert {**first["params"], "pipeline": None} == {**repeat["params"], "pipeline": None}
        for name in ("epoch_loss", "epoch_accuracy", "epoch_val_accuracy", "test_accuracy"):
            assert first[name] == repeat[name], (repeat["params"]["pipeline"], name)


def test_png_files_give_back_the_stored_pixels():
    x = datasets.load("digits")["train"][0]
    assert x.dtype == np.uint8 and x.max() == 16
    files = datasets.encode_png(x)
    assert len(files) == len(x) and all(f.startswith(b"\x89PNG") for f in files)
    assert np.array_equal(datasets.decode_png(files, (8, 8, 1)), x)
    colour = np.random.default_rng(0).integers(0, 256, (2, 5, 4, 3), dtype=np.uint8)
    assert np.array_equal(datasets.decode_png(datasets.encode_png(colour), (5, 4, 3)), colour)
    with pytest.raises(ValueError, match="not of shape"):
        datasets.decode_png(files[:1], (28, 28, 1))


@pytest.mark.parametrize(("flags", "said"), [
    (["--epochs", "0"], "--epochs: '0' is not allowed; give one whole number from 1 to 1000"),
    (["--batch", "2000"], "batch 2000 is larger than the 1,293 training images of digits"),
    (["--dataset", "imagenet"], "--dataset: unknown value 'imagenet'; choose from digits, mnist, fashion_mnist"),
    (["--width", "16384", "--depth", "64"], "use a width (units per layer) of at most"),
    (["--dataset", "mnist"], "mnist is not downloaded yet and there is no network to download it"),
    (["--pipeline", "fast"], "--pipeline: unknown value 'fast'"),
    (["--dtype", "float16"], "--dtype: train takes --precision instead"),
])
def test_a_bad_value_is_one_line_and_exit_2(flags, said, capsys, monkeypatch, tmp_path):
    # No MNIST here, and a server that refuses at once: "no network" without depending on this machine's.
    monkeypatch.setenv("DLENV_DATASETS", str(tmp_path))
    monkeypatch.setenv("DLENV_DATASETS_URL", "http://127.0.0.1:9/")
    assert cli.main(["run", "train", *flags, "--out", str(tmp_path / "t.json")]) == 2
    err = capsys.readouterr().err
    assert said in err and err.count("\n") == 1 and err.startswith("dlenv: error: ")
    assert not (tmp_path / "t.json").exists()


def test_a_deployment_refuses_a_training_with_the_largest_setting_that_fits():
    limits = Limits(max_matmul=1024, max_model_bytes=64 * 2**20, max_epochs=10, max_train_samples=5000,
                    max_params=100_000)
    refusals = {}
    for name, spec in {"epochs": Train(epochs=20), "samples": Train(dataset="mnist", width=16),
                       "params": Train(width=512), "memory": Train(dataset="mnist", width=16)}.items():
        with pytest.raises(Refused) as refused:
            (limits if name != "memory" else Limits(max_matmul=1024, max_model_bytes=80 * 2**20)).check(Plan((spec,)))
        refusals[name] = (str(refused.value), refused.value.hint)
    assert refusals["epochs"][1] == "use at most 10 epochs"
    assert refusals["samples"][1] == "use at most 5,000 training images (samples)"
    assert refusals["params"][1] == "use a width (units per layer) of at most 280"
    assert Train(width=280).parameter_count() <= 100_000 < Train(width=281).parameter_count()
    # MNIST's validation and test images alone take 59 MB: the training images must shrink.
    assert "over this machine's limit of 80 MB" in refusals["memory"][0]
    assert refusals["memory"][1].endswith("training images (samples)")


def test_a_missing_dataset_is_found_before_anything_runs(tmp_path, monkeypatch):
    monkeypatch.setenv("DLENV_DATASETS", str(tmp_path))
    monkeypatch.setenv("DLENV_DATASETS_URL", "http://127.0.0.1:9/")
    assert datasets.cached("digits") and not datasets.cached("mnist")
    assert "no network" in datasets.availability_problem("fashion_mnist")
    assert datasets.availability_problem("digits") is None


def test_mnist_and_fashion_mnist_facts_are_those_keras_documents():
    # The installed Keras's own files, read as text (importing Keras here would take seconds).
    keras_dir = Path(importlib.util.find_spec("keras").submodule_search_locations[0]) / "src" / "datasets"
    for name in ("mnist", "fashion_mnist"):
        source, info = (keras_dir / f"{name}.py").read_text(), datasets.DATASETS[name]
        assert "x_train.shape == (60000, 28, 28)" in source and "x_test.shape == (10000, 28, 28)" in source
        assert "`uint8` NumPy array of grayscale image data" in source
        assert (info.train + info.val, info.test, info.shape, info.scale) == (60000, 10000, (28, 28, 1), 255.0)
        assert datasets._KERAS_BASE in source
        for file, _, sha256 in info.files:
            assert f'"{file}"' in source or f"{{origin_folder}}{file}" in source, (name, file)
            assert sha256 in source
    assert 'os.path.join("datasets", "fashion-mnist")' in (keras_dir / "fashion_mnist.py").read_text()


def test_no_network_for_mnist_is_one_line_and_exit_2(tmp_path, monkeypatch):
    # The real path: keras.datasets' own server and Keras's cache, pointed at an empty folder.
    for name in ("DLENV_DATASETS", "DLENV_DATASETS_URL"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    if datasets.reachable(2.0):
        pytest.skip("the network reaches the datasets' server here: no 'no network' to see")
    done = run_dlenv("run", "train", "--dataset", "mnist", "--epochs", "1", "--out", str(tmp_path / "t.json"),
                     timeout=60)
    assert done.returncode == 2, done.stderr
    assert done.stderr.startswith("dlenv: error: mnist is not downloaded yet and there is no network")
    assert done.stderr.count("\n") == 1 and str(tmp_path / "datasets") in done.stderr
    assert not (tmp_path / "t.json").exists()


def test_the_cnn_reaches_090_on_the_digits_in_3_epochs(tmp_path):
    # The done-when command with --model cnn (batch 32, width 128): Adam warmed up to a larger
    # rate (dlenv.measure.training.CNN_PEAK_RATE); at the MLP's constant rate it stopped at 0.66.
    (run,) = train(tmp_path, "cnn", "--model", "cnn", "--batch", "32", "--backend", "tensorflow")["results"]
    assert run["params"]["model"] == "cnn" and run["test_accuracy"] >= 0.90, run["test_accuracy"]
