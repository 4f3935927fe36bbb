"""qa stage package."""
