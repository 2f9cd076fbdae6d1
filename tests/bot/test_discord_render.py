"""The pure Discord renderer: one test per limit, escaping, and DISC-03 / 04 / 06."""

from __future__ import annotations

import re

import pytest

from bot.discord_embeds import EmbedSpec, Field, embed_length, fit_embed
from bot.discord_render import abstain_text, answer_content, answer_embed
from bot.discord_text import (
    BUTTON_URL_LIMIT,
    CONTENT_LIMIT,
    DESCRIPTION_LIMIT,
    ELLIPSIS,
    EMBED_TOTAL_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    Text,
    button_url,
    choice_name,
    escape,
    fit,
    message,
    render_marked,
    usable_url,
)
from retrieval.tokenization import tokenize
from retrieval.types import Answer, Document, ScoredPassage, Sentence

BUDGET_TEXT = (
    "Line items include " + ", ".join(f"item {i} at {i} million" for i in range(1, 110)) + "."
)
DISC04_TEXT = (
    "Line items include " + ", ".join(f"item {i} at {i} million" for i in range(1, 260)) + "."
)
DISC06_TEXT = (
    "Staff called the plan ```Project Lark and hid notes in ||spoiler bars|| with **bold** "
    "__underlines__ and [click here](https://evil.example/) links."
)
WORDS = "The council met again to discuss the harbour plan in great detail "


def _answer(
    sentences: list[str],
    question: str,
    *,
    best: int = 0,
    title: str | None = "A headline",
    source: str | None = "Example Times",
    url: str | None = "https://news.example/a",
    published: str | None = "2026-04-01",
) -> Answer:
    parts, cursor = [], 0
    for position, text in enumerate(sentences):
        parts.append(Sentence(position, 0, cursor, cursor + len(text), text))
        cursor += len(text) + 1
    document = Document(1, title, source, url, published, tuple(parts))
    hit = ScoredPassage(document, best, tuple(parts), 3.0, 1)
    return Answer(question, tuple(tokenize(question)), (hit,))


def _unescaped(text: str, chars: str) -> list[str]:
    """Markdown characters in ``text`` not preceded by a backslash escape."""
    found, index = [], 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] in chars:
            found.append(text[index])
        index += 1
    return found


def _without_bold(text: str) -> str:
    return re.sub(r"\*\*([^*]+?)\*\*", r"\1", text)


def _cut_cleanly(rendered: str, raw: str) -> None:
    """The text before the ellipsis ends at a word end of ``raw`` (never mid-word)."""
    assert rendered.endswith(ELLIPSIS)
    kept = _without_bold(rendered[: -len(ELLIPSIS)]).replace("\\", "").rstrip()
    assert raw.startswith(kept)
    following = raw[len(kept) : len(kept) + 1]
    assert following == "" or not following.isalnum()


# -- one test per limit ---------------------------------------------------------------


def test_content_limit_2000() -> None:
    answer = _answer([WORDS * 60], "harbour plan")
    content = answer_content(answer)
    assert len(content) <= CONTENT_LIMIT
    _cut_cleanly(content.split("\n\n")[0], WORDS * 60)


def test_title_limit_256() -> None:
    raw = "Council " + "very " * 60 + "long headline"
    title = fit_embed(EmbedSpec(title=Text(raw)))["title"]
    assert len(title) <= TITLE_LIMIT
    _cut_cleanly(title, raw)


def test_description_limit_4096() -> None:
    raw = WORDS * 100
    description = fit_embed(EmbedSpec(description=Text(raw)))["description"]
    assert len(description) <= DESCRIPTION_LIMIT
    _cut_cleanly(description, raw)


def test_field_name_limit_256_and_value_limit_1024() -> None:
    field = fit_embed(EmbedSpec(fields=[Field(Text(WORDS * 10), Text(WORDS * 30))]))["fields"][0]
    assert len(field["name"]) <= FIELD_NAME_LIMIT
    assert len(field["value"]) <= FIELD_VALUE_LIMIT
    _cut_cleanly(field["name"], WORDS * 10)
    _cut_cleanly(field["value"], WORDS * 30)


def test_footer_limit_2048() -> None:
    footer = fit_embed(EmbedSpec(footer=WORDS * 50))["footer"]["text"]
    assert len(footer) <= FOOTER_LIMIT
    _cut_cleanly(footer, WORDS * 50)


def test_at_most_25_fields() -> None:
    spec = EmbedSpec(fields=[Field(Text(f"n{i}"), Text("v")) for i in range(40)])
    assert len(fit_embed(spec)["fields"]) == FIELD_COUNT_LIMIT


def test_total_limit_6000() -> None:
    spec = EmbedSpec(
        title=Text(WORDS * 10),
        description=Text(WORDS * 100),
        fields=[Field(Text(WORDS * 5), Text(WORDS * 20)) for _ in range(25)],
        footer=WORDS * 40,
    )
    embed = fit_embed(spec)
    assert embed_length(embed) <= EMBED_TOTAL_LIMIT
    assert embed["title"]
    assert embed["footer"]["text"]


def test_total_limit_keeps_fields_when_the_description_can_shrink() -> None:
    spec = EmbedSpec(description=Text(WORDS * 100),
                     fields=[Field(Text("name"), Text(WORDS * 14)) for _ in range(3)])
    embed = fit_embed(spec)
    assert len(embed["fields"]) == 3
    assert embed_length(embed) <= EMBED_TOTAL_LIMIT


def test_choice_names_within_100() -> None:
    assert len(choice_name("word " * 50)) <= 100


# -- URLs -----------------------------------------------------------------------------


def test_url_in_a_slot_is_whole_or_absent() -> None:
    url = "https://news.example/" + "a" * 600
    assert fit(Text("short text", url=url), FIELD_VALUE_LIMIT).endswith(url)
    fitted = fit(Text(WORDS * 30, url=url), FIELD_VALUE_LIMIT)
    assert len(fitted) <= FIELD_VALUE_LIMIT
    assert fitted.endswith(url)
    too_long = "https://news.example/" + "a" * 1100
    fitted = fit(Text(WORDS * 30, url=too_long), FIELD_VALUE_LIMIT)
    assert "https://" not in fitted
    assert len(fitted) <= FIELD_VALUE_LIMIT


def test_cut_never_falls_inside_a_url_in_text() -> None:
    url = "https://news.example/" + "b" * 80
    raw = "See " + url + " for the full story of the harbour plan."
    assert fit(Text(raw), 60) == "See" + ELLIPSIS
    assert fit(Text(raw), 108) == "See " + url + ELLIPSIS


def test_link_button_only_for_short_http_urls() -> None:
    assert button_url("https://news.example/x") == "https://news.example/x"
    assert button_url("https://news.example/" + "a" * BUTTON_URL_LIMIT) is None
    assert button_url("javascript:alert(1)") is None
    assert usable_url("/relative/path") is None
    assert usable_url("https://news.example/has space") is None


# -- escaping -------------------------------------------------------------------------


def test_escape_makes_markdown_literal_and_masked_links_dead() -> None:
    escaped = escape(DISC06_TEXT)
    assert not _unescaped(escaped, "*_`|~[]")
    assert "\\[click here\\](https://evil.example/)" in escaped


def test_mentions_cannot_ping() -> None:
    escaped = escape("hi @everyone and @here and <@123456789012345678> and <@&123456789012345678>")
    assert "@everyone" not in escaped
    assert "@here" not in escaped
    assert "<@123456789012345678>" not in escaped
    assert "<@&123456789012345678>" not in escaped


def test_bold_markers_added_after_escaping_are_the_only_live_markdown() -> None:
    raw = "The **bold** plan and the _plan_ of [x](y)"
    rendered = render_marked(raw, [(13, 17)])
    assert rendered.startswith("The \\*\\*bold\\*\\* **plan** and")
    assert not _unescaped(_without_bold(rendered), "*_`|~[]")


@pytest.mark.parametrize("limit", [40, 77, 120, 333])
def test_cut_never_splits_bold_or_an_escape(limit: int) -> None:
    answer = _answer(["The **harbour** plan: harbour_plan harbour plan " * 20], "harbour plan")
    description = fit(Text(" ".join(s.text for s in answer.hits[0].sentences),
                           tuple((a, b) for a, b in _spans(answer))), limit)
    assert len(description) <= limit
    body = description.removesuffix(ELLIPSIS).rstrip()
    assert not body.endswith("\\")
    assert len(re.findall(r"(?<!\\)\*\*", body)) % 2 == 0


def _spans(answer: Answer) -> list[tuple[int, int]]:
    from retrieval.answer import match_spans

    text = " ".join(s.text for s in answer.hits[0].sentences)
    return match_spans(text, answer.query_terms)


def test_footer_is_plain_text_not_escaped() -> None:
    answer = _answer(["The plan was approved."], "plan", source="Example_Press")
    assert answer_embed(answer)["footer"]["text"].startswith("Example_Press · 2026-04-01")


def test_sentence_boundary_preferred_over_word_boundary() -> None:
    raw = "The first sentence is quite a bit longer here. " + "word " * 40
    assert fit(Text(raw), 60) == "The first sentence is quite a bit longer here. " + ELLIPSIS
    short = "Short one. " + "word " * 40
    assert fit(Text(short), 60).endswith("word" + ELLIPSIS)


def test_a_single_overlong_word_is_cut_as_a_last_resort() -> None:
    fitted = fit("a" * 600, 40)
    assert len(fitted) <= 40
    assert fitted.endswith(ELLIPSIS)


def test_messages_and_abstentions_fit() -> None:
    assert len(message("x " * 3000)) <= CONTENT_LIMIT
    empty = Answer("q", ("q",), (), reason="empty_corpus")
    assert "/corpus add" in abstain_text(empty)
    assert answer_content(empty) == abstain_text(empty)


# -- Discord's <...> syntax (DISC-06 kind): shown literally, never live ------------------

ANGLE_SYNTAX = [
    ("<#123>", "\\<#123>"),
    ("<t:1700000000:R>", "\\<t:1700000000:R>"),
    ("<t:1700000000>", "\\<t:1700000000>"),
    ("</ask:123>", "\\</ask:123>"),
    ("</ask sub:123>", "\\</ask sub:123>"),
    ("<:party_parrot:123>", "\\<:party\\_parrot:123>"),
    ("<a:dance:123>", "\\<a:dance:123>"),
    ("<@1>", "\\<@1>"),
    ("<@!1>", "\\<@!1>"),
    ("<@&1>", "\\<@&1>"),
    ("<@!123456789012345678>", "\\<@\u200b!123456789012345678>"),
    ("<@&123456789012345678>", "\\<@\u200b&123456789012345678>"),
    ("<id:customize>", "\\<id:customize>"),
]


def _live_angles(text: str) -> list[int]:
    """Offsets of ``<`` that Discord could parse: not escaped and not a ``<https://...>`` link."""
    found, index = [], 0
    while index < len(text):
        if text[index] == "\\":
            index += 2
            continue
        if text[index] == "<" and not text.startswith("<https://", index):
            found.append(index)
        index += 1
    return found


@pytest.mark.parametrize(("raw", "expected"), ANGLE_SYNTAX)
def test_escape_neutralises_discord_angle_syntax(raw: str, expected: str) -> None:
    assert escape(raw) == expected
    assert escape(f"see {raw}, then {raw}.") == f"see {expected}, then {expected}."


def test_everyone_and_here_keep_their_zero_width_space() -> None:
    assert escape("@everyone and @here") == "@\u200beveryone and @\u200bhere"


def test_angle_bracket_links_stay_links_and_escaped_backslashes_stay_literal() -> None:
    assert escape("see <https://news.example/a> now") == "see <https://news.example/a> now"
    assert escape("2 < 3 and a\\<#1>") == "2 \\< 3 and a\\\\\\<#1>"
    assert escape("[x](<#1>)") == "\\[x\\](\\<#1>)"


@pytest.mark.parametrize(("raw", "expected"), ANGLE_SYNTAX)
def test_angle_syntax_is_literal_in_title_passage_fields_and_content(
    raw: str, expected: str
) -> None:
    answer = _answer([f"Join {raw} for the harbour plan."], "harbour plan", title=f"Q3 {raw}")
    embed = answer_embed(answer)
    assert embed["title"] == f"Q3 {expected}"
    assert embed["description"] == f"Join {expected} for the **harbour** **plan**."

    field = fit_embed(EmbedSpec(fields=[Field(Text(f"Name {raw}"), Text(f"Value {raw}"))]))
    assert field["fields"][0]["name"] == f"Name {expected}"
    assert field["fields"][0]["value"] == f"Value {expected}"

    passage, attribution = answer_content(answer).split("\n\n")
    assert passage == f"Join {expected} for the **harbour** **plan**."
    assert attribution == (
        f"— Q3 {expected} · Example Times · 2026-04-01 · sentence 1 of 1\n"
        "<https://news.example/a>"
    )


ANGLE_HEAVY = " ".join(raw for raw, _ in ANGLE_SYNTAX) + " harbour plan "


@pytest.mark.parametrize(
    ("slot", "limit"),
    [
        ("title", TITLE_LIMIT),
        ("description", DESCRIPTION_LIMIT),
        ("field_name", FIELD_NAME_LIMIT),
        ("field_value", FIELD_VALUE_LIMIT),
        ("content", CONTENT_LIMIT),
    ],
)
def test_angle_escapes_count_toward_every_limit_and_are_never_cut(slot: str, limit: int) -> None:
    raw = ANGLE_HEAVY * 40
    answer = _answer([raw], "harbour plan", title=raw)
    embed = answer_embed(answer)
    fields = fit_embed(EmbedSpec(fields=[Field(Text(raw), Text(raw))]))["fields"][0]
    rendered = {
        "title": embed["title"],
        "description": embed["description"],
        "field_name": fields["name"],
        "field_value": fields["value"],
        "content": answer_content(answer).split("\n\n")[0],
    }[slot]
    assert len(rendered) <= limit
    assert rendered.endswith(ELLIPSIS)
    body = rendered.removesuffix(ELLIPSIS).rstrip()
    assert not body.endswith("\\")
    assert _live_angles(rendered) == []
    assert len(re.findall(r"(?<!\\)\*\*", body)) % 2 == 0
    assert len(answer_content(answer)) <= CONTENT_LIMIT
    assert embed_length(embed) <= EMBED_TOTAL_LIMIT


def test_disc_06_kind_discord_syntax_in_article_renders_literally() -> None:
    text = "Staff met in <#123> at <t:1700000000:R>, ran </ask:9> and posted <a:wave:5> to <@&7>."
    answer = _answer(
        [text, "The board approved it."],
        "staff",
        title="Meeting <@!42> @everyone",
        source="Example <#1> Press",
    )
    embed = answer_embed(answer)
    assert embed["title"] == "Meeting \\<@!42> @\u200beveryone"
    assert embed["description"] == (
        "**Staff** met in \\<#123> at \\<t:1700000000:R>, ran \\</ask:9> and posted "
        "\\<a:wave:5> to \\<@&7>. The board approved it."
    )
    assert embed["footer"]["text"].startswith("Example <#1> Press · 2026-04-01")  # not markdown
    content = answer_content(answer)
    assert _live_angles(content) == []
    assert content.endswith(
        "— Meeting \\<@!42> @\u200beveryone · Example \\<#1> Press · 2026-04-01 · "
        "sentence 1 of 2\n<https://news.example/a>"
    )


# -- the shared cases -------------------------------------------------------------------


def test_disc_03_plain_content_under_2000_with_complete_attribution() -> None:
    answer = _answer(
        ["The budget was published on Tuesday.", BUDGET_TEXT,
         "Officials will review it next year."],
        "What are the budget line items?",
        best=1, title="Budget in detail", url="https://news.example/budget",
    )
    content = answer_content(answer)
    assert len(content) <= CONTENT_LIMIT
    passage, attribution = content.split("\n\n")
    assert attribution == (
        "— Budget in detail · Example Times · 2026-04-01 · sentence 2 of 3\n"
        "<https://news.example/budget>"
    )
    assert passage.endswith(ELLIPSIS)
    assert "**item**" in passage


def test_disc_03_attribution_stays_whole_with_long_title_and_url() -> None:
    title = "A fairly long headline about the budget " * 6
    url = "https://news.example/" + "c" * 600
    answer = _answer([BUDGET_TEXT], "budget line items", title=title, url=url)
    content = answer_content(answer)
    assert len(content) <= CONTENT_LIMIT
    assert escape(title) in content
    assert content.endswith(f"<{url}>")


# Case DISC-04 (../shared/cases/cases.jsonl)
def test_disc_04_embed_limits_with_overlong_everything() -> None:
    url = "https://news.example/" + "a" * 600
    answer = _answer(
        [DISC04_TEXT, "A short neighbour sentence follows."],
        "What are the line items?",
        title="Council " + "very " * 60 + "long headline",
        source="Example " * 40,
        url=url,
    )
    embed = answer_embed(answer)
    assert len(embed["title"]) <= TITLE_LIMIT
    assert embed["title"].endswith(ELLIPSIS)
    assert len(embed["description"]) <= DESCRIPTION_LIMIT
    assert embed["description"].endswith(ELLIPSIS)
    assert len(embed["footer"]["text"]) <= FOOTER_LIMIT
    assert embed_length(embed) <= EMBED_TOTAL_LIMIT
    assert embed["url"] == url
    assert button_url(url) is None


def test_disc_06_markdown_in_article_renders_literally() -> None:
    answer = _answer(
        [DISC06_TEXT, "The board approved it."],
        "What did staff call the plan?",
        title="Q3 `draft` report", source="Example_Press", url="https://news.example/q3",
        published="2026-10-01",
    )
    embed = answer_embed(answer)
    assert embed["title"] == "Q3 \\`draft\\` report"
    description = embed["description"]
    assert "**Staff**" in description
    assert "**plan**" in description
    assert not _unescaped(_without_bold(description), "*_`|~[]")
    assert "\\[click here\\](https://evil.example/)" in description

    content = answer_content(answer)
    attribution = content.split("\n\n")[-1]
    assert attribution.startswith(
        "— Q3 \\`draft\\` report · Example\\_Press · 2026-10-01 · sentence 1 of 2"
    )
    assert attribution.endswith("<https://news.example/q3>")
    assert not _unescaped(_without_bold(content), "*_`|~[]")
