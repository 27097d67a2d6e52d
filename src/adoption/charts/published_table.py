"""A chart's plotted numbers as a reader expects them: the table behind `NAME.csv`.

Builders keep full precision in `Chart.data` (the picture is drawn from it); the
CSV, and the interactive page drawn from the same table, hold the numbers rounded
to the precision the sources support, with a unit in every column name:

    column                                   written as                 e.g.
    *_percent (shares, bounds, weights)      0.1 percentage point       57.0, 26.2
    *_points (gaps, differences of shares)   0.1 percentage point       -3.4
    n_effective (Kish)                       0.1 organisation           239.7
    median_<metric>*, difference_<metric>*   0.01 of the metric's unit  0.83
    confidence_percent, any other float      as many decimals as the    95, 99.5
                                             values hold, at most 6
    counts (n, population_size, organisations, adopters, panel_size, dormant, ...)
                                             whole numbers              76
    years (year, passed_after, passed_before) whole numbers             2010
    p_value, p_adjusted                      3 decimals, "<0.001" below 0.001
                                                                        0.023, <0.001

A missing value is an empty cell. Numbers use a dot for the decimal in every
language and no thousands separator, so any program reads them; the words of the
chart's language are in the label columns. A float column no rule above names (a
chart a user makes from their own table, say) is written as precisely as its values
need, up to 6 decimals, and never in scientific notation; our builders name theirs.
"""

from __future__ import annotations

import math

import pandas as pd

PERCENT_DECIMALS = 1
METRIC_DECIMALS = 2
P_VALUE_FLOOR = 0.001
COUNT_COLUMNS = frozenset({
    "n", "population_size", "nonprofit_n", "business_n", "organisations", "adopters",
    "panel_size", "dormant", "undated", "platforms_used",
})
YEAR_COLUMNS = frozenset({"year", "passed_after", "passed_before"})
P_VALUE_COLUMNS = frozenset({"p_value", "p_adjusted"})
METRIC_PREFIXES = ("median_", "difference_")


def reader_table(data: pd.DataFrame) -> pd.DataFrame:
    """`data` with each numeric column rounded as the module docstring says: counts and
    years as nullable integers, shares and metrics as rounded floats, p-values as text."""
    table = data.copy()
    for column in table.columns:
        values = table[column]
        if column in P_VALUE_COLUMNS:
            table[column] = values.map(p_value_text).astype(object)
        elif column in COUNT_COLUMNS or column in YEAR_COLUMNS:
            table[column] = _whole_numbers(values, column)
        elif _is_float(values):
            decimals = decimals_of(column, values)
            table[column] = pd.to_numeric(values).astype(float).round(decimals) + 0.0
    return table


def csv_cells(table: pd.DataFrame) -> pd.DataFrame:
    """`reader_table`'s float columns as fixed-decimal text ("57.0", not "57" in one row
    and "56.99999999999999" in the next); everything else unchanged."""
    cells = table.copy()
    for column in table.columns:
        if pd.api.types.is_float_dtype(table[column]):
            decimals = decimals_of(column, table[column])
            cells[column] = table[column].map(lambda value, d=decimals: _fixed(value, d))
    return cells


def decimals_of(column: str, values: pd.Series | None = None) -> int:
    """How many decimals `column` is written with (see the module docstring)."""
    if column.endswith(("_percent", "_points")) and column != "confidence_percent":
        return PERCENT_DECIMALS
    if column == "n_effective":
        return 1
    if column.startswith(METRIC_PREFIXES):
        return METRIC_DECIMALS
    finite = [] if values is None else [v for v in values if not _missing(v)]
    return max((_needed_decimals(float(v)) for v in finite), default=0)


def p_value_text(value: object) -> str | None:
    """0.0231 -> "0.023"; 3.5e-26 -> "<0.001"; missing -> None (an empty cell)."""
    if _missing(value):
        return None
    number = float(value)  # type: ignore[arg-type]
    if number < P_VALUE_FLOOR:
        return f"<{P_VALUE_FLOOR:.3f}"
    return f"{number:.3f}"


def _whole_numbers(values: pd.Series, column: str) -> pd.Series:
    numbers = pd.to_numeric(values.astype(object).where(values.notna(), None), errors="raise")
    finite = numbers.dropna().astype(float)
    fractional = finite[(finite - finite.round()).abs() > 1e-9]
    if not fractional.empty:
        raise ValueError(f"chart CSV column {column!r} should hold whole numbers, "
                         f"found {fractional.iloc[0]!r}")
    return numbers.round().astype("Int64")


def _is_float(values: pd.Series) -> bool:
    if pd.api.types.is_bool_dtype(values) or pd.api.types.is_integer_dtype(values):
        return False
    if pd.api.types.is_float_dtype(values):
        return True
    present = values.dropna()
    return (not present.empty and present.map(lambda v: isinstance(v, float)).all()
            and not present.map(lambda v: isinstance(v, bool)).any())


def _fixed(value: object, decimals: int) -> str:
    if _missing(value):
        return ""
    text = f"{float(value):.{decimals}f}"  # type: ignore[arg-type]
    return text[1:] if text.startswith("-") and float(text) == 0 else text  # never "-0.0"


def _needed_decimals(value: float) -> int:
    return next((d for d in range(7) if abs(round(value, d) - value) < 1e-9), 6)


def _missing(value: object) -> bool:
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))
