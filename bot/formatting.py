"""French formatting of amounts, dates and counts, shared by every answer."""
from __future__ import annotations

from datetime import date


# The whole first reply of a turn, source line included (issue 16).
MAX_FIRST_REPLY = 600


def eur(amount: float) -> str:
    """10339 -> '10 339 €'; 1177.5 -> '1 177,50 €'."""
    cents = round(amount * 100)
    units, rest = divmod(abs(cents), 100)
    text = f"{units:,}".replace(",", " ")
    if rest:
        text += f",{rest:02d}"
    return ("-" if cents < 0 else "") + text + " €"


def fr_date(d: date) -> str:
    return d.strftime("%d/%m/%Y")


def persons(n: int) -> str:
    return f"{n} personne" if n == 1 else f"{n} personnes"


def source_line(where: str, checked: date, language: str = "fr") -> str:
    """The one way a source is cited to users: 'Source : <page> (vérifié le 24/11/2026)'. The check
    date is the day the page was read; when a figure is in force is said next to the figure."""
    if language == "en":
        return f"Source: {where} (checked on {fr_date(checked)})"
    return f"Source : {where} (vérifié le {fr_date(checked)})"
