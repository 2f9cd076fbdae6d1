import pytest

from retrieval.prose import is_prose


@pytest.mark.parametrize("line", [
    "MORE: Rihanna to headline the Super Bowl halftime show",
    "More:GM, Cruise partner with Microsoft to speed up self-driving EV technology",
    "RELATED: What to know about the rail strike",
    "►Related: Google Trends' FrightGeist lists the most popular Halloween costumes of 2022.",
    "Photos: Russia invades Ukraine A police vehicle patrols the streets of Kyiv on February 26.",
    "VISUAL EXPLAINER: How the Fed raises rates",
    "Why she did it:Republican Rep. Liz Cheney is on track to lose her Wyoming primary",
    "Grocery items are still going up. Brandon Bell/Getty Images",
    "TING SHEN/AFP/POOL/Getty Images",
    "Hide Caption 3 of 49",
    "News: A previous version of this story misidentified the senator's state.",
    "Skip advert",
    "Advertisement",
])
def test_non_prose_lines(line: str) -> None:
    assert not is_prose(line)


@pytest.mark.parametrize("line", [
    "Rihanna will perform at next year's Super Bowl halftime show, the NFL announced Sunday.",
    "The scrub was called at 11:17 a.m. ET, three hours before the launch window.",
    "Appleton:In the midst of a sweltering heatwave, there was some good news for residents.",
    "Median household income: $64,994",
    "He said: \"We will not back down.\"",
    "Ad sales boost Time Warner profit",
])
def test_prose_lines(line: str) -> None:
    assert is_prose(line)
