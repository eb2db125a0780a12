"""Errors and hints from the workers, the runner and the limits, said in the page's language.

The serving and measuring layers speak English (a worker has no notion of the page's
language, and the CLI prints the same words). What they say comes from a fixed set of
sentences (``dlenv.serve.limits``, ``dlenv.serve.worker_handle``, ``dlenv.serve.runner``,
``dlenv.measure.execute``, ``dlenv.measure.workloads``), so each known sentence is
matched here and said again through ``dlenv.i18n`` with the same values filled in. A
sentence not known here (a framework's own error) gets a general line in the page's
language, and the English original is kept one click away for the curious.

``translate(text, lang)`` is the pure part; ``show_problem`` draws a message and its hint.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from dlenv.i18n import TEXT, t

_N = r"(?P<{}>\d+)"
_WORD = r"(?P<{}>[\w.:-]+)"


def _p(pattern: str) -> re.Pattern[str]:
    """A sentence pattern: ``{name}`` is a number, ``{name:w}`` a word, ``{name:*}`` anything."""
    parts = re.split(r"\{(\w+(?::[w*])?)\}", pattern)
    out = []
    for index, part in enumerate(parts):
        if index % 2 == 0:
            out.append(re.escape(part))
        else:
            name, _, kind = part.partition(":")
            out.append({"": _N, "w": _WORD, "*": r"(?P<{}>.+?)"}[kind].format(name))
    return re.compile("".join(out))


# (pattern, i18n key). Each English sentence comes from the module named beside it.
MESSAGES: tuple[tuple[re.Pattern[str], str], ...] = (
    # dlenv.serve.limits
    (_p("matrix size {size} is over this machine's limit; the largest allowed is {limit}"), "err_matrix_limit"),
    (_p("tensor size {size} is over this machine's limit; the largest allowed is {limit}"), "err_tensor_limit"),
    (_p("{label:*} needs about {mb} MB, over this machine's limit of {limit} MB"), "err_model_limit"),
    (_p("{label:*} needs about {mb} MB on top of the {backend:w} process's {base} MB, over this deployment's "
        "{limit} MB per measuring process"), "err_worker_memory"),
    # dlenv.measure.execute
    (_p("{label:*} needs about {need:*} but {device:w} has {free:*} free; the largest size that fits is {size}"),
     "err_device_memory_size"),
    (_p("{label:*} needs about {need:*} but {device:w} has {free:*} free; use a smaller batch, width or depth"),
     "err_device_memory_model"),
    (_p("no {token:w} device found by the {backend:w} backend here; available: {have:*}"), "err_missing_device"),
    (_p("{label:*} ran out of memory on {device:w}"), "err_out_of_memory"),
    (_p("there is no device {device:w} for the {backend:w} backend here"), "err_no_such_device"),
    (_p("{label:*} failed on {device:w}: {detail:*}"), "err_task_failed"),
    # dlenv.serve.worker_handle
    (_p("the {backend:w} backend did not start within {s} s"), "err_start_timeout"),
    (_p("the measurement took longer than its {s} s limit and was stopped"), "err_timeout"),
    (_p("the operating system stopped the {backend:w} measuring process ({signal:w}); this usually means it ran "
        "out of memory"), "err_killed"),
    (_p("the {backend:w} measuring process stopped (exit code {code:w}): {detail:*}"), "err_crashed"),
    (_p("the {backend:w} measuring process sent something that is not a dlenv message: {detail:*}"), "err_protocol"),
    # dlenv.serve.runner
    (_p("cancelled before it started"), "err_cancelled"),
    (_p("cancelled while waiting for another measurement"), "err_cancelled"),
    (_p("cancelled while starting"), "err_cancelled"),
    (_p("cancelled while measuring"), "err_cancelled"),
    (_p("the runner shut down"), "err_shut_down"),
    (_p("the runner is shutting down; try again in a moment"), "err_shutting_down"),
    (_p("you already have {count} measurements waiting; wait for them or cancel one"), "err_quota"),
    (_p("the machine is busy with other people's measurements; try again in a minute"), "err_queue_full"),
    # dlenv.measure.workloads (WorkloadError)
    (_p("{field:w} must be from {lo} to {hi}, got {value:*}"), "err_range"),
    (_p("{field:w} must be a whole number from {lo} to {hi}, got {value:*}"), "err_range"),
    (_p("{field:w} must be one of {allowed:*}, got {value:*}"), "err_choice"),
    # dlenv.serve.worker
    (_p("the graph example needs the tensorflow backend, not {backend:w}"), "err_graph_backend"),
)

HINTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (_p("use a size up to {limit}"), "hint_size_up_to"),
    (_p("use a size up to {size}, or a backend with a smaller process"), "hint_size_or_backend"),
    (_p("the {backend:w} process alone fills this deployment's memory: use another backend"), "hint_other_backend"),
    (_p("use a smaller batch, width or depth, or a backend with a smaller process"), "hint_smaller_model_or_backend"),
    (_p("use a smaller batch, width or depth"), "hint_smaller_model"),
    (_p("change the size, dtype or device"), "hint_change_spec"),
    (_p("choose an available device, or run where that device is (see the Colab notebook)"), "hint_missing_device"),
    (_p("use a smaller size or batch, or another device"), "hint_out_of_memory"),
    (_p("check the parameters; report a bug if it persists"), "hint_report"),
    (_p("install the backend, or choose an installed one"), "hint_install"),
    (_p("the machine may be overloaded; try again"), "hint_overloaded"),
    (_p("use a smaller size, fewer sizes or a shorter budget"), "hint_smaller_run"),
    (_p("use a smaller size or batch; the next measurement starts a fresh process"), "hint_killed"),
    (_p("check that the backend is installed correctly; the next measurement starts a fresh process"),
     "hint_crashed"),
    (_p("the next measurement starts a fresh process"), "hint_fresh"),
    (_p("start it again"), "hint_start_again"),
)

# A message not known above: a line per kind (``JobError.kind``, ``Refused.kind``).
KINDS = {"missing_backend": "err_kind_missing_backend", "refused": "err_kind_refused",
         "timeout": "err_kind_timeout", "killed": "err_kind_killed", "crashed": "err_kind_crashed",
         "cancelled": "err_cancelled", "bad_request": "err_kind_bad_request"}


@dataclass(frozen=True)
class Said:
    """A message in the page's language; ``original`` is the English text when the page's
    language could not say it exactly (shown to the curious), else ""."""

    text: str
    original: str = ""


def translate(text: object, lang: str, *, kind: str = "", hints: bool = False) -> Said:
    """``text`` (an English message, or a hint with ``hints=True``) in ``lang``.

    A known sentence is said with the same values (sizes, limits, backends); a spec label
    inside it is translated too. An unknown one: English as it is, or in another language
    the line for its ``kind`` with the English kept in ``original``.
    """
    english = str(text).strip()
    if lang == "en" or not english:
        return Said(english)
    for pattern, key in HINTS if hints else MESSAGES:
        found = pattern.fullmatch(english)
        if found:
            values = found.groupdict()
            if "label" in values:  # pandas loads with tables: only when a message names a workload
                from dlenv.ui.tables import label_text

                values["label"] = label_text(values["label"], lang)
            if f"field_{values.get('field')}" in TEXT:  # a parameter's name ("batch") in the page's words
                values["field"] = t(f"field_{values['field']}", lang)
            keep = english if "detail" in values else ""  # a framework's words are only in English
            return Said(t(key, lang, **values), keep)
    if hints:
        return Said(t("hint_unknown", lang), english)
    return Said(t(KINDS.get(kind, "err_kind_other"), lang), english)


def problem_text(message: object, hint: object, lang: str, *, kind: str = "", prefix: str = "") -> tuple[str, Said]:
    """One line for a refusal beside an input: "<prefix message> <what to try: hint>", and
    what was said (its ``original`` for a detail line)."""
    said = translate(message, lang, kind=kind)
    line = t(prefix, lang, message=said.text) if prefix else said.text
    if hint:  # on a line of its own (Markdown's paragraph break)
        line += "\n\n" + t("hint", lang, hint=translate(hint, lang, hints=True).text)
    return line, said


def show_problem(message: object, hint: object, lang: str, *, kind: str = "", warning: bool = False,
                 prefix: str = "", where: object = None, **fmt: object) -> None:
    """Draw ``message`` as an error (a warning with ``warning``) in ``lang``, its hint as a
    caption, and the English original in a collapsed box when it could not be said exactly.
    ``prefix``: an i18n key with ``{message}`` around it (``"refused"``), filled with ``fmt``
    too; ``where``: a column or container (the page by default)."""
    import streamlit as st

    box = where or st
    said = translate(message, lang, kind=kind)
    (box.warning if warning else box.error)(t(prefix, lang, message=said.text, **fmt) if prefix else said.text)
    hint_said = translate(hint, lang, hints=True) if hint else None
    if hint_said:
        box.caption(t("hint", lang, hint=hint_said.text))
    original = "\n".join(text for text in (said.original, hint_said.original if hint_said else "") if text)
    if original:
        with box.expander(t("err_original", lang)):
            st.code(original, language="text")


_PEAK_ESTIMATE = re.compile(r"estimate: (?P<cores>\d+) cores? x (?P<ghz>[\d.]+) GHz x (?P<per_cycle>\d+) (?P<dtype>\w+) "
                            r"FLOP/cycle \((?P<units>.*)\); a VM may hide the real clock")


def peak_note(note: str, lang: str) -> str:
    """The CPU estimate's note (``dlenv.measure.devices``: cores x clock x FLOP per cycle,
    and why) in ``lang``; in Korean the vector unit and core are named and the English
    reasoning after them is left out. Another note comes back as it is."""
    found = _PEAK_ESTIMATE.fullmatch(note or "")
    if lang == "en" or not found:
        return note
    values = found.groupdict()
    values["units"] = values["units"].split(":")[0]  # "AVX-512, AMD Zen 5": names, not prose
    return t("peak_note_estimate", lang, **values)


def install_hint(backend: str, lang: str) -> str:
    """The line a page shows for a backend that is not installed, in ``lang``: its install
    command, and the other command with when to use it (JAX on an NVIDIA GPU, PyTorch's
    CPU-only build) said in ``lang``; the commands stay as code."""
    from dlenv.measure import backends

    module = backends.get(backend)
    alternative = getattr(module, "INSTALL_ALTERNATIVE", None)
    if alternative is None:
        return t("not_installed", lang, backend=backend, command=module.INSTALL_COMMAND)
    when, command = alternative
    return t("not_installed_alt", lang, backend=backend, command=module.INSTALL_COMMAND,
             alternative=t(when, lang, command=command))
