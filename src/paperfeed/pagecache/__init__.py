"""Pages kept rendered between the writes that change them (issue 19)."""
