"""Explorer cards and thumbnails: escaping, prices kept out of MathJax, real media."""

from __future__ import annotations

import io
from datetime import timedelta
from pathlib import Path

import polars as pl
import pytest
from PIL import Image

from creative_workbench.reports.explorer.cards import NO_MATHS, ad_card_html
from creative_workbench.reports.explorer.prepare import prepare_ads
from creative_workbench.reports.explorer.query import ExplorerQuery, explore
from creative_workbench.reports.explorer.thumbnails import ThumbnailCache
from tests.unit.explorer_data import AS_OF, labelled, real_copy_ads


def _decode(uri: str) -> Image.Image:
    import base64

    assert uri.startswith("data:image/jpeg;base64,")
    return Image.open(io.BytesIO(base64.b64decode(uri.split(",", 1)[1])))


def test_real_price_copy_is_escaped_text_outside_mathjax(shared_data: Path) -> None:
    ads = prepare_ads(real_copy_ads(shared_data))
    row = ads.filter(pl.col("copy").str.contains("$500", literal=True)).row(0, named=True)
    card = ad_card_html(row)
    assert f'class="wb-card {NO_MATHS}"' in card
    assert "See Bonuses up to $500." in card  # dollars kept verbatim, as text
    assert 'href="https://www.facebook.com/ads/library/?id=' in card


def test_markup_in_copy_brand_and_hook_is_escaped() -> None:
    ads = prepare_ads(
        labelled(
            [
                {
                    "id": 1,
                    "brand": "Evil <img src=x onerror=alert(1)>",
                    "body": "<script>alert('x')</script> Shop now.",
                    "start": AS_OF - timedelta(days=3),
                }
            ]
        )
    )
    card = ad_card_html(ads.row(0, named=True), note="<b>note</b>")
    assert "<script>" not in card and "<img src=x" not in card and "<b>note" not in card
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in card


def test_variants_card_lists_the_set_behind_it() -> None:
    start = AS_OF - timedelta(days=30)
    rows = [
        {"id": i, "brand": "Apex", "body": f"Save {p}% today. Shop now.", "start": start}
        for i, p in enumerate([10, 15, 20], start=1)
    ]
    page = explore(prepare_ads(labelled(rows)), ExplorerQuery())
    row = page.cards.row(0, named=True)
    members = page.variants_of(row["variant_key"]).iter_rows(named=True)
    card = ad_card_html(row, variants=row["variants"], members=members)
    assert "<summary>3 variants</summary>" in card
    assert all(f"meta_api:{i}" in card for i in (1, 2, 3))


@pytest.fixture()
def media_project(tmp_path: Path, shared_data: Path) -> Path:
    media = tmp_path / "raw" / "media"
    media.mkdir(parents=True)
    (media / "111.mp4").symlink_to(shared_data / "video" / "moviepy_fire2.mp4")
    (media / "222.webm").symlink_to(shared_data / "video" / "mediabunny_frames.webm")
    logo = next((shared_data / "brand" / "strategy_unit").rglob("*.png"))
    (media / "333.png").symlink_to(logo)
    return tmp_path


def test_video_thumbnails_are_first_and_last_frames_cached(media_project: Path) -> None:
    cache = ThumbnailCache(media_project, media_project / "raw" / "media", media_project / "cache")
    fire = cache.for_ad({"raw_id": "111", "ad_id": "meta_api:111"})
    assert [t.label for t in fire] == ["first frame", "last frame"]
    first, last = (_decode(t.data_uri) for t in fire)
    assert max(first.size) == 320 and first.width > first.height  # a 1280x720 phone clip
    assert last.size == first.size
    square = cache.for_ad({"raw_id": "222"})
    frames = [_decode(t.data_uri) for t in square]
    assert frames[0].size == (320, 320)
    assert frames[0].tobytes() != frames[1].tobytes()  # 3.3 s apart
    files = sorted((media_project / "cache" / "thumbnails").glob("*.jpg"))
    assert len(files) == 4
    stamps = [f.stat().st_mtime_ns for f in files]
    again = ThumbnailCache(media_project, media_project / "raw" / "media", media_project / "cache")
    assert again.for_ad({"raw_id": "222"}) == square
    assert [f.stat().st_mtime_ns for f in files] == stamps  # read from the cache, not decoded


def test_image_thumbnail_from_media_path_and_no_media(media_project: Path) -> None:
    cache = ThumbnailCache(media_project, media_project / "raw" / "media", media_project / "cache")
    (image,) = cache.for_ad({"raw_id": "x", "media_path": "raw/media/333.png"})
    assert image.label == "image" and max(_decode(image.data_uri).size) <= 320
    assert cache.for_ad({"raw_id": "nothing"}) == ()
