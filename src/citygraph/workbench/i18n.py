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
        "map_glance": "Partner cities (red circles) and friendship cities (teal diamonds); the "
                      "black square is the city this graph is about",
        "role": "role", "network": "Network",
        "queries_intro": "Ready-made questions; each opens the workbench with the query "
                         "run. For programs the same list is available as",
        "jump": "Jump to the results", "views": "Views of these results",
        "download_note": "files from the SPARQL endpoint; size as in the table",
        "endpoint": "SPARQL endpoint", "map_europe": "Europe", "map_world": "The world",
        "map_europe_title": "Map of Europe with the partner and friendship cities",
        "map_world_title": "World map with the partner and friendship cities",
        "places": "All places on the maps", "map_query": "The query behind these maps",
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
        "map_glance": "Partnerstädte (rote Kreise) und befreundete Städte (türkise Rauten); das "
                      "schwarze Quadrat ist die Stadt, um die es hier geht",
        "role": "Rolle", "network": "Netzwerk",
        "queries_intro": "Fertige Fragen; jede öffnet die Werkbank mit der ausgeführten "
                         "Abfrage. Für Programme gibt es dieselbe Liste als",
        "jump": "Zu den Ergebnissen", "views": "Ansichten dieser Ergebnisse",
        "download_note": "Dateien vom SPARQL-Endpunkt; Umfang wie in der Tabelle",
        "endpoint": "SPARQL-Endpunkt", "map_europe": "Europa", "map_world": "Die Welt",
        "map_europe_title": "Europakarte mit den Partnerstädten und befreundeten Städten",
        "map_world_title": "Weltkarte mit den Partnerstädten und befreundeten Städten",
        "places": "Alle Orte der Karten", "map_query": "Die Abfrage hinter diesen Karten",
    },
}


def texts(lang: str, city: str = "") -> dict[str, str]:
    """The words of ``lang``; ``{city}`` stands for the focal city's name."""
    return {key: text.replace("{city}", city) for key, text in TEXTS.get(lang, TEXTS["en"]).items()}
