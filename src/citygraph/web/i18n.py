"""Interface texts of every page in English and German, and the page language.

The data carries its own labels (``rdfs:label``/``skos:prefLabel`` in de and en); this module
only holds the words around them: ``TEXTS`` for the linked-data pages, ``WORKBENCH`` for the
query workbench and the glance page (external terms are named in ``terms``). ``{city}`` in a
text stands for the focal city's name (from the dataset description). Language choice:
``?lang=`` first, then Accept-Language (RFC 9110 §12.5.4), default English.
"""

from __future__ import annotations

from werkzeug.datastructures import LanguageAccept

LANGUAGES = ("en", "de")
DEFAULT = "en"

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "key_facts": "Key facts", "statements": "All statements", "property": "Property",
        "value": "Value", "sources": "Sources", "inverse": "Links to this resource",
        "resource": "Resource", "relation": "Relation", "claims": "Disagreeing sources",
        "official": "Official value", "official_sources": "Official sources",
        "other_value": "Other value", "other_source": "Source of the other value",
        "note": "Note", "map": "Location", "identifiers": "Identifiers and links",
        "this_iri": "IRI of this resource", "licence": "Licence", "data_licence": "Data licence",
        "formats": "This description as", "query": "The SPARQL query behind this page",
        "other_lang": "Deutsch", "also_known": "Also known as", "partners": "Partners",
        "type": "Type", "since": "Since", "until": "Until", "status": "Status",
        "agreements": "Agreements", "country": "Country", "relations": "Relations with {city}",
        "relations_home": "City relations",
        "networks": "Networks", "founded": "Founded", "founded_in": "Founded in",
        "members": "Members", "members_in_graph": "members described here",
        "home_membership": "Membership of {city}", "coordinates": "Coordinates",
        "seat": "Seat", "date": "Date", "location": "Location", "role": "role",
        "no_sources": "no source given", "map_alt": "Map of the location of {name}",
        "map_desc": "A dot at longitude {lon}, latitude {lat}{ref}.",
        "map_ref": "; {city} is shown for reference", "home": "Home",
        "counts": "citygraph in numbers", "partner_cities": "partner cities",
        "countries": "countries (partner and friendship cities)",
        "friendship_cities": "friendship cities", "networks_count": "city networks",
        "events": "events", "relations_by_year": "Relations by start year",
        "entry_points": "Entry points", "examples": "Example queries", "partner": "Partner",
        "list_of": "List", "page": "Page", "previous": "previous", "next": "next",
        "filters": "Filter", "all": "all", "decade": "Decade", "relation_type": "Relation type",
        "network": "Network", "sdg": "SDG", "label": "Name", "download": "Download this list as",
        "of_total": "of", "not_found": "Not found", "gone": "Gone", "lists": "Lists",
        "events_about": "Events", "counts_reported": "reported", "types_label": "Classes",
        "breadcrumbs": "You are here", "show_all": "show all", "source_label": "Source",
        "query_for": "query", "ep_glance": "Map and timeline at a glance",
        "ep_workbench": "Query workbench with example queries",
        "ep_dumps": "Downloads of the whole graph", "ep_catalog": "Data catalogue (DCAT-AP.de)",
        "ep_void": "Dataset statistics (VoID)", "ep_def": "Ontology (the vocabulary)",
        "ep_sparql": "SPARQL endpoint for programs", "open_list": "show the list",
        "all_lists": "All lists by kind",
        "examples_intro": "Each opens the query workbench with the query run.",
    },
    "de": {
        "key_facts": "Das Wichtigste", "statements": "Alle Aussagen", "property": "Eigenschaft",
        "value": "Wert", "sources": "Quellen", "inverse": "Verweise auf diese Ressource",
        "resource": "Ressource", "relation": "Beziehung", "claims": "Abweichende Quellen",
        "official": "Offizieller Wert", "official_sources": "Offizielle Quellen",
        "other_value": "Abweichender Wert", "other_source": "Quelle des abweichenden Werts",
        "note": "Anmerkung", "map": "Lage", "identifiers": "Kennungen und Verweise",
        "this_iri": "IRI dieser Ressource", "licence": "Lizenz", "data_licence": "Datenlizenz",
        "formats": "Diese Beschreibung als", "query": "Die SPARQL-Abfrage hinter dieser Seite",
        "other_lang": "English", "also_known": "Auch bekannt als", "partners": "Partner",
        "type": "Art", "since": "Seit", "until": "Bis", "status": "Status",
        "agreements": "Vereinbarungen", "country": "Staat",
        "relations": "Beziehungen mit {city}",
        "relations_home": "Städtebeziehungen", "networks": "Netzwerke",
        "founded": "Gegründet", "founded_in": "Gegründet in", "members": "Mitglieder",
        "members_in_graph": "hier beschriebene Mitglieder",
        "home_membership": "Mitgliedschaft von {city}", "coordinates": "Koordinaten",
        "seat": "Sitz", "date": "Datum", "location": "Ort", "role": "Rolle",
        "no_sources": "keine Quelle angegeben", "map_alt": "Karte der Lage von {name}",
        "map_desc": "Ein Punkt bei Länge {lon}, Breite {lat}{ref}.",
        "map_ref": "; {city} ist zum Vergleich eingezeichnet", "home": "Startseite",
        "counts": "citygraph in Zahlen", "partner_cities": "Partnerstädte",
        "countries": "Staaten (Partner- und befreundete Städte)",
        "friendship_cities": "befreundete Städte", "networks_count": "Städtenetzwerke",
        "events": "Veranstaltungen", "relations_by_year": "Beziehungen nach Beginn",
        "entry_points": "Zugänge", "examples": "Beispielabfragen", "partner": "Partner",
        "list_of": "Liste", "page": "Seite", "previous": "zurück", "next": "weiter",
        "filters": "Filter", "all": "alle", "decade": "Jahrzehnt",
        "relation_type": "Beziehungsart", "network": "Netzwerk", "sdg": "SDG", "label": "Name",
        "download": "Diese Liste herunterladen als", "of_total": "von",
        "not_found": "Nicht gefunden", "gone": "Entfernt", "lists": "Listen",
        "events_about": "Veranstaltungen", "counts_reported": "berichtet",
        "types_label": "Klassen",
        "breadcrumbs": "Sie sind hier", "show_all": "alle zeigen", "source_label": "Quelle",
        "query_for": "Abfrage", "ep_glance": "Karte und Zeitleiste auf einen Blick",
        "ep_workbench": "Abfrage-Werkbank mit Beispielabfragen",
        "ep_dumps": "Downloads des ganzen Graphen",
        "ep_catalog": "Datenkatalog (DCAT-AP.de)", "ep_void": "Statistik des Datensatzes (VoID)",
        "ep_def": "Ontologie (das Vokabular)", "ep_sparql": "SPARQL-Endpunkt für Programme",
        "open_list": "Liste anzeigen", "all_lists": "Alle Listen nach Art",
        "examples_intro": "Jede öffnet die Abfrage-Werkbank mit der ausgeführten Abfrage.",
    },
}

WORKBENCH: dict[str, dict[str, str]] = {
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
        "role": "role", "network": "Network", "endpoint": "SPARQL endpoint",
        "map_glance": "Partner cities (red circles) and friendship cities (teal diamonds); the "
                      "black square is {city}",
        "queries_intro": "Ready-made questions; each opens the workbench with the query run. "
                         "For programs the same list is available as",
        "jump": "Jump to the results", "views": "Views of these results",
        "download_note": "a file from the SPARQL endpoint",
        "map_europe": "Europe", "map_world": "The world",
        "map_europe_title": "Map of Europe with the partner and friendship cities",
        "map_world_title": "World map with the partner and friendship cities",
        "places": "All places on the maps",
        "map_query": "The query behind these maps",
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
        "role": "Rolle", "network": "Netzwerk", "endpoint": "SPARQL-Endpunkt",
        "map_glance": "Partnerstädte (rote Kreise) und befreundete Städte (türkise Rauten); das "
                      "schwarze Quadrat ist {city}",
        "queries_intro": "Fertige Fragen; jede öffnet die Werkbank mit der ausgeführten "
                         "Abfrage. Für Programme gibt es dieselbe Liste als",
        "jump": "Zu den Ergebnissen", "views": "Ansichten dieser Ergebnisse",
        "download_note": "eine Datei vom SPARQL-Endpunkt",
        "map_europe": "Europa", "map_world": "Die Welt",
        "map_europe_title": "Europakarte mit den Partnerstädten und befreundeten Städten",
        "map_world_title": "Weltkarte mit den Partnerstädten und befreundeten Städten",
        "places": "Alle Orte der Karten",
        "map_query": "Die Abfrage hinter diesen Karten",
    },
}


def texts(lang: str, city: str = "", table: dict[str, dict[str, str]] | None = None
          ) -> dict[str, str]:
    """The words of ``lang`` from ``table`` (default: the linked-data pages); ``{city}``
    becomes the focal city's name (site.Site.city)."""
    table = TEXTS if table is None else table
    chosen = table.get(lang, table[DEFAULT])
    return {key: text.replace("{city}", city) for key, text in chosen.items()}


def choose_language(requested: str | None, accept: LanguageAccept) -> str:
    """``?lang=`` wins; else the best of Accept-Language; else English."""
    if requested in LANGUAGES:
        return requested
    best = accept.best_match(LANGUAGES, default=DEFAULT)
    return best if best in LANGUAGES else DEFAULT
