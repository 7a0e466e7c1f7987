"""Latency, throughput and memory of the served assistant, against the targets of issue 7.

    .venv/bin/python scripts/benchmark.py                 start the stack (scripts/stack.py), measure
    .venv/bin/python scripts/benchmark.py --url http://localhost:5005   use a running Rasa server
    options: --levels 1 10 20 50  --seconds 20  --train (also time a full training)

Realistic multi-turn conversations (a rights question, an eligibility check with its answers, a
prevention question, a contact question, small talk) are replayed through the REST channel by N
concurrent simulated people for a fixed time per level. Each turn is labelled by whether its answer
comes from a custom action (a call to the action server) or from Rasa alone. Also measured: the
per-turn compute floor in-process (NLU parse + policy prediction, no HTTP, no action), peak RSS of
each process (VmHWM), time from start to ready, and optionally training time. Prints a table and
writes reports/benchmark.md. Nothing here is a test: targets are printed, not asserted.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Dict, List, Optional, Tuple

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.stack import MODEL, start_measuring_stack  # noqa: E402

REPORT = ROOT / "reports" / "benchmark.md"
TARGETS = {"p95_ms_at_20": 300, "turns_per_s": 30, "rasa_rss_mb": 1500, "ready_s": 30, "training_s": 300}

# (message, answered by a custom action?) — one list per kind of visitor.
CONVERSATIONS: List[List[Tuple[str, bool]]] = [
    [("bonjour", False), ("c'est quoi la complémentaire santé solidaire ?", True), ("merci", False)],
    [("j'ai 900 euros par mois, seule, ai-je droit à la complémentaire gratuite ?", True),
     ("non", True), ("en métropole", True), ("42 ans", True)],
    [("quels dépistages pour ma mère de 70 ans ?", True), ("au revoir", False)],
    [("qui contacter pour une demande de C2S à Brest ?", True), ("merci beaucoup", False)],
    [("c'est quoi l'AME ?", True), ("et le capital décès ?", True), ("tu es un robot ?", False)],
]


@dataclass
class Level:
    concurrency: int
    seconds: float
    latencies: Dict[bool, List[float]] = field(default_factory=lambda: {True: [], False: []})
    errors: int = 0
    turns: int = 0

    def record(self, custom_action: bool, seconds: float, ok: bool) -> None:
        self.turns += 1
        if ok:
            self.latencies[custom_action].append(seconds * 1000)
        else:
            self.errors += 1


def percentile(values: List[float], share: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


async def visitor(session: aiohttp.ClientSession, url: str, level: Level, deadline: float, index: int) -> None:
    conversation_number = index
    while time.monotonic() < deadline:
        script = CONVERSATIONS[conversation_number % len(CONVERSATIONS)]
        sender = f"bench-{uuid.uuid4().hex[:10]}"
        for message, custom_action in script:
            if time.monotonic() >= deadline:
                return
            started = time.perf_counter()
            try:
                async with session.post(url, json={"sender": sender, "message": message}) as response:
                    body = await response.json(content_type=None)
                    ok = response.status == 200 and isinstance(body, list) and len(body) > 0
            except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
                ok = False
            level.record(custom_action, time.perf_counter() - started, ok)
        conversation_number += 1


async def run_level(rasa_url: str, concurrency: int, seconds: float) -> Level:
    level = Level(concurrency, seconds)
    url = f"{rasa_url}/webhooks/rest/webhook"
    timeout = aiohttp.ClientTimeout(total=60)
    async with aiohttp.ClientSession(timeout=timeout, connector=aiohttp.TCPConnector(limit=0)) as session:
        deadline = time.monotonic() + seconds
        started = time.monotonic()
        await asyncio.gather(*(visitor(session, url, level, deadline, i) for i in range(concurrency)))
        level.seconds = time.monotonic() - started
    return level


def peak_rss_mb(pid: Optional[int]) -> Optional[float]:
    """VmHWM: the process's peak resident set, children included when they are its workers."""
    if pid is None:
        return None
    try:
        pids = [pid] + [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
        total = 0
        for one in pids:
            for line in Path(f"/proc/{one}/status").read_text().splitlines():
                if line.startswith("VmHWM:"):
                    total += int(line.split()[1])
        return total / 1024
    except OSError:
        return None


async def compute_floor(samples: int = 200) -> Dict[str, float]:
    """Parse + next-action prediction of one message in-process: what no HTTP tuning can beat."""
    import logging

    from rasa.core.agent import Agent
    from rasa.shared.core.events import UserUttered
    from rasa.shared.core.trackers import DialogueStateTracker
    from rasa.utils.log_utils import configure_structlog

    configure_structlog(logging.WARNING)  # unconfigured, Rasa's structlog prints every debug event
    agent = Agent.load(str(MODEL))
    messages = [m for script in CONVERSATIONS for m, _ in script]
    for message in messages[:5]:  # warm-up (lazy graph loading, TensorFlow tracing)
        await agent.parse_message(message)
    parse_ms, predict_ms = [], []
    for i in range(samples):
        message = messages[i % len(messages)]
        started = time.perf_counter()
        parsed = await agent.parse_message(message)
        parsed_at = time.perf_counter()
        tracker = DialogueStateTracker.from_events(f"floor-{i}", [], agent.domain.slots)
        tracker.update(UserUttered(message, parsed["intent"], parsed["entities"], parsed))
        agent.processor.predict_next_with_tracker(tracker)
        done = time.perf_counter()
        parse_ms.append((parsed_at - started) * 1000)
        predict_ms.append((done - parsed_at) * 1000)
    return {"parse_p50": statistics.median(parse_ms), "predict_p50": statistics.median(predict_ms),
            "total_p50": statistics.median([a + b for a, b in zip(parse_ms, predict_ms)]),
            "total_p95": percentile([a + b for a, b in zip(parse_ms, predict_ms)], 0.95)}


def time_training() -> float:
    with tempfile.TemporaryDirectory() as out:
        started = time.monotonic()
        subprocess.run([str(Path(sys.executable).with_name("rasa")), "train", "--data", "data", "rules",
                        "--out", out, "--force"], cwd=ROOT, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL)
        return time.monotonic() - started


def render(levels: List[Level], ready_s: Optional[float], rss: Dict[str, Optional[float]],
           floor: Dict[str, float], training_s: Optional[float]) -> List[str]:
    lines = [f"# Benchmark — {datetime.now():%Y-%m-%d %H:%M} ({os.cpu_count()} cores)", "",
             "REST channel, realistic multi-turn conversations (scripts/benchmark.py). Latency in ms.", "",
             "| concurrent | turns/s | errors | custom action p50 / p95 / p99 | Rasa only p50 / p95 / p99 |",
             "|---|---|---|---|---|"]
    for level in levels:
        cells = []
        for custom in (True, False):
            values = level.latencies[custom]
            cells.append(" / ".join(f"{percentile(values, q):.0f}" for q in (0.5, 0.95, 0.99)))
        lines.append(f"| {level.concurrency} | {level.turns / level.seconds:.1f} | {level.errors} | {cells[0]} | {cells[1]} |")
    lines += ["", "| process | peak RSS (MB) |", "|---|---|"]
    lines += [f"| {name} | {value:.0f} |" if value else f"| {name} | n/a |" for name, value in rss.items()]
    lines += ["", f"Compute floor in-process (parse + policy prediction, no HTTP): p50 {floor['total_p50']:.1f} ms "
              f"(parse {floor['parse_p50']:.1f} ms, prediction {floor['predict_p50']:.1f} ms), p95 {floor['total_p95']:.1f} ms.", ""]
    if ready_s is not None:
        lines.append(f"Start to ready (all four processes answering): {ready_s:.1f} s (target < {TARGETS['ready_s']} s).")
    if training_s is not None:
        lines.append(f"Full training: {training_s:.0f} s (target < {TARGETS['training_s']} s).")
    at_20 = next((lv for lv in levels if lv.concurrency == 20), None)
    best = max((lv.turns / lv.seconds for lv in levels), default=0)
    lines += ["", "Targets (issue 7):"]
    if at_20:
        p95 = percentile(at_20.latencies[True] + at_20.latencies[False], 0.95)
        lines.append(f"- p95 at 20 concurrent: {p95:.0f} ms (target < {TARGETS['p95_ms_at_20']} ms)")
    lines.append(f"- best throughput: {best:.1f} turns/s (target ≥ {TARGETS['turns_per_s']} with 0 errors); "
                 f"errors in all levels: {sum(lv.errors for lv in levels)}")
    if rss.get("rasa"):
        lines.append(f"- Rasa server peak RSS: {rss['rasa']:.0f} MB (target < {TARGETS['rasa_rss_mb']} MB)")
    return lines + [""]


async def main(args: argparse.Namespace) -> int:
    stack, ready_s = None, None
    rasa_url = args.url
    if rasa_url is None:
        stack, ready_s = start_measuring_stack("benchmark-")
        rasa_url = stack.rasa_url
    levels = []
    try:
        await run_level(rasa_url, 2, 3)  # warm-up: first calls load lazily
        for concurrency in args.levels:
            print(f"==> {concurrency} concurrent conversation(s) for {args.seconds:.0f} s", flush=True)
            level = await run_level(rasa_url, concurrency, args.seconds)
            print(f"    {level.turns / level.seconds:.1f} turns/s, {level.errors} errors", flush=True)
            levels.append(level)
        rss = {name: peak_rss_mb(process.pid) for name, process in stack.processes.items()} if stack else {}
    finally:
        if stack:
            stack.stop()
    print("==> Compute floor in-process", flush=True)
    floor = await compute_floor()
    training_s = time_training() if args.train else None
    lines = render(levels, ready_s, rss, floor, training_s)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    print("\n".join(lines))
    print(f"Report: {REPORT.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running Rasa server (default: start the stack)")
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 10, 20, 50])
    parser.add_argument("--seconds", type=float, default=20.0)
    parser.add_argument("--train", action="store_true", help="also time a full training (about 3 minutes)")
    sys.exit(asyncio.run(main(parser.parse_args())))
