"""Search: the forgiving query language, filters and ranking (keyword engines come later)."""
