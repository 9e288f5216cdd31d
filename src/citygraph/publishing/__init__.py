"""Harvester-facing publishing: bulk dumps, the DCAT-AP.de catalogue, VoID and ontology docs.

- ``dumps``: dated N-Triples (gzip), Turtle, JSON-LD and N-Quads files of a build, with a
  manifest (sizes, SHA-256, triple counts): ``write_dumps``; ``dumpsets.ensure_dumps`` writes
  them once per build into ``{store}/dumps/{build}/`` under a file lock.
- ``catalog``: DCAT-AP.de 2.0 (https://www.dcat-ap.de/def/dcatde/2.0/spec/) at ``/catalog``.
- ``void``: VoID (https://www.w3.org/TR/void/) at ``/.well-known/void``.
- ``ontology``: HTML documentation and RDF of the ontology graph at ``/def``.

The Flask blueprint is ``citygraph.publishing.views.bp``.
"""

from __future__ import annotations

from citygraph.publishing.dumps import DumpFile, Manifest, dumps_dir, write_dumps
from citygraph.publishing.dumpsets import ensure_dumps

__all__ = ["DumpFile", "Manifest", "dumps_dir", "ensure_dumps", "write_dumps"]
