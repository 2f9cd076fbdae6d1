"""HTML -> text keeps block structure: paragraphs, list items, line breaks, tables."""

from __future__ import annotations

from corpus.readers.markup import fragment_to_text, looks_like_html


def test_paragraphs_and_list_after_intro_line() -> None:
    html = ("<p>The council met on Monday.</p><p>It approved three projects:</p><ul>"
            "<li>A new library</li><li>Road repairs</li></ul><p>Work starts in May.</p>")
    assert fragment_to_text(html) == (
        "The council met on Monday.\n\nIt approved three projects:\nA new library\n"
        "Road repairs\n\nWork starts in May."
    )


def test_list_without_colon_intro_is_its_own_paragraph() -> None:
    html = "<p>Prices rose.</p><ul><li>Bread</li><li>Milk</li></ul>"
    assert fragment_to_text(html) == "Prices rose.\n\nBread\nMilk"


def test_line_breaks_inline_markup_and_nested_blocks() -> None:
    html = ("<div>Line one<br>line two<br><br>New <b>bold</b>paragraph</div>"
            "<div><div>Nested</div>tail text</div>")
    assert fragment_to_text(html) == (
        "Line one\nline two\n\nNew boldparagraph\n\nNested\n\ntail text")


def test_scripts_styles_and_forms_are_skipped() -> None:
    html = ("<p>Kept.</p><script>var x = 1;</script><style>p{}</style>"
            "<button>Click</button><p>Also kept.</p>")
    assert fragment_to_text(html) == "Kept.\n\nAlso kept."


def test_table_rows_are_lines() -> None:
    html = "<table><tr><th>Team</th><th>Points</th></tr><tr><td>Rovers</td><td>12</td></tr></table>"
    assert fragment_to_text(html) == "Team | Points\nRovers | 12"


def test_looks_like_html() -> None:
    assert looks_like_html("<p>Hello</p>")
    assert not looks_like_html("a < b and c > d")


def test_link_only_blocks_are_dropped_from_fragments() -> None:
    html = ("<p>The bridge reopened on Saturday.</p><p><a href='/s'>Subscribe now</a></p>"
            "<ul><li><a href='/a'>Mayor announces budget cuts</a></li></ul>"
            "<p><a href='/r'>Read more</a> »</p>")
    assert fragment_to_text(html) == "The bridge reopened on Saturday."


def test_links_inside_prose_and_linked_sentences_are_kept() -> None:
    html = ("<p>The <a href='/m'>mayor</a> spoke.</p>"
            "<p><a href='/r'>The full report is online here.</a></p>")
    assert fragment_to_text(html) == "The mayor spoke.\n\nThe full report is online here."
