"""One table: exception -> the short message a Discord user sees. Details go to the log only."""

from __future__ import annotations

import math
import sqlite3

import discord
from discord import app_commands

from bot.fetch import FetchError
from corpus.backend import StoreError
from retrieval.types import EmptyCorpusError

GENERIC = "Something went wrong on our side; it has been logged. Please try again later."

# First matching row wins, so subclasses come before their base classes. ``None`` means
# "use the exception's own message": only for exceptions whose messages are written for
# users and never contain user input.
USER_MESSAGES: tuple[tuple[type[BaseException], str | None], ...] = (
    (FetchError, None),
    (TimeoutError, "That took too long. Please try again in a moment."),
    (EmptyCorpusError, "No articles are indexed yet."),
    (sqlite3.OperationalError, "The article database is busy. Please try again in a moment."),
    (sqlite3.DatabaseError, "The article database had a problem; the operator has been told."),
    (StoreError, "The article database had a problem; the operator has been told."),
    (UnicodeDecodeError, "That file is not readable text (UTF-8 expected)."),
    (app_commands.NoPrivateMessage, "This command works only in a server."),
    (app_commands.MissingPermissions, "You need the Manage Server permission for that."),
    (app_commands.BotMissingPermissions, "I am missing a permission I need in this channel."),
    (app_commands.TransformerError, "One of the options has a value I cannot use."),
    (app_commands.CheckFailure, "You cannot use this command here."),
    (discord.Forbidden, "Discord did not allow that reply (missing permission)."),
    (discord.HTTPException, "Discord refused that reply. Please try again."),
)

# Exceptions that are the user's or the world's doing, not a bug: logged without traceback.
EXPECTED: tuple[type[BaseException], ...] = (
    FetchError,
    TimeoutError,
    EmptyCorpusError,
    UnicodeDecodeError,
    app_commands.CheckFailure,
    app_commands.TransformerError,
)


def unwrap(error: BaseException) -> BaseException:
    """Return the exception a command raised, without ``CommandInvokeError`` around it."""
    while isinstance(error, app_commands.CommandInvokeError):
        error = error.original
    return error


def user_message(error: BaseException) -> str:
    """Return the short, user-safe message for ``error`` (unwrapped first)."""
    error = unwrap(error)
    if isinstance(error, app_commands.CommandOnCooldown):
        seconds = max(1, math.ceil(error.retry_after))
        return f"You're asking quickly: try again in {seconds} s."
    for kind, text in USER_MESSAGES:
        if isinstance(error, kind):
            return text if text is not None else str(error) or GENERIC
    return GENERIC


def is_expected(error: BaseException) -> bool:
    """Return True for errors that need no traceback in the log (input, timeouts)."""
    return isinstance(unwrap(error), EXPECTED)
