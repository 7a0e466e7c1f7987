"""How each eligibility fact is read from what a person types.

The eligibility modules (bot/eligibility/) name the facts they still need; the Rasa form asks
them with the same names (domain.yml slots). This registry turns an answer, typed or sent by a
button, into the typed value the eligibility modules expect. Categorical answers accept the
button text and the usual ways of saying the same thing.
"""
from __future__ import annotations

from datetime import date
from typing import Any, Callable, Dict, List, Optional

from bot import parsing
from bot.formatting import eur, persons
from bot.parsing import Parsed
from bot.question_params import QuestionParams, read_params

# Canonical value -> words people use for it (accent- and case-insensitive, see parse_choice).
CHOICES: Dict[str, Dict[str, list]] = {
    "minimum_benefit": {
        "rsa": ["rsa", "revenu de solidarite active", "revenu de solidarité active", "je touche le rsa"],
        "aspa": ["aspa", "minimum vieillesse", "allocation de solidarite aux personnes agees"],
        "none": ["aucun des deux", "aucun", "ni l'un ni l'autre", "non", "ni rsa ni aspa", "rien de tout ca"],
    },
    "residence_status": {
        "regular": [
            "situation reguliere", "titre de sejour", "carte de sejour", "recepisse", "francais",
            "française", "français", "nationalite francaise", "europeen", "européenne", "union europeenne",
            "regulier", "régulière", "papiers en regle",
        ],
        "irregular": [
            "situation irreguliere", "sans papiers", "sans-papiers", "pas de papiers", "pas de titre de sejour",
            "irregulier", "irrégulière", "sans titre", "titre expire",
        ],
        "asylum_seeker": ["demandeur d'asile", "demande d'asile", "asile", "demandeuse d'asile"],
    },
    "deceased_status": {
        "salarie": ["salarie", "salariée", "il travaillait", "elle travaillait", "en arret maladie", "employe", "cdi", "cdd", "interim"],
        "chomeur_indemnise": ["chomage indemnise", "au chomage", "pole emploi", "france travail", "allocations chomage", "demandeur d'emploi indemnise"],
        "chomage_termine_moins_12_mois": ["chomage termine depuis moins de 12 mois", "fin de droits chomage", "fin de chomage depuis moins d'un an", "ne touchait plus le chomage"],
        "pension_invalidite": ["pension d'invalidite", "invalidite", "invalide"],
        "rente_atmp_66": ["rente accident du travail", "rente at/mp", "rente maladie professionnelle", "rente at"],
        "maintien_droits": ["maintien de droits", "maintien des droits"],
        "independant_actif": ["independant", "travailleur independant", "artisan", "commercant", "auto-entrepreneur", "micro-entrepreneur"],
        "independant_retraite": ["independant retraite", "artisan retraite", "commercant retraite", "ancien independant retraite"],
        "retraite_salarie": ["retraite", "retraitée", "a la retraite", "ancien salarie retraite"],
        "autre": ["autre", "aucune activite", "sans activite", "je ne sais pas", "autre situation"],
    },
    "asker_link": {
        "conjoint": ["conjoint", "conjointe", "epoux", "epouse", "mari", "femme", "pacs", "pacse", "concubin", "compagnon", "compagne", "veuf", "veuve"],
        # "mon père" means the deceased was the asker's father, so the asker is a child.
        "enfant": ["enfant du defunt", "son enfant", "son fils", "sa fille", "mon pere", "ma mere", "papa", "maman"],
        "ascendant": ["parent du defunt", "ascendant", "mon fils", "ma fille", "mon enfant", "grand-parent"],
        "autre": ["autre", "frere", "soeur", "neveu", "niece", "ami", "amie", "voisin", "cousin"],
    },
    "origin": {
        "maladie": ["maladie", "une maladie", "maladie non professionnelle", "cancer", "depression"],
        "accident_vie_privee": ["accident de la vie privee", "accident de la route", "accident domestique", "accident hors travail", "accident de voiture"],
        "accident_travail": ["accident du travail", "accident de travail", "accident au travail", "accident de trajet", "at"],
        "maladie_professionnelle": ["maladie professionnelle", "maladie pro", "mp", "maladie liee au travail"],
    },
    "work_capacity": {
        "can_work": ["je peux encore travailler", "peut travailler", "temps partiel", "travail adapte", "un peu", "categorie 1", "mi-temps"],
        "cannot_work": ["je ne peux plus travailler", "ne peut plus travailler", "aucun travail", "plus du tout", "categorie 2"],
        "needs_third_person": ["besoin d'une tierce personne", "tierce personne", "aide pour la vie quotidienne", "besoin d'aide pour les gestes", "categorie 3", "aide pour se laver"],
    },
}

YES_NO_FACTS = {
    "works_in_france",
    "residence_over_3_months",
    "urgent_care",
    "is_minor",
    "dependent_on_deceased",
    "capacity_reduced_two_thirds",
    "affiliated_12_months",
    "worked_600_hours",
}

# The form slots hold JSON-friendly values (Rasa stores them in the tracker): dates as ISO strings.
READERS: Dict[str, Callable[[str], Parsed]] = {
    "household_size": parsing.parse_household_size,
    "annual_resources": parsing.parse_resources,
    "territory": parsing.parse_territory,
    "household_ages": parsing.parse_ages_list,
    "age": parsing.parse_age,
    "death_date": parsing.parse_past_date,
}


# Facts that one clear word in a free sentence settles ("mon mari", "au chômage", "sans papiers").
# Yes/no facts and dates are never read from a whole sentence: too easy to misread.
# minimum_benefit comes from parsing.extract_situation, which understands "je ne touche pas le RSA".
SENTENCE_FACTS = ("residence_status", "deceased_status", "asker_link")

# How a read value is told back to the person ("J'ai noté : …").
VALUE_WORDS: Dict[str, Dict[str, str]] = {
    "minimum_benefit": {"rsa": "vous touchez le RSA", "aspa": "vous touchez l'ASPA", "none": "ni RSA ni ASPA"},
    "territory": {"metropole": "en métropole", "outre_mer": "en outre-mer", "mayotte": "à Mayotte"},
    "residence_status": {
        "regular": "séjour régulier",
        "irregular": "sans titre de séjour",
        "asylum_seeker": "demande d'asile en cours",
    },
    "deceased_status": {
        "salarie": "la personne décédée était salariée",
        "chomeur_indemnise": "la personne décédée était au chômage indemnisé",
        "chomage_termine_moins_12_mois": "son chômage avait pris fin depuis moins de 12 mois",
        "pension_invalidite": "elle touchait une pension d'invalidité",
        "rente_atmp_66": "elle touchait une rente d'accident du travail",
        "maintien_droits": "elle était en maintien de droits",
        "independant_actif": "elle était indépendante",
        "independant_retraite": "elle était indépendante retraitée",
        "retraite_salarie": "elle était salariée retraitée",
        "autre": "autre situation",
    },
    "asker_link": {
        "conjoint": "vous êtes son conjoint ou partenaire de PACS",
        "enfant": "vous êtes son enfant",
        "ascendant": "vous êtes son père ou sa mère",
        "autre": "autre lien",
    },
}


def known_facts() -> set:
    return set(READERS) | set(CHOICES) | YES_NO_FACTS


def read_fact(fact: str, answer: Any) -> Parsed:
    """Reads one answer for `fact`. Values already typed (pre-filled from a sentence) pass through."""
    if not isinstance(answer, str):
        return Parsed(value=answer, error=None, interpretation=None)
    if parsing.looks_like_nir(answer):
        return Parsed(
            value=None,
            error=(
                "Il semble que vous ayez écrit un numéro de sécurité sociale. Je n'en ai pas besoin "
                "et je ne le garde pas : merci de ne pas l'écrire ici. Répondez seulement à la question."
            ),
            interpretation=None,
        )
    if fact in CHOICES:
        return parsing.parse_choice(answer, CHOICES[fact])
    if fact in YES_NO_FACTS:
        return parsing.parse_yes_no(answer)
    if fact in READERS:
        return READERS[fact](answer)
    raise KeyError(f"Unknown eligibility fact: {fact}")


def is_read_value(fact: str, value: Any) -> bool:
    """True when a slot holds an answer already read (typed), not raw text still to validate."""
    if value is None:
        return False
    if fact in CHOICES:
        return value in CHOICES[fact]
    if fact in YES_NO_FACTS:
        return isinstance(value, bool)
    if fact == "death_date":
        try:
            date.fromisoformat(value)
            return True
        except (TypeError, ValueError):
            return False
    if fact == "household_ages":
        return isinstance(value, list)
    if fact == "territory":
        return value in ("metropole", "outre_mer", "mayotte")
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def to_slot_value(value: Any) -> Any:
    """Slot-friendly form of a typed fact value."""
    if isinstance(value, date):
        return value.isoformat()
    return value


def to_fact_value(fact: str, slot_value: Any) -> Optional[Any]:
    """Typed fact value from what the slot holds."""
    if slot_value is None:
        return None
    if fact == "death_date" and isinstance(slot_value, str):
        return date.fromisoformat(slot_value)
    if fact == "household_size" and isinstance(slot_value, float):
        return int(slot_value)
    return slot_value


def facts_in_sentence(text: str, wanted: List[str], today: Optional[date] = None) -> Dict[str, Any]:
    """Facts among `wanted` that a free sentence already gives, so the form does not ask them."""
    situation = parsing.extract_situation(text)
    # Household size and ages are read with each number in its context (bot.question_params):
    # "j'ai 40 ans, je vis seule" gives 1 person aged 40; "ça se fait tout seul" no household.
    for fact, value in _people_facts(read_params(text, today or date.today())).items():
        situation[fact] = value
        if value is None:
            del situation[fact]
    found = {fact: value for fact, value in situation.items() if fact in wanted}
    for fact in SENTENCE_FACTS:
        if fact in wanted and fact not in found:
            parsed = parsing.parse_choice(text, CHOICES[fact])
            if parsed.ok and parsed.interpretation is None:  # exact words only, no typo guess
                found[fact] = parsed.value
    return found


def _people_facts(params: QuestionParams) -> Dict[str, Any]:
    """household_size, age and household_ages as a sentence states them (None: not said)."""
    ages = None
    if params.ages and params.household_size in (None, len(params.ages)):
        ages = list(params.ages)  # "nous avons 40 et 42 ans"
    elif params.age is not None and params.household_size == 1:
        ages = [params.age]  # "j'ai 40 ans, je vis seule"
    return {"household_size": params.household_size, "age": params.age, "household_ages": ages}


def describe_fact(fact: str, value: Any) -> str:
    """Plain French for one read fact, to tell the person what was understood."""
    if fact in VALUE_WORDS:
        return VALUE_WORDS[fact].get(value, str(value))
    if fact == "household_size":
        return f"{persons(value)} dans le foyer"
    if fact == "annual_resources":
        return f"{eur(value)} de ressources sur 12 mois"
    if fact == "age":
        return f"{value} ans"
    return str(value)


def describe_facts(facts: Dict[str, Any]) -> Optional[str]:
    if not facts:
        return None
    return "J'ai noté : " + " ; ".join(describe_fact(f, v) for f, v in facts.items()) + "."
