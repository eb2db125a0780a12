"""A class's shared store seen from the pages: who may write, the per-session caps, the teacher's moderation.

Settings (Streamlit secrets or the environment; README, "Streamlit Community Cloud"):

* the class code: ``[class] code`` in the secrets, else ``DLENV_CLASS_CODE``. With one set,
  or recorded in the database by an app that had one (``Store.class_code_required``), every
  write from a page (saving the session, loading the reference sets, an upload) needs it,
  typed once per browser session. Without one, writing is open, as on a local install;
* the teacher's password: ``[class] teacher_password``, else ``DLENV_TEACHER_PASSWORD``. It
  opens the moderation view (and writing). Without a class code or a password configured
  anywhere, moderation is open too (a local install has one user);
* ``DLENV_UPLOADS_PER_HOUR`` (default 10): uploads per browser session in any hour;
* ``DLENV_MAX_RESULTS_PER_UPLOAD`` (default 2000): results one upload may add.

What the visitor types is compared in constant time (``dlenv.data.classcode``) and never kept:
the code field sits in a form that clears on submit, the session keeps only "unlocked", and no
message, log line or exported file contains a secret. Nicknames are shown as typed, escaped.
"""

from __future__ import annotations

import hashlib
import os
import time
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NoReturn

import pandas as pd
import streamlit as st

from dlenv.data.classcode import MAX_CODE, MAX_NICKNAME, AccessError, check_nickname, same_code
from dlenv.i18n import TEXT, t
from dlenv.ui.show import plain
from dlenv.ui.tables import workload_text

if TYPE_CHECKING:
    from dlenv.data.store import Store

DEFAULT_UPLOADS_PER_HOUR = 10
DEFAULT_MAX_RESULTS_PER_UPLOAD = 2000
HOUR_S = 3600.0
# Wrong codes or passwords a session may type before it has to wait (a guessing script is
# slowed to a few tries a minute; the code is not a strong secret, moderation is the remedy).
WRONG_TRIES = 5
WRONG_WAIT_S = 60.0
TEACHER = "teacher"  # who hid a result, when the teacher typed no nickname

_UNLOCKED = "_class_unlocked"
_TEACHER = "_class_teacher"
_UPLOADS = "_class_uploads"
_WRONG = "_class_wrong"
_NICKNAME = "class_nickname"
_MODERATED = "_class_moderated"
_UPLOAD_DONE = "_class_upload_done"  # the file id of the upload last stored (or refused by a cap or its content)
_UPLOAD_HELD = "_class_upload_held"  # the file id of an upload refused for want of the code or a nickname
# The nickname field's own limit only bounds what the browser sends: a longer nickname than
# MAX_NICKNAME reaches check_nickname and is refused with its length, never silently cut.
NICKNAME_FIELD_CHARS = 5 * MAX_NICKNAME
_JUST_UNLOCKED = "just now"  # _UNLOCKED's value for the run after the code was accepted
# Stores (by id) whose database has the configured code recorded, and the code's digest then:
# recorded once per server, again only when the teacher changes the code.
_recorded: dict[int, str] = {}


@dataclass(frozen=True)
class ClassSettings:
    """The class's secrets (never in ``repr``) and caps."""

    code: str | None = field(default=None, repr=False)
    teacher_password: str | None = field(default=None, repr=False)
    uploads_per_hour: int = DEFAULT_UPLOADS_PER_HOUR
    max_results_per_upload: int = DEFAULT_MAX_RESULTS_PER_UPLOAD


@dataclass(frozen=True)
class Access:
    """What this browser session may do: write (``allowed``), as ``nickname``; ``required``
    says whether a class code guards writing at all."""

    required: bool
    allowed: bool
    nickname: str | None
    problem: str | None = None  # an unusable setting, already said on the page: writing closed
    bad_nickname: bool = False  # a nickname was typed but refused (said under the field): writing waits for a usable one


def _whole(name: str, default: int) -> int:
    """A positive whole number from the environment; ValueError naming the setting (no secret)."""
    text = os.environ.get(name, "").strip()
    if not text:
        return default
    # ASCII digits only: int() would also take "١٢" or "1_000".
    value = int(text) if text.isascii() and text.isdigit() and len(text) <= 10 else 0
    if value < 1 or value > 10**9:
        raise ValueError(f"{name} must be a whole number from 1 to 1000000000, got {text[:40]!r}")
    return value


def _secret(section: Mapping[str, Any], key: str, variable: str) -> str | None:
    value = section.get(key) if key in section else os.environ.get(variable)
    return str(value) if value is not None and str(value).strip() else None


def settings() -> ClassSettings:
    """The class code and teacher password (secrets' ``[class]`` section, else the environment)
    and the caps. ValueError for an unusable cap (the message names the setting)."""
    try:
        section = dict(st.secrets["class"])
    except (KeyError, FileNotFoundError, TypeError, ValueError):
        section = {}
    return ClassSettings(code=_secret(section, "code", "DLENV_CLASS_CODE"),
                         teacher_password=_secret(section, "teacher_password", "DLENV_TEACHER_PASSWORD"),
                         uploads_per_hour=_whole("DLENV_UPLOADS_PER_HOUR", DEFAULT_UPLOADS_PER_HOUR),
                         max_results_per_upload=_whole("DLENV_MAX_RESULTS_PER_UPLOAD",
                                                       DEFAULT_MAX_RESULTS_PER_UPLOAD))


def _settings_or_say(lang: str) -> ClassSettings | None:
    """``settings()``, or None after saying which setting is unusable (writing closes, reading goes on)."""
    try:
        return settings()
    except ValueError as exc:  # the message names the setting and its value; no secret is parsed here
        st.error(t("bad_setting", lang, message=exc))
        return None


def _digest(code: str) -> str:
    return hashlib.sha256(code.encode("utf-8", "replace")).hexdigest()


def record_code(db: Store, config: ClassSettings) -> None:
    """Record the configured code's salted hash in the database (once per server and code), so
    that ``python -m dlenv push`` to it asks for the same code."""
    if config.code is None or _recorded.get(id(db)) == _digest(config.code):
        return
    try:
        db.set_class_code(config.code)
    except ValueError:  # a code with a control character: writing stays closed, see code_required
        return
    _recorded[id(db)] = _digest(config.code)


def code_required(db: Store, config: ClassSettings) -> bool:
    """Whether writing needs the class code: one is configured, or the database holds one."""
    return config.code is not None or db.class_code_required()


def _check(db: Store, config: ClassSettings, typed: str) -> bool:
    if config.code is not None:
        return same_code(typed, config.code)
    return db.check_class_code(typed)


def _waiting_s() -> float:
    """Seconds this session must wait before typing another code (after WRONG_TRIES wrong ones)."""
    now = time.time()
    wrong = [moment for moment in st.session_state.get(_WRONG, []) if now - moment < WRONG_WAIT_S]
    st.session_state[_WRONG] = wrong
    return WRONG_WAIT_S - (now - wrong[0]) if len(wrong) >= WRONG_TRIES else 0.0


def _secret_form(key: str, label: str, button: str, lang: str) -> str | None:
    """A password field in a form that clears on submit; what was typed, once, on submit."""
    field = f"{key}_field"
    with st.form(key, clear_on_submit=True, border=False):
        typed = st.text_input(label, type="password", max_chars=MAX_CODE, autocomplete="off", key=field)
        pressed = st.form_submit_button(button)
    if not pressed:
        return None
    wait = _waiting_s()
    if wait > 0:
        st.error(t("class_wait", lang, seconds=int(wait) + 1))
        return None
    return typed


def _accepted(key: str) -> NoReturn:
    """Forget what was typed in ``key``'s form (the session keeps only "unlocked"; Streamlit does
    not always drop a field that is no longer drawn) and run the page again without the form."""
    st.session_state.pop(f"{key}_field", None)
    st.rerun()


def _wrong(lang: str, key: str) -> None:
    st.session_state.setdefault(_WRONG, []).append(time.time())
    st.error(t(key, lang))


def nickname_input(lang: str) -> tuple[str | None, bool]:
    """The nickname field (kept for the session): (the checked nickname or None, whether a typed
    nickname was refused). A refused one is said under the field, in ``lang``, without quoting it."""
    typed = st.text_input(t("class_nickname", lang, max=MAX_NICKNAME), key=_NICKNAME,
                          max_chars=NICKNAME_FIELD_CHARS, help=t("class_nickname_help", lang, max=MAX_NICKNAME))
    try:
        return check_nickname(typed), False
    except AccessError:
        text = unicodedata.normalize("NFC", typed.strip()) if isinstance(typed, str) else ""
        if len(text) > MAX_NICKNAME:
            st.error(t("class_nickname_too_long", lang, max=MAX_NICKNAME, count=len(text)))
        else:
            st.error(t("class_nickname_control", lang))
        return None, True


def write_access(db: Store, lang: str) -> Access:
    """Draw who is adding results (a nickname; the class code when writing needs it) and say
    what this session may do. Call before the page's write buttons."""
    config = _settings_or_say(lang)
    if config is None:
        return Access(required=True, allowed=False, nickname=None, problem="settings")
    record_code(db, config)
    required = code_required(db, config)
    nickname, bad_nickname = nickname_input(lang)
    unlocked = bool(st.session_state.get(_UNLOCKED) or st.session_state.get(_TEACHER))
    if required and not unlocked:
        st.caption(t("class_locked_note", lang))
        typed = _secret_form("class_code_form", t("class_code", lang), t("class_unlock", lang), lang)
        if typed is not None:
            if _check(db, config, typed):
                st.session_state[_UNLOCKED] = _JUST_UNLOCKED
                _accepted("class_code_form")
            _wrong(lang, "class_wrong_code")
    elif required:
        if st.session_state.get(_UNLOCKED) == _JUST_UNLOCKED:
            st.session_state[_UNLOCKED] = True
            st.success(t("class_unlocked", lang))
        else:
            st.caption(t("class_unlocked_note", lang))
    return Access(required=required, allowed=unlocked or not required, nickname=nickname, bad_nickname=bad_nickname)


def may_write(access: Access, lang: str) -> bool:
    """True if this session may write now; else say why (no code yet, no nickname) and False."""
    if access.problem is not None:
        return False  # write_access said which setting is unusable
    if not access.allowed:
        st.error(t("class_need_code", lang))
        return False
    if access.bad_nickname:
        st.error(t("class_need_usable_nickname", lang))
        return False
    if access.required and access.nickname is None:
        st.error(t("class_need_nickname", lang))
        return False
    return True


def upload_to_store(upload: Any, access: Access, lang: str) -> bool:
    """Whether the page should store ``upload`` (a ``st.file_uploader`` file, or None) now.

    Choosing a file is the action that stores it, once, when this session may write. Refused
    (no class code yet, no usable nickname: ``may_write`` says so), the file is held, and
    typing the code or the nickname afterwards stores nothing by itself: the page shows a
    button naming the file, and only pressing it stores the file (``may_write`` asked again).
    """
    if upload is None:
        st.session_state.pop(_UPLOAD_HELD, None)
        return False
    if st.session_state.get(_UPLOAD_DONE) == upload.file_id:
        return False  # stored (or refused by a cap or its content) on an earlier run
    if st.session_state.get(_UPLOAD_HELD) != upload.file_id:  # just chosen
        if may_write(access, lang):
            st.session_state[_UPLOAD_DONE] = upload.file_id
            return True
        st.session_state[_UPLOAD_HELD] = upload.file_id
    button = t("class_store_upload", lang, name=plain(upload.name))  # a label is Markdown too
    slot = st.empty()
    if not slot.button(button, key="class_store_upload", type="primary"):
        st.info(t("class_upload_held", lang, name=plain(upload.name), button=button))
        return False
    slot.empty()  # pressed: the button goes, what was stored (or why not) is said below
    if not may_write(access, lang):
        return False
    st.session_state[_UPLOAD_DONE] = upload.file_id
    st.session_state.pop(_UPLOAD_HELD, None)
    return True


def stored_as(access: Access, lang: str) -> str:
    """The sentence that ends a "stored" message: under which nickname (escaped), or nothing."""
    return " " + t("class_stored_as", lang, nickname=plain(access.nickname)) if access.nickname else ""


def upload_allowed(lang: str, config: ClassSettings | None = None) -> bool:
    """Whether this session may upload now (``uploads_per_hour`` in any hour); counts the upload.
    Past the cap: one message saying in how many minutes the next upload is accepted."""
    config = config or settings()
    now = time.time()
    recent = [moment for moment in st.session_state.get(_UPLOADS, []) if now - moment < HOUR_S]
    if len(recent) >= config.uploads_per_hour:
        st.session_state[_UPLOADS] = recent
        minutes = max(1, int((recent[0] + HOUR_S - now) // 60) + 1)
        st.error(t("class_upload_cap", lang, count=config.uploads_per_hour, minutes=minutes))
        return False
    st.session_state[_UPLOADS] = [*recent, now]
    return True


# --- the teacher -------------------------------------------------------------------


def teacher_access(db: Store, lang: str) -> bool:
    """Draw the teacher's password field unless unlocked; whether this session may moderate."""
    if st.session_state.get(_TEACHER):
        return True
    config = _settings_or_say(lang)
    if config is None:
        return False
    if config.teacher_password is None:
        if config.code is None and not db.class_code_required():
            return True  # a local install: its one user moderates
        st.info(t("class_no_teacher", lang))
        return False
    typed = _secret_form("class_teacher_form", t("class_teacher_password", lang), t("class_teacher_unlock", lang),
                         lang)
    if typed is None:
        return False
    if not same_code(typed, config.teacher_password):
        _wrong(lang, "class_wrong_password")
        return False
    st.session_state[_TEACHER] = True
    _accepted("class_teacher_form")


def additions_table(additions: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The moderation list for people: whether hidden (by whom), when, who and how, what kind of
    number, on what, what. Hidden comes second, what the teacher acts on; two facts share a
    column where that keeps the table within a 1280-pixel window (``ADDITION_WIDTHS``)."""
    hidden = additions["hidden_at"].notna()
    how = additions["source"].map(lambda source: t(f"class_src_{source}", lang) if f"class_src_{source}" in TEXT
                                  else source)
    return pd.DataFrame({
        t("class_col_id", lang): additions["id"],
        t("class_col_hidden", lang): [t("class_hidden_by", lang, who=who or "?") if gone else ""
                                      for gone, who in zip(hidden, additions["hidden_by"], strict=True)],
        t("class_col_added_at", lang): additions["added_at"].dt.strftime("%m-%d %H:%M").fillna("?"),
        t("class_col_who_how", lang): [f"{_who(who)} · {way}" for who, way in zip(additions["added_by"], how,
                                                                                  strict=True)],
        t("class_col_provenance", lang): additions["provenance"].map(lambda kind: t(f"prov_{kind}", lang)),
        t("class_col_machine_device", lang): [f"{machine} · {device}" for machine, device
                                              in zip(additions["machine"], additions["device_name"], strict=True)],
        t("class_col_what", lang): [_what(row, lang) for row in additions.to_dict("records")],
    })


# Column widths (px) of the moderation table: 812 in all, the main area's width in a 1280-pixel
# window with the sidebar open. Longer texts end in "…" and read whole on hover.
ADDITION_WIDTHS = {"class_col_id": 50, "class_col_hidden": 90, "class_col_added_at": 95, "class_col_who_how": 150,
                   "class_col_provenance": 105, "class_col_machine_device": 150, "class_col_what": 172}


def _who(nickname: object) -> str:
    return nickname if isinstance(nickname, str) else "?"  # stored before nicknames were recorded


def _what(row: dict[str, Any], lang: str) -> str:
    """What a result measured, in ``lang`` (``tables.workload_text`` from its params)."""
    params = row.get("params_json") if isinstance(row.get("params_json"), dict) else {}
    return workload_text({**row, **{f"param_{key}": value for key, value in params.items()}}, lang)


def moderation(db: Store, lang: str) -> None:
    """The teacher's view: recent additions, and hide or restore results or a nickname's all."""
    st.subheader(t("class_moderation", lang))
    if not teacher_access(db, lang):
        return
    if _MODERATED in st.session_state:  # what the last hide or restore did, before the rerun
        st.success(st.session_state.pop(_MODERATED))
    who = st.session_state.get(_NICKNAME) or TEACHER
    try:
        who = check_nickname(who) or TEACHER
    except AccessError:
        who = TEACHER
    additions = db.additions(limit=500)
    if additions.empty:
        st.info(t("class_no_additions", lang))
        return
    # The long columns ellipsize (the full text is in the cell's tooltip) so the table fits 1280 px.
    widths = {t(key, lang): st.column_config.Column(width=px) for key, px in ADDITION_WIDTHS.items()}
    st.dataframe(additions_table(additions, lang), hide_index=True, height=300, column_config=widths)
    by_nickname, by_result = st.columns(2)
    names = db.nicknames()
    nickname = by_nickname.selectbox(t("class_pick_nickname", lang), names, index=None, key="class_mod_nickname",
                                     placeholder=t("class_pick_placeholder", lang))
    left, right = by_nickname.columns(2)
    if left.button(t("class_hide_nickname", lang), disabled=nickname is None):
        _done(t("class_hidden_count", lang, count=db.hide(added_by=nickname, by=who)))
    if right.button(t("class_restore_nickname", lang), disabled=nickname is None):
        _done(t("class_restored_count", lang, count=db.restore(added_by=nickname)))
    labels = {int(row["id"]): f"#{row['id']} · {_who(row['added_by'])} · {row['machine']} · {_what(row, lang)}"
              + (f" ({t('class_hidden', lang)})" if pd.notna(row["hidden_at"]) else "")
              for row in additions.to_dict("records")}
    picked = by_result.multiselect(t("class_pick_results", lang), list(labels), format_func=labels.get,
                                   key="class_mod_results", placeholder=t("class_pick_placeholder", lang))
    left, right = by_result.columns(2)
    if left.button(t("class_hide_results", lang), disabled=not picked):
        _done(t("class_hidden_count", lang, count=db.hide(picked, by=who)))
    if right.button(t("class_restore_results", lang), disabled=not picked):
        _done(t("class_restored_count", lang, count=db.restore(picked)))


def _done(message: str) -> None:
    """Rerun the page, so the leaderboard above leaves out (or shows again) what was moderated."""
    st.session_state[_MODERATED] = message
    st.rerun()
