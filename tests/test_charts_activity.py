"""Account snapshot charts, in English and French: files, text, manifest, French typography,
and the CSV and verdicts against scipy's and statsmodels' own computations.

The synthetic archive is read once per module and every chart saved once; the shared
checks (visible SVG text, proper names, the French list of English words, determinism
across processes) are those of `test_charts_builders` and `test_charts_determinism`.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import xml.etree.ElementTree as ET

import numpy as np
import pandas as pd
import pytest
from matplotlib.text import Text
from PIL import Image
from scipy.stats import bootstrap
from statsmodels.stats.proportion import confint_proportions_2indep
from test_charts_builders import ENGLISH_WORDS, _flat, _svg_text, _without_names
from test_charts_determinism import _files

from adoption.charts import (
    ENTRY_KEYS,
    account_activity_chart,
    account_adoption_chart,
    dormant_accounts_chart,
    read_manifest,
    save_chart,
)
from adoption.charts.style import CARD, LARGE, MIN_TEXT_PX
from adoption.charts.vendor import SCRIPT_PATH
from adoption.paths import SYNTHETIC_DIR
from adoption.snapshots import (
    adoption_curve,
    load_snapshots,
    missing_from_last_snapshot,
    read_sector_map,
    sector_year_summary,
)
from adoption.snapshots.account_metrics import DEFAULT_SEED, account_years
from adoption.stats.accounts import stream

NNBSP = "\u202f"
ARCHIVE = SYNTHETIC_DIR / "snapshots_synthetic.csv"
SECTOR_MAP = SYNTHETIC_DIR / "snapshots_synthetic_sector_map.csv"
N_RESAMPLES = 200  # enough to check the chart shows what the summary returns; fast

BUILDERS = {
    "adoption": lambda t, lang: account_adoption_chart(t, sector_map=SECTOR_MAP, lang=lang),
    "posts": lambda t, lang: account_activity_chart(t, lang=lang, n_resamples=N_RESAMPLES),
    "growth": lambda t, lang: account_activity_chart(t, "followers_per_30d", lang=lang,
                                                     n_resamples=N_RESAMPLES),
    "dormant": lambda t, lang: dormant_accounts_chart(t, lang=lang),
}
CASES = [(kind, lang) for kind in BUILDERS for lang in ("en", "fr")]
SPAN = "2009-2014"
NAMES = {
    "adoption": f"twitter-account-adoption-nonprofits-vs-businesses-{SPAN}-synthetic",
    "posts": f"twitter-posts-per-day-nonprofits-vs-businesses-{SPAN}-synthetic",
    "growth": f"twitter-followers-per-30d-nonprofits-vs-businesses-{SPAN}-synthetic",
    "dormant": f"twitter-dormant-accounts-nonprofits-vs-businesses-{SPAN}-synthetic",
}
# Words of these charts that must not appear in French, beyond the library's list.
ACCOUNT_WORDS = [
    "posts", "per day", "followers", "dormant", "accounts", "account", "Survivorship",
    "deleted", "snapshot", "snapshots", "median", "Median", "Half", "half", "No clear",
    "no clear", "difference", "sector map", "left out", "faster", "more often", "by",
    "vanished", "first", "top row", "bold", "adjusted",
]
FILE_NAME = re.compile(r"\S+\.(?:csv|jsonl|json|parquet|gz)\b")
# English thousands ("1,065"), told apart from a French decimal with three places ("0,001").
COMMA_THOUSANDS = re.compile(r"(?<![\d,])[1-9]\d{0,2}(?:,\d{3})+\b")


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    return load_snapshots([ARCHIVE], sector_map=SECTOR_MAP)


@pytest.fixture(scope="module")
def built(table, tmp_path_factory):
    """(folder, {(kind, lang): (chart, entry)}) with every chart saved into one folder."""
    folder = tmp_path_factory.mktemp("account-charts")
    charts = {}
    for kind, lang in CASES:
        chart = BUILDERS[kind](table, lang)
        charts[(kind, lang)] = (chart, save_chart(chart, folder))
    return folder, charts


# The CSV's precision (adoption.charts.published_table): shares to 0.1 point, medians to 0.01.
TENTH = 0.05 + 1e-9
HUNDREDTH = 0.005 + 1e-9


def _csv(built, kind: str, lang: str = "en") -> pd.DataFrame:
    folder, charts = built
    return pd.read_csv(folder / charts[(kind, lang)][1]["files"]["csv"])


# --- files, names, text -------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_files_exist_with_the_stated_pixel_sizes(built, kind, lang):
    folder, charts = built
    chart, entry = charts[(kind, lang)]
    assert entry["files"] == {"png": f"{chart.name}.png", "png_large": f"{chart.name}-large.png",
                              "svg": f"{chart.name}.svg", "csv": f"{chart.name}.csv",
                              "html": f"{chart.name}.html"}
    for file in entry["files"].values():
        assert (folder / file).stat().st_size > 0
    with Image.open(folder / entry["files"]["png"]) as card:
        assert card.size == (CARD.width, CARD.height)
    with Image.open(folder / entry["files"]["png_large"]) as large:
        assert large.size == (LARGE.width, LARGE.height)
    svg = ET.parse(folder / entry["files"]["svg"]).getroot()
    assert (svg.get("width"), svg.get("height")) == ("1200px", "628px")


def test_names_are_stable_and_readable(built):
    names = {chart.name for chart, _ in built[1].values()}
    assert names == {*NAMES.values(), *(f"{name}-fr" for name in NAMES.values())}


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_svg_carries_title_source_licence_and_the_synthetic_mark(built, kind, lang):
    folder, charts = built
    chart, entry = charts[(kind, lang)]
    text = _svg_text(folder / entry["files"]["svg"])
    for line in (chart.title, chart.source_line, chart.credit_line):
        assert _flat(line) in text
    assert "CC BY 4.0" in text
    banner = ("SYNTHETIC DATA — illustrative, not real organisations" if lang == "en"
              else "DONNÉES SYNTHÉTIQUES — illustratives, pas de vrais organismes")
    watermark = "SYNTHETIC DATA" if lang == "en" else "DONNÉES SYNTHÉTIQUES"
    assert banner in text and text.count(watermark) >= 2  # the banner and the diagonal mark
    assert chart.title.startswith("Synthetic data" if lang == "en" else "Données synthétiques")
    assert entry["synthetic"] is True and _csv(built, kind, lang)["synthetic"].all()
    raw = (folder / entry["files"]["svg"]).read_text(encoding="utf-8")
    assert str(SYNTHETIC_DIR) not in raw  # the file's name, never the folder it was read from


@pytest.mark.parametrize("lang", ["en", "fr"])
def test_adoption_chart_states_the_survivorship_caveat_with_its_count(built, table, lang):
    folder, charts = built
    chart, entry = charts[("adoption", lang)]
    vanished = len(missing_from_last_snapshot(table))
    caveat = chart.notes[0]
    assert caveat.startswith("Survivorship:" if lang == "en" else f"Biais du survivant{NNBSP}:")
    assert caveat.endswith(f"{NNBSP if lang == 'fr' else ''}: {vanished}.")
    assert _flat(caveat) in _svg_text(folder / entry["files"]["svg"])
    unmapped = "Accounts not in the sector map, left out: 40 of 597." if lang == "en" else (
        f"Comptes absents de la table des secteurs, exclus{NNBSP}: 40 sur 597.")
    assert unmapped in chart.notes


def test_labels_on_the_plot_are_searchable_text(built):
    folder, charts = built
    adoption = _svg_text(folder / charts[("adoption", "en")][1]["files"]["svg"])
    assert "March 2010" in adoption and "November 2010" in adoption
    assert "first snapshot" in adoption and "287 of 320" in adoption
    growth = _svg_text(folder / charts[("growth", "fr")][1]["files"]["svg"])
    differences = [claim["estimate"] for claim in charts[("growth", "fr")][1]["claims"]]
    row = " ".join(f"{value:+.1f}".replace("-", "\u2212").replace(".", ",")
                   for value in differences)
    assert f"\u0394 {row}" in growth  # the row of differences, French decimals


def test_source_line_names_the_synthetic_archive(built):
    english, french = built[1][("posts", "en")][0], built[1][("posts", "fr")][0]
    assert english.source_line == ("Source: synthetic Twitter account archive "
                                   "snapshots_synthetic.csv (adoption project, illustrative), "
                                   "2009\u20132014")
    assert french.source_line.startswith(f"Source{NNBSP}: archive synthétique de comptes "
                                         "Twitter snapshots_synthetic.csv")


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_manifest_entry_is_complete(built, kind, lang):
    folder, charts = built
    chart, entry = charts[(kind, lang)]
    saved = {e["name"]: e for e in read_manifest(folder / "manifest.json")}[chart.name]
    assert saved == entry and set(ENTRY_KEYS) <= set(saved)
    for key in ("title", "subtitle", "alt_text", "source_note", "citation", "bibtex",
                "source_line", "credit"):
        assert saved[key].strip(), key
    assert saved["license"] == "CC BY 4.0" and saved["lang"] == lang
    assert saved["sources"] == [{
        "label": "snapshots_synthetic.csv", "file": "snapshots_synthetic.csv",
        "publisher": saved["sources"][0]["publisher"], "rows": 32361, "accounts": 597,
        "years": list(range(2009, 2015)), "synthetic": True, "urls": []}]
    finding = saved["title"].split(f"{NNBSP}: " if lang == "fr" else ": ", 1)[1]
    assert finding[1:] in saved["alt_text"]  # the finding, its first letter's case aside
    assert saved["claims"] and all(claim["text"] in saved["alt_text"]
                                   for claim in saved["claims"])
    for claim in saved["claims"]:
        interval = (claim["low"], claim["high"])
        if claim["kind"] == "lead":
            assert claim["supported"] == (None if None in interval
                                          else not interval[0] <= 0 <= interval[1])


# --- French -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_french_output_has_no_english_label(built, kind):
    folder, charts = built
    entry = charts[(kind, "fr")][1]
    svg = _svg_text(folder / entry["files"]["svg"])
    texts = {"svg": svg, "notes": " ".join(entry["notes"]),
             **{key: entry[key] for key in ("title", "subtitle", "alt_text", "source_line",
                                            "credit", "citation", "source_note")}}
    for where, text in texts.items():
        plain = FILE_NAME.sub(" ", _without_names(text))
        for word in [*ENGLISH_WORDS, *ACCOUNT_WORDS]:
            assert not re.search(rf"(?<![\w-]){re.escape(word)}(?![\w-])", plain), (where, word)
        assert not re.search(r"\d\.\d", plain), (where, "decimal point")
        assert not COMMA_THOUSANDS.search(plain), (where, "comma thousands")
        assert not re.search(r"\d ?%", plain), (where, "percent without narrow space")
        assert not re.search(r"\w :", plain), (where, "colon without narrow space")
    assert NNBSP in svg and f"{NNBSP}%" in svg


@pytest.mark.parametrize("kind", list(BUILDERS))
def test_english_output_uses_english_conventions(built, kind):
    folder, charts = built
    text = _svg_text(folder / charts[(kind, "en")][1]["files"]["svg"])
    assert "Source: " in text and f"{NNBSP}%" not in text and "Graphique" not in text


# --- the numbers: the CSV holds what adoption.snapshots says -------------------------------


def test_adoption_csv_equals_the_adoption_curve(built, table):
    csv = _csv(built, "adoption")
    curve = adoption_curve(table, "twitter", sector_map=read_sector_map(SECTOR_MAP))
    curve = curve[curve["sector"].isin(["nonprofit", "business"])]
    assert len(csv) == len(curve)
    for sector, expected in curve.groupby("sector"):
        plotted = csv[csv["sector"] == sector].reset_index(drop=True)
        expected = expected.sort_values("date", kind="stable").reset_index(drop=True)
        assert (pd.to_datetime(plotted["date"], utc=True) == expected["date"]).all()
        np.testing.assert_allclose(plotted["share_percent"], 100 * expected["share"],
                                   atol=TENTH, rtol=0)
        assert plotted["adopters"].tolist() == expected["adopters"].astype(int).tolist()
        assert set(plotted["panel_size"]) == {320}


def test_adoption_title_names_the_months_each_sector_reached_half(built, table):
    curve = adoption_curve(table, "twitter", sector_map=read_sector_map(SECTOR_MAP))
    reached = curve[curve["share"] >= 0.5].groupby("sector")["date"].min()
    english = built[1][("adoption", "en")][0].title
    french = built[1][("adoption", "fr")][0].title
    assert reached["nonprofit"] < reached["business"]  # so nonprofits come first
    assert english == ("Synthetic data: half the nonprofits in the panel had a Twitter account "
                       f"by {reached['nonprofit']:%B %Y}, businesses only by "
                       f"{reached['business']:%B %Y}")
    assert "dès mars 2010" in french and "les entreprises en novembre 2010" in french
    csv = _csv(built, "adoption")
    marked = csv[csv["reached_half"]].set_index("sector")["date"]
    for sector in ("nonprofit", "business"):
        assert pd.Timestamp(marked[sector]) == reached[sector]


def _values(years: pd.DataFrame, year: int, sector: str, metric: str) -> np.ndarray:
    chosen = years[(years["year"] == year) & (years["sector"] == sector)][metric]
    return chosen.astype("Float64").dropna().to_numpy(dtype=float)


@pytest.mark.parametrize(("kind", "metric"), [("posts", "posts_per_day"),
                                              ("growth", "followers_per_30d")])
def test_activity_csv_and_claims_equal_numpy_and_scipy(built, table, kind, metric):
    csv = _csv(built, kind).set_index(["year", "sector"])
    summary = sector_year_summary(table, metrics=(metric,), n_resamples=N_RESAMPLES)
    medians = summary[summary["metric"] == metric]
    assert len(csv) == len(medians) == 12
    years = account_years(table)
    for row in medians.itertuples():
        plotted = csv.loc[(row.year, row.sector)]
        # The CSV names the unit and writes it to 0.01 (adoption.charts.published_table).
        assert plotted[f"median_{metric}"] == pytest.approx(
            np.median(_values(years, row.year, row.sector, metric)), abs=HUNDREDTH)
        assert (plotted[f"median_{metric}_low"], plotted[f"median_{metric}_high"]) == \
            pytest.approx((row.low, row.high), abs=HUNDREDTH)
        assert plotted["confidence_percent"] == 95
    claims = built[1][(kind, "en")][1]["claims"]
    for claim in claims:
        year = claim["years"][0]
        first = _values(years, year, "nonprofit", metric)
        second = _values(years, year, "business", metric)
        assert claim["estimate"] == pytest.approx(np.median(first) - np.median(second))
        expected = bootstrap(
            (first, second), lambda x, y, axis: np.median(x, axis=axis) - np.median(y, axis=axis),
            n_resamples=N_RESAMPLES, method="percentile", paired=False, vectorized=True,
            rng=stream(DEFAULT_SEED, year, "twitter", "nonprofit", "business", metric,
                       "difference")).confidence_interval
        assert (claim["low"], claim["high"]) == pytest.approx((expected.low, expected.high))
        assert claim["supported"] == (not expected.low <= 0 <= expected.high)


@pytest.mark.parametrize("kind", ["posts", "growth", "dormant"])
def test_titles_name_exactly_the_years_whose_difference_is_clear(built, kind):
    entry = built[1][(kind, "en")][1]
    clear = [claim["years"][0] for claim in entry["claims"] if claim["supported"]]
    title = entry["title"]
    if not clear:
        assert "no clear difference" in title and "in any year" in title
    else:
        mentioned = title.split(";")[0]
        for year in range(2009, 2015):
            assert (str(year) in mentioned or f"{year - 1}\u2013" in mentioned
                    or any(f"{first}\u2013{last}" in mentioned for first in range(2009, year)
                           for last in range(year, 2015))) == (year in clear), (year, title)


def test_dormant_csv_equals_the_wilson_shares_and_newcombe(built, table):
    csv = _csv(built, "dormant").set_index(["year", "sector"])
    shares = sector_year_summary(table, metrics=()).set_index(["year", "sector"])
    assert len(csv) == len(shares) == 12
    for key, row in shares.iterrows():
        plotted = csv.loc[key]
        assert (plotted["n"], plotted["dormant"]) == (row["n"], row["dormant"])
        assert plotted["share_percent"] == pytest.approx(100 * row["value"], abs=TENTH)
    claims = built[1][("dormant", "en")][1]["claims"]
    for claim in claims:
        year = claim["years"][0]
        np_row, b_row = shares.loc[(year, "nonprofit")], shares.loc[(year, "business")]
        low, high = confint_proportions_2indep(
            int(np_row["dormant"]), int(np_row["n"]), int(b_row["dormant"]), int(b_row["n"]),
            method="newcomb", compare="diff")
        assert (claim["low"], claim["high"]) == pytest.approx((low, high))
        plotted = csv.loc[(year, "nonprofit")]
        assert plotted["difference_low_points"] == pytest.approx(100 * low, abs=TENTH)


# --- layout ------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "lang"), CASES)
def test_every_text_is_legible_at_600_px_and_inside_the_card(built, kind, lang):
    figure = built[1][(kind, lang)][0].figure()
    figure.canvas.draw()
    renderer = figure.canvas.get_renderer()
    for text in (t for t in figure.findobj(Text) if t.get_visible() and t.get_text().strip()):
        assert text.get_fontsize() * figure.dpi / 72 >= MIN_TEXT_PX - 0.01, text.get_text()
        box = text.get_window_extent(renderer)
        assert box.x0 >= -1 and box.x1 <= CARD.width + 1, text.get_text()
        assert box.y0 >= -1 and box.y1 <= CARD.height + 1, text.get_text()
    plot = figure.axes[0].get_window_extent(renderer)
    assert plot.height >= 150 and plot.width >= 600


# --- real archives, and what is refused ---------------------------------------------------


def _as_real(table: pd.DataFrame, file: str, pointer: str | None) -> pd.DataFrame:
    """The synthetic rows as if read from a real archive `file` (for the source line only)."""
    return table.assign(synthetic=False, source_file=file,
                        source_pointer=pd.Series(pointer, index=table.index, dtype="string"))


def test_a_real_archive_is_cited_by_its_files_and_tool_without_the_mark(table):
    twarc = dormant_accounts_chart(_as_real(table, "/home/me/harvest-2014.jsonl", "#/data/3"))
    assert twarc.source_line == "Source: twarc2 archive harvest-2014.jsonl, 2009\u20132014"
    assert not twarc.synthetic and "synthetic" not in twarc.name
    assert not twarc.title.startswith("Synthetic") and not twarc.data["synthetic"].any()
    assert "/home/me" not in twarc.source_note + twarc.csv()
    french = dormant_accounts_chart(_as_real(table, "C:\\data\\profils.parquet", None),
                                    lang="fr")
    assert french.source_line == (f"Source{NNBSP}: table de relevés de comptes profils.parquet,"
                                  " 2009\u20132014")
    told = dormant_accounts_chart(_as_real(table, "h.jsonl", "#/0"),
                                  source="twarc2 search of the Forbes 200 accounts")
    assert told.source_line == ("Source: twarc2 search of the Forbes 200 accounts, "
                                "2009\u20132014")


def test_without_a_sector_map_the_chart_says_the_curves_end_at_100_percent(table):
    chart = account_adoption_chart(table)
    assert any("ends at 100% by construction" in note for note in chart.notes)
    last = chart.data.groupby("sector")["share_percent"].last()
    assert last.tolist() == pytest.approx([100.0, 100.0])


def test_unknown_metric_and_platform_are_refused(table):
    with pytest.raises(ValueError, match="metric must be one of"):
        account_activity_chart(table, "likes")
    with pytest.raises(ValueError, match="no snapshot on 'mastodon'"):
        dormant_accounts_chart(table, platform="mastodon")


# --- deterministic across processes ------------------------------------------------------

# Another process (another hash seed) builds three of the module's charts with the same
# arguments as BUILDERS; its files must equal those this process saved, byte for byte.
BUILD = f"""
import sys
from adoption.charts import (account_activity_chart, account_adoption_chart,
                             dormant_accounts_chart, save_chart)
from adoption.snapshots import load_snapshots

table = load_snapshots([{str(ARCHIVE)!r}], sector_map={str(SECTOR_MAP)!r})
for chart in (
    account_adoption_chart(table, sector_map={str(SECTOR_MAP)!r}, lang="fr"),
    account_activity_chart(table, "followers_per_30d", n_resamples={N_RESAMPLES}),
    dormant_accounts_chart(table),
):
    save_chart(chart, sys.argv[1])
"""
REBUILT = [("adoption", "fr"), ("growth", "en"), ("dormant", "en")]


def test_another_process_builds_byte_identical_files(built, tmp_path):
    folder, charts = built
    environment = {**os.environ, "PYTHONHASHSEED": "2", "MPLBACKEND": "Agg"}
    process = subprocess.Popen([sys.executable, "-c", BUILD, str(tmp_path)], env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    rebuilt = _files(tmp_path, process)
    names = [file for case in REBUILT for file in charts[case][1]["files"].values()]
    assert sorted(rebuilt) == sorted([*names, "manifest.json", SCRIPT_PATH])
    assert [name for name in names if rebuilt[name] != (folder / name).read_bytes()] == []
    entries = {entry["name"]: entry for entry in read_manifest(tmp_path / "manifest.json")}
    assert entries == {charts[case][0].name: charts[case][1] for case in REBUILT}
    for name in names:
        if name.endswith((".svg", ".csv", ".html")):
            assert str(tmp_path) not in rebuilt[name].decode("utf-8"), name
