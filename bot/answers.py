"""Plain French answers built from the knowledge cards and the eligibility verdicts."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any, Callable, Dict, List, Optional, Sequence, Tuple

from bot.aspects import label as aspect_label
from bot.eligibility import FACT_LABELS, Verdict
from bot.eligibility.verdict import eur, fr_date, qualifier
from bot.formatting import MAX_FIRST_REPLY, persons  # noqa: F401 (MAX_FIRST_REPLY: said with answers)
from bot.formatting import source_line as cite
from bot.knowledge import ame_ceiling, get_right
from bot.knowledge.schema import Dated, Line, Source

Point = Tuple[str, Optional[Source]]
MAX_SOURCE_LINES = 2


def source_line(source: Source, language: str = "fr") -> str:
    return cite(source.display_url, source.checked, language)


def _cited(card, line) -> Point:
    return line.text, card.source(line.source_id)


def _joined(card, lines) -> Point:
    """Several lines said as one point, cited by the first one's source."""
    return " ".join(line.text for line in lines), card.source(lines[0].source_id)


def _first(card, aspect: str):
    """The most direct line for an aspect (the card orders them)."""
    return card.lines_for(aspect)[0]


def _puma(card, on: date) -> List[Point]:
    f = card.figures
    exemptions = " ; ".join(l.text for l in f.exemptions)
    return [
        (f"Il faut travailler en France, ou y vivre de façon régulière depuis plus de {f.residence_months.value:g} mois sans interruption.",
         card.source(f.residence_months.source_id)),
        (f"Pas besoin d'attendre {f.residence_months.value:g} mois si {exemptions}.", card.source(f.exemptions[0].source_id)),
        _cited(card, _first(card, "apply")),
    ]


def _c2s(card, on: date) -> List[Point]:
    free = card.c2s_ceiling(1, "metropole", "free", on)
    part = card.c2s_ceiling(1, "metropole", "participative", on)
    table = card.participation_table(on)
    amounts = [b.amount for b in table.period.brackets]
    return [
        (f"Gratuite si les ressources du foyer sur 12 mois ne dépassent pas {eur(free.amount)} pour 1 personne "
         f"en métropole{qualifier(free.dated, check_at='avec le simulateur officiel')}.", free.source),
        (f"Avec participation jusqu'à {eur(part.amount)} pour 1 personne : de {eur(min(amounts))} à {eur(max(amounts))} "
         f"par mois et par personne selon l'âge{' (chiffre à vérifier)' if part.needs_check else ''}.", part.source),
        _joined(card, card.lines_for("apply")[:2]),
        _cited(card, _first(card, "delay")),
    ]


def _ame(card, on: date) -> List[Point]:
    ceiling = ame_ceiling(1, "metropole", on)
    note = qualifier(ceiling.dated, derived_from="du plafond de la C2S gratuite")
    return [
        (f"Plafond de ressources : {eur(ceiling.amount)} par an pour 1 personne en métropole{note}.", ceiling.source),
        _cited(card, _first(card, "apply")),
        _cited(card, _first(card, "delay")),
    ]


def _soins_urgents(card, on: date) -> List[Point]:
    return [_cited(card, _first(card, aspect)) for aspect in ("who", "apply", "covered")]


def _capital_deces(card, on: date) -> List[Point]:
    f = card.figures
    amount = card.amount(on)
    return [
        (f"Montant : {eur(amount.period.value)} pour un décès à partir du {fr_date(amount.period.valid_from)}{qualifier(amount)}.", amount.source),
        (f"Délais : {f.priority_deadline_months.value:g} mois après le décès pour les personnes qui étaient à la charge "
         f"du défunt, {f.non_priority_deadline_months.value / 12:g} ans pour les autres.",
         card.source(f.non_priority_deadline_months.source_id)),
        _joined(card, card.lines_for("apply")[:2]),
    ]


def _invalidite(card, on: date) -> List[Point]:
    mx = card.maximums(on)
    mtp = card.third_person_increase(on)
    return [
        _invalidite_sentence(card, None, on, english=False),
        (f"Catégorie 3 : plus la majoration pour tierce personne, {eur(mtp.period.value)} par mois en "
         f"{mtp.period.valid_from.year}{qualifier(mtp)}.", mtp.source),
        _cited(card, _first(card, "apply")),
    ]


_POINTS: Dict[str, Callable[..., List[Point]]] = {
    "puma": _puma,
    "c2s": _c2s,
    "ame": _ame,
    "soins_urgents": _soins_urgents,
    "capital_deces": _capital_deces,
    "invalidite": _invalidite,
}


def _source_lines(sources: List[Optional[Source]]) -> List[str]:
    lines, seen = [], set()
    for s in sources:
        if s is None or s.display_url in seen:
            continue
        seen.add(s.display_url)
        lines.append(source_line(s))
        if len(lines) == MAX_SOURCE_LINES:
            break
    return lines


def render_right_summary(right_id: str, on: Optional[date] = None) -> str:
    """Summary of a right: what it is, 2–4 key points with the key figure, and its source."""
    on = on or date.today()
    card = get_right(right_id)
    points = _POINTS[right_id](card, on)
    lines = [f"{card.label}", card.summary]
    lines += [f"- {text}" for text, _ in points]
    lines += _source_lines([s for _, s in points])
    return "\n".join(lines)


def render_verdict(verdict: Verdict) -> str:
    """Headline, why, what is still needed, what to do, the 'indicatif' line and the source."""
    lines = [verdict.headline]
    lines += [f"- {r}" for r in verdict.reasons]
    if verdict.missing:
        asked = ", ".join(FACT_LABELS.get(m, m) for m in verdict.missing)
        lines.append(f"Pour vous répondre, j'ai besoin de savoir : {asked}.")
    if verdict.next_steps:
        lines.append("À faire :")
        lines += [f"- {s}" for s in verdict.next_steps]
    lines.append(verdict.indicative)
    lines += _source_lines(list(verdict.sources))
    return "\n".join(lines)


# --- the answer to one question: subject × aspect × the person's parameters ----------------------

ANSWER_BUDGET = 420  # for the answer's sentences, leaving room for the source line
MAX_ANSWER_LINES = 3


@dataclass(frozen=True)
class RightAnswer:
    """A short answer: sentences, one source line, and whether the knowledge had nothing (a gap)."""

    sentences: Tuple[str, ...]
    source: Optional[Source]
    gap: bool = False
    language: str = "fr"

    def shortened(self) -> "RightAnswer":
        """Only the most direct sentence (to leave room for a local contact in the first reply)."""
        return RightAnswer(self.sentences[:1], self.source, self.gap, self.language)

    def text(self) -> str:
        lines = list(self.sentences)
        if self.source is not None:
            lines.append(source_line(self.source, self.language))
        return "\n".join(lines)


def _territory(params: Any) -> str:
    return "outre_mer" if getattr(params, "territory", None) == "outre_mer" else "metropole"


def _household(params: Any) -> Optional[int]:
    size = getattr(params, "household_size", None)
    if size:
        return int(size)
    ages = getattr(params, "ages", None) or ()
    return len(ages) if len(ages) > 1 else None


def _where(territory: str, english: bool) -> str:
    if english:
        return "overseas (outside Mayotte)" if territory == "outre_mer" else "in mainland France"
    return "en outre-mer (hors Mayotte)" if territory == "outre_mer" else "en métropole"


def _c2s_ceiling_sentence(card, params: Any, on: date, english: bool) -> Point:
    size = _household(params) or 1
    territory = _territory(params)
    free = card.c2s_ceiling(size, territory, "free", on)
    part = card.c2s_ceiling(size, territory, "participative", on)
    note = english_qualifier(free.dated) if english else qualifier(free.dated, check_at="avec le simulateur officiel")
    if english:
        text = (f"For {size} person{'s' if size > 1 else ''} {_where(territory, True)}: free C2S up to "
                f"{eur(free.amount)} of household resources over 12 months, C2S with a contribution up to "
                f"{eur(part.amount)}{note}.")
    else:
        text = (f"Pour {persons(size)} {_where(territory, False)} : C2S gratuite jusqu'à {eur(free.amount)} de "
                f"ressources du foyer sur 12 mois, avec participation jusqu'à {eur(part.amount)}{note}.")
    return text, free.source


def _c2s_cost_sentence(card, params: Any, on: date, english: bool) -> Point:
    table = card.participation_table(on)
    ages = list(getattr(params, "ages", None) or ())
    age = getattr(params, "age", None)
    if age is not None and age not in ages:
        ages = [age] + ages
    since = fr_date(table.period.valid_from)
    # read on a secondary page: said "à vérifier" beside the period
    check = ("; to be checked" if english else " ; à vérifier") if table.needs_check else ""
    if ages:
        parts = [(a, table.period.bracket_for(int(a)).amount) for a in ages[:6]]
        if english:
            each = ", ".join(f"{eur(amount)} a month at {a}" for a, amount in parts)
            text = f"Free C2S costs nothing. C2S with a contribution costs {each} (amounts in force since {since}{check})."
        else:
            each = ", ".join(f"{eur(amount)} par mois à {a} ans" for a, amount in parts)
            total = f" ; {eur(sum(p for _, p in parts))} par mois pour le foyer" if len(parts) > 1 else ""
            text = (f"La C2S gratuite ne coûte rien. Avec participation : {each}{total} "
                    f"(montants en vigueur depuis le {since}{check}).")
    else:
        amounts = [b.amount for b in table.period.brackets]
        if english:
            text = (f"Free C2S costs nothing. With a contribution it costs from {eur(min(amounts))} to "
                    f"{eur(max(amounts))} a month per person depending on age (amounts in force since {since}{check}).")
        else:
            text = (f"La C2S gratuite ne coûte rien. Avec participation : de {eur(min(amounts))} à "
                    f"{eur(max(amounts))} par mois et par personne selon l'âge (montants en vigueur depuis le {since}{check}).")
    return text, table.source


def _ame_ceiling_sentence(card, params: Any, on: date, english: bool) -> Point:
    size = _household(params) or 1
    territory = _territory(params)
    ceiling = ame_ceiling(size, territory, on)
    if english:
        note = english_qualifier(ceiling.dated, derived_from="the free C2S ceiling")
        text = (f"AME resource ceiling for {size} person{'s' if size > 1 else ''} {_where(territory, True)}: "
                f"{eur(ceiling.amount)} a year{note}.")
    else:
        note = qualifier(ceiling.dated, derived_from="du plafond de la C2S gratuite")
        text = (f"Plafond de ressources de l'AME pour {persons(size)} {_where(territory, False)} : "
                f"{eur(ceiling.amount)} sur 12 mois{note}.")
    return text, ceiling.source


def _capital_deces_sentence(card, params: Any, on: date, english: bool) -> Point:
    death = getattr(params, "death_date", None) or on
    amount = card.amount(death)
    when = fr_date(death)
    if english:
        note = english_qualifier(amount)
        text = (f"For an employee's death on {when}: a lump sum of {eur(amount.period.value)}"
                f"{note}, paid once." if death != on else
                f"The capital décès of an employee is a lump sum of {eur(amount.period.value)}{note}, paid once.")
    else:
        note = qualifier(amount)
        lead = f"Pour un décès le {when}" if death != on else "Pour un décès d'un salarié aujourd'hui"
        text = f"{lead}, le capital décès est un montant forfaitaire de {eur(amount.period.value)}{note}."
    return text, amount.source


def _invalidite_sentence(card, params: Any, on: date, english: bool) -> Point:
    mx = card.maximums(on)
    one, two = (f"{card.figures.category(c).rate_percent:g} %" for c in ("can_work", "cannot_work"))
    year = mx.period.valid_from.year
    if english:
        text = (f"Category 1: {one} of your average yearly salary, at most {eur(mx.period.category_1)} a month; "
                f"categories 2 and 3: {two}, at most {eur(mx.period.category_2_3)} a month in {year}"
                f"{english_qualifier(mx)}.")
    else:
        text = (f"Catégorie 1 : {one} du salaire annuel moyen, au plus {eur(mx.period.category_1)} par mois ; "
                f"catégories 2 et 3 : {two}, au plus {eur(mx.period.category_2_3)} par mois en {year}{qualifier(mx)}.")
    return text, mx.source


def _invalidity_end_sentence(card, params: Any, on: date, english: bool) -> Optional[Point]:
    """When the pension stops for a person born in a given year: the legal retirement age by date of birth."""
    year = getattr(params, "birth_year", None)
    if not year:
        return None
    f = card.figures
    rows = [r for r in f.retirement_ages
            if (r.born_from is None or r.born_from <= date(year, 12, 31)) and r.born_to >= date(year, 1, 1)]
    if not rows:
        return None
    labels = " ou ".join(dict.fromkeys(r.label for r in rows))
    if english:
        labels_en = " or ".join(dict.fromkeys(r.label.replace(" ans", " years").replace(" et ", " and ")
                                            .replace(" mois", " months") for r in rows))
        text = (f"Born in {year}: the invalidity pension stops at the legal retirement age, {labels_en}"
                f"{' depending on your month of birth' if len(rows) > 1 else ''}.")
    else:
        text = (f"Né(e) en {year} : la pension d'invalidité s'arrête à l'âge légal de la retraite, {labels}"
                f"{' selon votre mois de naissance' if len(rows) > 1 else ''}.")
    source = card.source(rows[0].source_id)
    if source.needs_check:
        text = text[:-1] + (" (to be checked)." if english else " (à vérifier).")
    return text, source


# The figure computed for the person leads these answers; the card's lines for the aspect follow.
COMPUTED: Dict[Tuple[str, str], Callable[..., Optional[Point]]] = {
    ("invalidite", "renewal"): _invalidity_end_sentence,
    ("invalidite", "start"): _invalidity_end_sentence,
    ("c2s", "ceiling"): _c2s_ceiling_sentence,
    ("c2s", "cost"): _c2s_cost_sentence,
    ("ame", "ceiling"): _ame_ceiling_sentence,
    ("capital_deces", "cost"): _capital_deces_sentence,
    ("invalidite", "cost"): _invalidite_sentence,
}


def english_qualifier(dated: Dated, derived_from: Optional[str] = None) -> str:
    """qualifier() in English (ended, computed, to check)."""
    parts = []
    if derived_from or dated.derived_from:
        parts.append("a calculation, not a published official amount")
    elif dated.needs_check:
        parts.append("figure to check")
    if dated.outdated:
        parts.append(f"in force from {fr_date(dated.period.valid_from)} to {fr_date(dated.period.valid_to)}; "
                     "the next amount is not yet included here: check with your CPAM or on 3646")
    return f" ({'; '.join(parts)})" if parts else ""


def _line_text(line, english: bool) -> str:
    return (line.en or line.text) if english else line.text


def answer_right(right_id: str, aspect: str, params: Any = None, on: Optional[date] = None,
                 language: str = "fr", question: str = "",
                 ranking: Optional[Sequence[Tuple[str, float]]] = None) -> RightAnswer:
    """The answer to one aspect of a right, for the person's parameters, in 1–3 short sentences.

    `aspect` is a right aspect of bot/aspects.py ("what_is" gives the card's summary); `ranking`, the
    NLU's probability of each aspect, when known. Each sentence line of the card is scored by the
    probability of its aspects plus its closeness to the question's distinctive words, so a line that
    matches the question ("retraité", "chômage") comes first and an unsure aspect still finds its
    answer; equal scores keep the card's order (its most direct line first). With nothing to say on
    the aspect, the answer is an honest gap naming the right's official page (RightAnswer.gap)."""
    on = on or date.today()
    english = language == "en"
    card = get_right(right_id)
    probabilities = dict(ranking or ())
    probabilities[aspect] = max(probabilities.values(), default=1.0)  # the aspect decided counts as the likeliest
    sentences: List[str] = []
    source: Optional[Source] = None
    for asked in sorted(probabilities, key=lambda a: -probabilities[a]):
        computed = COMPUTED.get((right_id, asked))
        if computed is not None and probabilities[asked] >= MIN_COMPUTED_PROBABILITY:
            figure = computed(card, params, on, english)
            if figure is None:  # the person's parameters do not give it (no year of birth…)
                continue
            sentences.append(figure[0])
            source = source or figure[1]
            break
    for line in hedged(ranked_lines(card, probabilities, question), probabilities):
        text = _line_text(line, english)
        if text in sentences:
            continue
        if len(sentences) >= MAX_ANSWER_LINES or len(" ".join(sentences + [text])) > ANSWER_BUDGET:
            if sentences:
                break
        sentences.append(text)
        source = source or card.source(line.source_id)
    if not sentences:
        return honest_gap(card, aspect, english)
    return RightAnswer(tuple(sentences), source, language=language)


# A computed figure (a ceiling, an amount) leads when its aspect is at least this likely.
MIN_COMPUTED_PROBABILITY = 0.25
# A line is said when its score (probability of its aspects + weighted closeness) reaches this.
MIN_LINE_SCORE = 0.2
SIMILARITY_WEIGHT = 1.0
SUMMARY_BONUS = 0.3


# A runner-up aspect at least this likely, relative to the first, gets its best line said second: an
# unsure question is answered on both readings rather than three times on one.
HEDGE_RATIO = 0.6


def hedged(lines: List[Any], probabilities: Dict[str, float]) -> List[Any]:
    first, *others = sorted(probabilities, key=lambda a: -probabilities[a]) or [None]
    if not others or probabilities[others[0]] < HEDGE_RATIO * probabilities[first]:
        return lines
    runner_up = next((l for l in lines if others[0] in l.aspects and first not in l.aspects), None)
    if runner_up is None or lines.index(runner_up) <= 1:
        return lines
    rest = [l for l in lines if l is not runner_up]
    return rest[:1] + [runner_up] + rest[1:]


def summary_line(card) -> Line:
    """The card's summary as a line answering "what is it", cited by the card's first "what_is" line."""
    cited = (card.lines_for("what_is") or card.lines)[0]
    return Line(id=f"{card.id}-summary", aspects=["what_is"], text=card.summary, en=card.summary_en,
                source_id=cited.source_id)


def ranked_lines(card, probabilities: Dict[str, float], question: str) -> List[Any]:
    """The card's sentence lines worth saying, best first. Rule clauses kept beside a figure
    ("vous êtes mineur") read only inside a sentence and are never said alone."""
    lines = [summary_line(card)] + [line for line in card.lines if line.text[:1].isupper()]
    closeness = _similarities(card, lines, question) if question else [0.0] * len(lines)
    scores = [max(probabilities.get(a, 0.0) for a in line.aspects) + SIMILARITY_WEIGHT * close
              for line, close in zip(lines, closeness)]
    scores[0] += SUMMARY_BONUS * probabilities.get("what_is", 0.0)  # "c'est quoi ?" is answered by the summary
    order = sorted(range(len(lines)), key=lambda i: -scores[i])  # stable: the card's order on ties
    return [lines[i] for i in order if scores[i] >= MIN_LINE_SCORE]


# Words shared with the question that move a line up: accent- and case-folded, cut to their first
# letters so "retraité"/"retraite" and "chômeur"/"chômage" meet (a light stem, no dictionary).
STEM_LETTERS = 5
# Words of any question or line, which say nothing of what is asked.
COMMON_WORDS = frozenset(
    "les des une est etait sont ete etre avoir avait ont vous votre vos nous notre pour par dans avec sur "
    "sans qui que quoi quel quelle quels quelles comment combien quand elle ils elles son sa ses leur leurs "
    "cette ces aux mais ou donc car pas plus personne peut peux faut fait droit droits the and for".split()
)


def _stems(text: str) -> List[str]:
    import re
    import unicodedata

    folded = unicodedata.normalize("NFKD", text.lower()).encode("ascii", "ignore").decode()
    return [w[:STEM_LETTERS] for w in re.findall(r"[a-z0-9]{3,}", folded) if w not in COMMON_WORDS]


def _similarities(card, lines, question: str) -> List[float]:
    """Cosine similarity, TF-IDF weighted over the card's lines, between the question and each line."""
    from sklearn.feature_extraction.text import TfidfVectorizer

    # the right's own name is in most lines: it says nothing of which line answers
    name = set(_stems(f"{card.label} {card.short_label}"))
    vectorizer = TfidfVectorizer(analyzer=lambda text: [w for w in _stems(text) if w not in name],
                                 sublinear_tf=True).fit([l.text for l in card.lines] + [question])
    matrix = vectorizer.transform([question] + [line.text for line in lines])
    return list((matrix[1:] @ matrix[0].T).toarray().ravel())


def honest_gap(card, aspect: str, english: bool = False) -> RightAnswer:
    """No line answers the aspect: say so, and the most precise official place to ask."""
    page = card.links[0].url
    if english:
        text = (f"I don't have this precise information about « {card.label} ». "
                f"The official page is {page}; you can also call 3646 (+33 1 84 90 36 46 from abroad).")
    else:
        text = (f"Je n'ai pas cette information précise ({aspect_label(aspect)}) sur « {card.label} ». "
                f"La page officielle : {page} ; ou le 3646.")
    return RightAnswer((text,), None, gap=True, language="en" if english else "fr")
