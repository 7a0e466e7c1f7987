"""The domain knowledge: one validated card per right, loaded from bot/knowledge/rights/*.yml.

    load_rights() -> {right_id: RightCard}      (cached; validated at load)
    get_right("c2s").c2s_ceiling(1, "metropole", "free", on=date(2025, 6, 1))
    c2s_ceiling(...) / ame_ceiling(...)          module-level shortcuts
"""
from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Dict, Optional, Union

import yaml
from pydantic import ValidationError

from bot.knowledge.schema import (
    CARD_MODELS,
    Ceiling,
    Dated,
    FigureNotFound,
    RightCard,
    Source,
)

RIGHTS_DIR = Path(__file__).parent / "rights"

__all__ = [
    "KnowledgeError",
    "FigureNotFound",
    "RightCard",
    "Source",
    "Ceiling",
    "Dated",
    "RIGHTS_DIR",
    "load_card",
    "load_rights",
    "get_right",
    "c2s_ceiling",
    "ame_ceiling",
]


class KnowledgeError(ValueError):
    """A card file is missing, unreadable or invalid. The message names the file and the field."""


def _field_errors(err: ValidationError) -> str:
    lines = []
    for e in err.errors():
        where = ".".join(str(p) for p in e["loc"] if p != "__root__")
        for msg in e["msg"].split("; "):
            lines.append(f"  - {where}: {msg}" if where else f"  - {msg}")
    return "\n".join(lines)


_YAML_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the same safe loader, in C when available


def read_yaml_mapping(path: Path, what: str) -> dict:
    """The YAML mapping in `path`; KnowledgeError says which file and why when it is not one."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_YAML_LOADER)
    except (OSError, yaml.YAMLError) as e:
        raise KnowledgeError(f"{path}: cannot read {what}: {e}") from e
    if not isinstance(data, dict):
        raise KnowledgeError(f"{path}: {what} must be a YAML mapping")
    return data


def parse_knowledge(model, data: dict, path: Path, what: str):
    """`data` validated by the pydantic `model`; KnowledgeError names the file and each field."""
    try:
        return model.parse_obj(data)
    except ValidationError as e:
        raise KnowledgeError(f"{path}: invalid {what}:\n{_field_errors(e)}") from e


def load_card(path: Union[str, Path]) -> RightCard:
    """Reads and validates one card file; raises KnowledgeError naming the file and the fields."""
    path = Path(path)
    data = read_yaml_mapping(path, "card")
    model = CARD_MODELS.get(data.get("id"))
    if model is None:
        raise KnowledgeError(f"{path}: field 'id': unknown right {data.get('id')!r} (expected one of {', '.join(CARD_MODELS)})")
    if path.stem != data["id"]:
        raise KnowledgeError(f"{path}: field 'id': {data['id']!r} does not match the file name")
    return parse_knowledge(model, data, path, "card")


@lru_cache(maxsize=None)
def load_rights(directory: Optional[Union[str, Path]] = None) -> Dict[str, RightCard]:
    """All cards of `directory` (default: the project's rights/), validated, by right id."""
    directory = Path(directory or RIGHTS_DIR).resolve()
    files = sorted(directory.glob("*.yml"))
    if not files:
        raise KnowledgeError(f"{directory}: no card (*.yml) found")
    cards = {}
    for f in files:
        card = load_card(f)
        cards[card.id] = card
    if directory == RIGHTS_DIR.resolve():
        missing = set(CARD_MODELS) - set(cards)
        if missing:
            raise KnowledgeError(f"{directory}: missing card(s): {', '.join(sorted(missing))}")
    return cards


def get_right(right_id: str) -> RightCard:
    cards = load_rights()
    if right_id not in cards:
        raise KeyError(f"unknown right {right_id!r}")
    return cards[right_id]


def c2s_ceiling(household_size: int, territory: str = "metropole", kind: str = "free", on: Optional[date] = None) -> Ceiling:
    return get_right("c2s").c2s_ceiling(household_size, territory, kind, on)


def ame_ceiling(household_size: int, territory: str = "metropole", on: Optional[date] = None) -> Ceiling:
    """AME ceiling: by law the free C2S ceiling, so it is a derived figure (not a published AME table)."""
    base = c2s_ceiling(household_size, territory, "free", on)
    rule = get_right("ame")
    derived = rule.source(rule.figures.ceiling.source_id)
    return Ceiling(
        amount=base.amount,
        household_size=household_size,
        territory=territory,
        kind="ame",
        dated=base.dated,
        confidence="derived",
        source=derived,
    )
