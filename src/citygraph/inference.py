"""Materialise the entailments the ontology implies into their own named graph at build time.

SPARQL engines answer plain queries without inference, so ``?e a cg:Event`` would miss the
events typed only with a subclass. After loading, the build adds to ``{base}graph/inferred``
the triples entailed by rdfs:subClassOf and rdfs:subPropertyOf (RDFS 1.1 Semantics, rules
rdfs9 and rdfs7, https://www.w3.org/TR/rdf11-mt/#rdfs-entailment), rdfs:domain and rdfs:range
with a class (rdfs2, rdfs3; literal ranges are left alone), owl:inverseOf and
owl:SymmetricProperty (OWL 2 RL rules prp-inv1/2 and prp-symp,
https://www.w3.org/TR/owl2-profiles/#Reasoning_in_OWL_2_RL_and_RDF_Graphs_using_Rules), until
nothing new follows. Only triples not already stated go in, so the union default graph answers
plain queries fully and excluding the one graph gives the asserted triples back. The shapes
graph takes no part: it describes the data, it is not data.

Each rule is one SPARQL update run inside Oxigraph, so a large build never copies triples
through Python.
"""

from __future__ import annotations

from collections.abc import Callable

import pyoxigraph as ox

INFERRED = "graph/inferred"
SHAPES = "graph/shapes"
# Rounds until nothing new follows; chains in the ontology are short (subproperty of a
# symmetric property, class of a class), so a few rounds always reach the fixpoint.
MAX_ROUNDS = 8
DESCRIPTION = (
    "Triples entailed by the ontology and materialised at build time: rdfs:subClassOf, "
    "rdfs:subPropertyOf, rdfs:domain/rdfs:range with a class, owl:inverseOf and "
    "owl:SymmetricProperty. Only triples not stated elsewhere; leave this graph out of a "
    "query's dataset to see the asserted triples alone.")

# One WHERE per rule, binding ?s ?p ?o to the entailed triple; ?g1/?g2 are the graphs read.
RULES = (
    # rdfs9: the types of a subclass's instances
    """GRAPH ?g1 { ?s a ?c } GRAPH ?g2 { ?c rdfs:subClassOf+ ?o }
       FILTER(isIRI(?o)) BIND(rdf:type AS ?p)""",
    # rdfs7: the superproperties of a stated property
    "GRAPH ?g2 { ?q rdfs:subPropertyOf+ ?p } GRAPH ?g1 { ?s ?q ?o } FILTER(isIRI(?p))",
    # rdfs2, rdfs3: domain and range, only where a class is declared (not a datatype)
    """GRAPH ?g2 { ?q rdfs:domain ?o } GRAPH ?g1 { ?s ?q ?x }
       FILTER(isIRI(?o)) BIND(rdf:type AS ?p)""",
    """GRAPH ?g2 { ?q rdfs:range ?o FILTER NOT EXISTS { ?o a rdfs:Datatype }
                   FILTER(!STRSTARTS(STR(?o), STR(xsd:)) && ?o != rdf:langString) }
       GRAPH ?g1 { ?x ?q ?s FILTER(!isLiteral(?s)) } BIND(rdf:type AS ?p)""",
    # prp-symp: symmetric properties
    "GRAPH ?g2 { ?p a owl:SymmetricProperty } GRAPH ?g1 { ?o ?p ?s FILTER(!isLiteral(?s)) }",
    # prp-inv1, prp-inv2: inverse properties, in both directions
    """{ GRAPH ?g2 { ?q owl:inverseOf ?p } } UNION { GRAPH ?g2 { ?p owl:inverseOf ?q } }
       GRAPH ?g1 { ?o ?q ?s FILTER(!isLiteral(?s)) }""",
)
PREFIXES = """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def inferred_graph(base_iri: str) -> str:
    return base_iri + INFERRED


def _update(rule: str, inferred: str, shapes: str) -> str:
    return f"""{PREFIXES}INSERT {{ GRAPH <{inferred}> {{ ?s ?p ?o }} }}
WHERE {{
  {rule}
  FILTER(?g1 != <{shapes}> && ?g2 != <{shapes}>)
  FILTER NOT EXISTS {{ GRAPH ?any {{ ?s ?p ?o }} }}
}}"""


def _size(store: ox.Store, graph: str) -> int:
    result = store.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert isinstance(result, ox.QuerySolutions)
    return int(next(iter(result))["n"].value)


def materialise(store: ox.Store, base_iri: str,
                progress: Callable[[str], None] = lambda _: None) -> int:
    """Rebuild the inferred graph of ``store``; returns the number of triples in it."""
    inferred, shapes = inferred_graph(base_iri), base_iri + SHAPES
    store.update(f"DROP SILENT GRAPH <{inferred}>")
    updates = [_update(rule, inferred, shapes) for rule in RULES]
    size = 0
    for _ in range(MAX_ROUNDS):
        for update in updates:
            store.update(update)
        grown = _size(store, inferred)
        if grown == size:
            break
        size = grown
    progress(f"inferred {size} triples into {inferred}")
    return size
