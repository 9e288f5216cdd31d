"""Wikidata: import of WDQS P190 results, alignment by GeoNames ID, comparison at build."""
