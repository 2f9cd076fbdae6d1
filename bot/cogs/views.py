"""Button views that only their asker may use, and the answer for buttons that outlived them.

A view lives in memory: it ends when it times out or the bot restarts, but its message and
buttons stay in the channel. Every newsdesk button's ``custom_id`` starts with `PREFIX`, and
each live view records its message id in the bot's ``live_views``; a click on a newsdesk
button whose message has no live view (sent before a restart, say) gets a short ephemeral
"expired" reply from `answer_expired` instead of Discord's "This interaction failed".
"""

from __future__ import annotations

import logging
from typing import Any

import discord

from bot.cogs.common import NO_MENTIONS, Interaction, report_error, send_ephemeral

log = logging.getLogger(__name__)

PREFIX = "newsdesk:"
EXPIRED = "This answer has expired (its buttons stop working after a while or a restart). " \
          "Ask again with /ask or /sources."


class AskerView(discord.ui.View):
    """A view whose buttons only ``asker_id`` may press; disabled when it times out.

    Parameters
    ----------
    asker_id
        The user who ran the command.
    timeout
        Seconds of inactivity before the buttons are disabled.
    refusal
        What anyone else who presses a button is told (ephemerally).
    """

    def __init__(self, *, asker_id: int, timeout: float, refusal: str) -> None:
        super().__init__(timeout=timeout)
        self.asker_id = asker_id
        self.refusal = refusal
        self.message: discord.WebhookMessage | None = None
        self._live: set[int] | None = None

    def attach(self, message: discord.WebhookMessage, live: set[int]) -> None:
        """Remember the message this view is on, as live in ``live`` until it times out."""
        self.message = message
        self._live = live
        live.add(message.id)

    async def interaction_check(self, interaction: Interaction) -> bool:
        """Only the asker may press; others get the refusal, ephemerally."""
        if interaction.user.id == self.asker_id:
            return True
        await send_ephemeral(interaction, self.refusal)
        return False

    async def on_timeout(self) -> None:
        """Disable the buttons (link buttons stay); a deleted message is passed over quietly."""
        if self._live is not None and self.message is not None:
            self._live.discard(self.message.id)
        for item in self.children:
            if isinstance(item, discord.ui.Button) and item.url is None:
                item.disabled = True
        if self.message is None:
            return
        try:
            await self.message.edit(view=self, allowed_mentions=NO_MENTIONS)
        except discord.HTTPException as error:
            log.debug("could not disable buttons of message %s: %s", self.message.id, error)

    async def on_error(
        self, interaction: Interaction, error: Exception, item: discord.ui.Item[Any]
    ) -> None:
        """Route button failures to the one error handler."""
        await report_error(interaction, error)


async def answer_expired(interaction: Interaction, live: set[int]) -> bool:
    """Answer a click on a newsdesk button whose view is gone; True when it answered.

    Clicks on live views, and components that are not newsdesk's, are left alone.
    """
    if interaction.type is not discord.InteractionType.component:
        return False
    data: dict[str, Any] = interaction.data or {}  # type: ignore[assignment]
    custom_id = str(data.get("custom_id", ""))
    message = interaction.message
    if not custom_id.startswith(PREFIX) or message is None or message.id in live:
        return False
    log.info("button %s pressed on message %s, whose view has expired", custom_id[:64],
             message.id)
    await send_ephemeral(interaction, EXPIRED)
    return True
