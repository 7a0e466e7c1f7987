"""The MAS saisine form: typed answers, the form's options, and the model's refusals."""
import copy
import json
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest
from pydantic import ValidationError

from bot.saisine import validation as v
from bot.saisine.model import NIR_FIELD_ERROR, Saisine, french_errors
from tests.unit.saisine_samples import nir

from tests.unit.shared_folder import SEEDS_DIR, require_shared

TODAY = date(2026, 11, 24)




# --------------------------------------------------------------------------- phones

@pytest.mark.parametrize("typed", [
    "06 12 34 56 78", "0612345678", "+33 6 12 34 56 78", "06.12.34.56.78", "0033612345678",
    "06-12-34-56-78", "+33 (0)6 12 34 56 78", "+33612345678", "mon numéro : 06 12 34 56 78",
])
def test_phone_usual_forms_become_e164(typed):
    assert v.validate_phone(typed).value == "+33612345678"


@pytest.mark.parametrize("typed, expected", [
    ("01 23 45 67 89", "+33123456789"),  # landlines are fine: the MAS calls back
    ("04 50 12 34 56", "+33450123456"),
    ("0690 12 34 56", "+590690123456"),  # Guadeloupe mobile
    ("0692 12 34 56", "+262692123456"),  # La Réunion mobile
])
def test_phone_landlines_and_overseas(typed, expected):
    assert v.validate_phone(typed).value == expected


@pytest.mark.parametrize("typed, expected", [
    # Landlines: libphonenumber's FR data also covers 0596 and 0269, the overseas region's data wins.
    ("0590 27 12 34", "+590590271234"),  # Guadeloupe
    ("0594 30 12 34", "+594594301234"),  # Guyane
    ("0596 30 12 34", "+596596301234"),  # Martinique
    ("0262 30 12 34", "+262262301234"),  # La Réunion
    ("0263 10 12 34", "+262263101234"),  # La Réunion
    ("0269 60 12 34", "+262269601234"),  # Mayotte
    # Mobiles
    ("0690 12 34 56", "+590690123456"), ("0691 22 34 56", "+590691223456"),  # Guadeloupe
    ("0694 12 34 56", "+594694123456"),  # Guyane
    ("0696 12 34 56", "+596696123456"), ("0697 12 34 56", "+596697123456"),  # Martinique
    ("0692 12 34 56", "+262692123456"), ("0693 12 34 56", "+262693123456"),  # La Réunion
    ("0639 01 23 45", "+262639012345"),  # Mayotte
    # Written with +33 by mistake: the same line, stored once
    ("+33 5 96 30 12 34", "+596596301234"),
    ("+596 596 30 12 34", "+596596301234"),
])
def test_phone_overseas_lines_keep_their_territory_and_display_back(typed, expected):
    from bot.saisine.intake import display_phone

    assert v.validate_phone(typed).value == expected
    shown = display_phone(expected)
    assert shown.startswith("0") and shown.replace(" ", "") == "0" + expected[-9:]
    assert v.validate_phone(shown).value == expected


@pytest.mark.parametrize("typed, expected", [
    # Numbers valid in every French region's data are national, never moved overseas.
    ("0800 12 34 56", "+33800123456"),
    ("0806 12 34 56", "+33806123456"),
    ("09 47 77 12 34", "+33947771234"),
    ("05 56 12 34 56", "+33556123456"),  # Bordeaux
])
def test_phone_national_numbers_stay_metropolitan(typed, expected):
    assert v.validate_phone(typed).value == expected


@pytest.mark.parametrize("typed", ["0612", "06 12 34 56", "061234567", "bonjour", "", "   ", "3646", None, "06" * 60])
def test_phone_invalid_gets_french_reask(typed):
    parsed = v.validate_phone(typed)
    assert not parsed.ok
    assert "numéro" in parsed.error


def test_phone_foreign_and_several_refused():
    assert "français" in v.validate_phone("+32 470 12 34 56").error
    assert "plusieurs" in v.validate_phone("06 12 34 56 78 ou 06 98 76 54 32").error


# --------------------------------------------------------------------------- structure

def test_structure_is_cleaned():
    assert v.validate_structure("  CCAS  de\tLille ").value == "CCAS de Lille"
    assert v.validate_structure("Centre social « L'Arbre » – Roubaix").ok


@pytest.mark.parametrize("typed", [
    "<script>alert(1)</script>", "CCAS <Lille>", "<img src=x onerror=alert(1)>", "CCAS de Lille<br>",
    "\"><svg/onload=alert(1)>", "<b>CCAS</b>", "CCAS > Lille",
])
def test_structure_with_markup_is_refused_with_an_explanation(typed):
    parsed = v.validate_structure(typed)
    assert parsed.error == v.MARKUP_ERROR
    assert "structure" in parsed.error and "CCAS de Lille" in parsed.error


@pytest.mark.parametrize("typed", ["x", "12345", "", "   ", None, "a" * 121])
def test_structure_too_short_long_or_without_letters_is_refused(typed):
    assert v.validate_structure(typed).error == v.STRUCTURE_ERROR


def test_structure_with_a_nir_is_refused():
    assert v.validate_structure(f"CCAS {nir(sep=' ')}").error == v.NIR_ERROR


# --------------------------------------------------------------------------- e-mails

@pytest.mark.parametrize("typed, expected", [
    ("prenom.nom@exemple.fr", "prenom.nom@exemple.fr"),
    ("  Jean.Dupont@Exemple.FR ", "Jean.Dupont@exemple.fr"),
    ("a+mas@sous.domaine.org", "a+mas@sous.domaine.org"),
])
def test_email_valid(typed, expected):
    assert v.validate_email(typed).value == expected


@pytest.mark.parametrize("typed", ["pas-un-email", "a@b", "x@@exemple.fr", "@exemple.fr", "jean dupont@exemple.fr", "", None])
def test_email_invalid(typed):
    parsed = v.validate_email(typed)
    assert not parsed.ok and "e-mail" in parsed.error


# --------------------------------------------------------------------------- birth dates

@pytest.mark.parametrize("typed, expected", [
    ("14/07/1985", date(1985, 7, 14)),
    ("14-07-1985", date(1985, 7, 14)),
    ("14.07.1985", date(1985, 7, 14)),
    ("14/07/85", date(1985, 7, 14)),
    ("3 février 1990", date(1990, 2, 3)),
    ("née le 3 fevrier 1990", date(1990, 2, 3)),
    ("1er mars 1980", date(1980, 3, 1)),
    ("01/03/1980", date(1980, 3, 1)),
    ("24/11/2026", date(2026, 11, 24)),  # a newborn: age 0
])
def test_birth_date_usual_french_forms(typed, expected):
    parsed = v.validate_birth_date(typed, today=TODAY)
    assert parsed.ok, parsed.error
    assert parsed.value.date == expected
    assert parsed.value.age == v.age_on(expected, TODAY)


@pytest.mark.parametrize("typed, fragment", [
    ("14/07/2030", "futur"),
    ("25/11/2026", "futur"),
    ("31/02/1990", "n'existe pas"),
    ("mars 1980", "complète"),
    ("12 mars", "complète"),
    ("01/01/1901", "pas possible"),  # 125 years old
    ("hier", "complète"),
    ("n'importe quoi", "date"),
])
def test_birth_date_refused(typed, fragment):
    parsed = v.validate_birth_date(typed, today=TODAY)
    assert not parsed.ok
    assert fragment in parsed.error


def test_under_15_boundary():
    birth = date(2011, 11, 24)
    assert v.is_under_15(birth, date(2026, 11, 23))
    assert not v.is_under_15(birth, date(2026, 11, 24))


# --------------------------------------------------------------------------- names

@pytest.mark.parametrize("typed, expected", [
    ("Dupont", "Dupont"), ("Jean-Pierre", "Jean-Pierre"), ("N'Diaye", "N'Diaye"),
    ("N\u2019Diaye", "N'Diaye"), ("de la  Fontaine", "de la Fontaine"), ("Zoé", "Zoé"), ("Łukasz", "Łukasz"),
])
def test_name_valid(typed, expected):
    assert v.validate_name(typed).value == expected


@pytest.mark.parametrize("typed", ["Dupont2", "", "  ", "---", "<script>", "jean@dupont", "A" * 61, "Jean--Pierre", None])
def test_name_invalid(typed):
    assert not v.validate_name(typed).ok


# --------------------------------------------------------------------------- NIR typed in an answer

@pytest.mark.parametrize("valid_key", [True, False])
@pytest.mark.parametrize("sep", ["", " ", "."])
@pytest.mark.parametrize("check", [v.validate_name, v.validate_phone, v.validate_email, v.validate_birth_date])
def test_nir_refused_in_every_answer(check, sep, valid_key):
    number = nir(sep=sep, valid_key=valid_key)
    parsed = check(f"{number}@exemple.fr" if check is v.validate_email else number)
    assert parsed.error == v.NIR_ERROR


def test_nir_key_helper():
    assert v.contains_nir(nir()) and v.contains_nir(nir(valid_key=False))
    assert v.contains_nir("2 85 05 2A 006 084")  # Corsica, no key
    assert not v.contains_nir("0033612345678") and not v.contains_nir("+33612345678")


# --------------------------------------------------------------------------- the form's options

def test_form_has_every_annex4_category():
    assert v.option_ids("motifs") == [
        "acces_droits", "renoncement_soins", "renoncement_soins_handicap",
        "fragilite_numerique", "situation_sociale_complexe",
    ]
    assert len(v.option_ids("soins")) == 6
    assert v.option_ids("depuis") == ["moins_3_mois", "3_mois_1_an", "plus_1_an", "plus_2_ans"]
    assert len(v.option_ids("causes")) == 8
    assert v.option_ids("actions_engagees") == ["dossier_css", "dossier_ass", "autre"]
    form = v.load_form()
    assert form["seed_file"] == "002_84bb2e6237f2527d.txt"


def test_consent_text_covers_the_information_required():
    text = v.consent_text()
    assert v.current_consent_version() == "annexe4-2025-v1"
    for needle in ("Mission accompagnement santé", "Données transmises", "18 mois", "droit d'accès",
                   "rectification", "effacement", "retirer votre accord", "CNIL", "moins de 15 ans",
                   "J'accepte que mes coordonnées"):
        assert needle in text, needle
    assert text.endswith("suivi adapté.")  # the question comes after the information


def test_consent_verbatim_paragraphs_are_in_the_seed():
    require_shared()
    seed = SEEDS_DIR / v.load_form()["seed_file"]
    source = " ".join(seed.read_text(encoding="utf-8").split())
    entry = v.consent_versions()["annexe4-2025-v1"]
    for paragraph in [*entry["notice"], entry["sentence"]]:
        if paragraph["kind"] == "verbatim":
            assert " ".join(paragraph["text"].split()) in source


@pytest.mark.parametrize("category, typed, expected", [
    ("motifs", "je renonce aux soins", "renoncement_soins"),
    ("motifs", "à cause de mon handicap", "renoncement_soins_handicap"),
    ("motifs", "internet", "fragilite_numerique"),
    ("depuis", "plus de deux ans", "plus_2_ans"),
    ("depuis", "moins de 3 mois", "moins_3_mois"),
    ("causes", "c'est trop cher", "reste_a_charge"),
    ("causes", "délais de rdv", "delais_rdv"),
    ("actions_engagees", "dossier C2S", "dossier_css"),
])
def test_typed_answers_match_options(category, typed, expected):
    assert v.parse_option(typed, category).value == expected


def test_several_options_in_one_answer():
    assert v.parse_options("pharmacie et dentiste, lunettes", "soins").value == [
        "pharmacie", "actes_examens", "dispositifs_medicaux"]
    assert not v.parse_options("blabla et truc", "soins").ok
    assert v.parse_options(nir(), "soins").error == v.NIR_ERROR


# --------------------------------------------------------------------------- the model

def payload(**changes):
    base = {
        "idempotency_key": "test-key-0000000001",
        "motifs": ["renoncement_soins"],
        "person": {"nom": "Dupont", "prenom": "Marie", "date_naissance": "1985-07-14",
                   "telephone": "06 12 34 56 78", "email": "marie.dupont@exemple.fr"},
        "detector": {"nom": "Claire Martin", "structure": "CCAS de Wattrelos",
                     "email": "c.martin@ccas.exemple.fr", "telephone": "03 20 12 34 56"},
        "actions_engagees": ["dossier_css"],
        "renoncement": {"soins": ["pharmacie"], "depuis": "plus_1_an", "causes": ["reste_a_charge"]},
        "consent": {"text_version": "annexe4-2025-v1", "given_at": "2026-11-20T10:00:00+01:00",
                    "channel": "web", "by": "person"},
    }
    base.update(changes)
    return base


def test_valid_saisine_is_normalised():
    saisine = Saisine.parse_obj(payload())
    assert saisine.person.telephone == "+33612345678"
    assert saisine.detector.telephone == "+33320123456"
    assert saisine.consent.given_at == datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
    assert json.loads(saisine.canonical_json())["person"]["date_naissance"] == "1985-07-14"


def test_only_required_sections():
    body = payload()
    for key in ("detector", "actions_engagees", "renoncement"):
        del body[key]
    del body["person"]["email"]
    assert Saisine.parse_obj(body).renoncement is None


FIELD_PATHS = [
    ("person", "nom"), ("person", "prenom"), ("person", "date_naissance"), ("person", "telephone"),
    ("person", "email"), ("detector", "nom"), ("detector", "structure"), ("detector", "email"),
    ("detector", "telephone"), ("motifs", 0), ("actions_engagees", 0), ("renoncement", "soins", 0),
    ("renoncement", "depuis"), ("renoncement", "causes", 0), ("consent", "text_version"),
    ("consent", "channel"), ("consent", "given_at"), ("idempotency_key",), ("reference",),
]


def _set(body, path, value):
    target = body
    for part in path[:-1]:
        target = target[part]
    target[path[-1]] = value


@pytest.mark.parametrize("valid_key", [True, False])
@pytest.mark.parametrize("path", FIELD_PATHS, ids=lambda p: ".".join(map(str, p)))
def test_nir_refused_in_every_field(path, valid_key):
    number = nir(sep=" ", valid_key=valid_key)
    body = copy.deepcopy(payload())
    typed = f"{number.replace(' ', '')}@exemple.fr" if "email" in path else f"{number}"
    _set(body, path, typed)
    with pytest.raises(ValidationError) as caught:
        Saisine.parse_obj(body)
    errors = french_errors(caught.value)
    field = ".".join(str(p) for p in path[:-1] if not isinstance(p, int)) if isinstance(path[-1], int) \
        else ".".join(map(str, path))
    assert {"champ": field, "message": NIR_FIELD_ERROR} in errors, errors
    assert number.replace(" ", "")[:8] not in json.dumps(errors)  # never echoed back


def test_free_text_field_refused():
    body = payload()
    body["renoncement"]["commentaire"] = "diabète, insuline trop chère"
    with pytest.raises(ValidationError) as caught:
        Saisine.parse_obj(body)
    assert french_errors(caught.value) == [
        {"champ": "renoncement.commentaire", "message": "Ce champ n'est pas prévu par le formulaire."}]


def test_renoncement_only_with_a_renoncement_motif():
    with pytest.raises(ValidationError) as caught:
        Saisine.parse_obj(payload(motifs=["fragilite_numerique"]))
    assert french_errors(caught.value)[0]["champ"] == "renoncement"


def _minor(birth: str, parental):
    body = payload()
    body["person"]["date_naissance"] = birth
    body["consent"]["parental_consent"] = parental
    return body


def test_under_15_needs_parental_consent():
    with pytest.raises(ValidationError) as caught:
        Saisine.parse_obj(_minor("2015-03-01", None))
    assert "autorité parentale" in french_errors(caught.value)[0]["message"]
    with pytest.raises(ValidationError):
        Saisine.parse_obj(_minor("2015-03-01", False))
    assert Saisine.parse_obj(_minor("2015-03-01", True)).consent.parental_consent is True
    # 15 on the day of consent (2026-11-20): no parental consent needed.
    assert Saisine.parse_obj(_minor("2011-11-20", None)).consent.parental_consent is None
    with pytest.raises(ValidationError):
        Saisine.parse_obj(_minor("2011-11-21", None))


@pytest.mark.parametrize("change, field", [
    ({"consent": {"text_version": "inconnue", "given_at": "2026-11-20T10:00:00Z", "channel": "web", "by": "person"}}, "consent.text_version"),
    ({"consent": {"text_version": "annexe4-2025-v1", "given_at": "2026-11-20T10:00:00", "channel": "web", "by": "person"}}, "consent.given_at"),
    ({"consent": {"text_version": "annexe4-2025-v1", "given_at": "2026-11-20T10:00:00Z", "channel": "web", "by": "quelqu'un"}}, "consent.by"),
    ({"motifs": []}, "motifs"),
    ({"motifs": ["autre_motif"]}, "motifs"),
    ({"actions_engagees": ["dossier_inconnu"]}, "actions_engagees"),
])
def test_model_refusals_are_french(change, field):
    with pytest.raises(ValidationError) as caught:
        Saisine.parse_obj(payload(**change))
    errors = french_errors(caught.value)
    assert errors[0]["champ"] == field
    assert all(not e["message"].startswith(("field", "value", "str")) for e in errors)


def test_future_consent_refused():
    future = (datetime.now(timezone.utc) + timedelta(hours=1)).isoformat()
    body = payload()
    body["consent"]["given_at"] = future
    with pytest.raises(ValidationError):
        Saisine.parse_obj(body)


def test_partner_must_give_its_details():
    body = payload()
    body["consent"]["by"] = "partner_confirms_person_consented"
    assert Saisine.parse_obj(body).detector is not None
    del body["detector"]
    with pytest.raises(ValidationError) as caught:
        Saisine.parse_obj(body)
    assert french_errors(caught.value)[0]["champ"] == "consent"


def test_missing_field_message():
    body = payload()
    del body["person"]["telephone"]
    with pytest.raises(ValidationError) as caught:
        Saisine.parse_obj(body)
    assert french_errors(caught.value) == [{"champ": "person.telephone", "message": "Ce champ est obligatoire."}]
