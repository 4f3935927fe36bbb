"""The concept review board (ipywidgets): a page of candidate cards with approve / approve
with changes / discard / restore buttons, a reason and a note, and keyboard shortcuts.

Every decision goes through `ConceptReview.decide` (who may decide, unknown ids, append-only
store). Keyboard shortcuts need no extra package or private API: a small text box takes
the keys (click it once, then j/k move between cards, a/c/d/r decide on the selected card
with the reason typed above); ipywidgets has no key events, but a `Text` with
`continuous_update` sends each keystroke to the kernel, in JupyterLab and Voilà alike.
"""

from __future__ import annotations

import html
import threading
from concurrent.futures import ThreadPoolExecutor

import polars as pl

from creative_workbench.config import Project
from creative_workbench.errors import WorkbenchError
from creative_workbench.pipeline.concept_decisions import (
    STATES,
    ConceptReview,
    deciding_reviewers,
)
from creative_workbench.reports.concept_cards import (
    STATE_LABELS,
    ConceptThumbnails,
    candidate_rows,
    concept_card_html,
)

PAGE_SIZE = 24
THUMBNAIL_WORKERS = 2  # Pillow decodes and resizes outside the GIL
ALL = "all"
BUTTONS = (
    ("approve", "Approve (a)"),
    ("approve_with_changes", "With changes (c)"),
    ("discard", "Discard (d)"),
    ("restore", "Restore (r)"),
)
KEYS = {"a": "approve", "c": "approve_with_changes", "d": "discard", "r": "restore"}
MOVES = {"j": 1, "k": -1}
QUICK_REASONS = (
    "on brief",
    "strong hook",
    "fits the placement",
    "needs copy changes",
    "needs a crop for the placement",
    "off-brand palette",
    "off brief",
    "duplicate of a kept one",
    "weak composition",
    "artefacts (hands, text, faces)",
)
KEY_HELP = "click here, then: j/k next/previous · a approve · c changes · d discard · r restore"


class CardSlot:
    """One place on the page: a card and its decision buttons (one ToggleButtons widget,
    reset after each click, so a page is 3 widgets per card)."""

    def __init__(self, board: ConceptBoard, index: int) -> None:
        import ipywidgets as widgets

        self.candidate_id: str | None = None
        self.card = widgets.HTML()
        self.actions = widgets.ToggleButtons(
            options=[(label, decision) for decision, label in BUTTONS],
            value=None,
            style={"button_width": "auto"},
        )
        self.actions.add_class("wb-concept-actions")
        self.actions.observe(lambda change: self._clicked(board, index, change), names="value")
        self.widget = widgets.VBox([self.card, self.actions])
        self.widget.add_class("wb-concept-slot")

    def _clicked(self, board: ConceptBoard, index: int, change: dict) -> None:
        if change["new"] is None:
            return
        self.actions.value = None  # a button, not a state: the card shows the state
        board.decide_slot(index, change["new"])

    def show(self, candidate_id: str, markup: str) -> None:
        self.candidate_id = candidate_id
        self.card.value = markup
        self.widget.layout.display = None

    def hide(self) -> None:
        self.candidate_id = None
        self.widget.layout.display = "none"


class ConceptBoard:
    """Review a project's concept candidates, a page at a time."""

    def __init__(
        self, project: Project, *, reviewer: str | None = None, page_size: int = PAGE_SIZE
    ) -> None:
        import ipywidgets as widgets

        self.review = ConceptReview(project)
        self.thumbnails = ConceptThumbnails(project)
        self.page_size = page_size
        self.page = 0
        self.cursor = 0
        self.rows = candidate_rows(self.review)
        self._lock = threading.RLock()
        self._generation = 0
        self._filler: threading.Thread | None = None
        names = [r.name for r in project.config.reviewers]
        allowed = [r.name for r in deciding_reviewers(project)]
        chosen = reviewer if reviewer in names else (allowed[0] if allowed else None)
        self.reviewer = widgets.Dropdown(
            options=[(f"{r.name} ({r.role})", r.name) for r in project.config.reviewers],
            value=chosen,
            description="Reviewer",
        )
        self.state_filter = widgets.Dropdown(
            options=[(ALL, ALL), *((STATE_LABELS[s][0], s) for s in STATES)],
            value=ALL,
            description="Show",
        )
        self.reason = widgets.Combobox(
            options=list(QUICK_REASONS),
            placeholder="why (required): type or pick",
            description="Reason",
            ensure_option=False,
        )
        self.note = widgets.Text(placeholder="optional, e.g. the changes", description="Note")
        self.keys = widgets.Text(
            placeholder=KEY_HELP,
            description="Keys",
            continuous_update=True,
            layout=widgets.Layout(width="520px"),
        )
        self.keys.add_class("wb-keys")
        self.status = widgets.HTML()
        self.status.add_class("wb-review-status")
        self.summary = widgets.HTML()
        self.summary.add_class("wb-review-summary")
        self.previous = widgets.Button(description="◀ Previous")
        self.next = widgets.Button(description="Next ▶")
        self.reload_button = widgets.Button(description="Reload decisions")
        self.previous.on_click(lambda _b: self.go_to(self.page - 1))
        self.next.on_click(lambda _b: self.go_to(self.page + 1))
        self.reload_button.on_click(lambda _b: self.reload())
        self.state_filter.observe(lambda _c: self.go_to(0), names="value")
        self.keys.observe(self._on_key, names="value")
        self.slots = [CardSlot(self, i) for i in range(page_size)]
        self.grid = widgets.GridBox(
            [s.widget for s in self.slots],
            layout=widgets.Layout(
                grid_template_columns="repeat(auto-fill, minmax(240px, 1fr))", grid_gap="10px"
            ),
        )
        controls = widgets.VBox(
            [
                widgets.HBox([self.reviewer, self.state_filter, self.reload_button]),
                widgets.HBox([self.reason, self.note]),
                self.keys,
                widgets.HBox([self.previous, self.next, self.summary]),
                self.status,
            ]
        )
        self.widget = widgets.VBox([controls, self.grid])
        self.widget.add_class("wb-concept-board")
        self.refresh()

    # what is shown
    def visible(self) -> pl.DataFrame:
        """The candidates the state filter lets through, best score first."""
        if self.state_filter.value == ALL or self.rows.is_empty():
            return self.rows
        return self.rows.filter(pl.col("state") == self.state_filter.value)

    def pages(self) -> int:
        return max(1, -(-self.visible().height // self.page_size))

    def go_to(self, page: int) -> None:
        """Show page PAGE (0-based, clamped) with the first card selected."""
        self.page = min(max(0, page), self.pages() - 1)
        self.cursor = 0
        self.refresh()

    def reload(self) -> None:
        """Read candidates and decisions again (new imports, decisions made elsewhere); redraw."""
        self.review = ConceptReview(self.review.project, self.review.store)  # new imports too
        self.rows = candidate_rows(self.review)
        self.refresh()

    def refresh(self) -> None:
        """Draw the current page; previews not made yet follow from a background thread
        (the documented ipywidgets pattern), so the cards paint at once."""
        visible = self.visible()
        shown = visible.slice(self.page * self.page_size, self.page_size)
        missing = []
        with self._lock:
            self._generation += 1
            self.cursor = min(self.cursor, max(0, shown.height - 1))
            for index, slot in enumerate(self.slots):
                if index >= shown.height:
                    slot.hide()
                    continue
                row = shown.row(index, named=True)
                thumbnail = self.thumbnails.cached(row)
                if thumbnail is None:
                    missing.append((index, row))
                markup = concept_card_html(
                    row, thumbnail or "", selected=index == self.cursor, loading=thumbnail is None
                )
                slot.show(row["candidate_id"], markup)
            self.previous.disabled = self.page == 0
            self.next.disabled = self.page >= self.pages() - 1
            self.summary.value = self._summary(visible.height, shown.height)
            if missing:
                self._filler = threading.Thread(
                    target=self._fill, args=(self._generation, missing), daemon=True
                )
                self._filler.start()

    def _fill(self, generation: int, missing: list[tuple[int, dict]]) -> None:
        with ThreadPoolExecutor(THUMBNAIL_WORKERS) as pool:
            futures = [(i, row, pool.submit(self.thumbnails.data_uri, row)) for i, row in missing]
            for index, row, future in futures:
                thumbnail = future.result()
                with self._lock:
                    if generation != self._generation:  # the page changed: stop here
                        pool.shutdown(cancel_futures=True)
                        return
                    slot = self.slots[index]
                    if slot.candidate_id == row["candidate_id"]:
                        slot.card.value = concept_card_html(
                            row, thumbnail or "", selected=index == self.cursor
                        )

    def wait_for_thumbnails(self, timeout: float = 60.0) -> None:
        """Block until the current page's previews are all shown (tests, benchmarks)."""
        filler = self._filler
        if filler is not None:
            filler.join(timeout)

    def _summary(self, total: int, shown: int) -> str:
        counts = self.rows.group_by("state").len() if not self.rows.is_empty() else None
        by_state = dict(counts.iter_rows()) if counts is not None else {}
        tally = " · ".join(f"{by_state.get(s, 0)} {STATE_LABELS[s][0]}" for s in STATES)
        first = self.page * self.page_size + 1 if shown else 0
        last = first + shown - 1 if shown else 0
        return (
            f"<span class='wb-count' data-count='{total}'>cards {first}–{last}"
            f" of {total} · page {self.page + 1} of {self.pages()}</span>"
            f"<span style='color:#5f6b73'> ({html.escape(tally)})</span>"
        )

    # deciding
    def decide_slot(self, index: int, decision: str) -> bool:
        """Record DECISION on the card in slot INDEX with the reason and note typed above."""
        slot = self.slots[index]
        if slot.candidate_id is None:
            return False
        self.cursor = index
        return self.decide(slot.candidate_id, decision)

    def decide(self, candidate_id: str, decision: str) -> bool:
        """Record DECISION on CANDIDATE_ID; a refusal or mistake shows in the status line."""
        try:
            done = self.review.decide(
                candidate_id,
                decision,
                self.reviewer.value or "",
                self.reason.value,
                self.note.value,
            )
        except WorkbenchError as exc:
            self._say(str(exc), error=True)
            return False
        self.note.value = ""
        self.reload()
        self._say(f"{done.subject}: {done.decision} by {done.who} ({done.reason})")
        return True

    def _say(self, message: str, *, error: bool = False) -> None:
        colour = "#9b1c1c" if error else "#1d6b35"
        self.status.value = f"<span style='color:{colour}'>{html.escape(message)}</span>"

    def _on_key(self, change: dict) -> None:
        typed = str(change.get("new") or "")
        if not typed:
            return
        self.keys.value = ""
        self.press(typed[-1].lower())

    def press(self, key: str) -> None:
        """Act on one shortcut KEY (j/k move, a/c/d/r decide on the selected card)."""
        shown = sum(1 for s in self.slots if s.candidate_id is not None)
        if key in MOVES and shown:
            target = self.cursor + MOVES[key]
            if target >= shown and self.page < self.pages() - 1:
                self.go_to(self.page + 1)
            elif target < 0 and self.page > 0:
                self.page -= 1
                self.cursor = self.page_size - 1
                self.refresh()
            else:
                self.cursor = min(max(0, target), shown - 1)
                self.refresh()
        elif key in KEYS and shown:
            self.decide_slot(self.cursor, KEYS[key])

    def selected(self) -> str | None:
        """The candidate the keyboard acts on."""
        return self.slots[self.cursor].candidate_id


def build_board(project: Project, reviewer: str | None = None):
    """The board's widget for PROJECT (what a notebook displays)."""
    return ConceptBoard(project, reviewer=reviewer).widget


def show(project: Project, reviewer: str | None = None) -> None:
    """Display the board in JupyterLab; nothing in a headless report (widgets need a kernel)."""
    from creative_workbench.reports import notebook as nb

    nb.explorer(build_board, project, reviewer)
