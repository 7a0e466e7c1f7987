"""The test stack (scripts/stack.py) must start each server on its own port and only call a server
ready when that server, not another process on the port, answers.

Found in CI: the kernel gave the same free port to Rasa and the backend. Rasa could not bind, the
backend's chat page answered Rasa's readiness check at "/", and every message got the backend's 404."""
from __future__ import annotations

import subprocess
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from scripts.stack import Stack, free_ports, wait_until_ready


def test_ports_chosen_together_are_all_different():
    # Chosen one by one (bind, close, bind again), 200 ports repeat one another most of the time.
    ports = free_ports(200)
    assert len(set(ports)) == 200


def test_a_stack_gives_every_server_its_own_port(tmp_path):
    stack = Stack(tmp_path, rasa_servers=2, action_servers=2)
    urls = [process.health_url for process in stack.processes.values() if process.health_url]
    ports = [url.split(":")[2].split("/")[0] for url in urls]
    assert len(ports) == len(set(ports)) == 7  # backend, 2 actions + proxy, 2 Rasa + proxy


@pytest.fixture
def other_server():
    """A web server that answers 200 to everything, as the backend's chat page does at "/"."""
    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            body = b"<html>Assistant Assurance Maladie</html>"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture
def sleeping_process(tmp_path):
    log = tmp_path / "rasa.log"
    log.write_text("OSError: [Errno 98] address already in use\n")
    process = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    yield process, log
    process.kill()
    process.wait()


def test_another_server_on_the_port_is_not_taken_for_rasa(other_server, sleeping_process):
    process, log = sleeping_process
    with pytest.raises(RuntimeError, match="not ready") as raised:
        wait_until_ready(other_server, [process], [log], timeout=1.5, expected_text="Hello from Rasa")
    assert "address already in use" in str(raised.value)  # the log tail says why


def test_the_expected_server_is_ready_at_once(other_server, sleeping_process):
    process, log = sleeping_process
    wait_until_ready(other_server, [process], [log], timeout=5, expected_text="Assistant Assurance Maladie")
