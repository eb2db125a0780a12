"""``python -m dlenv import|push`` and ``run --save/--db``: results files into the database.

Every call runs in a fresh process with DLENV_DATA_DIR pointing at a temporary folder,
so the default database is a new SQLite file per test.
"""

import json
import os

import pytest
from conftest import run_dlenv
from test_cli import assert_one_line_error

from dlenv.data import reference, results

GOOD = reference.load("cpu-epyc-2vcpu-tensorflow")
N = len(GOOD["results"])


@pytest.fixture
def data_dir(tmp_path, monkeypatch):
    folder = tmp_path / "data"
    monkeypatch.setenv("DLENV_DATA_DIR", str(folder))  # run_dlenv copies os.environ
    monkeypatch.delenv("DLENV_DATABASE_URL", raising=False)
    return folder


def stored(url=None):
    from dlenv.data.store import Store

    store = Store(url)  # DLENV_DATA_DIR is set in this process too: the same default database
    try:
        return store.count()
    finally:
        store.close()


@pytest.fixture
def good_json(tmp_path):
    path = tmp_path / "good.json"
    results.dump(GOOD, path)
    return path


def test_import_stores_a_file_once_and_counts_duplicates(data_dir, good_json):
    done = run_dlenv("import", str(good_json))
    assert done.returncode == 0, done.stderr[-2000:]
    lines = done.stdout.splitlines()
    assert f"{good_json}: added {N}, 0 already stored" in lines
    assert any(line.startswith("database: sqlite:") and "dlenv.sqlite" in line for line in lines)
    assert stored() == N

    again = run_dlenv("import", str(good_json))
    assert again.returncode == 0, again.stderr[-2000:]
    assert f"{good_json}: added 0, {N} already stored" in again.stdout.splitlines()
    assert stored() == N


def test_import_reads_csv(data_dir, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(results.to_csv(GOOD), encoding="utf-8", newline="")
    done = run_dlenv("import", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{path}: added {N}, 0 already stored" in done.stdout
    assert stored() == N


def test_import_skips_a_byte_order_mark(data_dir, tmp_path):
    path = tmp_path / "bom.json"
    path.write_bytes(b"\xef\xbb\xbf" + results.dumps(GOOD).encode())
    done = run_dlenv("import", str(path))
    assert done.returncode == 0, done.stderr[-2000:]
    assert stored() == N


def test_import_marks_a_reference_set(data_dir, good_json):
    done = run_dlenv("import", str(good_json), "--reference")
    assert done.returncode == 0, done.stderr[-2000:]
    from dlenv.data.store import Store

    store = Store()
    try:
        assert len(store.results(reference=True)) == N
        assert len(store.results(reference=False)) == 0
    finally:
        store.close()


def _bad_files():
    text = results.dumps(GOOD)
    median = json.dumps(GOOD["results"][0]["median_s"])
    assert f'"median_s": {median}' in text
    return {
        "truncated.json": (text[: len(text) // 2].encode(), ["not valid JSON"]),
        "nan.json": (text.replace(f'"median_s": {median}', '"median_s": NaN', 1).encode(),
                     ["results[0].median_s", "NaN"]),
        "schema.json": (text.replace('"dlenv.results/2"', '"dlenv.results/7"', 1).encode(),
                        ["schema", "made by a newer dlenv", "upgrade dlenv"]),
        "other.json": (b'{"hello": "world"}', ["invalid dlenv results"]),
        "latin1.json": (text.replace("AMD EPYC", "AMD \xc9PYC").encode("latin-1"), ["not UTF-8", "0xc9"]),
        "latin1.csv": (results.to_csv(GOOD).replace("AMD EPYC", "AMD \xc9PYC").encode("latin-1"),
                       ["not UTF-8", "0xc9"]),
        "columns.csv": (b"workload,device\r\nmatmul,cpu:0\r\n", ["missing required columns"]),
        "empty.json": (b"  \n", ["the file is empty"]),
        "two.json": (json.dumps({**GOOD, "results": [{**GOOD["results"][0], "median_s": "fast"},
                                                      {**GOOD["results"][1], "gflops": -1}]}).encode(),
                     ["(2 problems): results[0].median_s", "; results[1].gflops"]),
    }


@pytest.mark.parametrize("name", ["truncated.json", "nan.json", "schema.json", "other.json", "latin1.json",
                                  "latin1.csv", "columns.csv", "empty.json", "two.json"])
def test_a_bad_file_exits_2_with_one_line_and_nothing_is_stored(data_dir, tmp_path, good_json, name):
    data, fragments = _bad_files()[name]
    bad = tmp_path / name
    bad.write_bytes(data)
    # The good file comes first: it is checked, but not stored, because a later file is bad.
    done = run_dlenv("import", str(good_json), str(bad))
    assert_one_line_error(done, str(bad), *fragments)
    assert "added" not in done.stdout
    assert stored() == 0


def test_a_csv_cut_off_in_its_last_row_is_refused_by_import_and_by_the_upload_with_one_message(data_dir, tmp_path):
    from dlenv.data.store import Store

    text = results.to_csv(GOOD)
    body = text.rstrip("\r\n")
    last_row = body.rfind("\r\n") + 2
    cut = text[: (last_row + len(body)) // 2].encode()  # the file ends halfway through its last row
    path = tmp_path / "cut.csv"
    path.write_bytes(cut)
    done = run_dlenv("import", str(path))
    with Store() as db, pytest.raises(results.ResultsError) as refused:
        db.import_bytes(cut, path.name)  # as the Results page uploads it
    message = str(refused.value)
    assert message.startswith(f"invalid dlenv results: CSV: line {N + 1} has ")
    header = text.split("\r\n", 1)[0].count(",") + 1  # no quoted commas in this header
    assert message.endswith(f"cells but the header has {header}; the file looks truncated or damaged")
    assert_one_line_error(done, str(path))
    assert done.stderr.strip() == f"dlenv: error: {path}: {message}"
    assert stored() == 0


def test_a_missing_or_unreadable_file_exits_2(data_dir, tmp_path, good_json):
    missing = tmp_path / "nope.json"
    assert_one_line_error(run_dlenv("import", str(good_json), str(missing)), str(missing), "cannot read")
    assert_one_line_error(run_dlenv("import", str(tmp_path)), str(tmp_path), "cannot read")
    if os.geteuid() != 0:  # root reads everything
        locked = tmp_path / "locked.json"
        results.dump(GOOD, locked)
        locked.chmod(0)
        assert_one_line_error(run_dlenv("import", str(locked)), "cannot read")
    assert stored() == 0


def test_import_needs_a_file():
    assert_one_line_error(run_dlenv("import"), "the following arguments are required: FILE")


def test_push_requires_db_and_stores_there(data_dir, tmp_path, good_json):
    assert_one_line_error(run_dlenv("push", str(good_json)), "the following arguments are required: --db")
    assert_one_line_error(run_dlenv("push", str(good_json), "--db", " "), "--db: the database URL is empty")
    url = f"sqlite:///{tmp_path / 'class.sqlite'}"
    done = run_dlenv("push", str(good_json), "--db", url)
    assert done.returncode == 0, done.stderr[-2000:]
    assert f"{good_json}: added {N}, 0 already stored" in done.stdout
    assert "class.sqlite" in done.stdout
    assert stored(url) == N
    assert stored() == 0  # not the local database


def test_a_database_that_cannot_be_opened_exits_2(data_dir, tmp_path, good_json):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    url = f"sqlite:///{blocker / 'db.sqlite'}"
    done = run_dlenv("push", str(good_json), "--db", url)
    assert_one_line_error(done)
    assert "added" not in done.stdout


def test_run_save_stores_what_it_measured(data_dir, tmp_path):
    out = tmp_path / "r.json"
    done = run_dlenv("run", "matmul", "--sizes", "64", "--backend", "jax", "--budget", "0.2", "--quiet",
                     "--save", "--out", str(out))
    assert done.returncode == 0, done.stderr[-2000:]
    assert "saved: added 1, 0 already stored" in done.stdout
    assert len(results.load(out)["results"]) == 1
    assert stored() == 1


def test_run_with_a_bad_db_exits_2_before_measuring(data_dir, tmp_path):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    out = tmp_path / "r.json"
    done = run_dlenv("run", "matmul", "--sizes", "64", "--backend", "jax", "--budget", "0.2", "--quiet",
                     "--db", f"sqlite:///{blocker / 'db.sqlite'}", "--out", str(out))
    assert_one_line_error(done)
    assert not out.exists()


def test_a_store_failure_after_measuring_still_writes_out_first(tmp_path):
    import sqlite3

    from dlenv.data.store import Store

    database = tmp_path / "db.sqlite"
    Store(f"sqlite:///{database}").close()  # the tables exist; then the database starts refusing rows
    with sqlite3.connect(database) as conn:
        conn.execute("CREATE TRIGGER refuse BEFORE INSERT ON results BEGIN SELECT RAISE(ABORT, 'disk full'); END")
    out = tmp_path / "r.json"
    done = run_dlenv("run", "matmul", "--sizes", "64", "--budget", "0.1", "--quiet", "--out", str(out),
                     "--db", f"sqlite:///{database}")
    assert_one_line_error(done)
    assert [r["params"]["m"] for r in results.load(out)["results"]] == [64]  # written before the save was tried
    with Store(f"sqlite:///{database}") as db:
        assert db.count() == 0