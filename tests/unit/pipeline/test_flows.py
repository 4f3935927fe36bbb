"""Every registered flow has the one shape; runs are recorded; CLI defaults match params."""

from __future__ import annotations

import json

import pytest
from pydantic import BaseModel

from creative_workbench.config import Project, ProjectConfig
from creative_workbench.pipeline.flows import all_flows, get_flow
from creative_workbench.pipeline.flows.base import STAGES, Flow, FlowParams, FlowParamsError
from creative_workbench.pipeline.registry import REPORTS
from creative_workbench.pipeline.store import Store


@pytest.mark.parametrize("name", sorted(all_flows()))
def test_every_flow_has_the_common_shape(name):
    flow = get_flow(name)
    assert flow.name == name and flow.stage in STAGES
    assert flow.summary and flow.reads and flow.writes
    assert issubclass(flow.params, FlowParams)
    defaults = flow.params()  # every parameter has a valid default
    assert flow.parameters(defaults.model_dump()) == defaults
    with pytest.raises(FlowParamsError, match=rf"^{name}: "):
        flow.parameters(not_a_parameter=1)


def test_report_parameters_are_their_flow_parameters_with_the_same_defaults():
    wraps = {
        "competitive_analysis": "research",
        "qa_report": "qa",
        "model_training": "scoring.train",
        "performance_forecast": "scoring.forecast",
    }
    for report, flow_name in wraps.items():
        report_params, flow_params = REPORTS[report].params, get_flow(flow_name).params
        assert issubclass(report_params, flow_params), report
        for field, info in flow_params.model_fields.items():
            assert report_params.model_fields[field].default == info.default, (report, field)


def _cli_defaults(module: str, command: str) -> dict[str, object]:
    from creative_workbench.cli.lazy import module_commands

    return {p.name: p.default for p in module_commands(module).commands[command].params}


@pytest.mark.parametrize(
    ("module", "command", "flow_name"),
    [("qa", "qa", "qa"), ("models", "train", "scoring.train")],
)
def test_cli_options_default_to_the_flow_parameters(module, command, flow_name):
    options = _cli_defaults(module, command)
    fields = get_flow(flow_name).params.model_fields
    shared = set(options) & set(fields)
    assert len(shared) >= 3, shared
    for name in shared:
        default = fields[name].get_default(call_default_factory=True)
        assert (options[name] or None) == (default or None), (command, name)


class _Counted(BaseModel):
    items: int

    def summary_record(self) -> dict[str, int]:
        return {"items": self.items}


class _Params(FlowParams):
    items: int = 3
    explode: bool = False


def _body(project: Project, params: _Params) -> _Counted:
    if params.explode:
        raise RuntimeError("the stage broke")
    return _Counted(items=params.items)


def test_a_run_is_recorded_as_done_or_failed(tmp_path):
    project = Project("p", tmp_path, ProjectConfig(client="Test"))
    flow = Flow("test.count", "research", "count", ("raw/",), ("out/",), _Params, _body)
    progress: list[object] = []
    assert flow.run(project, items=5, on_progress=progress.append).items == 5
    with pytest.raises(RuntimeError, match="the stage broke"):
        flow.run(project, {"explode": True})
    runs = Store(project.state_db).query(
        "SELECT flow, status, summary, error, params FROM flow_runs ORDER BY started_at, rowid"
    )
    assert runs["status"].to_list() == ["done", "failed"]
    assert json.loads(runs["summary"][0]) == {"items": 5}
    assert runs["error"][1] == "RuntimeError: the stage broke"
    assert json.loads(runs["params"][1])["explode"] is True
    events = Store(project.state_db).events("flow.")["what"].to_list()
    assert events == ["flow.started", "flow.finished", "flow.started", "flow.failed"]
    assert flow.run(project, record=False).items == 3  # not recorded
    assert Store(project.state_db).query("SELECT count(*) AS n FROM flow_runs")["n"][0] == 2
