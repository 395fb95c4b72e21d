"""The open API: Hugging Face Papers-compatible endpoints under /api."""
