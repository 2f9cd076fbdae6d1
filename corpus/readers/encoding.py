"""Bytes -> text: BOM, declared charset, UTF-8, then a legacy fallback; never U+FFFD."""

from __future__ import annotations

import codecs
import re

from charset_normalizer import from_bytes

_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)
_HTTP_CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([\w.:-]+)""", re.I
)
_XML_ENCODING = re.compile(rb"""^\s*<\?xml[^>]+encoding\s*=\s*["']([\w.:-]+)["']""", re.I)
_SNIFF_BYTES = 8192
# WHATWG: these labels mean windows-1252, which only adds printable characters.
_AS_CP1252 = frozenset({"latin-1", "iso8859-1", "ascii", "cp1252"})
# A page that declares UTF-16/32 in a meta tag but has no BOM is ASCII-compatible (WHATWG).
# Bytes 0x80-0x9F as windows-1252 reads them; the five it leaves undefined stay Latin-1.
_C1_AS_CP1252 = {
    code: bytes([code]).decode("cp1252", errors="ignore") or chr(code) for code in range(0x80, 0xA0)
}
# Share of non-ASCII characters among letters above which a cp1252 reading is probably wrong
# (Cyrillic, Greek, ... in a legacy code page), so charset-normalizer is asked instead.
_NON_LATIN_SHARE = 0.3
_MIN_LETTERS = 20
_IGNORED_DECLARATIONS = frozenset({"utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le",
                                   "utf-32-be"})


def _codec(label: str | None) -> str | None:
    """Return the Python codec name for a charset label, or ``None`` if unknown."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    return "cp1252" if name in _AS_CP1252 else name


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """Return the codec named by the HTTP ``content_type``, else by a meta tag or XML prolog.

    Only the first 8 KiB of ``data`` are searched for ``<meta charset>``,
    ``<meta http-equiv="Content-Type" content="...; charset=...">`` or
    ``<?xml ... encoding="..."?>``. Unknown labels and BOM-less UTF-16/32 declarations are
    ignored. ``None`` when nothing usable is declared.
    """
    if content_type:
        match = _HTTP_CHARSET.search(content_type)
        codec = _codec(match.group(1)) if match else None
        if codec and codec not in _IGNORED_DECLARATIONS:
            return codec
    head = data[:_SNIFF_BYTES]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(head)
        codec = _codec(found.group(1).decode("ascii", "ignore")) if found else None
        if codec and codec not in _IGNORED_DECLARATIONS:
            return codec
    return None


def decode_bytes(data: bytes, content_type: str | None = None) -> str:
    """Decode ``data`` as text, choosing the encoding in a fixed order.

    The order is: byte-order mark; the ``charset`` parameter of ``content_type`` (an HTTP
    ``Content-Type`` value); a ``<meta>`` charset or XML ``encoding`` declaration; strict
    UTF-8; then windows-1252 (its five undefined bytes read as Latin-1), unless that reading
    is mostly non-ASCII letters, when charset-normalizer's guess is used instead (it guesses
    poorly on short Western text, so it is not asked first). A declared charset that fails
    to decode strictly is skipped. The
    result never contains U+FFFD unless ``data`` itself encodes one; a BOM is removed.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                break
    for candidate in (declared_charset(data, content_type), "utf-8"):
        if candidate is None:
            continue
        try:
            return data.decode(candidate)
        except (UnicodeDecodeError, LookupError):
            continue
    legacy = data.decode("latin-1").translate(_C1_AS_CP1252)
    if _looks_non_latin(legacy):
        best = from_bytes(data).best()
        if best is not None and best.encoding:
            try:
                return data.decode(best.encoding)
            except (UnicodeDecodeError, LookupError):
                pass
    return legacy


def _looks_non_latin(text: str) -> bool:
    """Return whether a windows-1252 reading is mostly accented letters (another script)."""
    letters = [ch for ch in text if ch.isalpha()]
    accented = sum(1 for ch in letters if ord(ch) > 0x7F)
    return len(letters) >= _MIN_LETTERS and accented / len(letters) > _NON_LATIN_SHARE
