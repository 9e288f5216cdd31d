"""The workbench's own page strings in English and German (data labels come from the data,
example titles from the library)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "title": "Query workbench", "query": "SPARQL query", "run": "Run",
        "examples": "Example queries", "results": "Results", "rows": "rows",
        "download": "Download the results as", "map": "Map", "timeline": "Timeline",
        "graph": "Relation graph", "no_results": "The query returned no rows.",
        "error": "The query could not be run", "share": "Link to this view",
        "sort_asc": "sort ascending", "sort_desc": "sort descending", "other_lang": "Deutsch",
        "glance": "Rostock at a glance", "glance_link": "Rostock at a glance",
        "workbench": "Query workbench", "open_query": "Open this query in the workbench",
        "partner_cities": "Partner cities", "friendship_cities": "Friendship cities",
        "memberships": "Network memberships", "partnership_timeline": "Town twinnings since 1957",
        "since": "since", "map_title": "Map of the results", "graph_title": "Graph of the results",
        "ask_true": "Yes (true)", "ask_false": "No (false)", "truncated":
        "The results were cut at the row limit of this server.",
        "glance_intro": "Rostock's town twinnings, city friendships and network memberships, "
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
        "other_lang": "English", "glance": "Rostock auf einen Blick",
        "glance_link": "Rostock auf einen Blick", "workbench": "Abfrage-Werkbank",
        "open_query": "Diese Abfrage in der Werkbank öffnen",
        "partner_cities": "Partnerstädte", "friendship_cities": "Befreundete Städte",
        "memberships": "Mitgliedschaften in Netzwerken",
        "partnership_timeline": "Städtepartnerschaften seit 1957", "since": "seit",
        "map_title": "Karte der Ergebnisse", "graph_title": "Graph der Ergebnisse",
        "ask_true": "Ja (true)", "ask_false": "Nein (false)", "truncated":
        "Die Ergebnisse wurden an der Zeilengrenze dieses Servers abgeschnitten.",
        "glance_intro": "Rostocks Städtepartnerschaften, befreundete Städte und Mitgliedschaften "
                        "in Netzwerken; jede Abbildung beruht auf einer Beispielabfrage.",
        "map_glance": "Partnerstädte (dunkel) und befreundete Städte (hell) mit dem Jahr des "
                      "Beginns", "role": "Rolle", "network": "Netzwerk",
        "endpoint": "SPARQL-Endpunkt",
    },
}


def texts(lang: str) -> dict[str, str]:
    return TEXTS.get(lang, TEXTS["en"])
