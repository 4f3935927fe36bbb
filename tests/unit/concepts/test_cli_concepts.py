"""`workbench concepts`: briefs printed as an escaped table, files written, one-line errors."""

from __future__ import annotations

from tests.cli_run import assert_one_line_error, workbench
from tests.projects import make_project

HOSTILE_CTA = 'cta_wording = ["[bold red]Sign up[/]"]\n'


def test_briefs_command_without_ads_is_one_line(tmp_path):
    make_project(tmp_path)
    result = workbench("concepts", "briefs", "--project", "acme", cwd=tmp_path)
    assert_one_line_error(result, "raw")
    assert not (tmp_path / "data" / "projects" / "acme" / "concepts" / "briefs.parquet").exists()


def test_cards_before_briefs_is_one_line(tmp_path):
    make_project(tmp_path)
    result = workbench("concepts", "cards", "--project", "acme", cwd=tmp_path)
    assert_one_line_error(result, "no briefs yet", "workbench concepts briefs")


def test_briefs_command_prints_ranked_briefs(demo_workspace, tmp_path):
    from tests.projects import copy_project

    folder = copy_project(demo_workspace, tmp_path)
    toml = folder / "project.toml"
    text = toml.read_text("utf-8")
    start = text.index("cta_wording")
    end = text.index("]\n", start) + 2
    toml.write_text(text[:start] + HOSTILE_CTA + text[end:], "utf-8")
    result = workbench(
        "concepts", "briefs", "--project", "demo", "-n", "3", "--no-cards", cwd=tmp_path
    )
    assert result.returncode == 0, result.stderr
    assert "3 briefs, ranked" in result.stdout
    assert "br-" in result.stdout
    assert "[/]" in result.stdout and "[bold" in result.stdout  # markup shown, not applied
    assert "prompt-pack files" in result.stdout
    assert (folder / "concepts" / "briefs.parquet").is_file()
    assert not (folder / "concepts" / "cards").exists()
