"""Is the person's question answered in the first reply? The question bank of issue 16, measured.

    .venv/bin/python scripts/answer_eval.py                 start the stack (scripts/stack.py), measure
    .venv/bin/python scripts/answer_eval.py --url http://localhost:5005   use a running Rasa server
    options: --only train|heldout  --subject c2s (repeatable)  --limit N  --concurrency 3
    .venv/bin/python scripts/answer_eval.py --rescore reports/answer_eval.json   score saved replies
             again with the bank as it is now (after editing an expectation), without asking the assistant

Each question of tests/answer_bank/ (format: tests/answer_bank/README.md) is sent as the first
message of a new conversation through the REST channel; the texts of the bot's messages of that
turn, joined by a newline, are "the first reply" (buttons are not counted). Measured per question:
- answered: the reply contains one of the item's `expect` alternatives — or it is an honest gap
  and contains one of its `gap_ok` alternatives —, one of its `expect_also` alternatives when it has
  some, and none of its `expect_not` strings. Matching is
  case-, accent- and spacing-insensitive (`normalize`), a number never matches inside a longer
  number ("2 mois" is not found in "12 mois"), and only an address-like alternative is looked for
  inside links (`is_address`);
- within the limit: the reply has at most 600 characters (MAX_REPLY_CHARS);
- honest gap: the reply says it does not have the answer (HONEST_GAP_PATTERNS);
- asks a question: the reply's last message opens or ends with a question to the person (a form
  question such as "Quel âge a la personne concernée ? Par exemple…", or an offer "Voulez-vous… ?");
- not understood: the fallback or out-of-scope replies (NOT_UNDERSTOOD_PATTERNS).
Prints, for the training part and the held-out part separately, the share answered, the share
answered within 600 characters, per aspect and per subject, the median first-reply length, the
counts, and the failures; writes reports/answer_eval.md and the raw replies in
reports/answer_eval.json. Nothing here is a test: figures are printed, not asserted (the bank itself
is validated by tests/unit/test_answer_bank.py).
"""
from __future__ import annotations

import argparse
import asyncio
import json
import re
import statistics
import sys
import time
import unicodedata
import uuid
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Dict, Iterable, List, Optional, Sequence

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from scripts.stack import MODEL, start_measuring_stack  # noqa: E402

BANK_DIR = ROOT / "tests" / "answer_bank"
REPORT = ROOT / "reports" / "answer_eval.md"
RAW_REPORT = ROOT / "reports" / "answer_eval.json"
MAX_REPLY_CHARS = 600
TARGET_HELDOUT_SHARE = 0.90  # issue 16: held-out answered in the first reply within 600 characters
HELDOUT_HEADER = "DO NOT USE FOR TRAINING"

RIGHTS = ["puma", "c2s", "ame", "soins_urgents", "capital_deces", "invalidite"]
PREVENTION = ["mt_dents", "breast_screening", "colorectal_screening", "cervical_screening", "flu_vaccine",
              "hpv_vaccine", "covid_vaccine", "pneumococcal_vaccine", "shingles_vaccine",
              "meningococcal_vaccine", "rsv_immunisation", "infant_vaccines", "compulsory_vaccines",
              "mon_bilan_prevention", "eps"]
CONTACTS = ["contacts"]
RIGHT_ASPECTS = ["what_is", "who", "cost", "ceiling", "apply", "documents", "delay", "renewal", "start",
                 "covered", "cumul", "recourse", "contact"]
PREVENTION_ASPECTS = ["age", "frequency", "coverage", "how", "special"]
CONTACT_ASPECTS = ["phone", "phone_cost_hours", "abroad_overseas", "online_account", "local_office", "mediator",
                   "partner_portal"]
ASPECTS_BY_SUBJECT: Dict[str, List[str]] = {
    **{s: RIGHT_ASPECTS for s in RIGHTS},
    **{s: PREVENTION_ASPECTS for s in PREVENTION},
    **{s: CONTACT_ASPECTS for s in CONTACTS},
}
SPLITS = ("train", "heldout")
REQUIRED_KEYS = {"id", "text", "subject", "aspect", "params", "expect", "split"}
OPTIONAL_KEYS = {"expect_not", "gap_ok", "expect_also"}

# The reply says it does not have the answer. Matched on the normalized reply (lower case, no accents,
# straight apostrophes). Keep the list short and specific: each phrase must only ever mean "I do not
# have this", never be part of an answer.
HONEST_GAP_PATTERNS = [
    r"je n'ai pas (cette |cet |l'|d'|de l')(information|info\b|element|reponse|chiffre|donnee)",
    r"je n'ai pas (la|de) reponse",
    r"je n'ai pas (trouve|de source|de ligne|d'element)",
    r"je ne dispose pas",
    r"je ne (le )?sais pas",
    r"je ne peux pas vous (le )?(dire|confirmer|preciser)",
    r"(ne figure(nt)? pas|n'est pas|ne sont pas|pas encore) dans (mes|nos) (sources|informations|donnees|fiches)",
    r"aucune source (ne|officielle)",
    r"\bi (do not|don't|can't|cannot) (have|know|tell|confirm)\b",
    r"\bnot in (my|our) (sources|information)\b",
]
# Fallback and out-of-scope replies of domain.yml (utter_ask_rephrase, utter_default,
# utter_out_of_scope, utter_ask_affirmation_topics): the question was not understood.
NOT_UNDERSTOOD_PATTERNS = [
    r"je n'ai pas compris",
    r"je n'arrive pas a vous comprendre",
    r"je ne peux pas repondre a cette question",
    r"je ne suis pas sur d'avoir compris",
]

_CHAR_MAP = str.maketrans({"\u2019": "'", "\u2018": "'", "\u02bc": "'", "`": "'", "\u00b4": "'",
                           "\u0153": "oe", "\u00e6": "ae", "\u2010": "-", "\u2011": "-", "\u2012": "-",
                           "\u2013": "-", "\u2014": "-", "\u00ab": '"', "\u00bb": '"', "\u201c": '"',
                           "\u201d": '"'})


# --- pure functions (unit-tested) ---------------------------------------------------------------


def normalize(text: str) -> str:
    """Lower case, accents and ligatures removed, one kind of apostrophe and dash, every run of
    whitespace (no-break spaces included) one space, and no space between two digits, so that
    "10 339 €", "10\u202f339 €" and "10339 €" read the same, and "Éligibilité" is "eligibilite"."""
    text = unicodedata.normalize("NFKD", text.translate(_CHAR_MAP))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower().translate(_CHAR_MAP)
    text = re.sub(r"\s+", " ", text)
    text = re.sub(r"(?<=\d) (?=\d)", "", text)
    return text.strip()


def _bounded_at(end_char: str, alternative_length: int) -> bool:
    """A digit at either end of an alternative must not touch another digit in the reply; a letter
    must not touch another letter when the alternative is short (an acronym: "CRA", "PASS", "ASI")."""
    return end_char.isdigit() or (end_char.isalpha() and alternative_length <= 4)


def contains(reply: str, alternative: str) -> bool:
    """Whether `alternative` occurs in `reply`, both normalized (see `normalize` and `_bounded_at`)."""
    haystack, needle = normalize(reply), normalize(alternative)
    if not needle:
        return False
    bound_left = _bounded_at(needle[0], len(needle))
    bound_right = _bounded_at(needle[-1], len(needle))
    start = haystack.find(needle)
    while start != -1:
        before = haystack[start - 1] if start > 0 else ""
        after = haystack[start + len(needle)] if start + len(needle) < len(haystack) else ""
        left_ok = not (bound_left and before and (before.isdigit() if needle[0].isdigit() else before.isalnum()))
        right_ok = not (bound_right and after and (after.isdigit() if needle[-1].isdigit() else after.isalnum()))
        if left_ok and right_ok:
            return True
        start = haystack.find(needle, start + 1)
    return False


_URL = re.compile(r"(https?://|www\.)\S+")


def is_address(alternative: str) -> bool:
    """One token with a dot, @, slash or hyphen ("espace-partenaires.ameli.fr", "vaccination-info-service"):
    it may be found inside a link; any other alternative must be in the text itself, not in a link
    ("pharmacien" is not found in https://www.ordre.pharmacien.fr/…)."""
    return not re.search(r"\s", alternative.strip()) and re.search(r"[.@/-]", alternative) is not None


def first_match(reply: str, alternatives: Iterable[str]) -> Optional[str]:
    without_links = _URL.sub(" ", reply)
    return next((alt for alt in alternatives if contains(reply if is_address(alt) else without_links, alt)), None)


def is_honest_gap(reply: str) -> bool:
    text = normalize(reply)
    return any(re.search(pattern, text) for pattern in HONEST_GAP_PATTERNS)


def is_not_understood(reply: str) -> bool:
    text = normalize(reply)
    return any(re.search(pattern, text) for pattern in NOT_UNDERSTOOD_PATTERNS)


def asks_question(messages: Sequence[str]) -> bool:
    """The last message of the reply is a question to the person: it ends with "?", or its first
    sentence does (a form question followed by an example: "Quel âge… ? Par exemple : « 52 ans »")."""
    texts = [m.strip() for m in messages if m and m.strip()]
    if not texts:
        return False
    last = texts[-1]
    first_sentence = re.split(r"(?<=[.?!])\s+", last, maxsplit=1)[0]
    return last.endswith("?") or first_sentence.endswith("?")


@dataclass
class Score:
    answered: bool
    within_limit: bool
    length: int
    honest_gap: bool
    asks_question: bool
    not_understood: bool
    matched: Optional[str] = None
    forbidden: Optional[str] = None  # the expect_not string found, if any

    @property
    def answered_within_limit(self) -> bool:
        return self.answered and self.within_limit


def score_reply(item: dict, messages: Sequence[str]) -> Score:
    """Scores the first reply (the texts of the bot's messages of the turn) against one bank item."""
    reply = "\n".join(m for m in messages if m)
    gap = is_honest_gap(reply)
    matched = first_match(reply, item["expect"])
    if matched is None and gap:
        matched = first_match(reply, item.get("gap_ok") or [])
    if matched is not None and item.get("expect_also") and first_match(reply, item["expect_also"]) is None:
        matched = None  # e.g. the ceiling's wording is there, but not for the household size asked
    forbidden = first_match(reply, item.get("expect_not") or [])
    return Score(answered=matched is not None and forbidden is None, within_limit=len(reply) <= MAX_REPLY_CHARS,
                 length=len(reply), honest_gap=gap, asks_question=asks_question(messages),
                 not_understood=is_not_understood(reply), matched=matched, forbidden=forbidden)


# --- the bank -----------------------------------------------------------------------------------


def bank_files(directory: Path = BANK_DIR) -> List[Path]:
    return sorted(directory.glob("*.yml"))


def load_bank(directory: Path = BANK_DIR) -> List[dict]:
    """Every item of every file, in file order; each item gets `_file` (the file name)."""
    items = []
    for path in bank_files(directory):
        document = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
        for item in document.get("items") or []:
            items.append({**item, "_file": path.name})
    return items


def _strings(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) and normalize(v) for v in value)


def validate_bank(items: List[dict], directory: Path = BANK_DIR) -> List[str]:
    """Schema errors of the bank, one line each (empty list: valid)."""
    errors = []
    seen: Dict[str, str] = {}
    for item in items:
        where = f"{item.get('_file', '?')}:{item.get('id', '?')}"
        keys = set(item) - {"_file"}
        if REQUIRED_KEYS - keys:
            errors.append(f"{where}: missing {sorted(REQUIRED_KEYS - keys)}")
            continue
        if keys - REQUIRED_KEYS - OPTIONAL_KEYS:
            errors.append(f"{where}: unknown keys {sorted(keys - REQUIRED_KEYS - OPTIONAL_KEYS)}")
        expected_id = f"{item['subject']}{'-h' if item['split'] == 'heldout' else ''}-{item['aspect']}-"
        if not isinstance(item["id"], str) or not re.fullmatch(re.escape(expected_id) + r"\d{2}", item["id"]):
            errors.append(f"{where}: id must read {expected_id}<nn> (<subject>[-h]-<aspect>-<two digits>)")
        elif item["id"] in seen:
            errors.append(f"{where}: id already used in {seen[item['id']]}")
        else:
            seen[item["id"]] = item.get("_file", "?")
        if not isinstance(item["text"], str) or not item["text"].strip():
            errors.append(f"{where}: empty text")
        if item["subject"] not in ASPECTS_BY_SUBJECT:
            errors.append(f"{where}: unknown subject {item['subject']!r}")
        elif item["aspect"] not in ASPECTS_BY_SUBJECT[item["subject"]]:
            errors.append(f"{where}: aspect {item['aspect']!r} is not one of {item['subject']}'s")
        if not isinstance(item["params"], dict):
            errors.append(f"{where}: params must be a mapping")
        if not item["expect"] or not _strings(item["expect"]):
            errors.append(f"{where}: expect must be a non-empty list of non-empty strings")
        for key in OPTIONAL_KEYS & keys:
            if not item[key] or not _strings(item[key]):
                errors.append(f"{where}: {key} must be a non-empty list of non-empty strings")
        if item["split"] not in SPLITS:
            errors.append(f"{where}: split must be train or heldout")
        heldout_file = item.get("_file", "").endswith("_heldout.yml")
        if (item["split"] == "heldout") != heldout_file:
            errors.append(f"{where}: split {item['split']} in file {item.get('_file')} (held-out items go in *_heldout.yml, and only they)")
    by_file = defaultdict(set)
    for item in items:
        by_file[item.get("_file")].add(item.get("subject"))
    for name, subjects in by_file.items():
        if len(subjects) != 1:
            errors.append(f"{name}: one subject per file, found {sorted(map(str, subjects))}")
        elif name and name.removesuffix("_heldout.yml").removesuffix(".yml") != next(iter(subjects)):
            errors.append(f"{name}: the file is named after its subject ({next(iter(subjects))})")
    for path in bank_files(directory):
        if path.name.endswith("_heldout.yml") and HELDOUT_HEADER not in path.read_text(encoding="utf-8")[:400]:
            errors.append(f"{path.name}: a held-out file says at its top that it must not be used for training ({HELDOUT_HEADER})")
    return errors


def missing_cells(items: List[dict], split: Optional[str] = None) -> List[str]:
    """Subject × aspect cells with no item (of `split`, or of either)."""
    present = {(i["subject"], i["aspect"]) for i in items if split is None or i["split"] == split}
    return [f"{s}×{a}" for s, aspects in ASPECTS_BY_SUBJECT.items() for a in aspects if (s, a) not in present]


def select(items: List[dict], only: Optional[str] = None, subjects: Optional[List[str]] = None,
           limit: Optional[int] = None) -> List[dict]:
    chosen = [i for i in items if (only is None or i["split"] == only) and (not subjects or i["subject"] in subjects)]
    return chosen[:limit] if limit else chosen


# --- asking the assistant -------------------------------------------------------------------------


@dataclass
class Result:
    item: dict
    messages: List[str] = field(default_factory=list)
    buttons: List[str] = field(default_factory=list)
    seconds: float = 0.0
    error: str = ""
    score: Optional[Score] = None
    asked_at: str = field(default_factory=lambda: datetime.now().isoformat(timespec="minutes"))


async def ask(session, url: str, item: dict, attempts: int = 4) -> Result:
    import aiohttp

    result = Result(item, error="no answer (rate limited at every attempt)")
    sender = f"answer-eval-{uuid.uuid4().hex[:12]}"
    started = time.perf_counter()
    for attempt in range(attempts):
        try:
            async with session.post(url, json={"sender": sender, "message": item["text"]}) as response:
                if response.status == 429:  # a running stack's rate limit: wait as told, then again
                    await asyncio.sleep(float(response.headers.get("Retry-After", "2")))
                    continue
                body = await response.json(content_type=None)
                if response.status != 200 or not isinstance(body, list):
                    result.error = f"HTTP {response.status}: {str(body)[:200]}"
                    break
                result.messages = [m["text"] for m in body if isinstance(m, dict) and m.get("text")]
                result.buttons = [b.get("title", "") for m in body if isinstance(m, dict)
                                  for b in (m.get("buttons") or [])]
                result.error = ""
                break
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError) as error:
            result.error = f"{type(error).__name__}: {error}"
            await asyncio.sleep(1 + attempt)
    result.seconds = time.perf_counter() - started
    result.score = score_reply(item, result.messages)
    return result


async def ask_all(rasa_url: str, items: List[dict], concurrency: int) -> List[Result]:
    import aiohttp

    url = f"{rasa_url}/webhooks/rest/webhook"
    queue: asyncio.Queue = asyncio.Queue()
    for index, item in enumerate(items):
        queue.put_nowait((index, item))
    results: List[Optional[Result]] = [None] * len(items)
    done = 0
    width = len(str(len(items)))

    async def worker(session) -> None:
        nonlocal done
        while not queue.empty():
            index, item = queue.get_nowait()
            result = await ask(session, url, item)
            results[index] = result
            done += 1
            s = result.score
            mark = "ERR " if result.error else ("ok  " if s.answered_within_limit else ("long" if s.answered else "miss"))
            print(f"  [{done:>{width}}/{len(items)}] {mark} {s.length:>5} ch  {item['id']}", flush=True)

    timeout = aiohttp.ClientTimeout(total=120)
    async with aiohttp.ClientSession(timeout=timeout) as session:
        try:  # warm-up: the first turns load lazily; not counted
            async with session.post(url, json={"sender": f"answer-eval-warmup-{uuid.uuid4().hex[:8]}",
                                               "message": "bonjour"}) as response:
                await response.read()
        except (aiohttp.ClientError, asyncio.TimeoutError):
            pass
        await asyncio.gather(*(worker(session) for _ in range(max(1, concurrency))))
    return [r for r in results if r is not None]


# --- the report -----------------------------------------------------------------------------------


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.0f} %" if whole else "–"


def _table(results: List[Result], key: str, order: List[str]) -> List[str]:
    groups: Dict[str, List[Result]] = defaultdict(list)
    for r in results:
        groups[r.item[key]].append(r)
    lines = [f"| {key} | n | answered | answered ≤ {MAX_REPLY_CHARS} | median length | honest gaps |", "|---|---|---|---|---|---|"]
    for name in [k for k in order if k in groups] + sorted(set(groups) - set(order)):
        group = groups[name]
        answered = sum(r.score.answered for r in group)
        short = sum(r.score.answered_within_limit for r in group)
        median = statistics.median(r.score.length for r in group)
        gaps = sum(r.score.honest_gap for r in group)
        lines.append(f"| {name} | {len(group)} | {_pct(answered, len(group))} | {_pct(short, len(group))} | {median:.0f} | {gaps} |")
    return lines


def summary(results: List[Result]) -> Dict[str, float]:
    n = len(results)
    return {
        "n": n,
        "answered": sum(r.score.answered for r in results),
        "answered_within_limit": sum(r.score.answered_within_limit for r in results),
        "within_limit": sum(r.score.within_limit for r in results),
        "median_length": statistics.median(r.score.length for r in results) if n else 0,
        "honest_gaps": sum(r.score.honest_gap for r in results),
        "answered_by_gap": sum(r.score.answered and r.score.honest_gap for r in results),
        "asks_question": sum(r.score.asks_question for r in results),
        "question_instead_of_answer": sum(r.score.asks_question and not r.score.answered and not r.score.not_understood
                                          for r in results),
        "not_understood": sum(r.score.not_understood for r in results),
        "forbidden": sum(r.score.forbidden is not None for r in results),
        "errors": sum(bool(r.error) for r in results),
    }


def failure_reason(result: Result) -> str:
    s = result.score
    if result.error:
        return f"error: {result.error}"
    if s.forbidden:
        return f"contains « {s.forbidden} »"
    if not s.answered:
        if s.not_understood:
            return "not understood / out of scope"
        return "question instead of an answer" if s.asks_question else "not answered"
    return f"too long ({s.length} characters)"


def _one_line(text: str, limit: int = 200) -> str:
    flat = re.sub(r"\s+", " ", text).strip().replace("|", "/")
    return flat[:limit] + ("…" if len(flat) > limit else "")


def render(results: List[Result], header: List[str]) -> List[str]:
    lines = header[:]
    for split in SPLITS:
        part = [r for r in results if r.item["split"] == split]
        if not part:
            continue
        s = summary(part)
        title = "Training part" if split == "train" else "Held-out part"
        lines += ["", f"## {title} ({s['n']} questions)", "",
                  f"- answered in the first reply: **{_pct(s['answered'], s['n'])}** ({s['answered']}/{s['n']})",
                  f"- answered within {MAX_REPLY_CHARS} characters: **{_pct(s['answered_within_limit'], s['n'])}** "
                  f"({s['answered_within_limit']}/{s['n']})"
                  + (f" — target ≥ {TARGET_HELDOUT_SHARE:.0%} (issue 16)" if split == "heldout" else ""),
                  f"- first replies within {MAX_REPLY_CHARS} characters, answered or not: {_pct(s['within_limit'], s['n'])}",
                  f"- median first-reply length: **{s['median_length']:.0f}** characters",
                  f"- honest gaps: **{s['honest_gaps']}** (of which counted as answered through `gap_ok`: {s['answered_by_gap']})",
                  f"- reply asks the person a question: {s['asks_question']} (instead of an answer, fallback menus apart: "
                  f"{s['question_instead_of_answer']})",
                  f"- not understood / out of scope: {s['not_understood']}; a forbidden `expect_not` present: {s['forbidden']}; "
                  f"errors: {s['errors']}",
                  "", "### Per aspect", ""]
        aspect_order = RIGHT_ASPECTS + PREVENTION_ASPECTS + CONTACT_ASPECTS
        lines += _table(part, "aspect", aspect_order)
        lines += ["", "### Per subject", ""]
        lines += _table(part, "subject", RIGHTS + PREVENTION + CONTACTS)
        failures = [r for r in part if not r.score.answered_within_limit]
        lines += ["", f"### Failures ({len(failures)})", "",
                  "| id | why | question | first 200 characters of the reply |", "|---|---|---|---|"]
        for r in failures:
            lines.append(f"| {r.item['id']} | {failure_reason(r)} | {_one_line(r.item['text'], 160)} | "
                         f"{_one_line(chr(10).join(r.messages)) or '(no text)'} |")
    return lines + [""]


def console_summary(results: List[Result]) -> List[str]:
    lines = []
    for split in SPLITS:
        part = [r for r in results if r.item["split"] == split]
        if part:
            s = summary(part)
            lines.append(f"{split:>8}: {s['n']} questions, answered {_pct(s['answered'], s['n'])}, answered within "
                         f"{MAX_REPLY_CHARS} ch {_pct(s['answered_within_limit'], s['n'])}, median length "
                         f"{s['median_length']:.0f}, honest gaps {s['honest_gaps']}, questions instead of an answer "
                         f"{s['question_instead_of_answer']}, errors {s['errors']}")
    return lines


async def main(args: argparse.Namespace) -> int:
    bank = load_bank()
    errors = validate_bank(bank)
    if errors:
        print("The question bank is invalid:\n" + "\n".join(f"  {e}" for e in errors), file=sys.stderr)
        return 2
    items = select(bank, args.only, args.subject, args.limit)
    if not items:
        print("No question selected.", file=sys.stderr)
        return 2
    stack, rasa_url = None, args.url
    if args.rescore:
        return rescore(Path(args.rescore), items, args)
    if rasa_url is None:
        if not MODEL.exists():
            print(f"No model at {MODEL.relative_to(ROOT)}: run `make train` first.", file=sys.stderr)
            return 2
        stack, ready_s = start_measuring_stack("answer-eval-")
        rasa_url = stack.rasa_url
    counts = Counter(i["split"] for i in items)
    print(f"==> {len(items)} questions ({counts['train']} training, {counts['heldout']} held-out), "
          f"{args.concurrency} at a time, through {rasa_url}", flush=True)
    started = time.monotonic()
    try:
        results = await ask_all(rasa_url, items, args.concurrency)
    finally:
        if stack:
            stack.stop()
    elapsed = time.monotonic() - started
    how = (f"each the first message of a new conversation through the REST channel of "
           f"{'the stack started by the script' if stack else rasa_url}; {elapsed:.0f} s, {args.concurrency} at a time.")
    model = (f"Model: `{MODEL.relative_to(ROOT)}` ({datetime.fromtimestamp(MODEL.stat().st_mtime):%Y-%m-%d %H:%M})"
             if MODEL.exists() and not args.url else "Model: the running server's")
    write_reports(results, args, how, f"{model}; code: {code_version()}.")
    return 0


def code_version() -> str:
    """The commit the replies come from, and whether the working tree differed from it."""
    import subprocess

    try:
        commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (no git)"
    return f"commit {commit}" + (" with uncommitted changes" if dirty else "")


def rescore(path: Path, items: List[dict], args: argparse.Namespace) -> int:
    """Scores the replies saved in `path` (a previous run's raw report) with the bank as it is now."""
    saved = {record["id"]: record for record in json.loads(path.read_text(encoding="utf-8"))}
    results = []
    for item in items:
        record = saved.get(item["id"])
        if record is None:
            continue
        result = Result(item, messages=list(record["reply"]), buttons=list(record.get("buttons", [])),
                        seconds=record.get("seconds", 0.0), error=record.get("error", ""),
                        asked_at=record.get("asked_at") or f"{datetime.fromtimestamp(path.stat().st_mtime):%Y-%m-%dT%H:%M}")
        result.score = score_reply(item, result.messages)
        results.append(result)
    if not results:
        print(f"No reply of {path} belongs to the selected questions.", file=sys.stderr)
        return 2
    skipped = len(items) - len(results)
    asked_at = min(r.asked_at for r in results).replace("T", " ")
    how = (f"replies asked on {asked_at} (saved in `{path.name}`), scored again with the bank as it is now"
           + (f" ({skipped} selected questions had no saved reply)." if skipped else "."))
    write_reports(results, args, how, "Model: the one that produced the saved replies.")
    return 0


def write_reports(results: List[Result], args: argparse.Namespace, how: str, model: str) -> None:
    counts = Counter(r.item["split"] for r in results)
    filters = [f"--only {args.only}" if args.only else "", " ".join(f"--subject {s}" for s in args.subject or []),
               f"--limit {args.limit}" if args.limit else ""]
    header = [f"# Answer evaluation — {datetime.now():%Y-%m-%d %H:%M}", "",
              f"{len(results)} questions of `tests/answer_bank/` ({counts['train']} training, {counts['heldout']} held-out)"
              + (f", selected by `{' '.join(f for f in filters if f)}`" if any(filters) else "") + f", {how}",
              model,
              "Scoring: `scripts/answer_eval.py` and `tests/answer_bank/README.md`. \"Answered\": an `expect` element "
              "is in the first reply (or an honest gap with a `gap_ok` place) and no `expect_not`."]
    lines = render(results, header)
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text("\n".join(lines), encoding="utf-8")
    RAW_REPORT.write_text(json.dumps([
        {"id": r.item["id"], "split": r.item["split"], "subject": r.item["subject"], "aspect": r.item["aspect"],
         "text": r.item["text"], "reply": r.messages, "buttons": r.buttons, "error": r.error,
         "seconds": round(r.seconds, 3), "asked_at": r.asked_at, **{k: v for k, v in asdict(r.score).items()}}
        for r in results], ensure_ascii=False, indent=1), encoding="utf-8")
    print("\n".join(lines))
    print("\n".join(console_summary(results)))
    print(f"Report: {REPORT.relative_to(ROOT)} (raw replies: {RAW_REPORT.relative_to(ROOT)})")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", help="a running Rasa server (default: start the stack)")
    parser.add_argument("--only", choices=SPLITS, help="only the training or only the held-out part")
    parser.add_argument("--subject", action="append", choices=sorted(ASPECTS_BY_SUBJECT),
                        help="only this subject (repeatable)")
    parser.add_argument("--limit", type=int, help="only the first N selected questions")
    parser.add_argument("--concurrency", type=int, default=3, help="conversations at a time (default 3)")
    parser.add_argument("--rescore", metavar="JSON", help="score the replies saved by a previous run (its "
                        "reports/answer_eval.json) again, without asking the assistant")
    sys.exit(asyncio.run(main(parser.parse_args())))
