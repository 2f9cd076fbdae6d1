"""Text repair: lone surrogates, non-characters and UTF-8 mis-read as windows-1252.

Used on every string a reader yields (via `corpus.boilerplate.normalize_text` and the last
pass in `corpus.ingest`), so the store can always encode it and ``BÃ¼rgermeister`` is
stored as ``Bürgermeister`` where the repair is unambiguous.
"""

from __future__ import annotations

import re
import unicodedata

# Bytes 0x80-0xFF as windows-1252 reads them; its five undefined bytes stay Latin-1 (C1).
_CP1252_CHARS = "".join(
    bytes([code]).decode("cp1252", errors="ignore") or chr(code) for code in range(256)
)
_FROM_CP1252 = {ord(ch): code for code, ch in enumerate(_CP1252_CHARS) if ord(ch) != code}

# A UTF-8 character read as windows-1252: a lead byte's character, then one to three of the
# characters windows-1252 shows for continuation bytes ("Ã¼" for "ü", "â€”" for "—").
_CONTINUATION = "[" + re.escape(_CP1252_CHARS[0x80:0xC0]) + "]"
_MOJIBAKE = re.compile(
    f"[\u00c2-\u00df]{_CONTINUATION}|[\u00e0-\u00ef]{_CONTINUATION}{{2}}"
    f"|[\u00f0-\u00f4]{_CONTINUATION}{{3}}"
)
_MOJIBAKE_HINT = re.compile(f"[\u00c2-\u00f4]{_CONTINUATION}")  # cheap test before _MOJIBAKE
_MAX_REPAIR_ROUNDS = 3
# What a repaired character may be: not a control, unassigned, private-use or combining
# character, nor one from the blocks a legitimate "É”" or "ß“" would turn into (IPA and
# Latin Extended-B except Romanian ș ț; Syriac, Thaana, NKo, Samaritan ...).
_IMPLAUSIBLE_CATEGORIES = frozenset({"Cc", "Cn", "Co", "Cs", "Mn", "Me"})
_IMPLAUSIBLE_RANGES = ((0x0180, 0x0217), (0x021C, 0x02AF), (0x0700, 0x08FF))
_NONCHARACTER = re.compile("[\ufdd0-\ufdef\ufffe\uffff]")
_ASTRAL_NONCHARACTER_RANGE = re.compile("[\U0001fffe-\U0010ffff]")  # then checked one by one


def sanitize_unicode(text: str) -> str:
    r"""Return ``text`` with lone surrogates and non-characters replaced by U+FFFD.

    A surrogate pair written as two escapes (JSON ``"\ud83d\ude00"``) becomes the one
    character it encodes. The result can always be encoded as UTF-8.
    """
    if text.isascii():
        return text
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        text = text.encode("utf-16-le", "surrogatepass").decode("utf-16-le", "replace")
    if _NONCHARACTER.search(text):
        text = _NONCHARACTER.sub("\ufffd", text)
    if _ASTRAL_NONCHARACTER_RANGE.search(text):
        text = "".join("\ufffd" if _is_astral_noncharacter(ch) else ch for ch in text)
    return text


def _is_astral_noncharacter(ch: str) -> bool:
    """Return whether ``ch`` is U+1FFFE, U+1FFFF, U+2FFFE ... U+10FFFF."""
    return ord(ch) > 0xFFFF and ord(ch) & 0xFFFE == 0xFFFE


def repair_mojibake(text: str) -> str:
    """Undo UTF-8 text that was decoded as windows-1252 or Latin-1 (``BÃ¼rgermeister``).

    Each line is repaired only when unambiguous: it contains such a sequence, the whole line
    maps back to bytes that are valid UTF-8, and every character that gives is plausible
    text. A line mixing real accents with mojibake is left alone. Doubly repeated damage is
    undone up to three times.
    """
    if text.isascii() or not _MOJIBAKE_HINT.search(text) or not _MOJIBAKE.search(text):
        return text
    return "\n".join(_repair_line(line) for line in text.split("\n"))


def _repair_line(line: str) -> str:
    """Repair one line (see `repair_mojibake`)."""
    for _ in range(_MAX_REPAIR_ROUNDS):
        if not _MOJIBAKE.search(line):
            break
        raw = to_cp1252_bytes(line)
        if raw is None:
            break
        try:
            fixed = raw.decode("utf-8")
        except UnicodeDecodeError:
            break
        if not all(_plausible(ch) for ch in fixed if ord(ch) > 0x7F):
            break
        line = fixed
    return line


def _plausible(ch: str) -> bool:
    """Return whether a repaired character is one real text would contain."""
    code = ord(ch)
    if unicodedata.category(ch) in _IMPLAUSIBLE_CATEGORIES:
        return False
    return not any(low <= code <= high for low, high in _IMPLAUSIBLE_RANGES)


def to_cp1252_bytes(text: str) -> bytes | None:
    """Return the bytes whose windows-1252 reading is ``text``, or ``None`` if there are none."""
    try:
        return text.translate(_FROM_CP1252).encode("latin-1")
    except UnicodeEncodeError:
        return None
