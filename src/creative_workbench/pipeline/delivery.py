"""The delivery package: what passed QA and was signed off, copied, hashed, zipped, sealed.

`delivery/YYYY-MM-DD/` (then `-2`, `-3`, ... when that name is taken) holds the files,
`manifest.json` and `package-YYYY-MM-DD.zip`. It is built in a hidden temp folder beside it
and renamed into place in one step, so a kill mid-build leaves no half package (the temp is
removed by the next build). Sealing makes everything read-only and records the manifest's
and the zip's sha256 in a `delivery.sealed` event; a sealed package is never rewritten: a
new sign-off makes a new package. `verify_delivery` re-hashes folder and zip against both.
"""

from __future__ import annotations

import json
import logging
import os
import re
import shutil
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path

from creative_workbench.config import Project
from creative_workbench.hashing import file_sha256
from creative_workbench.pipeline.delivery_plan import (
    Candidate,
    DeliveryPlan,
    Refusal,
    plan_delivery,
)
from creative_workbench.pipeline.delivery_verify import (
    MANIFEST,
    DeliveryProblem,
    sealed_packages,
    verify_delivery,
)
from creative_workbench.pipeline.store import Store, current_user, now_utc

__all__ = ["DeliveryProblem", "build_delivery", "build_package", "verify_delivery"]

log = logging.getLogger(__name__)

MANIFEST_FORMAT = 1
RESERVED_ZIP = re.compile(r"package-.*\.zip")
TEMP_PREFIX = ".building-"
READ_ONLY_FILE = 0o444
READ_ONLY_DIR = 0o555


@dataclass(frozen=True)
class DeliveryOutcome:
    """One build attempt: the package made (or None) and what was refused and why."""

    path: Path | None
    plan: DeliveryPlan
    refused: tuple[Refusal, ...]
    shipped: tuple[str, ...] = ()
    built: bool = False  # False: nothing qualifies, or the sign-off's package already exists


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """One builder per project at a time (an advisory lock on the delivery folder)."""
    import fcntl

    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        yield
    finally:
        os.close(handle)


def _remove_tree(path: Path) -> None:
    """Delete PATH even when sealing had made its files read-only."""
    for folder, _, _ in os.walk(path):
        os.chmod(folder, 0o755)
    shutil.rmtree(path, ignore_errors=True)


def _clean_stale_builds(delivery_dir: Path) -> None:
    """Remove temp folders of builds that were killed (their process is gone)."""
    for temp in delivery_dir.glob(f"{TEMP_PREFIX}*"):
        pid = temp.name.removeprefix(TEMP_PREFIX).split("-", 1)[0]
        alive = pid.isdigit() and int(pid) != os.getpid() and _pid_alive(int(pid))
        if temp.is_dir() and not alive:
            log.warning("removing %s left by an interrupted delivery build", temp)
            _remove_tree(temp)


def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _next_name(delivery_dir: Path, sealed: dict[str, dict], day: str) -> str:
    """YYYY-MM-DD, else YYYY-MM-DD-2, -3 ...: never a name on disk or ever sealed."""
    name, number = day, 1
    while (delivery_dir / name).exists() or name in sealed:
        number += 1
        name = f"{day}-{number}"
    return name


def _seal_event(store: Store, folder: Path, by: str, recovered: bool = False) -> None:
    manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
    store.record_event(
        "delivery.sealed",
        {
            "package": folder.name,
            "manifest_sha256": file_sha256(folder / MANIFEST),
            "zip": manifest["zip"],
            "zip_sha256": file_sha256(folder / manifest["zip"]),
            "sign_off_id": manifest["sign_off"]["id"],
            "files": len(manifest["files"]),
            "bytes": manifest["total_bytes"],
            "recovered": recovered,
        },
        who=by,
    )


def _recover_unsealed(project: Project, store: Store, sealed: dict[str, dict], by: str) -> None:
    """A package renamed into place whose seal event was lost (killed in between): seal it."""
    for folder in sorted(project.delivery_dir.iterdir()):
        hidden = folder.name.startswith(".")
        if hidden or folder.name in sealed or not (folder / MANIFEST).is_file():
            continue
        try:
            manifest = json.loads((folder / MANIFEST).read_text("utf-8"))
            ours = manifest.get("format") == MANIFEST_FORMAT and manifest.get("package") == (
                folder.name
            )
            if ours:
                _seal_event(store, folder, by, recovered=True)
                sealed.update(sealed_packages(store))
        except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
            log.warning("%s: not a delivery package this build made (%s); left alone", folder, exc)


def _copy_verified(candidate: Candidate, target_dir: Path) -> tuple[dict | None, Refusal | None]:
    """Copy one file into the package; refuse it when its bytes are not what QA checked."""
    if candidate.name == MANIFEST or RESERVED_ZIP.fullmatch(candidate.name):
        return None, Refusal(candidate.name, "a name the package itself uses; rename the file")
    target = target_dir / candidate.name
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        shutil.copyfile(candidate.path, target)
    except OSError as exc:
        return None, Refusal(candidate.name, f"cannot copy it ({exc.strerror})")
    digest = file_sha256(target)  # the copy's hash: exactly the bytes that ship
    if digest != candidate.sha256:
        target.unlink()
        return None, Refusal(
            candidate.name,
            f"changed after QA (sha256 {digest[:12]}… is not the {candidate.sha256[:12]}… "
            f"QA checked in run {candidate.qa_run_id}); run QA again",
        )
    return {
        "file": candidate.name,
        "sha256": digest,
        "size": target.stat().st_size,
        "placement": candidate.placement,
        "qa_run_id": candidate.qa_run_id,
        "qa_at": candidate.qa_at,
        "qa_verdict": candidate.verdict,
        "waivers": [asdict(w) for w in candidate.waivers],
    }, None


def _write_package(
    project: Project, temp: Path, name: str, plan: DeliveryPlan, by: str
) -> tuple[bool, list[Refusal]]:
    """Fill TEMP with files, manifest and zip; returns (anything shipped, refusals)."""
    assert plan.sign_off is not None
    entries, refused = [], []
    for candidate in plan.files:
        entry, refusal = _copy_verified(candidate, temp)
        if refusal is not None:
            refused.append(refusal)
        else:
            entries.append(entry | {"approver": plan.sign_off.who, "approved_at": plan.sign_off.at})
    if not entries:
        return False, refused
    zip_name = f"package-{name}.zip"
    manifest = {
        "format": MANIFEST_FORMAT,
        "project": project.name,
        "client": project.config.client,
        "package": name,
        "created_at": now_utc(),
        "built_by": by,
        "sign_off": asdict(plan.sign_off),
        "zip": zip_name,
        "file_count": len(entries),
        "total_bytes": sum(e["size"] for e in entries),
        "files": entries,
        "refused": [str(r) for r in [*refused, *plan.refused]],
    }
    data = json.dumps(manifest, indent=2, ensure_ascii=False).encode("utf-8")
    (temp / MANIFEST).write_bytes(data)
    with zipfile.ZipFile(temp / zip_name, "w", zipfile.ZIP_STORED) as archive:
        for entry in entries:  # media is compressed already: stored, not deflated
            archive.write(temp / entry["file"], entry["file"])
        archive.writestr(MANIFEST, data)
    for path in sorted(temp.rglob("*"), reverse=True):
        if path.is_file():
            with path.open("rb") as handle:
                os.fsync(handle.fileno())
            path.chmod(READ_ONLY_FILE)
        else:
            path.chmod(READ_ONLY_DIR)
    return True, refused


def build_package(project: Project, by: str) -> DeliveryOutcome:
    """Build and seal a package for the latest sign-off not yet delivered (see module doc)."""
    by = by.strip() or current_user()
    project.delivery_dir.mkdir(parents=True, exist_ok=True)
    store = Store(project.state_db)
    with _locked(project.delivery_dir):
        _clean_stale_builds(project.delivery_dir)
        sealed = sealed_packages(store)
        _recover_unsealed(project, store, sealed, by)
        plan = plan_delivery(project)
        done = {p["sign_off_id"]: name for name, p in sealed.items()}
        if plan.sign_off is not None and plan.sign_off.id in done:
            return _existing(project, done[plan.sign_off.id], plan)
        if plan.sign_off is None or not plan.files:
            return DeliveryOutcome(None, plan, plan.refused)
        name = _next_name(project.delivery_dir, sealed, datetime.now(UTC).date().isoformat())
        temp = project.delivery_dir / f"{TEMP_PREFIX}{os.getpid()}-{name}"
        temp.mkdir()
        try:
            shipped, refused = _write_package(project, temp, name, plan, by)
            if not shipped:
                _remove_tree(temp)
                return DeliveryOutcome(None, plan, (*refused, *plan.refused))
            final = project.delivery_dir / name
            os.rename(temp, final)
            os.chmod(final, READ_ONLY_DIR)
        except BaseException:
            _remove_tree(temp)
            raise
        _fsync_dir(project.delivery_dir)
        _seal_event(store, final, by)
    for refusal in refused:
        log.warning("%s: not delivered: %s", project.name, refusal)
    return DeliveryOutcome(final, plan, (*refused, *plan.refused), _shipped(final), True)


def _shipped(folder: Path) -> tuple[str, ...]:
    return tuple(f["file"] for f in json.loads((folder / MANIFEST).read_bytes())["files"])


def _existing(project: Project, name: str, plan: DeliveryPlan) -> DeliveryOutcome:
    """The package sealed earlier for this sign-off (a resumed tick gets the same one)."""
    folder = project.delivery_dir / name
    if not (folder / MANIFEST).is_file():
        missing = Refusal(name, "the package of this sign-off is missing; sign off again")
        return DeliveryOutcome(None, plan, (missing, *plan.refused))
    return DeliveryOutcome(folder, plan, plan.refused, _shipped(folder), False)


def _fsync_dir(folder: Path) -> None:
    handle = os.open(folder, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def build_delivery(project: Project, by: str) -> Path | None:
    """The sealed delivery package of the latest sign-off, built now unless it exists (so
    a resumed tick gets the same package); None when no sign-off or no file qualifies."""
    return build_package(project, by).path
