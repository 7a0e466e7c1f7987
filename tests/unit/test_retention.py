"""Retention (bot.retention): real trackers written by Rasa's SQLTrackerStore into a SQLite file,
then purged; what a person typed or was told must be gone from the file's bytes, while Rasa still
loads the tracker and the statistics (intents, actions, timestamps) stay."""
from __future__ import annotations

import itertools
import json
import os
import signal
import subprocess
import sys
import uuid
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Dict, List

import pytest
import sqlalchemy as sa
from rasa.core.tracker_store import SQLTrackerStore
from rasa.shared.core.domain import Domain
from rasa.shared.core.events import (ActionExecuted, ActionExecutionRejected, ActionReverted, ActiveLoop,
                                     AgentUttered, AllSlotsReset, BotUttered, ConversationPaused,
                                     ConversationResumed, DefinePrevUserUtteredFeaturization, EntitiesAdded, Event,
                                     FollowupAction, LoopInterrupted, ReminderCancelled, ReminderScheduled,
                                     Restarted, SessionStarted, SlotSet, StoryExported, UserUttered,
                                     UserUtteranceReverted)
from rasa.shared.core.trackers import DialogueStateTracker
from rasa.shared.utils.common import all_subclasses

from bot import retention
from bot.saisine import intake
from bot.saisine.client import BackendError
from bot.saisine.outbox import DELIVERED, PENDING, REJECTED, WITHDRAWN, Outbox
from tests.unit.saisine_samples import minimal_saisine, nir

ROOT = Path(__file__).resolve().parents[2]
NOW = datetime(2026, 11, 20, 10, 0, tzinfo=timezone.utc)
DAY = timedelta(days=1)
DENTIST = "le dentiste c'est trop cher, j'y vais plus"


class Person:
    def __init__(self, nom, prenom, birth_typed, birth_iso, phone_typed, email, place, nir13):
        # A NIR as if a channel had let one through: the purge must catch it too.
        self.nir = nir(nir13, sep=" ")
        self.nom, self.prenom, self.birth_typed, self.birth_iso = nom, prenom, birth_typed, birth_iso
        self.phone_typed, self.email, self.place = phone_typed, email, place
        digits = "".join(c for c in phone_typed if c.isdigit())
        self.e164 = "+33" + digits[1:]
        self.other_phone_forms = [digits, digits[1:]]

    def stored(self) -> List[str]:
        """What the conversation stores: as typed, and as the saisine draft normalises it."""
        return [self.nom, self.prenom, self.birth_typed, self.birth_iso, self.email, self.place,
                self.phone_typed, self.e164, self.nir]

    def traces(self) -> List[str]:
        """Every form in which this person's data could be found."""
        return self.stored() + self.other_phone_forms + ["".join(self.nir.split())]


OLD_PERSON = Person("Brisebarre", "Ondine", "03/09/1979", "1979-09-03", "06 47 29 81 53",
                    "ondine.brisebarre@exemple.fr", "Wattrelos", "2790959350123")
RECENT_PERSON = Person("Kervella", "Gwenola", "11/02/1990", "1990-02-11", "07 58 31 64 20",
                       "gwenola.kervella@exemple.fr", "Douarnenez", "2900229046087")


@pytest.fixture(scope="module")
def domain() -> Domain:
    return Domain.load(str(ROOT / "domain.yml"))


@pytest.fixture
def tracker_db(tmp_path) -> Path:
    return tmp_path / "db" / "trackers.db"


def without_secure_delete(engine: sa.engine.Engine) -> None:
    """Debian's SQLite zeroes deleted data by default, others do not: the tests write as the
    latter, so that what they prove holds on any build."""
    @sa.event.listens_for(engine, "connect")
    def _insecure(dbapi_connection, _record):
        dbapi_connection.execute("PRAGMA secure_delete = OFF")


@pytest.fixture
def store(domain, tracker_db):
    tracker_db.parent.mkdir()
    tracker_store = SQLTrackerStore(domain, host=f"sqlite:///{tracker_db}")
    without_secure_delete(tracker_store.engine)
    yield tracker_store
    tracker_store.engine.dispose()


def settings_for(tmp_path, tracker_db, **overrides) -> retention.RetentionSettings:
    values = dict(tracker_store_url=f"sqlite:///{tracker_db}", outbox_url=f"sqlite:///{tmp_path / 'db' / 'outbox.db'}")
    values.update(overrides)
    return retention.RetentionSettings(**values)


def user(text: str, intent: str, at: float, entities=()) -> UserUttered:
    entities = [dict(e) for e in entities]
    parse_data = {"text": text, "intent": {"name": intent, "confidence": 0.97},
                  "entities": entities, "intent_ranking": [{"name": intent, "confidence": 0.97}],
                  "message_id": uuid.uuid4().hex, "metadata": {"channel": "web"}}
    return UserUttered(text, parse_data["intent"], entities, parse_data, timestamp=at, input_channel="rest",
                       message_id=parse_data["message_id"], metadata={"channel": "web", "name": text})


def saisine_conversation(sender: str, start: datetime, person: Person) -> DialogueStateTracker:
    """A person asks for the MAS, fills the form through bot.saisine.intake (the real questions,
    draft and summary) and confirms; plus what else a conversation can carry."""
    clock = itertools.count(start.timestamp(), 1.0)
    at = lambda: next(clock)  # noqa: E731 - one second per event
    events: List[Event] = [
        ActionExecuted("action_session_start", timestamp=at()),
        SessionStarted(metadata={"channel": "borne", "remote": person.place}, timestamp=at()),
        SlotSet("session_started_metadata", {"channel": "borne", "remote": person.place}, timestamp=at()),
        ActionExecuted("action_listen", timestamp=at()),
        user(f"j'habite à {person.place}, mon numéro de sécu est {person.nir}", "ask_contact", at()),
        user("mon numéro de sécu : [NIR retiré]", "inform", at()),
        SlotSet("contact_place", person.place, timestamp=at()),
        SlotSet("contact_need", "carte_vitale", timestamp=at()),
        SlotSet("right", "c2s", timestamp=at()),
        SlotSet("partner_mode", False, timestamp=at()),
        EntitiesAdded([{"entity": "contact_need", "value": person.nom, "start": 0, "end": 5}], timestamp=at()),
        ActionExecuted("action_listen", timestamp=at()),
        user(DENTIST, "request_mas", at()),
        ActionExecuted("saisine_form", policy="RulePolicy", confidence=1.0, timestamp=at()),
        ActiveLoop("saisine_form", timestamp=at()),
    ]
    draft = intake.start_draft(intake.PERSON, intake.detect_categories(DENTIST))
    answers = ["oui", "plus de 2 ans", person.nom, person.prenom, person.birth_typed, person.phone_typed,
               person.email, "confirmer l'envoi"]
    for answer in answers:
        field = intake.next_field(draft, start.date())
        question = (intake.question(field, draft) if field != "confirmation"
                    else intake.Question([intake.render_summary(draft)], intake.CONFIRMATION_BUTTONS))
        events += [SlotSet("saisine_draft", draft, timestamp=at()),
                   SlotSet("requested_slot", "saisine_answer", timestamp=at())]
        events += [BotUttered(text, {"buttons": question.buttons}, {"utter_action": "utter_ask_saisine_answer"},
                              timestamp=at()) for text in question.texts]
        events += [ActionExecuted("action_listen", timestamp=at()), user(answer, "inform", at()),
                   SlotSet("saisine_answer", answer, timestamp=at())]
        parsed = intake.read_answer(field, answer, draft, start, "rest")
        assert parsed.ok, (field, answer, parsed.error)
        draft = parsed.value
    assert intake.outcome(draft) == intake.CONFIRMED
    reference = "MAS-2026-7K3F9Q"
    events += [
        SlotSet("saisine_draft", draft, timestamp=at()),
        ActiveLoop(None, timestamp=at()),
        ActionExecuted("action_saisine_finish", timestamp=at()),
        BotUttered(f"Votre demande est transmise. Votre référence : {reference}.", timestamp=at()),
        BotUttered("Un conseiller vous appellera.", {"buttons": [
            {"title": f"Me rappeler au {person.phone_typed}",
             "payload": f'/inform{{"telephone": "{person.phone_typed}"}}'},
        ]}, timestamp=at()),
        SlotSet("saisine_draft", None, timestamp=at()),
        SlotSet("saisine_reference", reference, timestamp=at()),
        ActionExecuted("action_listen", timestamp=at()),
    ]
    return DialogueStateTracker.from_events(sender, events)


def file_bytes(database: Path) -> bytes:
    """The database file and any journal beside it, as stored on disk."""
    return b"".join(path.read_bytes() for path in sorted(database.parent.glob(database.name + "*")))


def stored_rows(store: SQLTrackerStore, sender: str) -> List[tuple]:
    with store.engine.connect() as connection:
        return connection.execute(
            sa.text("select id, type_name, timestamp, intent_name, action_name, data from events "
                    "where sender_id = :sender order by id"), {"sender": sender}).all()


@pytest.fixture
async def conversations(store):
    """One conversation over three days before NOW, one an hour before NOW."""
    old = saisine_conversation("old-conversation", NOW - 3 * DAY, OLD_PERSON)
    recent = saisine_conversation("recent-conversation", NOW - timedelta(hours=1), RECENT_PERSON)
    await store.save(old)
    await store.save(recent)
    return old, recent


# --------------------------------------------------------------------------- the purge

async def test_nothing_typed_or_said_in_an_old_conversation_stays_in_the_database_file(
        conversations, store, tracker_db, tmp_path):
    before = file_bytes(tracker_db)
    for trace in OLD_PERSON.stored():
        assert trace.encode() in before, trace  # the test data really is there to begin with
    recent_before = stored_rows(store, "recent-conversation")
    before_rows = stored_rows(store, "old-conversation")

    report = retention.purge(settings_for(tmp_path, tracker_db), now=NOW)

    assert report.conversations_purged == 1
    changed = [b for b, a in zip(before_rows, stored_rows(store, "old-conversation")) if b.data != a.data]
    assert report.events_rewritten == len(changed) > 40
    after = file_bytes(tracker_db)
    for trace in OLD_PERSON.traces():
        assert trace.encode() not in after, trace
    for row in stored_rows(store, "old-conversation"):  # no text at all, not only this person's
        for text in ("NIR retir", "dentiste", "Mission accompagnement", "Confirmer"):
            assert text not in row.data, row
    assert stored_rows(store, "recent-conversation") == recent_before
    for trace in RECENT_PERSON.stored():
        assert trace.encode() in after, trace


async def test_the_purged_tracker_still_loads_and_keeps_what_statistics_need(conversations, store, tracker_db,
                                                                              tmp_path):
    old, _ = conversations
    before = stored_rows(store, "old-conversation")
    retention.purge(settings_for(tmp_path, tracker_db), now=NOW)
    after = stored_rows(store, "old-conversation")

    # Same rows, same columns except data: ids, types, timestamps, intent and action names.
    assert [row[:5] for row in after] == [row[:5] for row in before]
    loaded = await store.retrieve_full_tracker("old-conversation")
    assert [e.type_name for e in loaded.events] == [e.type_name for e in old.events]
    assert [e.timestamp for e in loaded.events] == [e.timestamp for e in old.events]
    assert [e.intent_name for e in loaded.events if isinstance(e, UserUttered)] == [
        e.intent_name for e in old.events if isinstance(e, UserUttered)]
    assert [e.action_name for e in loaded.events if isinstance(e, ActionExecuted)] == [
        e.action_name for e in old.events if isinstance(e, ActionExecuted)]
    assert {e.metadata.get("utter_action") for e in loaded.events if isinstance(e, BotUttered)} == {
        "utter_ask_saisine_answer", None}
    assert all(e.text is None for e in loaded.events if isinstance(e, (UserUttered, BotUttered)))
    # Non-personal slots keep their value, every other one is emptied.
    assert loaded.get_slot("right") == "c2s" and loaded.get_slot("contact_need") == "carte_vitale"
    assert loaded.get_slot("partner_mode") is False
    for name in ("saisine_draft", "saisine_answer", "saisine_reference", "contact_place", "session_started_metadata"):
        assert all(e.value is None for e in loaded.events if isinstance(e, SlotSet) and e.key == name), name
    # Rasa still answers this sender: the latest session loads too.
    assert (await store.retrieve("old-conversation")) is not None


async def test_a_second_pass_changes_nothing(conversations, store, tracker_db, tmp_path):
    settings = settings_for(tmp_path, tracker_db)
    retention.purge(settings, now=NOW)
    rows = stored_rows(store, "old-conversation")
    assert retention.purge(settings, now=NOW) == retention.RetentionReport(0, 0, 0)
    later = retention.purge(settings, now=NOW + 2 * DAY)  # the recent conversation is over too
    assert later.conversations_purged == 1 and later.events_rewritten > 40
    assert stored_rows(store, "old-conversation") == rows


async def test_a_conversation_taken_up_again_is_purged_again_once_over(conversations, store, tracker_db, tmp_path):
    settings = settings_for(tmp_path, tracker_db)
    retention.purge(settings, now=NOW)
    tracker = await store.retrieve_full_tracker("old-conversation")
    back = NOW.timestamp()
    tracker.update_with_events([ActionExecuted("action_listen", timestamp=back),
                                user(f"c'est encore moi, {OLD_PERSON.phone_typed}", "greet", back + 1)],
                                None, override_timestamp=False)
    await store.save(tracker)

    assert retention.purge(settings, now=NOW + timedelta(hours=2)) == retention.RetentionReport(0, 0, 0)
    assert OLD_PERSON.phone_typed.encode() in file_bytes(tracker_db)
    before = stored_rows(store, "old-conversation")
    assert retention.purge(settings, now=NOW + 2 * DAY).conversations_purged == 2  # and the recent one
    changed = [b for b, a in zip(before, stored_rows(store, "old-conversation")) if b.data != a.data]
    assert [row.type_name for row in changed] == ["user"]  # only the new message
    assert OLD_PERSON.phone_typed.encode() not in file_bytes(tracker_db)


def test_an_empty_installation_is_left_as_it_is(tmp_path):
    settings = settings_for(tmp_path, tmp_path / "db" / "trackers.db")
    assert retention.purge(settings, now=NOW) == retention.RetentionReport(0, 0, 0)
    assert not (tmp_path / "db").exists()  # neither file was created


async def test_a_tracker_store_without_rasa_s_table_yet_is_left_alone(tmp_path, tracker_db):
    tracker_db.parent.mkdir()
    sa.create_engine(f"sqlite:///{tracker_db}").dispose()
    tracker_db.touch()
    assert retention.purge(settings_for(tmp_path, tracker_db), now=NOW) == retention.RetentionReport(0, 0, 0)


# --------------------------------------------------------------------------- event by event

SECRET = "Brisebarre 06 47 29 81 53"


def every_event_with_personal_data() -> Dict[str, Event]:
    at = NOW.timestamp()
    samples = [
        user(SECRET, "inform", at, entities=[{"entity": "right", "value": SECRET, "start": 0, "end": 3}]),
        DefinePrevUserUtteredFeaturization(False, timestamp=at, metadata={"note": SECRET}),
        EntitiesAdded([{"entity": "right", "value": SECRET}], timestamp=at),
        BotUttered(SECRET, {"buttons": [{"title": SECRET, "payload": f"/inform{{\"x\": \"{SECRET}\"}}"}],
                            "custom": {"x": SECRET}}, {"utter_action": "utter_summary", "note": SECRET}, timestamp=at),
        AgentUttered(SECRET, {"x": SECRET}, timestamp=at),
        SlotSet("saisine_draft", {"nom": SECRET}, timestamp=at),
        ActionExecuted("action_listen", policy="RulePolicy", confidence=1.0, action_text=SECRET, timestamp=at,
                       metadata={"x": SECRET}),
        ActionExecutionRejected("saisine_form", policy="RulePolicy", confidence=1.0, timestamp=at),
        ActiveLoop("saisine_form", timestamp=at, metadata={"x": SECRET}),
        LoopInterrupted(True, timestamp=at),
        FollowupAction("action_listen", timestamp=at),
        ReminderScheduled("remind", NOW, name="r1", entities=[{"entity": "nom", "value": SECRET}], timestamp=at),
        ReminderCancelled(name="r1", intent="remind", entities=[{"entity": "nom", "value": SECRET}], timestamp=at),
        SessionStarted(metadata={"ip": SECRET}, timestamp=at),
        Restarted(timestamp=at), UserUtteranceReverted(timestamp=at), AllSlotsReset(timestamp=at),
        ActionReverted(timestamp=at), ConversationPaused(timestamp=at), ConversationResumed(timestamp=at),
        StoryExported("stories.yml", timestamp=at),
    ]
    return {event.type_name: event for event in samples}


def rasa_event_types() -> set:
    return {cls.type_name for cls in all_subclasses(Event) if not getattr(cls, "__abstractmethods__", None)}


def test_every_rasa_event_type_is_known_to_the_purge():
    # A Rasa upgrade that adds an event type must be looked at (an unknown type keeps only its
    # type and timestamp, which may not load).
    assert rasa_event_types() <= set(retention.KEPT_FIELDS)


@pytest.mark.parametrize("type_name", sorted(every_event_with_personal_data()))
def test_each_event_type_loses_its_personal_data_and_still_loads(type_name):
    event = every_event_with_personal_data()[type_name]
    scrubbed = retention.scrub_event(event.as_dict())
    assert SECRET not in json.dumps(scrubbed)
    loaded = Event.from_parameters(scrubbed)
    assert loaded is not None and loaded.type_name == event.type_name and loaded.timestamp == event.timestamp
    assert retention.scrub_event(scrubbed) == scrubbed
    assert retention.scrub_event(loaded.as_dict()) == scrubbed  # what Rasa writes back is still clean


def test_the_samples_cover_every_rasa_event_type_but_the_legacy_ones():
    assert rasa_event_types() - set(every_event_with_personal_data()) == {"form", "form_validation"}


def test_an_unknown_event_type_keeps_only_its_type_and_time():
    assert retention.scrub_event({"event": "new_in_rasa_4", "timestamp": 1.5, "text": SECRET}) == {
        "event": "new_in_rasa_4", "timestamp": 1.5}


# --------------------------------------------------------------------------- what the purge assumes

def test_every_slot_of_the_domain_is_classified(domain):
    # A new slot in domain.yml fails here until someone decides whether its value is personal.
    names = {slot.name for slot in domain.slots}
    assert not retention.NON_PERSONAL_SLOTS & retention.PERSONAL_SLOTS
    assert names - (retention.NON_PERSONAL_SLOTS | retention.PERSONAL_SLOTS) == set()
    assert (retention.NON_PERSONAL_SLOTS | retention.PERSONAL_SLOTS) - names == set()  # no stale name


def test_the_events_table_is_rasa_s():
    ours = {c.name: (type(c.type), c.primary_key) for c in retention.events.columns}
    rasa = {c.name: (type(c.type), c.primary_key) for c in SQLTrackerStore.SQLEvent.__table__.columns}
    assert ours == rasa


# --------------------------------------------------------------------------- the outbox

class Accepting:
    async def submit(self, payload, key):
        return {"reference": payload["reference"], "status": "received"}


class Refusing:
    async def submit(self, payload, key):
        raise BackendError("invalid saisine", status=422)


def outbox_saisine(n: int, phone: str):
    saisine = minimal_saisine(f"retention-test-key-{n:06d}")
    return saisine.copy(update={"person": saisine.person.copy(update={"telephone": phone})})


async def test_the_outbox_forgets_rejected_saisines_after_their_window_and_never_a_pending_one(tmp_path, tracker_db):
    settings = settings_for(tmp_path, tracker_db)
    outbox_db = tmp_path / "db" / "outbox.db"
    outbox = Outbox(settings.outbox_url)
    without_secure_delete(outbox.engine)  # as an older outbox did: the vacuum must clean up
    created = (NOW - 40 * DAY).replace(tzinfo=None)
    phones = {"delivered": "+33647298153", "old_rejected": "+33758316420", "new_rejected": "+33611223344",
              "pending": "+33699887766"}
    # All queued first (the backend was down), then sent: the erased payloads sat between live ones.
    refs = {name: outbox.enqueue(outbox_saisine(n, phone),
                                 now=NOW.replace(tzinfo=None) if name == "new_rejected" else created)
            for n, (name, phone) in enumerate(phones.items())}
    for name, client in (("delivered", Accepting()), ("old_rejected", Refusing()), ("new_rejected", Refusing())):
        await outbox.deliver_pending(client, now=NOW.replace(tzinfo=None), reference=refs[name])
    outbox.engine.dispose()

    report = retention.purge(settings, now=NOW)

    assert report.outbox_items_forgotten == 1
    outbox = Outbox(settings.outbox_url)
    items = {item.reference: item for item in outbox.items()}
    assert items[refs["old_rejected"]].status == REJECTED and items[refs["old_rejected"]].payload is None
    assert items[refs["new_rejected"]].payload is not None  # a person may still look at it
    assert items[refs["pending"]].status == PENDING and items[refs["pending"]].payload is not None
    assert items[refs["delivered"]].status == DELIVERED
    stored = file_bytes(outbox_db)
    for name in ("delivered", "old_rejected"):  # the delivery erased it; vacuum removes what remained
        assert phones[name][3:].encode() not in stored, name
    assert phones["pending"][3:].encode() in stored
    assert retention.purge(settings, now=NOW).outbox_items_forgotten == 0

    class Gone:
        async def withdraw(self, reference):
            raise BackendError("not found", status=404)

    # A withdrawal of a forgotten rejected saisine still ends withdrawn (the backend never had it).
    outbox.withdraw(refs["old_rejected"], now=NOW.replace(tzinfo=None))
    await outbox.deliver_pending(Gone(), now=NOW.replace(tzinfo=None), reference=refs["old_rejected"])
    assert outbox.status(refs["old_rejected"]) == WITHDRAWN
    outbox.engine.dispose()


def test_the_outbox_zeroes_what_it_erases_even_where_sqlite_does_not_by_default(tmp_path, monkeypatch):
    from bot.saisine import outbox as outbox_module

    def engine_of_a_build_without_secure_delete(url):
        engine = sa.create_engine(url, future=True)
        without_secure_delete(engine)
        return engine

    monkeypatch.setattr(outbox_module, "make_engine", engine_of_a_build_without_secure_delete)
    outbox = Outbox(f"sqlite:///{tmp_path / 'outbox.db'}")
    with outbox.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA secure_delete").scalar() == 1
    outbox.engine.dispose()


# --------------------------------------------------------------------------- settings and command line

def test_settings_defaults_and_environment():
    assert retention.RetentionSettings.from_env({}) == retention.RetentionSettings()
    assert retention.RetentionSettings().tracker_retention == timedelta(days=1)
    settings = retention.RetentionSettings.from_env({"TRACKER_RETENTION_DAYS": "0.5",
                                                     "TRACKER_STORE_URL": "sqlite:///x.db",
                                                     "OUTBOX_REJECTED_RETENTION_DAYS": "7"})
    assert settings.tracker_retention == timedelta(hours=12) and settings.tracker_store_url == "sqlite:///x.db"
    assert settings.outbox_rejected_retention == timedelta(days=7)
    with pytest.raises(ValueError):
        retention.RetentionSettings.from_env({"TRACKER_RETENTION_DAYS": "0"})


@pytest.mark.parametrize("text, expected", [
    ("2026-11-20", NOW.replace(hour=0)),
    ("2026-11-20T10:00:00Z", NOW),
    ("2026-11-20T11:00:00+01:00", NOW),
])
def test_now_is_read_as_utc(text, expected):
    assert retention.parse_moment(text) == expected


def run_cli(args, tmp_path, tracker_db, **popen):
    env = dict(os.environ, TRACKER_STORE_URL=f"sqlite:///{tracker_db}",
               OUTBOX_URL=f"sqlite:///{tmp_path / 'db' / 'outbox.db'}", SQLALCHEMY_SILENCE_UBER_WARNING="1")
    return subprocess.Popen([sys.executable, "-m", "bot.retention", *args], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, **popen)


async def test_the_command_prints_the_counts(conversations, store, tmp_path, tracker_db):
    process = run_cli(["--now", "2026-11-20T10:00:00Z"], tmp_path, tracker_db)
    out, err = process.communicate(timeout=60)
    assert process.returncode == 0, err
    counts = json.loads(out)
    assert counts == {"conversations_purged": 1, "events_rewritten": counts["events_rewritten"],
                      "outbox_items_forgotten": 0}
    assert counts["events_rewritten"] > 40
    assert OLD_PERSON.phone_typed.encode() not in file_bytes(tracker_db)
    assert OLD_PERSON.nom not in out + err


def test_the_loop_stops_cleanly_on_sigterm(tmp_path, tracker_db):
    process = run_cli(["--every", "3600"], tmp_path, tracker_db)
    try:
        for line in process.stderr:
            if "retention pass:" in line:
                break
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=20) == 0
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
