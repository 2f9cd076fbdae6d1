"""HTML pages: reader comments are never article text (HTML-07)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import Settings
from bot.service import AnswerService
from corpus.ingest import read_article_bytes
from corpus.models import Article

STORY = ("<h1>Library to extend opening hours</h1><p>The central library will stay open until "
         "9pm from March, the council said on Tuesday.</p><p>The change will cost about 40,000 "
         "pounds a year.</p>")
SENTENCES = ("The central library will stay open until 9pm from March, the council said on "
             "Tuesday.\n\nThe change will cost about 40,000 pounds a year.")
COMMENT = "Potholes on Mill Road damaged two of my tyres last winter."

# Case HTML-07 (../shared/cases/cases.jsonl): comment sections are never indexed
HTML_07 = (
    "<html><head><title>Library to extend opening hours</title></head><body><article>"
    f"{STORY}</article><section id='comments' class='comments-area'><h3>12 comments</h3>"
    "<div class='comment'><p class='comment-author'>reader_77</p><p>About time! The library "
    "was always closed when I finished my shift at the hospital.</p></div><div class='comment'>"
    "<p>This is a waste of money and the council should fix the potholes on Mill Road first."
    "</p></div></section><details class='CommentBox'><summary>Show 3 more replies</summary>"
    f"<p>{COMMENT}</p></details></body></html>"
)


def body_of(page: str) -> str:
    [article] = list(read_article_bytes(page.encode(), filename="page.html"))
    assert isinstance(article, Article)
    return article.body


def test_html_07_comment_section_is_not_article_text() -> None:
    assert body_of(HTML_07) == SENTENCES


@pytest.mark.parametrize(
    "page",
    [
        # a plain <details> of replies inside the article
        f"<article>{STORY}<details><summary>Show 3 more replies</summary><p>{COMMENT}</p>"
        "</details></article>",
        # Facebook and site comment widgets inside <main>
        f"<main>{STORY}<div class='fb-comments'><p>{COMMENT}</p></div>"
        f"<section class='user-comments'><p>{COMMENT}</p></section></main>",
        # no article container: Disqus and a WordPress comment list
        f"<body>{STORY}<div id='disqus_thread'><p>{COMMENT}</p></div><ol class='comment-list'>"
        f"<li id='comment-12'><article class='comment-body'><footer class='comment-meta'>"
        f"reader_77 says:</footer><div class='comment-content'><p>{COMMENT}</p></div>"
        "</article></li></ol></body>",
        # schema.org comments and a Coral widget
        f"<article>{STORY}<div itemprop='comment' itemscope itemtype='https://schema.org/Comment'>"
        f"<p>{COMMENT}</p></div><div id='coral_thread'><p>{COMMENT}</p></div></article>",
        # comment counts and reply prompts left in the story's container
        f"<div class='post has-comments comments-open'>{STORY}<p>12 comments</p>"
        "<p>View all 12 comments</p><p>Show 3 more replies</p></div>",
    ],
)
def test_html_07_comments_of_every_kind_are_dropped(page: str) -> None:
    assert body_of(f"<html><body>{page}</body></html>") == SENTENCES


async def test_html_07_questions_about_comments_find_nothing(
    settings: Settings, tmp_path: Path
) -> None:
    page = tmp_path / "library.html"
    page.write_text(HTML_07)
    async with await AnswerService.open(settings, load_sample=False) as service:
        await service.ingest([page])
        hours = await service.answer("Until what time will the library open?")
        tyres = await service.answer("What damaged tyres on Mill Road?")
    assert hours.best is not None
    assert hours.best.sentence.text == SENTENCES.split("\n\n")[0]
    assert tyres.hits == ()
    assert tyres.reason == "no_match"
