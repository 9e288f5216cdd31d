"""The SPARQL 1.1 Service Description of the endpoint, as RDF triples.

https://www.w3.org/TR/sparql11-service-description/ — sd:endpoint is the URL the client asked,
the default dataset lists every named graph with its VoID triple count, says which one holds
the entailments materialised at build time (citygraph.inference) and carries the
dataset's titles (from the dataset description, ``site.Site.title``).
"""

from __future__ import annotations

import pyoxigraph as ox

from citygraph.formats import Kind, of_kinds
from citygraph.inference import DESCRIPTION, inferred_graph
from citygraph.namespaces import SD
from citygraph.store import BuildInfo

RDF_TYPE = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type")
VOID_TRIPLES = ox.NamedNode("http://rdfs.org/ns/void#triples")
RDFS_COMMENT = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#comment")
XSD_INTEGER = ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")
DCT_TITLE = ox.NamedNode("http://purl.org/dc/terms/title")
FORMATS = "http://www.w3.org/ns/formats/"
# W3C format IRIs (https://www.w3.org/ns/formats/) of the registry entries.
FORMAT_IRIS = {"json": "SPARQL_Results_JSON", "xml": "SPARQL_Results_XML",
               "csv": "SPARQL_Results_CSV", "tsv": "SPARQL_Results_TSV", "turtle": "Turtle",
               "ntriples": "N-Triples", "jsonld": "JSON-LD", "rdfxml": "RDF_XML",
               "nquads": "N-Quads", "trig": "TriG"}


def sd(name: str) -> ox.NamedNode:
    return ox.NamedNode(SD + name)


def describe_service(endpoint: str, info: BuildInfo, titles: dict[str, str] | None = None
                     ) -> list[ox.Triple]:
    service = ox.NamedNode(endpoint + "#service")
    dataset = ox.NamedNode(endpoint + "#dataset")
    default = ox.NamedNode(endpoint + "#default-graph")
    triples = [
        ox.Triple(service, RDF_TYPE, sd("Service")),
        ox.Triple(service, sd("endpoint"), ox.NamedNode(endpoint)),
        ox.Triple(service, sd("supportedLanguage"), sd("SPARQL11Query")),
        ox.Triple(service, sd("feature"), sd("UnionDefaultGraph")),
        ox.Triple(service, sd("defaultDataset"), dataset),
        ox.Triple(dataset, RDF_TYPE, sd("Dataset")),
        ox.Triple(dataset, sd("defaultGraph"), default),
        ox.Triple(default, RDF_TYPE, sd("Graph")),
        ox.Triple(default, VOID_TRIPLES, ox.Literal(str(info.triples), datatype=XSD_INTEGER)),
    ]
    for lang, title in sorted((titles or {}).items()):
        triples.append(ox.Triple(dataset, DCT_TITLE, ox.Literal(title, language=lang or None)))
    for media in of_kinds(Kind.RESULTS, Kind.GRAPH, Kind.DATASET):
        triples.append(ox.Triple(service, sd("resultFormat"),
                                 ox.NamedNode(FORMATS + FORMAT_IRIS[media.name])))
    for i, (name, count) in enumerate(sorted(info.graphs.items())):
        if not name:
            continue
        node = ox.NamedNode(f"{endpoint}#named-graph-{i}")
        graph = ox.NamedNode(f"{endpoint}#graph-{i}")
        triples += [
            ox.Triple(dataset, sd("namedGraph"), node),
            ox.Triple(node, RDF_TYPE, sd("NamedGraph")),
            ox.Triple(node, sd("name"), ox.NamedNode(name)),
            ox.Triple(node, sd("graph"), graph),
            ox.Triple(graph, RDF_TYPE, sd("Graph")),
            ox.Triple(graph, VOID_TRIPLES, ox.Literal(str(count), datatype=XSD_INTEGER)),
        ]
        if name == inferred_graph(info.base_iri):  # the default graph holds these too
            triples.append(ox.Triple(node, RDFS_COMMENT, ox.Literal(DESCRIPTION, language="en")))
    return triples
