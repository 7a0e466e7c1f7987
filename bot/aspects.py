"""What a question asks about a subject: the aspects, one home for their names and labels.

A question is a subject (a right, a prevention offer, a contact need), an aspect (below) and the
person's parameters (bot.question_params). The NLU's aspect classifier (components/aspect_classifier.py)
learns the aspect from the `aspect` metadata of the training examples; the answer picks the knowledge
lines that carry that aspect.
"""
from __future__ import annotations

from typing import Dict, Tuple

# Two aspects shared by every family: the whole card, and "am I entitled?" (the eligibility form).
OVERVIEW = "overview"
OWN_CASE = "own_case"

RIGHT_ASPECTS: Dict[str, str] = {
    "what_is": "ce que c'est",
    "who": "qui y a droit",
    "cost": "le coût ou le montant",
    "ceiling": "le plafond de ressources",
    "apply": "comment faire la demande",
    "documents": "les pièces à fournir",
    "delay": "le délai de réponse",
    "renewal": "la durée et le renouvellement",
    "start": "la date de début et la rétroactivité",
    "covered": "ce qui est pris en charge",
    "cumul": "le cumul avec un travail ou une autre aide",
    "recourse": "les recours en cas de refus",
    "contact": "où envoyer la demande, qui contacter",
}

PREVENTION_ASPECTS: Dict[str, str] = {
    "age": "à partir de quel âge",
    "frequency": "à quel rythme",
    "coverage": "la prise en charge",
    "how": "comment en bénéficier",
    "special": "les cas particuliers (grossesse, risque élevé)",
}

CONTACT_ASPECTS: Dict[str, str] = {
    "phone": "le numéro de téléphone",
    "phone_cost_hours": "le coût et les horaires du 3646",
    "abroad_overseas": "appeler depuis l'étranger ou l'outre-mer",
    "online_account": "le compte ameli",
    "local_office": "l'accueil de votre CPAM",
    "mediator": "le médiateur",
    "partner_portal": "le portail des partenaires",
}

SHARED_ASPECTS: Dict[str, str] = {OVERVIEW: "l'essentiel", OWN_CASE: "votre situation"}

FAMILIES: Dict[str, Dict[str, str]] = {
    "right": RIGHT_ASPECTS,
    "prevention": PREVENTION_ASPECTS,
    "contact": CONTACT_ASPECTS,
}

ALL_ASPECTS: Tuple[str, ...] = tuple(
    dict.fromkeys([*SHARED_ASPECTS, *RIGHT_ASPECTS, *PREVENTION_ASPECTS, *CONTACT_ASPECTS])
)


def label(aspect: str) -> str:
    """French words for an aspect, as in "je n'ai pas d'information sur {label}"."""
    for names in (SHARED_ASPECTS, *FAMILIES.values()):
        if aspect in names:
            return names[aspect]
    raise KeyError(f"unknown aspect {aspect!r}")
