"""The reply to an English question the assistant cannot place on a topic: what it can answer in
English and the Assurance Maladie's English-speaking channels (bot/knowledge/english.yml)."""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path

import yaml
from pydantic import BaseModel

from bot.formatting import source_line

ENGLISH_FILE = Path(__file__).parent / "knowledge" / "english.yml"


class _Source(BaseModel):
    title: str
    url: str
    checked: date


class _EnglishReply(BaseModel):
    reply: str
    source: _Source


@lru_cache(maxsize=1)
def _load() -> _EnglishReply:
    return _EnglishReply(**yaml.safe_load(ENGLISH_FILE.read_text(encoding="utf-8")))


def english_help() -> str:
    """Short English reply with the English-speaking line and pages, and its source line."""
    knowledge = _load()
    reply = " ".join(knowledge.reply.split())
    return f"{reply}\n{source_line(knowledge.source.url, knowledge.source.checked, 'en')}"
