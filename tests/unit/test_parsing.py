"""Table-driven tests for bot.parsing (free-text answers -> typed values)."""

from datetime import date

import pytest

from bot import parsing
from bot.parsing import (
    Parsed,
    extract_situation,
    looks_like_nir,
    parse_age,
    parse_ages_list,
    parse_choice,
    parse_household_size,
    parse_past_date,
    parse_resources,
    parse_territory,
    parse_yes_no,
    redact_nir,
    wants_eligibility_check,
)

TODAY = date(2026, 11, 24)

BAD_INPUTS = [
    "",
    "   ",
    "a" * 5000,
    "9" * 5000,
    "😀😀",
    "-500 €",
    "abc",
    "\x00\x01\x07\x1b",
    "\u200b\u200e",
    None,
]

PARSERS = {
    "household": parse_household_size,
    "resources": parse_resources,
    "yes_no": parse_yes_no,
    "choice": lambda text: parse_choice(text, {"rsa": ["rsa"], "aspa": ["aspa", "minimum vieillesse"]}),
    "territory": parse_territory,
    "age": lambda text: parse_age(text, today=TODAY),
    "ages_list": lambda text: parse_ages_list(text, today=TODAY),
    "past_date": lambda text: parse_past_date(text, today=TODAY),
}


def assert_error(result: Parsed) -> None:
    assert isinstance(result, Parsed)
    assert result.value is None
    assert not result.ok
    assert isinstance(result.error, str) and result.error.strip()
    # French re-ask, in vouvoiement.
    assert "vous" in result.error.lower() or "votre" in result.error.lower()


# ---------------------------------------------------------------- Parsed


def test_parsed_is_frozen_and_ok_follows_value():
    parsed = Parsed(value=3)
    assert parsed.ok
    assert not Parsed(error="Pouvez-vous reformuler ?").ok
    assert Parsed(value=0).ok  # 0 and False are values, not failures
    assert Parsed(value=False).ok
    with pytest.raises(Exception):
        parsed.value = 4  # type: ignore[misc]


# ---------------------------------------------------------------- bad input


@pytest.mark.parametrize("name", sorted(PARSERS))
@pytest.mark.parametrize("text", BAD_INPUTS, ids=lambda t: repr(t)[:20])
def test_bad_input_gives_french_error(name, text):
    assert_error(PARSERS[name](text))


@pytest.mark.parametrize("text", BAD_INPUTS, ids=lambda t: repr(t)[:20])
def test_bad_input_on_sentence_helpers(text):
    assert wants_eligibility_check(text) is False
    assert extract_situation(text) == {}
    assert looks_like_nir(text) is False
    assert isinstance(redact_nir(text), str)


# ---------------------------------------------------------------- household


@pytest.mark.parametrize(
    "text, expected",
    [
        ("3", 3),
        ("trois", 3),
        ("seul", 1),
        ("seule", 1),
        ("je vis seule", 1),
        ("Je vis seul.", 1),
        ("en couple", 2),
        ("couple avec 2 enfants", 4),
        ("couple avec deux enfants", 4),
        ("moi et mes trois enfants", 4),
        ("deux enfants", 3),
        ("nous sommes 5", 5),
        ("Nous sommes cinq", 5),
        ("4 personnes", 4),
        ("mon mari et moi", 2),
        ("seule avec ma fille", 2),
        ("20", 20),
    ],
)
def test_household_size(text, expected):
    result = parse_household_size(text)
    assert result.ok and result.error is None
    assert result.value == expected


def test_household_children_interpretation():
    result = parse_household_size("deux enfants")
    assert result.interpretation == "J'ai compté 3 personnes : vous et 2 enfants."


def test_household_plain_number_has_no_interpretation():
    assert parse_household_size("3").interpretation is None


@pytest.mark.parametrize("text", ["0", "-2", "21", "150", "3 ou 4", "des gens"])
def test_household_size_errors(text):
    assert_error(parse_household_size(text))


# ---------------------------------------------------------------- resources

MONTHLY_900 = "J'ai compris 900 € par mois, soit 10 800 € sur 12 mois."


@pytest.mark.parametrize(
    "text, expected",
    [
        ("900", 10800.0),
        ("900 €", 10800.0),
        ("900 euros par mois", 10800.0),
        ("1 500 € par mois", 18000.0),
        ("1\u202f500 € par mois", 18000.0),
        ("1.500€/mois", 18000.0),
        ("1500e/an", 1500.0),
        ("12k", 12000.0),
        ("12 000 par an", 12000.0),
        ("10 800 € sur l'année", 10800.0),
        ("10 800 € sur les 12 derniers mois", 10800.0),
        ("mille deux cents euros par mois", 14400.0),
        ("environ 800", 9600.0),
        ("800 € mensuels", 9600.0),
        ("rien", 0.0),
        ("aucun revenu", 0.0),
        ("0", 0.0),
        ("1500,50 €", 18006.0),
        ("5000", 60000.0),
        ("5001", 5001.0),
        ("1 000 000 € par an", 1_000_000.0),
    ],
)
def test_resources(text, expected):
    result = parse_resources(text)
    assert result.ok and result.error is None
    assert result.value == pytest.approx(expected)
    assert isinstance(result.value, float)


@pytest.mark.parametrize("text", ["900", "900 €", "900 euros par mois", "900/mois"])
def test_resources_monthly_interpretation(text):
    assert parse_resources(text).interpretation == MONTHLY_900


@pytest.mark.parametrize(
    "text, interpretation",
    [
        ("12k", "J'ai compris 12 000 € sur l'année."),
        ("1500,50 €", "J'ai compris 1 500,50 € par mois, soit 18 006 € sur 12 mois."),
        ("12 000 par an", None),
        ("0", None),
    ],
)
def test_resources_interpretation(text, interpretation):
    assert parse_resources(text).interpretation == interpretation


@pytest.mark.parametrize(
    "text",
    ["-500 €", "- 900", "moins 300 euros", "2 000 000 € par an", "100 000 € par mois", "abc", "beaucoup", "900 ou 1000"],
)
def test_resources_errors(text):
    assert_error(parse_resources(text))


@pytest.mark.parametrize("text", ["2 000 000 € par an", "100 000 € par mois", "9" * 309 + " €", "9" * 308 + "k",
                                  "9" * 400 + " euros par semaine"])
def test_resources_too_high_has_its_own_message(text):
    # 309 digits and more overflow to float('inf'): still this message, not the catch-all one
    assert parse_resources.__wrapped__(text).error == parsing.TOO_HIGH_RESOURCES_ERROR


def test_resources_negative_message():
    assert "négatif" in parse_resources("-500 €").error


# ---------------------------------------------------------------- yes / no


@pytest.mark.parametrize(
    "text, expected",
    [
        ("oui", True),
        ("Oui !", True),
        ("ouais", True),
        ("yes", True),
        ("ok", True),
        ("OK", True),
        ("d'accord", True),
        ("d’accord", True),
        ("bien sûr", True),
        ("bien sur", True),
        ("exact", True),
        ("tout à fait", True),
        ("oui je touche le rsa", True),
        ("non", False),
        ("Non.", False),
        ("nan", False),
        ("pas du tout", False),
        ("jamais", False),
        ("aucun", False),
        ("non merci", False),
        ("pas d'accord", False),
        ("je ne touche pas le RSA", False),
    ],
)
def test_yes_no(text, expected):
    result = parse_yes_no(text)
    assert result.ok
    assert result.value is expected


@pytest.mark.parametrize("text", ["peut-être", "je ne sais pas", "oui et non", "bonjour"])
def test_yes_no_errors(text):
    assert_error(parse_yes_no(text))


# ---------------------------------------------------------------- choice

STATUS_OPTIONS = {
    "salarie": ["salarié", "employé", "en cdi"],
    "independant": ["indépendant", "auto-entrepreneur", "freelance"],
    "sans_emploi": ["sans emploi", "chômage", "au chômage"],
}
BENEFIT_OPTIONS = {
    "rsa": ["rsa", "revenu de solidarité active"],
    "aspa": ["aspa", "minimum vieillesse"],
    "aucun": ["aucun", "rien"],
}


@pytest.mark.parametrize(
    "text, options, expected",
    [
        ("salarié", STATUS_OPTIONS, "salarie"),
        ("SALARIE", STATUS_OPTIONS, "salarie"),
        ("je suis employé", STATUS_OPTIONS, "salarie"),
        ("Auto-Entrepreneur", STATUS_OPTIONS, "independant"),
        ("independant", STATUS_OPTIONS, "independant"),
        ("je suis au chomage", STATUS_OPTIONS, "sans_emploi"),
        ("sans_emploi", STATUS_OPTIONS, "sans_emploi"),
        ("RSA", BENEFIT_OPTIONS, "rsa"),
        ("le revenu de solidarite active", BENEFIT_OPTIONS, "rsa"),
        ("Minimum Vieillesse", BENEFIT_OPTIONS, "aspa"),
        ("aucun", BENEFIT_OPTIONS, "aucun"),
    ],
)
def test_choice(text, options, expected):
    result = parse_choice(text, options)
    assert result.ok
    assert result.value == expected
    assert result.interpretation is None


@pytest.mark.parametrize(
    "text, options, expected",
    [
        ("salariee", STATUS_OPTIONS, "salarie"),
        ("freelence", STATUS_OPTIONS, "independant"),
        ("minimum vieilesse", BENEFIT_OPTIONS, "aspa"),
    ],
)
def test_choice_tolerates_small_typos(text, options, expected):
    result = parse_choice(text, options)
    assert result.value == expected
    assert result.interpretation  # the guess is echoed back


@pytest.mark.parametrize("text", ["rsa et aspa", "truc", "rsaa", "cdd", ""])
def test_choice_ambiguous_or_unknown(text):
    result = parse_choice(text, BENEFIT_OPTIONS)
    assert_error(result)
    assert result.error == "Je n'ai pas compris. Vous pouvez choisir parmi : rsa, aspa, aucun."


# ---------------------------------------------------------------- territory


@pytest.mark.parametrize(
    "text, expected",
    [
        ("métropole", "metropole"),
        ("metropole", "metropole"),
        ("France", "metropole"),
        ("France métropolitaine", "metropole"),
        ("hexagone", "metropole"),
        ("Paris", "metropole"),
        ("j'habite à Paris", "metropole"),
        ("29", "metropole"),
        ("Finistère", "metropole"),
        ("Seine-Saint-Denis", "metropole"),
        ("Côte-d'Or", "metropole"),
        ("2A", "metropole"),
        ("75011", "metropole"),
        ("Guadeloupe", "outre_mer"),
        ("Martinique", "outre_mer"),
        ("Guyane", "outre_mer"),
        ("La Réunion", "outre_mer"),
        ("Réunion", "outre_mer"),
        ("971", "outre_mer"),
        ("972", "outre_mer"),
        ("973", "outre_mer"),
        ("974", "outre_mer"),
        ("97400", "outre_mer"),
        ("DOM", "outre_mer"),
        ("outre-mer", "outre_mer"),
        ("Mayotte", "mayotte"),
        ("976", "mayotte"),
        ("Mayotte, France", "mayotte"),
        ("guadeloup", "outre_mer"),
    ],
)
def test_territory(text, expected):
    result = parse_territory(text)
    assert result.ok
    assert result.value == expected


@pytest.mark.parametrize("text", ["Tahiti", "Nouvelle-Calédonie", "la lune", "00", "96"])
def test_territory_errors(text):
    assert_error(parse_territory(text))


# ---------------------------------------------------------------- age


@pytest.mark.parametrize(
    "text, expected",
    [
        ("52", 52),
        ("52 ans", 52),
        ("cinquante-deux ans", 52),
        ("j'ai 70 ans", 70),
        ("né en 1973", 53),
        ("née en 1973", 53),
        ("12/03/1973", 53),
        ("12/12/1973", 52),
        ("18 mois", 1),
        ("6 mois", 0),
        ("0", 0),
        ("120", 120),
    ],
)
def test_age(text, expected):
    result = parse_age(text, today=TODAY)
    assert result.ok
    assert result.value == expected


def test_age_interpretations():
    assert parse_age("18 mois", today=TODAY).interpretation == "J'ai compris 18 mois, soit 1 an."
    assert "1973" in parse_age("né en 1973", today=TODAY).interpretation
    assert parse_age("52 ans", today=TODAY).interpretation is None


def test_age_defaults_to_today():
    assert parse_age("40").value == 40


@pytest.mark.parametrize("text", ["121", "-3", "200 ans", "52 ou 53", "31/02/1973", "né en 1850"])
def test_age_errors(text):
    assert_error(parse_age(text, today=TODAY))


@pytest.mark.parametrize(
    "text, expected",
    [
        ("35, 33, 8 et 5", [35, 33, 8, 5]),
        ("35 ans et 8 ans", [35, 8]),
        ("moi 40 ans mon fils 12", [40, 12]),
        ("trente-cinq, trente-trois, huit et cinq", [35, 33, 8, 5]),
        ("42", [42]),
        ("40 ans et un bébé de 18 mois", [40, 1]),
    ],
)
def test_ages_list(text, expected):
    result = parse_ages_list(text, today=TODAY)
    assert result.ok
    assert result.value == expected


@pytest.mark.parametrize("text", ["35, 150", "-4, 5", "personne"])
def test_ages_list_errors(text):
    assert_error(parse_ages_list(text, today=TODAY))


# ---------------------------------------------------------------- past date


@pytest.mark.parametrize(
    "text, expected",
    [
        ("12/03/2026", date(2026, 3, 12)),
        ("12-03-2026", date(2026, 3, 12)),
        ("12/03/26", date(2026, 3, 12)),
        ("12 mars 2026", date(2026, 3, 12)),
        ("1er mars 2026", date(2026, 3, 1)),
        ("le 3 novembre", date(2026, 11, 3)),
        ("le 30 novembre", date(2025, 11, 30)),
        ("hier", date(2026, 11, 23)),
        ("aujourd'hui", date(2026, 11, 24)),
        ("il y a deux semaines", date(2026, 11, 10)),
        ("le mois dernier", date(2026, 10, 1)),
        ("octobre 2026", date(2026, 10, 1)),
        ("décembre", date(2025, 12, 1)),
        ("24/11/2026", TODAY),
    ],
)
def test_past_date(text, expected):
    result = parse_past_date(text, today=TODAY)
    assert result.ok, result.error
    assert result.value == expected


@pytest.mark.parametrize(
    "text, interpretation",
    [
        ("le mois dernier", "J'ai compris : octobre 2026, je retiens le 1er octobre 2026."),
        ("hier", "J'ai compris : le 23 novembre 2026."),
        ("le 3 novembre", "J'ai compris : le 3 novembre 2026."),
        ("12/03/2026", None),
    ],
)
def test_past_date_interpretation(text, interpretation):
    assert parse_past_date(text, today=TODAY).interpretation == interpretation


@pytest.mark.parametrize("text", ["demain", "12/03/2027", "25/11/2026", "3 janvier 2030"])
def test_past_date_future(text):
    result = parse_past_date(text, today=TODAY)
    assert_error(result)
    assert result.error.startswith("Cette date est dans le futur")


@pytest.mark.parametrize("text", ["31/02/2026", "12/03/1850", "32/01/2020", "12/13/2020", "n'importe quand"])
def test_past_date_invalid(text):
    assert_error(parse_past_date(text, today=TODAY))


def test_past_date_defaults_to_today():
    assert parse_past_date("01/01/2020").value == date(2020, 1, 1)


# ---------------------------------------------------------------- NIR


def with_key(number13: str) -> str:
    """Append the NIR key computed as INSEE defines it (97 - number mod 97).

    For Corsica, 2A and 2B count as 19 and 18 in the computation.
    """
    digits = number13.upper().replace("2A", "19").replace("2B", "18")
    return number13 + "%02d" % (97 - int(digits) % 97)


NIR_13 = "1841275123456"  # man, born 12/1984, Paris
NIR_15 = with_key(NIR_13)
NIR_WOMAN = with_key("2950599126111")
NIR_CORSICA = with_key("184122A123456")
NIR_UNKNOWN_MONTH = with_key("1843075123456")  # month 30: unknown birth month
NIR_TEMPORARY = with_key("7841275123456")


def spaced(nir: str) -> str:
    return " ".join([nir[0], nir[1:3], nir[3:5], nir[5:7], nir[7:10], nir[10:13], nir[13:]])


def wrong_key(nir15: str) -> str:
    return nir15[:13] + "%02d" % ((int(nir15[13:]) + 1) % 97 or 1)


def test_nir_fixtures_are_valid_for_stdnum():
    from stdnum.fr import nir

    for number in (NIR_15, NIR_WOMAN, NIR_CORSICA, NIR_UNKNOWN_MONTH, NIR_TEMPORARY):
        assert nir.is_valid(number)
    assert not nir.is_valid(wrong_key(NIR_15))


@pytest.mark.parametrize(
    "text",
    [
        NIR_13,
        NIR_15,
        spaced(NIR_15),
        spaced(NIR_15).replace(" ", "."),
        spaced(NIR_15).replace(" ", "-"),
        f"mon numéro de sécu est {spaced(NIR_15)}, merci",
        NIR_WOMAN,
        NIR_CORSICA,
        NIR_CORSICA.lower(),
        NIR_UNKNOWN_MONTH,
        NIR_TEMPORARY,
    ],
)
def test_looks_like_nir(text):
    assert looks_like_nir(text) is True


@pytest.mark.parametrize(
    "text",
    [
        wrong_key(NIR_15),
        spaced(wrong_key(NIR_15)),
        "5841275123456",  # sex digit 5
        "1841375123456",  # month 13
        "1844575123456",  # month 45
        "1840075123456",  # month 00
        "1234567890123",  # month 45, sex 1: wrong structure
        "184127512345",  # 12 digits
        "12345678901234567890",
        "06 12 34 56 78",
        "j'ai 900 euros par mois",
    ],
)
def test_not_a_nir(text):
    assert looks_like_nir(text) is False


def test_redact_nir():
    text = f"Bonjour, mon numéro est {spaced(NIR_15)} et j'ai 52 ans."
    assert redact_nir(text) == "Bonjour, mon numéro est [NIR retiré] et j'ai 52 ans."
    assert redact_nir(f"{NIR_13} / {NIR_WOMAN}") == "[NIR retiré] / [NIR retiré]"
    assert redact_nir("rien à cacher 900 €") == "rien à cacher 900 €"


# ---------------------------------------------------------------- eligibility


@pytest.mark.parametrize(
    "text",
    [
        "ai-je droit à la C2S ?",
        "j'ai droit à la complémentaire ?",
        "est-ce que j'ai droit à la CSS",
        "a-t-il droit à la C2S ?",
        "mon fils a-t-il droit",
        "suis-je éligible ?",
        "je suis eligible ?",
        "puis-je bénéficier de la complémentaire santé solidaire",
        "est-ce que je peux avoir la C2S",
        "je peux l'avoir ?",
        "est-ce que je remplis les conditions",
        "remplir les conditions",
        "suis-je concerné ?",
        "suis je concernee",
        "g droit a la c2s",
        "jai droit ?",
        "ai je droit",
        "AI-JE DROIT",
    ],
)
def test_wants_eligibility_check(text):
    assert wants_eligibility_check(text) is True


@pytest.mark.parametrize(
    "text",
    [
        "c'est quoi la C2S",
        "comment faire la demande",
        "est-ce que je peux avoir des informations",
        "quels documents fournir ?",
        "bonjour",
    ],
)
def test_not_an_eligibility_question(text):
    assert wants_eligibility_check(text) is False


# ---------------------------------------------------------------- situation


@pytest.mark.parametrize(
    "text, expected",
    [
        (
            "j'ai 900 euros par mois, seule, ai-je droit à la complémentaire gratuite ?",
            {"annual_resources": 10800.0, "household_size": 1},
        ),
        (
            "J'ai 52 ans, je touche le RSA et je vis en Guadeloupe avec mes deux enfants",
            {"age": 52, "minimum_benefit": "rsa", "territory": "outre_mer", "household_size": 3},
        ),
        (
            "nous sommes 4 et on gagne 2000 € par mois",
            {"household_size": 4, "annual_resources": 24000.0},
        ),
        (
            "en couple, 25 000 euros par an, en métropole",
            {"household_size": 2, "annual_resources": 25000.0, "territory": "metropole"},
        ),
        ("je ne touche pas le rsa mais l'ASPA, j'ai 67 ans", {"minimum_benefit": "aspa", "age": 67}),
        ("depuis 2 ans je vis à Mayotte", {"territory": "mayotte"}),
        ("seule, 12k", {"household_size": 1, "annual_resources": 12000.0}),
        ("j'ai 3 enfants", {"household_size": 4}),
        ("c'est quoi la C2S ?", {}),
        ("j'ai 30 ans, je touche le RSA et " + "9" * 400 + " € par mois", {"age": 30, "minimum_benefit": "rsa"}),
    ],
)
def test_extract_situation(text, expected):
    assert extract_situation(text) == expected


def test_module_does_not_import_rasa():
    source = open(parsing.__file__, encoding="utf-8").read()
    assert "import rasa" not in source and "from rasa" not in source
