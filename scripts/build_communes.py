"""Regenerates bot/knowledge/communes.csv and its provenance file communes.source.yml.

The data come from the npm package @etalab/decoupage-administratif (INSEE Code officiel
géographique, with La Poste postal codes), fetched with the ordinary npm client:

    .venv/bin/python scripts/build_communes.py                 # pinned version (below), via `npm pack`
    .venv/bin/python scripts/build_communes.py --version 6.0.0
    .venv/bin/python scripts/build_communes.py --package-dir /tmp/x/package   # an unpacked tarball

Only current communes (type "commune-actuelle") are kept, one line each:
insee_code, name, departement, postal_codes (space-separated). The sidecar YAML records the
package, version, licence, tarball checksum and generation date, and the list of départements
(code, name, zone) that bot/contacts.py uses to name a département.
"""
from __future__ import annotations

import argparse
import csv
import hashlib
import json
import subprocess
import sys
import tarfile
import tempfile
from datetime import date
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
OUT_CSV = ROOT / "bot" / "knowledge" / "communes.csv"
OUT_SOURCE = ROOT / "bot" / "knowledge" / "communes.source.yml"
PACKAGE = "@etalab/decoupage-administratif"
VERSION = "6.0.0"  # millésime 2026 of the COG (see the package README)
LICENCE = "Données : Licence Ouverte (Etalab) ; code du paquet : MIT"
MAX_BYTES = 3_000_000


def _npm_pack(version: str, workdir: Path) -> tuple[Path, dict]:
    """`npm pack` the package into workdir; returns (unpacked package dir, npm's metadata)."""
    result = subprocess.run(
        ["npm", "pack", f"{PACKAGE}@{version}", "--json"],
        cwd=workdir, capture_output=True, text=True, check=True,
    )
    info = json.loads(result.stdout)[0]
    with tarfile.open(workdir / info["filename"]) as tar:
        if hasattr(tarfile, "data_filter"):  # Python >= 3.10.12: refuse odd paths and links
            tar.extractall(workdir, filter="data")
        else:
            tar.extractall(workdir)
    return workdir / "package", info


def _rows(package_dir: Path) -> list[list[str]]:
    communes = json.loads((package_dir / "data" / "communes.json").read_text(encoding="utf-8"))
    rows = []
    for c in communes:
        if c.get("type") != "commune-actuelle":
            continue
        postal = " ".join(sorted(set(c.get("codesPostaux") or [])))
        rows.append([c["code"], c["nom"], c["departement"], postal])
    rows.sort(key=lambda r: r[0])
    return rows


def _departements(package_dir: Path) -> list[dict]:
    deps = json.loads((package_dir / "data" / "departements.json").read_text(encoding="utf-8"))
    return [{"code": d["code"], "name": d["nom"], "zone": d["zone"]} for d in deps]


def build(package_dir: Path, version: str, npm_info: dict | None = None) -> None:
    meta = json.loads((package_dir / "package.json").read_text(encoding="utf-8"))
    if meta.get("name") != PACKAGE:
        raise SystemExit(f"{package_dir}: not {PACKAGE} (found {meta.get('name')!r})")
    rows = _rows(package_dir)
    with OUT_CSV.open("w", encoding="utf-8", newline="") as f:
        writer = csv.writer(f, lineterminator="\n")
        writer.writerow(["insee_code", "name", "departement", "postal_codes"])
        writer.writerows(rows)
    size = OUT_CSV.stat().st_size
    if size > MAX_BYTES:
        raise SystemExit(f"{OUT_CSV} is {size} bytes (> {MAX_BYTES}): gzip it and read it with gzip")
    source = {
        "package": PACKAGE,
        "version": meta.get("version", version),
        "licence": LICENCE,
        "generated": date.today().isoformat(),
        "origin": "INSEE Code officiel géographique (communes) et base officielle des codes postaux (La Poste), "
                  "via https://www.npmjs.com/package/@etalab/decoupage-administratif",
        "tarball_shasum": (npm_info or {}).get("shasum"),
        "tarball_integrity": (npm_info or {}).get("integrity"),
        "kept": "type commune-actuelle only (no communes déléguées/associées, no arrondissements municipaux)",
        "rows": len(rows),
        "csv_sha256": hashlib.sha256(OUT_CSV.read_bytes()).hexdigest(),
        "departements": _departements(package_dir),
    }
    header = "# Written by scripts/build_communes.py — do not edit by hand; rerun the script.\n"
    OUT_SOURCE.write_text(header + yaml.safe_dump(source, allow_unicode=True, sort_keys=False), encoding="utf-8")
    print(f"{OUT_CSV.relative_to(ROOT)}: {len(rows)} communes, {size} bytes ({PACKAGE}@{source['version']})")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--version", default=VERSION, help=f"npm version of {PACKAGE} (default {VERSION})")
    parser.add_argument("--package-dir", type=Path, help="an already unpacked package (skips npm)")
    args = parser.parse_args(argv)
    if args.package_dir:
        build(args.package_dir, args.version)
        return 0
    with tempfile.TemporaryDirectory() as tmp:
        package_dir, info = _npm_pack(args.version, Path(tmp))
        build(package_dir, args.version, info)
    return 0


if __name__ == "__main__":
    sys.exit(main())
