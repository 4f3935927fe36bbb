"""Notebook parameters: the report's pydantic model, one-line messages, the date window."""

from __future__ import annotations

from datetime import date

import polars as pl
import pytest

from creative_workbench.reports import parameters
from creative_workbench.reports.parameters import ParameterError


def one_line(excinfo: pytest.ExceptionInfo) -> str:
    (line,) = excinfo.value._render_traceback_()  # what IPython shows instead of a traceback
    assert "\n" not in line and str(excinfo.value) in line
    return str(excinfo.value)


def test_valid_values_are_parsed_like_workbench_run():
    values = {"project": "demo", "workspace": None, "start": "2026-06-01", "competitors": ["A"]}
    params = parameters.validate("competitive_analysis", values)
    assert params.start == date(2026, 6, 1) and params.competitors == ["A"]


def test_bare_string_instead_of_list_says_what_to_write():
    with pytest.raises(ParameterError) as excinfo:
        parameters.validate("competitive_analysis", {"project": "demo", "competitors": "Trailborn"})
    assert one_line(excinfo) == 'competitors must be a list: write competitors = ["Trailborn"]'


def test_bad_date_names_the_format():
    with pytest.raises(ParameterError) as excinfo:
        parameters.validate("competitive_analysis", {"project": "demo", "start": "June 2026"})
    message = one_line(excinfo)
    assert message.startswith("start = 'June 2026' is not a date: write start = \"")
    assert "(Y-M-D)" in message


def test_other_mistakes_name_the_parameter():
    with pytest.raises(ParameterError) as excinfo:
        parameters.validate("model_training", {"project": "demo", "test_weeks": "many"})
    assert one_line(excinfo).startswith("test_weeks:")
    with pytest.raises(ParameterError, match="not allowed"):
        parameters.validate("project_overview", {"project": "../etc"})


def test_misspelled_choice_suggests_the_closest():
    known = ["Apex Pace", "Stridewell", "Trailborn"]
    parameters.check_choices("competitors", ["stridewell", "Trailborn"], known)
    with pytest.raises(ParameterError) as excinfo:
        parameters.check_choices("competitors", ["Stridwell"], known)
    assert one_line(excinfo) == (
        "competitors: 'Stridwell' is not in this project's data; did you mean 'Stridewell'? "
        "known: Apex Pace, Stridewell, Trailborn"
    )
    with pytest.raises(ParameterError, match="data; known: Apex"):
        parameters.check_choices("competitors", ["Nike"], known)


def test_ad_filters_are_checked_against_the_projects_ads(demo_workspace):
    from creative_workbench import Workspace, load_project

    project = load_project("demo", Workspace(demo_workspace))
    good = parameters.validate(
        "competitive_analysis",
        {"project": "demo", "competitors": ["trailborn"], "platforms": ["instagram"]},
    )
    parameters.check_ad_filters(good, project)
    typo = good.model_copy(update={"platforms": ["instagarm"]})
    with pytest.raises(ParameterError, match="did you mean 'INSTAGRAM'"):
        parameters.check_ad_filters(typo, project)


def test_time_charts_start_in_the_week_of_start():
    weeks = pl.DataFrame(
        {"week": pl.date_range(date(2026, 4, 27), date(2026, 6, 29), "1w", eager=True)}
    )
    params = parameters.validate(
        "competitive_analysis", {"project": "demo", "start": "2026-06-03", "end": "2026-06-20"}
    )
    kept = parameters.in_window(weeks, params)["week"].to_list()
    assert kept == [date(2026, 6, 1), date(2026, 6, 8), date(2026, 6, 15)]
    unbounded = parameters.validate("competitive_analysis", {"project": "demo"})
    assert parameters.in_window(weeks, unbounded).equals(weeks)
