"""concepts stage package."""
