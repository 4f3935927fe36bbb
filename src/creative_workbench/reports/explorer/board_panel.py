"""The boards panel under the explorer: create, annotate, fill, view and export boards.

Boards live in the project's state.db, so JupyterLab and the web app see the same ones; the
panel polls state.db every few seconds (when a kernel's event loop runs) to pick up boards
someone else changed.
"""

from __future__ import annotations

import asyncio
import base64
import html
from pathlib import Path

from creative_workbench.errors import WorkbenchError
from creative_workbench.pipeline.boards import Boards
from creative_workbench.reports.explorer.board_export import export_board
from creative_workbench.reports.explorer.widget import AdsExplorer

NO_BOARD = "(no board)"
SYNC_SECONDS = 3.0


class BoardPanel:
    """Widgets that put the explorer's selected ads on named boards."""

    def __init__(self, explorer: AdsExplorer, boards: Boards, export_dir: Path) -> None:
        import ipywidgets as widgets

        self.explorer = explorer
        self.boards = boards
        self.export_dir = Path(export_dir)
        self.pick = widgets.Dropdown(options=[NO_BOARD], description="Board")
        self.new_name = widgets.Text(description="New board", placeholder="name")
        self.create_button = widgets.Button(description="Create board", icon="plus")
        self.note = widgets.Textarea(description="Note", placeholder="what this board is for")
        self.tags = widgets.Text(description="Tags", placeholder="comma, separated")
        self.save_button = widgets.Button(description="Save note and tags")
        self.ad_note = widgets.Text(description="Ad note", placeholder="note on the ads you add")
        self.add_button = widgets.Button(description="Add selected", icon="bookmark")
        self.add_page_button = widgets.Button(description="Add whole page")
        self.remove_button = widgets.Button(description="Remove selected")
        self.only = widgets.Checkbox(value=False, description="Show only this board")
        self.export_button = widgets.Button(description="Export CSV + HTML", icon="download")
        self.status = widgets.HTML()
        self.status.add_class("wb-board-status")
        self.create_button.on_click(lambda _b: self._run(self.create))
        self.save_button.on_click(lambda _b: self._run(self.save))
        self.add_button.on_click(lambda _b: self._run(self.add, selected=True))
        self.add_page_button.on_click(lambda _b: self._run(self.add, selected=False))
        self.remove_button.on_click(lambda _b: self._run(self.remove))
        self.export_button.on_click(lambda _b: self._run(self.export))
        self.pick.observe(lambda _c: self._run(self.load), names="value")
        self.only.observe(lambda _c: self._run(self.apply_view), names="value")
        self._seen = None
        self.sync()
        self.widget = widgets.VBox(
            [
                widgets.HTML("<strong>Boards</strong> (shared by everyone on this project)"),
                widgets.HBox([self.pick, self.only]),
                widgets.HBox([self.new_name, self.create_button]),
                widgets.HBox([self.note, widgets.VBox([self.tags, self.save_button])]),
                widgets.HBox(
                    [self.ad_note, self.add_button, self.add_page_button, self.remove_button]
                ),
                widgets.HBox([self.export_button]),
                self.status,
            ]
        )
        self.widget.add_class("wb-boards")

    @property
    def board_name(self) -> str | None:
        """The chosen board, or None."""
        return None if self.pick.value == NO_BOARD else self.pick.value

    def _run(self, action, **kwargs) -> None:
        try:
            action(**kwargs)
        except WorkbenchError as exc:
            self.say(str(exc), error=True)

    def say(self, message: str, *, error: bool = False, extra_html: str = "") -> None:
        """Show MESSAGE (escaped) under the panel."""
        colour = "#b3261e" if error else "#1e6b3a"
        self.status.value = (
            f"<span style='color:{colour}'>{html.escape(message)}</span>{extra_html}"
        )

    def sync(self) -> bool:
        """Reload the board list when state.db changed; True when it did."""
        seen = self.boards.version()
        if seen == self._seen:
            return False
        self._seen = seen
        chosen = self.pick.value
        names = self.boards.names()
        self.pick.options = [NO_BOARD, *names]
        self.pick.value = chosen if chosen in names else NO_BOARD
        if self.board_name:
            self.load()
        return True

    def start_sync(self, seconds: float = SYNC_SECONDS) -> bool:
        """Poll state.db every SECONDS on the running event loop (a kernel's); False without one."""
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:
            return False

        def tick() -> None:
            try:
                self.sync()
            finally:
                loop.call_later(seconds, tick)

        loop.call_later(seconds, tick)
        return True

    def create(self) -> None:
        board = self.boards.create(self.new_name.value, note=self.note.value, tags=self.tags.value)
        self.new_name.value = ""
        self.sync()
        self.pick.value = board.name
        self.say(f"created board {board.name!r}")

    def _require_board(self) -> str:
        if not self.board_name:
            raise WorkbenchError("choose a board first (or create one)")
        return self.board_name

    def load(self) -> None:
        """Show the chosen board's note and tags, and its ads when 'show only' is on."""
        if not self.board_name:
            self.note.value, self.tags.value = "", ""
        else:
            board = self.boards.get(self.board_name)
            self.note.value, self.tags.value = board.note, ", ".join(board.tags)
            self.say(f"{board.name!r}: {len(board.ad_ids)} ads")
        self.apply_view()

    def apply_view(self) -> None:
        """Restrict the explorer to the board's ads, or lift the restriction."""
        if self.only.value and self.board_name:
            self.explorer.show_only(self.boards.get(self.board_name).ad_ids)
        elif self.explorer.only_ad_ids is not None:
            self.explorer.show_only(None)

    def save(self) -> None:
        board = self.boards.update(
            self._require_board(), note=self.note.value, tags=self.tags.value
        )
        self.say(f"saved note and tags of {board.name!r}")

    def add(self, *, selected: bool) -> None:
        name = self._require_board()
        ads = self.explorer.selected_ad_ids() if selected else self.explorer.shown_ad_ids()
        if not ads:
            raise WorkbenchError("select the cards to add first (tick 'select' on a card)")
        added = self.boards.add_ads(name, ads, note=self.ad_note.value)
        self.sync()
        self.say(f"added {added} ads to {name!r} ({len(ads) - added} were already on it)")
        self.apply_view()

    def remove(self) -> None:
        name = self._require_board()
        removed = self.boards.remove_ads(name, self.explorer.selected_ad_ids())
        self.sync()
        self.say(f"removed {removed} ads from {name!r}")
        self.apply_view()

    def export(self) -> None:
        name = self._require_board()
        board = self.boards.get(name)
        written = export_board(
            board,
            self.boards.ads(name),
            self.explorer.ads,
            self.export_dir,
            self.explorer.thumbnails,
        )
        links = " ".join(
            download_link(path, mime)
            for path, mime in ((written.csv_path, "text/csv"), (written.html_path, "text/html"))
        )
        self.say(
            f"exported {len(board.ad_ids)} ads to {written.csv_path} and {written.html_path}",
            extra_html=f"<div>{links}</div>",
        )


def download_link(path: Path, mime: str) -> str:
    """An <a download> link carrying the file itself (works in the web app too)."""
    data = base64.b64encode(path.read_bytes()).decode("ascii")
    name = html.escape(path.name)
    return (
        f'<a class="wb-download" download="{name}" href="data:{mime};base64,{data}" '
        f'style="margin-right:12px">Download {name}</a>'
    )
