"""The person's parameters in a question, each number read in its context.

A question is a subject + an aspect (bot.aspects) + the person's parameters: "j'ai 70 ans",
"ma fille de 18 mois", "on est 2 à Fort-de-France", "mon mari est décédé le 12 juin 2025". A number
is an age only in an age context; durations ("depuis 5 mois", "il y a 2 ans", "tous les 2 ans"),
ranges ("entre 50 et 74 ans"), pregnancy terms ("enceinte de 5 mois"), money, dates and hours
are not ages. Only what the sentence clearly says is read; everything else stays None.

`read_params` never raises: odd or hostile text gives an empty QuestionParams.
"""
from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Dict, Iterable, List, Optional, Sequence, Tuple

from text_to_num import alpha2digit

from bot.parsing import (
    MAX_AGE,
    MAX_HOUSEHOLD_SIZE,
    MAX_SENTENCE_CHARS,
    MONTHLY_GUESS_LIMIT,
    keyword_text,
    parse_past_date,
)

TERRITORIES = ("metropole", "outre_mer", "mayotte", "alsace_moselle")
FOR_WHOM = ("self", "child", "parent", "other")
BENEFITS = ("RSA", "ASPA", "AAH", "ASI")


@dataclass(frozen=True)
class QuestionParams:
    """What a question says about the person; None (or empty) when it does not say it."""

    age: Optional[int] = None  # years, of the person the question is about
    age_months: Optional[int] = None  # whole age in months, when said in months ("18 mois")
    ages: Tuple[int, ...] = ()  # several people's ages ("nous avons 40 et 42 ans")
    age_range: Optional[Tuple[int, int]] = None  # "entre 50 et 74 ans": a range, not an age
    birth_year: Optional[int] = None
    sex: Optional[str] = None  # "female" | "male"
    for_whom: Optional[str] = None  # "self" | "child" | "parent" | "other"
    pregnant: Optional[bool] = None
    pregnancy_months: Optional[int] = None
    pregnancy_weeks: Optional[int] = None
    household_size: Optional[int] = None
    territory: Optional[str] = None  # one of TERRITORIES
    town: Optional[str] = None
    death_date: Optional[date] = None
    death_date_precision: Optional[str] = None  # "day" | "week" | "month"
    last_exam_years: Optional[float] = None  # time since the last exam or dose, in years
    last_exam_bound: Optional[str] = None  # "less_than" | "more_than" ("moins de 2 ans")
    income_monthly: Optional[float] = None  # euros per month
    benefit: Optional[str] = None  # one of BENEFITS, when said as received


def read_params(text: str, today: Optional[date] = None) -> QuestionParams:
    """The parameters a question states, read number by number in context."""
    today = today or date.today()
    try:
        return _read(text, today)
    except Exception:  # noqa: BLE001 - a reader bug must not break a conversation turn
        return QuestionParams()


# --------------------------------------------------------------------------------------------
# Normalisation
# --------------------------------------------------------------------------------------------

_APOSTROPHES = str.maketrans({"\u2019": "'", "\u2018": "'", "`": "'", "\u00b4": "'", "\u00a0": " ",
                              "\u202f": " ", "\u2009": " ", "\u2013": "-", "\u2014": "-"})
_ENGLISH_WORDS = frozenset(
    "the what how my is can get where when which old years have has from with am i im does do are "
    "pregnant ago and daughter son mother father wife husband baby free vaccine".split()
)


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text.translate(_APOSTROPHES))
    text = "".join(ch for ch in text if not unicodedata.combining(ch))
    text = text.lower().replace("œ", "oe").replace("æ", "ae")
    text = "".join(" " if unicodedata.category(ch)[0] == "C" else ch for ch in text)
    return re.sub(r"\s+", " ", text).strip()


def _is_english(folded: str) -> bool:
    words = set(re.findall(r"[a-z]+", folded))
    return len(words & _ENGLISH_WORDS) >= 2 and not words & {"je", "j", "ai", "est", "le", "la", "les", "mon", "ma"}


def _digits(text: str, lang: str) -> str:
    try:
        return alpha2digit(text, lang, threshold=0)
    except Exception:  # noqa: BLE001 - text2num may choke on odd input
        return text


# SMS spellings and frequent typos, token by token.
_TOKEN_FIXES: Dict[str, Tuple[str, ...]] = {
    "jai": ("j", "ai"), "jsuis": ("je", "suis"), "jsui": ("je", "suis"), "chui": ("je", "suis"),
    "chuis": ("je", "suis"), "jss": ("je", "suis"), "ya": ("il", "y", "a"), "qqn": ("quelqu", "un"),
    "qq1": ("quelqu", "un"), "qlq1": ("quelqu", "un"), "bb": ("bebe",), "dcd": ("decede",),
    "enseinte": ("enceinte",), "enceint": ("enceinte",), "ensseinte": ("enceinte",), "enceite": ("enceinte",),
    "enciente": ("enceinte",), "grossese": ("grossesse",), "grosesse": ("grossesse",), "pr": ("pour",),
    "ds": ("dans",), "mn": ("mon",), "tt": ("tout",), "pdt": ("pendant",), "aans": ("ans",), "anss": ("ans",),
    "ams": ("ans",), "im": ("i", "m"),
}
_ORDINAL = re.compile(r"^(\d{1,2})(?:er|ere|e|eme|ieme|em|nd|nde|th|st|rd)$")
_DIGITS_THEN_WORD = re.compile(r"^(\d+)([a-z]+)$")


def _tokens(clause: str) -> List[str]:
    out: List[str] = []
    for token in keyword_text(clause).split():
        joined = _DIGITS_THEN_WORD.match(token)
        if joined and not _ORDINAL.match(token):
            out += [joined.group(1), joined.group(2)]
            continue
        out += list(_TOKEN_FIXES.get(token, (token,)))
    # "g 70 ans" is SMS for "j'ai 70 ans"; "18 moi" for "18 mois"
    fixed: List[str] = []
    for i, token in enumerate(out):
        nxt = out[i + 1] if i + 1 < len(out) else ""
        if token == "g" and nxt.isdigit():
            fixed += ["j", "ai"]
        elif token == "moi" and fixed and fixed[-1].isdigit():
            fixed.append("mois")
        else:
            fixed.append(token)
    return fixed


_MONTH_WORDS = {
    "janvier": 1, "janv": 1, "fevrier": 2, "fevr": 2, "fev": 2, "mars": 3, "avril": 4, "avr": 4, "mai": 5,
    "juin": 6, "juillet": 7, "juil": 7, "aout": 8, "septembre": 9, "octobre": 10, "oct": 10,
    "novembre": 11, "nov": 11, "decembre": 12, "dec": 12,
    "january": 1, "february": 2, "march": 3, "april": 4, "may": 5, "june": 6, "july": 7, "august": 8,
    "september": 9, "october": 10, "november": 11, "december": 12,
}
_MONTHS_RE = "|".join(sorted(_MONTH_WORDS, key=len, reverse=True))
_WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    kind: str
    text: str


def _money_spans(text: str) -> List[_Span]:
    pattern = re.compile(
        r"(?<![\d.,])(?P<num>\d{1,3}(?:[ .]\d{3})+(?!\d)|\d+)(?:[.,](?P<dec>\d{1,2})(?!\d))?"
        r"(?:\s*(?P<k>k)(?![a-z]))?"
        r"(?P<cur>\s*(?:€|euros?\b|eur\b|balles\b|e\b(?=\s*(?:$|[,.;!?/)]|par\b|net\b|brut\b|mensuel|chaque\b)))"
        r"|(?=\s*(?:/\s*mois|par mois|net par mois|/\s*an\b|par an\b|mensuel|per month|a month|/\s*month)))?"
    )
    return [_Span(m.start(), m.end(), "money", m.group(0)) for m in pattern.finditer(text)
            if m.group("k") or m.group("cur") is not None]


def _date_spans(text: str) -> List[_Span]:
    found: List[_Span] = []
    patterns = (
        ("numeric", r"\b\d{1,2}\s*[/.-]\s*\d{1,2}\s*[/.-]\s*\d{2,4}\b|\b\d{1,2}/\d{1,2}\b"),
        ("named", rf"\b(?:\d{{1,2}}|1er|premier)\s+(?:{_MONTHS_RE})\b\.?(?:\s+\d{{4}}\b)?"),
        ("named_en", rf"\b(?:{_MONTHS_RE})\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}}\b"),
        ("month", rf"\b(?:(?:en|au mois de|mois de|debut|fin|mi|courant|in)\s+)?(?:{_MONTHS_RE})\b\.?(?:\s+(?:\d{{4}}|dernier)\b)?"),
        ("relative", r"\b(?:avant[ -]hier|hier|aujourd ?'?hui|ce matin|cette nuit|la semaine (?:derniere|passee)|"
                     r"le mois (?:dernier|passe)|il y a \d+ (?:jours?|semaines?|mois)|y a \d+ (?:jours?|semaines?|mois)|"
                     r"(?:" + "|".join(_WEEKDAYS) + r") dernier|yesterday|today|last week|last month|"
                     r"\d+ (?:days?|weeks?|months?) ago)\b"),
    )
    for kind, regex in patterns:
        for m in re.finditer(regex, text):
            if any(s.start <= m.start() < s.end or m.start() <= s.start < m.end() for s in found):
                continue
            if kind == "month" and not re.search(r"\d|dernier|^(?:en|au|mois|debut|fin|mi|courant|in)\b", m.group(0)):
                continue  # a bare "mai" is too often "mais"
            if kind == "numeric" and not _valid_numeric_date(m.group(0)):
                continue
            found.append(_Span(m.start(), m.end(), kind, m.group(0)))
    return sorted(found, key=lambda s: s.start)


def _valid_numeric_date(text: str) -> bool:
    parts = [int(p) for p in re.findall(r"\d+", text)]
    return 1 <= parts[0] <= 31 and 1 <= parts[1] <= 12


def _mask(text: str, spans: Iterable[_Span], word: str) -> str:
    for span in sorted(spans, key=lambda s: s.start, reverse=True):
        text = text[:span.start] + f" {word} " + text[span.end:]
    return text


@dataclass
class _Text:
    folded: str  # folded, numbers as digits, punctuation kept
    tokens: List[str]  # words, "|" between clauses
    clause_of: List[int]  # clause number of each token
    english: bool


_CLAUSE_SPLIT = re.compile(r"[,;.!?:()\[\]\n/]+|\s-\s|\bmais\b|\bbut\b")


def _prepare(text: str) -> Tuple[_Text, List[_Span], List[_Span]]:
    folded = _fold(text[:MAX_SENTENCE_CHARS])
    folded = re.sub(r"\bsept\b(?=\.?\s+\d{4})", "septembre", folded)  # "sept" is also seven
    english = _is_english(folded)
    folded = _digits(folded, "fr")
    if english:
        folded = _digits(folded, "en")
    # "50-74 ans", "11/14 ans": ranges
    folded = re.sub(r"(?<![\d/])(\d{1,3})\s*[-/]\s*(\d{1,3})(?=\s*(?:ans?\b|mois\b|years?\b|months?\b))",
                    r"\1 a \2", folded)
    money = _money_spans(folded)
    dates = _date_spans(_mask(folded, money, "z" * 5))
    # dates are hidden from the number reader; "il y a 6 mois" stays: it is read as a duration there
    masked = _mask(folded, [d for d in dates if d.kind != "relative"], "zzdate")
    masked = _mask(masked, [_Span(s.start, s.end, "money", "") for s in _money_spans(masked)], "zzmoney")
    masked = re.sub(r"\b\d{1,2}\s*h\s*\d{0,2}\b|\b\d+\s*(?:heures?|minutes?|min)\b", " zzheure ", masked)
    masked = re.sub(r"\b\d+(?:[.,]\d+)?\s*%", " zzpct ", masked)
    masked = re.sub(r"\b(?:0|\+33)\s*\d(?:[\s.]*\d{2}){4}\b|\b3646\b|\b36 46\b", " zzphone ", masked)
    tokens: List[str] = []
    clause_of: List[int] = []
    for number, clause in enumerate(_CLAUSE_SPLIT.split(masked)):
        words = _tokens(clause)
        if not words:
            continue
        tokens += words + ["|"]
        clause_of += [number] * (len(words) + 1)
    return _Text(folded, tokens, clause_of, english), money, dates


# --------------------------------------------------------------------------------------------
# Token helpers
# --------------------------------------------------------------------------------------------


def _ends(tokens: Sequence[str], end: int, phrases: Iterable[Tuple[str, ...]]) -> Optional[Tuple[str, ...]]:
    """The longest phrase that tokens[:end] ends with."""
    best = None
    for phrase in phrases:
        n = len(phrase)
        if n <= end and tuple(tokens[end - n:end]) == phrase and (best is None or n > len(best)):
            best = phrase
    return best


def _starts(tokens: Sequence[str], start: int, phrases: Iterable[Tuple[str, ...]]) -> Optional[Tuple[str, ...]]:
    for phrase in sorted(phrases, key=len, reverse=True):
        if tuple(tokens[start:start + len(phrase)]) == phrase:
            return phrase
    return None


def _phrases(*texts: str) -> Tuple[Tuple[str, ...], ...]:
    return tuple(tuple(t.split()) for t in texts)


def _has(tokens: Sequence[str], phrase: str) -> bool:
    return f" {phrase} " in f" {' '.join(tokens)} "


def _find(tokens: Sequence[str], phrase: str) -> List[int]:
    words = phrase.split()
    return [i for i in range(len(tokens) - len(words) + 1) if list(tokens[i:i + len(words)]) == words]


YEAR_UNITS = frozenset({"ans", "an", "years", "year", "yrs", "yo"})
MONTH_UNITS = frozenset({"mois", "months", "month"})
WEEK_UNITS = frozenset({"semaines", "semaine", "sem", "sa", "weeks", "week", "wks"})
DURATION_ONLY_UNITS = frozenset({"annees", "annee", "jours", "jour", "days", "day"})

# --- people ---------------------------------------------------------------------------------

# noun -> (for_whom, sex)
PEOPLE: Dict[str, Tuple[str, Optional[str]]] = {
    "fils": ("child", "male"), "garcon": ("child", "male"), "fille": ("child", "female"),
    "enfant": ("child", None), "enfants": ("child", None), "bebe": ("child", None), "bebes": ("child", None),
    "nourrisson": ("child", None), "ado": ("child", None), "adolescent": ("child", "male"),
    "adolescente": ("child", "female"), "gamin": ("child", "male"), "gamine": ("child", "female"),
    "gosse": ("child", None), "petit": ("child", "male"), "petite": ("child", "female"), "fiston": ("child", "male"),
    "mere": ("parent", "female"), "maman": ("parent", "female"), "pere": ("parent", "male"), "papa": ("parent", "male"),
    "grand mere": ("parent", "female"), "grand pere": ("parent", "male"), "mamie": ("parent", "female"),
    "mamy": ("parent", "female"), "papi": ("parent", "male"), "papy": ("parent", "male"), "parents": ("parent", None),
    "belle mere": ("parent", "female"), "beau pere": ("parent", "male"),
    "mari": ("other", "male"), "epoux": ("other", "male"), "epouse": ("other", "female"), "femme": ("other", "female"),
    "conjoint": ("other", "male"), "conjointe": ("other", "female"), "compagnon": ("other", "male"),
    "compagne": ("other", "female"), "copain": ("other", "male"), "copine": ("other", "female"),
    "concubin": ("other", "male"), "concubine": ("other", "female"), "frere": ("other", "male"),
    "soeur": ("other", "female"), "ami": ("other", "male"), "amie": ("other", "female"), "voisin": ("other", "male"),
    "voisine": ("other", "female"), "oncle": ("other", "male"), "tante": ("other", "female"),
    "cousin": ("other", "male"), "cousine": ("other", "female"), "neveu": ("other", "male"),
    "niece": ("other", "female"), "patient": ("other", "male"), "patiente": ("other", "female"),
    "usager": ("other", "male"), "usagere": ("other", "female"), "beneficiaire": ("other", None),
    "personne": ("other", None), "personnes": ("other", None), "quelqu un": ("other", None), "dame": ("other", "female"),
    "monsieur": ("other", "male"), "madame": ("other", "female"), "homme": ("other", "male"),
    "son": ("child", "male"), "daughter": ("child", "female"), "child": ("child", None), "kid": ("child", None),
    "baby": ("child", None), "mother": ("parent", "female"), "mom": ("parent", "female"), "mum": ("parent", "female"),
    "father": ("parent", "male"), "dad": ("parent", "male"), "husband": ("other", "male"), "wife": ("other", "female"),
    "partner": ("other", None), "woman": ("other", "female"), "man": ("other", "male"),
}
_POSSESSIVES = frozenset({"mon", "ma", "mes", "notre", "nos", "son", "sa", "ses", "leur", "leurs", "my", "his", "her", "our"})
_ARTICLES = frozenset({"1", "un", "une", "a", "le", "la", "l", "cette", "ce", "cet"})
_ADJECTIVES = frozenset({"petit", "petite", "grand", "grande", "jeune", "vieux", "vieille", "ainee", "aine", "cadet",
                         "cadette", "dernier", "derniere", "premier", "premiere", "1er", "1ere", "bebe", "ptit", "ptite",
                         "pauvre", "cher", "chere", "tout", "little", "old", "elderly", "young", "eldest", "youngest"})
_NAMES_WITHOUT_DETERMINER = frozenset({"maman", "papa", "mamie", "mamy", "papi", "papy", "bebe", "nourrisson", "baby"})


@dataclass(frozen=True)
class _Person:
    start: int  # index of the noun
    end: int
    noun: str
    for_whom: str
    sex: Optional[str]
    determiner: Optional[str]  # possessive or article before the noun; None when bare

    @property
    def relative(self) -> bool:
        """A named person other than the asker ("ma mère", "un enfant"), not a self-description."""
        if self.determiner is None:
            return self.noun in _NAMES_WITHOUT_DETERMINER
        return not (self.noun in ("homme", "femme", "woman", "man") and self.determiner not in _POSSESSIVES)


def _people(tokens: List[str]) -> List[_Person]:
    found: List[_Person] = []
    nouns = sorted(PEOPLE, key=lambda n: len(n.split()), reverse=True)
    i = 0
    while i < len(tokens):
        noun = next((n for n in nouns if tuple(tokens[i:i + len(n.split())]) == tuple(n.split())), None)
        if noun is None:
            i += 1
            continue
        end = i + len(noun.split())
        if noun in ("petit", "petite") and end < len(tokens) and tokens[end] in PEOPLE:
            i += 1  # "mon petit garçon": the noun is "garçon"
            continue
        if noun == "personne" and i > 0 and tokens[i - 1] in ("ne", "n"):
            i = end  # "je ne connais personne"
            continue
        if noun in ("son", "man", "petit", "petite") and i + 1 < len(tokens) and tokens[i + 1] not in YEAR_UNITS | {
            "is", "de", "a", "|", "who", "qui", "of", "aged"} and not tokens[i + 1].isdigit():
            if noun in ("son", "man") or tokens[i + 1] in PEOPLE:
                i = end  # "son" is a French possessive; "man" in "a man"
                continue
        j = i - 1
        while j >= 0 and (tokens[j] in _ADJECTIVES or _ORDINAL.match(tokens[j])) and i - j <= 2:
            j -= 1
        determiner = tokens[j] if j >= 0 and (tokens[j] in _POSSESSIVES or tokens[j] in _ARTICLES
                                              or tokens[j].isdigit()) else None
        if noun in ("son",) and determiner is None:
            i = end
            continue
        for_whom, sex = PEOPLE[noun]
        found.append(_Person(i, end, noun, for_whom, sex, determiner))
        i = end
    return found


# --------------------------------------------------------------------------------------------
# Numbers in context
# --------------------------------------------------------------------------------------------

_FILLERS = frozenset({"bientot", "presque", "deja", "maintenant", "actuellement", "seulement", "juste", "pile",
                      "quasi", "quasiment", "environ", "que", "tout", "aujourd", "hui", "now", "almost", "nearly",
                      "just", "already", "about", "bien", "desormais", "moi", "meme"})
_SELF_BEFORE = _phrases("j ai", "je n ai", "n ai", "j aurai", "je vais avoir", "j vais avoir", "vais avoir",
                        "je suis age de", "je suis agee de", "suis age de", "suis agee de", "j ai eu", "moi",
                        "i am", "i m", "i will be", "i turn", "i turned", "je fete mes", "je vais feter mes",
                        "j atteins", "j aurais", "je viens d avoir", "viens d avoir", "j viens d avoir", "je fais",
                        "je vais faire", "moi c est", "je suis 1 femme de", "je suis 1 homme de")
_THIRD_BEFORE = _phrases("il a", "elle a", "il aura", "elle aura", "il va avoir", "elle va avoir", "ils ont",
                         "elles ont", "qui a", "qui ont", "qui aura", "he is", "she is", "he s", "she s", "who is",
                         "il n a", "elle n a", "il vient d avoir", "elle vient d avoir", "il a eu", "elle a eu",
                         "il fait", "elle fait", "il fete", "elle fete")
_WE_BEFORE = _phrases("nous avons", "on a", "on aura", "we are", "avons", "ont")
_AGE_WORD_BEFORE = _phrases("age de", "agee de", "ages de", "agees de", "aged", "age", "agee")
_NON_AGE_BEFORE = _phrases(
    "depuis", "pendant", "durant", "dans", "il y a", "y a", "tous les", "toutes les", "tout les", "chaque", "fait",
    "au bout de", "en", "sur", "les", "des", "a partir de", "partir de", "apres", "avant", "moins de", "plus de",
    "au moins", "jusqu a", "jusqu", "jusque", "au dela de", "au plus", "minimum", "maximum", "max", "min", "entre",
    "sous", "for", "since", "every", "in", "within", "under", "over", "above", "after", "before", "until", "from",
    "last", "next", "past", "least", "than", "avoir", "atteindre", "atteint", "ses", "leurs", "aux", "au", "pour",
    "duree de", "delai de", "periode de", "par", "environ", "apres ses", "avant ses", "les", "prochains",
    "dernier", "derniers", "de plus de", "de moins de", "or", "ou", "et", "x", "dose", "doses", "rappel",
)
_NON_AGE_AFTER = _phrases(
    "et plus", "ou plus", "et +", "plus tard", "apres", "avant", "auparavant", "ago", "de suite", "d affilee",
    "consecutifs", "derniers", "dernieres", "prochains", "and over", "and older", "or older", "or over", "plus",
    "minimum", "max", "maximum", "que", "qu", "sans", "de", "d", "en france", "ici",
    "depuis", "dans", "a l etranger", "later", "in france", "de suivi", "d intervalle", "d ecart",
)
_WEAK_AFTER_BLOCK = frozenset({"en", "de", "d", "que", "qu", "sans", "depuis", "dans", "ici", "apres", "avant",
                               "plus", "ago", "au", "aux", "a", "entre", "pour", "par", "sur", "max", "maximum",
                               "minimum", "et", "ou", "in", "for"})
_GREETINGS = frozenset({"bonjour", "salut", "bjr", "slt", "hello", "hi", "bonsoir", "oui", "non", "coucou", "svp",
                        "stp", "alors", "donc", "voila", "moi", "madame", "monsieur", "mme", "mr"})
_EXAM_PREFIXES = ("mammo", "mamo", "frottis", "test", "depistage", "coloscop", "examen", "bilan", "vaccin", "rappel",
                  "dose", "injection", "piqure", "hemoccult", "prelevement", "kit", "autotest", "echograph", "dentist",
                  "controle", "visite", "screening", "smear", "mammogram", "jab", "shot", "booster", "radio",
                  "consultation", "seance", "detartrage", "immunis", "beyfortus", "gardasil", "injec")
_EXAM_CUES = _phrases("il y a", "y a", "date de", "date d il y a", "datent de", "remonte a", "remontent a",
                      "remonte a plus de", "depuis", "ca fait", "cela fait", "ca fera", "fait", "c etait il y a",
                      "c etait y a")
_PREGNANCY_WORDS = frozenset({"enceinte", "enceintes", "grossesse", "pregnant", "pregnancy"})


@dataclass(frozen=True)
class _Age:
    months: int  # whole age in months
    said_in_months: bool
    owner: str  # "self", "we", "third", "unknown", or "p<index>" (a person in _people)
    strong: bool
    at: int
    shared: bool = False  # one of several ages said together ("8 et 5 ans")


@dataclass
class _Numbers:
    ages: List[_Age]
    age_range: Optional[Tuple[int, int]] = None
    pregnancy_months: Optional[int] = None
    pregnancy_weeks: Optional[int] = None
    last_exam_years: Optional[float] = None
    last_exam_bound: Optional[str] = None
    birth_years: List[Tuple[int, str]] = None  # (year, owner)


def _run(tokens: List[str], i: int) -> Tuple[List[int], List[str], int]:
    """Numbers from i joined by "et", "a", "," or "ou": (indexes, joiners, index after the last number)."""
    nums, joiners = [i], []
    j = i + 1
    while j < len(tokens):
        if tokens[j].isdigit():
            nums.append(j)
            joiners.append("")
            j += 1
        elif tokens[j] in ("et", "a", "ou", "|", "and", "to", "or") and j + 1 < len(tokens) and tokens[j + 1].isdigit():
            nums.append(j + 1)
            joiners.append(tokens[j])
            j += 2
        else:
            break
    return nums, joiners, j


def _owner_before(tokens: List[str], start: int, people: List[_Person]) -> Optional[Tuple[str, bool]]:
    """Who a number at `start` is the age of, from the words just before it; None: not an age context."""
    k = start
    while k > 0 and tokens[k - 1] in _FILLERS and not _ends(tokens, k, _SELF_BEFORE):
        k -= 1
    if _ends(tokens, k, _SELF_BEFORE):
        return "self", True
    if _ends(tokens, k, _THIRD_BEFORE):
        return "third", True
    # a person just before: "ma fille de 12 ans", "ma mère a 75 ans", "homme 24 ans", "un enfant de 3 ans"
    for index, person in enumerate(people):
        if person.end > start:
            continue
        gap = tokens[person.end:start]
        if len(gap) > 3 or "|" in gap[:-1]:
            continue
        if gap and gap[-1] == "|":
            gap = gap[:-1]
            if gap:
                continue
            if person.relative:
                return f"p{index}", False  # "mon fils, 15 ans"
            continue
        words = " ".join(w for w in gap if w not in _ADJECTIVES)
        if words in ("", "de", "d", "a", "qui a", "age de", "agee de", "ages de", "agees de", "aged", "is", "who is",
                     "ont", "qui ont", "est age de", "est agee de", "va avoir", "aura", "vient d avoir", "a maintenant",
                     "a bientot", "a deja", "de bientot", "de presque", "a presque", "a juste", "n a que", "a tout juste",
                     "etait age de", "etait agee de", "avait", "a eu", "qui a eu", "vient d avoir", "fait"):
            plural = person.noun.endswith(("s", "x")) and person.noun not in ("fils", "parents")
            counted = person.determiner is not None and person.determiner.isdigit()
            if plural and person.determiner not in _POSSESSIVES and not counted:
                return None  # "les personnes de 65 ans": a group, not the person
            if person.noun in ("homme", "femme", "woman", "man") and not person.relative:
                return "unknown", True  # "homme 24 ans", "je suis une femme de 55 ans"
            return f"p{index}", True
    if _ends(tokens, k, _WE_BEFORE):
        return "we", True
    clause = tokens[:start][::-1]
    clause = clause[:clause.index("|")] if "|" in clause else clause
    if _run(tokens, start)[0][1:] and ({"nous", "on", "we"} & set(clause)):
        return "we", True  # "nous sommes un couple de retraités de 68 et 70 ans"
    if _ends(tokens, k, _AGE_WORD_BEFORE):
        return "unknown", True
    if _ends(tokens, k, _NON_AGE_BEFORE):
        return None
    if k >= 1 and tokens[k - 1] == "a":
        # "à 62 ans": a weak age ("elle a 62 ans" was caught above)
        before = tokens[k - 2] if k >= 2 else "|"
        if before in ("jusqu", "jusque", "partir", "droit", "passer", "passe", "passage", "de", "entre"):
            return None
        return "unknown", False
    if k == 0 or tokens[k - 1] == "|" or tokens[k - 1] in _GREETINGS:
        return "unknown", False
    return None


def _age_after(tokens: List[str], unit_at: int) -> bool:
    """False when the words after the unit make the number a duration or a threshold."""
    return not _starts(tokens, unit_at + 1, _NON_AGE_AFTER)


def _is_exam_clause(tokens: List[str], clause_of: List[int], at: int, previous: bool = False) -> bool:
    """An exam or a dose is named in the clause of `at` (or the one before: "ma mammo, elle date de 2 ans")."""
    clause = clause_of[at]
    words = [w for w, c in zip(tokens, clause_of) if c == clause or previous and c == clause - 1]
    return any(w.startswith(_EXAM_PREFIXES) for w in words)


def _read_numbers(text: _Text, people: List[_Person], today: date) -> _Numbers:
    tokens, clause_of = text.tokens, text.clause_of
    numbers = _Numbers(ages=[], birth_years=[])
    pregnant_said = any(t in _PREGNANCY_WORDS for t in tokens)
    i = 0
    while i < len(tokens):
        token = tokens[i]
        ordinal = _ORDINAL.match(token)
        if ordinal and i + 1 < len(tokens) and tokens[i + 1] in MONTH_UNITS and pregnant_said:
            numbers.pregnancy_months = numbers.pregnancy_months or int(ordinal.group(1))  # "au 5e mois"
            i += 2
            continue
        if not token.isdigit() or len(token) > 4:
            i += 1
            continue
        nums, joiners, after = _run(tokens, i)
        values = [int(tokens[n]) for n in nums]
        unit = tokens[after] if after < len(tokens) else ""
        # years of birth: "né en 1964", "je suis de 1964", "born in 1964"
        if len(nums) == 1 and (len(token) == 4 or _ends(tokens, i, _phrases("ne en", "nee en", "nes en", "nees en"))):
            year = _birth_year(tokens, i, values[0], today)
            if year is not None:
                numbers.birth_years.append((year, _birth_owner(tokens, i, people)))
            elif (numbers.last_exam_years is None and 1900 <= values[0] <= today.year
                  and _ends(tokens, i, _phrases("date de", "datent de", "en", "remonte a", "depuis", "in", "since"))
                  and _is_exam_clause(tokens, clause_of, i)):
                numbers.last_exam_years = today.year - values[0]  # "mon dernier rappel date de 2015"
            i = after
            continue
        english_unitless = (unit not in YEAR_UNITS | MONTH_UNITS | WEEK_UNITS and len(nums) == 1
                            and _ends(tokens, i, _phrases("i am", "i m", "he is", "she is", "who is"))
                            and unit not in ("euros", "zzmoney", "weeks", "months", "percent", "kg", "cm", "m"))
        if english_unitless:
            unit, after = "years", after - 1
        if unit in ("old",):
            unit, after = "years", after - 1
        if (unit not in YEAR_UNITS | MONTH_UNITS | WEEK_UNITS and len(values) == 2 and values[0] < values[1] <= MAX_AGE
                and joiners[0] in ("et", "and") and _ends(tokens, i, _phrases("entre", "between"))
                and unit in ("|", "", "is", "are", "c", "ca", "it")):
            numbers.age_range = numbers.age_range or (values[0], values[1])  # "between 50 and 74"
        if unit not in YEAR_UNITS | MONTH_UNITS | WEEK_UNITS | DURATION_ONLY_UNITS:
            i = after
            continue
        _classify(text, people, numbers, i, nums, joiners, values, unit, after, pregnant_said)
        i = after + 1
    if numbers.last_exam_years is None:
        # "j'ai fait le test l'an dernier": a year ago
        for phrase in ("l an dernier", "l annee derniere", "l annee passee", "last year"):
            if any(_is_exam_clause(tokens, clause_of, at) for at in _find(tokens, phrase)):
                numbers.last_exam_years = 1
                break
    return numbers


def _birth_year(tokens: List[str], i: int, value: int, today: date) -> Optional[int]:
    said = _ends(tokens, i, _phrases("ne en", "nee en", "nes en", "nees en", "ne le", "born in", "annee de naissance",
                                     "naissance", "suis de", "est de", "nee", "ne", "de l annee", "born"))
    if said == ("est", "de") and not (i >= 3 and (tokens[i - 3] in PEOPLE or tokens[i - 3] in ("il", "elle"))):
        return None  # "mon fils est de 2017", but not "le plafond est de 2000"
    if said:
        year = value
        if year < 100:
            year = 2000 + year if 2000 + year <= today.year else 1900 + year
        if 1900 <= year <= today.year:
            return year
    return None


def _birth_owner(tokens: List[str], i: int, people: List[_Person]) -> str:
    for index, person in enumerate(people):
        if 0 < i - person.end <= 4 and "|" not in tokens[person.end:i] and person.relative:
            return f"p{index}"
    if _ends(tokens, max(0, i - 2), _phrases("je suis", "suis", "j", "moi")):
        return "self"
    return "unknown"


def _classify(text: _Text, people, numbers: _Numbers, i, nums, joiners, values, unit, after, pregnant_said) -> None:
    tokens, clause_of = text.tokens, text.clause_of
    # a range: "entre 50 et 74 ans", "de 50 à 74 ans", "50-74 ans", "between 50 and 74"
    if len(values) == 2 and values[0] < values[1] and (
        joiners[0] in ("a", "to") or joiners[0] in ("et", "and") and _ends(tokens, i, _phrases("entre", "between"))
    ):
        if unit in YEAR_UNITS and values[1] <= MAX_AGE:
            numbers.age_range = numbers.age_range or (values[0], values[1])
        return
    # a pregnancy term: "enceinte de 5 mois", "5 mois de grossesse", "28 SA", "5 months pregnant"
    if unit in MONTH_UNITS | WEEK_UNITS and len(values) == 1:
        near_before = tokens[max(0, i - 4):i]
        pregnancy = (
            any(t in _PREGNANCY_WORDS for t in near_before)
            or _starts(tokens, after + 1, _phrases("de grossesse", "d amenorrhee", "pregnant", "of pregnancy"))
            or unit == "sa"
            or (pregnant_said and _ends(tokens, i, _phrases("suis a", "je suis a", "suis enceinte de", "i m", "i am")))
        )
        if pregnancy:
            if not 0 < values[0] <= (9 if unit in MONTH_UNITS else 42):
                return  # not a pregnancy term, and not an age either
            if unit in MONTH_UNITS:
                numbers.pregnancy_months = numbers.pregnancy_months or values[0]
            else:
                numbers.pregnancy_weeks = numbers.pregnancy_weeks or values[0]
            return
    # the last exam or dose: "ma dernière mammographie date de moins de 2 ans", "frottis il y a 3 ans"
    if unit in YEAR_UNITS | MONTH_UNITS | {"annees", "annee"} and len(values) == 1:
        bound = None
        k = i
        if _ends(tokens, k, _phrases("moins de", "less than", "under")):
            bound, k = "less_than", k - 2
        elif _ends(tokens, k, _phrases("plus de", "more than", "over")):
            bound, k = "more_than", k - 2
        elif _ends(tokens, k, _phrases("environ", "about", "presque")):
            k -= 1
        cue = _ends(tokens, k, _EXAM_CUES) or _starts(tokens, after + 1, _phrases("ago", "que", "qu"))
        refers_back = cue in _phrases("date de", "datent de", "remonte a", "remontent a", "c etait il y a", "c etait y a")
        if cue and cue != ("fait",) and _is_exam_clause(tokens, clause_of, i, previous=refers_back):
            years = values[0] if unit not in MONTH_UNITS else round(values[0] / 12, 2)
            if numbers.last_exam_years is None:
                numbers.last_exam_years = int(years) if float(years).is_integer() else years
                numbers.last_exam_bound = bound
            return
    if unit in DURATION_ONLY_UNITS | WEEK_UNITS and not (unit in WEEK_UNITS and _baby_weeks(tokens, i, people)):
        return
    if not _age_after(tokens, after):
        return
    owner = _owner_before(tokens, i, people)
    if owner is None:
        return
    who, strong = owner
    if not strong and after + 1 < len(tokens) and tokens[after + 1] in _WEAK_AFTER_BLOCK:
        return  # "5 ans en France": a duration
    if unit in MONTH_UNITS | WEEK_UNITS and not strong and not _baby_said(tokens, people):
        return  # "à 12 mois" is a milestone; a bare "3 mois" a duration
    # "2 ans et 3 mois", "1 an et demi"
    extra = 0
    if unit in YEAR_UNITS and len(values) == 1:
        tail = _starts(tokens, after + 1, _phrases("et demi", "and a half"))
        if tail:
            extra = 6
        elif after + 2 < len(tokens) and tokens[after + 1 + (tokens[after + 1] == "et")].isdigit():
            m_at = after + 1 + (tokens[after + 1] == "et")
            if m_at + 1 < len(tokens) and tokens[m_at + 1] in MONTH_UNITS:
                extra = min(int(tokens[m_at]), 11)
    for n, value in zip(nums, values):
        if unit in YEAR_UNITS:
            months, in_months = value * 12 + extra, bool(extra) and value < 3
        elif unit in MONTH_UNITS:
            months, in_months = value, True
        else:
            months, in_months = value * 12 // 52, True
        if 0 <= months <= MAX_AGE * 12:
            numbers.ages.append(_Age(months, in_months, who, strong, n, shared=len(values) > 1))


def _baby_said(tokens: List[str], people: List[_Person]) -> bool:
    return any(p.for_whom == "child" for p in people) or any(t in ("bebe", "nourrisson", "baby", "ne") for t in tokens)


def _baby_weeks(tokens: List[str], i: int, people: List[_Person]) -> bool:
    return any(p.noun in ("bebe", "nourrisson", "baby", "fils", "fille", "enfant") and 0 < i - p.end <= 3 for p in people)


# --------------------------------------------------------------------------------------------
# Household, sex, benefit, territory, money, dates
# --------------------------------------------------------------------------------------------

_CHILD_NOUNS = ("enfants", "enfant", "gosses", "gamins", "fils", "filles", "fille", "ados", "bebes", "bebe",
                "children", "kids", "child", "kid")
_PARTNER_NOUNS = ("mari", "femme", "epouse", "epoux", "conjoint", "conjointe", "compagnon", "compagne", "copain",
                  "copine", "concubin", "concubine", "husband", "wife", "partner")


def _household(tokens: List[str]) -> Optional[int]:
    text = " ".join(tokens)
    total = re.search(
        r"\b(?:on est|nous sommes|on sera|nous serons|sommes|foyer de|famille de|menage de|we are|household of|"
        r"on vit a|vivons a|on habite a|family of)\s+(\d{1,2})\b(?!\s+(?:ans?|mois|years?|adultes?|enfants?|couple)\b)", text)
    if total:
        return int(total.group(1))
    people = re.search(r"(?:^|\b(?:pour|de|a|sommes|est|foyer|famille|for|of|\|)\s+)(\d{1,2})\s+"
                       r"(?:personnes?|pers|membres?|people|persons?)\b", text)
    if people:
        return int(people.group(1))
    adults = re.search(r"\b(\d)\s+adultes?\b", text)
    children = 0
    counted = False
    for m in re.finditer(r"(?:\b(?:avec|j ai|ai|on a|nous avons|avons|et|mes|nos|have|with)\s+|(?:^|\| ))(\d{1,2})\s+"
                         r"(?:[a-z]+\s+)?(?:" + "|".join(_CHILD_NOUNS) + r")\b(?!\s+(?:de|d|ont|a)\s+\d)?", text):
        children += int(m.group(1))
        counted = True
    for m in re.finditer(r"(\d{1,2})\s+(?:" + "|".join(_CHILD_NOUNS) + r")\s+a charge\b", text):
        if not counted:
            children += int(m.group(1))
            counted = True
    if not counted and re.search(r"\b(?:avec|moi et|and)\s+(?:mon|ma|my)\s+(?:petit |petite )?"
                                 r"(?:fils|fille|enfant|bebe|son|daughter|child|baby)\b", text):
        children, counted = 1, True
    if adults:
        return int(adults.group(1)) + children
    alone = re.search(
        r"\b(?:vis|vit|habite|suis|vivre|reste|moi|1 personne|personne|parent|mere|pere|maman|papa|live|living)\s+"
        r"(?:toute? )?(?:seule?|isolee?|solo|alone|celibataire)\b|\bcelibataire\b|\bsingle\b|"
        r"(?:^|\| )seule?(?= \||$| avec| \d)|"
        r"\bseule? avec\b", text)
    partner = re.search(
        r"\b(?:en couple|1 couple|un couple|couple avec|couple sans|couple de|suis mariee?|sommes maries|"
        r"on est maries|sommes pacses|on est pacses|suis pacsee?|en concubinage|married|as a couple)\b|"
        r"\b(?:avec|moi et)\s+(?:mon|ma|my)\s+(?:" + "|".join(_PARTNER_NOUNS) + r")\b|"
        r"\b(?:mon|ma|my)\s+(?:" + "|".join(_PARTNER_NOUNS) + r")\s+et moi\b", text)
    if re.search(r"\btout seule?\b", text) and not re.search(r"\b(?:vis|vit|habite|suis)\s+toute? seule?\b", text):
        alone = None  # "ça se fait tout seul"
    if not (alone or partner or counted):
        return None
    if not counted and re.search(r"\b(?:avec|et)\s+(?:mes|nos)\s+(?:" + "|".join(_CHILD_NOUNS) + r")\b", text):
        return None  # children not counted: the size is not said
    return 1 + (1 if partner else 0) + children


_FEMALE_SELF = _phrases("je suis 1 femme", "je suis une femme", "en tant que femme", "je suis nee", "je vis seule",
                        "je suis seule", "je suis veuve", "je suis agee", "suis 1 femme", "i am 1 woman",
                        "i m 1 woman", "i am a woman", "i m a woman", "as a woman", "moi femme", "je suis retraitee")
_MALE_SELF = _phrases("je suis 1 homme", "je suis un homme", "en tant qu homme", "suis 1 homme", "i am 1 man",
                      "i m 1 man", "i am a man", "i m a man", "as a man", "moi homme")


def _self_sex(tokens: List[str]) -> Optional[str]:
    text = f" {' '.join(tokens)} "
    if any(f" {' '.join(p)} " in text for p in _FEMALE_SELF):
        return "female"
    if any(f" {' '.join(p)} " in text for p in _MALE_SELF):
        return "male"
    # "55 ans femme", "homme 24 ans", "femme de 55 ans" (no possessive: the asker)
    for i, token in enumerate(tokens):
        if token in ("femme", "homme") and (i == 0 or tokens[i - 1] in {"|", "1", "une", "un"} | _GREETINGS
                                             or tokens[i - 1] in YEAR_UNITS):
            if i >= 1 and tokens[i - 1] in ("1", "une", "un") and not _ends(tokens, i - 1, _phrases("je suis", "suis")):
                if not (i + 1 < len(tokens) and tokens[i + 1] in ("de", "d")):
                    continue
            return "female" if token == "femme" else "male"
    return None


_BENEFIT_NAMES = (
    ("RSA", "revenu de solidarite active"), ("ASPA", "allocation de solidarite aux personnes agees"),
    ("ASPA", "minimum vieillesse"), ("AAH", "allocation aux adultes handicapes"),
    ("AAH", "allocation adulte handicape"), ("AAH", "allocation adultes handicapes"),
    ("ASI", "allocation supplementaire d invalidite"), ("RSA", "rsa"), ("ASPA", "aspa"), ("AAH", "aah"), ("ASI", "asi"),
)
_RECEIPT_BEFORE = _phrases(
    "touche", "touche le", "touche l", "touchons", "touchons le", "touchez", "touchez le", "touchent le", "touchait",
    "touche la", "percois", "percois le", "percois l", "percoit", "percoit le", "percoit l", "percevons", "percevez",
    "percoivent", "beneficie du", "beneficie de l", "beneficiaire du", "beneficiaire de l", "beneficiaires du",
    "allocataire du", "allocataire de l", "au", "a l", "suis au", "suis a l", "est au", "est a l", "sommes au",
    "viens d avoir le", "viens d avoir l", "vient d avoir le", "vient d avoir l", "ai le", "ai l", "a le", "a l",
    "avec le", "avec l", "sous", "receive", "receive the", "get the", "on the", "on", "have the", "recois le",
    "recois l", "recoit le", "recoit l", "ai obtenu le", "ai obtenu l",
)
_NOT_RECEIVED_BEFORE = frozenset({"droit", "demande", "demander", "obtenir", "pas", "plus", "jamais", "ni", "sans",
                                  "refus", "refuse", "quoi", "not", "no", "faire", "calcul", "montant", "plafond",
                                  "peux", "puis", "peut", "pourrais", "pourrait", "faut", "comment", "si", "if", "can"})


def _benefit(tokens: List[str]) -> Optional[str]:
    for name, words in _BENEFIT_NAMES:
        for at in _find(tokens, words):
            before = tokens[max(0, at - 5):at]
            if "|" in before:
                before = before[len(before) - before[::-1].index("|"):]
            if any(w in _NOT_RECEIVED_BEFORE for w in before):
                continue
            # "droit au RSA", "c'est quoi le RSA": asked about, not received
            if _ends(tokens, at, _RECEIPT_BEFORE):
                return name
    return None


_TERRITORY_WORDS = (
    ("mayotte", ("mayotte", "mamoudzou", "mahorais", "mahoraise")),
    ("outre_mer", ("outre mer", "dom", "drom", "dom tom", "domtom", "ultramarin", "ultramarine", "antilles",
                   "guadeloupe", "martinique", "guyane", "a la reunion", "ile de la reunion", "reunionnais",
                   "reunionnaise", "overseas", "guadeloupeen", "guadeloupeenne", "martiniquais", "martiniquaise",
                   "guyanais", "guyanaise", "cayenne", "pointe a pitre", "fort de france", "saint denis de la reunion")),
    ("alsace_moselle", ("alsace moselle", "alsace", "bas rhin", "haut rhin", "regime local", "alsacien", "alsacienne",
                        "mosellan", "mosellane")),
    ("metropole", ("metropole", "metropolitaine", "hexagone", "mainland")),
)


def _territory_words(tokens: List[str]) -> Optional[str]:
    text = f" {' '.join(tokens)} "
    for territory, words in _TERRITORY_WORDS:
        if any(f" {w} " in text for w in words):
            return territory
        if territory == "outre_mer" and re.search(r" la reunion (?!(?:d|de|du|des|avec|d information|pour)\b)", text):
            return territory
        if territory == "alsace_moselle" and re.search(r"(?<!meurthe et) moselle ", text):
            return territory
    return None


def _place(text: str):
    from bot.contacts import resolve_place  # late import: bot.contacts loads the knowledge files

    return resolve_place(text)


_TERRITORY_OF_DEPT = {"976": "mayotte", "971": "outre_mer", "972": "outre_mer", "973": "outre_mer",
                      "974": "outre_mer", "977": "outre_mer", "978": "outre_mer",
                      "57": "alsace_moselle", "67": "alsace_moselle", "68": "alsace_moselle"}


def _territory_and_town(raw: str, tokens: List[str]) -> Tuple[Optional[str], Optional[str]]:
    territory = _territory_words(tokens)
    # numbers that are ages, years or durations are not département numbers ("née en 58")
    unplaced = re.sub(r"(?i)\b(?:n[ée]e?s?|born)\s+(?:en|in)\s+\d+|\d+\s*(?:ans?|mois|semaines?|years?|months?|weeks?)\b",
                      " ", raw[:MAX_SENTENCE_CHARS])
    place = _place(unplaced)
    if place is None:
        return territory, None
    # several communes of one name ("La Rochelle" 17 and 70): the name and, when they agree, the territory
    places = list(place.candidates) if place.candidates else [place]
    names = {p.commune for p in places}
    if None in names and len(places) > 1 or len(names) != 1 or not all(p.departement for p in places):
        return territory, None
    commune = names.pop()
    if commune and not _said_as_a_place(tokens, commune):
        return territory, None  # "je suis marié": Marie (06) is not meant
    # Saint-Pierre-et-Miquelon and the Pacific have their own schemes: none of the four territories
    found = {None if p.departement == "975" or p.departement.startswith("98")
             else _TERRITORY_OF_DEPT.get(p.departement, "metropole") for p in places}
    if found == {None}:
        return None, None
    return territory or (found.pop() if len(found) == 1 else None), commune


_PLACE_BEFORE = frozenset({"a", "au", "de", "d", "du", "habite", "habitait", "habites", "habitent", "habitons", "vis",
                           "vit", "vivons", "cpam", "caf", "ccas", "cias", "mairie", "sur", "pres", "vers", "ville",
                           "commune", "in", "at", "near", "from", "to", "pour", "en", "proche", "secteur", "agence"})


def _said_as_a_place(tokens: List[str], commune: str) -> bool:
    """A town counts when the sentence names it as a place: "à Brest", "cpam rouen", "Brest ?"."""
    name = keyword_text(commune).split()
    name = ["saint" if w == "st" else w for w in name]
    words = ["saint" if w == "st" else w for w in tokens]
    for at in _find(words, " ".join(name)):
        if at == 0 or words[at - 1] in _PLACE_BEFORE or words[at - 1] == "|":
            return True
    return False


_INCOME_CUES = re.compile(r"\b(?:gagn\w*|touch\w*|revenus?|salaires?|ressources?|per[cç]o\w*|pensions?|retraite|smic|"
                          r"chomage|allocations?|rsa|aah|aspa|earn\w*|income|salary|j ai|on a|nous avons|vis avec|"
                          r"vit avec|vivons avec|avec)\s*$")
_INCOME_WORDS = re.compile(r"\b(?:gagn\w*|revenus?|salaires?|ressources?|pensions?|retraite|earn\w*|income|salary)\b")
_NOT_INCOME = re.compile(r"\b(?:plafond|coute?|couter|cout|payer|paye|paie|prix|tarif|participation|cotisation|"
                         r"capital|rembours\w*|montant|ceiling|cost|pay|limite|depasse)\b")


def _income(folded: str, money: List[_Span]) -> Optional[float]:
    for span in money:
        clause_start = max(folded.rfind(c, 0, span.start) for c in ",;.!?\n") + 1
        before = folded[clause_start:span.start].replace("'", " ")
        clause_end = min([folded.find(c, span.end) for c in ",;.!?\n" if folded.find(c, span.end) >= 0] or [len(folded)])
        after_words = folded[span.end:clause_end]
        if _NOT_INCOME.search(before):
            continue
        if not (_INCOME_CUES.search(before[-40:]) or _INCOME_WORDS.search(before) or _INCOME_WORDS.search(after_words)):
            continue
        amount = _amount(span.text)
        if amount is None:
            continue
        after = folded[span.end:span.end + 25]
        if re.match(r"\s*(?:/\s*an\b|par an\b|l an\b|annuel|par annee|sur l annee|sur 12 mois|a year|per year|/\s*year)", after):
            return round(amount / 12, 2)
        if re.match(r"\s*(?:/\s*semaine|par semaine|a week|per week)", after):
            return round(amount * 52 / 12, 2)
        if re.match(r"\s*(?:/\s*mois|par mois|net|mensuel|le mois|chaque mois|a month|per month|/\s*month)", after):
            return amount
        return amount if amount <= MONTHLY_GUESS_LIMIT else round(amount / 12, 2)
    return None


def _amount(text: str) -> Optional[float]:
    m = re.match(r"(\d{1,3}(?:[ .]\d{3})+(?!\d)|\d+)(?:[.,](\d{1,2}))?\s*(k)?", text)
    if not m:
        return None
    value = float(re.sub(r"[ .]", "", m.group(1)))
    if m.group(2):
        value += float("0." + m.group(2))
    if m.group(3):
        value *= 1000
    return value if 0 < value <= 1_000_000 else None


_DEATH = re.compile(r"\b(?:decede\w*|deces|mort|morte|morts|disparu\w*|nous a quitte\w*|est parti\w*|dcd|died|dead|"
                    r"passed away|death|perdu (?:mon|ma)\s+\w+)\b")
_BIRTH = re.compile(r"\b(?:nee?s?|naissance|born)\s+(?:(?:en|le|au mois de|on|in)\s+)?$")


@lru_cache(maxsize=4)
def _english_dates(today: date):
    import dateparser.date

    return dateparser.date.DateDataParser(languages=["en"], settings={
        "DATE_ORDER": "DMY", "PREFER_DATES_FROM": "past", "PREFER_DAY_OF_MONTH": "first",
        "RELATIVE_BASE": datetime(today.year, today.month, today.day), "RETURN_AS_TIMEZONE_AWARE": False})


_ENGLISH_DATE = re.compile(r"\b(?:ago|last|yesterday|today|january|february|march|april|may|june|july|august|"
                           r"september|october|november|december|days?|weeks?|months?)\b")


def _parse_date(span: _Span, today: date) -> Optional[Tuple[date, str]]:
    text = re.sub(r"\b(?:debut|fin|mi|courant|au mois de|mois de|en)\s+", " ", span.text).strip()
    if span.kind == "month":
        text = re.sub(r"\s+dernier$", "", text)  # "en septembre dernier": the last September
    text = re.sub(r"^y a ", "il y a ", text)
    if re.search(r"\b(?:aujourd ?'?hui|ce matin|cette nuit|today)\b", text):
        return today, "day"
    weekday = re.match(r"(" + "|".join(_WEEKDAYS) + r") dernier", text)
    if weekday:
        back = (today.weekday() - _WEEKDAYS.index(weekday.group(1))) % 7 or 7
        return today - timedelta(days=back), "day"
    if re.search(r"semaine|weeks?\b", text):
        precision = "week"
    elif re.search(r"\bmois\b|\bmonths?\b", text):
        precision = "month"
    elif re.search(r"\d{1,2}\s*[/.-]|\b(?:\d{1,2}|1er|premier)\s+[a-z]|[a-z]\s+\d{1,2}(?:st|nd|rd|th)?,|hier|jours?\b|days?\b|yesterday", text):
        precision = "day"
    else:
        precision = "month"
    if _ENGLISH_DATE.search(text):
        data = _english_dates(today).get_date_data(text)
        if data is None or data.date_obj is None:
            return None
        day = data.date_obj.date()
        if precision == "month" and "ago" not in text:
            day = day.replace(day=1)
        return (day, precision) if day <= today else None
    parsed = parse_past_date(text, today=today)
    if not parsed.ok:
        return None
    return parsed.value, precision


def _death_date(text: _Text, dates: List[_Span], today: date) -> Tuple[Optional[date], Optional[str]]:
    folded = text.folded
    deaths = list(_DEATH.finditer(folded))
    if not deaths or not dates:
        return None, None
    candidates = []
    for span in dates:
        if _BIRTH.search(folded[max(0, span.start - 25):span.start]):
            continue
        distance = min(max(span.start - d.end(), d.start() - span.end, 0) for d in deaths)
        if distance <= 80:
            candidates.append((distance, span))
    for _, span in sorted(candidates, key=lambda c: c[0]):
        found = _parse_date(span, today)
        if found:
            return found
    return None, None


def _birth_date(text: _Text, dates: List[_Span], today: date) -> Optional[date]:
    for span in dates:
        if _BIRTH.search(text.folded[max(0, span.start - 25):span.start]) and re.search(r"\d{4}", span.text):
            parsed = parse_past_date(span.text, today=today)
            if parsed.ok:
                return parsed.value
    return None


# --------------------------------------------------------------------------------------------
# Putting it together
# --------------------------------------------------------------------------------------------


def _subject(people: List[_Person], tokens: List[str]) -> Optional[int]:
    """The person the question is about, when it is not the asker: the first one named."""
    for index, person in enumerate(people):
        if not person.relative or person.noun in ("beneficiaire",):
            continue
        before = tokens[max(0, person.start - 2):person.start]
        after = tokens[person.end:person.end + 2]
        if before[-2:-1] in (["avec"], ["et"]) or after == ["et", "moi"] or before[-1:] == ["et"]:
            continue  # "je vis avec mon mari", "moi et mes enfants": the household, not the subject
        if person.determiner in ("1", "un", "une") and person.noun in ("personne",) and _has(tokens, "pour 1 personne"):
            continue  # "pour une personne seule": a household size
        if person.determiner is not None and person.determiner.isdigit() and person.determiner != "1":
            continue  # "j'ai 3 enfants": a count, for the household
        return index
    return None


def _first_person(tokens: List[str]) -> bool:
    return any(t in ("je", "j", "moi", "me", "m", "mon", "ma", "mes", "i", "my", "g") for t in tokens)


def _read(raw: str, today: date) -> QuestionParams:
    if not isinstance(raw, str) or not raw.strip():
        return QuestionParams()
    text, money, dates = _prepare(raw)
    tokens = text.tokens
    people = _people(tokens)
    numbers = _read_numbers(text, people, today)

    subject = _subject(people, tokens)
    for_whom = people[subject].for_whom if subject is not None else ("self" if _first_person(tokens) else None)

    # ages: the subject's, else the asker's, else one said without an owner
    ages = numbers.ages
    birth = _birth_date(text, dates, today)
    chosen: Optional[_Age] = None
    if subject is not None:
        owners = {f"p{subject}", "third"}
        chosen = next((a for a in ages if a.owner in owners and a.strong), None) or next(
            (a for a in ages if a.owner in owners), None)
        if chosen is None:
            chosen = next((a for a in ages if a.owner == "unknown" and a.strong), None)
        if chosen is None and not any(a.owner == "self" for a in ages):
            weak = {a.months for a in ages if a.owner == "unknown"}
            chosen = next((a for a in ages if a.owner == "unknown"), None) if len(weak) == 1 else None
    else:
        chosen = next((a for a in ages if a.owner == "self"), None) or next(
            (a for a in ages if a.owner in ("unknown", "third") and a.strong), None)
        if chosen is None:
            strong_people = {a.owner for a in ages if a.strong and a.owner.startswith("p")}
            if len(strong_people) == 1:
                chosen = next(a for a in ages if a.owner in strong_people)
        if chosen is None:
            weak = {a.months for a in ages if not a.strong}
            chosen = next((a for a in ages if not a.strong), None) if len(weak) == 1 else None
    we = [a for a in ages if a.owner == "we"]
    if chosen is not None and chosen.owner == "we":
        chosen = None
    if chosen is None and len(we) == 1:
        chosen = we[0]

    age = age_months = None
    if chosen is not None and chosen.shared:
        chosen = None  # "mes enfants ont 8 et 5 ans": whose age is the question about?
    if chosen is not None:
        age = chosen.months // 12
        age_months = chosen.months if chosen.said_in_months else None
    birth_year = None
    if numbers.birth_years:
        wanted = f"p{subject}" if subject is not None else "self"
        year, _owner = next(((y, o) for y, o in numbers.birth_years if o == wanted), numbers.birth_years[0])
        birth_year = year
        if age is None:
            age = today.year - year
    if birth is not None:
        birth_year = birth.year
        if age is None:
            age = today.year - birth.year - ((today.month, today.day) < (birth.month, birth.day))
            if age < 3:
                age_months = (today.year - birth.year) * 12 + today.month - birth.month - (today.day < birth.day)
    if age is not None and not 0 <= age <= MAX_AGE:
        age = age_months = None

    people_ages: List[int] = []
    seen = set()
    for a in ages:
        key = (a.owner if a.owner != "unknown" else f"u{a.at}", a.months)
        if key not in seen and (a.strong or a is chosen):
            seen.add(key)
            people_ages.append(a.months // 12)
    all_ages = tuple(people_ages) if len(people_ages) >= 2 else ()

    # sex: the subject's when named, else the asker's when said
    sex = people[subject].sex if subject is not None else _self_sex(tokens)
    if subject is None and sex is None:
        sex = next((p.sex for p in people if p.noun in ("homme", "femme") and not p.relative), None)
    pregnant = None
    if any(t in _PREGNANCY_WORDS for t in tokens):
        negated = re.search(r"\b(?:pas|plus|jamais|not|ni)\s+(?:\w+\s+)?(?:enceinte|pregnant)\b", " ".join(tokens))
        pregnant = not negated
        if pregnant:
            sex = "female"
    if numbers.pregnancy_months or numbers.pregnancy_weeks:
        pregnant, sex = True, "female"

    household = _household(tokens)
    if household is not None and not 1 <= household <= MAX_HOUSEHOLD_SIZE:
        household = None
    territory, town = _territory_and_town(raw, tokens)
    death, precision = _death_date(text, dates, today)

    return QuestionParams(
        age=age,
        age_months=age_months,
        ages=all_ages,
        age_range=numbers.age_range,
        birth_year=birth_year,
        sex=sex,
        for_whom=for_whom,
        pregnant=pregnant,
        pregnancy_months=numbers.pregnancy_months if pregnant is not False else None,
        pregnancy_weeks=numbers.pregnancy_weeks if pregnant is not False else None,
        household_size=household,
        territory=territory,
        town=town,
        death_date=death,
        death_date_precision=precision if death else None,
        last_exam_years=numbers.last_exam_years,
        last_exam_bound=numbers.last_exam_bound,
        income_monthly=_income(text.folded, money),
        benefit=_benefit(tokens),
    )
