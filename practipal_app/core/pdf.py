"""What every PDF shares: the bundled DejaVu Sans fonts, which carry the rupee sign that fpdf2's
core fonts cannot print."""

from __future__ import annotations

from pathlib import Path

FONT_DIR = Path(__file__).resolve().parent.parent / "data" / "fonts"
FONT = "DejaVu"
