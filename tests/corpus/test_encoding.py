"""Decoding order: BOM, HTTP charset, declared charset, UTF-8, legacy fallback."""

from __future__ import annotations

import pytest

from corpus.readers.encoding import declared_charset, decode_bytes

TEXT = "Der Bürgermeister eröffnete die Brücke über die Öste."


@pytest.mark.parametrize(
    ("data", "content_type"),
    [
        (b"\xef\xbb\xbf" + TEXT.encode("utf-8"), None),
        ("\ufeff".encode("utf-16-le") + TEXT.encode("utf-16-le"), None),
        (TEXT.encode("iso-8859-1"), "text/html; charset=ISO-8859-1"),
        (f"<meta charset='windows-1252'>{TEXT}".encode("cp1252"), "text/html"),
        (f"<?xml version='1.0' encoding='iso-8859-1'?><x>{TEXT}</x>".encode("latin-1"), None),
        (TEXT.encode("utf-8"), None),
        (TEXT.encode("cp1252"), None),
    ],
)
def test_decodes_without_mojibake(data: bytes, content_type: str | None) -> None:
    text = decode_bytes(data, content_type)
    assert "Bürgermeister" in text
    assert "Ã" not in text
    assert "\ufffd" not in text
    assert not text.startswith("\ufeff")


def test_bom_wins_over_declared_charset() -> None:
    data = b"\xef\xbb\xbf<meta charset='iso-8859-1'>" + TEXT.encode("utf-8")
    assert TEXT in decode_bytes(data, "text/html; charset=iso-8859-1")


def test_wrong_declared_charset_that_fails_strictly_falls_through() -> None:
    assert decode_bytes(TEXT.encode("cp1252"), "text/html; charset=utf-8") == TEXT


def test_cp1252_punctuation_and_undefined_bytes() -> None:
    text = "\u201cquoted\u201d \u2013 \u00a35"
    assert decode_bytes(text.encode("cp1252")) == text
    assert "\ufffd" not in decode_bytes(b"caf\xe9 \x81\x8d")


def test_cyrillic_legacy_bytes_use_a_detector() -> None:
    text = "Президент заявил, что новый мост откроется в понедельник утром."
    assert decode_bytes(text.encode("cp1251")) == text


def test_declared_charset_sources() -> None:
    assert declared_charset(b"", "text/html; charset=\"UTF-8\"") == "utf-8"
    assert declared_charset(b"<meta charset=latin-1>") == "cp1252"
    assert declared_charset(b"<meta charset=utf-16>") is None
    assert declared_charset(b"<meta charset=bogus-label>") is None
