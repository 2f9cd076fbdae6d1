"""Lines that are not article prose: never shown as an answer or as a passage's neighbour.

News pages carry text that the extractor keeps but that is not the article speaking:

* related links and cross-promotions, a label and a colon: "MORE: ...", "RELATED: ...",
  "Photos: ...", "VISUAL EXPLAINER: ...", "Read more: ...", "►Related: ...";
* another story's headline glued to a colon with no space ("Why she did it:Republican
  lawmakers ..."), when what follows has no closing stop (a headline, not a sentence);
* photo captions ending in (or opening with) a credit ("... Chris Jackson/Getty Images"),
  gallery counters ("Hide Caption 3 of 49");
* correction notices filed under a section label ("News: A previous version of this story
  ...") and navigation cells ("Skip advert", "Advertisement", "Share this with").

They stay in the stored article and in the index (a sentence's neighbours and the article
level still see them); `is_prose` is what the answer path asks before showing a sentence.
``bench/quality.py prose`` counts the lines this removes from RealTime QA and BBC News and
checks that the answers of the RealTime QA gold questions are still in prose sentences.
"""

from __future__ import annotations

import re

__all__ = ["is_prose"]

_PROMO = re.compile(
    r"^\W{0,3}(?:MORE|More|RELATED|Related|READ\s+MORE|Read\s+more|READ|SEE\s+ALSO|See\s+also"
    r"|ALSO\s+READ|Also\s+read|WATCH|Watch|LISTEN|Listen|VIDEO|Video|PHOTOS?|Photos?"
    r"|VISUAL\s+EXPLAINER|Visual\s+explainer|GALLERY|Gallery|Previously|PREVIOUSLY|PROFILE"
    r"|Opinion|OPINION|Fact\s+check|FACT\s+CHECK|Subscribe|SUBSCRIBE|Sign\s+up|Newsletter"
    r"|Podcast|PODCAST|Trending|TRENDING|Recommended|Contributing|CONTRIBUTING|Explainer"
    r"|EXPLAINER|Analysis|ANALYSIS|Hide\s+Caption|Editor'?s\s+note|Also|ALSO)\s*:",
)
_GLUED = re.compile(r"^\W{0,3}[A-Z0-9][^:.!?]{0,70}[^\W\d]:(?=[\"'\u2018\u201c]?[A-Z])")
_TERMINAL = re.compile(r"[.!?\u2026][\"'\u201d\u2019)]*$")
_CORRECTION = re.compile(
    r"^(?:News|Sports|Money|Life|Travel|Tech|Opinion|Nation|World|Politics|Entertainment)\s*:"
    r"\s*(?:A|An|In)\s+(?:previous|earlier|prior|some)\b|^This (?:story|column|article) has "
    r"been (?:updated|corrected)"
)
_CREDIT_AGENCIES = (
    r"Getty\s+Images|AFP|AP|Reuters|Shutterstock|EPA|EPA-EFE|Bloomberg|Anadolu\s+Agency"
    r"|Pool|NurPhoto|SOPA\s+Images|LightRocket|Sipa\s+USA|USA\s+TODAY(?:\s+Sports)?"
    r"|The\s+Washington\s+Post|Alamy|PA\s+Media|PA"
)
_CREDIT_END = re.compile(rf"(?:/|\bvia\s+)(?:[\w.'\u2019 -]+/)*(?:{_CREDIT_AGENCIES})\W*$")
_CREDIT_START = re.compile(rf"^[A-Z][\w.'\u2019-]*(?:\s+[A-Z][\w.'\u2019-]*){{0,3}}/(?:[\w .-]+/)*"
                           rf"(?:{_CREDIT_AGENCIES})\b")
_GALLERY = re.compile(r"\bHide\s+Caption\s+\d+\s+of\s+\d+\b|^\s*Caption\s*:|\(Photo(?:s)?\s+by\b")
_NAVIGATION = re.compile(
    r"^\W*(?:Skip\s+advert|Advertisement|ADVERTISEMENT|Share\s+this\s+with|Copy\s+this\s+link"
    r"|Click\s+here|Sign\s+up\s+for|Continue\s+reading|Story\s+continues(?:\s+below)?"
    r"|Share\s+on\s+(?:Facebook|Twitter)|Follow\s+us\s+on|Image\s+caption|Media\s+caption"
    r"|Image\s+source|Getty\s+Images)\b\W*"
)


def is_prose(text: str) -> bool:
    """False for a related-link line, cross-promotion, photo caption or navigation cell."""
    stripped = text.strip()
    if not stripped:
        return False
    if _PROMO.match(stripped) or _CORRECTION.match(stripped) or _GALLERY.search(stripped):
        return False
    if _GLUED.match(stripped) and not _TERMINAL.search(stripped):
        return False  # another story's headline; "City:It was ..." prose ends in a stop
    if _CREDIT_END.search(stripped) or _CREDIT_START.match(stripped):
        return False
    return not _NAVIGATION.match(stripped) or len(stripped) > 80
