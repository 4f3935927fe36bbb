"""Delivery package: build (copy, re-hash each copy, zip, fsync, seal) and verify, against the
obvious alternatives in the same run: copytree plus the same stored zip with no hashing, no
fsync and no seal (what the checking costs), and one plain hashlib pass over every file of the
package, zip included (the floor for verifying; verify_delivery also reads each zip member).

The deliverables are FILES random .mp4-named files of SIZE_MB each; their QA rows are written
straight into state.db (a pass verdict with the real sha256), since the QA gate is not what
is timed here. Each figure is the median of ROUNDS runs.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import statistics
import tempfile
import time
import zipfile
from pathlib import Path

from creative_workbench import Workspace, load_project
from creative_workbench.pipeline.delivery import build_delivery, verify_delivery
from creative_workbench.pipeline.store import Store, now_utc

FILES, SIZE_MB, ROUNDS = 12, 16, 3
TOML = """client = "Bench"
[[reviewers]]
name = "Ana"
role = "senior reviewer"
"""


def make_workspace(root: Path) -> Path:
    folder = root / "data" / "projects" / "bench"
    (folder / "deliverables").mkdir(parents=True)
    (folder / "project.toml").write_text(TOML, "utf-8")
    rows = []
    for number in range(FILES):
        path = folder / "deliverables" / f"cut{number:02d}_meta_feed_v1.mp4"
        data = os.urandom(SIZE_MB << 20)
        path.write_bytes(data)
        digest = hashlib.sha256(data).hexdigest()
        rows.append(
            {
                "run_id": "bench",
                "at": now_utc(),
                "file": str(path),
                "sha256": digest,
                "placement": "meta_feed",
                "check_id": "decode",
                "severity": "pass",
                "message": "ok",
            }
        )
    Store(folder / "state.db").insert_rows("qa_results", rows)
    return folder


def plain_copy(source: Path, target: Path) -> None:
    """The package without checks: copy the folder, zip it stored (media is compressed)."""
    shutil.copytree(source, target)
    with zipfile.ZipFile(f"{target}.zip", "w", zipfile.ZIP_STORED) as archive:
        for path in sorted(target.iterdir()):
            archive.write(path, path.name)


def timed(action) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        folder = make_workspace(root)
        project = load_project("bench", Workspace(root))
        store = Store(project.state_db)
        builds, plain, verifies, floors = [], [], [], []
        for number in range(ROUNDS):
            store.record_decision("delivery", "bench", "sign_off", "Ana", f"round {number}")
            builds.append(timed(lambda: build_delivery(project, "bench")))
            target = root / f"plain{number}"
            plain.append(timed(lambda target=target: plain_copy(folder / "deliverables", target)))
            package = sorted(p for p in project.delivery_dir.iterdir())[-1]
            verifies.append(timed(lambda package=package: verify_delivery(project, package)))
            floors.append(
                timed(
                    lambda package=package: [
                        hashlib.sha256(p.read_bytes()).hexdigest()
                        for p in sorted(package.rglob("*"))
                        if p.is_file()
                    ]
                )
            )
        for path in project.delivery_dir.rglob("*"):
            path.chmod(0o755)
        total_mb = FILES * SIZE_MB
    print(f"{FILES} files x {SIZE_MB} MB = {total_mb} MB, median of {ROUNDS} rounds")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    for label, values in (
        ("build_delivery (copy, re-hash, zip, fsync, seal)", builds),
        ("copytree + stored zip, no hashing/fsync/seal", plain),
        ("verify_delivery (files + zip + members)", verifies),
        ("one hashlib pass over the package files (floor)", floors),
    ):
        median = statistics.median(values)
        print(f"{label:52s} {median:6.2f} s  {total_mb / median:7.0f} MB/s of deliverables")


if __name__ == "__main__":
    main()
