"""The phrase rules behind the messaging labels: angles, CTAs and offers.

Each label is a list of regular-expression phrases (Rust regex syntax, matched
case-insensitively on word boundaries). They are transparent on purpose: a strategist can
read why an ad got a label (the matched phrase is kept as evidence) and add a phrase here.
The phrases follow ../shared/reference/ad-copy-labels.md and are generic (no vertical's
product vocabulary); they were tuned on the tune part of the real dev set only.
"""

from __future__ import annotations

import re

ANGLE_NAMES = {
    "price_offer": "price/offer",
    "quality_performance": "quality/performance",
    "emotion_aspiration": "emotion/aspiration",
    "provocation_challenger": "provocation/challenger",
    "social_proof": "social proof",
    "urgency_scarcity": "urgency/scarcity",
    "convenience": "convenience",
    "values_sustainability": "values/sustainability",
}

# Phrases are `; `-separated regexes, generic per ../shared/reference/ad-copy-labels.md.


def _phrases(joined: str) -> list[str]:
    """Split a `; `-separated phrase list."""
    return joined.split("; ")


ANGLE_PHRASES: dict[str, list[str]] = {
    "price_offer": _phrases(
        r"\d{1,2}\s?% off; save (?:up to )?(?:\$\d+|\d{1,2}\s?%); savings?; sale; "
        r"discount(?:ed|s)?; deals?; half[- ]price; (?:lowest|best|better|low) prices?; "
        r"lowered prices; (?:under|only|just|from|for|at|starts at|is) \$\d+; \$\d; free; "
        r"promo code; coupon; clearance; bogo; buy one,? get one; price drop; markdowns?; "
        r"great value; affordable; for less; budget[- ]friendly; cheap(?:er)?; "
        r"no (?:\w+ )?fees?; fee[- ]free; no subscription; pay (?:only )?for what you use; "
        r"rewards?; points; cash ?back; pricing; \d+(?:\.\d+)?% apy; no cost; costs? less"
    ),
    "quality_performance": _phrases(
        r"engineered; performance; durable; durability; lightweight; premium; "
        r"built to last; lab[- ]tested; precision; craftsmanship; high[- ]quality; quality; "
        r"powerful; powered; ai[- ](?:powered|driven|native); accurate; #1; number one; "
        r"best; leading; advanced; professional; expert; experts?; proven; reliable; "
        r"secure; smart(?:er)?; complete; (?:fully|purpose)[- ](?:managed|built); "
        r"real[- ]time; optimi[sz]e; boost; grow(?:th)?; improve; maximi[sz]e; reduce; "
        r"perfect; ultimate; custom; personali[sz]ed; trusted; better; results?; "
        r"comfort\w*; innovative; certified; accredited; "
        r"keeps? (?:\w+ )?(?:hot|cold|fresh|safe|dry); protect(?:s|ion)?; coverage; "
        r"senior[- ]level; tested; award[- ]winning; faster; ai[- ]\w+; "
        r"\d+% of; (?:built )?to scale; \d+\+ (?:years|frameworks); all[- ]in[- ]one; automat\w+; "
        r"in one (?:place|platform); high[- ]\w+ing; advantage; multichannel; "
        r"\d+\+ (?:\w+ )?(?:agents|integrations|engines|use cases|plugins|insurers|"
        r"verticals|countries|languages|formats|models); "
        r"all day; leakproof; insulat\w+; unified; "
        r"full[- ](?:backend|funnel|coverage|stack); end to end; insights; at scale; "
        r"efficien\w+; productivity; roas; outcomes; verified; holds up; works"
    ),
    "emotion_aspiration": _phrases(
        r"dreams?; inspir(?:e|ed|es|ing|ation); feel(?:s|ing)?; unstoppable; believe; "
        r"joy(?:ful)?; freedom; passion; journey; best self; love; made for more; "
        r"limitless; confiden(?:ce|t); empower(?:ed|ing)?; you'?ve got this; find your; "
        r"become; moments?; story; happ(?:y|iness); fans?; style; express; celebrat\w+; "
        r"peace of mind; worry; stress; fear; dream; beautiful; unique; your way; remember; "
        r"meaningful; adventure; escape; enjoy; fun; cozy; belong(?:ing)?; clarity; "
        r"lifestyle; mind; laugh\w*; sexy; cute; thrill\w*; drama; secrets?; survive; deserve; "
        r"embrace; stand out; turn heads; binge; game day; "
        r"we'?ve got you; horror; chills?; gritty; impress\w*; mindset; level up; "
        r"independence; iconic; companionship; supportive; proud; gorgeous; epic; "
        r"unforgettable; kids; loved ones; rich; scream\w*; chaos"
    ),
    "provocation_challenger": _phrases(
        r"why pay; stop \w+ing; tired of; overpriced; unlike; big[- ]brands?; forget; "
        r"break the rules; rethink; not your (?:average|typical); ditch; "
        r"switch (?:to|from); the truth about; no hype; other brands; everyone else; vs\.?; "
        r"versus; outperform\w*; say goodbye; "
        r"without (?:the )?(?:big|high|hidden|extra|costly)\S*; "
        r"not \w+ weeks; "
        r"still \w+\?; [^|.!?]{3,60}\?; lying; think again; who says; so much better; "
        r"better than; instead of; real resume; no more; don'?t (?:let|settle|waste); "
        r"mistakes?; wrong; broken; overpay; shouldn'?t; costing you; wasn'?t; "
        r"not (?:a|surveys); competitors?; outgrow\w*; slowing"
    ),
    "social_proof": _phrases(
        r"\d[\d,.]*\s?[km]?\+? (?:reviews|customers|users|people|clients|businesses|teams|"
        r"companies|brands|members|learners|readings|incidents|links|plants|downloads); "
        r"rated \d; \d(?:\.\d)?\s?(?:stars?|★); ★; five[- ]star; 5[- ]star; "
        r"best[- ]?sell(?:er|ers|ing); as seen (?:on|in); loved by; trusted by; used by; "
        r"join (?:\d[\d,.]*[km]?|over|thousands|millions); reviews?; top[- ]rated; "
        r"customer favou?rites?; fan[- ]favou?rites?; voted; recommend(?:s|ed)?; "
        r"most popular; #ad; #\w+partner; testimonials?; client successes; "
        r"case stud(?:y|ies); ranked; g2; bbb; and counting; since \d{4}; millions of; "
        r"thousands of; we'?ve (?:helped|generated)"
    ),
    "urgency_scarcity": _phrases(
        r"today only; (?:offer|sale|deal|promo\w*)s? ends?; "
        r"ends (?:today|tonight|soon|sunday|monday|tuesday|wednesday|thursday|friday|saturday|"
        r"\d); last chance; limited[- ](?:time|edition|stock|drop|run); hurry; "
        r"while (?:supplies|stocks?) last; only \d+ left; selling fast; don'?t miss; "
        r"final hours?; before (?:it'?s|they'?re) gone; countdown; "
        r"\d+ hours? (?:only|left); this weekend; now or never; almost gone; "
        r"act (?:now|fast); low stock; sold out; going fast; \d+ days? left; deadline; "
        r"expires?; until \w+ \d; (?:0?[1-9]|1[0-2])/(?:0?[1-9]|[12]\d|3[01]); in stock; "
        r"(?:debuts?|premieres?|arrives?|starts?|launch(?:es)?|opens?) (?:on )?"
        r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w* \d{1,2}; "
        r"in (?:january|february|march|april|may|june|july|august|september|october|"
        r"november|december)"
    ),
    "convenience": _phrases(
        r"free returns; easy returns; delivered; delivery; next[- ]day; same[- ]day; "
        r"in (?:\d+ )?(?:minutes|seconds); hassle[- ]free; no (?:hassle|fuss|code); "
        r"one[- ](?:click|tap); on the go; ships? (?:fast|free|in|today|same|next); "
        r"shipping; effortless(?:ly)?; easy; "
        r"easily; easier; simple; simplif\w+; quick(?:ly)?; fast; instant(?:ly)?; "
        r"automat\w+; all[- ]in[- ]one; in one (?:place|platform|system|app); together; "
        r"online; in[- ]store; any device; anywhere; at home; at your door; "
        r"in your browser; templates?; calculator; no[- ]code; manage; "
        r"without (?:the )?hassle; on your (?:tv|phone|laptop); save time; 24/7; "
        r"one (?:platform|line|tab|tool|system); self[- ]serve; in one; compare; "
        r"in[- ]home; syncs?; connects; everywhere; replaces; "
        r"without (?:\w+ )?(?:skills|juggling|code|coding|editing); \w+s for you; handles; "
        r"fully managed; single (?:\w+ )?(?:system|platform|place|app|dashboard); "
        r"less (?:friction|effort|work); workflows?; end to end; autopilot; near you; "
        r"around the clock; one subscription; pick-?up; ease of use; let us; you just; "
        r"streamlin\w+; one api; dashboards?; (?:how|where|when) you want; in[- ]person; "
        r"any ?time; on your desktop; all on; local; any site; in one tab; one new tab"
    ),
    "values_sustainability": _phrases(
        r"recycl(?:e|ed|ing); sustainab\w*; eco[- ]?friendly; planet; carbon[- ]neutral; "
        r"climate; (?:certified |usda |100% )organic; "
        r"organic (?:cotton|ingredients|produce|food|farm\w*|materials?); "
        r"ethical(?:ly)?; fair[- ]trade; plant[- ]based; vegan; "
        r"b[- ]corp; renewable; responsibly; give back; donat\w*; circular; low[- ]impact; "
        r"traceable; conscious; inclusi\w+; privacy (?:comes first|first|matters); mission; "
        r"community; no one has to; diversity; equality; non-?profit; fight against; "
        r"join the fight; local (?:producers|farmers|growers|makers|businesses); veterans; "
        r"charit\w+; (?:proud to )?support (?:local|our|veterans|families|communities)"
    ),
}

CTA_PHRASES: dict[str, list[str]] = {
    "Shop now": _phrases(r"shop now; shop; buy; add to (?:cart|bag)"),
    "Order now": _phrases(r"order (?:now|today|yours); pre-?order"),
    "Learn more": _phrases(
        r"learn (?:more|how); find out; discover; read more; explore; "
        r"see (?:how|why|what|where|our|if); "
        r"see (?:a |the )?(?:demo|(?:\w+ )?(?:offers?|bonuses|plans|pricing)); "
        r"check (?:out|our); get inspired"
    ),
    "Sign up": _phrases(
        r"sign up; join; register; create (?:an |your |a )?(?:free )?(?:\w+ ){0,2}account; "
        r"get started; start \w+ (?:now|today); try [\w ]{0,30}free; "
        r"start (?:now|today); start (?:your |a )?(?:free )?trial; "
        r"try (?:it )?(?:now|free); get (?:a |your )?(?:free )?trial"
    ),
    "Subscribe": _phrases(r"subscribe"),
    "Download": _phrases(r"download; get the app; install now; install"),
    "Book now": _phrases(r"book now; book; reserve; schedule (?:a|your); make an appointment"),
    "Get offer": _phrases(
        r"get (?:the |this )?offer; "
        r"(?:get|grab|claim|unlock|run) (?:a |an |your |our |the )?free \w+; "
        r"claim (?:your|the|this) (?:offer|discount|deal); redeem; use code"
    ),
    "Contact us": _phrases(
        r"contact us; contact; talk to; speak (?:with|to); call (?:us|now); hire"
    ),
    "Watch more": _phrases(r"watch more; watch; stream (?:now|live)"),
    "Apply now": _phrases(r"apply now; apply (?:today|online|for)"),
    "Get quote": _phrases(r"get (?:a )?(?:free )?quote; estimate; calculate"),
}

# A whole amount with its period ("$12.99/mo"); spend thresholds ("$75+") are dropped in
# messaging.py, they are not prices.
OFFER_PHRASES: dict[str, list[str]] = {
    "discount": _phrases(r"(?:up to )?\d{1,2}\s?% off; save (?:up to )?\d{1,2}\s?%"),
    "free_shipping": _phrases(
        r"free (?:standard |2-day |next[- ]day )?(?:shipping|delivery); ships? free"
    ),
    "trial": _phrases(
        r"free trial; (?:start|get) (?:a |your )?(?:\d+[- ]day )?trial; "
        r"free (?:to (?:start|join|play|try)|plan|demo|sample|audit|scan|consult\w*); "
        r"(?:sample|starter) kits?; try (?:it |them )?(?:free|for free|risk[- ]free); "
        r"\d+[- ]day (?:free )?trial; (?:start|try|get started) (?:for )?free; free"
    ),
    "bundle": _phrases(
        r"bundles?; buy (?:one|1|two|2),? get (?:one|1|two|2); bogo; \d[- ]pack; "
        r"pack of \d; plus a free \w+; \w+\+? \+ \w+; "
        r"included; set of \d"
    ),
    "price_point": _phrases(
        r"[$€£]\s?\d[\d,]*(?:\.\d{2})?(?:\s?/\s?(?:mo|month|yr|year|week|wk))?; "
        r"\d+(?:\.\d{2})? ?(?:usd|eur|gbp)"
    ),
}
# Matches of these forms are not offers of that kind (a spend threshold "$75+" is not a
# price; a free guide or free shipping is not a free trial): they are listed first in the
# phrases so they win at their position, then dropped.
OFFER_NOT_PHRASES: dict[str, list[str]] = {
    "trial": _phrases(
        r"free (?:shipping|delivery|returns|guide|checklist|e-?book|webinar|report|resources?|"
        r"templates?|tools?|content|gifts?|pulls|domain|logo)"
    ),
    "price_point": _phrases(r"[$€£]\s?\d[\d,]*(?:\.\d{2})?\+"),
}
OFFER_NAMES = {
    "discount": "discount",
    "free_shipping": "free shipping",
    "trial": "trial",
    "bundle": "bundle",
    "price_point": "price point",
}

EMOJI_PATTERN = r"\p{Extended_Pictographic}(?:\x{FE0F}?\x{200D}\p{Extended_Pictographic})*"
# Matches leading whitespace + the first sentence; no capture group, so the regex engine
# takes its fast path (strip the match to get the hook).
HOOK_PATTERN = r"^\s*(?:[^\n.!?]|\.\d)*[.!?…]*"


# ASCII word boundaries: Rust's regex runs them in its fast DFA even on text with emoji or
# typographic dashes, where a Unicode \b forces a slow fallback engine (10x slower).
WORD_BOUNDARY = r"(?-u:\b)"


def _bounded(phrase: str) -> str:
    """Add word boundaries where the phrase starts or ends with a word character."""
    starts_wordlike = re.match(r"[A-Za-z0-9(]|\\[dw]", phrase) is not None
    start = WORD_BOUNDARY if starts_wordlike and not phrase.startswith(r"\b") else ""
    end = "" if re.search(r"[%★+$€£?]$", phrase) or phrase.endswith(r"\b") else WORD_BOUNDARY
    return f"{start}(?:{_ascii_word(phrase).replace(chr(92) + 'b', WORD_BOUNDARY)}){end}"


def _ascii_word(phrase: str) -> str:
    """Make `\\w` ASCII, as the boundaries are: a case-insensitive Unicode `\\w` blows up the
    regex engine's lazy DFA (one angle's pass took 1.2 s per 100k ads instead of 0.03 s)."""
    out, depth, i = [], 0, 0
    while i < len(phrase):
        if phrase[i] == "\\":
            escape = phrase[i : i + 2]
            ascii_w = "0-9A-Za-z_" if depth else "(?-u:\\w)"
            out.append(ascii_w if escape == "\\w" else escape)
            i += 2
            continue
        depth += {"[": 1, "]": -1}.get(phrase[i], 0) if phrase[i] != "]" or depth else 0
        out.append(phrase[i])
        i += 1
    return "".join(out)


def alternation(phrases: list[str]) -> str:
    """One case-insensitive regex matching any of PHRASES on word boundaries."""
    return "(?i)" + "|".join(_bounded(p) for p in phrases)


def cta_flexible(phrase: str) -> str:
    """Let a CTA phrase also match platform enums ('SHOP_NOW', 'shop-now')."""
    return phrase.replace(" ", r"[\s_-]+")
