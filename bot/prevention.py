"""Prevention calendar: age, sex and pregnancy in; the prevention offers that apply out.

    load_prevention() -> PreventionCalendar            (cached; validated at load)
    offers_for(Person(age_years=52, sex="female"))     -> PreventionAnswer (now / if at risk / next)
    needed_facts(person) -> ["age" | "age_months" | "sex" | "pregnant", ...]  (asking order)
    find_offer("le vaccin HPV pour les garçons ?")     -> "hpv_vaccine"
    direct_answer("hpv_vaccine")                       -> plain French answer with its sources
    answer_offer("flu_vaccine", "coverage", Person(age_years=70), language="fr")
                                                       -> AspectAnswer: the aspect asked, for the person
                                                          first, 1-3 sentences, sources (issue 16)
    render_prevention(answer, person) / next_step_buttons(answer)
    campaign_text(campaign, on)  -> the flu campaign on a date: its dates, "en cours", or ended
                                    (then the recurring rule and where to check the next dates)
    age_from_text("18 mois") -> Parsed[(years, months)]

Every rule comes from bot/knowledge/prevention.yml; this module holds no age or figure of the
calendar. Dates decide what is said: a group or a line outside its period (`valid_from`,
`valid_to`) is not stated, a catch-up group is never announced as a next step. It only decides when to ask: pregnancy is asked for women aged 15 to 49
(CHILDBEARING_AGES), the sex only when the answer differs for a woman and a man. Pure functions,
no Rasa import.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any, Dict, FrozenSet, List, Optional, Sequence, Tuple, Union


from bot.aspects import OVERVIEW, OWN_CASE, PREVENTION_ASPECTS, label as aspect_label
from bot.formatting import fr_date, source_line as cite
from bot.knowledge import parse_knowledge, read_yaml_mapping
from bot.knowledge.prevention_schema import AgeWindow, Campaign, Fact, Offer, PreventionCalendar, Rhythm, Who
from bot.knowledge.schema import Link, Source
from bot.parsing import (
    _AGE_RANGE_ERROR,
    MAX_AGE,
    MAX_SENTENCE_CHARS,
    Parsed,
    _clean,
    _digits,
    _fold,
    _has_phrase,
    _join_fr,
    _words,
    parse_age,
    parse_past_date,
)

PREVENTION_FILE = Path(__file__).parent / "knowledge" / "prevention.yml"

SEXES = ("female", "male")
FOR_WHOM = ("self", "child", "parent", "other")
CHILDBEARING_AGES = (15, 49)  # when the bot asks about pregnancy (a question-asking convention)
MAX_MILESTONES = 3
MAX_SOURCE_LINES = 3
MAX_HOW = 2
CHECK = " (à vérifier)"

__all__ = [
    "AspectAnswer",
    "CHILDBEARING_AGES",
    "MAX_ASPECT_CHARS",
    "Milestone",
    "OfferLine",
    "Person",
    "PreventionAnswer",
    "age_from_text",
    "answer_offer",
    "campaign_text",
    "direct_answer",
    "find_offer",
    "load_prevention",
    "needed_facts",
    "next_step_buttons",
    "offers_for",
    "render_prevention",
    "who_text",
    "who_text_en",
]


# --- loading ----------------------------------------------------------------------------------


@lru_cache(maxsize=None)
def load_prevention(path: Optional[Union[str, Path]] = None) -> PreventionCalendar:
    """The calendar of `path` (default: the project's prevention.yml), validated.

    Raises KnowledgeError naming the file and the fields when it is missing or invalid.
    """
    path = Path(path or PREVENTION_FILE)
    data = read_yaml_mapping(path, "the prevention calendar")
    return parse_knowledge(PreventionCalendar, data, path, "prevention calendar")


# --- the person and the answer ----------------------------------------------------------------


@dataclass(frozen=True)
class Person:
    """Who the question is about. None means not given (or refused).

    `age_months` is the whole age in months (18 for a child of a year and a half); it matters
    under 3. `for_whom` only changes the wording of the answer.
    """

    age_years: Optional[int] = None
    age_months: Optional[int] = None
    sex: Optional[str] = None  # "female" | "male"
    pregnant: Optional[bool] = None
    for_whom: str = "self"  # "self" | "child" | "parent" | "other"

    def __post_init__(self) -> None:
        if self.sex not in (None,) + SEXES:
            raise ValueError(f"sex must be one of {SEXES} or None, got {self.sex!r}")
        if self.for_whom not in FOR_WHOM:
            raise ValueError(f"for_whom must be one of {FOR_WHOM}, got {self.for_whom!r}")
        for name, limit in (("age_years", MAX_AGE), ("age_months", MAX_AGE * 12)):
            value = getattr(self, name)
            if value is not None and (isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= limit):
                raise ValueError(f"{name} must be a whole number between 0 and {limit}, got {value!r}")
        if self.age_years is not None and self.age_months is not None and self.age_months // 12 != self.age_years:
            raise ValueError("age_years and age_months disagree")
        if self.sex == "male" and self.pregnant:
            raise ValueError("a man cannot be pregnant")

    @property
    def has_age(self) -> bool:
        return self.age_years is not None or self.age_months is not None

    @property
    def years(self) -> int:
        if self.age_years is not None:
            return self.age_years
        if self.age_months is not None:
            return self.age_months // 12
        raise ValueError("age not given")

    @property
    def months(self) -> int:
        """Age in months; from the years when only they are known (the first month of that year)."""
        return self.age_months if self.age_months is not None else self.years * 12

    @property
    def known_sex(self) -> Optional[str]:
        """The sex, or "female" when only the pregnancy was given."""
        return "female" if self.sex is None and self.pregnant else self.sex


@dataclass(frozen=True)
class OfferLine:
    """An offer that applies now (or, in `if_at_risk`, if the person is in its risk group)."""

    offer_id: str
    label: str
    who: str  # the group it applies through, e.g. "Femmes de 50 à 74 ans"
    group: Optional[str]  # the group's own name when it has one: "Pendant la grossesse (...)"
    rhythm: str
    coverage: str
    how: List[str]
    notes: List[str]
    next_due_age: Optional[int]  # next booster / age band / screening stage, in years
    next_due: Optional[str]  # the same in French: "entre 11 et 13 ans", "à partir de 30 ans : ..."
    risk_group: Optional[str]
    link: Optional[Link]
    sources: List[Source]  # best first
    needs_check: bool  # a rule of the line is secondary or from an old text: "à vérifier"


@dataclass(frozen=True)
class Milestone:
    at_age: int  # years (0, 1 or 2 for a milestone given in months)
    text: str  # "à 50 ans : dépistage du cancer colorectal"
    offer_id: str
    at_age_months: Optional[int] = None  # set when the milestone is given in months
    until_age: Optional[int] = None  # end of the age band ("de 60 à 65 ans")

    @property
    def sort_months(self) -> int:
        return self.at_age_months if self.at_age_months is not None else self.at_age * 12


@dataclass
class PreventionAnswer:
    person: Person
    on: date
    now: List[OfferLine] = field(default_factory=list)
    if_at_risk: List[OfferLine] = field(default_factory=list)  # only for a risk group (chronic illness...)
    next: List[Milestone] = field(default_factory=list)  # sorted, at most MAX_MILESTONES
    sources: List[Source] = field(default_factory=list)  # best official first
    needs: List[str] = field(default_factory=list)  # among "age", "sex", "pregnant"
    sex_dependent_hidden: List[str] = field(default_factory=list)  # labels a known sex could add
    pregnancy_dependent: List[str] = field(default_factory=list)  # labels a pregnancy would add

    @property
    def offer_ids(self) -> List[str]:
        return [line.offer_id for line in self.now]


# --- matching ---------------------------------------------------------------------------------


def _window_now(rhythm: Rhythm, years: int) -> Optional[AgeWindow]:
    return next((w for w in rhythm.windows() if w.contains(years)), None)


def _next_window(rhythm: Rhythm, who: Who, years: int) -> Optional[AgeWindow]:
    high = who.max_months
    for w in rhythm.windows():
        if w.min_age > years and w.min_age * 12 >= who.min_months and (high is None or w.min_age * 12 <= high):
            return w
    return None


@dataclass(frozen=True)
class _Match:
    offer: Offer
    who: Who
    rhythm: Rhythm
    window: Optional[AgeWindow] = None
    risks: Tuple[Who, ...] = ()


def _evaluate(person: Person, on: date, calendar: PreventionCalendar) -> Tuple[List[_Match], List[_Match]]:
    """(offers due now, offers that apply only through a risk group), in calendar order."""
    now, at_risk = [], []
    for offer in calendar.offers:
        if not offer.in_calendar:
            continue
        hit: Optional[_Match] = None
        risks: List[Who] = []
        for who in offer.who:
            if _fits(who, person, on) is not True:
                continue
            rhythm = offer.rhythm_for(who)
            if who.risk_group:
                risks.append(who)
                continue
            window = None
            if rhythm.at_ages:
                window = _window_now(rhythm, person.years)
                if window is None:
                    continue
            hit = _Match(offer, who, rhythm, window)
            break
        if hit:
            now.append(hit)
        elif risks:
            at_risk.append(_Match(offer, risks[0], offer.rhythm_for(risks[0]), risks=tuple(risks)))
    return now, at_risk


def _ids(person: Person, on: date, calendar: PreventionCalendar) -> Tuple[FrozenSet[str], FrozenSet[str]]:
    now, at_risk = _evaluate(person, on, calendar)
    return frozenset(m.offer.id for m in now), frozenset(m.offer.id for m in at_risk)


def _labels(ids: FrozenSet[str], calendar: PreventionCalendar) -> List[str]:
    return [o.label for o in calendar.offers if o.id in ids]


def _in_childbearing_ages(person: Person) -> bool:
    return CHILDBEARING_AGES[0] <= person.years <= CHILDBEARING_AGES[1]


def _sex_effect(person: Person, on: date, calendar: PreventionCalendar) -> Tuple[bool, List[str]]:
    """(does the sex change the answer, labels that a known sex could add to "now")."""
    if person.known_sex is not None:
        return False, []
    current = _ids(person, on, calendar)
    female = _ids(replace(person, sex="female"), on, calendar)
    male = _ids(replace(person, sex="male", pregnant=None), on, calendar)
    return female != male, _labels((female[0] | male[0]) - current[0], calendar)


def _pregnancy_effect(person: Person, on: date, calendar: PreventionCalendar) -> Tuple[bool, List[str]]:
    """(does a pregnancy change the answer, labels it would add to "now"); women aged 15 to 49 only."""
    if person.pregnant is not None or person.sex == "male" or not _in_childbearing_ages(person):
        return False, []
    woman = replace(person, sex="female")
    yes = _ids(replace(woman, pregnant=True), on, calendar)
    no = _ids(replace(woman, pregnant=False), on, calendar)
    return yes != no, _labels(yes[0] - no[0], calendar)


# --- French texts -----------------------------------------------------------------------------


def _lc(text: str) -> str:
    """Lower-case the first letter unless the first word is an acronym (HPV, M'T, ROR)."""
    word = text.split(" ", 1)[0]
    if word[:1].isupper() and (len(word) == 1 or word[1].islower()):
        return text[0].lower() + text[1:]
    return text


def _label_lc(offer: Offer) -> str:
    return offer.label if offer.proper_name else _lc(offer.label)


def _ucfirst(text: str) -> str:
    return text[:1].upper() + text[1:]


def _years(n: int) -> str:
    return f"{n} an" if n == 1 else f"{n} ans"


def _bound(years: Optional[int], months: Optional[int]) -> Optional[Tuple[int, str]]:
    if months is not None:
        return months, "mois"
    if years is not None:
        return years, "ans"
    return None


def _bound_text(value: int, unit: str) -> str:
    return f"{value} mois" if unit == "mois" else _years(value)


def _ages_text(who: Who) -> str:
    low = _bound(who.min_age, who.min_age_months)
    high = _bound(who.max_age, who.max_age_months)
    if low and high:
        if low[0] == 0:
            return f"de la naissance à {_bound_text(*high)}"
        if low[1] == high[1]:
            return f"de {low[0]} à {_bound_text(*high)}"
        return f"de {_bound_text(*low)} à {_bound_text(*high)}"
    if low and low[0] > 0:
        return f"à partir de {_bound_text(*low)}"
    if high:
        return f"jusqu'à {_bound_text(*high)}"
    return ""


def _sex_words(who: Who) -> str:
    if who.pregnancy == "required":
        return ""
    high = who.max_months
    child = high is not None and high < 18 * 12
    if who.sex == "female":
        return "filles" if child else "femmes"
    if who.sex == "male":
        return "garçons" if child else "hommes"
    if child and who.min_months >= 10 * 12:
        return "filles et garçons"
    if who.min_months >= 18 * 12:
        return "femmes et hommes"
    return ""


def _group_name(who: Who) -> Optional[str]:
    """The group's own name ("Pendant la grossesse (du 4e mois ...)"), None for a plain age group."""
    if not who.label:
        return None
    return who.label + (f" ({who.pregnancy_window})" if who.pregnancy_window else "")


def _group_text(sex: str, ages: str, label: Optional[str], window: Optional[str], risk: Optional[str], if_word: str) -> str:
    core = " ".join(x for x in (sex, ages) if x)
    parts = [p for p in (label, core) if p]
    text = ", ".join([_ucfirst(parts[0])] + parts[1:]) if parts else ""
    if window:
        text += f" ({window})"
    if risk:
        text = f"{text} — {risk}" if text else f"{if_word} {risk}"
    return text


def who_text(who: Who) -> str:
    """The group in French: "Femmes de 50 à 74 ans", "Rattrapage, de 15 à 19 ans"."""
    return _group_text(_sex_words(who), _ages_text(who), who.label, who.pregnancy_window, who.risk_group, "Si")


def _season_on(on: date) -> str:
    """The campaign season a date belongs to, or the next one between two seasons (from March to
    August, the coming autumn): "2026-2027" on 2026-03-31 and on 2026-12-07."""
    first = on.year if on.month >= 3 else on.year - 1
    return f"{first}-{first + 1}"


def campaign_text(campaign: Campaign, on: date) -> str:
    """The campaign in French on `on`: its dates before it starts, "en cours" while it runs; once
    it has ended, that it has ended (never its dates as current), the recurring rule and that the
    next dates are not integrated here, with the official page to check them."""
    if on < campaign.start:
        return f"Campagne {campaign.season} : du {fr_date(campaign.start)} au {fr_date(campaign.end)}."
    if on <= campaign.end:
        return f"Campagne {campaign.season} en cours jusqu'au {fr_date(campaign.end)}."
    parts = [campaign.usual.text] if campaign.usual else []
    parts.append(f"La campagne {campaign.season} est terminée.")
    following = _season_on(on)
    if following == campaign.season:  # cannot happen after its end, but never name it as the next
        following = f"{int(following[:4]) + 1}-{int(following[:4]) + 2}"
    where = f" : vérifiez-les sur {campaign.check.url}" if campaign.check else ""
    parts.append(f"Les dates de la campagne {following} ne sont pas intégrées ici{where}.")
    return " ".join(parts)


def _rhythm_text(rhythm: Rhythm, on: date) -> str:
    if rhythm.campaign:
        return f"{rhythm.text} {campaign_text(rhythm.campaign, on)}"
    return rhythm.text


def _window_text(window: AgeWindow) -> str:
    if window.max_age is not None and window.max_age != window.min_age:
        return f"entre {window.min_age} et {_years(window.max_age)}"
    return f"à {_years(window.min_age)}"


def _facts(facts: Sequence[Fact], on: date) -> List[Fact]:
    """The facts in force on `on` (a fact whose period has ended is never stated)."""
    return [f for f in facts if f.valid_on(on)]


def _coverage_text(offer: Offer, on: date) -> str:
    return " ; ".join(f.text.rstrip(".") for f in _facts(offer.coverage, on))


# --- sources ----------------------------------------------------------------------------------

Citation = Tuple[str, bool]  # (source_id, cited only for a fact flagged "to check")


def _citations(offer: Offer, groups: Sequence[Tuple[Who, Rhythm]], on: date) -> List[Citation]:
    """Every source a line cites on `on`, its main one (the rhythm's) first."""
    old = offer.to_check
    cites: List[Citation] = []
    for who, rhythm in groups:
        cites.append((rhythm.source_id, old or rhythm.to_check))
    for who, rhythm in groups:
        cites.append((who.source_id, old))
        campaign = rhythm.campaign
        if campaign:
            if on <= campaign.end:
                cites.append((campaign.source_id, old))
            elif campaign.usual:
                cites.append((campaign.usual.source_id, old))
    facts = _facts(list(offer.coverage) + list(offer.how) + list(offer.notes), on)
    cites += [(f.source_id, old or f.to_check) for f in facts]
    return cites


def _rank_sources(groups: Sequence[Sequence[Citation]], calendar: PreventionCalendar) -> List[Source]:
    """Distinct sources, best first: official ones, then secondary ones, then those cited only for
    old "to check" facts; a line's main source before its other ones; then order of appearance."""
    best: Dict[str, Tuple[int, int, int]] = {}
    for group in groups:
        for position, (source_id, old) in enumerate(group):
            source = calendar.source(source_id)
            tier = 2 if old else (0 if source.confidence == "official" else 1)
            first_seen = best[source_id][2] if source_id in best else len(best)
            key = (tier, 0 if position == 0 else 1, first_seen)
            if source_id not in best or key < best[source_id]:
                best[source_id] = key
    return [calendar.source(i) for i in sorted(best, key=best.__getitem__)]


def _needs_check(
    offer: Offer, groups: Sequence[Tuple[Who, Rhythm]], calendar: PreventionCalendar, on: date
) -> bool:
    """A rule of the line (who, rhythm, coverage) is secondary or flagged: the bot says "à vérifier"."""
    coverage = _facts(offer.coverage, on)
    if offer.to_check or any(r.to_check for _, r in groups) or any(f.to_check for f in coverage):
        return True
    ids = [r.source_id for _, r in groups] + [w.source_id for w, _ in groups] + [f.source_id for f in coverage]
    return any(calendar.source(i).needs_check for i in ids)


def _source_line(source: Source) -> str:
    line = cite(source.display_url, source.checked)
    return line + (CHECK if source.needs_check else "")


# --- lines and milestones -----------------------------------------------------------------------


def _next_stage(offer: Offer, who: Who, on: date) -> Optional[Who]:
    """The group that follows this one without a gap (cervical screening: 25-29, then 30-65)."""
    end = who.max_months
    if end is None:
        return None
    for other in offer.who:
        if (
            other is not who
            and other.label is None
            and other.risk_group is None
            and other.pregnancy == who.pregnancy
            and other.sex in ("any", who.sex)
            and other.valid_on(on)
            and other.min_months == end + 1
        ):
            return other
    return None


def _groups(match: _Match) -> List[Tuple[Who, Rhythm]]:
    whos = match.risks or (match.who,)
    return [(w, match.offer.rhythm_for(w)) for w in whos]


def _line(match: _Match, person: Person, on: date, calendar: PreventionCalendar) -> Tuple[OfferLine, List[Citation]]:
    offer, who, rhythm = match.offer, match.who, match.rhythm
    next_age: Optional[int] = None
    next_text: Optional[str] = None
    if rhythm.at_ages:
        nxt = _next_window(rhythm, who, person.years)
        if nxt is not None:
            next_age, next_text = nxt.min_age, _window_text(nxt)
    elif not match.risks:
        stage = _next_stage(offer, who, on)
        if stage is not None and stage.min_age is not None:
            next_age = stage.min_age
            next_text = f"à partir de {_years(stage.min_age)} : {_lc(offer.rhythm_for(stage).text)}"
    groups = _groups(match)
    citations = _citations(offer, groups, on)
    risk = " ou ".join(w.risk_group for w in match.risks if w.risk_group) or None
    line = OfferLine(
        offer_id=offer.id,
        label=offer.label,
        who=who_text(who),
        group=None if match.risks else _group_name(who),
        rhythm=_rhythm_text(rhythm, on),
        coverage=_coverage_text(offer, on),
        how=[f.text for f in _facts(offer.how, on)],
        notes=[f.text for f in _facts(offer.notes, on)],
        next_due_age=next_age,
        next_due=next_text,
        risk_group=risk,
        link=offer.next_step_link,
        sources=_rank_sources([citations], calendar),
        needs_check=_needs_check(offer, groups, calendar, on),
    )
    return line, citations


def _milestone(offer: Offer, person: Person, on: date) -> Optional[Tuple[Milestone, Citation]]:
    """The next time this offer starts (or its next age band) for this person."""
    best: Optional[Tuple[Milestone, Citation]] = None
    for who in offer.who:
        if who.risk_group or who.catch_up or who.pregnancy == "required" or not who.valid_on(on):
            continue  # a catch-up is due now or not at all: never announced as a next step
        if who.sex != "any" and who.sex != person.known_sex:
            continue  # a sex-specific milestone is shown only when the sex is known
        rhythm = offer.rhythm_for(who)
        if rhythm.at_ages:
            window = _next_window(rhythm, who, person.years)
            if window is None:
                continue
            until = window.max_age if window.max_age not in (None, window.min_age) else None
            when = f"de {window.min_age} à {_years(until)}" if until else f"à {_years(window.min_age)}"
            label = window.label or _label_lc(offer)
            milestone = Milestone(window.min_age, f"{when} : {label}", offer.id, until_age=until)
        else:
            start = who.min_months
            if start <= person.months:
                continue
            if who.min_age_months is not None and start < 36:
                milestone = Milestone(start // 12, f"à {start} mois : {_label_lc(offer)}", offer.id, at_age_months=start)
            else:
                milestone = Milestone(start // 12, f"à {_years(start // 12)} : {_label_lc(offer)}", offer.id)
        if best is None or milestone.sort_months < best[0].sort_months:
            best = (milestone, (rhythm.source_id, offer.to_check or rhythm.to_check))
    return best


def _milestones(
    person: Person, on: date, calendar: PreventionCalendar, skip: Sequence[str]
) -> List[Tuple[Milestone, Citation]]:
    found = []
    for index, offer in enumerate(calendar.offers):
        if not offer.in_calendar or offer.id in skip:
            continue
        hit = _milestone(offer, person, on)
        if hit is not None:
            found.append((hit[0].sort_months, index, hit))
    return [hit for _, _, hit in sorted(found, key=lambda t: (t[0], t[1]))][:MAX_MILESTONES]


# --- public API -------------------------------------------------------------------------------


def offers_for(person: Person, today: Optional[date] = None) -> PreventionAnswer:
    """The prevention offers for this person on `today` (default: the real today).

    `now`: offers due now; `if_at_risk`: offers for a risk group the person may be in; `next`: the
    next milestones; `needs`: "sex" / "pregnant" when knowing them would change the answer (or
    "age" when it is missing: then nothing else is filled).
    """
    on = today or date.today()
    calendar = load_prevention()
    if not person.has_age:
        return PreventionAnswer(person=person, on=on, needs=["age"])
    now, at_risk = _evaluate(person, on, calendar)
    now_lines = [_line(m, person, on, calendar) for m in now]
    risk_lines = [_line(m, person, on, calendar) for m in at_risk]
    milestones = _milestones(person, on, calendar, skip=[m.offer.id for m in now])
    sex_changes, sex_hidden = _sex_effect(person, on, calendar)
    pregnancy_changes, pregnancy_added = _pregnancy_effect(person, on, calendar)
    needs = []
    if sex_changes:
        needs.append("sex")
    if pregnancy_changes and person.sex == "female":
        needs.append("pregnant")  # asked once the sex is known
    citations = [c for _, c in now_lines + risk_lines] + [[c] for _, c in milestones]
    return PreventionAnswer(
        person=person,
        on=on,
        now=[line for line, _ in now_lines],
        if_at_risk=[line for line, _ in risk_lines],
        next=[m for m, _ in milestones],
        sources=_rank_sources(citations, calendar),
        needs=needs,
        sex_dependent_hidden=sex_hidden,
        pregnancy_dependent=pregnancy_added,
    )


def needed_facts(person: Person, today: Optional[date] = None) -> List[str]:
    """Facts to ask, in order: "age"; "age_months" (under 3, when the months change the answer);
    "sex" (only when it changes the answer); "pregnant" (a woman aged 15 to 49, when it changes
    the answer)."""
    on = today or date.today()
    if not person.has_age:
        return ["age"]
    facts = []
    if person.age_months is None and person.years < 3:
        calendar = load_prevention()
        first = replace(person, age_months=person.years * 12)
        last = replace(person, age_months=person.years * 12 + 11)
        if _ids(first, on, calendar) != _ids(last, on, calendar):
            facts.append("age_months")
    return facts + offers_for(person, on).needs


def _age_in_text(text: str) -> Optional[Person]:
    """The age a question gives ("ma fille a 11 mois"), as a Person, or None."""
    if not re.search(r"\d", text) and " an" not in text and " mois" not in text:
        return None
    try:
        parsed = age_from_text(text)
    except (ValueError, OverflowError):
        return None
    if not parsed.ok or parsed.value is None:
        return None
    years, months = parsed.value
    try:
        return Person(age_years=years, age_months=months)
    except ValueError:
        return None


def _fits_age(offer: Offer, person: Optional[Person], on: date) -> int:
    """1 when the age of the question falls in one of the offer's groups (risk groups aside)."""
    if person is None:
        return 0
    return int(any(not w.risk_group and w.pregnancy != "required" and _fits(w, person, on) is not False
                   for w in offer.who))


def find_offer(text: str) -> Optional[str]:
    """The offer a question is about, by keywords (accents and case ignored); None if no match.

    Specific keywords win over generic ones ("vaccin" alone points to the booster calendar, but
    "vaccin contre la grippe" to the flu vaccine); among offers, the longest matches win. Between
    offers matched equally, the one whose groups include the age the question gives wins ("ma fille
    a 11 mois, quels vaccins ?" is about the infant vaccines).
    """
    return _best_offer(text)[0]


def names_an_offer(text: str) -> bool:
    """Does the question name one offer by one of its own words ("grippe", "mammographie"), not only
    by a generic one ("vaccins")? "ma mère a 70 ans, quels vaccins ?" asks for her plan."""
    return _best_offer(text)[1] > 0


def _best_offer(text: str) -> Tuple[Optional[str], int]:
    """(best offer, its strong keywords' score)."""
    if not isinstance(text, str):
        return None, 0
    words = _words(_clean(text)[:MAX_SENTENCE_CHARS])
    if not words:
        return None, 0
    on = date.today()
    person: Any = ...  # read only when two offers tie on their keywords
    best, best_score = None, (0, 0, 0)
    for offer in load_prevention().offers:
        strong = {_words(k) for k in offer.keywords} - {""}
        weak = {_words(k) for k in offer.weak_keywords} - {""}
        strong_score = sum(len(k) for k in strong if _has_phrase(words, k))
        weak_score = sum(len(k) for k in weak if _has_phrase(words, k))
        if not strong_score and not weak_score:
            continue
        if person is ...:
            person = _age_in_text(_clean(text)[:MAX_SENTENCE_CHARS])
        score = (strong_score, _fits_age(offer, person, on), weak_score)
        if score > best_score:
            best, best_score = offer.id, score
    return best, best_score[0]


def direct_answer(offer_id: str, today: Optional[date] = None) -> str:
    """A short French answer about one offer: for whom, how often, coverage, how, sources.

    Raises KeyError for an unknown offer id.
    """
    on = today or date.today()
    calendar = load_prevention()
    offer = calendar.offer(offer_id)
    groups = [(who, offer.rhythm_for(who)) for who in offer.who if who.valid_on(on)]
    lines = [f"{offer.label} :"]
    campaigns: List[Campaign] = []
    for who, rhythm in groups:
        old = offer.to_check or rhythm.to_check
        flag = CHECK if old or any(calendar.source(i).needs_check for i in (rhythm.source_id, who.source_id)) else ""
        lines.append(f"• {who_text(who)} : {_lc(rhythm.text)}{flag}")
        if rhythm.campaign and rhythm.campaign not in campaigns:
            campaigns.append(rhythm.campaign)
    lines += [campaign_text(c, on) for c in campaigns]
    coverage, how = _facts(offer.coverage, on), _facts(offer.how, on)
    if coverage:
        old = offer.to_check or any(f.to_check or calendar.source(f.source_id).needs_check for f in coverage)
        lines.append(f"Prise en charge : {_coverage_text(offer, on)}.{CHECK if old else ''}")
    if how:
        lines.append(f"Comment : {' ; '.join(f.text for f in how)}.")
    lines += [f.text + (CHECK if f.to_check else "") for f in _facts(offer.notes, on)]
    sources = _rank_sources([_citations(offer, groups, on)], calendar)
    lines += [_source_line(s) for s in sources[:MAX_SOURCE_LINES]]
    return "\n".join(lines)


def _age_text(person: Person) -> str:
    if person.age_months is not None and person.age_months < 36:
        return f"{person.age_months} mois"
    if person.years == 0:
        return "moins d'un an"
    return _years(person.years)


def _subject(person: Person) -> str:
    """How the answer names the person: "votre enfant", "votre mère", "une femme"."""
    if person.for_whom == "child":
        return "votre enfant"
    if person.for_whom == "parent":
        return {"female": "votre mère", "male": "votre père"}.get(person.known_sex or "", "votre parent")
    if person.pregnant:
        return "une femme enceinte"
    return {"female": "une femme", "male": "un homme"}.get(person.sex or "", "une personne")


def _header(person: Person) -> str:
    return f"Pour {_subject(person)} de {_age_text(person)} :"


def _risk_header(person: Person) -> str:
    if person.for_whom == "self":
        return "Selon votre santé :"
    if person.for_whom in ("child", "parent"):
        return f"Selon la santé de {_subject(person)} :"
    return "Selon son état de santé :"


def _inline(labels: Sequence[str]) -> str:
    """Offer labels inside a sentence: "M'T dents (dentiste) et vaccin contre la grippe"."""
    proper = {o.label for o in load_prevention().offers if o.proper_name}
    return _join_fr([label if label in proper else _lc(label) for label in labels])


def _offer_block(line: OfferLine) -> List[str]:
    title = f"• {line.label}" + (f" — {_lc(line.group)}" if line.group else "")
    out = [title, f"  {line.rhythm}{CHECK if line.needs_check else ''}"]
    if line.coverage:
        out.append(f"  Prise en charge : {line.coverage}.")
    if line.how:
        out.append(f"  Comment : {' ; '.join(line.how[:MAX_HOW])}.")
    if line.next_due:
        out.append(f"  Ensuite : {line.next_due.rstrip('.')}.")
    return out


def render_prevention(answer: PreventionAnswer, person: Optional[Person] = None) -> str:
    """The answer in plain French: for whom, "Dès maintenant", "Selon votre santé", "Bientôt",
    then one "Source : <url> (vérifié le jj/mm/aaaa)" line per source (at most 3, official first)."""
    person = person or answer.person
    if not person.has_age:
        whose = "votre âge" if person.for_whom == "self" else f"l'âge de {_subject(person)}"
        return f"Pour vous indiquer les offres de prévention, j'ai besoin de {whose}."
    lines = [_header(person)]
    if answer.now:
        lines.append("Dès maintenant :")
        for line in answer.now:
            lines += _offer_block(line)
    else:
        lines.append("Dès maintenant : pas d'offre de notre calendrier à cet âge.")
    if answer.if_at_risk:
        lines.append(_risk_header(person))
        for line in answer.if_at_risk:
            cover = f" ({line.coverage})" if line.coverage else ""
            lines.append(f"• {line.label}{cover}, si : {line.risk_group}.{CHECK if line.needs_check else ''}")
    if answer.sex_dependent_hidden:
        lines.append(f"D'autres offres dépendent du sexe : {_inline(answer.sex_dependent_hidden)}.")
    if answer.pregnancy_dependent:
        lead = "Si vous êtes enceinte" if person.for_whom == "self" else "En cas de grossesse"
        lines.append(f"{lead}, s'ajoutent : {_inline(answer.pregnancy_dependent)}.")
    if answer.next:
        lines.append("Bientôt :")
        lines += [f"• {m.text}" for m in answer.next]
    lines += [_source_line(s) for s in answer.sources[:MAX_SOURCE_LINES]]
    return "\n".join(lines)


def next_step_buttons(answer: PreventionAnswer, limit: int = 3) -> List[Dict[str, str]]:
    """Official pages for the next step of the offers shown: [{"title", "url"}], distinct URLs."""
    buttons: List[Dict[str, str]] = []
    for line in answer.now + answer.if_at_risk:
        if line.link and all(b["url"] != line.link.url for b in buttons):
            buttons.append({"title": line.link.title, "url": line.link.url})
    return buttons[:limit]


_YEARS_AND_MONTHS = re.compile(r"\b(\d+)\s*ans?\s*(?:et\s*)?(\d+)\s*mois\b")
_MONTHS = re.compile(r"\b(\d+)\s*mois\b")
_BIRTH_DATE = re.compile(r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b|\bnee?s?\s+le\b")


def age_from_text(text: str, today: Optional[date] = None) -> Parsed:
    """(years, months or None) from an answer: "52 ans", "18 mois", "2 ans et 3 mois", a birth date.

    The years come from bot.parsing.parse_age; the months are kept when given (or computed from a
    birth date under 3 years), since they matter for infants.
    """
    on = today or date.today()
    folded = _digits(_fold(_clean(text)), threshold=0)
    both = _YEARS_AND_MONTHS.search(folded)
    if both:
        extra = int(both.group(2))
        months = int(both.group(1)) * 12 + extra
        if months > MAX_AGE * 12:
            return Parsed(value=None, error=_AGE_RANGE_ERROR)
        return Parsed(value=(months // 12, months), interpretation=f"J'ai compris {_years(months // 12)} et {extra} mois.")
    parsed = parse_age(text, today=on)
    if not parsed.ok:
        return Parsed(value=None, error=parsed.error)
    months: Optional[int] = None
    only_months = _MONTHS.search(folded)
    if only_months:
        months = int(only_months.group(1))
    elif _BIRTH_DATE.search(folded) and parsed.value < 3:
        birth = parse_past_date(text, today=on)
        if birth.ok:
            b = birth.value
            months = (on.year - b.year) * 12 + on.month - b.month - (1 if on.day < b.day else 0)
    return Parsed(value=(parsed.value, months), interpretation=parsed.interpretation)


# --- answers by aspect (issue 16) -----------------------------------------------------------------
#
# A question on one offer asks one aspect of it (bot/aspects.py PREVENTION_ASPECTS): from what age,
# how often, the coverage, how to get it, the special cases, or the whole card ("overview"). The
# answer picks the lines of prevention.yml that carry that aspect (by their section and `aspects`,
# never by their position), and, when the person is known (age, sex, pregnancy), says first what
# holds for them. It never asks anything.

MAX_ASPECT_CHARS = 470  # with its source line, the first reply stays within 600 characters
CHECK_EN = " (to be checked)"
LANGUAGES = ("fr", "en")
ANSWER_ASPECTS = (*PREVENTION_ASPECTS, OVERVIEW)
# Aspects of the other families that a prevention question may be read as, and the prevention
# aspect that answers them ("c'est remboursé ?" read as `cost` is the coverage).
_FROM_OTHER_FAMILIES = {
    "what_is": OVERVIEW, "who": "age", "cost": "coverage", "covered": "coverage", "ceiling": "coverage",
    "apply": "how", "documents": "how", "contact": "how", "delay": "frequency", "renewal": "frequency",
    "start": "age", "cumul": "special", "recourse": "special",
}
_ASPECT_EN = {
    "age": "the ages", "frequency": "how often", "coverage": "the coverage", "how": "how to get it",
    "special": "special cases (pregnancy, higher risk)", OVERVIEW: "the essentials",
}


@dataclass(frozen=True)
class AspectAnswer:
    """The answer to one aspect of one offer.

    `text`: 1 to 3 short sentences (at most MAX_ASPECT_CHARS), no source line; `sources`: best
    first (the lead renders one source line from the first); `gap`: the knowledge has no line for
    this aspect (then `text` says so and names where to ask)."""

    text: str
    sources: Tuple[Source, ...]
    gap: bool = False


@dataclass(frozen=True)
class _Part:
    text: str
    cites: Tuple[Citation, ...]
    check: bool = False  # a line of the part is old or secondary: "(à vérifier)"


@dataclass(frozen=True)
class _Fit:
    """Where the person stands for one offer."""

    status: str  # in | risk_only | too_young | too_old | not_window | other_sex
    group: Optional[Who] = None  # the group that applies (in), or the one to compare with
    window: Optional[AgeWindow] = None  # the age band due now (in) or next (not_window)
    risks: Tuple[Who, ...] = ()


def _en(language: str) -> bool:
    return language == "en"


def _say(line: Any, language: str) -> str:
    """The line's text in the language asked (its French text when it has no English one)."""
    return (line.en or line.text) if _en(language) else line.text


def _offer_label(offer: Offer, language: str) -> str:
    return offer.label_en if _en(language) else offer.label


def _check_mark(language: str) -> str:
    return CHECK_EN if _en(language) else CHECK


def _line_needs_check(offer: Offer, line: Any, calendar: PreventionCalendar) -> bool:
    return offer.to_check or bool(getattr(line, "to_check", False)) or calendar.source(line.source_id).needs_check


def _answers(line: Any, section: str, aspect: str) -> bool:
    """Whether a line of `section` (rhythm, coverage, how, notes) answers `aspect`."""
    own = {"rhythm": "frequency", "coverage": "coverage", "how": "how"}.get(section)
    return aspect == own or aspect in line.aspects


# --- the groups in English ---------------------------------------------------------------------


def _bound_text_en(value: int, unit: str) -> str:
    return f"{value} month{'s' if value != 1 else ''}" if unit == "mois" else f"{value}"


def _ages_text_en(who: Who) -> str:
    low = _bound(who.min_age, who.min_age_months)
    high = _bound(who.max_age, who.max_age_months)
    if low and high:
        if low[0] == 0:
            return f"from birth to {_bound_text_en(*high)}" + ("" if high[1] == "mois" else " years")
        if low[1] == high[1]:
            return f"aged {low[0]} to {_bound_text_en(*high)}"
        return f"aged {_bound_text_en(*low)} to {_bound_text_en(*high)} years"
    if low and low[0] > 0:
        return f"aged {_bound_text_en(*low)} and over"
    if high:
        return f"up to age {high[0]}" if high[1] == "ans" else f"up to {_bound_text_en(*high)}"
    return ""


def _sex_words_en(who: Who) -> str:
    french = _sex_words(who)
    return {"filles": "girls", "femmes": "women", "garçons": "boys", "hommes": "men",
            "filles et garçons": "girls and boys", "femmes et hommes": "women and men"}.get(french, "")


def who_text_en(who: Who) -> str:
    """The group in English: "Women aged 50 to 74", "Catch-up, aged 15 to 26"."""
    return _group_text(_sex_words_en(who), _ages_text_en(who), who.label_en, who.pregnancy_window_en,
                       who.risk_group_en, "If")


def _who(who: Who, language: str) -> str:
    return who_text_en(who) if _en(language) else who_text(who)


def _campaign_en(campaign: Campaign, on: date) -> str:
    if on < campaign.start:
        return f"{campaign.season} campaign: from {fr_date(campaign.start)} to {fr_date(campaign.end)}."
    if on <= campaign.end:
        return f"{campaign.season} campaign running until {fr_date(campaign.end)}."
    parts = [campaign.usual.en or campaign.usual.text] if campaign.usual else []
    parts.append(f"The {campaign.season} campaign has ended.")
    following = _season_on(on)
    if following == campaign.season:
        following = f"{int(following[:4]) + 1}-{int(following[:4]) + 2}"
    where = f": check them at {campaign.check.url}" if campaign.check else ""
    parts.append(f"The dates of the {following} campaign are not included here{where}.")
    return " ".join(parts)


def _campaign(campaign: Campaign, on: date, language: str) -> str:
    return _campaign_en(campaign, on) if _en(language) else campaign_text(campaign, on)


def _campaign_cites(campaign: Campaign, on: date) -> List[Citation]:
    if on <= campaign.end:
        return [(campaign.source_id, False)]
    return [(campaign.usual.source_id, False)] if campaign.usual else []


# --- where the person stands -----------------------------------------------------------------------


def _fits(who: Who, person: Person, on: date) -> Optional[bool]:
    """True: the group applies to the person; False: it does not; None: it depends on what is not known."""
    if not who.valid_on(on):
        return False
    unknown = False
    bounded = any(b is not None for b in (who.min_age, who.max_age, who.min_age_months, who.max_age_months))
    if bounded:
        if not person.has_age:
            unknown = True
        else:
            years, months = person.years, person.months
            if (who.min_age is not None and years < who.min_age) or (who.max_age is not None and years > who.max_age):
                return False
            if who.min_age_months is not None and months < who.min_age_months:
                return False
            if who.max_age_months is not None and months > who.max_age_months:
                return False
    if who.sex != "any":
        if person.known_sex is None:
            unknown = True
        elif person.known_sex != who.sex:
            return False
    if who.pregnancy == "required":
        if person.pregnant is False or person.known_sex == "male":
            return False
        if person.pregnant is None:
            unknown = True
    return None if unknown else True


def _plain(who: Who) -> bool:
    """A group defined by age (and sex) only: no risk group, no pregnancy."""
    return who.risk_group is None and who.pregnancy != "required"


def _fit(offer: Offer, person: Optional[Person], on: date) -> Optional[_Fit]:
    """Where the person stands for this offer; None when nothing about them is known."""
    if person is None or not (person.has_age or person.pregnant is not None or person.known_sex is not None):
        return None
    groups = [w for w in offer.who if w.valid_on(on)]
    missed_window: Optional[Tuple[Who, Optional[AgeWindow]]] = None
    for who in groups:
        if who.risk_group or _fits(who, person, on) is not True:
            continue
        rhythm = offer.rhythm_for(who)
        if rhythm.at_ages and person.has_age:
            window = _window_now(rhythm, person.years)
            if window is None:
                missed_window = missed_window or (who, _next_window(rhythm, who, person.years))
                continue
            return _Fit("in", who, window)
        return _Fit("in", who)
    risks = tuple(w for w in groups if w.risk_group and _fits(w, person, on) is True)
    if risks:
        return _Fit("risk_only", risks=risks)
    if missed_window:
        return _Fit("not_window", missed_window[0], missed_window[1])
    if not person.has_age:
        return None
    plain = [w for w in groups if _plain(w)]
    same_sex = [w for w in plain if w.sex == "any" or person.known_sex in (None, w.sex)]
    if plain and not same_sex:
        return _Fit("other_sex", plain[0])
    months = person.months
    later = [w for w in same_sex if w.min_months > months]
    if later:
        first = min(later, key=lambda w: w.min_months)
        if months < 18 * 12 <= first.min_months:
            return None  # an adults' offer asked about for a child: the answer for anybody says it
        return _Fit("too_young", first)
    earlier = [w for w in same_sex if w.max_months is not None and w.max_months < months]
    if earlier:
        last = max(earlier, key=lambda w: w.max_months or 0)
        if (last.max_months or 0) < 18 * 12 <= months:
            return None  # a child's offer asked about by an adult: the answer for anybody says it
        return _Fit("too_old", last)
    return None


def _at(person: Person, who: Optional[Who], language: str) -> str:
    """"à 70 ans", "à 18 mois", "pendant la grossesse" (lower case: it follows "Label : ")."""
    if (who is not None and who.pregnancy == "required") or (not person.has_age and person.pregnant):
        return "during pregnancy" if _en(language) else "pendant la grossesse"
    if not person.has_age:
        return ""
    if _en(language):
        if person.age_months is not None and person.age_months < 36:
            return f"at {person.age_months} month{'s' if person.age_months != 1 else ''}"
        return "under 1 year old" if person.years == 0 else f"at {person.years}"
    if person.years == 0 and (person.age_months is None or person.age_months < 1):
        return "avant 1 an"
    return f"à {_age_text(person)}"


def _is(person: Person, language: str, negative: bool = False) -> str:
    """"vous êtes" / "votre enfant n'est"… (the verb of the subject, before "dans le public")."""
    if _en(language):
        who = {"self": "you are", "child": "your child is", "other": "this person is"}.get(person.for_whom)
        if who is None:
            who = {"female": "your mother is", "male": "your father is"}.get(person.known_sex or "", "your parent is")
        return who + (" not" if negative else "")
    if person.for_whom == "self":
        return "vous n'êtes" if negative else "vous êtes"
    subject = {"child": "votre enfant", "other": "cette personne"}.get(person.for_whom) or _subject(person)
    return f"{subject} n'est" if negative else f"{subject} est"


def _start_text(who: Who, language: str) -> str:
    value, unit = _bound(who.min_age, who.min_age_months) or (0, "ans")
    if _en(language):
        return f"{value} months" if unit == "mois" else f"age {value}"
    return _bound_text(value, unit)


def _end_text(who: Who, language: str) -> str:
    value, unit = _bound(who.max_age, who.max_age_months) or (0, "ans")
    if _en(language):
        return f"{value} months" if unit == "mois" else f"age {value}"
    return _bound_text(value, unit)


def _band(window: AgeWindow, language: str) -> str:
    if window.max_age is not None and window.max_age != window.min_age:
        return f"{window.min_age}-{window.max_age}" + ("" if _en(language) else " ans")
    return f"age {window.min_age}" if _en(language) else _years(window.min_age)


def _risk_items(risks: Sequence[Who], language: str) -> str:
    items = []
    for who in risks:
        risk = (who.risk_group_en or who.risk_group) if _en(language) else who.risk_group
        label = (who.label_en or who.label) if _en(language) else who.label
        if label and label.lower().split(" ", 1)[0] not in (risk or "").lower():
            items.append(f"{_lc(label)} — {risk}")
        else:
            items.append(risk or "")
    return " ; ".join(items) if not _en(language) else "; ".join(items)


def _colon(language: str) -> str:
    return ": " if _en(language) else " : "


def _public(who: Who, language: str) -> str:
    """The group in a lead's parentheses: "femmes de 50 à 74 ans", "à partir de 65 ans" (both sexes
    are not named: the answer does not depend on the sex)."""
    if who.sex == "any" and not who.label and not who.risk_group and who.pregnancy != "required":
        ages = _ages_text_en(who) if _en(language) else _ages_text(who)
        if ages:
            return ages
    return _lc(_who(who, language))


def _lead(offer: Offer, fit: _Fit, person: Person, aspect: str, on: date,
          calendar: PreventionCalendar, language: str) -> Optional[_Part]:
    """The first sentence, for the person: where they stand for this offer."""
    en = _en(language)
    label = _offer_label(offer, language)
    at = _at(person, fit.group, language)
    head = f"{label}{_colon(language)}{at}" if at else label
    who = fit.group
    if fit.status == "in" and who is not None:
        rhythm = offer.rhythm_for(who)
        desc = None
        if fit.window is not None:
            desc = _band(fit.window, language)
        elif who.pregnancy == "required":
            desc = who.pregnancy_window_en if en else who.pregnancy_window
        elif who.label:
            desc = _lc(_who(who, language))
        cites: List[Citation] = [(who.source_id, offer.to_check)]
        if aspect in ("frequency", "special"):
            text = f"{head}{f' ({desc})' if desc else ''}, {_lc(_say(rhythm, language)).rstrip('.')}"
            if not at:
                text = f"{label}{_colon(language)}{f'{desc}, ' if desc else ''}{_lc(_say(rhythm, language)).rstrip('.')}"
            cites.insert(0, (rhythm.source_id, offer.to_check or rhythm.to_check))
            if rhythm.campaign:
                text += f". {_campaign(rhythm.campaign, on, language).rstrip('.')}"
                cites += _campaign_cites(rhythm.campaign, on)
            check = offer.to_check or rhythm.to_check or any(calendar.source(s).needs_check for s, _ in cites[:2])
            return _Part(text + ".", tuple(cites), check)
        public = desc if who.pregnancy == "required" else (desc or _public(who, language))
        group = "in the group concerned" if en else "dans le public concerné"
        group += f" ({public})" if public else ""
        text = f"{head}, {_is(person, language)} {group}." if at else f"{label}{_colon(language)}{_is(person, language)} {group}."
        return _Part(text, tuple(cites), offer.to_check or calendar.source(who.source_id).needs_check)
    if fit.status == "risk_only":
        items = _risk_items(fit.risks, language)
        plain = next((w for w in offer.who if w.valid_on(on) and _plain(w) and _ages_text(w)), None)
        everyone = ""
        if plain is not None:
            everyone = f"; for everyone: {_public(plain, language)}" if en else f" ; pour tous : {_public(plain, language)}"
        text = f"{head}, only if: {items}{everyone}." if en else f"{head}, seulement si : {items}{everyone}."
        cites = tuple((w.source_id, offer.to_check) for w in fit.risks)
        if plain is not None:
            cites += ((plain.source_id, offer.to_check),)
        return _Part(text, cites, offer.to_check or any(calendar.source(s).needs_check for s, _ in cites))
    if who is None:
        return None
    public = _public(who, language)
    if fit.status == "not_window":
        rhythm = offer.rhythm_for(who)
        if en:
            text = f"{head}, not now" + (f"; next time: {_band(fit.window, language)}." if fit.window else ".")
        else:
            text = f"{head}, ce n'est pas le moment" + (f" ; prochaine fois : {_band(fit.window, language)}." if fit.window else ".")
        return _Part(text, ((rhythm.source_id, offer.to_check),), offer.to_check or calendar.source(rhythm.source_id).needs_check)
    if fit.status == "too_young":
        text = (f"{head}, {_is(person, language, True)} yet in the group concerned, which starts at {_start_text(who, language)} ({public})."
                if en else
                f"{head}, {_is(person, language, True)} pas encore dans le public concerné, qui commence à {_start_text(who, language)} ({public}).")
    elif fit.status == "too_old":
        text = (f"{head}, {_is(person, language, True)} in the group concerned any more, which ends at {_end_text(who, language)} ({public})."
                if en else
                f"{head}, {_is(person, language, True)} plus dans le public concerné, qui s'arrête à {_end_text(who, language)} ({public}).")
    else:  # other_sex
        text = (f"{label}: {_is(person, language, True)} in the group concerned ({public})." if en else
                f"{label} : {_is(person, language, True)} pas dans le public concerné ({public}).")
    return _Part(text, ((who.source_id, offer.to_check),), offer.to_check or calendar.source(who.source_id).needs_check)


# --- the lines of an aspect --------------------------------------------------------------------------


def _fact_part(offer: Offer, line: Any, calendar: PreventionCalendar, language: str, prefix: str = "") -> _Part:
    text = _say(line, language).rstrip(".")
    text = f"{prefix}{text}" if prefix else _ucfirst(text)
    old = offer.to_check or bool(getattr(line, "to_check", False))
    return _Part(text + ".", ((line.source_id, old),), _line_needs_check(offer, line, calendar))


def _valid_groups(offer: Offer, on: date) -> List[Who]:
    return [w for w in offer.who if w.valid_on(on)]


def _groups_part(offer: Offer, groups: Sequence[Who], on: date, calendar: PreventionCalendar,
                 language: str, intro: str) -> Optional[_Part]:
    if not groups:
        return None
    sep = "; " if _en(language) else " ; "
    texts = [_lc(_who(w, language)) for w in groups]
    cites = tuple((w.source_id, offer.to_check) for w in groups)
    check = offer.to_check or any(calendar.source(w.source_id).needs_check for w in groups)
    return _Part(f"{intro}{sep.join(texts)}.", cites, check)


def _rhythm_parts(offer: Offer, on: date, calendar: PreventionCalendar, language: str,
                  skip: Sequence[str] = ()) -> List[_Part]:
    """One part per distinct rhythm of the groups in force (the group named when there are several)."""
    groups = _valid_groups(offer, on)
    distinct: List[Tuple[Rhythm, List[Who]]] = []
    for who in groups:
        rhythm = offer.rhythm_for(who)
        for r, whos in distinct:
            if r is rhythm:
                whos.append(who)
                break
        else:
            distinct.append((rhythm, [who]))
    parts = []
    label = _offer_label(offer, language)
    for rhythm, whos in distinct:
        if rhythm.id in skip:
            continue
        text = _say(rhythm, language).rstrip(".")
        if len(distinct) == 1:
            text = f"{label}{_colon(language)}{_lc(text)}"
        else:
            text = f"{_who(whos[0], language)}{_colon(language)}{_lc(text)}"
        cites: List[Citation] = [(rhythm.source_id, offer.to_check or rhythm.to_check)]
        if rhythm.campaign:
            text += f". {_campaign(rhythm.campaign, on, language).rstrip('.')}"
            cites += _campaign_cites(rhythm.campaign, on)
        check = offer.to_check or rhythm.to_check or calendar.source(rhythm.source_id).needs_check
        parts.append(_Part(text + ".", tuple(cites), check))
    return parts


def _section_lines(offer: Offer, aspect: str, on: date) -> List[Tuple[str, Any]]:
    """(section, line) of the coverage, how and notes lines in force that answer `aspect`."""
    out = []
    for section in ("coverage", "how", "notes"):
        out += [(section, f) for f in _facts(getattr(offer, section), on) if _answers(f, section, aspect)]
    return out


def _joined_part(offer: Offer, lines: Sequence[Any], intro: str, calendar: PreventionCalendar, language: str) -> _Part:
    """Several short lines of one section in one sentence: "Label, prise en charge : a ; b."."""
    sep = "; " if _en(language) else " ; "
    text = intro + sep.join(_say(f, language).rstrip(".") for f in lines)
    cites = tuple((f.source_id, offer.to_check or bool(getattr(f, "to_check", False))) for f in lines)
    check = any(_line_needs_check(offer, f, calendar) for f in lines)
    return _Part(text + ".", cites, check)


def _aspect_parts(offer: Offer, aspect: str, on: date, calendar: PreventionCalendar, language: str,
                  used: Sequence[str], said_groups: Sequence[Who] = ()) -> List[_Part]:
    """The parts that answer `aspect` for anybody, best first (lines already said in `used`, and
    groups the lead named in `said_groups`, left out)."""
    en = _en(language)
    label = _offer_label(offer, language)
    lines = [(s, f) for s, f in _section_lines(offer, aspect, on) if f.id not in used]
    leading = [(s, f) for s, f in lines if aspect in f.leads]
    others = [(s, f) for s, f in lines if aspect not in f.leads]
    rhythms_leading = [r for r in offer.rhythms if aspect in r.leads and r.id not in used]
    parts: List[Optional[_Part]] = [_fact_part(offer, f, calendar, language) for _, f in leading]
    parts += [_fact_part(offer, r, calendar, language) for r in rhythms_leading]
    if aspect == "age":
        groups = [w for w in _valid_groups(offer, on) if w not in said_groups]
        intro = ("Also: " if en else "Aussi : ") if said_groups else f"{label}{_colon(language)}"
        parts.append(_groups_part(offer, groups, on, calendar, language, intro))
        parts += [_fact_part(offer, r, calendar, language) for r in offer.rhythms
                  if "age" in r.aspects and r.id not in used and r not in rhythms_leading]
        parts += [_fact_part(offer, f, calendar, language) for _, f in others]
    elif aspect == "frequency":
        parts += _rhythm_parts(offer, on, calendar, language, skip=list(used) + [r.id for r in rhythms_leading])
        parts += [_fact_part(offer, f, calendar, language) for _, f in others]
    elif aspect in ("coverage", "how"):
        own = [f for s, f in others if s == aspect]
        intro = {("coverage", False): f"{label}, prise en charge : ", ("coverage", True): f"{label}, coverage: ",
                 ("how", False): f"{label}, comment faire : ", ("how", True): f"{label}, how to get it: "}[(aspect, en)]
        if own:
            parts.append(_fact_part(offer, own[0], calendar, language, prefix=intro))
            parts += [_fact_part(offer, f, calendar, language) for f in own[1:]]
        parts += [_fact_part(offer, f, calendar, language) for s, f in others if s != aspect]
        parts += [_fact_part(offer, r, calendar, language) for r in offer.rhythms
                  if aspect in r.aspects and r.id not in used and r not in rhythms_leading]
    elif aspect == "special":
        special = [w for w in _valid_groups(offer, on) if (not _plain(w) or w.catch_up) and w not in said_groups]
        bare: List[Who] = []
        for who in special:
            rhythm = offer.rhythm_for(who)
            if rhythm.id in used:
                continue
            if who.rhythm is None or who.rhythm is offer.rhythm:
                bare.append(who)
                continue
            text = f"{_who(who, language)}{_colon(language)}{_lc(_say(rhythm, language))}"
            cites = ((who.source_id, offer.to_check), (rhythm.source_id, offer.to_check or rhythm.to_check))
            check = offer.to_check or rhythm.to_check or any(calendar.source(c).needs_check for c, _ in cites)
            parts.append(_Part(text if text.endswith(".") else text + ".", cites, check))
        if bare:
            intro = f"{label}, special cases: " if en else f"{label}, cas particuliers : "
            parts.append(_groups_part(offer, bare, on, calendar, language, intro))
        parts += [_fact_part(offer, f, calendar, language) for _, f in others]
        parts += [_fact_part(offer, r, calendar, language) for r in offer.rhythms
                  if "special" in r.aspects and r.id not in used and r not in rhythms_leading]
    return [p for p in parts if p is not None]


def _overview_parts(offer: Offer, on: date, calendar: PreventionCalendar, language: str,
                    used: Sequence[str] = ()) -> List[_Part]:
    """For whom, the rhythm, the coverage: the card in short."""
    en = _en(language)
    label = _offer_label(offer, language)
    parts = [_groups_part(offer, _valid_groups(offer, on), on, calendar, language, f"{label}{_colon(language)}")]
    rhythms = _rhythm_parts(offer, on, calendar, language, skip=used)
    if rhythms and not used:
        parts.append(rhythms[0])
    coverage = _facts(offer.coverage, on)
    if coverage:
        parts.append(_joined_part(offer, coverage, "Coverage: " if en else "Prise en charge : ", calendar, language))
    return [p for p in parts if p is not None]


def _without_label(part: _Part, offer: Offer, language: str) -> _Part:
    """The part without the offer's name in front, once the lead has named it."""
    label = _offer_label(offer, language)
    for head in (f"{label}{_colon(language)}", f"{label}, "):
        if part.text.startswith(head):
            return replace(part, text=_ucfirst(part.text[len(head):]))
    return part


def _name_once(parts: Sequence[_Part], offer: Offer, language: str) -> List[_Part]:
    """The offer named by the first part that names it, not again by the following ones."""
    label = _offer_label(offer, language)
    out: List[_Part] = []
    named = False
    for part in parts:
        out.append(_without_label(part, offer, language) if named else part)
        named = named or part.text.startswith(label)
    return out


def _fit_text(parts: Sequence[_Part], language: str, limit: int = MAX_ASPECT_CHARS) -> Tuple[str, List[_Part]]:
    """The parts, in order, that fit in `limit` characters (a part that does not fit is left out; the
    first one is cut at a word if it alone is too long)."""
    mark = _check_mark(language)
    kept: List[_Part] = []
    text = ""
    for part in parts:
        sentence = part.text[:-1] + mark + "." if part.check and part.text.endswith(".") else part.text + (mark if part.check else "")
        candidate = f"{text} {sentence}".strip()
        if len(candidate) <= limit:
            text, kept = candidate, kept + [part]
        elif not kept:
            room = sentence[: limit - 1]
            end = room.rfind(". ")
            cut = room[: end + 1] if end > limit // 3 else room.rsplit(" ", 1)[0].rstrip(",;:") + "…"
            text, kept = cut, [part]
    return text, kept


def _gap_text(offer: Offer, aspect: str, language: str, calendar: PreventionCalendar) -> str:
    where = offer.next_step_link.url if offer.next_step_link else calendar.source(offer.source_ids[0]).display_url
    if _en(language):
        return (f"I don't have sourced information on {_ASPECT_EN.get(aspect, aspect)} for: {offer.label_en}. "
                f"Ask your doctor or pharmacist, or see {where}.")
    return (f"Je n'ai pas d'information sourcée sur {aspect_label(aspect)} pour : {_label_lc(offer)}. "
            f"Demandez à votre médecin ou à votre pharmacien, ou consultez {where}.")


def _normal_aspect(aspect: str) -> str:
    """The prevention aspect that answers `aspect`: "own_case" is the card for the person, an aspect
    of the rights family its prevention counterpart ("cost" -> "coverage")."""
    if aspect in ANSWER_ASPECTS:
        return aspect
    if aspect == OWN_CASE:
        return OVERVIEW
    if aspect in _FROM_OTHER_FAMILIES:
        return _FROM_OTHER_FAMILIES[aspect]
    raise ValueError(f"unknown aspect {aspect!r}: one of {', '.join(ANSWER_ASPECTS)} (bot/aspects.py)")


def answer_offer(offer_id: str, aspect: str, person: Optional[Person] = None,
                 today: Optional[date] = None, language: str = "fr",
                 limit: int = MAX_ASPECT_CHARS) -> AspectAnswer:
    """The answer to one aspect of one offer ("age", "frequency", "coverage", "how", "special", or
    "overview"), for the person when something about them is known, in French or English.

    Never asks anything: what the answer does not depend on is not needed (the flu vaccine at 70
    does not depend on the sex). Dated lines are said as they stand on `today` (an ended campaign
    as ended), lines from an old or secondary source end with "(à vérifier)". Raises KeyError for an
    unknown offer, ValueError for an unknown aspect or language.
    """
    if language not in LANGUAGES:
        raise ValueError(f"language must be one of {LANGUAGES}, got {language!r}")
    on = today or date.today()
    calendar = load_prevention()
    offer = calendar.offer(offer_id)
    aspect = _normal_aspect(aspect)
    fit = _fit(offer, person, on)
    parts: List[_Part] = []
    used: List[str] = []
    said: List[Who] = []
    lead: Optional[_Part] = None
    if fit is not None and person is not None:
        lead = _lead(offer, fit, person, aspect, on, calendar, language)
        if lead is not None:
            parts.append(lead)
            said = [w for w in (fit.group, *fit.risks) if w is not None]
            if fit.status == "in" and fit.group is not None and aspect in ("frequency", "special"):
                used.append(offer.rhythm_for(fit.group).id)
    if aspect == OVERVIEW:
        body = _overview_parts(offer, on, calendar, language, used)
        if lead is not None:
            body = body[1:]  # the lead said for whom, for the person
        gap = False
    else:
        body = _aspect_parts(offer, aspect, on, calendar, language, used, said)
        # a lead about the person answers their age, rhythm or situation, not the coverage or the way
        gap = not body and (lead is None or aspect in ("coverage", "how"))
    parts += body
    if aspect in ("coverage", "how") and not gap:
        # a seasonal vaccine is free during its campaign: say where the campaign stands today
        campaigns = [r.campaign for r in offer.rhythms if r.campaign is not None]
        if campaigns and not any(_campaign(campaigns[0], on, language) in p.text for p in parts):
            campaign = _Part(_campaign(campaigns[0], on, language), tuple(_campaign_cites(campaigns[0], on)))
            parts.insert(len(parts) - len(body) + 1, campaign)  # right after the coverage itself
    parts = _name_once(parts, offer, language)
    if gap:
        text, kept = _fit_text(parts, language, limit - len(_gap_text(offer, aspect, language, calendar)) - 1)
        text = f"{text} {_gap_text(offer, aspect, language, calendar)}".strip()
        sources = _rank_sources([list(p.cites) for p in kept], calendar) or [calendar.source(offer.source_ids[0])]
        return AspectAnswer(text=text, sources=tuple(sources), gap=True)
    text, kept = _fit_text(parts, language, limit)
    sources = _rank_sources([list(p.cites) for p in kept], calendar)
    return AspectAnswer(text=text, sources=tuple(sources), gap=False)


def offer_reply(offer_id: str, aspect: str, person: Optional[Person] = None, today: Optional[date] = None,
                language: str = "fr") -> str:
    """answer_offer's sentences and one source line (none for an honest gap, which names its place),
    in at most MAX_FIRST_REPLY characters: a long source address leaves fewer sentences."""
    from bot.formatting import MAX_FIRST_REPLY, source_line

    def cited(answer: AspectAnswer) -> str:
        if not answer.sources or answer.gap:
            return answer.text
        source = answer.sources[0]
        return f"{answer.text}\n{source_line(source.display_url, source.checked, language)}"

    answer = answer_offer(offer_id, aspect, person, today, language)
    text = cited(answer)
    if len(text) > MAX_FIRST_REPLY:
        room = MAX_FIRST_REPLY - (len(text) - len(answer.text))
        text = cited(answer_offer(offer_id, aspect, person, today, language, limit=room))
    return text
