"""Shard slices: parsing ``--shard-ids``, validating them, and the bot they build."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from bot.cli import main
from bot.client import ShardedNewsBot, create_bot
from bot.config import Settings
from bot.shards import ShardError, ShardPlan, parse_shard_ids, plan_shards


@pytest.mark.parametrize(("text", "ids"), [
    ("0-3", (0, 1, 2, 3)),
    ("0-1,3", (0, 1, 3)),
    ("2", (2,)),
    (" 3 , 1-2 ,", (1, 2, 3)),
    ("0-1,1-2", (0, 1, 2)),
])
def test_shard_ids_accept_ranges_and_comma_lists(text: str, ids: tuple[int, ...]) -> None:
    assert parse_shard_ids(text) == ids


@pytest.mark.parametrize(("text", "words"), [
    ("", "is empty"),
    (" , ", "is empty"),
    ("3-1", "ends before it starts"),
    ("a", "is not a number"),
    ("-1", "is not a number"),
    ("0..3", "is not a number"),
    ("99999999", "too large"),
])
def test_malformed_shard_ids_are_one_line_errors(text: str, words: str) -> None:
    with pytest.raises(ShardError) as raised:
        parse_shard_ids(text)
    message = str(raised.value)
    assert words in message
    assert message.startswith("newsdesk: ")
    assert "\n" not in message


def test_plan_without_settings_runs_every_recommended_shard(db_path: Path) -> None:
    assert plan_shards(Settings(db=db_path)) == ShardPlan(sharded=True)


def test_plan_of_a_cluster_slice(db_path: Path) -> None:
    plan = plan_shards(Settings(db=db_path, shard_count=4, shard_ids="2-3"))
    assert plan == ShardPlan(shard_count=4, shard_ids=(2, 3))
    assert plan.describe() == "shards 2, 3 of 4"


def test_count_without_ids_runs_all_shards_of_that_count(db_path: Path) -> None:
    assert plan_shards(Settings(db=db_path, shard_count=3)) == ShardPlan(shard_count=3)


@pytest.mark.parametrize(("fields", "words"), [
    ({"shard_ids": "0-1"}, "needs --shard-count"),
    ({"shard_count": 4, "shard_ids": "2-4"}, "shard id 4 is outside 0..3"),
    ({"shard_count": 2, "shard_ids": ","}, "is empty"),
    ({"sharded": False, "shard_count": 2}, "need the sharded bot"),
])
def test_impossible_shard_settings_are_refused(
    db_path: Path, fields: dict[str, object], words: str
) -> None:
    with pytest.raises(ShardError, match=words):
        plan_shards(Settings(db=db_path, **fields))  # type: ignore[arg-type]


def test_environment_names_the_cluster(db_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("NEWSDESK_SHARD_COUNT", "4")
    monkeypatch.setenv("NEWSDESK_SHARD_IDS", "0-1")
    assert plan_shards(Settings(db=db_path)) == ShardPlan(shard_count=4, shard_ids=(0, 1))


def test_the_cluster_bot_gets_its_slice(db_path: Path) -> None:
    bot = create_bot(None, Settings(db=db_path, shard_count=4, shard_ids="0-1,3"))
    assert isinstance(bot, ShardedNewsBot)
    assert bot.shard_count == 4
    assert bot.shard_ids == [0, 1, 3]


@pytest.mark.parametrize(("argv", "line"), [
    (["run", "--shard-ids", "0-1"],
     "newsdesk: --shard-ids (NEWSDESK_SHARD_IDS) needs --shard-count (NEWSDESK_SHARD_COUNT), "
     "the bot's total number of shards"),
    (["run", "--shard-count", "4", "--shard-ids", "3-5"],
     "newsdesk: shard id 4 is outside 0..3 (--shard-count 4)"),
    (["run", "--shard-count", "4", "--shard-ids", ""],
     "newsdesk: --shard-ids (NEWSDESK_SHARD_IDS) is empty: give ids like 0-3 or 0,2"),
])
def test_run_with_impossible_shards_exits_2_with_one_line_and_touches_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str],
    argv: list[str], line: str,
) -> None:
    for name in list(os.environ):
        if name.startswith(("NEWSDESK_", "DISCORD_")):
            monkeypatch.delenv(name)
    monkeypatch.setenv("DISCORD_TOKEN", "MTIz.not-used")
    monkeypatch.chdir(tmp_path)
    db = tmp_path / "n.db"
    assert main([*argv, "--db", str(db)]) == 2
    assert capsys.readouterr().err == line + "\n"
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("count", ["0", "-2"])
def test_a_shard_count_below_one_names_the_flag(
    capsys: pytest.CaptureFixture[str], count: str
) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(["run", "--shard-count", count])
    assert stopped.value.code == 2
    assert capsys.readouterr().err.splitlines()[-1] == (
        f"newsdesk run: error: argument --shard-count: must be at least 1: '{count}'")
