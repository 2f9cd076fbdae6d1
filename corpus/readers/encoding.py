"""Bytes -> text: BOM, declared charset, UTF-8, then a guessed legacy charset; never U+FFFD.

Also decides whether bytes are text at all (`looks_binary`): executables, images, archives
and random bytes are refused before any reader sees them.
"""

from __future__ import annotations

import codecs
import functools
import re
import unicodedata
import warnings

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
# The head of a page is searched for a declaration: up to </head> (or <body>), at most 64 KiB.
_SNIFF_BYTES = 64 * 1024
_HEAD_END = re.compile(rb"</head\s*>|<body[\s>]", re.I)
# WHATWG: these labels mean windows-1252, which only adds printable characters.
_AS_CP1252 = frozenset({"latin-1", "iso8859-1", "ascii", "cp1252"})
_UNICODE = frozenset({"utf-8", "utf-8-sig"})
# Codecs that exist in Python but are not character sets a document can be written in.
_NOT_CHARSETS = frozenset({"idna", "punycode", "unicode-escape", "raw-unicode-escape",
                           "undefined", "mbcs", "oem"})
# A declaration is read from ASCII bytes, so it must name an ASCII-compatible charset: one that
# reads this probe unchanged (rules out UTF-7, HZ, EBCDIC and BOM-less UTF-16/32).
_PROBE = bytes(range(0x20, 0x7F)).replace(b"\\", b"") + b"\t\n\r +AGEA- ~{ ~}"
# Bytes 0x80-0x9F as windows-1252 reads them; the five it leaves undefined stay Latin-1.
_C1_AS_CP1252 = {
    code: bytes([code]).decode("cp1252", errors="ignore") or chr(code) for code in range(0x80, 0xA0)
}
# Invalid bytes tolerated inside otherwise valid UTF-8 (read as windows-1252 one by one).
_MAX_STRAY_BYTES = 64
# What a lone windows-1252 byte in UTF-8 text plausibly was: typographic punctuation,
# currency and common symbols, and letters other than these rare ones.
_PLAUSIBLE_SYMBOLS = frozenset("\u2018\u2019\u201a\u201c\u201d\u201e\u2013\u2014\u2026\u2022"
                               "\u20ac\u00a3\u00a5\u00a2\u00a9\u00ae\u2122\u00b0\u00a7\u00b6"
                               "\u00ab\u00bb\u00b7\u00bd\u00bc\u00be\u00b1\u00a0\u00bf\u00a1"
                               "\u00d7\u00b2\u00b3\u00b4")
_RARE_LETTERS = frozenset("\u00ff\u00fe\u00de\u00f0\u00d0\u0178\u00aa\u00ba\u00b5")
_GUESS_BYTES = 256 * 1024
_SCORE_CHARS = 20_000

# --- binary detection ---------------------------------------------------------------------
# Magic numbers: ELF, PNG, JPEG, PDF, ZIP (also docx, epub), GIF, TIFF, Matroska, 7z, RAR,
# xz, zstd, gzip, Java class / Mach-O, wasm, SQLite, OLE2 (doc, xls), TrueType, PostScript.
_MAGIC = (
    b"\x7fELF", b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff", b"%PDF-", b"PK\x03\x04", b"PK\x05\x06",
    b"GIF87a", b"GIF89a", b"II*\x00", b"MM\x00*", b"\x1a\x45\xdf\xa3", b"7z\xbc\xaf\x27\x1c",
    b"Rar!\x1a\x07", b"\xfd7zXZ\x00", b"\x28\xb5\x2f\xfd", b"\x1f\x8b", b"\xca\xfe\xba\xbe",
    b"\xfe\xed\xfa\xce", b"\xfe\xed\xfa\xcf", b"\xce\xfa\xed\xfe", b"\xcf\xfa\xed\xfe", b"\x00asm",
    b"SQLite format 3\x00", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", b"\x00\x01\x00\x00\x00",
    b"%!PS-Adobe",
)
# Short magic numbers that a text could also start with ("BMW ...", "MZ Airlines ..."):
# binary only when the first bytes are not clean text as well.
_WEAK_MAGIC = (b"BM", b"MZ", b"RIFF", b"OggS", b"fLaC", b"ID3", b"BZh", b"wOFF", b"wOF2")
_MAGIC_AT_4 = (b"ftyp", b"moov", b"mdat")
_SAMPLE_BYTES = 64 * 1024
# C0 controls that never occur in text (tab, newlines, form feed and ESC, used by ISO-2022, do).
_CONTROL_BYTES = bytes([*range(0x00, 0x09), 0x0B, *range(0x0E, 0x1B), *range(0x1C, 0x20), 0x7F])
_MAX_CONTROL_SHARE = 0.01
_MAX_IMPLAUSIBLE = 0.3


def _codec(label: str | None) -> str | None:
    """Return the Python codec for a charset label, or ``None`` if it names no usable charset."""
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().lower()).name
    except LookupError:
        return None
    name = "cp1252" if name in _AS_CP1252 else name
    return name if _is_text_charset(name) else None


@functools.lru_cache(maxsize=128)
def _is_text_charset(name: str) -> bool:
    """Return whether codec ``name`` is an ASCII-compatible character set for documents."""
    if name in _NOT_CHARSETS or not getattr(codecs.lookup(name), "_is_text_encoding", True):
        return False
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return _PROBE.decode(name) == _PROBE.decode("ascii")
    except (UnicodeError, LookupError, TypeError, ValueError):
        return False


def declared_charset(data: bytes, content_type: str | None = None) -> str | None:
    """Return the codec named by the HTTP ``content_type``, else by a meta tag or XML prolog.

    The page head (up to ``</head>`` or ``<body>``, at most 64 KiB) is searched for
    ``<meta charset>``, ``<meta http-equiv="Content-Type" content="...; charset=...">`` or
    ``<?xml ... encoding="..."?>``. Unknown labels, codecs that are not ASCII-compatible
    character sets (``punycode``, ``idna``, UTF-7, BOM-less UTF-16/32, EBCDIC) are ignored.
    ``None`` when nothing usable is declared.
    """
    if content_type:
        match = _HTTP_CHARSET.search(content_type)
        codec = _codec(match.group(1)) if match else None
        if codec:
            return codec
    head = data[:_SNIFF_BYTES]
    end = _HEAD_END.search(head)
    if end:
        head = head[:end.start()]
    for pattern in (_XML_ENCODING, _META_CHARSET):
        found = pattern.search(head)
        codec = _codec(found.group(1).decode("ascii", "ignore")) if found else None
        if codec:
            return codec
    return None


def decode_bytes(data: bytes, content_type: str | None = None) -> str:
    """Decode ``data`` as text, choosing the encoding in a fixed order.

    1. A byte-order mark.
    2. The ``charset`` of ``content_type`` (an HTTP ``Content-Type``), else a ``<meta>``
       charset or XML ``encoding`` declaration, but not when the bytes are valid UTF-8 with
       non-ASCII characters: UTF-8 is then what they are (a page saved as UTF-8 whose
       template still says ``iso-8859-1`` would otherwise read ``BÃ¼rgermeister``), also
       when a few stray bytes break it (see 4). A declared charset that fails to decode
       strictly is skipped.
    3. ISO-2022-JP/KR when 7-bit data holds their escape sequences; BOM-less UTF-16 when
       every other byte is NUL (Latin text).
    4. UTF-8, also when a few stray bytes (a truncated last character, one pasted
       windows-1252 character) break it. A stray byte is read as windows-1252 when that
       gives a plausible character: a letter (byte E9 in "Café") or common
       punctuation, currency or symbols (curly quotes, € £ °); any other stray byte (a lone
       byte FF, which would read "ÿ") becomes U+FFFD.
    5. A legacy charset: windows-1252 (its five undefined bytes read as Latin-1) when that
       reading looks like Western text (a BBC page with one ``£``), else whichever of
       charset-normalizer's guesses reads most plausibly (Shift_JIS, cp1251, GBK ...).

    The result contains U+FFFD only for such an implausible stray byte or where ``data``
    itself encodes one; a BOM is removed.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                return data[len(bom):].decode(codec)
            except UnicodeDecodeError:
                break
    declared = declared_charset(data, content_type)
    if declared is not None and declared not in _UNICODE:
        mostly_utf8 = None if data.isascii() else _decode_mostly_utf8(data)
        if mostly_utf8 is not None:
            return mostly_utf8
        try:
            return data.decode(declared)
        except (UnicodeError, LookupError, ValueError, TypeError):
            pass
    if b"\x1b" in data and data.isascii():
        escaped = _decode_iso2022(data)
        if escaped is not None:
            return escaped
    utf16 = _bomless_utf16(data) if b"\x00" in data[:_SAMPLE_BYTES] else None
    if utf16 is not None:
        return utf16
    text = _decode_mostly_utf8(data)
    if text is not None:
        return text
    return _decode_legacy(data)


def looks_binary(data: bytes) -> bool:
    """Return whether ``data`` is not text: a known binary format, NUL or control bytes.

    Signs: a magic number (ELF, PNG, JPEG, PDF, ZIP, gzip, Mach-O, PE, SQLite ...); NUL
    bytes, unless the data is UTF-16 text; more than 1 % control characters; or bytes that
    are not UTF-8 and read as nonsense in windows-1252 and in every legacy charset
    charset-normalizer proposes (mixed scripts inside words, symbols between letters).
    """
    if not data:
        return False
    for bom, codec in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom):len(bom) + _SAMPLE_BYTES].decode(codec, "ignore")
            except UnicodeError:
                return True
            return _control_share(text.encode("utf-8", "ignore")) > _MAX_CONTROL_SHARE
    sample = data[:_SAMPLE_BYTES]
    if sample.startswith(_MAGIC):
        return True
    if sample.startswith(_WEAK_MAGIC) or sample[4:8] in _MAGIC_AT_4:
        return not _starts_like_text(sample)
    if b"\x00" in sample:
        return _bomless_utf16(sample) is None
    if _control_share(sample) > _MAX_CONTROL_SHARE:
        return True
    if sample.isascii() or _decode_mostly_utf8(sample) is not None:
        return False
    return _implausibility(_decode_legacy(sample)) > _MAX_IMPLAUSIBLE


def _starts_like_text(sample: bytes) -> bool:
    """Return whether data that starts with a short magic number (``BM``, ``MZ``) is text."""
    head = sample[:512]
    return b"\x00" not in head and _control_share(head) == 0 and (
        head.isascii() or _decode_mostly_utf8(head) is not None
    )


def _control_share(data: bytes) -> float:
    """Return the share of bytes in ``data`` that are control characters text never holds."""
    if not data:
        return 0.0
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    return controls / len(data) if controls >= 2 else 0.0


def _is_utf8(data: bytes) -> bool:
    """Return whether ``data`` is strictly valid UTF-8."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _decode_mostly_utf8(data: bytes) -> str | None:
    """Decode UTF-8 in which a few invalid bytes are read as windows-1252, else ``None``.

    A character cut off at the very end (a truncated download) is dropped. Accepted when
    there are at most ``_MAX_STRAY_BYTES`` invalid bytes and, if there are any (or a cut
    character), at least as many valid multi-byte characters, and at least one: a
    windows-1252 file, which has none, is not read as UTF-8.
    """
    parts: list[str] = []
    position = stray = 0
    truncated = False
    view = memoryview(data)
    while True:
        try:
            parts.append(codecs.utf_8_decode(view[position:], "strict", True)[0])
            break
        except UnicodeDecodeError as error:
            parts.append(codecs.utf_8_decode(view[position:position + error.start], "strict",
                                             True)[0])
            if position + error.end == len(data) and error.reason == "unexpected end of data":
                truncated = True
                break
            bad = data[position + error.start:position + error.end]
            parts.append(_stray_text(bad))
            stray += len(bad)
            position += error.end
            if stray > _MAX_STRAY_BYTES:
                return None
    text = "".join(parts)
    if stray or truncated:
        multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - stray
        if multibyte < max(stray, 1):
            return None
    return text


def _stray_text(bad: bytes) -> str:
    """Read stray bytes as windows-1252 where each gives a plausible character, else U+FFFD."""
    chars = bad.decode("latin-1").translate(_C1_AS_CP1252)
    return "".join(
        char if (char.isalpha() and char not in _RARE_LETTERS) or char in _PLAUSIBLE_SYMBOLS
        else "\ufffd"
        for char in chars
    )


def _decode_iso2022(data: bytes) -> str | None:
    """Decode 7-bit ISO-2022-JP/KR text (recognised by its escape sequences), else ``None``."""
    for marker, codec in ((b"\x1b$)C", "iso2022_kr"), (b"\x1b$B", "iso2022_jp_2"),
                          (b"\x1b$@", "iso2022_jp_2"), (b"\x1b$A", "iso2022_jp_2")):
        if marker in data:
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _bomless_utf16(data: bytes) -> str | None:
    """Return ``data`` decoded as UTF-16 when it looks like BOM-less UTF-16 text, else ``None``.

    The sign is Latin text: NUL in most bytes at odd positions (little-endian) or at even
    positions (big-endian) and in almost none of the others.
    """
    sample = data[:_SAMPLE_BYTES]
    if len(sample) < 4 or len(data) % 2:
        return None
    even, odd = sample[0::2], sample[1::2]
    for nuls, other, codec in ((odd, even, "utf-16-le"), (even, odd, "utf-16-be")):
        if nuls.count(0) > 0.6 * len(nuls) and other.count(0) < 0.05 * len(other):
            try:
                return data.decode(codec)
            except UnicodeDecodeError:
                return None
    return None


def _decode_legacy(data: bytes) -> str:
    """Decode non-UTF-8 bytes as windows-1252 or the most plausible of charset-normalizer's."""
    western = data.decode("latin-1").translate(_C1_AS_CP1252)
    if _implausibility(western) == 0:
        return western
    readings = [western]
    for match in from_bytes(data[:_GUESS_BYTES]):
        codec = match.encoding
        if not codec or codec.startswith(("utf_16", "utf_32")):
            continue
        try:
            readings.append(data.decode(codec))
        except (UnicodeError, LookupError):
            continue
    return min(readings, key=_implausibility)  # the first (windows-1252) wins a tie


_LETTERS = re.compile(r"[^\W\d_]+")
# A symbol between two letters ("og³osi³"); dashes, apostrophes and middle dots are normal.
_SANDWICHED = re.compile(
    r"(?<=[^\W\d_])[^\x00-\x7f\w\s\u2010-\u2014\u2019\u2026\u00b7](?=[^\W\d_])"
)
_EAST_ASIAN = frozenset({"CJK", "HIRAGANA", "KATAKANA", "HANGUL", "BOPOMOFO", "IDEOGRAPHIC",
                         "HALFWIDTH", "FULLWIDTH"})


def _implausibility(text: str) -> float:
    """Return the share of non-ASCII words and signs that no real text would contain.

    Counted: words mixing scripts (``ÌƒeƒLƒXƒg``), Latin words mostly of accented letters
    (Cyrillic read as windows-1252: ``Ìîñò``), symbols between two letters (``og³osi³``)
    and C1 control characters. 0 for ordinary text in the right charset.
    """
    sample = text[:_SCORE_CHARS]
    bad = seen = 0
    for match in _LETTERS.finditer(sample):
        word = match.group()
        if word.isascii():
            continue
        seen += 1
        scripts = {_script(ch) for ch in word}
        if len(scripts) > 1:
            bad += 1
        elif scripts == {"LATIN"}:
            accented = sum(1 for ch in word if not ch.isascii())
            bad += accented >= 3 and 2 * accented > len(word)
    sandwiched = len(_SANDWICHED.findall(sample))
    controls = sum(1 for ch in sample if "\x80" <= ch <= "\x9f")
    bad += sandwiched + controls
    seen += sandwiched + controls
    return bad / seen if seen else 0.0


def _script(ch: str) -> str:
    """Return a coarse script name for a letter (``LATIN``, ``CYRILLIC``, ``CJK`` ...)."""
    if ch.isascii():
        return "LATIN"
    first = unicodedata.name(ch, "UNKNOWN").split(" ", 1)[0]
    return "CJK" if first in _EAST_ASIAN else first
