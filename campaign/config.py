"""Settings read from the environment, with defaults that run on one machine and no services.

The app's variables are read here through environs (marshmallow fields), so a bad value stops
the app with an error naming the variable; gunicorn.conf.py reads the server's own the same
way. docs/configuration.md lists every variable, and tests/test_configuration_docs.py keeps
that table and the code in step.
"""

import os
import secrets

from environs import Env, EnvError


class ConfigurationError(RuntimeError):
    """A setting the app cannot run without is missing or wrong."""


class Environment(Env):
    """os.environ, where a variable set to blanks (``X=`` in a compose file) counts as unset."""

    def __init__(self) -> None:
        super().__init__(expand_vars=False)

    def _get_value(self, env_key: str, default):
        value = os.environ.get(env_key, "").strip()
        return value if value else default

    def names(self, name: str) -> list[str]:
        """A comma-separated list, items stripped, empty items dropped."""
        return [item.strip() for item in self.list(name, []) if item.strip()]


def instance_path() -> str | None:
    """INSTANCE_PATH lets a container keep the SQLite file and generated key on a volume."""
    env = Environment()
    return env.str("INSTANCE_PATH", "") or None


def _database_url(env: Environment, instance_path: str) -> str:
    url = env.str("DATABASE_URL", "")
    if not url:
        return "sqlite:///" + os.path.join(instance_path, "campaign.sqlite3")
    # Heroku-style URLs name the dialect "postgres"; SQLAlchemy wants the psycopg 3 driver.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


NO_KEY_MESSAGE = (
    "SECRET_KEY is not set. With a database other than SQLite the app may run on several "
    "hosts, and a key generated on each host would make tokens and address hashes made on one "
    "fail on the others. Set SECRET_KEY to the same random value on every host, e.g. "
    "python3 -c 'import secrets; print(secrets.token_hex(32))'."
)


def _secret_key(env: Environment, instance_path: str, database_url: str) -> str:
    """The key for hashing client addresses and tokens; "" when it must be set and is not.

    Without SECRET_KEY and on SQLite (one machine), one is generated once and kept in the
    instance folder, so that every worker on this machine and every restart hashes the same
    way. Any other database can be shared by several hosts, whose instance folders would
    each generate their own key, so there the key must come from the environment
    (``require_secret_key`` refuses to start without it).
    """
    key = env.str("SECRET_KEY", "")
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
    """Build the Flask config mapping from os.environ; a bad value raises ConfigurationError."""
    try:
        return _read(Environment(), instance_path)
    except EnvError as error:
        # environs says which variable and why: 'Environment variable "X" invalid: ...'.
        raise ConfigurationError(str(error)) from None


def _read(env: Environment, instance_path: str) -> dict:
    database_url = _database_url(env, instance_path)
    return {
        "SECRET_KEY": _secret_key(env, instance_path, database_url),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "DATABASE_POOL_SIZE": env.int("DATABASE_POOL_SIZE", 5),
        "DATABASE_MAX_OVERFLOW": env.int("DATABASE_MAX_OVERFLOW", 5),
        "DATABASE_POOL_TIMEOUT": env.int("DATABASE_POOL_TIMEOUT", 10),
        "DATABASE_CONNECT_TIMEOUT": env.int("DATABASE_CONNECT_TIMEOUT", 5),
        "RATELIMIT_STORAGE_URI": env.str("RATELIMIT_STORAGE_URI", "memory://"),
        # Several deployments (or a deployment and a bench) sharing one Redis keep apart.
        "RATELIMIT_KEY_PREFIX": env.str("RATELIMIT_KEY_PREFIX", ""),
        "SIGNATURE_RATE_LIMIT": env.str("SIGNATURE_RATE_LIMIT", "10/minute;100/hour"),
        "SIGNUP_RATE_LIMIT": env.str("SIGNUP_RATE_LIMIT", "10/minute;100/hour"),
        "OUTREACH_RATE_LIMIT": env.str("OUTREACH_RATE_LIMIT", "10/minute;100/hour"),
        # Where the congressional data lives; empty: the copy shipped in campaign/data/us.
        "TARGETS_DATA_DIR": env.str("TARGETS_DATA_DIR", ""),
        "WIDGET_RATE_LIMIT": env.str("WIDGET_RATE_LIMIT", "600/minute;20000/hour"),
        # IPv6 clients are counted per network of this size: one subscriber often holds a /64.
        "RATELIMIT_IPV6_PREFIX": env.int("RATELIMIT_IPV6_PREFIX", 64),
        # Redis unreachable: serve with per-process limits (true) or refuse writes with 503.
        "RATELIMIT_FAIL_OPEN": env.bool("RATELIMIT_FAIL_OPEN", True),
        "TRUSTED_PROXY_HOPS": env.int("TRUSTED_PROXY_HOPS", 0),
        "CORS_ORIGINS": env.names("CORS_ORIGINS"),
        # Sites allowed to frame the embed widget; empty means CORS_ORIGINS (and this host).
        "EMBED_ORIGINS": env.names("EMBED_ORIGINS"),
        "MAX_BODY_BYTES": env.int("MAX_BODY_BYTES", 16 * 1024),
        "LOG_LEVEL": env.str("LOG_LEVEL", "INFO").upper(),
        "LOG_FORMAT": env.str("LOG_FORMAT", "json").lower(),
        "METRICS_ENABLED": env.bool("METRICS_ENABLED", False),
        "METRICS_TOKEN": env.str("METRICS_TOKEN", ""),
        "TALLY_MAX_AGE": env.int("TALLY_MAX_AGE", 5),
        # How long a cache may serve an expired tally while it fetches a fresh one; unset
        # (None): 6 × TALLY_MAX_AGE, at least 30, worked out from the app's TALLY_MAX_AGE.
        "TALLY_STALE_WHILE_REVALIDATE": env.int("TALLY_STALE_WHILE_REVALIDATE", None),
        "TALLY_CACHE_SECONDS": env.int("TALLY_CACHE_SECONDS", 1),
        "COUNTER_SHARDS": env.int("COUNTER_SHARDS", 8),
        # Public breakdown buckets under this many are folded into "other".
        "PUBLIC_MIN_BUCKET": env.int("PUBLIC_MIN_BUCKET", 10),
        # At most this many confirmation emails to one recipient per UTC day, all petitions.
        "CONFIRMATION_MAX_PER_DAY": env.int("CONFIRMATION_MAX_PER_DAY", 3),
        "OSDI_SYSTEM_NAME": env.str("OSDI_SYSTEM_NAME", "") or "campaign-api",
        # Mail and the outbox worker (issue 8): empty MAIL_URL writes mail to the log.
        "MAIL_URL": env.str("MAIL_URL", ""),
        "MAIL_FROM": env.str("MAIL_FROM", "") or "campaign@localhost",
        # Development only: with MAIL_URL empty, log whole messages (recipient, live links).
        "DEVELOPMENT_MAIL_LOG": env.bool("DEVELOPMENT_MAIL_LOG", False),
        "PUBLIC_BASE_URL": env.str("PUBLIC_BASE_URL", "").rstrip("/"),
        # Where the website's scripts call the API; empty: the origin that served the page.
        "SITE_API_BASE": env.str("SITE_API_BASE", "").rstrip("/"),
        "CONFIRMATION_TOKEN_HOURS": env.int("CONFIRMATION_TOKEN_HOURS", 72),
        "CONFIRMATION_MAX_EMAILS": env.int("CONFIRMATION_MAX_EMAILS", 3),
        "OUTBOX_BATCH": env.int("OUTBOX_BATCH", 10),
        "OUTBOX_LEASE_SECONDS": env.int("OUTBOX_LEASE_SECONDS", 300),
        "OUTBOX_MAX_ATTEMPTS": env.int("OUTBOX_MAX_ATTEMPTS", 10),
        "OUTBOX_BACKOFF_SECONDS": env.int("OUTBOX_BACKOFF_SECONDS", 30),
        "OUTBOX_KEEP_DAYS": env.int("OUTBOX_KEEP_DAYS", 7),
        "DELIVERY_TIMEOUT_SECONDS": env.int("DELIVERY_TIMEOUT_SECONDS", 10),
        "WEBHOOKS_ALLOW_HTTP": env.bool("WEBHOOKS_ALLOW_HTTP", False),
        "PENDING_MAX_AGE_DAYS": env.int("PENDING_MAX_AGE_DAYS", 30),
        "IP_HASH_MAX_AGE_DAYS": env.int("IP_HASH_MAX_AGE_DAYS", 90),
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
