"""Retention through the real stack: a person types a NIR and a phone number in the MAS form and
confirms; once the retention window has passed (`python -m bot.retention --now …`, the command
the assistant runs) and the backend's own 18-month retention has run, neither is left in any
store's file nor in any log."""
from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from bot.backend.db import RETENTION_MONTHS, SaisineStore, add_months, make_engine, make_session_factory, utcnow
from tests.integration.conftest import Conversation
from tests.integration.test_rest_saisine import REFERENCE, answer_all, everything_stored, rows, wait_for
from tests.unit.saisine_samples import nir

ROOT = Path(__file__).resolve().parents[2]
NIR = nir("2790959350123", sep=" ")  # valid key, used by no other test
PHONE = "06 47 29 81 53"
NAME, FIRST_NAME, EMAIL = "Brisebarre", "Ondine", "ondine.brisebarre@exemple.fr"


def traces() -> list:
    """The NIR and the phone in every form a store or a log could hold them, and the identity."""
    nir_digits = re.sub(r"\D", "", NIR)
    phone_digits = re.sub(r"\D", "", PHONE)
    return [NIR, nir_digits, PHONE, phone_digits, "+33" + phone_digits[1:], phone_digits[1:],
            PHONE.replace(" ", "."), NAME, EMAIL]


def file_bytes(database: Path) -> bytes:
    """The SQLite file and any journal or WAL beside it, as stored on disk."""
    return b"".join(path.read_bytes() for path in sorted(database.parent.glob(database.name + "*")))


def found_in(content: bytes) -> list:
    return [trace for trace in traces() if trace.encode() in content]


def run_retention(assistant, now) -> dict:
    env = dict(os.environ, TRACKER_STORE_URL=f"sqlite:///{assistant['tracker_db']}",
               OUTBOX_URL=f"sqlite:///{assistant['outbox_db']}", SQLALCHEMY_SILENCE_UBER_WARNING="1")
    done = subprocess.run([sys.executable, "-m", "bot.retention", "--now", now.isoformat()], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert not found_in((done.stdout + done.stderr).encode())
    return json.loads(done.stdout)


def test_a_nir_and_a_phone_typed_in_a_conversation_are_stored_nowhere_after_retention(assistant):
    person = Conversation(assistant["url"])
    person.say_text("je voudrais être accompagnée pour mes soins")
    answer_all(person, ["oui", "difficultés d'accès aux droits"])
    assert "numéro de sécurité sociale" in person.say_text(f"mon numéro de sécu c'est le {NIR}")
    summary = answer_all(person, [NAME, FIRST_NAME, "03/09/1979", PHONE, EMAIL])
    assert f"• Téléphone : {PHONE}" in summary
    reference = REFERENCE.search(person.say_text("confirmer l'envoi")).group(0)
    assert wait_for(lambda: rows(assistant["outbox_db"], "select status from saisine_outbox where reference = ?",
                                 reference) == [("delivered",)])
    # The test really sees the data where the conversation put it.
    assert {PHONE, NAME, EMAIL} <= set(found_in(file_bytes(assistant["tracker_db"])))
    assert "+33" + re.sub(r"\D", "", PHONE)[1:] in everything_stored(assistant["saisine_db"])
    user_turns = rows(assistant["tracker_db"], "select count(*) from events where sender_id = ? and type_name = 'user'",
                      person.sender)

    # The conversation's window passes: the retention command purges the tracker and the outbox.
    counts = run_retention(assistant, utcnow() + timedelta(days=2))
    assert counts["conversations_purged"] >= 1 and counts["events_rewritten"] > 0
    # The backend's retention is its own (bot.backend.db, 18 months after receipt).
    engine = make_engine(f"sqlite:///{assistant['saisine_db']}")
    try:
        erased = SaisineStore(make_session_factory(engine)).purge_expired(
            now=add_months(utcnow(), RETENTION_MONTHS) + timedelta(days=1))
    finally:
        engine.dispose()
    assert reference in erased

    for store in ("tracker_db", "outbox_db", "saisine_db"):
        assert not found_in(everything_stored(assistant[store]).encode()), store
        assert not found_in(file_bytes(assistant[store])), store
    for log in assistant["logs"]:
        assert not found_in(Path(log).read_bytes()), log
    # What statistics need stays: every turn of the conversation, with its intent.
    assert rows(assistant["tracker_db"], "select count(*) from events where sender_id = ? and type_name = 'user' "
                "and intent_name is not null", person.sender) == user_turns
    # The assistant still talks to the same person after the purge.
    assert person.say_text("bonjour")
