"""Small typed rows shared by several domains' views. Pure: no database, no reflex."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    """One choice of a select: the value sent back and the label shown."""

    value: str
    label: str


def options(pairs: Iterable[tuple[int, str]]) -> list[Option]:
    """(id, name) pairs, as services return them for pickers, as the choices of a select."""
    return [Option(str(value), label) for value, label in pairs]
