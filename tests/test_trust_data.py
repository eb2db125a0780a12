"""Results files that must be trusted: exports of several machines keep each machine, and files from
spreadsheets and newer dlenv versions are read (with a notice) or refused naming the real cause.

Each test here failed before results format 2 (``dlenv.results/2``).
"""

import copy
import csv
import io
import json
import re

import pytest
from conftest import run_dlenv

from dlenv.data import files, reference, results
from dlenv.data.results import ResultsError
from dlenv.data.store import Store

REFERENCE = reference.load("cpu-epyc-2vcpu-tensorflow")
[BASE_ENVIRONMENT] = REFERENCE["environments"].values()
MACHINES = {"laptop": "Intel Core i5-1135G7 laptop", "colab-t4": "Google Colab, Tesla T4",
            "lab-pc": "lab PC, RTX 3060"}


def environment(machine: str) -> dict:
    return {**copy.deepcopy(BASE_ENVIRONMENT), "machine": machine, "runtime": MACHINES[machine]}


def records() -> list[dict]:
    """The same three results, as if measured anywhere: only their machine will differ."""
    return [{k: v for k, v in result.items() if k != "environment"} for result in REFERENCE["results"][:3]]


def machines_of(doc: dict) -> list[str]:
    return [results.environment_of(doc, result)["machine"] for result in doc["results"]]


@pytest.fixture
def store(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'class.sqlite'}") as opened:
        yield opened


@pytest.fixture
def fresh(tmp_path):
    with Store(f"sqlite:///{tmp_path / 'fresh.sqlite'}") as opened:
        yield opened


def save_three_machines(store: Store) -> list[int]:
    for machine in MACHINES:
        store.save_document(results.make_document(records(), environment(machine)))
    return [int(i) for i in store.results()["id"]]


# --- 7. exports that relabel machines ----------------------------------------------------------


def test_an_export_of_three_machines_keeps_each_results_machine(store, fresh):
    ids = save_three_machines(store)
    exported = store.document(ids)  # what the Results page's download calls
    assert sorted(machines_of(exported)) == sorted(list(MACHINES) * 3)
    assert len(exported["environments"]) == 3
    data = results.dumps(exported).encode()
    report = fresh.import_bytes(data, "class.json")
    assert (report.added, report.duplicates, len(report.environment_ids)) == (9, 0, 3)
    assert fresh.results()["machine"].value_counts().to_dict() == {machine: 3 for machine in MACHINES}
    # Each result came back with its whole environment, not only its machine's name.
    back = fresh.document()
    assert sorted(json.dumps([r["params"], results.environment_of(back, r)], sort_keys=True) for r in back["results"]) \
        == sorted(json.dumps([r["params"], results.environment_of(exported, r)], sort_keys=True)
                  for r in exported["results"])
    # Imported again, into that store or the one it came from: nothing new.
    assert fresh.import_bytes(data, "class.json").added == 0
    assert store.import_bytes(data, "class.json").added == 0
    assert fresh.count() == store.count() == 9


def test_a_csv_export_of_three_machines_reads_back_as_three_machines(store, fresh):
    save_three_machines(store)
    table = results.to_csv(store.document()).encode()
    assert (fresh.import_bytes(table, "class.csv").added, fresh.import_bytes(table, "class.csv").added) == (9, 0)
    assert fresh.results()["machine"].value_counts().to_dict() == {machine: 3 for machine in MACHINES}
    doc = results.from_csv(table.decode())
    assert sorted(machines_of(doc)) == sorted(list(MACHINES) * 3)
    # And the CSV of that reads back the same again.
    assert results.to_dataframe(results.from_csv(results.to_csv(doc)))["machine"].tolist() == \
        results.to_dataframe(doc)["machine"].tolist()


def test_merging_documents_of_three_machines_keeps_each_results_environment():
    docs = [results.make_document(records(), environment(machine),
                                  [{"workload": "cnn", "error": f"out of memory on {machine}"}])
            for machine in MACHINES]
    merged = results.merge_documents(docs)
    assert machines_of(merged) == [machine for machine in MACHINES for _ in range(3)]
    assert [results.environment_of(merged, error)["machine"] for error in merged["errors"]] == list(MACHINES)
    assert results.merge_documents([merged, docs[0]])["environments"] == merged["environments"]  # kept once each


def test_a_workers_environment_ends_up_on_each_of_its_results():
    doc = results.validate_document(results.make_document(records(), environment("colab-t4")))
    assert doc["schema"] == "dlenv.results/2"
    assert [results.environment_of(doc, r) for r in doc["results"]] == [environment("colab-t4")] * 3


def as_version_1(doc: dict) -> dict:
    """A one-machine document as dlenv wrote it before results format 2."""
    [env] = doc["environments"].values()
    return {"schema": "dlenv.results/1", "created": doc["created"], "environment": env,
            "results": [{k: v for k, v in r.items() if k != "environment"} for r in doc["results"]],
            "errors": [{k: v for k, v in e.items() if k != "environment"} for e in doc["errors"]]}


def test_a_version_1_file_is_read_its_environment_becoming_every_results(store):
    old = as_version_1(results.make_document(records(), environment("laptop"),
                                             [{"workload": "cnn", "error": "out of memory"}]))
    doc = results.loads(json.dumps(old))
    assert doc["schema"] == "dlenv.results/2"
    assert machines_of(doc) == ["laptop"] * 3
    assert results.environment_of(doc, doc["errors"][0]) == old["environment"]
    # The same results, stored from the old file or from its export: the same content hashes.
    assert store.import_bytes(json.dumps(old).encode(), "old.json").added == 3
    assert store.import_bytes(results.dumps(store.document()).encode(), "new.json").added == 0
    # A problem in an old file is named as it is written there.
    old["environment"]["load"] = "NaN-free"
    old["environment"]["devices"] = ["cpu:0"]
    with pytest.raises(ResultsError, match=re.escape("environment.devices: must be a list of objects")):
        results.loads(json.dumps(old))


def test_a_result_naming_no_known_environment_is_refused_naming_it():
    doc = results.make_document(records(), environment("laptop"))
    doc["results"][1]["environment"] = "e9"
    with pytest.raises(ResultsError) as refused:
        results.loads(json.dumps(doc))
    assert refused.value.problems == ["results[1].environment: 'e9' is not a key of environments (it has 'e1')"]
    del doc["results"][1]["environment"]
    with pytest.raises(ResultsError, match=re.escape("results[1]: missing required fields: environment")):
        results.loads(json.dumps(doc))


def test_the_interrupted_flag_is_kept_and_must_be_a_boolean(store):
    doc = {**results.make_document(records(), environment("laptop")), "interrupted": True}
    assert results.loads(results.dumps(doc))["interrupted"] is True
    assert results.merge_documents([doc, results.make_document(records(), environment("lab-pc"))])["interrupted"]
    assert "interrupted" not in results.make_document(records(), environment("laptop"))
    with pytest.raises(ResultsError, match=re.escape("interrupted: must be true or false, got 'yes'")):
        results.validate_document({**doc, "interrupted": "yes"})


# --- 8. files from spreadsheets and from other dlenv versions ---------------------------------


NUMBER = re.compile(r"[0-9.eE+-]+(;[0-9.eE+-]+)*")


def as_spreadsheet_saves_it(doc: dict, separator: str, decimal_comma: bool) -> str:
    """dlenv's CSV of ``doc`` re-saved by a spreadsheet: another separator, numbers with decimal commas."""
    rows = list(csv.reader(io.StringIO(results.to_csv(doc), newline="")))
    out = io.StringIO()
    writer = csv.writer(out, delimiter=separator, lineterminator="\r\n")
    writer.writerow(rows[0])
    for row in rows[1:]:
        writer.writerow([cell.replace(".", ",") if decimal_comma and NUMBER.fullmatch(cell) else cell for cell in row])
    return out.getvalue()


@pytest.mark.parametrize("separator, decimal_comma, encoding", [
    (";", True, "utf-8-sig"),   # a spreadsheet in German, French, Korean... locale: "CSV"
    (";", False, "utf-8-sig"),
    ("\t", True, "utf-16"),     # a spreadsheet's "Unicode text"
    ("\t", False, "utf-8"),
])
def test_a_csv_resaved_by_a_spreadsheet_is_read_with_a_notice(store, separator, decimal_comma, encoding):
    doc = results.merge_documents([results.make_document(records(), environment(m)) for m in ("laptop", "lab-pc")])
    data = as_spreadsheet_saves_it(doc, separator, decimal_comma).encode(encoding)
    read = files.read_file(data, "class.csv")
    assert [r["median_s"] for r in read.document["results"]] == [r["median_s"] for r in doc["results"]]
    assert [r["samples_s"] for r in read.document["results"]] == [r["samples_s"] for r in doc["results"]]
    assert machines_of(read.document) == machines_of(doc)
    [notice] = read.notices
    assert {";": "semicolons", "\t": "tabs"}[separator] in notice
    assert ("decimal commas" in notice) == decimal_comma
    report = store.import_bytes(data, "class.csv")
    assert (report.added, report.notices) == (6, (notice,))
    # dlenv's own CSV of that is what it was before the spreadsheet.
    assert results.to_csv(read.document) == results.to_csv(results.from_csv(results.to_csv(doc)))


def test_dlenv_import_reads_a_semicolon_csv(tmp_path, monkeypatch):
    monkeypatch.setenv("DLENV_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.delenv("DLENV_DATABASE_URL", raising=False)
    path = tmp_path / "excel.csv"
    path.write_bytes(as_spreadsheet_saves_it(REFERENCE, ";", True).encode("utf-8-sig"))
    done = run_dlenv("import", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{path}: added {len(REFERENCE['results'])}, 0 already stored" in done.stdout
    assert f"{path}: note: read a table separated by semicolons" in done.stdout  # said, not silent


def test_a_damaged_semicolon_csv_is_refused_naming_the_separator_and_what_to_do():
    text = as_spreadsheet_saves_it(REFERENCE, ";", True)
    header, first, *_ = text.split("\r\n")
    for damaged, problem in [
        (f"{header}\r\n{first}\r\n{first[: len(first) // 2]}\r\n", "CSV (separated by semicolons): line 3 has"),
        (f"{header}\r\n{first.replace('float32', 'int4')}\r\n", "results[0].dtype: must be one of"),
    ]:
        with pytest.raises(ResultsError) as refused:
            files.read_file(damaged.encode(), "excel.csv")
        assert problem in str(refused.value)
        if "line 3" not in problem:
            assert "separated by semicolons" in refused.value.problems[-1]
            assert "save it as CSV UTF-8 (comma-delimited)" in refused.value.problems[-1]


def from_a_newer_dlenv() -> dict:
    doc = json.loads(results.dumps(results.make_document(records(), environment("laptop"))))
    doc["provenance"] = {"tool": "dlenv 9.0", "signature": "abc"}
    doc["results"][0]["energy"] = {"joules": 1.5, "source": "rapl"}
    doc["results"][1]["energy"] = {"joules": 1.7, "source": "rapl"}
    doc["results"][2]["power_w"] = 12.5  # an unknown scalar is kept, as before
    return doc


def test_unknown_optional_fields_from_a_newer_dlenv_are_left_out_with_a_notice(store):
    data = json.dumps(from_a_newer_dlenv()).encode()
    read = files.read_file(data, "new.json")
    assert "provenance" not in read.document and all("energy" not in r for r in read.document["results"])
    assert read.document["results"][2]["power_w"] == 12.5
    assert read.notices == [("left out fields this dlenv does not know: provenance, results[].energy (2 records); "
                            "the file was probably made by a newer dlenv (upgrade dlenv to keep them)")]
    report = store.import_bytes(data, "new.json")
    assert (report.added, report.notices) == (3, tuple(read.notices))
    assert files.read_file(results.dumps(read.document).encode(), "again.json").notices == []


def test_a_newer_minor_version_is_read_with_a_notice_and_a_newer_major_version_says_upgrade():
    doc = from_a_newer_dlenv()
    doc["schema"] = "dlenv.results/2.3"
    read = files.read_file(json.dumps(doc).encode(), "new.json")
    assert read.document["schema"] == "dlenv.results/2" and len(read.document["results"]) == 3
    assert read.notices[0] == "schema dlenv.results/2.3 is from a newer dlenv; read as dlenv.results/2"
    doc["schema"] = "dlenv.results/3"
    with pytest.raises(ResultsError) as refused:
        files.read_file(json.dumps(doc).encode(), "new.json")
    assert refused.value.problems == [("schema: dlenv.results/3 was made by a newer dlenv; this dlenv reads "
                                      "dlenv.results/1 and dlenv.results/2: upgrade dlenv (pip install -U dlenv) "
                                      "to read it")]


@pytest.mark.parametrize("change, problem", [
    (lambda doc: doc["results"][0].pop("median_s"), "results[0]: missing required fields: median_s"),
    (lambda doc: doc["results"][0].update(median_s="fast"), "results[0].median_s: must be a finite number > 0"),
    (lambda doc: doc.pop("environments"), "environments: required field is missing"),
    (lambda doc: doc.update(environments=[]), "environments: must be an object of key -> environment, got a list"),
    (lambda doc: doc["results"][0].update(environment={"machine": "inline"}),
     "results[0].environment: must name one of the document's environments by its key"),
])
def test_what_cannot_be_read_in_a_newer_file_is_still_refused_naming_it(change, problem):
    doc = from_a_newer_dlenv()
    change(doc)
    with pytest.raises(ResultsError) as refused:
        files.read_file(json.dumps(doc).encode(), "new.json")
    assert refused.value.problems[0].startswith(problem), refused.value.problems
