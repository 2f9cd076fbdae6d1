"""Plain-text clean-up shared by every reader: whitespace normalisation and boilerplate lines.

Boilerplate is recognised one line at a time and only when the *whole line* is boilerplate
(a lone "Advertisement", a "Tags ..." list, a copyright notice, a "Read more:" teaser), so a
real sentence that merely mentions an advertisement or a subscription is kept.
"""

from __future__ import annotations

import re
import unicodedata

# Characters that render as a space, and invisible ones that only split words for a tokenizer.
_SPACE_LIKE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f]")
_HSPACE = re.compile(r" {2,}")
_BLANK_LINES = re.compile(r"\n{3,}")

# Trailing decoration on short prompt lines: "Load more »", "Read more >", "Share:".
_DECOR = " \t:|>*-.!\u00bb\u203a\u2192\u2022\u00b7\u2013\u2014\u2026"

# Lines that are boilerplate when they are the whole line (compared case-insensitively,
# ignoring trailing decoration such as ":" or "»").
_EXACT_LINES = frozenset(
    (
        "advertisement", "advertisements", "ad", "ads", "advert", "skip advertisement",
        "sponsored", "sponsored content", "paid content", "supported by",
        "story continues below advertisement", "article continues below advertisement",
        "story continues below", "continue reading below", "continue reading the main story",
        "continue reading", "most popular", "most read", "most viewed", "most shared",
        "popular now", "trending", "trending now", "load more", "show more", "see more",
        "more stories", "more news", "more videos", "related", "related stories",
        "related articles", "related content", "related coverage", "related news",
        "recommended", "recommended stories", "recommended for you", "you may also like",
        "you might also like", "share", "share this", "share this article",
        "share this story", "share this page", "share article", "share full article",
        "share on facebook", "share on twitter", "share on linkedin", "share via email",
        "tweet", "email", "print", "copy link", "copy link to clipboard", "comments",
        "view comments", "leave a comment", "skip to main content", "skip to content",
        "back to top", "top stories", "editor's picks", "watch", "listen",
        "listen to this article", "follow us", "follow", "newsletter", "sign up", "sign in",
        "log in", "subscribe", "image", "photo", "video", "caption", "toggle caption",
        "hide caption", "enlarge this image", "tags", "topics", "sign up now",
        "subscribe now", "subscribe today", "sign up today", "join the conversation",
        "leave a reply", "comment", "show comments", "order reprints", "reprints",
        "print article", "print this article", "home", "menu", "search", "close",
    )
)

_AGENCY = (
    r"(?i:getty(?:\s+images)?|ap|the\s+associated\s+press|associated\s+press|reuters|afp"
    r"|epa(?:-efe)?|pa(?:\s+(?:media|wire))?|shutterstock|alamy|bloomberg|xinhua|anadolu"
    r"|sipa|nurphoto|zuma(?:\s+press)?|imago|dpa|usa\s+today(?:\s+network)?"
    r"|istock(?:photo)?)(?i:\s+(?:photo|images?|file|via\s+getty\s+images))?"
)
_NAME = r"[A-Z][\w'\u2019.-]*(?:[\s,&]+(?:[A-Z][\w'\u2019.-]*|and|de|van|von|la|le|del))*"
_NO_SENTENCE = r"(?!.*\.\s+[a-z])"  # no ". lowercase" inside: not running prose
_PATTERNS: tuple[re.Pattern[str], ...] = tuple(
    re.compile(pattern)
    for pattern in (
        # Photo credits: "Getty Images", "AP Photo/Evan Vucci", "Chip Somodevilla/Getty
        # Images", "Mandel Ngan/AFP via Getty Images", "(Photo: Jane Doe/USA TODAY)",
        # "Image: Reuters", "Photo by Jane Doe".
        rf"^\(?{_AGENCY}(?:\s*/\s*{_NAME})?\)?$",
        rf"^{_NO_SENTENCE}(?i:(?:photo|image|picture)s?(?:\s+by)?\s*:?\s*)?[^!?]{{0,80}}"
        rf"(?:/|\s(?i:via|for)\s)\s*{_AGENCY}\)?$",
        r"^(?i:\(?(?:photo|image|picture|photograph|credit|video|illustration|file photo)s?"
        r"(?:\s+credit)?\s*:\s*[^!?]{1,100}\)?)$(?<!\.)",
        r"^(?i:\(?(?:photo|image|picture|photograph)s?\s+(?:by|courtesy of)\s+[^!?]{1,80}"
        r"\)?)$(?<!\.)",
        # Navigation and teasers.
        r"(?i)^see all\b[^!?]{0,100}$(?<!\.)",
        r"(?i)^(?:read|see)\s+(?:more|also|next|the full story)\b\s*[:\u00bb\u203a>|-]",
        r"(?i)^(?:read|see|watch|listen)\s+(?:more|also)\s*$",
        r"(?i)^(?:related|more|also read|also see|recommended|watch|listen|more on this"
        r"|more from [^:]{1,40})\s*:\s*[^.!?]{0,160}$",
        r"(?i)^click here\b",
        r"(?i)^the post .{1,200} appeared first on .{1,100}$",  # WordPress feed footer
        # Share, subscribe, sign-up and newsletter prompts.
        r"(?i)^share (?:this|on|via|the|article|story)\b[^.!?]{0,60}$",
        r"(?i)^(?:sign up|subscribe)\b[^.!?]{0,120}"
        r"\b(?:newsletters?|inbox|email|e-mail|alerts?|updates|briefing|digest|podcast"
        r"|channel)\b[^.]{0,80}[.!]?$",
        r"(?i)^(?:get|receive) (?:our|the|the latest|breaking)\b[^.!?]{0,80}"
        r"\b(?:newsletter|inbox|email|alerts?|headlines)\b[^.]{0,60}[.!]?$",
        r"(?i)^[^.!?]{0,60}\bnewsletters?\s*$",
        r"(?i)^(?:follow|like) (?:us|our [\w ]{1,30}|[A-Z][\w.'-]+(?:\s+[A-Z][\w.'-]+)?) on "
        r"(?:twitter|x|facebook|instagram|threads|bluesky|linkedin|tiktok|youtube)\b[^.]{0,60}"
        r"[.!]?$",
        r"(?i)^(?:download|get) (?:the|our) [^.!?]{0,30}\bapp\b[^.]{0,60}[.!]?$",
        # Bylines and timestamps: "By Staff Writer", "By Jane Doe and John Roe, CNN",
        # "Updated 10:03 AM EDT, Mon June 1, 2026", "5 min read".
        r"^(?i:by)\s+(?:[A-Z][\w.'\u2019-]*(?![\w.'\u2019-])|and|&|the|staff|of|,|\s)+$(?<![.!?])",
        r"(?i)^(?:published|updated|posted|last updated)\b[^.!?]{0,80}\d[^.!?]{0,40}$",
        r"(?i)^\d+\s+(?:min(?:ute)?s?|hours?)\s+(?:read|ago)$",
    )
)
# Patterns that may match a line of any length; the others are tried on short lines only.
# (tried with re.match; "all rights reserved" anywhere in the line is tested separately).
_ANY_LENGTH = re.compile(
    # "Tags China Joe Biden ..." / "Topics: ..." keyword lists (no sentence punctuation).
    r"(?i:tags?|tagged|topics?|keywords?|filed\s+under)\b\s*:?\s+[^.!?]*$"
    # Copyright and rights notices: the whole line.
    r"|(?i:©|\(c\)|copyright\s*(?:©|\(c\)|\d{4}))"
    r"|(?i:this (?:material|article|content) may not be (?:published|reproduced|copied))"
)
_SHORT_LINE_MAX = 240
_TAIL_MIN_CHARS = 20
_BYLINE_MAX_CHARS = 80

# Paywall prompts. A line holding one of them is dropped whole and the article marked partial.
_PAYWALL = re.compile(
    r"subscribe (?:now )?to (?:continue|keep) reading|to continue reading,? (?:please )?"
    r"(?:subscribe|log ?in|sign ?in|register|create)|already a (?:subscriber|member)\b"
    r"|get (?:full|unlimited|instant) access|(?:this|the rest of this) (?:article|story|content)"
    r" is (?:only )?(?:available |reserved )?(?:exclusively )?(?:for|to) (?:paying )?"
    r"(?:subscribers|members)|subscribers? only|exclusive(?:ly)? for subscribers"
    r"|(?:you(?:'|\u2019)ve|you have) (?:reached|used|hit) (?:your|all of your|the)"
    r" (?:limit|monthly|free|\d+ free)|free articles? (?:limit|remaining|left)"
    r"|(?:create|register for) (?:a )?free account to (?:continue|read|keep)"
    r"|(?:sign|log) ?in to (?:continue|keep) reading|unlock (?:this|the full) (?:article|story)"
    r"|become a (?:subscriber|member) to (?:read|continue)|start your free trial"
    r"|continue reading with (?:a|your) (?:subscription|digital)|want to read more\?"
    r"|subscribe for full access|for full access,? subscribe",
    re.I,
)
_PAYWALL_MAX_CHARS = 300
# Cheap substring test before the paywall regex: each alternative contains one of these.
_PAYWALL_HINTS = ("subscri", "access", "member", "limit", "free", "account", "log", "sign",
                  "unlock", "trial", "read more", "continue reading", "reached")
_TRUNCATION = re.compile(r"[ \t]*(?:…|\.\.\.)?[ \t]*\[\+\d+ chars\][ \t]*$", re.M)
_TRUNCATION_HINT = " chars]"
# A teaser link at the end of a line: "... the mayor said. Read more »", "Continue reading →".
_TEASER_TAIL = re.compile(
    r"(?<=[.!?\"\u201d\u2019)\u2026])\s*(?:\[\s*)?(?:Read more|READ MORE|Continue reading"
    r"|CONTINUE READING|Read the full (?:story|article)|Read full (?:story|article)|Full story)"
    r"\s*(?:\]|[\u00bb\u203a\u2192>.\u2026])*\s*$"
)


def normalize_text(text: str) -> str:
    r"""Normalise whitespace and Unicode: the form every stored body and title takes.

    ``\\r\\n`` and ``\\r`` become ``\\n``; the text is NFC-composed; no-break and other
    space characters become a space and runs of spaces one space; zero-width characters,
    soft hyphens and control characters are removed; lines are stripped; three or more
    newlines become one blank line; leading and trailing blank lines are removed.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = _SPACE_LIKE.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", text)))
    text = _CONTROL.sub("", text)
    lines = (line.strip() for line in _HSPACE.sub(" ", text).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def is_boilerplate_line(line: str) -> bool:
    """Return whether one line of text is, as a whole, boilerplate or a paywall prompt."""
    stripped = line.strip()
    if not stripped:
        return False
    if _ANY_LENGTH.match(stripped) or "all rights reserved" in stripped.lower():
        return True
    if len(stripped) > _SHORT_LINE_MAX:
        return False
    key = " ".join(stripped.strip(_DECOR).lower().split())
    if key in _EXACT_LINES or _is_paywall_line(stripped):
        return True
    if key.startswith("by ") and len(stripped) > _BYLINE_MAX_CHARS:
        return False
    return any(pattern.match(stripped) for pattern in _PATTERNS)


def _is_paywall_line(line: str) -> bool:
    """Return whether a (stripped) line is short and holds a paywall prompt."""
    if len(line) > _PAYWALL_MAX_CHARS:
        return False
    lowered = line.lower()
    return any(hint in lowered for hint in _PAYWALL_HINTS) and bool(_PAYWALL.search(line))


def strip_boilerplate(text: str) -> str:
    """Drop the boilerplate lines of ``text`` and renormalise it (see `normalize_text`).

    Dropped, each only as a whole line: photo credits ("Getty Images", "AP Photo/...",
    "(Photo: ...)", "Image: Reuters"), "Tags ..." lists, copyright and "All rights reserved"
    notices, "See all ...", "Most Popular", "Load more", "Advertisement", share / subscribe /
    sign-up / newsletter prompts, "Read more:" / "Related:" teasers, bylines, timestamp lines
    and paywall prompts; also a NewsAPI-style ``"… [+1234 chars]"`` tail and a trailing
    "Read more" / "Continue reading" link. Every other line is kept unchanged; a paragraph
    left empty disappears.
    """
    return clean_body(text)[0]


def has_paywall_marker(text: str) -> bool:
    """Return whether ``text`` shows a paywall or truncation prompt.

    Paywall prompts ("Subscribe to continue reading", "Already a subscriber? Log in",
    "Get full access", "You have reached your free article limit", ...) count when they
    fill a short line; a NewsAPI-style ``"… [+1234 chars]"`` tail also counts.
    """
    return clean_body(text)[1]


def clean_body(text: str) -> tuple[str, bool]:
    """Normalise ``text`` and strip its boilerplate in one pass.

    Returns
    -------
    tuple of (str, bool)
        The text as `strip_boilerplate` returns it, and whether a paywall or truncation
        prompt was seen (as `has_paywall_marker`).
    """
    text = normalize_text(text)
    paywalled = False
    if _TRUNCATION_HINT in text and _TRUNCATION.search(text):
        text, paywalled = _TRUNCATION.sub("", text), True
    kept = []
    for line in text.split("\n"):
        if not is_boilerplate_line(line):
            kept.append(_TEASER_TAIL.sub("", line) if len(line) > _TAIL_MIN_CHARS else line)
        elif not paywalled and _is_paywall_line(line):
            paywalled = True
    return _BLANK_LINES.sub("\n\n", "\n".join(kept)).strip("\n"), paywalled
