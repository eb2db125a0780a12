"""The field types of the results format: what each accepts, as pydantic types, and how a
refusal is worded (the path of the field first, then what was found and what is allowed).

Each type replaces pydantic's wording by its own rule, e.g. ``must be a finite number > 0, got
NaN``; a refusal is a ``PydanticCustomError`` of type ``REFUSED`` carrying its ``message`` and,
for values deep inside a field (an environment's ``gpu.clocks[1]``), ``where`` below the field.
The models that use them are in ``dlenv.data.schema``.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, Field, PlainValidator, ValidationError, WithJsonSchema, WrapValidator
from pydantic_core import PydanticCustomError

from dlenv.vocab import DEVICE_KINDS

MAX_BYTES = 50 * 2**20
MAX_RESULTS = 100_000
MAX_ERRORS = 100_000
# A document holds at most one environment per result (and per error) it names.
MAX_ENVIRONMENTS = MAX_RESULTS
MAX_SAMPLES = 10_000
MAX_PARAMS = 100
MAX_TEXT = 1_000
# Error messages and environment values may quote tracebacks or driver strings.
MAX_LONG_TEXT = 10_000
MAX_KEY = 100
MAX_ENV_DEPTH = 8
MAX_ENV_VALUES = 10_000
MAX_PROBLEMS = 20
# Larger integers do not fit pandas' int64 columns; nothing dlenv measures needs them.
INT_LIMIT = 2**63
PARAM_PREFIX = "param_"
# Params the charts put on a size axis: whole numbers, as dlenv writes them.
SIZE_PARAMS = {"matmul": ("m", "n", "k"), "elementwise": ("size",)}

REFUSED = "dlenv_results"


class UnreadableNumber:
    """Stands in for a JSON number Python would turn into NaN/inf or a huge int: the JSON
    reader returns it instead of failing, so that validation can name the field holding it."""

    __slots__ = ("token",)

    def __init__(self, token: str) -> None:
        self.token = token


def describe(value: object) -> str:
    """A refused value, shown briefly and without ever failing."""
    if isinstance(value, UnreadableNumber):
        return value.token
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not math.isfinite(value):
        return "NaN" if math.isnan(value) else ("Infinity" if value > 0 else "-Infinity")
    if isinstance(value, int) and abs(value) >= INT_LIMIT:
        return "an integer out of range"  # repr() of a huge int can itself raise
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return repr(value[:40] + "…") if len(value) > 40 else repr(value)
    return {list: "a list", dict: "an object"}.get(type(value), f"a Python {type(value).__name__}")


def key_path(key: str) -> str:
    """``.name``, or ``['odd name']`` (capped: a key of megabytes is not echoed whole)."""
    if len(key) > MAX_KEY:
        return f"[{key[:40] + '…'!r}]"
    return f".{key}" if key.isidentifier() else f"[{key!r}]"


def refuse(message: str, where: str = "") -> PydanticCustomError:
    """A refusal whose message is final; ``where`` extends the path below the field."""
    return PydanticCustomError(REFUSED, "{message}", {"message": message, "where": where})


def _explained(rule: str, noun: str = "entries") -> WrapValidator:
    """Replace pydantic's wording by ``rule`` ("must be ..., got {got}"); refusals already
    made deeper (a sample of a list, a value of a dict) keep their own message and path."""

    def check(value: object, handler: Any) -> Any:
        if isinstance(value, int) and not isinstance(value, bool) and abs(value) >= INT_LIMIT:
            raise refuse(rule.replace("{got}", describe(value)))
        try:
            return handler(value)
        except ValidationError as error:
            found = error.errors(include_url=False, include_context=True, include_input=False)
            if all(item["type"] == REFUSED for item in found):
                raise
            kinds = {item["type"]: item.get("ctx") or {} for item in found}
            if "string_unicode" in kinds:  # JSON "\ud800" escapes decode to lone surrogates
                raise refuse(f"is not valid Unicode (lone surrogate), got {describe(value)}") from None
            if "string_too_long" in kinds and isinstance(value, str):
                raise refuse(f"must be at most {kinds['string_too_long']['max_length']} characters, "
                              f"got {len(value)}") from None
            if "too_long" in kinds and isinstance(value, (list, dict)):
                raise refuse(f"must have at most {kinds['too_long']['max_length']} {noun}, got {len(value)}") from None
            raise refuse(rule.replace("{got}", describe(value))) from None

    return WrapValidator(check)


def check_key(key: object, *, extra_field: bool = False) -> str:
    if not isinstance(key, str) or not key:
        raise refuse(f"keys must be non-empty strings, got {describe(key)}")
    if len(key) > MAX_KEY:
        raise refuse(f"key {describe(key)} must be at most {MAX_KEY} characters, got {len(key)}")
    try:
        key.encode("utf-8")
    except UnicodeEncodeError:
        raise refuse(f"key {describe(key)} is not valid Unicode (lone surrogate)") from None
    if extra_field and key.startswith(PARAM_PREFIX):
        # Tables flatten params to param_<name> columns; an extra field there would collide.
        raise refuse(f"extra field names may not start with {PARAM_PREFIX!r}")
    return key


def _iso(value: str) -> str:
    # Python 3.10's fromisoformat does not accept the "Z" suffix.
    datetime.fromisoformat(value[:-1] + "+00:00" if value.endswith("Z") else value)
    return value


def timestamp_or_none(value: object) -> str | None:
    """``value`` if it is a date-time text a ``measured_at`` field accepts, else None."""
    try:
        return _iso(value) if isinstance(value, str) and len(value) <= 64 else None
    except ValueError:
        return None


# --- field types -------------------------------------------------------------------

Finite = Field(allow_inf_nan=False)
Positive = Annotated[float, Finite, Field(gt=0), _explained("must be a finite number > 0, got {got}")]
NonNegative = Annotated[float, Finite, Field(ge=0), _explained("must be a finite number >= 0, got {got}")]
Count = Annotated[int, Field(ge=1, lt=INT_LIMIT), _explained("must be an integer >= 1, got {got}")]
Share = Annotated[float, Finite, Field(ge=0, le=1), _explained("must be a number from 0 to 1, got {got}")]
Flag = Annotated[bool, _explained("must be true or false, got {got}")]
Text = Annotated[str, Field(max_length=MAX_TEXT), _explained("must be a string, got {got}")]
LongText = Annotated[str, Field(max_length=MAX_LONG_TEXT), _explained("must be a string, got {got}")]
Device = Annotated[str, Field(max_length=32, pattern=rf"^({'|'.join(DEVICE_KINDS)}):[0-9]+$"),
                   _explained("must be a device id like cpu:0, gpu:1 or tpu:0; got {got}")]
Timestamp = Annotated[str, Field(max_length=64, json_schema_extra={"format": "date-time"}), AfterValidator(_iso),
                      _explained("must be an ISO-8601 date-time string, got {got}")]
UtcTimestamp = Annotated[
    str, Field(pattern=r"^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(\.[0-9]{1,6})?(Z|\+00:00)$",
               json_schema_extra={"format": "date-time"}), AfterValidator(_iso),
    _explained("must be an ISO-8601 UTC date-time like 2026-11-27T01:23:45.123456Z, got {got}")]


def choice(options: tuple[str, ...]) -> Any:
    return Annotated[Literal[options], _explained(f"must be one of {', '.join(options)}; got {{got}}")]


_SMALL_INT = Annotated[int, Field(gt=-INT_LIMIT, lt=INT_LIMIT)]
_FINITE = Annotated[float, Finite]
ParamValue = Annotated[Annotated[str, Field(max_length=MAX_TEXT)] | _SMALL_INT | _FINITE | bool,
                       _explained("must be a number, string or boolean, got {got}")]
ParamName = Annotated[str, PlainValidator(check_key),
                      WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_KEY})]
Params = Annotated[dict[ParamName, ParamValue], Field(max_length=MAX_PARAMS),
                   _explained("must be an object of name -> number/string/boolean, got {got}")]
Samples = Annotated[list[Positive], Field(max_length=MAX_SAMPLES),
                    _explained("must be a list of numbers, got {got}", noun="samples")]
def _environment_key(key: object) -> str:
    if not isinstance(key, str) or not key or len(key) > MAX_KEY:
        raise refuse(f"must name one of the document's environments by its key (a string of 1 to {MAX_KEY} "
                     f"characters), got {describe(key)}")
    return check_key(key)


EnvironmentKey = Annotated[str, PlainValidator(_environment_key), WithJsonSchema(
    {"type": "string", "minLength": 1, "maxLength": MAX_KEY,
     "description": "The key of this record's environment in the document's environments."})]
ExtraName = Annotated[str, PlainValidator(lambda key: check_key(key, extra_field=True)),
                      WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_KEY})]


def _extra_value(value: object, handler: Any) -> Any:
    if isinstance(value, (dict, list)):
        raise refuse(f"extra fields must be scalars (only params may nest), got {describe(value)}")
    return handler(value)


ExtraValue = Annotated[Annotated[str, Field(max_length=MAX_TEXT)] | _SMALL_INT | _FINITE | bool | None,
                       _explained("must be a string, finite number, boolean or null, got {got}"),
                       WrapValidator(_extra_value)]


def _json_tree(value: object, depth: int, budget: list[int]) -> object:
    """Copy a free-form JSON value, refusing what could not be written back or is too big."""
    budget[0] -= 1
    if budget[0] < 0:
        raise refuse(f"holds more than {MAX_ENV_VALUES} values")
    if isinstance(value, (dict, list)) and depth >= MAX_ENV_DEPTH:
        raise refuse(f"is nested deeper than {MAX_ENV_DEPTH} levels")
    if isinstance(value, (dict, list)):
        items = value.items() if isinstance(value, dict) else enumerate(value)
        copy: dict | list = {} if isinstance(value, dict) else []
        for key, item in items:
            where = f"[{key}]" if isinstance(copy, list) else (
                key_path(key) if isinstance(key, str) and key else f"[{describe(key)}]")
            try:
                name = key if isinstance(copy, list) else check_key(key)
                checked = _json_tree(item, depth + 1, budget)
            except PydanticCustomError as problem:
                raise refuse(problem.context["message"], where + problem.context["where"]) from None
            if isinstance(copy, list):
                copy.append(checked)
            else:
                copy[name] = checked
        return copy
    if value is None or isinstance(value, bool) or (isinstance(value, float) and math.isfinite(value)):
        return value
    if isinstance(value, int) and abs(value) < INT_LIMIT:
        return value
    if isinstance(value, str):
        if len(value) > MAX_LONG_TEXT:
            raise refuse(f"must be at most {MAX_LONG_TEXT} characters, got {len(value)}")
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:
            raise refuse(f"is not valid Unicode (lone surrogate), got {describe(value)}") from None
        return value
    raise refuse(f"must be a string, finite number, boolean or null, got {describe(value)}")


def _environment(value: object) -> dict:
    if not isinstance(value, dict):
        raise refuse(f"must be an object, got {describe(value)}")
    environment = _json_tree(value, 0, [MAX_ENV_VALUES])
    devices = environment.get("devices")
    if devices is not None and not (isinstance(devices, list) and all(isinstance(d, dict) for d in devices)):
        raise refuse("must be a list of objects", ".devices")
    return environment


Environment = Annotated[dict, PlainValidator(_environment), WithJsonSchema({
    "type": "object",
    "properties": {"devices": {"type": "array", "items": {"type": "object"}}},
    "description": f"The machine and software that measured: free-form JSON (strings, finite numbers, booleans, "
                   f"null, lists, objects), nested at most {MAX_ENV_DEPTH} levels, at most {MAX_ENV_VALUES} "
                   f"values, keys of 1 to {MAX_KEY} characters, strings of at most {MAX_LONG_TEXT}."})]


def _environments(value: object, handler: Any) -> Any:
    if not isinstance(value, dict):
        raise refuse(f"must be an object of key -> environment, got {describe(value)}")
    if len(value) > MAX_ENVIRONMENTS:  # before the items: an oversized table costs nothing to refuse
        raise refuse(f"holds {len(value)} environments, more than the limit of {MAX_ENVIRONMENTS}")
    return handler(value)


_EnvironmentName = Annotated[str, PlainValidator(check_key),
                            WithJsonSchema({"type": "string", "minLength": 1, "maxLength": MAX_KEY})]
Environments = Annotated[dict[_EnvironmentName, Environment], WrapValidator(_environments)]
