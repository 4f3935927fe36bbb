"""The five fictional competitors of Northwind Running and their messaging strategies.

Mixes are probabilities over copy.ANGLES, copy.CTAS and copy.OFFERS (in that order). The
planted white space: almost nobody argues values/sustainability (Trailborn's issue ads aside)
or asks people to "Book now", and convenience is thin everywhere.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Competitor:
    """One competitor brand's page, products, palette and messaging mix."""

    name: str
    page_id: str
    domain: str
    products: tuple[str, ...]
    palette: tuple[str, str, str]  # background, accent, text
    share: float
    angle_mix: tuple[float, ...]
    cta_mix: tuple[float, ...]
    offer_mix: tuple[float, ...]
    format_mix: tuple[float, float, float]  # image, video, carousel
    emoji_rate: float
    strategy: str


COMPETITORS: tuple[Competitor, ...] = (
    Competitor(
        name="Stridewell",
        page_id="104862275519038",
        domain="stridewell.com",
        products=("Stridewell Daily 4", "Stridewell Tempo", "Stridewell Cloudstep"),
        palette=("#D62828", "#FCBF49", "#FFFFFF"),
        share=0.28,
        angle_mix=(0.46, 0.08, 0.05, 0.02, 0.10, 0.25, 0.04, 0.0),
        cta_mix=(0.45, 0.10, 0.05, 0.0, 0.0, 0.40),
        offer_mix=(0.10, 0.45, 0.20, 0.0, 0.15, 0.10),
        format_mix=(0.55, 0.25, 0.20),
        emoji_rate=0.12,
        strategy="value discounter: price and urgency, heavy 'Get offer'",
    ),
    Competitor(
        name="Apex Pace",
        page_id="112093384756201",
        domain="apexpace.com",
        products=("Apex Pace Carbon X", "Apex Pace Vapor", "Apex Pace Tempo Elite"),
        palette=("#111111", "#C6FF00", "#F1F1F1"),
        share=0.21,
        angle_mix=(0.05, 0.56, 0.12, 0.05, 0.15, 0.05, 0.02, 0.0),
        cta_mix=(0.50, 0.40, 0.10, 0.0, 0.0, 0.0),
        offer_mix=(0.70, 0.05, 0.10, 0.05, 0.0, 0.10),
        format_mix=(0.30, 0.60, 0.10),
        emoji_rate=0.04,
        strategy="performance tech: carbon plates, lab data, video-first",
    ),
    Competitor(
        name="Kinetic Lab",
        page_id="100457830012877",
        domain="kineticlab.run",
        products=("Kinetic Lab Flow", "Kinetic Lab Glide", "Kinetic Lab Coach app"),
        palette=("#5A189A", "#E0AAFF", "#F8F9FA"),
        share=0.18,
        angle_mix=(0.10, 0.20, 0.05, 0.02, 0.43, 0.05, 0.15, 0.0),
        cta_mix=(0.25, 0.15, 0.25, 0.35, 0.0, 0.0),
        offer_mix=(0.45, 0.10, 0.10, 0.30, 0.05, 0.0),
        format_mix=(0.40, 0.35, 0.25),
        emoji_rate=0.10,
        strategy="community and social proof, app downloads and sign-ups",
    ),
    Competitor(
        name="Trailborn",
        page_id="109988123400456",
        domain="trailborn.co",
        products=("Trailborn Ridge GTX", "Trailborn Switchback", "Trailborn Fell Racer"),
        palette=("#386641", "#A98467", "#F2E8CF"),
        share=0.16,
        angle_mix=(0.05, 0.17, 0.55, 0.03, 0.10, 0.04, 0.04, 0.02),
        cta_mix=(0.45, 0.45, 0.08, 0.0, 0.02, 0.0),
        offer_mix=(0.75, 0.05, 0.10, 0.0, 0.05, 0.05),
        format_mix=(0.45, 0.40, 0.15),
        emoji_rate=0.08,
        strategy="outdoor aspiration; runs a few issue ads about trail access",
    ),
    Competitor(
        name="Velo Athletics",
        page_id="118273645509912",
        domain="veloathletics.com",
        products=("Velo Sprint 2", "Velo Rebel", "Velo Night Runner"),
        palette=("#FF006E", "#FFBE0B", "#0B0B0B"),
        share=0.17,
        angle_mix=(0.12, 0.10, 0.10, 0.45, 0.05, 0.15, 0.03, 0.0),
        cta_mix=(0.60, 0.10, 0.10, 0.0, 0.0, 0.20),
        offer_mix=(0.45, 0.25, 0.10, 0.0, 0.10, 0.10),
        format_mix=(0.35, 0.50, 0.15),
        emoji_rate=0.18,
        strategy="challenger provocation with drops and urgency",
    ),
)

ISSUE_BRAND = "Trailborn"
ISSUE_BYLINE = "Trailborn Trail Access Fund"
ISSUE_BODIES = (
    "Public trails are closing faster than they're built. Tell your state representative to "
    "fund trail access. Sign the petition.",
    "Trails & parks belong to everyone. Support the Outdoor Access Act — add your name today.",
    "Every runner deserves a safe path. We're asking Congress to protect public land. Learn more.",
)
US_REGIONS = (
    "California",
    "Colorado",
    "Oregon",
    "Washington",
    "Utah",
    "Texas",
    "New York",
    "Arizona",
    "Montana",
    "Idaho",
)
EU_COUNTRIES = (
    ("DE", "Germany"),
    ("FR", "France"),
    ("NL", "Netherlands"),
    ("IE", "Ireland"),
    ("ES", "Spain"),
)
AGE_RANGES = ("18-24", "25-34", "35-44", "45-54", "55-64", "65+")
