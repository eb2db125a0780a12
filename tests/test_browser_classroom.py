"""A class's shared store in a real browser (issue 18's done-when): a server whose environment sets a
class code and a teacher's password; an upload without the code is refused and stores nothing,
typing a too-long nickname is refused (not cut), typing the nickname and the code stores nothing
until the file's own Store button is pressed, then it is stored with the nickname; the
leaderboard's table fits a 1280 px window; the teacher hides everything one nickname added and
it leaves the leaderboard, restoring brings it back. No secret shows in the page or the server's log.
"""

import time

import pytest
from browser import ARTIFACTS, go, launch_browser, open_app, screenshot, start_server, svg_texts, wait_for_app_run
from test_store import make_doc, sized

from dlenv.data import results
from dlenv.data.classcode import MAX_NICKNAME
from dlenv.data.store import SQLITE_FILE, Store
from dlenv.i18n import t

EN = "en"
CODE = "owl-4217-반"
PASSWORD = "teacher-pass-8831"
LAPTOP_CPU = "11th Gen Intel(R) Core(TM) i7-1165G7 @ 2.80GHz"  # a real laptop's name, as long as they come


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    yield from start_server(tmp_path_factory, DLENV_CLASS_CODE=CODE, DLENV_TEACHER_PASSWORD=PASSWORD,
                            DLENV_PREWARM="0")


@pytest.fixture(scope="module")
def browser():
    yield from launch_browser()


def stored(server) -> tuple[int, list[str]]:
    """(results stored, hidden ones included; the nicknames they were added by)."""
    with Store(f"sqlite:///{server.data_dir / SQLITE_FILE}") as db:
        return db.count(hidden=None), db.nicknames()


def bars(page) -> set[str]:
    """The leaderboard's bar labels (machine · device): the y axis ticks of its chart."""
    return svg_texts(page, ".ytick")


def bars_become(page, wanted: set[str], gone: set[str] = frozenset(), timeout_s: float = 30) -> set[str]:
    """The bar labels once ``wanted`` are drawn and ``gone`` are not: Plotly redraws a moment after the run."""
    deadline = time.monotonic() + timeout_s
    while True:
        shown = bars(page)
        if (wanted <= shown and not gone & shown) or time.monotonic() > deadline:
            return shown
        page.wait_for_timeout(200)


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the main area's selectbox called ``label``, by typing it."""
    page.get_by_test_id("stMain").get_by_role("combobox", name=label, exact=True).click()
    page.keyboard.type(option)
    page.keyboard.press("Enter")
    wait_for_app_run(page)


def main_button(page, label: str) -> None:
    page.get_by_test_id("stMain").get_by_role("button", name=label, exact=True).click()
    wait_for_app_run(page)


def table_overflow(page) -> list[int]:
    """For each table on the page, how many pixels of its columns lie beyond its right edge (0: fits)."""
    return page.get_by_test_id("stDataFrame").locator(".dvn-scroller").evaluate_all(
        "nodes => nodes.map(n => n.scrollWidth - n.clientWidth)")


def test_upload_needs_the_code_then_the_teacher_hides_and_restores_it(browser, server, tmp_path):
    with Store(f"sqlite:///{server.data_dir / SQLITE_FILE}") as db:  # a classmate, and kim's earlier result
        db.save_document(make_doc([sized(128, device_name=LAPTOP_CPU)], machine="lee-laptop"), source="upload",
                         added_by="lee")
        db.save_document(make_doc([sized(96)], machine="kim-desktop"), source="upload", added_by="kim")
    page = open_app(browser, server)
    go(page, t("page_results", EN))
    mine = tmp_path / "kim.json"
    mine.write_text(results.dumps(make_doc([sized(64)], machine="kim-laptop")))
    page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(mine)
    page.get_by_text(t("class_need_code", EN)).first.wait_for(timeout=60_000)
    assert stored(server) == (2, ["kim", "lee"])

    nickname = page.get_by_role("textbox", name=t("class_nickname", EN, max=MAX_NICKNAME), exact=True)
    nickname.fill("k" * 60)  # the newcomer trial's 60 characters: said, not cut to 40
    nickname.press("Enter")
    wait_for_app_run(page)
    page.get_by_text(t("class_nickname_too_long", EN, count=60, max=MAX_NICKNAME)).wait_for(timeout=30_000)
    assert len(nickname.input_value()) == 60
    nickname.fill("kim")
    nickname.press("Enter")
    wait_for_app_run(page)
    page.get_by_role("textbox", name=t("class_code", EN), exact=True).fill(CODE)
    main_button(page, t("class_unlock", EN))
    # Neither the nickname nor the code stored the file kept in the uploader: its own button does.
    page.get_by_text("kim.json is not stored yet").wait_for(timeout=30_000)
    assert stored(server) == (2, ["kim", "lee"])
    main_button(page, t("class_store_upload", EN, name="kim.json"))
    page.get_by_text("Saved: 1 new").first.wait_for(timeout=60_000)
    page.get_by_text(t("class_stored_as", EN, nickname="kim")).first.wait_for(timeout=30_000)
    assert stored(server) == (3, ["kim", "lee"])
    screenshot(page, "classroom-upload-en")

    go(page, t("page_leaderboard", EN))
    everyone = {"kim-laptop · AMD EPYC", "kim-desktop · AMD EPYC", f"lee-laptop · {LAPTOP_CPU}"}
    assert everyone <= bars_become(page, everyone)
    assert table_overflow(page)[0] <= 0  # every column of the board, the last included, in 1280 px
    page.get_by_role("textbox", name=t("class_teacher_password", EN), exact=True).fill(PASSWORD)
    main_button(page, t("class_teacher_unlock", EN))
    # Everything one nickname added: kim's two results, on two machines, not lee's.
    choose(page, t("class_pick_nickname", EN), "kim")
    main_button(page, t("class_hide_nickname", EN))
    page.get_by_text(t("class_hidden_count", EN, count=2)).wait_for(timeout=30_000)
    kims = {"kim-laptop · AMD EPYC", "kim-desktop · AMD EPYC"}
    shown = bars_become(page, {f"lee-laptop · {LAPTOP_CPU}"}, gone=kims)
    assert not kims & shown and f"lee-laptop · {LAPTOP_CPU}" in shown
    assert stored(server) == (3, ["kim", "lee"])  # hidden, not deleted
    screenshot(page, "classroom-moderation-en")
    main_button(page, t("class_restore_nickname", EN))
    page.get_by_text(t("class_restored_count", EN, count=2)).wait_for(timeout=30_000)
    assert everyone <= bars_become(page, everyone)

    korean = open_app(browser, server, "ko")  # the board fits in Korean too
    go(korean, t("page_leaderboard", "ko"))
    assert everyone <= bars_become(korean, everyone) and table_overflow(korean)[0] <= 0
    korean.context.close()

    html = page.content()
    log = server.log.read_text(errors="replace") if server.log.exists() else ""
    for secret in (CODE, PASSWORD):
        assert secret not in html and secret not in log
    assert ARTIFACTS.exists()
    page.context.close()
