"""The prevention calendar states the rules in force on 7 December 2026 (issue 15): HPV catch-up
up to 26, meningococcal ACWY for teenagers and young adults, RSV protection in pregnancy and for
newborns, the vaccines of people aged 65 and over, the contraception rules by age, and a flu
campaign that is never stated as current once it has ended. The data is sourced (official first,
or a stated reason), no URL is a bare home page, and no text shown to people holds research notes
or machine paths.

Dates are injected: the same request on 2026-01-15 (2025-2026 flu campaign running), 2026-03-31
and 2026-12-07 (ended)."""
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

import bot.prevention as prevention
from bot.knowledge import KnowledgeError
from bot.knowledge.prevention_schema import is_bare_domain, research_notes, user_texts
from bot.prevention import (
    PREVENTION_FILE,
    Person,
    campaign_text,
    direct_answer,
    find_offer,
    load_prevention,
    offers_for,
    render_prevention,
)

DEC_7 = date(2026, 12, 7)
MARCH_31 = date(2026, 3, 31)
JAN_15 = date(2026, 1, 15)  # the 2025-2026 flu campaign still runs (extended to 28/02/2026)
CAL = load_prevention()

# Research notes and machine paths, written here independently of the schema's own list.
NOTES = re.compile(
    r"fichier\s+\d{3}_|\d{3}_\w+\.txt|lignes?\s+\d+|\(where\)|ne pas publier|\bseed\b|(?:^|[\s(«\x22\x27])/[A-Za-z_.-]+/|shared/reference"
    r"|facts(-2026)?\.md|\[(OFF|SEC|DERIVED|NOT FOUND)\]",
    re.I,
)


def now_ids(person: Person, on: date = DEC_7) -> set:
    return set(offers_for(person, on).offer_ids)


def now_line(person: Person, offer_id: str, on: date = DEC_7):
    return next((l for l in offers_for(person, on).now if l.offer_id == offer_id), None)


# --- 65 and over ----------------------------------------------------------------------------------


@pytest.mark.parametrize("sex", [None, "female", "male"])
def test_a_70_year_old_gets_flu_covid_pneumococcal_and_shingles_lines(sex):
    person = Person(age_years=70, sex=sex)
    assert {"flu_vaccine", "covid_vaccine", "pneumococcal_vaccine", "shingles_vaccine"} <= now_ids(person)
    text = render_prevention(offers_for(person, DEC_7), person)
    for label in ("Vaccin contre la grippe", "Vaccin contre le Covid-19", "Vaccin contre le pneumocoque",
                  "Vaccin contre le zona"):
        assert f"• {label}" in text, label
    assert "Shingrix" in text and "Prevenar 20" in text


def test_the_65_plus_vaccines_start_at_65():
    for offer_id in ("flu_vaccine", "covid_vaccine", "pneumococcal_vaccine", "shingles_vaccine"):
        assert offer_id in now_ids(Person(age_years=65)), offer_id
        assert offer_id not in now_ids(Person(age_years=64)), offer_id
    # under 65 they are offered only to people at risk (chronic illness, immunodepression)
    at_risk = {l.offer_id for l in offers_for(Person(age_years=50), DEC_7).if_at_risk}
    assert {"flu_vaccine", "covid_vaccine", "pneumococcal_vaccine", "shingles_vaccine"} <= at_risk


def test_covid_spring_booster_from_80_and_shingles_sourced_officially():
    assert "au printemps" in now_line(Person(age_years=80), "covid_vaccine").rhythm
    assert "au printemps" not in now_line(Person(age_years=79), "covid_vaccine").rhythm
    zona = now_line(Person(age_years=70), "shingles_vaccine")
    assert "Deux doses" in zona.rhythm and "65 %" in zona.coverage and not zona.needs_check
    assert zona.sources[0].url == "https://vaccination-info-service.fr/Les-maladies-et-leurs-vaccins/Le-zona"


# --- HPV and meningococcal ------------------------------------------------------------------------


def test_hpv_catch_up_up_to_26_for_everyone():
    for sex in (None, "female", "male"):
        hpv = now_line(Person(age_years=22, sex=sex), "hpv_vaccine")
        assert hpv is not None and hpv.who == "Rattrapage, de 15 à 26 ans" and "3 doses" in hpv.rhythm, sex
    assert now_line(Person(age_years=26), "hpv_vaccine") is not None
    assert now_line(Person(age_years=27), "hpv_vaccine") is None


def test_hpv_rule_depends_on_the_date():
    # before the arrêté of 9/12/2025 (Journal officiel of 12/12/2025), the catch-up stopped at 19
    before = date(2025, 6, 1)
    assert now_line(Person(age_years=22), "hpv_vaccine", before) is None
    assert now_line(Person(age_years=17), "hpv_vaccine", before).who == "Rattrapage, de 15 à 19 ans"
    assert now_line(Person(age_years=17), "hpv_vaccine", date(2025, 12, 12)).who == "Rattrapage, de 15 à 26 ans"
    answer = direct_answer("hpv_vaccine", DEC_7)
    assert "Rattrapage, de 15 à 26 ans" in answer and "15 à 19 ans" not in answer


def test_menacwy_at_12_and_catch_up_at_20():
    at_12 = now_line(Person(age_years=12, for_whom="child"), "meningococcal_vaccine")
    assert at_12.who == "Filles et garçons de 11 à 14 ans" and "ACWY" in at_12.rhythm and "collège" in at_12.rhythm
    at_20 = now_line(Person(age_years=20), "meningococcal_vaccine")
    assert at_20.who == "Rattrapage, de 15 à 24 ans" and "ACWY" in at_20.rhythm
    assert now_line(Person(age_years=3, for_whom="child"), "meningococcal_vaccine").who == "Rattrapage, de 2 à 4 ans"
    for age in (1, 5, 10, 25):
        assert now_line(Person(age_years=age), "meningococcal_vaccine") is None, age
    # a catch-up is never announced as what comes next
    baby = offers_for(Person(age_months=8, for_whom="child"), DEC_7)
    assert not any(m.offer_id == "meningococcal_vaccine" and m.at_age == 2 for m in baby.next)
    assert find_offer("vaccin contre la méningite ACWY") == "meningococcal_vaccine"


def test_infant_meningococcal_schedule_is_kept():
    doses = {d.vaccine: d.at_months for d in CAL.offer("infant_vaccines").rhythm.doses}
    assert doses == {"méningocoque B": [3, 5, 12], "méningocoque ACWY": [6, 12]}
    assert all(d.valid_from == date(2025, 1, 1) for d in CAL.offer("infant_vaccines").rhythm.doses)


# --- RSV ------------------------------------------------------------------------------------------


def test_rsv_protection_in_pregnancy_and_for_newborns():
    pregnant = now_line(Person(age_years=30, pregnant=True), "rsv_protection")
    assert pregnant is not None and "Abrysvo" in pregnant.rhythm and "32e et la 36e semaine" in pregnant.group
    newborn = now_line(Person(age_months=0, for_whom="child"), "rsv_protection")
    assert newborn is not None and "Beyfortus" in newborn.rhythm and "maternité" in newborn.rhythm
    assert now_line(Person(age_months=11, for_whom="child"), "rsv_protection") is not None
    assert now_line(Person(age_months=12, for_whom="child"), "rsv_protection") is None
    assert now_line(Person(age_years=30, sex="female", pregnant=False), "rsv_protection") is None
    # a woman who may be pregnant is told it would add the RSV vaccine
    assert CAL.offer("rsv_protection").label in offers_for(Person(age_years=30, sex="female"), DEC_7).pregnancy_dependent


def test_rsv_vaccines_for_seniors_are_said_not_reimbursed_with_their_date():
    answer = direct_answer("rsv_protection", DEC_7)
    assert "75 ans et plus n'étaient pas remboursés au 12 février 2026" in answer
    assert "rsv_protection" not in now_ids(Person(age_years=80))  # not offered as a reimbursed vaccine
    assert find_offer("la bronchiolite, le Beyfortus c'est remboursé ?") == "rsv_protection"


# --- the flu campaign and dated lines -------------------------------------------------------------


@pytest.mark.parametrize("on", [MARCH_31, DEC_7])
def test_an_ended_flu_campaign_is_never_stated_as_current(on):
    campaign = CAL.offer("flu_vaccine").rhythm.campaign
    assert campaign.end < on
    for text in (now_line(Person(age_years=70), "flu_vaccine", on).rhythm, direct_answer("flu_vaccine", on),
                 render_prevention(offers_for(Person(age_years=70), on))):
        assert "en cours" not in text
        assert fr(campaign.start) not in text and fr(campaign.end) not in text  # no 2025-2026 date at all
        assert f"La campagne {campaign.season} est terminée." in text
        assert "chaque automne, aux dates annoncées chaque année" in text
        assert "Les dates de la campagne 2026-2027 ne sont pas intégrées ici" in text
        assert campaign.check.url in text  # where to check them


def test_a_running_flu_campaign_is_stated_with_its_end():
    text = now_line(Person(age_years=70), "flu_vaccine", JAN_15).rhythm
    assert "Campagne 2025-2026 en cours jusqu'au 28/02/2026." in text and "terminée" not in text


def test_campaign_wording_names_the_right_next_season():
    campaign = CAL.offer("flu_vaccine").rhythm.campaign
    assert "campagne 2026-2027" in campaign_text(campaign, date(2027, 1, 20))
    assert "campagne 2027-2028" in campaign_text(campaign, date(2027, 10, 1))
    assert campaign_text(campaign, date(2025, 9, 1)) == "Campagne 2025-2026 : du 14/10/2025 au 28/02/2026."


def fr(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def _calendar(tmp_path: Path, mutate):
    data = yaml.safe_load(PREVENTION_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "prevention.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


def _offer_data(data, offer_id):
    return next(o for o in data["offers"] if o["id"] == offer_id)


def test_a_dated_line_is_not_stated_after_its_period(tmp_path, monkeypatch):
    def add_dated_note(data):
        _offer_data(data, "hpv_vaccine")["coverage"].append({
            "id": "hpv_vaccine.coverage.exceptional", "text": "prise en charge exceptionnelle jusqu'au 31 mars 2026",
            "en": "exceptional coverage until 31 March 2026", "valid_to": "2026-03-31", "source_id": "ordre_sf_gardasil"})

    calendar = load_prevention(_calendar(tmp_path, add_dated_note))
    monkeypatch.setattr(prevention, "load_prevention", lambda path=None: calendar)
    person = Person(age_years=22)
    assert "exceptionnelle" in now_line(person, "hpv_vaccine", MARCH_31).coverage
    assert "exceptionnelle" in direct_answer("hpv_vaccine", MARCH_31)
    assert "exceptionnelle" not in now_line(person, "hpv_vaccine", DEC_7).coverage
    assert "exceptionnelle" not in direct_answer("hpv_vaccine", DEC_7)


# --- contraception --------------------------------------------------------------------------------


def test_contraception_rules_by_age():
    answer = direct_answer("contraception", DEC_7)
    assert "Contraception, femmes jusqu'à 25 ans : prise en charge à 100 %" in answer
    assert "Préservatifs, jusqu'à 25 ans" in answer and "sans ordonnance" in answer
    assert "Contraception d'urgence (pilule du lendemain), femmes : gratuite en pharmacie, sans ordonnance" in answer
    assert "quel que soit l'âge" in answer and "(à vérifier)" not in answer
    for question in ("la pilule du lendemain est gratuite ?", "préservatifs gratuits pour les jeunes",
                     "contraception gratuite pour ma fille"):
        assert find_offer(question) == "contraception", question


# --- sources, URLs and what people read -------------------------------------------------------------


def test_every_offer_has_an_official_main_source_or_a_stated_reason():
    for offer in CAL.offers:
        main = CAL.source(offer.source_ids[0])
        assert main.confidence == "official" or (offer.no_official_source and len(offer.no_official_source) > 30), offer.id
    for offer_id in ("hpv_vaccine", "meningococcal_vaccine", "rsv_protection", "flu_vaccine",
                     "pneumococcal_vaccine", "shingles_vaccine", "contraception"):
        assert CAL.source(CAL.offer(offer_id).source_ids[0]).confidence == "official", offer_id


def test_no_source_or_link_is_a_bare_home_page():
    for source in CAL.sources:
        for url in filter(None, (source.url, source.canonical_url)):
            assert not is_bare_domain(url), (source.id, url)
            assert urlsplit_path(url) not in ("", "/"), (source.id, url)
    for offer in CAL.offers:
        link = offer.next_step_link
        if link and not link.service:  # the online kit order is a service: its site is the address
            assert urlsplit_path(link.url) not in ("", "/"), offer.id
        if offer.rhythm and offer.rhythm.campaign and offer.rhythm.campaign.check:
            assert urlsplit_path(offer.rhythm.campaign.check.url) not in ("", "/")


def urlsplit_path(url: str) -> str:
    rest = url.split("://", 1)[1]
    return rest[rest.find("/"):] if "/" in rest else ""


def test_no_shown_text_holds_research_notes_or_machine_paths():
    shown = [(f"{o.id}.{path}", text) for o in CAL.offers for path, text in user_texts(o)]
    shown += [(s.id, text) for s in CAL.sources for text in (s.title, s.note or "")]
    assert len(shown) > 200
    for where, text in shown:
        assert not NOTES.search(text), (where, text)
        assert not research_notes(text), (where, text)
    for offer in CAL.offers:
        for on in (MARCH_31, DEC_7):
            assert not NOTES.search(direct_answer(offer.id, on)), offer.id
    for age in (0, 2, 12, 22, 30, 52, 70, 85):
        assert not NOTES.search(render_prevention(offers_for(Person(age_years=age), DEC_7))), age


def test_editor_notes_are_never_rendered():
    from bot.web.reference import prevention_entry

    html = "".join(prevention_entry(o, CAL, DEC_7) for o in CAL.offers)
    answers = "\n".join(direct_answer(o.id, DEC_7) for o in CAL.offers)
    hidden = [s.editor_note for s in CAL.sources if s.editor_note]
    hidden += [o.editor_note for o in CAL.offers if o.editor_note]
    hidden += [o.no_official_source for o in CAL.offers if o.no_official_source]
    assert len(hidden) >= 10
    for text in hidden:
        fragment = text[:40]
        assert fragment not in html and fragment not in answers, fragment


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["sources"][0].update(url="https://www.ameli.fr"), "bare domain"),
        (lambda d: d["sources"][0].update(canonical_url="https://www.service-public.fr/"), "bare domain"),
        (lambda d: d["sources"][0].update(note="vu dans le fichier 002_cpam.txt, lignes 29-30"), "research notes"),
        # every line has an id and its English wording (issue 16): the mutations below add them, so
        # that the message checked is the one of the rule under test
        (lambda d: _offer_data(d, "eps")["how"].append(
            {"id": "eps.how.draft", "text": "ne pas publier avant vérification", "en": "draft, to be checked",
             "source_id": "sp_f170"}), "research notes"),
        (lambda d: _offer_data(d, "eps")["next_step_link"].update(url="https://www.service-public.fr"), "bare domain"),
        (lambda d: _offer_data(d, "eps").update(source_ids=["april_eps", "sp_f170"]), "no_official_source"),
        (lambda d: _offer_data(d, "eps")["coverage"].append(
            {"id": "eps.coverage.until", "text": "gratuit jusqu'au 31 décembre 2026", "en": "free of charge",
             "source_id": "sp_f170"}), "has no valid_to"),
        (lambda d: _offer_data(d, "eps")["coverage"].append(
            {"id": "eps.coverage.since", "text": "gratuit depuis le 1er janvier 2026", "en": "free of charge",
             "source_id": "sp_f170"}), "has no valid_from"),
        (lambda d: _offer_data(d, "mt_dents")["who"][0].pop("valid_from"), "has no valid_from"),
        (lambda d: _offer_data(d, "flu_vaccine")["rhythm"]["campaign"].update(season="2025/26"), "season"),
    ],
)
def test_the_schema_refuses_unsourced_or_undated_or_noted_texts(tmp_path, mutate, message):
    path = _calendar(tmp_path, mutate)
    with pytest.raises(KnowledgeError) as err:
        load_prevention(path)
    assert message in str(err.value)
