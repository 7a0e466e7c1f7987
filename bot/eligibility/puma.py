"""PUMa (protection universelle maladie): routed by coverage.py, which decides between PUMa, AME and soins urgents."""
from __future__ import annotations

from datetime import date
from typing import Any, List, Mapping, Optional

from bot.eligibility import coverage
from bot.eligibility.verdict import Verdict

RIGHT = "puma"
FACTS = coverage.FACTS  # shared with the two other basic-cover rights


def needed_facts(situation: Mapping[str, Any]) -> List[str]:
    return coverage.needed_facts(situation)


def assess(situation: Mapping[str, Any], today: Optional[date] = None) -> Verdict:
    return coverage.verdict_for(RIGHT, situation, today)
