"""The question bank of issue 16 (tests/answer_bank/) is valid and complete, and the evaluation's pure
functions (scripts/answer_eval.py) score a reply the way tests/answer_bank/README.md says."""
from __future__ import annotations

from collections import Counter

import pytest

from scripts.answer_eval import (
    ASPECTS_BY_SUBJECT, BANK_DIR, CONTACT_ASPECTS, HELDOUT_HEADER, PREVENTION, RIGHT_ASPECTS, RIGHTS, asks_question,
    bank_files, contains, first_match, is_address, is_honest_gap, is_not_understood, load_bank, missing_cells,
    normalize, score_reply, select, validate_bank,
)

BANK = load_bank()


# --- the bank -------------------------------------------------------------------------------------


def test_the_bank_is_valid():
    assert validate_bank(BANK) == []


def test_the_bank_has_at_least_400_questions_and_150_held_out():
    splits = Counter(item["split"] for item in BANK)
    assert len(BANK) >= 400
    assert splits["heldout"] >= 150


def test_ids_are_unique():
    ids = [item["id"] for item in BANK]
    assert len(ids) == len(set(ids))


@pytest.mark.parametrize("right", RIGHTS)
def test_every_right_has_every_aspect_in_both_parts(right):
    for split in ("train", "heldout"):
        present = {i["aspect"] for i in BANK if i["subject"] == right and i["split"] == split}
        assert set(RIGHT_ASPECTS) - present == set(), (right, split)


def test_every_prevention_offer_and_contact_aspect_is_covered_in_both_parts():
    assert missing_cells(BANK, "train") == []
    assert missing_cells(BANK, "heldout") == []
    assert {i["aspect"] for i in BANK if i["subject"] == "contacts"} == set(CONTACT_ASPECTS)
    assert {i["subject"] for i in BANK} == set(ASPECTS_BY_SUBJECT)
    assert set(PREVENTION) <= {i["subject"] for i in BANK}


def test_every_expectation_is_a_non_empty_list_of_non_empty_strings():
    for item in BANK:
        assert item["expect"] and all(normalize(e) for e in item["expect"]), item["id"]


def test_no_expected_element_is_in_the_question_itself():
    """A reply that repeats the question ("j'ai noté : vous touchez l'AAH") must not count as an answer."""
    echoes = [(i["id"], a) for i in BANK for a in i["expect"] if first_match(i["text"], [a])]
    assert echoes == []


def test_held_out_files_say_they_must_not_be_used_for_training():
    heldout = [p for p in bank_files() if p.name.endswith("_heldout.yml")]
    assert len(heldout) == len(ASPECTS_BY_SUBJECT)
    for path in heldout:
        assert HELDOUT_HEADER in path.read_text(encoding="utf-8").splitlines()[0], path.name


def test_no_held_out_question_is_also_a_training_question():
    train = {normalize(i["text"]) for i in BANK if i["split"] == "train"}
    assert [i["id"] for i in BANK if i["split"] == "heldout" and normalize(i["text"]) in train] == []


def test_no_held_out_question_is_in_the_training_data():
    """The held-out part is not derived into training: no held-out sentence appears in data/ or rules/."""
    root = BANK_DIR.parent.parent
    training = " ".join(normalize(p.read_text(encoding="utf-8")) for folder in ("data", "rules")
                        for p in (root / folder).rglob("*.yml"))
    leaked = [i["id"] for i in BANK if i["split"] == "heldout" and normalize(i["text"]) in training]
    assert leaked == []


def test_the_issue_examples_are_in_the_bank():
    texts = " | ".join(normalize(i["text"]) for i in BANK)
    for example in ["combien de temps pour avoir une réponse pour la css", "quels papiers pour demander l'AME",
                    "comment renouveler sa C2S", "combien ça coûte à 62 ans", "le 36 46 est-il payant",
                    "J'ai 70 ans, le vaccin contre la grippe est-il gratuit", "date de moins de 2 ans",
                    "enceinte de 5 mois", "entre 50 et 74 ans", "how can I get a social security number",
                    "quel est le numéro de téléphone de l'assurance maladie",
                    "Jusqu'à quel revenu on peut avoir la C2S avec participation pour une personne seule",
                    "Qui peut bénéficier du capital décès, quel montant, quelles démarches"]:
        assert normalize(example) in texts, example
    assert any(i["subject"] == "invalidite" and i["aspect"] == "cumul" and "pension" in i["text"] for i in BANK)


def test_the_bank_has_english_and_partner_questions():
    assert sum(i["params"].get("language") == "en" for i in BANK) >= 10
    assert sum(i["params"].get("asker") == "partner" for i in BANK) >= 10


# --- validation catches broken items --------------------------------------------------------------


def _item(**changes):
    item = {"id": "c2s-delay-01", "text": "combien de temps pour la css ?", "subject": "c2s", "aspect": "delay",
            "params": {}, "expect": ["2 mois"], "split": "train", "_file": "c2s.yml"}
    item.update(changes)
    return item


@pytest.mark.parametrize("changes, error", [
    ({}, None),
    ({"expect": []}, "expect must be"),
    ({"expect": ["  "]}, "expect must be"),
    ({"expect": "2 mois"}, "expect must be"),
    ({"aspect": "age"}, "is not one of c2s's"),
    ({"subject": "cmu"}, "unknown subject"),
    ({"split": "heldout", "id": "c2s-h-delay-01"}, "held-out items go in"),
    ({"id": "c2s-delai-01"}, "id must read"),
    ({"colour": "blue"}, "unknown keys"),
    ({"expect_not": []}, "expect_not must be"),
], ids=lambda v: str(v)[:40])
def test_validation_reports_each_broken_item(changes, error):
    errors = validate_bank([_item(**changes)])
    if error is None:
        assert errors == []
    else:
        assert any(error in e for e in errors), errors


def test_validation_reports_duplicate_ids():
    errors = validate_bank([_item(), _item(text="autre question")])
    assert any("already used" in e for e in errors)


def test_select_filters_by_split_subject_and_limit():
    assert {i["split"] for i in select(BANK, only="heldout")} == {"heldout"}
    assert {i["subject"] for i in select(BANK, subjects=["c2s"])} == {"c2s"}
    assert len(select(BANK, only="train", subjects=["ame"], limit=3)) == 3


# --- matching -------------------------------------------------------------------------------------


@pytest.mark.parametrize("reply, alternative, found", [
    ("La CPAM décide dans les 2 mois.", "2 mois", True),
    ("La CPAM décide dans les 12 mois.", "2 mois", False),       # a number inside a longer number
    ("Appelez le 3646.", "3646", True),
    ("plafond de 13 646 €", "3646", False),
    ("jusqu'à 10\u202f339 € par an", "10 339", True),            # narrow no-break space
    ("jusqu'à 10339 € par an", "10 339", True),
    ("jusqu'à 10 339 € par an", "10339", True),
    ("ÉLIGIBILITÉ À LA CSS", "eligibilite a la css", True),    # case and accents
    ("Formulaire cerfa 12504*10", "12504", True),
    ("L’AME n’est pas automatique", "n'est pas automatique", True),  # curly apostrophe
    ("l'AME n'est pas automatique", "n’est pas automatique", True),
    ("Il faut passer à l'accueil", "PASS", False),              # a short alternative is a whole word
    ("Allez à la PASS de l'hôpital", "PASS", True),
    ("vaccin rétroactif", "rétroacti", True),                   # a longer one is also a prefix
    ("depuis l'étranger : +33 811 70 36 46", "+33 811 70 36 46", True),
    ("depuis l'étranger : +33 8 11 70 36 46", "+33 811 70 36 46", True),
    ("Cœur de la démarche", "coeur", True),
    ("de 18–25 ans", "18-25", True),                            # en dash
    ("tous les 2 ans", "2 ans", True),
    ("jusqu'à 24 ans", "4 ans", False),
    ("catégorie 1 : 30 %", "30 %", True),
    ("catégorie 1 : 130 %", "30 %", False),
    ("", "2 mois", False),
])
def test_contains(reply, alternative, found):
    assert contains(reply, alternative) is found


@pytest.mark.parametrize("reply, alternatives, match", [
    ("Source : https://www.ordre.pharmacien.fr/vaccination — à jour au 24/11/2026", ["pharmacien"], None),
    ("Votre pharmacien peut vous vacciner. Source : https://www.ordre.pharmacien.fr", ["pharmacien"], "pharmacien"),
    ("Commandez le kit : https://monkit.depistage-colorectal.fr", ["monkit.depistage"], "monkit.depistage"),
    ("https://espace-partenaires.ameli.fr", ["Espace Partenaires", "espace-partenaires.ameli.fr"],
     "espace-partenaires.ameli.fr"),
    ("Voir www.service-public.fr/particuliers", ["particuliers"], None),
])
def test_only_address_like_alternatives_are_found_inside_links(reply, alternatives, match):
    assert first_match(reply, alternatives) == match


@pytest.mark.parametrize("alternative, address", [
    ("espace-partenaires.ameli.fr", True), ("vaccination-info-service", True), ("inscription.ces84", True),
    ("pharmacien", False), ("compte ameli", False), ("+33 811 70 36 46", False),
])
def test_is_address(alternative, address):
    assert is_address(alternative) is address


@pytest.mark.parametrize("text, expected", [
    ("Éléphant  À\u00a0Paris", "elephant a paris"),
    ("10 339 €", "10339 €"),
    ("L’Assurance Maladie", "l'assurance maladie"),
    ("  SMS\tstyle \n ", "sms style"),
])
def test_normalize(text, expected):
    assert normalize(text) == expected


# --- honest gaps, questions, fallbacks ------------------------------------------------------------


@pytest.mark.parametrize("reply, gap", [
    ("Je n'ai pas cette information. Consultez la page ameli de la C2S ou appelez le 3646.", True),
    ("Je n’ai pas l’information sur les pièces à joindre : voyez le formulaire 12504.", True),
    ("Je ne dispose pas du délai de paiement ; la CPAM du défunt peut vous le dire.", True),
    ("Le nombre et l'âge des doses ne figurent pas dans nos sources : voir vaccination-info-service.fr.", True),
    ("I don't have this information; call +33 811 70 36 46.", True),
    ("Je n'ai pas la réponse à cette question précise.", True),
    ("La CPAM décide dans les 2 mois.", False),
    ("Vous n'avez pas de demande à faire : c'est l'hôpital qui facture.", False),
    ("Pardon, je n'ai pas compris. Pouvez-vous le dire autrement ?", False),  # not understood is not a gap
    ("Si vous n'avez pas de complémentaire, l'Assurance Maladie paie 100 %.", False),
])
def test_honest_gap(reply, gap):
    assert is_honest_gap(reply) is gap


@pytest.mark.parametrize("messages, asks", [
    (["Quel âge a la personne concernée ? Par exemple : « 52 ans », « né en 1973 » ou « 18 mois »."], True),
    (["Vérifions vos droits.", "Touchez-vous le RSA ou l'ASPA (minimum vieillesse) ?"], True),
    (["La C2S coûte 25 € par mois à 62 ans.", "Voulez-vous vérifier si vous y avez droit ?"], True),
    (["La CPAM décide dans les 2 mois.\nSource : https://www.ameli.fr — à jour au 24/11/2026"], False),
    (["Pardon, je n'ai pas compris. Pouvez-vous le dire autrement, en quelques mots ? Par exemple : « c'est quoi l'AME ? »"], False),
    ([], False),
])
def test_asks_question(messages, asks):
    assert asks_question(messages) is asks


@pytest.mark.parametrize("reply, understood", [
    ("Je ne peux pas répondre à cette question : je connais seulement les droits à l’Assurance Maladie.", False),
    ("Je n’arrive pas à vous comprendre. Voici les sujets que je connais.", False),
    ("Téléphone : 3646 (service gratuit + prix de l'appel)", True),
])
def test_not_understood(reply, understood):
    assert is_not_understood(reply) is not understood


# --- scoring a reply ------------------------------------------------------------------------------


def test_a_reply_with_the_element_is_answered():
    s = score_reply(_item(), ["La CPAM décide dans les 2 mois après un dossier complet."])
    assert s.answered and s.within_limit and s.matched == "2 mois" and not s.honest_gap


def test_a_long_reply_is_answered_but_not_within_the_limit():
    s = score_reply(_item(), ["La CPAM décide dans les 2 mois. " + "x" * 600])
    assert s.answered and not s.within_limit and not s.answered_within_limit and s.length > 600


def test_messages_are_joined_and_their_length_counted():
    s = score_reply(_item(), ["a" * 300, "b" * 300])
    assert s.length == 601 and not s.within_limit


def test_a_forbidden_string_makes_the_reply_unanswered():
    item = _item(aspect="ceiling", expect=["à vérifier"], expect_not=["Touchez-vous le RSA"])
    s = score_reply(item, ["Plafond : 13 957 € (à vérifier).", "Touchez-vous le RSA ou l'ASPA ?"])
    assert not s.answered and s.forbidden == "Touchez-vous le RSA" and s.asks_question


def test_a_gap_place_counts_only_with_an_honest_gap():
    item = _item(aspect="documents", expect=["avis d'imposition"], gap_ok=["3646"])
    assert score_reply(item, ["Je n'ai pas cette information : appelez le 3646."]).answered
    assert not score_reply(item, ["La C2S est gratuite sous un plafond. Contact : 3646."]).answered


def test_a_second_group_of_alternatives_must_also_be_present():
    item = _item(aspect="ceiling", expect=["à vérifier"], expect_also=["3 personnes"])
    assert not score_reply(item, ["Plafond : 10 339 € pour 1 personne (chiffre à vérifier)."]).answered
    assert score_reply(item, ["Plafond : 18 609 € pour 3 personnes (chiffre à vérifier)."]).answered


def test_a_reply_without_the_element_is_not_answered():
    s = score_reply(_item(), ["La Complémentaire santé solidaire paie la part de vos soins non remboursée."])
    assert not s.answered and s.matched is None


def test_the_nlu_copy_of_the_training_part_is_up_to_date_and_holds_no_held_out_question():
    from scripts import bank_to_nlu

    generated = bank_to_nlu.OUTPUT.read_text(encoding="utf-8")
    assert generated == bank_to_nlu.render(), "run scripts/bank_to_nlu.py"
    for item in BANK:
        if item["split"] == "heldout":
            assert f"- {' '.join(item['text'].split())}\n" not in generated, item["id"]


def test_no_held_out_question_is_a_training_example():
    from pathlib import Path

    nlu = "\n".join(p.read_text(encoding="utf-8").lower() for p in (Path(BANK_DIR).parent.parent / "data" / "nlu").glob("*.yml"))
    leaked = [item["id"] for item in BANK
              if item["split"] == "heldout" and f"- {' '.join(item['text'].split()).lower()}\n" in nlu]
    assert leaked == []
