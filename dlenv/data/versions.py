"""Reading files of other versions: version 1 documents, and fields a newer dlenv added.

``dlenv.data.schema.check_document`` calls these before its models check a document:
``leave_out_unknown`` takes out what this dlenv does not know (and says what, for a notice),
``from_v1`` turns a version 1 document (one environment for the whole file) into version 2
(each record names its environment), and ``v1_path`` names a problem found in such a
document by the path it has in the version 1 file.
"""

from __future__ import annotations

from dlenv.data.fields import MAX_RESULTS, describe, key_path

# The key a version 1 document's one environment gets.
V1_KEY = "e1"
# Names shown in a notice, at most.
_SHOWN = 10


def _name(key: object) -> str:
    return key_path(key).removeprefix(".") if isinstance(key, str) and key else describe(key)


def leave_out_unknown(doc: dict, known: tuple[str, ...],
                      record_fields: dict[str, set[str]]) -> tuple[dict, list[str]]:
    """A shallow copy of ``doc`` without the fields this dlenv does not know, and a notice naming them.

    Left out: unknown top-level fields, and unknown fields of results and errors that are
    lists or objects (unknown scalars are kept: a table can hold them). Anything else
    unknown is still checked (a ``param_`` name, a bad key), and refused if it cannot be kept.
    """
    left_out: dict[str, int] = {_name(key): 1 for key in doc if key not in known}
    kept = {key: value for key, value in doc.items() if key in known}
    for name, fields in record_fields.items():
        records = kept.get(name)
        if not isinstance(records, list) or len(records) > MAX_RESULTS:
            continue  # refused as it is
        copies = []
        for record in records:
            unknown = [key for key, value in record.items() if isinstance(value, (dict, list)) and key not in fields
                       ] if isinstance(record, dict) else []
            for key in unknown:
                where = f"{name}[]{key_path(key) if isinstance(key, str) and key else _name(key)}"
                left_out[where] = left_out.get(where, 0) + 1
            copies.append({k: v for k, v in record.items() if k not in unknown} if unknown else record)
        kept[name] = copies
    if not left_out:
        return kept, []
    shown = [f"{where} ({count} records)" if count > 1 else where for where, count in list(left_out.items())[:_SHOWN]]
    more = f" and {len(left_out) - _SHOWN} more" if len(left_out) > _SHOWN else ""
    notice = (f"left out fields this dlenv does not know: {', '.join(shown)}{more}; the file was probably "
              "made by a newer dlenv (upgrade dlenv to keep them)")
    return kept, [notice]


def from_v1(doc: dict, schema: str) -> dict:
    """A version 1 document as version 2: its one environment becomes every record's."""
    def named(records: object) -> object:
        if not isinstance(records, list) or len(records) > MAX_RESULTS:
            return records  # refused as it is
        return [{**record, "environment": V1_KEY} if isinstance(record, dict) else record for record in records]

    v2 = {key: value for key, value in doc.items() if key != "environment"}
    v2["schema"] = schema
    v2["results"], v2["errors"] = named(doc.get("results")), named(doc.get("errors"))
    if "environment" in doc:
        v2["environments"] = {V1_KEY: doc["environment"]}
    return {key: value for key, value in v2.items() if value is not None or key in doc}


def v1_path(problem: str) -> str:
    """A problem found in a converted version 1 document, named as in that document."""
    for prefix in (f"environments.{V1_KEY}", "environments"):
        if problem.startswith(prefix):
            return "environment" + problem[len(prefix):]
    return problem
