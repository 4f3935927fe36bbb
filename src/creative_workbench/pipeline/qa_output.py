"""Machine-readable QA results: a JSON document and JUnit XML for CI dashboards."""

from __future__ import annotations

import json
from pathlib import Path
from xml.etree import ElementTree as ET

from creative_workbench.atomic import atomic_write_text
from creative_workbench.pipeline.qa_run import QARun
from creative_workbench.placements import placements_version
from creative_workbench.qa.findings import blocks


def qa_json(run: QARun, strict: bool = False) -> dict:
    """The run as plain data (thumbnails left out to keep it small)."""
    files = []
    for result in run.results:
        data = result.to_dict()
        data.pop("thumbnails", None)
        data.pop("loudness", None)
        files.append(data)
    return {
        "run_id": run.run_id,
        "placements_version": placements_version(),
        "strict": strict,
        "passed": not run.failed(strict),
        "files": files,
    }


def write_json(run: QARun, path: Path, strict: bool = False) -> Path:
    """Write the run as JSON (atomically)."""
    return atomic_write_text(path, json.dumps(qa_json(run, strict), indent=2, ensure_ascii=False))


def junit_xml(run: QARun, strict: bool = False) -> str:
    """JUnit XML: one testsuite per file, one testcase per check; warnings fail when STRICT."""
    suites = ET.Element("testsuites", name="workbench qa")
    total_failures = 0
    for result in run.results:
        suite = ET.SubElement(
            suites, "testsuite", name=Path(result.file).name, time=f"{result.seconds:.3f}"
        )
        failures = 0
        for f in result.findings:
            case = ET.SubElement(
                suite, "testcase", classname=Path(result.file).name, name=f.check_id
            )
            detail = f"measured: {f.measured}\nexpected: {f.expected}\nwhere: {f.where}"
            if blocks(f.severity, strict):
                failures += 1
                node = ET.SubElement(case, "failure", message=f.message, type=f.severity)
                node.text = detail
            elif f.severity == "warn":
                ET.SubElement(case, "system-out").text = f"WARNING: {f.message}\n{detail}"
        suite.set("tests", str(len(result.findings)))
        suite.set("failures", str(failures))
        total_failures += failures
    suites.set("tests", str(sum(len(r.findings) for r in run.results)))
    suites.set("failures", str(total_failures))
    ET.indent(suites)
    return ET.tostring(suites, encoding="unicode", xml_declaration=True)


def write_junit(run: QARun, path: Path, strict: bool = False) -> Path:
    """Write JUnit XML (atomically)."""
    return atomic_write_text(path, junit_xml(run, strict))
