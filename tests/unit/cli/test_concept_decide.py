"""`workbench concepts decide` as the concepts group will carry it (register_decide)."""

from __future__ import annotations

import pytest
import typer
from typer.testing import CliRunner

from creative_workbench import Workspace, load_project
from creative_workbench.cli.concept_decide import register_decide
from creative_workbench.errors import WorkbenchError
from creative_workbench.pipeline.concept_decisions import ConceptReview
from tests.concept_projects import make_concept_project


@pytest.fixture
def run(tmp_path):
    make_concept_project(tmp_path, n=6)
    app = typer.Typer()
    register_decide(app)

    def invoke(*args: str):
        return CliRunner().invoke(
            app, ["decide", *args, "--project", "acme", "--root", str(tmp_path)],
            standalone_mode=False,
        )  # fmt: skip

    return invoke, load_project("acme", Workspace(tmp_path))


def test_decide_records_and_says_what_happened(run):
    invoke, project = run
    result = invoke("c001", "--changes", "--by", "Maya Okafor", "--reason", "swap [b]CTA[/b]",
                    "--note", "use 'Shop now'")  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "c001: approve_with_changes by Maya Okafor (swap [b]CTA[/b]) -> changes" in result.output
    (row,) = ConceptReview(project).history().iter_rows(named=True)
    assert (row["decision"], row["reason"], row["note"]) == (
        "approve_with_changes",
        "swap [b]CTA[/b]",
        "use 'Shop now'",
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("c001", "--by", "Maya Okafor", "--reason", "x"), "give exactly one of --approve"),
        (("c001", "--approve", "--discard", "--by", "Maya Okafor", "--reason", "x"), "exactly one"),
        (("c001", "--approve", "--by", "Tom Reyes", "--reason", "x"), "may not decide"),
        (("c01", "--approve", "--by", "Maya Okafor", "--reason", "x"), "did you mean c001"),
    ],
)
def test_mistakes_are_one_line_errors_and_record_nothing(run, args, message):
    invoke, project = run
    result = invoke(*args)
    assert isinstance(result.exception, WorkbenchError)
    assert message in str(result.exception) and "\n" not in str(result.exception)
    assert ConceptReview(project).history().is_empty()
