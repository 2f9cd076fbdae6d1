"""Sentence splitting: cases SENT-01/03/05/06/08/09/10/12/14 and more inputs of the same kinds."""

# Typographic quotes, dashes and full-width letters are the test inputs

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import retrieval
from retrieval import sentences
from retrieval.sentences import segment, segment_within, split_sentences
from retrieval.types import Sentence

REPO = Path(__file__).resolve().parents[2]


# --- SENT-01: abbreviation at sentence end; titles, initials, months ------------------------


def test_sent_01_acronym_ends_sentence_titles_and_initials_do_not() -> None:
    text = (
        "Negotiators met for three days in the U.S. Officials from both countries then issued "
        "a statement. Gen. A. B. Carter and Mr. D. Evans signed it on Jan. 5."
    )
    assert split_sentences(text) == [
        "Negotiators met for three days in the U.S.",
        "Officials from both countries then issued a statement.",
        "Gen. A. B. Carter and Mr. D. Evans signed it on Jan. 5.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Talks ended in London, U.K. Ministers flew home.",
            ["Talks ended in London, U.K.", "Ministers flew home."],
        ),
        (
            "The office is in Washington, D.C. Critics disagreed.",
            ["The office is in Washington, D.C.", "Critics disagreed."],
        ),
        (
            "She cited the U.N. Security Council. He cited the U.N. The debate ended.",
            ["She cited the U.N. Security Council.", "He cited the U.N.", "The debate ended."],
        ),
        (
            "Sales rose at Acme Corp. Analysts were pleased. Apple Inc. reported results.",
            ["Sales rose at Acme Corp.", "Analysts were pleased.", "Apple Inc. reported results."],
        ),
        (
            "She earned her Ph.D. Then she left. He earned a Ph.D. from Yale.",
            ["She earned her Ph.D.", "Then she left.", "He earned a Ph.D. from Yale."],
        ),
        (
            "Markets closed at 5 p.m. Officials expect a rebound.",
            ["Markets closed at 5 p.m.", "Officials expect a rebound."],
        ),
        (
            "Pens, paper, etc. The shop sells them all.",
            ["Pens, paper, etc.", "The shop sells them all."],
        ),
        (
            "He fell ill. The doctor came.",
            ["He fell ill.", "The doctor came."],
        ),
    ],
)
def test_abbreviation_at_sentence_end_splits_before_capitalised_word(
    text: str, expected: list[str]
) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "The U.S. Senate voted on the bill late on Tuesday.",
        "The U.S. Supreme Court heard the case in the U.K. High Court's absence.",
        "U.S. President Joe Biden met U.K. Prime Minister Rishi Sunak.",
        "The vote starts at 3 p.m. Monday in the main hall.",
        "Apple Inc. Chief Executive Tim Cook spoke to the U.S. FDA panel.",
        "Crowds gathered on Martin Luther King Jr. Day in the capital.",
        "The court ruled in Roe v. Wade, i.e. the 1973 case, e.g. in its summary.",
        "Prosecutors cited 18 U.S. Code 1001 in the indictment.",
    ],
)
def test_abbreviation_inside_sentence_does_not_split(text: str) -> None:
    assert split_sentences(text) == [text]


@pytest.mark.parametrize(
    "text",
    [
        "Dr. Jane Smith and Prof. R. Jones met Sen. Warren, Rep. Ocasio-Cortez and Gov. Newsom.",
        "Lt. Col. J. R. Smith and Sgt. Capt. Miller spoke at St. Mary's Church.",
        "Mrs. K. L. Wong and Ms. Diaz met Rev. T. Brown in St. Louis on Sept. 11.",
        "J.K. Rowling and H.G. Wells were cited by Messrs. Hale and Dr. E.H. Schulz.",
        "The attacks of Sept. 11 and the Feb. 24 invasion were discussed on Oct. 3.",
    ],
)
def test_titles_initials_and_months_never_split(text: str) -> None:
    assert split_sentences(text) == [text]


def test_initial_before_sentence_opener_splits() -> None:
    assert split_sentences("It was plan B. The team agreed. George W. Bush spoke.") == [
        "It was plan B.",
        "The team agreed.",
        "George W. Bush spoke.",
    ]


def test_lower_case_single_letter_is_not_an_initial() -> None:
    assert split_sentences("One a. Two b. Three c.") == ["One a.", "Two b.", "Three c."]


def test_lower_case_letter_abbreviations_before_numbers_and_names() -> None:
    text = "Roe v. Wade. Lefevre (c. 1455) wrote. He was b. 1950 in Ohio. See p. 12 now."
    assert split_sentences(text) == [
        "Roe v. Wade.",
        "Lefevre (c. 1455) wrote.",
        "He was b. 1950 in Ohio.",
        "See p. 12 now.",
    ]


def test_capital_initials_that_are_also_listed_letters_never_split() -> None:
    text = "Running back C. J. Anderson ran. John D. Rockefeller and Lyndon B. Johnson met."
    assert split_sentences(text) == [
        "Running back C. J. Anderson ran.",
        "John D. Rockefeller and Lyndon B. Johnson met.",
    ]


def test_street_abbreviation_ends_sentence_but_saint_does_not() -> None:
    text = "His lab was near Kiowa St. He chose it. They rebuilt St. Peter's Basilica."
    assert split_sentences(text) == [
        "His lab was near Kiowa St.",
        "He chose it.",
        "They rebuilt St. Peter's Basilica.",
    ]


def test_title_case_headline_with_acronym_is_one_sentence() -> None:
    assert split_sentences("U.S. Officials Say Talks Failed in Geneva") == [
        "U.S. Officials Say Talks Failed in Geneva"
    ]


def test_lower_case_title_word_can_end_sentence() -> None:
    assert split_sentences("He called the sales rep. The line was busy.") == [
        "He called the sales rep.",
        "The line was busy.",
    ]


# --- SENT-03: quotes ----------------------------------------------------------------------


def test_sent_03_curly_quotes_and_guillemets_stay_with_their_sentence() -> None:
    text = (
        "“The bridge is safe to use.” Engineers inspected it on Tuesday. “We found no cracks,” "
        "the chief engineer said. «Traffic resumes at noon.» Police agreed."
    )
    assert split_sentences(text) == [
        "“The bridge is safe to use.”",
        "Engineers inspected it on Tuesday.",
        "“We found no cracks,” the chief engineer said.",
        "«Traffic resumes at noon.»",
        "Police agreed.",
    ]


def test_sent_03_straight_quotes_behave_the_same() -> None:
    text = (
        '"The bridge is safe to use." Engineers inspected it on Tuesday. "We found no cracks," '
        "the chief engineer said. 'Traffic resumes at noon.' Police agreed."
    )
    assert split_sentences(text) == [
        '"The bridge is safe to use."',
        "Engineers inspected it on Tuesday.",
        '"We found no cracks," the chief engineer said.',
        "'Traffic resumes at noon.'",
        "Police agreed.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "“Are you safe?” she asked. “Stop!” Smith shouted. “Why?” The crowd dispersed.",
            [
                "“Are you safe?” she asked.",
                "“Stop!” Smith shouted.",
                "“Why?”",
                "The crowd dispersed.",
            ],
        ),
        (
            '"Is it over?" asked the reporter. "Yes!" The minister left.',
            ['"Is it over?" asked the reporter.', '"Yes!"', "The minister left."],
        ),
        (
            "“He told me ‘stop.’” Then he left.",
            ["“He told me ‘stop.’”", "Then he left."],
        ),
        (
            "“We love the U.S.” Officials cheered. “Go home,” the officer said, “now.” It ended.",
            [
                "“We love the U.S.”",
                "Officials cheered.",
                "“Go home,” the officer said, “now.”",
                "It ended.",
            ],
        ),
        (
            "He quit. (He later returned.) The team won.",
            ["He quit.", "(He later returned.)", "The team won."],
        ),
        (
            "«Où est-il ?» demanda-t-elle. «Ici.» Il partit.",
            ["«Où est-il ?» demanda-t-elle.", "«Ici.»", "Il partit."],
        ),
    ],
)
def test_quotes_with_question_exclamation_and_nesting(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# --- SENT-03 kind: speech tags after “…?” / “…!” --------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "He asked, “Is it safe?” She said no.",
            ["He asked, “Is it safe?”", "She said no."],
        ),
        (
            'He asked, "Is it safe?" She said no.',
            ['He asked, "Is it safe?"', "She said no."],
        ),
        ("“Is it safe?” Smith said no.", ["“Is it safe?”", "Smith said no."]),
        ("“Is it safe?” I said no.", ["“Is it safe?”", "I said no."]),
        ("“Stop!” They insisted. Nobody moved.", ["“Stop!”", "They insisted.", "Nobody moved."]),
        ("“Why?” The minister said nothing.", ["“Why?”", "The minister said nothing."]),
        ("'Really?' He's asked that before.", ["'Really?'", "He's asked that before."]),
        ('"Why?" Smith said the plan had failed.', ['"Why?"', "Smith said the plan had failed."]),
        (
            "“Go!” One Two Three Four Five Six Seven said.",
            ["“Go!”", "One Two Three Four Five Six Seven said."],
        ),
    ],
)
def test_capitalised_pronoun_or_untagged_clause_after_question_quote_splits(
    text: str, expected: list[str]
) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "“Is it safe?” she asked.",
        "“Is it safe?” asked Smith.",
        "“Is it safe?” Smith asked.",
        "“Is it safe?” I asked.",
        "“It is safe!” Transport Secretary Louise Haigh said.",
        '"It is safe!" Transport Secretary Louise Haigh said.',
        "“Stop!” Secretary of State Antony Blinken said in a statement.",
        "“Why?” Louise Haigh, the transport secretary, asked on Monday.",
        "“Really?” Mr. J. R. Smith asked quietly.",
        "'Enough!' Ursula von der Leyen wrote on X.",
        "“Stop!” Haigh told reporters on Tuesday.",
        '"Why?" Police said, citing the report.',
        "“Now?” Smith replied",
    ],
)
def test_speech_tag_with_up_to_six_name_words_keeps_quote_and_tag_together(text: str) -> None:
    assert split_sentences(text) == [text]


def test_speech_tag_ends_where_its_clause_ends() -> None:
    text = (
        "“It is safe!” Transport Secretary Louise Haigh said. Others disagreed. "
        '"Is it?" Smith told reporters. They laughed.'
    )
    assert split_sentences(text) == [
        "“It is safe!” Transport Secretary Louise Haigh said.",
        "Others disagreed.",
        '"Is it?" Smith told reporters.',
        "They laughed.",
    ]


# --- Spanish and CJK: no pathological merges ------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Está bien. ¿Vienes? ¡Claro! Nos vemos.",
            ["Está bien.", "¿Vienes?", "¡Claro!", "Nos vemos."],
        ),
        (
            "¿Dónde está? No lo sé. «¿Seguro?» preguntó ella.",
            ["¿Dónde está?", "No lo sé.", "«¿Seguro?» preguntó ella."],
        ),
        (
            "今天天气很好。我们去公园吧！你来吗？好的。",
            ["今天天气很好。", "我们去公园吧！", "你来吗？", "好的。"],
        ),
        ("“你好吗？”他问。我很好。", ["“你好吗？”他问。", "我很好。"]),
        ("「はい。」「いいえ。」", ["「はい。」", "「いいえ。」"]),
        ("中文句子。 English follows. 再见！", ["中文句子。", "English follows.", "再见！"]),
    ],
)
def test_spanish_inverted_marks_and_cjk_stops(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_cjk_segment_offsets_are_exact() -> None:
    body = "今天很好。 我们走吧！\n你来吗？"
    assert segment(body) == [
        Sentence(0, 0, 0, 5, "今天很好。"),
        Sentence(1, 0, 6, 11, "我们走吧！"),
        Sentence(2, 0, 12, 16, "你来吗？"),
    ]


# --- long lines: linear time (no timing asserts; a quadratic splitter would take minutes) ---


def test_two_megabyte_line_of_short_sentences_splits_completely() -> None:
    unit = "“Is it safe?” Smith asked. The U.S. team won 3.5 points. ¿Vienes? 今天很好。好的！ "
    copies = 2_000_000 // len(unit)
    result = split_sentences(unit * copies)
    assert len(result) == 5 * copies
    assert result[:5] == [
        "“Is it safe?” Smith asked.",
        "The U.S. team won 3.5 points.",
        "¿Vienes?",
        "今天很好。",
        "好的！",
    ]
    assert result[-5:] == result[:5]


def test_punkt_runs_only_where_it_can_break_and_reads_each_character_once(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    tokenizer = sentences._tokenizer()
    read: list[int] = []
    original = tokenizer.span_tokenize

    def spy(text: str):  # type: ignore[no-untyped-def]
        read.append(len(text))
        return original(text)

    monkeypatch.setattr(tokenizer, "span_tokenize", spy)
    assert len(split_sentences("The cat sat. “Why?” she asked. " * 20_000)) == 40_000
    assert read == []  # no glued "left.”Next": the rules decide every break

    line = "Officials left.”Next came the vote. " * 10_000
    result = split_sentences(line)
    assert result[:3] == ["Officials left.”", "Next came the vote.", "Officials left.”"]
    assert len(result) == 20_000
    assert sum(read) <= len(line)
    assert max(read) <= 2 * sentences._PUNKT_PIECE


def test_punkt_in_pieces_gives_the_same_sentences_as_whole_lines(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    line = (
        "Officials left.”Next came Gen. A. B. Carter. He said “no.”Then “Why?” Smith asked. "
        "It ended. ” Then the U.S. team won 3.5 points (see Fig. 3.)The end. "
    ) * 40
    whole = split_sentences(line)
    monkeypatch.setattr(sentences, "_PUNKT_PIECE", 64)
    assert split_sentences(line) == whole
    assert whole == [
        "Officials left.”",
        "Next came Gen. A. B. Carter.",
        "He said “no.”",
        "Then “Why?” Smith asked.",
        "It ended. ”",
        "Then the U.S. team won 3.5 points (see Fig. 3.)",
        "The end.",
    ] * 40


def test_long_line_of_quotes_lists_bullets_and_addresses_splits_completely() -> None:
    unit = (
        "Le maire a parlé. « Les travaux », dit-il. »Az új híd.« Der 1. FC Köln spielt am 3. "
        "Mai. Parts: 1. A bridge, 2. A ferry. • Schools close ▪ See www.example.gov/a?(b). "
    )
    copies = 500_000 // len(unit)
    result = split_sentences(unit * copies)
    assert len(result) == 7 * copies
    assert result[:7] == [
        "Le maire a parlé.",
        "« Les travaux », dit-il.",
        "»Az új híd.«",
        "Der 1. FC Köln spielt am 3. Mai.",
        "Parts: 1. A bridge, 2. A ferry.",
        "Schools close",
        "See www.example.gov/a?(b).",
    ]
    assert result[-7:] == result[:7]


@pytest.mark.parametrize(
    "text",
    [
        "a" + "." * 300_000 + "a",
        "End." + "”" * 300_000 + "x",
        "End." + " " * 300_000 + "x",
        "?!" * 150_000,
        "“Why?” " + "Smith " * 50_000 + "said.",
        "lundi. « " * 50_000 + "Les",
        "Parts: " + "1. A, " * 50_000 + "2. B.",
        "See https://x.org/" + "a?(b" * 50_000 + ". Then",
    ],
)
def test_degenerate_long_lines_keep_every_character(text: str) -> None:
    result = split_sentences(text)
    assert "".join(result).replace(" ", "") == text.replace(" ", "")


# --- SENT-05: numbers and ellipsis ---------------------------------------------------------


def test_sent_05_decimals_numbers_and_ellipsis() -> None:
    text = (
        "Inflation reached 3.5 per cent in 2013. Prices fell the following year... Economists "
        "were surprised. The cut was, in a word... unexpected. Fuel cost $1.89 a litre in "
        "No. 4 district."
    )
    assert split_sentences(text) == [
        "Inflation reached 3.5 per cent in 2013.",
        "Prices fell the following year...",
        "Economists were surprised.",
        "The cut was, in a word... unexpected.",
        "Fuel cost $1.89 a litre in No. 4 district.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The plan costs $2.5 billion over 3.5 years. Growth was 0.3 per cent.",
            ["The plan costs $2.5 billion over 3.5 years.", "Growth was 0.3 per cent."],
        ),
        (
            "He waited… Then he left. She paused… and went on.",
            ["He waited…", "Then he left.", "She paused… and went on."],
        ),
        (
            "Votes fell from 1,204 in 2019. 17 seats changed hands.",
            ["Votes fell from 1,204 in 2019.", "17 seats changed hands."],
        ),
        (
            "The answer was no. Officials left. Vol. 2 and Fig. 3 and Art. 5 apply.",
            ["The answer was no.", "Officials left.", "Vol. 2 and Fig. 3 and Art. 5 apply."],
        ),
        (
            "It lives at No. 10 Downing St. The prime minister spoke.",
            ["It lives at No. 10 Downing St.", "The prime minister spoke."],
        ),
        (
            "The show ran . . . Nobody watched.",
            ["The show ran . . .", "Nobody watched."],
        ),
    ],
)
def test_numbers_and_ellipsis(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# --- SENT-08: lines and paragraphs ---------------------------------------------------------

SENT_08_TEXT = (
    "The council met on Monday.\n\nIt approved three projects:\nA new library\nRoad repairs\n"
    "A youth centre\n\nWork starts in May."
)


def test_sent_08_every_line_is_its_own_unit() -> None:
    assert split_sentences(SENT_08_TEXT) == [
        "The council met on Monday.",
        "It approved three projects:",
        "A new library",
        "Road repairs",
        "A youth centre",
        "Work starts in May.",
    ]


def test_sent_08_segment_paragraphs_and_offsets() -> None:
    sentences = segment(SENT_08_TEXT)
    assert [(s.position, s.paragraph, s.text) for s in sentences] == [
        (0, 0, "The council met on Monday."),
        (1, 1, "It approved three projects:"),
        (2, 1, "A new library"),
        (3, 1, "Road repairs"),
        (4, 1, "A youth centre"),
        (5, 2, "Work starts in May."),
    ]
    assert all(SENT_08_TEXT[s.start : s.end] == s.text for s in sentences)


def test_headline_byline_dateline_are_not_merged_into_body() -> None:
    text = "Bridge Reopens After Repairs\nBy Jane Doe\nLONDON, Jan. 5 (Reuters)\nThe bridge opened."
    assert split_sentences(text) == [
        "Bridge Reopens After Repairs",
        "By Jane Doe",
        "LONDON, Jan. 5 (Reuters)",
        "The bridge opened.",
    ]


def test_segment_offsets_exact_with_crlf_and_stray_whitespace() -> None:
    body = "\n\n  Title line  \r\n\r\n\tFirst one. Second one.  \r\nThird\u00a0one.\n \n\nLast."
    sentences = segment(body)
    assert sentences == [
        Sentence(0, 0, 4, 14, "Title line"),
        Sentence(1, 1, 21, 31, "First one."),
        Sentence(2, 1, 32, 43, "Second one."),
        Sentence(3, 1, 47, 57, "Third\u00a0one."),
        Sentence(4, 2, 61, 66, "Last."),
    ]
    assert all(body[s.start : s.end] == s.text for s in sentences)


def test_segment_offsets_match_on_real_text() -> None:
    body = "“Why?” he asked.\n\nThe U.S. Senate met. It ended at 5 p.m. Officials left…\nDone."
    sentences = segment(body)
    assert [s.text for s in sentences] == split_sentences(body)
    assert all(body[s.start : s.end] == s.text for s in sentences)
    assert [s.position for s in sentences] == list(range(len(sentences)))


@pytest.mark.parametrize("text", ["", "   ", "\n\n", " \r\n\t \n", "\u2029"])
def test_blank_text_gives_no_sentences(text: str) -> None:
    assert split_sentences(text) == []
    assert segment(text) == []


def test_closing_quote_without_following_space_stays_with_its_sentence() -> None:
    assert split_sentences("Officials left.”Next came the vote.") == [
        "Officials left.”",
        "Next came the vote.",
    ]


def test_sentences_cover_every_character_once_in_order() -> None:
    body = (
        "“Why?” he asked… “Because!” (See Fig. 3.) The U.S. Senate met at 5 p.m. Monday.\n"
        "It ended... Officials left.”Next came Gen. A. B. Carter's speech; it ran . . . long."
    )
    sentences = segment(body)
    assert "".join(s.text for s in sentences).replace(" ", "") == body.replace(" ", "").replace(
        "\n", ""
    )
    assert all(a.end <= b.start for a, b in itertools.pairwise(sentences))


def test_sentences_are_stripped_and_never_empty() -> None:
    result = split_sentences("  One.   Two!  \n\n  ?  \n Three ")
    assert result == ["One.", "Two!", "?", "Three"]


# --- SENT-09: URLs, e-mail addresses, domains, version numbers -----------------------------


def test_sent_09_addresses_stay_whole_and_a_final_domain_ends_its_sentence() -> None:
    text = (
        "Full details are posted at www.harbourtown.example.gov. Residents can email "
        "floods@harbourtown.example.gov for help. The map at "
        "https://maps.example.org/flood-zones/v2.1/index.html went live on Monday."
    )
    assert split_sentences(text) == [
        "Full details are posted at www.harbourtown.example.gov.",
        "Residents can email floods@harbourtown.example.gov for help.",
        "The map at https://maps.example.org/flood-zones/v2.1/index.html went live on Monday.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Visit example.com. It has the details.",
            ["Visit example.com.", "It has the details."],
        ),
        (
            "See www.bbc.co.uk/news. The page updates hourly.",
            ["See www.bbc.co.uk/news.", "The page updates hourly."],
        ),
        (
            "Write to press@un.org. Spokesman Stéphane Dujarric declined to comment.",
            ["Write to press@un.org.", "Spokesman Stéphane Dujarric declined to comment."],
        ),
        (
            "Download version 3.11.2 from python.org today. It is free.",
            ["Download version 3.11.2 from python.org today.", "It is free."],
        ),
        (
            "The app v2.0 launched. Users cheered. Node.js 20.1 and ASP.NET 8.0.1 followed.",
            [
                "The app v2.0 launched.",
                "Users cheered.",
                "Node.js 20.1 and ASP.NET 8.0.1 followed.",
            ],
        ),
        (
            "Search https://example.com/find?q=(flood)&s='x' or https://example.com/a.(1) now. "
            "It works.",
            [
                "Search https://example.com/find?q=(flood)&s='x' or https://example.com/a.(1) now.",
                "It works.",
            ],
        ),
        (
            "The link is https://example.gov/flood-zones/inc. Residents should check it.",
            ["The link is https://example.gov/flood-zones/inc.", "Residents should check it."],
        ),
        (
            "Email info@city.example.org. The office opens at 9 a.m. on weekdays.",
            ["Email info@city.example.org.", "The office opens at 9 a.m. on weekdays."],
        ),
    ],
)
def test_addresses_and_versions_never_split_inside(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# --- SENT-10: agency datelines --------------------------------------------------------------


def test_sent_10_datelines_stay_with_their_first_sentence() -> None:
    text = (
        "WASHINGTON, D.C. (AP) — The Senate passed the rail bill on Tuesday. It now goes to the "
        "House.\nSALT LAKE CITY — A local firm won a contract to build aircraft parts. Work "
        "starts in May."
    )
    assert split_sentences(text) == [
        "WASHINGTON, D.C. (AP) — The Senate passed the rail bill on Tuesday.",
        "It now goes to the House.",
        "SALT LAKE CITY — A local firm won a contract to build aircraft parts.",
        "Work starts in May.",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "ALBANY, N.Y. (Reuters) - Lawmakers voted on Tuesday. It passed.",
            ["ALBANY, N.Y. (Reuters) - Lawmakers voted on Tuesday.", "It passed."],
        ),
        (
            "LITTLE ROCK, Ark. (AP) — A man was arrested. Police said so.",
            ["LITTLE ROCK, Ark. (AP) — A man was arrested.", "Police said so."],
        ),
        (
            "ST. LOUIS (AP) — The Cardinals won. Fans cheered.",
            ["ST. LOUIS (AP) — The Cardinals won.", "Fans cheered."],
        ),
        (
            "LONDON, Jan. 5 (Reuters) - Britain's economy grew. Analysts cheered.",
            ["LONDON, Jan. 5 (Reuters) - Britain's economy grew.", "Analysts cheered."],
        ),
        (
            "U.S. (Reuters) — The economy grew in the third quarter.",
            ["U.S. (Reuters) — The economy grew in the third quarter."],
        ),
        (
            "WASHINGTON, D.C. — The Senate passed the bill. ANNAPOLIS, Md. — The governor signed.",
            [
                "WASHINGTON, D.C. — The Senate passed the bill.",
                "ANNAPOLIS, Md. — The governor signed.",
            ],
        ),
        (
            "WASHINGTON, D.C. (Associated Press) — The Senate met. It adjourned.",
            ["WASHINGTON, D.C. (Associated Press) — The Senate met.", "It adjourned."],
        ),
        (
            "He moved to the U.S. (Later he returned.) The end.",
            ["He moved to the U.S.", "(Later he returned.)", "The end."],
        ),
        (
            "MT. VERNON, Wash. (AP) -- A fire broke out. WASHINGTON, D.C. (CNN)The Senate met.",
            [
                "MT. VERNON, Wash. (AP) -- A fire broke out.",
                "WASHINGTON, D.C. (CNN)The Senate met.",
            ],
        ),
    ],
)
def test_datelines_never_become_fragments(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# --- SENT-12: inline enumerations and bullets -----------------------------------------------


def test_sent_12_enumeration_stays_whole_and_bullets_start_sentences() -> None:
    text = (
        "The plan has three parts: 1. a new bridge, 2. a ferry link and 3. a bus lane. Key "
        "points: • Schools close at noon • Buses run every hour • The market is cancelled"
    )
    assert split_sentences(text) == [
        "The plan has three parts: 1. a new bridge, 2. a ferry link and 3. a bus lane.",
        "Key points:",
        "Schools close at noon",
        "Buses run every hour",
        "The market is cancelled",
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The plan has three parts: 1. A new bridge, 2. A ferry link and 3. A bus lane. It "
            "costs $2 billion.",
            [
                "The plan has three parts: 1. A new bridge, 2. A ferry link and 3. A bus lane.",
                "It costs $2 billion.",
            ],
        ),
        (
            "Priorities: 1. Housing 2. Transport 3. Schools. The mayor agreed.",
            ["Priorities: 1. Housing 2. Transport 3. Schools.", "The mayor agreed."],
        ),
        (
            "1. Preheat the oven. 2. Mix the flour. The cake takes an hour.",
            ["1. Preheat the oven.", "2. Mix the flour.", "The cake takes an hour."],
        ),
        (
            "It was primes of the form n2 + 1. These are special. Most exceed 2. Legendre agreed.",
            ["It was primes of the form n2 + 1.", "These are special.", "Most exceed 2.",
             "Legendre agreed."],
        ),
        (
            "The team finished 3. The coach resigned in 2013. Fans left.",
            ["The team finished 3.", "The coach resigned in 2013.", "Fans left."],
        ),
        (
            "The winning numbers were: 13-36-45, Mega Ball: 14. The winner was unnamed. Also "
            "injured were Kemery Ortega, 18, and Jessica Lopez, 16. Ten teens were charged.",
            [
                "The winning numbers were: 13-36-45, Mega Ball: 14.",
                "The winner was unnamed.",
                "Also injured were Kemery Ortega, 18, and Jessica Lopez, 16.",
                "Ten teens were charged.",
            ],
        ),
        (
            "Practice starts on Aug. 1. Opening day will be Oct. 2. The season ends on Sept. "
            "23-Oct. 1. Fans are ready.",
            [
                "Practice starts on Aug. 1.",
                "Opening day will be Oct. 2.",
                "The season ends on Sept. 23-Oct. 1.",
                "Fans are ready.",
            ],
        ),
        (
            '"I am 25. I\'m playing against Hewitt." Nominees include Jay-Z. Soul singer Stevie '
            "Wonder will attend.",
            [
                '"I am 25.',
                'I\'m playing against Hewitt."',
                "Nominees include Jay-Z.",
                "Soul singer Stevie Wonder will attend.",
            ],
        ),
        (
            "World's best cabin staff: 1. Garuda Indonesia; 2. Cathay Pacific; 3. Singapore "
            "Airlines. Results came on Tuesday.",
            [
                "World's best cabin staff: 1. Garuda Indonesia; 2. Cathay Pacific; 3. Singapore "
                "Airlines.",
                "Results came on Tuesday.",
            ],
        ),
    ],
)
def test_enumerations_split_only_where_a_sentence_ends(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Closures:• Schools ▪ Libraries ◦ Pools ‣ Parks. Roads are open.",
            ["Closures:", "Schools", "Libraries", "Pools", "Parks.", "Roads are open."],
        ),
        ("• First item\n• Second item ● Third item", ["First item", "Second item", "Third item"]),
        ("Sports • Weather • Traffic", ["Sports", "Weather", "Traffic"]),
        ("A bullet•inside a word is text.", ["A bullet•inside a word is text."]),
    ],
)
def test_bullet_glyphs_start_items_and_belong_to_none(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


def test_bullet_items_have_exact_offsets() -> None:
    body = "Key points: • Schools close at noon •Buses run\n▪ Ferries sail"
    sentences = segment(body)
    assert [s.text for s in sentences] == [
        "Key points:",
        "Schools close at noon",
        "Buses run",
        "Ferries sail",
    ]
    assert all(body[s.start : s.end] == s.text for s in sentences)
    assert {s.paragraph for s in sentences} == {0}


# --- SENT-14: European quotation marks ------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Le maire a parlé lundi. « Les travaux commencent en mai », a-t-il précisé. Les "
            "habitants sont satisfaits.",
            [
                "Le maire a parlé lundi.",
                "« Les travaux commencent en mai », a-t-il précisé.",
                "Les habitants sont satisfaits.",
            ],
        ),
        (
            "A polgármester hétfőn beszélt. »Az új híd jövőre elkészül.« A munkák májusban "
            "kezdődnek.",
            [
                "A polgármester hétfőn beszélt.",
                "»Az új híd jövőre elkészül.«",
                "A munkák májusban kezdődnek.",
            ],
        ),
        (
            "Der Minister sagte am Montag: „Wir bauen die Brücke neu.“ Die Arbeiten beginnen im "
            "Mai.",
            [
                "Der Minister sagte am Montag: „Wir bauen die Brücke neu.“",
                "Die Arbeiten beginnen im Mai.",
            ],
        ),
    ],
    ids=["fr", "hu", "de"],
)
def test_sent_14_opening_quote_belongs_to_the_sentence_it_opens(
    text: str, expected: list[str]
) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Le maire a parlé lundi.\u00a0«\u00a0Les travaux commencent\u00a0», a-t-il dit. "
            "Les habitants sont satisfaits.",
            [
                "Le maire a parlé lundi.",
                "«\u00a0Les travaux commencent\u00a0», a-t-il dit.",
                "Les habitants sont satisfaits.",
            ],
        ),
        (
            "Le maire a parlé lundi. \u00ab\u202fLes travaux commencent.\u202f\u00bb Les "
            "habitants sont satisfaits.",
            [
                "Le maire a parlé lundi.",
                "\u00ab\u202fLes travaux commencent.\u202f\u00bb",
                "Les habitants sont satisfaits.",
            ],
        ),
        (
            "« Vraiment ? » Le maire a souri. « Non ! » a-t-il répondu.",
            ["« Vraiment ? »", "Le maire a souri.", "« Non ! » a-t-il répondu."],
        ),
        (
            "Er sagte: »Wir kommen.« Dann ging er. »Morgen?« fragte sie. »Jetzt!«, rief er.",
            ["Er sagte: »Wir kommen.«", "Dann ging er.", "»Morgen?« fragte sie.",
             "»Jetzt!«, rief er."],
        ),
        (
            "Er fragte: „Wann?“ Dann ging er. „Ja!“, rief sie. Sie sagte: „Das ist ‚gut‘.“ Er "
            "lachte.",
            ["Er fragte: „Wann?“", "Dann ging er.", "„Ja!“, rief sie.",
             "Sie sagte: „Das ist ‚gut‘.“", "Er lachte."],
        ),
        (
            "Sagan sade: ”Vi kommer.” Sedan gick han. Borgmästaren talade. ”Bron byggs.” Alla "
            "jublade.",
            ["Sagan sade: ”Vi kommer.”", "Sedan gick han.", "Borgmästaren talade.",
             "”Bron byggs.”", "Alla jublade."],
        ),
        (
            "Der Minister sprach.„Wir bauen.“ Le maire a parlé.«Les travaux commencent.» Bien.",
            [
                "Der Minister sprach.",
                "„Wir bauen.“",
                "Le maire a parlé.",
                "«Les travaux commencent.»",
                "Bien.",
            ],
        ),
        (
            "Er sagte: ›Nein.‹ Dann ging er. Powiedział: „Nie.” Potem wyszedł.",
            ["Er sagte: ›Nein.‹", "Dann ging er.", "Powiedział: „Nie.”", "Potem wyszedł."],
        ),
        (
            "“Why?”, he asked. “No!”; she left.",
            ["“Why?”, he asked.", "“No!”; she left."],
        ),
    ],
)
def test_european_quotation_marks(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# --- SENT-06: no nltk data, no download ----------------------------------------------------

_NO_DATA_SCRIPT = """
import json, sys
import nltk
import nltk.data

def refuse(*args, **kwargs):
    raise RuntimeError("nltk data access attempted")

nltk.download = refuse
nltk.data.find = refuse
nltk.data.load = refuse
import nltk.downloader
nltk.downloader.download = refuse
nltk.downloader.Downloader.download = refuse

from retrieval import split_sentences, tokenize
print(json.dumps([split_sentences(sys.argv[1]), tokenize("The WHO met the U.S. team")]))
"""


def test_sent_06_splits_with_no_nltk_data_and_never_downloads(tmp_path: Path) -> None:
    empty_data = tmp_path / "nltk_data"
    home = tmp_path / "home"
    empty_data.mkdir()
    home.mkdir()
    env = {
        "PATH": os.environ.get("PATH", ""),
        "HOME": str(home),
        "NLTK_DATA": str(empty_data),
        "PYTHONPATH": str(REPO),
        "PYTHONNOUSERSITE": "1",
    }
    completed = subprocess.run(
        [
            sys.executable,
            "-c",
            _NO_DATA_SCRIPT,
            "The first sentence is short. The second one is too.",
        ],
        capture_output=True,
        text=True,
        env=env,
        cwd=tmp_path,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr
    sentences, terms = json.loads(completed.stdout)
    assert sentences == ["The first sentence is short.", "The second one is too."]
    assert terms == ["who", "met", "us", "team"]
    assert list(empty_data.iterdir()) == []
    assert list(home.iterdir()) == []


def test_package_exports_split_sentences_segment_and_tokenize() -> None:
    assert retrieval.split_sentences is split_sentences
    assert retrieval.segment is segment
    assert callable(retrieval.tokenize)


def test_segment_within_keeps_a_body_that_fits():
    body = "The port reopened. Ferries ran again."
    assert segment_within(body, 10_000) == (body, segment(body))
    assert segment_within(body, len(body.encode("utf-8"))) == (body, segment(body))


def test_segment_within_cuts_at_the_last_sentence_end_inside_the_limit():
    sentences = [f"Sentence {n} is here." for n in range(1_000)]
    body = " ".join(sentences)
    kept, found = segment_within(body, 5_000)
    assert len(kept.encode("utf-8")) <= 5_000
    assert [s.text for s in found] == sentences[: len(found)]
    assert kept == " ".join(sentences[: len(found)])
    assert len(found) >= len(kept) // 25
    assert len(found) > 200
    assert found == segment(kept)


def test_segment_within_counts_bytes_not_characters():
    body = "Café déjà vu. " * 1_000
    kept, found = segment_within(body, 1_000)
    assert len(kept.encode("utf-8")) <= 1_000
    assert len(kept) < 1_000
    assert all(s.text == "Café déjà vu." for s in found)


def test_segment_within_cuts_one_overlong_sentence_at_a_space():
    body = "word " * 10_000
    kept, found = segment_within(body, 1_000)
    assert len(kept) <= 1_000
    assert kept.endswith("word")
    assert [s.text for s in found] == [kept]


def test_segment_within_splits_only_the_kept_prefix(monkeypatch: pytest.MonkeyPatch):
    split: list[int] = []
    real = sentences._spans

    def counting(text: str):
        split.append(len(text))
        return real(text)

    monkeypatch.setattr(sentences, "_spans", counting)
    body = "Word number 7 is here. " * 200_000  # 4.6 MB
    segment_within(body, 10_000)
    assert split
    assert max(split) <= 10_000


# --- non-English articles (issue 13) ------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Die Wahl findet am 3. Mai statt. Der 1. FC Köln gewann am 12. März.",
     ["Die Wahl findet am 3. Mai statt.", "Der 1. FC Köln gewann am 12. März."]),
    ("La Sra. García habló con el Sr. López. Luego se fue.",
     ["La Sra. García habló con el Sr. López.", "Luego se fue."]),
    ("Ver el Núm. 5 de la revista. Es nuevo.", ["Ver el Núm. 5 de la revista.", "Es nuevo."]),
    ("Il a dit : « Nous viendrons. » Puis il est parti.",
     ["Il a dit : « Nous viendrons. »", "Puis il est parti."]),
    ("« Pourquoi ? » demanda-t-il. Le mot « est » ici.",
     ["« Pourquoi ? » demanda-t-il.", "Le mot « est » ici."]),
    ("He was born in 2013. The family moved. The team won 3. Then it lost.",
     ["He was born in 2013.", "The family moved.", "The team won 3.", "Then it lost."]),
])
def test_non_english_ordinals_abbreviations_and_guillemets(text: str, expected: list[str]):
    assert split_sentences(text) == expected
