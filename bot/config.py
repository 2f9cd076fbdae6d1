"""Settings, read once from environment variables (and an optional ``.env`` file)."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

import platformdirs
from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from corpus.pg_url import is_postgres_url


def default_db_path() -> Path:
    """Per-user data directory database, e.g. ``~/.local/share/newsdesk/newsdesk.db``."""
    return Path(platformdirs.user_data_dir("newsdesk", appauthor=False)) / "newsdesk.db"


class Settings(BaseSettings):
    """Every knob newsdesk reads. Names are ``NEWSDESK_<FIELD>`` unless stated.

    Raises ``pydantic.ValidationError`` naming the variable when a value is malformed.
    """

    model_config = SettingsConfigDict(
        str_strip_whitespace=True,
        allow_inf_nan=False,
        env_prefix="NEWSDESK_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        env_ignore_empty=True,
        frozen=True,
        populate_by_name=True,
    )

    db: Path | str = Field(
        default_factory=default_db_path,
        description="SQLite database file, or a postgresql:// URL (PostgreSQL)",
    )
    create_db: bool = Field(
        False, description="let read commands (ask, console, run...) create a missing database"
    )
    top_k: int = Field(3, ge=1, le=25, description="hits per answer (best + alternatives)")
    bm25_k1: float = Field(0.5, gt=0, description="sentence BM25 k1 (term-frequency saturation)")
    bm25_b: float = Field(0.3, ge=0, le=1, description="sentence BM25 b (length normalisation)")
    window: int = Field(1, ge=0, le=10, description="neighbour sentences each side")
    answer_type_boost: float = Field(0.15, ge=0, description="score boost for answer-type match")
    # retrieval engine (issue 4): fused ranking, abstention, index persistence
    article_weight: float = Field(0.4, ge=0, description="weight of the article's BM25 (alpha)")
    title_weight: float = Field(0.15, ge=0, description="weight of the title's BM25 (gamma)")
    article_k1: float = Field(1.5, gt=0, description="article-level BM25 k1")
    article_b: float = Field(0.9, ge=0, le=1, description="article-level BM25 b")
    title_k1: float = Field(1.5, gt=0, description="title-level BM25 k1")
    title_b: float = Field(0.75, ge=0, le=1, description="title-level BM25 b")
    question_penalty: float = Field(
        0.5, ge=0, le=1, description="score factor for candidate sentences that are questions"
    )
    rerank_depth: int = Field(10, ge=1, le=1000, description="candidates the rerank looks at")
    min_match: float = Field(
        0.43, ge=0, le=1,
        description="abstain when the best passage holds less of the question's IDF weight",
    )
    min_article_match: float = Field(
        0.45, ge=0, le=1,
        description="abstain when the best passage's article holds less of it",
    )
    unknown_term_weight: float = Field(
        1.0, ge=0, description="weight of a question term no sentence holds, in rare-term IDFs"
    )
    rarest_missing: float = Field(
        0.5, ge=0, le=1,
        description="article match factor when it lacks the question's most informative term",
    )
    rarest_max_terms: int = Field(
        4, ge=0, description="rarest_missing applies to questions of at most this many terms",
    )
    min_specific: float = Field(
        0.0, ge=0, le=1,
        description="abstain when the passage's rarest matched term is this common or more",
    )
    focus_search: bool = Field(
        True, description="rank a long message by its asking sentence and rarest words"
    )
    synonyms: bool = Field(
        False, description="also search hand-kept news paraphrases (measured: off is better)"
    )
    recency_weak: float = Field(
        0.15, ge=0, description="recency prior strength for any question (newer wins ties)"
    )
    recency_strong: float = Field(
        0.6, ge=0, description="recency prior strength when the question says now/latest/..."
    )
    index_dir: Path | None = Field(
        None, description="where the index is saved (default: next to the database)"
    )
    persist_index: bool = Field(True, description="save the index and reopen it from disk")
    incremental_min_sentences: int = Field(
        20_000, ge=0, description="below this many sentences an ingest rebuilds the index"
    )
    index_workers: int = Field(
        2, ge=0, le=64, description="processes analysing text in a full build (0: none)"
    )
    refresh_interval: float = Field(
        1.0, ge=0, allow_inf_nan=False,
        description="seconds between checks for articles other processes added or removed "
        "(0: never check); on PostgreSQL, which announces them, the least time between two "
        "catch-ups",
    )
    rebuild_delay: float = Field(
        5.0, ge=0, description="seconds after an incremental add before the full rebuild "
        "(and at least 9 times the last full build's time)"
    )
    max_concurrent_searches: int = Field(4, ge=1, description="searches running at once")
    search_timeout: float = Field(10.0, gt=0, description="seconds before 'took too long'")
    ask_cooldown: float = Field(5.0, ge=0, description="seconds between /ask per user")
    dev_guild_id: int | None = Field(None, description="guild to sync commands to at start")
    sharded: bool = Field(
        True, description="run discord.py's AutoShardedBot (false: one plain gateway connection)"
    )
    shard_count: int | None = Field(
        None, ge=1, description="the bot's total shards across clusters (unset: ask Discord)"
    )
    shard_ids: str | None = Field(
        None, description="this cluster's shards, e.g. 0-3 or 0-1,3 (needs shard_count)"
    )
    leader_retry: float = Field(
        5.0, gt=0, le=300,
        description="seconds between tries to take the background-job lock another process holds",
    )
    fetch_max_bytes: int = Field(5_000_000, gt=0, description="largest page fetched for ingest")
    max_article_bytes: int = Field(
        5_000_000, ge=10_000,
        description="longest article text kept (UTF-8 bytes); longer ones are cut at a "
        "sentence boundary, marked partial and reported",
    )
    fetch_timeout: float = Field(15.0, gt=0, description="seconds for one URL fetch")
    fetch_allow_loopback: bool = Field(
        False, description="TESTS ONLY: let fetches reach 127.0.0.1/::1 (private and "
        "link-local addresses stay refused); never settable from Discord",
    )
    # live news (issue 11): following RSS / Atom feeds
    feeds: bool = Field(True, description="poll followed feeds inside `newsdesk run` (on|off)")
    feed_interval: int = Field(
        1, ge=1, le=1440, description="minutes between polls of a feed followed without --every"
    )
    feed_max_entries: int = Field(
        25, ge=1, le=1000, description="new entries stored per poll of one feed (newest first)"
    )
    feed_concurrency: int = Field(4, ge=1, le=64, description="feeds polled at once")
    feed_workers: int = Field(
        0, ge=0, le=16,
        description="processes parsing feeds and extracting pages for the poller (0: threads)",
    )
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = Field(
        "WARNING", description="logging level (INFO for run and sync unless set)"
    )
    question_log: bool = Field(True, description="keep a log of questions for stats")
    heartbeat_file: Path | None = Field(None, description="touched while the gateway is alive")
    heartbeat_interval: float = Field(
        15.0, gt=0, le=300, description="seconds between heartbeat-file refreshes"
    )
    keep_days: int | None = Field(
        None, ge=1, le=36_500,
        description="remove feed articles older than this many days, at most 36500 (default: "
        "keep everything); articles added by hand are never removed automatically",
    )
    announce_channel: int | None = Field(
        None, description="channel id where articles of the shared (operator's) feeds are "
        "posted (default: not posted)",
    )
    announce_per_minute: int = Field(
        5, ge=1, le=30, description="new-article posts per channel per minute; more waiting "
        "articles are summarised in one post",
    )
    view_timeout: float = Field(
        600.0, gt=0, le=840, description="seconds before answer buttons are disabled"
    )

    discord_token: SecretStr | None = Field(
        None, validation_alias=AliasChoices("DISCORD_TOKEN", "discord_token")
    )
    discord_api_base: str | None = Field(
        None, validation_alias=AliasChoices("DISCORD_API_BASE", "discord_api_base")
    )
    discord_gateway_url: str | None = Field(
        None, validation_alias=AliasChoices("DISCORD_GATEWAY_URL", "discord_gateway_url")
    )

    @field_validator("db", mode="before")
    @classmethod
    def _db_location(cls, value: object) -> object:
        """A ``postgresql://`` URL stays text (a `Path` would merge its slashes); else a path."""
        if isinstance(value, str):
            return value.strip() if is_postgres_url(value) else Path(value.strip())
        return value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper_level(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value
