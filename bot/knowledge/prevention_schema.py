"""Pydantic (1.10) models for the prevention calendar, bot/knowledge/prevention.yml.

Each offer (a screening, a vaccine, an exam...) lists who it is for (`who`: one entry per group of
people, e.g. "65 years and over", "pregnant women", "people at risk"), its rhythm (text for people,
machine fields for the code), its coverage, how to get it, an official link and its sources. Every
text line names a `source_id`; the calendar's root validator checks that each one exists in the
top-level `sources` (`PreventionSource`: the rights cards' `Source` plus a never-shown `editor_note`).

Ages are inclusive and in whole years (`min_age`, `max_age`) or, for infants, in months
(`min_age_months`, `max_age_months`); a bound may mix both (12 months to 17 years).

Dates: a group (`Who`) and a sourced line (`Fact`) carry their period (`valid_from`, `valid_to`,
inclusive, as bot/knowledge/schema.py's `Period`); past `valid_to` the bot no longer states them.
A text that says "depuis le <date>" needs a `valid_from`, one that says "jusqu'au <date>" a
`valid_to` (checked at load). A campaign (`Campaign`, the flu season) has its own period
(`start`, `end`); past its end the bot says it has ended and gives the recurring rule (`usual`)
and where to check the next dates (`check`).

What is shown and what is not: every text field is shown to people (chat, kiosk, staff page)
except `editor_note` (sources and offers) and `no_official_source` (offers), kept for the
people who maintain the file and never rendered. Shown texts must not hold research notes or
machine paths (`RESEARCH_NOTE_PATTERNS`); source and link URLs must not be a bare domain.
Every offer's main source (first of `source_ids`) is official, or `no_official_source` says why.

Lines addressable by aspect (issue 16): every text line (`rhythm`, `coverage`, `how`, `notes`, a
campaign's `usual`) has an `id` unique in the file, so no code picks a line by its position. A line
answers the aspect of its section (coverage -> `coverage`, how -> `how`, rhythm -> `frequency`) and
the ones its `aspects` list adds; a note answers only the aspects it lists (at least one). Aspects
are those of bot/aspects.py (PREVENTION_ASPECTS).

English: every shown French text has its English wording beside it (`en` on lines, `label_en` on
offers, `label_en` / `risk_group_en` / `pregnancy_window_en` on groups), checked at load like the
French (research notes, dates that need a period).
"""
from __future__ import annotations

import re
from datetime import date
from typing import Any, Dict, Iterator, List, Literal, Optional, Tuple
from urllib.parse import urlsplit

from pydantic import BaseModel, root_validator, validator

from bot.aspects import PREVENTION_ASPECTS
from bot.knowledge.schema import Link, Source, StrictModel, _walk_source_ids, duplicates, find_by_id

Sex = Literal["any", "female", "male"]
Pregnancy = Literal["any", "required"]

MAX_AGE_YEARS = 120  # windows repeating "every N years" are expanded up to this age


def _nonblank(v: Optional[str]) -> Optional[str]:
    if v is None:
        return v
    if not v.strip():
        raise ValueError("empty text")
    return " ".join(v.split())


# --- what people may never read -----------------------------------------------------------------

# Research notes and machine paths: none may appear in a text shown to people.
RESEARCH_NOTE_PATTERNS = [
    re.compile(r"\bfichier\s+\d{3}_", re.I),  # "fichier 002_…"
    re.compile(r"\b\d{3}_[\w-]+\.(?:txt|md|pdf)\b", re.I),
    re.compile(r"\blignes?\s+\d+", re.I),  # "lignes 29-30"
    re.compile(r"\(where\)", re.I),
    re.compile(r"ne pas publier", re.I),
    re.compile(r"\bseed\b", re.I),
    re.compile(r"(?:^|[\s(«\x22\x27])/[A-Za-z_.-]+/|shared/reference|facts(?:-2026)?\.md", re.I),  # a machine path
    re.compile(r"\[(?:OFF|SEC|DERIVED|NOT FOUND)\]"),
    re.compile(r"\b(?:TODO|FIXME|XXX)\b"),
    re.compile(r"adresse (?:de la page|de l'article|du document) (?:non donnée|n'est pas donnée)", re.I),
]
# Fields never rendered (or not prose): not scanned for research notes.
NEVER_RENDERED = {"editor_note", "no_official_source", "keywords", "weak_keywords", "id", "source_id", "aspects", "leads",
                  "source_ids", "url", "canonical_url"}


def research_notes(text: str) -> List[str]:
    """The research-note or machine-path fragments found in `text`."""
    return [m.group(0) for pattern in RESEARCH_NOTE_PATTERNS for m in [pattern.search(text)] if m]


def is_bare_domain(url: str) -> bool:
    """True for a site's home page ("https://www.ameli.fr", "https://april.fr/"): no path, no query."""
    parts = urlsplit(url)
    return parts.path in ("", "/") and not parts.query


def user_texts(obj: Any, path: str = "") -> Iterator[Tuple[str, str]]:
    """(dotted path, text) for every string of `obj` that is shown to people."""
    if isinstance(obj, BaseModel):
        for name in obj.__fields__:
            if name not in NEVER_RENDERED:
                yield from user_texts(getattr(obj, name), f"{path}.{name}" if path else name)
    elif isinstance(obj, (list, tuple)):
        for i, item in enumerate(obj):
            yield from user_texts(item, f"{path}[{i}]")
    elif isinstance(obj, str):
        yield path, obj


# --- dated texts ---------------------------------------------------------------------------------

_MONTH_NAMES = "janvier|février|fevrier|mars|avril|mai|juin|juillet|août|aout|septembre|octobre|novembre|décembre|decembre"
_FULL_DATE = rf"(?:\d{{1,2}}(?:er)?\s+(?:{_MONTH_NAMES})\s+20\d\d|\d{{1,2}}/\d{{1,2}}/20\d\d)"
# "jusqu'au 31 mars 2025": the line has an end; "depuis le 1er avril 2025": a start. A birth cohort
# ("enfants nés depuis le 1er janvier 2018") is a condition on the person, not a validity period.
_UNTIL = re.compile(rf"jusqu'(?:au|à)\s+(?:le\s+)?{_FULL_DATE}", re.I)
_SINCE = re.compile(rf"(?<!nés )(?<!nées )(?<!né )(?<!née )(?:depuis le|à partir du|à compter du)\s+{_FULL_DATE}", re.I)


_MONTHS_EN = "January|February|March|April|May|June|July|August|September|October|November|December"
_FULL_DATE_EN = rf"(?:\d{{1,2}}(?:st|nd|rd|th)?\s+(?:{_MONTHS_EN})\s+20\d\d|(?:{_MONTHS_EN})\s+\d{{1,2}},?\s+20\d\d)"
_UNTIL_EN = re.compile(rf"\buntil\s+(?:the\s+)?{_FULL_DATE_EN}", re.I)
_SINCE_EN = re.compile(rf"(?<!born )(?<!born on or after )\b(?:since|from)\s+(?:the\s+)?{_FULL_DATE_EN}", re.I)


def dated_text_problems(text: str, valid_from: Optional[date], valid_to: Optional[date]) -> List[str]:
    """Why a text with a date needs a period it does not have (empty list: fine). French and
    English wordings ("jusqu'au 31 mars 2025", "until 31 March 2025")."""
    problems = []
    for until in (_UNTIL, _UNTIL_EN):
        if valid_to is None and until.search(text):
            problems.append(f"says {until.search(text).group(0)!r} but has no valid_to")
    for since in (_SINCE, _SINCE_EN):
        if valid_from is None and since.search(text):
            problems.append(f"says {since.search(text).group(0)!r} but has no valid_from")
    return problems


def _period_ordered(values: Dict[str, Any]) -> Dict[str, Any]:
    start, end = values.get("valid_from"), values.get("valid_to")
    if start and end and end < start:
        raise ValueError("valid_to is before valid_from")
    return values


class PreventionSource(Source):
    """A source of the calendar. `note` is shown on the staff page; `editor_note` never is."""

    editor_note: Optional[str] = None

    @validator("url", "canonical_url")
    def _not_a_home_page(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and is_bare_domain(v):
            raise ValueError(f"{v!r} is a bare domain: give the page itself")
        return v

    @validator("title", "note")
    def _no_research_notes(cls, v: Optional[str]) -> Optional[str]:
        if v is not None and research_notes(v):
            raise ValueError(f"research notes in a shown text: {research_notes(v)} (use editor_note)")
        return v


class PreventionLink(Link):
    """A next-step page. `service`: the site itself is the service (the online kit order), so its
    home page is the right address."""

    service: bool = False

    @root_validator(skip_on_failure=True)
    def _not_a_home_page(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if not values.get("service") and is_bare_domain(values["url"]):
            raise ValueError(f"{values['url']!r} is a bare domain: give the page itself (or service: true)")
        return values


LINE_ID = re.compile(r"[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+")


def _line_id(v: str) -> str:
    if not LINE_ID.fullmatch(v):
        raise ValueError(f"line id {v!r} must read like offer.section.name (snake_case, dots)")
    return v


def _known_aspects(v: List[str]) -> List[str]:
    unknown = [a for a in v if a not in PREVENTION_ASPECTS]
    if unknown:
        raise ValueError(f"unknown prevention aspect(s) {unknown}: see bot/aspects.py PREVENTION_ASPECTS")
    if len(set(v)) != len(v):
        raise ValueError("an aspect is listed twice")
    return v


def _english(values: Dict[str, Any], pairs: Tuple[Tuple[str, str], ...]) -> Dict[str, Any]:
    """Each French text of `pairs` that is set has its English wording, not a copy of the French."""
    for fr, en in pairs:
        if values.get(fr) is None:
            if values.get(en) is not None:
                raise ValueError(f"{en} without {fr}")
            continue
        if not values.get(en):
            raise ValueError(f"{fr} has no English wording ({en})")
        if " ".join(values[en].split()) == " ".join(values[fr].split()) and len(values[fr].split()) > 2:
            raise ValueError(f"{en} is a copy of the French {fr}")  # one or two words may be the same
    return values


class PreventionLine(StrictModel):
    """One shown sentence of the calendar, addressable: its `id` (unique in the file), the aspects
    it answers besides its section's (`aspects`), its English wording (`en`) and its source."""

    id: str
    text: str
    en: Optional[str] = None
    aspects: List[str] = []
    leads: List[str] = []  # aspects whose answer this line opens (before the section's lines)
    source_id: str

    _id = validator("id", allow_reuse=True)(_line_id)
    _aspects = validator("aspects", "leads", allow_reuse=True)(_known_aspects)
    _texts = validator("text", "en", allow_reuse=True)(_nonblank)

    @root_validator(skip_on_failure=True)
    def _has_english(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        return _english(values, (("text", "en"),))


class Fact(PreventionLine):
    """A sourced line of text; `to_check` flags a fact the bot must present as "à vérifier".
    `valid_from`/`valid_to`: its period (inclusive); outside it the bot does not state it."""

    to_check: bool = False
    valid_from: Optional[date] = None
    valid_to: Optional[date] = None

    @root_validator(skip_on_failure=True)
    def _dated(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        values = _period_ordered(values)
        problems = []
        for name in ("text", "en"):
            if values.get(name):
                problems += dated_text_problems(values[name], values.get("valid_from"), values.get("valid_to"))
        if problems:
            raise ValueError("; ".join(problems))
        return values

    def valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


class AgeWindow(StrictModel):
    """An age or an age range (inclusive, years) at which something is due: 25, or 11 to 13."""

    min_age: int
    max_age: Optional[int] = None  # None: the single age min_age
    label: Optional[str] = None  # what is due then, if it differs from the offer's label
    label_en: Optional[str] = None

    @validator("min_age")
    def _positive(cls, v: int) -> int:
        if v < 0:
            raise ValueError("age must be 0 or more")
        return v

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if values.get("max_age") is not None and values["max_age"] < values["min_age"]:
            raise ValueError("max_age is below min_age")
        return _english(values, (("label", "label_en"),))

    @property
    def upper(self) -> int:
        return self.min_age if self.max_age is None else self.max_age

    def contains(self, years: int) -> bool:
        return self.min_age <= years <= self.upper


class Dose(StrictModel):
    """Doses of one vaccine at given ages in months (infant schedule)."""

    vaccine: str
    at_months: List[int]
    valid_from: Optional[date] = None
    valid_to: Optional[date] = None
    source_id: str

    @validator("at_months")
    def _sorted(cls, v: List[int]) -> List[int]:
        if not v or v != sorted(set(v)) or v[0] < 0:
            raise ValueError("at_months must be increasing ages in months")
        return v


class Campaign(StrictModel):
    """A dated campaign (the flu season): the latest known season, its period (`start`..`end`,
    inclusive) and source; `usual`, the recurring rule said once that season has ended ("chaque
    automne, aux dates annoncées chaque année…"); `check`, the official page for the next dates."""

    season: str  # "2025-2026"
    start: date
    end: date
    source_id: str
    usual: Optional[PreventionLine] = None
    check: Optional[PreventionLink] = None

    @validator("season")
    def _season(cls, v: str) -> str:
        if not re.fullmatch(r"20\d\d-20\d\d", v) or int(v[5:]) != int(v[:4]) + 1:
            raise ValueError("season must read like 2025-2026")
        return v

    @root_validator(skip_on_failure=True)
    def _ordered(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if values["end"] < values["start"]:
            raise ValueError("campaign end is before its start")
        return values


class Rhythm(StrictModel):
    """When the offer is due. `text` is shown; the other fields drive the code.

    - `every_years`: repeats over the whole age range (screenings);
    - `at_ages`: due only inside these windows (boosters, one bilan per age band), then
      `then_every_years` after the last window (75, 85... for the DTP booster).
    """

    id: str
    text: str
    en: Optional[str] = None
    aspects: List[str] = []  # besides `frequency`
    leads: List[str] = []
    source_id: str
    to_check: bool = False
    every_years: Optional[int] = None
    at_ages: List[AgeWindow] = []
    then_every_years: Optional[int] = None
    dose_count: Optional[int] = None
    count: Optional[int] = None  # number of exams over the age range
    doses: List[Dose] = []
    campaign: Optional[Campaign] = None

    _text = validator("text", "en", allow_reuse=True)(_nonblank)
    _id = validator("id", allow_reuse=True)(_line_id)
    _aspects = validator("aspects", "leads", allow_reuse=True)(_known_aspects)

    @validator("at_ages", pre=True)
    def _windows(cls, v: Any) -> Any:
        """Accepts `25`, `[11, 13]` or a mapping for each window."""
        out = []
        for item in v or []:
            if isinstance(item, int):
                out.append({"min_age": item})
            elif isinstance(item, (list, tuple)) and len(item) == 2:
                out.append({"min_age": item[0], "max_age": item[1]})
            else:
                out.append(item)
        return out

    @validator("every_years", "then_every_years", "dose_count", "count")
    def _positive(cls, v: Optional[int]) -> Optional[int]:
        if v is not None and v < 1:
            raise ValueError("must be 1 or more")
        return v

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        windows: List[AgeWindow] = values.get("at_ages") or []
        if values.get("every_years") and windows:
            raise ValueError("give either every_years or at_ages, not both")
        if values.get("then_every_years") and not windows:
            raise ValueError("then_every_years needs at_ages")
        for a, b in zip(windows, windows[1:]):
            if b.min_age <= a.upper:
                raise ValueError("at_ages windows must be increasing and must not overlap")
        return _english(values, (("text", "en"),))

    def windows(self, up_to: int = MAX_AGE_YEARS) -> List[AgeWindow]:
        """The windows, with the "then every N years" ones expanded up to `up_to`."""
        out = list(self.at_ages)
        if self.then_every_years and out:
            age = out[-1].upper + self.then_every_years
            while age <= up_to:
                out.append(AgeWindow(min_age=age))
                age += self.then_every_years
        return out


class Who(StrictModel):
    """One group of people the offer is for. All given conditions must hold."""

    label: Optional[str] = None  # "Rattrapage", "Pendant la grossesse", "Personnes à risque"
    label_en: Optional[str] = None
    min_age: Optional[int] = None
    max_age: Optional[int] = None
    min_age_months: Optional[int] = None
    max_age_months: Optional[int] = None
    sex: Sex = "any"
    pregnancy: Pregnancy = "any"
    pregnancy_window: Optional[str] = None
    pregnancy_window_en: Optional[str] = None
    risk_group: Optional[str] = None  # applies only to people in this group (chronic illness...)
    risk_group_en: Optional[str] = None
    catch_up: bool = False  # a catch-up ("rattrapage"): due now, never announced as a next step
    valid_from: Optional[date] = None
    valid_to: Optional[date] = None
    rhythm: Optional[Rhythm] = None  # overrides the offer's rhythm for this group
    source_id: str

    _texts = validator("label", "pregnancy_window", "risk_group", "label_en", "pregnancy_window_en", "risk_group_en",
                       allow_reuse=True)(_nonblank)

    @validator("min_age", "max_age", "min_age_months", "max_age_months")
    def _not_negative(cls, v: Optional[int]) -> Optional[int]:
        if v is not None and v < 0:
            raise ValueError("age must be 0 or more")
        return v

    @root_validator(skip_on_failure=True)
    def _consistent(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        for bound in ("min", "max"):
            if values.get(f"{bound}_age") is not None and values.get(f"{bound}_age_months") is not None:
                raise ValueError(f"give {bound}_age or {bound}_age_months, not both")
        low = _as_months(values.get("min_age"), values.get("min_age_months"), upper=False)
        high = _as_months(values.get("max_age"), values.get("max_age_months"), upper=True)
        if low is not None and high is not None and high < low:
            raise ValueError("the maximum age is below the minimum age")
        if values["pregnancy"] == "required":
            if values["sex"] == "male":
                raise ValueError("pregnancy: required needs sex female (or any)")
            values["sex"] = "female"
        elif values.get("pregnancy_window"):
            raise ValueError("pregnancy_window needs pregnancy: required")
        start, end = values.get("valid_from"), values.get("valid_to")
        if start and end and end < start:
            raise ValueError("valid_to is before valid_from")
        return _english(values, (("label", "label_en"), ("pregnancy_window", "pregnancy_window_en"),
                                 ("risk_group", "risk_group_en")))

    @property
    def min_months(self) -> int:
        return _as_months(self.min_age, self.min_age_months, upper=False) or 0

    @property
    def max_months(self) -> Optional[int]:
        """Last month of age covered (74 years -> 74*12 + 11), None without upper bound."""
        return _as_months(self.max_age, self.max_age_months, upper=True)

    def valid_on(self, on: date) -> bool:
        return (self.valid_from is None or self.valid_from <= on) and (self.valid_to is None or on <= self.valid_to)


def _as_months(years: Optional[int], months: Optional[int], upper: bool) -> Optional[int]:
    if months is not None:
        return months
    if years is None:
        return None
    return years * 12 + (11 if upper else 0)


class Offer(StrictModel):
    id: str
    label: str  # short French label, used in lists and in "à 50 ans : <label>"
    label_en: str  # the same in English ("Breast cancer screening")
    keywords: List[str]  # words of a question that point to this offer (accents/case ignored)
    weak_keywords: List[str] = []  # generic words, used only when no offer has a specific match
    who: List[Who]
    rhythm: Optional[Rhythm] = None  # default for the `who` groups without their own
    coverage: List[Fact] = []
    how: List[Fact] = []
    notes: List[Fact] = []
    next_step_link: Optional[PreventionLink] = None
    source_ids: List[str]  # the offer's sources, main one first
    proper_name: bool = False  # the label is a name ("Mon bilan prévention"): never lower-cased
    in_calendar: bool = True  # False: answered on direct questions only (no age bound sourced)
    to_check: bool = False  # the whole offer comes from an old text: always "à vérifier"
    no_official_source: Optional[str] = None  # why the main source is not official (never rendered)
    editor_note: Optional[str] = None  # for the people who maintain the file (never rendered)

    _label = validator("label", "label_en", allow_reuse=True)(_nonblank)

    @validator("id")
    def _snake(cls, v: str) -> str:
        if not re.fullmatch(r"[a-z][a-z0-9_]*", v):
            raise ValueError("id must be snake_case")
        return v

    @validator("keywords", "who", "source_ids")
    def _not_empty(cls, v: list) -> list:
        if not v:
            raise ValueError("must list at least one item")
        return v

    @root_validator(skip_on_failure=True)
    def _every_group_has_a_rhythm(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        if values.get("rhythm") is None:
            missing = [str(i) for i, w in enumerate(values["who"]) if w.rhythm is None]
            if missing:
                raise ValueError(f"who[{', '.join(missing)}]: no rhythm (give one on the offer or on the group)")
        problems = []
        for i, who in enumerate(values["who"]):
            rhythm = who.rhythm or values["rhythm"]
            for text in filter(None, (rhythm.text, rhythm.en)):
                for problem in dated_text_problems(text, who.valid_from, who.valid_to):
                    problems.append(f"who[{i}] rhythm {problem}")
        if problems:
            raise ValueError("; ".join(problems))
        return values

    @root_validator(skip_on_failure=True)
    def _notes_say_their_aspects(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        bare = [note.id for note in values.get("notes") or [] if not note.aspects]
        if bare:
            raise ValueError(f"notes without aspects: {', '.join(bare)} (list the aspects each note answers)")
        section = {"coverage": "coverage", "how": "how"}
        for name in ("coverage", "how", "notes"):
            for line in values.get(name) or []:
                extra = set(line.leads) - set(line.aspects) - {section.get(name)}
                if extra:
                    raise ValueError(f"{line.id}: leads {sorted(extra)} that it does not answer (add them to aspects)")
        _english(values, (("label", "label_en"),))
        return values

    @property
    def rhythms(self) -> List[Rhythm]:
        """Every rhythm of the offer (its own, then its groups'), each once."""
        out: List[Rhythm] = [self.rhythm] if self.rhythm else []
        for who in self.who:
            if who.rhythm is not None and all(who.rhythm is not r for r in out):
                out.append(who.rhythm)
        return out

    @property
    def lines(self) -> List[PreventionLine]:
        """Every addressable line of the offer: rhythms, campaign texts, coverage, how, notes."""
        out: List[PreventionLine] = []
        for rhythm in self.rhythms:
            out.append(rhythm)  # type: ignore[arg-type]  (a rhythm has id, text, en, source_id)
            if rhythm.campaign and rhythm.campaign.usual:
                out.append(rhythm.campaign.usual)
        return out + list(self.coverage) + list(self.how) + list(self.notes)

    def line(self, line_id: str):
        return find_by_id(self.lines, line_id, f"{self.id} line")

    def rhythm_for(self, who: Who) -> Rhythm:
        return who.rhythm or self.rhythm  # type: ignore[return-value]


class PreventionCalendar(StrictModel):
    offers: List[Offer]
    sources: List[PreventionSource]

    @validator("offers", "sources")
    def _not_empty(cls, v: list) -> list:
        if not v:
            raise ValueError("must list at least one item")
        return v

    @validator("offers")
    def _unique_offers(cls, v: List[Offer]) -> List[Offer]:
        ids = [o.id for o in v]
        dupes = duplicates(ids)
        if dupes:
            raise ValueError(f"duplicate offer ids: {', '.join(dupes)}")
        return v

    @validator("sources")
    def _unique_sources(cls, v: List[PreventionSource]) -> List[PreventionSource]:
        ids = [s.id for s in v]
        dupes = duplicates(ids)
        if dupes:
            raise ValueError(f"duplicate source ids: {', '.join(dupes)}")
        return v

    @root_validator(skip_on_failure=True)
    def _unique_line_ids(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        ids: List[str] = []
        for offer in values["offers"]:
            ids += [line.id for line in offer.lines]
        dupes = duplicates(ids)
        if dupes:
            raise ValueError(f"duplicate line ids: {', '.join(dupes)}")
        return values

    @root_validator(skip_on_failure=True)
    def _sources_exist(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        known = {s.id for s in values["sources"]}
        bad = []
        for i, offer in enumerate(values["offers"]):
            where = f"offers[{i}] ({offer.id})"
            for path, sid in _walk_source_ids(offer, ("offer",)):
                if sid not in known:
                    bad.append(f"{where}.{path.partition('.')[2]}: unknown source_id {sid!r}")
            for sid in offer.source_ids:
                if sid not in known:
                    bad.append(f"{where}.source_ids: unknown source_id {sid!r}")
        if bad:
            raise ValueError("; ".join(bad))
        return values

    @root_validator(skip_on_failure=True)
    def _official_first_or_a_reason(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        confidence = {s.id: s.confidence for s in values["sources"]}
        bad = [
            f"offers[{i}] ({offer.id}): main source {offer.source_ids[0]!r} is {confidence[offer.source_ids[0]]}: "
            "put an official source first or say why in no_official_source"
            for i, offer in enumerate(values["offers"])
            if confidence[offer.source_ids[0]] != "official" and not offer.no_official_source
        ]
        if bad:
            raise ValueError("; ".join(bad))
        return values

    @root_validator(skip_on_failure=True)
    def _no_research_notes(cls, values: Dict[str, Any]) -> Dict[str, Any]:
        bad = [
            f"offers[{i}] ({offer.id}).{path}: research notes in a shown text: {research_notes(text)} (use editor_note)"
            for i, offer in enumerate(values["offers"])
            for path, text in user_texts(offer)
            if research_notes(text)
        ]
        if bad:
            raise ValueError("; ".join(bad))
        return values

    def offer(self, offer_id: str) -> Offer:
        return find_by_id(self.offers, offer_id, "prevention offer")

    def source(self, source_id: str) -> PreventionSource:
        return find_by_id(self.sources, source_id, "prevention source")


__all__ = [
    "AgeWindow",
    "Campaign",
    "Dose",
    "Fact",
    "NEVER_RENDERED",
    "Offer",
    "PreventionCalendar",
    "PreventionLink",
    "PreventionLine",
    "PreventionSource",
    "RESEARCH_NOTE_PATTERNS",
    "Rhythm",
    "Who",
    "dated_text_problems",
    "is_bare_domain",
    "research_notes",
    "user_texts",
]
