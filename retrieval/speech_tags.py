"""Speech tags after a quoted question or exclamation ("“Is it safe?” Haigh said.").

At ``?``/``!`` + closing quote, `retrieval.sentences` breaks unless a speech tag that ends
its clause follows. A tag is 1-6 capitalised name/title words (lower-case links such as
"of", "von" allowed, an appositive between commas allowed) or "I", then a speech verb (said,
asked, told, ...), then the end of the clause (``.``, ``,``, a dash, end of line),
optionally after an "-ly" adverb, an adverbial phrase ("on Monday", "in a statement") or,
after told/asked/warned, a short object ("told reporters"). So "“Is it safe?” Transport
Secretary Louise Haigh said." is one sentence, but "“Is it safe?” She said no." is two: a
capitalised pronoun, article or other common sentence opener ("She", "The") never starts a
tag, and "said no" is not a tag end.

`is_speech_tag` reads at most ``_TAG_LOOKAHEAD`` words, so its cost does not grow with the
line.
"""

from __future__ import annotations

import itertools
import re

from retrieval.abbreviations import INITIALS, SENTENCE_OPENERS, abbreviations, word_set
from retrieval.punctuation import CLAUSE_END, OPENERS, TRAILING

__all__ = ["is_speech_tag"]

_TOKEN = re.compile(r"\S+")

_SPEECH_VERBS = word_set(
    """
    said says asked asks told tells added adds wrote writes tweeted tweets explained explains
    insisted insists replied replies claimed claims warned warns noted notes shouted shouts
    yelled yells cried cries exclaimed exclaims recalled recalls continued continues declared
    declares answered answers posted posts demanded demands wondered wonders pleaded pleads
    argued argues stressed stresses admitted admits
    """
)
# Speech verbs that often take an object in a tag ("told reporters", "asked the minister").
_OBJECT_VERBS = word_set("told tells asked asks warned warns reminded reminds assured assures")
# Words opening an adverbial phrase that may end a tag ("said on Monday", "wrote in a post").
_TAG_PHRASES = word_set(
    """
    on in at to during after before from via through outside inside as while when last this
    late early earlier later yesterday today tonight afterwards
    """
)
# Lower-case words inside names and titles ("Secretary of State", "Ursula von der Leyen").
_NAME_LINKS = word_set("of for the and de del della der di da du la le van von al bin y")
# Capitalised words that start a sentence, never a speaker ("She said no.", "The crowd ...").
_NOT_SPEAKERS = (SENTENCE_OPENERS - {"Will"}) | {"A"}
_MAX_TAG_NAMES = 6
_MAX_TAG_TAIL = 6
_MAX_APPOSITIVE = 8
_TAG_LOOKAHEAD = _MAX_TAG_NAMES + _MAX_APPOSITIVE + _MAX_TAG_TAIL + 4


def _tagwords(line: str, start: int) -> tuple[list[tuple[str, str]], bool]:
    """Split the words from ``start`` into (word, trailing punctuation) pairs.

    Returns at most ``_TAG_LOOKAHEAD`` pairs and whether they reach the end of ``line``.
    """
    tokens = list(itertools.islice(_TOKEN.finditer(line, start), _TAG_LOOKAHEAD + 1))
    words: list[tuple[str, str]] = []
    for token in tokens[:_TAG_LOOKAHEAD]:
        text = token.group().lstrip(OPENERS)
        word = text.rstrip(TRAILING + "…\u2013\u2014")
        words.append((word, text[len(word) :]))
    return words, len(tokens) <= _TAG_LOOKAHEAD


def _ends_clause(word: str, trail: str) -> bool:
    """Return True if a word with trailing punctuation ``trail`` ends a clause."""
    return not word or any(char in CLAUSE_END for char in trail)


def _is_name_word(word: str, trail: str) -> bool:
    """Return True for a capitalised word of a name or title ("Haigh", "Mr.", "J.")."""
    if not word or not word[0].isupper():
        return False
    return trail != "." or word.lower() in abbreviations() or bool(INITIALS.fullmatch(word))


def _speaker_end(words: list[tuple[str, str]]) -> int:
    """Return how many of ``words`` name a speaker (0 if they do not start with one).

    A speaker is "I" or 1-6 capitalised name/title words, possibly joined by lower-case links
    ("Secretary of State Antony Blinken") and followed by one appositive between commas
    ("Louise Haigh, the transport secretary,").
    """
    if words[0][0] == "I":
        return 0 if words[0][1] else 1
    if re.split("['\u2019]", words[0][0], maxsplit=1)[0] in _NOT_SPEAKERS:
        return 0
    index = names = 0
    while index < len(words) and names <= _MAX_TAG_NAMES:
        word, trail = words[index]
        if _is_name_word(word, trail):
            names += 1
        elif not (names and word in _NAME_LINKS and not trail):
            break
        index += 1
        if trail == ",":  # an appositive follows: the verb comes after its closing comma
            stop = min(index + _MAX_APPOSITIVE, len(words))
            closing = next((i for i in range(index, stop) if words[i][1] == ","), None)
            return 0 if closing is None or names > _MAX_TAG_NAMES else closing + 1
        if trail not in ("", "."):
            return 0
    if names == 0 or names > _MAX_TAG_NAMES or not words[index - 1][0][0].isupper():
        return 0
    return index


def is_speech_tag(line: str, start: int) -> bool:
    """Return True if a speech tag that ends its clause starts at ``line[start]``.

    "Transport Secretary Louise Haigh said.", "Smith told reporters on Monday," and "I asked."
    are tags; "She said no." and "Smith said the plan failed." are not.
    """
    words, reaches_end = _tagwords(line, start)
    verb = _speaker_end(words) if words else 0
    if verb == 0 or verb >= len(words) or words[verb][0] not in _SPEECH_VERBS:
        return False
    if _ends_clause(*words[verb]):
        return True
    tail = words[verb + 1 :]
    if tail and tail[0][0].endswith("ly") and tail[0][0].islower():  # "said quietly."
        if _ends_clause(*tail[0]):
            return True
        tail = tail[1:]
    if not tail:
        return reaches_end
    if words[verb][0] not in _OBJECT_VERBS and tail[0][0] not in _TAG_PHRASES:
        return False  # "said no", "said the plan failed"
    if any(_ends_clause(*word) for word in tail[:_MAX_TAG_TAIL]):
        return True
    return len(tail) <= _MAX_TAG_TAIL and reaches_end

