"""Papers: the stored arXiv records, their lists and pages."""
