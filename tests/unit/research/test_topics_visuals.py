"""Topic model (sklearn parity of the polars transform) and image features."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import polars as pl
import pytest
from PIL import Image, ImageDraw

from creative_workbench.errors import MediaError
from creative_workbench.research import topics, visuals

TEXTS = [
    "Carbon plated racing shoes for race day speed",
    "Race day carbon plate, pure speed",
    "Recycled materials, better for the planet",
    "Made from recycled plastic for the planet",
    "Free shipping and free returns on every order",
    "Free returns, fast shipping, easy order",
] * 6


def test_topics_fit_on_sample_and_transform_matches_sklearn() -> None:
    texts = pl.Series(TEXTS)
    model = topics.fit_topics(texts, 3, sample_size=30)
    assert model.sample_size == 30
    vectorizer = topics.TfidfVectorizer(
        stop_words=sorted(topics.ENGLISH_STOP_WORDS),
        min_df=2,
        max_df=0.5,
        token_pattern=topics.TOKEN_PATTERN,
        vocabulary=model.vocabulary,
    )
    vectorizer.idf_ = model.idf
    expected = vectorizer.transform(TEXTS).toarray()
    assert np.allclose(topics.tfidf_matrix(texts, model).toarray(), expected)
    assigned = topics.assign_topics(pl.DataFrame({"copy": [*TEXTS, None]}), model)
    assert assigned["topic"][-1] is None
    same = assigned.head(6)["topic"].to_list()
    assert same[0] == same[1] and same[2] == same[3] and same[4] == same[5]
    assert len({same[0], same[2], same[4]}) == 3
    assert all(term.isalpha() for terms in model.terms for term in terms)


def test_brand_names_are_left_out_of_topics() -> None:
    brands = pl.Series(["Zoom", "Other", "Third"] * 12)
    texts = pl.Series(
        [f"{t} Zoomer" if b == "Zoom" else t for t, b in zip(TEXTS, brands, strict=True)]
    )
    assert "zoomer" in topics.fit_topics(texts, 2).vocabulary
    model = topics.fit_topics(texts, 2, brands=brands)
    assert "zoomer" not in model.vocabulary and "recycled" in model.vocabulary
    with pytest.raises(ValueError, match="too few"):
        topics.fit_topics(pl.Series(["one ad"]), 3)


def _image(path: Path, size: tuple[int, int], text: bool) -> Path:
    image = Image.new("RGB", size, "#d62828")
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, size[1] * 3 // 4, size[0], size[1]], fill="#fcbf49")
    if text:
        draw.text((40, 60), "30% OFF TODAY", fill="white", font_size=72)
    image.save(path)
    return path


def test_image_features(tmp_path: Path) -> None:
    with_text = visuals.image_features(_image(tmp_path / "a.png", (1080, 1350), True))
    assert with_text["aspect"] == "4:5" and with_text["width"] == 1080
    assert with_text["palette"][0] == "#d62828" and with_text["palette_share"][0] > 0.6
    assert "#fcbf49" in with_text["palette"][:2]
    assert 0.01 < with_text["text_coverage"] < 0.2
    blank = visuals.image_features(_image(tmp_path / "b.png", (1920, 1080), False))
    assert blank["aspect"] == "16:9" and blank["text_coverage"] == 0.0
    assert blank["saturation"] > 0.7 and 30 < blank["brightness"] < 70


def test_media_features_cache_and_brand_palettes(tmp_path: Path) -> None:
    media = tmp_path / "media"
    media.mkdir()
    _image(media / "111.png", (1080, 1080), False)
    features = visuals.media_features(media, tmp_path / "cache")
    assert (tmp_path / "cache" / visuals.CACHE_FILE).is_file()
    assert visuals.media_features(media, tmp_path / "cache").equals(features)
    ads = pl.DataFrame({"brand": ["Stridewell"], "media_path": ["raw/media/111.png"]})
    palettes = visuals.brand_palettes(features, ads)
    assert palettes["colour"][0] == "#d62828" and palettes["images"][0] == 1
    (media / "bad.png").write_bytes(b"not an image")
    with pytest.raises(MediaError, match=r"bad\.png"):
        visuals.media_features(media, tmp_path / "cache")


def test_text_coverage_at_480_px_matches_rapidocr_default_on_demo_stills() -> None:
    """The fast setting (480 px, no upscaling) against RapidOCR's default detector (every
    image upscaled to 736 px on its short side) on demo competitor stills."""
    from rapidocr_onnxruntime import RapidOCR

    from creative_workbench.demo.media import competitor_image, to_array

    reference = RapidOCR()
    stills = [
        ("Tired of paying for a logo? Same foam, half the price.", (540, 540)),
        ("Rated 4.8 by 12,000 runners", (540, 960)),
        ("Last chance: 30% off ends tonight", (960, 540)),
    ]
    for headline, size in stills:
        rgb = to_array(
            competitor_image(headline, "Stridewell", ("#1d3557", "#e63946", "#f1faee"), size)
        )
        boxes, _ = reference(rgb, use_det=True, use_cls=False, use_rec=False)
        mask = np.zeros(rgb.shape[:2], dtype=bool)
        for box in boxes:
            points = np.asarray(box, dtype=float)
            x0, y0 = np.floor(points.min(axis=0)).astype(int).clip(0)
            x1, y1 = np.ceil(points.max(axis=0)).astype(int)
            mask[y0:y1, x0:x1] = True
        expected = float(mask.mean())
        assert expected > 0.03
        assert abs(visuals.text_coverage(rgb) - expected) <= 0.03, headline
