"""Safe-by-default HTML: every string is escaped unless it is already Markup.

    el("a", "Fiche C2S", href=url, class_="link")  -> Markup('<a href="..." class="link">Fiche C2S</a>')
    render_template("chat.html", rasa_url=...)      -> the template with each ${name} escaped
"""
from __future__ import annotations

import html
from functools import lru_cache
from pathlib import Path
from string import Template
from typing import Any, Iterable, Union

TEMPLATES_DIR = Path(__file__).parent / "templates"
VOID_TAGS = {"br", "hr", "img", "input", "link", "meta"}


class Markup(str):
    """HTML that is safe to insert as is (built here, never from outside text)."""

    def __add__(self, other: Any) -> "Markup":
        return Markup(str.__add__(self, escape(other)))

    def __radd__(self, other: Any) -> "Markup":
        return Markup(str.__add__(escape(other), self))


Child = Union[None, str, Markup, Iterable[Any]]


def escape(value: Any) -> Markup:
    return value if isinstance(value, Markup) else Markup(html.escape(str(value), quote=True))


def concat(*children: Child) -> Markup:
    out = []
    for child in children:
        if child is None or child is False:
            continue
        if isinstance(child, str):
            out.append(escape(child))
        else:
            out.append(concat(*child))
    return Markup("".join(out))


def el(tag: str, *children: Child, **attrs: Any) -> Markup:
    """An element; `class_` is `class`, `data_x`/`aria_x` are `data-x`/`aria-x`; True is a bare
    attribute and None or False leaves the attribute out."""
    parts = [tag]
    for name, value in attrs.items():
        if value is None or value is False:
            continue
        name = name.rstrip("_").replace("_", "-")
        parts.append(name if value is True else f'{name}="{escape(value)}"')
    start = f"<{' '.join(parts)}>"
    if tag in VOID_TAGS:
        return Markup(start)
    return Markup(f"{start}{concat(*children)}</{tag}>")


@lru_cache(maxsize=None)
def _template(name: str) -> Template:
    return Template((TEMPLATES_DIR / name).read_text(encoding="utf-8"))


def render_template(name: str, **values: Any) -> Markup:
    """templates/<name> with each ${key} replaced by its escaped value (Markup kept as is)."""
    return Markup(_template(name).substitute({key: escape(value) for key, value in values.items()}))
