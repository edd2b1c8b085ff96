"""Catalog, scanner, metadata, query language, thumbnails, settings. No Qt, no torch."""
