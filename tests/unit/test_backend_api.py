"""The saisine backend through a real aiohttp server (TestServer) on a temporary SQLite file.

tests/scale/test_backend_postgres.py runs the store's tests below on PostgreSQL: it imports them
and overrides the `database_url` fixture."""
import asyncio
import copy
import re
from datetime import datetime, timedelta

import pytest
import yaml
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select

from bot.backend import BackendConfig
from bot.backend.app import init_app
from bot.backend.db import STORE_KEY, SaisineRow, add_months, utcnow
from bot.saisine.model import NIR_FIELD_ERROR, REFERENCE_PATTERN, UNENCODABLE_TEXT_ERROR, Saisine
from bot.saisine.validation import consent_text

SERVICE = {"Authorization": "Bearer service-secret-for-tests"}
STAFF = {"Authorization": "Bearer staff-secret-for-tests"}
KEY = "idem-key-000000000001"


def make_config(database_url, **changes):
    values = dict(
        database_url=database_url,
        service_token="service-secret-for-tests",
        staff_token="staff-secret-for-tests",
        max_body_bytes=16 * 1024,
    )
    values.update(changes)
    return BackendConfig(**values)


def saisine(key=KEY, **changes):
    body = {
        "idempotency_key": key,
        "motifs": ["renoncement_soins"],
        "person": {"nom": "Dupont", "prenom": "Marie", "date_naissance": "1985-07-14",
                   "telephone": "06 12 34 56 78", "email": "marie.dupont@exemple.fr"},
        "renoncement": {"soins": ["pharmacie"], "depuis": "plus_1_an", "causes": ["reste_a_charge"]},
        "consent": {"text_version": "annexe4-2025-v1", "given_at": "2026-11-20T10:00:00+01:00",
                    "channel": "web", "by": "person"},
    }
    body.update(changes)
    return body


@pytest.fixture
def database_url(tmp_path):
    return f"sqlite:///{tmp_path / 'db' / 'saisines.db'}"


@pytest.fixture
async def api(database_url):
    app = init_app(make_config(database_url))
    async with TestClient(TestServer(app)) as client:
        yield client


def store(client):
    return client.server.app[STORE_KEY]


async def post(client, body, key=KEY, headers=SERVICE):
    return await client.post("/api/saisines", json=body, headers={**headers, "Idempotency-Key": key})


async def created_reference(client, key=KEY, **changes):
    resp = await post(client, saisine(key, **changes), key)
    assert resp.status == 201, await resp.text()
    return (await resp.json())["reference"]


# --------------------------------------------------------------------------- basics

async def test_health(api):
    resp = await api.get("/health")
    assert resp.status == 200 and (await resp.json()) == {"status": "ok"}


async def test_openapi_describes_every_route(api):
    resp = await api.get("/api/openapi.yml")
    assert resp.status == 200
    spec = yaml.safe_load(await resp.text())
    assert spec["openapi"].startswith("3.")
    served = {
        (route.method.lower(), re.sub(r"\{(\w+)\}", r"{\1}", route.resource.canonical))
        for route in api.server.app.router.routes()
        # the web pages (bot/web: /, /borne, /reference, /static) are not part of the API
        if route.method != "HEAD" and route.resource.canonical.startswith(("/api/", "/health"))
    }
    described = {(method, path) for path, item in spec["paths"].items() for method in item if method != "parameters"}
    assert served == described


# --------------------------------------------------------------------------- create, idempotency

async def test_create_then_idempotent_retry(api):
    resp = await post(api, saisine())
    assert resp.status == 201
    first = await resp.json()
    assert re.match(REFERENCE_PATTERN, first["reference"]) and first["status"] == "received"
    # Same saisine, phone typed another way: same normalised content, same answer, no new row.
    retry = saisine()
    retry["person"]["telephone"] = "+33612345678"
    resp = await post(api, retry)
    assert resp.status == 200
    assert await resp.json() == first
    assert store(api).count() == 1


async def test_conflicting_retry_is_409(api):
    await created_reference(api)
    resp = await post(api, saisine(motifs=["renoncement_soins", "fragilite_numerique"]))
    assert resp.status == 409
    assert "clé d'idempotence" in (await resp.json())["error"]
    assert store(api).count() == 1


async def test_reference_given_by_the_outbox_is_kept(api):
    resp = await post(api, saisine(reference="MAS-2026-7K3F9Q"))
    assert (await resp.json())["reference"] == "MAS-2026-7K3F9Q"
    resp = await post(api, saisine("idem-key-000000000002", reference="MAS-2026-7K3F9Q"), "idem-key-000000000002")
    assert resp.status == 409


async def test_idempotency_header_required_and_consistent(api):
    resp = await api.post("/api/saisines", json=saisine(), headers=SERVICE)
    assert resp.status == 400 and "Idempotency-Key" in (await resp.json())["error"]
    resp = await post(api, saisine(), key="another-key-00000000001")
    assert resp.status == 400


# --------------------------------------------------------------------------- credentials

@pytest.mark.parametrize("method, path", [
    ("POST", "/api/saisines"), ("GET", "/api/saisines"), ("GET", "/api/saisines/MAS-2026-7K3F9Q"),
    ("DELETE", "/api/saisines/MAS-2026-7K3F9Q"), ("POST", "/api/saisines/MAS-2026-7K3F9Q/withdraw"),
])
@pytest.mark.parametrize("headers", [{}, {"Authorization": "Bearer wrong"}, {"Authorization": "Basic c3RhZmY="},
                                     {"Authorization": "Bearer staff-secret-for-testsX"},
                                     {"Authorization": "Bearer é"}])
async def test_missing_or_wrong_token_is_401(api, method, path, headers):
    resp = await api.request(method, path, json=saisine(), headers={**headers, "Idempotency-Key": KEY})
    assert resp.status == 401
    assert resp.headers["WWW-Authenticate"] == "Bearer"
    assert "jeton" in (await resp.json())["error"]


@pytest.mark.parametrize("method, path, headers", [
    ("POST", "/api/saisines", STAFF),
    ("POST", "/api/saisines/{ref}/withdraw", STAFF),
    ("GET", "/api/saisines", SERVICE),
    ("GET", "/api/saisines/{ref}", SERVICE),
    ("DELETE", "/api/saisines/{ref}", SERVICE),
])
async def test_each_role_only_its_own_routes(api, method, path, headers):
    reference = await created_reference(api)
    resp = await api.request(method, path.format(ref=reference), json=saisine(),
                             headers={**headers, "Idempotency-Key": KEY})
    assert resp.status == 403
    assert (await resp.json())["error"] == "Ce jeton ne donne pas accès à cette opération."
    assert store(api).count() == 1


def test_tokens_must_differ(database_url):
    with pytest.raises(ValueError):
        make_config(database_url, staff_token="service-secret-for-tests")


# --------------------------------------------------------------------------- staff: list and read

async def test_list_shows_no_identity_and_is_audited(api):
    reference = await created_reference(api)
    await created_reference(api, "idem-key-000000000002", motifs=["fragilite_numerique"], renoncement=None)
    resp = await api.get("/api/saisines", headers=STAFF)
    assert resp.status == 200
    body = await resp.json()
    assert len(body["items"]) == 2
    text = await resp.text()
    for personal in ("Dupont", "Marie", "612345678", "1985", "exemple.fr"):
        assert personal not in text
    item = next(i for i in body["items"] if i["reference"] == reference)
    assert item["motifs"] == ["renoncement_soins"] and item["renoncement"] is True
    assert [a["action"] for a in store(api).audit_log()][-1] == "list"
    resp = await api.get("/api/saisines?status=withdrawn", headers=STAFF)
    assert (await resp.json())["items"] == []


# "²" and "١٢" pass str.isdigit(); int() refuses more than 4 300 digits (both were a 500).
@pytest.mark.parametrize("query", ["status=perdu", "limit=0", "limit=1000", "limit=abc", "offset=-1", "limit=%C2%B2",
                                   "limit=%D9%A1%D9%A2", "limit=+5", "limit=%205", "offset=" + "9" * 4301])
async def test_list_bad_parameters_are_400(api, query):
    resp = await api.get(f"/api/saisines?{query}", headers=STAFF)
    assert resp.status == 400
    error = (await resp.json())["error"]
    assert "paramètre" in error or "statut" in error


async def test_read_full_saisine_with_consent_text_and_audit(api):
    reference = await created_reference(api)
    resp = await api.get(f"/api/saisines/{reference}", headers={**STAFF, "X-Staff-Id": "agent.7"})
    assert resp.status == 200
    body = await resp.json()
    assert body["saisine"]["person"]["telephone"] == "+33612345678"
    assert body["consent"]["text"] == consent_text("annexe4-2025-v1")
    assert body["consent"]["given_at"] == "2026-11-20T09:00:00+00:00"
    assert body["consent"]["channel"] == "web" and body["consent"]["by"] == "person"
    audit = store(api).audit_log(reference)
    assert [(a["who"], a["action"]) for a in audit] == [("service", "create"), ("staff:agent.7", "read")]


async def test_unknown_reference_is_404(api):
    for path in ("/api/saisines/MAS-2026-7K3F9Q", "/api/saisines/pas-une-reference"):
        resp = await api.get(path, headers=STAFF)
        assert resp.status == 404
        assert (await resp.json())["error"] == "Aucune saisine ne porte cette référence."


# --------------------------------------------------------------------------- withdraw, erase

async def test_withdraw_erases_and_keeps_a_tombstone(api):
    reference = await created_reference(api)
    resp = await api.post(f"/api/saisines/{reference}/withdraw", headers=SERVICE)
    assert resp.status == 200
    tomb = await resp.json()
    assert tomb["status"] == "withdrawn" and tomb["withdrawn_at"]
    resp = await api.get(f"/api/saisines/{reference}", headers=STAFF)
    body = await resp.json()
    assert "saisine" not in body and "consent" not in body and body["status"] == "withdrawn"
    # Nothing personal is left in the row.
    with store(api)._session() as session:
        row = session.execute(select(SaisineRow)).scalars().one()
        assert row.payload is None and row.payload_sha256 is None and row.consent_text is None
    # A late retry of the same saisine does not bring it back.
    resp = await post(api, saisine())
    assert resp.status == 200 and (await resp.json()) == {"reference": reference, "status": "withdrawn"}
    assert store(api).count() == 1
    # Withdrawing twice is harmless.
    resp = await api.post(f"/api/saisines/{reference}/withdraw", headers=SERVICE)
    assert resp.status == 200 and (await resp.json())["status"] == "withdrawn"
    actions = [a["action"] for a in store(api).audit_log(reference)]
    assert actions.count("withdraw") == 2


async def test_staff_erase(api):
    reference = await created_reference(api)
    resp = await api.delete(f"/api/saisines/{reference}", headers=STAFF)
    assert resp.status == 200
    assert (await resp.json())["status"] == "erased"
    body = await (await api.get(f"/api/saisines/{reference}", headers=STAFF)).json()
    assert body["status"] == "erased" and "saisine" not in body
    assert ("staff", "erase") in [(a["who"], a["action"]) for a in store(api).audit_log(reference)]
    resp = await api.delete("/api/saisines/MAS-2026-7K3F9Q", headers=STAFF)
    assert resp.status == 404


# --------------------------------------------------------------------------- retention

async def test_retention_purge(api):
    reference = await created_reference(api)
    detail = await (await api.get(f"/api/saisines/{reference}", headers=STAFF)).json()
    created = datetime.fromisoformat(detail["created_at"]).replace(tzinfo=None)
    assert datetime.fromisoformat(detail["retention_until"]).replace(tzinfo=None) == add_months(created, 18)
    assert store(api).purge_expired(add_months(created, 18) - timedelta(seconds=1)) == []
    assert store(api).purge_expired(add_months(created, 18)) == [reference]
    body = await (await api.get(f"/api/saisines/{reference}", headers=STAFF)).json()
    assert body["status"] == "erased" and "saisine" not in body
    assert ("system:retention", "purge") in [(a["who"], a["action"]) for a in store(api).audit_log(reference)]
    assert store(api).purge_expired(add_months(created, 40)) == []  # already erased


async def test_retention_runs_at_start(database_url):
    config = make_config(database_url)
    app = init_app(config)
    async with TestClient(TestServer(app)) as client:
        old = utcnow() - timedelta(days=19 * 31)
        result, _ = store(client).create(Saisine.parse_obj(saisine()), "texte", now=old)
    app = init_app(config)
    async with TestClient(TestServer(app)) as client:
        body = await (await client.get(f"/api/saisines/{result['reference']}", headers=STAFF)).json()
        assert body["status"] == "erased"


def test_add_months_clamps_the_day():
    assert add_months(datetime(2025, 8, 31), 18) == datetime(2027, 2, 28)
    assert add_months(datetime(2026, 1, 15, 10), 18) == datetime(2027, 7, 15, 10)


# --------------------------------------------------------------------------- bad input: French 4xx

async def test_invalid_payload_details_are_french(api):
    body = saisine()
    del body["person"]["telephone"]
    body["person"]["nom"] = "1 85 05 78 006 084 91"
    body["motifs"] = ["inconnu"]
    resp = await post(api, body)
    assert resp.status == 422
    data = await resp.json()
    assert data["error"] == "La saisine contient des erreurs."
    assert {"champ": "person.nom", "message": NIR_FIELD_ERROR} in data["details"]
    assert {"champ": "person.telephone", "message": "Ce champ est obligatoire."} in data["details"]
    assert any(d["champ"] == "motifs" for d in data["details"])
    assert "006 084" not in await resp.text()
    assert store(api).count() == 0


@pytest.mark.parametrize("raw, content_type, status", [
    (b"{pas du json", "application/json", 400),
    (b"\xff\xfe", "application/json", 400),
    (b"[1, 2]", "application/json", 422),
    (b'"texte"', "application/json", 422),
    (b"null", "application/json", 422),
    (b"nom=Dupont", "application/x-www-form-urlencoded", 415),
    (b"[" * 100000 + b"]" * 100000, "application/json", 413),
    (b'{"a": "' + b"x" * 20000 + b'"}', "application/json", 413),
])
async def test_malformed_bodies(api, raw, content_type, status):
    resp = await api.post("/api/saisines", data=raw,
                          headers={**SERVICE, "Idempotency-Key": KEY, "Content-Type": content_type})
    assert resp.status == status
    body = await resp.json()
    assert set(body) == {"error"} and body["error"]


@pytest.mark.parametrize("change", [
    {"motifs": "renoncement_soins"}, {"person": []}, {"person": None}, {"consent": {"given_at": "hier"}},
    {"renoncement": {"soins": [[["pharmacie"]]]}}, {"motifs": [{"a": 1}]}, {"idempotency_key": 12},
    {"person": {"nom": "Dupont", "prenom": "M", "date_naissance": "2090-01-01", "telephone": "06"}},
    {"consent": {"text_version": "annexe4-2025-v1", "given_at": 10**20, "channel": "web", "by": "person"}},
    {"detector": {"nom": "X", "structure": "S" * 500}},
])
async def test_odd_payloads_never_500(api, change):
    body = saisine(**change)
    if "idempotency_key" in change:
        body["idempotency_key"] = change["idempotency_key"]
    resp = await post(api, body)
    assert 400 <= resp.status < 500, await resp.text()
    data = await resp.json()
    assert data["error"] and all(d["message"] for d in data.get("details", []))


@pytest.mark.parametrize("field", ["person.nom", "person.email", "detector.structure", "consent.channel", "motifs"])
async def test_a_lone_surrogate_in_any_text_is_a_french_422(api, field):
    """JSON may carry "\\ud800", which UTF-8 cannot encode: refused by the model, never stored."""
    body = saisine(detector={"nom": "Martin", "structure": "CCAS de Lille"})
    *parents, name = field.split(".")
    target = body
    for parent in parents:
        target = target[parent]
    target[name] = ["renoncement_soins\ud800"] if name == "motifs" else "Lille \ud800"
    resp = await post(api, body)
    assert resp.status == 422, await resp.text()
    assert {"champ": field, "message": UNENCODABLE_TEXT_ERROR} in (await resp.json())["details"]
    assert store(api).count() == 0


@pytest.mark.parametrize("given_at", ["0001-01-01T00:00:03+01:00", "9999-12-31T23:59:59-01:00"])
async def test_consent_time_without_a_utc_equivalent_is_a_french_422(api, given_at):
    body = saisine()
    body["consent"]["given_at"] = given_at
    resp = await post(api, body)
    assert resp.status == 422, await resp.text()
    assert {"champ": "consent.given_at", "message": "L'heure du consentement est hors des dates possibles."} \
        in (await resp.json())["details"]


@pytest.mark.parametrize("structure", ["CCAS 🙂 d'Évry-Courcouronnes", "مركز \u200b\u202eCCAS", "Lille\x00\x1b[31m",
                                       "'; DROP TABLE saisines; --", "e\u0301" * 60])
async def test_unusual_text_is_stored_exactly_or_refused_in_french(api, structure):
    """Four-byte characters, right-to-left and zero-width marks, NUL, SQL: every engine keeps them
    as sent, or the model refuses them with a French detail; never a 500."""
    resp = await post(api, saisine(detector={"nom": "Martin", "structure": structure}))
    if resp.status == 422:
        assert all(d["champ"] == "detector.structure" and d["message"] for d in (await resp.json())["details"])
        return
    assert resp.status == 201, await resp.text()
    reference = (await resp.json())["reference"]
    body = await (await api.get(f"/api/saisines/{reference}", headers=STAFF)).json()
    assert body["saisine"]["detector"]["structure"] == structure


async def test_deeply_nested_json_is_a_4xx(api):
    raw = b"[" * 5000 + b"]" * 5000
    resp = await api.post("/api/saisines", data=raw,
                          headers={**SERVICE, "Idempotency-Key": KEY, "Content-Type": "application/json"})
    assert resp.status in (400, 422) and (await resp.json())["error"]


async def test_unknown_route_and_method_are_french_json(api):
    resp = await api.get("/api/rien", headers=STAFF)
    assert resp.status == 404 and (await resp.json())["error"] == "Ressource introuvable."
    resp = await api.put("/api/saisines", headers=SERVICE)
    assert resp.status == 405 and "Méthode" in (await resp.json())["error"]


async def test_same_key_sent_concurrently_creates_one_row(api):
    responses = await asyncio.gather(*(post(api, copy.deepcopy(saisine())) for _ in range(5)))
    statuses = sorted(r.status for r in responses)
    assert statuses == [200, 200, 200, 200, 201]
    assert len({(await r.json())["reference"] for r in responses}) == 1
    assert store(api).count() == 1
