"""Type and range checks of the values of an experiment file, with messages that name the key.

Each ``get_*`` reads one key of a TOML table, returns its value (or the default) and raises
the ``Context``'s error, naming file, line and key, when it is missing, of the wrong type or
out of range. ``check_keys`` refuses keys it does not know, suggesting the nearest one.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from conflictsim.experiment.toml_lines import Context
from conflictsim.params import REGISTRY


def check_keys(ctx: Context, table: Mapping, allowed: Sequence[str], keys: tuple) -> None:
    """Refuse a key of ``table`` that is not ``allowed``, suggesting the nearest one."""
    for key in table:
        if key not in allowed:
            hint = difflib.get_close_matches(key, allowed, n=1)
            tip = f"did you mean {hint[0]!r}? " if hint else ""
            raise ctx.error(
                keys + (key,), f"unknown key {key!r}; {tip}allowed here: {', '.join(allowed)}"
            )


def get_table(ctx: Context, data: Mapping, key: str, keys: tuple) -> dict:
    """The sub-table ``key`` of ``data`` (empty when absent); refuses another type."""
    value = data.get(key, {})
    if not isinstance(value, dict):
        raise ctx.error(keys + (key,), f"must be a table, got {describe(value)}")
    return value


def describe(value: Any) -> str:
    """A value's TOML type in words, and the value, for messages."""
    return {
        bool: "true/false",
        int: "a whole number",
        float: "a number",
        str: "text",
        list: "an array",
        dict: "a table",
    }.get(type(value), type(value).__name__) + f" ({value!r})"


def get_int(ctx, table, key, keys, default=None, low=None, high=None) -> int:
    """The whole number at ``key`` (or ``default``), checked against ``low`` and ``high``."""
    if key not in table:
        if default is None:
            raise ctx.error(keys + (key,), "is required")
        return default
    v = table[key]
    if isinstance(v, bool) or not isinstance(v, int):
        raise ctx.error(keys + (key,), f"must be a whole number, got {describe(v)}")
    if low is not None and v < low:
        raise ctx.error(keys + (key,), f"must be at least {low}, got {v}")
    if high is not None and v > high:
        raise ctx.error(keys + (key,), f"must be at most {high:,}, got {v:,}")
    return v


def get_float(ctx, table, key, keys, default=None, low=None, high=None) -> float:
    """The finite number at ``key`` (or ``default``), checked against ``low`` and ``high``."""
    if key not in table:
        if default is None:
            raise ctx.error(keys + (key,), "is required")
        return default
    v = table[key]
    if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v):
        raise ctx.error(keys + (key,), f"must be a number, got {describe(v)}")
    if (low is not None and v < low) or (high is not None and v > high):
        raise ctx.error(keys + (key,), f"must lie in [{low:g}, {high:g}], got {v!r}")
    return float(v)


def get_str(ctx, table, key, keys, default=None, choices=None) -> str:
    """The text at ``key`` (or ``default``), one of ``choices`` when they are given."""
    if key not in table:
        if default is None:
            raise ctx.error(keys + (key,), "is required")
        return default
    v = table[key]
    if not isinstance(v, str):
        raise ctx.error(keys + (key,), f"must be text, got {describe(v)}")
    if choices is not None and v not in choices:
        hint = difflib.get_close_matches(v, choices, n=1)
        tip = f" (did you mean {hint[0]!r}?)" if hint else ""
        raise ctx.error(
            keys + (key,), f"unknown value {v!r}{tip}; choose one of {', '.join(choices)}"
        )
    return v


def get_bool(ctx, table, key, keys, default: bool) -> bool:
    """The true/false value at ``key``, or ``default``."""
    if key not in table:
        return default
    v = table[key]
    if not isinstance(v, bool):
        raise ctx.error(keys + (key,), f"must be true or false, got {describe(v)}")
    return v


def check_parameter_name(ctx: Context, name: str, keys: tuple) -> None:
    """Refuse a name the parameter registry does not hold, suggesting the nearest."""
    if name not in REGISTRY:
        hint = difflib.get_close_matches(name, list(REGISTRY), n=1)
        tip = f"; did you mean {hint[0]!r}?" if hint else "; see docs/ODD.md for the list"
        raise ctx.error(keys, f"unknown parameter {name!r}{tip}")


def get_parameters(ctx: Context, table: Mapping, keys: tuple) -> dict[str, float]:
    """A table of model parameters, each checked against the registry's range."""
    out = {}
    for name, value in table.items():
        check_parameter_name(ctx, name, keys + (name,))
        if isinstance(value, (bool, str, list, dict)):
            raise ctx.error(
                keys + (name,), f"parameter {name!r} must be a number, got {describe(value)}"
            )
        try:
            out[name] = REGISTRY[name].check(value)
        except ValueError as exc:
            raise ctx.error(keys + (name,), str(exc)) from None
    return out
