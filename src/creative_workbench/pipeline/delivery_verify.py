"""Check sealed delivery packages: every file, the manifest and the zip re-hashed against
the manifest and the `delivery.sealed` event recorded when the package was sealed."""

from __future__ import annotations

import hashlib
import json
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path

from creative_workbench.config import Project
from creative_workbench.errors import WorkbenchError
from creative_workbench.hashing import file_sha256
from creative_workbench.pipeline.store import Store

MANIFEST = "manifest.json"


@dataclass(frozen=True)
class DeliveryProblem:
    """One mismatch found by verify_delivery, printed as one line."""

    package: str
    path: str
    message: str

    def __str__(self) -> str:
        where = f"{self.package}/{self.path}" if self.path else self.package
        return f"{where}: {self.message}"


def sealed_packages(store: Store) -> dict[str, dict]:
    """package name -> its `delivery.sealed` event payload (plus who and when)."""
    found = {}
    for row in store.events("delivery.sealed").iter_rows(named=True):
        payload = json.loads(row["payload"])
        found[payload["package"]] = payload | {"sealed_by": row["who"], "sealed_at": row["at"]}
    return found


def _verify_zip(name: str, folder: Path, seal: dict, manifest: dict, raw: bytes) -> list:
    problems = []
    archive_path = folder / seal.get("zip", manifest.get("zip", ""))
    if not archive_path.is_file():
        return [DeliveryProblem(name, archive_path.name, "zip is missing")]
    if file_sha256(archive_path) != seal.get("zip_sha256"):
        problems.append(
            DeliveryProblem(name, archive_path.name, "zip sha256 differs from the seal")
        )
    expected = {f["file"]: f["sha256"] for f in manifest.get("files", [])}
    try:
        with zipfile.ZipFile(archive_path) as archive:
            members = set(archive.namelist())
            if members != {*expected, MANIFEST}:
                problems.append(
                    DeliveryProblem(
                        name, archive_path.name, "zip holds other files than the manifest"
                    )
                )
            for member in sorted(members & {*expected, MANIFEST}):
                data = archive.read(member)
                good = (
                    data == raw
                    if member == MANIFEST
                    else (hashlib.sha256(data).hexdigest() == expected[member])
                )
                if not good:
                    problems.append(
                        DeliveryProblem(name, f"{archive_path.name}:{member}", "sha256 mismatch")
                    )
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        problems.append(DeliveryProblem(name, archive_path.name, f"zip unreadable ({exc})"))
    return problems


def _verify_package(folder: Path, seal: dict | None) -> list[DeliveryProblem]:
    name = folder.name
    if not (folder / MANIFEST).is_file():
        return [DeliveryProblem(name, MANIFEST, "manifest is missing")]
    raw = (folder / MANIFEST).read_bytes()
    if seal is None:
        return [DeliveryProblem(name, "", "not sealed: no delivery.sealed event in state.db")]
    problems = []
    if hashlib.sha256(raw).hexdigest() != seal["manifest_sha256"]:
        problems.append(DeliveryProblem(name, MANIFEST, "sha256 differs from the seal"))
    try:
        manifest = json.loads(raw)
    except ValueError:
        return [*problems, DeliveryProblem(name, MANIFEST, "not valid JSON")]
    listed = {MANIFEST, seal.get("zip", "")}
    for entry in manifest.get("files", []):
        listed.add(entry["file"])
        path = folder / entry["file"]
        if not path.is_file():
            problems.append(DeliveryProblem(name, entry["file"], "missing"))
        elif path.stat().st_size != entry["size"]:
            problems.append(DeliveryProblem(name, entry["file"], "size differs from the manifest"))
        elif file_sha256(path) != entry["sha256"]:
            problems.append(
                DeliveryProblem(name, entry["file"], "sha256 differs from the manifest")
            )
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder).as_posix()
        if path.is_file() and relative not in listed:
            problems.append(DeliveryProblem(name, relative, "not in the manifest"))
        if path.stat().st_mode & (stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH):
            problems.append(
                DeliveryProblem(name, relative, "writable: a sealed package is read-only")
            )
    return problems + _verify_zip(name, folder, seal, manifest, raw)


def verify_delivery(project: Project, path: Path | str | None = None) -> list[DeliveryProblem]:
    """Re-hash PATH (a package folder or its name; default: every package) against its
    manifest and seal; returns one problem per mismatch (empty when all is intact)."""
    sealed = sealed_packages(Store(project.state_db))
    if path is not None:
        folder = Path(path)
        if not folder.is_dir() and (project.delivery_dir / str(path)).is_dir():
            folder = project.delivery_dir / str(path)
        if not folder.is_dir():
            raise WorkbenchError(f"{path}: no such delivery package; see {project.delivery_dir}")
        return _verify_package(folder, sealed.get(folder.name))
    problems = []
    base = project.delivery_dir
    present = (
        sorted(p for p in base.iterdir() if p.is_dir() and not p.name.startswith("."))
        if (base.is_dir())
        else []
    )
    for folder in present:
        problems += _verify_package(folder, sealed.get(folder.name))
    for missing in sorted(set(sealed) - {p.name for p in present}):
        problems.append(DeliveryProblem(missing, "", "sealed package folder is missing"))
    return problems
