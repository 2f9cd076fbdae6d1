"""compose.yaml: the default service as documented, and the `cluster` profile (issue 12).

Parsed as YAML (PyYAML, when installed; `docker compose config` needs an engine here). The
shard settings of the clusters are checked with newsdesk's own validation.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings
from bot.shards import plan_shards

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    yaml = pytest.importorskip("yaml", reason="PyYAML is not installed (pip install pyyaml)")
    return dict(yaml.safe_load((REPO / "compose.yaml").read_text(encoding="utf-8")))


def _clusters(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {name: service for name, service in compose["services"].items()
            if name.startswith("bot-cluster-")}


def test_the_default_service_has_no_profile_and_keeps_sqlite_on_its_volume(
    compose: dict[str, Any],
) -> None:
    default = compose["services"]["newsdesk"]
    assert "profiles" not in default
    assert "environment" not in default  # the image's NEWSDESK_DB=/data/newsdesk.db
    assert default["volumes"] == ["newsdesk-data:/data"]
    assert default["env_file"] == ".env"
    assert [n for n, s in compose["services"].items() if "profiles" not in s] == ["newsdesk"]


def test_postgres_is_the_official_15_image_with_a_healthcheck_and_a_volume(
    compose: dict[str, Any],
) -> None:
    postgres = compose["services"]["postgres"]
    assert postgres["profiles"] == ["cluster"]
    assert postgres["image"] == "postgres:15"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert postgres["volumes"] == ["postgres-data:/var/lib/postgresql/data"]
    assert postgres["environment"]["POSTGRES_PASSWORD"] == "${POSTGRES_PASSWORD:-}"
    assert "postgres-data" in compose["volumes"]


def test_two_clusters_share_postgres_and_split_the_shards(compose: dict[str, Any]) -> None:
    clusters = _clusters(compose)
    assert sorted(clusters) == ["bot-cluster-0", "bot-cluster-1"]
    covered: list[int] = []
    for service in clusters.values():
        env = service["environment"]
        assert service["profiles"] == ["cluster"]
        assert service["depends_on"] == {"postgres": {"condition": "service_healthy"}}
        assert env["NEWSDESK_DB"] == (
            "postgresql://newsdesk:${POSTGRES_PASSWORD:-}@postgres/newsdesk")
        plan = plan_shards(Settings(shard_count=int(env["NEWSDESK_SHARD_COUNT"]),
                                    shard_ids=env["NEWSDESK_SHARD_IDS"]))
        assert plan.shard_count == 4
        assert plan.shard_ids is not None
        covered += plan.shard_ids
        assert service["read_only"] is True
        assert service["cap_drop"] == ["ALL"]
        assert service["volumes"][0].endswith(":/data")
    assert sorted(covered) == [0, 1, 2, 3]  # every shard once
    assert len({s["volumes"][0] for s in clusters.values()}) == 2
