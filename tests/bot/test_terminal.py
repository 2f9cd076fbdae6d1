import io

from rich.console import Console

from bot.terminal import answer_text, print_answer
from retrieval.types import Answer, Document, ScoredPassage, Sentence

DOCUMENT = Document(
    doc_id=1, title="Bridge reopens", source="Example Times", url="https://news.example/b",
    published="2026-04-04",
    sentences=(Sentence(0, 0, 0, 24, "The bridge reopened today."),),
)
HIT = ScoredPassage(rank=1, document=DOCUMENT, sentence_index=0, sentences=DOCUMENT.sentences,
                    score=2.5, matched_terms=("bridge",))
ANSWER = Answer("bridge?", ("bridg",), (HIT,))


def test_answer_text_bolds_matches_and_colours_the_source_line():
    text = answer_text(ANSWER)
    assert text.plain == ("The bridge reopened today.\n\n"
                          "— Bridge reopens · Example Times · 2026-04-04 · sentence 1 of 1\n"
                          "  https://news.example/b")
    styled = {(text.plain[span.start:span.end], str(span.style)) for span in text.spans}
    assert ("bridge", "bold") in styled
    assert ("— Bridge reopens · Example Times · 2026-04-04 · sentence 1 of 1", "cyan") in styled


def test_print_answer_on_a_terminal_uses_ansi_bold_not_asterisks():
    out = io.StringIO()
    print_answer(ANSWER, console=Console(file=out, force_terminal=True, color_system="standard",
                                         width=80))
    assert "\x1b[1mbridge\x1b[0m" in out.getvalue()
    assert "**" not in out.getvalue()


def test_abstention_is_one_line():
    assert answer_text(Answer("who?", (), (), reason="no_terms")).plain.startswith(
        "Please ask about a specific topic")
