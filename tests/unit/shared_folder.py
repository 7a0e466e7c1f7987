"""The project's shared folder (the conventions' text, the reference facts) sits beside the
repository: ../shared. Tests that quote it skip, saying why, where the checkout has no such sibling."""
from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[2].parent / "shared"
SEEDS_DIR = SHARED / "seeds"
FACTS = SHARED / "reference" / "facts.md"


def require_shared() -> None:
    if not SEEDS_DIR.is_dir():
        pytest.skip(f"no ../shared/seeds beside the repository ({SHARED}): the conventions' text cannot be read")
