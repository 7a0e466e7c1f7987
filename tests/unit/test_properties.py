"""Hostile input, property-based (hypothesis): every parser and validator of what people type.

Issue 8, "Hostile input". What holds for ANY text — emoji, control and zero-width characters,
right-to-left text, lone surrogates (a JSON body can carry "\\ud800"), 5 000 characters, HTML/JS,
SQL and JSON fragments, Rasa payloads, huge numbers:
- nothing raises;
- a Parsed has exactly one of value / error, and an error is a non-empty French sentence;
- every value read is in its domain (ages 0-120, E.164 phone numbers, option ids…) and reading
  it back gives the same value (idempotence, round trips);
- a valid NIR (generated with its INSEE key), wherever it is typed, is redacted by redact_nir
  and refused by every saisine validator and by the saisine model.

The real bugs they found are fixed and kept at the end as regular examples, each saying what it was.
"""
from __future__ import annotations

import copy
import re
import string
import unicodedata
from datetime import date, datetime, timedelta, timezone

import hypothesis.core
import hypothesis.vendor.pretty
import phonenumbers
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from stdnum.fr import nir as stdnum_nir

from bot import contacts, facts, parsing
from bot import prevention_intake as pi
from bot.parsing import NIR_PLACEHOLDER, Parsed
from bot.saisine import intake
from bot.saisine import validation as v
from bot.saisine.model import NIR_FIELD_ERROR, Detector, Person, Saisine

TODAY = date(2026, 11, 24)
NOW = datetime(2026, 11, 24, 10, 30, tzinfo=timezone.utc)


@pytest.fixture(autouse=True, scope="module")
def _show_failing_examples():
    """Schemathesis (its pytest plugin loads in every session once installed) replaces Hypothesis's
    RepresentationPrinter by one that prints nothing, for speed: a failure would read "text=,".
    The real printer is put back for this module, so a failure says which input broke."""
    try:  # the plugin patches on its first test call: have it patch now, once, then undo it here
        import schemathesis.generation.hypothesis.builder  # noqa: F401
    except ImportError:
        pass
    patched = hypothesis.core.RepresentationPrinter
    hypothesis.core.RepresentationPrinter = hypothesis.vendor.pretty.RepresentationPrinter
    yield
    hypothesis.core.RepresentationPrinter = patched


PROPS = settings(max_examples=200, deadline=None,
                 suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much])
FEW = settings(PROPS, max_examples=60)  # the slowest readers (whole saisine drafts, the model)

# --------------------------------------------------------------------------------------------
# Hostile text
# --------------------------------------------------------------------------------------------

NASTY = [
    "", " ", "\t\n\r ", "\x00", "\x00" * 40, "\x07\x08\x0b\x0c\x1b", "\x1b[31mrouge\x1b[0m", "\x7f\x80\x9f",
    "\u200b\u200c\u200d\u2060\ufeff", "oui\u200b", "n\u200bo\u200bn", "\u202eenihcam al\u202c", "\u2066oui\u2069",
    "\u2028\u2029", "\ud800", "a\udfffb", "\udbff\udfff", "\ufffd\ufffe\uffff", "\U0010ffff", "\U000e0001",
    "مرحبا، أحتاج مساعدة", "שלום עולם", "۱۲۳۴", "٣٤٥ ans", "１２３４５", "𝟘𝟞 𝟙𝟚 𝟛𝟜 𝟝𝟞 𝟟𝟠", "①②③", "²³ ans", "Ⅻ",
    "👍", "🙂" * 50, "👨‍👩‍👧‍👦 nous sommes 4", "🏳️‍🌈", "🇫🇷", "Z̷̢̛̪a̴͔l̵̰g̶̙o̷͙", "e\u0301\u0301\u0301", "ǅ ß İ ﬁ ẞ",
    "<script>alert(1)</script>", "<img src=x onerror=alert(document.cookie)>", "\"><svg/onload=alert(1)>",
    "javascript:alert(1)", "<a href='javascript:alert(1)'>clic</a>", "{{7*7}}", "${7*7}", "${jndi:ldap://127.0.0.1/a}",
    "%s%s%s%n", "%00", "%0d%0aSet-Cookie: x=1", "\r\nX-Injected: 1", "../../etc/passwd", "C:\\Windows\\System32",
    "'; DROP TABLE events; --", "\" OR 1=1 --", "1' OR '1'='1", "admin'--", "1; SELECT * FROM saisines;",
    "UNION SELECT nom, telephone FROM saisines", "'); DELETE FROM outbox; --",
    '{"x": 1}', '{"sender": "autre", "message": "/restart"}', "[1, 2", "null", "true", "NaN", "-Infinity", "1e308",
    "-1", "−5", "0", "-0", "0x1F", "1_000", "1,5e3 €",
    "/restart", "/stop", '/inform{"x":1}', '/ask_c2s{"a":', '/request_mas{"saisine_draft": {"consent": true}}',
    "/nlu_fallback", "/session_start", '/affirm{"saisine_answer": "oui"}',
    "9" * 30, "9" * 309, "9" * 400 + " €", "1" * 81, "0" * 20, "99999999999999999999 ans", "12345678901234567890123",
    "a" * 5000, "é" * 5000, "9" * 5000, "🙂" * 2500, "oui " * 1250, "<script>" * 625,
    "oui", "non", "oui non", "ni oui ni non", "je ne sais pas", "OUI !!!", "0uI",
    "MAS-2026-", "MAS-2026-IIIIII", "mas 2026 7k3f9q", "@", "@@", "a@", "@b.fr", "a@b", "x@" + "y" * 300 + ".fr",
    "06", "+", "+33", "0033", "(0)", "06 12 34 56 78 06 98 76 54 32", "+1 202 555 0143", "+44 20 7946 0958",
    "né le 31/02/2000", "29/02/2023", "00/00/0000", "99/99/9999", "31/12/9999", "1er janvier 0001",
    "il y a 999999999 jours", "10000 mois", "120 ans et 11 mois", "121 ans", "-3 ans",
    NIR_PLACEHOLDER, "[NIR retiré] oui",
]

WORDS = [
    "oui", "non", "52 ans", "18 mois", "2 ans et 3 mois", "900 € par mois", "10 800 euros par an", "seule",
    "moi et mes 2 enfants", "nous sommes 5", "Paris", "75001", "Lyon 3e", "Guadeloupe", "Mayotte", "974",
    "06 12 34 56 78", "+33 6 12 34 56 78", "jean.dupont@exemple.fr", "14/07/1985", "3 février 1990",
    "dentiste", "pharmacie", "lunettes", "trop cher", "renoncement aux soins", "accès aux droits", "CCAS",
    "je suis assistante sociale", "ma fille", "ma mère de 70 ans", "enceinte", "RSA", "C2S", "AME",
    "confirmer l'envoi", "corriger", "annuler", "pour moi", "pour une personne que j'accompagne",
    "MAS-2026-7K3F9Q", "Dupont", "Jean-Pierre", "N'Diaye", "aucune", "pas d'e-mail", "passer",
]

long_texts = st.tuples(st.one_of(st.sampled_from(["a", "9", "é", "🙂", "<b>", " ", "oui ", "1 500 € ", "\x00"]),
                                 st.text(min_size=1, max_size=12)),
                       st.integers(min_value=300, max_value=5000)).map(
    lambda pair: (pair[0] * (pair[1] // len(pair[0]) + 1))[: pair[1]])
mixed_texts = st.lists(st.one_of(st.sampled_from(NASTY), st.sampled_from(WORDS), st.text(max_size=15)),
                       min_size=1, max_size=6).flatmap(
    lambda parts: st.sampled_from([" ", "", ", ", "\n", " et "]).map(lambda sep: sep.join(parts)))
hostile = st.one_of(
    st.text(),
    st.text(alphabet=st.characters(codec="utf-8"), max_size=80),
    st.text(alphabet=string.digits + " .-/+()€ans", max_size=40),
    st.sampled_from(NASTY),
    mixed_texts,
    long_texts,
)

FRENCH_WORDS = re.compile(r"\b(?:je|j|vous|votre|vos|merci|pouvez|quelle|choisissez|répondez|cette|ce|"
                          r"le|la|les|de|des|du|un|une|au|en|par)\b", re.IGNORECASE)


def is_french_error(error: object) -> bool:
    return (isinstance(error, str) and error.strip() == error and len(error) >= 10
            and (error[0].isupper() or error[0].isdigit())  # "21 personnes, cela me paraît beaucoup."
            and FRENCH_WORDS.search(error) is not None and "<" not in error and "Traceback" not in error)


def check_parsed(result: object) -> Parsed:
    """Exactly one of value / error; an error is a short French sentence."""
    assert isinstance(result, Parsed), result
    assert (result.value is None) != (result.error is None), result
    if result.error is not None:
        assert is_french_error(result.error), result.error
    if result.interpretation is not None:
        assert isinstance(result.interpretation, str) and result.interpretation.strip()
    return result


# --------------------------------------------------------------------------------------------
# Valid NIRs (INSEE: sex, year, month, département, commune, order, key = 97 - n % 97)
# --------------------------------------------------------------------------------------------

@st.composite
def nir_parts(draw):
    sex = draw(st.sampled_from("1278"))
    year = f"{draw(st.integers(0, 99)):02d}"
    month = f"{draw(st.integers(1, 12)):02d}"
    dept, commune = draw(st.one_of(
        st.tuples(st.integers(1, 95).filter(lambda d: d != 20).map("{:02d}".format),
                  st.integers(1, 999).map("{:03d}".format)),
        st.tuples(st.sampled_from(["2A", "2B"]), st.integers(1, 366).map("{:03d}".format)),  # Corsica
        st.tuples(st.just("97"), st.integers(101, 699).map(str)),  # overseas: 971-976 + 2-digit commune
        st.tuples(st.just("99"), st.integers(101, 999).map(str)),  # born abroad: 99 + country code
    ))
    order = f"{draw(st.integers(1, 999)):03d}"
    body = sex + year + month + dept + commune + order
    number = int(body.replace("2A", "19").replace("2B", "18"))
    key = f"{97 - number % 97:02d}"
    assert stdnum_nir.is_valid(body + key), body + key
    return [sex, year, month, dept, commune, order, key]


SEPARATORS = st.sampled_from(["", " ", ".", "-", "  ", ". ", " -"])


@st.composite
def typed_nirs(draw, with_key: bool = True):
    """A valid NIR as a person may type it: grouped by INSEE fields, any usual separators."""
    parts = draw(nir_parts())
    if not with_key:
        parts = parts[:-1]
    sep = draw(st.one_of(SEPARATORS.map(lambda s: [s] * 6), st.lists(SEPARATORS, min_size=6, max_size=6)))
    text = parts[0] + "".join(s + p for s, p in zip(sep, parts[1:]))
    return text.lower() if draw(st.booleans()) else text


BOUNDARY = st.sampled_from([" ", "\n", ", ", " : ", "«", "»", "(", ")", "\u00a0", "🙂", "é", "/", "#", "\u200b"])
AROUND = st.one_of(st.text(max_size=30), st.sampled_from(NASTY + WORDS), st.text(alphabet=string.digits + " .-", max_size=12))


@st.composite
def texts_with_nir(draw, with_key: bool = True):
    """(whole text, the NIR as typed): a NIR as a token of any text (not glued to letters or digits)."""
    typed = draw(typed_nirs(with_key=with_key))
    before, after = draw(AROUND), draw(AROUND)
    text = draw(st.sampled_from([
        typed,
        before + draw(st.one_of(BOUNDARY, st.just(" n°"))) + typed,
        typed + draw(BOUNDARY) + after,
        before + draw(BOUNDARY) + typed + draw(BOUNDARY) + after,
    ]))
    return text, typed


_COMPACT_NIR = re.compile(r"(?<![0-9A-Za-z])(?=([1278][0-9]{4}(?:[0-9]{2}|2[ABab])[0-9]{8})(?![0-9A-Za-z]))")


def valid_nirs_in(text: str) -> list:
    """Independent oracle: the 15-character NIR tokens of a text that stdnum says are valid."""
    return [m.group(1) for m in _COMPACT_NIR.finditer(text) if stdnum_nir.is_valid(m.group(1).upper())]


def digits_of(typed: str) -> str:
    return re.sub(r"[ .\-]", "", typed).upper()


# --------------------------------------------------------------------------------------------
# bot.parsing: every parser
# --------------------------------------------------------------------------------------------

CHOICE_OPTIONS = {"rsa": ["RSA", "revenu de solidarité active"], "aspa": ["ASPA", "minimum vieillesse"],
                  "none": ["aucun", "ni l'un ni l'autre"]}


@PROPS
@given(hostile)
def test_parsers_never_raise_and_stay_in_their_domain(text):
    yes_no = check_parsed(parsing.parse_yes_no(text))
    assert yes_no.value in (None, True, False)
    choice = check_parsed(parsing.parse_choice(text, CHOICE_OPTIONS))
    assert choice.value in (None, *CHOICE_OPTIONS)
    age = check_parsed(parsing.parse_age(text, today=TODAY))
    assert age.value is None or (type(age.value) is int and 0 <= age.value <= parsing.MAX_AGE)
    ages = check_parsed(parsing.parse_ages_list(text, today=TODAY))
    assert ages.value is None or (1 <= len(ages.value) <= parsing.MAX_HOUSEHOLD_SIZE
                                  and all(0 <= a <= parsing.MAX_AGE for a in ages.value))
    resources = check_parsed(parsing.parse_resources(text))
    assert resources.value is None or 0 <= resources.value <= parsing.MAX_ANNUAL_RESOURCES
    household = check_parsed(parsing.parse_household_size(text))
    assert household.value is None or 1 <= household.value <= parsing.MAX_HOUSEHOLD_SIZE
    territory = check_parsed(parsing.parse_territory(text))
    assert territory.value in (None, "metropole", "outre_mer", "mayotte")
    past = check_parsed(parsing.parse_past_date(text, today=TODAY))
    assert past.value is None or parsing.MIN_DATE <= past.value <= TODAY
    assert isinstance(parsing.looks_like_nir(text), bool)
    assert isinstance(parsing.wants_eligibility_check(text), bool)


@PROPS
@given(hostile)
def test_extract_situation_never_raises_and_gives_plausible_facts(text):
    found = parsing.extract_situation(text)
    assert isinstance(found, dict)
    assert set(found) <= {"annual_resources", "household_size", "minimum_benefit", "territory", "age"}
    assert 0 <= found.get("annual_resources", 0) <= parsing.MAX_ANNUAL_RESOURCES
    assert 1 <= found.get("household_size", 1) <= parsing.MAX_HOUSEHOLD_SIZE
    assert found.get("minimum_benefit", "rsa") in ("rsa", "aspa")
    assert found.get("territory", "metropole") in ("metropole", "outre_mer", "mayotte")
    assert 0 <= found.get("age", 0) <= parsing.MAX_AGE


GUARDED = {
    "parse_yes_no": lambda t: parsing.parse_yes_no.__wrapped__(t),
    "parse_choice": lambda t: parsing.parse_choice.__wrapped__(t, CHOICE_OPTIONS),
    "parse_age": lambda t: parsing.parse_age.__wrapped__(t, today=TODAY),
    "parse_ages_list": lambda t: parsing.parse_ages_list.__wrapped__(t, today=TODAY),
    "parse_resources": lambda t: parsing.parse_resources.__wrapped__(t),
    "parse_household_size": lambda t: parsing.parse_household_size.__wrapped__(t),
    "parse_territory": lambda t: parsing.parse_territory.__wrapped__(t),
    "parse_past_date": lambda t: parsing.parse_past_date.__wrapped__(t, today=TODAY),
    "looks_like_nir": lambda t: parsing.looks_like_nir.__wrapped__(t),
    "extract_situation": lambda t: parsing.extract_situation.__wrapped__(t),
    "wants_eligibility_check": lambda t: parsing.wants_eligibility_check.__wrapped__(t),
    "resolve_place": lambda t: contacts.resolve_place.__wrapped__(t),
    "find_need": lambda t: contacts.find_need.__wrapped__(t),
    "is_partner_message": lambda t: contacts.is_partner_message.__wrapped__(t),
}


@PROPS
@given(hostile)
def test_the_last_resort_guard_is_never_what_answers(text):
    """The parsers are wrapped in a catch-all (_never_raise) that turns an exception into a generic
    re-ask: right for a conversation, but it hides bugs. Called without it, none may raise."""
    for name, undecorated in GUARDED.items():
        try:
            undecorated(text)
        except Exception as exc:  # noqa: BLE001 - reported with the parser's name
            pytest.fail(f"{name}({text[:80]!r}…) raised {type(exc).__name__}: {exc}")


@PROPS
@given(hostile, st.booleans())
def test_keyword_text_is_folded_words_only(text, as_digits):
    words = parsing.keyword_text(text, numbers_as_digits=as_digits)
    assert re.fullmatch(r"(?:[a-z0-9]+(?: [a-z0-9]+)*)?", words), words
    if not as_digits:
        assert parsing.keyword_text(words) == words


@PROPS
@given(hostile)
def test_facts_read_every_fact_without_raising(text):
    for fact in sorted(facts.known_facts()):
        check_parsed(facts.read_fact(fact, text))


# ---------------------------------------------------------------- round trips of the parsers

@PROPS
@given(st.integers(0, parsing.MAX_AGE), st.sampled_from(["{} ans", "{}ans", "j'ai {} ans", "{} an", "{}"]))
def test_parse_age_round_trip(years, pattern):
    assume(not (pattern == "{} an" and years > 1) and not (pattern == "{}" and years == 0))
    assert parsing.parse_age(pattern.format(years), today=TODAY).value == years


@PROPS
@given(st.lists(st.integers(0, parsing.MAX_AGE), min_size=1, max_size=parsing.MAX_HOUSEHOLD_SIZE))
def test_parse_ages_list_round_trip(ages):
    typed = ", ".join(map(str, ages[:-1])) + (" et " if len(ages) > 1 else "") + str(ages[-1])
    assert parsing.parse_ages_list(typed, today=TODAY).value == ages


@PROPS
@given(st.integers(1, parsing.MAX_HOUSEHOLD_SIZE), st.sampled_from(["{}", "{} personnes", "nous sommes {}"]))
def test_parse_household_size_round_trip(size, pattern):
    assert parsing.parse_household_size(pattern.format(size)).value == size


@PROPS
@given(st.integers(0, 83_333), st.sampled_from(["{} € par mois", "{} euros par mois", "{}€/mois"]))
def test_parse_resources_monthly_round_trip(amount, pattern):
    assert parsing.parse_resources(pattern.format(amount)).value == amount * 12


@PROPS
@given(st.integers(0, 1_000_000), st.sampled_from(["{} € par an", "{} euros par an", "{} € sur l'année"]))
def test_parse_resources_yearly_round_trip(amount, pattern):
    assert parsing.parse_resources(pattern.format(amount)).value == amount


def french_date(day: date) -> str:
    return f"{'1er' if day.day == 1 else day.day} {parsing._MONTH_NAMES[day.month - 1]} {day.year}"


DATE_FORMATS = [lambda d: d.strftime("%d/%m/%Y"), lambda d: d.strftime("%d-%m-%Y"),
                lambda d: d.strftime("%d.%m.%Y"), lambda d: f"{d.day}/{d.month}/{d.year}", french_date,
                lambda d: f"le {french_date(d)}"]


@PROPS
@given(st.dates(min_value=parsing.MIN_DATE, max_value=TODAY), st.sampled_from(DATE_FORMATS))
def test_parse_past_date_round_trip(day, written):
    assert parsing.parse_past_date(written(day), today=TODAY).value == day


@PROPS
@given(st.dates(min_value=TODAY + timedelta(days=1), max_value=date(9999, 12, 31)), st.sampled_from(DATE_FORMATS))
def test_parse_past_date_refuses_the_future(day, written):
    assert parsing.parse_past_date(written(day), today=TODAY).error is not None


@PROPS
@given(st.sampled_from(sorted(parsing._TERRITORY_TERMS["metropole"] + parsing._TERRITORY_TERMS["outre_mer"]
                              + parsing._TERRITORY_TERMS["mayotte"])))
def test_parse_territory_reads_every_named_place(term):
    expected = next(key for key in ("mayotte", "outre_mer", "metropole") if term in parsing._TERRITORY_TERMS[key])
    assert parsing.parse_territory(term).value == expected


# --------------------------------------------------------------------------------------------
# NIR: redaction and refusal
# --------------------------------------------------------------------------------------------

@PROPS
@given(hostile)
def test_redact_nir_on_any_text(text):
    redacted = parsing.redact_nir(text)
    assert isinstance(redacted, str)
    assert valid_nirs_in(redacted) == []
    assert parsing.redact_nir(redacted) == redacted  # idempotent
    if parsing.looks_like_nir(text) and NIR_PLACEHOLDER not in text:
        assert redacted != text  # redaction is broader than detection


@PROPS
@given(texts_with_nir())
def test_a_typed_nir_is_redacted_wherever_it_is(text_and_nir):
    text, typed = text_and_nir
    assert parsing.looks_like_nir(text)
    redacted = parsing.redact_nir(text)
    assert NIR_PLACEHOLDER in redacted
    assert typed not in redacted
    assert digits_of(typed)[:13] not in digits_of(redacted)
    assert valid_nirs_in(redacted) == []
    assert parsing.redact_nir(redacted) == redacted


@PROPS
@given(texts_with_nir(with_key=False))
def test_a_nir_without_its_key_is_redacted_too(text_and_nir):
    text, typed = text_and_nir
    redacted = parsing.redact_nir(text)
    assert digits_of(typed) not in digits_of(redacted)
    assert parsing.redact_nir(redacted) == redacted


@PROPS
@given(st.lists(typed_nirs(), min_size=2, max_size=4), st.sampled_from([" ", " et ", ", ", "\n", " / "]))
def test_several_nirs_in_one_message_are_all_redacted(typed, sep):
    redacted = parsing.redact_nir(sep.join(typed))
    assert redacted.count(NIR_PLACEHOLDER) == len(typed)
    assert not re.search(r"\d", redacted)


SAISINE_TEXT_FIELDS = [
    "role", "consent", "parental_consent", "motifs", "soins", "depuis", "causes", "actions", "nom", "prenom",
    "date_naissance", "telephone", "email", "detecteur_nom", "detecteur_structure", "detecteur_email",
    "detecteur_telephone", "confirmation", "field_to_correct",
]


@PROPS
@given(texts_with_nir())
def test_a_typed_nir_is_refused_by_every_saisine_validator(text_and_nir):
    text, _ = text_and_nir
    assert v.contains_nir(text)
    results = {
        "validate_phone": v.validate_phone(text),
        "validate_email": v.validate_email(text),
        "validate_name": v.validate_name(text),
        "validate_birth_date": v.validate_birth_date(text, today=TODAY),
        **{f"parse_option[{c}]": v.parse_option(text, c) for c in ("motifs", "depuis")},
        **{f"parse_options[{c}]": v.parse_options(text, c) for c in ("motifs", "soins", "causes", "actions_engagees")},
    }
    for name, result in results.items():
        assert not result.ok, (name, result)
        if len(text) <= 80:  # longer: the length check may answer first, also a refusal
            assert result.error == v.NIR_ERROR, (name, result)
    for field in SAISINE_TEXT_FIELDS:
        answer = intake.read_answer(field, text, full_draft(), NOW, "rest")
        assert not answer.ok and answer.error == v.NIR_ERROR, (field, answer)
    assert facts.read_fact("age", text).error is not None


@FEW
@given(texts_with_nir(), st.sampled_from(["nom", "prenom", "telephone", "email"]))
def test_the_saisine_model_refuses_a_nir_in_any_field(text_and_nir, field):
    text, typed = text_and_nir
    person = {"nom": "Dupont", "prenom": "Jeanne", "date_naissance": "1980-01-02", "telephone": "0612345678",
              field: text}
    with pytest.raises(ValidationError):
        Person(**person)
    with pytest.raises(ValidationError):
        Detector(nom="Martin", structure=text)
    with pytest.raises(ValidationError) as refused:  # the free-text field: refused for the NIR itself
        Detector(nom="Martin", structure=f"CCAS de Lille, {typed}")
    assert NIR_FIELD_ERROR in str(refused.value)


# --------------------------------------------------------------------------------------------
# bot.saisine.validation
# --------------------------------------------------------------------------------------------

@PROPS
@given(hostile)
def test_saisine_validators_never_raise_and_are_idempotent(text):
    phone = check_parsed(v.validate_phone(text))
    if phone.ok:
        number = phonenumbers.parse(phone.value, None)
        assert phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164) == phone.value
        assert phonenumbers.region_code_for_number(number) in v.FRENCH_REGIONS
        assert v.validate_phone(phone.value).value == phone.value
        assert v.validate_phone(intake.display_phone(phone.value)).value == phone.value
    email = check_parsed(v.validate_email(text))
    if email.ok:
        assert email.value.count("@") == 1 and not v.contains_nir(email.value)
        assert v.validate_email(email.value).value == email.value
    name = check_parsed(v.validate_name(text))
    if name.ok:
        assert 0 < len(name.value) <= v.MAX_NAME_CHARS and name.value == name.value.strip()
        assert all(ch.isalpha() or ch in " -'" for ch in name.value)
        assert v.validate_name(name.value).value == name.value
    birth = check_parsed(v.validate_birth_date(text, today=TODAY))
    if birth.ok:
        assert birth.value.date <= TODAY and 0 <= birth.value.age <= v.MAX_AGE
        assert v.validate_birth_date(birth.value.date.strftime("%d/%m/%Y"), today=TODAY).value == birth.value
    for category in ("motifs", "depuis", "soins", "causes", "actions_engagees"):
        one = check_parsed(v.parse_option(text, category))
        assert one.value in (None, *v.option_ids(category))
        several = check_parsed(v.parse_options(text, category))
        assert several.value is None or (several.value and set(several.value) <= set(v.option_ids(category))
                                          and len(set(several.value)) == len(several.value))
    assert isinstance(v.contains_nir(text), bool)


# ---------------------------------------------------------------- phone numbers

# Leading digits of valid French numbers (national significant number, 9 digits).
FR_PREFIXES = ["1", "2", "3", "4", "5", "6", "73", "74", "75", "76", "77", "78", "79", "9"]


@st.composite
def french_numbers(draw):
    prefix = draw(st.sampled_from(FR_PREFIXES))
    nsn = prefix + draw(st.text(alphabet=string.digits, min_size=9 - len(prefix), max_size=9 - len(prefix)))
    assume(phonenumbers.is_valid_number(phonenumbers.parse("+33" + nsn)))
    # A block an overseas region also lists (0596 Martinique, 0269 Mayotte…) is that region's
    # line, not a metropolitan one (validation.french_line): not drawn here.
    assume(not any(_overseas_line("0" + nsn, region) for region in v.FRENCH_REGIONS[1:]))
    return nsn


def _overseas_line(national: str, region: str) -> bool:
    number = phonenumbers.parse(national, region)
    return (phonenumbers.is_valid_number_for_region(number, region)
            and phonenumbers.number_type(number) in (phonenumbers.PhoneNumberType.FIXED_LINE,
                                                      phonenumbers.PhoneNumberType.MOBILE))


def pairs(digits: str) -> list:
    return [digits[i:i + 2] for i in range(0, len(digits), 2)]


PHONE_FORMATS = {
    "spaces": lambda n, s: " ".join(pairs("0" + n)),
    "compact": lambda n, s: "0" + n,
    "separator": lambda n, s: s.join(pairs("0" + n)),
    "+33": lambda n, s: "+33 " + n[0] + " " + " ".join(pairs(n[1:])),
    "+33 compact": lambda n, s: "+33" + n,
    "+33 separator": lambda n, s: "+33" + s + n[0] + s + s.join(pairs(n[1:])),
    "0033": lambda n, s: "0033 " + n[0] + " " + " ".join(pairs(n[1:])),
    "0033 compact": lambda n, s: "0033" + n,
    "+33 (0)": lambda n, s: "+33 (0)" + n[0] + " " + " ".join(pairs(n[1:])),
    "+33(0) compact": lambda n, s: "+33(0)" + n,
    "0033 (0)": lambda n, s: "0033 (0)" + n[0] + " " + " ".join(pairs(n[1:])),
    "in a sentence": lambda n, s: f"mon numéro : {' '.join(pairs('0' + n))}, merci",
}


@PROPS
@given(french_numbers(), st.sampled_from(sorted(PHONE_FORMATS)), st.sampled_from([" ", ".", "-"]))
def test_validate_phone_gives_one_e164_for_every_usual_format(nsn, form, sep):
    typed = PHONE_FORMATS[form](nsn, sep)
    assert v.validate_phone(typed).value == "+33" + nsn, typed


@st.composite
def french_e164(draw):
    """A valid number of any French region (métropole and outre-mer), mobile or landline."""
    region = draw(st.sampled_from(v.FRENCH_REGIONS))
    kind = draw(st.sampled_from([phonenumbers.PhoneNumberType.MOBILE, phonenumbers.PhoneNumberType.FIXED_LINE]))
    sample = phonenumbers.example_number_for_type(region, kind)
    nsn = str(sample.national_number)
    tail = draw(st.text(alphabet=string.digits, min_size=4, max_size=4))
    candidate = phonenumbers.parse(f"+{sample.country_code}{nsn[:-4]}{tail}")
    assume(phonenumbers.is_valid_number(candidate))
    return phonenumbers.format_number(candidate, phonenumbers.PhoneNumberFormat.E164)


@PROPS
@given(french_e164())
def test_display_phone_and_validate_phone_round_trip(e164):
    shown = intake.display_phone(e164)
    assert v.validate_phone(shown).value == e164, shown
    assert v.validate_phone(e164).value == e164


# ---------------------------------------------------------------- birth dates, names, e-mails

BIRTH_FORMATS = DATE_FORMATS + [lambda d: f"né le {french_date(d)}"]


@PROPS
@given(st.dates(min_value=date(TODAY.year - v.MAX_AGE, TODAY.month, TODAY.day) + timedelta(days=1), max_value=TODAY),
       st.sampled_from(BIRTH_FORMATS))
def test_validate_birth_date_round_trip(day, written):
    parsed = v.validate_birth_date(written(day), today=TODAY)
    assert parsed.value == v.BirthDate(day, v.age_on(day, TODAY)), (written(day), parsed)


NAME_LETTERS = st.characters(categories=["Lu", "Ll"], codec="utf-8")


@PROPS
@given(st.lists(st.text(alphabet=NAME_LETTERS, min_size=1, max_size=12), min_size=1, max_size=3),
       st.sampled_from(["-", " ", "'", "\u2019"]))
def test_validate_name_keeps_real_names(parts, joiner):
    typed = joiner.join(parts)
    expected = typed.replace("\u2019", "'")
    expected = unicodedata.normalize("NFC", expected)
    assume(len(expected) <= v.MAX_NAME_CHARS and all(ch.isalpha() or ch in " -'" for ch in expected))
    assert v.validate_name(typed).value == expected
    assert v.validate_name(f"  {typed}  ").value == expected


@PROPS
@given(st.from_regex(r"[a-z][a-z0-9._-]{0,20}[a-z0-9]@[a-z][a-z0-9]{0,10}(-[a-z0-9]{1,5})?\.(fr|com|org|re)",
                     fullmatch=True))
def test_validate_email_accepts_ordinary_addresses(address):
    assume(".." not in address and not re.search(r"\.[._-]|[._-]\.", address))
    assert v.validate_email(address).value == address
    assert v.validate_email(f"  {address.upper()}  ").value.lower() == address


# ---------------------------------------------------------------- options (buttons are labels)

ALL_OPTIONS = [(c, o["id"], o["label"]) for c in ("motifs", "depuis", "soins", "causes", "actions_engagees")
               for o in v.options(c)]


@pytest.mark.parametrize("category, option_id, label", ALL_OPTIONS)
def test_every_option_label_reads_back_as_its_id(category, option_id, label):
    assert v.parse_option(label, category).value == option_id
    assert v.parse_options(label, category).value == [option_id]


@PROPS
@given(st.sampled_from(["motifs", "soins", "causes"]).flatmap(
    lambda c: st.tuples(st.just(c), st.lists(st.sampled_from([o for o in v.options(c) if o["id"] != "autre"]),
                                             min_size=2, max_size=4, unique_by=lambda o: o["id"]))),
       st.sampled_from([" et ", ", ", " ; ", " / "]))
def test_several_labels_read_back_as_their_ids(category_and_options, sep):
    category, chosen = category_and_options
    typed = sep.join(o["label"] for o in chosen)
    parsed = v.parse_options(typed, category)
    if parsed.ok:  # a label may itself contain "et" or a comma: then the whole may not split
        assert set(parsed.value) <= set(v.option_ids(category))
    if not any(re.search(r",|;|\bet\b|\bou\b|/|\+", o["label"]) for o in chosen):
        assert parsed.value == [o["id"] for o in chosen], typed


# --------------------------------------------------------------------------------------------
# bot.saisine.intake: the conversation
# --------------------------------------------------------------------------------------------

CANNED = {
    "role": "pour moi", "consent": "oui", "motifs": "renoncement aux soins", "soins": "dentiste",
    "depuis": "plus d'un an", "causes": "reste à charge", "nom": "Dupont", "prenom": "Jeanne",
    "date_naissance": "14/07/1985", "telephone": "06 12 34 56 78", "email": "jeanne.dupont@exemple.fr",
    "detecteur_nom": "Martin", "detecteur_structure": "CCAS de Lille", "detecteur_email": "pas d'e-mail",
    "detecteur_telephone": "passer", "actions": "aucune", "parental_consent": "oui",
}


def _complete(role: str) -> dict:
    draft = intake.start_draft(role=role)
    for _ in range(40):
        field = intake.next_field(draft, NOW.date())
        if field in (None, "confirmation"):
            return draft
        parsed = intake.read_answer(field, CANNED[field], draft, NOW, "rest")
        if not parsed.ok:  # a label that does not read: use the option's own label
            category = intake.CATEGORY_FIELDS[field]
            parsed = intake.read_answer(field, v.options(category)[0]["label"], draft, NOW, "rest")
        assert parsed.ok, (field, parsed)
        draft = parsed.value
    raise AssertionError("the form never ends")


FULL_DRAFTS = {"person": _complete("person"), "partner": _complete("partner")}
DRAFTS = [intake.start_draft(role=None), intake.start_draft(role="person", detected={"motifs": ["acces_droits"]}),
          FULL_DRAFTS["person"], FULL_DRAFTS["partner"], {**FULL_DRAFTS["partner"], "correcting": True}]


def full_draft() -> dict:
    return copy.deepcopy(FULL_DRAFTS["partner"])


@PROPS
@given(hostile, st.sampled_from(SAISINE_TEXT_FIELDS), st.sampled_from(range(len(DRAFTS))))
def test_read_answer_never_raises_and_never_touches_the_draft(text, field, which):
    draft = copy.deepcopy(DRAFTS[which])
    # next_field asks the detector's fields of a partner only (their question has no person text)
    assume(not field.startswith("detecteur_") or draft.get("role") == intake.PARTNER)
    before = copy.deepcopy(draft)
    parsed = check_parsed(intake.read_answer(field, text, draft, NOW, "rest"))
    assert draft == before
    if parsed.ok:
        assert isinstance(parsed.value, dict)
        assert not any(v.contains_nir(str(value)) for value in parsed.value.values())
        if field in ("nom", "prenom", "detecteur_nom"):
            assert parsed.value[field] == v.validate_name(text).value


@PROPS
@given(st.data())
def test_every_button_payload_is_an_answer(data):
    which = data.draw(st.sampled_from(sorted(FULL_DRAFTS)))
    draft = copy.deepcopy(FULL_DRAFTS[which])
    fields = [f for f in SAISINE_TEXT_FIELDS if f != "field_to_correct"]
    field = data.draw(st.sampled_from(fields + ["field_to_correct"]))
    if field == "field_to_correct":
        draft["correcting"] = True
    question = intake.question(field, draft)
    assume(question.buttons)
    button = data.draw(st.sampled_from(question.buttons))
    parsed = intake.read_answer(field, button["payload"], draft, NOW, "rest")
    assert parsed.ok, (field, button, parsed)


FREE_FIELDS = {"nom": "person", "prenom": "person", "telephone": "person", "email": "person",
               "detecteur_nom": "partner", "detecteur_structure": "partner", "detecteur_email": "partner",
               "detecteur_telephone": "partner"}
FREE_TEXT = st.one_of(hostile, st.sampled_from(WORDS), st.text(alphabet=NAME_LETTERS, min_size=1, max_size=20),
                      french_numbers().map(lambda n: "0" + n), st.emails())


@FEW
@given(st.sampled_from(sorted(FREE_FIELDS)), FREE_TEXT)
def test_what_the_chat_accepts_the_model_accepts(field, text):
    """'The chat and the backend accept exactly the same values': an answer read_answer takes
    always builds a valid Saisine (else the confirmed saisine could not be sent)."""
    base = copy.deepcopy(FULL_DRAFTS[FREE_FIELDS[field]])
    today = datetime.now(timezone.utc)
    base["consent_at"] = today.isoformat()
    base.pop(field, None)
    parsed = intake.read_answer(field, text, base, today, "rest")
    assume(parsed.ok)
    try:
        saisine = intake.build_saisine(parsed.value)
    except ValidationError as exc:
        pytest.fail(f"read_answer({field!r}, {text[:80]!r}) accepted, the model refuses: {exc}")
    stored = saisine.canonical_json()  # what the outbox and the backend store
    stored.encode("utf-8")
    assert Saisine.parse_raw(stored).canonical_json() == stored


REFERENCE_CODE = st.text(alphabet="0123456789ABCDEFGHJKMNPQRSTVWXYZ", min_size=6, max_size=6)


@PROPS
@given(st.integers(2000, 2099), REFERENCE_CODE, st.sampled_from(["MAS-{}-{}", "mas {} {}", "MAS{}{}", "MAS – {} – {}",
                                                                   "Mas_{}_{}"]),
       st.booleans(), AROUND, AROUND)
def test_find_reference_round_trip(year, code, pattern, lower, before, after):
    typed = pattern.format(year, code.lower() if lower else code)
    assert intake.find_reference(typed) == f"MAS-{year}-{code}"
    assume(intake.find_reference(before) is None and intake.find_reference(after) is None)  # one reference
    assert intake.find_reference(f"{before} {typed} {after}") == f"MAS-{year}-{code}"
    assert intake.find_reference(f"je retire mon consentement {typed} merci") == f"MAS-{year}-{code}"


@PROPS
@given(st.integers(2000, 2099), REFERENCE_CODE)
def test_find_reference_reads_crockford_look_alikes(year, code):
    misread = code.replace("1", "I").replace("0", "O")
    assert intake.find_reference(f"MAS-{year}-{misread}") == f"MAS-{year}-{code}"


@PROPS
@given(hostile)
def test_find_reference_and_detect_categories_on_any_text(text):
    reference = intake.find_reference(text)
    assert reference is None or re.fullmatch(r"MAS-\d{4}-[0-9A-HJKMNP-TV-Z]{6}", reference)
    detected = intake.detect_categories(text)
    assert set(detected) <= {"motifs", "soins", "causes"}
    for key, ids in detected.items():
        category = intake.CATEGORY_FIELDS[key]
        assert ids and len(set(ids)) == len(ids) and set(ids) <= set(v.option_ids(category))
    if detected.get("soins") or detected.get("causes"):
        assert set(detected.get("motifs", [])) & set(v.renoncement_motifs())
    assert intake.role_from_request(text, partner_mode=False) in (None, intake.PERSON, intake.PARTNER)


# --------------------------------------------------------------------------------------------
# bot.prevention_intake and bot.contacts
# --------------------------------------------------------------------------------------------

@PROPS
@given(hostile, st.sampled_from(["prevention_age_years", "prevention_age_months", "prevention_sex",
                                 "prevention_pregnant"]))
def test_prevention_read_answer_never_raises(text, slot):
    parsed = check_parsed(pi.read_answer(slot, text, today=TODAY))
    if parsed.ok:
        assert isinstance(parsed.value, dict) and set(parsed.value) <= set(pi.FORM_SLOTS)
        assert all(pi.is_read(s, value) for s, value in parsed.value.items() if value is not None), parsed
        years = parsed.value.get("prevention_age_years")
        months = parsed.value.get("prevention_age_months")  # None: not said, asked when it matters
        assert years is None or 0 <= years <= parsing.MAX_AGE
        assert months is None or months // 12 == years, parsed


@PROPS
@given(hostile)
def test_person_facts_never_raise(text):
    found = pi.person_facts(text, today=TODAY)
    assert found["for_whom"] in ("self", "child", "parent", "other")
    assert found.get("sex", "female") in ("female", "male")
    assert 0 <= found.get("age_years", 0) <= parsing.MAX_AGE
    slots = pi.slots_from_sentence(text, today=TODAY)
    assert set(slots) <= set(pi.FORM_SLOTS)


@PROPS
@given(hostile)
def test_contacts_readers_on_any_text(text):
    place = contacts.resolve_place(text)
    if place is not None:
        assert isinstance(place, contacts.Place) and place.understood.strip()
        assert place.departement is None or contacts.departement(place.departement) is not None
        assert isinstance(place.label, str) and isinstance(place.needs_question, bool)
    assert contacts.find_need(text) in (None, *contacts.NEED_IDS)
    assert isinstance(contacts.is_partner_message(text), bool)
    answer = contacts.contacts_for(contacts.find_need(text), place, contacts.is_partner_message(text))
    assert contacts.render_contacts(answer).strip()


@PROPS
@given(st.sampled_from(["75", "13", "2A", "974", "971", "976", "59", "69"]), AROUND)
def test_resolve_place_finds_a_departement_number_in_any_text(code, noise):
    # a sentence is read up to parsing.MAX_SENTENCE_CHARS: the code must be within them
    assume(len(noise) < 500 and not re.search(r"\d", noise) and contacts.resolve_place(noise) is None)
    place = contacts.resolve_place(f"{noise} département {code} {noise}")
    assert place is not None and place.departement == code, place


# --------------------------------------------------------------------------------------------
# Bugs found by the properties above: kept as failing examples
# --------------------------------------------------------------------------------------------

# Found by the properties: a 5 000-digit number overflowed int() and crashed the form's action.
@pytest.mark.parametrize("slot", ["prevention_age_years", "prevention_age_months"])
def test_prevention_age_with_a_5000_digit_number_is_re_asked(slot):
    parsed = pi.read_answer(slot, "9" * 5000 + " ans et 3 mois", today=TODAY)
    assert parsed.error is not None


# found by the property tests: a 309+-digit amount overflowed to float('inf'), which _annualise
# formatted before checking MAX_ANNUAL_RESOURCES; the OverflowError dropped every fact.
def test_extract_situation_keeps_the_other_facts_after_a_huge_amount():
    assert parsing.extract_situation("j'ai 30 ans, je touche le RSA et " + "9" * 309 + " € par mois") == {
        "age": 30, "minimum_benefit": "rsa"}


# found by the property tests: the same overflow reached the catch-all guard, which answered the
# generic "je n'ai pas compris le montant" instead of the "montant très élevé" message.
@pytest.mark.parametrize("typed", ["9" * 309 + " €", "9" * 308 + "k", "9" * 400 + " € par semaine"])
def test_parse_resources_answers_a_huge_amount_with_its_own_message(typed):
    assert parsing.parse_resources.__wrapped__(typed).error == parsing.TOO_HIGH_RESOURCES_ERROR


# found by the property tests: libphonenumber's FR patterns also cover Martinique (0596) and
# Mayotte (0269) landlines, which validate_phone stored as +33… and display_phone then changed.
@pytest.mark.parametrize("typed, expected", [("0596 30 12 34", "+596596301234"), ("0269 60 12 34", "+262269601234")])
def test_overseas_landline_in_national_form_keeps_its_territory(typed, expected):
    assert v.validate_phone(typed).value == expected
    assert intake.display_phone(expected) == typed


# found by the property tests: a lone surrogate (JSON '\\ud800', which any JSON client can send) in
# the detector's structure passed the model, then Outbox.enqueue could not encode the saisine in
# UTF-8 at the confirmation. The model, shared by the outbox and the backend, now refuses it.
def test_lone_surrogate_in_structure_is_refused_before_the_outbox(tmp_path):
    from bot.saisine.model import UNENCODABLE_TEXT_ERROR, french_errors
    from bot.saisine.outbox import Outbox

    draft = copy.deepcopy(FULL_DRAFTS["partner"])
    draft["consent_at"] = datetime.now(timezone.utc).isoformat()
    del draft["detecteur_structure"]
    outbox = Outbox(f"sqlite:///{tmp_path}/outbox.db")
    parsed = intake.read_answer("detecteur_structure", "CCAS \ud800", draft, datetime.now(timezone.utc), "rest")
    if parsed.ok:  # refusing it in the chat already is a fine fix too
        with pytest.raises(ValidationError) as refused:
            outbox.enqueue(intake.build_saisine(parsed.value))
        assert {"champ": "detector.structure", "message": UNENCODABLE_TEXT_ERROR} in french_errors(refused.value)
    else:
        assert is_french_error(parsed.error)
    assert outbox.items() == []


# found by the property tests: a code followed by a month name was always refused as a date, even
# a code that cannot be a day after "dans le" ("j'habite dans le 93 mai…", "mai" for "mais").
@pytest.mark.parametrize("typed, code", [("j'habite dans le 93 mai je sais pas où aller", "93"),
                                         ("département 59 juin", "59")])
def test_departement_code_that_cannot_be_a_day_is_read_before_a_month(typed, code):
    place = contacts.resolve_place(typed)
    assert place is not None and place.departement == code
