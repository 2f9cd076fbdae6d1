"""Answers at a terminal: real bold, a coloured source line, wrapped at words (rich).

When output is piped the plain-text layout (``**bold**``) is printed instead.
"""

from __future__ import annotations

from rich.console import Console
from rich.text import Text

from bot.formatting import abstain_message, attribution_parts, position_label, render_plain
from retrieval.answer import match_spans
from retrieval.types import Answer, ScoredPassage

SOURCE_STYLE = "cyan"
LINK_STYLE = "blue"


def stdout_console() -> Console:
    """A rich console on standard output (colour follows the terminal, NO_COLOR, TERM)."""
    return Console(highlight=False, emoji=False, markup=False)


def _marked(text: Text, sentence: str, query_terms: tuple[str, ...]) -> None:
    cursor = 0
    for start, end in match_spans(sentence, query_terms):
        text.append(sentence[cursor:start])
        text.append(sentence[start:end], style="bold")
        cursor = end
    text.append(sentence[cursor:])


def _source_line(hit: ScoredPassage) -> str:
    return " · ".join([*attribution_parts(hit.document), position_label(hit)])


def answer_text(answer: Answer) -> Text:
    """The `render_plain` layout as styled text: bold matches, coloured source lines."""
    if not answer.hits:
        return Text(abstain_message(answer), style="yellow")
    best = answer.hits[0]
    text = Text()
    for i, sentence in enumerate(best.sentences):
        if i:
            text.append(" ")
        _marked(text, sentence.text, answer.query_terms)
    text.append("\n\n")
    text.append("— " + _source_line(best), style=SOURCE_STYLE)
    if best.document.url:
        text.append("\n  ")
        text.append(best.document.url, style=LINK_STYLE)
    if best.document.partial:
        text.append("\n  (excerpt: the source is paywalled or truncated)", style="dim")
    if len(answer.hits) > 1:
        text.append("\n\nOther hits:", style="bold")
        for hit in answer.hits[1:]:
            text.append(f"\n  {hit.rank}. {hit.sentence.text}")
            text.append(f"\n     — {_source_line(hit)}", style=SOURCE_STYLE)
    return text


def print_answer(answer: Answer, *, console: Console | None = None) -> None:
    """Print ``answer``: styled and word-wrapped on a terminal, `render_plain` otherwise."""
    console = console or stdout_console()
    if console.is_terminal:
        console.print(answer_text(answer))
    else:
        print(render_plain(answer))


def print_text(text: str | Text, *, console: Console | None = None) -> None:
    """Print ``text``, wrapped at words to the terminal's width on a terminal."""
    console = console or stdout_console()
    if console.is_terminal:
        console.print(text)
    else:
        print(text.plain if isinstance(text, Text) else text)
