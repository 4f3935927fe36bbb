"""Ad-copy vocabulary of the demo market: lines per angle, offer phrases and CTA wording."""

from __future__ import annotations

import numpy as np

ANGLES = (
    "price_offer",
    "quality_performance",
    "emotion_aspiration",
    "provocation_challenger",
    "social_proof",
    "urgency_scarcity",
    "convenience",
    "values_sustainability",
)
CTAS = ("Shop now", "Learn more", "Sign up", "Download", "Book now", "Get offer")
OFFERS = ("none", "discount", "free_shipping", "trial", "bundle", "price_point")

ANGLE_LINES: dict[str, tuple[str, ...]] = {
    "price_offer": (
        "The {product} for ${price}. Same cushioning, smarter price.",
        "Why pay $180 for a daily trainer? The {product} is ${price}.",
        "Big miles, small price: the {product} starts at ${price}.",
        "Premium foam without the premium tag. {product}, ${price}.",
        "Outlet prices on last season's {product} colourways.",
        "Your next PR shouldn't cost a fortune. {product} from ${price}.",
    ),
    "quality_performance": (
        "Carbon-plated. {pct_return}% energy return. The {product} is built for race day.",
        "Engineered mesh, lab-tested cushioning, 500+ mile outsole. Meet the {product}.",
        "We tested the {product} for {miles} miles before you ever see it.",
        "Lighter by 40 g, faster by design: the new {product}.",
        "Stability that doesn't feel like stability. {product}, tuned by biomechanists.",
        "Grip on wet tarmac, bounce on tired legs. That's the {product}.",
    ),
    "emotion_aspiration": (
        "Every mile tells a story. Write yours in the {product}.",
        "Run for the feeling you get at mile {mile}.",
        "Sunrise, empty streets, just you and the {product}.",
        "The runner you'll be next spring starts with today's first step.",
        "Not for the podium. For the quiet, stubborn joy of finishing.",
        "Find your trail. Lose track of time.",
    ),
    "provocation_challenger": (
        "Your running shoes are lying to you. The {product} doesn't.",
        "Stop paying for hype. Start paying for miles.",
        "Big brands sell logos. We sell the {product}.",
        "Think you need a $250 super shoe? Think again.",
        "Marketing won't carry you through mile {mile}. Foam will.",
        "Everyone else made it softer. We made it faster.",
    ),
    "social_proof": (
        "Rated {rating}★ by {n_runners} runners. See why they switched to the {product}.",
        "Join {n_runners} runners who trained for their first marathon in the {product}.",
        '"Best daily trainer I\'ve owned" — {reviewer}, {city}.',
        "The {product} is the most-reviewed shoe in our store. {rating} out of 5.",
        "{n_runners} five-star reviews can't all be wrong.",
        "Coaches in {city} recommend the {product} for beginners.",
    ),
    "urgency_scarcity": (
        "Only {days} days left: the {product} sale ends Sunday.",
        "Last chance! Limited sizes left in the {product}.",
        "Restocked — but not for long. The {product} sold out twice this year.",
        "48 hours only. Don't miss the drop.",
        "Ends at midnight: the {product} at our lowest price ever.",
        "Final sizes in the {product}. When they're gone, they're gone.",
    ),
    "convenience": (
        "Free returns, delivered in 2 days. Running shoes without the hassle.",
        "Find your fit in 60 seconds with our online shoe finder.",
        "Order the {product} in one tap. At your door by Friday.",
        "Two sizes, one box, keep the one that fits. Easy.",
        "Track every run and reorder your {product} from the app.",
    ),
    "values_sustainability": (
        "Made from {recycled}% recycled materials. Same bounce, lighter footprint.",
        "Carbon-neutral shipping on every pair of {product}.",
        "We repair, resole and recycle. Send back your worn-out pair.",
        "Protect the trails you love: 1% of every sale funds trail care.",
    ),
}

OFFER_LINES: dict[str, tuple[str, ...]] = {
    "none": ("",),
    "discount": (
        "{pct}% off sitewide this week.",
        "Save {pct}% on your next pair.",
        "Members get {pct}% off.",
    ),
    "free_shipping": ("Free shipping on every order.", "Free shipping & free returns."),
    "trial": (
        "Try them for 30 days. Not right? Send them back.",
        "30-day run trial included.",
    ),
    "bundle": (
        "Shoes & socks bundle: save ${save}.",
        "Buy 2 pairs, get the 3rd half price.",
    ),
    "price_point": ("Now just ${price}.", "From ${price}."),
}

CTA_LINES: dict[str, tuple[str, ...]] = {
    "Shop now": ("Shop now →", "Shop now.", "Shop the {product} now."),
    "Learn more": ("Learn more.", "Learn more about the {product}."),
    "Sign up": ("Sign up for early access.", "Sign up and get race-week tips."),
    "Download": ("Download the app.", "Download our free training plan."),
    "Book now": ("Book now: free gait analysis in store.", "Book now for a fitting."),
    "Get offer": ("Get offer.", "Get the offer before it's gone."),
}

DESCRIPTIONS = (
    "Free returns within 30 days",
    "Cushioned daily trainer",
    "Race-day carbon shoe",
    "Trail-ready grip",
    "Sizes 5-15, wide fits available",
    "Ships in 24 hours",
    "Lightweight & breathable",
)
EMOJI = ("🏃", "🔥", "⚡", "👟", "✅", "🏁", "💨", "🌲")
REVIEWERS = ("Dana K.", "Luis M.", "Aiko T.", "Sam R.", "Priya S.", "Jonas B.", "Ife O.")
CITIES = ("Austin", "Leeds", "Portland", "Denver", "Berlin", "Dublin", "Toronto", "Melbourne")


def fill(template: str, rng: np.random.Generator, product: str) -> str:
    """Fill a copy template's slots with plausible values drawn from RNG."""
    values = {
        "product": product,
        "price": int(rng.choice([59, 79, 89, 99, 109, 119, 129])),
        "pct": int(rng.choice([10, 15, 20, 25, 30, 40])),
        "pct_return": int(rng.integers(82, 91)),
        "miles": int(rng.choice([300, 500, 1000])),
        "mile": int(rng.choice([3, 10, 18, 20, 22])),
        "rating": f"{rng.uniform(4.5, 4.9):.1f}",
        "n_runners": f"{int(rng.integers(5, 120)) * 1000:,}",
        "reviewer": str(rng.choice(REVIEWERS)),
        "city": str(rng.choice(CITIES)),
        "days": int(rng.integers(2, 6)),
        "recycled": int(rng.choice([50, 60, 70, 80])),
        "save": int(rng.choice([15, 20, 25])),
    }
    return template.format(**values)


def compose_body(
    rng: np.random.Generator, angle: str, cta: str, offer: str, product: str, emoji: bool
) -> str:
    """One ad body: an angle line, an offer phrase, the CTA written out, maybe an emoji."""
    parts = [fill(str(rng.choice(ANGLE_LINES[angle])), rng, product)]
    offer_line = fill(str(rng.choice(OFFER_LINES[offer])), rng, product)
    if offer_line:
        parts.append(offer_line)
    parts.append(fill(str(rng.choice(CTA_LINES[cta])), rng, product))
    if emoji:
        parts.insert(int(rng.integers(0, 2)) * len(parts), str(rng.choice(EMOJI)))
    return " ".join(parts)


def link_title(rng: np.random.Generator, cta: str, product: str) -> str:
    """A link headline naming the CTA and the product."""
    pattern = rng.choice(["{cta}: {product}", "{product} | {cta}", "{product}"])
    return str(pattern).format(cta=cta, product=product)


HOOK_OPENERS: dict[str, tuple[str, ...]] = {
    "price_offer": ("Half the price.", "Why pay more for the same miles?", "$89. Really."),
    "quality_performance": (
        "Built for race day.",
        "Energy return you can feel from the very first stride.",
        "Tested for 1,000 miles.",
    ),
    "emotion_aspiration": (
        "Own the night.",
        "Every mile tells a story worth telling to someone you love.",
        "Run for the feeling.",
    ),
    "provocation_challenger": (
        "Your shoes are lying.",
        "Stop paying for hype and start paying for the miles you actually run.",
        "Think again.",
    ),
    "social_proof": (
        "50,000 runners switched.",
        "Rated 4.8 stars by the runners who log the most miles every week.",
        "Coaches love these.",
    ),
    "urgency_scarcity": (
        "Last sizes left.",
        "Only 48 hours left before the sale ends for everyone.",
        "Ends tonight.",
    ),
    "convenience": (
        "At your door Friday.",
        "Find your fit in sixty seconds without leaving your sofa.",
        "Two sizes. One box.",
    ),
    "values_sustainability": (
        "Made from recycled miles.",
        "Every pair funds the care of the trails we all love to run on.",
        "Repair. Resole. Run.",
    ),
}
