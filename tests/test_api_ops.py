"""Operator endpoints, the OpenAPI document and the browsable docs."""

import os

import pytest
import sqlalchemy as sa
from alembic import command
from openapi_spec_validator import validate

from campaign import create_app
from campaign.models.base import db
from tests.conftest import ON_POSTGRES, _create_pg_database, _drop_pg_database, base_config


def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok"}


def test_readyz_when_the_database_answers(client):
    assert client.get("/readyz").get_json() == {"status": "ready"}


@pytest.fixture
def unmigrated_app(tmp_path):
    """An app on an empty database, as a fresh instance folder before `db upgrade`."""
    if ON_POSTGRES:
        name = f"campaign_unmigrated_{os.getpid()}"
        url = _create_pg_database(name)
    else:
        url = f"sqlite:///{tmp_path / 'fresh.sqlite3'}"
    app = create_app(base_config(url, PROPAGATE_EXCEPTIONS=False))
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()
    if ON_POSTGRES:
        _drop_pg_database(name)


def _not_ready(client) -> None:
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    assert "flask --app wsgi db upgrade" in response.get_json()["detail"]
    assert response.headers["Retry-After"].isdigit()


def test_readyz_is_503_until_the_schema_is_at_the_migrations_head(unmigrated_app):
    client = unmigrated_app.test_client()
    _not_ready(client)
    with unmigrated_app.app_context():
        config = unmigrated_app.extensions["migrate"].migrate.get_config()
        command.upgrade(config, "head")
        command.downgrade(config, "-1")
    _not_ready(client)  # one migration behind is not ready either
    with unmigrated_app.app_context():
        command.upgrade(config, "head")
    response = client.get("/readyz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready"}


def test_readyz_is_503_when_the_database_is_unreachable(app_without_database):
    client = app_without_database.test_client()
    assert client.get("/healthz").status_code == 200
    response = client.get("/readyz")
    assert response.status_code == 503
    assert response.content_type == "application/problem+json"
    assert response.headers["Retry-After"].isdigit()
    # The API itself answers 503 too, never a 500 with a stack trace.
    response = client.get("/api/v1/campaigns")
    assert response.status_code == 503
    body = response.get_json()
    assert body["status"] == 503
    assert "Traceback" not in response.get_data(as_text=True)
    assert "psycopg" not in response.get_data(as_text=True)


def _drop_pooled_connection(app) -> None:
    """Close the connection the pool holds behind its back, as a database restart would."""
    with app.app_context(), db.engine.connect() as conn:
        dropped = conn.connection.dbapi_connection
    dropped.close()


def test_reads_recover_from_a_dropped_connection_and_writes_get_503(make_app):
    app = make_app(TALLY_CACHE_SECONDS=0, PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    tally = "/api/v1/petitions/release-the-prisoners/tally"
    assert client.get(tally).status_code == 200
    _drop_pooled_connection(app)
    # No ping before use: the read finds the connection dead, and runs again on a new one.
    assert client.get(tally).status_code == 200
    assert client.get("/api/v1/campaigns").status_code == 200

    _drop_pooled_connection(app)
    write = client.post(
        "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups",
        json={"given_name": "Ani", "email": "ani@example.org", "country": "AM", "consent": True},
    )
    assert write.status_code == 503
    assert write.headers["Retry-After"].isdigit()
    assert write.content_type == "application/problem+json"
    # The pool has let go of the dead connection: the next write goes through.
    again = client.post(
        "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups",
        json={"given_name": "Ani", "email": "ani@example.org", "country": "AM", "consent": True},
    )
    assert again.status_code == 201


def test_a_write_standing_alone_on_a_dropped_connection_gets_503_not_500(make_app):
    # Once the webhook subscriptions are cached, a sign-up on PostgreSQL runs alone in
    # autocommit on a connection of its own; turning a dead one to autocommit fails in the
    # driver, outside SQLAlchemy's error wrapping.
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()
    join = "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups"

    def person(n: int) -> dict:
        return {"given_name": "Ani", "email": f"ani{n}@example.org", "country": "AM"}

    assert client.post(join, json=person(1)).status_code == 201
    assert client.post(join, json=person(2)).status_code == 201
    _drop_pooled_connection(app)
    write = client.post(join, json=person(3))
    assert write.status_code == 503
    assert write.content_type == "application/problem+json"
    assert client.post(join, json=person(4)).status_code == 201


@pytest.mark.skipif(not ON_POSTGRES, reason="writes run alone on PostgreSQL only")
def test_after_a_database_restart_one_write_fails_not_one_per_pooled_connection(make_app):
    # The pool holds three connections; the database then drops them all, as a restart
    # does. The first write to find its connection dead answers 503 and takes every older
    # pooled connection with it, so the next writes get fresh ones.
    app = make_app(PROPAGATE_EXCEPTIONS=False)
    client = app.test_client()

    def join(n: int) -> int:
        body = {"given_name": "Ani", "email": f"pooled{n}@example.org", "country": "AM"}
        return client.post(
            "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups", json=body
        ).status_code

    assert join(0) == 201
    with app.app_context():
        held = [db.engine.raw_connection() for _ in range(3)]
        for pooled in held:
            pooled.close()
    # From outside the app's pool, as the restart would.
    outside = sa.create_engine(app.config["SQLALCHEMY_DATABASE_URI"])
    with outside.connect() as conn:
        dropped = conn.exec_driver_sql(
            "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()"
        ).scalar()
    outside.dispose()
    assert dropped >= 3
    assert [join(n) for n in range(1, 5)] == [503, 201, 201, 201]


def test_openapi_document_is_valid_and_lists_the_read_api(client):
    response = client.get("/openapi.json")
    assert response.status_code == 200
    spec = response.get_json()
    validate(spec)
    assert spec["openapi"].startswith("3.")
    for path in (
        "/api/v1/campaigns",
        "/api/v1/campaigns/{slug}",
        "/api/v1/petitions/{slug}",
        "/healthz",
        "/readyz",
    ):
        assert path in spec["paths"], path


def test_docs_page_loads_its_assets_from_this_server(client):
    page = client.get("/docs")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert "/docs/assets/swagger-ui-bundle.js" in html
    assert "//cdn" not in html and "unpkg" not in html
    assert client.get("/docs/assets/swagger-ui-bundle.js").status_code == 200
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]


def test_public_writes_document_every_refusal(client):
    spec = client.get("/openapi.json").get_json()
    for path in ("/api/v1/petitions/{slug}/signatures", "/api/v1/campaigns/{slug}/signups"):
        documented = set(spec["paths"][path]["post"]["responses"])
        assert {"201", "400", "404", "409", "413", "415", "422", "429", "503"} <= documented
