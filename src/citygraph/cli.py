"""The ``citygraph`` command: validate, build, add, query, export, serve."""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

import click

from citygraph.backend import backend_for, has_store
from citygraph.config import Config, load_config
from citygraph.errors import CitygraphError, DataError
from citygraph.formats import Kind, by_name, of_kinds
from citygraph.loading import Source, data_files, discover, stderr_progress
from citygraph.namespaces import data_prefixes
from citygraph.sparql.engine import QueryJob
from citygraph.store import BuildInfo

F = TypeVar("F", bound=Callable[..., Any])

RESULT_NAMES = [m.name for m in of_kinds(Kind.RESULTS)]
RDF_NAMES = [m.name for m in of_kinds(Kind.GRAPH, Kind.DATASET)]


def store_option(func: F) -> F:
    return click.option("--store", type=click.Path(path_type=Path), default=None,
                        help="Store directory (default: CITYGRAPH_STORE or the user data dir).")(
        func)


def data_option(func: F) -> F:
    return click.option(
        "--data", "data_dir", type=click.Path(path_type=Path, file_okay=False), default=None,
        help="Directory of data files to use instead of the shipped data (default: "
             "CITYGRAPH_DATA_DIR or the project's data/); ontology and shapes stay the "
             "shipped ones.")(func)


def get_config(ctx: click.Context, **overrides: Any) -> Config:
    config: Config = ctx.obj
    return config.replace(**{k: v for k, v in overrides.items() if v is not None})


def fail(message: str, code: int = 1) -> None:
    click.echo(f"citygraph: {message}", err=True)
    sys.exit(code)


class Group(click.Group):
    """Turns every CitygraphError into one readable line and exit status 1, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except CitygraphError as exc:
            fail(exc.message)
        except OSError as exc:
            fail(f"{exc.strerror or exc}{f': {exc.filename}' if exc.filename else ''}")


@click.group(cls=Group)
@click.option("--config", "config_file", type=click.Path(path_type=Path, exists=True),
              default=None, help="TOML configuration file (default: CITYGRAPH_CONFIG).")
@click.version_option(package_name="citygraph")
@click.pass_context
def main(ctx: click.Context, config_file: Path | None) -> None:
    """citygraph: a linked-open-data knowledge graph of a city's international relations."""
    try:
        ctx.obj = load_config(config_file)
    except CitygraphError as exc:
        fail(exc.message, 2)


def run_validation(config: Config, files: list[Path], report: Path | None = None) -> bool:
    from citygraph.tables.schema import is_table
    from citygraph.validation import validate  # rdflib and pyshacl: only when validating

    if report is not None or any(is_table(p) for p in files):
        from citygraph.tables.check import validate_with_tables

        return validate_with_tables(config, files, report)

    result = validate(files, ontology=sorted(config.ontology_dir.glob("*.ttl")),
                      shapes=sorted(config.shapes_dir.glob("*.ttl")),
                      base_iri=config.base_iri, root=Path.cwd())
    click.echo(result.text(), err=not result.conforms)
    return result.conforms


def report_option(func: F) -> F:
    return click.option("--report", type=click.Path(path_type=Path), default=None,
                        help="Write the problems of table rows as CSV (file, row, column, "
                             "value, message_de, message_en).")(func)


@main.command("validate")
@click.argument("files", nargs=-1, type=click.Path(path_type=Path))
@data_option
@report_option
@click.pass_context
def validate_command(ctx: click.Context, files: tuple[Path, ...], data_dir: Path | None,
                     report: Path | None) -> None:
    """Validate ontology + data (or FILES) against the SHACL shapes; exit 1 on any violation."""
    config = get_config(ctx, data_dir=data_dir)
    paths = list(files) or data_files(config)
    if not files:
        require_description(paths, config)
    for path in paths:
        if not path.is_file():
            raise DataError(f"{path}: no such file")
    if not run_validation(config, paths, report):
        sys.exit(1)


def require_description(paths: list[Path], config: Config) -> None:
    """The data directory must describe its dataset (cg:focalCity): the site reads it."""
    from citygraph.site import has_description
    from citygraph.tables.schema import is_table

    # tables hold facts, not the description; their rows are checked (and reported) apart
    if not has_description([p for p in paths if not is_table(p)], config.base_iri):
        raise DataError(f"{config.data_path}: no dataset description; one data file must "
                        "describe the dataset with cg:focalCity (see data/dataset.ttl)")


@main.command()
@store_option
@data_option
@click.option("--skip-validation", is_flag=True, help="Load without SHACL validation.")
@click.option("--dumps/--no-dumps", default=True,
              help="Write the dumps now (default) or when /dumps/ is first asked for.")
@report_option
@click.pass_context
def build(ctx: click.Context, store: Path | None, data_dir: Path | None, skip_validation: bool,
          dumps: bool, report: Path | None = None) -> None:
    """Validate, then build the store in a new directory and swap it in atomically."""
    config = get_config(ctx, store=store, data_dir=data_dir)
    sources = discover(config)
    data = data_files(config)
    require_description(data, config)
    if not skip_validation and not run_validation(config, data, report):
        fail("build refused: the data does not conform to the shapes; "
             "the previous store is unchanged")
    message, info = backend_for(config).build(sources, stderr_progress)
    click.echo(message)
    if info is not None:
        print_changes(config, info)
    if dumps and info is not None:  # a remote server's build has no dump files
        publish_dumps(config, info)


@main.command()
@click.option("--graph", "graph", required=True, help="IRI of the named graph to add.")
@click.argument("file", type=click.Path(path_type=Path))
@store_option
@click.option("--dumps/--no-dumps", default=True,
              help="Write the dumps now (default) or when /dumps/ is first asked for.")
@click.pass_context
def add(ctx: click.Context, graph: str, file: Path, store: Path | None, dumps: bool) -> None:
    """Add FILE as the named graph IRI (into a copy of the current build, then swap)."""
    config = get_config(ctx, store=store)
    if not graph.split(":", 1)[0].isalpha() or ":" not in graph:
        raise DataError(f"'{graph}' is not an absolute IRI")
    message, info = backend_for(config).add(Source(file, graph), stderr_progress)
    if dumps and info is not None:
        publish_dumps(config, info)
    click.echo(message)


def print_changes(config: Config, info: BuildInfo) -> None:
    """The summary of the build's change set (citygraph.changes)."""
    from citygraph.changes.changeset import summaries
    from citygraph.changes.report import summary_lines

    latest = next((s for s in summaries(config.store) if s.get("build") == info.build_id), None)
    if latest is not None and info.path is not None:
        click.echo("\n".join(summary_lines(latest, config.base_iri, [info.path])))


def publish_dumps(config: Config, info: BuildInfo) -> None:
    """Write the build's dumps right away, so harvesters never wait for them."""
    from citygraph.publishing import ensure_dumps

    started = time.perf_counter()
    manifest = ensure_dumps(config.store, info)
    click.echo(f"dumps: {len(manifest.files)} files, {time.perf_counter() - started:.1f} s "
               "(--no-dumps: written when /dumps/ is first asked for)", err=True)


def read_query(text: str) -> str:
    if text == "-":
        return sys.stdin.read()
    if text.startswith("@"):
        return Path(text[1:]).read_text(encoding="utf-8")
    return text


@main.command()
@click.argument("sparql")
@click.option("--format", "fmt", default=None,
              type=click.Choice(["table", *RESULT_NAMES, *RDF_NAMES]),
              help="Output format (default: table for SELECT/ASK, turtle for graphs).")
@click.option("--max-rows", type=int, default=None, help="Most rows to print.")
@store_option
@click.pass_context
def query(ctx: click.Context, sparql: str, fmt: str | None, max_rows: int | None,
          store: Path | None) -> None:
    """Run SPARQL (a query, @file.rq or - for stdin) against the store."""
    config = get_config(ctx, store=store)
    accept = ("tsv" if fmt in (None, "table") else fmt, "turtle")
    job = QueryJob(read_query(sparql), accept=accept, max_rows=max_rows or config.max_rows)
    answer = backend_for(config).evaluate(job, data_prefixes(config.base_iri))
    if fmt in (None, "table") and answer.form != "graph":
        click.echo(tsv_to_table(answer.body.decode()))
    else:
        sys.stdout.buffer.write(answer.body)
    if answer.truncated:
        click.echo(f"citygraph: output cut at {answer.rows} rows (--max-rows)", err=True)


def tsv_to_table(tsv: str) -> str:
    rows = [line.split("\t") for line in tsv.rstrip("\n").split("\n")]
    widths = [max(len(r[i]) if i < len(r) else 0 for r in rows) for i in range(len(rows[0]))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(r, widths, strict=False)).rstrip()
             for r in rows]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)


@main.command()
@click.option("--format", "fmt", default="nquads", type=click.Choice(RDF_NAMES),
              help="Dump format; triple formats merge all graphs (default: nquads).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Output file (default: standard output).")
@store_option
@click.pass_context
def export(ctx: click.Context, fmt: str, out: Path | None, store: Path | None) -> None:
    """Write a full dump of the store."""
    config = get_config(ctx, store=store)
    media = by_name(fmt)
    assert media is not None
    body = backend_for(config).dump(media)
    if out is None:
        sys.stdout.buffer.write(body)
        return
    tmp = out.with_name(f".{out.name}.tmp")
    tmp.write_bytes(body)
    os.replace(tmp, out)
    click.echo(f"wrote {out} ({len(body)} bytes)", err=True)


@main.command()
@store_option
@data_option
@click.option("--host", default=None, help="Interface to listen on (default 127.0.0.1).")
@click.option("--port", type=int, default=None, help="TCP port (default 8000).")
@click.option("--workers", type=int, default=None, help="Worker processes (default 2).")
@click.pass_context
def serve(ctx: click.Context, store: Path | None, data_dir: Path | None, host: str | None,
          port: int | None, workers: int | None) -> None:
    """Serve the store over HTTP (SPARQL endpoint); builds the store first if there is none."""
    from citygraph.server import serve as run_server

    config = get_config(ctx, store=store, data_dir=data_dir, host=host, port=port,
                        workers=workers)
    if not has_store(config):
        click.echo(f"no store at {config.store} yet: building it first", err=True)
        ctx.invoke(build, store=config.store, data_dir=config.data_dir, skip_validation=False,
                   dumps=True)
    run_server(config)


@main.command()
@click.option("--cities", type=int, default=None, help="Number of synthetic cities.")
@click.option("--triples", type=int, default=None,
              help="Approximate size instead of --cities (e.g. 100000, 1000000).")
@click.option("--seed", type=int, default=0, help="Random seed (same seed, same file).")
@click.option("--relations", type=click.IntRange(1), default=None,
              help="About this many relations in all (default: 4 for every 3 cities).")
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Output file (.nt or .ttl).")
@click.pass_context
def synth(ctx: click.Context, cities: int | None, triples: int | None, seed: int,
          relations: int | None, out: Path) -> None:
    """Write a synthetic graph in citygraph's model (for benchmarks and scale tests)."""
    from citygraph.synth import cities_for_triples, write_synthetic

    if (cities is None) == (triples is None):
        raise click.UsageError("give exactly one of --cities and --triples")
    count = cities if cities is not None else cities_for_triples(triples or 0)
    written = write_synthetic(out, count, seed=seed, base=get_config(ctx).base_iri,
                              relations=relations)
    click.echo(f"wrote {written} triples for {count} cities to {out}", err=True)


@main.command()
@click.option("--out", type=click.Path(path_type=Path), required=True,
              help="Directory to write the tables and csv-metadata.json into.")
@click.option("--example", is_flag=True,
              help="Fill the tables with the partner and friendship relations in the data "
                   "and their sources.")
@data_option
@click.pass_context
def template(ctx: click.Context, out: Path, example: bool, data_dir: Path | None) -> None:
    """Write ready-to-fill tables (CSV + CSVW metadata) for the things a city records."""
    from citygraph.tables.definitions import TABLES
    from citygraph.tables.template import example_store_rows, write_templates

    config = get_config(ctx, data_dir=data_dir)
    rows, tables = example_store_rows(config) if example else (None, TABLES)
    for path in write_templates(out, rows, tables):
        click.echo(f"wrote {path}", err=True)


@main.group("import")
def import_group() -> None:
    """Import data from other sources into the data directory."""


@import_group.command("wikidata")
@click.argument("file", type=click.Path(path_type=Path, exists=True, dir_okay=False))
@click.option("--retrieved", required=True,
              help="Date the result was downloaded from the Wikidata Query Service (YYYY-MM-DD).")
@click.option("--name", default="wikidata-p190", show_default=True,
              help="File stem (and graph name) of the written Turtle file in the data directory.")
@data_option
@click.pass_context
def import_wikidata_command(ctx: click.Context, file: Path, retrieved: str, name: str,
                            data_dir: Path | None) -> None:
    """Import a WDQS result of docs/wikidata-p190.rq (JSON or CSV), aligned by GeoNames ID."""
    import datetime as dt

    from citygraph.wikidata.importer import import_wikidata, query_text

    try:
        dt.date.fromisoformat(retrieved)
    except ValueError:
        raise click.BadParameter("give the date as YYYY-MM-DD", param_hint="--retrieved") from None
    if not name.replace("-", "").isalnum():
        raise click.BadParameter("letters, digits and '-' only", param_hint="--name")
    config = get_config(ctx, data_dir=data_dir)
    out = config.data_path / f"{name}.ttl"
    s = import_wikidata(config, file, retrieved, out, query_text())
    click.echo(f"imported {s.statements} P190 statements ({s.rows} rows, {s.duplicates} merged), "
               f"{s.items} items, {s.aligned} aligned by GeoNames ID: {s.triples} triples → "
               f"{out}")


@main.command("diff")
@click.option("--from", "from_build", default=None,
              help="Build id to compare from (default: the current build).")
@click.option("--to", "to_build", default=None,
              help="Build id to compare to (default: building the data, or --data DIR, now).")
@click.option("--patch", type=click.Path(path_type=Path), default=None,
              help="Write the changes as RDF Patch.")
@click.option("--added", type=click.Path(path_type=Path), default=None,
              help="Write the added quads as N-Quads.")
@click.option("--removed", type=click.Path(path_type=Path), default=None,
              help="Write the removed quads as N-Quads.")
@store_option
@data_option
@click.pass_context
def diff_command(ctx: click.Context, from_build: str | None, to_build: str | None,
                 patch: Path | None, added: Path | None, removed: Path | None,
                 store: Path | None, data_dir: Path | None) -> None:
    """Show what a build (or building the data now) changes: triples per graph and thing."""
    from citygraph.changes.report import run_diff

    config = get_config(ctx, store=store, data_dir=data_dir)
    if to_build is not None and data_dir is not None:
        raise click.UsageError("give --to BUILD or --data DIR, not both")
    lines, written = run_diff(config, from_build, to_build, patch=patch, added=added,
                              removed=removed)
    click.echo("\n".join(lines))
    for path in written:
        click.echo(f"wrote {path}", err=True)


def _register_network() -> None:
    from citygraph.network.command import network_command

    main.add_command(network_command)


_register_network()
