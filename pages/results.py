"""Results: every stored result, filtered, compared in one chart, imported and downloaded."""

import streamlit as st

from dlenv.data import reference
from dlenv.data.results import ResultsError, dumps, to_csv
from dlenv.data.store import StoreError, TooManyResults
from dlenv.i18n import TEXT, t
from dlenv.ui import classroom, show
from dlenv.ui.colab import show_colab
from dlenv.ui.jobs import leave_other_pages, session_documents
from dlenv.ui.state import page_language, store

SHOWN = 10_000  # rows the page loads; the count says how many are stored in all
lang = page_language()
leave_other_pages("results")  # a job left running on another page is cancelled
st.title(t("res_title", lang))
try:
    db = store()
except StoreError as exc:
    st.error(t("res_db_error", lang, message=exc))
    st.stop()
st.caption(t("res_intro", lang, db=db.url_for_display))


def save(documents: list, source: str, reference: bool = False) -> None:
    """Store each document (one transaction each) and say what happened, in one line."""
    added = duplicates = 0
    try:
        for doc in documents:
            report = db.save_document(doc, source=source, reference=reference, added_by=access.nickname)
            added, duplicates = added + report.added, duplicates + report.duplicates
    except StoreError as exc:  # the database is locked, read-only or gone: that save is rolled back
        st.error(t("res_save_failed", lang, message=exc))
    if added or duplicates:
        st.success(t("res_saved", lang, added=added, duplicates=duplicates) + classroom.stored_as(access, lang))


def import_upload(upload) -> None:
    """Store an uploaded file, within this session's caps (classroom); a refused one stores nothing."""
    caps = classroom.settings()
    if not classroom.upload_allowed(lang, caps):
        return
    try:
        report = db.import_bytes(upload.getvalue(), upload.name, source="upload", added_by=access.nickname,
                                 max_results=caps.max_results_per_upload)
        # One line: what came in, from which machines (a Colab file: "Colab Tesla T4"), what was new.
        st.success(t("res_imported", lang, name=show.plain(upload.name), count=report.added + report.duplicates,
                     machines=show.plain(", ".join(report.machines) or "?")) + " "
                   + t("res_saved", lang, added=report.added, duplicates=report.duplicates)
                   + classroom.stored_as(access, lang))
        for notice in report.notices:  # a spreadsheet's dialect read, a newer dlenv's fields left out
            st.info(show.plain(notice))
    except TooManyResults as exc:
        st.error(t("class_too_many", lang, name=show.plain(upload.name), count=exc.count, cap=exc.cap))
    except ResultsError as exc:  # the reader's words are English: in another language, kept one click away
        if lang == "en":
            st.error(t("res_bad_file", lang, name=show.plain(upload.name), message=show.plain(exc)))
        else:
            st.error(t("res_bad_file_short", lang, name=show.plain(upload.name)))
            st.expander(t("err_original", lang)).code(str(exc), language="text")
    except StoreError as exc:
        st.error(t("res_save_failed", lang, message=exc))


# Who adds results: a nickname, and the class code where the teacher set one (dlenv.ui.classroom).
access = classroom.write_access(db, lang)
left, middle, right = st.columns(3)
mine = session_documents()
# may_write says why not (no code, no nickname) and is asked only when something is to be written.
if (left.button(t("res_save_session", lang, count=sum(len(d["results"]) for d in mine)), disabled=not mine)
        and classroom.may_write(access, lang)):
    save(mine, "dashboard")
if middle.button(t("res_reference", lang), help=t("res_reference_help", lang)) and classroom.may_write(access, lang):
    save([reference.load(name) for name in reference.names()], "reference", reference=True)
upload = right.file_uploader(t("res_import", lang), type=["json", "csv"], key="res_upload")
# Stored once, when chosen; refused for want of the code or a nickname, only its Store button stores it.
if classroom.upload_to_store(upload, access, lang):
    import_upload(upload)
show_colab(lang, "results")  # the Colab round trip: its notebook writes the file imported above

try:
    everything = db.results(limit=SHOWN)  # the newest; one query, filtered below in memory
    total = db.count()
except StoreError as exc:
    st.error(t("res_db_error", lang, message=exc))
    st.stop()
if everything.empty:
    st.info(t("res_empty", lang))
    st.stop()

FILTERS = ("workload", "machine", "provenance", "backend", "device")


def _option_words(field: str):
    """How a filter's options read: provenances and workloads in the page's language, the rest as stored."""
    if field == "provenance":
        return lambda kind: names.get(kind, kind)
    if field == "workload":
        return lambda workload: t(f"wl_{workload}", lang) if f"wl_{workload}" in TEXT else workload
    return str



columns = st.columns(len(FILTERS))
picked = everything
names = show.provenance_names(lang)
for i, field in enumerate(FILTERS):
    values = columns[i].multiselect(t(f"res_filter_{field}", lang), sorted(everything[field].dropna().unique()),
                                    format_func=_option_words(field),
                                    key=f"res_filter_{field}", persist_state="session",
                                    placeholder=t("placeholder_all", lang))
    if values:
        picked = picked[picked[field].isin(values)]
st.caption(t("res_count", lang, shown=len(picked), total=total))
show.busy_warning(picked, lang)
show.table(picked, lang)

show.machine_comparison(picked, lang)

# The files are built only when a button is pressed: exporting thousands of results on
# every rerun would make the page slow.
ids = [int(i) for i in picked["id"]]
left, right = st.columns(2)
left.download_button(t("res_download_json", lang), lambda: dumps(db.document(ids)), "dlenv-results.json",
                     "application/json")
right.download_button(t("res_download_csv", lang), lambda: to_csv(db.document(ids)), "dlenv-results.csv",
                      "text/csv")
