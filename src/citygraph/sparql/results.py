"""Serialise query outcomes: SPARQL results as JSON, XML, CSV, TSV; graphs through Oxigraph.

Formats: https://www.w3.org/TR/sparql11-results-json/ , https://www.w3.org/TR/rdf-sparql-XMLres/ ,
https://www.w3.org/TR/sparql11-results-csv-tsv/ . SELECT rows are written here (not by
Oxigraph) so that the row limit can cut them and the response can say so.
"""

from __future__ import annotations

import csv
import io
import json
from json.encoder import encode_basestring as _text  # as json.dumps, ensure_ascii off
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from citygraph.formats import MediaType
from citygraph.namespaces import XSD_STRING

Term = ox.NamedNode | ox.BlankNode | ox.Literal
Row = tuple[Term | None, ...]


def _json_term(term: Term) -> str:
    """One term as a JSON object, written directly: building a dict per term and encoding it
    cost most of a small SELECT's time. ``_text`` escapes as json.dumps(ensure_ascii=False)
    does, so the bytes are the same."""
    if isinstance(term, ox.NamedNode):
        return f'{{"type":"uri","value":{_text(term.value)}}}'
    if isinstance(term, ox.Literal):
        value = _text(term.value)
        if term.language:
            return f'{{"type":"literal","value":{value},"xml:lang":{_text(term.language)}}}'
        datatype = term.datatype.value
        if datatype != XSD_STRING:
            return f'{{"type":"literal","value":{value},"datatype":{_text(datatype)}}}'
        return f'{{"type":"literal","value":{value}}}'
    if isinstance(term, ox.BlankNode):
        return f'{{"type":"bnode","value":{_text(term.value)}}}'
    return f'{{"type":"triple","value":{_text(str(term))}}}'


def select_json(variables: list[str], rows: list[Row]) -> bytes:
    keys = [_text(v) + ":" for v in variables]
    bindings = ",".join(
        "{" + ",".join(k + _json_term(t) for k, t in zip(keys, row, strict=True) if t is not None)
        + "}" for row in rows)
    head = ",".join(_text(v) for v in variables)
    return f'{{"head":{{"vars":[{head}]}},"results":{{"bindings":[{bindings}]}}}}'.encode()


def _xml_term(term: Term) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if isinstance(term, ox.Literal):
        if term.language:
            return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
        if term.datatype.value != XSD_STRING:
            dt = quoteattr(term.datatype.value)
            return f"<literal datatype={dt}>{escape(term.value)}</literal>"
        return f"<literal>{escape(term.value)}</literal>"
    return f"<literal>{escape(str(term))}</literal>"


XML_HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n'
            '<sparql xmlns="http://www.w3.org/2005/sparql-results#">\n')


def select_xml(variables: list[str], rows: list[Row]) -> bytes:
    out = [XML_HEAD, "<head>"]
    out += [f"<variable name={quoteattr(v)}/>" for v in variables]
    out.append("</head>\n<results>\n")
    for row in rows:
        cells = "".join(f"<binding name={quoteattr(v)}>{_xml_term(t)}</binding>"
                        for v, t in zip(variables, row, strict=True) if t is not None)
        out.append(f"<result>{cells}</result>\n")
    out.append("</results>\n</sparql>\n")
    return "".join(out).encode()


def _csv_value(term: Term | None) -> str:
    if term is None:
        return ""
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return str(term.value) if isinstance(term, ox.NamedNode | ox.Literal) else str(term)


def select_csv(variables: list[str], rows: list[Row]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")  # RFC 4180 line ends, per the spec
    writer.writerow(variables)
    writer.writerows([_csv_value(t) for t in row] for row in rows)
    return buffer.getvalue().encode()


def select_tsv(variables: list[str], rows: list[Row]) -> bytes:
    # TSV cells are terms in Turtle/N-Triples syntax (sparql11-results-csv-tsv §3.2).
    lines = ["\t".join("?" + v for v in variables)]
    lines += ["\t".join("" if t is None else str(t) for t in row) for row in rows]
    return ("\n".join(lines) + "\n").encode()


def ask(value: bool, media: MediaType) -> bytes:
    word = "true" if value else "false"
    if media.name == "json":
        return json.dumps({"head": {}, "boolean": value}).encode()
    if media.name == "xml":
        return f"{XML_HEAD}<head/>\n<boolean>{word}</boolean>\n</sparql>\n".encode()
    sep = "\r\n" if media.name == "csv" else "\n"
    return f"_askResult{sep}{word}{sep}".encode()


SELECT_WRITERS = {"json": select_json, "xml": select_xml, "csv": select_csv, "tsv": select_tsv}


def select(variables: list[str], rows: list[Row], media: MediaType) -> bytes:
    return SELECT_WRITERS[media.name](variables, rows)


def graph(triples: list[ox.Triple], media: MediaType, prefixes: dict[str, str]) -> bytes:
    """Triples in an RDF syntax; dataset syntaxes get them in the default graph."""
    assert media.rdf is not None
    if media.rdf.supports_datasets:
        quads = [ox.Quad(t.subject, t.predicate, t.object) for t in triples]
        return ox.serialize(quads, format=media.rdf) or b""
    wants_prefixes = media.rdf in (ox.RdfFormat.TURTLE, ox.RdfFormat.RDF_XML, ox.RdfFormat.TRIG)
    used = used_prefixes(triples, prefixes) if wants_prefixes else None
    return ox.serialize(triples, format=media.rdf, prefixes=used) or b""


def used_prefixes(triples: list[ox.Triple], prefixes: dict[str, str],
                  sample: int = 2_000) -> dict[str, str]:
    """The prefixes whose namespace occurs in (a sample of) the triples: no unused lines."""
    iris = {t.value for triple in triples[:sample] for t in triple
            if isinstance(t, ox.NamedNode)}
    iris |= {t.datatype.value for triple in triples[:sample] for t in triple
             if isinstance(t, ox.Literal)}
    return {p: ns for p, ns in prefixes.items()
            if any(iri.startswith(ns) and "/" not in iri[len(ns):] for iri in iris)}
