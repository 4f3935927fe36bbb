"""Hook lines for a brief from templates per messaging angle and per offer.

The templates are generic on purpose (no product category's vocabulary): they are
directional starting points a copywriter rewrites, not finished copy. `{brand}` is the
brand's short name. Angles are matched by name ("social proof") or key ("social_proof");
an angle without templates gets the generic ones.
"""

from __future__ import annotations

import re

ANGLE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "price/offer": (
        "More of what you want, for less.",
        "Good value, plainly priced.",
        "Pay less. Get more from {brand}.",
        "The smart buy this season.",
    ),
    "quality/performance": (
        "Built to outlast the rest.",
        "Made better, tested harder.",
        "Quality you notice from day one.",
        "Performance that keeps up with you.",
    ),
    "emotion/aspiration": (
        "Become who you are working toward.",
        "For the moments that matter most.",
        "Feel the difference, every day.",
        "Your next chapter starts here.",
    ),
    "provocation/challenger": (
        "Still settling for ordinary?",
        "Why pay more for less?",
        "The old way is over.",
        "Everyone else does it one way. We don't.",
    ),
    "social proof": (
        "See why people switch to {brand}.",
        "Chosen by people like you.",
        "The one customers keep coming back to.",
        "Ask anyone who has tried it.",
    ),
    "urgency/scarcity": (
        "For a limited time only.",
        "Ends soon. Don't miss it.",
        "While stocks last.",
        "Last chance this season.",
    ),
    "convenience": (
        "Sorted in minutes.",
        "Less hassle, more done.",
        "Right to your door.",
        "Easy from the first try.",
    ),
    "values/sustainability": (
        "Made with care for the planet.",
        "Better for you, better for the world.",
        "Responsibly made, built to last.",
        "Good choices, made simple.",
    ),
}
GENERIC_TEMPLATES = (
    "Meet the new {brand}.",
    "Made for the way you live.",
    "See what's new at {brand}.",
)
OFFER_LINES: dict[str, str] = {
    "discount": "Save on your order",
    "free shipping": "Free delivery",
    "trial": "Try it free",
    "bundle": "Bundle and save",
    "price point": "One clear price",
    "none": "",
}


def _key(name: str) -> str:
    """'social_proof', 'Social proof' and 'social proof' all become 'social proof'."""
    return re.sub(r"[_\s]+", " ", name.strip().lower())


_TEMPLATES = {_key(k): v for k, v in ANGLE_TEMPLATES.items()}
_SLASHLESS = {_key(k.replace("/", " ")): v for k, v in ANGLE_TEMPLATES.items()}


def angle_templates(angle: str) -> tuple[str, ...]:
    """The templates of ANGLE (by name or key), else the generic ones."""
    key = _key(angle)
    return _TEMPLATES.get(key) or _SLASHLESS.get(_key(key.replace("/", " "))) or GENERIC_TEMPLATES


def hook_lines(angle: str, brand: str, count: int = 3, start: int = 0) -> list[str]:
    """COUNT hook lines for ANGLE, starting at template START (wrapping), brand filled in."""
    templates = angle_templates(angle)
    name = brand.strip() or "us"
    return [
        templates[(start + i) % len(templates)].format(brand=name)
        for i in range(min(count, len(templates)))
    ]


def offer_line(offer: str) -> str:
    """The short offer line shown under the headline ('' for no offer or an unknown one)."""
    return OFFER_LINES.get(_key(offer), "")
