"""Saisines storage (SQLAlchemy 1.4 in 2.0 style). SaisineStore owns every query.

Personal data lives only in `payload` and the consent columns; withdrawal, erasure and the
retention job set them to NULL and keep a tombstone (reference, status, dates) so that a retry of
an erased saisine does not bring it back.

The tables are created and changed by Alembic revisions (bot/backend/migrations, run by
bot.backend.migrate at start): a change to the models below needs a new revision.
"""
from __future__ import annotations

import hashlib
import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

from aiohttp import web
from sqlalchemy import JSON, Boolean, Column, DateTime, Integer, String, Text, create_engine, select, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import declarative_base, sessionmaker

from bot.saisine.model import Saisine, new_reference

Base = declarative_base()

RECEIVED, WITHDRAWN, ERASED = "received", "withdrawn", "erased"
RETENTION_MONTHS = 18


def utcnow() -> datetime:
    """Naive UTC: SQLite has no time zones, so every stored datetime is naive UTC."""
    return datetime.now(timezone.utc).replace(tzinfo=None)


def naive_utc(moment: datetime) -> datetime:
    if moment.tzinfo is not None:
        moment = moment.astimezone(timezone.utc).replace(tzinfo=None)
    return moment


def iso(moment: Optional[datetime]) -> Optional[str]:
    return None if moment is None else moment.replace(tzinfo=timezone.utc).isoformat()


def add_months(moment: datetime, months: int) -> datetime:
    month_index = moment.month - 1 + months
    year, month = moment.year + month_index // 12, month_index % 12 + 1
    for day in (moment.day, 30, 29, 28):  # 31 August + 18 months -> 28/29 February
        try:
            return moment.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    raise ValueError(moment)


def make_engine(url: str) -> Engine:
    """Engine for any SQLAlchemy URL; a SQLite file gets its folder created."""
    parsed = make_url(url)
    connect_args: Dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        # Several coroutines / processes share the file: wait for the lock instead of failing.
        connect_args = {"check_same_thread": False, "timeout": 30}
    return create_engine(url, future=True, connect_args=connect_args)


def make_session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(bind=engine, future=True, expire_on_commit=False)


class SaisineRow(Base):
    __tablename__ = "saisines"

    id = Column(Integer, primary_key=True)
    reference = Column(String(20), unique=True, nullable=False)
    idempotency_key = Column(String(100), unique=True, nullable=False)
    payload_sha256 = Column(String(64))  # compares retries; erased with the payload
    payload = Column(JSON(none_as_null=True))  # personal data; SQL NULL once erased
    consent_text_version = Column(String(40))
    consent_text = Column(Text)  # the exact text shown before the person said yes
    consent_given_at = Column(DateTime)
    consent_channel = Column(String(30))
    consent_by = Column(String(40))
    parental_consent = Column(Boolean)
    status = Column(String(12), nullable=False, index=True)
    created_at = Column(DateTime, nullable=False)
    withdrawn_at = Column(DateTime)
    erased_at = Column(DateTime)
    retention_until = Column(DateTime, nullable=False, index=True)


class AuditRow(Base):
    __tablename__ = "audit_log"

    id = Column(Integer, primary_key=True)
    who = Column(String(60), nullable=False)
    action = Column(String(20), nullable=False)
    reference = Column(String(20), index=True)
    at = Column(DateTime, nullable=False)


class Conflict(Exception):
    """Same idempotency key or reference, different saisine."""


def _tombstone(row: SaisineRow) -> Dict[str, Any]:
    return {
        "reference": row.reference,
        "status": row.status,
        "created_at": iso(row.created_at),
        "withdrawn_at": iso(row.withdrawn_at),
        "erased_at": iso(row.erased_at),
        "retention_until": iso(row.retention_until),
    }


def _summary(row: SaisineRow) -> Dict[str, Any]:
    # The list shows what staff need to pick a saisine, not who it is about.
    payload = row.payload or {}
    return {
        **_tombstone(row),
        "motifs": payload.get("motifs", []),
        "renoncement": payload.get("renoncement") is not None,
        "via_partner": row.consent_by == "partner_confirms_person_consented",
    }


def _detail(row: SaisineRow) -> Dict[str, Any]:
    if row.payload is None:
        return _tombstone(row)
    saisine = {k: v for k, v in row.payload.items() if k not in ("idempotency_key", "reference", "consent")}
    return {
        **_tombstone(row),
        "saisine": saisine,
        "consent": {
            "text_version": row.consent_text_version,
            "text": row.consent_text,
            "given_at": iso(row.consent_given_at),
            "channel": row.consent_channel,
            "by": row.consent_by,
            "parental_consent": row.parental_consent,
        },
    }


def _erase(row: SaisineRow) -> None:
    row.payload = None
    row.payload_sha256 = None
    row.consent_text_version = row.consent_text = row.consent_channel = row.consent_by = None
    row.consent_given_at = None
    row.parental_consent = None


class SaisineStore:
    """Every query on saisines and the audit log; each method is one transaction."""

    def __init__(self, session_factory: sessionmaker):
        self._session = session_factory

    @staticmethod
    def _audit(session, who: str, action: str, reference: Optional[str], now: datetime) -> None:
        session.add(AuditRow(who=who, action=action, reference=reference, at=now))

    def ping(self) -> bool:
        with self._session() as session:
            return session.execute(text("SELECT 1")).scalar() == 1

    def create(self, saisine: Saisine, consent_text: str, now: Optional[datetime] = None) -> Tuple[Dict[str, Any], bool]:
        """(result, created). Same key and same saisine: the first result again, nothing added."""
        now = naive_utc(now or utcnow())
        payload_json = saisine.canonical_json()
        digest = hashlib.sha256(payload_json.encode("utf-8")).hexdigest()
        for _ in range(3):  # a concurrent insert or a reference collision: look again
            try:
                return self._create_once(saisine, payload_json, digest, consent_text, now)
            except IntegrityError:
                continue
        raise Conflict("La saisine n'a pas pu être enregistrée, réessayez.")

    def _create_once(self, saisine, payload_json, digest, consent_text, now):
        with self._session.begin() as session:
            existing = session.execute(
                select(SaisineRow).where(SaisineRow.idempotency_key == saisine.idempotency_key)
            ).scalars().first()
            if existing is not None:
                # An erased saisine has no payload left to compare: the tombstone answers, so a
                # late retry never brings erased data back.
                if existing.payload_sha256 not in (None, digest):
                    raise Conflict("Cette clé d'idempotence a déjà servi pour une autre saisine.")
                return {"reference": existing.reference, "status": existing.status}, False
            reference = saisine.reference or new_reference(now.year)
            taken = session.execute(
                select(SaisineRow.id).where(SaisineRow.reference == reference)
            ).scalars().first()
            if taken is not None:
                if saisine.reference:
                    raise Conflict("Cette référence est déjà utilisée par une autre saisine.")
                raise IntegrityError("reference collision", None, None)
            consent = saisine.consent
            session.add(SaisineRow(
                reference=reference,
                idempotency_key=saisine.idempotency_key,
                payload_sha256=digest,
                payload=json.loads(payload_json),
                consent_text_version=consent.text_version,
                consent_text=consent_text,
                consent_given_at=naive_utc(consent.given_at),
                consent_channel=consent.channel,
                consent_by=consent.by,
                parental_consent=consent.parental_consent,
                status=RECEIVED,
                created_at=now,
                # The form bounds retention at 18 months after the END of support, which this
                # backend does not know; created_at + 18 months is never later, so it is safe.
                retention_until=add_months(now, RETENTION_MONTHS),
            ))
            self._audit(session, "service", "create", reference, now)
            return {"reference": reference, "status": RECEIVED}, True

    def list(self, who: str, status: Optional[str] = None, limit: int = 50, offset: int = 0) -> List[Dict[str, Any]]:
        now = utcnow()
        with self._session.begin() as session:
            query = select(SaisineRow).order_by(SaisineRow.created_at.desc(), SaisineRow.id.desc())
            if status:
                query = query.where(SaisineRow.status == status)
            rows = session.execute(query.limit(limit).offset(offset)).scalars().all()
            self._audit(session, who, "list", None, now)
            return [_summary(row) for row in rows]

    def read(self, reference: str, who: str) -> Optional[Dict[str, Any]]:
        now = utcnow()
        with self._session.begin() as session:
            row = self._by_reference(session, reference)
            if row is None:
                return None
            self._audit(session, who, "read", reference, now)
            return _detail(row)

    def erase(self, reference: str, who: str, withdrawn: bool, now: Optional[datetime] = None) -> Optional[Dict[str, Any]]:
        """Withdrawal (the person) or erasure (staff): personal data gone, tombstone kept."""
        now = naive_utc(now or utcnow())
        with self._session.begin() as session:
            row = self._by_reference(session, reference)
            if row is None:
                return None
            if row.payload is not None:
                _erase(row)
                row.status = WITHDRAWN if withdrawn else ERASED
                if withdrawn:
                    row.withdrawn_at = now
                row.erased_at = now
            self._audit(session, who, "withdraw" if withdrawn else "erase", reference, now)
            return _tombstone(row)

    def purge_expired(self, now: Optional[datetime] = None) -> List[str]:
        """The retention job: erase every saisine whose retention_until has passed."""
        now = naive_utc(now or utcnow())
        with self._session.begin() as session:
            rows = session.execute(
                select(SaisineRow).where(SaisineRow.retention_until <= now, SaisineRow.payload.isnot(None))
            ).scalars().all()
            for row in rows:
                _erase(row)
                row.status = ERASED
                row.erased_at = now
                self._audit(session, "system:retention", "purge", row.reference, now)
            return [row.reference for row in rows]

    def audit_log(self, reference: Optional[str] = None) -> List[Dict[str, Any]]:
        with self._session() as session:
            query = select(AuditRow).order_by(AuditRow.id)
            if reference is not None:
                query = query.where(AuditRow.reference == reference)
            return [
                {"who": a.who, "action": a.action, "reference": a.reference, "at": iso(a.at)}
                for a in session.execute(query).scalars()
            ]

    def count(self) -> int:
        with self._session() as session:
            return len(session.execute(select(SaisineRow.id)).scalars().all())

    @staticmethod
    def _by_reference(session, reference: str) -> Optional[SaisineRow]:
        return session.execute(
            select(SaisineRow).where(SaisineRow.reference == reference)
        ).scalars().first()


STORE_KEY = web.AppKey("store", SaisineStore)
