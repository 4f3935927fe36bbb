"""Notifications end to end: apprise posts JSON to a real HTTP server on 127.0.0.1."""

from __future__ import annotations

import json
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from creative_workbench import Workspace, load_project
from creative_workbench.pipeline.notify import flush_notifications, notify, outbox
from creative_workbench.pipeline.store import Store
from tests.projects import PROJECT_TOML, make_project


class Inbox:
    """What the local webhook received, and the status it answers with."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.posts: list[tuple[str, dict]] = []


@contextmanager
def webhook(port: int = 0, status: int = 200) -> Iterator[tuple[int, Inbox]]:
    """A real HTTP server on 127.0.0.1 recording JSON posts; yields (port, inbox)."""
    inbox = Inbox(status)

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", 0))
            inbox.posts.append((self.path, json.loads(self.rfile.read(length))))
            self.send_response(inbox.status)
            self.end_headers()

        def log_message(self, *args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_address[1], inbox
    finally:
        server.shutdown()
        server.server_close()
        thread.join()


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def project_with(tmp_path, *channels: str):
    toml = f"notify = {json.dumps(list(channels))}\n" + PROJECT_TOML
    make_project(tmp_path, toml=toml)
    return load_project("acme", Workspace(tmp_path))


def test_message_reaches_the_local_webhook_as_apprise_json(tmp_path):
    with webhook() as (port, inbox):
        project = project_with(tmp_path, f"json://127.0.0.1:{port}/hooks/studio")
        notify(project, "Concepts need approval", "12 <cards> wait for Maya", "decision_needed")
    ((path, payload),) = inbox.posts
    assert path == "/hooks/studio"
    assert payload["title"] == "Concepts need approval"
    assert payload["message"] == "12 <cards> wait for Maya"
    assert payload["type"] == "warning"
    (row,) = outbox(project)
    assert row["status"] == "sent" and row["attempts"] == 1
    sent = Store(project.state_db).events("notify.")
    assert sent["what"].to_list() == ["notify.sent"]


def test_down_channel_is_queued_then_delivered_on_the_next_pass(tmp_path):
    port = free_port()  # nothing listens here yet: connection refused
    with webhook() as (good_port, good):
        project = project_with(
            tmp_path, f"json://127.0.0.1:{port}/hook", f"json://127.0.0.1:{good_port}/ok"
        )
        notify(project, "QA failed", "2 files failed", "stage_failed")  # returns, no raise
        assert len(good.posts) == 1  # the working channel is not held up by the dead one
    rows = outbox(project)
    assert [r["status"] for r in rows] == ["pending", "sent"]
    assert rows[0]["attempts"] == 1 and rows[0]["last_error"]
    failed = Store(project.state_db).events("notify.pending")
    assert failed.height == 1 and "127.0.0.1" in json.loads(failed["payload"][0])["channel"]

    with webhook(port) as (_, inbox):  # the channel comes back
        result = flush_notifications(project)
    assert result.sent == (rows[0]["id"],) and result.pending == ()
    ((_, payload),) = inbox.posts
    assert payload["title"] == "QA failed" and payload["type"] == "failure"
    assert [r["status"] for r in outbox(project)] == ["sent", "sent"]
    assert flush_notifications(project).sent == ()  # sent once, never twice


def test_server_error_keeps_the_message_pending(tmp_path):
    with webhook(status=503) as (port, inbox):
        project = project_with(tmp_path, f"json://127.0.0.1:{port}/hook")
        notify(project, "Delivery needs sign-off", "", "decision_needed")
        assert len(inbox.posts) == 1
        assert flush_notifications(project).pending == (1,)
        inbox.status = 200
        assert flush_notifications(project).sent == (1,)
    assert outbox(project)[0]["attempts"] == 3


def test_bad_url_fails_once_and_removed_channel_is_dropped(tmp_path):
    project = project_with(tmp_path, "nonsense-scheme://x")
    notify(project, "hello", "body", "info")
    assert outbox(project)[0]["status"] == "failed"  # a bad URL never works: not retried
    port = free_port()
    project = project_with(tmp_path, f"json://127.0.0.1:{port}/hook")
    notify(project, "x", "y", "info")
    assert outbox(project)[-1]["status"] == "pending"
    make_project(tmp_path)  # the channel is taken out of project.toml
    project = load_project("acme", Workspace(tmp_path))
    assert flush_notifications(project).dropped == (2,)


def test_no_channels_means_no_outbox_rows(tmp_path):
    make_project(tmp_path)
    project = load_project("acme", Workspace(tmp_path))
    notify(project, "x", "y", "info")
    assert outbox(project) == []
