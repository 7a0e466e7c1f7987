"""Fixtures of the scale tests, which run on the engines of a deployment. `make scale` starts
PostgreSQL (and Redis) on loopback and exports TEST_POSTGRES_URL, the server's URL with an existing
database to connect to (postgresql://postgres@127.0.0.1:55432/postgres). Without it, the tests
that need PostgreSQL are skipped, and say why."""
from __future__ import annotations

import os
import re
import uuid

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url


@pytest.fixture(scope="session")
def postgres_server_url() -> str:
    url = os.environ.get("TEST_POSTGRES_URL")
    if not url:
        pytest.skip("TEST_POSTGRES_URL is not set: this test needs a PostgreSQL server "
                    "(`make scale` starts one on loopback and sets it)")
    return url


@pytest.fixture(scope="module")
def postgres_database_url(request, postgres_server_url: str) -> str:
    """A new, empty database for the test module that asks for it, dropped at the module's end
    (even with connections still open). Named after the module: test_backend_postgres.py gets
    backend_postgres_<8 hex>."""
    stem = re.sub(r"[^a-z0-9_]", "_", request.module.__name__.rsplit(".", 1)[-1].lower())
    name = f"{stem.removeprefix('test_')[:40]}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(postgres_server_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
        yield make_url(postgres_server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
