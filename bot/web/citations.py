"""Numbered citations for one entry of the reference page: each line links to its source below."""
from __future__ import annotations

from typing import Callable, Dict, List, Optional

from bot.formatting import fr_date
from bot.knowledge.schema import Source
from bot.web.html import Markup, el

CONFIDENCE = {
    "official": "source officielle",
    "secondary": "source secondaire, à vérifier",
    "derived": "chiffre déduit, à vérifier",
    "not_found": "non confirmé par une source",
}


def needs_check_mark(source: Source, flagged: bool = False) -> str:
    """" (à vérifier)" for a fact from a non-official source or flagged in the data, as the bot says."""
    return " (à vérifier)" if flagged or (source.needs_check and source.confidence != "derived") else ""


class Citations:
    """`cite(source_id)` gives the "[n]" link of a line; `render()` the numbered source list."""

    def __init__(self, entry_id: str, lookup: Callable[[str], Source]):
        self.entry_id = entry_id
        self.lookup = lookup
        self.order: Dict[str, int] = {}

    def anchor(self, source_id: str) -> str:
        return f"{self.entry_id}-source-{source_id}"

    def include(self, *source_ids: str) -> "Citations":
        """Lists these sources too, even if no line cites them."""
        for source_id in source_ids:
            self.order.setdefault(source_id, len(self.order) + 1)
        return self

    def cite(self, source_id: str, place: Optional[str] = None) -> Markup:
        """The "[n]" link; `place` is the article or section of a convention ("annexe 2")."""
        number = self.order.setdefault(source_id, len(self.order) + 1)
        source = self.lookup(source_id)
        link = el("a", f"[{number}]", href=f"#{self.anchor(source_id)}", class_="cite",
                  aria_label=f"Source {number} : {source.title}")
        return Markup(" ") + link + (el("span", f" ({place})", class_="where") if place else Markup(""))

    def render(self) -> Markup:
        if not self.order:
            return Markup("")
        items: List[Markup] = []
        for source_id in self.order:
            source = self.lookup(source_id)
            details = [CONFIDENCE[source.confidence]]
            if source.page_date:
                details.append(f"page du {fr_date(source.page_date)}")
            details.append(f"vérifié le {fr_date(source.checked)}")
            # A source's `note`, `seed_file` and line numbers are for editors: never on the page.
            items.append(el(
                "li",
                el("span", source.title, class_="source-title"), " — ",
                el("a", source.display_url, href=source.display_url, rel="noreferrer", class_="url"),
                " — ", "; ".join(details),
                id=self.anchor(source_id),
            ))
        return el("h4", "Sources") + el("ol", items, class_="sources")
