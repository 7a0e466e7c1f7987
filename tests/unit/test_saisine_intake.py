"""The MAS saisine conversation without Rasa (bot.saisine.intake): what is asked, in which order,
how each typed answer is read, the summary, and the Saisine built at the end.

Every test passes a fixed `now` (UTC): nothing depends on the real date except the pydantic
model's "consent not in the future" check, which a 2026-11-20 consent always passes.
"""
import copy
import re
from datetime import date, datetime, timedelta, timezone

import pytest

from bot.parsing import NIR_PLACEHOLDER
from bot.saisine import intake
from bot.saisine import validation as v
from bot.saisine.model import IDEMPOTENCY_KEY_PATTERN, Saisine
from tests.unit.saisine_samples import nir

NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
TODAY = NOW.date()
CHANNEL = "web"

DENTIST = "le dentiste c'est trop cher, j'y vais plus"




NIR_TYPED = {
    "valid key": nir(sep=" "),
    "wrong key": nir(valid_key=False),
    "placeholder": f"mon numéro : {NIR_PLACEHOLDER}",
}


def play(draft, *texts, now=NOW):
    """Answer the questions the form asks, one text each; returns (draft, fields asked)."""
    asked = []
    for text in texts:
        field = intake.next_field(draft, now.date())
        assert field is not None, f"the flow ended before {text!r}"
        asked.append(field)
        parsed = intake.read_answer(field, text, draft, now, CHANNEL)
        assert parsed.ok, f"{field} <- {text!r}: {parsed.error}"
        draft = parsed.value
    return draft, asked


def ask(draft, text, now=NOW):
    """Answer the current question; returns the Parsed (value or error)."""
    return intake.read_answer(intake.next_field(draft, now.date()), text, draft, now, CHANNEL)


PERSON_IDENTITY = ("Dupont", "Marie", "14/07/1985", "06 12 34 56 78")
PARTNER_DETAILS = ("Claire Martin", "CCAS de Wattrelos", "c.martin@ccas.exemple.fr", "03 20 12 34 56")


def person_draft(minor=False):
    """An assuré(e) who renounces care, at the confirmation step (no e-mail); a minor is 11 and
    a holder of parental authority agrees."""
    birth = ["01/03/2015", "oui"] if minor else ["14/07/1985"]
    draft, _ = play(intake.start_draft(intake.PERSON, intake.detect_categories(DENTIST)),
                    "oui", "plus de 2 ans", "Dupont", "Marie", *birth, "06 12 34 56 78", "non")
    assert intake.next_field(draft, TODAY) == "confirmation"
    return draft


def partner_draft():
    draft, _ = play(intake.start_draft(intake.PARTNER),
                    "oui", "internet", "Dupont", "Léo", "01/03/1980", "0612345678", "leo@exemple.fr",
                    *PARTNER_DETAILS, "dossier css et ass")
    assert intake.next_field(draft, TODAY) == "confirmation"
    return draft


# --------------------------------------------------------------------------- who asks

@pytest.mark.parametrize("text, partner_mode, expected", [
    ("j'ai besoin d'aide pour me soigner", False, intake.PERSON),
    ("je veux signaler un usager à la MAS", False, intake.PARTNER),
    ("bonjour", True, intake.PARTNER),  # the partner entry point
    ("bonjour", False, None),  # the form asks
])
def test_role_from_request(text, partner_mode, expected):
    assert intake.role_from_request(text, partner_mode) == expected


def test_role_is_asked_only_when_unknown():
    assert intake.next_field(intake.start_draft(None), TODAY) == "role"
    assert intake.next_field(intake.start_draft(intake.PERSON), TODAY) == "consent"
    assert intake.next_field(intake.start_draft(intake.PARTNER), TODAY) == "consent"
    draft, _ = play(intake.start_draft(None), "Pour une personne que j'accompagne")
    assert draft["role"] == intake.PARTNER
    assert "pour moi" in ask(intake.start_draft(None), "peut-être").error


# --------------------------------------------------------------------------- order of the questions

def test_assure_flow_order_with_renoncement():
    draft, asked = play(intake.start_draft(None), "pour moi", "oui", "renoncement aux soins", "pharmacie",
                        "plus de 2 ans", "trop cher", *PERSON_IDENTITY, "marie@exemple.fr")
    assert asked == ["role", "consent", "motifs", "soins", "depuis", "causes",
                     "nom", "prenom", "date_naissance", "telephone", "email"]
    assert intake.next_field(draft, TODAY) == "confirmation"
    assert intake.outcome(draft) is None


def test_no_care_section_without_a_renoncement_motif():
    draft, asked = play(intake.start_draft(intake.PERSON), "oui", "De situation sociale complexe",
                        *PERSON_IDENTITY, "non")
    assert asked == ["consent", "motifs", "nom", "prenom", "date_naissance", "telephone", "email"]
    assert not {"soins", "depuis", "causes"} & set(draft)


def test_partner_flow_adds_detector_fields_and_actions():
    draft, asked = play(intake.start_draft(intake.PARTNER), "oui", "internet", "Dupont", "Léo", "01/03/1980",
                        "0612345678", "non", "Claire Martin", "CCAS de Wattrelos", "non", "passer", "aucune")
    assert asked == ["consent", "motifs", "nom", "prenom", "date_naissance", "telephone", "email",
                     "detecteur_nom", "detecteur_structure", "detecteur_email", "detecteur_telephone", "actions"]
    assert draft["actions"] == [] and draft["detecteur_email"] == "" and draft["detecteur_telephone"] == ""
    assert intake.next_field(draft, TODAY) == "confirmation"


def test_partner_is_asked_to_confirm_the_person_consented():
    partner = intake.question("consent", {"role": intake.PARTNER})
    person = intake.question("consent", {"role": intake.PERSON})
    assert partner.texts[-1].startswith("Confirmez-vous que la personne a reçu ces informations")
    assert partner.buttons[0] == {"title": "Oui, elle a donné son accord", "payload": "oui"}
    assert "J'accepte que mes coordonnées" in person.texts[-1] and person.texts[-1].endswith("Êtes-vous d'accord ?")
    # Both are shown the whole notice first.
    for q in (partner, person):
        assert "CNIL" in "\n".join(q.texts) and "moins de 15 ans" in "\n".join(q.texts)


@pytest.mark.parametrize("role, fragment", [
    (intake.PERSON, "Un titulaire de l'autorité parentale est-il avec vous"),
    (intake.PARTNER, "La personne a moins de 15 ans"),
])
def test_under_15_asks_parental_consent_right_after_the_birth_date(role, fragment):
    # 15 tomorrow: still 14 on the day of consent.
    draft, asked = play(intake.start_draft(role), "oui", "internet", "Dupont", "Léo", "21/11/2011")
    assert asked[-1] == "date_naissance"
    assert intake.next_field(draft, TODAY) == "parental_consent"
    assert fragment in intake.question("parental_consent", draft).texts[0]
    draft, _ = play(draft, "oui")
    assert draft["parental_consent"] is True and intake.next_field(draft, TODAY) == "telephone"


def test_parental_refusal_ends_the_flow():
    draft, _ = play(intake.start_draft(intake.PERSON), "oui", "internet", "Dupont", "Léo", "01/03/2015", "non")
    assert intake.outcome(draft) == intake.REFUSED
    assert intake.next_field(draft, TODAY) is None


def test_a_15_year_old_is_not_asked_for_parental_consent():
    draft, _ = play(intake.start_draft(intake.PERSON), "oui", "internet", "Dupont", "Léo", "20/11/2011")
    assert intake.next_field(draft, TODAY) == "telephone"


def test_under_15_on_the_consent_day_is_asked_even_if_the_birthday_comes_mid_conversation():
    consent_time = datetime(2026, 11, 19, 23, 55, tzinfo=timezone.utc)
    after_midnight = datetime(2026, 11, 20, 0, 5, tzinfo=timezone.utc)
    draft, _ = play(intake.start_draft(intake.PERSON), "oui", now=consent_time)
    # 15 on 20/11/2026: 14 when the consent was given, 15 when the birth date is typed.
    draft, asked = play(draft, "internet", "Dupont", "Léo", "20/11/2011", "oui", "06 12 34 56 78", "non",
                        now=after_midnight)
    assert asked[4] == "parental_consent"  # right after the birth date
    assert intake.build_saisine(draft).consent.parental_consent is True


# --------------------------------------------------------------------------- consent

def test_consent_refused_ends_the_flow_with_nothing_recorded():
    draft, _ = play(intake.start_draft(intake.PERSON, intake.detect_categories(DENTIST)), "non")
    assert intake.outcome(draft) == intake.REFUSED
    assert intake.next_field(draft, TODAY) is None
    assert not {"consent_at", "key", "motifs", "nom"} & set(draft)


def test_consent_given_is_recorded_with_version_utc_time_channel_and_key():
    paris = NOW.astimezone(timezone(timedelta(hours=1)))  # 11:00 in Paris, 10:00 UTC
    parsed = intake.read_answer("consent", "Oui, j'accepte", intake.start_draft(intake.PERSON), paris, "kiosk")
    draft = parsed.value
    assert draft["consent"] is True
    assert draft["consent_version"] == v.current_consent_version() == "annexe4-2025-v1"
    assert draft["consent_at"] == "2026-11-20T10:00:00+00:00"
    assert draft["consent_channel"] == "kiosk"
    assert re.match(IDEMPOTENCY_KEY_PATTERN, draft["key"])
    assert parsed.interpretation is None  # nothing detected, nothing to announce
    # Another conversation is another saisine.
    other = intake.read_answer("consent", "oui", intake.start_draft(intake.PERSON), NOW, CHANNEL).value
    assert other["key"] != draft["key"]


def test_consent_applies_the_tick_boxes_of_the_first_message():
    parsed = ask(intake.start_draft(intake.PERSON, intake.detect_categories(DENTIST)), "oui")
    draft = parsed.value
    assert draft["motifs"] == ["renoncement_soins"]
    assert draft["soins"] == ["actes_examens"] and draft["causes"] == ["reste_a_charge"]
    assert "detected" not in draft
    for category, option in (("motifs", "renoncement_soins"), ("soins", "actes_examens"), ("causes", "reste_a_charge")):
        assert v.option_label(category, option) in parsed.interpretation
    assert "Vous pourrez le corriger avant l'envoi" in parsed.interpretation
    assert intake.next_field(draft, TODAY) == "depuis"  # motifs, soins and causes are not asked again


def test_consent_needs_a_yes_or_a_no():
    parsed = ask(intake.start_draft(intake.PERSON), "je ne sais pas trop")
    assert parsed.error == "Merci de répondre par oui ou par non."


# --------------------------------------------------------------------------- the first message

@pytest.mark.parametrize("text, expected", [
    (DENTIST, {"motifs": ["renoncement_soins"], "soins": ["actes_examens"], "causes": ["reste_a_charge"]}),
    ("je n'ai plus de mutuelle", {"motifs": ["acces_droits"]}),  # "mutuelle" is no care section
    ("je comprends rien aux démarches", {}),
    ("personne ne m'aide", {}),
    ("à cause de mon handicap je ne vais plus chez le kiné",
     {"motifs": ["renoncement_soins_handicap"], "soins": ["actes_examens"]}),
])
def test_detect_categories(text, expected):
    assert intake.detect_categories(text) == expected


def test_no_care_section_is_asked_after_a_rights_problem():
    draft, _ = play(intake.start_draft(intake.PERSON, intake.detect_categories("je n'ai plus de mutuelle")), "oui")
    assert draft["motifs"] == ["acces_droits"]
    assert intake.next_field(draft, TODAY) == "nom"


# --------------------------------------------------------------------------- a NIR is never taken

TYPED_FIELDS = ["role", "consent", "parental_consent", "motifs", "soins", "depuis", "causes", "actions",
                "nom", "prenom", "date_naissance", "telephone", "email", "detecteur_nom",
                "detecteur_structure", "detecteur_email", "detecteur_telephone", "confirmation",
                "field_to_correct"]


@pytest.mark.parametrize("typed", list(NIR_TYPED.values()), ids=list(NIR_TYPED))
def test_every_answer_refuses_a_nir_and_keeps_the_draft(typed):
    draft = partner_draft()
    before = copy.deepcopy(draft)
    for field in TYPED_FIELDS:
        parsed = intake.read_answer(field, typed, draft, NOW, CHANNEL)
        assert (parsed.error, parsed.value) == (v.NIR_ERROR, None), field
    assert draft == before


# --------------------------------------------------------------------------- typed answers

def _at(field):
    """A partner draft waiting for `field` (which is removed from the finished draft)."""
    draft = partner_draft()
    del draft[field]
    assert intake.next_field(draft, TODAY) == field
    return draft


@pytest.mark.parametrize("typed, e164", [
    ("06 12 34 56 78", "+33612345678"),
    ("06.12.34.56.78", "+33612345678"),
    ("+33 6 12 34 56 78", "+33612345678"),
    ("0033612345678", "+33612345678"),
    ("0690 12 34 56", "+590690123456"),  # Guadeloupe
])
def test_phone_usual_french_forms_become_e164(typed, e164):
    parsed = ask(_at("telephone"), typed)
    assert parsed.value["telephone"] == e164
    assert parsed.interpretation == f"Numéro noté : {intake.display_phone(e164)}."


@pytest.mark.parametrize("typed", ["0612", "pas de téléphone"])
def test_invalid_phone_is_asked_again(typed):
    draft = _at("telephone")
    parsed = ask(draft, typed)
    assert not parsed.ok and "numéro" in parsed.error
    assert intake.next_field(draft, TODAY) == "telephone"  # the phone is required


def test_display_phone():
    assert intake.display_phone("+33612345678") == "06 12 34 56 78"
    assert intake.display_phone("+590690123456") == "0690 12 34 56"
    assert intake.display_phone("+596596301234") == "0596 30 12 34"
    assert intake.display_phone("+262269601234") == "0269 60 12 34"
    # as an older version stored a Martinique line: shown as the Martinique number it is
    assert intake.display_phone("+33596301234") == "0596 30 12 34"


@pytest.mark.parametrize("typed, e164", [("0596 30 12 34", "+596596301234"), ("0269 60 12 34", "+262269601234")])
def test_overseas_landline_is_noted_and_shown_as_typed(typed, e164):
    parsed = ask(_at("telephone"), typed)
    assert parsed.value["telephone"] == e164
    assert parsed.interpretation == f"Numéro noté : {typed}."
    assert f"• Téléphone : {typed}" in intake.render_summary(parsed.value).splitlines()


def test_email_is_validated():
    draft = _at("email")
    assert ask(draft, "  Marie.Dupont@Exemple.FR ").value["email"] == "Marie.Dupont@exemple.fr"
    for typed in ("marie.dupont", "marie@", "marie dupont@exemple.fr"):
        assert ask(draft, typed).error == v.EMAIL_ERROR


@pytest.mark.parametrize("typed", ["Non merci", "pas d'email"])
def test_email_is_optional(typed):
    assert ask(_at("email"), typed).value["email"] == ""


@pytest.mark.parametrize("field", ["email", "detecteur_email"])
def test_no_email_button_is_accepted(field):
    draft = _at(field)
    payload = intake.question(field, draft).buttons[0]["payload"]
    assert payload == "pas d'e-mail"
    parsed = ask(draft, payload)
    assert parsed.ok, parsed.error
    assert parsed.value[field] == ""


@pytest.mark.parametrize("address", ["rien.que.moi@exemple.fr", "aucun-spam@exemple.fr"])
def test_an_address_starting_with_a_none_word_is_kept(address):
    assert ask(_at("email"), address).value["email"] == address


@pytest.mark.parametrize("typed, iso", [
    ("14/07/1985", "1985-07-14"),
    ("14-07-85", "1985-07-14"),
    ("3 février 1990", "1990-02-03"),
])
def test_birth_date_usual_forms(typed, iso):
    parsed = ask(_at("date_naissance"), typed)
    assert parsed.value["date_naissance"] == iso
    assert parsed.interpretation == f"Date de naissance notée : {date.fromisoformat(iso):%d/%m/%Y}."


@pytest.mark.parametrize("typed, fragment", [
    ("31/02/1990", "n'existe pas"),
    ("21/11/2026", "futur"),  # tomorrow, for the fixed `now`
    ("01/01/1890", "vérifier"),  # 136 years old
])
def test_impossible_birth_date_is_refused(typed, fragment):
    draft = _at("date_naissance")
    parsed = ask(draft, typed)
    assert not parsed.ok and fragment in parsed.error
    assert intake.next_field(draft, TODAY) == "date_naissance"


def test_names_and_structure_are_cleaned_or_refused():
    assert ask(_at("nom"), "N’Diaye").value["nom"] == "N'Diaye"
    assert ask(_at("nom"), "Dupont2").error == v.NAME_ERROR
    assert ask(_at("detecteur_structure"), "CCAS  de   Wattrelos").value["detecteur_structure"] == "CCAS de Wattrelos"
    for typed in ("x", "12345"):
        assert ask(_at("detecteur_structure"), typed).error == intake.STRUCTURE_ERROR


@pytest.mark.parametrize("field, typed, expected", [
    # A button's label wins even with commas, "et" or "ou" inside it.
    ("causes", v.option_label("causes", "acces_droits"), ["acces_droits"]),
    ("soins", v.option_label("soins", "actes_examens"), ["actes_examens"]),
    # Typed lists are split when every part is an option.
    ("soins", "pharmacie et dentiste, lunettes", ["pharmacie", "actes_examens", "dispositifs_medicaux"]),
    ("motifs", "internet et mutuelle", ["fragilite_numerique", "acces_droits"]),
    ("actions", "aucune", []),
    ("depuis", "Plus d'1 an", "plus_1_an"),
])
def test_tick_boxes_are_read_as_option_ids(field, typed, expected):
    draft = partner_draft()
    draft["motifs"] = ["renoncement_soins"]  # so that the care section applies
    parsed = intake.read_answer(field, typed, draft, NOW, CHANNEL)
    assert parsed.value[field] == expected
    assert parsed.interpretation.startswith("C'est noté")


def test_unknown_tick_box_lists_the_choices():
    parsed = ask(_at("motifs"), "zzz")
    assert "Vous pouvez choisir parmi" in parsed.error and "De fragilité face au numérique" in parsed.error


@pytest.mark.parametrize("text", ["   ", None])
def test_empty_answer_gets_a_french_reask(text):
    draft = _at("telephone")
    parsed = ask(draft, text)
    assert parsed.error.startswith("Je n'ai pas reçu de réponse.")
    assert parsed.error.endswith(intake.question("telephone", draft).texts[-1])


# --------------------------------------------------------------------------- correcting

def test_correcting_the_phone_asks_only_the_phone_again():
    draft = person_draft()
    draft, _ = play(draft, "corriger")
    assert draft["correcting"] is True and intake.next_field(draft, TODAY) == "field_to_correct"
    buttons = intake.question("field_to_correct", draft).buttons
    assert [b["title"] for b in buttons] == ["Motif", "Soins non réalisés", "Depuis", "Causes", "Nom", "Prénom",
                                             "Date de naissance", "Téléphone", "E-mail"]
    before = dict(draft)
    draft, _ = play(draft, "téléphone")
    assert set(before) - set(draft) == {"telephone", "correcting"}
    assert intake.next_field(draft, TODAY) == "telephone"
    draft, _ = play(draft, "07 81 22 33 44")
    assert intake.next_field(draft, TODAY) == "confirmation"
    assert "• Téléphone : 07 81 22 33 44" in intake.question("confirmation", draft).texts[0]


def test_every_correction_button_removes_exactly_its_field():
    draft = partner_draft()
    draft["correcting"] = True
    question = intake.question("field_to_correct", draft)
    assert len(question.buttons) == 11  # every field present in the partner draft
    for button in question.buttons:
        corrected = intake.read_answer("field_to_correct", button["payload"], draft, NOW, CHANNEL).value
        removed = set(draft) - set(corrected) - {"correcting"}
        assert [intake.FIELD_LABELS[key] for key in removed] == [button["title"]]


def test_correcting_the_motif_drops_the_care_section():
    draft, asked = play(person_draft(), "corriger une information", "motif", "De fragilité face au numérique")
    assert asked == ["confirmation", "field_to_correct", "motifs"]
    assert draft["motifs"] == ["fragilite_numerique"]
    assert not {"soins", "depuis", "causes"} & set(draft)  # data minimisation
    assert intake.next_field(draft, TODAY) == "confirmation"
    assert intake.build_saisine(draft).renoncement is None


def test_correcting_the_birth_date_asks_parental_consent_again_when_needed():
    minor = person_draft(minor=True)
    assert minor["parental_consent"] is True
    draft, _ = play(minor, "modifier", "date de naissance")
    assert "parental_consent" not in draft
    draft, asked = play(draft, "02/03/2015", "oui")
    assert asked == ["date_naissance", "parental_consent"]
    # Corrected to an adult: no parental consent left in the draft.
    adult, asked = play(minor, "modifier", "date de naissance", "14/07/1985")
    assert "parental_consent" not in adult and intake.next_field(adult, TODAY) == "confirmation"


def test_unknown_field_to_correct_lists_the_fields():
    draft, _ = play(person_draft(), "corriger")
    parsed = ask(draft, "la couleur")
    assert parsed.error.startswith("Quelle information ?") and "Téléphone" in parsed.error


# --------------------------------------------------------------------------- outcomes

@pytest.mark.parametrize("text, expected", [
    ("Confirmer l'envoi", intake.CONFIRMED),
    ("oui", intake.CONFIRMED),
    ("annuler", intake.CANCELLED),
])
def test_confirmation_ends_the_flow(text, expected):
    draft, _ = play(person_draft(), text)
    assert intake.outcome(draft) == expected
    assert intake.next_field(draft, TODAY) is None


def test_unclear_confirmation_is_asked_again():
    draft = person_draft()
    parsed = ask(draft, "bof")
    assert parsed.error.startswith("Choisissez : confirmer l'envoi")
    assert intake.question("confirmation", draft).buttons == intake.CONFIRMATION_BUTTONS


MARKUP = ["<script>alert(1)</script>", "<img src=x onerror=alert(1)>", "CCAS <Lille>", "<b>Dupont</b>",
          "\"><svg/onload=alert(1)>"]


@pytest.mark.parametrize("typed", MARKUP)
@pytest.mark.parametrize("field", ["nom", "prenom", "detecteur_nom", "detecteur_structure", "email",
                                   "detecteur_email", "telephone", "detecteur_telephone", "actions"])
def test_markup_is_refused_in_every_field_the_summary_echoes(field, typed):
    draft = _at(field)
    parsed = ask(draft, typed)
    assert not parsed.ok and "<" not in parsed.error, (field, parsed)
    assert intake.next_field(draft, TODAY) == field  # asked again


def test_structure_with_markup_is_explained_then_the_summary_has_no_tag():
    draft = _at("detecteur_structure")
    refused = ask(draft, "<script>alert(1)</script>")
    assert refused.error == v.MARKUP_ERROR and "chevrons" in refused.error
    summary = intake.render_summary(ask(draft, "CCAS de Lille").value)
    assert "• Votre structure : CCAS de Lille" in summary.splitlines()
    assert not re.search(r"<\s*/?\s*[a-z!]", summary, re.IGNORECASE), summary


# --------------------------------------------------------------------------- summary and saisine

def test_summary_shows_every_field():
    draft = partner_draft()
    summary = intake.render_summary(draft)
    for line in (
        "• Motif : De fragilité face au numérique",
        "• Nom : Dupont", "• Prénom : Léo", "• Date de naissance : 01/03/1980",
        "• Téléphone : 06 12 34 56 78", "• E-mail : leo@exemple.fr",
        "• Votre nom : Claire Martin", "• Votre structure : CCAS de Wattrelos",
        "• Votre e-mail : c.martin@ccas.exemple.fr", "• Votre téléphone : 03 20 12 34 56",
        "• Démarches déjà engagées : Dossier de Complémentaire santé solidaire ; Dossier d'action sanitaire et sociale",
        "• Accord : confirmé par vous pour la personne le 20/11/2026 (texte d'information annexe4-2025-v1)",
    ):
        assert line in summary.splitlines(), line


def test_summary_of_a_minor_without_email():
    summary = intake.render_summary(person_draft(minor=True)).splitlines()
    assert "• Soins non réalisés : " + v.option_label("soins", "actes_examens") in summary
    assert "• Depuis : Plus de 2 ans" in summary and "• Causes : De reste à charge" in summary
    assert "• E-mail : non renseigné" in summary
    assert "• Accord : donné le 20/11/2026 (texte d'information annexe4-2025-v1)" in summary
    assert summary[-1] == "• Accord d'un titulaire de l'autorité parentale : oui"


def test_build_saisine_for_the_assure():
    draft = person_draft()
    saisine = intake.build_saisine(draft)
    assert isinstance(saisine, Saisine)
    assert saisine.idempotency_key == draft["key"]
    assert saisine.motifs == ["renoncement_soins"]
    assert saisine.renoncement.dict() == {"soins": ["actes_examens"], "depuis": "plus_2_ans", "causes": ["reste_a_charge"]}
    assert saisine.person.dict() == {"nom": "Dupont", "prenom": "Marie", "date_naissance": date(1985, 7, 14),
                                     "telephone": "+33612345678", "email": None}
    assert saisine.detector is None and saisine.actions_engagees == []
    assert saisine.consent.dict() == {"text_version": "annexe4-2025-v1", "given_at": NOW, "channel": CHANNEL,
                                      "by": "person", "parental_consent": None}
    Saisine.parse_raw(saisine.canonical_json())  # what the outbox stores validates again


def test_build_saisine_for_a_partner():
    saisine = intake.build_saisine(partner_draft())
    assert saisine.detector.dict() == {"nom": "Claire Martin", "structure": "CCAS de Wattrelos",
                                       "email": "c.martin@ccas.exemple.fr", "telephone": "+33320123456"}
    assert saisine.actions_engagees == ["dossier_css", "dossier_ass"]
    assert saisine.consent.by == "partner_confirms_person_consented"
    assert saisine.renoncement is None and saisine.person.email == "leo@exemple.fr"


def test_build_saisine_for_a_partner_who_skipped_the_optional_fields():
    draft, _ = play(intake.start_draft(intake.PARTNER), "oui", "internet", "Dupont", "Léo", "01/03/1980",
                    "0612345678", "non", "Claire Martin", "CCAS de Wattrelos", "non", "passer", "aucune")
    saisine = intake.build_saisine(draft)
    assert saisine.detector.email is None and saisine.detector.telephone is None
    assert saisine.person.email is None and saisine.actions_engagees == []


def test_build_saisine_for_a_minor_carries_the_parental_consent():
    saisine = intake.build_saisine(person_draft(minor=True))
    assert saisine.person.date_naissance == date(2015, 3, 1)
    assert saisine.consent.parental_consent is True


def test_the_same_draft_gives_the_same_idempotency_key():
    draft = person_draft()
    first, again = intake.build_saisine(draft), intake.build_saisine(copy.deepcopy(draft))
    assert first.idempotency_key == again.idempotency_key
    assert first.canonical_json() == again.canonical_json()
    assert intake.build_saisine(person_draft()).idempotency_key != first.idempotency_key


# --------------------------------------------------------------------------- withdrawal reference

@pytest.mark.parametrize("text, expected", [
    ("je retire mon consentement mas 2026 7k3f9q", "MAS-2026-7K3F9Q"),
    ("mas2026-7k3f9q", "MAS-2026-7K3F9Q"),
    ("MAS-2026-OIL3F9", "MAS-2026-0113F9"),  # Crockford: O -> 0, I and L -> 1
    ("je retire mon consentement", None),
    ("MAS-2026-7U3F9Q", None),  # U is not in Crockford's alphabet
    ("MAS-2026-7K3F9", None),  # five characters
    (None, None),
])
def test_find_reference(text, expected):
    assert intake.find_reference(text) == expected


# --------------------------------------------------------------------------- a name read as "stop"

@pytest.mark.parametrize("field, text", [
    ("nom", "Barre"), ("nom", "Brisebarre"), ("nom", "Le Goff"), ("prenom", "Ondine"),
    ("detecteur_nom", "Labarre Arrestier"),
])
def test_a_name_the_classifier_took_for_stop_is_an_answer(field, text):
    assert intake.stop_misread_name(field, text)


@pytest.mark.parametrize("field, text", [
    ("nom", "stop"), ("nom", "Arrête"), ("nom", "je veux arrêter"), ("prenom", "laisse tomber"),
    ("nom", "annuler"), ("nom", "non"), ("nom", "stop, j'arrête"), ("nom", ""),
    ("date_naissance", "Barre"), ("email", "Barre"), (None, "Barre"),
])
def test_a_real_stop_or_another_question_is_not_taken_for_a_name(field, text):
    assert not intake.stop_misread_name(field, text)
