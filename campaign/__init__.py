"""The advocacy campaign API: create_app() builds the Flask application."""

import os
import sqlite3

from flask import Flask, has_request_context, request
from flask.sessions import SessionInterface
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError
from werkzeug.middleware.proxy_fix import ProxyFix

from campaign import config as settings
from campaign import hardening, observability
from campaign.api.auth import WRITE_METHODS
from campaign.api.transaction import end_write
from campaign.extensions import cors, migrate, rest_api
from campaign.models.base import db
from campaign.ratelimit import limiter

MIGRATIONS_DIR = os.path.join(os.path.dirname(__file__), "migrations")
READ_METHODS = frozenset({"GET", "HEAD"})


class NoSessions(SessionInterface):
    """The service keeps no cookie session (organizers send tokens), so none is opened."""

    def open_session(self, app, request):
        return None

    def save_session(self, app, session, response) -> None:
        return None


class CampaignFlask(Flask):
    """Flask without the per-request work this service does not use."""

    session_interface = NoSessions()
    SYNC_CACHE_LIMIT = 1024

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._synced: dict = {}

    def ensure_sync(self, func):
        # Flask asks, for every hook and view of every request, whether it is a coroutine;
        # the answer for a registered function never changes, so it is remembered.
        try:
            return self._synced[func]
        except KeyError:
            synced = super().ensure_sync(func)
            if len(self._synced) < self.SYNC_CACHE_LIMIT:
                self._synced[func] = synced
            return synced

    def dispatch_request(self):
        # A write's transaction ends here, once its view has answered: the request's one
        # commit (see api.transaction). A write is never run twice: if the database dropped
        # its connection, it answers 503 with Retry-After.
        if request.method in WRITE_METHODS:
            return end_write(self.make_response(super().dispatch_request()))
        # The pool does not ping each connection before use (a round trip per request);
        # a connection the database dropped is found on first use instead. SQLAlchemy then
        # discards it and every older pooled one, and a read simply runs again on a fresh
        # connection.
        try:
            return super().dispatch_request()
        except DBAPIError as error:
            if not error.connection_invalidated or request.method not in READ_METHODS:
                raise
            db.session.rollback()
            return super().dispatch_request()


def create_app(test_config: dict | None = None) -> Flask:
    app = CampaignFlask(
        __name__,
        instance_path=settings.instance_path(),
        instance_relative_config=True,
    )
    os.makedirs(app.instance_path, exist_ok=True)
    app.config.from_mapping(settings.from_environment(app.instance_path))
    app.config.from_mapping(_api_settings())
    if test_config:
        app.config.from_mapping(test_config)
    settings.require_secret_key(app.config)
    app.config.setdefault("SQLALCHEMY_ENGINE_OPTIONS", settings.engine_options(app.config))
    app.json.sort_keys = False

    observability.register(app)
    register_proxy(app)
    register_extensions(app)
    register_blueprints(app)
    hardening.register(app)
    register_cli(app)
    return app


def _api_settings() -> dict:
    return {
        "API_TITLE": "Advocacy Campaign API",
        "API_VERSION": "v1",
        # 3.0.3: the bundled Swagger UI (4.15) renders 3.0.x only; the document uses no
        # 3.1-only feature (nullable fields are written as `nullable: true`).
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "docs",
        "OPENAPI_SWAGGER_UI_URL": "/docs/assets/",
    }


def register_proxy(app: Flask) -> None:
    # Only the declared number of proxies is believed; with none, X-Forwarded-* is ignored.
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops > 0:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    app.config["MAX_CONTENT_LENGTH"] = app.config["MAX_BODY_BYTES"]


def register_extensions(app: Flask) -> None:
    db.init_app(app)
    migrate.init_app(app, db, directory=MIGRATIONS_DIR)
    limiter.init_app(app)
    rest_api.init_app(app)
    cors.init_app(
        app,
        # OSDI helpers take blind posts from browser front ends, like the native API.
        resources={
            r"/api/*": {"origins": app.config["CORS_ORIGINS"]},
            r"/osdi/*": {"origins": app.config["CORS_ORIGINS"]},
        },
        supports_credentials=False,
        # Widgets read these to back off (429) and to tell a replayed answer from a fresh one.
        expose_headers=[
            "Retry-After",
            "X-RateLimit-Limit",
            "X-RateLimit-Remaining",
            "X-RateLimit-Reset",
            "Idempotent-Replayed",
            "ETag",
        ],
        # Authorization: a dashboard served from another origin sends its organizer token;
        # a bearer token is no ambient credential, so allowing the header grants nothing.
        allow_headers=["Content-Type", "Idempotency-Key", "X-Widget-Key", "Authorization"],
        max_age=600,
    )


def register_blueprints(app: Flask) -> None:
    from campaign.api import register as register_api
    from campaign.site.blueprints import register as register_site

    register_api(app)
    register_site(app)


def register_cli(app: Flask) -> None:
    from campaign.commands import register

    register(app)


@event.listens_for(Engine, "connect")
def _sqlite_connect(dbapi_connection, _record) -> None:
    if not isinstance(dbapi_connection, sqlite3.Connection):
        return
    # Let SQLAlchemy emit BEGIN itself (see _sqlite_begin); pysqlite's own is too late.
    dbapi_connection.isolation_level = None
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


@event.listens_for(Engine, "begin")
def _sqlite_begin(conn) -> None:
    if conn.dialect.name != "sqlite":
        return
    # A write request takes the write lock up front: several gunicorn workers then queue on
    # busy_timeout instead of failing when a read snapshot must be upgraded to a write.
    writing = not has_request_context() or request.method in WRITE_METHODS
    conn.exec_driver_sql("BEGIN IMMEDIATE" if writing else "BEGIN")
