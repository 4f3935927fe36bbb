"""Every registered QA check meets one contract, and a studio's own check joins the gate
through an entry point — one module, no edit to the gate."""

from __future__ import annotations

import re
import sys
import textwrap
from pathlib import Path

import pytest
from PIL import Image

from creative_workbench.qa import checks
from creative_workbench.qa.checks import NEEDS, PASS_IDS, CheckJob, check_ids, qa_checks
from creative_workbench.qa.context import GateContext
from creative_workbench.qa.gate import check_file
from creative_workbench.qa.probe import probe
from tests.unit.qa_media import PALETTE, ad_frame, ad_spot, draw_logo

ID = re.compile(r"^[a-z_]+(\.[a-z_]+)?$")


@pytest.fixture(scope="module")
def media(tmp_path_factory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("check_media")
    logo = draw_logo(folder / "logo.png")
    stills = {}
    for key, name in (("still", "hero_meta_feed_v1.png"), ("misnamed", "FINAL still.png")):
        stills[key] = folder / name
        Image.fromarray(ad_frame((360, 450), 0.0, 1.0, logo=logo)).save(stills[key])
    return {"logo": logo, "video": ad_spot(folder / "spot.mp4", logo), **stills}


def _context(media, **changes) -> GateContext:
    values = dict(
        placement="meta_reels",
        cta="Shop now",
        palette=tuple(PALETTE.values()),
        logos=(str(media["logo"]),),
    )
    return GateContext(**(values | changes))


def test_ids_are_unique_and_well_formed():
    ids = check_ids()
    assert len(ids) == len(set(ids)) and ids[: len(PASS_IDS)] == PASS_IDS
    assert all(ID.match(i) for i in ids), ids


@pytest.mark.parametrize("name", sorted(qa_checks()))
def test_check_contract(name, media):
    check = qa_checks()[name]
    assert check.name == name and check.ids
    for kind in ("video", "still"):
        context = _context(media, placement="meta_reels" if kind == "video" else "meta_feed")
        info = probe(media[kind])
        job = CheckJob(info, context, context.qa_thresholds(), None)
        assert check.needs(job) <= NEEDS
        result = check_file(media[kind], context)
        emitted = {f.check_id for f in result.findings} & set(check.ids)
        if check.applies(CheckJob(info, context, context.qa_thresholds(), _placement(context))):
            assert emitted, f"{name} applies to the {kind} but emitted nothing"
        else:
            assert not emitted, f"{name} does not apply to the {kind} but emitted {emitted}"


def _placement(context: GateContext):
    from creative_workbench.placements import get_placement

    return get_placement(context.placement) if context.placement else None


STUDIO_CHECK = '''
"""A studio's own rule: deliverable file names follow <concept>_<placement>_<version>."""
import re
from creative_workbench.qa.checks import Check
from creative_workbench.qa.findings import finding

PATTERN = re.compile(r"^[a-z0-9-]+_[a-z_]+_v[0-9]+$")


def _run(evidence):
    stem = evidence.job.info.path.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    return [finding("naming.pattern", bool(PATTERN.match(stem)), stem,
                    "<concept>_<placement>_v<N>", "File name follows the studio convention.")]


QA_CHECKS = (Check("studio_naming", ("naming.pattern",), applies=lambda job: True, run=_run),)
'''


@pytest.fixture
def studio_check(tmp_path, monkeypatch):
    site = tmp_path / "site"
    site.mkdir()
    (site / "acme_checks.py").write_text(textwrap.dedent(STUDIO_CHECK), "utf-8")
    info = site / "acme_checks-1.0.dist-info"
    info.mkdir()
    (info / "METADATA").write_text("Metadata-Version: 2.1\nName: acme-checks\nVersion: 1.0\n")
    (info / "entry_points.txt").write_text("[creative_workbench.qa_checks]\nacme = acme_checks\n")
    monkeypatch.syspath_prepend(str(site))
    checks.qa_checks.cache_clear()
    checks.check_ids.cache_clear()
    yield
    sys.modules.pop("acme_checks", None)
    checks.qa_checks.cache_clear()
    checks.check_ids.cache_clear()


def test_a_studio_check_runs_in_the_gate(studio_check, media):
    assert list(qa_checks())[-1] == "studio_naming" and check_ids()[-1] == "naming.pattern"
    verdicts = {}
    for key in ("still", "misnamed"):
        result = check_file(media[key], _context(media, placement="meta_feed", cta=None))
        naming = [f for f in result.findings if f.check_id == "naming.pattern"]
        assert len(naming) == 1
        verdicts[naming[0].measured] = naming[0].severity
    assert verdicts == {"hero_meta_feed_v1": "pass", "FINAL still": "fail"}
