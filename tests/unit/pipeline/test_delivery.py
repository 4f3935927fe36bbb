"""Delivery packages from a real QA run: what ships, sealing, verification, interruption."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from creative_workbench import Workspace, load_project
from creative_workbench.hashing import file_sha256
from creative_workbench.pipeline.delivery import (
    build_delivery,
    build_package,
    verify_delivery,
)
from creative_workbench.pipeline.store import Store
from tests.cli_run import assert_one_line_error, workbench
from tests.projects import PROJECT_TOML, make_project

REVIEWERS = """
[[reviewers]]
name = "Tom Reyes"
role = "producer"

[[reviewers]]
name = "Ana Silva"
role = "senior reviewer"
"""
GOOD, NOLOGO = "good_meta_feed_v1.png", "nologo_meta_feed_v1.png"


def write_deliverables(folder: Path) -> None:
    """A distinctive logo for the brand guide, GOOD showing it and NOLOGO without it."""
    logo = Image.new("RGB", (128, 64), (26, 26, 26))
    draw = ImageDraw.Draw(logo)
    draw.rectangle([8, 8, 60, 56], fill=(255, 204, 0))
    draw.ellipse([70, 10, 120, 54], fill=(51, 102, 204))
    logo.save(folder / "logo.png")
    (folder / "deliverables").mkdir()
    frame = Image.new("RGB", (1080, 1080), (26, 26, 26))
    frame.paste(logo.resize((256, 128)), (700, 80))
    frame.save(folder / "deliverables" / GOOD)
    Image.new("RGB", (1080, 1080), (26, 26, 26)).save(folder / "deliverables" / NOLOGO)


@pytest.fixture(scope="module")
def qa_checked(tmp_path_factory) -> Path:
    """A workspace whose project has two PNG deliverables checked by the real QA gate:
    GOOD passes, NOLOGO fails brand.logo."""
    from creative_workbench.pipeline.qa_run import run_qa

    root = tmp_path_factory.mktemp("qa-checked")
    write_deliverables(make_project(root, toml=PROJECT_TOML + REVIEWERS))
    run = run_qa(load_project("acme", Workspace(root)), [], executor="thread", workers=1)
    assert [r.severity for r in run.results] == ["pass", "fail"]
    return root


@pytest.fixture
def project(qa_checked, tmp_path):
    shutil.copytree(qa_checked / "data", tmp_path / "data")
    return load_project("acme", Workspace(tmp_path))


def sign_off(project, who="Ana Silva"):
    Store(project.state_db).record_decision("delivery", "acme", "sign_off", who, "ship it")


def manifest(path: Path) -> dict:
    return json.loads((path / "manifest.json").read_text("utf-8"))


def snapshot(folder: Path) -> dict[str, tuple[str, int]]:
    return {
        p.relative_to(folder).as_posix(): (file_sha256(p), p.stat().st_mode)
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def test_only_passed_or_waived_and_signed_off_files_ship(project):
    (project.deliverables_dir / "late_meta_feed_v1.png").write_bytes(b"not checked")
    outcome = build_package(project, "tick")
    assert outcome.path is None
    assert "no delivery sign-off by the senior reviewer yet" in map(
        lambda r: r.reason, outcome.refused
    )
    sign_off(project, who="Tom Reyes")  # a producer cannot sign off delivery
    assert build_delivery(project, "tick") is None
    sign_off(project)
    outcome = build_package(project, "tick")
    assert re.fullmatch(r"\d{4}-\d{2}-\d{2}", outcome.path.name)
    shipped = manifest(outcome.path)
    assert [f["file"] for f in shipped["files"]] == [GOOD]
    reasons = {r.name: r.reason for r in outcome.refused}
    assert "brand.logo" in reasons[NOLOGO] and "waives" in reasons[NOLOGO]
    assert reasons["late_meta_feed_v1.png"] == "not checked by QA yet"
    qa = Store(project.state_db).query(
        "SELECT DISTINCT run_id, sha256 FROM qa_results WHERE file LIKE ?", (f"%{GOOD}",)
    )
    entry = shipped["files"][0]
    assert (entry["sha256"], entry["qa_run_id"]) == (qa["sha256"][0], qa["run_id"][0])
    assert entry["approver"] == "Ana Silva" and entry["approved_at"] == shipped["sign_off"]["at"]
    assert entry["size"] == (project.deliverables_dir / GOOD).stat().st_size
    assert entry["placement"] == "meta_feed" and entry["qa_verdict"] == "pass"

    store = Store(project.state_db)
    store.record_decision("qa", f"{NOLOGO}:brand.logo", "waive", "Ana Silva", "client's call")
    sign_off(project)
    second = build_delivery(project, "tick")
    assert NOLOGO not in {f["file"] for f in manifest(second)["files"]}  # not the producer
    store.record_decision("qa", f"{NOLOGO}:brand.logo", "waive", "Tom Reyes", "logo on end card")
    late = build_package(project, "tick")  # the waiver came after the sign-off
    assert (late.path, late.built) == (second, False)
    assert "needs a new sign-off" in next(r.reason for r in late.refused if r.name == NOLOGO)
    sign_off(project)
    third = manifest(build_delivery(project, "tick"))
    waived = next(f for f in third["files"] if f["file"] == NOLOGO)
    assert waived["qa_verdict"] == "waived"
    assert waived["waivers"] == [
        {
            "check_id": "brand.logo",
            "who": "Tom Reyes",
            "at": waived["waivers"][0]["at"],
            "reason": "logo on end card",
            "sha_prefix": None,
            "decision_id": waived["waivers"][0]["decision_id"],
        }
    ]
    assert verify_delivery(project) == []


def test_file_changed_after_qa_is_refused_in_one_line(project):
    path = project.deliverables_dir / GOOD
    path.write_bytes(path.read_bytes() + b"\0")
    sign_off(project)
    outcome = build_package(project, "tick")
    assert outcome.path is None  # the only passing file changed: nothing ships
    (reason,) = [str(r) for r in outcome.refused if r.name == GOOD]
    assert "changed after QA" in reason and "run QA again" in reason and "\n" not in reason
    assert not [p for p in project.delivery_dir.iterdir()]  # no temp left either


def test_sealed_package_never_changes_a_new_sign_off_makes_a_new_one(project):
    sign_off(project)
    first = build_delivery(project, "tick")
    before = snapshot(first)
    assert all(mode & 0o222 == 0 for _, mode in before.values())  # read-only
    assert build_delivery(project, "tick") == first  # same sign-off: the same package
    sign_off(project)
    second = build_delivery(project, "tick")
    assert second.name == f"{first.name}-2"
    assert snapshot(first) == before
    assert manifest(second)["sign_off"]["id"] != manifest(first)["sign_off"]["id"]
    sealed = Store(project.state_db).events("delivery.sealed")
    payloads = [json.loads(p) for p in sealed["payload"]]
    assert [p["package"] for p in payloads] == [first.name, second.name]
    assert payloads[0]["manifest_sha256"] == file_sha256(first / "manifest.json")
    assert verify_delivery(project) == []


def flip_byte(path: Path, offset: int) -> None:
    path.chmod(0o644)
    data = bytearray(path.read_bytes())
    data[offset] ^= 0x01
    path.write_bytes(bytes(data))
    path.chmod(0o444)


def test_deliver_command_prints_the_package_and_each_refusal(project):
    root = project.root.parents[2]
    blank = workbench("deliver", "--project", "acme", "--by", " ", cwd=root)
    assert_one_line_error(blank, "--by needs the name")
    sign_off(project)
    built = workbench("deliver", "--project", "acme", "--by", "Tom Reyes", cwd=root)
    assert built.returncode == 0, built.stderr
    lines = built.stdout.splitlines()
    assert lines[0].startswith("sealed ") and lines[0].endswith("(1 file(s))")
    assert lines[1].startswith(f"not delivered: {NOLOGO}: failed QA run ")
    again = workbench("deliver", "--project", "acme", "--by", "Tom Reyes", cwd=root)
    assert again.stdout.splitlines()[0].startswith("already sealed for this sign-off: ")
    missing = workbench("verify-delivery", "acme", "--path", "nope", cwd=root)
    assert_one_line_error(missing, "nope: no such delivery package")


def test_verify_detects_a_flipped_byte_in_a_file_and_in_the_zip(project):
    sign_off(project)
    package = build_delivery(project, "tick")
    root = project.root.parents[2]
    ok = workbench("verify-delivery", "acme", cwd=root)
    assert ok.returncode == 0, ok.stderr + ok.stdout
    package.chmod(0o755)
    flip_byte(package / GOOD, 200)
    assert [str(p) for p in verify_delivery(project, package)] == [
        f"{package.name}/{GOOD}: sha256 differs from the manifest"
    ]
    flip_byte(package / GOOD, 200)  # back as it was
    zip_path = package / manifest(package)["zip"]
    flip_byte(zip_path, zip_path.stat().st_size // 2)
    problems = [str(p) for p in verify_delivery(project, package.name)]
    assert f"{package.name}/{zip_path.name}: zip sha256 differs from the seal" in problems
    bad = workbench("verify-delivery", "acme", "--path", str(package), cwd=root)
    assert bad.returncode == 1
    assert bad.stdout.strip().splitlines() == problems


KILLED_BUILD = """
import shutil, sys, time
from pathlib import Path
from creative_workbench import Workspace, load_project
from creative_workbench.pipeline.delivery import build_delivery

real_copy = shutil.copyfile
def slow_copy(src, dst, **kw):
    out = real_copy(src, dst, **kw)
    Path(sys.argv[2]).write_text("copied")
    time.sleep(60)
    return out
shutil.copyfile = slow_copy
build_delivery(load_project("acme", Workspace(Path(sys.argv[1]))), "tick")
"""


def test_kill_mid_build_leaves_no_half_package(project, tmp_path):
    sign_off(project)
    marker = tmp_path / "copied"
    child = subprocess.Popen(
        [sys.executable, "-c", KILLED_BUILD, str(tmp_path), str(marker)], env=os.environ.copy()
    )
    deadline = time.monotonic() + 60
    while not marker.exists() and time.monotonic() < deadline and child.poll() is None:
        time.sleep(0.05)
    assert marker.exists(), "the build never started copying"
    child.send_signal(signal.SIGKILL)
    child.wait()
    left = [p.name for p in project.delivery_dir.iterdir()]
    assert len(left) == 1 and left[0].startswith(".building-")  # only the hidden temp
    assert Store(project.state_db).events("delivery.sealed").height == 0
    assert verify_delivery(project) == []  # no package, nothing to mismatch

    package = build_delivery(project, "tick")  # the next run cleans up and builds whole
    assert [p.name for p in project.delivery_dir.iterdir()] == [package.name]
    assert [f["file"] for f in manifest(package)["files"]] == [GOOD]
    assert verify_delivery(project) == []


def test_a_waiver_for_another_version_of_the_file_does_not_hold(project):
    store = Store(project.state_db)
    (digest,) = store.query(
        "SELECT DISTINCT sha256 FROM qa_results WHERE file LIKE ?", (f"%{NOLOGO}",)
    )["sha256"]
    store.record_decision("qa", f"{NOLOGO}::brand.logo@{'0' * 12}", "waive", "Tom Reyes", "old")
    sign_off(project)
    assert [f["file"] for f in manifest(build_delivery(project, "tick"))["files"]] == [GOOD]
    subject = f"{NOLOGO}::brand.logo@{digest[:12]}"  # what `approve qa --finding` records
    store.record_decision("qa", subject, "waive", "Tom Reyes", "approved by client")
    store.record_decision("qa", f"{GOOD}:format.aspect", "waive", "Tom Reyes", "")  # no reason
    sign_off(project)
    files = manifest(build_delivery(project, "tick"))["files"]
    assert [(f["file"], f["qa_verdict"]) for f in files] == [(GOOD, "pass"), (NOLOGO, "waived")]
    assert files[1]["waivers"][0]["sha_prefix"] == digest[:12]
    store.record_decision("qa", subject, "reject", "Tom Reyes", "withdrawn")
    sign_off(project)
    assert [f["file"] for f in manifest(build_delivery(project, "tick"))["files"]] == [GOOD]


def test_a_package_whose_seal_event_was_lost_is_sealed_by_the_next_build(project, qa_checked):
    sign_off(project)
    package = build_delivery(project, "tick")
    # The same project as it was before the seal event (a kill between rename and event):
    other = qa_checked.parent / f"{qa_checked.name}-lost-seal"
    shutil.copytree(qa_checked / "data", other / "data")
    twin = load_project("acme", Workspace(other))
    sign_off(twin)
    shutil.copytree(package, twin.delivery_dir / package.name)
    assert [str(p) for p in verify_delivery(twin)] == [
        f"{package.name}: not sealed: no delivery.sealed event in state.db"
    ]
    (twin.delivery_dir / "notes").mkdir()  # a folder someone else made is left alone
    (twin.delivery_dir / "notes" / "manifest.json").write_text("{}", "utf-8")
    assert build_delivery(twin, "tick") is not None
    payloads = [json.loads(p) for p in Store(twin.state_db).events("delivery.sealed")["payload"]]
    assert payloads[0]["package"] == package.name and payloads[0]["recovered"] is True
    assert (twin.delivery_dir / "notes" / "manifest.json").read_text("utf-8") == "{}"
