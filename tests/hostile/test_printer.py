"""Markup and control characters from data reach the terminal as text, never as commands."""

from __future__ import annotations

from creative_workbench.cli.output import safe
from tests.cli_run import assert_one_line_error, workbench
from tests.projects import PROJECT_TOML, make_project


def test_unknown_key_with_closing_tag_is_one_line(tmp_path):
    make_project(
        tmp_path, toml=PROJECT_TOML.replace("[[reviewers]]", '"[/x]" = 1\n\n[[reviewers]]')
    )
    result = workbench("ingest", "--project", "acme", cwd=tmp_path)
    line = assert_one_line_error(result)
    assert "[/x]" in line


MAPPING = """
[[mappings]]
kind = "ads"
glob = "raw/ads/pins.csv"
source = "custom"
columns = { raw_id = "Pin ID", brand = "Advertiser", start_time = "First seen" }
"""


def test_file_content_with_closing_tag_is_one_line(tmp_path):
    folder = make_project(tmp_path, toml=PROJECT_TOML + MAPPING)
    (folder / "raw" / "ads").mkdir(parents=True)
    (folder / "raw" / "ads" / "pins.csv").write_text("[/x],[bold]b\n1,2\n", "utf-8")
    result = workbench("ingest", "--project", "acme", cwd=tmp_path)
    line = assert_one_line_error(result)
    assert "[/x]" in line and "pins.csv" in line


def test_safe_replaces_control_characters_but_keeps_layout():
    text = safe("a\x1b[31mred\x07\x9b\tb\nc [bold]")
    assert "\x1b" not in text and "\x07" not in text and "\x9b" not in text
    assert "\t" in text and "\n" in text
    assert text.count("\ufffd") == 3
    assert "\\[bold]" in text
