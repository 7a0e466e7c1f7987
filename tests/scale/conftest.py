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


def create_database(server_url: str, stem: str) -> str:
    """A new, empty database on the server; its URL."""
    name = f"{re.sub(r'[^a-z0-9_]', '_', stem.lower())[:40]}_{uuid.uuid4().hex[:8]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE DATABASE "{name}"'))
    finally:
        admin.dispose()
    return make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, database_url: str) -> None:
    """Drops it even with connections still open."""
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT", future=True)
    try:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{make_url(database_url).database}" WITH (FORCE)'))
    finally:
        admin.dispose()


@pytest.fixture(scope="module")
def postgres_database_url(request, postgres_server_url: str) -> str:
    """A new, empty database for the test module that asks for it, dropped at the module's end.
    Named after the module: test_backend_postgres.py gets backend_postgres_<8 hex>."""
    stem = request.module.__name__.rsplit(".", 1)[-1].removeprefix("test_")
    url = create_database(postgres_server_url, stem)
    try:
        yield url
    finally:
        drop_database(postgres_server_url, url)
