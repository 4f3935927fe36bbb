"""One colour per brand, the same in every run, report and filter of a project."""

from __future__ import annotations

import subprocess
import sys

from creative_workbench.reports.theme import COLORWAY, brand_colours

CONFIGURED = ["Northwind Running", "Stridewell", "Trailborn"]
IN_DATA = ["Trailborn", "Stridewell", "Kinetic Lab", "Velo Athletics", "Apex Pace"]


def test_configured_brands_take_the_colourway_in_order():
    colours = brand_colours(IN_DATA, CONFIGURED)
    assert colours["Stridewell"] == COLORWAY[1] and colours["Trailborn"] == COLORWAY[2]
    assert set(colours) == set(IN_DATA)
    assert len(set(colours.values())) == len(IN_DATA), "two brands share a colour"
    assert COLORWAY[0] not in colours.values(), "the client's colour went to a competitor"


def test_the_map_does_not_depend_on_order_case_or_the_process():
    first = brand_colours(IN_DATA, CONFIGURED)
    assert brand_colours(reversed(IN_DATA), [c.upper() for c in CONFIGURED]) == first
    script = (
        "from creative_workbench.reports.theme import brand_colours;"
        f"print(sorted(brand_colours({IN_DATA!r}, {CONFIGURED!r}).items()))"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONHASHSEED": seed},
        ).stdout
        for seed in ("1", "2")
    }
    assert runs == {f"{sorted(first.items())}\n"}


def test_more_brands_than_colours_still_get_one_each():
    many = [f"Brand {i}" for i in range(25)]
    colours = brand_colours(many)
    assert set(colours) == set(many) and set(colours.values()) <= set(COLORWAY)
    assert len(set(colours.values())) == len(COLORWAY)
