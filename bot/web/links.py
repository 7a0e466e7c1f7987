"""The official domains whose links become clickable in the chat widget.

Derived from the pages bot/knowledge sends people to (links of the rights cards, simulators,
next steps of the prevention offers, CPAM pages and channels, the official page behind a copied
source), plus the short list in link_domains.yml. The `url` of a source is not used: some are
copies of an official page on another site. Every other address stays plain text.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Iterable, Iterator, Tuple
from urllib.parse import urlsplit

from bot.contacts import load_contacts
from bot.knowledge import load_rights, read_yaml_mapping
from bot.prevention import load_prevention

EXTRA_DOMAINS_FILE = Path(__file__).with_name("link_domains.yml")


def domain_of(url: str) -> str:
    """Lower-case host without "www."; "" for anything but an http(s) URL."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return ""
    host = parts.hostname.lower()
    return host[len("www."):] if host.startswith("www.") else host


def knowledge_urls() -> Iterator[str]:
    """The official pages the bot sends people to."""
    sources = []
    for card in load_rights().values():
        yield from (link.url for link in card.links)
        if card.simulator_or_contact.url:
            yield card.simulator_or_contact.url
        sources += card.sources
    calendar = load_prevention()
    yield from (o.next_step_link.url for o in calendar.offers if o.next_step_link)
    contacts = load_contacts()
    yield from (c.ameli_url for c in contacts.cpams)
    yield from (v for item in contacts.all_items() if item.render for v in item.values if v.startswith("https://"))
    sources += calendar.sources + contacts.sources
    yield from (s.canonical_url for s in sources if s.canonical_url)


def _compact(domains: Iterable[str]) -> Tuple[str, ...]:
    """Sorted, without duplicates nor subdomains of a listed domain (they are allowed anyway)."""
    unique = {d for d in domains if d}
    return tuple(sorted(d for d in unique if not any(d.endswith("." + other) for other in unique)))


@lru_cache(maxsize=1)
def official_domains() -> Tuple[str, ...]:
    extra = read_yaml_mapping(EXTRA_DOMAINS_FILE, "the extra link domains").get("extra") or []
    return _compact([domain_of(u) for u in knowledge_urls()] + [str(d).lower() for d in extra])


def is_official(url: str, domains: Iterable[str] = ()) -> bool:
    """The widget's rule (static/widget.js, allowedLink): the host is a listed domain or one of its subdomains."""
    host = domain_of(url)
    return bool(host) and any(host == d or host.endswith("." + d) for d in (domains or official_domains()))
