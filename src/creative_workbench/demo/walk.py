"""The demo project's stages after its raw files: concepts made and reviewed, and a recorded
history through every stage, so every report, `workbench status` and the timeline have
content out of the box. Runs the real flows (recorded in state.db like any run)."""

from __future__ import annotations

from collections.abc import Callable

from creative_workbench.config import Project
from creative_workbench.demo.decisions import record_demo_decisions
from creative_workbench.demo.generations import write_demo_generations
from creative_workbench.demo.history import record_demo_history
from creative_workbench.pipeline.flows import get_flow
from creative_workbench.pipeline.stage_inputs import stage_inputs


def demo_fingerprints(project: Project) -> dict[str, str]:
    """What each stage of the recorded history finished on: the project's current inputs,
    so a tick right after the demo build finds nothing stale."""
    raw = stage_inputs(project, {})
    research, qa = raw["research"].fingerprint, raw["qa"].fingerprint
    return {
        "research": research,
        "concepts": f"research@{research}",
        "production": f"concepts@research@{research}",
        "qa": qa,
        "delivery": f"qa@{qa}",
        "scoring": raw["scoring"].fingerprint,  # None until a model is promoted
    }


def walk_demo(project: Project, seed: int = 7, progress: Callable[[str], None] = print) -> None:
    """A promoted model, briefs and cards, stand-in generations imported and prefiltered, a
    partial review by the creative lead, and three weeks of stage history."""
    progress("scoring: a model trained on the demo history and promoted if it beats baselines")
    get_flow("scoring.train").run(project, promote=True)
    progress("concepts: briefs (with predicted CTR), cards (QA-checked) and prompt packs")
    get_flow("concepts.briefs").run(project)
    progress("concepts: stand-in generations, imported and prefiltered")
    folder = write_demo_generations(project.root, seed)
    get_flow("concepts.import").run(project, folder=folder)
    progress("concepts: a partial review by the creative lead and director")
    record_demo_decisions(project)
    progress("history: three weeks through every stage, some decisions pending")
    record_demo_history(project.state_db, fingerprints=demo_fingerprints(project))
