"""Prevention calendar: age, sex and pregnancy in; the prevention offers that apply out.

    load_prevention() -> PreventionCalendar            (cached; validated at load)
    offers_for(Person(age_years=52, sex="female"))     -> PreventionAnswer (now / if at risk / next)
    needed_facts(person) -> ["age" | "age_months" | "sex" | "pregnant", ...]  (asking order)
    find_offer("le vaccin HPV pour les garçons ?")     -> "hpv_vaccine"
    direct_answer("hpv_vaccine")                       -> plain French answer with its sources
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
from typing import Dict, FrozenSet, List, Optional, Sequence, Tuple, Union


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
    "CHILDBEARING_AGES",
    "Milestone",
    "OfferLine",
    "Person",
    "PreventionAnswer",
    "age_from_text",
    "campaign_text",
    "direct_answer",
    "find_offer",
    "load_prevention",
    "needed_facts",
    "next_step_buttons",
    "offers_for",
    "render_prevention",
    "who_text",
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


def _status(who: Who, person: Person, on: date) -> Optional[bool]:
    """True: the group applies; False: it does not; None: it depends on the sex or the pregnancy."""
    if not who.valid_on(on):
        return False
    years, months = person.years, person.months
    if (who.min_age is not None and years < who.min_age) or (who.max_age is not None and years > who.max_age):
        return False
    if who.min_age_months is not None and months < who.min_age_months:
        return False
    if who.max_age_months is not None and months > who.max_age_months:
        return False
    unknown = False
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
            if _status(who, person, on) is not True:
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


def who_text(who: Who) -> str:
    """The group in French: "Femmes de 50 à 74 ans", "Rattrapage, de 15 à 19 ans"."""
    core = " ".join(x for x in (_sex_words(who), _ages_text(who)) if x)
    parts = [p for p in (who.label, core) if p]
    text = ", ".join([_ucfirst(parts[0])] + parts[1:]) if parts else ""
    if who.pregnancy_window:
        text += f" ({who.pregnancy_window})"
    if who.risk_group:
        text = f"{text} — {who.risk_group}" if text else f"Si {who.risk_group}"
    return text


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


def find_offer(text: str) -> Optional[str]:
    """The offer a question is about, by keywords (accents and case ignored); None if no match.

    Specific keywords win over generic ones ("vaccin" alone points to the booster calendar, but
    "vaccin contre la grippe" to the flu vaccine); among offers, the longest matches win.
    """
    if not isinstance(text, str):
        return None
    words = _words(_clean(text)[:MAX_SENTENCE_CHARS])
    if not words:
        return None
    best, best_score = None, (0, 0)
    for offer in load_prevention().offers:
        strong = {_words(k) for k in offer.keywords} - {""}
        weak = {_words(k) for k in offer.weak_keywords} - {""}
        score = (
            sum(len(k) for k in strong if _has_phrase(words, k)),
            sum(len(k) for k in weak if _has_phrase(words, k)),
        )
        if score > best_score:
            best, best_score = offer.id, score
    return best


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
