"""Turn free-text answers (French) into typed values for the assistant's forms.

Every public parser returns a :class:`Parsed`: either a typed ``value`` or a
short French ``error`` that can be shown to the user as a re-ask. When the text
needed some guessing (a monthly amount turned into a yearly one, a year added
to a date...), ``interpretation`` says in French how it was understood so the
bot can echo it back.

The parsers never raise: empty, very long or garbled text gives an error
``Parsed``. This module must stay free of any Rasa import so that it can be
tested and reused on its own.
"""

from __future__ import annotations

import difflib
import functools
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime
from typing import Callable, Dict, Generic, Iterable, List, Optional, Tuple, TypeVar

import dateparser.date
from stdnum.fr import nir as stdnum_nir
from text_to_num import alpha2digit

from bot.formatting import eur

T = TypeVar("T")

# Form answers are short; anything longer is almost certainly a paste or noise,
# and capping it keeps the regexes and dateparser fast.
MAX_ANSWER_CHARS = 500
# Free sentences (intent detection, pre-filling) may be a bit longer.
MAX_SENTENCE_CHARS = 2000

# An amount given without a period is taken as monthly up to this value and as
# yearly above it: few people earn more than 5 000 € a month or less than 5 000 € a year.
MONTHLY_GUESS_LIMIT = 5000.0
MAX_ANNUAL_RESOURCES = 1_000_000.0
MAX_HOUSEHOLD_SIZE = 20
MAX_AGE = 120

FUZZY_CUTOFF = 0.85
FUZZY_MIN_LETTERS = 5

TOO_LONG_ERROR = (
    "Votre réponse est trop longue. Pouvez-vous répondre en quelques mots ?"
)


@dataclass(frozen=True)
class Parsed(Generic[T]):
    """Result of parsing one answer."""

    value: Optional[T] = None
    error: Optional[str] = None
    interpretation: Optional[str] = None

    @property
    def ok(self) -> bool:
        return self.value is not None


def _success(value: T, interpretation: Optional[str] = None) -> Parsed[T]:
    return Parsed(value=value, error=None, interpretation=interpretation)


def _failure(message: str) -> Parsed:
    return Parsed(value=None, error=message, interpretation=None)


def _never_raise(fallback: Callable[[], object]):
    """Decorator: a parser bug must not crash a conversation turn."""

    def decorate(func):
        @functools.wraps(func)
        def wrapper(*args, **kwargs):
            try:
                return func(*args, **kwargs)
            except Exception:  # noqa: BLE001 - last-resort guard, see docstring
                return fallback()

        return wrapper

    return decorate


# --------------------------------------------------------------------------
# Text normalisation
# --------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'"})


def _clean(text: object) -> str:
    """NFC text with control/format characters turned into spaces."""
    if not isinstance(text, str):
        return ""
    text = unicodedata.normalize("NFC", text).translate(_APOSTROPHES)
    kept = [
        " " if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Zl", "Zp") else ch
        for ch in text
    ]
    return re.sub(r"\s+", " ", "".join(kept)).strip()


def _fold(text: str) -> str:
    """Lower case without accents (œ -> oe), for keyword matching."""
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"\s+", " ", stripped).strip()


def _words(text: str) -> str:
    """Folded text reduced to space-separated letters/digits words."""
    return re.sub(r"[^a-z0-9]+", " ", _fold(text)).strip()


def _digits(text: str, threshold: float = 3) -> str:
    """Write numbers in words as digits ("deux enfants" -> "2 enfants").

    The default threshold keeps "un"/"deux" as words, because "un" is mostly an
    article ("j'ai un revenu"); callers counting people pass threshold=0.
    """
    try:
        return alpha2digit(text, "fr", threshold=threshold)
    except Exception:  # noqa: BLE001 - text2num may choke on odd input
        return text


def _has_phrase(words: str, phrase: str) -> bool:
    return f" {phrase} " in f" {words} "


def _has_negative_number(folded: str) -> bool:
    # "-500" or "- 500", but not a range such as "1500-2000".
    return re.search(r"(?<![\w])-\s*\d", folded) is not None


def _prepare(text: object, limit: int = MAX_ANSWER_CHARS) -> Tuple[str, Optional[str]]:
    """Clean the text; return (clean_text, error_or_None)."""
    cleaned = _clean(text)
    if len(cleaned) > limit:
        return cleaned, TOO_LONG_ERROR
    return cleaned, None


_MONTH_NAMES = (
    "janvier", "février", "mars", "avril", "mai", "juin",
    "juillet", "août", "septembre", "octobre", "novembre", "décembre",
)


def _format_date(day: date) -> str:
    number = "1er" if day.day == 1 else str(day.day)
    return f"{number} {_MONTH_NAMES[day.month - 1]} {day.year}"


def _join_fr(parts: List[str]) -> str:
    if len(parts) == 1:
        return parts[0]
    return ", ".join(parts[:-1]) + " et " + parts[-1]


# --------------------------------------------------------------------------
# Household size
# --------------------------------------------------------------------------

HOUSEHOLD_ERROR = (
    "Je n'ai pas compris combien de personnes vivent dans votre foyer. "
    "Pouvez-vous indiquer un nombre, par exemple « 3 » ou « moi et mes 2 enfants » ?"
)

_TOTAL_PATTERNS = (
    re.compile(r"\b(?:nous sommes|on est|on sera|nous serons|sommes|foyer de|famille de)\s+(\d+)\b"),
    re.compile(r"\b(\d+)\s+(?:personnes?|pers|membres?|individus?)\b"),
)
_CHILD_WORDS = r"(?:enfants?|gosses?|gamins?|gamines?|fils|filles?|ados?|adolescents?|bebes?)"
_COUNTED_CHILDREN = re.compile(r"\b(\d+)\s+(?:[a-z]+\s+)?" + _CHILD_WORDS + r"\b")
_SINGLE_CHILD = re.compile(
    r"\b(?:mon|ma|notre)\s+(?:petite?\s+)?(?:fils|fille|enfant|bebe|ado|adolescente?)\b"
)
_PARTNER = re.compile(
    r"\b(?:en couple|couple|marie|mariee|maries|pacse|pacsee|pacses|concubinage|"
    r"(?:mon|ma|avec mon|avec ma)\s+(?:mari|femme|epouse|epoux|conjoint|conjointe|"
    r"compagnon|compagne|copain|copine|concubin|concubine))\b"
)
_ALONE = re.compile(r"\b(?:seule?s?|celibataire|isolee?)\b")


def _household_total(folded: str) -> Optional[int]:
    """An explicit total: "nous sommes 5", "5 personnes"."""
    for pattern in _TOTAL_PATTERNS:
        match = pattern.search(folded)
        if match:
            return int(match.group(1))
    return None


def _household_members(folded: str) -> Optional[Tuple[int, Optional[str]]]:
    """Count "vous" + partner + children from words; None when no member word."""
    children = sum(int(m.group(1)) for m in _COUNTED_CHILDREN.finditer(folded))
    children += len(_SINGLE_CHILD.findall(folded))
    has_partner = _PARTNER.search(folded) is not None
    alone = _ALONE.search(folded) is not None
    if not (children or has_partner or alone):
        return None
    size = 1 + (1 if has_partner else 0) + children
    if not (children or has_partner):
        return size, None  # "seule": nothing was guessed
    parts = ["vous"]
    if has_partner:
        parts.append("votre conjoint(e)")
    if children:
        parts.append(f"{children} enfant{'s' if children > 1 else ''}")
    return size, f"J'ai compté {size} personnes : {_join_fr(parts)}."


@_never_raise(lambda: _failure(HOUSEHOLD_ERROR))
def parse_household_size(text: str) -> Parsed[int]:
    """Number of people in the household (the person asking included)."""
    cleaned, error = _prepare(text)
    if error:
        return _failure(error)
    folded = _digits(_fold(cleaned), threshold=0)
    if _has_negative_number(folded):
        return _failure(HOUSEHOLD_ERROR)

    interpretation = None
    size = _household_total(folded)
    if size is None:
        members = _household_members(folded)
        if members is not None:
            size, interpretation = members
    if size is None:
        numbers = re.findall(r"\d+", folded)
        if len(numbers) != 1:
            return _failure(HOUSEHOLD_ERROR)
        size = int(numbers[0])

    if size < 1:
        return _failure("Le foyer compte au moins une personne : vous. Combien de personnes vivent avec vous, vous compris ?")
    if size > MAX_HOUSEHOLD_SIZE:
        return _failure(
            f"{size} personnes, cela me paraît beaucoup. "
            "Pouvez-vous vérifier le nombre de personnes de votre foyer ?"
        )
    return _success(size, interpretation)


# --------------------------------------------------------------------------
# Resources (amounts in euros)
# --------------------------------------------------------------------------

RESOURCES_ERROR = (
    "Je n'ai pas compris le montant. Pouvez-vous l'indiquer en euros, "
    "par exemple « 900 € par mois » ou « 10 800 € par an » ?"
)

TOO_HIGH_RESOURCES_ERROR = (
    "Ce montant me paraît très élevé. Pouvez-vous vérifier vos ressources, "
    "par exemple « 900 € par mois » ?"
)

_AMOUNT = re.compile(
    r"(?<![\d,.])"
    r"(?P<int>\d{1,3}(?:[ .]\d{3})+(?!\d)|\d+)"  # 1 500 / 1.500 / 1500
    r"(?:[,.](?P<dec>\d{1,2})(?!\d))?"  # 1500,50
    r"(?:\s*(?P<k>k)(?![a-z]))?"  # 12k
    r"(?:\s*(?P<cur>€|euros?\b|eur\b|e\b))?"
)
# "sur les 12 derniers mois" describes a yearly amount, not a monthly one.
_TWELVE_MONTHS = re.compile(r"\b(?:sur\s+|pendant\s+)?(?:les\s+)?12\s+(?:derniers\s+)?mois\b")
_PERIODS = (
    ("month", re.compile(r"\bmois\b|\bmensuel|/\s*m\b")),
    ("year", re.compile(r"\ban\b|\bannee\b|\bannuel|/\s*a\b")),
    ("week", re.compile(r"\bsemaines?\b|\bhebdo")),
)
_PERIOD_FACTOR = {"month": 12, "year": 1, "week": 52}
_NO_INCOME = re.compile(
    r"\b(?:rien|zero|neant|aucune?|pas de (?:revenus?|ressources?|salaire)|sans (?:revenus?|ressources?))\b"
)


@dataclass(frozen=True)
class _Amount:
    value: float
    start: int
    end: int
    tagged: bool  # written with €, euros, e or k


def _find_amounts(folded: str) -> List[_Amount]:
    amounts = []
    for match in _AMOUNT.finditer(folded):
        value = float(re.sub(r"[ .]", "", match.group("int")))
        if match.group("dec"):
            value += float("0." + match.group("dec"))
        if match.group("k"):
            value *= 1000
        tagged = bool(match.group("k") or match.group("cur"))
        amounts.append(_Amount(value, match.start(), match.end(), tagged))
    return amounts


def _find_period(folded: str, amount: _Amount) -> Optional[str]:
    """Period nearest after the amount, else anywhere before it."""
    best: Optional[Tuple[int, str]] = None
    for name, pattern in _PERIODS:
        match = pattern.search(folded, amount.end)
        if match and (best is None or match.start() < best[0]):
            best = (match.start(), name)
    if best:
        return best[1]
    for name, pattern in _PERIODS:
        if pattern.search(folded[: amount.start]):
            return name
    return None


def _annualise(amount: float, period: Optional[str]) -> Tuple[float, Optional[str]]:
    """Return (yearly amount, interpretation)."""
    if period is None:
        period = "month" if amount <= MONTHLY_GUESS_LIMIT else "year"
        if period == "year" and amount:
            return amount, f"J'ai compris {eur(amount)} sur l'année."
    annual = round(amount * _PERIOD_FACTOR[period], 2)
    if period == "year" or amount == 0:
        return annual, None
    unit = "par mois" if period == "month" else "par semaine"
    months = "12 mois" if period == "month" else "52 semaines"
    return annual, (
        f"J'ai compris {eur(amount)} {unit}, "
        f"soit {eur(annual)} sur {months}."
    )


def _resources_from(folded: str, require_marker: bool) -> Parsed[float]:
    """Shared by parse_resources and extract_situation.

    With require_marker, only amounts written with a currency/k or directly
    followed by a period count (so "2 enfants" or "52 ans" are not money).
    """
    folded = _TWELVE_MONTHS.sub(" par an ", folded)
    amounts = _find_amounts(folded)
    if require_marker:
        amounts = [
            a for a in amounts
            if a.tagged or re.match(r"\s*(?:par|/|chaque|le|tous les)\s*(?:mois|an|annee|semaine)\b|\s*mensuel", folded[a.end:])
        ]
        amounts = amounts[:1]
    else:
        tagged = [a for a in amounts if a.tagged]
        amounts = tagged or amounts
    if not amounts:
        if not require_marker and _NO_INCOME.search(folded):
            return _success(0.0, "J'ai compris : aucune ressource, soit 0 €.")
        return _failure(RESOURCES_ERROR)
    if len(amounts) > 1:
        return _failure(
            "J'ai trouvé plusieurs montants. Pouvez-vous indiquer un seul montant, "
            "le total de vos ressources, par exemple « 900 € par mois » ?"
        )
    amount = amounts[0]
    # Checked before _annualise formats the amount: 309+ digits make a float('inf'), which
    # eur() cannot format. Every period factor is >= 1, so a typed amount above the limit is
    # a yearly one above it too.
    if amount.value > MAX_ANNUAL_RESOURCES:
        return _failure(TOO_HIGH_RESOURCES_ERROR)
    annual, interpretation = _annualise(amount.value, _find_period(folded, amount))
    if annual > MAX_ANNUAL_RESOURCES:
        return _failure(TOO_HIGH_RESOURCES_ERROR)
    return _success(annual, interpretation)


@_never_raise(lambda: _failure(RESOURCES_ERROR))
def parse_resources(text: str) -> Parsed[float]:
    """Household resources over 12 months, in euros."""
    cleaned, error = _prepare(text)
    if error:
        return _failure(error)
    folded = _digits(_fold(cleaned))
    if _has_negative_number(folded) or re.search(r"\bmoins\s+\d", folded):
        return _failure(
            "Le montant ne peut pas être négatif. Indiquez 0 si vous n'avez aucune ressource."
        )
    return _resources_from(folded, require_marker=False)


# --------------------------------------------------------------------------
# Yes / no
# --------------------------------------------------------------------------

YES_NO_ERROR = "Je n'ai pas compris. Pouvez-vous répondre par « oui » ou par « non » ?"

_NO_PHRASES = (
    "non", "nan", "nope", "no", "pas du tout", "absolument pas", "jamais", "aucun",
    "aucune", "pas vraiment", "pas d accord", "negatif", "nullement", "non merci",
)
_YES_PHRASES = (
    "oui", "ouais", "ouai", "ouep", "ouaip", "yes", "yep", "ok", "okay", "oki",
    "d accord", "dac", "bien sur", "exact", "exactement", "tout a fait", "absolument",
    "effectivement", "affirmatif", "evidemment", "certainement", "volontiers",
    "c est ca", "c est exact", "oui oui", "je confirme", "confirme", "correct",
)


def _matches_any(words: str, phrases: Iterable[str]) -> bool:
    return any(_has_phrase(words, phrase) for phrase in phrases)


@_never_raise(lambda: _failure(YES_NO_ERROR))
def parse_yes_no(text: str) -> Parsed[bool]:
    cleaned, error = _prepare(text)
    if error:
        return _failure(error)
    words = _words(cleaned)
    if re.search(r"\b(?:sais|sait|sai)\s+(?:pas|plus|rien)\b|\bne sais\b|\bpeut etre\b", words):
        return _failure(YES_NO_ERROR)  # "je ne sais pas" is neither yes nor no
    says_no = _matches_any(words, _NO_PHRASES)
    # Drop negated yes-words ("pas d'accord", "absolument pas") before looking for yes.
    for phrase in ("pas d accord", "absolument pas", "pas du tout", "pas vraiment"):
        words = f" {words} ".replace(f" {phrase} ", " ").strip()
    says_yes = _matches_any(words, _YES_PHRASES)
    if says_yes and not says_no:
        return _success(True)
    if says_no and not says_yes:
        return _success(False)
    if not says_yes and re.search(r"\b(?:ne|n)\b.*\bpas\b", words):
        # "je ne touche pas le RSA": a plain negative sentence.
        return _success(False, "J'ai compris : non.")
    return _failure(YES_NO_ERROR)


# --------------------------------------------------------------------------
# Multiple choice
# --------------------------------------------------------------------------


def _option_terms(canonical: str, synonyms: Iterable[str]) -> List[str]:
    terms = [_words(canonical.replace("_", " "))]
    terms += [_words(s) for s in synonyms if isinstance(s, str)]
    return [t for t in terms if t]


def _option_label(canonical: str, synonyms: List[str]) -> str:
    return synonyms[0] if synonyms else canonical.replace("_", " ")


def _choice_error(options: Dict[str, List[str]]) -> str:
    labels = ", ".join(_option_label(key, list(syns or [])) for key, syns in options.items())
    return f"Je n'ai pas compris. Vous pouvez choisir parmi : {labels}."


def _best_options(words: str, terms_by_option: Dict[str, List[str]]) -> List[str]:
    """Options whose matching term has the most words.

    "c2s participative" beats "c2s", but "rsa" and "aspa" in the same answer tie.
    """
    scores = {}
    for option, terms in terms_by_option.items():
        sizes = [len(t.split()) for t in terms if _has_phrase(words, t)]
        if sizes:
            scores[option] = max(sizes)
    if not scores:
        return []
    best = max(scores.values())
    return [option for option, score in scores.items() if score == best]


def _close_word(typed: str, expected: str) -> bool:
    """Same word, or a small typo in a word long enough for that to be safe."""
    if typed == expected:
        return True
    if len(typed) < FUZZY_MIN_LETTERS or len(expected) < FUZZY_MIN_LETTERS:
        return False
    return difflib.SequenceMatcher(None, typed, expected).ratio() >= FUZZY_CUTOFF


def _fuzzy_has_term(typed_words: List[str], term: str) -> bool:
    expected = term.split()
    size = len(expected)
    return any(
        all(_close_word(t, e) for t, e in zip(typed_words[i:i + size], expected))
        for i in range(len(typed_words) - size + 1)
    )


def _fuzzy_options(words: str, terms_by_option: Dict[str, List[str]]) -> List[str]:
    """Options reached through small typos ("guadeloup", "minimum vieilesse")."""
    typed_words = words.split()
    return sorted(
        option for option, terms in terms_by_option.items()
        if any(_fuzzy_has_term(typed_words, term) for term in terms)
    )


def _match_option(words: str, terms_by_option: Dict[str, List[str]]) -> Tuple[List[str], bool]:
    """Return (matching options, found_by_typo_tolerance)."""
    exact = _best_options(words, terms_by_option)
    if exact:
        return exact, False
    return _fuzzy_options(words, terms_by_option), True


@_never_raise(lambda: _failure("Je n'ai pas compris votre choix. Pouvez-vous reformuler ?"))
def parse_choice(text: str, options: Dict[str, List[str]]) -> Parsed[str]:
    """Canonical option matched by the text, accent/case/typo tolerant."""
    cleaned, error = _prepare(text)
    if error:
        return _failure(error)
    terms_by_option = {key: _option_terms(key, syns or []) for key, syns in options.items()}
    matches, fuzzy = _match_option(_words(cleaned), terms_by_option)
    if len(matches) != 1:
        return _failure(_choice_error(options))
    choice = matches[0]
    interpretation = None
    if fuzzy:
        interpretation = f"J'ai compris : « {_option_label(choice, list(options[choice] or []))} »."
    return _success(choice, interpretation)


# --------------------------------------------------------------------------
# Territory
# --------------------------------------------------------------------------

TERRITORY_ERROR = (
    "Je n'ai pas compris où vous habitez. Vous pouvez répondre « métropole », "
    "« outre-mer » (Guadeloupe, Martinique, Guyane, La Réunion) ou « Mayotte », "
    "ou indiquer votre département."
)
OWN_SCHEME_ERROR = (
    "Ce territoire a son propre régime de protection sociale : je ne peux vous "
    "renseigner que pour la métropole, les départements d'outre-mer et Mayotte."
)

_MAINLAND_DEPARTMENTS = (
    "ain", "aisne", "allier", "alpes de haute provence", "hautes alpes", "alpes maritimes",
    "ardeche", "ardennes", "ariege", "aube", "aude", "aveyron", "bouches du rhone",
    "calvados", "cantal", "charente", "charente maritime", "cher", "correze", "corse",
    "corse du sud", "haute corse", "cote d or", "cotes d armor", "creuse", "dordogne",
    "doubs", "drome", "eure", "eure et loir", "finistere", "gard", "haute garonne", "gers",
    "gironde", "herault", "ille et vilaine", "indre", "indre et loire", "isere", "jura",
    "landes", "loir et cher", "loire", "haute loire", "loire atlantique", "loiret", "lot",
    "lot et garonne", "lozere", "maine et loire", "manche", "marne", "haute marne",
    "mayenne", "meurthe et moselle", "meuse", "morbihan", "moselle", "nievre", "nord",
    "oise", "orne", "pas de calais", "puy de dome", "pyrenees atlantiques",
    "hautes pyrenees", "pyrenees orientales", "bas rhin", "haut rhin", "rhone",
    "haute saone", "saone et loire", "sarthe", "savoie", "haute savoie", "paris",
    "seine maritime", "seine et marne", "yvelines", "deux sevres", "somme", "tarn",
    "tarn et garonne", "var", "vaucluse", "vendee", "vienne", "haute vienne", "vosges",
    "yonne", "territoire de belfort", "essonne", "hauts de seine", "seine saint denis",
    "val de marne", "val d oise",
)
_MAINLAND_OTHER = (
    "metropole", "metropolitaine", "hexagone", "france", "france metropolitaine",
    "ile de france", "bretagne", "normandie", "alsace", "lorraine", "provence",
    "occitanie", "auvergne", "bourgogne", "picardie", "lyon", "marseille", "toulouse",
    "nice", "nantes", "strasbourg", "montpellier", "bordeaux", "lille", "rennes",
)
_TERRITORY_TERMS: Dict[str, List[str]] = {
    "mayotte": ["mayotte", "mamoudzou"],
    "outre_mer": [
        "guadeloupe", "martinique", "guyane", "reunion", "la reunion", "dom", "drom",
        "dom tom", "outre mer", "ultramarin", "antilles", "saint martin",
        "saint barthelemy", "cayenne", "fort de france", "pointe a pitre",
    ],
    "own_scheme": [
        "nouvelle caledonie", "caledonie", "polynesie", "tahiti", "noumea", "wallis",
        "futuna", "saint pierre et miquelon", "miquelon",
    ],
    "metropole": list(_MAINLAND_DEPARTMENTS + _MAINLAND_OTHER),
}
_TERRITORY_LABELS = {"metropole": "la métropole", "outre_mer": "l'outre-mer", "mayotte": "Mayotte"}
# Most specific first: "Mayotte, France" is Mayotte, "France métropolitaine" is not DOM.
_TERRITORY_PRIORITY = ("mayotte", "outre_mer", "own_scheme", "metropole")


def _territory_from_code(token: str) -> Optional[str]:
    """Département number or postal code -> territory."""
    if token in ("2a", "2b"):
        return "metropole"
    if not token.isdigit():
        return None
    overseas = token[:2] in ("97", "98")  # overseas codes have 3 digits
    if len(token) not in ((3, 5) if overseas else (2, 5)):
        return None
    code = token[:3] if overseas else token[:2]
    if code == "976":
        return "mayotte"
    if code in ("971", "972", "973", "974", "977", "978"):
        return "outre_mer"
    if code in ("975", "986", "987", "988"):
        return "own_scheme"
    if 1 <= int(code) <= 95:
        return "metropole"
    return None


def _territories_named(words: str, with_codes: bool) -> List[str]:
    found = [key for key, terms in _TERRITORY_TERMS.items() if _matches_any(words, terms)]
    if with_codes:
        for token in words.split():
            territory = _territory_from_code(token)
            if territory and territory not in found:
                found.append(territory)
    return found


def _territory_result(found: List[str]) -> Optional[Parsed[str]]:
    for territory in _TERRITORY_PRIORITY:
        if territory in found:
            if territory == "own_scheme":
                return _failure(OWN_SCHEME_ERROR)
            return _success(territory)
    return None


@_never_raise(lambda: _failure(TERRITORY_ERROR))
def parse_territory(text: str) -> Parsed[str]:
    """"metropole", "outre_mer" or "mayotte"."""
    cleaned, error = _prepare(text)
    if error:
        return _failure(error)
    words = _words(cleaned)
    result = _territory_result(_territories_named(words, with_codes=True))
    if result is not None:
        return result
    fuzzy = _fuzzy_options(words, _TERRITORY_TERMS)
    result = _territory_result(fuzzy) if len(fuzzy) == 1 else None
    if result is None:
        return _failure(TERRITORY_ERROR)
    if not result.ok:
        return result
    return _success(result.value, f"J'ai compris : {_TERRITORY_LABELS[result.value]}.")


# --------------------------------------------------------------------------
# Ages
# --------------------------------------------------------------------------

AGE_ERROR = "Je n'ai pas compris votre âge. Pouvez-vous l'indiquer en années, par exemple « 52 ans » ?"
AGES_LIST_ERROR = (
    "Je n'ai pas compris les âges. Pouvez-vous les indiquer séparés par des virgules, "
    "par exemple « 35, 33, 8 et 5 » ?"
)
_AGE_RANGE_ERROR = "L'âge doit être compris entre 0 et 120 ans. Pouvez-vous vérifier ?"

_FULL_DATE = re.compile(r"\b\d{1,2}\s*[/.\-]\s*\d{1,2}\s*[/.\-]\s*\d{2,4}\b")


_COUNT_OF_PEOPLE = re.compile(r"\s*(?:[a-z]+\s+)?(?:" + _CHILD_WORDS + r"|personnes?)\b")


def _age_on(birth: date, today: date) -> int:
    before_birthday = (today.month, today.day) < (birth.month, birth.day)
    return today.year - birth.year - (1 if before_birthday else 0)


def _ages_in(folded: str, today: date) -> List[Tuple[int, Optional[str]]]:
    """Every age mentioned, as (years, interpretation_or_None)."""
    ages = []
    for match in re.finditer(r"(\d+)(?:\s*(ans?|mois)\b)?", folded):
        number, unit = int(match.group(1)), match.group(2)
        if unit is None and _COUNT_OF_PEOPLE.match(folded, match.end()):
            continue  # "1 bebe de 18 mois", "2 enfants": a count, not an age
        if unit == "mois":
            years = number // 12
            ages.append((years, f"J'ai compris {number} mois, soit {years} an{'s' if years > 1 else ''}."))
        elif unit is None and 1900 <= number <= today.year:
            years = today.year - number
            ages.append((years, f"J'ai compris : né(e) en {number}, soit {years} ans cette année."))
        else:
            ages.append((number, None))
    return ages


def _check_age(years: int) -> bool:
    return 0 <= years <= MAX_AGE


@_never_raise(lambda: _failure(AGE_ERROR))
def parse_age(text: str, today: Optional[date] = None) -> Parsed[int]:
    """Age in whole years; accepts a birth date or birth year too."""
    today = today or date.today()
    cleaned, error = _prepare(text)
    if error:
        return _failure(error)
    folded = _digits(_fold(cleaned), threshold=0)
    if _has_negative_number(folded):
        return _failure(_AGE_RANGE_ERROR)

    if _FULL_DATE.search(folded) or re.search(r"\bnee?s?\s+le\b", folded):
        birth = parse_past_date(cleaned, today=today)
        if not birth.ok:
            return _failure(birth.error or AGE_ERROR)
        years = _age_on(birth.value, today)
        return _success(years, f"J'ai compris : né(e) le {_format_date(birth.value)}, soit {years} ans.")

    ages = _ages_in(folded, today)
    if len(ages) != 1:
        return _failure(AGE_ERROR)  # no number, or several: whose age is it?
    years, interpretation = ages[0]
    if not _check_age(years):
        return _failure(_AGE_RANGE_ERROR)
    return _success(years, interpretation)


@_never_raise(lambda: _failure(AGES_LIST_ERROR))
def parse_ages_list(text: str, today: Optional[date] = None) -> Parsed[List[int]]:
    """Ages of several people: "35, 33, 8 et 5"."""
    today = today or date.today()
    cleaned, error = _prepare(text)
    if error:
        return _failure(error)
    folded = _digits(_fold(cleaned), threshold=0)
    if _has_negative_number(folded):
        return _failure(_AGE_RANGE_ERROR)
    ages = _ages_in(folded, today)
    if not ages or len(ages) > MAX_HOUSEHOLD_SIZE:
        return _failure(AGES_LIST_ERROR)
    for years, _ in ages:
        if not _check_age(years):
            return _failure(
                f"L'âge {years} ne me paraît pas possible. "
                "Pouvez-vous vérifier les âges ? Chacun doit être compris entre 0 et 120 ans."
            )
    notes = [note for _, note in ages if note]
    return _success([years for years, _ in ages], " ".join(notes) or None)


# --------------------------------------------------------------------------
# Past dates
# --------------------------------------------------------------------------

DATE_ERROR = "Je n'ai pas compris cette date. Pouvez-vous l'écrire au format JJ/MM/AAAA, par exemple 12/03/2025 ?"
FUTURE_DATE_ERROR = "Cette date est dans le futur. Pouvez-vous indiquer une date passée, au format JJ/MM/AAAA ?"
OLD_DATE_ERROR = "Cette date me paraît trop ancienne. Pouvez-vous la vérifier, au format JJ/MM/AAAA ?"
MIN_DATE = date(1900, 1, 1)

_NUMERIC_DATE = re.compile(r"(?<!\d)(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2,4})(?!\d)")
_FOLDED_MONTHS = tuple(_fold(m) for m in _MONTH_NAMES)
_NAMED_DATE = re.compile(
    r"(?<!\d)(\d{1,2}|1er|premier)\s+(" + "|".join(_FOLDED_MONTHS) + r")\s+(\d{4})(?!\d)"
)


def _full_year(year: int, today: date) -> int:
    if year >= 100:
        return year
    return 2000 + year if 2000 + year <= today.year else 1900 + year


def _explicit_date(folded: str, today: date) -> Optional[Parsed[date]]:
    """Day, month and year all written: validated by hand (31/02 is an error)."""
    numeric = _NUMERIC_DATE.search(folded)
    named = _NAMED_DATE.search(folded)
    if numeric:
        day, month, year = int(numeric.group(1)), int(numeric.group(2)), int(numeric.group(3))
        year = _full_year(year, today)
    elif named:
        day = 1 if named.group(1) in ("1er", "premier") else int(named.group(1))
        month = _FOLDED_MONTHS.index(named.group(2)) + 1
        year = int(named.group(3))
    else:
        return None
    try:
        return _success(date(year, month, day))
    except ValueError:
        return _failure("Cette date n'existe pas. Pouvez-vous la vérifier, au format JJ/MM/AAAA ?")


@functools.lru_cache(maxsize=4)
def _date_parser(today: date) -> dateparser.date.DateDataParser:
    return dateparser.date.DateDataParser(
        languages=["fr"],
        settings={
            "DATE_ORDER": "DMY",
            "PREFER_DATES_FROM": "past",
            "PREFER_DAY_OF_MONTH": "first",
            "RELATIVE_BASE": datetime(today.year, today.month, today.day),
            "RETURN_AS_TIMEZONE_AWARE": False,
        },
    )


def _dateparser_date(cleaned: str, today: date) -> Optional[Tuple[date, str]]:
    """Relative or partial dates via dateparser; returns (date, period)."""
    data = _date_parser(today).get_date_data(cleaned)
    if data is None or data.date_obj is None:
        return None
    return data.date_obj.date(), data.period or "day"


def _check_past(day: date, today: date) -> Optional[str]:
    if day > today:
        return FUTURE_DATE_ERROR
    if day < MIN_DATE:
        return OLD_DATE_ERROR
    return None


@_never_raise(lambda: _failure(DATE_ERROR))
def parse_past_date(text: str, today: Optional[date] = None) -> Parsed[date]:
    """A date in the past: explicit, relative ("hier") or month only."""
    today = today or date.today()
    cleaned, error = _prepare(text, limit=200)
    if error:
        return _failure(error)
    folded = _digits(_fold(cleaned), threshold=0)
    if not re.search(r"[a-z0-9]", folded):
        return _failure(DATE_ERROR)

    explicit = _explicit_date(folded, today)
    if explicit is not None:
        if not explicit.ok:
            return explicit
        problem = _check_past(explicit.value, today)
        return _failure(problem) if problem else explicit

    found = _dateparser_date(_digits(cleaned.lower(), threshold=0), today)
    if found is None:
        return _failure(DATE_ERROR)
    day, period = found
    if period == "year":
        return _failure("Pouvez-vous préciser le jour et le mois ? Par exemple 12/03/2025.")
    if period == "month" and "il y a" not in folded:
        # Only a month was given ("octobre", "le mois dernier"): keep its first day.
        day = day.replace(day=1)
        month_label = f"{_MONTH_NAMES[day.month - 1]} {day.year}"
        interpretation = f"J'ai compris : {month_label}, je retiens le {_format_date(day)}."
    else:
        interpretation = f"J'ai compris : le {_format_date(day)}."
    problem = _check_past(day, today)
    return _failure(problem) if problem else _success(day, interpretation)


# --------------------------------------------------------------------------
# NIR (numéro de sécurité sociale)
# --------------------------------------------------------------------------

_SEP = r"[ .\-]{0,2}"
_NIR_CANDIDATE = re.compile(
    r"(?<![0-9A-Za-z])"
    r"([0-9])" + _SEP + r"([0-9]{2})" + _SEP + r"([0-9]{2})" + _SEP
    + r"([0-9]{2}|2[ABab])" + _SEP + r"([0-9]{3})" + _SEP + r"([0-9]{3})"
    + r"(?:" + _SEP + r"([0-9]{2}))?"
    r"(?![0-9A-Za-z])"
)


def _plausible_nir_structure(sex: str, month: str) -> bool:
    # INSEE: sex 1/2 (7/8 for temporary numbers); month 01-12, 20-42 or 50-99
    # for persons whose birth month is unknown.
    month_number = int(month)
    month_ok = 1 <= month_number <= 12 or 20 <= month_number <= 42 or 50 <= month_number <= 99
    return sex in "1278" and month_ok


def _is_nir_match(match: "re.Match[str]", check_key: bool = True) -> bool:
    sex, _year, month, _dept, _commune, _order, key = match.groups()
    if not _plausible_nir_structure(sex, month):
        return False
    number = stdnum_nir.compact("".join(g for g in match.groups()[:6]))
    if key is None:
        return len(number) == 13
    return not check_key or stdnum_nir.is_valid(number + key)


def _nir_spans(text: str, check_key: bool = True) -> List[Tuple[int, int]]:
    return [m.span() for m in _NIR_CANDIDATE.finditer(text) if _is_nir_match(m, check_key)]


# What redact_nir leaves in a message: the channels redact before Rasa sees the text, so the
# forms downstream recognise the placeholder as "a NIR was typed here".
NIR_PLACEHOLDER = "[NIR retiré]"


@_never_raise(lambda: False)
def looks_like_nir(text: str) -> bool:
    """True when the text contains a French social security number (structure and key), or the
    placeholder that replaced one."""
    if not isinstance(text, str):
        return False
    return NIR_PLACEHOLDER in text or bool(_nir_spans(text))


def redact_nir(text: str) -> str:
    """Replace every NIR-shaped number by NIR_PLACEHOLDER, before the text is stored or logged.

    Broader than looks_like_nir: a NIR typed with a wrong key is still a person's identifier."""
    if not isinstance(text, str):
        return ""
    try:
        for start, end in reversed(_nir_spans(text, check_key=False)):
            text = text[:start] + NIR_PLACEHOLDER + text[end:]
        return text
    except Exception:  # noqa: BLE001 - never leak digits if something went wrong
        return re.sub(r"[0-9]", "X", text)


# --------------------------------------------------------------------------
# Intent helpers on free sentences
# --------------------------------------------------------------------------

_ELIGIBILITY_PATTERNS = tuple(
    re.compile(p)
    for p in (
        # ai-je droit, j'ai droit, jai droit, g droit, a-t-il droit, j'y ai droit
        r"\b(?:j ?ai|g|ai|a|as|avez|avons|ont|aurais|aurait|aurai|auriez|aurions|auraient|avais|avait)"
        r"(?:\s+(?:je|tu|il|elle|on|nous|vous|ils|elles|t|y|pas|bien|le|toujours|encore|quand|meme))*"
        r"\s+droits?\b",
        r"\beligib",
        # puis-je bénéficier, est-ce que je peux avoir, je peux l'avoir
        r"\b(?:puis|peux|peut|pouvons|pouvez|peuvent|pourrais|pourrait|pourrions|pourriez|pourraient)"
        r"(?:\s+(?:je|tu|t|il|elle|on|nous|vous|ils|elles|y|en|l|la|le|les|bien|quand|meme|pas))*"
        r"\s+(?:beneficier|avoir|obtenir|toucher|pretendre|percevoir)\b"
        r"(?!\s+(?:des |un |une |plus d |d )?(?:infos?|informations?|renseignements?|explications?|"
        r"precisions?|rendez vous|rdv|conseiller|numero|formulaire|lien|adresse|aide pour)\b)",
        r"\brempli\w*\s+(?:bien\s+)?(?:toutes\s+)?(?:les\s+)?conditions\b",
        r"\bconditions\s+(?:sont\s+)?remplies\b",
        r"\b(?:suis|est|sommes|etes|sont|serais|serait|serions|seriez)"
        r"(?:\s+(?:je|tu|t|il|elle|on|nous|vous|ils|elles|bien))*\s+concerne",
    )
)


@_never_raise(lambda: False)
def wants_eligibility_check(text: str) -> bool:
    """Does the message ask whether someone is entitled to the benefit?"""
    words = _words(_clean(text)[:MAX_SENTENCE_CHARS])
    return any(pattern.search(words) for pattern in _ELIGIBILITY_PATTERNS)


_NEGATED = r"\b(?:pas|plus|ni|sans|aucun|aucune|jamais)\b(?:\s+\w+){0,3}\s+"
_MINIMUM_BENEFITS = (("rsa", r"rsa|revenu de solidarite active"), ("aspa", r"aspa|minimum vieillesse"))
_AGE_IN_SENTENCE = re.compile(r"(?<!\d)(\d{1,3})\s*ans\b")
_NOT_OWN_AGE_BEFORE = re.compile(
    r"(?:depuis|il y a|pendant|dans|fait|ont|a|de|enfants?|fils|fille|mari|femme)\s*$"
)


# In a free sentence, département names ("Cher", "Somme", "Lot") and "France"
# say too little, so only explicit places count.
_SENTENCE_TERRITORY_TERMS = {
    **{key: _TERRITORY_TERMS[key] for key in ("mayotte", "outre_mer", "own_scheme")},
    "metropole": ["metropole", "metropolitaine", "hexagone", "france metropolitaine"],
}


def _situation_household(folded: str) -> Optional[int]:
    if re.search(r"\b(?:nous sommes|on est|sommes)\s+\d+\b", folded):
        return _household_total(folded)
    members = _household_members(folded)
    return members[0] if members else None


def _situation_benefit(folded: str) -> Optional[str]:
    for name, pattern in _MINIMUM_BENEFITS:
        match = re.search(rf"\b(?:{pattern})\b", folded)
        if match and not re.search(_NEGATED + r"$", folded[: match.start()]):
            return name
    return None


def _situation_age(folded: str) -> Optional[int]:
    own = re.search(r"\b(?:j ai|jai|g|moi)\s+(\d{1,3})\s*ans\b", folded)
    if own:
        candidates = [int(own.group(1))]
    else:
        candidates = [
            int(m.group(1)) for m in _AGE_IN_SENTENCE.finditer(folded)
            if not _NOT_OWN_AGE_BEFORE.search(folded[: m.start()])
        ]
    if len(set(candidates)) == 1 and _check_age(candidates[0]):
        return candidates[0]
    return None


@_never_raise(lambda: {})
def extract_situation(text: str) -> dict:
    """Facts stated in a free sentence, to pre-fill the eligibility form."""
    cleaned = _clean(text)[:MAX_SENTENCE_CHARS]
    folded = _fold(cleaned)
    facts: dict = {}

    money = _digits(folded).replace("'", " ")
    if not _has_negative_number(money):
        resources = _resources_from(money, require_marker=True)
        if resources.ok:
            facts["annual_resources"] = resources.value

    people = _digits(folded, threshold=0).replace("'", " ")
    household = _situation_household(people)
    if household is not None and 1 <= household <= MAX_HOUSEHOLD_SIZE:
        facts["household_size"] = household

    benefit = _situation_benefit(_words(cleaned))
    if benefit:
        facts["minimum_benefit"] = benefit

    # Only named places: numbers in a free sentence are usually amounts or ages.
    territory = _territory_result(
        [key for key, terms in _SENTENCE_TERRITORY_TERMS.items() if _matches_any(_words(cleaned), terms)]
    )
    if territory is not None and territory.ok:
        facts["territory"] = territory.value

    age = _situation_age(people)
    if age is not None:
        facts["age"] = age
    return facts


def keyword_text(text: object, numbers_as_digits: bool = False) -> str:
    """Public form of the matching text other modules use: cleaned, lower case, no accents,
    letters and digits only ("Ma fille de dix-huit mois !" -> "ma fille de 18 mois")."""
    cleaned = _clean(text)
    if numbers_as_digits:
        cleaned = _digits(cleaned, threshold=0)
    return _words(cleaned)
