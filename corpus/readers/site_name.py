"""A page's publisher: which of the names a page gives itself is the site's name.

Pages name themselves in many places (og:site_name, the JSON-LD publisher, ``<meta
name="publisher">``, application-name, the end of ``<title>``, a copyright line) and many of
them are wrong for a reader: a subdomain ("Hosted" on hosted.ap.org), a section ("U.S." on
reuters.com), an aggregator's name on a syndicated copy ("MSN" on an article whose canonical
URL is cnn.com), a bare URL, a tagline ("LinkNaija | Nigeria's popular news platform") or
the second half of a headline split at " - ". A name is checked against the page's own
host: the first candidate that matches the registered domain wins (so "Hosted", a
subdomain's name, loses to "The Associated Press" for ap.org); without a match, the first
explicit name that survives the checks; weak guesses (a ``<title>`` affix, a copyright line,
trafilatura's guess) are kept only when they match the host, or, for a short ``<title>``
affix, when the host is unknown.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import urlsplit

from corpus.readers.common import clean_str

SEPARATORS = re.compile(r"\s+(?:\||\u2013|\u2014|-|::|:|\u00b7|\u2022|\u00bb)\s+")
# Second-level labels under which sites register ("example.co.uk", "city.sc.gov.br").
_GENERIC_LABELS = frozenset({"co", "com", "org", "net", "gov", "edu", "ac", "or", "ne", "go",
                             "gob", "sc", "nic", "mil", "web"})
_URL_LIKE = re.compile(r"^(?:[a-z][a-z0-9+.-]*:/|www\.|[\w-]+(?:\.[\w-]+)+/)", re.I)
_COPYRIGHT_PREFIX = re.compile(r"^(?:©|\(c\)|copyright\b)", re.I)
_COPYRIGHT = re.compile(
    r"(?:©|\(c\)|copyright\b)\s*(?:(?:19|20)\d\d\s*(?:[-\u2013]\s*(?:19|20)\d\d)?)?[\s,]*"
    r"((?:[^\W\d_][\w&'\u2019.-]*)(?:[ \t]+[^\W\d_][\w&'\u2019.-]*){0,5}?)"
    r"\s*(?:[.,|]|all rights|$)",
    re.I,
)
_DOMAIN_TAIL = re.compile(r"\.(?:[a-z]{2,6})(?:\.[a-z]{2})?$", re.I)
# Words that name a kind of page or a hosting subdomain, never a publisher.
_GENERIC_NAMES = frozenset({"hosted", "host", "home", "homepage", "news", "blog", "blogs",
                            "amp", "mobile", "app", "apps", "web", "site", "website", "beta",
                            "article", "articles", "story", "stories", "index", "default"})
_MAX_NAME_CHARS = 80
_MAX_AFFIX_WORDS = 4


@dataclass(frozen=True, slots=True)
class Host:
    """The site a page belongs to: its registered label and subdomain labels.

    ``label`` is ``"reuters"`` for ``www.reuters.com`` and ``"jaraguadosul"`` for
    ``www.jaraguadosul.sc.gov.br``; ``subdomains`` is ``("hosted",)`` for ``hosted.ap.org``.
    """

    label: str
    subdomains: tuple[str, ...]


def host_of(url: str | None) -> Host | None:
    """Return the `Host` of an absolute URL, or ``None``."""
    if not url:
        return None
    try:
        hostname = urlsplit(url).hostname
    except ValueError:
        return None
    if not hostname or "." not in hostname:
        return None
    labels = hostname.lower().removeprefix("www.").split(".")[:-1]
    while len(labels) > 1 and labels[-1] in _GENERIC_LABELS:
        labels.pop()
    return Host(labels[-1], tuple(labels[:-1])) if labels else None


def compact(name: str) -> str:
    """Return ``name`` folded to lower-case ASCII letters and digits ("Jaraguá" -> "jaragua")."""
    folded = unicodedata.normalize("NFKD", name.casefold())
    return "".join(ch for ch in folded if ch.isalnum() and not unicodedata.combining(ch))


def matches_host(name: str, host: Host | None) -> bool:
    """Return whether ``name`` is plausibly the name of ``host``.

    True when the folded name and the host label contain one another ("The Anti-June
    Cleaver" / theantijunecleaver, "9to5Mac" / 9to5mac), when the initials are the label
    ("The Associated Press" / ap), or when the first word is part of it ("Kabar tentang
    Dunia Islam" / kabarislamia).
    """
    if host is None:
        return False
    folded, label = compact(name), compact(host.label)
    if folded == label or (len(folded) >= 3 and (folded in label or label in folded)):
        return True
    words = [word for word in map(compact, name.split()) if word and word != "the"]
    initials = "".join(word[0] for word in words)
    if len(initials) >= 2 and initials == label:
        return True
    return bool(words) and len(words[0]) >= 4 and words[0] in label


def copyright_holders(texts: list[str]) -> list[str]:
    """Return the names after "©", "(c)" or "Copyright" (and a year) in ``texts``."""
    names = []
    for text in texts:
        for match in _COPYRIGHT.finditer(text):
            name = clean_str(match.group(1).rstrip("."))
            if name and name.casefold() not in {"all", "the"}:
                names.append(name)
    return names


def title_affix(title: str | None, headlines: Sequence[object] = ()) -> str | None:
    """Return the end of a ``<title>`` that may name the site, or ``None``.

    "Headline - Site" gives "Site", and so does "Site | Headline": an end that equals one
    of ``headlines`` (og:title, ``<h1>``) is the headline, else the shorter end is taken
    (the last on a tie). An end that cannot be a name (long, a sentence, parentheses) is
    not returned.
    """
    if not title:
        return None
    parts = [part.strip() for part in SEPARATORS.split(title)]
    if len(parts) < 2:
        return None
    first, last = parts[0], parts[-1]
    known = {text.casefold() for text in map(clean_str, headlines) if text}
    if first.casefold() in known or last.casefold() in known:
        affix = last if first.casefold() in known else first
    else:
        affix = first if len(first.split()) < len(last.split()) else last
    return affix if _looks_like_name(affix) else None


def site_key(name: str) -> str:
    """Return ``name`` folded for comparing site names: no "The", no ".com" / ".co.uk"."""
    name = name.removeprefix("The ").removeprefix("the ")
    return compact(_DOMAIN_TAIL.sub("", name)) or compact(name)


def choose_site_name(
    strong: Sequence[object],
    weak: Sequence[object],
    *,
    host: Host | None,
    aggregator: Host | None = None,
    not_names: frozenset[str] = frozenset(),
    affix: str | None = None,
) -> str | None:
    """Return the site name among the candidates, or ``None`` when none is believable.

    Parameters
    ----------
    strong
        Names the page states as its site or publisher, most trusted first.
    weak
        Guesses (a copyright holder, an extractor's guess): kept only if they match ``host``.
    host
        The page's own host (from its canonical URL), if known.
    aggregator
        The host of a syndicated copy (og:url on another site than the canonical URL):
        names of that host are the aggregator's, not the publisher's.
    not_names
        Case-folded strings that are no site name (the headline, the ``<title>``).
    affix
        The `title_affix`: a weak guess, kept also without a host.
    """
    candidates = [(name, True) for name in map(_usable, strong) if name]
    candidates += [(name, False) for name in map(_usable, [affix, *weak]) if name]
    checked: list[tuple[str, bool]] = []
    for name, stated in candidates:
        if name.casefold() in not_names:
            continue
        if aggregator is not None and matches_host(name, aggregator):
            continue
        checked.append((_without_tagline(name, host), stated))
    for name, _ in checked:
        if matches_host(name, host):
            return name
    for name, stated in checked:
        if stated:
            return name
    short_affix = _usable(affix)
    if host is None and short_affix and any(name == short_affix for name, _ in checked):
        return short_affix
    return None


def guessed_site_name(name: object, host: Host | None, aggregator: Host | None) -> str | None:
    """Return an extractor's site-name guess when it matches ``host``, else ``None``."""
    return choose_site_name([], [name], host=host, aggregator=aggregator)


def _usable(value: object) -> str | None:
    """Return a cleaned candidate name, or ``None`` for a URL, a copyright line or junk."""
    name = clean_str(value)
    if name is None:
        return None
    name = name.lstrip("@").strip() or None  # a Twitter handle used as site name
    if name is None or len(name) > _MAX_NAME_CHARS or not any(ch.isalpha() for ch in name):
        return None
    if _URL_LIKE.search(name) or _COPYRIGHT_PREFIX.match(name):
        return None
    return None if compact(name) in _GENERIC_NAMES else name


def _without_tagline(name: str, host: Host | None) -> str:
    """Return the part of "Name | Tagline" that matches ``host``, else ``name`` itself."""
    parts = SEPARATORS.split(name)
    if len(parts) > 1:
        for part in parts:
            if matches_host(part, host):
                return part.strip()
    return name


def _looks_like_name(text: str) -> bool:
    """Return whether a ``<title>`` affix is short enough to be a name, not half a headline."""
    return (len(text.split()) <= _MAX_AFFIX_WORDS and ". " not in text
            and not any(ch in text for ch in "?!()[]"))
