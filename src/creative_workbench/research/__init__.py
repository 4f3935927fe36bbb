"""research stage package."""
