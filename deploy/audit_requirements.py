"""Resolves pyproject.toml's dependencies afresh and writes them pinned, for `make audit`:

    python deploy/audit_requirements.py var/audit

writes, from the repository root,
    var/audit/runtime.txt     name==version of every package `pip install .` installs: what the
                              production image (deploy/Dockerfile) gets; usable as
                              deploy/constraints.txt to build exactly what was audited
    var/audit/test-only.txt   what the `test` extra adds on top (never in production)

The resolution is pip's own (`pip install --dry-run --ignore-installed --report`), by the pip of
the interpreter running this script, so it is independent of whatever happens to be installed in
.venv. The project itself is left out: it is not on PyPI and has no advisories.
"""
from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Dict

ROOT = Path(__file__).resolve().parent.parent


def resolve(target: str) -> Dict[str, str]:
    with tempfile.TemporaryDirectory() as tmp:
        report = Path(tmp) / "report.json"
        done = subprocess.run(
            [sys.executable, "-m", "pip", "install", "--dry-run", "--ignore-installed", "--quiet",
             "--disable-pip-version-check", "--report", str(report), target],
            cwd=ROOT, check=False,
        )
        if done.returncode != 0:
            sys.exit(f"audit: pip could not resolve {target!r} from pyproject.toml (its error is above); "
                     "a project that cannot be installed cannot be audited")
        installs = json.loads(report.read_text(encoding="utf-8"))["install"]
    pinned = {}
    for item in installs:
        if "dir_info" in item.get("download_info", {}):
            continue  # the project itself (a local folder)
        metadata = item["metadata"]
        pinned[metadata["name"].lower().replace("_", "-")] = metadata["version"]
    return pinned


def write(path: Path, packages: Dict[str, str], what: str) -> None:
    lines = [f"# {what}", "# Written by deploy/audit_requirements.py (make audit); do not edit."]
    lines += [f"{name}=={version}" for name, version in sorted(packages.items())]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"{path}: {len(packages)} packages")


def main(out_dir: str) -> None:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    runtime = resolve(".")
    with_test = resolve(".[test]")
    test_only = {name: version for name, version in with_test.items() if runtime.get(name) != version}
    write(out / "runtime.txt", runtime, "pip install . (the production image)")
    write(out / "test-only.txt", test_only, "added by the test extra (development and CI only)")


if __name__ == "__main__":
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    main(sys.argv[1])
