"""Checks that the house colours stay apart for colour-blind readers and on white paper.

Simulation: Machado GM, Oliveira MM, Fernandes LAF (2009), A physiologically-based
model for simulation of color vision deficiency, IEEE TVCG 15:1291-1298, severity
1.0 matrices, applied to linear RGB. Difference: CIE76 Delta E in CIELAB (D65),
where about 2.3 is a just-noticeable difference and 20 or more reads as clearly
different at a glance. Contrast: WCAG 2.1 relative luminance ratio (3:1 is the
minimum for graphical objects and large text against their background).
"""

from __future__ import annotations

import numpy as np

MACHADO_SEVERE: dict[str, np.ndarray] = {
    "protanopia": np.array([
        [0.152286, 1.052583, -0.204868],
        [0.114503, 0.786281, 0.099216],
        [-0.003882, -0.048116, 1.051998],
    ]),
    "deuteranopia": np.array([
        [0.367322, 0.860646, -0.227968],
        [0.280085, 0.672501, 0.047413],
        [-0.011820, 0.042940, 0.968881],
    ]),
    "tritanopia": np.array([
        [1.255528, -0.076749, -0.178779],
        [-0.078411, 0.930809, 0.147602],
        [0.004733, 0.691367, 0.303900],
    ]),
}
_SRGB_TO_XYZ = np.array([
    [0.4124564, 0.3575761, 0.1804375],
    [0.2126729, 0.7151522, 0.0721750],
    [0.0193339, 0.1191920, 0.9503041],
])
_D65_WHITE = np.array([0.95047, 1.0, 1.08883])


def hex_to_srgb(colour: str) -> np.ndarray:
    """'#D55E00' -> array of three floats in [0, 1]."""
    text = colour.lstrip("#")
    return np.array([int(text[i:i + 2], 16) / 255 for i in (0, 2, 4)])


def to_linear(srgb: np.ndarray) -> np.ndarray:
    return np.where(srgb <= 0.04045, srgb / 12.92, ((srgb + 0.055) / 1.055) ** 2.4)


def simulate(colour: str, deficiency: str) -> np.ndarray:
    """The linear RGB a reader with `deficiency` sees for `colour` (clipped to the gamut)."""
    linear = to_linear(hex_to_srgb(colour))
    return np.clip(MACHADO_SEVERE[deficiency] @ linear, 0.0, 1.0)


def lab(linear_rgb: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of a linear RGB colour."""
    xyz = (_SRGB_TO_XYZ @ linear_rgb) / _D65_WHITE
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.array([116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])])


def delta_e(first: str, second: str, deficiency: str | None = None) -> float:
    """CIE76 colour difference, as seen with `deficiency` (None: typical colour vision)."""
    if deficiency is None:
        a, b = to_linear(hex_to_srgb(first)), to_linear(hex_to_srgb(second))
    else:
        a, b = simulate(first, deficiency), simulate(second, deficiency)
    return float(np.linalg.norm(lab(a) - lab(b)))


def relative_luminance(colour: str) -> float:
    red, green, blue = to_linear(hex_to_srgb(colour))
    return float(0.2126 * red + 0.7152 * green + 0.0722 * blue)


def contrast_ratio(foreground: str, background: str = "#FFFFFF") -> float:
    """WCAG 2.1 contrast ratio, from 1 (none) to 21 (black on white)."""
    lighter, darker = sorted(
        (relative_luminance(foreground), relative_luminance(background)), reverse=True
    )
    return (lighter + 0.05) / (darker + 0.05)
