import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from linli.celery import app
from linli.core.notifications.catalogue import register_event


@pytest.fixture(autouse=True)
def _eager_tasks():
    # LINLI_TESTING makes tasks run eagerly, but only when it is set before the settings load
    # (``make test`` does; a bare ``pytest`` run loads them before tests/conftest.py sets it).
    previous = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = previous


@pytest.fixture(autouse=True)
def assigned_event():
    return register_event(
        "test.assigned",
        label="Work assigned",
        subject={"en": "Order {{ number }} assigned", "zh-hans": "工单 {{ number }} 已派单"},
        body={"en": "{{ summary }} is yours, {{ recipient }}.",
              "zh-hans": "{{ summary }} 已派给您，{{ recipient }}。"},
    )


class _Recorder(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.server.requests.append(
            {"path": self.path, "headers": dict(self.headers), "json": json.loads(body)}
        )
        status, answer = (
            self.server.answers.pop(0) if self.server.answers
            else (200, b'{"errcode": 0, "errmsg": "ok"}')
        )
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(answer)))
        self.end_headers()
        self.wfile.write(answer)

    def log_message(self, format, *args):  # keep the test output quiet
        return


@pytest.fixture
def http_server():
    """A local HTTP endpoint that records each POST; queue answers in ``server.answers``."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    server.requests, server.answers = [], []
    server.url = f"http://127.0.0.1:{server.server_address[1]}"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
