"""Plain-text and Markdown articles, with an optional front-matter block."""

from __future__ import annotations

import re
from collections.abc import Iterator

from corpus.boilerplate import normalize_text
from corpus.models import Article, Skip
from corpus.readers.common import NO_TEXT, build_article

# YAML front matter between "---" lines (closed by "---" or "..."), or TOML between "+++".
_FRONT_MATTER = re.compile(
    r"\A(?:---[ \t]*\n(?P<yaml>.*?)\n(?:---|\.\.\.)|\+\+\+[ \t]*\n(?P<toml>.*?)\n\+\+\+)"
    r"[ \t]*(?:\n|\Z)",
    re.S,
)
_OPENING = re.compile(r"\A(---|\+\+\+)[ \t]*(?:\n|\Z)")
_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)\s*:\s*(.*)$")
_TOML_KEY_VALUE = re.compile(r"^([A-Za-z_][\w-]*)\s*=\s*(.*)$")
_RULE_LINE = re.compile(r"^[ \t]*(?:[-*_=+~#][ \t]*){3,}$", re.M)
UNCLOSED_FRONT_MATTER = "front matter opened on line 1 is never closed"
_LIST_ITEM = re.compile(r"^[ \t]*-[ \t]+(.*)$")
_MAX_TITLE_LINE = 300
_SENTENCE_END = (".", "!", "?", ":", ";", '"', "\u201d", "\u2019", "'", ")", "]")
_BULLET = re.compile(r"^(?:[-*+•]\s|\d+[.)]\s)")
_WRAP_MIN_CHARS = 60
# Markdown syntax removed from .md bodies: images, links (text kept), emphasis, headings.
_MD_IMAGE = re.compile(r"!\[[^\]]*\]\([^)]*\)")
_MD_LINK = re.compile(r"\[([^\]]+)\]\([^)]*\)")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1")
_MD_HEADING = re.compile(r"^#{1,6}[ \t]+(.*?)[ \t]*#*[ \t]*$", re.M)
_MD_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+", re.M)

FIELD_KEYS = {
    "title": ("title", "headline"),
    "source": ("source", "publisher", "site", "site_name"),
    "url": ("url", "link"),
    "published": ("published", "date", "publish_date", "published_at", "datePublished"),
    "authors": ("authors", "author"),
}


def read_text(text: str, *, origin: str, markdown: bool = False) -> Iterator[Article | Skip]:
    """Yield the one `Article` of a ``.txt`` / ``.md`` file, or ``Skip("no text extracted")``.

    A front-matter block between ``---`` lines may give ``title``, ``source``/``publisher``,
    ``url``, ``published``/``date`` and ``authors`` (a YAML list or a comma string).
    Without a front-matter title, the first non-empty line is the title (a Markdown
    heading's ``#`` removed) and the rest the body; a file of a single line, or whose first
    line is too long for a headline, has no title. Markdown links keep their text and
    emphasis, heading and bullet markers are removed. Hard-wrapped lines inside a paragraph
    are joined (Markdown: always; plain text: when the line does not end a sentence and is
    long or followed by a lower-case word). Lines that are only a rule (``---``, ``***``,
    ``===``) are dropped.

    TOML front matter between ``+++`` lines (``title = "..."``) is read the same way. A file
    that opens front matter (``---`` or ``+++`` then a ``key: value`` line) and never
    closes it is one ``Skip("front matter opened on line 1 is never closed")``: where its
    metadata ends cannot be known, and its keys must not be indexed as body text. A first
    ``---`` line followed by prose is a rule, dropped like any other.
    """
    text = normalize_text(text)
    fields: dict[str, object] = {}
    match = _FRONT_MATTER.match(text)
    if match:
        yaml_block = match.group("yaml")
        fields = (parse_front_matter(yaml_block) if yaml_block is not None
                  else parse_front_matter(match.group("toml"), toml=True))
        text = text[match.end():].strip("\n")
    elif _opens_front_matter(text):
        yield Skip(origin=origin, reason=UNCLOSED_FRONT_MATTER, line=1)
        return
    text = _RULE_LINE.sub("", text).strip("\n")
    title = _field(fields, "title")
    if title is None and (not match or text.lstrip().startswith("#")):
        title, text = _split_title(text)
    body = _markdown_to_text(text) if markdown else _unwrap(text, markdown=False)
    if not body.strip():
        yield Skip(origin=origin, reason=NO_TEXT)
        return
    yield build_article(
        title=_MD_HEADING.sub(r"\1", title) if isinstance(title, str) else title,
        body=body,
        origin=origin,
        url=_field(fields, "url"),
        source=_field(fields, "source"),
        published=_field(fields, "published"),
        authors=_field(fields, "authors"),
    )


def parse_front_matter(block: str, *, toml: bool = False) -> dict[str, object]:
    """Parse a small YAML subset: ``key: value``, quoted values, ``[a, b]`` and ``- item`` lists.

    Keys are kept as written; values are strings or lists of strings. Lines that fit none
    of these forms are ignored. With ``toml``, pairs are ``key = value`` instead.
    """
    fields: dict[str, object] = {}
    current: str | None = None
    key_value = _TOML_KEY_VALUE if toml else _KEY_VALUE
    for line in block.split("\n"):
        item = _LIST_ITEM.match(line)
        if item and current is not None and not toml:
            values = fields.get(current)
            fields[current] = [*(values if isinstance(values, list) else []), _unquote(item[1])]
            continue
        pair = key_value.match(line)
        if not pair:
            continue
        current, raw = pair[1], pair[2].strip()
        if raw.startswith("[") and raw.endswith("]"):
            fields[current] = [_unquote(part) for part in raw[1:-1].split(",") if part.strip()]
        else:
            fields[current] = _unquote(raw) if raw else []
    return fields


def _opens_front_matter(text: str) -> bool:
    """Return whether ``text`` starts a front-matter block: a ``---``/``+++`` line, then a key."""
    opening = _OPENING.match(text)
    if opening is None:
        return False
    following = text[opening.end():].lstrip("\n").split("\n", 1)[0]
    pattern = _TOML_KEY_VALUE if opening.group(1) == "+++" else _KEY_VALUE
    return bool(pattern.match(following))


def _field(fields: dict[str, object], name: str) -> object:
    """Return the first front-matter value under any of the names accepted for ``name``."""
    for key in FIELD_KEYS[name]:
        if fields.get(key) not in (None, "", []):
            return fields[key]
    return None


def _unquote(value: str) -> str:
    """Strip matching quotes and a trailing YAML comment from a scalar value."""
    value = value.strip()
    if len(value) >= 2 and value[0] == value[-1] and value[0] in "\"'":
        inner = value[1:-1]
        return inner.replace('\\"', '"') if value[0] == '"' else inner.replace("''", "'")
    return re.sub(r"\s+#.*$", "", value)


def _split_title(text: str) -> tuple[str | None, str]:
    """Split off the first non-empty line as a title when it can be one."""
    stripped = text.strip("\n")
    first, _, rest = stripped.partition("\n")
    if not rest.strip() or len(first) > _MAX_TITLE_LINE:
        return None, stripped
    return first.strip(), rest


def _unwrap(text: str, *, markdown: bool) -> str:
    """Join hard-wrapped lines within each paragraph (see `read_text`)."""
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines = paragraph.split("\n")
        joined = [lines[0]]
        for line in lines[1:]:
            previous = joined[-1]
            if _BULLET.match(line) or (markdown and previous.endswith("  ")):
                joined.append(line)
            elif markdown or (
                not previous.rstrip().endswith(_SENTENCE_END)
                and (len(previous) >= _WRAP_MIN_CHARS or line[:1].islower())
            ):
                joined[-1] = f"{previous.rstrip()} {line.lstrip()}"
            else:
                joined.append(line)
        paragraphs.append("\n".join(joined))
    return "\n\n".join(paragraphs)


def _markdown_to_text(text: str) -> str:
    """Remove the Markdown syntax that would otherwise be indexed as words."""
    text = _MD_IMAGE.sub("", text)
    text = _MD_LINK.sub(r"\1", text)
    text = _MD_EMPHASIS.sub(r"\2", text)
    text = _MD_HEADING.sub(r"\1\n", text)
    text = _unwrap(text, markdown=True)
    return _MD_BULLET.sub("", text)
