"""Where things go on the card: title block, plot, direct labels, notes and source line.

The layout is computed in card pixels (1200x628 at 100 dpi) by measuring the
text, and placed in figure fractions, so the large PNG and the SVG are the same
picture at another scale. Reading order follows Our World in Data and
Datawrapper: the finding (title), what is measured (subtitle), the plot with
labels at the line ends, then notes, the source and the licence.

Every text is created with `parse_math=False`: a "$" in a label ("budget under
$600,000") must print as a dollar sign, not start mathematical notation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache, lru_cache

import matplotlib
from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure
from matplotlib.font_manager import FontProperties
from matplotlib.lines import Line2D
from matplotlib.patheffects import Stroke
from matplotlib.text import Text
from matplotlib.transforms import Bbox

from adoption.charts.style import (
    CARD,
    FIGSIZE,
    FONT_FAMILY,
    FOOTER_COLOUR,
    GRID_COLOUR,
    LEADER_COLOUR,
    SIZES,
    SUBTITLE_COLOUR,
    TEXT_COLOUR,
    WATERMARK_COLOUR,
    points,
)

W, H = CARD.width, CARD.height
LINE_SPACING = 1.18
LABEL_GAP = 12  # px between the plot's right edge and a line-end label
KEY_WIDTH = 52  # px: the line sample before a label, and its gap (see EndLabel.key)
MAX_LABEL_WIDTH = 290  # px: longer line-end labels wrap, so the plot keeps most of the width
MAX_INLINE_WIDTH = 380  # px: labels written inside the plot may be a little wider
# A white outline behind text written over the plot, so it stays legible across a line.
HALO_OUTLINE = (Stroke(linewidth=4, foreground="white"),)


def with_halo(write: Callable[..., Text], *args: object, zorder: float = 6,
              **kwargs: object) -> Text:
    """Write text with a white outline behind it, as two artists.

    A path effect on the text itself would turn it into outlines in the SVG (no longer
    searchable or readable by a screen reader); so the outline is a white copy drawn
    underneath, and the text on top stays text.
    """
    write(*args, **{**kwargs, "color": "white"}, path_effects=HALO_OUTLINE,
          zorder=zorder - 0.01)
    return write(*args, **kwargs, zorder=zorder)


@dataclass(frozen=True)
class EndLabel:
    """A label written at the right end of a line, in the line's colour.

    `text` is the series' name (bold); `detail`, if any, a second line in the
    same colour and regular weight (e.g. "census: no sampling error").
    """

    text: str
    x: float
    y: float
    colour: str
    detail: str = ""
    leader: bool = True  # draw a thin line to the label when it had to move
    anchor: str = "name"  # "name": first line level with y; "above"/"below": block beside y
    inline: bool = False  # written right of its point inside the plot, not in the label column
    # (line style, marker): a sample of the line drawn before the name, so that series of
    # one colour are matched to their labels by shape, not by position alone.
    key: tuple[str, str] | None = None


@dataclass(frozen=True)
class Page:
    """The texts around the plot, in reading order."""

    title: str
    subtitle: str
    notes: Sequence[str]
    source_line: str
    credit_line: str
    banner: str = ""  # the synthetic-data line, shown above the notes
    watermark: str = ""  # the diagonal mark across a synthetic chart


DrawPlot = Callable[[Axes], Sequence[EndLabel]]


def new_figure() -> tuple[Figure, RendererAgg]:
    """A card-sized figure, not registered with pyplot (so notebooks do not show it twice)."""
    figure = Figure(figsize=FIGSIZE, dpi=CARD.dpi)
    canvas = FigureCanvasAgg(figure)
    return figure, canvas.get_renderer()


def render(page: Page, draw: DrawPlot) -> Figure:
    """Lay out `page` around the plot that `draw` makes on the axes it is given."""
    figure, renderer = new_figure()
    top = _header(figure, renderer, page)
    bottom = _footer(figure, renderer, page)
    axes = figure.add_axes(_fraction_rect(SIZES.margin, top, W - SIZES.margin, bottom))
    style_axes(axes)
    end_labels = [_wrapped(renderer, label) for label in draw(axes)]
    in_column = [label for label in end_labels if not label.inline]
    gutter = _gutter_width(renderer, in_column)
    _fit_axes(axes, renderer, Bbox.from_extents(SIZES.margin, top, W - SIZES.margin - gutter,
                                                bottom))
    _place_end_labels(figure, axes, renderer, in_column)
    for label in end_labels:
        if label.inline:
            _place_inline_label(figure, axes, renderer, label)
    if page.watermark:
        _watermark(figure, page.watermark)
    return figure


def style_axes(axes: Axes) -> None:
    """Light horizontal grid, no box: the data carry the ink."""
    for side in ("top", "right", "left"):
        axes.spines[side].set_visible(False)
    axes.spines["bottom"].set_color(GRID_COLOUR)
    axes.grid(axis="y", color=GRID_COLOUR, linewidth=1.0)
    axes.set_axisbelow(True)
    axes.tick_params(axis="both", length=0, pad=6)
    axes.tick_params(axis="x", length=5, color=GRID_COLOUR)


def font(size_px: float, bold: bool = False) -> FontProperties:
    return FontProperties(family=FONT_FAMILY, size=points(size_px),
                          weight="bold" if bold else "normal")


def text_width(renderer: RendererAgg, text: str, size_px: float, bold: bool = False) -> float:
    """The width in card pixels of one line of text."""
    return _measured_width(text, size_px, bold, renderer.dpi, matplotlib.rcParams["text.hinting"])


@lru_cache(maxsize=8192)
def _measured_width(text: str, size_px: float, bold: bool, dpi: float, hinting: str) -> float:
    # Measured once per text and setting: wrapping measures the same line prefixes for
    # each size it tries, and every chart of a report measures the same source lines.
    # (`hinting` is the current setting, which the measure reads: part of the key.)
    width, _, _ = _measuring_renderer(dpi).get_text_width_height_descent(
        text, font(size_px, bold), ismath=False)
    return width


@cache
def _measuring_renderer(dpi: float) -> RendererAgg:
    return RendererAgg(1, 1, dpi)


def wrap(renderer: RendererAgg, text: str, width: float, size_px: float,
         bold: bool = False) -> str:
    """`text` broken at spaces into lines no wider than `width` pixels (measured, not guessed).

    Only ordinary spaces break a line: a narrow no-break space keeps "65 %" together,
    and a number stays with the word before it ("Fortune 500", "in 2009").
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in _glued_words(paragraph):
            candidate = f"{line} {word}" if line else word
            if line and text_width(renderer, candidate, size_px, bold) > width:
                lines.append(line)
                line = word
            else:
                line = candidate
        lines.append(line)
    return "\n".join(lines)


def _glued_words(paragraph: str) -> list[str]:
    words: list[str] = []
    for word in paragraph.split(" "):
        if words and word[:1].isdigit() and (words[-1][-1:].isalpha() or words[-1].endswith(".")):
            words[-1] = f"{words[-1]} {word}"
        else:
            words.append(word)
    return words


def _header(figure: Figure, renderer: RendererAgg, page: Page) -> float:
    """Title and subtitle from the top; returns the y (px from top) where the plot starts."""
    width = W - 2 * SIZES.margin
    y = SIZES.margin * 0.8
    title_size = SIZES.title
    for smaller in (SIZES.title_long, SIZES.title_longest):  # a long title: a size down
        if wrap(renderer, page.title, width, title_size, bold=True).count("\n") < 2:
            break
        title_size = smaller
    y = _block(figure, renderer, page.title, y, width, title_size, TEXT_COLOUR, bold=True)
    y = _block(figure, renderer, page.subtitle, y + 8, width, SIZES.subtitle, SUBTITLE_COLOUR)
    return y + 22


def _footer(figure: Figure, renderer: RendererAgg, page: Page) -> float:
    """Source and licence on the bottom line, notes above; returns where the plot ends."""
    width = W - 2 * SIZES.margin
    bottom = H - SIZES.margin * 0.6
    # The credit sits right of the source's last line when it fits there, else below it;
    # it is never broken, so "CC BY 4.0" always travels with "Chart: adoption project".
    credit_width = text_width(renderer, page.credit_line, SIZES.footer)
    source = wrap(renderer, page.source_line, width, SIZES.footer)
    last_line = text_width(renderer, source.split("\n")[-1], SIZES.footer)
    _text(figure, page.credit_line, W - SIZES.margin, bottom, SIZES.footer, FOOTER_COLOUR,
          ha="right", va="bottom")
    if last_line + 28 + credit_width > width:
        bottom -= _line_height(renderer, page.credit_line, SIZES.footer, False)
    bottom = _block_up(figure, renderer, source, bottom, SIZES.footer, FOOTER_COLOUR)
    if page.notes:  # one paragraph: fewer short lines, more room for the plot
        notes = wrap(renderer, " ".join(page.notes), width, SIZES.note)
        bottom = _block_up(figure, renderer, notes, bottom - 4, SIZES.note, FOOTER_COLOUR)
    if page.banner:
        banner = wrap(renderer, page.banner, width, SIZES.note, bold=True)
        bottom = _block_up(figure, renderer, banner, bottom - 4, SIZES.note, WATERMARK_COLOUR,
                           bold=True)
    return bottom - 14


def _block(figure: Figure, renderer: RendererAgg, text: str, y: float, width: float,
           size_px: float, colour: str, bold: bool = False) -> float:
    """Wrapped text placed downward from `y`; returns the y below it."""
    if not text:
        return y
    artist = _text(figure, wrap(renderer, text, width, size_px, bold), SIZES.margin, y,
                   size_px, colour, va="top", bold=bold)
    return y + artist.get_window_extent(renderer).height


def _block_up(figure: Figure, renderer: RendererAgg, text: str, bottom: float,
              size_px: float, colour: str, bold: bool = False) -> float:
    """Text placed upward from `bottom`; returns the y above it."""
    artist = _text(figure, text, SIZES.margin, bottom, size_px, colour, va="bottom", bold=bold)
    return bottom - artist.get_window_extent(renderer).height


def _text(figure: Figure, text: str, x: float, y: float, size_px: float, colour: str,
          ha: str = "left", va: str = "top", bold: bool = False):
    """A figure text at card pixel (x, y), y measured from the top."""
    return figure.text(
        x / W, 1 - y / H, text, ha=ha, va=va, color=colour, fontproperties=font(size_px, bold),
        linespacing=LINE_SPACING, parse_math=False,
    )


def _fraction_rect(left: float, top: float, right: float, bottom: float) -> list[float]:
    return [left / W, 1 - bottom / H, (right - left) / W, (bottom - top) / H]


def _fit_axes(axes: Axes, renderer: RendererAgg, target: Bbox) -> None:
    """Move the axes so that its ticks, labels and annotations fill `target` (px from top)."""
    for _ in range(4):
        tight = axes.get_tightbbox(renderer)
        box = axes.get_window_extent(renderer)
        # Display coordinates count from the bottom; `target` counts from the top.
        left = box.x0 + (target.x0 - tight.x0)
        right = box.x1 + (target.x1 - tight.x1)
        top = box.y1 + ((H - target.y0) - tight.y1)
        bottom = box.y0 + ((H - target.y1) - tight.y0)
        axes.set_position([left / W, bottom / H, (right - left) / W, (top - bottom) / H])


def _wrapped(renderer: RendererAgg, label: EndLabel) -> EndLabel:
    """The label broken into lines no wider than the label column (or, inline, the room
    inside the plot) allows."""
    width = MAX_INLINE_WIDTH if label.inline else MAX_LABEL_WIDTH
    return EndLabel(
        text=wrap(renderer, label.text, width, SIZES.label, bold=True),
        x=label.x, y=label.y, colour=label.colour,
        detail=wrap(renderer, label.detail, width, SIZES.value),
        leader=label.leader,
        anchor=label.anchor,
        inline=label.inline,
        key=label.key,
    )


def _gutter_width(renderer: RendererAgg, labels: Sequence[EndLabel]) -> float:
    if not labels:
        return 0.0
    widths = [text_width(renderer, line, SIZES.label, bold=True)
              for label in labels for line in label.text.split("\n")]
    widths += [text_width(renderer, line, SIZES.value)
               for label in labels for line in label.detail.split("\n") if line]
    keys = KEY_WIDTH if any(label.key for label in labels) else 0
    return max(widths) + LABEL_GAP + 4 + keys


def _place_end_labels(figure: Figure, axes: Axes, renderer: RendererAgg,
                      labels: Sequence[EndLabel]) -> None:
    """Labels right of the plot at their line's last value, pushed apart where they would
    overlap, with a thin leader when a label had to move."""
    if not labels:
        return
    box = axes.get_window_extent(renderer)
    heights = [_label_height(renderer, label) for label in labels]
    line = _line_height(renderer, "Ag", SIZES.label, True)
    wanted = [float(axes.transData.transform((label.x, label.y))[1]) for label in labels]
    aims = [_aim(label, want, height, line)
            for label, want, height in zip(labels, wanted, heights, strict=True)]
    placed = spread(aims, heights, low=box.y0 - 10, high=box.y1 + 10, order=wanted)
    keyed = any(label.key for label in labels)
    for label, want, centre, height in zip(labels, wanted, placed, heights, strict=True):
        start = box.x1 + LABEL_GAP  # where the label column begins: the key, then the text
        top = centre + height / 2
        if label.key:
            _draw_key(figure, label, start, top - line / 2)
        x = start + (KEY_WIDTH if keyed else 0)
        figure.text(x / W, top / H, label.text, ha="left", va="top", color=label.colour,
                    fontproperties=font(SIZES.label, bold=True), linespacing=LINE_SPACING,
                    parse_math=False)
        if label.detail:
            figure.text(x / W, (top - _name_height(renderer, label)) / H, label.detail,
                        ha="left", va="top", color=label.colour,
                        fontproperties=font(SIZES.value), linespacing=LINE_SPACING,
                        parse_math=False)
        name_centre = top - line / 2
        end_x = float(axes.transData.transform((label.x, label.y))[0])
        far = start - end_x > 150  # the line stops well before the label column
        if label.leader and (abs(name_centre - want) > 3 or far):
            figure.add_artist(Line2D([(end_x + 8) / W, (start - 3) / W],
                                     [want / H, name_centre / H],
                                     transform=figure.transFigure, color=LEADER_COLOUR,
                                     linewidth=1.2, linestyle=(0, (1, 2))))


def _draw_key(figure: Figure, label: EndLabel, x: float, y: float) -> None:
    """A short stretch of the label's line, in its style, with its marker in the middle."""
    linestyle, marker = label.key  # type: ignore[misc]
    sample = KEY_WIDTH - 10
    figure.add_artist(Line2D([x / W, (x + sample) / W], [y / H, y / H],
                             transform=figure.transFigure, color=label.colour,
                             linewidth=SIZES.line_width, linestyle=linestyle))
    figure.add_artist(Line2D([(x + sample / 2) / W], [y / H], transform=figure.transFigure,
                             color=label.colour, marker=marker, linestyle="none",
                             markersize=points(SIZES.marker * 1.4), markeredgewidth=2.2))


def _place_inline_label(figure: Figure, axes: Axes, renderer: RendererAgg,
                        label: EndLabel) -> None:
    """A label just right of its line's last point: its name level with the point, or the
    whole block above the point with `anchor="above"` (to keep clear of lines below)."""
    x, y = axes.transData.transform((label.x, label.y))
    line = _line_height(renderer, "Ag", SIZES.label, True)
    top = y + _label_height(renderer, label) + 6 if label.anchor == "above" else y + line / 2
    top = min(top, axes.get_window_extent(renderer).y1)  # never up into the subtitle
    with_halo(figure.text, (x + LABEL_GAP) / W, top / H, label.text, ha="left", va="top",
              color=label.colour, fontproperties=font(SIZES.label, bold=True),
              linespacing=LINE_SPACING, parse_math=False, zorder=7)
    if label.detail:
        with_halo(figure.text, (x + LABEL_GAP) / W, (top - _name_height(renderer, label)) / H,
                  label.detail, ha="left", va="top", color=label.colour,
                  fontproperties=font(SIZES.value), linespacing=LINE_SPACING,
                  parse_math=False, zorder=7)


def _aim(label: EndLabel, want: float, height: float, line: float) -> float:
    """Where the centre of a label block should go (display px) before spreading."""
    if label.anchor == "above":
        return want + height / 2 + 4
    if label.anchor == "below":
        return want - height / 2 - 4
    return want - (height / 2 - line / 2)  # the first line (the name) level with the value


def _line_height(renderer: RendererAgg, text: str, size_px: float, bold: bool) -> float:
    """The height of one line of `text` (measured on its first line) with line spacing."""
    first = text.split("\n")[0] or "Ag"
    _, height, _ = renderer.get_text_width_height_descent(first, font(size_px, bold),
                                                           ismath=False)
    return height * LINE_SPACING


def _label_height(renderer: RendererAgg, label: EndLabel) -> float:
    height = _name_height(renderer, label)
    if label.detail:
        height += _line_height(renderer, "Ag", SIZES.value, False) * (
            label.detail.count("\n") + 1)
    return height


def _name_height(renderer: RendererAgg, label: EndLabel) -> float:
    return _line_height(renderer, "Ag", SIZES.label, True) * (label.text.count("\n") + 1)


def spread(wanted: Sequence[float], heights: Sequence[float], low: float, high: float,
           order: Sequence[float] | None = None) -> list[float]:
    """Centres as close to `wanted` as possible with no two boxes of `heights` overlapping,
    kept between `low` and `high` when there is room (y grows upward). Boxes keep the
    top-to-bottom order of `order` (default `wanted`): labels stay in their lines' order."""
    keys = wanted if order is None else order
    order = sorted(range(len(wanted)), key=lambda i: (-keys[i], -wanted[i]))
    centres = [0.0] * len(wanted)
    previous_bottom = high
    for i in order:  # top to bottom: push each label below the one above it
        centre = min(wanted[i], previous_bottom - heights[i] / 2)
        centres[i] = centre
        previous_bottom = centre - heights[i] / 2
    overflow = low - previous_bottom
    if overflow > 0:  # the lowest label fell off the bottom: lift the stack
        next_top = low
        for i in reversed(order):
            centre = max(centres[i], next_top + heights[i] / 2)
            centres[i] = centre
            next_top = centre + heights[i] / 2
    return centres


def _watermark(figure: Figure, text: str) -> None:
    """A large diagonal mark across the whole card, light enough to read the data through."""
    figure.text(0.5, 0.47, text, ha="center", va="center", rotation=16,
                fontproperties=font(SIZES.watermark, bold=True), color=WATERMARK_COLOUR,
                alpha=0.13, zorder=10, parse_math=False)
