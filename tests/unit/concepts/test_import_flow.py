"""The concepts.import flow on the demo's stand-in generations: links, defects, problems,
idempotent re-import, restores in state.db, flow_runs, and the CLI's counts."""

from __future__ import annotations

import json
from pathlib import Path

import polars as pl
import pytest
import typer
from PIL import Image
from typer.testing import CliRunner

from creative_workbench.cli.concept_review import register_review
from creative_workbench.concepts.candidates import read_candidates
from creative_workbench.config import Workspace, load_project
from creative_workbench.demo.brand import PALETTE
from creative_workbench.demo.generations import (
    TRUTH_FILE,
    StandIn,
    write_demo_generations,
    write_stand_in_generations,
)
from creative_workbench.errors import WorkbenchError
from creative_workbench.pipeline.flows.concept_import import (
    CANDIDATES_FILE,
    IMPORT_FLOW,
    restore,
)
from creative_workbench.pipeline.store import Store
from tests.projects import make_project

TOML = """\
client = "Northwind"
placements = ["meta_feed", "meta_stories"]

[[reviewers]]
name = "Maya Okafor"
role = "creative lead"
"""
BRAND = "color:\n  palette:\n" + "".join(f'    {k}: "{v}"\n' for k, v in PALETTE.items())
BRIEFS = pl.DataFrame(
    {
        "brief_id": ["B001", "B002", "B003", "B004"],
        "angle": ["comfort", "speed", "durability", "community"],
        "offer": ["free returns", "20% off", "two-year warranty", "club access"],
        "cta": ["Shop now"] * 4,
        "placement": ["meta_stories", "meta_feed", "meta_feed", "meta_stories"],
        "aspects": [["9:16"], ["4:5", "1:1"], ["1:1"], ["9:16"]],
        "prompt": [
            "runner at dawn on a coastal trail, soft shoes, calm mood",
            "sprinter bursting off the line, motion, city track",
            "rugged trail shoe in mud and rocks, close up detail",
            "group of friends running together in a park at sunset",
        ],
    }
)


@pytest.fixture(scope="module")
def imported(tmp_path_factory: pytest.TempPathFactory):
    """A project with briefs, the stand-in folder, and the first import (OCR on)."""
    root = tmp_path_factory.mktemp("ws")
    folder = make_project(root, "acme", TOML, BRAND)
    with pytest.raises(FileNotFoundError, match="build the demo briefs"):
        write_demo_generations(folder)
    (folder / "concepts").mkdir()
    BRIEFS.write_parquet(folder / "concepts" / "briefs.parquet")
    gens = write_demo_generations(folder)
    made = [StandIn(**item) for item in json.loads((folder / TRUTH_FILE).read_text("utf-8"))]
    (gens / "notes.txt").write_text("not an image", "utf-8")
    project = load_project("acme", Workspace.discover(root))
    result = IMPORT_FLOW.run(project)  # default folder: PROJECT/raw/generations
    assert gens == folder / "raw" / "generations"
    return gens, project, made, result


def test_stand_ins_carry_the_tools_metadata_as_written(imported) -> None:
    gens, _, made, _ = imported
    comfy = next(s.file for s in made if s.link_source == "comfyui")
    with Image.open(gens / comfy) as image:
        api, workflow = json.loads(image.text["prompt"]), json.loads(image.text["workflow"])
    assert {node["class_type"] for node in api.values()} >= {"KSampler", "SaveImage"}
    assert all(len(link) == 6 for link in workflow["links"])
    assert {n["id"] for n in workflow["nodes"]} == {int(k) for k in api}
    a1111 = next(s.file for s in made if s.link_source == "a1111" and s.file.endswith(".png"))
    with Image.open(gens / a1111) as image:
        assert "\nNegative prompt: " in image.text["parameters"]
        assert image.text["parameters"].splitlines()[-1].startswith("Steps: 30, Sampler: ")


def test_every_stand_in_is_linked_as_planted(imported) -> None:
    _, _, made, result = imported
    rows = {r["source_name"]: r for r in result.candidates.iter_rows(named=True)}
    for stand_in in made:
        if stand_in.link_source == "problem":
            assert stand_in.file not in rows
            continue
        row = rows[stand_in.file]
        assert (row["brief_id"], row["link_source"]) == (
            stand_in.brief_id,
            stand_in.link_source,
        ), stand_in.file
    assert result.linked_by_source() == {"comfyui": 7, "a1111": 3, "midjourney": 2, "filename": 2}
    assert sorted(name for name, _ in result.unlinked()) == ["IMG_4821.png", "moodboard_final.webp"]


def test_every_planted_defect_is_found_and_good_images_pass(imported) -> None:
    _, _, made, result = imported
    rows = {r["source_name"]: r for r in result.candidates.iter_rows(named=True)}
    for stand_in in made:
        if stand_in.defect in (None, "near_duplicate", "truncated"):
            if stand_in.defect is None:
                assert rows[stand_in.file]["flags"] == [], stand_in.file
                assert not rows[stand_in.file]["auto_discarded"]
            continue
        row = rows[stand_in.file]
        assert stand_in.defect in row["flags"], (stand_in.file, row["reasons"])
        assert row["auto_discarded"] and row["discard_reason"], stand_in.file
    cluster = [rows[s.file] for s in made if s.defect == "near_duplicate"]
    assert len({r["cluster_id"] for r in cluster}) == 1
    kept = [r for r in cluster if not r["auto_discarded"]]
    assert len(kept) == 1 and kept[0]["score"] == max(r["score"] for r in cluster)
    assert all(
        r["discard_reason"].startswith("near-duplicate of ") for r in cluster if r != kept[0]
    )


def test_truncated_file_is_a_problem_and_the_batch_goes_on(imported) -> None:
    _, _, made, result = imported
    broken = next(s.file for s in made if s.defect == "truncated")
    assert len(result.problems) == 1 and result.problems[0].startswith(f"{broken}: truncated")
    assert result.ignored == ["notes.txt"]
    assert result.candidates.height == len(made) - 1


def test_copies_and_table_are_written(imported) -> None:
    _, project, _, result = imported
    table = read_candidates(project.root / CANDIDATES_FILE)
    assert table.height == result.candidates.height
    for row in table.iter_rows(named=True):
        assert (project.root / row["file"]).is_file()
        assert row["candidate_id"] == row["sha256"][:12]


def test_flow_run_is_recorded(imported) -> None:
    _, project, _, result = imported
    runs = Store(project.state_db).query(
        "SELECT status, summary FROM flow_runs WHERE flow = 'concepts.import' ORDER BY started_at"
    )
    assert runs["status"][0] == "done"
    assert json.loads(runs["summary"][0])["imported"] == len(result.imported)


def test_reimport_is_idempotent_and_restore_survives_it(imported) -> None:
    gens, project, made, first = imported
    with pytest.raises(WorkbenchError, match="not a reviewer"):
        restore(project, first.imported[0], "Someone Else", "looks fine")
    discarded = first.candidates.filter(pl.col("auto_discarded"))["candidate_id"][0]
    kept = first.candidates.filter(~pl.col("auto_discarded"))["candidate_id"][0]
    with pytest.raises(WorkbenchError, match="is not auto-discarded"):
        restore(project, kept, "Maya Okafor", "again")
    with pytest.raises(WorkbenchError, match="unknown candidate 'nope'"):
        restore(project, "nope", "Maya Okafor", "why")
    restore(project, discarded, "Maya Okafor", "the blur suits the motion angle")
    again = IMPORT_FLOW.run(project, folder=gens, ocr=False)
    assert again.imported == [] and len(again.already) == len(made) - 1
    assert again.candidates.height == first.candidates.height
    row = again.candidates.filter(pl.col("candidate_id") == discarded).row(0, named=True)
    assert row["restored_by"] == "Maya Okafor" and not row["auto_discarded"]
    assert row["discard_reason"]  # the machine's reason stays on record
    decisions = Store(project.state_db).query("SELECT who, decision, note FROM decisions")
    assert decisions.row(0) == ("Maya Okafor", "restore", "the blur suits the motion angle")


def _app() -> typer.Typer:
    app = typer.Typer()
    concepts = typer.Typer()
    register_review(concepts)
    app.add_typer(concepts, name="concepts")
    return app


def test_cli_prints_counts_unlinked_and_problems(tmp_path: Path) -> None:
    folder = make_project(tmp_path, "acme", TOML, BRAND)
    gens = tmp_path / "gens"
    write_stand_in_generations(gens, BRIEFS, list(PALETTE.values()))
    result = CliRunner().invoke(
        _app(),
        ["concepts", "import", str(gens), "--project", "acme", "--root", str(tmp_path), "--no-ocr"],
    )
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "imported 16 new image(s); 0 already imported; 16 candidate(s) in total"
    assert lines[1].startswith("no concepts/briefs.parquet yet")
    assert lines[2] == "linked to a brief: none"  # no briefs: no id can be confirmed
    assert lines[3] == "unlinked (kept): 16" and "IMG_4821.png" in result.output
    assert "auto-discarded (all candidates): " in result.output and "aspect 1" in result.output
    assert "problems: 1" in result.output and "truncated" in result.output
    assert (folder / CANDIDATES_FILE).is_file()


def test_cli_missing_folder_is_one_line_error(tmp_path: Path) -> None:
    make_project(tmp_path, "acme", TOML, BRAND)
    result = CliRunner().invoke(
        _app(),
        ["concepts", "import", str(tmp_path / "nope"), "--project", "acme"],
        standalone_mode=False,
    )
    assert isinstance(result.exception, WorkbenchError)
    assert result.exception.exit_code == 2
    assert str(result.exception) == (
        f"{tmp_path / 'nope'}: no such folder; name the folder of generated images"
    )
