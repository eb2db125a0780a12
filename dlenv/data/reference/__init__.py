"""Result sets shipped with dlenv: measured reference sets, and published figures, to compare a run against.

Each set is one results file (``dlenv.results/2``) in this folder, named ``<name>.json``,
of one of two kinds (``kind(name)``):

* ``"reference"``: measured by dlenv on a named machine. Its one environment is the full
  record of that machine, with ``machine`` starting with ``"reference:"`` and a
  ``reference`` object holding a ``title`` and the ``commands`` that produced it.
* ``"published"``: a third party's figures (provenance ``"published"``: no timing
  statistics), made by ``scripts/published_sets.py`` from the CSVs in
  ``dlenv/data/published``. Each environment is one card, with ``machine`` starting with
  ``"published:"``, and its ``reference`` object names the ``title``, ``source``
  (repository or page), ``path``, ``version`` (commit or date) and ``licence``.

::

    from dlenv.data import reference
    for name in reference.names():
        print(name, reference.kind(name), reference.info(name)["title"])
    reference.published_for("H100 SXM", "bfloat16")   # ['gpu-h100-openxla-matmul', 'gpu-mamf-published']

Files are read with ``importlib.resources``, so this works from a wheel as well as a
checkout, and every file is validated (``dlenv.data.results.load``) before it is returned.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any, Literal

from dlenv.data import results

MACHINE_PREFIX = "reference:"
PUBLISHED_PREFIX = "published:"
# Each kind of set, by the prefix of its environments' machine names.
KINDS = {"reference": MACHINE_PREFIX, "published": PUBLISHED_PREFIX}
Kind = Literal["reference", "published"]
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")


class UnknownReferenceSet(LookupError):
    """No reference set of that name."""


def _files() -> dict[str, Any]:
    folder = resources.files(__name__)
    return {entry.name[: -len(".json")]: entry for entry in folder.iterdir()
            if entry.name.endswith(".json") and entry.is_file()}


def names(kind: Kind | None = None) -> list[str]:
    """The names of the shipped sets, sorted; only those of ``kind`` when given.

    Raises ValueError for a kind that is not one of ``KINDS``.
    """
    if kind is None:
        return sorted(_files())
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {', '.join(KINDS)}, got {kind!r}")
    return [name for name in sorted(_files()) if _kind(name) == kind]


def load(name: str) -> dict:
    """The validated results document of the set ``name`` (one of ``names()``)."""
    files = _files()
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name not in files:
        raise UnknownReferenceSet(f"no reference set {name!r}; available: {', '.join(sorted(files)) or 'none'}")
    return results.loads(files[name].read_bytes())


def kind(name: str) -> Kind:
    """``"reference"`` (measured by dlenv) or ``"published"`` (a third party's figures), read
    from the prefix of the set's machine names.

    Raises UnknownReferenceSet for an unknown name, ValueError for a set whose environments
    do not all carry the same known prefix.
    """
    return _kind(name)


def _kind(name: str) -> Kind:
    machines = [str(env.get("machine", "")) for env in load(name)["environments"].values()]
    for found, prefix in KINDS.items():
        if machines and all(machine.startswith(prefix) for machine in machines):
            return found  # type: ignore[return-value]
    raise ValueError(f"set {name!r}: its machine names must all start with one of "
                     f"{', '.join(repr(p) for p in KINDS.values())}, got {machines[:3]!r}")


def info(name: str) -> dict[str, Any]:
    """What a set is and where it comes from, for listings: ``{"name", "kind", "title", "source",
    "version", "licence", "cards"}`` (``source``, ``version``, ``licence`` None for reference sets).

    Raises UnknownReferenceSet for an unknown name.
    """
    environments = list(load(name)["environments"].values())
    about = environments[0].get("reference") or {}
    cards = [device.get("name") for env in environments for device in env.get("devices", [])]
    return {"name": name, "kind": kind(name), "title": about.get("title"), "source": about.get("source"),
            "version": about.get("version"), "licence": about.get("licence"), "cards": cards}


def published_for(card_key: str, dtype: str) -> list[str]:
    """The published sets holding a result for that card in that dtype, sorted.

    ``card_key`` is a ``dlenv.measure.peaks.ACCELERATOR_PEAKS`` key (e.g. ``"H100 SXM"``),
    matched against each result's ``card_key`` (written by ``scripts/published_sets.py`` with
    ``peaks.match_accelerator``); a card without such a key (e.g. ``"AMD Instinct MI300X"``)
    matches its ``device_name`` exactly.
    ``dtype`` is a dlenv dtype (``"float32"``, ``"bfloat16"``, ...). Unknown cards give [].
    """
    found = []
    for name in names("published"):
        if any(result["dtype"] == dtype and card_key in (result["device_name"], result.get("card_key"))
               for result in load(name)["results"]):
            found.append(name)
    return found
