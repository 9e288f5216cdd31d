"""``citygraph network``: a subgraph of the relation network as a file for Gephi, networkx, R."""

from __future__ import annotations

import os
from pathlib import Path

import click

from citygraph.config import Config
from citygraph.errors import DataError
from citygraph.network.export import render
from citygraph.network.model import Network, extract, store_select
from citygraph.network.subgraphs import MAX_DEPTH, Filters, Subgraph, ego, whole, year
from citygraph.store import open_current

CLI_FORMATS = ("graphml", "gexf", "csv", "json")


def nodes_path(out: Path) -> Path:
    """Where the node list goes beside the edge list: ``net.csv`` → ``net.nodes.csv``."""
    return out.with_name(f"{out.stem}.nodes{out.suffix or '.csv'}")


def choose(net: Network, around: str | None, depth: int, when: int | None) -> Subgraph:
    filters = Filters(since=when, until=when) if when is not None else Filters()
    if around is None:
        return year(net, when) if when is not None else whole(net)
    if around not in net.nodes:
        raise DataError(f"<{around}> is not a city of the relation network in this store "
                        "(give the full IRI of a city, e.g. from its page)")
    return ego(net, around, depth, filters)


def _write(path: Path, body: bytes) -> None:
    tmp = path.with_name(f".{path.name}.tmp")
    tmp.write_bytes(body)
    os.replace(tmp, path)


@click.command("network")
@click.option("--around", default=None, metavar="IRI",
              help="The city at the centre (default: the whole network).")
@click.option("--depth", type=click.IntRange(1, MAX_DEPTH), default=1, show_default=True,
              help="1: partners and the links among them; 2: partners of partners as well.")
@click.option("--year", "when", type=click.IntRange(1000, 2999), default=None,
              help="Only relations active in this year (undated ones are kept, marked undated).")
@click.option("--format", "fmt", type=click.Choice(CLI_FORMATS), default="graphml",
              show_default=True, help="csv writes the edge list to --out and the node list "
                                      "beside it (net.csv and net.nodes.csv).")
@click.option("--lang", type=click.Choice(["en", "de"]), default="en", show_default=True,
              help="Language of the labels.")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="Output file.")
@click.option("--store", type=click.Path(path_type=Path), default=None,
              help="Store directory (default: CITYGRAPH_STORE or the user data dir).")
@click.pass_context
def network_command(ctx: click.Context, around: str | None, depth: int, when: int | None,
                    fmt: str, lang: str, out: Path, store: Path | None) -> None:
    """Write the relation network (or the part around one city) as GraphML, GEXF, CSV or JSON."""
    config: Config = ctx.obj
    ox_store, _ = open_current(store or config.store)
    net = extract(store_select(ox_store))
    sub = choose(net, around, depth, when)
    if fmt == "csv":
        _write(out, render(net, sub, "csv-edges", lang))
        _write(nodes_path(out), render(net, sub, "csv-nodes", lang))
        click.echo(f"wrote {len(sub.edges)} edges to {out} and {len(sub.nodes)} nodes to "
                   f"{nodes_path(out)}", err=True)
        return
    _write(out, render(net, sub, fmt, lang))
    click.echo(f"wrote {len(sub.nodes)} nodes and {len(sub.edges)} edges to {out} "
               f"(drawn from {', '.join(sub.graphs()) or 'no relations'})", err=True)
