"""The MAS saisine as a conversation, without Rasa: which field to ask next, how to read each
typed answer, the summary, and the Saisine built once the person confirms.

The whole draft is one plain dict (one slot in the chat). A key is absent until its field is
answered; correcting a field removes its key, so the same next_field() asks it again.

    draft = start_draft(role="person", detected=detect_categories(first_message))
    field = next_field(draft, today)            # "consent", "motifs", "nom", …, None when done
    question(field, draft)                      # Question(texts, buttons)
    parsed = read_answer(field, text, draft, now, channel)   # Parsed(value=new draft) or .error
    outcome(draft)                              # "confirmed" | "cancelled" | "refused" | None
    build_saisine(draft)                        # the pydantic Saisine handed to the outbox
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field as dataclass_field
from datetime import date, datetime, timezone
from typing import Any, Dict, List, Optional

import phonenumbers

from bot.formatting import fr_date
from bot.parsing import Parsed, keyword_text, parse_choice, parse_yes_no
from bot.saisine import validation as v

PERSON, PARTNER = "person", "partner"
CONFIRMED, CANCELLED, REFUSED = "confirmed", "cancelled", "refused"

# Tick-box categories of the form, by draft key -> category in saisine_form.yml.
CATEGORY_FIELDS = {"motifs": "motifs", "soins": "soins", "depuis": "depuis", "causes": "causes",
                   "actions": "actions_engagees"}
MULTIPLE_CHOICE = {"motifs", "soins", "causes", "actions"}
RENONCEMENT_FIELDS = ("soins", "depuis", "causes")
PERSON_FIELDS = ("nom", "prenom", "date_naissance")
DETECTOR_FIELDS = ("detecteur_nom", "detecteur_structure", "detecteur_email", "detecteur_telephone", "actions")
OPTIONAL_FIELDS = {"email", "detecteur_email", "detecteur_telephone"}

FIELD_LABELS = {
    "motifs": "Motif", "soins": "Soins non réalisés", "depuis": "Depuis", "causes": "Causes",
    "nom": "Nom", "prenom": "Prénom", "date_naissance": "Date de naissance",
    "telephone": "Téléphone", "email": "E-mail",
    "detecteur_nom": "Votre nom", "detecteur_structure": "Votre structure",
    "detecteur_email": "Votre e-mail", "detecteur_telephone": "Votre téléphone",
    "actions": "Démarches déjà engagées",
}

YES_NO_BUTTONS = [{"title": "Oui", "payload": "oui"}, {"title": "Non", "payload": "non"}]
NONE_ANSWERS = ("aucune", "aucun", "rien", "non", "pas encore", "pas d email", "pas de mail",
                "pas d adresse", "je n en ai pas", "je n ai pas", "non merci", "pas de telephone",
                "passer", "je passe", "rien du tout", "sans")
NO_EMAIL = {"title": "Pas d'e-mail", "payload": "pas d'e-mail"}
NO_ACTION = {"title": "Aucune", "payload": "aucune"}
CONFIRMATION_CHOICES = {
    "confirm": ["confirmer l envoi", "confirmer", "je confirme", "confirme", "envoyer", "c est bon",
                "tout est exact", "c est exact", "oui", "valider"],
    "correct": ["corriger une information", "corriger", "modifier", "changer", "rectifier", "erreur",
                "non c est faux"],
    "cancel": ["annuler la demande", "annuler", "annule", "supprimer", "effacer", "laisser tomber"],
}
CONFIRMATION_BUTTONS = [
    {"title": "Confirmer l'envoi", "payload": "confirmer l'envoi"},
    {"title": "Corriger une information", "payload": "corriger une information"},
    {"title": "Annuler la demande", "payload": "annuler la demande"},
]
ROLE_CHOICES = {
    PERSON: ["pour moi", "moi", "moi meme", "pour moi meme", "c est pour moi", "je suis l assure",
             "je suis l assuree", "personnellement"],
    PARTNER: ["pour une personne que j accompagne", "pour une personne", "une personne que j accompagne",
              "pour quelqu un", "pour un usager", "pour une usagere", "pour un patient", "pour une patiente",
              "pour un beneficiaire", "professionnel", "partenaire", "travailleur social",
              "je suis professionnel", "pour une autre personne", "autre personne"],
}
ROLE_BUTTONS = [
    {"title": "Pour moi", "payload": "pour moi"},
    {"title": "Pour une personne que j'accompagne", "payload": "pour une personne que j'accompagne"},
]
STRUCTURE_ERROR = v.STRUCTURE_ERROR


@dataclass
class Question:
    texts: List[str]
    buttons: List[Dict[str, str]] = dataclass_field(default_factory=list)


# --------------------------------------------------------------------------
# Starting: who asks, and what the first message already said
# --------------------------------------------------------------------------

_PARTNER_REQUEST = re.compile(r"\b(?:saisine|saisir|signaler|signalement|orienter|detecteur|usager|usagere|beneficiaire)\b")
_SELF_REQUEST = re.compile(
    r"\b(?:etre (?:accompagne|accompagnee|aide|aidee|rappele|rappelee|contacte|contactee)|m accompagner|"
    r"me rappeler|me contacter|m aider|aidez moi|j ai besoin d aide)\b"
)


def role_from_request(text: str, partner_mode: bool) -> Optional[str]:
    """partner / person when the request says it, None when the form must ask."""
    words = keyword_text(text)
    if partner_mode or _PARTNER_REQUEST.search(words):
        return PARTNER
    if _SELF_REQUEST.search(words):
        return PERSON
    return None


_RENONCEMENT_WORDS = re.compile(
    r"\b(?:renonce\w*|y vais plus|y vais pas|vais plus chez|me soigne plus|me soigner|soigner|"
    r"trop cher|pas les moyens)\b"
)


def _has_term(words: str, term: str) -> bool:
    term_words = keyword_text(term)
    return bool(term_words) and re.search(r"\b" + re.escape(term_words) + r"\b", words) is not None


def _found(words: str, category: str) -> List[str]:
    return [
        option["id"] for option in v.options(category)
        if option["id"] != "autre" and any(_has_term(words, t) for t in [option["label"], *option.get("synonyms", [])])
    ]


def detect_categories(text: str) -> Dict[str, List[str]]:
    """Tick boxes a first message already answers ("le dentiste c'est trop cher, j'y vais plus":
    renoncement, actes et examens, reste à charge). Category ids only, never the words typed."""
    words = keyword_text(text)
    if not words:
        return {}
    soins, causes = _found(words, "soins"), _found(words, "causes")
    motifs = [m for m in _found(words, "motifs") if m not in v.renoncement_motifs()]
    if "renoncement_soins_handicap" in _found(words, "motifs"):
        motifs.insert(0, "renoncement_soins_handicap")
    elif soins or _RENONCEMENT_WORDS.search(words):
        motifs.insert(0, "renoncement_soins")
    detected = {"motifs": motifs, "soins": soins, "causes": causes}
    if not set(motifs) & set(v.renoncement_motifs()):
        detected["soins"], detected["causes"] = [], []
    return {key: values for key, values in detected.items() if values}


def start_draft(role: Optional[str], detected: Optional[Dict[str, List[str]]] = None) -> Dict[str, Any]:
    draft: Dict[str, Any] = {"detected": dict(detected or {})}
    if role:
        draft["role"] = role
    return draft


# --------------------------------------------------------------------------
# What to ask next
# --------------------------------------------------------------------------

def _wants_renoncement(draft: Dict[str, Any]) -> bool:
    return bool(set(draft.get("motifs") or []) & set(v.renoncement_motifs()))


def is_minor_under_15(draft: Dict[str, Any], today: date) -> bool:
    """Under 15 on the day of the consent (today until it is given): a birthday reached later in
    the conversation does not remove the need for a parent's consent."""
    birth = draft.get("date_naissance")
    if not birth:
        return False
    consent_day = datetime.fromisoformat(draft["consent_at"]).date() if draft.get("consent_at") else today
    return v.is_under_15(date.fromisoformat(birth), consent_day)


def outcome(draft: Dict[str, Any]) -> Optional[str]:
    if draft.get("consent") is False or draft.get("parental_consent") is False:
        return REFUSED
    if draft.get("confirmation") == "cancel":
        return CANCELLED
    if draft.get("confirmation") == "confirm":
        return CONFIRMED
    return None


def next_field(draft: Dict[str, Any], today: date) -> Optional[str]:
    """The next question, or None when the flow is over (see outcome())."""
    if outcome(draft):
        return None
    order = ["role", "consent", "motifs"]
    if _wants_renoncement(draft):
        order += list(RENONCEMENT_FIELDS)
    order += list(PERSON_FIELDS)
    if is_minor_under_15(draft, today):
        order.append("parental_consent")
    order += ["telephone", "email"]
    if draft.get("role") == PARTNER:
        order += list(DETECTOR_FIELDS)
    for name in order:
        if name not in draft:
            return name
    return "field_to_correct" if draft.get("correcting") else "confirmation"


# --------------------------------------------------------------------------
# Questions
# --------------------------------------------------------------------------

def _prompt(name: str, role: Optional[str]) -> Optional[str]:
    prompts = v.load_form().get("prompts", {}).get(name, {})
    return prompts.get(role or PERSON) or prompts.get(PERSON)


def _option_buttons(category: str) -> List[Dict[str, str]]:
    return [{"title": o["label"], "payload": o["label"]} for o in v.options(category)]


def _consent_question(draft: Dict[str, Any]) -> Question:
    entry = v.consent_versions()[v.current_consent_version()]
    texts = [p["text"].strip() for p in entry["notice"]]
    if draft.get("role") == PARTNER:
        texts.append(entry["partner_question"].strip())
        buttons = [{"title": "Oui, elle a donné son accord", "payload": "oui"},
                   {"title": "Non", "payload": "non"}]
    else:
        texts.append(entry["sentence"]["text"].strip() + "\n\n" + _prompt("consent", PERSON))
        buttons = [{"title": "Oui, j'accepte", "payload": "oui"}, {"title": "Non", "payload": "non"}]
    return Question(texts, buttons)


def question(name: str, draft: Dict[str, Any]) -> Question:
    role = draft.get("role")
    if name == "role":
        return Question([_prompt("role", PERSON)], ROLE_BUTTONS)
    if name == "consent":
        return _consent_question(draft)
    if name == "parental_consent":
        current = v.consent_versions()[v.current_consent_version()]
        text = (_prompt("parental_consent", PARTNER) if role == PARTNER
                else current["parental_question"].strip())
        return Question([text], YES_NO_BUTTONS)
    if name in CATEGORY_FIELDS:
        category = CATEGORY_FIELDS[name]
        text = (role == PARTNER and _prompt(name, PARTNER)) or v.load_form_question(category)
        if name in MULTIPLE_CHOICE:
            text += " Vous pouvez en indiquer plusieurs, en les séparant par « et »."
        buttons = _option_buttons(category) + ([NO_ACTION] if name == "actions" else [])
        return Question([text], buttons)
    if name == "field_to_correct":
        buttons = [{"title": FIELD_LABELS[key], "payload": FIELD_LABELS[key].lower()}
                   for key in FIELD_LABELS if key in draft]
        return Question([_prompt(name, role)], buttons)
    if name == "confirmation":
        return Question([render_summary(draft), _prompt("confirmation", role)], CONFIRMATION_BUTTONS)
    buttons = [NO_EMAIL] if name in ("email", "detecteur_email") else []
    if name == "detecteur_telephone":
        # Not "Passer": the NLU reads that word as `stop`, which would cancel the whole saisine.
        buttons = [{"title": "Pas de téléphone", "payload": "pas de téléphone"}]
    return Question([_prompt(name, role)], buttons)


# --------------------------------------------------------------------------
# Reading answers
# --------------------------------------------------------------------------

def _says_none(text: str) -> bool:
    """"aucune", "pas d'e-mail", "non merci": the optional field is left empty. An answer with an
    @ is an address, even one that starts with "rien" or "aucun"."""
    if "@" in (text or ""):
        return False
    words = keyword_text(text).replace("e mail", "email").replace("adresse mail", "email")
    return words in NONE_ANSWERS or any(words.startswith(n + " ") for n in NONE_ANSWERS[:3])


def _labels(category: str, ids: List[str]) -> str:
    return " ; ".join(v.option_label(category, i) for i in ids)


def _read_value(name: str, text: str, draft: Dict[str, Any], today: date) -> Parsed[Any]:
    """(value, interpretation) for one field, before it is written into the draft."""
    if name in CATEGORY_FIELDS:
        category = CATEGORY_FIELDS[name]
        if name == "actions" and _says_none(text):
            return Parsed(value=[], interpretation="C'est noté : aucune démarche engagée.")
        if name in MULTIPLE_CHOICE:
            parsed = v.parse_options(text, category)
            return parsed if not parsed.ok else Parsed(value=parsed.value, interpretation=f"C'est noté : {_labels(category, parsed.value)}.")
        parsed = v.parse_option(text, category)
        return parsed if not parsed.ok else Parsed(value=parsed.value, interpretation=f"C'est noté : {_labels(category, [parsed.value])}.")
    if name in ("nom", "prenom", "detecteur_nom"):
        return v.validate_name(text)
    if name == "detecteur_structure":
        return v.validate_structure(text)
    if name == "date_naissance":
        parsed = v.validate_birth_date(text, today=today)
        if not parsed.ok:
            return parsed
        return Parsed(value=parsed.value.date.isoformat(), interpretation=f"Date de naissance notée : {fr_date(parsed.value.date)}.")
    if name in ("telephone", "detecteur_telephone"):
        if name in OPTIONAL_FIELDS and _says_none(text):
            return Parsed(value="")
        parsed = v.validate_phone(text)
        return parsed if not parsed.ok else Parsed(value=parsed.value, interpretation=f"Numéro noté : {display_phone(parsed.value)}.")
    if name in ("email", "detecteur_email"):
        if _says_none(text):
            return Parsed(value="")
        return v.validate_email(text)
    raise KeyError(name)


NAME_FIELDS = ("nom", "prenom", "detecteur_nom")
# A word from any way of saying "stop" (or a pronoun: a sentence, not a name). A name has none.
_NOT_IN_A_NAME = {
    "stop", "stoppe", "stopper", "stoppez", "arret", "arrete", "arreter", "arretez", "arretons", "annule",
    "annuler", "annulez", "annulation", "quitte", "quitter", "quittez", "abandon", "abandonne",
    "abandonner", "tomber", "laisse", "laissez", "fin", "finir", "fini", "termine", "terminer", "marre",
    "sortir", "sors", "basta", "non", "nan", "rien", "pas", "plus", "veux", "je", "j", "on", "tu", "vous",
    "ne", "ca", "cela", "suffit", "bon", "merci", "aide", "menu",
}


def stop_misread_name(field: Optional[str], text: str) -> bool:
    """True when the classifier read "stop" in what is only a name typed at a name question.

    Its character n-grams take "Barre" or "Brisebarre" for "arrête" and the form's stop rule would
    erase the draft; a text that is a valid name and holds no word of a stop phrase is the answer.
    """
    if field not in NAME_FIELDS or not isinstance(text, str) or not v.validate_name(text).ok:
        return False
    words = keyword_text(text).split()
    return 0 < len(words) <= 4 and not set(words) & _NOT_IN_A_NAME


def read_answer(name: str, text: str, draft: Dict[str, Any], now: datetime, channel: str) -> Parsed[Dict[str, Any]]:
    """The draft with this answer written in, or a French error to show before asking again."""
    if not isinstance(text, str) or not text.strip():
        return Parsed(error="Je n'ai pas reçu de réponse. " + (question(name, draft).texts[-1]))
    if v.contains_nir(text):
        return Parsed(error=v.NIR_ERROR)
    new = dict(draft)
    if name == "role":
        parsed = parse_choice(text, ROLE_CHOICES)
        if not parsed.ok:
            return Parsed(error="Répondez « pour moi » ou « pour une personne que j'accompagne ».")
        new["role"] = parsed.value
        return Parsed(value=new)
    if name in ("consent", "parental_consent"):
        parsed = parse_yes_no(text)
        if not parsed.ok:
            return Parsed(error="Merci de répondre par oui ou par non.")
        new[name] = parsed.value
        if name == "consent" and parsed.value:
            return _consent_given(new, now, channel)
        return Parsed(value=new)
    if name == "confirmation":
        parsed = parse_choice(text, CONFIRMATION_CHOICES)
        if not parsed.ok:
            return Parsed(error="Choisissez : confirmer l'envoi, corriger une information, ou annuler la demande.")
        if parsed.value == "correct":
            new["correcting"] = True
        else:
            new["confirmation"] = parsed.value
        return Parsed(value=new)
    if name == "field_to_correct":
        return _field_to_correct(text, new)
    parsed = _read_value(name, text, draft, now.date())
    if not parsed.ok:
        return Parsed(error=parsed.error)
    new[name] = parsed.value
    return Parsed(value=_consistent(new), interpretation=parsed.interpretation)


def _consent_given(draft: Dict[str, Any], now: datetime, channel: str) -> Parsed[Dict[str, Any]]:
    """Record the consent (text version, time, channel) and take the tick boxes the first message
    already answered, so they are not asked again."""
    draft.update(
        consent_version=v.current_consent_version(),
        consent_at=now.astimezone(timezone.utc).isoformat(),
        consent_channel=channel,
        key=uuid.uuid4().hex,  # idempotency key: the same confirmation sent twice is one saisine
    )
    detected = draft.pop("detected", None) or {}
    noted = []
    for name, ids in detected.items():
        if ids and name not in draft:
            draft[name] = list(ids)
            noted.append(f"{FIELD_LABELS[name].lower()} : {_labels(CATEGORY_FIELDS[name], ids)}")
    interpretation = None
    if noted:
        interpretation = ("Merci. D'après votre message, j'ai noté — " + " ; ".join(noted)
                          + ". Vous pourrez le corriger avant l'envoi.")
    return Parsed(value=_consistent(draft), interpretation=interpretation)


def _field_to_correct(text: str, draft: Dict[str, Any]) -> Parsed[Dict[str, Any]]:
    choices = {key: [label, key.replace("_", " ")] for key, label in FIELD_LABELS.items() if key in draft}
    choices["telephone"] = choices.get("telephone", []) + ["numero", "portable", "tel"]
    parsed = parse_choice(text, {k: c for k, c in choices.items() if k in draft})
    if not parsed.ok:
        return Parsed(error="Quelle information ? " + ", ".join(FIELD_LABELS[k] for k in choices if k in draft) + ".")
    draft.pop(parsed.value, None)
    draft.pop("correcting", None)
    if parsed.value == "date_naissance":
        draft.pop("parental_consent", None)
    return Parsed(value=draft)


def _consistent(draft: Dict[str, Any]) -> Dict[str, Any]:
    """Data minimisation: the care section only for a renoncement motif."""
    if "motifs" in draft and not _wants_renoncement(draft):
        for name in RENONCEMENT_FIELDS:
            draft.pop(name, None)
    return draft


# --------------------------------------------------------------------------
# Summary and the saisine itself
# --------------------------------------------------------------------------

def display_phone(e164: str) -> str:
    """National form, grouped as in its territory: "+596596301234" -> "0596 30 12 34" (a Martinique
    line stored as "+33596301234" by an older version is shown the same way)."""
    number = v.french_line(phonenumbers.parse(e164, None))
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.NATIONAL)


def _display(name: str, value: Any) -> str:
    if name in CATEGORY_FIELDS:
        return _labels(CATEGORY_FIELDS[name], value if isinstance(value, list) else [value]) or "aucune"
    if name == "date_naissance":
        return fr_date(date.fromisoformat(value))
    if name in ("telephone", "detecteur_telephone"):
        return display_phone(value) if value else "non renseigné"
    return value or "non renseigné"


def render_summary(draft: Dict[str, Any]) -> str:
    lines = ["Voici votre demande, avant envoi à la Mission accompagnement santé :"]
    for key, label in FIELD_LABELS.items():
        if key in draft:
            lines.append(f"• {label} : {_display(key, draft[key])}")
    if draft.get("consent_at"):
        given = datetime.fromisoformat(draft["consent_at"])
        who = "confirmé par vous pour la personne" if draft.get("role") == PARTNER else "donné"
        lines.append(f"• Accord : {who} le {fr_date(given.date())} (texte d'information {draft['consent_version']})")
    if draft.get("parental_consent"):
        lines.append("• Accord d'un titulaire de l'autorité parentale : oui")
    return "\n".join(lines)


def build_saisine(draft: Dict[str, Any]):
    """The Saisine model (validated again: the backend accepts exactly what the chat accepted)."""
    from bot.saisine.model import Saisine

    partner = draft.get("role") == PARTNER
    renoncement = None
    if _wants_renoncement(draft):
        renoncement = {"soins": draft["soins"], "depuis": draft.get("depuis"), "causes": draft.get("causes", [])}
    consent_at = datetime.fromisoformat(draft["consent_at"])
    return Saisine(
        idempotency_key=draft["key"],
        motifs=draft["motifs"],
        person={
            "nom": draft["nom"], "prenom": draft["prenom"], "date_naissance": draft["date_naissance"],
            "telephone": draft["telephone"], "email": draft.get("email") or None,
        },
        detector={
            "nom": draft["detecteur_nom"], "structure": draft["detecteur_structure"],
            "email": draft.get("detecteur_email") or None, "telephone": draft.get("detecteur_telephone") or None,
        } if partner else None,
        actions_engagees=draft.get("actions", []) if partner else [],
        renoncement=renoncement,
        consent={
            "text_version": draft["consent_version"], "given_at": consent_at,
            "channel": draft["consent_channel"],
            "by": "partner_confirms_person_consented" if partner else "person",
            # The model refuses a saisine of a child under 15 without it: never assumed here.
            "parental_consent": draft.get("parental_consent"),
        },
    )


# --------------------------------------------------------------------------
# Withdrawal
# --------------------------------------------------------------------------

_REFERENCE_IN_TEXT = re.compile(r"\bMAS\s*[-–_ ]?\s*(\d{4})\s*[-–_ ]?\s*([0-9A-Za-z]{6})\b", re.IGNORECASE)
# Crockford's base 32 reads I and L as 1 and O as 0: a reference copied by hand still matches.
_CROCKFORD_READING = str.maketrans({"I": "1", "L": "1", "O": "0"})


def find_reference(text: str) -> Optional[str]:
    """"je retire mon consentement mas 2026 7k3f9q" -> "MAS-2026-7K3F9Q"."""
    match = _REFERENCE_IN_TEXT.search(text or "")
    if not match:
        return None
    code = match.group(2).upper().translate(_CROCKFORD_READING)
    if any(ch not in "0123456789ABCDEFGHJKMNPQRSTVWXYZ" for ch in code):
        return None
    return f"MAS-{match.group(1)}-{code}"
