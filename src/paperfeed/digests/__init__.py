"""Email digests: subscriptions, schedules, composition and exactly-once delivery."""
