"""The prevention calendar: the data loads and is sourced, every age from 0 to 90 gets the offers the
YAML gives (boundaries read from the data, not written here), the bot asks only the facts that change
the answer, and the French answers say where they come from."""
import re
from datetime import date
from pathlib import Path

import pytest
import yaml

from bot.knowledge import KnowledgeError
from bot.knowledge.prevention_schema import Offer, PreventionCalendar, Who
from bot.prevention import (
    CHILDBEARING_AGES,
    PREVENTION_FILE,
    Person,
    age_from_text,
    direct_answer,
    find_offer,
    load_prevention,
    needed_facts,
    next_step_buttons,
    offers_for,
    render_prevention,
    who_text,
)

TODAY = date(2026, 11, 24)
# The days the sources were read: the first calendar (24/11/2026) and the 2026 rules (07/12/2026).
CHECK_DAYS = {date(2026, 11, 24), date(2026, 12, 7)}
CAL = load_prevention()
AGES = range(0, 91)
SEX_OPTIONS = ("female", "male", None)
SOURCE_LINE = re.compile(r"^Source : https://\S+ \(vérifié le \d{2}/\d{2}/\d{4}\)( \(à vérifier\))?$")


def offer(offer_id: str) -> Offer:
    return CAL.offer(offer_id)


def ids(person: Person, on: date = TODAY):
    answer = offers_for(person, on)
    return {l.offer_id for l in answer.now}, {l.offer_id for l in answer.if_at_risk}


def line(person: Person, offer_id: str, on: date = TODAY):
    return next((l for l in offers_for(person, on).now if l.offer_id == offer_id), None)


# --- an oracle written from the YAML fields, independent of bot.prevention's code ----------------


def _group_applies(who: Who, years: int, months: int, sex, pregnant, on: date) -> bool:
    if who.valid_from and on < who.valid_from or who.valid_to and on > who.valid_to:
        return False
    if who.min_age is not None and years < who.min_age or who.max_age is not None and years > who.max_age:
        return False
    if who.min_age_months is not None and months < who.min_age_months:
        return False
    if who.max_age_months is not None and months > who.max_age_months:
        return False
    effective_sex = "female" if sex is None and pregnant else sex
    if who.sex != "any" and who.sex != effective_sex:
        return False
    return who.pregnancy == "any" or pregnant is True


def _windows(rhythm):
    out = [(w.min_age, w.max_age if w.max_age is not None else w.min_age) for w in rhythm.at_ages]
    if rhythm.then_every_years:
        age = out[-1][1] + rhythm.then_every_years
        while age <= 120:
            out.append((age, age))
            age += rhythm.then_every_years
    return out


def expected(years: int, sex=None, pregnant=None, months=None, on: date = TODAY):
    months = years * 12 if months is None else months
    now, at_risk = set(), set()
    for o in CAL.offers:
        if not o.in_calendar:
            continue
        for who in o.who:
            if not _group_applies(who, years, months, sex, pregnant, on):
                continue
            rhythm = who.rhythm or o.rhythm
            if who.risk_group:
                at_risk.add(o.id)
            elif not rhythm.at_ages or any(a <= years <= b for a, b in _windows(rhythm)):
                now.add(o.id)
    return now, at_risk - now


# --- the data ---------------------------------------------------------------------------------


def test_calendar_loads_validated_and_cached():
    assert isinstance(CAL, PreventionCalendar)
    assert load_prevention() is CAL
    assert len({o.id for o in CAL.offers}) == len(CAL.offers)


def test_every_offer_has_an_https_source_checked_today():
    for o in CAL.offers:
        assert o.source_ids, o.id
        for sid in o.source_ids:
            source = CAL.source(sid)
            assert source.url.startswith("https://") and source.display_url.startswith("https://"), sid
            # read again on 07/12/2026 for the 2026 rules (issue 15); the others on 24/11/2026
            assert source.checked in CHECK_DAYS, sid
        if o.next_step_link:
            assert o.next_step_link.url.startswith("https://")
        for who in o.who:
            CAL.source(who.source_id)
            CAL.source(o.rhythm_for(who).source_id)
        for fact in o.coverage + o.how + o.notes:
            CAL.source(fact.source_id)


def test_trust_markers_of_the_reference_file_are_kept():
    confidence = {s.id: s.confidence for s in CAL.sources}
    # press_vaccins_nourrisson, press_hpv and press_grippe (secondary, bare home pages) were replaced
    # by official pages in issue 15; the secondary sources left are still marked so
    for sid in ("quechoisir_colorectal", "depistage_ge_col", "qdm_rappels", "pourquoidocteur_bilan", "april_eps",
                "prescrire_covid", "qph_calendrier_2025", "bfm_grippe_prolongation"):
        assert confidence[sid] == "secondary", sid
    for sid in ("sp_f243", "ecancer_sein", "vis_collectivite", "sp_f170", "vis_zona", "ordre_sf_gardasil",
                "ameli_bronchiolite", "ars_normandie_contraception"):
        assert confidence[sid] == "official", sid
    assert CAL.source("sp_f170").page_date == date(2025, 11, 25)
    assert CAL.source("sp_f170").display_url == "https://www.service-public.fr/particuliers/vosdroits/F170"
    assert CAL.source("sp_mtdents_news").page_date == date(2025, 3, 26)


def test_calendar_matches_the_reference_facts():
    """A guard against typos: the rules of facts.md section 6 and of the seeds, as the YAML states them."""
    def bounds(offer_id, i=0):
        w = offer(offer_id).who[i]
        return w.min_age, w.max_age

    assert bounds("mt_dents") == (3, 24) and offer("mt_dents").who[0].valid_from == date(2025, 4, 1)
    assert bounds("breast_screening") == (50, 74) and offer("breast_screening").rhythm.every_years == 2
    assert bounds("colorectal_screening") == (50, 74) and offer("colorectal_screening").rhythm.every_years == 2
    assert bounds("cervical_screening", 0) == (25, 29) and bounds("cervical_screening", 1) == (30, 65)
    assert [offer("cervical_screening").rhythm_for(w).every_years for w in offer("cervical_screening").who] == [3, 5]
    dtp = offer("dtp_booster").rhythm
    assert [(a, b) for a, b in _windows(dtp)][:7] == [(6, 6), (11, 13), (25, 25), (45, 45), (65, 65), (75, 75), (85, 85)]
    # HPV catch-up: up to 26 for everyone since 12/12/2025 (group 1); the 15-19 rule ended (group 2)
    assert bounds("hpv_vaccine", 0) == (11, 14) and bounds("hpv_vaccine", 1) == (15, 26)
    assert offer("hpv_vaccine").who[1].valid_from == date(2025, 12, 12)
    assert bounds("hpv_vaccine", 2) == (15, 19) and offer("hpv_vaccine").who[2].valid_to == date(2025, 12, 11)
    assert bounds("eps") == (16, None) and offer("eps").rhythm.every_years == 5
    assert [(w.min_age, w.max_age) for w in offer("mon_bilan_prevention").rhythm.at_ages] == [(18, 25), (45, 50), (60, 65), (70, 75)]
    campaign = offer("flu_vaccine").rhythm.campaign
    # the 2025-2026 campaign was extended from 31/01/2026 to 28/02/2026
    assert (campaign.start, campaign.end) == (date(2025, 10, 14), date(2026, 2, 28))
    doses = {d.vaccine: d.at_months for d in offer("infant_vaccines").rhythm.doses}
    assert doses == {"méningocoque B": [3, 5, 12], "méningocoque ACWY": [6, 12]}
    assert offer("child_exams").rhythm.count == 20 and bounds("child_exams") == (0, 16)


def test_unsourced_rules_are_not_stated():
    text = PREVENTION_FILE.read_text(encoding="utf-8")
    assert "1980" not in text  # ROR catch-up for people born since 1980: in no source
    assert "16-18 mois" not in text and "16 à 18 mois" not in text  # ROR dose ages: in no source
    # "26 ans" is now stated: free contraception and condoms under 26, HPV catch-up to 26, both
    # from official pages (issue 15)
    assert "3422" not in text  # [NOT FOUND] in facts.md


def test_old_texts_are_flagged_to_check():
    # the 2020 "contraception des mineures" rule was replaced by the official under-26 rules
    assert not offer("contraception").to_check and not offer("contraception").in_calendar
    assert offer("tobacco_cessation").to_check and offer("sophia").to_check
    assert all(f.to_check for f in offer("colorectal_screening").coverage)
    assert "(à vérifier)" in direct_answer("sophia", TODAY)


def _write(tmp_path: Path, mutate) -> Path:
    data = yaml.safe_load(PREVENTION_FILE.read_text(encoding="utf-8"))
    mutate(data)
    path = tmp_path / "prevention.yml"
    path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d["offers"][0].update(colour="blue"), "extra fields not permitted"),
        (lambda d: d["offers"][1]["who"][0].update(source_id="nowhere"), "unknown source_id 'nowhere'"),
        (lambda d: d["offers"][1].update(source_ids=["nowhere"]), "unknown source_id 'nowhere'"),
        (lambda d: d["sources"][0].update(url="http://example.org"), "https://"),
        (lambda d: d["sources"][0].pop("checked"), "checked"),
        (lambda d: d["sources"][0].update(confidence="sure"), "confidence"),
        (lambda d: d["offers"][1]["who"][0].update(min_age=80), "maximum age is below the minimum age"),
        (lambda d: d["offers"][1]["rhythm"].update(at_ages=[50]), "either every_years or at_ages"),
        (lambda d: d["offers"][1].update(id="breast Screening"), "snake_case"),
        (lambda d: d["offers"][2].update(id="breast_screening"), "duplicate offer ids"),
        (lambda d: d["offers"][1]["who"][0].update(sex="male", pregnancy="required"), "pregnancy: required"),
    ],
)
def test_a_broken_file_is_refused_with_a_clear_error(tmp_path, mutate, message):
    path = _write(tmp_path, mutate)
    with pytest.raises(KnowledgeError) as err:
        load_prevention(path)
    assert str(path) in str(err.value)
    assert message in str(err.value)


def test_unreadable_files_are_refused(tmp_path):
    bad = tmp_path / "bad.yml"
    bad.write_text("offers: [\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="cannot read"):
        load_prevention(bad)
    listed = tmp_path / "list.yml"
    listed.write_text("- 1\n", encoding="utf-8")
    with pytest.raises(KnowledgeError, match="mapping"):
        load_prevention(listed)
    with pytest.raises(KnowledgeError, match="cannot read"):
        load_prevention(tmp_path / "missing.yml")


# --- every age, both sexes, pregnancy -----------------------------------------------------------


@pytest.mark.parametrize("age", AGES)
def test_every_age_gets_the_offers_of_the_data(age):
    for sex in SEX_OPTIONS:
        for pregnant in (None, False, True):
            if sex == "male" and pregnant:
                continue
            person = Person(age_years=age, sex=sex, pregnant=pregnant)
            assert ids(person) == expected(age, sex, pregnant), (age, sex, pregnant)


@pytest.mark.parametrize("months", range(0, 36))
def test_every_month_under_three(months):
    person = Person(age_months=months, for_whom="child")
    assert ids(person) == expected(months // 12, months=months), months


def _boundaries():
    """(offer_id, group index, age inside, age outside) for every age bound in the YAML."""
    cases = []
    for o in CAL.offers:
        if not o.in_calendar:
            continue
        for i, who in enumerate(o.who):
            if who.risk_group or who.pregnancy == "required" or not who.valid_on(TODAY):
                continue
            if who.min_age:
                cases.append((o.id, i, who.min_age, who.min_age - 1))
            if who.max_age is not None:
                cases.append((o.id, i, who.max_age, who.max_age + 1))
    return cases


@pytest.mark.parametrize("offer_id, index, inside, outside", _boundaries())
def test_every_age_bound_of_the_data(offer_id, index, inside, outside):
    who = offer(offer_id).who[index]
    sex = None if who.sex == "any" else who.sex
    rhythm = offer(offer_id).rhythm_for(who)
    if rhythm.at_ages and not any(a <= inside <= b for a, b in _windows(rhythm)):
        pytest.skip("bound outside the booster windows")
    got = line(Person(age_years=inside, sex=sex), offer_id)
    assert got is not None and got.who == who_text(who), (offer_id, inside)
    other = line(Person(age_years=outside, sex=sex), offer_id)
    assert other is None or other.who != who_text(who), (offer_id, outside)


NAMED_BOUNDARIES = [
    # offer, group, which bound: the transitions the calendar is known for (values read from the YAML)
    ("mt_dents", 0, "min"),  # 2/3
    ("mt_dents", 0, "max"),  # 24/25
    ("cervical_screening", 0, "min"),  # 24/25
    ("cervical_screening", 0, "max"),  # 29/30: cytology, then HPV test
    ("cervical_screening", 1, "max"),  # 65/66
    ("breast_screening", 0, "min"),  # 49/50
    ("breast_screening", 0, "max"),  # 74/75
    ("colorectal_screening", 0, "min"),
    ("colorectal_screening", 0, "max"),
    ("eps", 0, "min"),  # 15/16
    ("hpv_vaccine", 0, "min"),  # 10/11
    ("hpv_vaccine", 0, "max"),  # 14/15: catch-up
    ("hpv_vaccine", 1, "max"),  # 26/27 (catch-up up to 26 since 12/12/2025; it was 19/20)
    ("flu_vaccine", 0, "min"),  # 64/65
]


@pytest.mark.parametrize("offer_id, index, bound", NAMED_BOUNDARIES)
def test_named_boundaries(offer_id, index, bound):
    who = offer(offer_id).who[index]
    sex = None if who.sex == "any" else who.sex
    inside = who.min_age if bound == "min" else who.max_age
    outside = inside - 1 if bound == "min" else inside + 1
    assert line(Person(age_years=inside, sex=sex), offer_id).who == who_text(who)
    other = line(Person(age_years=outside, sex=sex), offer_id)
    assert other is None or other.who != who_text(who)


def test_booster_windows_and_bilan_bands_from_the_data():
    dtp = offer("dtp_booster").rhythm
    windows = _windows(dtp)
    for age in AGES:
        due = any(a <= age <= b for a, b in windows)
        assert (line(Person(age_years=age), "dtp_booster") is not None) == due, age
    bands = [(w.min_age, w.max_age) for w in offer("mon_bilan_prevention").rhythm.at_ages]
    for age in AGES:
        due = any(a <= age <= b for a, b in bands)
        assert (line(Person(age_years=age), "mon_bilan_prevention") is not None) == due, age


# --- what to ask ------------------------------------------------------------------------------


@pytest.mark.parametrize("age", AGES)
def test_sex_is_asked_only_when_it_changes_the_answer(age):
    changes = expected(age, "female") != expected(age, "male")
    facts = needed_facts(Person(age_years=age), TODAY)
    assert ("sex" in facts) == changes, age
    for sex in ("female", "male"):
        assert "sex" not in needed_facts(Person(age_years=age, sex=sex), TODAY)


@pytest.mark.parametrize("age", AGES)
def test_pregnancy_is_asked_only_when_relevant(age):
    relevant = CHILDBEARING_AGES[0] <= age <= CHILDBEARING_AGES[1]
    changes = expected(age, "female", True) != expected(age, "female", False)
    assert ("pregnant" in needed_facts(Person(age_years=age, sex="female"), TODAY)) == (relevant and changes), age
    assert "pregnant" not in needed_facts(Person(age_years=age, sex="male"), TODAY)
    assert "pregnant" not in needed_facts(Person(age_years=age, sex="female", pregnant=False), TODAY)


def test_asking_order_and_examples():
    assert needed_facts(Person(), TODAY) == ["age"]
    assert offers_for(Person(), TODAY).needs == ["age"]
    assert needed_facts(Person(age_years=6, for_whom="child"), TODAY) == []
    assert needed_facts(Person(age_years=12, for_whom="child"), TODAY) == []  # HPV: girls and boys
    assert needed_facts(Person(age_years=26), TODAY) == ["sex"]  # cervical screening
    assert needed_facts(Person(age_years=26, sex="female"), TODAY) == ["pregnant"]
    assert needed_facts(Person(age_years=26, sex="male"), TODAY) == []
    assert needed_facts(Person(age_years=52, sex="female"), TODAY) == []
    assert needed_facts(Person(age_years=1, for_whom="child"), TODAY) == ["age_months"]  # 12 vs 23 months
    assert needed_facts(Person(age_years=1, age_months=18, for_whom="child"), TODAY) == []


@pytest.mark.parametrize("age", [26, 40, 52, 60, 70])
def test_refusing_the_sex_still_gives_the_other_offers(age):
    answer = offers_for(Person(age_years=age), TODAY)
    now = {l.offer_id for l in answer.now}
    female, male = expected(age, "female")[0], expected(age, "male")[0]
    assert now == female & male
    hidden = {o.label for o in CAL.offers if o.id in (female | male) - now}
    assert set(answer.sex_dependent_hidden) == hidden and hidden
    assert "D'autres offres dépendent du sexe" in render_prevention(answer)


def test_pregnancy_adds_offers_for_a_woman():
    answer = offers_for(Person(age_years=30, sex="female"), TODAY)
    # issue 15 added the RSV vaccine (Abrysvo) and the COVID-19 vaccine during pregnancy
    added = {"mt_dents", "flu_vaccine", "rsv_protection", "covid_vaccine"}
    assert set(answer.pregnancy_dependent) == {offer(i).label for i in added}
    pregnant = offers_for(Person(age_years=30, pregnant=True), TODAY)
    assert added <= set(pregnant.offer_ids)
    mt = next(l for l in pregnant.now if l.offer_id == "mt_dents")
    assert "4e mois" in mt.group and "6 mois après la naissance" in mt.group
    assert render_prevention(pregnant).startswith("Pour une femme enceinte de 30 ans :")


# --- the cases of the brief -------------------------------------------------------------------


def test_woman_of_52():
    person = Person(age_years=52, sex="female")
    answer = offers_for(person, TODAY)
    breast, colorectal, cervical = (line(person, i) for i in ("breast_screening", "colorectal_screening", "cervical_screening"))
    assert offer("breast_screening").rhythm.every_years == 2 and "2 ans" in breast.rhythm
    assert "100 %" in breast.coverage and "sans avance de frais" in breast.coverage and not breast.needs_check
    assert offer("colorectal_screening").rhythm.every_years == 2 and "2 ans" in colorectal.rhythm
    # cervical screening now cites e-cancer.fr and ameli.fr (it cited a secondary page): no "à vérifier"
    assert "HPV" in cervical.rhythm and "5 ans" in cervical.rhythm and not cervical.needs_check
    assert answer.next and [m.sort_months for m in answer.next] == sorted(m.sort_months for m in answer.next)
    assert all(m.at_age > 52 for m in answer.next) and len(answer.next) <= 3
    assert any("Mon bilan prévention" in m.text for m in answer.next)
    text = render_prevention(answer, person)
    assert text.startswith("Pour une femme de 52 ans :")
    assert "Dès maintenant :" in text and "Bientôt :" in text
    assert text.index("Dès maintenant :") < text.index("Bientôt :") < text.index("Source :")
    assert "monkit.depistage-colorectal.fr" in text


def test_child_of_6():
    person = Person(age_years=6, for_whom="child")
    now = offers_for(person, TODAY).offer_ids
    assert "mt_dents" in now and "dtp_booster" in now
    dtp = line(person, "dtp_booster")
    following = next(w for w in offer("dtp_booster").rhythm.at_ages if w.min_age > 6)
    assert dtp.next_due_age == following.min_age == 11
    assert dtp.next_due == f"entre {following.min_age} et {following.max_age} ans"
    text = render_prevention(offers_for(person, TODAY), person)
    assert text.startswith("Pour votre enfant de 6 ans :")
    assert "Ensuite : entre 11 et 13 ans." in text and "Selon la santé de votre enfant :" in text


def test_child_of_18_months():
    person = Person(age_months=18, for_whom="child")
    now = offers_for(person, TODAY).offer_ids
    assert {"infant_vaccines", "ror_vaccine", "child_exams"} <= set(now)
    assert "infant_vaccines" not in offers_for(Person(age_months=19, for_whom="child"), TODAY).offer_ids
    assert render_prevention(offers_for(person, TODAY)).startswith("Pour votre enfant de 18 mois :")
    infant = offers_for(Person(age_months=2, for_whom="child"), TODAY)
    assert "ror_vaccine" not in infant.offer_ids
    assert infant.next[0].offer_id == "ror_vaccine" and infant.next[0].at_age_months == offer("ror_vaccine").who[0].min_age_months
    assert infant.next[0].text.startswith("à 12 mois : ")


def test_cervical_stage_change_is_announced():
    cervical = line(Person(age_years=26, sex="female"), "cervical_screening")
    assert cervical.next_due_age == offer("cervical_screening").who[1].min_age
    assert "test HPV" in cervical.next_due


def test_mother_of_70_and_other_wordings():
    person = Person(age_years=70, sex="female", for_whom="parent")
    text = render_prevention(offers_for(person, TODAY), person)
    assert text.startswith("Pour votre mère de 70 ans :") and "Selon la santé de votre mère :" in text
    assert "flu_vaccine" in offers_for(person, TODAY).offer_ids
    assert render_prevention(offers_for(Person(age_years=70, sex="male", for_whom="parent"), TODAY)).startswith("Pour votre père")
    assert render_prevention(offers_for(Person(age_years=40, sex="male", for_whom="other"), TODAY)).startswith("Pour un homme de 40 ans :")
    assert render_prevention(offers_for(Person(age_years=0, for_whom="child"), TODAY)).startswith("Pour votre enfant de moins d'un an :")
    assert "votre âge" in render_prevention(offers_for(Person(), TODAY))
    assert "l'âge de votre enfant" in render_prevention(offers_for(Person(for_whom="child"), TODAY))


@pytest.mark.parametrize("age", [0, 6, 18, 26, 52, 70, 90])
def test_render_sources_lines(age):
    answer = offers_for(Person(age_years=age, sex="female"), TODAY)
    text = render_prevention(answer)
    sources = [l for l in text.splitlines() if l.startswith("Source :")]
    assert 1 <= len(sources) <= 3
    assert all(SOURCE_LINE.match(l) for l in sources), sources
    assert len(set(sources)) == len(sources)
    shown = answer.sources[: len(sources)]
    official = [s.confidence == "official" for s in shown]
    assert official == sorted(official, reverse=True)  # official first
    for source, text_line in zip(shown, sources):
        assert text_line.endswith("(à vérifier)") == (source.confidence != "official")
    for l in answer.now:
        assert l.needs_check or all(CAL.source(s.id).confidence == "official" for s in l.sources[:1])


def test_secondary_figures_are_flagged():
    person = Person(age_years=52, sex="female")
    text = render_prevention(offers_for(person, TODAY), person)
    colorectal_block = text.split("• Dépistage du cancer colorectal")[1].split("•")[0]
    assert "(à vérifier)" in colorectal_block
    breast_block = text.split("• Dépistage du cancer du sein")[1].split("•")[0]
    assert "(à vérifier)" not in breast_block


def test_next_step_buttons():
    answer = offers_for(Person(age_years=52, sex="female"), TODAY)
    buttons = next_step_buttons(answer)
    assert 1 <= len(buttons) <= 3
    assert all(set(b) == {"title", "url"} and b["url"].startswith("https://") and b["title"] for b in buttons)
    assert len({b["url"] for b in buttons}) == len(buttons)
    assert buttons[0]["url"] == offer("breast_screening").next_step_link.url
    assert next_step_buttons(offers_for(Person(), TODAY)) == []


def test_flu_campaign_dates_depend_on_today():
    person = Person(age_years=70)
    # extended to 28/02/2026; once ended, its dates are no longer given (issue 15)
    assert "en cours jusqu'au 28/02/2026" in line(person, "flu_vaccine", date(2025, 11, 1)).rhythm
    assert "du 14/10/2025 au 28/02/2026" in line(person, "flu_vaccine", date(2025, 9, 1)).rhythm
    ended = line(person, "flu_vaccine", TODAY).rhythm
    assert "La campagne 2025-2026 est terminée." in ended and "2026-2027 ne sont pas intégrées ici" in ended
    assert "28/02/2026" not in ended and "14/10/2025" not in ended


def test_mt_dents_rule_before_april_2025():
    before = date(2025, 1, 15)
    assert line(Person(age_years=4), "mt_dents", before) is None
    assert line(Person(age_years=6), "mt_dents", before) is not None
    assert line(Person(age_years=4), "mt_dents", TODAY) is not None
    assert any(m.offer_id == "mt_dents" and m.at_age == 6 for m in offers_for(Person(age_years=4), before).next)


# --- direct questions -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "question, offer_id",
    [
        ("à quel âge M'T dents ?", "mt_dents"),
        ("le dépistage du cancer du sein c'est tous les combien ?", "breast_screening"),
        ("le vaccin HPV pour les garçons ?", "hpv_vaccine"),
        ("MT DENTS", "mt_dents"),
        ("il faut aller chez le dentiste ?", "mt_dents"),
        ("une mammographie gratuite ?", "breast_screening"),
        ("test du cancer colorectal", "colorectal_screening"),
        ("dépistage du côlon", "colorectal_screening"),
        ("cancer du col de l'utérus", "cervical_screening"),
        ("tous les combien le frottis ?", "cervical_screening"),
        ("test HPV à 35 ans", "cervical_screening"),
        ("vaccin papillomavirus", "hpv_vaccine"),
        ("vaccin contre la grippe gratuit ?", "flu_vaccine"),
        ("le ROR c'est obligatoire ?", "ror_vaccine"),
        ("rougeole", "ror_vaccine"),
        ("mon bilan prévention", "mon_bilan_prevention"),
        ("examen de prévention en santé", "eps"),
        ("arrêter le tabac", "tobacco_cessation"),
        ("contraception gratuite pour ma fille", "contraception"),
        ("la pilule du lendemain est gratuite ?", "contraception"),
        ("préservatifs gratuits", "contraception"),
        ("vaccin contre le zona", "shingles_vaccine"),
        ("vaccin covid pour ma mère", "covid_vaccine"),
        ("le vaccin contre le pneumocoque", "pneumococcal_vaccine"),
        ("vaccin méningite ACWY", "meningococcal_vaccine"),
        ("bronchiolite du bébé", "rsv_protection"),
        ("c'est quoi Sophia ?", "sophia"),
        ("rappel du tétanos", "dtp_booster"),
        ("vaccin", "dtp_booster"),
        ("les vaccins obligatoires de bébé", "infant_vaccines"),
    ],
)
def test_find_offer(question, offer_id):
    assert find_offer(question) == offer_id


@pytest.mark.parametrize("text", ["", "bonjour", "combien ça coûte ?", None, 42])
def test_find_offer_without_match(text):
    assert find_offer(text) is None


def test_direct_answers():
    mt = direct_answer("mt_dents", TODAY)
    assert mt.startswith("M'T dents") and "De 3 à 24 ans" in mt and "chaque année" in mt
    assert "31 mars 2025" not in mt  # the old rule is no longer told
    breast = direct_answer("breast_screening", TODAY)
    assert "Femmes de 50 à 74 ans" in breast and "tous les 2 ans" in breast and "100 %" in breast
    hpv = direct_answer("hpv_vaccine", TODAY)
    # catch-up up to 26 for everyone since 12/12/2025 (it was 15-19)
    assert "Filles et garçons de 11 à 14 ans" in hpv and "2 doses" in hpv and "Rattrapage, de 15 à 26 ans" in hpv
    assert "de 15 à 19 ans" not in hpv
    flu = direct_answer("flu_vaccine", TODAY)
    assert flu.count("La campagne 2025-2026 est terminée.") == 1 and "à partir de 65 ans" in flu
    for offer_id in (o.id for o in CAL.offers):
        text = direct_answer(offer_id, TODAY)
        sources = [l for l in text.splitlines() if l.startswith("Source :")]
        assert 1 <= len(sources) <= 3 and all(SOURCE_LINE.match(l) for l in sources), offer_id
    with pytest.raises(KeyError):
        direct_answer("nothing")


# --- the person and the age answer ------------------------------------------------------------


@pytest.mark.parametrize(
    "kwargs",
    [
        {"sex": "woman"},
        {"for_whom": "neighbour"},
        {"age_years": -1},
        {"age_years": 121},
        {"age_years": 2, "age_months": 40},
        {"sex": "male", "pregnant": True},
        {"age_years": True},
    ],
)
def test_person_refuses_bad_values(kwargs):
    with pytest.raises(ValueError):
        Person(**kwargs)


@pytest.mark.parametrize(
    "text, value",
    [
        ("52 ans", (52, None)),
        ("18 mois", (1, 18)),
        ("2 ans et 3 mois", (2, 27)),
        ("né le 10/05/2025", (1, 18)),
        ("trois ans", (3, None)),
    ],
)
def test_age_from_text(text, value):
    parsed = age_from_text(text, today=TODAY)
    assert parsed.ok and parsed.value == value


def test_age_from_text_errors():
    assert not age_from_text("je ne sais pas", today=TODAY).ok
    assert age_from_text("je ne sais pas", today=TODAY).error


def test_modules_do_not_import_rasa():
    root = Path(__file__).resolve().parents[2] / "bot"
    for path in (root / "prevention.py", root / "knowledge" / "prevention_schema.py"):
        source = path.read_text(encoding="utf-8")
        assert "import rasa" not in source and "from rasa" not in source
