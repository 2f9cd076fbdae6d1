"""Query understanding: what a member's message asks, before any term is looked up.

`understand` turns the raw message into a `QueryPlan`:

* **language**: a message written in another language is answered with a short note, never
  with a passage matched on a stray word.  Detection counts the function words of a few
  languages (``retrieval/data/languages.txt``): a message with at least two words of one
  of them and more of them than English function words is that language; a message mostly
  in a non-Latin script counts as not English too.
* **text**: the words to search with.  Chat fillers do not count as content: greetings,
  "lol", "does anyone know", "quick q", "thanks in advance", "is that actually real", the
  story frame of a long message ("my cousin swears", "we were arguing") are removed by the
  phrase and word lists below, and txt-speak and apostrophe-less contractions are spelled
  out ("wat" -> what, "whats" -> what's), so that they become stopwords.
* **headlines**: a request for news that names no topic ("what's new today?", "any news?")
  is answered with the newest headlines.
* **focus**: in a long message, the sentence that asks (the last one with a question mark
  or opening with a question word), fillers removed; None for a short message.  The
  service judges whether a passage answers by this sentence's terms together with the
  message's most informative words, so a story's other details cannot sink the answer.
* **recency**: how much the question wants the newest article: 1.0 when it says "now",
  "latest", "so far", "still", "currently", "this week", "next", "any updates" ... or asks
  about the news ("what happened with", "fill me in on"); 0.0 otherwise (the service still
  lets newer articles win near-ties, more weakly).  Words that only say *when* ("right
  now", "so far", "this week", "latest") are then dropped from the text.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from importlib import resources

__all__ = ["QueryPlan", "detect_language", "strip_fillers", "understand"]

_WORD = re.compile(r"[^\W\d_]+(?:['\u2019][^\W\d_]+)*")


def _words(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text``."""
    return frozenset(text.split())


# Txt-speak and contractions typed without an apostrophe, spelled out.
_SPELLED_OUT = {
    "wat": "what", "wut": "what", "whut": "what", "wot": "what", "wht": "what",
    "wher": "where", "whre": "where", "wich": "which", "whos": "who's", "hw": "how",
    "ur": "your", "yr": "year", "yrs": "years",
    "pls": "please", "plz": "please", "thx": "thanks", "ty": "thanks", "abt": "about",
    "bc": "because", "b4": "before", "tho": "though", "rn": "right now", "ppl": "people",
    "govt": "government", "gov't": "government", "tmrw": "tomorrow", "tmr": "tomorrow",
    "2day": "today", "2nite": "tonight", "nite": "night", "w/": "with", "ppl's": "people's",
    "whats": "what's", "wheres": "where's", "hows": "how's", "whens": "when's",
    "thats": "that's", "theres": "there's", "isnt": "isn't", "arent": "aren't",
    "wasnt": "wasn't", "werent": "weren't", "dont": "don't", "doesnt": "doesn't",
    "didnt": "didn't", "cant": "can't", "couldnt": "couldn't", "wont": "won't",
    "wouldnt": "wouldn't", "shouldnt": "shouldn't", "hasnt": "hasn't", "havent": "haven't",
    "hadnt": "hadn't", "im": "I'm", "ive": "I've", "youre": "you're",
    "theyre": "they're", "weve": "we've", "hes": "he's", "shes": "she's", "lets": "let's",
}

# Phrases that frame a question without being part of it (matched case-insensitively on
# word boundaries, before the single filler words are dropped).
_FILLER_PHRASES = re.compile(
    r"\b(?:"
    r"(?:does|do|did)\s+(?:any\s?(?:one|body)|some\s?(?:one|body)|you\s+(?:guys|all))"
    r"(?:\s+(?:here|else))?\s+(?:know|remember|have\s+any\s+idea)(?:\s+(?:if|whether))?"
    r"|(?:any\s?(?:one|body)|some\s?(?:one|body))\s+(?:know|knows|remember|remembers)"
    r"|(?:can|could)\s+(?:any\s?(?:one|body)|some\s?(?:one|body)|you)\s+(?:tell\s+me|help)"
    r"|quick\s+(?:q|question|one)|random\s+question|weird\s+question|dumb\s+question"
    r"|(?:thanks|thank\s+you)(?:\s+(?:so|very)\s+much)?(?:\s+in\s+advance)?"
    r"|is\s+(?:that|this|it)\s+(?:actually|even|really)\s+(?:real|true)"
    r"|(?:i|we)\s+(?:can'?t|cannot|couldn'?t)\s+(?:remember|recall|find\s+it)"
    r"|(?:i|we)\s+(?:totally\s+|completely\s+)?(?:forgot|forget)"
    r"|(?:i'?m|i\s+am)\s+(?:so\s+|pretty\s+|really\s+)?(?:confused|curious|wondering)"
    r"|(?:i|we)\s+(?:was|were)\s+(?:wondering|talking|arguing|debating|reading|watching)"
    r"|(?:sorry\s+if\s+this\s+(?:was|has\s+been)\s+(?:already\s+)?asked(?:\s+already)?)"
    r"|(?:hope|hoping)\s+(?:everyone|you|y'?all)\s+(?:is|are)\s+(?:having\s+)?(?:a\s+)?"
    r"(?:good|great|well)(?:\s+(?:day|week|weekend))?"
    r"|(?:good|happy)\s+(?:morning|afternoon|evening|friday|monday)"
    r"|long\s+time\s+lurker|first\s+time\s+post(?:ing|er)|in\s+advance"
    r"|(?:settle|help)\s+(?:an\s+)?(?:argument|debate|bet)(?:\s+for\s+(?:me|us))?"
    r"|(?:i|i'?ll|we'?ll)\s+(?:promise|swear|admit)|no\s+idea"
    r"|(?:now\s+)?it'?s\s+(?:been\s+)?bugging\s+me(?:\s+all\s+day)?"
    r"|(?:if\s+)?(?:that|this)\s+makes\s+sense"
    r")\b",
    re.IGNORECASE,
)

# Words that only carry the chat: never content, whatever the length of the message.
_FILLER_WORDS = _words("""
hey hi hello hiya heya yo sup guys folks everyone everybody y'all yall lol lmao lmfao rofl
omg omfg ok okay okey um umm uh uhh hmm haha hahaha lurker pls please thanks thx tbh imo
imho idk btw fyi honestly literally basically anyone anybody someone somebody sorry actually
seriously totally
""")

# In a long message (a story before the question) the people and the talk around the
# question are frame, not content.
_STORY_WORDS = _words("""
cousin cousins coworker coworkers colleague colleagues friend friends buddy bff bro sis
brother sister mom mum dad mother father grandma grandpa granny grandmother grandfather
uncle aunt auntie nephew niece roommate flatmate husband wife partner boyfriend girlfriend
boss neighbor neighbour kids swears swear swore insists insisted insist keeps kept arguing
say says saying go going back forth bit supposed stuff pretty sure wrong kind funny guy
something like want question together trivia office ask asking asked know answer sad fan
thing things whole lol promise weird random
argued argue argument debating debate bet bugging confused curious wondering wonder remember
remembered forgot forget recall guess trivia chat discord server group
""")
_LONG = 150

_NEWS_WORDS = _words("""
news new latest update updates happening happened going headlines today tonight week
anything any what's whats what is are there the on about me tell give fill in up recent
recently currently current now happen going everything world stories story top this going's
""")
_NEWS_ASK = re.compile(
    r"\b(news|headlines?|what'?s\s+(?:new|happening|going\s+on)|anything\s+(?:new|happening)"
    r"|what\s+(?:happened|is\s+happening)|updates?|fill\s+me\s+in|catch\s+me\s+up)\b",
    re.IGNORECASE,
)
_RECENT = re.compile(
    r"\b(now|right\s+now|latest|so\s+far|still|currently|current|this\s+(?:week|month|year)"
    r"|today|tonight|yesterday|next|newest|recent|recently|any\s+updates?|update|updates"
    r"|at\s+the\s+moment|these\s+days|as\s+of)\b",
    re.IGNORECASE,
)
# Words that say *when* (the as-of day and the recency prior take care of it), not *what*.
_WHEN_ONLY = re.compile(
    r"\b(?:right\s+now|at\s+the\s+moment|currently|so\s+far|these\s+days|nowadays"
    r"|as\s+of\s+(?:now|today)|(?:this|last)\s+(?:week|weekend)|latest|newest|yet)\b",
    re.IGNORECASE,
)
_HOW_MUCH = re.compile(r"\bhow\s+(?:much|many)\b", re.IGNORECASE)
_NON_LATIN = re.compile(r"[\u0400-\u04ff\u0590-\u06ff\u0900-\u0dff\u0e00-\u0eff"
                        r"\u3040-\u30ff\u3400-\u9fff\uac00-\ud7af]")


@dataclass(frozen=True, slots=True)
class QueryPlan:
    """What `understand` found in one message (module docstring)."""

    text: str
    language: str = "en"
    headlines: bool = False
    recency: float = 0.0
    news: bool = False
    focus: str | None = None

    @property
    def is_english(self) -> bool:
        """True when the message is taken to be in English."""
        return self.language == "en"


@functools.cache
def _profiles() -> dict[str, frozenset[str]]:
    """Function words per language code, from ``retrieval/data/languages.txt``."""
    text = (resources.files("retrieval") / "data" / "languages.txt").read_text(encoding="utf-8")
    profiles: dict[str, frozenset[str]] = {}
    for line in text.splitlines():
        line = line.split("#", 1)[0].strip()
        if line:
            code, _, words = line.partition(":")
            profiles[code.strip()] = frozenset(words.split())
    return profiles


def detect_language(text: str) -> str:
    """``"en"`` or the code of the language whose function words ``text`` uses most.

    Distinct words are counted, so a repeated word ("la la land") counts once.
    """
    letters = [c for c in text if c.isalpha()]
    if letters and sum(1 for c in letters if _NON_LATIN.match(c)) > len(letters) / 2:
        return "other"
    words = list(dict.fromkeys(w.casefold().replace("\u2019", "'") for w in _WORD.findall(text)))
    profiles = _profiles()
    english = profiles["en"]
    counts = {code: sum(1 for w in words if w in profile and w not in english)
              for code, profile in profiles.items() if code != "en"}
    ours = sum(1 for w in words if w in english)
    code, best = max(counts.items(), key=lambda item: item[1], default=("en", 0))
    if best >= 2 and best > ours:
        return code
    if best >= 1 and ours == 0 and len(words) <= 4 and any(
        c in "äöüßñ¿¡çãõàèìòùâêîôûœ" for c in text.casefold()
    ):
        return code
    return "en"


def _spell_out(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        word = match.group(0)
        if word == "u":
            return "you"
        return _SPELLED_OUT.get(word.casefold(), word)

    return re.sub(r"(?<![\w'.])[\w/']+(?![\w']|\.\w)", replace, text)


def strip_fillers(text: str) -> str:
    """``text`` without chat fillers (phrases, words and, when long, the story frame)."""
    long = len(text) >= _LONG
    text = _FILLER_PHRASES.sub(" ", _spell_out(text))
    dropped = _FILLER_WORDS | _STORY_WORDS if long else _FILLER_WORDS

    def keep(match: re.Match[str]) -> str:
        word = match.group(0)
        return " " if word.casefold().replace("\u2019", "'") in dropped else word

    text = _WORD.sub(keep, text)
    return " ".join(text.split())


def _asks_headlines(text: str) -> bool:
    """A request for news that names nothing: every word is a news or function word."""
    if not _NEWS_ASK.search(text):
        return False
    words = [w.casefold().replace("\u2019", "'") for w in _WORD.findall(text)]
    return bool(words) and all(w in _NEWS_WORDS for w in words)


_SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
_ASKING = re.compile(
    r"^\W*(?:who|whom|whose|what|what's|which|when|where|why|how|is|are|was|were|did|does|do"
    r"|can|could|will|has|have|any)\b",
    re.IGNORECASE,
)


def focus_of(query: str) -> str | None:
    """The asking sentence of a long message, fillers removed (None when short or none)."""
    if len(query) < _LONG:
        return None
    sentences = [m.group(0) for m in _SENTENCE.finditer(_spell_out(query))]
    asking = [s for s in sentences if "?" in s] or [s for s in sentences if _ASKING.match(s)]
    if not asking:
        return None
    return strip_fillers(asking[-1]) or None


def understand(query: str) -> QueryPlan:
    """The `QueryPlan` of one member message (module docstring)."""
    language = detect_language(query)
    if language != "en":
        return QueryPlan(text=query, language=language)
    text = strip_fillers(query)
    if _asks_headlines(text):
        return QueryPlan(text=text, headlines=True, recency=1.0, news=True)
    text = _HOW_MUCH.sub("how", text)  # the answer type is read from the raw question
    news = bool(_NEWS_ASK.search(text))
    recency = 1.0 if news or _RECENT.search(text) else 0.0
    topic = " ".join(_WHEN_ONLY.sub(" ", text).split()) if recency else text
    return QueryPlan(text=topic or text or query, recency=recency, news=news,
                     focus=focus_of(query))
