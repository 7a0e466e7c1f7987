"""What an editor must update next in bot/knowledge/ (`make knowledge-report`).

    python -m bot.knowledge.report [--today 2026-12-07] [--within 60]

Lists, over the right cards, the yearly parameters, the prevention calendar and the contacts
directory: the figures whose period has ended with no newer one, those ending within `--within`
days, the values that are computed (never an official amount), the sources that are not official
pages, and the convention facts older than 2 years. Nothing here downloads anything.
"""
from __future__ import annotations

import argparse
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple

from pydantic import BaseModel

CONVENTION_MAX_AGE_YEARS = 2


@dataclass
class Report:
    today: date
    expired: List[str] = field(default_factory=list)
    expiring: List[str] = field(default_factory=list)
    derived: List[str] = field(default_factory=list)
    secondary: List[str] = field(default_factory=list)
    old_conventions: List[str] = field(default_factory=list)

    SECTIONS = (
        ("expired", "Chiffres dont la période est terminée, sans chiffre plus récent"),
        ("expiring", "Chiffres qui expirent bientôt"),
        ("derived", "Valeurs calculées (jamais présentées comme montant officiel)"),
        ("secondary", "Sources qui ne sont pas des pages officielles"),
        ("old_conventions", f"Faits de convention de plus de {CONVENTION_MAX_AGE_YEARS} ans"),
    )

    def render(self) -> str:
        lines = [f"Connaissances à mettre à jour — au {self.today.strftime('%d/%m/%Y')}"]
        for name, title in self.SECTIONS:
            items = getattr(self, name)
            lines.append(f"\n## {title} : {len(items)}")
            lines += [f"- {item}" for item in items]
        return "\n".join(lines)


def walk(obj: Any, path: str) -> Iterator[Tuple[str, Any]]:
    """(dotted path, object) for every pydantic object of the tree, the root included."""
    if isinstance(obj, BaseModel):
        yield path, obj
        for name in obj.__fields__:
            yield from walk(getattr(obj, name), f"{path}.{name}")
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from walk(item, f"{path}[{i}]")
    elif isinstance(obj, dict):
        for key, item in obj.items():
            yield from walk(item, f"{path}.{key}")


def _siblings_key(path: str) -> str:
    """'c2s.figures.ceilings[0]' -> 'c2s.figures.ceilings': periods of one list replace each other."""
    return path.rsplit("[", 1)[0] if path.endswith("]") else path


def _period_kind(obj: BaseModel) -> str:
    """Periods of one list that describe different things (a territory, a self-employed kind)."""
    return str(getattr(obj, "territory", "") or getattr(obj, "kind", ""))


def build_report(roots: Mapping[str, BaseModel], today: date, within_days: int = 60) -> Report:
    report = Report(today)
    soon = today + timedelta(days=within_days)
    latest: Dict[Tuple[str, str], Tuple[str, BaseModel]] = {}
    seen_sources = set()
    for root_name, root in roots.items():
        for path, obj in walk(root, root_name):
            if hasattr(obj, "valid_from") and hasattr(obj, "valid_to"):
                key = (_siblings_key(path), _period_kind(obj))
                if key not in latest or (obj.valid_from or date.min) > (latest[key][1].valid_from or date.min):
                    latest[key] = (path, obj)
            if getattr(obj, "derived_from", None) or getattr(obj, "confidence", None) == "derived":
                report.derived.append(f"{path} : {getattr(obj, 'title', '')}".rstrip(" :"))
            if hasattr(obj, "confidence") and hasattr(obj, "url") and obj.confidence != "official":
                ident = (obj.url, getattr(obj, "title", ""))
                if ident not in seen_sources:
                    seen_sources.add(ident)
                    report.secondary.append(f"{path} : {obj.title} ({obj.confidence}) — {obj.url}")
            year: Optional[int] = getattr(obj, "convention_year", None)
            if year and today.year - year > CONVENTION_MAX_AGE_YEARS:
                report.old_conventions.append(f"{path} : {getattr(obj, 'cited_as', None) or obj.title}")
    for path, period in sorted(latest.values(), key=lambda item: item[0]):
        end = period.valid_to
        value = getattr(period, "value", None)
        if value is None and hasattr(period, "free"):  # a ceiling table: its one-person amount
            value = f"{period.free.sizes[1]:g} € (1 personne)"
        value = "" if value is None else value
        if end is not None and end < today:
            report.expired.append(f"{path} : {value} — période terminée le {end.strftime('%d/%m/%Y')}".replace(" :  —", " —"))
        elif end is not None and end <= soon:
            report.expiring.append(f"{path} : {value} — expire le {end.strftime('%d/%m/%Y')}".replace(" :  —", " —"))
    report.derived += _computed_rules(roots)
    return report


def _computed_rules(roots: Mapping[str, BaseModel]) -> List[str]:
    """Figures the code computes from a parameter (no object in the data carries them)."""
    from bot.knowledge.schema import IndependantRule, InvalidityMaximumRule

    out = []
    for root_name, root in roots.items():
        for path, obj in walk(root, root_name):
            if isinstance(obj, InvalidityMaximumRule):
                out.append(f"{path} : maximums = {obj.category_1_pmss_percent:g} % / {obj.category_2_3_pmss_percent:g} % du PMSS")
            elif isinstance(obj, IndependantRule):
                out.append(f"{path} : {obj.kind} = {obj.pass_percent:g} % du PASS")
            elif type(obj).__name__ == "C2SFigures":
                out.append(f"{path} : plafonds outre-mer = métropole majorée (parameters.majoration_outre_mer_c2s)")
            elif type(obj).__name__ == "AmeCeilingRule":
                out.append(f"{path} : plafond AME = plafond de la C2S gratuite")
    return out


def project_knowledge() -> Dict[str, BaseModel]:
    from bot.contacts import load_contacts
    from bot.knowledge import load_rights
    from bot.knowledge.parameters import load_parameters
    from bot.prevention import load_prevention

    roots: Dict[str, BaseModel] = dict(load_rights())
    roots["parameters"] = load_parameters()
    roots["prevention"] = load_prevention()
    roots["contacts"] = load_contacts()
    return roots


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--today", type=date.fromisoformat, default=date.today())
    parser.add_argument("--within", type=int, default=60, help="days ahead for 'expiring soon'")
    args = parser.parse_args(argv)
    print(build_report(project_knowledge(), args.today, args.within).render())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
