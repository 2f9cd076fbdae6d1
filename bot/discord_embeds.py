"""Embeds for Discord: an `EmbedSpec` of raw texts, fitted into every embed limit."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.discord_text import (
    AUTHOR_LIMIT,
    DESCRIPTION_LIMIT,
    EMBED_TOTAL_LIMIT,
    FIELD_COUNT_LIMIT,
    FIELD_NAME_LIMIT,
    FIELD_VALUE_LIMIT,
    FOOTER_LIMIT,
    TITLE_LIMIT,
    Text,
    fit,
    usable_url,
)

EMBED_COLOUR = 0x2B6CB0


@dataclass(frozen=True, slots=True)
class Field:
    """One embed field, before fitting."""

    name: Text
    value: Text
    inline: bool = False


@dataclass(slots=True)
class EmbedSpec:
    """An embed before fitting: raw texts, never longer than they want to be."""

    title: Text | None = None
    url: str | None = None
    description: Text | None = None
    fields: list[Field] = field(default_factory=list)
    footer: str | None = None
    author: str | None = None
    colour: int = EMBED_COLOUR


def embed_length(embed: dict[str, Any]) -> int:
    """Characters Discord counts toward the 6000 total of one embed."""
    total = len(embed.get("title", "")) + len(embed.get("description", ""))
    total += len(embed.get("footer", {}).get("text", ""))
    total += len(embed.get("author", {}).get("name", ""))
    for item in embed.get("fields", []):
        total += len(item["name"]) + len(item["value"])
    return total


def fit_embed(spec: EmbedSpec) -> dict[str, Any]:
    """Build an embed dict (``discord.Embed.from_dict`` input) within every embed limit.

    Each slot is fitted to its own limit; fields beyond 25 are dropped; if the total is over
    6000 the description shrinks first, then fields are dropped from the end, then the
    footer and title shrink.
    """
    embed: dict[str, Any] = {"type": "rich", "color": spec.colour}
    title = fit(spec.title, TITLE_LIMIT) if spec.title else ""
    footer = fit(Text(spec.footer, markdown=False), FOOTER_LIMIT) if spec.footer else ""
    author = fit(Text(spec.author, markdown=False), AUTHOR_LIMIT) if spec.author else ""
    fields: list[dict[str, Any]] = [
        {
            "name": fit(item.name, FIELD_NAME_LIMIT) or "\u200b",
            "value": fit(item.value, FIELD_VALUE_LIMIT) or "\u200b",
            "inline": item.inline,
        }
        for item in spec.fields[:FIELD_COUNT_LIMIT]
    ]
    fixed = len(title) + len(footer) + len(author) + sum(
        len(f["name"]) + len(f["value"]) for f in fields
    )
    description = ""
    if spec.description:
        room = max(0, min(DESCRIPTION_LIMIT, EMBED_TOTAL_LIMIT - fixed))
        description = fit(spec.description, room)
    while fields and fixed + len(description) > EMBED_TOTAL_LIMIT:
        dropped = fields.pop()
        fixed -= len(dropped["name"]) + len(dropped["value"])
    if fixed + len(description) > EMBED_TOTAL_LIMIT and spec.footer:
        footer = fit(Text(spec.footer, markdown=False), 200)
    if len(title) + len(footer) + len(author) + len(description) > EMBED_TOTAL_LIMIT and spec.title:
        title = fit(spec.title, 100)
    if title:
        embed["title"] = title
    url = usable_url(spec.url)
    if url and title:
        embed["url"] = url
    if description:
        embed["description"] = description
    if fields:
        embed["fields"] = fields
    if footer:
        embed["footer"] = {"text": footer}
    if author:
        embed["author"] = {"name": author}
    return embed
