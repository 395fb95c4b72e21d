"""Running as a fleet: periodic jobs once per period whichever worker runs them."""
