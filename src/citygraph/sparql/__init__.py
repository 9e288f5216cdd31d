"""SPARQL 1.1: query evaluation, result formats, the protocol and the HTTP endpoint."""
