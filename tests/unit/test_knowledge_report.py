"""`make knowledge-report` lists what an editor must update next, on the project's data and on a
fixture where every case is planted."""
from datetime import date
from typing import List, Optional

from bot.knowledge.report import build_report, project_knowledge
from bot.knowledge.schema import AmountPeriod, Source, StrictModel


class FixtureSource(Source):
    convention_year: Optional[int] = None


class Fixture(StrictModel):
    amounts: List[AmountPeriod]
    other: List[AmountPeriod]
    sources: List[FixtureSource]


def period(value, start, end=None):
    return AmountPeriod(value=value, valid_from=start, valid_to=end, source_id="s", reference_missing="fixture")


def source(ident, confidence="official", year=None):
    return FixtureSource(id=ident, title=f"Titre {ident}", url=f"https://example.org/{ident}", checked=date(2026, 1, 1),
                         confidence=confidence, convention_year=year)


FIXTURE = Fixture(
    # An old period replaced by a newer one is not reported; the newest, ended, is.
    amounts=[period(1, date(2024, 1, 1), date(2024, 12, 31)), period(2, date(2025, 1, 1), date(2025, 12, 31))],
    other=[period(3, date(2026, 1, 1), date(2026, 1, 20))],
    sources=[source("officiel"), source("presse", "secondary"), source("calcul", "derived"),
             source("convention2020", year=2020), source("convention2025", year=2025)],
)


def test_fixture_report_lists_each_planted_case():
    report = build_report({"fixture": FIXTURE}, today=date(2026, 1, 1), within_days=60)
    assert report.expired == ["fixture.amounts[1] : 2.0 — période terminée le 31/12/2025"]
    assert report.expiring == ["fixture.other[0] : 3.0 — expire le 20/01/2026"]
    assert any("Titre calcul" in line for line in report.derived)
    assert [l.split(" : ")[1].split(" (")[0] for l in report.secondary] == ["Titre presse", "Titre calcul"]
    assert report.old_conventions == ["fixture.sources[3] : Titre convention2020"]
    text = report.render()
    assert "période est terminée, sans chiffre plus récent : 1" in text and "Titre presse" in text


def test_project_report_on_7_december_2026_names_the_ended_yearly_figures():
    report = build_report(project_knowledge(), today=date(2026, 12, 7))
    expired = "\n".join(report.expired)
    assert "c2s.figures.ceilings" in expired and "capital_deces.figures.amounts" in expired
    assert any("invalidite.figures.maximums" in line for line in report.derived)
    assert any("20 % du PASS" in line for line in report.derived)
    # The same data a year earlier: the C2S table was in force.
    assert "c2s.figures.ceilings" not in "\n".join(build_report(project_knowledge(), today=date(2025, 12, 7)).expired)
