"""Paywall prompts: "Subscribe to continue reading", "Only subscribers can read this article".

A prompt is recognised only where a sentence starts (a line's start, or after ". ", "? ",
" — " ...) and only in the last 300 characters of a line, so news prose that mentions
subscribers ("Netflix added 2 million subscribers") is never taken for one.
`corpus.boilerplate.clean_body` drops a line that starts with a prompt, cuts a line off where
a prompt ends it, and marks the article partial.
"""

from __future__ import annotations

import re

# What a prompt asks for (_ACCOUNT), to do what (_READ), with what (_WHOLE), and who may.
_ACCOUNT = (
    r"(?:subscribe|register|sign[ -]?up|sign[ -]?in|log[ -]?in|login|create (?:a |an |your )?"
    r"(?:free )?account|become (?:a |an )?(?:paying |digital )?(?:subscriber|member|insider)"
    r"|join (?:now|today)|start (?:your|a) (?:free )?(?:trial|subscription)"
    r"|(?:buy|get|purchase) (?:a |an )?(?:digital )?(?:subscription|membership))"
)
_READ = (
    r"(?:read\b|continue reading|keep reading|finish reading|continue(?=\W*$)"
    r"|(?:continue|keep) enjoying|view (?:this|the|our|full)|access (?:this|the|all|full|unlimited"
    r"|our|premium)|unlock|see the (?:full|rest|whole)|get (?:full|unlimited|instant|complete)"
    r"|enjoy (?:full|unlimited))"
)
_PIECE = r"(?:article|story|piece|report|content|page|feature|column|interview|post)s?"
_WHOLE = (
    rf"(?:(?:the|this|our) (?:full |whole |entire |complete |rest of (?:the |this )?)?{_PIECE}"
    r"|the rest\b|full access|unlimited (?:digital )?access)"
)
_READERS = (
    r"(?:our )?(?:paying |paid |registered |digital |premium |logged-in |print )?"
    r"(?:subscribers|members|users|readers)"
)
_PAYWALL_PROMPT = re.compile(
    "|".join(
        (
            # "Subscribe to continue reading", "Register to read the rest of this article",
            # "Log in or subscribe to continue", "Subscribe now for full access".
            rf"(?:please )?{_ACCOUNT}(?: (?:now|today|here|for free|free|online))?"
            rf"(?: (?:or|and|/) {_ACCOUNT})?(?: (?:now|today|for free|to your account))?,?"
            rf" (?:to|and|for|&) (?:{_READ}|{_WHOLE})",
            # "To read the full story, subscribe now", "To continue reading, please log in".
            rf"to (?:read|continue|keep reading|access|view|unlock|finish reading|see)\b"
            rf"[^.!?]{{0,60}}?,? (?:please |simply |just |you(?:'ll| will)? (?:need|have) to "
            rf"|you must )?(?:{_ACCOUNT}|be (?:a |an )?(?:subscriber|member|logged in"
            rf"|signed in))",
            # "Only subscribers can read this article".
            rf"only {_READERS}(?: can| may| are able to)? {_READ}[^.!?]{{0,20}}?{_WHOLE}",
            # "This article is for subscribers only", "The rest of this story is available
            # to members", "This content is exclusive to subscribers".
            rf"(?:this|the (?:rest|remainder) of (?:this|the)|the full|the complete)"
            rf"(?: {_PIECE})? (?:is|are) (?:only |exclusively )?(?:available |reserved |open"
            rf" |exclusive )?(?:only |exclusively )?(?:to|for|with) (?:{_READERS}"
            rf"|(?:a |an )?(?:subscription|membership|account))",
            rf"this is (?:a |an )?(?:subscriber|member|premium|paid|exclusive)(?:[- ]only"
            rf"|[- ]exclusive)? {_PIECE}",
            # Labels: "Subscribers only", "Members-only content", "Premium content".
            rf"(?:for )?(?:subscribers?|members?|premium|paid|registered users?)[- ]only"
            rf"(?: {_PIECE}| access)?\W*$",
            rf"(?:subscriber|member|premium)s?[- ]exclusive(?: {_PIECE})?\W*$",
            rf"premium {_PIECE}\W*$",
            rf"exclusive(?:ly)? (?:content )?(?:for|to) {_READERS}",
            # "Subscription required", "A subscription is required to read this article".
            r"(?:a |an )?(?:paid |digital |premium )?(?:subscription|login|log-in|sign-in"
            rf"|account|membership) (?:is )?required(?:\W*$| to {_READ})",
            # "Keep reading with a subscription", "Continue reading your article with a WSJ
            # subscription", "Keep reading for free".
            r"(?:keep|continue) reading\b[^.!?]{0,40}?\b(?:with|for) (?:a |an |your |our )?"
            r"[^.!?]{0,30}?\b(?:subscription|account|membership|trial|login|digital access)",
            r"(?:keep|continue) reading (?:for (?:just |only )?(?:free|[$\u00a3\u20ac]\d)"
            r"|by (?:subscribing|signing|logging|registering|creating))",
            # "Already a subscriber? Log in", "Already have an account? Sign in".
            r"already (?:a |an )?(?:subscriber|member|registered|subscribed|have an account)",
            # "Get full access", "Get unlimited digital access".
            r"(?:get|gain|enjoy|unlock|for) (?:full|unlimited|instant|complete|premium|all)[- ]"
            r"(?:digital )?access\b",
            # Meters: "You have reached your free article limit", "You have 2 free articles left".
            r"(?:you(?:'|\u2019)ve|you have) (?:reached|used|hit|read) (?:your|all (?:of )?your"
            r"|the|\d+)\b[^.!?]{0,40}?\b(?:limit|free|articles?|stories)",
            r"you have (?:\d+|one|two|three|no) (?:more )?free (?:articles?|stories)",
            r"(?:\d+ )?free (?:articles?|stories) (?:limit|remaining|left)",
            rf"unlock (?:this|the full|the rest of this|the whole|the entire) {_PIECE}",
            r"(?:start|begin) your free trial",
            r"want to (?:read|keep reading|continue reading)(?: more| the full story| on)?\W*",
            # "You need a subscription to read this article", "You must be logged in to view".
            r"(?:you need|you must|you'll need|you will need)(?: to)?(?: be)?(?: a| an)?"
            r" (?:subscriber|member|subscription|logged in|signed in|sign in|log in|register"
            rf"|subscribe|account)\b[^.!?]{{0,30}}? to {_READ}",
            rf"read (?:the )?(?:full|whole|rest of the|entire) {_PIECE}? ?(?:with|by) (?:a |an"
            r" |your )?(?:subscription|subscribing|account|membership)",
            r"support (?:our|independent|quality|local) journalism\b[^.!?]{0,40}?\b"
            r"(?:subscrib|become a member)",
        )
    ),
    re.I,
)
PAYWALL_MAX_CHARS = 300  # a prompt and what follows it on its line are at most this long
# Cheap substring test before the paywall regex: every prompt holds one of these.
_PAYWALL_HINTS = ("subscri", "regist", "sign", "log", "member", "access", "account", "limit",
                  "unlock", "trial", "premium", "exclusive", "required", "journalism", "free",
                  "want to", "reached", "reading")
# Where a sentence may start inside a line: after ". ", "? ", "! ", "… ", or a " — ".
_SENTENCE_STARTS = re.compile(r"(?:[.!?\u2026][\"'\u201d\u2019)\]]*|\s[-\u2013\u2014|])\s+")
_PROMPT_LEAD = " \t*\u2022\u203a\u00bb>|-\u2013\u2014\"'\u201c\u2018("


def paywall_start(line: str) -> int | None:
    """Return where the paywall prompt in ``line`` starts, or ``None`` when it has none.

    A prompt counts only at the start of a sentence (the line's start, or after ". ",
    "? ", " — " ...), and only when the text from there to the end of the line is short:
    "Only subscribers can read this article" is a prompt, "Netflix added 2 million
    subscribers" is not.
    """
    tail_start = max(0, len(line) - PAYWALL_MAX_CHARS)
    tail = line[tail_start:].lower()
    if not any(hint in tail for hint in _PAYWALL_HINTS):
        return None
    starts = [match.end() for match in _SENTENCE_STARTS.finditer(line, max(0, tail_start - 8))]
    for start in [0, *starts] if tail_start == 0 else starts:
        if start < tail_start:
            continue
        position = start
        while position < len(line) and line[position] in _PROMPT_LEAD:
            position += 1
        if _PAYWALL_PROMPT.match(line, position):
            return start
    return None
