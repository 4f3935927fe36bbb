"""The seeded demo project: every file the stages rely on, checked on one real build."""

from __future__ import annotations

import difflib
import hashlib
import json
from datetime import date, timedelta
from pathlib import Path

import av
import cv2
import numpy as np
import polars as pl
import pytest
import typer
from PIL import Image
from typer.testing import CliRunner

from creative_workbench.cli.demo import register
from creative_workbench.config import Workspace, load_project
from creative_workbench.demo import audio, market
from creative_workbench.demo.creatives import PERFORMANCE_HEADERS, RESULT_INDICATOR
from creative_workbench.demo.deliverable_plan import DEFECT_EXPECT, SIZES
from creative_workbench.demo.seeding import reference_date
from creative_workbench.errors import ProjectNotFoundError
from creative_workbench.qa.checks import check_ids
from creative_workbench.schemas import CreativesSchema, validate

API_FIELDS = {
    "id",
    "page_id",
    "page_name",
    "ad_creation_time",
    "ad_delivery_start_time",
    "ad_delivery_stop_time",
    "ad_creative_bodies",
    "ad_creative_link_titles",
    "ad_creative_link_descriptions",
    "ad_creative_link_captions",
    "ad_snapshot_url",
    "languages",
    "publisher_platforms",
    "eu_total_reach",
    "target_ages",
    "target_gender",
    "target_locations",
    "age_country_gender_reach_breakdown",
    "spend",
    "impressions",
    "currency",
    "bylines",
    "demographic_distribution",
    "delivery_by_region",
    "estimated_audience_size",
}
CLIP_LEVEL = 10 ** (-0.01 / 20)


@pytest.fixture(scope="module")
def project_dir(demo_workspace: Path) -> Path:
    return demo_workspace / "data" / "projects" / "demo"


@pytest.fixture(scope="module")
def manifest(project_dir: Path) -> list[dict]:
    return json.loads((project_dir / "demo_truth" / "deliverables.json").read_text("utf-8"))


@pytest.fixture(scope="module")
def ads(project_dir: Path) -> list[dict]:
    return [
        ad
        for page in sorted((project_dir / "raw" / "ads").glob("*.json"))
        for ad in json.loads(page.read_text("utf-8"))["data"]
    ]


@pytest.fixture(scope="module")
def decoded(project_dir: Path, manifest: list[dict]) -> dict[str, dict]:
    """Each deliverable decoded once: stream facts, end-card and 1 s frames, audio samples."""
    out = {}
    for entry in manifest:
        with av.open(str(project_dir / "deliverables" / entry["file"])) as container:
            video, sound = container.streams.video[0], container.streams.audio[0]
            facts = {
                "vcodec": video.codec_context.name,
                "acodec": sound.codec_context.name,
                "size": (video.width, video.height),
                "rate": sound.sample_rate,
            }
            frames = [f.to_ndarray(format="rgb24") for f in container.decode(video=0)]
        with av.open(str(project_dir / "deliverables" / entry["file"])) as container:
            samples = np.concatenate([f.to_ndarray() for f in container.decode(audio=0)], 1)
        out[entry["file"]] = facts | {
            "frames": len(frames),
            "end": frames[-25],
            "early": frames[25],
            "audio": samples,
        }
    return out


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_project_toml_loads_with_every_deliverable(demo_workspace, project_dir, manifest):
    project = load_project("demo", Workspace.discover(demo_workspace))
    config = project.config
    assert config.client == "Northwind Running" and config.currency == "USD"
    assert len(config.competitors) == 5
    assert "Maya Okafor" in {r.name for r in config.reviewers}
    files = sorted(p.name for p in (project_dir / "deliverables").glob("*.mp4"))
    assert sorted(d.file for d in config.deliverables) == files
    assert {d.file: d.cta for d in config.deliverables} == {m["file"]: m["cta"] for m in manifest}
    for folder in (project.concepts_dir, project.delivery_dir, project.models_dir):
        assert folder.is_dir()


def test_brand_guide_loads_with_logo(demo_workspace):
    brand = load_project("demo", Workspace.discover(demo_workspace)).brand
    assert brand.name == "Northwind Running"
    assert 4 <= len(brand.palette) <= 6
    assert {"foreground", "background", "primary", "secondary"} <= set(brand.roles)
    logo = Image.open(brand.logos["medium"])
    assert logo.mode == "RGBA" and logo.size[0] > logo.size[1]
    assert brand.fonts


def test_ads_are_meta_api_pages(project_dir, ads):
    pages = sorted((project_dir / "raw" / "ads").glob("meta_ads_page_*.json"))
    loaded = [json.loads(p.read_text("utf-8")) for p in pages]
    assert all(set(page) == {"data", "paging"} for page in loaded)
    assert all({"before", "after"} <= set(page["paging"]["cursors"]) for page in loaded)
    assert all("next" in page["paging"] for page in loaded[:-1])
    assert "next" not in loaded[-1]["paging"]
    assert len(ads) >= 2000
    assert len({ad["id"] for ad in ads}) == len(ads)
    assert {ad["page_name"] for ad in ads} == {
        "Stridewell",
        "Apex Pace",
        "Kinetic Lab",
        "Trailborn",
        "Velo Athletics",
    }
    for ad in ads:
        assert set(ad) <= API_FIELDS, set(ad) - API_FIELDS
        assert ad["ad_creative_bodies"] and all(
            isinstance(b, str) for b in ad["ad_creative_bodies"]
        )
        if "ad_delivery_stop_time" in ad:
            assert ad["ad_delivery_stop_time"] >= ad["ad_delivery_start_time"]
        assert ad["ad_creation_time"] <= ad["ad_delivery_start_time"]


def test_ads_carry_eu_issue_fields_and_varied_copy(ads):
    eu = [ad for ad in ads if "eu_total_reach" in ad]
    assert 0.2 < len(eu) / len(ads) < 0.5
    issue = [ad for ad in ads if "spend" in ad]
    assert issue and {ad["page_name"] for ad in issue} == {"Trailborn"}
    for ad in issue:
        assert {
            "currency",
            "bylines",
            "impressions",
            "demographic_distribution",
            "delivery_by_region",
            "estimated_audience_size",
        } <= set(ad)
        assert "lower_bound" in ad["spend"]
    assert any("upper_bound" not in ad["impressions"] for ad in issue) or all(
        int(ad["impressions"]["upper_bound"]) < 1_000_000 for ad in issue
    )
    bodies = [b for ad in ads for b in ad["ad_creative_bodies"]]
    assert any("<b>" in b for b in bodies) and any("&" in b for b in bodies)
    assert any(ord(ch) > 0x1F000 for b in bodies for ch in b)
    assert len(set(bodies)) > len(ads) * 0.5
    assert any(len(ad["ad_creative_bodies"]) > 1 for ad in ads)
    assert any("ad_delivery_stop_time" not in ad for ad in ads)


def test_planted_white_space(project_dir):
    truth = pl.read_csv(project_dir / "demo_truth" / "ads_truth.csv")
    commercial = truth.filter(~pl.col("issue"))
    assert (commercial.get_column("angle") == "values_sustainability").mean() < 0.02
    assert (truth.get_column("cta") == "Book now").mean() < 0.01
    per_brand = commercial.group_by("page_name").agg(
        pl.col("angle").mode().first().alias("top_angle")
    )
    assert per_brand.get_column("top_angle").n_unique() == 5


def test_competitor_images_named_by_ad_id(project_dir, ads):
    images = sorted((project_dir / "raw" / "media").glob("*.png"))
    assert 30 <= len(images) <= 60
    ids = {ad["id"] for ad in ads}
    assert all(p.stem in ids for p in images)


def test_creatives_validate(project_dir):
    path = project_dir / "raw" / "creatives" / "creatives.csv"
    frame = pl.read_csv(path, infer_schema=False).with_columns(
        pl.col("duration_s", "palette_adherence", "logo_time_s").cast(pl.Float64),
        pl.col("launch_date").str.to_date(),
    )
    creatives = validate(frame, CreativesSchema, path)
    assert creatives.height >= 300
    assert creatives.get_column("logo_time_s").null_count() > 0


def test_performance_exports_have_real_headers_and_add_up(project_dir):
    files = sorted((project_dir / "raw" / "performance").glob("meta_ads_manager_*.csv"))
    assert 12 <= len(files) <= 13
    creative_ids = set(
        pl.read_csv(project_dir / "raw" / "creatives" / "creatives.csv").get_column("creative_id")
    )
    parts = []
    for path in files:
        frame = pl.read_csv(path, infer_schema_length=None)
        assert tuple(frame.columns) == PERFORMANCE_HEADERS
        months = frame.get_column("Reporting starts").str.slice(0, 7).unique().to_list()
        assert months == [path.stem.removeprefix("meta_ads_manager_")]
        parts.append(frame)
    rows = pl.concat(parts, how="vertical_relaxed")
    assert set(rows.get_column("Ad name")) <= creative_ids
    assert (rows.get_column("Reporting starts") == rows.get_column("Reporting ends")).all()
    assert (rows.get_column("Result indicator") == RESULT_INDICATOR).all()
    impressions, clicks = rows.get_column("Impressions"), rows.get_column("Link clicks")
    assert (clicks <= impressions).all() and (rows.get_column("Reach") <= impressions).all()
    assert (rows.get_column("Results") <= clicks).all()
    ctr = (clicks / impressions * 100).round(6)
    assert np.allclose(
        ctr.to_numpy(), rows.get_column("CTR (link click-through rate)").to_numpy(), atol=1e-6
    )
    paid = rows.filter(pl.col("Results") > 0)
    expected_cpr = (paid.get_column("Amount spent (USD)") / paid.get_column("Results")).round(2)
    assert np.allclose(expected_cpr.to_numpy(), paid.get_column("Cost per result").to_numpy())
    assert rows.filter(pl.col("Results") == 0).get_column("Cost per result").null_count() == (
        rows.filter(pl.col("Results") == 0).height
    )
    dates = rows.get_column("Reporting starts").str.to_date()
    today = reference_date(7)
    assert dates.max() <= today and dates.min() >= today - timedelta(days=366)
    assert rows.select(pl.struct("Ad name", "Reporting starts").is_unique().all()).item()
    assert isinstance(dates.min(), date)


def test_performance_follows_the_truth(project_dir):
    from creative_workbench.demo import truth
    from creative_workbench.demo.creatives import plan_creatives

    creatives = plan_creatives(7).with_columns(
        true_ctr=pl.Series(truth.true_ctr(plan_creatives(7)))
    )
    rows = pl.concat(
        [pl.read_csv(p) for p in sorted((project_dir / "raw" / "performance").glob("*.csv"))]
    )
    observed = rows.group_by("Ad name").agg(
        (pl.col("Link clicks").sum() / pl.col("Impressions").sum()).alias("ctr")
    )
    joined = observed.join(creatives, left_on="Ad name", right_on="creative_id")
    assert np.corrcoef(joined.get_column("ctr"), joined.get_column("true_ctr"))[0, 1] > 0.6


def test_deliverables_are_h264_aac_with_planned_aspects(manifest, decoded):
    assert len(manifest) >= 12
    assert {e["aspect"] for e in manifest} == set(SIZES)
    for entry in manifest:
        facts = decoded[entry["file"]]
        assert facts["vcodec"] == "h264" and facts["acodec"] == "aac" and facts["rate"] == 48000
        assert facts["size"] == SIZES[entry["aspect"]] == (entry["width"], entry["height"])
        assert facts["frames"] == round(entry["duration_s"] * 25)


def test_audio_mastering_and_planted_audio_defects(manifest, decoded):
    for entry in manifest:
        samples = decoded[entry["file"]]["audio"]
        flat = np.abs(samples[0]) >= CLIP_LEVEL
        edges = np.diff(np.concatenate([[0], flat.astype(int), [0]]))
        runs = np.flatnonzero(edges == -1) - np.flatnonzero(edges == 1)
        if entry["defect"] == "silent_audio":
            assert not np.any(samples)
            continue
        loudness, peak = audio.loudness_lufs(samples), audio.true_peak_dbtp(samples)
        if entry["defect"] == "too_loud":
            assert -7.0 <= loudness <= -5.0 and not np.any(runs >= 3)
        elif entry["defect"] == "clipped_audio":
            assert np.sum(runs >= 3) >= 5 and peak > -1.0
            assert abs(loudness + 14) <= 1.0
        else:
            assert abs(loudness + 14) <= 1.0, (entry["file"], loudness)
            assert peak <= -1.0, (entry["file"], peak)
            assert not np.any(runs >= 3)


def _ocr_texts(frame: np.ndarray, ocr) -> str:
    height, width = frame.shape[:2]
    small = cv2.resize(frame, (540, int(540 * height / width)), interpolation=cv2.INTER_AREA)
    result, _ = ocr(small)
    return " ".join(item[1] for item in result or [])


def test_end_card_cta_is_readable_by_ocr(manifest, decoded):
    from rapidocr_onnxruntime import RapidOCR

    ocr = RapidOCR()
    for entry in manifest:
        text = _ocr_texts(decoded[entry["file"]]["end"], ocr).lower().replace(" ", "")
        wanted = entry["shown_cta"].lower().replace(" ", "")
        best = max(
            difflib.SequenceMatcher(None, wanted, text[i : i + len(wanted)]).ratio()
            for i in range(max(1, len(text) - len(wanted) + 1))
        )
        assert best >= 0.85, (entry["file"], text)
    leftover = next(e for e in manifest if e["defect"] == "leftover_cta")
    assert leftover["shown_cta"] != leftover["cta"]
    assert leftover["shown_cta"] in {
        e["cta"] for e in manifest if e["concept"] == leftover["concept"]
    }


def _logo_score(frame: np.ndarray, logo_path: Path, width: int) -> float:
    logo = Image.open(logo_path).convert("RGBA")
    scaled = logo.resize((width, logo.height * width // logo.width), Image.Resampling.LANCZOS)
    template = np.asarray(scaled.convert("RGB"))
    return float(cv2.matchTemplate(frame, template, cv2.TM_CCOEFF_NORMED).max())


def test_logo_early_and_palette_defects(project_dir, manifest, decoded):
    logo = project_dir / "brand" / "logo.png"
    for entry in manifest:
        frame = decoded[entry["file"]]["early"]  # at 1.0 s
        width = int(frame.shape[1] * (22 if frame.shape[1] > frame.shape[0] else 32) / 100)
        score = _logo_score(frame, logo, width)
        if entry["defect"] == "missing_logo":
            assert score < 0.5, entry["file"]
        else:
            assert score > 0.8, (entry["file"], score)
        corner = frame[frame.shape[0] // 2, 5].astype(int)
        palette = {(20, 33, 61), (31, 111, 139), (242, 245, 247), (255, 107, 53), (46, 94, 78)}
        distance = min(np.abs(corner - np.array(c)).sum() for c in palette)
        assert (distance > 100) == (entry["defect"] == "off_palette"), entry["file"]


def test_manifest_lists_each_defect_with_checks(project_dir, manifest):
    defects = {e["defect"] for e in manifest if e["defect"]}
    assert defects == set(DEFECT_EXPECT)
    assert sum(e["defect"] is None for e in manifest) >= 5
    for entry in manifest:
        assert {"file", "placement", "cta", "voiceover", "defect", "expect"} <= set(entry)
        assert (project_dir / "deliverables" / entry["file"]).is_file()
        assert set(entry["expect"]) <= set(check_ids())
        assert set(entry["expect"].values()) <= {"fail", "warn"}
        assert bool(entry["expect"]) == bool(entry["defect"])
    assert (
        (project_dir / "demo_truth" / "performance_truth.md")
        .read_text("utf-8")
        .startswith("# Demo performance truth")
    )


def test_cli_rebuild_is_identical_and_replaces_old_demo(tmp_path, project_dir):
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)  # keep `demo` a subcommand
    stale = tmp_path / "data" / "projects" / "demo" / "stale.txt"
    stale.parent.mkdir(parents=True)
    stale.write_text("old", "utf-8")
    result = CliRunner().invoke(app, ["demo", "--seed", "7", "--root", str(tmp_path)])
    assert result.exit_code == 0, result.output
    rebuilt = tmp_path / "data" / "projects" / "demo"
    assert str(rebuilt) in result.output.replace("\n", "")
    assert not stale.exists()
    assert [p.name for p in (tmp_path / "data" / "projects").iterdir()] == ["demo"]
    for relative in (
        "project.toml",
        "raw/ads/meta_ads_page_001.json",
        "raw/creatives/creatives.csv",
        "raw/performance/meta_ads_manager_2026-01.csv",
        "deliverables/trail-ready_tiktok_in_feed_v1.mp4",
        "deliverables/night-miles_meta_reels_v1.mp4",
        "demo_truth/deliverables.json",
    ):
        assert sha256(rebuilt / relative) == sha256(project_dir / relative), relative


def test_other_seed_gives_other_ads():
    first = market.build_records(7, market.plan_ads(7))
    other = market.build_records(8, market.plan_ads(8))
    assert {a["id"] for a in first}.isdisjoint({a["id"] for a in other})
    assert [a["ad_creative_bodies"] for a in first[:50]] != [
        a["ad_creative_bodies"] for a in other[:50]
    ]


def test_unsafe_name_is_refused_before_writing(tmp_path):
    app = typer.Typer()
    register(app)
    app.command("noop")(lambda: None)
    result = CliRunner().invoke(app, ["demo", "--name", "../escape", "--root", str(tmp_path)])
    assert isinstance(result.exception, ProjectNotFoundError)
    assert not (tmp_path / "data").exists() or not any((tmp_path / "data").rglob("*.json"))


def test_failed_build_keeps_previous_demo(tmp_path, monkeypatch):
    import creative_workbench.demo as demo

    old = tmp_path / "data" / "projects" / "demo"
    old.mkdir(parents=True)
    (old / "project.toml").write_text("client = 'previous'\n", "utf-8")

    def broken(folder: Path, seed: int) -> dict:
        raise OSError("disk full")

    monkeypatch.setattr(demo, "write_market", broken)
    with pytest.raises(OSError, match="disk full"):
        demo.build_demo(tmp_path, seed=7)
    assert (old / "project.toml").read_text("utf-8") == "client = 'previous'\n"
    assert [p.name for p in old.parent.iterdir()] == ["demo"]
