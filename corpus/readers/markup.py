"""HTML (or trafilatura's XML) element tree -> plain text that keeps block structure.

Block elements (``p``, ``div``, headings, ``blockquote``, ``table``...) become paragraphs
separated by a blank line; list items, table rows and ``<br>`` become their own lines; a
list whose intro line ends with ``":"`` stays in the intro's paragraph. Text therefore never
reads "Monday.It approved" or "libraryRoad repairs".
"""

from __future__ import annotations

import re

from lxml import etree, html  # type: ignore[import-untyped]

_SKIPPED = frozenset(
    {"script", "style", "noscript", "template", "svg", "math", "iframe", "object", "embed",
     "button", "select", "option", "textarea", "input", "title", "meta", "link",
     "graphic", "img", "picture", "video", "audio", "source", "canvas", "map"}
)
_PARAGRAPHS = frozenset(
    {"p", "div", "section", "article", "main", "header", "footer", "aside", "nav",
     "blockquote", "pre", "h1", "h2", "h3", "h4", "h5", "h6", "head", "quote", "figure",
     "figcaption", "address", "details", "summary", "table", "hr", "fieldset", "center",
     "body", "html", "doc", "comments", "form", "hgroup", "caption", "code"}
)
_LISTS = frozenset({"ul", "ol", "list", "menu", "dl"})
_LINES = frozenset({"li", "item", "dt", "dd", "tr", "row"})
_BREAKS = frozenset({"br", "lb"})
_CELLS = frozenset({"td", "th", "cell"})
_PRESERVED = frozenset({"pre"})
_WHITESPACE = re.compile(r"\s+")
_MAX_DEPTH = 300
_LINK_BLOCKS = ("p", "div", "li", "h2", "h3", "h4", "h5", "h6", "footer", "aside", "section",
                "figure", "figcaption", "dd", "dt")
_MAX_LINK_WORDS = 12
_NON_WORD = re.compile(r"[\W_]+")
_LINE, _PARAGRAPH = 1, 2


class _TextBuilder:
    """Accumulates text and pending line/paragraph breaks, emitting each break once."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pending = 0
        self.cell_open = False

    def add(self, text: str | None, *, preserve: bool = False) -> None:
        if not text:
            return
        if not preserve:
            text = _WHITESPACE.sub(" ", text)
        if not text.strip():
            if self.parts and not self.pending:
                self.parts.append(" ")
            return
        if self.pending and self.parts:
            self.parts.append("\n" * self.pending)
        self.pending = 0
        self.parts.append(text)

    def brk(self, strength: int) -> None:
        if self.parts:
            self.pending = max(self.pending, strength)

    def line_break(self) -> None:
        """Record a ``<br>``: a second one in a row makes a paragraph break."""
        if self.parts:
            self.pending = _PARAGRAPH if self.pending >= _LINE else _LINE

    def ends_with(self, suffix: str) -> bool:
        for part in reversed(self.parts):
            if part.strip():
                return part.rstrip().endswith(suffix)
        return False

    def text(self) -> str:
        return "".join(self.parts)


def _local_tag(element: etree._Element) -> str | None:
    """Lower-case tag without namespace; ``None`` for comments and processing instructions."""
    tag = element.tag
    if not isinstance(tag, str):
        return None
    return tag.rsplit("}", 1)[-1].lower()


def _walk(element: etree._Element, out: _TextBuilder, list_depth: int, depth: int) -> None:
    tag = _local_tag(element)
    if tag is None or tag in _SKIPPED:
        out.add(element.tail)
        return
    if depth > _MAX_DEPTH:
        out.add(" ".join(element.itertext()))
        out.add(element.tail)
        return
    block = _PARAGRAPH if list_depth == 0 else _LINE
    if tag in _LISTS:
        if list_depth == 0 and out.ends_with(":"):
            out.pending = _LINE  # keep the list in its intro's paragraph
        else:
            out.brk(_LINE if list_depth else _PARAGRAPH)
        list_depth += 1
    elif tag in _LINES:
        out.brk(_LINE)
    elif tag in _PARAGRAPHS:
        out.brk(block)
    elif tag in _BREAKS:
        out.line_break()
    elif tag in _CELLS and out.parts and out.pending == 0:
        out.add(" | ")
    out.add(element.text, preserve=tag in _PRESERVED)
    for child in element:
        _walk(child, out, list_depth, depth + 1)
    if tag in _LISTS:
        out.brk(_LINE if list_depth > 1 else _PARAGRAPH)
    elif tag in _LINES:
        out.brk(_LINE)
    elif tag in _PARAGRAPHS:
        out.brk(block)
    out.add(element.tail)


def element_to_text(element: etree._Element) -> str:
    r"""Return the text of ``element`` with its block structure as line breaks.

    Paragraph-level elements are separated by ``"\\n\\n"``, list items, table rows and
    ``<br>`` by ``"\\n"``; scripts, styles, forms controls and media are skipped. Works on
    lxml HTML trees and on trafilatura's XML output (``p``, ``head``, ``list``/``item``,
    ``lb``...). The result is not yet normalised (see ``corpus.boilerplate.normalize_text``).
    """
    out = _TextBuilder()
    _walk(element, out, 0, 0)
    return out.text()


def fragment_to_text(markup: str) -> str:
    """Return the text of an HTML fragment (a feed entry's content, a JSON ``html`` field).

    Blocks that are nothing but a short link ("Subscribe now", "Read more", a related
    headline) are dropped: in an entry's content they are calls to action or navigation.
    """
    if not markup.strip():
        return ""
    try:
        root = html.fragment_fromstring(markup, create_parent="div")
    except (etree.ParserError, ValueError):
        return markup
    _drop_link_only_blocks(root)
    return element_to_text(root)


def _drop_link_only_blocks(root: etree._Element) -> None:
    """Remove each block or line under ``root`` whose whole text is a short link's text.

    Short: at most ``_MAX_LINK_WORDS`` words, not ending a sentence with ``.``, ``!`` or
    ``?`` ("Read the report here." is kept).
    """
    for element in list(root.iter(*_LINK_BLOCKS)):
        if element is root or element.getparent() is None:
            continue
        text = " ".join(element.text_content().split())
        if not text or len(text.split()) > _MAX_LINK_WORDS:
            continue
        if text.endswith((".", "!", "?")) and not text.endswith(".."):
            continue
        links = " ".join(link.text_content() for link in element.iter("a"))
        if links.strip() and _NON_WORD.sub("", links) == _NON_WORD.sub("", text):
            element.drop_tree()


def looks_like_html(text: str) -> bool:
    """Return whether ``text`` contains block-level HTML tags rather than plain prose."""
    return bool(_BLOCK_TAG.search(text))


_BLOCK_TAG = re.compile(r"<(?:p|div|br|li|ul|ol|h[1-6]|blockquote|table|article|section)\b[^>]*>",
                        re.I)
