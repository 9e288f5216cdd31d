"""`python -m citygraph` runs the command-line interface."""

from citygraph.cli import main

main()
