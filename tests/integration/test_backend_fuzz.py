"""Hostile input: the saisine backend fuzzed from its own OpenAPI description (schemathesis).

A real `python -m bot.backend` process on a free port with a temporary SQLite database; the
description is read where clients read it (GET /api/openapi.yml). Every operation is called with
the service token, the staff token, a wrong token and none, with valid and invalid data
(schemathesis's examples, coverage and fuzzing phases, 50 generated cases per operation at most):
- never a 5xx (`not_a_server_error`);
- where the description declares it, the status code, the content type and the response body
  conform to it.
Bugs found are kept below as regular requests, each named after the behaviour it now protects.

The fuzz sends about 70 requests a second for a minute from 127.0.0.1: the backend started here
gets a per-client rate limit far above that (WEB_RATE_LIMIT_*), so the limit is still exercised on
every request but never answers 429. The default limit is proved in tests/unit/test_backend_limits.py.
"""
from __future__ import annotations

import json
import os
import secrets
import sys
import time

import pytest
import requests
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from bot.saisine.model import UNENCODABLE_TEXT_ERROR
from scripts.stack import Process, free_port

SERVICE_TOKEN = "fuzz-service-" + secrets.token_hex(12)
STAFF_TOKEN = "fuzz-staff-" + secrets.token_hex(12)
TOKENS = {"service": SERVICE_TOKEN, "staff": STAFF_TOKEN, "wrong": "not-a-token-" + secrets.token_hex(8), "none": None}
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]
COUNTS = {"cases": 0, "by_status": {}}


@pytest.fixture(scope="module")
def backend(tmp_path_factory):
    workdir = tmp_path_factory.mktemp("backend-fuzz")
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(
        os.environ,
        SAISINE_STORE_URL=f"sqlite:///{workdir / 'saisines.db'}",
        WEB_PORT=str(port),
        BACKEND_SERVICE_TOKEN=SERVICE_TOKEN,
        BACKEND_STAFF_TOKEN=STAFF_TOKEN,
        WEB_RATE_LIMIT_PER_MINUTE="1000000",
        WEB_RATE_LIMIT_BURST="100000",
        SQLALCHEMY_SILENCE_UBER_WARNING="1",
    )
    process = Process([sys.executable, "-m", "bot.backend"], env, workdir / "backend.log", f"{url}/health")
    process.start()
    started = time.monotonic()
    try:
        process.wait_ready()
        yield {"url": url, "log": workdir / "backend.log", "started": started}
    finally:
        process.stop()
        print(f"\nbackend fuzz: {COUNTS['cases']} requests, by status {dict(sorted(COUNTS['by_status'].items()))}, "
              f"{time.monotonic() - started:.0f} s")


@pytest.fixture(scope="module")
def api_schema(backend):
    schema = schemathesis.openapi.from_url(f"{backend['url']}/api/openapi.yml")
    schema.config.update(base_url=backend["url"])  # the description's server is the default port
    return schema


schema = schemathesis.pytest.from_fixture("api_schema")


def _fuzz(who: str):
    """One test per credential: every operation, every phase, with this token (or none)."""

    @schema.parametrize()
    @settings(max_examples=50, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def test(case, backend):
        headers = dict(case.headers or {})
        headers.pop("Authorization", None)  # the credential under test, nothing else
        if TOKENS[who]:
            headers["Authorization"] = f"Bearer {TOKENS[who]}"
        case.headers = headers
        response = case.call(base_url=backend["url"], timeout=30)
        COUNTS["cases"] += 1
        COUNTS["by_status"][response.status_code] = COUNTS["by_status"].get(response.status_code, 0) + 1
        case.validate_response(response, checks=CHECKS)

    test.__name__ = f"test_fuzz_with_{who}_token"
    return test


test_fuzz_with_service_token = _fuzz("service")
test_fuzz_with_staff_token = _fuzz("staff")
test_fuzz_with_wrong_token = _fuzz("wrong")
test_fuzz_without_token = _fuzz("none")


# --------------------------------------------------------------------------------------------
# Requests the generators do not reach (Unicode digits, very long numbers, lone surrogates),
# and the bugs the fuzz found (each was a 500), kept as regular requests
# --------------------------------------------------------------------------------------------

def _staff() -> dict:
    return {"Authorization": f"Bearer {STAFF_TOKEN}"}


def _saisine(structure: str) -> dict:
    return {
        "motifs": ["acces_droits"],
        "person": {"nom": "Dupont", "prenom": "Jeanne", "date_naissance": "1985-07-14", "telephone": "0612345678"},
        "detector": {"nom": "Martin", "structure": structure},
        "consent": {"text_version": "annexe4-2025-v1", "given_at": "2026-01-05T10:00:00+00:00", "channel": "rest",
                    "by": "partner_confirms_person_consented"},
    }


@pytest.mark.parametrize("query", [
    "limit=", "limit=-1", "limit=0", "limit=201", "limit=1e3", "limit=%20", "limit=%00", "limit=١٢",
    "offset=99999999999", "status=<script>", "status=received&status=erased", "limit=10&limit=20",
])
def test_list_parameters_are_refused_or_read(backend, query):
    response = requests.get(f"{backend['url']}/api/saisines?{query}", headers=_staff(), timeout=30)
    assert response.status_code in (200, 400), (query, response.status_code, response.text)
    assert "error" in response.json() or "items" in response.json()


# Was a 500: str.isdigit() is True for "²" and for digit runs longer than int()'s 4 300-digit limit.
@pytest.mark.parametrize("query", ["limit=%C2%B2", "offset=" + "9" * 4301], ids=["superscript-two", "4301-digits"])
def test_list_parameter_that_passes_isdigit_but_is_no_integer_is_a_400(backend, query):
    response = requests.get(f"{backend['url']}/api/saisines?{query}", headers=_staff(), timeout=30)
    assert response.status_code == 400, (query, response.status_code, response.text)
    name = query.split("=")[0]
    assert response.json() == {"error": f"Le paramètre « {name} » doit être un entier entre "
                                        f"{0 if name == 'offset' else 1} et {10**9 if name == 'offset' else 200}."}


# Was a 500: the model took a lone surrogate, then UTF-8 could not encode the stored JSON.
def test_lone_surrogate_in_a_saisine_is_refused_with_a_french_422(backend):
    body = json.dumps(_saisine("CCAS \ud800"))  # ensure_ascii: sent as the 6 characters \ud800
    assert "\\ud800" in body
    response = requests.post(f"{backend['url']}/api/saisines", data=body, timeout=30, headers={
        "Authorization": f"Bearer {SERVICE_TOKEN}", "Content-Type": "application/json",
        "Idempotency-Key": "fuzz-" + secrets.token_hex(12)})
    assert response.status_code == 422, (response.status_code, response.text)
    assert {"champ": "detector.structure", "message": UNENCODABLE_TEXT_ERROR} in response.json()["details"]


# Was a 500 (found with a random seed): astimezone(utc) raises OverflowError, not ValueError,
# for an extreme date with an offset, so pydantic did not turn it into a validation error.
@pytest.mark.parametrize("given_at", ["0001-01-01T00:00:03+01:00", "9999-12-31T23:59:59-01:00"])
def test_consent_time_out_of_range_is_refused_with_a_french_422(backend, given_at):
    body = _saisine("CCAS de Lille")
    body["consent"]["given_at"] = given_at
    response = requests.post(f"{backend['url']}/api/saisines", json=body, timeout=30, headers={
        "Authorization": f"Bearer {SERVICE_TOKEN}", "Idempotency-Key": "fuzz-" + secrets.token_hex(12)})
    assert response.status_code == 422, (response.status_code, response.text)
    assert {"champ": "consent.given_at", "message": "L'heure du consentement est hors des dates possibles."} \
        in response.json()["details"]


def test_a_valid_saisine_with_hostile_text_is_stored_or_refused_but_never_a_500(backend):
    for structure in ["<script>alert(1)</script>", "'; DROP TABLE saisines; --", "CCAS 🙂\u200b\u202e", "\x00\x1b[31m",
                      "x" * 121, "é" * 120, "CCAS\ufffd", "{\"a\": 1}"]:
        response = requests.post(f"{backend['url']}/api/saisines", json=_saisine(structure), timeout=30, headers={
            "Authorization": f"Bearer {SERVICE_TOKEN}", "Idempotency-Key": "fuzz-" + secrets.token_hex(12)})
        assert response.status_code in (201, 422), (structure, response.status_code, response.text)
        if response.status_code == 201:
            reference = response.json()["reference"]
            read = requests.get(f"{backend['url']}/api/saisines/{reference}", headers=_staff(), timeout=30)
            assert read.status_code == 200
            assert read.json()["saisine"]["detector"]["structure"] == structure.strip()
    assert requests.get(f"{backend['url']}/health", timeout=30).status_code == 200
