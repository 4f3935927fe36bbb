"""pipeline stage package."""
