"""The staff reference page (/reference), rendered from bot/knowledge with the bot's own loaders:
the rights cards, the prevention calendar, the national channels and the convention CPAMs. Every
line links to its numbered source (title, address, dates, confidence) at the end of its entry."""
from __future__ import annotations

from datetime import date
from typing import Dict, List, Optional, Sequence

from bot.contacts import ContactsKnowledge, Cpam, Item, departement, load_contacts, need_label
from bot.formatting import fr_date
from bot.knowledge import load_rights
from bot.knowledge.prevention_schema import Offer, PreventionCalendar, Who
from bot.knowledge.schema import CARD_MODELS, RightCard
from bot.prevention import campaign_text, load_prevention, who_text
from bot.web.citations import Citations, needs_check_mark
from bot.web.figures import render_figures
from bot.web.html import Markup, concat, el, render_template

AUDIENCE = {"public": "pour les assurés", "partner": "pour les partenaires", "both": None}
LOCAL_GROUPS = (
    ("Contacts et services", lambda i: i.kind not in ("delay", "rule")),
    ("Délais et engagements", lambda i: i.kind == "delay"),
    ("Règles à respecter", lambda i: i.kind == "rule"),
)


def _entry(entry_id: str, title: str, *body, cite: Citations) -> Markup:
    return el("article", el("h3", title), *body, cite.render(), id=entry_id, class_="entry")


def _lines(title: str, lines, cite: Citations) -> Markup:
    return concat(el("h4", title), el("ul", [el("li", l.text, cite.cite(l.source_id)) for l in lines]))


# --- rights -----------------------------------------------------------------------------------


def right_entry(card: RightCard, today: date) -> Markup:
    cite = Citations(f"droit-{card.id}", card.source)
    contact = card.simulator_or_contact
    return _entry(
        f"droit-{card.id}", card.label,
        el("p", card.summary, class_="summary"),
        _lines("Qui peut en bénéficier", card.who, cite),
        _lines("Ce qui est couvert", card.covers, cite),
        _lines("Comment faire la demande", card.how_to_apply, cite),
        _lines("Délais", card.delays, cite),
        el("h4", "Chiffres et conditions"),
        render_figures(card, cite, today),
        el("h4", "Pages officielles"),
        el("ul", [el("li", el("a", link.title, href=link.url, rel="noreferrer")) for link in card.links]),
        el("p", el("strong", "Pour une réponse officielle : "), contact.text, cite.cite(contact.source_id)),
        cite=cite,
    )


# --- prevention -------------------------------------------------------------------------------


def _group_line(offer: Offer, who: Who, calendar: PreventionCalendar, cite: Citations, today: date) -> Markup:
    rhythm = offer.rhythm_for(who)
    text = rhythm.text
    if rhythm.campaign:
        # Said as in the chat: once ended, never its dates as current.
        text += " " + campaign_text(rhythm.campaign, today)
    validity = None
    if who.valid_to:
        validity = f"jusqu'au {fr_date(who.valid_to)}" + (", règle terminée" if who.valid_to < today else "")
    elif who.valid_from:
        validity = f"depuis le {fr_date(who.valid_from)}"
    flag = needs_check_mark(calendar.source(rhythm.source_id), rhythm.to_check or offer.to_check)
    return el("li", el("strong", who_text(who) or "Tout le monde"), f" ({validity})" if validity else None,
              " : ", text, flag, cite.cite(who.source_id),
              cite.cite(rhythm.source_id) if rhythm.source_id != who.source_id else None)


def _facts(title: str, facts, calendar: PreventionCalendar, cite: Citations) -> Optional[Markup]:
    if not facts:
        return None
    return concat(el("h4", title), el("ul", [
        el("li", f.text, needs_check_mark(calendar.source(f.source_id), f.to_check), cite.cite(f.source_id))
        for f in facts]))


def prevention_entry(offer: Offer, calendar: PreventionCalendar, today: date) -> Markup:
    cite = Citations(f"prevention-{offer.id}", calendar.source)
    link = offer.next_step_link
    return _entry(
        f"prevention-{offer.id}", offer.label,
        el("p", "Répondu seulement aux questions directes (pas dans le calendrier par âge).", class_="note")
        if not offer.in_calendar else None,
        el("h4", "Pour qui, à quel rythme"),
        el("ul", [_group_line(offer, who, calendar, cite, today) for who in offer.who]),
        _facts("Prise en charge", offer.coverage, calendar, cite),
        _facts("Comment en bénéficier", offer.how, calendar, cite),
        _facts("À savoir", offer.notes, calendar, cite),
        el("p", el("strong", "Page officielle : "), el("a", link.title, href=link.url, rel="noreferrer")) if link else None,
        cite=cite.include(*offer.source_ids),  # every source of the offer, even one no line cites
    )


# --- contacts ---------------------------------------------------------------------------------


def _item(item: Item, k: ContactsKnowledge, cite: Citations, attached: Sequence[Item] = ()) -> Markup:
    meta = [AUDIENCE[item.audience], item.caisse and f"Caisse de {item.caisse}",
            item.needs and "Besoins : " + ", ".join(need_label(n) for n in item.needs)]
    meta = [m[:1].upper() + m[1:] for m in meta if m]
    return el(
        "li",
        item.text, needs_check_mark(k.source(item.source_id), item.to_check), cite.cite(item.source_id, item.place),
        [concat(" ; ", a.text, needs_check_mark(k.source(a.source_id), a.to_check), cite.cite(a.source_id, a.place))
         for a in attached],
        el("span", " · ".join(meta), class_="meta") if meta else None,
    )


def _items(items: Sequence[Item], k: ContactsKnowledge, cite: Citations) -> Markup:
    shown = [i for i in items if i.render]
    attached: Dict[str, List[Item]] = {}
    for i in shown:
        if i.attach_to:
            attached.setdefault(i.attach_to, []).append(i)
    return el("ul", [_item(i, k, cite, attached.get(i.id, ())) for i in shown if not i.attach_to])


def national_entry(k: ContactsKnowledge) -> Markup:
    cite = Citations("contacts-national", k.source)
    return _entry("contacts-national", "Canaux nationaux (partout en France)", _items(k.national, k, cite), cite=cite)


def partner_entry(k: ContactsKnowledge) -> Markup:
    cite = Citations("contacts-partenaires", k.source)
    rows = [el("tr", el("td", m.offer), el("td", m.motif, " (urgent)" if m.urgent else None, cite.cite(m.source_id, m.place)),
               el("td", ", ".join(need_label(n) for n in m.needs) or "tous les besoins")) for m in k.motifs]
    return _entry(
        "contacts-partenaires", "Partenaires : règles et Espace Partenaires",
        el("h4", "Règles à respecter"), _items(k.partner_rules, k, cite),
        el("table", el("caption", "Offres et motifs de l'Espace Partenaires"),
           el("thead", el("tr", el("th", "Offre", scope="col"), el("th", "Motif", scope="col"),
                          el("th", "Besoins", scope="col"))),
           el("tbody", rows)),
        cite=cite,
    )


def _places(cpam: Cpam) -> str:
    names = [f"{d.name} ({d.code})" if d else code for code, d in ((c, departement(c)) for c in cpam.departements)]
    return "Département : " + ", ".join(names)


def cpam_entry(cpam: Cpam, k: ContactsKnowledge) -> Markup:
    cite = Citations(f"cpam-{cpam.id}", k.source)
    groups = []
    for title, keep in LOCAL_GROUPS:
        items = [i for i in cpam.items if keep(i)]
        if any(i.render for i in items):
            groups.append(concat(el("h4", title), _items(items, k, cite)))
    return _entry(
        f"cpam-{cpam.id}", cpam.name,
        el("p", _places(cpam), cite.cite(cpam.source_id)),
        el("p", "Selon ", k.source(cpam.source_id).cited_as, "."),
        el("p", cpam.communes_note, class_="note") if cpam.communes_note else None,
        el("p", "Page de la caisse : ", el("a", cpam.ameli_url, href=cpam.ameli_url, rel="noreferrer")),
        groups,
        cite=cite,
    )


# --- the page ---------------------------------------------------------------------------------


def _section(section_id: str, title: str, intro: str, entries: List[Markup]) -> Markup:
    return el("section", el("h2", title, id=f"{section_id}-titre"), el("p", intro, class_="intro"), entries,
              id=section_id, class_="group", aria_labelledby=f"{section_id}-titre")


def render_reference(today: Optional[date] = None) -> Markup:
    today = today or date.today()
    calendar = load_prevention()
    contacts = load_contacts()
    sections = concat(
        _section("droits", "Droits", "Les six droits sur lesquels l'assistant répond : conditions, chiffres, "
                 "démarches et délais.", [right_entry(load_rights()[right_id], today) for right_id in CARD_MODELS]),
        _section("prevention", "Prévention selon l'âge", "Dépistages, vaccinations, examens et bilans pris en "
                 "charge, pour qui et à quel rythme.", [prevention_entry(o, calendar, today) for o in calendar.offers]),
        _section("contacts", "Contacts et délais", "Les canaux nationaux, les règles pour les partenaires et, pour "
                 "chaque CPAM des conventions, ses services, ses contacts et ses délais.",
                 [national_entry(contacts), partner_entry(contacts)] + [cpam_entry(c, contacts) for c in contacts.cpams]),
    )
    return render_template("reference.html", sections=sections, today=fr_date(today))
