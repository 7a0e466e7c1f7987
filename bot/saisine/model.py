"""The MAS saisine as a pydantic (1.10) model: the fields of annex 4, nothing more.

Only tick-box ids, names, a birth date and contact details: there is no free-text field, so no
health detail can be typed in. Any field whose text contains a NIR is refused (seed 003, line 637:
signalements never carry it), and so is any text with a lone surrogate (JSON "\\ud800"), which
cannot be encoded in UTF-8, so neither the outbox nor the backend could store the saisine. The chat,
the outbox and the backend all validate with this model.
"""
from __future__ import annotations

import json
import secrets
import unicodedata
from datetime import date, datetime, timedelta, timezone
from typing import Any, Dict, Iterable, List, Literal, Optional

from pydantic import BaseModel, Extra, ValidationError, constr, validator

from bot.saisine import validation as v

NIR_FIELD_ERROR = (
    "Le numéro de sécurité sociale (NIR) ne doit jamais être transmis : retirez-le de ce champ."
)
UNENCODABLE_TEXT_ERROR = "Ce champ contient des caractères invalides (mal encodés) : retapez-le sans eux."
REFERENCE_PATTERN = r"^MAS-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$"
IDEMPOTENCY_KEY_PATTERN = r"^[A-Za-z0-9_\-]{16,100}$"
CLOCK_SKEW = timedelta(minutes=5)

ConsentBy = Literal["person", "partner_confirms_person_consented"]


def _strings_in(value: Any) -> Iterable[str]:
    # Lists are walked here; nested objects are checked by their own model, so the error names
    # the innermost field.
    if isinstance(value, str):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _strings_in(item)


def is_unencodable(text: str) -> bool:
    """A lone surrogate (Cs: a JSON body may carry one, UTF-8 cannot encode it) or an invisible
    control character (Cc) other than the whitespace anystr_strip_whitespace and the form collapse.
    The chat refuses the same (test_what_the_chat_accepts_the_model_accepts)."""
    return any(unicodedata.category(ch) in ("Cs", "Cc") and ch not in "\t\n\r" for ch in text)


class _FormModel(BaseModel):
    class Config:
        extra = Extra.forbid  # only the form's fields are collected
        anystr_strip_whitespace = True
        max_anystr_length = 254

    @validator("*", pre=True)
    def _refuse_unencodable_text_and_nir(cls, value):
        # Every string field of every form model passes here, before any other validator.
        texts = list(_strings_in(value))
        if any(is_unencodable(text) for text in texts):
            raise ValueError(UNENCODABLE_TEXT_ERROR)
        if any(v.contains_nir(text) for text in texts):
            raise ValueError(NIR_FIELD_ERROR)
        return value


def _checked(parsed):
    if not parsed.ok:
        raise ValueError(parsed.error)
    return parsed.value


def _options(values: List[str], category: str) -> List[str]:
    allowed = v.option_ids(category)
    unknown = [item for item in values if item not in allowed]
    if unknown:
        raise ValueError(f"Choix non reconnu. Choix possibles : {', '.join(allowed)}.")
    return list(dict.fromkeys(values))  # duplicates dropped, order kept


def _name(value: str) -> str:
    return _checked(v.validate_name(value))


def _phone(value: Optional[str]) -> Optional[str]:
    return None if value is None else _checked(v.validate_phone(value))


def _email(value: Optional[str]) -> Optional[str]:
    return None if value in (None, "") else _checked(v.validate_email(value))


class Person(_FormModel):
    """COORDONNÉES DE L'ASSURÉ(E)."""

    nom: str
    prenom: str
    date_naissance: date
    telephone: str
    email: Optional[str] = None

    _names = validator("nom", "prenom", allow_reuse=True)(_name)
    _telephone = validator("telephone", allow_reuse=True)(_phone)
    _email = validator("email", allow_reuse=True)(_email)

    @validator("date_naissance")
    def _plausible_birth(cls, value: date) -> date:
        problem = v.check_birth_date(value, date.today())
        if problem:
            raise ValueError(problem)
        return value


class Detector(_FormModel):
    """COORDONNÉES DU DÉTECTEUR (a partner who refers the person)."""

    nom: str
    structure: constr(min_length=2, max_length=120)
    email: Optional[str] = None
    telephone: Optional[str] = None

    _nom = validator("nom", allow_reuse=True)(_name)
    _telephone = validator("telephone", allow_reuse=True)(_phone)
    _email = validator("email", allow_reuse=True)(_email)

    @validator("structure")
    def _structure(cls, value: str) -> str:
        # The same rule as the chat's question (markup refused: the name is echoed to people).
        return _checked(v.validate_structure(value))


class Renoncement(_FormModel):
    """PARTIE À COMPLÉTER EN CAS DE RENONCEMENT: tick boxes only."""

    soins: List[str]
    depuis: Optional[str] = None
    causes: List[str] = []

    @validator("soins")
    def _soins(cls, value: List[str]) -> List[str]:
        if not value:
            raise ValueError("Indiquez au moins un type de soins.")
        return _options(value, "soins")

    @validator("depuis")
    def _depuis(cls, value: Optional[str]) -> Optional[str]:
        return None if value is None else _options([value], "depuis")[0]

    @validator("causes")
    def _causes(cls, value: List[str]) -> List[str]:
        return _options(value, "causes")


class Consent(_FormModel):
    text_version: str
    given_at: datetime
    channel: constr(regex=r"^[a-z][a-z0-9_]{1,29}$")
    by: ConsentBy
    parental_consent: Optional[bool] = None

    @validator("text_version")
    def _known_version(cls, value: str) -> str:
        if value not in v.consent_versions():
            raise ValueError("Version du texte d'information inconnue.")
        return value

    @validator("given_at")
    def _utc(cls, value: datetime) -> datetime:
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError("L'heure du consentement doit préciser son fuseau (UTC).")
        try:
            value = value.astimezone(timezone.utc)
        except OverflowError:  # 0001-01-01T00:00+01:00 has no UTC equivalent; not a ValueError
            raise ValueError("L'heure du consentement est hors des dates possibles.") from None
        if value > datetime.now(timezone.utc) + CLOCK_SKEW:
            raise ValueError("L'heure du consentement est dans le futur.")
        return value


class Saisine(_FormModel):
    idempotency_key: constr(regex=IDEMPOTENCY_KEY_PATTERN)
    # Set by the outbox so the person gets their reference before delivery.
    reference: Optional[constr(regex=REFERENCE_PATTERN)] = None
    motifs: List[str]
    person: Person
    detector: Optional[Detector] = None
    actions_engagees: List[str] = []
    renoncement: Optional[Renoncement] = None
    consent: Consent

    @validator("motifs")
    def _motifs(cls, value: List[str]) -> List[str]:
        if not value:
            raise ValueError("Indiquez au moins un motif de la demande.")
        return _options(value, "motifs")

    @validator("actions_engagees")
    def _actions(cls, value: List[str]) -> List[str]:
        return _options(value, "actions_engagees")

    @validator("renoncement")
    def _renoncement_needs_motif(cls, value, values):
        if value is not None and not set(values.get("motifs") or []) & set(v.renoncement_motifs()):
            # Data minimisation: the care section is only filled for a renoncement motif.
            raise ValueError("Cette partie ne se remplit qu'en cas de renoncement aux soins.")
        return value

    @validator("consent")
    def _consent_rules(cls, value: Consent, values) -> Consent:
        if value.by == "partner_confirms_person_consented" and values.get("detector") is None:
            raise ValueError("Le partenaire qui confirme le consentement doit indiquer ses coordonnées.")
        person = values.get("person")
        if person is None:
            return value
        consent_day = value.given_at.date()
        if person.date_naissance > consent_day:
            raise ValueError("Le consentement ne peut pas précéder la date de naissance.")
        if v.is_under_15(person.date_naissance, consent_day) and value.parental_consent is not True:
            raise ValueError(
                "Moins de 15 ans : l'accord d'un titulaire de l'autorité parentale est obligatoire."
            )
        return value

    def canonical_json(self) -> str:
        """Stable JSON (sorted keys) used for storage and to compare retries."""
        return json.dumps(json.loads(self.json()), sort_keys=True, ensure_ascii=False)


# --------------------------------------------------------------------------
# French error messages (pydantic's own are English)
# --------------------------------------------------------------------------

_MESSAGES = {
    "value_error.missing": "Ce champ est obligatoire.",
    "value_error.extra": "Ce champ n'est pas prévu par le formulaire.",
    "type_error.none.not_allowed": "Ce champ ne peut pas être vide.",
    "type_error.str": "Un texte est attendu.",
    "type_error.list": "Une liste est attendue.",
    "type_error.dict": "Un objet est attendu.",
    "type_error.bool": "Une valeur vrai/faux (true/false) est attendue.",
    "value_error.date": "Date invalide : format AAAA-MM-JJ attendu.",
    "type_error.date": "Date invalide : format AAAA-MM-JJ attendu.",
    "value_error.datetime": "Date et heure invalides : format ISO 8601 attendu.",
    "type_error.datetime": "Date et heure invalides : format ISO 8601 attendu.",
    "value_error.str.regex": "Format invalide.",
    "value_error.any_str.min_length": "Texte trop court.",
    "value_error.any_str.max_length": "Texte trop long.",
}


def _french_message(error: Dict[str, Any]) -> str:
    kind = error.get("type", "")
    if kind == "value_error":  # raised by our validators: already French
        return error["msg"]
    if kind == "value_error.const":  # a Literal
        permitted = ", ".join(str(p) for p in error.get("ctx", {}).get("permitted", ()))
        return f"Valeur non reconnue. Valeurs possibles : {permitted}."
    if kind == "value_error.any_str.max_length":
        return f"Texte trop long ({error['ctx']['limit_value']} caractères au plus)."
    return _MESSAGES.get(kind, "Valeur invalide.")


def french_errors(exc: ValidationError) -> List[Dict[str, str]]:
    """[{"champ": "person.telephone", "message": "..."}]; never echoes the value sent."""
    return [
        {
            "champ": ".".join(str(part) for part in error["loc"] if part != "__root__"),
            "message": _french_message(error),
        }
        for error in exc.errors()
    ]


# --------------------------------------------------------------------------
# References given to the person ("MAS-2026-7K3F9Q")
# --------------------------------------------------------------------------

# Crockford's base 32: no I, L, O, U, so a reference read over the phone is not misheard.
REFERENCE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


def new_reference(year: int) -> str:
    """A random reference: 32**6 (about a billion) per year, so it cannot be guessed."""
    return f"MAS-{year:04d}-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _ in range(6))
