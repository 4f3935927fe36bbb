"""The gate on whole files: a clean synthetic spot, planted defects, real clips, isolation."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from creative_workbench.placements import get_placement
from creative_workbench.qa.checks import check_ids
from creative_workbench.qa.context import GateContext, GateResult, placement_from_name
from creative_workbench.qa.end_card import normalise, similarity
from creative_workbench.qa.findings import Finding, findings_frame
from creative_workbench.qa.gate import check_file
from creative_workbench.qa.safe_zones import overlap_share, zone_rects
from creative_workbench.qa.sandbox import IsolatedGate
from creative_workbench.schemas import FindingsSchema, validate
from tests.unit.qa_media import PALETTE, ad_spot, draw_logo, music_and_voice

PALETTE_HEX = tuple(PALETTE.values())


@pytest.fixture(scope="module")
def spots(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("spots")
    logo = draw_logo(folder / "logo.png")
    return {
        "logo": logo,
        "clean": ad_spot(folder / "clean.mp4", logo),
        "no_logo": ad_spot(folder / "nologo.mp4", None),
        "loud": ad_spot(
            folder / "loud.mp4", logo, audio=np.clip(music_and_voice(8.0, level=1.0) * 4, -1, 1)
        ),
        "wrong_cta": ad_spot(folder / "wrong.mp4", logo, cta="Learn more"),
        "off_palette": ad_spot(folder / "magenta.mp4", logo, background="#D01FD0"),
        "low_text": ad_spot(folder / "low.mp4", logo, text_top_pct=90.0),
    }


def context(spots, **changes) -> GateContext:
    values = dict(
        placement="meta_reels",
        cta="Shop now",
        voiceover=True,
        other_ctas=("Shop now", "Learn more"),
        palette=PALETTE_HEX,
        logos=(str(spots["logo"]),),
    )
    values.update(changes)
    return GateContext(**values)


def problems(result: GateResult) -> dict[str, str]:
    """Non-passing checks; the test spots are 360x640 for speed, so 'soft' is expected."""
    return {
        f.check_id: f.severity
        for f in result.findings
        if f.severity != "pass" and f.check_id != "format.resolution"
    }


def test_clean_spot_passes_every_check(spots):
    result = check_file(spots["clean"], context(spots))
    assert problems(result) == {}, [f for f in result.findings if f.severity != "pass"]
    ran = {f.check_id for f in result.findings}
    assert ran == set(check_ids())
    assert result.thumbnails.keys() >= {"first", "last"}
    assert len(result.loudness["momentary_lufs"]) > 50


def test_missing_logo_fails_logo_and_brand_early(spots):
    assert problems(check_file(spots["no_logo"], context(spots))) == {
        "brand.logo": "fail",
        "brand.early": "fail",
    }


def test_loud_clipped_mix_fails_loudness_peak_and_clipping(spots):
    found = problems(check_file(spots["loud"], context(spots)))
    assert found["audio.loudness"] == "fail"
    assert found["audio.true_peak"] == "fail"
    assert found["audio.clipping"] == "fail"


def test_other_versions_cta_is_a_leftover(spots):
    found = problems(check_file(spots["wrong_cta"], context(spots)))
    assert found == {"end_card.cta": "fail", "end_card.leftover": "fail"}


def test_off_palette_background_fails_palette(spots):
    result = check_file(spots["off_palette"], context(spots))
    assert problems(result) == {"brand.palette": "fail"}
    assert len(result.thumbnails) > 2  # offending frames are kept


def test_text_in_the_reels_bottom_zone_fails_safe_zone(spots):
    found = problems(check_file(spots["low_text"], context(spots)))
    assert found == {"safe_zone.text": "fail"}


def test_wrong_placement_fails_aspect(spots):
    found = problems(check_file(spots["clean"], context(spots, placement="youtube_in_stream")))
    assert found["format.aspect"] == "fail"


def test_images_go_through_the_checks_that_apply(spots, tmp_path):
    from PIL import Image

    from tests.unit.qa_media import ad_frame

    for suffix in ("png", "jpg", "webp"):
        still = tmp_path / f"still.{suffix}"
        Image.fromarray(ad_frame((360, 640), 7.9, 8.0, logo=spots["logo"])).save(still)
        result = check_file(still, context(spots, voiceover=False))
        ids = {f.check_id for f in result.findings}
        assert ids >= {"format.aspect", "brand.palette", "brand.logo", "end_card.cta"}
        assert not ids & {"audio.present", "format.duration", "end_card.hold"}
        assert problems(result) == {}, result.findings


def test_real_clips_are_handled(shared_data):
    video = shared_data / "video"
    fire = check_file(video / "moviepy_fire2.mp4", GateContext(placement="youtube_in_stream"))
    by_id = {f.check_id: f for f in fire.findings}
    assert by_id["format.aspect"].severity == "pass"  # 180° keeps 16:9
    assert by_id["audio.loudness"].severity == "warn"  # about -50 LUFS
    frames = check_file(video / "mediabunny_frames.webm", GateContext(placement="x_feed"))
    assert {f.check_id: f.severity for f in frames.findings}["audio.present"] == "pass"
    assert {f.check_id: f.severity for f in frames.findings}["format.container"] == "fail"
    silent = check_file(video / "mediabunny_video.mp4", GateContext(placement="youtube_in_stream"))
    assert {f.check_id: f.severity for f in silent.findings}["audio.signal"] == "fail"
    bunny = check_file(
        video / "moviepy_big_buck_bunny_0_30.webm", GateContext(placement="youtube_in_stream")
    )
    bunny_ids = {f.check_id: f for f in bunny.findings}
    assert bunny_ids["format.codec"].severity == "pass"
    assert bunny_ids["decode"].severity == "pass"
    lufs = bunny.loudness["integrated_lufs"][0]
    assert lufs == pytest.approx(-23.3, abs=0.5)


def test_placement_from_the_file_name_convention():
    assert placement_from_name("night-miles_meta_reels_v1.mp4") == "meta_reels"
    assert placement_from_name("trail_tiktok_in_feed_v2.mov") == "tiktok_in_feed"
    assert placement_from_name("holiday_cut_final.mp4") is None


def test_cta_similarity_tolerates_ocr_noise_but_not_other_ctas():
    assert normalise("  Shop NOW! ") == "shop now"
    assert similarity("Shop now", "NORTHWIND Sh0p now") >= 0.8
    assert similarity("Get 20% off", "GET 20% 0FF today") >= 0.8
    assert similarity("Shop now", "Learn more") < 0.5


def test_safe_zone_geometry():
    reels = dict(zone_rects(get_placement("meta_reels")))
    assert reels["bottom"] == pytest.approx((0.0, 0.65, 1.0, 1.0))
    assert overlap_share((0.1, 0.7, 0.2, 0.1), reels["bottom"]) == pytest.approx(1.0)
    assert overlap_share((0.1, 0.2, 0.2, 0.1), reels["bottom"]) == 0.0


def test_findings_table_matches_the_schema():
    rows = [("a.mp4", Finding("audio.loudness", "fail", "-6 LUFS", "-14 LUFS", None, "loud"))]
    table = validate(findings_frame(rows), FindingsSchema, "test")
    assert table.row(0, named=True)["check_id"] == "audio.loudness"
    with pytest.raises(ValueError):
        Finding("audio.volume", "fail", None, None, None, "unknown id")


def test_isolated_gate_kills_a_file_over_the_time_limit_and_goes_on(spots):
    gate = IsolatedGate()
    try:
        slow = gate.check(str(spots["clean"]), context(spots).to_dict(), 0.01)
        assert slow["findings"][0]["message"] == "cannot be checked: timed out after 0.01 s"
        fine = gate.check(str(spots["clean"]), context(spots).to_dict(), 120)
        assert fine["severity"] != "fail"  # warn only: the test spot is small
    finally:
        gate.close()
