"""Issue 16 through the REST channel against the real servers: the first reply answers the question
asked, in at most 600 characters, and asks nothing the answer does not depend on."""
from __future__ import annotations

MAX_FIRST_REPLY = 600


def first_reply(conversation, text: str):
    messages = conversation.say(text)
    reply = "\n".join(m.get("text") or "" for m in messages)
    buttons = [b for m in messages for b in m.get("buttons") or []]
    return reply, buttons


def test_a_factual_question_on_a_ceiling_is_answered_without_the_form(conversation):
    reply, buttons = first_reply(
        conversation, "Jusqu'à quel revenu on peut avoir la C2S avec participation pour une personne seule ?")
    assert "1 personne" in reply and "avec participation jusqu'à" in reply
    assert "pas encore intégré" in reply  # the 2025 table ended on 31/03/2026: said as ended
    assert "Touchez-vous le RSA" not in reply
    assert len(reply) <= MAX_FIRST_REPLY and len(buttons) <= 3


def test_the_ceiling_is_computed_for_the_household_and_the_territory_said(conversation):
    reply, _ = first_reply(conversation, "on est 3 a la reunion, c quoi le plafond pour la css gratuite ?")
    assert "3 personnes en outre-mer" in reply
    assert "calcul à partir" in reply  # overseas ceilings are a calculation, said as such


def test_a_mixed_question_gets_the_answer_then_the_offer_to_check(conversation):
    reply, buttons = first_reply(
        conversation, "c'est combien le plafond de ressources de la css ? est-ce que j'y ai droit moi ?")
    assert "C2S gratuite jusqu'à" in reply
    assert any(b["title"] == "Vérifier si j’y ai droit" for b in buttons)
    assert "Touchez-vous le RSA" not in reply


def test_asking_about_ones_own_entitlement_starts_the_check(conversation):
    reply, _ = first_reply(conversation, "est-ce que j'ai droit à la complémentaire santé solidaire ?")
    assert "?" in reply  # the first question of the eligibility form


def test_flu_vaccine_at_70_is_answered_without_asking_the_sex(conversation):
    reply, _ = first_reply(conversation, "J'ai 70 ans, le vaccin contre la grippe est-il gratuit ?")
    assert "100 %" in reply
    assert "femme ou pour un homme" not in reply
    assert len(reply) <= MAX_FIRST_REPLY


def test_the_phone_number_is_3646_at_once(conversation):
    reply, buttons = first_reply(conversation, "quel est le numéro de téléphone de l'assurance maladie ?")
    assert "3646" in reply
    assert len(buttons) <= 3  # no menu of needs before the number


def test_a_recent_mammography_is_not_read_as_the_age_of_a_child(conversation):
    reply, _ = first_reply(conversation, "ma dernière mammographie date de moins de 2 ans, je dois en refaire une ?")
    assert "2 ans" in reply  # every 2 years
    assert "M'T dents" not in reply and "M’T dents" not in reply


def test_five_months_pregnant_is_a_pregnancy_not_a_baby(conversation):
    reply, _ = first_reply(conversation, "je suis enceinte de 5 mois, le vaccin contre la coqueluche est conseillé ?")
    assert "personne de 5 mois" not in reply and "enfant de 5 mois" not in reply
    assert "grossesse" in reply.lower() or "enceinte" in reply.lower()


def test_an_english_question_gets_an_english_reply(conversation):
    reply, _ = first_reply(conversation, "how can I get a social security number in france?")
    assert "Je ne peux pas répondre" not in reply
    assert any(word in reply for word in ("PUMa", "CPAM", "3646"))  # placed on health cover
    assert "Source:" in reply and "(checked on" in reply  # in English, source line included
    assert "vérifié" not in reply
