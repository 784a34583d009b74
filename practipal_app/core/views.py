"""Small typed rows shared by several domains' views. Pure: no database, no reflex."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Option:
    """One choice of a select: the value sent back and the label shown."""

    value: str
    label: str
