"""The words on our charts, in English and French, and numbers formatted for each.

Many bloggers who cite our charts write in French (Quebec, France): a French chart
must not carry one English label. Every fixed phrase a chart prints lives in
`WORDS`, in both languages; tests check the French output for English words.

French typography (Office québécois de la langue française; Imprimerie nationale):
a narrow no-break space (U+202F) before ":" ";" "%" and inside « », a decimal comma,
a narrow no-break space between thousands, and the minus sign U+2212.
Year ranges use an en dash in both languages: "2007–2010".
"""

from __future__ import annotations

from collections.abc import Iterable

# The language basics live with the sentences of `adoption.stats`; charts use the same
# ones (re-exported here, so chart code imports its words from one place).
from adoption.stats.wording import LANGUAGES as LANGUAGES
from adoption.stats.wording import NARROW_NBSP as NARROW_NBSP
from adoption.stats.wording import check_lang as check_lang
from adoption.stats.wording import format_number, format_percent, platform_words
from adoption.stats.wording import join_words as join
from adoption.stats.wording import semicolon as semicolon

EN_DASH = "\u2013"
MINUS = "\u2212"

WORDS: dict[str, dict[str, str]] = {
    "source": {"en": "Source: {text}", "fr": f"Source{NARROW_NBSP}: {{text}}"},
    "sources": {"en": "Sources: {text}", "fr": f"Sources{NARROW_NBSP}: {{text}}"},
    "credit": {
        "en": "Chart: adoption project, CC BY 4.0",
        "fr": f"Graphique{NARROW_NBSP}: projet adoption, CC BY 4.0",
    },
    "author": {"en": "adoption project", "fr": "projet adoption"},
    "chart_word": {"en": "chart", "fr": "graphique"},
    "data_word": {"en": "Data: {text}", "fr": f"Données{NARROW_NBSP}: {{text}}"},
    "compilation": {
        "en": "Figures compiled in the adoption project's published adoption figures "
              "(data/published/adoption.csv), CC BY 4.0.",
        "fr": "Chiffres compilés dans les chiffres d’adoption publiés du projet adoption "
              "(data/published/adoption.csv), CC BY 4.0.",
    },
    "census_label": {
        "en": "census: no sampling error",
        "fr": "recensement{nb}: aucune erreur d’échantillonnage",
    },
    "intervals_note": {
        "en": "Bars: {level} confidence intervals (Wilson score, finite-population corrected).",
        "fr": "Barres{nb}: intervalles de confiance à {level} (score de Wilson, correction "
              "pour population finie).",
    },
    "intervals_note_kish": {
        "en": "Bars: {level} confidence intervals of the weighted share (Wilson score on the "
              "Kish effective sample size, finite-population corrected).",
        "fr": "Barres{nb}: intervalles de confiance à {level} de la part pondérée (score de "
              "Wilson sur la taille effective de Kish, correction pour population finie).",
    },
    "no_n_note": {
        "en": "Hollow points: sample size not published, so no interval ({where}).",
        "fr": "Points creux{nb}: taille d’échantillon non publiée, donc pas d’intervalle "
              "({where}).",
    },
    "self_selected_note": {
        "en": "Self-selected respondents: no margin of error can be given, and the figures "
              "describe those who answered, not all nonprofits.",
        "fr": "Répondants volontaires{nb}: aucune marge d’erreur possible, et les chiffres "
              "décrivent ceux qui ont répondu, pas l’ensemble des organismes.",
    },
    "synthetic_banner": {
        "en": "SYNTHETIC DATA — illustrative, not real organisations",
        "fr": "DONNÉES SYNTHÉTIQUES — illustratives, pas de vrais organismes",
    },
    "synthetic_watermark": {"en": "SYNTHETIC DATA", "fr": "DONNÉES SYNTHÉTIQUES"},
    "as_cited": {"en": "{what}: figure as cited by a later study",
                 "fr": "{what}{nb}: chiffre cité par une étude ultérieure"},
    "derived": {"en": "{what}: computed from published counts",
                "fr": "{what}{nb}: calculé à partir des effectifs publiés"},
    "uncertain": {"en": "{what}: approximate figure",
                  "fr": "{what}{nb}: chiffre approximatif"},
    "share_using": {"en": "Share using {platform}", "fr": "Part utilisant {platform}"},
    "measured_census": {"en": "census of all {n}", "fr": "recensement des {n}"},
    "measured_census_no_n": {"en": "census", "fr": "recensement"},
    "measured_survey": {"en": "survey of {n}", "fr": "enquête auprès de {n}"},
    "measured_survey_of": {"en": "survey of {n} of {size}",
                           "fr": "enquête auprès de {n} sur {size}"},
    "measured_survey_no_n": {"en": "survey, sample size not always published",
                             "fr": "enquête, taille d’échantillon pas toujours publiée"},
    "measured_self_selected": {"en": "{n} self-selected respondents",
                               "fr": "{n} répondants volontaires"},
    "measured_self_selected_no_n": {"en": "self-selected respondents",
                                    "fr": "répondants volontaires"},
    "gap_axis": {"en": "Gap, percentage points", "fr": "Écart, en points de pourcentage"},
    "gap_subtitle": {
        "en": "{nonprofit} minus {business}: share using {platform}, in percentage points, "
              "{span}, with {level} intervals (Newcombe)",
        "fr": "{nonprofit} moins {business}{nb}: part utilisant {platform}, en points de "
              "pourcentage, {span}, avec intervalles à {level} (Newcombe)",
    },
    "ahead": {"en": "{who} ahead", "fr": "{who} en\u00a0tête"},  # never break "en tête"
    "unclear": {"en": "unclear", "fr": "incertain"},
    "unclear_note": {
        "en": "Grey: the interval includes zero, so neither is clearly ahead ({years}).",
        "fr": "En gris{nb}: l’intervalle inclut zéro, aucun n’est nettement en tête ({years}).",
    },
    "unknown": {"en": "no interval", "fr": "sans intervalle"},
    "unknown_note": {
        "en": "Hollow: sample size not published, the gap cannot be tested ({years}).",
        "fr": "Creux{nb}: taille d’échantillon non publiée, l’écart ne peut être testé "
              "({years}).",
    },
    "diffusion_subtitle": {
        "en": "Share using {platform} with fitted logistic curves; the bar at 50% marks the "
              "year each curve crosses it, with its {level} bootstrap interval",
        "fr": "Part utilisant {platform} et courbes logistiques ajustées{nb}; la barre à "
              "50{nb}% marque l’année où chaque courbe la franchit, avec son intervalle "
              "bootstrap à {level}",
    },
    "fifty_year": {"en": "50% around {year} ({low}–{high})",
                   "fr": "50{nb}% vers {year} ({low}–{high})"},
    "not_estimable": {"en": "50% year not estimable", "fr": "année des 50{nb}% non estimable"},
    "crossed_between": {"en": "passed 50% between {before} and {after} (no curve)",
                        "fr": "50{nb}% dépassés entre {before} et {after} (sans courbe)"},
    "not_estimable_note": {"en": "{who}: {reason}.", "fr": "{who}{nb}: {reason}."},
    "diffusion_note": {
        "en": "Curves: logistic fit weighted by sample size (census figures by their "
              "population size), dashed beyond the years fitted.",
        "fr": "Courbes{nb}: ajustement logistique pondéré par la taille d’échantillon (les "
              "recensements par la taille de leur population), en tirets au-delà des années "
              "ajustées.",
    },
    "left_out_note": {
        "en": "Hollow points: sample size not published, left out of the fit.",
        "fr": "Points creux{nb}: taille d’échantillon non publiée, exclus de l’ajustement.",
    },
    "context_subtitle": {
        "en": "Share of respondents using each platform, {span}. Respondents: {population}.",
        "fr": "Part des répondants utilisant chaque plateforme, {span}. Répondants{nb}: "
              "{population}.",
    },
    "survey_subtitle_size": {
        "en": "Share using {platform} by size of organisation, {year}, weighted, with {level} "
              "intervals (Wilson, Kish effective sample size)",
        "fr": "Part utilisant {platform} selon la taille de l’organisme, {year}, pondérée, "
              "avec intervalles à {level} (Wilson, taille effective de Kish)",
    },
    "survey_subtitle_count": {
        "en": "Share of organisations by number of platforms used (of {platforms}), {year}, "
              "weighted",
        "fr": "Part des organismes selon le nombre de plateformes utilisées (parmi "
              "{platforms}), {year}, pondérée",
    },
    "survey_subtitle_weighting": {
        "en": "Share using {platform}: weighted (solid, {level} intervals) and unweighted "
              "(dashed), {span}",
        "fr": "Part utilisant {platform}{nb}: pondérée (trait plein, intervalles à {level}) "
              "et non pondérée (tirets), {span}",
    },
    "weighted": {"en": "weighted", "fr": "pondérée"},
    "unweighted": {"en": "unweighted", "fr": "non pondérée"},
    "platform_count_axis": {"en": "Number of platforms used",
                            "fr": "Nombre de plateformes utilisées"},
    "missing_answers_note": {
        "en": "{count} organisations with an unanswered platform question are left out.",
        "fr": "{count} organismes n’ayant pas répondu à une question de plateforme sont "
              "exclus.",
    },
    "size_note": {
        "en": "Survey weights correct for sampling size bands unequally.",
        "fr": "Les poids d’enquête corrigent l’échantillonnage inégal selon la taille.",
    },
    # --- account snapshots (activity.py) ---------------------------------------------------
    "accounts_nonprofits": {"en": "nonprofits", "fr": "organismes sans but lucratif"},
    "accounts_businesses": {"en": "businesses", "fr": "entreprises"},
    "accounts_of_nonprofits": {"en": "nonprofit accounts",
                               "fr": "comptes des organismes sans but lucratif"},
    "accounts_of_businesses": {"en": "business accounts", "fr": "comptes des entreprises"},
    "accounts_months": {
        "en": "January February March April May June July August September October November "
              "December",
        "fr": "janvier février mars avril mai juin juillet août septembre octobre novembre "
              "décembre",
    },
    "accounts_source_synthetic": {
        "en": "synthetic {platform} account archive {files} (adoption project, illustrative)",
        "fr": "archive synthétique de comptes {platform} {files} (projet adoption, à titre "
              "d’illustration)",
    },
    "accounts_kind_twarc2": {"en": "twarc2 archive", "fr": "archive twarc2"},
    "accounts_kind_api": {"en": "{platform} API archive", "fr": "archive de l’API {platform}"},
    "accounts_kind_table": {"en": "account snapshot table", "fr": "table de relevés de comptes"},
    "accounts_many_files": {"en": "{n} files, {first} to {last}",
                            "fr": "{n} fichiers, de {first} à {last}"},
    "accounts_files_note": {"en": "Read from {files}: {rows} snapshots of {accounts} accounts.",
                            "fr": "Lu dans {files}{nb}: {rows} relevés de {accounts} comptes."},
    "accounts_adoption_subtitle": {
        "en": "Share of the organisations in the panel ({panels}) with a {platform} account, "
              "by date, from account creation dates. Snapshots {span}.",
        "fr": "Part des organismes du panel ({panels}) ayant un compte {platform}, selon la "
              "date de création des comptes. Relevés {span}.",
    },
    "accounts_panel_count": {"en": "{n} {who}", "fr": "{n} {who}"},
    "accounts_half_both": {
        "en": "Half the {first} in the panel had a {platform} account by {first_date}, "
              "{second} only by {second_date}",
        "fr": "La moitié des {first} du panel avaient un compte {platform} dès {first_date}, "
              "les {second} en {second_date}",
    },
    "accounts_half_same": {
        "en": "Half the {first} and half the {second} in the panel had a {platform} account "
              "by {date}",
        "fr": "La moitié des {first} comme des {second} du panel avaient un compte {platform} "
              "en {date}",
    },
    "accounts_half_one": {
        "en": "Half the {first} in the panel had a {platform} account by {date}; {second} "
              "reached only {share} by {last}",
        "fr": "La moitié des {first} du panel avaient un compte {platform} dès {date}{nb}; "
              "les {second} n’en étaient qu’à {share} en {last}",
    },
    "accounts_half_none": {
        "en": "Neither sector reached half its panel on {platform} by {last}: {first} "
              "{first_share}, {second} {second_share}",
        "fr": "Aucun secteur n’atteignait la moitié de son panel sur {platform} en {last}{nb}: "
              "{first} {first_share}, {second} {second_share}",
    },
    "accounts_adoption_alt": {
        "en": "By {last}, {first_count} of {first_panel} {first} ({first_share}) and "
              "{second_count} of {second_panel} {second} ({second_share}) had an account.",
        "fr": "En {last}, {first_count} {first} sur {first_panel} ({first_share}) et "
              "{second_count} {second} sur {second_panel} ({second_share}) avaient un compte.",
    },
    "accounts_of_panel": {"en": "{adopters} of {panel}", "fr": "{adopters} sur {panel}"},
    "accounts_first_snapshot": {"en": "first snapshot", "fr": "premier relevé"},
    "accounts_survivorship_note": {
        "en": "Survivorship: accounts deleted before the first snapshot are in no file, so "
              "early adoption is understated. Accounts that vanished before the last "
              "snapshot: {n}.",
        "fr": "Biais du survivant{nb}: les comptes supprimés avant le premier relevé ne "
              "figurent dans aucun fichier, donc l’adoption précoce est sous-estimée. Comptes "
              "disparus avant le dernier relevé{nb}: {n}.",
    },
    "accounts_no_map_note": {
        "en": "No sector map: the panel is the organisations whose accounts were found, so "
              "each curve ends at 100% by construction.",
        "fr": "Sans table des secteurs, le panel se limite aux organismes dont un compte a été "
              "trouvé{nb}: chaque courbe finit à 100{nb}% par construction.",
    },
    "accounts_undated_note": {
        "en": "Organisations left out because their accounts have no creation date: {n}.",
        "fr": "Organismes exclus faute de date de création de leurs comptes{nb}: {n}.",
    },
    "accounts_unmapped_note": {
        "en": "Accounts not in the sector map, left out: {n} of {total}.",
        "fr": "Comptes absents de la table des secteurs, exclus{nb}: {n} sur {total}.",
    },
    "accounts_other_sectors_note": {"en": "Other sectors, not shown: {sectors}.",
                                    "fr": "Autres secteurs, non représentés{nb}: {sectors}."},
    "accounts_metric_posts_per_day": {"en": "posts per day", "fr": "publications par jour"},
    "accounts_metric_followers_per_30d": {"en": "net new followers per 30 days",
                                          "fr": "nouveaux abonnés nets par 30 jours"},
    "accounts_metric_followers": {"en": "followers", "fr": "abonnés"},
    "accounts_topic_posts_per_day": {"en": "posting frequency",
                                     "fr": "de fréquence de publication"},
    "accounts_topic_followers_per_30d": {"en": "follower growth",
                                         "fr": "de croissance du nombre d’abonnés"},
    "accounts_topic_followers": {"en": "follower counts", "fr": "du nombre d’abonnés"},
    "accounts_topic_dormant": {"en": "the share of dormant accounts",
                               "fr": "de part de comptes inactifs"},
    "accounts_more_posts_per_day": {
        "en": "{first} posted more often than {second} on {platform}",
        "fr": "les {first} publiaient plus souvent que les {second} sur {platform}",
    },
    "accounts_more_followers_per_30d": {
        "en": "{first} gained followers faster than {second} on {platform}",
        "fr": "les {first} gagnaient des abonnés plus vite que les {second} sur {platform}",
    },
    "accounts_more_followers": {
        "en": "{first} had more followers than {second} on {platform}",
        "fr": "les {first} avaient plus d’abonnés que les {second} sur {platform}",
    },
    "accounts_more_dormant": {
        "en": "{first} were more often dormant than {second} on {platform}",
        "fr": "les {first} étaient plus souvent inactifs que les {second} sur {platform}",
    },
    "accounts_every_year": {"en": "in every year, {span}", "fr": "chaque année {span}"},
    "accounts_no_clear_in": {"en": "no clear difference {when}",
                             "fr": "aucune différence nette {when}"},
    "accounts_no_clear_any": {
        "en": "No clear difference in {topic} between nonprofits and businesses on {platform} "
              "in any year, {span}",
        "fr": "Aucune différence nette {topic} entre organismes sans but lucratif et "
              "entreprises sur {platform}, chaque année {span}",
    },
    "accounts_activity_subtitle": {
        "en": "Median {metric} of each sector's accounts on {platform}, per year, {span}, "
              "with {level} bootstrap intervals",
        "fr": "Médiane des {metric} des comptes de chaque secteur sur {platform}, par année, "
              "{span}, avec intervalles bootstrap à {level}",
    },
    "accounts_dormant_subtitle": {
        "en": "Share of accounts with no net new post between their snapshots of the year, on "
              "{platform}, {span}, with {level} intervals (Wilson)",
        "fr": "Part des comptes sans nouvelle publication nette entre leurs relevés de l’année, "
              "sur {platform}, {span}, avec intervalles à {level} (Wilson)",
    },
    "accounts_test_mann_whitney": {"en": "Mann-Whitney test", "fr": "test de Mann-Whitney"},
    "accounts_test_shares": {"en": "test of equal shares (z or Fisher)",
                             "fr": "test d’égalité des parts (z ou Fisher)"},
    "accounts_p_note": {
        "en": "p (top row): {test} per year, Holm-adjusted across {k} years; bold and "
              "coloured below {alpha}: a clear difference.",
        "fr": "p (en haut){nb}: {test} par année, ajusté par Holm sur {k} années{nb}; en gras "
              "et en couleur sous {alpha}{nb}: différence nette.",
    },
    "accounts_untested_note": {
        "en": "No test in {years}: a sector has no account with a value.",
        "fr": "Pas de test en {years}{nb}: un secteur n’a aucun compte avec une valeur.",
    },
    "accounts_activity_alt": {
        "en": "In {year}, the median was {first_value} {metric} for nonprofits and "
              "{second_value} for businesses (adjusted {p}).",
        "fr": "En {year}, la médiane était de {first_value} {metric} pour les organismes sans "
              "but lucratif et de {second_value} pour les entreprises ({p} ajusté).",
    },
    "accounts_dormant_alt": {
        "en": "In {year}, {first_share} of nonprofit accounts and {second_share} of business "
              "accounts were dormant (adjusted {p}).",
        "fr": "En {year}, {first_share} des comptes des organismes sans but lucratif et "
              "{second_share} des comptes des entreprises étaient inactifs ({p} ajusté).",
    },
}

SECTOR_LABELS: dict[str, dict[str, str]] = {
    "en": {"nonprofit": "Nonprofits", "business": "Businesses",
           "higher_education": "Colleges and universities"},
    "fr": {"nonprofit": "Organismes sans but lucratif", "business": "Entreprises",
           "higher_education": "Enseignement supérieur"},
}
SIZE_BAND_LABELS: dict[str, dict[str, str]] = {
    "en": {"small": "Small", "medium": "Medium", "large": "Large"},
    "fr": {"small": "Petite taille", "medium": "Taille moyenne", "large": "Grande taille"},
}
# "Share using ..." in a subtitle: the platform as a thing used.
PLATFORM_NOUNS: dict[str, dict[str, str]] = {
    "en": {
        "blog": "a blog", "twitter": "Twitter", "facebook": "Facebook", "youtube": "YouTube",
        "linkedin": "LinkedIn", "instagram": "Instagram", "pinterest": "Pinterest",
        "myspace": "MySpace", "foursquare": "Foursquare", "google_plus": "Google+",
        "online_video": "online video", "podcast": "podcasts", "mobile_app": "a mobile app",
        "any_social_media": "any social media",
    },
    "fr": {
        "blog": "un blog", "online_video": "la vidéo en ligne", "podcast": "les balados",
        "mobile_app": "une application mobile", "any_social_media": "au moins un média social",
    },
}
# The platform as a label on its own (axis, line end).
PLATFORM_NAMES: dict[str, dict[str, str]] = {
    "en": {"blog": "Blog", "online_video": "Online video", "podcast": "Podcasts",
           "any_social_media": "Any social media", "mobile_app": "Mobile app"},
    "fr": {"blog": "Blog", "online_video": "Vidéo en ligne", "podcast": "Balados",
           "any_social_media": "Au moins un média social", "mobile_app": "Application mobile"},
}


def words(key: str, lang: str, **values: object) -> str:
    """A fixed phrase in `lang` with `values` filled in ({nb} is the narrow no-break space)."""
    return WORDS[key][check_lang(lang)].format(nb=NARROW_NBSP, **values)


def percent(fraction: float, lang: str, decimals: int | None = None) -> str:
    """0.65 -> "65%" / "65 %" (narrow no-break space); at most one decimal unless told."""
    if decimals is None:
        value = 100 * fraction
        decimals = 0 if abs(round(value) - value) < 0.05 else 1
    return format_percent(fraction, lang, decimals)


def signed_points(points: float, lang: str, decimals: int = 0) -> str:
    """+41 or −3 (a true minus sign in both languages), for gaps in percentage points."""
    text = format_number(abs(points), lang, decimals)
    if round(points, decimals) == 0:
        return text
    return ("+" if points > 0 else MINUS) + text


def number(value: float, lang: str, decimals: int = 0) -> str:
    """11,196 (en) or 11 196 (fr, narrow no-break space); a true minus sign."""
    return format_number(value, lang, decimals).replace("-", MINUS)


def confidence_level(confidence: float, lang: str) -> str:
    """0.95 -> "95%" / "95 %"."""
    return percent(confidence, lang, decimals=None)


def year_span(years: Iterable[int]) -> str:
    """"2007–2010" for a range, "2009" for one year."""
    ordered = sorted(set(years))
    if not ordered:
        return ""
    first, last = ordered[0], ordered[-1]
    return str(first) if first == last else f"{first}{EN_DASH}{last}"


def year_list(years: Iterable[int], lang: str) -> str:
    """Years with runs compressed: "2007–2009 and 2012" / "2007–2009 et 2012"."""
    runs: list[list[int]] = []
    for year in sorted(set(years)):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    parts: list[str] = []
    for run in runs:  # three years or more read better as a range
        parts += [f"{run[0]}{EN_DASH}{run[-1]}"] if len(run) > 2 else [str(y) for y in run]
    return join(parts, lang)


def from_to(years: Iterable[int], lang: str) -> str:
    """"2007–2010" in English, "de 2007 à 2010" in French (for titles)."""
    ordered = sorted(set(years))
    if len(ordered) == 1 or lang == "en":
        return year_span(ordered)
    return f"de {ordered[0]} à {ordered[-1]}"


def in_years(years: Iterable[int], lang: str) -> str:
    """"in 2008 and 2009" / "en 2008 et 2009"."""
    return ("in " if check_lang(lang) == "en" else "en ") + year_list(years, lang)


def sector_label(sector: str, lang: str) -> str:
    return SECTOR_LABELS[check_lang(lang)].get(str(sector), str(sector))


def size_band_label(band: str, lang: str) -> str:
    return SIZE_BAND_LABELS[check_lang(lang)].get(str(band), str(band))


def platform_noun(platform: str, lang: str) -> str:
    """The platform as the object of "using": "a blog", "Twitter" / "un blog", "Twitter"."""
    known = PLATFORM_NOUNS[check_lang(lang)]
    return known.get(platform) or PLATFORM_NOUNS["en"].get(platform) or platform_words(
        platform, lang)


def platform_name(platform: str, lang: str) -> str:
    """The platform as a label: "Blog", "Twitter" / "Blogue", "Twitter"."""
    known = PLATFORM_NAMES[check_lang(lang)]
    if platform in known:
        return known[platform]
    name = platform_words(platform, "en")
    return name[:1].upper() + name[1:]


def platform_in_sentence(platform: str, lang: str) -> str:
    """"blogging" / "les blogs": the platform after "on" / "pour" in a title."""
    return platform_words(platform, lang)


def capitalise(text: str) -> str:
    """Upper-case the first letter only ("the Fortune 500" -> "The Fortune 500")."""
    return text[:1].upper() + text[1:]


def colon(lang: str) -> str:
    """": " / " : " with the narrow no-break space."""
    return ": " if check_lang(lang) == "en" else f"{NARROW_NBSP}: "


def quoted(text: str, lang: str) -> str:
    """“text” / « text » with narrow no-break spaces inside the guillemets."""
    if check_lang(lang) == "en":
        return f"\u201c{text}\u201d"
    return f"\u00ab{NARROW_NBSP}{text}{NARROW_NBSP}\u00bb"
