"""Prevention by age and the right contact, through the REST channel against the real servers."""
from __future__ import annotations


def test_a_woman_of_52_gets_her_screenings_with_rhythm_coverage_and_what_comes_next(conversation):
    answer = conversation.say_text("quels examens de prévention pour moi ? j'ai 52 ans, je suis une femme")
    assert "Dépistage du cancer du sein" in answer
    assert "Dépistage du cancer colorectal" in answer
    assert "Test HPV tous les 5 ans" in answer
    assert "Tous les 2 ans" in answer and "100 %" in answer
    assert "Bientôt" in answer
    assert "vérifié le" in answer


def test_a_boy_of_6_gets_mt_dents_and_his_boosters(conversation):
    answer = conversation.say_text("mon fils a 6 ans, il a droit à quoi en prévention ?")
    assert "M'T dents" in answer or "M’T dents" in answer
    assert "rappel" in answer.lower()


def test_the_form_asks_the_age_then_only_what_changes_the_answer(conversation):
    first = conversation.say_text("qu'est-ce qui est pris en charge en prévention pour moi ?")
    assert "Quel âge" in first
    re_ask = conversation.say_text("200 ans")
    assert "120" in re_ask
    sex_question = conversation.say_text("cinquante-deux ans")
    assert "femme ou pour un homme" in sex_question
    answer = conversation.say_text("je préfère ne pas le dire")
    assert "Dépistage du cancer colorectal" in answer  # does not depend on sex
    assert "Dépistage du cancer du sein" not in answer


def test_a_direct_question_is_answered_without_the_form(conversation):
    answer = conversation.say_text("le vaccin HPV pour les garçons ?")
    assert "garçons" in answer and "11 à 14 ans" in answer
    assert "Quel âge" not in answer


def test_a_partner_at_wattrelos_gets_the_roubaix_tourcoing_partner_route(conversation):
    answer = conversation.say_text(
        "je suis au CCAS de Wattrelos, une dame renonce à ses soins dentaires, je fais comment ?"
    )
    assert "Espace Partenaires" in answer
    assert "Roubaix-Tourcoing" in answer
    assert len(answer) <= 600 + len("Préparer la demande d'accompagnement (MAS) ici\nPlus de détails\nAutre sujet\n")
    details = conversation.say_text('/ask_contact{"contact_need":"renoncement","aspect":"overview"}')  # "Plus de détails"
    assert "consentement" in details
    assert "jamais par son NIR" in details


def test_a_death_in_annecy_gets_the_capital_deces_route_with_haute_savoie_and_national_channels(conversation):
    answer = conversation.say_text("mon père est décédé, j'habite Annecy, qui contacter ?")
    assert "capital décès" in answer
    assert "CPAM de Haute-Savoie" in answer
    assert "3646" in answer


def test_a_place_given_late_completes_the_contact_question(conversation):
    first = conversation.say_text("j'ai perdu ma carte vitale, qui contacter ?")
    assert "votre ville" in first  # asks where, to give the local CPAM
    answer = conversation.say_text("et je suis à Brest")
    assert "Finistère" in answer


def test_a_departement_outside_the_conventions_gets_national_channels_only(conversation):
    answer = conversation.say_text("je n'ai pas été remboursé, qui contacter ? j'habite dans le Lot")
    assert "3646" in answer
    assert "https://www.ameli.fr/lot" in answer
    assert "@" not in answer  # no invented email


# --- the rules in force on the day of the conversation (issue 15) -----------------------------------


def test_a_70_year_old_gets_flu_covid_pneumococcal_and_shingles_vaccines(conversation):
    answer = conversation.say_text("ma mère a 70 ans, quels vaccins pour elle ?")
    assert "Pour votre mère de 70 ans" in answer
    for label in ("Vaccin contre la grippe", "Vaccin contre le Covid-19", "Vaccin contre le pneumocoque",
                  "Vaccin contre le zona"):
        assert label in answer, label
    assert "Campagne 2025-2026 en cours" not in answer  # that campaign ended on 28/02/2026


def test_hpv_catch_up_is_offered_at_22(conversation):
    answer = conversation.say_text("j'ai 22 ans, le vaccin HPV est-il remboursé ?")
    assert "à 22 ans, vous êtes dans le public concerné (rattrapage" in answer
    assert "65 %" in answer or "rembours" in answer


def test_a_direct_flu_question_does_not_give_last_season_as_current(conversation):
    answer = conversation.say_text("le vaccin contre la grippe est gratuit ?")
    assert "La campagne 2025-2026 est terminée." in answer
    assert "en cours" not in answer and "28/02/2026" not in answer
    assert "pour-les-personnes-agees.gouv.fr" in answer


# --- local answers to the public and the conventions' items (issue 15) ------------------------------


def test_the_avignon_health_examination_question_gets_the_vaucluse_centre_in_the_first_reply(conversation):
    answer = conversation.say_text("J'habite à Avignon, comment je m'inscris au centre d'examens de santé ?")
    assert "selon la convention CPAM de Vaucluse, 2023" in answer
    assert "inscription.ces84@assurance-maladie.fr" in answer and "04 86 19 93 20" in answer and "Doctolib" in answer


def test_annecy_and_roubaix_health_examination_questions_get_their_centres(conversation):
    annecy = conversation.say_text("J'habite à Annecy, comment je m'inscris au centre d'examens de santé ?")
    assert "04 57 09 50 29" in annecy and "ces.cpam-haute-savoie@assurance-maladie.fr" in annecy
    roubaix = conversation.say_text("J'habite à Roubaix, comment je m'inscris au centre d'examens de santé ?")
    assert "03 20 99 30 70" in roubaix


def test_the_rouen_invalidity_question_gets_the_invalidity_mailbox(conversation):
    answer = conversation.say_text("J'habite à Rouen, à qui écrire pour ma pension d'invalidité ?")
    assert "sriferent.cpam-rouen-elbeuf-dieppe@assurance-maladie.fr" in answer
    assert "selon la convention des CPAM de Rouen-Elbeuf-Dieppe et du Havre, 2023" in answer


def test_the_mas_also_helps_people_with_the_ame(conversation):
    answer = conversation.say_text("j'ai l'AME, la MAS peut-elle m'aider ?")
    assert "aussi aux personnes qui ont l'AME" in answer


def test_no_research_note_reaches_the_public(conversation):
    answer = conversation.say_text("J'habite à Annecy, comment contacter le médiateur ?")
    for note in (".txt", "lignes ", "(where)", "seed"):
        assert note not in answer, note
