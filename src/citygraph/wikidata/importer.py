"""``citygraph import wikidata``: a WDQS P190 result becomes a named-graph file in the data
directory: the Wikidata items and twinning statements, the graph's provenance (source, query,
retrieval date, CC0) and the alignment of items with citygraph cities by GeoNames ID."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from citygraph.config import Config
from citygraph.errors import DataError
from citygraph.namespaces import PREFIXES
from citygraph.wikidata.results import Item, WdqsResult, read_result, wikidata_date
from citygraph.wikidata.turtle import WD, Term, iri, lit, write_turtle

CG, XSD, RDFS, SKOS = PREFIXES["cg"], PREFIXES["xsd"], PREFIXES["rdfs"], PREFIXES["skos"]
DCT, SCHEMA, RDF = PREFIXES["dct"], PREFIXES["schema"], PREFIXES["rdf"]
GEONAMES = "http://sws.geonames.org/"
CC0 = "http://creativecommons.org/publicdomain/zero/1.0/"
MUL = "http://publications.europa.eu/resource/authority/language/MUL"
PAGE = "https://www.wikidata.org/wiki/"
QUERY_DOC = "docs/wikidata-p190.rq"
Block = tuple[Term, list[tuple[str, Term]]]


@dataclass(frozen=True)
class ImportSummary:
    file: Path
    rows: int
    statements: int
    items: int
    aligned: int
    duplicates: int
    triples: int


def geonames_index(config: Config, skip: Path) -> dict[str, set[str]]:
    """GeoNames ID → citygraph resources linked to it (owl:sameAs) in the data directory."""
    from citygraph.loading import discover, parse_file

    same_as = PREFIXES["owl"] + "sameAs"
    index: dict[str, set[str]] = {}
    for source in discover(config):
        if source.path.parent != config.data_path or source.path.resolve() == skip.resolve():
            continue
        for quad in parse_file(source.path, config.base_iri):
            obj, subject = quad.object, quad.subject
            if quad.predicate.value == same_as and isinstance(obj, ox.NamedNode) \
                    and isinstance(subject, ox.NamedNode) and obj.value.startswith(GEONAMES):
                index.setdefault(obj.value[len(GEONAMES):].strip("/"), set()).add(subject.value)
    return index


def alignments(result: WdqsResult, index: dict[str, set[str]]) -> dict[str, tuple[str, str]]:
    """Q-ID → (citygraph resource, GeoNames ID) where exactly one resource shares a GeoNames ID."""
    found = {}
    for q, item in result.items.items():
        matches = {(r, g) for g in item.geonames for r in index.get(g, ())}
        if len({r for r, _ in matches}) == 1:
            found[q] = min(matches)
    return found


def _labels(item: Item) -> list[tuple[str, Term]]:
    out = []
    for lang, label in sorted(item.labels.items()):
        term = lit(label, f"@{lang}") if lang else lit(label)
        out += [(RDFS + "label", term), (SKOS + "prefLabel", term)]
    return out or [(RDFS + "label", lit(item.qid))]


def item_blocks(result: WdqsResult) -> Iterator[Block]:
    for q, item in sorted(result.items.items()):
        pairs: list[tuple[str, Term]] = [(RDF + "type", iri(CG + "ExternalItem")), *_labels(item)]
        pairs += [(CG + "geoNamesFeature", iri(f"{GEONAMES}{g}/")) for g in sorted(item.geonames)]
        if item.coord:
            pairs += [(PREFIXES["wgs"] + "long", lit(item.coord[0], XSD + "decimal")),
                      (PREFIXES["wgs"] + "lat", lit(item.coord[1], XSD + "decimal"))]
        pairs += [(SCHEMA + "containedInPlace", iri(WD + c)) for c in sorted(item.countries)]
        pairs += [(CG + "itemType", iri(WD + t)) for t in sorted(item.types)]
        pairs.append((DCT + "source", iri(PAGE + q)))
        yield iri(WD + q), pairs
        title = item.labels.get("en") or next(iter(item.labels.values()), q)
        yield iri(PAGE + q), [(RDF + "type", iri(SCHEMA + "WebPage")),
                              (RDFS + "label", lit(f"Wikidata: {title} ({q})")),
                              (DCT + "title", lit(title)),
                              (DCT + "publisher", iri("id/organisation/wikidata")),
                              (DCT + "language", iri(MUL))]


def statement_blocks(result: WdqsResult, base: str) -> Iterator[Block]:
    for (city, twin), st in sorted(result.statements.items()):
        pairs: list[tuple[str, Term]] = [
            (RDF + "type", iri(CG + "ExternalTwinning")),
            (RDFS + "label", lit(f"Wikidata P190: {city} – {twin}")),
            (CG + "statedBy", iri(WD + city)),
            (CG + "externalPartner", iri(WD + city)), (CG + "externalPartner", iri(WD + twin))]
        for prop, values in (("startDate", st.starts), ("endDate", st.ends)):
            for value in sorted(values):
                parsed = wikidata_date(value)
                if parsed:
                    pairs.append((SCHEMA + prop, lit(parsed[0], XSD + parsed[1])))
        pairs.append((DCT + "source", iri(PAGE + city)))
        yield iri(f"{base}id/wikidata/twinning/{city}-{twin}"), pairs


def alignment_blocks(aligned: dict[str, tuple[str, str]], base: str) -> Iterator[Block]:
    for q, (resource, geonames) in sorted(aligned.items()):
        yield iri(resource), [(SKOS + "exactMatch", iri(WD + q))]
        slug = resource.rstrip("/").rsplit("/", 1)[-1]
        yield iri(f"{base}id/alignment/{slug}-{q.lower()}"), [
            (RDF + "type", iri(CG + "Alignment")),
            (RDFS + "label", lit(f"Abgleich {slug} – Wikidata {q}", "@de")),
            (RDFS + "label", lit(f"Alignment {slug} – Wikidata {q}", "@en")),
            (CG + "alignedResource", iri(resource)), (CG + "alignedWith", iri(WD + q)),
            (CG + "matchedOn", iri(f"{GEONAMES}{geonames}/")),
            (SKOS + "note", lit(f"Gleiche GeoNames-Nummer {geonames} in citygraph und Wikidata "
                                f"(P1566).", "@de")),
            (SKOS + "note", lit(f"Same GeoNames ID {geonames} in citygraph and Wikidata "
                                f"(P1566).", "@en"))]


def provenance_blocks(graph: str, retrieved: str, query: str) -> Iterator[Block]:
    yield iri(graph), [
        (RDF + "type", iri(PREFIXES["prov"] + "Entity")),
        (RDFS + "label", lit("Wikidata-Partnerschaften (P190), abgerufen " + retrieved, "@de")),
        (RDFS + "label", lit("Wikidata twinnings (P190), retrieved " + retrieved, "@en")),
        (DCT + "source", iri("https://www.wikidata.org/")),
        (DCT + "license", iri(CC0)),
        (DCT + "date", lit(retrieved, XSD + "date")),
        (SCHEMA + "query", lit(query))]
    yield iri("id/organisation/wikidata"), [
        (RDF + "type", iri(CG + "Organisation")),
        (RDFS + "label", lit("Wikidata", "@de")), (RDFS + "label", lit("Wikidata", "@en")),
        (SKOS + "prefLabel", lit("Wikidata", "@de")), (SKOS + "prefLabel", lit("Wikidata", "@en")),
        (SCHEMA + "url", iri("https://www.wikidata.org/"))]
    yield iri("https://www.wikidata.org/"), [
        (RDF + "type", iri(SCHEMA + "WebPage")), (RDFS + "label", lit("Wikidata")),
        (DCT + "title", lit("Wikidata")), (DCT + "publisher", iri("id/organisation/wikidata")),
        (DCT + "language", iri(MUL))]


def import_wikidata(config: Config, file: Path, retrieved: str, out: Path,
                    query: str) -> ImportSummary:
    """Read the result, align, write the graph file ``out`` (in the data directory)."""
    result = read_result(file)
    if not result.statements:
        raise DataError(f"{file}: the result has no P190 rows")
    aligned = alignments(result, geonames_index(config, out))
    graph = f"{config.base_iri}graph/{out.stem}"
    blocks = [*provenance_blocks(graph, retrieved, query),
              *alignment_blocks(aligned, config.base_iri), *item_blocks(result),
              *statement_blocks(result, config.base_iri)]
    header = (f"Wikidata P190 twinnings, retrieved {retrieved} (CC0), imported with "
              f"'citygraph import wikidata'; query: {QUERY_DOC}. Generated: edit the source, "
              f"not this file.")
    triples = write_turtle(out, header, blocks, config.base_iri)
    duplicates = result.rows - len(result.statements)
    return ImportSummary(out, result.rows, len(result.statements), len(result.items),
                         len(aligned), duplicates, triples)


def query_text() -> str:
    """The documented query, as shipped (recorded in the graph's provenance)."""
    from citygraph.config import default_project_dir

    path = default_project_dir() / QUERY_DOC
    return path.read_text(encoding="utf-8") if path.is_file() else QUERY_DOC
