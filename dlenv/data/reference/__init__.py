"""Reference results shipped with dlenv: measured sets to compare a run against.

Each set is one results file (``dlenv.results/2``) in this folder, named
``<name>.json``. Its one environment is the full record of the machine that measured it,
with ``machine`` starting with ``"reference:"`` and a ``reference`` object holding a
``title`` and the ``commands`` that produced it::

    from dlenv.data import reference
    for name in reference.names():
        [environment] = reference.load(name)["environments"].values()
        print(name, environment["reference"]["title"])

Files are read with ``importlib.resources``, so this works from a wheel as well as a
checkout, and every file is validated (``dlenv.data.results.load``) before it is returned.
"""

from __future__ import annotations

import re
from importlib import resources
from typing import Any

from dlenv.data import results

MACHINE_PREFIX = "reference:"
_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,99}")


class UnknownReferenceSet(LookupError):
    """No reference set of that name."""


def _files() -> dict[str, Any]:
    folder = resources.files(__name__)
    return {entry.name[: -len(".json")]: entry for entry in folder.iterdir()
            if entry.name.endswith(".json") and entry.is_file()}


def names() -> list[str]:
    """The names of the shipped sets, sorted."""
    return sorted(_files())


def load(name: str) -> dict:
    """The validated results document of the set ``name`` (one of ``names()``)."""
    files = _files()
    if not isinstance(name, str) or not _NAME.fullmatch(name) or name not in files:
        raise UnknownReferenceSet(f"no reference set {name!r}; available: {', '.join(sorted(files)) or 'none'}")
    return results.loads(files[name].read_bytes())
