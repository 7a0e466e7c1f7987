"""What may reach the assistant from a public channel, and what the person is told otherwise.

The input channels (components/redacting_channels.py) call these before Rasa sees anything:

    read_rest_body(body)        -> InboundRequest, or a French error for a 400
    clean_text(text)            -> the text Rasa may process (NIR redacted, lone surrogates replaced)
    too_long_answer(text)       -> a French answer when the message is too long to be read, else None
    MessageRateLimiter          -> per sender and per client address limits (`limits` library)
    unavailable_answer()        -> the answer when a part of the assistant is down (contacts from knowledge)
    no_answer_answer()          -> the answer when the turn produced nothing

Why at the channel: one unauthenticated request must never stop the server (a lone surrogate in
`sender` made Rasa's SQL tracker store exit), tie two people to one conversation (no `sender` →
Rasa's shared "default"), or keep the NLU busy for everyone (a 50 000-character message took ~30 s).
"""
from __future__ import annotations

import logging
import os
import re
import time
import unicodedata
from dataclasses import dataclass
from typing import Any, Mapping, Optional

from limits import RateLimitItem, parse, storage, strategies

from bot.parsing import redact_nir

log = logging.getLogger(__name__)

# 5 000 characters must still be read (a long story typed at midnight); NLU time grows with length
# and a 50 000-character message held the event loop ~30 s, so the line is drawn just above.
MAX_MESSAGE_CHARACTERS = 6000
MAX_SENDER_CHARACTERS = 128
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


@dataclass(frozen=True)
class InboundRequest:
    sender: str
    text: str
    metadata: Optional[dict] = None


@dataclass(frozen=True)
class Refusal:
    """A request that cannot be a message: answered 400 with this French explanation."""

    error: str


def _sender_problem(sender: Any) -> Optional[str]:
    if sender is None or sender == "":
        return ("Le champ « sender » est obligatoire : un identifiant de conversation propre à chaque "
                "personne (sans lui, deux personnes partageraient la même conversation).")
    if not isinstance(sender, str):
        return "Le champ « sender » doit être une chaîne de caractères."
    if len(sender) > MAX_SENDER_CHARACTERS:
        return f"Le champ « sender » doit faire au plus {MAX_SENDER_CHARACTERS} caractères."
    if _LONE_SURROGATE.search(sender) or any(unicodedata.category(c) in ("Cc", "Cf", "Cs") for c in sender):
        return "Le champ « sender » contient des caractères invisibles ou invalides."
    return None


def read_rest_body(body: Any) -> "InboundRequest | Refusal":
    """The REST webhook's JSON body: {"sender": str, "message": str, "metadata": object?}."""
    if not isinstance(body, Mapping):
        return Refusal("Le corps de la requête doit être un objet JSON : "
                       "{\"sender\": \"…\", \"message\": \"…\"}.")
    problem = _sender_problem(body.get("sender"))
    if problem:
        return Refusal(problem)
    text = body.get("message")
    if not isinstance(text, str):
        return Refusal("Le champ « message » doit être une chaîne de caractères.")
    metadata = body.get("metadata")
    return InboundRequest(body["sender"], text, metadata if isinstance(metadata, Mapping) else None)


def clean_text(text: str) -> str:
    """The text as Rasa may see it: no NIR (seed 003, line 637) and no lone surrogate (spaCy fails)."""
    return redact_nir(_LONE_SURROGATE.sub("\ufffd", text))


def too_long_answer(text: str) -> Optional[str]:
    if len(text) <= MAX_MESSAGE_CHARACTERS:
        return None
    return (f"Votre message est trop long pour que je le lise ({len(text):,} caractères ; "
            f"{MAX_MESSAGE_CHARACTERS:,} au plus).".replace(",", "\u202f")
            + " Écrivez votre question en quelques phrases, je vous réponds.")


# --------------------------------------------------------------------------------------------
# Rate limits
# --------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class RateLimits:
    """Read from the environment once per channel.

    CHAT_RATE_LIMIT_PER_SENDER   per conversation (default 30/minute: nobody types a message
                                 every two seconds for a minute; buttons included)
    CHAT_RATE_LIMIT_PER_CLIENT   per client address (default 600/minute: a CPAM reception with
                                 several kiosks behind one address stays far below); "0" disables it
    RATE_LIMIT_STORAGE_URL       memory:// (default, per process) or redis://host:port/db so that
                                 several Rasa processes share the counts
    """

    per_sender: Optional[RateLimitItem]
    per_client: Optional[RateLimitItem]
    storage_url: str

    @classmethod
    def from_env(cls, env: Optional[Mapping[str, str]] = None) -> "RateLimits":
        env = os.environ if env is None else env

        def item(name: str, default: str) -> Optional[RateLimitItem]:
            value = env.get(name, default).strip()
            return None if value in ("", "0") else parse(value)

        return cls(item("CHAT_RATE_LIMIT_PER_SENDER", "30/minute"), item("CHAT_RATE_LIMIT_PER_CLIENT", "600/minute"),
                   env.get("RATE_LIMIT_STORAGE_URL", "memory://") or "memory://")


class MessageRateLimiter:
    """Moving-window limits from the `limits` library (memory or Redis storage).

    limits 2.4 is the newest release that installs beside Rasa 3.6 (later ones need packaging>=21,
    Rasa pins packaging<21)."""

    def __init__(self, limits: RateLimits):
        self.limits = limits
        # limits 2.x strategies hold their storage by weak reference: keep it alive here.
        self._storage = storage.storage_from_string(limits.storage_url)
        self._limiter = strategies.MovingWindowRateLimiter(self._storage)

    def retry_after(self, sender: str, client: str) -> Optional[int]:
        """None when the message may go on, else the seconds to wait (the message is not counted)."""
        checks = [(self.limits.per_client, "client", client), (self.limits.per_sender, "sender", sender)]
        for item, kind, key in checks:
            if item is None:
                continue
            try:
                allowed = self._limiter.hit(item, "chat", kind, key)
            except Exception:  # noqa: BLE001 — a limiter store down must not silence the assistant
                log.warning("rate limit not checked (limiter storage failing)", exc_info=True)
                return None
            if not allowed:
                reset = self._limiter.get_window_stats(item, "chat", kind, key)[0]  # (reset time, remaining)
                return max(1, int(reset - time.time()) + 1)
        return None


def rate_limited_answer(seconds: int) -> str:
    return (f"Vous avez envoyé beaucoup de messages en peu de temps. Attendez {seconds} secondes "
            "puis écrivez-moi à nouveau : votre conversation est gardée.")


# --------------------------------------------------------------------------------------------
# When the assistant cannot answer
# --------------------------------------------------------------------------------------------

def _national_phone_and_account() -> str:
    from bot.contacts import load_contacts

    national = {item.id: item.text for item in load_contacts().national}
    return " ; ".join(national[key] for key in ("tel_3646", "compte_ameli") if key in national)


def unavailable_answer() -> str:
    """A part of the assistant (the action server) does not answer: say so, and give a way on."""
    return ("Je ne peux pas vous répondre pour le moment : une partie de l'assistant est indisponible. "
            "Votre conversation est gardée, réessayez dans quelques minutes. Sans attendre : "
            + _national_phone_and_account() + ".")


def no_answer_answer() -> str:
    """The turn produced no message at all: never leave the person in silence."""
    return ("Je n'ai pas su répondre à ce message. Reformulez-le en quelques mots, ou écrivez « menu » "
            "pour voir ce que je sais faire.")
