"""Interface words of the network pages in English and German (names come from the data)."""

from __future__ import annotations

TEXTS: dict[str, dict[str, str]] = {
    "en": {
        "home": "Home", "lists": "Lists", "other_lang": "Deutsch", "data_licence": "Data licence",
        "network": "Relation network", "intro": "Every relation between two local authorities "
        "that the store holds, from every source, as a network: who is linked to whom, through "
        "which chains, in which clusters, since when.",
        "drawn_from": "Drawn from", "graphs": "Sources (named graphs)",
        "types": "Relation types", "relations": "relations", "cities": "cities",
        "nodes": "Authorities", "edges": "Relations", "files": "This view as a file",
        "files_hint": "GraphML and GEXF open in Gephi, networkx, igraph and R; CSV in any "
                      "spreadsheet or pandas.",
        "ego": "Network around a city", "depth": "Depth", "depth1": "partners",
        "depth2": "partners of partners", "city": "City", "show": "Show",
        "type": "Relation type", "graph": "Source", "since": "From year",
        "until": "To year", "all": "all", "path": "Connection between two cities",
        "from": "From", "to": "To", "hops": "links", "hop": "Link",
        "no_path": "These cities are not connected through the relations held here.",
        "paths_found": "shortest paths of", "paths_listed": "listed",
        "members": "Members of a city network and their mutual links",
        "countries": "Countries", "country_pairs": "Which countries' cities are most linked",
        "country": "Country", "links": "Links", "year": "Network as of a year",
        "active_in": "Relations active in", "undated": "Undated relations",
        "undated_note": "These relations have no start date; they are shown, not dropped, but "
                        "cannot be placed in time.",
        "timeline": "Link formation over time", "started": "Relations by start year",
        "ranking": "Ranking", "measures": "Network measures", "rank": "Rank",
        "degree": "Degree", "betweenness": "Betweenness", "strength": "Strength",
        "clusteringCoefficient": "Clustering coefficient", "component": "Component",
        "community": "Community", "size": "Size", "method": "Method", "caveat": "Caveat",
        "level": "Distance", "source_pages": "Source pages", "start": "Since", "end": "Until",
        "status": "Status", "partner_a": "Authority", "partner_b": "Authority",
        "drawing": "Drawing of the network", "drawn_part": "The drawing shows {drawn} of "
        "{total} authorities; the table lists all.", "legend": "Legend", "dashed": "dashed: "
        "undated", "table_cut": "The table shows the first {shown} of {total} relations; the "
        "files hold all.", "networks": "City networks", "query": "The same in SPARQL",
        "members_count": "members", "unknown": "unknown", "none": "No relations.",
        "per_year": "per year", "measures_of": "Measures of this city",
        "whole": "Whole network", "no_date": "undated",
    },
    "de": {
        "home": "Start", "lists": "Listen", "other_lang": "English", "data_licence": "Datenlizenz",
        "network": "Beziehungsnetz", "intro": "Alle Beziehungen zwischen zwei "
        "Gebietskörperschaften im Datenbestand, aus allen Quellen, als Netz: wer mit wem "
        "verbunden ist, über welche Ketten, in welchen Gruppen, seit wann.",
        "drawn_from": "Grundlage", "graphs": "Quellen (benannte Graphen)",
        "types": "Beziehungstypen", "relations": "Beziehungen", "cities": "Städte",
        "nodes": "Gebietskörperschaften", "edges": "Beziehungen",
        "files": "Diese Ansicht als Datei",
        "files_hint": "GraphML und GEXF öffnen Gephi, networkx, igraph und R; CSV jede "
                      "Tabellenkalkulation und pandas.",
        "ego": "Netz um eine Stadt", "depth": "Tiefe", "depth1": "Partner",
        "depth2": "Partner der Partner", "city": "Stadt", "show": "Anzeigen",
        "type": "Beziehungstyp", "graph": "Quelle", "since": "Ab Jahr",
        "until": "Bis Jahr", "all": "alle", "path": "Verbindung zwischen zwei Städten",
        "from": "Von", "to": "Nach", "hops": "Verbindungen", "hop": "Verbindung",
        "no_path": "Diese Städte sind über die hier erfassten Beziehungen nicht verbunden.",
        "paths_found": "kürzeste Wege der Länge", "paths_listed": "aufgeführt",
        "members": "Mitglieder eines Städtenetzwerks und ihre Beziehungen untereinander",
        "countries": "Länder", "country_pairs": "Welche Länder am stärksten verbunden sind",
        "country": "Land", "links": "Beziehungen", "year": "Netz in einem Jahr",
        "active_in": "Beziehungen aktiv im Jahr", "undated": "Undatierte Beziehungen",
        "undated_note": "Diese Beziehungen haben kein Anfangsdatum; sie werden gezeigt, nicht "
                        "weggelassen, lassen sich aber zeitlich nicht einordnen.",
        "timeline": "Entstehung der Verbindungen", "started": "Beziehungen nach Anfangsjahr",
        "ranking": "Rangliste", "measures": "Netzwerkmaße", "rank": "Rang",
        "degree": "Grad", "betweenness": "Zwischenzentralität", "strength": "Stärke",
        "clusteringCoefficient": "Clusterkoeffizient", "component": "Komponente",
        "community": "Gemeinschaft", "size": "Größe", "method": "Methode", "caveat": "Hinweis",
        "level": "Abstand", "source_pages": "Quellseiten", "start": "Seit", "end": "Bis",
        "status": "Status", "partner_a": "Gebietskörperschaft", "partner_b":
        "Gebietskörperschaft", "drawing": "Zeichnung des Netzes", "drawn_part": "Die Zeichnung "
        "zeigt {drawn} von {total} Gebietskörperschaften; die Tabelle nennt alle.",
        "legend": "Legende", "dashed": "gestrichelt: undatiert", "table_cut": "Die Tabelle zeigt "
        "die ersten {shown} von {total} Beziehungen; die Dateien enthalten alle.",
        "networks": "Städtenetzwerke", "query": "Dasselbe in SPARQL",
        "members_count": "Mitglieder", "unknown": "unbekannt", "none": "Keine Beziehungen.",
        "per_year": "je Jahr", "measures_of": "Maße dieser Stadt", "whole": "Ganzes Netz",
        "no_date": "undatiert",
    },
}


def texts(lang: str) -> dict[str, str]:
    return TEXTS.get(lang, TEXTS["en"])
