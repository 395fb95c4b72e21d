"""Atom and RSS 2.0 feeds of lists: daily, trending, a search, a category, an author."""
