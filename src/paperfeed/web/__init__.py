"""Web plumbing shared by every domain: templates, errors, request dependencies, pagination."""
