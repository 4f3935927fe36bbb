"""Which demo deliverables exist, what each is meant to be, and the defect planted in it.

`expect` names the QA checks (fixed vocabulary shared with the QA gate) each file must trigger;
every other check must pass. A defect is planted alone, so `expect` only lists the checks
that the defect itself makes fail (e.g. hard clipping also pushes the true peak over -1 dBTP).
"""

from __future__ import annotations

from dataclasses import dataclass

CONCEPT_COPY: dict[str, tuple[str, str]] = {
    "night-miles": ("Own the night.", "Reflective, cushioned and ready after dark."),
    "first-marathon": ("Your first 26.2 starts here.", "A 16-week plan and a shoe that lasts."),
    "trail-ready": ("Road to trail. One shoe.", "Grip for the mud, bounce for the miles."),
}

DEFECT_EXPECT: dict[str, dict[str, str]] = {
    "wrong_aspect": {"format.aspect": "fail", "format.resolution": "warn"},
    "silent_audio": {
        "audio.signal": "fail",
        "audio.loudness": "fail",
        "audio.silence_gaps": "fail",
    },
    "clipped_audio": {"audio.clipping": "fail", "audio.true_peak": "fail"},
    "too_loud": {"audio.loudness": "fail", "audio.true_peak": "fail"},
    "off_palette": {"brand.palette": "fail"},
    "missing_logo": {"brand.logo": "fail", "brand.early": "fail"},
    "leftover_cta": {"end_card.cta": "fail", "end_card.leftover": "fail"},
    "logo_in_ui_zone": {"safe_zone.logo": "fail"},
}

DEFECT_NOTES: dict[str, str] = {
    "wrong_aspect": "16:9 1920x1080 file declared for a 9:16 placement",
    "silent_audio": "AAC track present but every sample is zero",
    "clipped_audio": "six 15 ms bursts hard-clipped at full scale (runs of >= 3 samples)",
    "too_loud": "mastered to about -6 LUFS; the dense loud mix also overshoots -1 dBTP after AAC",
    "off_palette": "backgrounds in magenta/lime/purple, far from every brand colour",
    "missing_logo": "no logo in any frame",
    "leftover_cta": "end card shows the CTA of version v2 of the same concept",
    "logo_in_ui_zone": "logo placed inside the bottom UI overlay zone",
}

SIZES = {"9:16": (1080, 1920), "4:5": (1080, 1350), "1:1": (1080, 1080), "16:9": (1920, 1080)}


@dataclass(frozen=True)
class DeliverablePlan:
    """One deliverable file to render: intent (placement, CTA, voiceover) and actual content."""

    concept: str
    placement: str
    version: str
    cta: str
    voiceover: bool
    aspect: str
    duration_s: float = 8.0
    defect: str | None = None
    shown_cta: str | None = None

    @property
    def file(self) -> str:
        return f"{self.concept}_{self.placement}_{self.version}.mp4"

    @property
    def size(self) -> tuple[int, int]:
        return SIZES[self.aspect]

    @property
    def end_card_cta(self) -> str:
        return self.shown_cta or self.cta

    @property
    def expect(self) -> dict[str, str]:
        return dict(DEFECT_EXPECT.get(self.defect or "", {}))

    def manifest_entry(self) -> dict:
        """The truth-manifest record of this file."""
        return {
            "file": self.file,
            "placement": self.placement,
            "cta": self.cta,
            "voiceover": self.voiceover,
            "version": self.version,
            "concept": self.concept,
            "aspect": self.aspect,
            "width": self.size[0],
            "height": self.size[1],
            "duration_s": self.duration_s,
            "shown_cta": self.end_card_cta,
            "logo_first_s": None if self.defect == "missing_logo" else 0.5,
            "defect": self.defect,
            "note": DEFECT_NOTES.get(self.defect or "", "clean: every check should pass"),
            "expect": self.expect,
        }

    def project_entry(self) -> dict:
        """The [[deliverables]] entry of project.toml."""
        return {
            "file": self.file,
            "placement": self.placement,
            "cta": self.cta,
            "voiceover": self.voiceover,
            "version": self.version,
        }


DELIVERABLES: tuple[DeliverablePlan, ...] = (
    DeliverablePlan("night-miles", "meta_reels", "v1", "Shop now", True, "9:16"),
    DeliverablePlan("night-miles", "meta_stories", "v1", "Shop now", False, "9:16"),
    DeliverablePlan("night-miles", "meta_feed", "v1", "Shop now", True, "4:5"),
    DeliverablePlan("night-miles", "meta_feed", "v2", "Get 20% off", True, "4:5"),
    DeliverablePlan(
        "night-miles",
        "x_feed",
        "v1",
        "Shop now",
        False,
        "1:1",
        defect="leftover_cta",
        shown_cta="Get 20% off",
    ),
    DeliverablePlan("first-marathon", "tiktok_in_feed", "v1", "Sign up", True, "9:16"),
    DeliverablePlan(
        "first-marathon", "youtube_in_stream", "v1", "Learn more", True, "16:9", duration_s=12.0
    ),
    DeliverablePlan(
        "first-marathon", "meta_stories", "v1", "Sign up", False, "9:16", defect="off_palette"
    ),
    DeliverablePlan(
        "first-marathon", "youtube_shorts", "v1", "Sign up", True, "9:16", defect="too_loud"
    ),
    DeliverablePlan(
        "first-marathon", "meta_reels", "v2", "Sign up", True, "9:16", defect="logo_in_ui_zone"
    ),
    DeliverablePlan(
        "trail-ready", "meta_reels", "v1", "Shop now", True, "16:9", defect="wrong_aspect"
    ),
    DeliverablePlan(
        "trail-ready", "meta_feed", "v1", "Shop now", False, "4:5", defect="silent_audio"
    ),
    DeliverablePlan(
        "trail-ready", "tiktok_in_feed", "v1", "Shop now", False, "9:16", defect="clipped_audio"
    ),
    DeliverablePlan(
        "trail-ready", "linkedin_feed", "v1", "Learn more", True, "4:5", defect="missing_logo"
    ),
    DeliverablePlan("trail-ready", "pinterest", "v1", "Shop now", False, "4:5"),
)
