"""Runs `rasa data validate` and fails on any warning that is not explained.

Some warnings are expected by design; each one is listed in tests/validate_allowlist.yml with
the reason it is harmless. Any other warning fails the check, so new ones get looked at.
"""
import re
import subprocess
import sys
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
ALLOWLIST = ROOT / "tests" / "validate_allowlist.yml"
WARNING_LINE = re.compile(r"(UserWarning|WARNING|warning)", re.IGNORECASE)
# Library deprecation noise is not about our data.
IGNORED_SOURCES = ("DeprecationWarning", "PyparsingDeprecationWarning", "MovedIn20Warning", "FutureWarning")


def main() -> int:
    allowed = yaml.safe_load(ALLOWLIST.read_text(encoding="utf-8")) or []
    result = subprocess.run(
        [str(ROOT / ".venv/bin/rasa"), "data", "validate", "--domain", "domain.yml", "--data", "data", "rules"],
        cwd=ROOT, capture_output=True, text=True,
    )
    output = result.stdout + result.stderr
    unexplained, explained = [], []
    for line in output.splitlines():
        if not WARNING_LINE.search(line) or any(source in line for source in IGNORED_SOURCES):
            continue
        reason = next((item["reason"] for item in allowed if re.search(item["pattern"], line)), None)
        (explained if reason else unexplained).append((line.strip(), reason))
    for line, reason in explained:
        print(f"explained warning: {line}\n    because: {reason}")
    for line, _ in unexplained:
        print(f"UNEXPLAINED WARNING: {line}")
    if result.returncode != 0:
        print(output[-3000:])
        print("rasa data validate failed")
        return 1
    if unexplained:
        print(f"{len(unexplained)} unexplained warning(s): fix them or explain them in {ALLOWLIST.name}")
        return 1
    print(f"rasa data validate: OK ({len(explained)} explained warning(s))")
    return 0


if __name__ == "__main__":
    sys.exit(main())
