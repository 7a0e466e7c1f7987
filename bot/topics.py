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
