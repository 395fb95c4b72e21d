"""Operating an instance: readiness, Prometheus metrics, structured logs."""
