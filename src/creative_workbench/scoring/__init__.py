"""scoring stage package."""
