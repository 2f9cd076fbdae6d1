"""Lag from a feed entry's appearance to its answerability, with the running poller.

Run from the repository root::

    python -m bench.feed_lag [--entries 5] [--every MINUTES] [--seed 1]

A local site in a child process (`bench.feed_sites`) serves one RSS feed; it is followed in
a fresh database at the default interval (``NEWSDESK_FEED_INTERVAL``, 1 minute) or
``--every``, and `FeedPoller.run` polls it in the background exactly as inside ``newsdesk
run``. ``--entries`` times, at a random moment of the interval, one new entry appears in
the feed; from then on the bench asks, every 20 ms, the question the entry's first
sentence answers through `AnswerService.answer` (the path ``/ask`` uses) until an answer
cites the entry's URL. Printed per entry: the lag from appearance, and from the moment the
poll that found it received the feed; then their mean and maximum. Targets (issue 11):
under 60 s from appearance at the default interval, under 5 s after the poll.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import random
import shutil
import statistics
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from bench.feed_sites import SiteProcess, load_texts
from bot.config import Settings
from bot.feeds.poller import FeedPoller
from bot.fetch import FetchResponse, URLFetcher, settings_fetcher
from bot.service import AnswerService


class StampingFetcher(URLFetcher):
    """A fetcher noting when each 200 answer for the feed arrived (perf_counter)."""

    def __init__(self, inner: URLFetcher, feed_url: str) -> None:
        super().__init__(max_bytes=inner.max_bytes, timeout=inner.timeout, allow_loopback=True)
        self.feed_url = feed_url
        self.feed_answers: list[float] = []

    async def request(self, url: str, *, headers: Mapping[str, str] | None = None
                      ) -> FetchResponse:
        """As `URLFetcher.request`, stamping 200 answers for the feed."""
        response = await super().request(url, headers=headers)
        if url == self.feed_url and response.status == 200:
            self.feed_answers.append(time.perf_counter())
        return response


def _question(text: str) -> str:
    first = text.split("\n\n")[0].split(". ")[0]
    return " ".join(first.split()[:14]) + "?"


async def _answerable(service: AnswerService, question: str, url: str) -> float:
    while True:
        answer = await service.answer(question, top_k=5)
        if any(hit.document.url == url for hit in answer.hits):
            return time.perf_counter()
        await asyncio.sleep(0.02)


async def main(args: argparse.Namespace) -> None:
    texts = load_texts()
    chooser = random.Random(args.seed)
    site = SiteProcess(visible=1)
    folder = Path(tempfile.mkdtemp(prefix="newsdesk-lag-"))
    settings = Settings(db=folder / "bench.db", fetch_allow_loopback=True, question_log=False)
    every = args.every or settings.feed_interval
    feed_url = site.feed_url(0)
    fetcher = StampingFetcher(settings_fetcher(settings), feed_url)
    lags: list[float] = []
    after_poll: list[float] = []
    try:
        async with await AnswerService.open(settings, load_sample=False) as service:
            await service.store.add_feed(feed_url, scope="shared", every_minutes=every)
            poller = FeedPoller(service, settings, fetcher=fetcher)
            running = asyncio.create_task(poller.run())
            await _answerable(service, _question(texts[0][1]), site.page_url(0, 0))
            print(f"following 1 feed, polled every {every} min; first entry answerable")
            for number in range(1, args.entries + 1):
                await asyncio.sleep(chooser.uniform(0, every * 60))
                question = _question(texts[(number * 31) % len(texts)][1])
                site.visible = number + 1
                appeared = time.perf_counter()
                done = await _answerable(service, question, site.page_url(0, number))
                polled = next(t for t in fetcher.feed_answers if t >= appeared)
                lags.append(done - appeared)
                after_poll.append(done - polled)
                print(f"entry {number}: answerable {lags[-1]:.1f} s after it appeared, "
                      f"{after_poll[-1]:.2f} s after the poll received the feed", flush=True)
            running.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await running
    finally:
        site.stop()
        await asyncio.to_thread(shutil.rmtree, folder, True)
    print(f"lag from appearance: mean {statistics.mean(lags):.1f} s, max {max(lags):.1f} s "
          f"(interval {every * 60} s; target under 60 s)")
    print(f"lag after the poll: mean {statistics.mean(after_poll):.2f} s, "
          f"max {max(after_poll):.2f} s (target under 5 s)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--entries", type=int, default=5)
    parser.add_argument("--every", type=int, default=None, help="minutes between polls")
    parser.add_argument("--seed", type=int, default=1)
    asyncio.run(main(parser.parse_args()))
