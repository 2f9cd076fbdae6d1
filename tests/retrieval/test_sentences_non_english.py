"""Sentence splitting of non-English articles, which are stored as they are.

From the issue "Answers members can trust": splitting must not break on German ordinals
("am 3. Mai", "1. FC"), Spanish abbreviations ("Sra.", "Núm."), or a lone « or ».
"""

# Typographic quotes and accented letters are the test inputs

from __future__ import annotations

import pytest

from retrieval.sentences import split_sentences

# --- German ordinals: dates, club names, counted nouns -------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Der Vertrag wurde am 3. Mai unterzeichnet. Er gilt ab 1. Januar 2025.",
            ["Der Vertrag wurde am 3. Mai unterzeichnet.", "Er gilt ab 1. Januar 2025."],
        ),
        (
            "Am 24. Dezember bleiben die Geschäfte geschlossen. Das Turnier findet vom 1. bis "
            "3. Juni statt.",
            [
                "Am 24. Dezember bleiben die Geschäfte geschlossen.",
                "Das Turnier findet vom 1. bis 3. Juni statt.",
            ],
        ),
        (
            "Sein Vertrag läuft bis 30. Juni. Seit 15. März trainiert er wieder.",
            ["Sein Vertrag läuft bis 30. Juni.", "Seit 15. März trainiert er wieder."],
        ),
        (
            "In Wien ist es am 2. Jänner ruhig. Der 31. Oktober ist ein Feiertag.",
            ["In Wien ist es am 2. Jänner ruhig.", "Der 31. Oktober ist ein Feiertag."],
        ),
    ],
)
def test_german_dates_do_not_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Der 1. FC Köln gewann gegen den 1. FSV Mainz 05. Die Fans jubelten.",
            ["Der 1. FC Köln gewann gegen den 1. FSV Mainz 05.", "Die Fans jubelten."],
        ),
        (
            "1. FC Köln steigt ab. Die 2. Bundesliga wartet auf den Verein.",
            ["1. FC Köln steigt ab.", "Die 2. Bundesliga wartet auf den Verein."],
        ),
        (
            "Er spielt seit Jahren für den 1. FC Union Berlin. Sein Trainer lobte ihn.",
            ["Er spielt seit Jahren für den 1. FC Union Berlin.", "Sein Trainer lobte ihn."],
        ),
    ],
)
def test_german_club_names_do_not_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Im 2. Weltkrieg wurde die Stadt zerstört. Der 2. Weltkrieg endete 1945.",
            ["Im 2. Weltkrieg wurde die Stadt zerstört.", "Der 2. Weltkrieg endete 1945."],
        ),
        (
            "Zum 50. Mal fand das Fest statt. Im 19. Jahrhundert war das anders.",
            ["Zum 50. Mal fand das Fest statt.", "Im 19. Jahrhundert war das anders."],
        ),
        (
            "Es ist das 3. Turnier in diesem Jahr. Seine 2. Amtszeit beginnt im Herbst.",
            ["Es ist das 3. Turnier in diesem Jahr.", "Seine 2. Amtszeit beginnt im Herbst."],
        ),
    ],
)
def test_german_ordinals_after_articles_do_not_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Der Dax stieg um 3. Die Börse war zufrieden.",
            ["Der Dax stieg um 3.", "Die Börse war zufrieden."],
        ),
        (
            "Die Mannschaft belegte Platz 3. Der Trainer war zufrieden.",
            ["Die Mannschaft belegte Platz 3.", "Der Trainer war zufrieden."],
        ),
        (
            "Die Brücke wurde 1998 gebaut. Sie ist 300 Meter lang. Gebaut wurde sie 1998. Mai "
            "war der Monat.",
            [
                "Die Brücke wurde 1998 gebaut.",
                "Sie ist 300 Meter lang.",
                "Gebaut wurde sie 1998.",
                "Mai war der Monat.",
            ],
        ),
    ],
)
def test_german_number_that_ends_a_sentence_still_splits(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


# --- Spanish, Portuguese, French and Italian abbreviations ---------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "La Sra. García y el Sr. López llegaron tarde. La Dra. Pérez también.",
            ["La Sra. García y el Sr. López llegaron tarde.", "La Dra. Pérez también."],
        ),
        (
            "Sr. Gómez dijo que sí. La Srta. Ruiz no estaba. El Sr. Presidente habló.",
            ["Sr. Gómez dijo que sí.", "La Srta. Ruiz no estaba.", "El Sr. Presidente habló."],
        ),
        (
            "El decreto se publicó en el Núm. 5, pág. 12 del boletín. Entra en vigor hoy.",
            ["El decreto se publicó en el Núm. 5, pág. 12 del boletín.", "Entra en vigor hoy."],
        ),
        (
            "La oficina está en la Avda. Libertador, núm. 1234. Abre a las nueve.",
            ["La oficina está en la Avda. Libertador, núm. 1234.", "Abre a las nueve."],
        ),
        (
            "Lo firmaron el Ing. Torres y el Lic. Ramírez. Fue un éxito, etc. Luego se fueron.",
            ["Lo firmaron el Ing. Torres y el Lic. Ramírez.", "Fue un éxito, etc.",
             "Luego se fueron."],
        ),
        (
            "Asistieron unas 300 personas, aprox. 50 de ellas menores. Ud. puede inscribirse.",
            ["Asistieron unas 300 personas, aprox. 50 de ellas menores.",
             "Ud. puede inscribirse."],
        ),
    ],
)
def test_spanish_abbreviations_do_not_split(text: str, expected: list[str]) -> None:
    assert split_sentences(text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "O Sr. Silva e a Sra. Costa chegaram à Av. Paulista. Eles trabalham lá.",
            ["O Sr. Silva e a Sra. Costa chegaram à Av. Paulista.", "Eles trabalham lá."],
        ),
        (
            "A Dra. Souza recebeu o Exmo. Sr. Ministro. A reunião durou uma hora.",
            ["A Dra. Souza recebeu o Exmo. Sr. Ministro.", "A reunião durou uma hora."],
        ),
        (
            "M. Dupont et Mme. Martin sont arrivés. MM. Durand et Petit aussi.",
            ["M. Dupont et Mme. Martin sont arrivés.", "MM. Durand et Petit aussi."],
        ),
        (
            "Il Sig. Rossi e il Dott. Bianchi sono arrivati. L'Avv. Verdi no, ecc. Poi è piovuto.",
            ["Il Sig. Rossi e il Dott. Bianchi sono arrivati.", "L'Avv. Verdi no, ecc.",
             "Poi è piovuto."],
        ),
    ],
)
def test_portuguese_french_italian_abbreviations_do_not_split(
    text: str, expected: list[str]
) -> None:
    assert split_sentences(text) == expected


def test_english_senior_suffix_still_ends_a_sentence() -> None:
    assert split_sentences("The award went to John Smith Sr. The family gathered.") == [
        "The award went to John Smith Sr.",
        "The family gathered.",
    ]


# --- A lone or unbalanced « or » -----------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Le maire a dit « oui. Les travaux commencent. Puis il est parti.",
            ["Le maire a dit « oui.", "Les travaux commencent.", "Puis il est parti."],
        ),
        (
            "Le maire a dit » non. Les habitants sont partis.",
            ["Le maire a dit » non.", "Les habitants sont partis."],
        ),
        (
            "Il a dit « non » puis il est parti. Les habitants sont restés.",
            ["Il a dit « non » puis il est parti.", "Les habitants sont restés."],
        ),
        (
            "Les travaux commencent en mai. » Les habitants sont satisfaits.",
            ["Les travaux commencent en mai. »", "Les habitants sont satisfaits."],
        ),
        ("Le maire a conclu. «", ["Le maire a conclu. «"]),
        (
            "« Les travaux. Le pont. La route. Tout sera fini en mai.",
            ["« Les travaux.", "Le pont.", "La route.", "Tout sera fini en mai."],
        ),
        (
            "Er sagte: »Wir kommen. Dann ging er. Sie blieb.",
            ["Er sagte: »Wir kommen.", "Dann ging er.", "Sie blieb."],
        ),
        (
            "Sie rief: „Halt! Niemand hörte sie. Dann war es still.",
            ["Sie rief: „Halt!", "Niemand hörte sie.", "Dann war es still."],
        ),
    ],
)
def test_lone_or_unbalanced_quote_neither_swallows_nor_breaks(
    text: str, expected: list[str]
) -> None:
    result = split_sentences(text)
    assert result == expected
    assert all(sentence.strip("«»„“ ") for sentence in result)  # no lone-mark sentence
