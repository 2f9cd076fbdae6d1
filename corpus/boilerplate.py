"""Plain-text clean-up shared by every reader: whitespace normalisation and boilerplate lines.

Boilerplate is recognised one line at a time and only when the *whole line* is boilerplate
(a lone "Advertisement", a "Tags ..." list, a copyright notice, a "Read more:" teaser), so a
real sentence that merely mentions an advertisement or a subscription is kept.
"""

from __future__ import annotations

import re
import unicodedata

from corpus.readers.paywall import PAYWALL_MAX_CHARS, paywall_start
from corpus.readers.repair import repair_mojibake, sanitize_unicode

# Characters that render as a space, and invisible ones that only split words for a tokenizer.
_SPACE_LIKE = re.compile("[\u00a0\u1680\u2000-\u200a\u202f\u205f\u3000\t\f\v]")
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u2060\ufeff\u00ad]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
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
        # Link-only calls to action, as left at the end of feed entries and teasers.
        "read more", "read full story", "read the full story", "read the full article",
        "read full article", "read the rest", "full story", "full article", "keep reading",
        "read on", "view full story", "view full article", "view article", "view story",
        "learn more", "find out more", "more info", "click here", "subscribe here",
        "register", "register now", "register today", "join now", "join today",
        "sign up here", "log in here", "sign in here", "listen now", "watch now",
        "watch live", "get the app", "download the app", "download our app",
        "open in app", "view in browser", "next article", "previous article",
        "cookie settings", "cookie preferences", "cookie policy", "privacy policy",
        "accept cookies", "accept all cookies", "reject all", "accept all",
        "manage preferences", "manage cookies", "do not sell my personal information",
        "your privacy choices", "send us a tip", "contact us", "got a tip?",
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
_LINE_PATTERNS = (
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
    # Comment counts and reply prompts: "12 comments", "Show 3 more replies", "View all 5
    # comments", "Comments (4)", "Join the discussion".
    r"(?i)^(?:\d[\d,.]*\s+(?:comments?|replies|reply|responses?)|comments?\s*\(\d+\)"
    r"|(?:show|view|see|load|read|hide)(?:\s+(?:all|more|the|\d+|previous|older|newer)){0,3}"
    r"\s+(?:comments?|replies|reply|responses?)|join the discussion)$",
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
    r"(?i)^(?:download|get|install|try)(?: now)? (?:the|our)(?: free| new)? [^.!?]{0,40}"
    r"\bapps?\b[^.]{0,80}[.!]?$",
    # A link to the full text: "Read more at Example.com", "Continue reading on Medium »".
    r"(?i)^\[?\s*(?:read more|continue reading|keep reading|read (?:the )?(?:full|whole"
    r"|rest of the|original) (?:story|article|post)|full (?:story|article)"
    r"|view (?:the )?(?:full |original )?(?:story|article|post))(?:\s+(?:at|on|from|in|via)"
    r"\s+[^.!?]{1,60}(?:\.\w{2,6})?)?\s*\]?[\s:\u00bb\u203a\u2192>.\u2026]*$",
    # Cookie and consent notices: "We use cookies to ...", "By continuing to use this
    # site you agree ...", "Accept all cookies", "Cookie settings".
    r"(?i)^(?:we|this (?:web)?site|our (?:web)?site|[\w.-]+ and (?:our|its) partners)"
    r"(?: and (?:our|its) (?:partners|vendors|third parties))? (?:uses?|stores?|sets?"
    r"|collects?|places?|may use|would like to use) (?:cookies|similar technologies)\b"
    r"(?![^.!?]*\b(?:said|says|told|admitted|according)\b)",
    r"(?i)^by (?:continuing|using|clicking|browsing|accessing|visiting|scrolling|closing"
    r"|remaining)\b[^.!?]{0,140}\byou(?:'re| are)? (?:agree|consent|accept|are agreeing)",
    r"(?i)^(?:accept|reject|decline|manage|allow|customi[sz]e)(?: all| optional"
    r"| necessary| our| your)? (?:cookies|cookie (?:settings|preferences|choices|consent))"
    r"\b[^.!?]{0,60}$",
    r"(?i)^(?:cookie|privacy|consent)(?: and cookie)? (?:settings|preferences|policy|notice"
    r"|statement|choices)\b[^.!?]{0,60}$",
    # Calls for tips: "Have a news tip? Email us at ...", "Got a story? Contact ...".
    r"(?i)^(?:have|got|do you have|know)(?: you got)? (?:a |an |any )?(?:news |story )?"
    r"(?:tips?|story|stories|story ideas?|story suggestion|news|photos?|videos?|scoop"
    r"|information (?:about|on|for) this (?:story|article))\b[^?]{0,80}\?\s*(?:(?:please )?"
    r"(?:email|e-mail|contact|send|call|text|message|get in touch|let us know|tell us"
    r"|reach|drop us|share|write|whatsapp|submit|dm)\b[^!?]{0,160})?$",
    r"(?i)^(?:send|email|e-mail|submit|share) (?:us )?(?:your |a |any )?(?:news |story )?"
    r"tips?\b[^!?]{0,100}$",
    r"(?i)^(?:contact|email|e-mail) (?:the )?(?:newsroom|news desk|newsdesk|our reporters?)"
    r"\b[^!?]{0,100}$",
    # Contributor credits: "Contributing: Jane Doe, USA TODAY", "The Associated Press
    # contributed to this report.", "Our Standards: The Thomson Reuters Trust Principles."
    r"(?i)^contributing(?: reporters?| writers?| editors?)?\s*:\s*\S",
    r"(?i)^[^.!?]{1,160}\bcontributed (?:reporting|research|additional reporting"
    r"|to this (?:report|story|article))(?: (?:from|in) [^.!?]{1,80})?\.?$",
    r"(?i)^our standards\s*:",
    # Bylines and timestamps: "By Staff Writer", "By Jane Doe and John Roe, CNN",
    # "Updated 10:03 AM EDT, Mon June 1, 2026", "5 min read".
    r"^(?i:by)\s+(?:[A-Z][\w.'\u2019-]*(?![\w.'\u2019-])|and|&|the|staff|of|,|\s)+$(?<![.!?])",
    r"(?i)^(?:published|updated|posted|last updated)\b[^.!?]{0,80}\d[^.!?]{0,40}$",
    r"(?i)^\d+\s+(?:min(?:ute)?s?|hours?)\s+(?:read|ago)$",
)
# All of them as one regex (a leading "(?i)" scoped to its own alternative), tried once a line.
_PATTERN = re.compile(
    "|".join(f"(?i:{pattern[4:]})" if pattern.startswith("(?i)") else f"(?:{pattern})"
             for pattern in _LINE_PATTERNS)
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
# Agency credits: "(Reporting by ...; Additional reporting by ...; Editing by ...)".
_CREDIT = re.compile(
    r"\s*(?:(?:additional|further|writing and|editing and)\s+)?(?:reporting|writing|editing"
    r"|research|compiled|compilation|graphics|production|translation|translated"
    r"|fact[- ]checking|sub-?editing|contributing reporting)(?:\s+and\s+(?:writing|editing"
    r"|reporting))?\s+by\b",
    re.I,
)
# The same credit in parentheses at the end of the last paragraph: "... on Monday. (Reporting
# by Jane Doe; Editing by John Roe)".
_CREDIT_TAIL = re.compile(
    r"(?<=[.!?\"\u201d\u2019])\s*\(\s*(?i:(?:additional\s+)?(?:reporting|writing|editing"
    r"|compiled|research)(?:\s+and\s+(?:writing|editing|reporting))?\s+by)\b[^()]{1,300}\)\s*$"
)
_CREDIT_WORDS = re.compile(r"[^\W\d_][\w'\u2019.-]*")
_NAME_JOINERS = frozenset({"and", "in", "at", "from", "of", "the", "with", "for", "de", "da",
                           "van", "von", "la", "le", "del", "der", "bin", "al"})
_SHORT_LINE_MAX = 240
_TAIL_MIN_CHARS = 20
_BYLINE_MAX_CHARS = 80

_TRUNCATION = re.compile(r"[ \t]*(?:…|\.\.\.)?[ \t]*\[\+\d+ chars\][ \t]*$", re.M)
_TRUNCATION_HINT = " chars]"
# A teaser or call-to-action link at the end of a line: "... the mayor said. Read more »",
# "Continue reading →", "... on Monday. Subscribe now", "Read more at Example.com".
_TEASER_TAIL = re.compile(
    r"(?<=[.!?\"\u201d\u2019)\u2026])\s*(?:\[\s*)?(?i:read more|continue reading|keep reading"
    r"|read on|read the full (?:story|article)|read full (?:story|article)|full story"
    r"|view (?:the )?full (?:story|article)|subscribe(?: now| today| here)?"
    r"|sign up(?: now| today| here)?|(?:log|sign) in(?: here)?|register(?: now| today)?"
    r"|learn more|find out more|click here|get the app|download (?:the|our) app)"
    r"(?:\s+(?:at|on|from|via)\s+[^.!?\s]{1,40}(?:\s+[^.!?\s]{1,40}){0,3}(?:\.\w{2,6})?)?"
    r"\s*(?:\]|[\u00bb\u203a\u2192>.\u2026])*\s*$"
)


def normalize_text(text: str) -> str:
    r"""Normalise whitespace and Unicode: the form every stored body and title takes.

    Lone surrogates and non-characters become U+FFFD (so the text always encodes as UTF-8);
    UTF-8 mis-read as windows-1252 (``BÃ¼rgermeister``) is repaired where unambiguous (see
    `corpus.readers.repair.repair_mojibake`). ``\\r\\n``, ``\\r``, U+0085 and U+2028
    become ``\\n``, U+2029 a blank line; the text is NFC-composed; no-break and other space
    characters become a space and runs of spaces one space; zero-width characters, soft
    hyphens and control characters are removed; lines are stripped; three or more newlines
    become one blank line; leading and trailing blank lines are removed.
    """
    text = repair_mojibake(sanitize_unicode(text))
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    text = text.replace("\x85", "\n").replace("\u2029", "\n\n")
    text = _SPACE_LIKE.sub(" ", _INVISIBLE.sub("", unicodedata.normalize("NFC", text)))
    text = _CONTROL.sub("", text)
    lines = (line.strip() for line in _HSPACE.sub(" ", text).split("\n"))
    return _BLANK_LINES.sub("\n\n", "\n".join(lines)).strip("\n")


def is_boilerplate_line(line: str) -> bool:
    """Return whether one line of text is, as a whole, boilerplate or a paywall prompt."""
    stripped = line.strip()
    return bool(stripped) and (_is_paywall_line(stripped) or _is_other_boilerplate(stripped))


def _is_other_boilerplate(stripped: str) -> bool:
    """Return whether a stripped, non-empty line is boilerplate other than a paywall prompt."""
    if _ANY_LENGTH.match(stripped) or "all rights reserved" in stripped.lower():
        return True
    if len(stripped) > _SHORT_LINE_MAX:
        return False
    key = " ".join(stripped.strip(_DECOR).lower().split())
    if key in _EXACT_LINES or _is_credit_line(stripped):
        return True
    if key.startswith("by ") and len(stripped) > _BYLINE_MAX_CHARS:
        return False
    return bool(_PATTERN.match(stripped))


def _is_paywall_line(line: str) -> bool:
    """Return whether a (stripped) line is short and starts with a paywall prompt."""
    return len(line) <= PAYWALL_MAX_CHARS and paywall_start(line) == 0


def _is_credit_line(line: str) -> bool:
    """Return whether ``line`` is an agency credit: "(Reporting by X; editing by Y)".

    In parentheses any credit counts; without them, everything but the credit phrases must
    be names and places ("Reporting by Jane Doe in London; Editing by John Roe"), so
    "Reporting by the newspaper revealed ..." is kept.
    """
    inner = line.strip(" -\u2013\u2014")
    if not _CREDIT.match(inner.lstrip("(")):
        return False
    if inner.startswith("(") and inner.rstrip(". ").endswith(")"):
        return True
    rest = _CREDIT.sub(" ", inner)
    return all(word[:1].isupper() or word.lower() in _NAME_JOINERS
               for word in _CREDIT_WORDS.findall(rest))


def strip_boilerplate(text: str) -> str:
    """Drop the boilerplate lines of ``text`` and renormalise it (see `normalize_text`).

    Dropped, each only as a whole line: photo credits ("Getty Images", "AP Photo/...",
    "(Photo: ...)", "Image: Reuters"), "Tags ..." lists, copyright and "All rights reserved"
    notices, "See all ...", "Most Popular", "Load more", "Advertisement", share / subscribe /
    sign-up / newsletter prompts, "Read more:" / "Related:" teasers, bylines, timestamp lines
    and paywall prompts, agency credits ("(Reporting by ...; editing by ...)"), cookie and
    consent notices, calls for news tips, app download prompts and link-only calls to
    action; also a NewsAPI-style ``"… [+1234 chars]"`` tail, a paywall prompt ending a
    line, a parenthesised credit ending a paragraph, and a trailing "Read more" /
    "Continue reading" / "Subscribe now" link. Every other line is kept unchanged; a
    paragraph left empty disappears.
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
    kept: list[str] = []
    for line in text.split("\n"):
        if not line:
            kept.append(line)
            continue
        prompt = paywall_start(line)
        if prompt == 0:
            paywalled = True
            continue
        if _is_other_boilerplate(line):
            continue
        if prompt is not None:
            line, paywalled = line[:prompt].rstrip(), True
        if len(line) > _TAIL_MIN_CHARS:
            line = _TEASER_TAIL.sub("", _CREDIT_TAIL.sub("", line) if "(" in line else line)
        kept.append(line)
    return _BLANK_LINES.sub("\n\n", "\n".join(kept)).strip("\n"), paywalled
