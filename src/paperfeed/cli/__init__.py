"""The paperfeed command line: one module per command group, imports kept lazy."""
