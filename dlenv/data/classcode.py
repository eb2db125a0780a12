"""Who may write to a class's shared store: the class code's salted hash, and the nickname checks.

A teacher sets the class code in the app's secrets (``DLENV_CLASS_CODE`` or ``[class] code``).
The app records a salted hash of it in the database (``Store.set_class_code``), so that every
writer of that database, the app and ``python -m dlenv push`` alike, can check a code typed
by a student without the code itself being stored anywhere but the secrets.

The hash is scrypt (RFC 7914, section 2: N = 2^14, r = 8, p = 1, the parameters the RFC's own
test vector 3 uses; Python's ``hashlib.scrypt``), about 0.1 s on this 2-vCPU machine, with a
random 16-byte salt: ``scrypt$<N>$<r>$<p>$<salt, base64>$<key, base64>``. Comparisons run in
constant time (``hmac.compare_digest``) on UTF-8 bytes, so a code in Korean works too.

Nothing here prints, logs or puts the code in an exception message.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import unicodedata

MAX_NICKNAME = 40   # characters: a name a class recognises, short enough for a table column
MAX_CODE = 200      # characters: longer input is refused before any hashing
_SCRYPT = {"n": 2**14, "r": 8, "p": 1}
_KEY_BYTES = 32


class AccessError(ValueError):
    """A write was refused: no class code, a wrong one, or an unusable nickname. The message
    never contains the code."""


def _printable(text: str) -> bool:
    """No control, format, surrogate, private-use or unassigned characters (Unicode category
    C*): a newline, a NUL or a right-to-left override cannot reach a table or a log line."""
    return not any(unicodedata.category(ch).startswith("C") for ch in text)


def check_nickname(nickname: object, *, required: bool = False) -> str | None:
    """``nickname`` trimmed, or None when empty and not ``required``.

    Raises AccessError for a non-text value, more than ``MAX_NICKNAME`` characters, or a
    control character (tabs and newlines included); the message names the rule, not the value.
    """
    if nickname is None or (isinstance(nickname, str) and not nickname.strip()):
        if required:
            raise AccessError("a nickname is needed: type the name your class knows you by")
        return None
    if not isinstance(nickname, str):
        raise AccessError("a nickname must be text")
    text = unicodedata.normalize("NFC", nickname.strip())
    if len(text) > MAX_NICKNAME:
        raise AccessError(f"a nickname has at most {MAX_NICKNAME} characters, this one has {len(text)}")
    if not _printable(text):
        raise AccessError("a nickname cannot hold control characters (new lines, tabs, invisible marks)")
    return text


def _code_bytes(code: object) -> bytes | None:
    """The code as NFC-normalised UTF-8, or None for something that cannot be a code."""
    if not isinstance(code, str):
        return None
    text = unicodedata.normalize("NFC", code.strip())
    if not text or len(text) > MAX_CODE or not _printable(text):
        return None
    return text.encode("utf-8")


def usable_code(code: object) -> bool:
    """Whether ``code`` can be a class code: 1 to ``MAX_CODE`` characters, no control characters."""
    return _code_bytes(code) is not None


def same_code(typed: object, configured: str) -> bool:
    """``typed`` equals the ``configured`` code (both trimmed, NFC), compared in constant time."""
    typed_bytes, wanted = _code_bytes(typed), _code_bytes(configured)
    if typed_bytes is None or wanted is None:
        return False
    return hmac.compare_digest(typed_bytes, wanted)


def hash_code(code: str) -> str:
    """A salted scrypt hash of ``code`` for the database; ValueError if the code is unusable."""
    data = _code_bytes(code)
    if data is None:
        raise ValueError(f"a class code must be 1 to {MAX_CODE} characters without control characters")
    salt = os.urandom(16)
    key = hashlib.scrypt(data, salt=salt, dklen=_KEY_BYTES, **_SCRYPT)
    encode = base64.b64encode
    return "$".join(["scrypt", str(_SCRYPT["n"]), str(_SCRYPT["r"]), str(_SCRYPT["p"]),
                     encode(salt).decode(), encode(key).decode()])


def matches_hash(code: object, stored: str) -> bool:
    """``code`` is the one ``stored`` (from ``hash_code``) was made from; False for anything
    unreadable, never an exception that could carry the code."""
    data = _code_bytes(code)
    try:
        kind, n, r, p, salt, key = stored.split("$")
        if kind != "scrypt" or data is None:
            return False
        expected = base64.b64decode(key, validate=True)
        found = hashlib.scrypt(data, salt=base64.b64decode(salt, validate=True), n=int(n), r=int(r), p=int(p),
                               dklen=len(expected), maxmem=128 * 2**20)
    except (ValueError, TypeError, AttributeError, MemoryError):
        return False
    return hmac.compare_digest(found, expected)
