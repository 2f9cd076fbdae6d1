"""Server-side checks of slash-command options against what each command declares.

Discord's client enforces a command's option ranges, lengths and types, but a crafted
interaction skips the client: ``top_k = 10**9``, ``top_k = -5`` or a 50,000-character
question reach the bot all the same. `option_problem` checks the options of any command
against its declared parameters (``app_commands.Range`` bounds, string lengths, choices,
types), so every command, present and future, is covered by one rule.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from discord import AppCommandOptionType, app_commands

GONE = ("That command no longer exists here. Type / to see newsdesk's current commands.")

_NUMBER_TYPES = {AppCommandOptionType.integer, AppCommandOptionType.number}
_LEAF_TYPES = {1, 2}  # sub-command, sub-command group: their options are nested


def leaf_options(options: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """The options given to the command itself, below any sub-command (group) wrappers."""
    while len(options) == 1 and options[0].get("type") in _LEAF_TYPES:
        options = options[0].get("options", [])
    return list(options)


def option_problem(
    command: app_commands.Command[Any, ..., Any],
    options: Sequence[Mapping[str, Any]],
    *,
    autocomplete: bool = False,
) -> str | None:
    """What is wrong with ``options`` for ``command``, as one short sentence, or None.

    Parameters
    ----------
    command
        The resolved slash command (its ``parameters`` carry the declared bounds).
    options
        The raw option objects of the interaction (``data["options"]``), nested or not.
    autocomplete
        An autocomplete request: the focused value is still being typed, so only maxima
        (lengths and values) are enforced, not minima or required options.
    """
    declared = {parameter.name: parameter for parameter in command.parameters}
    given: dict[str, Any] = {}
    for option in leaf_options(options):
        name = str(option.get("name", ""))
        parameter = declared.get(name)
        if parameter is None:
            return f"The option `{name[:32]}` is not one of /{command.qualified_name}'s."
        given[name] = option.get("value")
        problem = _value_problem(parameter, option.get("value"), autocomplete=autocomplete)
        if problem is not None:
            return problem
    if not autocomplete:
        for parameter in command.parameters:
            if parameter.required and parameter.name not in given:
                return f"The option `{parameter.display_name}` is required."
    return None


def _value_problem(
    parameter: app_commands.Parameter, value: Any, *, autocomplete: bool
) -> str | None:
    """Check one value against its parameter's type, bounds and choices."""
    name = parameter.display_name
    low, high = parameter.min_value, parameter.max_value
    if parameter.type is AppCommandOptionType.string:
        if not isinstance(value, str):
            return f"The option `{name}` must be text."
        if high is not None and len(value) > high:
            return f"The option `{name}` may be at most {high:g} characters (got {len(value):,})."
        if not autocomplete and low is not None and len(value) < low:
            return f"The option `{name}` must be at least {low:g} characters."
    elif parameter.type in _NUMBER_TYPES:
        integer = parameter.type is AppCommandOptionType.integer
        if autocomplete and isinstance(value, str):
            return None  # a number being typed arrives as text
        if isinstance(value, bool) or not isinstance(value, int | float) or (
            integer and not isinstance(value, int)
        ) or not math.isfinite(value):
            return f"The option `{name}` must be a {'whole ' if integer else ''}number."
        if (low is not None and value < low) or (high is not None and value > high):
            return f"The option `{name}` must be {_bounds(low, high)} (got {value:g})."
    elif parameter.type is AppCommandOptionType.boolean and not isinstance(value, bool):
        return f"The option `{name}` must be true or false."
    if parameter.choices and not autocomplete and value not in {c.value for c in
                                                                 parameter.choices}:
        return f"The option `{name}` must be one of the offered choices."
    return None


def _bounds(low: float | None, high: float | None) -> str:
    if low is not None and high is not None:
        return f"from {low:g} to {high:g}"
    return f"at least {low:g}" if low is not None else f"at most {high:g}"
