"""Checks every source and link URL of bot/knowledge/ (`make check-links`).

Asks each address once (HEAD, then GET when HEAD is refused), a few at a time, and prints the ones
that do not answer 2xx/3xx. When the internet does not answer from this machine (a development or CI
sandbox that reaches package registries only), it says so plainly and checks nothing: exit status 2.
Never run by the assistant itself: nothing downloads at run time.
"""
from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Iterable, List, Set, Tuple

import aiohttp

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bot.knowledge.report import project_knowledge, walk  # noqa: E402

PROBE = "https://www.ameli.fr/"
TIMEOUT = aiohttp.ClientTimeout(total=15)
HEADERS = {"User-Agent": "assistant-cpam-check-links/1.0 (+relecture des sources)"}


def knowledge_urls() -> List[Tuple[str, str]]:
    """(url, where) for every distinct URL of the knowledge, in a stable order."""
    seen: Set[str] = set()
    out = []
    for root_name, root in project_knowledge().items():
        for path, obj in walk(root, root_name):
            for attr in ("url", "canonical_url"):
                url = getattr(obj, attr, None)
                if isinstance(url, str) and url.startswith("http") and "<" not in url and url not in seen:
                    seen.add(url)
                    out.append((url, path))
    return out


async def status_of(session: aiohttp.ClientSession, url: str) -> str:
    try:
        async with session.head(url, allow_redirects=True) as resp:
            if resp.status < 400:
                return "ok"
        async with session.get(url, allow_redirects=True) as resp:
            return "ok" if resp.status < 400 else f"HTTP {resp.status}"
    except (aiohttp.ClientError, asyncio.TimeoutError) as e:
        return f"{type(e).__name__}: {e}"[:160]


async def check(urls: Iterable[Tuple[str, str]]) -> int:
    urls = list(urls)
    async with aiohttp.ClientSession(timeout=TIMEOUT, headers=HEADERS) as session:
        if await status_of(session, PROBE) != "ok":
            print(f"Internet inaccessible depuis cette machine ({PROBE} ne répond pas) : "
                  f"les {len(urls)} adresses des connaissances n'ont PAS été vérifiées. "
                  f"Lancez `make check-links` depuis un poste qui accède à internet.")
            return 2
        limit = asyncio.Semaphore(6)

        async def one(url: str, where: str) -> Tuple[str, str, str]:
            async with limit:
                return url, where, await status_of(session, url)

        results = await asyncio.gather(*(one(u, w) for u, w in urls))
    broken = [r for r in results if r[2] != "ok"]
    for url, where, status in broken:
        print(f"- {status} — {url} ({where})")
    print(f"{len(results) - len(broken)} adresses répondent, {len(broken)} à corriger, sur {len(results)}.")
    return 1 if broken else 0


if __name__ == "__main__":
    raise SystemExit(asyncio.run(check(knowledge_urls())))
