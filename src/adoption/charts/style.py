"""The house style: one colour per sector, one font, sizes that stay legible at 600 px.

Every size here is in pixels of the 1200x628 social card (drawn at 100 dpi), the
size bloggers post. The high-resolution PNG is the same figure at twice the dpi,
and the SVG the same layout as vector text, so one set of sizes serves all three.

Colours are from Okabe & Ito's colour-blind-safe palette (Okabe M, Ito K (2008),
Color Universal Design): vermillion for nonprofits, blue for businesses. The pair
differs in lightness as well as hue, so it stays distinct under protanopia,
deuteranopia and tritanopia (checked in `tests/test_charts_style.py` with the
Machado et al. (2009) simulation of the colorspacious library) and in greyscale print.
A sector keeps its colour on every chart: several series of one sector differ by
line style and marker, never by hue.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

import matplotlib

SECTOR_COLOURS: dict[str, str] = {
    "nonprofit": "#D55E00",  # Okabe-Ito vermillion
    "business": "#0072B2",  # Okabe-Ito blue
    "higher_education": "#CC79A7",  # Okabe-Ito reddish purple
}
UNCLEAR_COLOUR = "#6B6B6B"  # a year whose interval includes zero: neither sector's colour
TEXT_COLOUR = "#1A1A1A"
SUBTITLE_COLOUR = "#4A4A4A"
FOOTER_COLOUR = "#575757"
GRID_COLOUR = "#DCDCDC"
LEADER_COLOUR = "#8A8A8A"  # dotted line from a line's end to its label
ZERO_LINE_COLOUR = "#333333"
WATERMARK_COLOUR = "#B00020"
BACKGROUND = "#FFFFFF"

# Several series of one sector on one chart: told apart by line and marker, in this order.
LINE_STYLES = ("-", "--", ":", "-.")
MARKERS = ("o", "s", "^", "D", "v", "P")

FONT_FAMILY = "DejaVu Sans"  # ships with matplotlib: the same glyphs on every machine


@dataclass(frozen=True)
class CardSize:
    """A rendered size: pixels and the dpi that gives them from the card layout."""

    width: int
    height: int
    dpi: int


DPI = 100
CARD = CardSize(1200, 628, DPI)  # the social card (Open Graph / Twitter summary size)
LARGE = CardSize(2400, 1256, 2 * DPI)  # the same chart at twice the resolution
FIGSIZE = (CARD.width / DPI, CARD.height / DPI)  # inches


@dataclass(frozen=True)
class Sizes:
    """Font sizes and spacing in card pixels (see the module docstring)."""

    title: float = 34
    title_long: float = 29
    title_longest: float = 26
    subtitle: float = 23
    label: float = 24
    value: float = 22
    tick: float = 22
    note: float = 22
    footer: float = 22
    watermark: float = 84
    margin: float = 34
    line_width: float = 3.2
    marker: float = 10
    interval_width: float = 2.6


SIZES = Sizes()
# At 600 px wide the card is shown at half size: 22 px becomes 11 px, the smallest
# text we accept on a phone-width column (tests check every text against this).
MIN_TEXT_PX = 22
DISPLAY_WIDTH_CHECKED = 600


def points(px: float) -> float:
    """Card pixels to typographic points, the unit matplotlib sizes text in."""
    return px * 72 / DPI


def sector_colour(sector: str) -> str:
    """The sector's fixed colour; a sector we have no colour for is an error, not grey."""
    try:
        return SECTOR_COLOURS[str(sector)]
    except KeyError:
        raise ValueError(
            f"no house colour for sector {sector!r} (known: {', '.join(SECTOR_COLOURS)})"
        ) from None


def rc_params() -> dict[str, object]:
    """Matplotlib settings for every chart, including those that make files reproducible."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [FONT_FAMILY],
        "font.size": points(SIZES.tick),
        "text.color": TEXT_COLOUR,
        "axes.edgecolor": GRID_COLOUR,
        "axes.labelcolor": SUBTITLE_COLOUR,
        "axes.facecolor": BACKGROUND,
        "figure.facecolor": BACKGROUND,
        "savefig.facecolor": BACKGROUND,
        "xtick.color": SUBTITLE_COLOUR,
        "ytick.color": SUBTITLE_COLOUR,
        "xtick.labelsize": points(SIZES.tick),
        "ytick.labelsize": points(SIZES.tick),
        "axes.unicode_minus": True,
        "lines.solid_capstyle": "round",
        # Reproducible files: real text in SVG, fixed ids, no hinting surprises.
        "svg.fonttype": "none",
        "svg.hashsalt": "adoption-charts",
        "svg.id": "adoption-chart",
        "path.simplify": False,
        "text.antialiased": True,
    }


@contextmanager
def house_style() -> Iterator[None]:
    """Apply the house settings for the duration of a build or a save, then restore."""
    with matplotlib.rc_context(rc_params()):
        yield
