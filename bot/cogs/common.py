"""Reply helpers shared by the cogs and the error handler: defer, ephemeral replies, errors."""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

import discord
from discord import app_commands

from bot.discord_text import message
from bot.errors import is_expected, unwrap, user_message
from corpus.store import SHARED_SCOPE

if TYPE_CHECKING:
    from bot.client import NewsBot

log = logging.getLogger(__name__)

NO_MENTIONS = discord.AllowedMentions.none()
UNKNOWN_INTERACTION = 10062
ALREADY_ACKNOWLEDGED = 40060

Interaction = discord.Interaction[Any]

CORPUS = app_commands.Group(
    name="corpus",
    description="Manage this server's own articles and feeds (needs Manage Server)",
    guild_only=True,
    default_permissions=discord.Permissions(manage_guild=True),
)
"""The ``/corpus`` group: `bot.cogs.admin.CorpusCog` owns it (with the feeds mixin)."""


def require_manager(interaction: Interaction) -> str:
    """Return this guild's scope after checking that the caller may manage the server.

    The command is also hidden from others by ``default_member_permissions``, but server
    owners can override that, so the handler checks again.

    Raises
    ------
    app_commands.NoPrivateMessage
        Outside a server.
    app_commands.MissingPermissions
        When the member lacks Manage Server.
    """
    if interaction.guild_id is None:
        raise app_commands.NoPrivateMessage()
    permissions = interaction.permissions
    if not (permissions.manage_guild or permissions.administrator):
        raise app_commands.MissingPermissions(["manage_guild"])
    return str(interaction.guild_id)


def bot_of(interaction: Interaction) -> NewsBot:
    """Return the NewsBot that received ``interaction``."""
    return interaction.client  # type: ignore[no-any-return]


def scopes_for(interaction: Interaction) -> tuple[str, ...]:
    """Return what may be searched: shared corpus plus the guild's own (DMs: shared only)."""
    if interaction.guild_id is None:
        return (SHARED_SCOPE,)
    return (SHARED_SCOPE, str(interaction.guild_id))


def _is_gone(error: discord.HTTPException) -> bool:
    return error.code in (UNKNOWN_INTERACTION, ALREADY_ACKNOWLEDGED)


async def defer(interaction: Interaction, *, ephemeral: bool = False) -> bool:
    """Acknowledge ``interaction`` (the "thinking…" state) before any slow work.

    Returns False when the interaction can no longer be answered (10062 Unknown interaction:
    its 3 s token expired; 40060: already acknowledged): one warning is logged and the
    caller should stop without trying to respond again.
    """
    try:
        await interaction.response.defer(thinking=True, ephemeral=ephemeral)
    except discord.HTTPException as error:
        if not _is_gone(error):
            raise
        log.warning(
            "interaction %s expired before it was acknowledged (Discord error %s); dropped",
            interaction.id,
            error.code,
        )
        return False
    interaction.extras["deferred_ephemeral"] = ephemeral
    return True


async def followup(interaction: Interaction, **kwargs: Any) -> discord.WebhookMessage:
    """Send the deferred answer (never pings anyone); marks the placeholder as replaced."""
    sent = await interaction.followup.send(allowed_mentions=NO_MENTIONS, wait=True, **kwargs)
    interaction.extras["answered"] = True
    return sent


async def send_ephemeral(interaction: Interaction, text: str) -> None:
    """Tell only the user ``text``, whether or not the interaction was acknowledged.

    After a public deferral the "thinking…" placeholder is deleted first, so the ephemeral
    message does not replace it in public. Failures to reply are logged, never raised.
    """
    content = message(text)
    try:
        if not interaction.response.is_done():
            await interaction.response.send_message(
                content, ephemeral=True, allowed_mentions=NO_MENTIONS
            )
            return
        public_placeholder = (
            interaction.response.type is discord.InteractionResponseType.deferred_channel_message
            and not interaction.extras.get("deferred_ephemeral", False)
            and not interaction.extras.get("answered", False)
        )
        if public_placeholder:
            try:
                await interaction.delete_original_response()
            except discord.HTTPException as error:
                log.debug("could not delete the deferred placeholder: %s", error)
        await interaction.followup.send(content, ephemeral=True, allowed_mentions=NO_MENTIONS)
        interaction.extras["answered"] = True
    except discord.HTTPException as error:
        log.warning("could not reply to interaction %s: %s", interaction.id, error)


def _command_name(interaction: Interaction) -> str:
    command = interaction.command
    if command is not None:
        return "/" + command.qualified_name
    if interaction.type is discord.InteractionType.component:
        return "a button"
    return "an interaction"


async def report_error(interaction: Interaction, error: BaseException) -> None:
    """Handle any command error: log the details, tell the user little, never raise."""
    original = unwrap(error)
    if isinstance(original, discord.HTTPException) and _is_gone(original):
        log.warning("interaction %s expired while %s ran; not answering",
                    interaction.id, _command_name(interaction))
        return
    if is_expected(original):
        log.info("%s refused: %s", _command_name(interaction), type(original).__name__)
        log.debug("refusal detail: %s", original)
    else:
        log.error("%s failed", _command_name(interaction), exc_info=original)
    await send_ephemeral(interaction, user_message(original))
