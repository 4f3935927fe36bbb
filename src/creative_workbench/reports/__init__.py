"""reports stage package."""
