"""Who a prevention question is about, read from what the person wrote.

"pour ma mère de 70 ans" → a parent, a woman, 70; "ma fille de 18 mois" → a child, a girl,
18 months; "j'ai 52 ans, je suis une femme" → the asker, a woman, 52. Only what is clearly said
is taken: everything else is asked by the form (bot.prevention.needed_facts).
"""
from __future__ import annotations

from datetime import date
from typing import Any, Dict, List, Optional

from bot.parsing import MAX_ANSWER_CHARS, TOO_LONG_ERROR, Parsed, keyword_text, parse_choice, parse_yes_no
from bot.prevention import Person, age_from_text, needed_facts
from bot.question_params import read_params


def person_facts(text: str, today: Optional[date] = None) -> Dict[str, Any]:
    """The prevention facts a sentence states: for_whom, sex, pregnant, age_years, age_months.

    Numbers are read in their context (bot.question_params): "enceinte de 5 mois" is a pregnancy,
    not a baby of 5 months; "ma mammographie date de moins de 2 ans" gives no age.
    """
    params = read_params(text, today or date.today())
    facts: Dict[str, Any] = {"for_whom": params.for_whom or "self"}
    if params.sex:
        facts["sex"] = params.sex
    if params.pregnant:
        facts["pregnant"] = True
        facts["sex"] = "female"
    if params.age is not None:
        facts["age_years"], facts["age_months"] = params.age, params.age_months
    return facts


# --- answers to the prevention form ------------------------------------------------------------

NOT_GIVEN = "not_given"
SEX_CHOICES = {
    "female": ["femme", "une femme", "fille", "feminin", "f"],
    "male": ["homme", "un homme", "garcon", "masculin", "h"],
    NOT_GIVEN: ["je prefere ne pas le dire", "ne pas le dire", "je ne veux pas le dire", "je ne veux pas repondre", "peu importe", "aucun des deux", "autre"],
}
NOT_ANSWERED = ["je prefere ne pas repondre", "ne pas repondre", "je ne veux pas repondre", "je prefere ne pas le dire"]

# The form's slots for the facts bot.prevention.needed_facts names.
SLOT_FOR_FACT = {
    "age": "prevention_age_years",
    "age_months": "prevention_age_months",
    "sex": "prevention_sex",
    "pregnant": "prevention_pregnant",
}
FORM_SLOTS = list(SLOT_FOR_FACT.values()) + ["prevention_for_whom"]


def read_answer(slot: str, text: str, today: Optional[date] = None) -> Parsed:
    """Reads one answer; the value is a dict of the slots it fills (an age fills years and months)."""
    if isinstance(text, str) and len(text) > MAX_ANSWER_CHARS:
        # An answer is a few words; a 5 000-digit number would overflow int() further down.
        return Parsed(error=TOO_LONG_ERROR)
    if slot == "prevention_age_years":
        age = age_from_text(text, today=today)
        return _slots(age, lambda value: {"prevention_age_years": value[0], "prevention_age_months": value[1]})
    if slot == "prevention_age_months":
        bare_number = keyword_text(text, numbers_as_digits=True).isdigit()
        age = age_from_text(f"{text} mois" if bare_number else text, today=today)
        return _slots(age, lambda value: {"prevention_age_years": value[0], "prevention_age_months": value[1]})
    if slot == "prevention_sex":
        return _slots(parse_choice(text, SEX_CHOICES), lambda value: {slot: value})
    if slot == "prevention_pregnant":
        if any(phrase in keyword_text(text) for phrase in NOT_ANSWERED):
            return Parsed(value={slot: NOT_GIVEN}, error=None, interpretation=None)
        return _slots(parse_yes_no(text), lambda value: {slot: value})
    raise KeyError(f"not a prevention form slot: {slot}")


def _slots(parsed: Parsed, to_slots) -> Parsed:
    if not parsed.ok:
        return parsed
    return Parsed(value=to_slots(parsed.value), error=None, interpretation=parsed.interpretation)


def person_from(values: Dict[str, Any]) -> Person:
    """The Person the form's slot values describe ("not_given" counts as unknown)."""
    def known(slot: str) -> Any:
        value = values.get(slot)
        return None if value == NOT_GIVEN else value

    sex, pregnant = known("prevention_sex"), known("prevention_pregnant")
    if sex == "male":
        pregnant = None
    return Person(
        age_years=known("prevention_age_years"),
        age_months=known("prevention_age_months"),
        sex=sex,
        pregnant=pregnant,
        for_whom=values.get("prevention_for_whom") or "self",
    )


def slots_to_ask(values: Dict[str, Any], today: Optional[date] = None) -> List[str]:
    """The form slots still to ask, in order; a question the person declined is not asked again."""
    person = person_from(values)
    return [
        SLOT_FOR_FACT[fact]
        for fact in needed_facts(person, today=today)
        if values.get(SLOT_FOR_FACT[fact]) != NOT_GIVEN
    ]


def slots_from_sentence(text: str, today: Optional[date] = None) -> Dict[str, Any]:
    """person_facts as form slot values."""
    facts = person_facts(text, today=today)
    names = {"for_whom": "prevention_for_whom", "sex": "prevention_sex", "pregnant": "prevention_pregnant",
             "age_years": "prevention_age_years", "age_months": "prevention_age_months"}
    return {names[key]: value for key, value in facts.items() if value is not None}


def is_read(slot: str, value: Any) -> bool:
    """True when a slot holds an answer already read, not raw text still to validate."""
    if slot in ("prevention_age_years", "prevention_age_months"):
        return isinstance(value, int) and not isinstance(value, bool)
    if slot == "prevention_sex":
        return value in SEX_CHOICES
    if slot == "prevention_pregnant":
        return isinstance(value, bool) or value == NOT_GIVEN
    return value is not None


def read_values(values: Dict[str, Any]) -> Dict[str, Any]:
    """The slot values already read; raw answers count as unknown."""
    return {slot: (value if is_read(slot, value) else None) for slot, value in values.items()}
