"""The concept board's widgets in a plain kernel-less session: buttons, keys, refusals."""

from __future__ import annotations

import pytest

from creative_workbench import Workspace, load_project
from creative_workbench.pipeline.concept_decisions import ConceptReview
from creative_workbench.reports.concept_board import ConceptBoard
from creative_workbench.reports.concept_cards import concept_card_html, preview_jpeg
from tests.concept_projects import HOSTILE_NAME, make_concept_project


@pytest.fixture
def project(tmp_path):
    make_concept_project(tmp_path, n=30, hostile=True)
    return load_project("acme", Workspace(tmp_path))


def test_pages_show_best_scores_first_with_thumbnails(project):
    board = ConceptBoard(project, page_size=12)
    shown = [s.candidate_id for s in board.slots if s.candidate_id]
    assert shown == [f"c{i:03d}" for i in range(12)]
    board.wait_for_thumbnails()
    assert "data:image/jpeg;base64," in board.slots[1].card.value
    assert not any("preview loading" in s.card.value for s in board.slots[:12])
    assert "data-count='30'" in board.summary.value
    board.go_to(2)
    board.wait_for_thumbnails()
    assert [s.candidate_id for s in board.slots if s.candidate_id] == [
        f"c{i:03d}" for i in range(24, 30)
    ]
    assert board.next.disabled and not board.previous.disabled
    # only the pages shown (1 and 3) were thumbnailed
    assert len(list((project.cache_dir / "concept_thumbnails").glob("*.jpg"))) == 12 + 6


def test_a_button_records_through_the_store_and_redraws(project):
    board = ConceptBoard(project, reviewer="Maya Okafor")
    board.reason.value = "strong hook"
    board.note.value = "warmer <b>light</b>"
    board.slots[0].actions.value = "approve"  # what a click on "Approve (a)" sends
    assert board.slots[0].actions.value is None  # ready for the next click
    (row,) = ConceptReview(project).history().iter_rows(named=True)
    assert (row["subject"], row["decision"], row["who"]) == ("c000", "approve", "Maya Okafor")
    assert row["note"] == "warmer <b>light</b>" and board.note.value == ""
    assert 'data-state="approved"' in board.slots[0].card.value
    assert "warmer &lt;b&gt;light&lt;/b&gt;" in board.slots[0].card.value
    assert "c000: approve by Maya Okafor" in board.status.value


def test_cards_paint_before_their_previews_and_previews_are_cached(project):
    board = ConceptBoard(project, page_size=6)
    board.wait_for_thumbnails()
    again = ConceptBoard(project, page_size=6)  # a new kernel: previews come from disk
    assert again._filler is None
    assert all("data:image/jpeg" in s.card.value for s in again.slots[1:6])
    board.go_to(1)  # not made yet: the cards show first, with a placeholder
    first_paint = [s.card.value for s in board.slots]
    board.wait_for_thumbnails()
    assert any("preview loading" in markup for markup in first_paint)
    assert all("data:image/jpeg" in s.card.value for s in board.slots)


def test_refusals_show_one_line_and_record_nothing(project):
    board = ConceptBoard(project, reviewer="Tom Reyes")
    board.reason.value = "ok"
    assert not board.decide_slot(0, "approve")
    assert "may not decide" in board.status.value
    board.reviewer.value = "Maya Okafor"
    board.reason.value = ""
    assert not board.decide_slot(0, "discard")
    assert "give a reason" in board.status.value
    assert ConceptReview(project).history().is_empty()


def test_keys_move_and_decide(project):
    board = ConceptBoard(project, page_size=4)
    board.reason.value = "off palette"
    for key in "jj":
        board.keys.value = key  # what each keystroke in the box sends
    assert board.keys.value == "" and board.selected() == "c002"
    board.keys.value = "d"
    board.keys.value = "jjj"[-1]
    board.keys.value = "J"  # next page
    assert board.page == 1 and board.selected() == "c004"
    board.keys.value = "k"
    assert board.page == 0 and board.selected() == "c003"
    history = ConceptReview(project).history()
    assert history.select("subject", "decision").rows() == [("c002", "discard")]


def test_state_filter_and_reload_see_decisions_made_elsewhere(project):
    board = ConceptBoard(project)
    ConceptReview(project).decide("c004", "approve", "Rui Costa", "fits")
    board.state_filter.value = "approved"
    assert [s.candidate_id for s in board.slots if s.candidate_id] == []
    board.reload()
    assert [s.candidate_id for s in board.slots if s.candidate_id] == ["c004"]
    board.state_filter.value = "auto_discarded"
    assert all(
        s.candidate_id in {f"c{i:03d}" for i in range(2, 30, 3)}
        for s in board.slots
        if s.candidate_id
    )


def test_outside_text_is_escaped_and_bad_images_show_no_preview(project, tmp_path):
    row = {
        "candidate_id": "<i>c</i>",
        "file": HOSTILE_NAME,
        "state": "pending",
        "reasons": ["<script>x</script>"],
        "headline": "<img src=x onerror=alert(1)>",
    }
    card = concept_card_html(row)
    assert "<script>" not in card and "<img src=x" not in card and "<i>c</i>" not in card
    assert "&lt;img src=x" in card
    assert "no preview" in card
    broken = tmp_path / "broken.png"
    broken.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 40)
    assert preview_jpeg(broken) is None
    outside = {"candidate_id": "x", "file": "../../../etc/passwd", "state": "pending"}
    from creative_workbench.reports.concept_cards import ConceptThumbnails

    assert ConceptThumbnails(project).data_uri(outside) == ""


def test_problems_stand_out_from_the_checks_that_passed():
    from creative_workbench.reports.concept_cards import reasons_html

    both = {"reasons": ["sharp", "blurry <3>"], "problems": ["blurry <3>"]}
    assert reasons_html(both).index("wb-problem") < reasons_html(both).index("wb-reason")
    assert reasons_html(both).count("<li") == 2 and "blurry &lt;3&gt;" in reasons_html(both)
    assert reasons_html({"reasons": ["blurry"]}).count("wb-problem") == 1
    assert reasons_html({"reasons": None}) == ""
