"""Cards to compare a measurement with, where the machine has none: published and predicted figures.

A CPU-only machine (Streamlit Cloud, a classroom laptop) cannot measure a GPU, but it can
show one honestly labelled: the bundled third-party measurements of that card
(``dlenv.data.reference``, provenance ``published``) and the datasheet model's prediction
(``dlenv.measure.predict``, provenance ``predicted``), at the sizes the user chose. Both come
back as one results document, so the pages chart them with what was measured; nothing here
is ever a timing and nothing runs. No framework import.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from dlenv.data import reference, results
from dlenv.measure import predict
from dlenv.measure.workloads import Matmul, Workload

# Cards offered first where the machine has no GPU: the data-centre card with published
# measurements, and Colab's free-tier GPU.
DEFAULT_CARDS = ("H100 SXM", "T4")


class Omission(NamedTuple):
    """Something not drawn, and why: ``key`` names the sentence in ``dlenv.i18n``
    (``compare_no_prediction``, ``compare_tf32_only``, ``compare_no_published``), ``values``
    fill it."""

    key: str
    values: dict


class Comparison(NamedTuple):
    """A results document of published and predicted results, and what was left out and why."""

    document: dict
    left_out: list[Omission]


def cards() -> list[str]:
    """The cards the model and the bundled sets know (``peaks.ACCELERATOR_PEAKS`` keys), no CPU."""
    return [key for key in predict.cards() if key != predict.CPU_CARD]


def matmul_comparison(sizes: Sequence[int], dtype: str, card_keys: Sequence[str], *,
                      float32_precision: str = "tf32") -> Comparison:
    """Square matmuls of ``sizes`` (N, each N×N×N) in ``dtype`` on each card: its published
    results from N = min(sizes) to max(sizes), and its predicted time at every size.

    ``float32_precision`` is what a float32 matmul runs as ("tf32", the TensorFlow and JAX
    default on an Ampere-or-later GPU, or "float32"); published float32 figures measured as
    TF32 are left out when "float32" is asked for, and said so in ``left_out``.
    """
    specs: list[Workload] = [Matmul.square(n, dtype) for n in sorted(set(sizes))]
    docs: list[dict] = []
    left_out: list[Omission] = []
    for key in card_keys:
        published = _published(key, dtype, min(sizes), max(sizes), float32_precision)
        if published is not None:
            docs.append(published)
        elif dtype == "float32" and float32_precision == "float32" and reference.published_for(key, dtype):
            left_out.append(Omission("compare_tf32_only", {"card": key}))
        elif any(reference.published_for(key, other) for other in ("float32", "bfloat16", "float16")):
            left_out.append(Omission("compare_no_published", {"card": key, "dtype": dtype, "low": min(sizes),
                                                              "high": max(sizes)}))
        docs += _predicted(specs, key, float32_precision, left_out)
    if not docs:
        return Comparison(results.document_of([]), left_out)
    return Comparison(results.merge_documents(docs), left_out)


def model_comparison(spec: Workload, card_keys: Sequence[str], *, float32_precision: str = "tf32") -> Comparison:
    """The predicted time per step of one model spec (``MLP``, ``CNN``) on each card."""
    docs: list[dict] = []
    left_out: list[Omission] = []
    for key in card_keys:
        docs += _predicted([spec], key, float32_precision, left_out)
    return Comparison(results.merge_documents(docs) if docs else results.document_of([]), left_out)


def _predicted(specs: list[Workload], key: str, float32_precision: str, left_out: list[Omission]) -> list[dict]:
    """[the card's predictions], or [] with why in ``left_out`` (the card has no figure for the dtype)."""
    try:
        return [predict.predict_document(specs, [key], float32_precision=float32_precision)]
    except predict.PredictError:
        left_out.append(Omission("compare_no_prediction", {"card": key, "dtype": specs[0].dtype}))
        return []


def _published(key: str, dtype: str, low: int, high: int, float32_precision: str) -> dict | None:
    """The card's published square matmuls (batch 1) from ``low`` to ``high``, or None."""
    pairs = []
    for name in reference.published_for(key, dtype):
        doc = reference.load(name)
        for result in doc["results"]:
            params = result["params"]
            square = params.get("m") == params.get("n") == params.get("k") and params.get("batch", 1) == 1
            tf32 = result.get("matmul_precision") == "tf32"
            if (result.get("card_key") == key and result["dtype"] == dtype and square and low <= params["m"] <= high
                    and not (tf32 and float32_precision == "float32")):
                pairs.append((result, results.environment_of(doc, result)))
    return results.document_of(pairs) if pairs else None
