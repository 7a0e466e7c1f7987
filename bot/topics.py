"""Topic labels shown on buttons, and the link between intents and rights.

Labels are interface words, not facts: the rights' own names and figures live in bot/knowledge/.
"""
from __future__ import annotations

from typing import Dict, List, Optional

RIGHT_BY_INTENT: Dict[str, str] = {
    "ask_puma": "puma",
    "ask_c2s": "c2s",
    "ask_ame": "ame",
    "ask_soins_urgents": "soins_urgents",
    "ask_capital_deces": "capital_deces",
    "ask_invalidite": "invalidite",
}

# Topics offered when the assistant is not sure what was meant (two-stage fallback): only real
# topics, never small talk, and "all topics" so that a person always has a way on.
INTENT_LABELS: Dict[str, str] = {
    "ask_puma": "Être couvert par l’Assurance Maladie (PUMa)",
    "ask_c2s": "Complémentaire santé solidaire (C2S)",
    "ask_ame": "Aide médicale de l’État (AME)",
    "ask_soins_urgents": "Soins urgents sans couverture",
    "ask_capital_deces": "Capital décès",
    "ask_invalidite": "Pension d’invalidité",
    "check_eligibility": "Vérifier mes droits",
    "ask_prevention": "Prévention selon l’âge (dépistages, vaccins, M’T dents)",
    "help": "Voir tous les sujets",
}

CHECK_BUTTON_TITLE = "Vérifier si j’y ai droit"
PREVENTION_FOR_ME_BUTTON = {"title": "Ce qui me concerne selon mon âge", "payload": "/ask_prevention"}
OTHER_TOPIC_BUTTON = {"title": "Autre sujet", "payload": "/help"}
PREPARE_SAISINE_BUTTON = {"title": "Préparer la demande d'accompagnement (MAS) ici", "payload": "/request_mas"}
SOMETHING_ELSE_BUTTON = {"title": "Autre chose", "payload": "/deny"}


def eligibility_payload(right_id: str) -> str:
    """Button payload that starts (or resumes) the eligibility check for one right."""
    return '/check_eligibility{"right":"%s"}' % right_id


def right_for_intent(intent: Optional[str]) -> Optional[str]:
    return RIGHT_BY_INTENT.get(intent or "")


def likely_topics(intent_ranking: List[dict], limit: int = 3) -> List[dict]:
    """Buttons for the most likely topics of an unclear message, best first."""
    buttons: List[dict] = []
    for ranked in intent_ranking:
        name = ranked.get("name")
        if name in INTENT_LABELS and all(b["payload"] != f"/{name}" for b in buttons):
            buttons.append({"title": INTENT_LABELS[name], "payload": f"/{name}"})
        if len(buttons) == limit:
            break
    if all(b["payload"] != "/help" for b in buttons):
        buttons.append({"title": INTENT_LABELS["help"], "payload": "/help"})
    return buttons


# Said after the answer to a factual question that also asks about the person's own case.
OFFER_TO_CHECK = "Pour savoir si vous y avez droit, je peux vous poser quelques questions : touchez « Vérifier si j’y ai droit »."

# The likely next steps after an answer on a right, at most three (issue 16).
_NEXT_STEP_TITLES = {
    "fr": {"check": CHECK_BUTTON_TITLE, "apply": "Comment faire la demande", "all": "Tout savoir : {label}"},
    "en": {"check": "Check if I am entitled", "apply": "How to apply", "all": "All about the {label}"},
}


def aspect_payload(right_id: str, aspect: str) -> str:
    intent = next(i for i, r in RIGHT_BY_INTENT.items() if r == right_id)
    return '/%s{"aspect":"%s"}' % (intent, aspect)


def right_buttons(right_id: str, aspect: str, language: str = "fr") -> List[dict]:
    """"Vérifier si j'y ai droit", "Comment faire la demande" (unless that was the question), "Tout savoir"
    (unless the whole card was just given)."""
    from bot.knowledge import get_right

    titles = _NEXT_STEP_TITLES.get(language, _NEXT_STEP_TITLES["fr"])
    buttons = [{"title": titles["check"], "payload": eligibility_payload(right_id)}]
    if aspect != "apply":
        buttons.append({"title": titles["apply"], "payload": aspect_payload(right_id, "apply")})
    if aspect != "overview":
        label = get_right(right_id).short_label
        buttons.append({"title": titles["all"].format(label=label), "payload": aspect_payload(right_id, "overview")})
    return buttons


# Asked after a contact answer for a need when the place is not known (its CPAM's own contacts).
ASK_PLACE = "Pour votre CPAM, dites-moi votre ville ou votre code postal."


def more_details_button(need: str) -> dict:
    """The whole answer for a need, after its short first reply."""
    return {"title": "Plus de détails", "payload": '/ask_contact{"contact_need":"%s","aspect":"overview"}' % need}


def offer_overview_button(offer_id: str) -> dict:
    """Everything on one prevention offer, after the answer to one aspect."""
    return {"title": "Tout savoir sur ce sujet",
            "payload": '/ask_prevention{"prevention_offer":"%s","aspect":"overview"}' % offer_id}
