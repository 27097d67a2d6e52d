"""House style: sector colours that colour-blind readers can tell apart, legible text."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pytest
from colorspacious import cspace_convert, deltaE
from matplotlib.font_manager import findfont
from matplotlib.ft2font import FT2Font

from adoption.charts.style import (
    CARD,
    FONT_FAMILY,
    FOOTER_COLOUR,
    LARGE,
    MIN_TEXT_PX,
    SECTOR_COLOURS,
    SUBTITLE_COLOUR,
    TEXT_COLOUR,
    UNCLEAR_COLOUR,
    sector_colour,
)

# CIE76 Delta E: about 2.3 is just noticeable; 20 or more reads as different at a glance.
CLEARLY_DIFFERENT = 20.0
# Full-severity colour-vision deficiencies, simulated by colorspacious (Machado, Oliveira
# and Fernandes 2009), the maintained library matplotlib's own colormap tests use.
MACHADO_SEVERE = ("protanomaly", "deuteranomaly", "tritanomaly")


def _rgb(colour: str) -> np.ndarray:
    return np.array([int(colour[i:i + 2], 16) for i in (1, 3, 5)]) / 255


def delta_e(first: str, second: str, deficiency: str | None = None) -> float:
    """CIE76 colour difference of two colours, as a reader with `deficiency` sees them."""
    def seen(colour: str) -> np.ndarray:
        rgb = _rgb(colour)
        if deficiency is None:
            return rgb
        space = {"name": "sRGB1+CVD", "cvd_type": deficiency, "severity": 100}
        return np.clip(cspace_convert(rgb, space, "sRGB1"), 0, 1)
    return float(deltaE(seen(first), seen(second), input_space="sRGB1",
                        uniform_space="CIELab"))


def contrast_ratio(colour: str, background: str = "#FFFFFF") -> float:
    """WCAG 2.1 contrast ratio (its definition of relative luminance)."""
    def luminance(hex_colour: str) -> float:
        channels = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4
                    for c in _rgb(hex_colour)]
        return 0.2126 * channels[0] + 0.7152 * channels[1] + 0.0722 * channels[2]
    light, dark = sorted((luminance(colour), luminance(background)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


@pytest.mark.parametrize("deficiency", [None, *MACHADO_SEVERE])
def test_sector_colours_stay_distinct_for_colour_blind_readers(deficiency):
    for first, second in itertools.combinations(SECTOR_COLOURS.values(), 2):
        assert delta_e(first, second, deficiency) >= CLEARLY_DIFFERENT, (first, second)


@pytest.mark.parametrize("deficiency", [None, *MACHADO_SEVERE])
def test_unclear_grey_differs_from_both_sector_colours(deficiency):
    for colour in (SECTOR_COLOURS["nonprofit"], SECTOR_COLOURS["business"]):
        assert delta_e(colour, UNCLEAR_COLOUR, deficiency) >= CLEARLY_DIFFERENT


def test_simulation_matches_known_values():
    # Under deuteranopia pure red and pure green collapse toward one hue; black/white do not.
    assert delta_e("#FF0000", "#00FF00", "deuteranomaly") < delta_e("#FF0000", "#00FF00")
    assert delta_e("#000000", "#FFFFFF", "deuteranomaly") == pytest.approx(100, abs=0.5)
    assert contrast_ratio("#000000") == pytest.approx(21.0)
    assert contrast_ratio("#FFFFFF") == pytest.approx(1.0)


def test_colours_have_enough_contrast_on_white():
    for colour in SECTOR_COLOURS.values():  # lines, markers and large bold labels: 3:1
        assert contrast_ratio(colour) >= 3.0, colour
    for colour in (TEXT_COLOUR, SUBTITLE_COLOUR, FOOTER_COLOUR, UNCLEAR_COLOUR):  # text: 4.5:1
        assert contrast_ratio(colour) >= 4.5, colour


def test_sector_colour_is_fixed_and_unknown_sector_is_an_error():
    assert sector_colour("nonprofit") == "#D55E00"
    assert sector_colour("business") == "#0072B2"
    with pytest.raises(ValueError, match="no house colour"):
        sector_colour("government")


def test_sizes():
    assert (CARD.width, CARD.height) == (1200, 628)
    assert (LARGE.width, LARGE.height) == (2 * CARD.width, 2 * CARD.height)
    assert MIN_TEXT_PX * 600 / CARD.width >= 11  # at 600 px wide, no text under 11 px


def test_font_has_the_glyphs_french_needs():
    font = FT2Font(findfont(FONT_FAMILY, fallback_to_default=False))
    charmap = font.get_charmap()
    for char in "\u202f\u00a0\u2212\u2013\u2014\u2019\u00ab\u00bbÉéèêàçôœ\u2191\u2193":
        assert ord(char) in charmap, hex(ord(char))


def test_rendering_french_text_raises_no_missing_glyph_warning():
    from adoption import load_table
    from adoption.charts import gap_chart

    chart = gap_chart(load_table(), "blog", "umassd-charities", "umassd-inc500", lang="fr")
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        chart.png()
