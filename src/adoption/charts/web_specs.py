"""Vega-Lite specifications of the interactive charts, one function per kind of chart.

Each function reads the chart's published table (`Chart.table()`, the numbers of
`NAME.csv`, rounded as the CSV rounds them) and returns a `WebChart`: the
Vega-Lite spec whose `data.values` are those rows, each with every CSV column as
the CSV has it plus a few display fields whose names start with "_":

    _key      the series the row belongs to (the legend shows or hides it)
    _colour   the sector's house colour; _fill the same, or white where no interval
              can be drawn (hollow points, as on the static chart)
    _dash, _shape  how a second or third series of one sector is told apart
    _tip      the tooltip: an object of label -> text in the chart's language,
              formatted by `adoption.text` (the data table repeats it)

Specs are plain dicts (no Altair at build time: importing it costs seconds per
notebook process), checked against the Vega-Lite schema by the tests. No data
string is ever put into a Vega expression: expressions name fields only.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import pandas as pd

from adoption.charts.style import (
    GRID_COLOUR,
    LINE_STYLES,
    MARKERS,
    SUBTITLE_COLOUR,
    TEXT_COLOUR,
    UNCLEAR_COLOUR,
    ZERO_LINE_COLOUR,
    sector_colour,
)
from adoption.text import say
from adoption.text.formats import EN_DASH, number, p_value, percent, points

SCHEMA = "https://vega.github.io/schema/vega-lite/v6.json"  # an identifier, never fetched
FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif'
WHITE = "#FFFFFF"
# matplotlib's line styles and markers (style.py) as Vega draws them.
DASHES = {"-": [1, 0], "--": [8, 5], ":": [2, 4], "-.": [8, 4, 2, 4]}
SHAPES = {"o": "circle", "s": "square", "^": "triangle-up", "D": "diamond",
          "v": "triangle-down", "P": "cross"}
HIDDEN = "hidden"  # the parameter the legend buttons set: keys of hidden series


@dataclass(frozen=True)
class LegendItem:
    key: str
    label: str
    colour: str
    dash: list[int]
    shape: str


@dataclass
class WebChart:
    """A chart's interactive form: the spec, the legend's series, the data table."""

    spec: dict
    legend: list[LegendItem] = field(default_factory=list)

    @property
    def rows(self) -> list[dict]:
        return self.spec["data"]["values"]


def web_chart(kind: str, table: pd.DataFrame, lang: str, description: str) -> WebChart:
    """The interactive form of a chart of `kind` drawn from `table` (its published rows)."""
    try:
        build = BUILDERS[kind]
    except KeyError:
        raise ValueError(f"no interactive form for charts of kind {kind!r} "
                         f"(known: {', '.join(sorted(BUILDERS))})") from None
    rows = _records(table)
    layers, encoding, legend = build(rows, lang)
    # Layers that draw the rows share the axes; a layer with data of its own (a reference
    # line) keeps only its own encoding, so it spans the plot.
    layers = [layer if "data" in layer else {**layer, "encoding": _merged(encoding, layer)}
              for layer in layers]
    if any(layer["encoding"].get("description") for layer in layers if "encoding" in layer):
        for row in rows:
            if "_tip" in row:
                row["_description"] = _description(row["_tip"])
    spec = {
        "$schema": SCHEMA,
        "description": description,
        "width": "container",
        "height": "container",
        "autosize": {"type": "fit", "contains": "padding"},
        "config": CONFIG,
        "data": {"values": rows},
        "params": [{"name": HIDDEN, "value": []}],
        "transform": [{"filter": f"indexof({HIDDEN}, datum._key) < 0"}],
        "layer": layers,
    }
    return WebChart(spec, legend)


CONFIG = {
    "font": FONT,
    "background": WHITE,
    "view": {"stroke": None},
    "axis": {"labelFontSize": 13, "titleFontSize": 13, "labelColor": SUBTITLE_COLOUR,
             "titleColor": SUBTITLE_COLOUR, "titleFontWeight": "normal",
             "gridColor": GRID_COLOUR, "domainColor": GRID_COLOUR, "tickColor": GRID_COLOUR,
             "labelOverlap": "greedy", "labelFlush": True},
    "axisX": {"grid": False},
    # Screen readers hear the plot's description (the alt text) and each point's
    # `_description`, in the chart's language; lines, bars of intervals and the hover
    # targets stay silent rather than reading field names.
    "mark": {"aria": False},
    "text": {"font": FONT, "fontSize": 13, "color": TEXT_COLOUR},
}


# --- shared pieces --------------------------------------------------------------------------


def _merged(shared: dict, layer: dict) -> dict:
    """The layer's encoding over the shared one, channel by channel: a layer naming only
    its field (`{"y": {"field": "low_percent"}}`) keeps the shared type, scale and axis."""
    merged = dict(shared)
    for channel, definition in layer.get("encoding", {}).items():
        base = shared.get(channel)
        if isinstance(base, dict) and "field" in definition and "field" in base:
            merged[channel] = {**base, **definition}
        else:
            merged[channel] = definition
    return merged


def _records(table: pd.DataFrame) -> list[dict]:
    """The table's rows as JSON-ready dicts: missing values None, numpy numbers as Python."""
    records = []
    for row in table.to_dict(orient="records"):
        records.append({str(k): _plain(v) for k, v in row.items()})
    return records


def _plain(value: object) -> object:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()  # type: ignore[union-attr]
        if isinstance(value, float) and math.isnan(value):
            return None
    return value


def _styled(rows: list[dict], key: Callable[[dict], str], sector: Callable[[dict], str],
            label: Callable[[dict], str]) -> list[LegendItem]:
    """Give each row its series key, colour, dash and shape; one legend item per series.
    Series of one sector share its colour and differ by dash and marker, in order."""
    legend: dict[str, LegendItem] = {}
    per_sector: dict[str, int] = {}
    for row in rows:
        row_key = key(row)
        if row_key not in legend:
            index = per_sector.get(sector(row), 0)
            per_sector[sector(row)] = index + 1
            legend[row_key] = LegendItem(
                row_key, label(row), sector_colour(sector(row)),
                DASHES[LINE_STYLES[index % len(LINE_STYLES)]],
                SHAPES[MARKERS[index % len(MARKERS)]])
        item = legend[row_key]
        row.update({"_key": row_key, "_colour": item.colour, "_dash": item.dash,
                    "_shape": item.shape})
        row["_fill"] = item.colour
    return list(legend.values())


def _year_x(rows: list[dict], column: str = "year") -> dict:
    years = sorted({int(row[column]) for row in rows})
    return {"field": column, "type": "quantitative", "title": None,
            "scale": {"domain": [years[0] - 0.5, years[-1] + 0.5], "nice": False,
                      "zero": False},
            "axis": {"values": years, "format": "d"}}


def _percent_y(column: str, top: float, title: str | None = None) -> dict:
    return {"field": column, "type": "quantitative", "title": title,
            "scale": {"domain": [0, top], "nice": False},
            "axis": {"labelExpr": "format(datum.value / 100, '.0%')", "tickCount": 5}}


def _percent_top(rows: list[dict], *columns: str) -> float:
    values = [row[c] for row in rows for c in columns if row.get(c) is not None]
    highest = max(values, default=100.0)
    return float(min(100.0, math.ceil((highest + 8) / 10) * 10))


def _line(y: str, *, width: float = 2.5, dash: bool = True, step: bool = False,
          opacity: float = 1.0) -> dict:
    mark: dict = {"type": "line", "strokeWidth": width, "opacity": opacity}
    if step:
        mark["interpolate"] = "step-after"
    encoding: dict = {"y": {"field": y}, "detail": {"field": "_key"},
                      "stroke": {"field": "_colour", "type": "nominal", "scale": None}}
    if dash:
        encoding["strokeDash"] = {"field": "_dash", "type": "nominal", "scale": None}
    return {"mark": mark, "encoding": encoding}


def _interval(low: str, high: str, colour: str = "_colour", width: float = 2.2) -> dict:
    return {"mark": {"type": "rule", "strokeWidth": width, "opacity": 0.6},
            "encoding": {"y": {"field": low}, "y2": {"field": high},
                         "stroke": {"field": colour, "type": "nominal", "scale": None}}}


def _description(tip: Mapping[str, str]) -> str:
    """A point as a screen reader says it: "Fortune 500, 2009; Share: 21.6%; ..."."""
    return "; ".join([tip.get("title", ""), *(f"{key}: {value}" for key, value in tip.items()
                                              if key != "title")]).strip("; ")


def _points(y: str, size: float = 80, colour: str = "_colour") -> dict:
    return {"mark": {"type": "point", "filled": True, "size": size, "strokeWidth": 2,
                     "opacity": 1, "aria": True},
            "encoding": {"y": {"field": y}, "description": {"field": "_description"},
                         "fill": {"field": "_fill", "type": "nominal", "scale": None},
                         "stroke": {"field": colour, "type": "nominal", "scale": None},
                         "shape": {"field": "_shape", "type": "nominal", "scale": None}}}


def _hover(y: str, size: float = 900) -> dict:
    """Invisible wide targets over the points: hovering or tapping near one shows its
    tooltip (`_tip`), which Vega-Embed's tooltip handler writes as text, never as HTML."""
    return {"mark": {"type": "point", "filled": True, "size": size, "opacity": 0,
                     "tooltip": {"expr": "datum._tip"}},
            "encoding": {"y": {"field": y}}}


def _rule_at(value: float, colour: str, axis: str = "y", dash: list[int] | None = None,
             width: float = 1.4) -> dict:
    mark: dict = {"type": "rule", "color": colour, "strokeWidth": width}
    if dash:
        mark["strokeDash"] = dash
    return {"data": {"values": [{}]}, "mark": mark,
            "encoding": {axis: {"datum": value}}}


def _pct(value: float | None, lang: str) -> str:
    return EN_DASH if value is None else percent(value / 100, lang)


def _range(low: float | None, high: float | None, lang: str, fmt=_pct) -> str:
    if low is None or high is None:
        return EN_DASH
    return say("chart.web.range", lang, low=fmt(low, lang), high=fmt(high, lang))


def _points_text(value: float | None, lang: str) -> str:
    return EN_DASH if value is None else points(value, lang, 1)


def _source(row: Mapping, lang: str, column: str = "study") -> dict:
    text = row.get(column)
    return {say("chart.web.source", lang): str(text)} if text else {}


def _counted(row: Mapping, lang: str) -> str:
    """"census of all 500", "sample of 76 of 200", "not published"."""
    n, size = row.get("n"), row.get("population_size")
    if row.get("design") == "census":
        return (say("chart.web.census_of", lang, size=size) if size is not None
                else say("chart.web.census", lang))
    if n is None:
        return say("chart.web.not_published", lang)
    if size is not None:
        return say("chart.web.survey_of", lang, n=n, size=size)
    return say("chart.web.survey_n", lang, n=n)


def _interval_text(row: Mapping, lang: str) -> dict:
    """The interval as the CSV's `interval` column says it was obtained (its level is
    in the chart's notes: the CSV of these charts does not carry it)."""
    kind = row.get("interval", "wilson")
    label = say("chart.web.interval_plain", lang)
    between = _range(row.get("low_percent"), row.get("high_percent"), lang)
    if kind == "census_rounding":
        return {label: say("chart.web.interval_census_rounding", lang, range=between)}
    if kind in ("exact_census", "none_method_unknown", "none_sample_size_missing",
                "none_self_selected"):
        return {label: say(f"chart.web.interval_{kind}", lang)}
    return {label: between}


def _hollow_where_no_interval(rows: list[dict], low: str = "low_percent") -> None:
    for row in rows:
        if row.get(low) is None:
            row["_fill"] = WHITE


# --- one function per kind ------------------------------------------------------------------

Built = tuple[list[dict], dict, list[LegendItem]]


def _curves(rows: list[dict], lang: str) -> Built:
    """adoption_curves: each series' share by year, with intervals; hollow without one."""
    legend = _styled(rows, lambda r: f"{r['series']}|{r['sector']}", lambda r: r["sector"],
                     lambda r: r["label"])
    _hollow_where_no_interval(rows)
    for row in rows:
        row["_tip"] = {"title": f"{row['label']}, {row['year']}",
                       say("chart.web.share", lang): _pct(row["share_percent"], lang),
                       **_interval_text(row, lang),
                       say("chart.web.sample", lang): _counted(row, lang),
                       **_source(row, lang)}
    top = _percent_top(rows, "high_percent", "share_percent")
    encoding = {"x": _year_x(rows), "y": _percent_y("share_percent", top)}
    layers = [_line("share_percent"), _interval("low_percent", "high_percent"),
              _points("share_percent"), _hover("share_percent")]
    return layers, encoding, legend


def _diffusion(rows: list[dict], lang: str) -> Built:
    """diffusion: each series' figures, the 50% line, and a bracket from the last wave
    below it to the first above it for each series that passed it."""
    layers, encoding, legend = _curves(rows, lang)
    encoding["y"] = _percent_y("share_percent", 100)
    passed_label = say("chart.web.passed", lang, share=0.5)
    order = {item.key: index for index, item in enumerate(legend)}
    seen: set[str] = set()
    for row in rows:
        if row.get("passed_after") is not None:
            row["_tip"][passed_label] = say("chart.web.passed_between", lang,
                                            before=row["passed_after"],
                                            after=row["passed_before"])
            if row["_key"] not in seen:  # one bracket per series, on its first row
                seen.add(row["_key"])
                row["_bracket_y"] = 50 - 3 - 3.2 * order[row["_key"]]
    bracket = {"transform": [{"filter": "isValid(datum._bracket_y)"}],
               "mark": {"type": "rule", "strokeWidth": 6, "opacity": 0.6,
                        "strokeCap": "butt", "tooltip": {"expr": "datum._tip"}},
               "encoding": {"x": {"field": "passed_after"}, "x2": {"field": "passed_before"},
                            "y": {"field": "_bracket_y"},
                            "stroke": {"field": "_colour", "type": "nominal", "scale": None}}}
    return [_rule_at(50, "#8C8C8C", dash=[2, 3]), *layers, bracket], encoding, legend


def _gap(rows: list[dict], lang: str) -> Built:
    """gap: nonprofit minus business per year, coloured by who was clearly ahead."""
    for row in rows:
        row["_key"] = "gap"
        leader = row.get("leader")
        row["_colour"] = (sector_colour(leader) if leader in ("nonprofit", "business")
                          else UNCLEAR_COLOUR)
        row["_fill"] = WHITE if row.get("gap_low_points") is None else row["_colour"]
        row["_shape"] = "diamond" if leader == "unclear" else "circle"
        row["_tip"] = {"title": str(row["year"]),
                       say("chart.web.gap", lang): _points_text(row["gap_points"], lang),
                       say("chart.web.interval_plain", lang): _range(
                           row.get("gap_low_points"), row.get("gap_high_points"), lang,
                           _points_text),
                       say("chart.web.verdict", lang): _verdict(row, lang),
                       say("chart.web.p_adjusted", lang): _p_text(row.get("p_adjusted"), lang),
                       row["nonprofit_label"]: _pct(row["nonprofit_share_percent"], lang),
                       row["business_label"]: _pct(row["business_share_percent"], lang),
                       **_source(row, lang, "nonprofit_study")}
        if row.get("business_study") and row.get("business_study") != row.get(
                "nonprofit_study"):
            row["_tip"][f"{say('chart.web.source', lang)} ({row['business_label']})"] = str(
                row["business_study"])
    values = [row[c] for row in rows for c in ("gap_points", "gap_low_points",
                                               "gap_high_points") if row.get(c) is not None]
    top, bottom = max([*values, 0.0]), min([*values, 0.0])
    span = max(top - bottom, 10.0)
    domain = [math.floor(min(bottom - 0.25 * span, -0.25 * span) / 10) * 10,
              math.ceil(max(top + 0.25 * span, 0.25 * span) / 10) * 10]
    encoding = {"x": _year_x(rows),
                "y": {"field": "gap_points", "type": "quantitative", "title": None,
                      "scale": {"domain": domain, "nice": False},
                      "axis": {"labelExpr": "datum.value > 0 ? format(datum.value, '+d') : "
                                            "format(datum.value, 'd')", "tickCount": 6}}}
    line = {"mark": {"type": "line", "color": "#9A9A9A", "strokeWidth": 1.5},
            "encoding": {"y": {"field": "gap_points"}}}
    first = rows[0]
    sides = [_corner_text("\u2191 " + say("chart.gap.ahead", lang, who=first["nonprofit_label"]),
                          domain[1], "top", sector_colour("nonprofit")),
             _corner_text("\u2193 " + say("chart.gap.ahead", lang, who=first["business_label"]),
                          domain[0], "bottom", sector_colour("business"))]
    layers = [_rule_at(0, ZERO_LINE_COLOUR, width=1.6), *sides, line,
              _interval("gap_low_points", "gap_high_points"), _points("gap_points", 90),
              _hover("gap_points")]
    return layers, encoding, []


def _corner_text(text: str, y: float, baseline: str, colour: str) -> dict:
    """A label at the plot's left edge, at the top or bottom of the y scale, saying what
    that side of zero means (the text is data, drawn as text, never an expression)."""
    return {"data": {"values": [{"_text": text}]},
            "mark": {"type": "text", "align": "left", "baseline": baseline, "dx": 4,
                     "dy": 4 if baseline == "top" else -4, "fontWeight": "bold",
                     "color": colour, "limit": {"expr": "width - 8"}},
            "encoding": {"x": {"value": 0}, "y": {"datum": y, "type": "quantitative"},
                         "text": {"field": "_text"}}}


def _verdict(row: Mapping, lang: str) -> str:
    leader = row.get("leader")
    if leader in ("nonprofit", "business"):
        return say("chart.gap.ahead", lang, who=row[f"{leader}_label"])
    known = leader if leader in ("unclear", "not_comparable") else "unknown"
    return say(f"chart.web.verdict_{known}", lang)


def _p_text(value: object, lang: str) -> str:
    if value is None:
        return EN_DASH
    text = str(value)
    return p_value(0.0, lang) if text.startswith("<") else p_value(float(text), lang)


def _context(rows: list[dict], lang: str) -> Built:
    """context: one self-selected survey's respondents, one line per platform, no interval."""
    legend = _styled(rows, lambda r: r["platform"], lambda r: r["sector"],
                     lambda r: r["platform_label"])
    for row in rows:
        n = row.get("n")
        respondents = (say("chart.web.self_selected", lang, n=n) if n is not None
                       else say("chart.web.self_selected_no_n", lang))
        row["_tip"] = {"title": f"{row['platform_label']}, {row['year']}",
                       say("chart.web.share", lang): _pct(row["share_percent"], lang),
                       say("chart.web.respondents", lang): respondents, **_source(row, lang)}
    top = _percent_top(rows, "share_percent")
    encoding = {"x": _year_x(rows), "y": _percent_y("share_percent", top)}
    layers = [_line("share_percent", width=2), _points("share_percent"),
              _hover("share_percent")]
    return layers, encoding, legend


def _sector_legend(rows: list[dict]) -> list[LegendItem]:
    return _styled(rows, lambda r: r["sector"], lambda r: r["sector"],
                   lambda r: r["sector_label"])


def _grouped_x(column: str, order: Sequence[str], title: str | None = None) -> dict:
    return {"field": column, "type": "nominal", "sort": list(order), "title": title,
            "scale": {"type": "band", "paddingInner": 0.25, "paddingOuter": 0.1},
            "axis": {"labelAngle": 0}}


def _offset(order: Sequence[str]) -> dict:
    return {"field": "sector", "type": "nominal", "sort": list(order),
            "scale": {"paddingInner": 0.1}}


def _survey_by_size(rows: list[dict], lang: str) -> Built:
    """survey_by_size: weighted shares per size band, nonprofits beside businesses."""
    legend = _sector_legend(rows)
    bands = list(dict.fromkeys(row["size_band_label"] for row in rows))
    for row in rows:
        row["_tip"] = {"title": f"{row['sector_label']}, {row['size_band_label']}, "
                                f"{row['year']}",
                       say("chart.web.share", lang): _pct(row["share_percent"], lang),
                       say("chart.web.interval_plain", lang): _range(
                           row["low_percent"], row["high_percent"], lang),
                       say("chart.web.unweighted", lang): _pct(row["unweighted_percent"], lang),
                       say("chart.web.answers", lang): say(
                           "chart.web.answers_value", lang, n=row["n"],
                           effective=number(row["n_effective"], lang, 1)),
                       say("chart.web.gap", lang): _points_text(row["band_gap_points"], lang)}
    top = _percent_top(rows, "high_percent")
    encoding = {"x": _grouped_x("size_band_label", bands), "y": _percent_y("share_percent", top)}
    layers = _beside([_interval("low_percent", "high_percent"), _points("share_percent", 90),
                      _hover("share_percent", 700)], rows)
    return layers, encoding, legend


def _sectors(rows: list[dict]) -> list[str]:
    return list(dict.fromkeys(row["sector"] for row in rows))


def _beside(layers: list[dict], rows: list[dict]) -> list[dict]:
    """The layers with each sector set beside the other within its group."""
    for layer in layers:
        layer["encoding"]["xOffset"] = _offset(_sectors(rows))
    return layers


def _survey_platform_count(rows: list[dict], lang: str) -> Built:
    """survey_platform_count: weighted share of organisations by number of platforms used."""
    legend = _sector_legend(rows)
    for row in rows:
        row["_count"] = str(row["platforms_used"])
        row["_tip"] = {"title": f"{row['sector_label']}, {row['year']}",
                       say("chart.web.platforms_used", lang): str(row["platforms_used"]),
                       say("chart.web.share", lang): _pct(row["share_percent"], lang),
                       say("chart.web.organisations", lang): number(row["organisations"], lang)}
    counts = sorted({row["platforms_used"] for row in rows})
    top = _percent_top(rows, "share_percent")
    encoding = {"x": _grouped_x("_count", [str(c) for c in counts],
                                say("chart.survey.count_axis", lang)),
                "y": _percent_y("share_percent", top)}
    bars = {"mark": {"type": "bar", "tooltip": {"expr": "datum._tip"}, "aria": True},
            "encoding": {"description": {"field": "_description"},
                         "fill": {"field": "_colour", "type": "nominal", "scale": None}}}
    return _beside([bars], rows), encoding, legend


def _survey_weighting(rows: list[dict], lang: str) -> Built:
    """survey_weighting: weighted (solid, with intervals) and unweighted (dashed) shares."""
    legend = _sector_legend(rows)
    for row in rows:
        row["_tip"] = {"title": f"{row['sector_label']}, {row['year']}",
                       say("chart.web.weighted", lang): _pct(row["weighted_percent"], lang),
                       say("chart.web.interval_plain", lang): _range(
                           row["weighted_low_percent"], row["weighted_high_percent"], lang),
                       say("chart.web.unweighted", lang): _pct(row["unweighted_percent"], lang),
                       say("chart.web.answers", lang): say(
                           "chart.web.answers_value", lang, n=row["n"],
                           effective=number(row["n_effective"], lang, 1))}
    top = _percent_top(rows, "weighted_high_percent", "unweighted_percent")
    encoding = {"x": _year_x(rows), "y": _percent_y("weighted_percent", top)}
    unweighted = _line("unweighted_percent", width=1.6, dash=False, opacity=0.8)
    unweighted["mark"]["strokeDash"] = DASHES["--"]
    layers = [unweighted, _line("weighted_percent", dash=False),
              _interval("weighted_low_percent", "weighted_high_percent"),
              _points("weighted_percent"), _hover("weighted_percent")]
    return layers, encoding, legend


def _account_adoption(rows: list[dict], lang: str) -> Built:
    """account_adoption: share of the panel with an account, by date (a step line). Its
    CSV has a row per account opened; the tooltips (and the table of numbers) show each
    sector's last row of each month, which keeps the page light."""
    legend = _sector_legend(rows)
    month_ends = {(row["sector"], row["date"][:7]): row for row in rows}.values()
    for row in month_ends:
        row["_tip"] = {"title": f"{row['sector_label']}, {row['date'][:10]}",
                       say("chart.web.share", lang): _pct(row["share_percent"], lang),
                       say("chart.web.with_account", lang): say(
                           "chart.web.with_account_value", lang, adopters=row["adopters"] or 0,
                           panel=row["panel_size"]),
                       say("chart.web.files_note", lang): str(row["source_files"])}
    encoding = {"x": {"field": "date", "type": "temporal", "title": None,
                      "scale": {"type": "utc"}, "axis": {"format": "%Y", "tickCount": "year"}},
                "y": _percent_y("share_percent", 100)}
    first = {"data": {"values": [{"first_snapshot": rows[0]["first_snapshot"]}]},
             "mark": {"type": "rule", "color": "#8C8C8C", "strokeDash": [2, 3]},
             "encoding": {"x": {"field": "first_snapshot", "type": "temporal"}}}
    hover = _hover("share_percent", 300)
    hover["transform"] = [{"filter": "isValid(datum._tip)"}]
    layers = [_rule_at(50, "#8C8C8C", dash=[2, 3], width=1), first,
              _line("share_percent", dash=False, step=True), hover]
    return layers, encoding, legend


def _pairs(value: str, low: str, high: str, difference: str, difference_low: str,
           difference_high: str, text: Callable[[float | None, str], str],
           title: str) -> Callable[[list[dict], str], Built]:
    """account_activity and dormant_accounts: per year, each sector's value with its
    interval side by side, and above them the difference, bold where it is clear."""
    def build(rows: list[dict], lang: str) -> Built:
        legend = _sector_legend(rows)
        first = _sectors(rows)[0]
        for row in rows:
            row["_year"] = str(row["year"])
            row["_difference_row"] = row["sector"] == first  # one label per year
            row["_tip"] = {"title": f"{row['sector_label']}, {row['year']}",
                           say(title, lang): text(row[value], lang),
                           say("chart.web.interval", lang, level=row["confidence_percent"]
                               / 100): _range(row[low], row[high], lang, text),
                           say("chart.web.accounts", lang): number(row["n"], lang),
                           say("chart.web.difference", lang): _signed(
                               row.get(difference), row.get(difference_low),
                               row.get(difference_high), lang, value.endswith("_percent"))}
            clear = bool(row.get("clear"))
            row["_difference_text"] = _signed(row.get(difference), None, None, lang,
                                              value.endswith("_percent"))
            row["_difference_colour"] = (sector_colour(row["higher"])
                                         if clear and row.get("higher") else UNCLEAR_COLOUR)
            row["_difference_clear"] = clear
        years = [str(y) for y in sorted({row["year"] for row in rows})]
        tops = [row[c] for row in rows for c in (high, value) if row.get(c) is not None]
        top = max(tops, default=1.0) * 1.25
        if value.endswith("_percent"):
            y = _percent_y(value, min(100.0, math.ceil(top / 10) * 10))
        else:
            y = {"field": value, "type": "quantitative", "title": None,
                 "scale": {"domain": [0, top], "nice": False}, "axis": {"tickCount": 5}}
        encoding = {"x": _grouped_x("_year", years), "y": y}
        row_of_differences = [_difference_text(top, bold) for bold in (True, False)]
        layers = [*_beside([_interval(low, high), _points(value, 90), _hover(value, 600)],
                           rows), *row_of_differences]
        return layers, encoding, legend
    return build


def _difference_text(top: float, bold: bool) -> dict:
    """The row of differences above the pairs: bold where the difference is clear."""
    test = "datum._difference_row && " + ("" if bold else "!") + "datum._difference_clear"
    return {"transform": [{"filter": test}],
            "mark": {"type": "text", "baseline": "top", "dy": 2, "fontSize": 13,
                     "fontWeight": "bold" if bold else "normal"},
            "encoding": {"y": {"datum": top}, "text": {"field": "_difference_text"},
                         "color": {"field": "_difference_colour", "type": "nominal",
                                   "scale": None}}}


def _signed(value: float | None, low: float | None, high: float | None, lang: str,
            percent_points: bool) -> str:
    if value is None:
        return EN_DASH
    decimals = 1 if percent_points else 2
    text = points(value, lang, decimals)
    if low is not None and high is not None:
        text += f" ({points(low, lang, decimals)} {EN_DASH} {points(high, lang, decimals)})"
    return text


def _number2(value: float | None, lang: str) -> str:
    return EN_DASH if value is None else number(value, lang, 2)


def _activity(rows: list[dict], lang: str) -> Built:
    metric = str(rows[0]["metric"])
    return _pairs(f"median_{metric}", f"median_{metric}_low", f"median_{metric}_high",
                  f"difference_{metric}", f"difference_{metric}_low",
                  f"difference_{metric}_high", _number2, "chart.web.median")(rows, lang)


BUILDERS: dict[str, Callable[[list[dict], str], Built]] = {
    "adoption_curves": _curves,
    "diffusion": _diffusion,
    "gap": _gap,
    "context": _context,
    "survey_by_size": _survey_by_size,
    "survey_platform_count": _survey_platform_count,
    "survey_weighting": _survey_weighting,
    "account_adoption": _account_adoption,
    "account_activity": _activity,
    "dormant_accounts": _pairs("share_percent", "low_percent", "high_percent",
                               "difference_points", "difference_low_points",
                               "difference_high_points", _pct, "chart.web.dormant"),
}
