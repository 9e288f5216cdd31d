"""``validate``/``build`` over data that includes tables: row-level problems first (nothing else
runs when a row fails), then SHACL, with violations of row-made nodes mapped to their rows."""

from __future__ import annotations

import itertools
from pathlib import Path

import click

from citygraph.config import Config
from citygraph.loading import parse_file
from citygraph.tables import check_tables
from citygraph.tables.rowerrors import RowError, summary, write_report
from citygraph.tables.schema import is_table
from citygraph.tables.shacl import shacl_row_errors, shape_messages


def _emit(errors: list[RowError], report: Path | None) -> None:
    if errors:
        click.echo(summary(errors), err=True)
    if report is not None:
        write_report(sorted(errors), report)
        click.echo(f"report: {report} ({len(errors)} rows)", err=True)


def validate_with_tables(config: Config, files: list[Path], report: Path | None) -> bool:
    """Validate data files of which some may be tables; True when everything conforms."""
    from citygraph.validation import validate

    ontology = sorted(config.ontology_dir.glob("*.ttl"))
    shapes = sorted(config.shapes_dir.glob("*.ttl"))
    tables = [p for p in files if is_table(p)]
    rdf_files = [p for p in files if not is_table(p)]
    others = itertools.chain.from_iterable(
        parse_file(p, config.base_iri) for p in [*ontology, *rdf_files])
    data = check_tables(tables, config.base_iri, others)
    if data.errors:
        _emit(data.errors, report)
        return False
    result = validate(files, ontology=ontology, shapes=shapes, base_iri=config.base_iri,
                      root=Path.cwd())
    if result.conforms:
        click.echo(result.text())
        _emit([], report)
        return True
    row_errors = shacl_row_errors(result.violations, data, config.base_iri,
                                  shape_messages(shapes, config.base_iri))
    click.echo(result.text(), err=True)
    _emit(row_errors, report)
    return False
