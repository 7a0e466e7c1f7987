"""Pure checks for the MAS saisine form: one function per typed answer, plus the form's options.

Each ``validate_*`` returns a :class:`bot.parsing.Parsed`: a normalised ``value`` or a short French
``error`` the chat can show as a re-ask. The pydantic model (bot.saisine.model) calls the same
functions, so the chat and the backend accept exactly the same values.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Dict, List, Optional

import phonenumbers
import yaml
from email_validator import EmailNotValidError, validate_email as _check_email

from bot.parsing import Parsed, keyword_text, looks_like_nir, parse_choice, parse_past_date

FORM_PATH = Path(__file__).resolve().parent.parent / "knowledge" / "saisine_form.yml"

NIR_ERROR = (
    "Merci de ne pas indiquer votre numéro de sécurité sociale : il n'est pas nécessaire "
    "et je ne peux pas l'enregistrer. Pouvez-vous répondre sans ce numéro ?"
)
PHONE_ERROR = (
    "Je n'ai pas reconnu ce numéro de téléphone. Pouvez-vous l'écrire avec ses 10 chiffres, "
    "par exemple 06 12 34 56 78 ?"
)
FOREIGN_PHONE_ERROR = (
    "Ce numéro n'est pas un numéro français. Pouvez-vous indiquer un numéro en France "
    "(métropole ou outre-mer), par exemple 06 12 34 56 78 ?"
)
EMAIL_ERROR = (
    "Cette adresse e-mail ne semble pas valide. Pouvez-vous la vérifier, par exemple "
    "prenom.nom@exemple.fr ?"
)
NAME_ERROR = (
    "Je n'ai pas compris ce nom. Pouvez-vous l'écrire en lettres seulement "
    "(les tirets, apostrophes et espaces sont acceptés) ?"
)
STRUCTURE_ERROR = "Pouvez-vous indiquer le nom de votre structure en quelques mots (2 à 120 caractères) ?"
# Names the signs instead of showing them: an error repeats no markup either.
MARKUP_ERROR = (
    "Le nom de la structure ne peut pas contenir de chevrons (signes inférieur et supérieur). "
    "Pouvez-vous l'écrire sans eux, par exemple « CCAS de Lille » ?"
)
BIRTH_DATE_INCOMPLETE = (
    "Pouvez-vous indiquer la date de naissance complète, jour, mois et année, "
    "par exemple 14/07/1985 ?"
)
BIRTH_DATE_RANGE = (
    "Cette date de naissance ne me paraît pas possible. Pouvez-vous la vérifier, "
    "au format JJ/MM/AAAA ?"
)

MAX_NAME_CHARS = 60
MAX_AGE = 120
PARENTAL_CONSENT_AGE = 15  # loi Informatique et Libertés, art. 45 (seed 001, lines 567-568)

# Overseas départements have their own region codes in libphonenumber: "0690 12 34 56" is only
# valid as a Guadeloupe number, so national-format answers are tried against each of them.
FRENCH_REGIONS = ("FR", "GP", "MQ", "GF", "RE", "YT", "PM", "BL", "MF")


# A NIR-shaped number: sex digit, then 12 digits (2A/2B for Corsica), optionally a 2-digit key.
_NIR_SHAPE = re.compile(r"^[1278]\d{4}(?:\d{2}|2[AB])\d{6}(?:\d{2})?$")
_DIGIT_RUN = re.compile(r"(?<![0-9A-Za-z])[0-9](?:[ .\-]{0,2}[0-9ABab]){12,14}(?![0-9A-Za-z])")


def contains_nir(text: object) -> bool:
    """looks_like_nir, plus a NIR whose key is wrong: a mistyped NIR is still one, and the form
    has no other place for a 13- or 15-digit number starting with 1, 2, 7 or 8."""
    if not isinstance(text, str):
        return False
    if looks_like_nir(text):
        return True
    return any(
        _NIR_SHAPE.match(re.sub(r"[ .\-]", "", run).upper()) for run in _DIGIT_RUN.findall(text)
    )


# --------------------------------------------------------------------------
# The form's options (bot/knowledge/saisine_form.yml)
# --------------------------------------------------------------------------

@lru_cache(maxsize=1)
def load_form() -> dict:
    with FORM_PATH.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _section(category: str) -> dict:
    form = load_form()
    if category in ("motifs", "actions_engagees"):
        return form[category]
    if category in ("soins", "depuis", "causes"):
        return form["renoncement"][category]
    raise KeyError(f"unknown saisine category: {category}")


def options(category: str) -> List[dict]:
    """The options of one category, in the form's order: [{id, label, synonyms}]."""
    return list(_section(category)["options"])


def load_form_question(category: str) -> str:
    return _section(category)["question"]


def option_ids(category: str) -> List[str]:
    """Ids of one category: motifs, actions_engagees, soins, depuis, causes."""
    return [option["id"] for option in _section(category)["options"]]


def option_label(category: str, option_id: str) -> str:
    for option in _section(category)["options"]:
        if option["id"] == option_id:
            return option["label"]
    raise KeyError(option_id)


def _choices(category: str) -> Dict[str, List[str]]:
    # The label comes first: parse_choice lists it in its re-ask.
    return {o["id"]: [o["label"], *o.get("synonyms", [])] for o in _section(category)["options"]}


def renoncement_motifs() -> List[str]:
    return list(load_form()["renoncement"]["applies_to_motifs"])


def consent_versions() -> Dict[str, dict]:
    return {entry["version"]: entry for entry in load_form()["consent_texts"]}


def current_consent_version() -> str:
    return load_form()["consent_texts"][-1]["version"]


def consent_text(version: Optional[str] = None, by: str = "person") -> str:
    """The exact text shown before asking for consent: the notice, then the sentence the person
    agrees to, or the question a partner answers for the person ("partner_confirms_person_consented")."""
    entry = consent_versions()[version or current_consent_version()]
    paragraphs = [p["text"].strip() for p in entry["notice"]]
    closing = entry["partner_question"] if by != "person" else entry["sentence"]["text"]
    return "\n\n".join(paragraphs + [closing.strip()])


def retention_months() -> int:
    return int(load_form()["retention_months"])


def parse_option(text: str, category: str) -> Parsed[str]:
    """One option of a category from a typed answer."""
    if contains_nir(text):
        return Parsed(error=NIR_ERROR)
    return parse_choice(text, _choices(category))


def parse_options(text: str, category: str) -> Parsed[List[str]]:
    """Several options ("pharmacie et dentiste, lunettes"), each part matched on its own."""
    if contains_nir(text):
        return Parsed(error=NIR_ERROR)
    typed = keyword_text(text)
    for option in options(category):  # a button's payload is a label, commas and "et" included
        if typed and typed == keyword_text(option["label"]):
            return Parsed(value=[option["id"]])
    parts = [p for p in re.split(r",|;|\bet\b|\bou\b|/|\+", text or "") if p.strip()]
    found: List[str] = []
    for part in parts if len(parts) > 1 else []:
        parsed = parse_choice(part, _choices(category))
        if not parsed.ok:
            found = []
            break
        if parsed.value not in found:
            found.append(parsed.value)
    if found:
        return Parsed(value=found)
    whole = parse_choice(text, _choices(category))
    if whole.ok:
        return Parsed(value=[whole.value], interpretation=whole.interpretation)
    return Parsed(error=whole.error)


# --------------------------------------------------------------------------
# Typed answers
# --------------------------------------------------------------------------

_GEOGRAPHIC = (phonenumbers.PhoneNumberType.FIXED_LINE, phonenumbers.PhoneNumberType.MOBILE,
               phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE)


def french_line(number: phonenumbers.PhoneNumber) -> phonenumbers.PhoneNumber:
    """The overseas reading of a +33 landline or mobile whose national form an overseas region
    also claims: libphonenumber's FR patterns cover whole blocks (059x, 026x) that include
    Martinique's 0596 and Mayotte's 0269, while each overseas region lists only its own ranges,
    so the overseas one is the precise answer. Non-geographic numbers (0800, 0806, 09…) stay
    national, even those some overseas regions list too."""
    if (phonenumbers.region_code_for_number(number) != "FR"
            or phonenumbers.number_type(number) not in _GEOGRAPHIC):
        return number
    for region in FRENCH_REGIONS[1:]:
        overseas = phonenumbers.PhoneNumber(country_code=phonenumbers.country_code_for_region(region),
                                            national_number=number.national_number)
        if (phonenumbers.is_valid_number_for_region(overseas, region)
                and phonenumbers.number_type(overseas) in _GEOGRAPHIC):
            return overseas
    return number


def validate_phone(text: str) -> Parsed[str]:
    """A French phone number (métropole or outre-mer) in E.164: "06 12 34 56 78" -> "+33612345678",
    "0596 30 12 34" -> "+596596301234"."""
    if not isinstance(text, str) or not text.strip() or len(text) > 80:
        return Parsed(error=PHONE_ERROR)
    if contains_nir(text):
        return Parsed(error=NIR_ERROR)
    for region in FRENCH_REGIONS:
        matches = list(phonenumbers.PhoneNumberMatcher(text, region))
        if len(matches) > 1:
            return Parsed(error="J'ai trouvé plusieurs numéros. Pouvez-vous en indiquer un seul ?")
        if matches:
            number = matches[0].number
            if phonenumbers.region_code_for_number(number) not in FRENCH_REGIONS:
                return Parsed(error=FOREIGN_PHONE_ERROR)
            return Parsed(value=phonenumbers.format_number(french_line(number), phonenumbers.PhoneNumberFormat.E164))
        if text.strip().startswith(("+", "00")):
            break  # an international number does not depend on the region tried
    return Parsed(error=PHONE_ERROR)


def validate_email(text: str) -> Parsed[str]:
    """Syntax only (no DNS lookup): the chat runs without network."""
    if not isinstance(text, str) or not text.strip() or len(text) > 254:
        return Parsed(error=EMAIL_ERROR)
    if contains_nir(text):
        return Parsed(error=NIR_ERROR)
    try:
        checked = _check_email(text.strip(), check_deliverability=False)
    except EmailNotValidError:
        return Parsed(error=EMAIL_ERROR)
    return Parsed(value=checked.normalized)


_BARE_DATE = re.compile(r"^\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}$")
_BARE_NUMBER = re.compile(r"^\+?[0-9 ().\-]{8,30}$")


def bare_value_kind(text: object) -> Optional[str]:
    """"email", "date", "nir", "phone" or "number" (8 digits or more) when the whole message is that
    value and nothing else.

    Such a message answers the question asked; it never asks for help or to stop. The intent
    classifier reads character n-grams and once took an e-mail address for "help" (which shows the
    menu in the middle of the form), so components.typed_answers settles these messages first.
    """
    if not isinstance(text, str):
        return None
    value = text.strip()
    if not value or len(value) > 120:
        return None
    if " " not in value and "@" in value and validate_email(value).ok:
        return "email"
    if _BARE_DATE.match(value):
        return "date"
    if _BARE_NUMBER.match(value) and sum(ch.isdigit() for ch in value) >= 8:
        if contains_nir(value):
            return "nir"
        return "phone" if validate_phone(value).ok else "number"
    return None


def validate_name(text: str) -> Parsed[str]:
    """A family or given name: letters, spaces, hyphens and apostrophes only."""
    if not isinstance(text, str):
        return Parsed(error=NAME_ERROR)
    if contains_nir(text):
        return Parsed(error=NIR_ERROR)
    name = unicodedata.normalize("NFC", text).replace("\u2019", "'")
    name = re.sub(r"\s+", " ", name).strip(" -'")
    if not name or len(name) > MAX_NAME_CHARS:
        return Parsed(error=NAME_ERROR)
    if not all(ch.isalpha() or ch in " -'" for ch in name):
        return Parsed(error=NAME_ERROR)
    if re.search(r"[-' ]{2,}", name):
        return Parsed(error=NAME_ERROR)
    return Parsed(value=name)


def has_markup(text: object) -> bool:
    """< or >: what an HTML tag needs; a structure's name does not."""
    return isinstance(text, str) and ("<" in text or ">" in text)


def validate_structure(text: str) -> Parsed[str]:
    """A partner's structure ("CCAS de Lille"): free text, the only one the saisine keeps and echoes.

    Text with < or > is refused rather than escaped or stripped: the summary and the saisine are
    plain text read by people (the widget, the MAS staff), where "&lt;Lille&gt;" would show as is
    and stripping would silently change what was typed; a structure named with chevrons is rare,
    retyping it costs one message, and no tag then reaches a client that renders HTML."""
    if not isinstance(text, str):
        return Parsed(error=STRUCTURE_ERROR)
    if contains_nir(text):
        return Parsed(error=NIR_ERROR)
    cleaned = re.sub(r"\s+", " ", text).strip()
    # Invisible control characters and lone surrogates (UTF-8 cannot store one): never a name.
    if any(unicodedata.category(ch) in ("Cc", "Cs") for ch in cleaned):
        return Parsed(error=STRUCTURE_ERROR)
    if not 2 <= len(cleaned) <= 120 or not re.search(r"[^\W\d_]", cleaned):
        return Parsed(error=STRUCTURE_ERROR)
    if has_markup(cleaned):
        return Parsed(error=MARKUP_ERROR)
    return Parsed(value=cleaned)


@dataclass(frozen=True)
class BirthDate:
    date: date
    age: int


def age_on(birth: date, day: date) -> int:
    before_birthday = (day.month, day.day) < (birth.month, birth.day)
    return day.year - birth.year - (1 if before_birthday else 0)


def is_under_15(birth_date: date, today: date) -> bool:
    """Under 15, the consent of a holder of parental authority is needed too."""
    return age_on(birth_date, today) < PARENTAL_CONSENT_AGE


def check_birth_date(birth: date, today: date) -> Optional[str]:
    """French error when a birth date is impossible on `today`, else None."""
    if birth > today or not 0 <= age_on(birth, today) <= MAX_AGE:
        return BIRTH_DATE_RANGE
    return None


_FULL_YEAR = re.compile(r"(?<!\d)(1[89]\d\d|20\d\d)(?!\d)|(?<!\d)\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2}(?!\d)")
_FIRST_DAY = re.compile(r"(?<!\d)0?1(?!\d)|\b1er\b|\bpremier\b|\bun\b")


def validate_birth_date(text: str, today: Optional[date] = None) -> Parsed[BirthDate]:
    """A birth date in the usual French forms ("14/07/1985", "3 février 1990", "14-07-85")."""
    today = today or date.today()
    if contains_nir(text):
        return Parsed(error=NIR_ERROR)
    parsed = parse_past_date(text, today=today)
    if not parsed.ok:
        return Parsed(error=parsed.error)
    folded = keyword_text(text, numbers_as_digits=True)
    # parse_past_date takes "mars 1980" as 1 March and "12 mars" as this year: a birth date needs
    # the day, the month and the year actually written.
    if not (_FULL_YEAR.search(text) or _FULL_YEAR.search(folded)) or (parsed.value.day == 1 and not _FIRST_DAY.search(folded)):
        return Parsed(error=BIRTH_DATE_INCOMPLETE)
    problem = check_birth_date(parsed.value, today)
    if problem:
        return Parsed(error=problem)
    return Parsed(value=BirthDate(parsed.value, age_on(parsed.value, today)), interpretation=parsed.interpretation)
