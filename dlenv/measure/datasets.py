"""The datasets a training can use: their sizes and shapes (no framework, no download), whether
one is here or can be fetched, and in a worker the download (with progress) and the arrays.

* ``digits``: the 8x8 handwritten digits that scikit-learn ships inside its package
  (``sklearn.datasets.load_digits``: 1,797 images, values 0-16; a copy of the test part of
  the UCI "Optical Recognition of Handwritten Digits" set). It needs no network: the default,
  and what the tests use.
* ``mnist``, ``fashion_mnist``: 70,000 28x28 grey images (values 0-255) each, from the files
  ``keras.datasets`` downloads (same addresses and, for MNIST, the same SHA-256; read in
  keras/src/datasets/mnist.py and fashion_mnist.py of Keras 3.15.1, whose documentation gives
  60,000 training and 10,000 test images of 28x28 uint8 for both; tests/test_training.py reads
  the installed Keras's files again). They are cached in ``DLENV_DATASETS``, else where
  ``keras.datasets`` keeps them (``$KERAS_HOME/datasets``, default ``~/.keras/datasets``), so
  a copy already downloaded by Keras is found, and downloaded once, outside any timing, from
  ``DLENV_DATASETS_URL`` if set (a mirror holding the same file names).

Every dataset is split the same way each time (``SPLIT_SEED``), whatever the training's seed,
so runs with different seeds are scored on the same test images.

``encode_png`` and ``decode_png`` keep images as they are stored in practice (one PNG file per
image, as in an ImageNet- or Kaggle-style folder) and decode them back: PNG is lossless, so the
decoded pixels are the stored ones, bit for bit. The streamed input pipelines decode each
training image again every epoch, as a real pipeline reading image files does
(``dlenv.measure.training``).

This module imports only the standard library at the top: the pages and the CLI use it to
check a request. ``load`` (numpy, scikit-learn) runs in a worker.
"""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from dlenv.vocab import DATASETS as _NAMES

SPLIT_SEED = 0  # the train / validation / test split never changes with the training's seed
_KERAS_BASE = "https://storage.googleapis.com/tensorflow/tf-keras-datasets/"


def base_url() -> str:
    """Where the files are downloaded from: ``DLENV_DATASETS_URL`` (a mirror), else keras.datasets' server."""
    return os.environ.get("DLENV_DATASETS_URL") or _KERAS_BASE

NETWORK_TIMEOUT_S = 5.0


class DatasetUnavailable(RuntimeError):
    """A dataset that is not cached here and cannot be downloaded (no network); one sentence."""


@dataclass(frozen=True)
class Dataset:
    """One dataset: its split sizes (images), image shape (height, width, channels), classes,
    largest pixel value (inputs are divided by it), and where it comes from.

    ``files``: (file name, size in bytes, SHA-256 or "") under ``subdir`` of the cache; empty
    for a dataset bundled with a package.
    """

    name: str
    title: str
    train: int
    val: int
    test: int
    shape: tuple[int, int, int]
    classes: int
    scale: float
    source: str
    subdir: str = ""
    files: tuple[tuple[str, int, str], ...] = ()

    @property
    def input_values(self) -> int:
        height, width, channels = self.shape
        return height * width * channels

    @property
    def download_bytes(self) -> int:
        return sum(size for _, size, _ in self.files)

    def shape_text(self) -> str:
        return "x".join(map(str, self.shape))


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    # 1,797 images: 20% test (360), then 10% of the rest for validation (144), the rest to train.
    Dataset("digits", "8x8 digits (scikit-learn)", 1293, 144, 360, (8, 8, 1), 10, 16.0,
            "scikit-learn sklearn/datasets/data/digits.csv.gz (UCI optical recognition of handwritten digits)"),
    # Keras's 60,000 / 10,000 split; the last 5,000 training images validate.
    Dataset("mnist", "MNIST", 55000, 5000, 10000, (28, 28, 1), 10, 255.0,
            _KERAS_BASE + "mnist.npz (as keras.datasets.mnist)", "",
            (("mnist.npz", 11490434, "731c5ac602752760c8e48fbffcf8c3b850d9dc2a2aedcf2cc48468fc17b673d1"),)),
    Dataset("fashion_mnist", "Fashion-MNIST", 55000, 5000, 10000, (28, 28, 1), 10, 255.0,
            _KERAS_BASE + "{train,t10k}-{images-idx3,labels-idx1}-ubyte.gz (as keras.datasets.fashion_mnist)",
            "fashion-mnist",
            (("train-labels-idx1-ubyte.gz", 29515, ""), ("train-images-idx3-ubyte.gz", 26421880, ""),
             ("t10k-labels-idx1-ubyte.gz", 5148, ""), ("t10k-images-idx3-ubyte.gz", 4422102, ""))),
)}
assert tuple(DATASETS) == _NAMES, "dlenv.vocab.DATASETS and dlenv.measure.datasets disagree"


def cache_dir() -> Path:
    """Where downloaded datasets live: ``DLENV_DATASETS``, else Keras's own cache
    (``$KERAS_HOME/datasets``, default ``~/.keras/datasets``, as ``keras.utils.get_file``)."""
    if os.environ.get("DLENV_DATASETS"):
        return Path(os.environ["DLENV_DATASETS"])
    keras_home = os.environ.get("KERAS_HOME")
    return (Path(keras_home) if keras_home else Path.home() / ".keras") / "datasets"


def _path(info: Dataset, name: str) -> Path:
    return cache_dir() / info.subdir / name


def cached(name: str) -> bool:
    """Whether every file of ``name`` is here (a bundled dataset always is)."""
    info = DATASETS[name]
    return all(_path(info, file).is_file() and _path(info, file).stat().st_size == size
               for file, size, _ in info.files)


def reachable(timeout_s: float = NETWORK_TIMEOUT_S) -> bool:
    """Whether the datasets' server answers (a HEAD request to the MNIST file, proxies honoured)."""
    request = urllib.request.Request(base_url() + "mnist.npz", method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=timeout_s):
            return True
    except (OSError, ValueError):  # URLError, timeouts, refused connections are OSErrors
        return False


def availability_problem(name: str, timeout_s: float = NETWORK_TIMEOUT_S) -> str | None:
    """Why ``name`` cannot be used here (one sentence naming what to do), or None.

    A dataset that needs a download is usable when its files are cached or the network
    reaches the server; checking the network takes up to ``timeout_s``.
    """
    info = DATASETS[name]
    if not info.files or cached(name) or reachable(timeout_s):
        return None
    return (f"{name} is not downloaded yet and there is no network to download it "
            f"({info.download_bytes / 1e6:.0f} MB from {base_url()}); use --dataset digits, "
            f"which needs no network, or put the files in {cache_dir() / info.subdir}")


def download(name: str, on_progress: Callable[[int, int], None] | None = None, chunk: int = 1 << 20) -> None:
    """Fetch the files of ``name`` that are not cached, reporting (bytes done, bytes in all).

    Each file is written next to its final name and renamed when whole, so an interrupted
    download leaves nothing that looks cached. Raises ``DatasetUnavailable`` without network
    and ``ValueError`` if a file's SHA-256 is not the published one.
    """
    import hashlib

    info = DATASETS[name]
    total, done = info.download_bytes, 0
    for file, size, sha256 in info.files:
        target = _path(info, file)
        if target.is_file() and target.stat().st_size == size:
            done += size
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        partial = target.with_name(target.name + ".part")
        digest = hashlib.sha256()
        try:
            with urllib.request.urlopen(base_url() + file, timeout=30) as response, partial.open("wb") as out:
                while block := response.read(chunk):
                    out.write(block)
                    digest.update(block)
                    done += len(block)
                    if on_progress:
                        on_progress(done, total)
        except urllib.error.URLError as exc:
            partial.unlink(missing_ok=True)
            raise DatasetUnavailable(f"could not download {file} for {name}: {exc.reason}") from exc
        if sha256 and digest.hexdigest() != sha256:
            partial.unlink(missing_ok=True)
            raise ValueError(f"{file} downloaded for {name} is not the published file (SHA-256 differs)")
        os.replace(partial, target)


def load(name: str) -> dict[str, tuple[Any, Any]]:
    """The split arrays of ``name`` (worker only: numpy, scikit-learn): ``{"train": (x, y),
    "val": (x, y), "test": (x, y)}`` with x of shape (n, height, width, channels) in the raw
    values (uint8) and y int32 labels; the sizes are ``DATASETS[name]``'s. Cached files only:
    call ``download`` first."""
    import numpy as np

    info = DATASETS[name]
    if name == "digits":
        from sklearn.datasets import load_digits  # bundled in the package: no network

        bunch = load_digits()
        x, y = bunch.images.astype(np.uint8), bunch.target.astype(np.int32)
        order = np.random.default_rng(SPLIT_SEED).permutation(len(y))
        x, y = x[order], y[order]
        test, val = info.test, info.val
        parts = {"test": (x[:test], y[:test]), "val": (x[test:test + val], y[test:test + val]),
                 "train": (x[test + val:], y[test + val:])}
    else:
        (x, y), (x_test, y_test) = _keras_files(info)
        parts = {"train": (x[:info.train], y[:info.train]), "val": (x[info.train:], y[info.train:]),
                 "test": (x_test, y_test)}
    return {key: (xs.reshape(len(xs), *info.shape), ys.astype(np.int32)) for key, (xs, ys) in parts.items()}


def _keras_files(info: Dataset) -> tuple[tuple[Any, Any], tuple[Any, Any]]:
    """The arrays of a keras.datasets download, read the way keras.datasets reads them."""
    import gzip

    import numpy as np

    if info.name == "mnist":
        with np.load(_path(info, "mnist.npz"), allow_pickle=False) as f:
            return (f["x_train"], f["y_train"]), (f["x_test"], f["y_test"])
    arrays = []
    for file, _, _ in info.files:
        with gzip.open(_path(info, file), "rb") as f:
            data = f.read()
        labels = "labels" in file
        arrays.append(np.frombuffer(data, np.uint8, offset=8 if labels else 16))
    y_train, x_train, y_test, x_test = arrays
    return (x_train.reshape(len(y_train), 28, 28), y_train), (x_test.reshape(len(y_test), 28, 28), y_test)


def encode_png(images: Any) -> list[bytes]:
    """Each image of ``images`` (uint8, shape (n, height, width, channels), 1 or 3 channels) as
    the bytes of a PNG file (Pillow, its default compression level 6): how image files hold a
    dataset on disk. Lossless: ``decode_png`` gives back the same pixels."""
    import io

    from PIL import Image

    def png(image: Any) -> bytes:
        out = io.BytesIO()
        Image.fromarray(image[..., 0] if image.shape[-1] == 1 else image).save(out, format="PNG")
        return out.getvalue()

    return [png(image) for image in images]


def decode_png(files: list[bytes], shape: tuple[int, int, int]) -> Any:
    """The images of PNG ``files`` (from ``encode_png``) decoded with Pillow, as uint8 of shape
    (len(files), *shape); raises ``ValueError`` if an image does not have ``shape``."""
    import io

    import numpy as np
    from PIL import Image

    out = np.empty((len(files), *shape), np.uint8)
    for i, file in enumerate(files):
        with Image.open(io.BytesIO(file)) as image:
            pixels = np.asarray(image)
        if pixels.size != out[i].size:
            raise ValueError(f"a PNG image of shape {pixels.shape} is not of shape {shape}")
        out[i] = pixels.reshape(shape)
    return out


# A process of a decoding pool (the prefetched pipeline on JAX and PyTorch) keeps the files here.
_KEPT: dict[str, Any] = {}


def keep_files(files: list[bytes], shape: tuple[int, int, int]) -> None:
    """Keep ``files`` (PNG bytes) and their image shape in this process: a decoding pool's
    initializer, so each batch sends only its indices."""
    _KEPT.update(files=files, shape=shape)


def decode_kept(indices: Any) -> Any:
    """``decode_png`` of the kept files at ``indices``: uint8 (len(indices), *shape)."""
    return decode_png([_KEPT["files"][i] for i in indices], _KEPT["shape"])
