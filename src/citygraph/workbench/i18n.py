"""The workbench's own page strings in English and German (data labels come from the data,
example titles from the library, the focal city's name from the dataset description)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Query workbench", "query": "SPARQL query", "run": "Run",
        "examples": "Example queries", "results": "Results", "rows": "rows",
        "download": "Download the results as", "map": "Map", "timeline": "Timeline",
        "graph": "Relation graph", "no_results": "The query returned no rows.",
        "error": "The query could not be run", "share": "Link to this view",
        "sort_asc": "sort ascending", "sort_desc": "sort descending", "other_lang": "Deutsch",
        "glance": "{city} at a glance", "glance_link": "{city} at a glance",
        "workbench": "Query workbench", "open_query": "Open this query in the workbench",
        "partner_cities": "Partner cities", "friendship_cities": "Friendship cities",
        "memberships": "Network memberships",
        "partnership_timeline": "Town twinnings by start year",
        "since": "since", "map_title": "Map of the results", "graph_title": "Graph of the results",
        "ask_true": "Yes (true)", "ask_false": "No (false)", "truncated":
        "The results were cut at the row limit of this server.",
        "glance_intro": "Town twinnings, city friendships and network memberships of {city}, "
                        "each figure drawn from an example query of the library.",
        "map_glance": "Partner cities (dark) and friendship cities (light) with their start "
                      "years", "role": "role", "network": "Network",
        "endpoint": "SPARQL endpoint",
    },
    "de": {
        "title": "Abfrage-Werkbank", "query": "SPARQL-Abfrage", "run": "Ausführen",
        "examples": "Beispielabfragen", "results": "Ergebnisse", "rows": "Zeilen",
        "download": "Ergebnisse herunterladen als", "map": "Karte", "timeline": "Zeitleiste",
        "graph": "Beziehungsgraph", "no_results": "Die Abfrage hat keine Zeilen ergeben.",
        "error": "Die Abfrage konnte nicht ausgeführt werden", "share": "Link zu dieser Ansicht",
        "sort_asc": "aufsteigend sortieren", "sort_desc": "absteigend sortieren",
        "other_lang": "English", "glance": "{city} auf einen Blick",
        "glance_link": "{city} auf einen Blick", "workbench": "Abfrage-Werkbank",
        "open_query": "Diese Abfrage in der Werkbank öffnen",
        "partner_cities": "Partnerstädte", "friendship_cities": "Befreundete Städte",
        "memberships": "Mitgliedschaften in Netzwerken",
        "partnership_timeline": "Städtepartnerschaften nach Beginn", "since": "seit",
        "map_title": "Karte der Ergebnisse", "graph_title": "Graph der Ergebnisse",
        "ask_true": "Ja (true)", "ask_false": "Nein (false)", "truncated":
        "Die Ergebnisse wurden an der Zeilengrenze dieses Servers abgeschnitten.",
        "glance_intro": "Städtepartnerschaften, befreundete Städte und Mitgliedschaften in "
                        "Netzwerken von {city}; jede Abbildung beruht auf einer Beispielabfrage.",
        "map_glance": "Partnerstädte (dunkel) und befreundete Städte (hell) mit dem Jahr des "
                      "Beginns", "role": "Rolle", "network": "Netzwerk",
        "endpoint": "SPARQL-Endpunkt",
    },
}


def texts(lang: str, city: str = "") -> dict[str, str]:
    """The words of ``lang``; ``{city}`` stands for the focal city's name."""
    return {key: text.replace("{city}", city) for key, text in TEXTS.get(lang, TEXTS["en"]).items()}
