"""End to end: the real ``newsdesk`` feed commands against a local site (loopback allowed)."""

from __future__ import annotations

import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.bot.feed_site import FeedSite, Item, Reply, ThreadedSite, page, rss2

FERRY = ["The new ferry terminal opened on Monday with twelve berths for island routes.",
         "Officials said the terminal cost 40 million euros and took three years to build."]
STORED = "SELECT count(*) FROM articles WHERE feed_id = 1"  # articles from feed 1
MARKET = ["The fish market moved to the old customs warehouse on the north quay.",
          "Traders said the warehouse gives them cold storage for the first time."]


def env_for(db: Path, *, loopback: bool = True) -> dict[str, str]:
    return {**os.environ, "NEWSDESK_DB": str(db), "HOME": str(db.parent),
            "NEWSDESK_FETCH_ALLOW_LOOPBACK": "true" if loopback else "false",
            "NEWSDESK_INDEX_WORKERS": "0"}


def newsdesk(*args: str, db: Path, stdin: str | None = None, loopback: bool = True
             ) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "bot", *args], input=stdin,
                          capture_output=True, text=True, env=env_for(db, loopback=loopback),
                          timeout=120, check=False)


def refused_in_one_line(result: subprocess.CompletedProcess[str]) -> None:
    assert result.returncode == 2, result.stdout + result.stderr
    assert "Traceback" not in result.stderr, result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    assert result.stderr.startswith("newsdesk follow: ")


@pytest.fixture
def site():
    with ThreadedSite() as site:
        yield site


def story(site: FeedSite, path: str, title: str, text: list[str], date: str) -> Item:
    site.routes[path] = Reply(page(title, text))
    return Item(title, site.url(path), text[0], date=date)


def test_follow_poll_then_ask_cites_the_entry_with_url_and_date(site, db_path):
    ferry = story(site, "/news/ferry", "Ferry terminal opens", FERRY,
                  "Mon, 01 Jun 2026 09:00:00 GMT")
    market = story(site, "/news/market", "Fish market moves", MARKET,
                   "Tue, 02 Jun 2026 09:00:00 GMT")
    site.routes["/feed.xml"] = Reply(rss2([market, ferry]), content_type="application/rss+xml")

    follow = newsdesk("follow", site.url("/feed.xml"), "--no-poll", db=db_path)
    assert follow.returncode == 0, follow.stderr
    assert f"following [1] {site.url('/feed.xml')} for the shared corpus, every 1 min" \
        in follow.stdout
    poll = newsdesk("feeds", "poll", db=db_path)
    assert poll.returncode == 0, poll.stderr
    assert f"[1] {site.url('/feed.xml')}: 2 new" in poll.stdout
    assert "polled 1 feed: 2 new articles, 0 failed" in poll.stdout

    ask = newsdesk("ask", "--jsonl", db=db_path,
                   stdin='{"id": "q1", "question": "Where did the fish market move?"}\n')
    assert ask.returncode == 0, ask.stderr
    reply = json.loads(ask.stdout)
    assert reply["id"] == "q1"
    assert reply["answer"]["sentence"] == MARKET[0]
    assert reply["answer"]["article"]["url"] == site.url("/news/market")
    assert reply["answer"]["article"]["published"] == "2026-06-02"

    again = newsdesk("feeds", "poll", "--all", db=db_path)  # not due again for a minute
    assert f"[1] {site.url('/feed.xml')}: 0 new" in again.stdout
    listing = newsdesk("feeds", db=db_path)
    assert listing.returncode == 0, listing.stderr
    assert f"[1] {site.url('/feed.xml')} · Harbour Times" in listing.stdout
    assert "the shared corpus · every 1 min · 2 entries stored" in listing.stdout
    assert "last poll 20" in listing.stdout
    assert "next poll due 20" in listing.stdout
    stats = newsdesk("stats", db=db_path)
    assert "feeds      1 followed, 0 failing, 2 entries stored; last poll 20" in stats.stdout


def test_a_failing_feed_is_listed_with_its_error_and_fails_the_poll(site, db_path):
    site.routes["/good.xml"] = Reply(rss2([story(site, "/news/ferry", "Ferry terminal opens",
                                                 FERRY, "Mon, 01 Jun 2026 09:00:00 GMT")]),
                                     content_type="application/rss+xml")
    site.routes["/bad.xml"] = Reply("oops", status=500)
    assert newsdesk("follow", site.url("/good.xml"), "--no-poll", db=db_path).returncode == 0
    first = newsdesk("follow", site.url("/bad.xml"), "--every", "5", "--guild", "42", db=db_path)
    assert first.returncode == 1
    assert f"[2] {site.url('/bad.xml')}: error: the feed answered HTTP 500" in first.stdout
    assert "stays followed" in first.stderr
    assert len(first.stderr.strip().splitlines()) == 1, first.stderr  # the hint, no log line

    poll = newsdesk("feeds", "poll", "--all", db=db_path)
    assert poll.returncode == 1
    assert f"[1] {site.url('/good.xml')}: 1 new" in poll.stdout
    assert "polled 2 feeds: 1 new article, 1 failed" in poll.stdout
    assert poll.stderr == ""  # each error once, on stdout
    listing = newsdesk("feeds", "--guild", "42", db=db_path).stdout
    assert "guild 42 · every 5 min · 0 entries stored" in listing
    assert "the feed answered HTTP 500 (failing, 2 in a row)" in listing
    assert "/good.xml" not in listing

    wrong = newsdesk("unfollow", "2", db=db_path)
    assert wrong.returncode == 1
    assert "guild 42 follows it: add --guild 42" in wrong.stderr
    gone = newsdesk("unfollow", site.url("/bad.xml"), "--guild", "42", db=db_path)
    assert gone.returncode == 0, gone.stderr
    assert "2 feeds" not in newsdesk("stats", db=db_path).stdout
    assert "1 followed, 0 failing" in newsdesk("stats", db=db_path).stdout


@pytest.mark.parametrize("url", ["ftp://news.example/feed", "feed.xml", "http://u:p@x.example/f"])
def test_follow_refuses_urls_it_could_never_fetch(db_path, url):
    result = newsdesk("follow", url, db=db_path)
    assert result.returncode == 2
    assert result.stderr.startswith("newsdesk follow: ")
    assert not db_path.exists()


@pytest.mark.parametrize("url", [
    "http://10.0.0.1/rss", "http://169.254.169.254/latest/meta-data/",
    "http://127.0.0.1:9/feed.xml", "http://localhost:9/feed.xml", "http://[::1]/feed.xml",
    "http://0.0.0.0/feed.xml", "http://2130706433/feed.xml", "http://127.1/feed.xml",
    "http://[::ffff:127.0.0.1]/feed.xml"])
def test_follow_refuses_a_literal_private_or_local_address_like_corpus_follow(db_path, url):
    result = newsdesk("follow", url, "--no-poll", db=db_path, loopback=False)
    refused_in_one_line(result)
    assert "private or local" in result.stderr
    assert not db_path.exists()


def test_follow_accepts_loopback_only_when_loopback_fetches_are_allowed(db_path):
    assert newsdesk("follow", "http://127.0.0.1:9/feed.xml", "--no-poll",
                    db=db_path).returncode == 0
    refused_in_one_line(newsdesk("follow", "http://10.0.0.1/feed.xml", "--no-poll", db=db_path))


@pytest.mark.parametrize("url", ["http://" + "a" * 2100 + ".example/feed.xml",
                                 "http://news.example/" + "a" * 2000,
                                 "http://" + "a" * 100 + ".example/feed.xml"])
def test_follow_refuses_an_overlong_url_or_host_name(db_path, url):
    result = newsdesk("follow", url, db=db_path, loopback=False)
    refused_in_one_line(result)
    assert not db_path.exists()


@pytest.mark.parametrize("guild", ["my-server", "12ab", "-5", "１２３"])
def test_follow_refuses_a_guild_that_is_not_a_discord_id(db_path, guild):
    result = newsdesk("follow", "https://news.example/rss", "--no-poll", "--guild", guild,
                      db=db_path)
    refused_in_one_line(result)
    assert "--guild" in result.stderr
    assert not db_path.exists()


def test_follow_creates_a_missing_database_as_ingest_does_and_feeds_does_not(tmp_path):
    typo = tmp_path / "typo.db"
    listed = newsdesk("feeds", db=typo)
    assert listed.returncode == 2
    assert "does not exist" in listed.stderr
    followed = newsdesk("follow", "https://news.example/rss", "--no-poll", db=typo)
    assert followed.returncode == 0, followed.stderr
    assert "https://news.example/rss" in newsdesk("feeds", db=typo).stdout


def test_feeds_poll_waits_out_a_retry_after_and_all_forces_a_poll(site, db_path):
    site.routes["/feed.xml"] = Reply("", status=429, headers={"Retry-After": "3600"})
    first = newsdesk("follow", site.url("/feed.xml"), db=db_path)
    assert first.returncode == 1
    assert "retry after 3600 s" in first.stdout

    cron = newsdesk("feeds", "poll", db=db_path)  # from cron a minute later

    assert cron.returncode == 0, cron.stderr
    assert len(site.hits("/feed.xml")) == 1, "polled again inside the Retry-After"
    assert f"[1] {site.url('/feed.xml')}: not due until 20" in cron.stdout
    assert re.search(r"\(in (59|60|61) min\)", cron.stdout), cron.stdout  # + up to 60 s jitter
    assert "polled 0 feeds: 0 new articles, 0 failed, 1 not due yet" in cron.stdout
    forced = newsdesk("feeds", "poll", "--now", db=db_path)
    assert forced.returncode == 1
    assert len(site.hits("/feed.xml")) == 2


def test_a_retry_after_beyond_a_day_is_reported_as_capped(site, db_path):
    site.routes["/feed.xml"] = Reply("", status=503, headers={"Retry-After": "9000000"})
    first = newsdesk("follow", site.url("/feed.xml"), db=db_path)
    assert "asked to retry after 9000000 s (capped at 24 h)" in first.stdout
    assert "(in 24 h)" in newsdesk("feeds", db=db_path).stdout


def test_feeds_poll_beside_the_process_that_polls_polls_nothing_and_exits_0(site, db_path):
    import fcntl

    site.routes["/feed.xml"] = Reply(rss2([]), content_type="application/rss+xml")
    assert newsdesk("follow", site.url("/feed.xml"), "--no-poll", db=db_path).returncode == 0
    lock = db_path.with_name(db_path.name + ".leader.lock")
    with lock.open("w") as held:  # what a running `newsdesk run` / `feeds run` holds
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = newsdesk("feeds", "poll", "--all", db=db_path)
    assert result.returncode == 0, result.stderr
    assert len(result.stdout.strip().splitlines()) == 1
    assert "another newsdesk process" in result.stdout
    assert site.hits("/feed.xml") == []


def test_follow_beside_the_process_that_polls_leaves_the_first_poll_to_it(site, db_path):
    import fcntl

    site.routes["/feed.xml"] = Reply(rss2([]), content_type="application/rss+xml")
    assert newsdesk("follow", site.url("/other.xml"), "--no-poll", db=db_path).returncode == 0
    lock = db_path.with_name(db_path.name + ".leader.lock")
    with lock.open("w") as held:  # what a running `newsdesk run` / `feeds run` holds
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        result = newsdesk("follow", site.url("/feed.xml"), db=db_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == (
        "the newsdesk process that polls this database's feeds will poll it shortly")
    assert site.hits("/feed.xml") == []
    listed = newsdesk("feeds", db=db_path).stdout
    assert site.url("/feed.xml") in listed


def test_following_again_says_whether_the_interval_changed(db_path):
    url = "https://news.example/rss"
    newsdesk("follow", url, "--no-poll", "--every", "5", db=db_path)
    same = newsdesk("follow", url, "--no-poll", db=db_path)
    changed = newsdesk("follow", url, "--no-poll", "--every", "10", db=db_path)
    assert "already following [1] https://news.example/rss for the shared corpus, every 5 min" \
        in same.stdout
    assert "already following (interval changed from 5 min) [1]" in changed.stdout
    assert "every 10 min" in changed.stdout


def sigterm_feeds_run_mid_poll(site, db_path) -> tuple[int, str]:
    """Follow a feed of two entries whose second page hangs, start `feeds run`, and send
    SIGTERM once the poller is fetching that page; returns the exit status and stderr."""
    ferry = story(site, "/news/ferry", "Ferry terminal opens", FERRY,
                  "Tue, 02 Jun 2026 09:00:00 GMT")
    slow = story(site, "/news/slow", "Fish market moves", MARKET, "Mon, 01 Jun 2026 09:00:00 GMT")
    site.routes["/news/slow"] = Reply(page("Fish market moves", MARKET), delay=60)
    site.routes["/feed.xml"] = Reply(rss2([ferry, slow]), content_type="application/rss+xml")
    assert newsdesk("follow", site.url("/feed.xml"), "--no-poll", db=db_path).returncode == 0
    process = subprocess.Popen([sys.executable, "-m", "bot", "feeds", "run"],
                               env=env_for(db_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while not site.hits("/news/slow") and time.monotonic() < deadline:
            time.sleep(0.05)
        assert site.hits("/news/slow"), "the poller never reached the slow page"
        process.send_signal(signal.SIGTERM)
        _out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    return process.returncode, err


def test_feeds_run_stops_cleanly_on_sigterm_in_the_middle_of_a_poll(site, db_path):
    returncode, err = sigterm_feeds_run_mid_poll(site, db_path)
    assert returncode == 0, err
    assert "stopped" in err
    with sqlite3.connect(db_path) as db:
        articles = db.execute("SELECT a.url, count(s.position) FROM articles a JOIN sentences s"
                              " ON s.article_id = a.id GROUP BY a.id").fetchall()
        seen = db.execute("SELECT entry_key FROM feed_entries").fetchall()
        polled = db.execute("SELECT last_poll_at FROM feeds").fetchone()
        check = db.execute("PRAGMA integrity_check").fetchone()
    assert articles == [(site.url("/news/ferry"), 2)]
    assert seen == [(site.url("/news/ferry"),)]
    assert polled == (None,)  # the interrupted poll is not recorded: it is done again
    assert check == ("ok",)


def test_entries_stored_counts_the_articles_of_a_poll_cut_short_by_sigterm(site, db_path):
    sigterm_feeds_run_mid_poll(site, db_path)

    def counts() -> tuple[int, int]:
        with sqlite3.connect(db_path) as db:
            articles = db.execute("SELECT count(*) FROM articles WHERE feed_id = 1").fetchone()
            listed = newsdesk("feeds", db=db_path).stdout
        return articles[0], int(listed.split(" entr")[0].rsplit("· ", 1)[1])

    assert counts() == (1, 1)  # the interrupted poll stored one whole article
    site.routes["/news/slow"] = Reply(page("Fish market moves", MARKET))
    assert newsdesk("feeds", "poll", db=db_path).returncode == 0  # never recorded: due
    assert counts() == (2, 2)
    with sqlite3.connect(db_path) as db:  # the column's copy, refreshed by the recorded poll
        assert db.execute("SELECT entries_stored FROM feeds").fetchone() == (2,)


def test_feeds_table_on_a_terminal_shows_health_columns():
    from rich.console import Console

    from bot.cli_feeds import _table
    from corpus.backend import Feed

    feed = Feed(feed_id=3, scope="42", url="https://news.example/rss.xml", title="Example",
                every_minutes=5, added_at="2026-06-01T00:00:00+00:00",
                last_poll_at="2026-06-01T10:00:00+00:00", next_poll_at="2026-06-01T10:20:00+00:00",
                entries_stored=12, failures=2, last_error="the feed answered HTTP 500",
                last_error_at="2026-06-01T10:00:00+00:00")
    console = Console(record=True, width=200, color_system=None)
    console.print(_table([feed]))
    text = console.export_text()
    for column in ("last poll", "last new entry", "stored", "next poll", "last error"):
        assert column in text
    assert "https://news.example/rss.xml" in text
    assert "the feed answered HTTP 500" in text
    assert "2 in a row" in text
    assert "2026-06-01 10:20:00 UTC" in text


def test_follow_daemon_polls_then_keeps_running_until_sigterm(site, db_path):
    site.routes["/feed.xml"] = Reply(rss2([story(site, "/news/ferry", "Ferry terminal opens",
                                                 FERRY, "Mon, 01 Jun 2026 09:00:00 GMT")]),
                                     content_type="application/rss+xml")
    process = subprocess.Popen([sys.executable, "-m", "bot", "follow", site.url("/feed.xml"),
                                "--daemon"], env=env_for(db_path), stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE, text=True)
    try:
        assert process.stderr is not None
        ready = process.stderr.readline()  # said once the signal handlers are installed
        assert "polling followed feeds until SIGTERM or Ctrl-C" in ready
        with sqlite3.connect(db_path) as db:
            assert db.execute(STORED).fetchone() == (1,)
        assert process.poll() is None
        process.send_signal(signal.SIGTERM)
        out, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err
    assert ": 1 new" in out
    assert "stopped" in err


def test_feeds_run_stands_by_while_another_process_polls_then_takes_over(site, db_path):
    """`newsdesk run` beside `feeds run`: one lock, so the feeds are polled by one process."""
    import fcntl

    site.routes["/feed.xml"] = Reply(rss2([story(site, "/news/ferry", "Ferry terminal opens",
                                                 FERRY, "Mon, 01 Jun 2026 09:00:00 GMT")]),
                                     content_type="application/rss+xml")
    assert newsdesk("follow", site.url("/feed.xml"), "--no-poll", db=db_path).returncode == 0
    lock = db_path.with_name(db_path.name + ".leader.lock")
    with lock.open("w") as held:  # what a running `newsdesk run` holds
        fcntl.flock(held, fcntl.LOCK_EX | fcntl.LOCK_NB)
        process = subprocess.Popen([sys.executable, "-m", "bot", "feeds", "run"],
                                   env={**env_for(db_path), "NEWSDESK_LEADER_RETRY": "0.2"},
                                   stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        try:
            assert process.stderr is not None
            assert "until SIGTERM" in process.stderr.readline()
            assert "standing by" in process.stderr.readline()
            assert site.hits("/feed.xml") == []
            fcntl.flock(held, fcntl.LOCK_UN)
            deadline = time.monotonic() + 30
            while time.monotonic() < deadline:
                with sqlite3.connect(db_path) as db:
                    if db.execute(STORED).fetchone() == (1,):
                        break
                time.sleep(0.1)
            process.send_signal(signal.SIGTERM)
            _out, err = process.communicate(timeout=30)
        finally:
            if process.poll() is None:
                process.kill()
    assert process.returncode == 0, err
    assert len(site.hits("/feed.xml")) >= 1
    with sqlite3.connect(db_path) as db:
        assert db.execute(STORED).fetchone() == (1,)
