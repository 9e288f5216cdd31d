"""citygraph: a linked-open-data knowledge graph of a city's international relations."""

__version__ = "0.1.0"
