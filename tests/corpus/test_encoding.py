"""Decoding order: BOM, HTTP charset, declared charset, UTF-8, legacy fallback."""

from __future__ import annotations

import pytest

from corpus.ingest import read_article_bytes
from corpus.models import Article
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


# --- mojibake: UTF-8 bytes under a Latin declaration, legacy guesses, late declarations ------

PAGE = ("<html><head>{meta}<title>Bürgermeister eröffnet Brücke</title></head><body><article>"
        "<p>Der Bürgermeister eröffnete am Montag die neue Brücke über die Öste.</p></article>"
        "</body></html>")


@pytest.mark.parametrize("label", ["iso-8859-1", "windows-1252", "latin-1", "latin1", "ascii",
                                   "iso-8859-15", "windows-1250", "cp1251", "shift_jis"])
def test_utf8_bytes_beat_a_declared_legacy_meta_charset(label: str) -> None:
    data = PAGE.format(meta=f"<meta charset='{label}'>").encode("utf-8")
    text = decode_bytes(data)
    assert "Der Bürgermeister eröffnete am Montag die neue Brücke über die Öste." in text
    assert "Ã" not in text


@pytest.mark.parametrize("label", ["ISO-8859-1", "windows-1252", "latin1"])
def test_utf8_bytes_beat_a_declared_legacy_http_charset(label: str) -> None:
    data = PAGE.format(meta="").encode("utf-8")
    text = decode_bytes(data, f"text/html; charset={label}")
    assert "Bürgermeister eröffnet Brücke" in text


def test_declared_latin_charset_still_decodes_latin_bytes() -> None:
    data = PAGE.format(meta="<meta charset='iso-8859-1'>").encode("iso-8859-1")
    assert "Bürgermeister eröffnet Brücke" in decode_bytes(data)


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("<html><head><title>ニュース</title></head><body><article><h1>東京で会議</h1><p>日本語の"
         "テキストです。東京で会議が開かれました。市長は新しい橋の建設を発表しました。</p></article>"
         "</body></html>", "shift_jis"),
        ("<html><head><title>Новости</title></head><body><article><p>Президент заявил, что "
         "новый мост откроется в понедельник утром.</p></article></body></html>", "cp1251"),
        ("Мост открыт.", "cp1251"),
        ("<p>市长宣布新桥将于周一开放。</p>", "gbk"),
        ("<p>시장은 새 다리가 월요일에 개통된다고 발표했습니다.</p>", "euc-kr"),
        ("<p>Ο πρωθυπουργός ανακοίνωσε νέα μέτρα για την οικονομία.</p>", "cp1253"),
        ("Prezydent ogłosił, że nowy most zostanie otwarty w poniedziałek rano.", "cp1250"),
        ("見出し\n\n東京で会議が開かれました。", "iso2022_jp"),
    ],
)
def test_undeclared_legacy_bytes_use_the_most_plausible_guess(text: str, codec: str) -> None:
    assert decode_bytes(text.encode(codec)) == text


@pytest.mark.parametrize(
    "text",
    [
        "<html><body><article><p>" + "The price of fuel rose again this week. " * 20
        + "It now costs £1.50 a litre.</p></article></body></html>",
        "L'été dernier, le maire a annoncé la création d'un théâtre près de la gare.",
        "A população da região não aceitou a decisão do governo.",
        "El niño comió.",
        "\u201cWe are ready,\u201d she said \u2013 and left.",
        "Le café",
    ],
)
def test_undeclared_western_bytes_stay_windows_1252(text: str) -> None:
    assert decode_bytes(text.encode("cp1252")) == text


def test_meta_charset_after_8_kib_of_head_is_found() -> None:
    head = "<script>var a = 1;</script>" * 600
    assert len(head) > 8192
    page = (f"<html><head>{head}<meta charset='windows-1251'></head><body><p>Президент заявил, "
            "что мост откроется.</p></body></html>")
    data = page.encode("cp1251")
    assert declared_charset(data) == "cp1251"
    assert "Президент заявил" in decode_bytes(data)


def test_meta_charset_in_the_body_is_not_a_declaration() -> None:
    data = b"<html><head></head><body><p>x</p><meta charset='koi8-r'></body></html>"
    assert declared_charset(data) is None


def test_utf8_with_a_few_stray_legacy_bytes_stays_utf8() -> None:
    data = "Der Bürgermeister eröffnete die Brücke über die Öste.".encode() + b" Caf\xe9."
    assert decode_bytes(data) == "Der Bürgermeister eröffnete die Brücke über die Öste. Café."


def test_character_cut_off_at_the_end_of_utf8_is_dropped() -> None:
    data = "Die Brücke über die Öste. Über".encode()[:-4]
    assert decode_bytes(data) == "Die Brücke über die Öste. "


def test_bomless_utf16_text_is_decoded() -> None:
    assert decode_bytes("The bridge reopened.".encode("utf-16-le")) == "The bridge reopened."
    assert decode_bytes("The bridge reopened.".encode("utf-16-be")) == "The bridge reopened."


def test_double_encoded_utf8_file_is_repaired_on_ingest() -> None:
    data = "Titel BrÃ¼cke\n\nDer BÃ¼rgermeister erÃ¶ffnete die BrÃ¼cke.".encode()
    [article] = list(read_article_bytes(data, filename="a.txt"))
    assert isinstance(article, Article)
    assert (article.title, article.body) == ("Titel Brücke",
                                             "Der Bürgermeister eröffnete die Brücke.")


# Case HTML-03 (../shared/cases/cases.jsonl)
def test_html_03_utf8_page_declaring_latin_1_has_no_mojibake() -> None:
    data = PAGE.format(meta="<meta http-equiv='Content-Type' "
                            "content='text/html; charset=iso-8859-1'>").encode()
    [article] = list(read_article_bytes(data, filename="p.html", content_type="text/html"))
    assert isinstance(article, Article)
    assert article.title == "Bürgermeister eröffnet Brücke"
    assert article.body == "Der Bürgermeister eröffnete am Montag die neue Brücke über die Öste."
