"""Words of the site frame (header, navigation, search, 404, about) in English and German:
a word table of the one i18n module (``web.i18n.texts`` looks them up, the page language is
chosen there).
"""

from __future__ import annotations

from citygraph.web.i18n import texts

NAV: tuple[tuple[str, str, str], ...] = (
    # (key, endpoint, the endpoints of the pages where this item is "here")
    ("home", "linkeddata.index", "linkeddata.index"),
    ("glance", "workbench.glance_page", "workbench.glance_page"),
    ("lists", "ui.lists", "linkeddata.listing ui.lists"),
    ("query", "workbench.query_page", "workbench.query_page workbench.queries "
     "workbench.canned sparql.sparql"),
    ("network", "network.index", "network.index network.ego network.path network.members "
     "network.countries network.year network.timeline network.ranking"),
    ("data", "publishing.dumps_index", "publishing.dumps_index publishing.catalog "
     "publishing.void"),
    ("about", "ui.about", "ui.about publishing.ontology"),
)

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "site_tagline": "international relations as linked open data",
        "skip": "Skip to content", "nav": "Main navigation", "home": "Home",
        "glance": "Map", "lists": "Lists", "query": "Query", "data": "Data",
        "network": "Network",
        "about": "About & API", "search": "Search", "search_label": "Search names",
        "search_placeholder": "City, network, event …", "other_lang": "Deutsch",
        "search_title": "Search", "results_for": "Results for", "no_results":
        "Nothing found. Try the beginning of a name, in German or English.",
        "type": "Type", "name": "Name", "also": "also", "n_results": "results",
        "not_found": "Page not found", "gone": "Gone", "error": "Error",
        "not_found_help": "The address may be mistyped, or the page has moved. "
                          "Search for what you were looking for, or start from one of these pages:",
        "error_help": "Start again from one of these pages:",
        "lists_title": "Lists", "lists_intro": "Everything the graph describes, by kind.",
        "data_title": "Data and downloads",
        "data_intro": "The whole graph for download, and descriptions of it for data portals.",
        "dumps": "Full downloads (dumps)", "dumps_desc":
        "the whole graph as Turtle, N-Quads and more, with sizes and checksums",
        "catalog": "Data catalogue (DCAT-AP.de)", "catalog_desc":
        "the description of the datasets and their downloads for open-data portals",
        "void": "Dataset statistics (VoID)", "void_desc":
        "how many triples, classes and links the graph has",
        "queries": "Example queries", "queries_desc": "ready-made questions with their answers",
        "about_title": "About citygraph and its interfaces",
        "about_intro": "citygraph publishes the international relations of a city as linked "
                       "open data: every thing has a web address with a page for people and "
                       "data for machines; every statement names its source.",
        "api": "Interfaces for programs", "sparql": "SPARQL endpoint", "sparql_desc":
        "read-only SPARQL 1.1 query service", "ontology": "Ontology",
        "ontology_desc": "the vocabulary: classes and properties with their meaning",
        "search_api": "Search as JSON", "search_api_desc":
        "names of things, e.g. /search.json?q=riga",
        "formats": "Formats", "machine_note":
        "Programs get RDF or JSON from the same addresses by asking for it (Accept header) or "
        "by a file suffix such as .ttl or .json.",
        "licence": "Data licence", "open": "open", "download": "download",
        "rdf_variants": "This description for programs", "contents": "Contents",
        "dumps_intro": "The whole graph in one file, in the format your software reads: "
                       "{triples} statements, as of {built}. Dated files never change.",
        "download_file": "Download the whole graph as {format}", "with_graphs":
        "with the source graph of every statement", "details": "details",
        "file_name": "File", "always_latest": "Always the newest", "statements": "Statements",
        "dumps_graphs": "N-Quads and TriG keep the named graph of every statement (one graph per "
                        "source file); the other formats hold the statements of all graphs.",
        "this_list_json": "this list as JSON", "relations": "Relations",
        "network_files": "The relation network", "network_intro":
        "Every relation between two local authorities of the same build, for network tools "
        "(Gephi, networkx, igraph, R).", "network_pages": "The network pages",
        "download_network": "Download the relation network as {format}",
        "legend_partner": "Partner city", "legend_friendship": "Friendship city",
        "legend_other": "Place", "map_credit": "Basemap: Natural Earth (public domain)",
    },
    "de": {
        "site_tagline": "internationale Beziehungen als offene verknüpfte Daten",
        "skip": "Zum Inhalt springen", "nav": "Hauptnavigation", "home": "Startseite",
        "glance": "Karte", "lists": "Listen", "query": "Abfragen", "data": "Daten",
        "network": "Netzwerk",
        "about": "Über & API", "search": "Suchen", "search_label": "Namen suchen",
        "search_placeholder": "Stadt, Netzwerk, Veranstaltung …", "other_lang": "English",
        "search_title": "Suche", "results_for": "Ergebnisse für", "no_results":
        "Nichts gefunden. Versuchen Sie den Anfang eines Namens, auf Deutsch oder Englisch.",
        "type": "Art", "name": "Name", "also": "auch", "n_results": "Treffer",
        "not_found": "Seite nicht gefunden", "gone": "Entfernt", "error": "Fehler",
        "not_found_help": "Vielleicht ist die Adresse vertippt oder die Seite umgezogen. "
                          "Suchen Sie, was Sie finden wollten, oder beginnen Sie auf einer "
                          "dieser Seiten:",
        "error_help": "Beginnen Sie erneut auf einer dieser Seiten:",
        "lists_title": "Listen", "lists_intro": "Alles, was der Graph beschreibt, nach Art.",
        "data_title": "Daten und Downloads",
        "data_intro": "Der ganze Graph zum Herunterladen, und Beschreibungen für Datenportale.",
        "dumps": "Gesamtdownloads (Dumps)", "dumps_desc":
        "der ganze Graph als Turtle, N-Quads und mehr, mit Größen und Prüfsummen",
        "catalog": "Datenkatalog (DCAT-AP.de)", "catalog_desc":
        "die Beschreibung der Datensätze und ihrer Downloads für Open-Data-Portale",
        "void": "Statistik des Datensatzes (VoID)", "void_desc":
        "wie viele Tripel, Klassen und Verweise der Graph hat",
        "queries": "Beispielabfragen", "queries_desc": "fertige Fragen mit ihren Antworten",
        "about_title": "Über citygraph und seine Schnittstellen",
        "about_intro": "citygraph veröffentlicht die internationalen Beziehungen einer Stadt "
                       "als offene verknüpfte Daten: Jedes Ding hat eine Webadresse mit einer "
                       "Seite für Menschen und Daten für Maschinen; jede Aussage nennt ihre "
                       "Quelle.",
        "api": "Schnittstellen für Programme", "sparql": "SPARQL-Endpunkt", "sparql_desc":
        "lesender SPARQL-1.1-Abfragedienst", "ontology": "Ontologie",
        "ontology_desc": "das Vokabular: Klassen und Eigenschaften mit ihrer Bedeutung",
        "search_api": "Suche als JSON", "search_api_desc":
        "Namen von Dingen, z. B. /search.json?q=riga",
        "formats": "Formate", "machine_note":
        "Programme erhalten RDF oder JSON von denselben Adressen, wenn sie danach fragen "
        "(Accept-Header) oder eine Dateiendung wie .ttl oder .json anhängen.",
        "licence": "Datenlizenz", "open": "öffnen", "download": "Download",
        "rdf_variants": "Diese Beschreibung für Programme", "contents": "Inhalt",
        "dumps_intro": "Der ganze Graph in einer Datei, im Format, das Ihre Software liest: "
                       "{triples} Aussagen, Stand {built}. Datierte Dateien ändern sich nie.",
        "download_file": "Den ganzen Graphen als {format} herunterladen", "with_graphs":
        "mit dem Quellgraphen jeder Aussage", "details": "Einzelheiten",
        "file_name": "Datei", "always_latest": "Immer die neueste", "statements": "Aussagen",
        "dumps_graphs": "N-Quads und TriG behalten den benannten Graphen jeder Aussage (ein Graph "
                        "je Quelldatei); die anderen Formate enthalten die Aussagen aller Graphen.",
        "this_list_json": "diese Liste als JSON", "relations": "Beziehungen",
        "network_files": "Das Beziehungsnetz", "network_intro":
        "Jede Beziehung zwischen zwei Gebietskörperschaften desselben Stands, für Netzwerk-"
        "Werkzeuge (Gephi, networkx, igraph, R).", "network_pages": "Die Netzwerkseiten",
        "download_network": "Das Beziehungsnetz als {format} herunterladen",
        "legend_partner": "Partnerstadt", "legend_friendship": "Befreundete Stadt",
        "legend_other": "Ort", "map_credit": "Grundkarte: Natural Earth (gemeinfrei)",
    },
}


def site_texts(lang: str) -> dict[str, str]:
    return texts(lang, "", TEXTS)
