"""The relation network: extraction from the store, measures, views, files and pages."""
