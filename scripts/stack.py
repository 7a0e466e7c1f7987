"""Starts the whole assistant as `make run` does — backend, outbox courier, action server, Rasa
server, retention job — on free ports and SQLite files in a given folder (or PostgreSQL/Redis, several Rasa and
action servers behind a proxy). Used by the integration, scale and fault tests and the benchmark,
so all of them measure the real thing.

    with Stack(workdir) as stack:           # or stack.start() / stack.stop()
        stack.rasa_url, stack.processes["backend"].stop(), stack.paths["saisine_db"]
"""
from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import Dict, List, Optional

ROOT = Path(__file__).resolve().parent.parent
MODEL = ROOT / "models" / "assistant.tar.gz"
STARTUP_TIMEOUT_SECONDS = 240


def free_ports(count: int) -> List[int]:
    """`count` different free ports. The sockets stay bound until all are chosen: the kernel may hand
    out a port it has just given back, and one stack once got the same port for Rasa and the backend
    (Rasa could not bind; the backend's chat page answered Rasa's readiness check, every message 404)."""
    sockets = [socket.socket() for _ in range(count)]
    try:
        for sock in sockets:
            sock.bind(("127.0.0.1", 0))
        return [sock.getsockname()[1] for sock in sockets]
    finally:
        for sock in sockets:
            sock.close()


def free_port() -> int:
    return free_ports(1)[0]


def wait_until_ready(url: str, processes: list, log_files: list, timeout: float = STARTUP_TIMEOUT_SECONDS,
                     expected_text: str = "") -> None:
    """Waits until `url` answers 200 with `expected_text` in its body: the text proves the right
    server answered, not another process that happens to listen on that port."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for process, log in zip(processes, log_files):
            if process.poll() is not None:
                raise RuntimeError(f"{process.args[:3]} exited:\n{Path(log).read_text()[-3000:]}")
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200 and expected_text in response.read().decode("utf-8", "replace"):
                    return
        except OSError:
            pass
        time.sleep(0.2)
    tails = "\n".join(f"--- {log}:\n{Path(log).read_text()[-2000:]}" for log in log_files if Path(log).exists())
    raise RuntimeError(f"{url} not ready after {timeout} s\n{tails}")


class Process:
    """One server process that can be stopped and started again (e.g. the backend, for an outage)."""

    def __init__(self, command: List[str], env: Dict[str, str], log: Path, health_url: str = "",
                 expected_text: str = ""):
        self.command, self.env, self.log, self.health_url = command, env, log, health_url
        self.expected_text = expected_text
        self.process: Optional[subprocess.Popen] = None

    @property
    def pid(self) -> Optional[int]:
        return self.process.pid if self.process else None

    def start(self) -> None:
        self.process = subprocess.Popen(self.command, cwd=ROOT, env=self.env,
                                        stdout=open(self.log, "a"), stderr=subprocess.STDOUT)

    def wait_ready(self) -> None:
        if self.health_url:
            wait_until_ready(self.health_url, [self.process], [self.log], expected_text=self.expected_text)

    def kill(self) -> None:
        """SIGKILL: the process dies at once, mid-request if it was in one (the fault tests)."""
        if self.process is not None and self.process.poll() is None:
            self.process.kill()
            self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.terminate()
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


class Stack:
    """The whole assistant. By default one process of each kind on SQLite files in `workdir`.

    rasa_servers / action_servers > 1 start that many processes behind a round-robin proxy
    (scripts/round_robin_proxy.py) so that one conversation's messages alternate between them;
    they then need shared stores: pass tracker_store_url, saisine_store_url, outbox_url (PostgreSQL)
    and lock_store_url (Redis).
    """

    def __init__(self, workdir: Path, model: Path = MODEL, extra_env: Optional[Dict[str, str]] = None,
                 rasa_servers: int = 1, action_servers: int = 1, tracker_store_url: Optional[str] = None,
                 saisine_store_url: Optional[str] = None, outbox_url: Optional[str] = None,
                 lock_store_url: str = "memory://"):
        workdir.mkdir(parents=True, exist_ok=True)
        self.workdir = workdir
        rasa_port, action_port, web_port, *upstream_ports = free_ports(3 + rasa_servers + action_servers)
        upstream_ports = iter(upstream_ports)
        self.paths = {name: workdir / f"{name[:-3]}.db" for name in ("tracker_db", "saisine_db", "outbox_db")}
        self.tracker_store_url = tracker_store_url or f"sqlite:///{self.paths['tracker_db']}"
        self.saisine_store_url = saisine_store_url or f"sqlite:///{self.paths['saisine_db']}"
        self.outbox_url = outbox_url or f"sqlite:///{self.paths['outbox_db']}"
        self.rasa_url = f"http://127.0.0.1:{rasa_port}"
        self.backend_url = f"http://127.0.0.1:{web_port}"
        self.action_url = f"http://127.0.0.1:{action_port}"
        env = dict(
            os.environ,
            TRACKER_STORE_URL=self.tracker_store_url,
            LOCK_STORE_URL=lock_store_url,
            ACTION_ENDPOINT_URL=f"{self.action_url}/webhook",
            SAISINE_STORE_URL=self.saisine_store_url,
            OUTBOX_URL=self.outbox_url,
            WEB_PORT=str(web_port),
            BACKEND_URL=self.backend_url,
            RASA_PUBLIC_URL=self.rasa_url,
            OUTBOX_POLL_SECONDS="1",
            RASA_TELEMETRY_ENABLED="false",
            SQLALCHEMY_SILENCE_UBER_WARNING="1",
            TF_CPP_MIN_LOG_LEVEL="2",
            **(extra_env or {}),
        )
        self.env = env
        python, rasa = sys.executable, str(Path(sys.executable).with_name("rasa"))
        self.processes: Dict[str, Process] = {
            "backend": Process([python, "-m", "bot.backend"], env, workdir / "backend.log", f"{self.backend_url}/health"),
            "courier": Process([python, "-m", "bot.saisine"], env, workdir / "courier.log"),
            "retention": Process([python, "-m", "bot.retention", "--every", "3600"], env, workdir / "retention.log"),
        }

        def actions(port: int) -> List[str]:
            return [rasa, "run", "actions", "--actions", "actions", "--port", str(port)]

        def rasa_server(port: int) -> List[str]:
            return [rasa, "run", "--model", str(model), "--port", str(port), "--interface", "127.0.0.1",
                    "--credentials", "credentials.yml", "--endpoints", "endpoints.yml",
                    "--cors", self.backend_url]  # the web pages' origin, exactly

        proxy = [python, str(ROOT / "scripts" / "round_robin_proxy.py")]
        # What only that server answers: rasa_sdk lists its actions, Rasa says hello with its name
        # (the backend and the web pages answer /health and / too).
        for kind, count, port, command, health, expected in (
                ("actions", action_servers, action_port, actions, "/actions", "action_"),
                ("rasa", rasa_servers, rasa_port, rasa_server, "/", "Hello from Rasa")):
            if count == 1:
                self.processes[kind] = Process(command(port), env, workdir / f"{kind}.log",
                                               f"http://127.0.0.1:{port}{health}", expected)
                continue
            upstreams = []
            for number in range(1, count + 1):
                own_port = next(upstream_ports)
                upstreams.append(f"http://127.0.0.1:{own_port}")
                self.processes[f"{kind}-{number}"] = Process(command(own_port), env, workdir / f"{kind}-{number}.log",
                                                             f"{upstreams[-1]}{health}", expected)
            self.processes[f"{kind}-proxy"] = Process(proxy + ["--port", str(port)] + upstreams, env,
                                                      workdir / f"{kind}-proxy.log", f"http://127.0.0.1:{port}{health}",
                                                      expected)

    @property
    def logs(self) -> List[Path]:
        return [p.log for p in self.processes.values()]

    def start(self) -> float:
        """Starts every process; returns the seconds until all of them answered."""
        started = time.monotonic()
        for process in self.processes.values():
            process.start()
        try:
            for process in self.processes.values():
                process.wait_ready()
        except Exception:
            self.stop()
            raise
        return time.monotonic() - started

    def stop(self) -> None:
        for process in self.processes.values():
            process.stop()

    def __enter__(self) -> "Stack":
        self.start()
        return self

    def __exit__(self, *exc_info) -> None:
        self.stop()


def start_measuring_stack(prefix: str) -> "tuple[Stack, float]":
    """The whole stack for a measuring script (benchmark, answer-eval), with both chat rate limits
    off: they measure the servers and the answers, not the limiter. Returns it and its ready time."""
    import tempfile

    stack = Stack(Path(tempfile.mkdtemp(prefix=prefix)), extra_env={
        "CHAT_RATE_LIMIT_PER_SENDER": "0", "CHAT_RATE_LIMIT_PER_CLIENT": "0"})
    print("==> Starting the whole stack (backend, courier, action server, Rasa)", flush=True)
    ready_s = stack.start()
    print(f"    ready in {ready_s:.1f} s", flush=True)
    return stack, ready_s
