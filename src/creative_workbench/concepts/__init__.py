"""Concepts stage: briefs from white space (briefs.py), concept cards (cards.py, layout.py)
and prompt packs for image tools (prompt_packs.py); schemas in schemas.py."""
