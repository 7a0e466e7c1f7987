"""Hostile input through the REST channel of the real assistant (issue 8).

About 1 500 generated messages — emoji, 5 000 characters, control, right-to-left and zero-width
characters, lone surrogates, HTML/JS and SQL payloads, JSON fragments, Rasa payloads (`/restart`,
`/inform{"x":1}`, broken JSON), very long numbers, Unicode digits, valid NIRs — sent by many
people at once (8 conversations at a time), some of them in the middle of a form (eligibility,
prevention, MAS saisine as a person or as a partner, contacts) so that the forms' readers get them.

Every answer is HTTP 200 with a JSON list; no bot text echoes a `<script` or an `onerror=`; the
Rasa, action server, courier and backend logs gain no traceback and no ERROR line; no valid NIR
is left in the tracker store, the outbox, the backend database or the logs.
Bugs found are kept below as regular conversations, each saying what it was.
"""
from __future__ import annotations

import json
import random
import re
import sqlite3
import threading
import time
import uuid
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import requests
from stdnum.fr import nir as stdnum_nir

from tests.integration.conftest import Conversation

SEED = 8  # issue 8: the same messages on every run, so a failure can be replayed
CONVERSATIONS = 100
HOSTILE_PER_CONVERSATION = 11
CONCURRENCY = 8
REQUEST_TIMEOUT = 120

# Conversations start like real ones, so that the hostile messages reach the forms' readers.
OPENERS = {
    "free": [],
    "eligibility": ["ai-je droit à la complémentaire santé solidaire ?"],
    "prevention": ["quels examens de prévention pour moi ?"],
    "saisine_person": ["le dentiste c'est trop cher, j'y vais plus", "oui", "oui"],
    "saisine_partner": ["je suis assistante sociale au CCAS, je veux faire une saisine MAS pour une dame", "oui",
                        "situation sociale complexe", "Benali", "Samira", "1er janvier 1958", "06 98 76 54 32",
                        "pas d'e-mail", "Claire Martin"],
    "contacts": ["j'ai perdu ma carte vitale, qui contacter ?"],
}
# Answers mixed with the hostile messages, so that a form moves on and its next reader is hit too.
ORDINARY = ["oui", "non", "52 ans", "900 € par mois", "nous sommes 3", "métropole", "Dupont", "Marie",
            "14/07/1985", "06 12 34 56 78", "pas d'e-mail", "confirmer l'envoi", "corriger", "annuler",
            "Paris", "75001", "je suis une femme", "le dentiste", "stop", "merci"]

EMOJI = ["🙂", "😡", "👍🏽", "👨‍👩‍👧‍👦", "🏳️‍🌈", "🇫🇷", "💊", "🦷", "❤️", "🤷‍♀️", "\U0001F9EA", "⚕️", "🔥" * 3]
CONTROL = [chr(c) for c in list(range(0, 32)) + list(range(127, 160))]
ZERO_WIDTH = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e"]
BIDI = ["\u202e", "\u202d", "\u202a", "\u202b", "\u202c", "\u2066", "\u2067", "\u2068", "\u2069", "\u200f", "\u200e"]
RTL = ["مرحبا، هل يحق لي الحصول على التغطية الصحية؟", "אני צריך עזרה עם ביטוח הבריאות", "أنا مريض ولا أملك المال",
       "کمک می‌خواهم", "ܫܠܡܐ"]
HTML_JS = ["<script>alert(1)</script>", "<img src=x onerror=alert(document.cookie)>", "\"><svg/onload=alert(1)>",
           "<iframe src=javascript:alert(1)>", "javascript:alert(1)", "<a href=\"javascript:alert(1)\">clic</a>",
           "<body onload=alert(1)>", "{{constructor.constructor('alert(1)')()}}", "<scr<script>ipt>alert(1)</script>",
           "&lt;script&gt;alert(1)&lt;/script&gt;", "<style>*{display:none}</style>", "<!--", "]]>", "<?xml ?>"]
SQL = ["'; DROP TABLE events; --", "\" OR 1=1 --", "1' OR '1'='1", "admin'--", "'; DELETE FROM saisines; --",
       "1; SELECT * FROM events", "UNION SELECT sender_id, data FROM events --", "'); DROP TABLE outbox;--",
       "%' AND 1=0 UNION SELECT NULL--", "\\'; exec xp_cmdshell('dir'); --"]
JSON_FRAGMENTS = ['{"x": 1}', '{"sender": "autre", "message": "/restart"}', "[1, 2", "]", "null", "true", "{}",
                  '{"__proto__": {"admin": true}}', '{"a":' * 50, '"\\u0000"', "NaN", "-Infinity", "1e999"]
PAYLOADS = ["/restart", "/stop", "/session_start", "/back", "/nlu_fallback", '/inform{"x":1}', '/ask_c2s{"a":',
            '/request_mas{"saisine_draft": {"consent": true, "role": "person"}}', '/affirm{"saisine_answer": "oui"}',
            '/greet{"sender": "admin"}', "/action_saisine_finish", "/", "//", "/" + "a" * 300, '/deny{"', "/inform[]"]
FORMAT = ["%s%s%s%n", "{0}{1}", "${jndi:ldap://127.0.0.1/a}", "${7*7}", "#{7*7}", "../../etc/passwd", "\\\\?\\C:\\",
          "%0d%0aSet-Cookie: x=1", "\r\nX-Injected: 1", "%00", "\\x00"]
UNICODE_DIGITS = ["０６ １２ ３４ ５６ ７８", "٠٦١٢٣٤٥٦٧٨", "²³ ans", "①②③", "𝟱𝟮 ans", "Ⅻ", "۵۲ ساله", "五十二 ans"]
SURROGATES = ["\ud800", "a\udfffb", "\udbff", "oui \ud83d", "\udc00\ud800"]
FRENCH = ["j'ai droit à la C2S ?", "ma fille de 18 mois", "j'habite à Lille", "je touche le RSA", "c'est trop cher",
          "je veux parler à quelqu'un", "quels vaccins ?", "capital décès", "oui", "non"]


def valid_nir(rng: random.Random) -> str:
    body = (rng.choice("12") + f"{rng.randint(0, 99):02d}" + f"{rng.randint(1, 12):02d}"
            + f"{rng.choice([d for d in range(1, 96) if d != 20]):02d}" + f"{rng.randint(1, 999):03d}"
            + f"{rng.randint(1, 999):03d}")
    number = body + f"{97 - int(body) % 97:02d}"
    assert stdnum_nir.is_valid(number)
    if rng.random() < 0.5:
        return " ".join([number[0], number[1:3], number[3:5], number[5:7], number[7:10], number[10:13], number[13:]])
    return number


def long_text(rng: random.Random) -> str:
    unit = rng.choice(["a", "é", "9", "🙂", "<b>", "oui ", "j'ai droit à la C2S ? ", "\u200b", "ש", "1 500 € ",
                       "".join(rng.choice(EMOJI + HTML_JS + FRENCH) for _ in range(3))])
    return (unit * (5000 // len(unit) + 1))[:5000]


def sprinkle(rng: random.Random, text: str, chars: list) -> str:
    return "".join(ch + (rng.choice(chars) if rng.random() < 0.3 else "") for ch in text)


KINDS = {
    "emoji": lambda r: "".join(r.choice(EMOJI) for _ in range(r.randint(1, 40))),
    "long_5000": long_text,
    "control": lambda r: sprinkle(r, r.choice(FRENCH), CONTROL),
    "rtl": lambda r: r.choice(BIDI) + r.choice(RTL) + r.choice(BIDI) + " " + r.choice(FRENCH),
    "zero_width": lambda r: sprinkle(r, r.choice(FRENCH + ORDINARY), ZERO_WIDTH),
    "html_js": lambda r: r.choice(HTML_JS) + (" " + r.choice(FRENCH) if r.random() < 0.5 else ""),
    "sql": lambda r: r.choice(SQL),
    "json": lambda r: r.choice(JSON_FRAGMENTS),
    "payload": lambda r: r.choice(PAYLOADS),
    "format": lambda r: r.choice(FORMAT),
    "long_number": lambda r: "9" * r.choice([20, 309, 400, 4301, 5000]) + r.choice(["", " €", " euros par mois", " personnes"]),
    "unicode_digits": lambda r: r.choice(UNICODE_DIGITS),
    "surrogate": lambda r: r.choice(SURROGATES),
    "nir": lambda r: r.choice(["", "mon numéro de sécu : ", "NIR ", "c'est le "]) + valid_nir(r) + r.choice(["", " merci", "."]),
    "whitespace": lambda r: r.choice(["", " ", "\n\t\r", "\u00a0\u2003", "\u3000"]),
    "mixed": lambda r: " ".join(r.choice([*FRENCH, *ORDINARY, *HTML_JS, *SQL, *EMOJI, *PAYLOADS[5:7], valid_nir(r)])
                                for _ in range(r.randint(2, 6))),
}


def build_conversations(seed: int = SEED) -> list:
    """[(opener name, [(kind, message), ...])], the same on every run."""
    rng = random.Random(seed)
    conversations = []
    schedule = ["free", "eligibility", "prevention", "saisine_person", "free", "eligibility", "prevention",
                "saisine_person", "saisine_partner", "contacts"]  # the partner's long opener: 1 in 10
    for index in range(CONVERSATIONS):
        opener = schedule[index % len(schedule)]
        messages = [("opener", text) for text in OPENERS[opener]]
        for _ in range(HOSTILE_PER_CONVERSATION):
            kind = rng.choice(sorted(KINDS))
            messages.append((kind, KINDS[kind](rng)))
            if rng.random() < 0.2:
                messages.append(("ordinary", rng.choice(ORDINARY)))
        conversations.append((opener, messages))
    return conversations


# --------------------------------------------------------------------------------------------
# What was sent, what came back, what the logs and stores hold
# --------------------------------------------------------------------------------------------

def joined_digits(text: str) -> str:
    """'1 85 05 78 006 084 91' -> '185057800608491': separators between digits removed."""
    return re.sub(r"(?<=\d)[ .\-](?=\d)", "", text)


def valid_nirs_in(text: str) -> list:
    return [n for n in re.findall(r"(?<![0-9])[12][0-9]{14}(?![0-9])", joined_digits(text)) if stdnum_nir.is_valid(n)]


def leaked(text: str, nirs: set) -> list:
    """The NIRs sent that are still in a text, written with or without separators."""
    joined = joined_digits(text)
    return sorted(n for n in nirs if n in joined)


def stored_text(database: Path) -> str:
    if not Path(database).exists():
        return ""
    with sqlite3.connect(database) as connection:
        tables = [t for (t,) in connection.execute("select name from sqlite_master where type='table'")]
        return "\n".join(" ".join(str(value) for value in row)
                         for table in tables for row in connection.execute(f'select * from "{table}"'))


def log_offsets(assistant) -> dict:
    return {Path(log): Path(log).stat().st_size if Path(log).exists() else 0 for log in assistant["logs"]}


PROBLEM = re.compile(r"Traceback|\bERROR\b|\bCRITICAL\b|Exception in|Unhandled exception")
# Known, reported, and kept apart so that anything new still fails the test:
KNOWN = {
    # a deterministic bug: test_bug_lone_surrogate_message_gets_no_answer
    "lone surrogate breaks SpacyNLP": re.compile(r'"text": "[^"]*\\ud[89a-f][0-9a-f]{2}[^"]*".*run_SpacyNLP'),
    # a transient race: Rasa's aiohttp client reuses a keep-alive connection that the action server
    # (Sanic, keep-alive 5 s) is closing; the turn gets no action answer. Counted and printed.
    "action server keep-alive race": re.compile(r"Cannot write to closing transport|Failed to execute custom action "
                                                r"'\w+'\. Couldn't connect|Encountered an exception while running action"),
}


def new_log_problems(offsets: dict, known: Counter = None) -> list:
    """New ERROR / Traceback entries (a traceback with its last lines), known ones counted apart."""
    problems = []
    for log, start in offsets.items():
        lines = log.read_bytes()[start:].decode("utf-8", "replace").splitlines()
        number = 0
        while number < len(lines):
            line = lines[number]
            if not PROBLEM.search(line):
                number += 1
                continue
            end = number + 1
            if "Traceback" in line:  # up to the exception line, the first one not indented
                while end < len(lines) and (lines[end].startswith((" ", "\t")) or not lines[end].strip()
                                            or "Traceback" in lines[end] or lines[end].startswith(("The above", "During"))):
                    end += 1
                end += 1
            entry = " | ".join(lines[number:end])
            name = next((name for name, pattern in KNOWN.items() if pattern.search(entry)), None)
            if name and known is not None:
                known[name] += 1
            else:
                problems.append(f"{log.name}: {entry[:300]} … {entry[-300:]}" if len(entry) > 600 else f"{log.name}: {entry}")
            number = end
    return problems


def new_log_text(offsets: dict) -> str:
    return "\n".join(log.read_bytes()[start:].decode("utf-8", "replace") for log, start in offsets.items())


class Tally:
    def __init__(self):
        self.lock = threading.Lock()
        self.sent = 0
        self.kinds = Counter()
        self.errors = []
        self.echoes = []
        self.seconds = []
        self.by_kind = {}

    def record(self, kind, message, response=None, error=None, seconds=0.0):
        with self.lock:
            self.sent += 1
            self.kinds[kind] += 1
            self.seconds.append(seconds)
            self.by_kind.setdefault(kind, []).append(seconds)
            if error is not None:
                self.errors.append(f"{kind} {message[:80]!r}: {error}")
                return
            if response.status_code != 200:
                self.errors.append(f"{kind} {message[:80]!r}: HTTP {response.status_code} {response.text[:200]}")
                return
            try:
                answers = response.json()
            except ValueError:
                self.errors.append(f"{kind} {message[:80]!r}: not JSON {response.text[:200]!r}")
                return
            if not isinstance(answers, list):
                self.errors.append(f"{kind} {message[:80]!r}: not a list {answers!r:.200}")
                return
            for answer in answers:
                text = json.dumps(answer, ensure_ascii=False).lower()
                if "<script" in text or "onerror=" in text or "onload=" in text:
                    self.echoes.append(f"{kind} {message[:80]!r} -> {text[:300]}")


def talk(url: str, opener: str, messages: list, tally: Tally) -> None:
    sender = f"hostile-{opener}-{uuid.uuid4().hex[:10]}"
    with requests.Session() as session:
        for kind, message in messages:
            started = time.monotonic()
            try:
                response = session.post(f"{url}/webhooks/rest/webhook", json={"sender": sender, "message": message},
                                        timeout=REQUEST_TIMEOUT)
            except requests.RequestException as exc:
                tally.record(kind, message, error=f"{type(exc).__name__}: {exc}", seconds=time.monotonic() - started)
                continue
            tally.record(kind, message, response, seconds=time.monotonic() - started)


# --------------------------------------------------------------------------------------------
# The test
# --------------------------------------------------------------------------------------------

def test_thousands_of_hostile_messages(assistant):
    conversations = build_conversations()
    sent_nirs = {nir for _, messages in conversations for _, text in messages for nir in valid_nirs_in(text)}
    offsets = log_offsets(assistant)
    tally = Tally()
    started = time.monotonic()
    with ThreadPoolExecutor(max_workers=CONCURRENCY) as pool:
        for future in [pool.submit(talk, assistant["url"], opener, messages, tally) for opener, messages in conversations]:
            future.result()
    elapsed = time.monotonic() - started
    time.sleep(2)  # let the last log lines and the courier's poll land

    known = Counter()
    problems = new_log_problems(offsets, known)
    logged = new_log_text(offsets)
    leaks = {name: leaked(stored_text(assistant[name]), sent_nirs) for name in ("tracker_db", "outbox_db", "saisine_db")}
    leaks["logs"] = leaked(logged, sent_nirs)
    hostile = sum(count for kind, count in tally.kinds.items() if kind not in ("opener", "ordinary"))
    slowest = sorted(tally.seconds)[-1] if tally.seconds else 0
    print(f"\nhostile messages: {tally.sent} sent ({hostile} hostile, {tally.kinds['opener']} openers, "
          f"{tally.kinds['ordinary']} ordinary answers) by {len(conversations)} senders, {CONCURRENCY} at a time, "
          f"in {elapsed:.0f} s (slowest answer {slowest:.1f} s)")
    print(f"kinds ({len(tally.kinds)}): {dict(sorted(tally.kinds.items()))}")
    print("mean seconds by kind: " + ", ".join(f"{k} {sum(v) / len(v):.2f}" for k, v in sorted(tally.by_kind.items())))
    print(f"known log problems (reported bugs): {dict(known)}")
    print(f"NIRs sent: {len(sent_nirs)}; errors: {len(tally.errors)}; echoes: {len(tally.echoes)}; "
          f"log problems: {len(problems)}; NIRs left: {sum(len(v) for v in leaks.values())}")

    assert not tally.errors, "answers that are not HTTP 200 with a JSON list:\n" + "\n".join(tally.errors[:40])
    assert not tally.echoes, "bot texts echoing a script payload:\n" + "\n".join(tally.echoes[:20])
    assert not problems, "new tracebacks / errors in the logs:\n" + "\n".join(dict.fromkeys(problems))
    assert not any(leaks.values()), f"valid NIRs left after the conversations: {leaks}"
    assert sent_nirs, "the generator sent no NIR: the leak check proved nothing"


# --------------------------------------------------------------------------------------------
# Bugs found: kept as regular conversations
# --------------------------------------------------------------------------------------------

def test_prevention_age_with_a_5000_digit_number_is_asked_again(assistant):
    """Found here: '9'*5000 + ' ans et 3 mois' made bot.prevention.age_from_text int() a 5 000-digit
    run (ValueError past Python's 4 300-digit limit), validate_prevention_form crashed and the person
    got no re-ask. Fixed in bot.prevention_intake.read_answer (answers over MAX_ANSWER_CHARS)."""
    conversation = Conversation(assistant["url"])
    question = conversation.say_text("quels examens de prévention pour moi ?")
    assert "âge" in question.lower()
    offsets = log_offsets(assistant)
    reply = conversation.say_text("9" * 5000 + " ans et 3 mois")
    time.sleep(1)
    known = Counter()
    problems = new_log_problems(offsets, known)
    assert not problems, "\n".join(problems)
    assert reply.strip(), "no answer at all"


def test_a_message_with_a_lone_surrogate_gets_an_answer(assistant):
    # Found here: "\ud83d" (any JSON client can send it) made SpaCyNLP raise and the person got
    # silence; the public channel now replaces lone surrogates by U+FFFD before the NLU.
    conversation = Conversation(assistant["url"])
    offsets = log_offsets(assistant)
    reply = conversation.say_text("oui \ud83d")
    time.sleep(1)
    problems = new_log_problems(offsets)
    assert reply.strip() and not problems, (reply, problems)


def test_a_script_typed_as_structure_is_refused_and_never_echoed(assistant):
    partner = Conversation(assistant["url"])
    for text in OPENERS["saisine_partner"]:
        partner.say_text(text)
    refused = partner.say_text("<script>alert(1)</script>")
    # Not stored, the structure is asked again. The NLU takes this text for out_of_scope, so the
    # form answers that digression instead of bot.saisine.validation.MARKUP_ERROR.
    assert "Votre structure ?" in refused, refused
    summary = "\n".join([partner.say_text("CCAS de Lille"), partner.say_text("pas d'e-mail"),
                         partner.say_text("03 20 00 00 00"), partner.say_text("aucune")])
    assert "Confirmer" in summary and "Votre structure : CCAS de Lille" in summary, summary
    assert not re.search(r"<\s*/?\s*[a-z!]", refused + summary, re.IGNORECASE), refused + summary


def test_the_skip_button_of_the_partner_phone_does_not_cancel_the_saisine(assistant):
    # Found by this suite: the button used to send "passer", read as the intent stop, which
    # cancelled the whole saisine instead of skipping the optional field.
    partner = Conversation(assistant["url"])
    for text in OPENERS["saisine_partner"] + ["CCAS de Lille", "pas d'e-mail"]:
        question = partner.say(text)
    skip = [b for m in question for b in m.get("buttons", [])]
    assert len(skip) == 1, skip
    reply = partner.say_text(skip[0]["payload"])
    assert "annulée" not in reply and "démarches" in reply.lower(), reply


# --------------------------------------------------------------------------------------------
# Requests that are not well-formed messages
# --------------------------------------------------------------------------------------------

MALFORMED_JSON = {
    "message is a number": {"sender": "malformed-1", "message": 123},
    "message is null": {"sender": "malformed-2", "message": None},
    "message is a list": {"sender": "malformed-3", "message": ["oui"]},
    "message is an object": {"sender": "malformed-4", "message": {"text": "oui"}},
    "no message": {"sender": "malformed-5"},
    "sender is a number": {"sender": 4242, "message": "bonjour"},
    "sender is an object": {"sender": {"id": 1}, "message": "bonjour"},
    "sender of 5 000 characters": {"sender": "s" * 5000, "message": "bonjour"},
    "sender is a script": {"sender": "<script>alert(1)</script>", "message": "bonjour"},
    "sender is SQL": {"sender": "'; DROP TABLE events; --", "message": "bonjour"},
    "sender is emoji and RTL": {"sender": "🙂\u202eabc", "message": "bonjour"},
    "extra fields": {"sender": "malformed-6", "message": "bonjour", "metadata": "x", "input_channel": "admin"},
}
MALFORMED_RAW = {
    "not JSON": b"bonjour",
    "broken JSON": b'{"sender": "x", "message": ',
    "JSON nested 100 000 deep": b'{"sender": "x", "message": "oui", "m": ' + b"[" * 100000 + b"]" * 100000 + b"}",
    "invalid UTF-8": b'{"sender": "malformed-7", "message": "\xff\xfe oui"}',
}


def test_malformed_requests_are_no_server_error_and_the_server_lives_on(assistant):
    url = f"{assistant['url']}/webhooks/rest/webhook"
    statuses = {}
    for name, body in MALFORMED_JSON.items():
        statuses[name] = requests.post(url, json=body, timeout=REQUEST_TIMEOUT).status_code
    for name, raw in MALFORMED_RAW.items():
        statuses[name] = requests.post(url, data=raw, headers={"Content-Type": "application/json"},
                                       timeout=REQUEST_TIMEOUT).status_code
    print(f"\nmalformed requests: {statuses}")
    assert all(status < 500 for status in statuses.values()), statuses
    assert Conversation(assistant["url"]).say_text("bonjour").strip()


# Found here, each a 500, a silent failure or a shared conversation with Rasa's own REST channel;
# components/public_channels.py answers them with a French 400 before Rasa sees them.

@pytest.mark.parametrize("raw", [b'["bonjour"]', b'"bonjour"', b""], ids=["list", "string", "empty"])
def test_a_json_body_that_is_not_an_object_is_refused_in_french(assistant, raw):
    response = requests.post(f"{assistant['url']}/webhooks/rest/webhook", data=raw,
                             headers={"Content-Type": "application/json"}, timeout=REQUEST_TIMEOUT)
    assert response.status_code == 400 and "objet JSON" in response.json()["error"], response.text[:200]


@pytest.mark.parametrize("message", [123, None, ["oui"], {"text": "oui"}])
def test_a_message_that_is_not_a_string_is_refused_and_nothing_fails(assistant, message):
    offsets = log_offsets(assistant)
    response = requests.post(f"{assistant['url']}/webhooks/rest/webhook",
                             json={"sender": f"malformed-{uuid.uuid4().hex[:8]}", "message": message},
                             timeout=REQUEST_TIMEOUT)
    time.sleep(0.5)
    assert response.status_code == 400 and "« message »" in response.json()["error"]
    assert not new_log_problems(offsets)


def test_requests_without_sender_are_refused_instead_of_sharing_one_conversation(assistant):
    url = f"{assistant['url']}/webhooks/rest/webhook"
    for body in ({"message": "le dentiste c'est trop cher, j'y vais plus"}, {"sender": "", "message": "oui"}):
        response = requests.post(url, json=body, timeout=REQUEST_TIMEOUT)
        assert response.status_code == 400 and "sender" in response.json()["error"], response.text


def test_a_50000_character_message_is_answered_at_once_without_reaching_the_nlu(assistant):
    # It used to keep Rasa's event loop (every conversation's) busy for ~30 s.
    started = time.monotonic()
    response = requests.post(f"{assistant['url']}/webhooks/rest/webhook",
                             json={"sender": f"huge-{uuid.uuid4().hex[:8]}", "message": "j'ai droit à la C2S ? " * 2273},
                             timeout=REQUEST_TIMEOUT)
    elapsed = time.monotonic() - started
    assert response.status_code == 413 and elapsed < 5, (response.status_code, f"{elapsed:.1f} s")
    assert "trop long" in response.json()[0]["text"]


def test_a_body_over_the_request_size_limit_is_refused(assistant):
    response = requests.post(f"{assistant['url']}/webhooks/rest/webhook", timeout=REQUEST_TIMEOUT,
                             data=json.dumps({"sender": "big", "message": "x" * 300_000}),
                             headers={"Content-Type": "application/json"})
    assert response.status_code == 413


def test_a_lone_surrogate_sender_is_refused_and_the_server_lives_on(assistant):
    # Found here: it reached the SQL tracker store, which cannot encode it, and Rasa's
    # SQLTrackerStore.session_scope exited the whole server (one request stopped the assistant).
    response = requests.post(f"{assistant['url']}/webhooks/rest/webhook", json={"sender": "\ud800", "message": "oui"},
                             timeout=REQUEST_TIMEOUT)
    assert response.status_code == 400 and "invalides" in response.json()["error"]
    assert Conversation(assistant["url"]).say_text("bonjour").strip()
    assert assistant["processes"]["rasa"].process.poll() is None


def test_one_conversation_sending_too_fast_is_asked_to_wait_in_french(assistant):
    # The integration stack allows 120 messages a minute per conversation (tests/integration/conftest.py).
    # Oversized messages are counted too and answered without the NLU: the flood takes a second or two.
    url, sender = f"{assistant['url']}/webhooks/rest/webhook", f"flood-{uuid.uuid4().hex[:8]}"
    with requests.Session() as session:
        statuses = [session.post(url, json={"sender": sender, "message": "x" * 7000}, timeout=REQUEST_TIMEOUT)
                    for _ in range(121)]
        normal = session.post(url, json={"sender": sender, "message": "bonjour"}, timeout=REQUEST_TIMEOUT)
    assert [r.status_code for r in statuses[:120]] == [413] * 120
    limited = statuses[120]
    assert limited.status_code == 429 and int(limited.headers["Retry-After"]) >= 1
    assert "Attendez" in limited.json()[0]["text"]
    assert normal.status_code == 429  # the conversation waits, whatever it sends
    assert Conversation(assistant["url"]).say_text("bonjour").strip()  # others are not slowed
