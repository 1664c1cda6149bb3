"""Settings read from the environment, with defaults that run on one machine and no services."""

import os
import secrets


def _int(name: str, default: int) -> int:
    raw = os.environ.get(name, "").strip()
    return int(raw) if raw else default


def _bool(name: str) -> bool:
    return os.environ.get(name, "").strip().lower() in ("1", "true", "yes", "on")


def _list(name: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, "").split(",") if item.strip()]


def _database_url(instance_path: str) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "campaign.sqlite3")
    # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


class ConfigurationError(RuntimeError):
    """A setting the app cannot run without is missing or wrong."""


NO_KEY_MESSAGE = (
    "SECRET_KEY is not set. With a database other than SQLite the app may run on several "
    "hosts, and a key generated on each host would make tokens and address hashes made on one "
    "fail on the others. Set SECRET_KEY to the same random value on every host, e.g. "
    "python3 -c 'import secrets; print(secrets.token_hex(32))'."
)


def _secret_key(instance_path: str, database_url: str) -> str:
    """The key for hashing client addresses and tokens; "" when it must be set and is not.

    Without SECRET_KEY and on SQLite (one machine), one is generated once and kept in the
    instance folder, so that every worker on this machine and every restart hashes the same
    way. Any other database can be shared by several hosts, whose instance folders would
    each generate their own key, so there the key must come from the environment
    (``require_secret_key`` refuses to start without it).
    """
    key = os.environ.get("SECRET_KEY", "").strip()
    if key or not database_url.startswith("sqlite"):
        return key
    path = os.path.join(instance_path, "secret_key")
    try:
        with open(path, encoding="ascii") as fh:
            return fh.read().strip()
    except FileNotFoundError:
        pass
    os.makedirs(instance_path, exist_ok=True)
    key = secrets.token_hex(32)
    # O_EXCL: when several workers start at once, the first one's key wins.
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        with open(path, encoding="ascii") as fh:
            return fh.read().strip()
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def from_environment(instance_path: str) -> dict:
    """Build the Flask config mapping from os.environ."""
    database_url = _database_url(instance_path)
    return {
        "SECRET_KEY": _secret_key(instance_path, database_url),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DATABASE_POOL_SIZE": _int("DATABASE_POOL_SIZE", 5),
        "DATABASE_MAX_OVERFLOW": _int("DATABASE_MAX_OVERFLOW", 5),
        "DATABASE_POOL_TIMEOUT": _int("DATABASE_POOL_TIMEOUT", 10),
        "DATABASE_CONNECT_TIMEOUT": _int("DATABASE_CONNECT_TIMEOUT", 5),
        "RATELIMIT_STORAGE_URI": os.environ.get("RATELIMIT_STORAGE_URI", "memory://"),
        # Several deployments (or a deployment and a bench) sharing one Redis keep apart.
        "RATELIMIT_KEY_PREFIX": os.environ.get("RATELIMIT_KEY_PREFIX", "").strip(),
        "SIGNATURE_RATE_LIMIT": os.environ.get("SIGNATURE_RATE_LIMIT", "10/minute;100/hour"),
        "SIGNUP_RATE_LIMIT": os.environ.get("SIGNUP_RATE_LIMIT", "10/minute;100/hour"),
        "OUTREACH_RATE_LIMIT": os.environ.get("OUTREACH_RATE_LIMIT", "10/minute;100/hour"),
        # Where the congressional data lives; empty: the copy shipped in campaign/data/us.
        "TARGETS_DATA_DIR": os.environ.get("TARGETS_DATA_DIR", ""),
        "WIDGET_RATE_LIMIT": os.environ.get("WIDGET_RATE_LIMIT", "600/minute;20000/hour"),
        # IPv6 clients are counted per network of this size: one subscriber often holds a /64.
        "RATELIMIT_IPV6_PREFIX": _int("RATELIMIT_IPV6_PREFIX", 64),
        "TRUSTED_PROXY_HOPS": _int("TRUSTED_PROXY_HOPS", 0),
        "CORS_ORIGINS": _list("CORS_ORIGINS"),
        # Sites allowed to frame the embed widget; empty means CORS_ORIGINS (and this host).
        "EMBED_ORIGINS": _list("EMBED_ORIGINS"),
        "MAX_BODY_BYTES": _int("MAX_BODY_BYTES", 16 * 1024),
        "LOG_LEVEL": os.environ.get("LOG_LEVEL", "INFO").upper(),
        "LOG_FORMAT": os.environ.get("LOG_FORMAT", "json").strip().lower(),
        "METRICS_ENABLED": _bool("METRICS_ENABLED"),
        "METRICS_TOKEN": os.environ.get("METRICS_TOKEN", "").strip(),
        "TALLY_MAX_AGE": _int("TALLY_MAX_AGE", 5),
        "TALLY_CACHE_SECONDS": _int("TALLY_CACHE_SECONDS", 1),
        "COUNTER_SHARDS": _int("COUNTER_SHARDS", 8),
        # Public breakdown buckets under this many are folded into "other".
        "PUBLIC_MIN_BUCKET": _int("PUBLIC_MIN_BUCKET", 10),
        # At most this many confirmation emails to one recipient per UTC day, all petitions.
        "CONFIRMATION_MAX_PER_DAY": _int("CONFIRMATION_MAX_PER_DAY", 3),
        "OSDI_SYSTEM_NAME": os.environ.get("OSDI_SYSTEM_NAME", "").strip() or "campaign-api",
        # Mail and the outbox worker (issue 8): empty MAIL_URL writes mail to the log.
        "MAIL_URL": os.environ.get("MAIL_URL", "").strip(),
        "MAIL_FROM": os.environ.get("MAIL_FROM", "").strip() or "campaign@localhost",
        # Development only: with MAIL_URL empty, log whole messages (recipient, live links).
        "DEVELOPMENT_MAIL_LOG": _bool("DEVELOPMENT_MAIL_LOG"),
        "PUBLIC_BASE_URL": os.environ.get("PUBLIC_BASE_URL", "").strip().rstrip("/"),
        # Where the website's scripts call the API; empty: the origin that served the page.
        "SITE_API_BASE": os.environ.get("SITE_API_BASE", "").strip().rstrip("/"),
        "CONFIRMATION_TOKEN_HOURS": _int("CONFIRMATION_TOKEN_HOURS", 72),
        "CONFIRMATION_MAX_EMAILS": _int("CONFIRMATION_MAX_EMAILS", 3),
        "OUTBOX_BATCH": _int("OUTBOX_BATCH", 10),
        "OUTBOX_LEASE_SECONDS": _int("OUTBOX_LEASE_SECONDS", 300),
        "OUTBOX_MAX_ATTEMPTS": _int("OUTBOX_MAX_ATTEMPTS", 10),
        "OUTBOX_BACKOFF_SECONDS": _int("OUTBOX_BACKOFF_SECONDS", 30),
        "OUTBOX_KEEP_DAYS": _int("OUTBOX_KEEP_DAYS", 7),
        "DELIVERY_TIMEOUT_SECONDS": _int("DELIVERY_TIMEOUT_SECONDS", 10),
        "WEBHOOKS_ALLOW_HTTP": _bool("WEBHOOKS_ALLOW_HTTP"),
        "PENDING_MAX_AGE_DAYS": _int("PENDING_MAX_AGE_DAYS", 30),
        "IP_HASH_MAX_AGE_DAYS": _int("IP_HASH_MAX_AGE_DAYS", 90),
    }


def require_secret_key(config) -> None:
    """Refuse to build an app without a key (see ``_secret_key``), with a message that says why."""
    if not config.get("SECRET_KEY"):
        raise ConfigurationError(NO_KEY_MESSAGE)


def engine_options(config) -> dict:
    """SQLAlchemy engine options suited to the configured database."""
    # Database errors are logged; the values bound to a failed statement (emails, names)
    # must not be, so they are left out of the exceptions' text.
    if config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # The sqlite3 timeout is how long a writer waits for another worker's lock.
        return {"hide_parameters": True, "connect_args": {"timeout": 30}}
    return {
        "hide_parameters": True,
        # No ping round trip per checkout: a dropped connection is discarded when a
        # statement fails on it (reads are then retried, see campaign.CampaignFlask).
        "pool_pre_ping": False,
        "pool_size": config["DATABASE_POOL_SIZE"],
        "max_overflow": config["DATABASE_MAX_OVERFLOW"],
        "pool_timeout": config["DATABASE_POOL_TIMEOUT"],
        "pool_recycle": 1800,
        "connect_args": {"connect_timeout": config["DATABASE_CONNECT_TIMEOUT"]},
    }
