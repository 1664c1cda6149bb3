"""Settings come from the environment, with defaults that need no services."""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import text

from campaign import config as settings
from campaign import create_app
from campaign.models.base import db
from campaign.services import tallies

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def clean_env(monkeypatch, tmp_path):
    for name in (
        "DATABASE_URL",
        "RATELIMIT_STORAGE_URI",
        "SECRET_KEY",
        "TRUSTED_PROXY_HOPS",
        "CORS_ORIGINS",
        "MAX_BODY_BYTES",
        "LOG_LEVEL",
    ):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_defaults_run_on_one_machine(clean_env):
    config = settings.from_environment(str(clean_env))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{clean_env}/campaign.sqlite3"
    assert config["RATELIMIT_STORAGE_URI"] == "memory://"
    assert config["TRUSTED_PROXY_HOPS"] == 0
    assert config["CORS_ORIGINS"] == []
    assert config["MAX_BODY_BYTES"] == 16 * 1024
    assert len(config["SECRET_KEY"]) >= 32
    # The generated secret is kept, so every worker and restart hashes the same way.
    assert settings.from_environment(str(clean_env))["SECRET_KEY"] == config["SECRET_KEY"]


def test_environment_overrides(clean_env, monkeypatch):
    monkeypatch.setenv("DATABASE_URL", "postgres://u:p@db.example:5432/campaign")
    monkeypatch.setenv("RATELIMIT_STORAGE_URI", "redis://cache:6379/1")
    monkeypatch.setenv("TRUSTED_PROXY_HOPS", "2")
    monkeypatch.setenv("CORS_ORIGINS", "https://a.example, https://b.example")
    monkeypatch.setenv("MAX_BODY_BYTES", "4096")
    monkeypatch.setenv("SECRET_KEY", "k" * 40)
    config = settings.from_environment(str(clean_env))
    assert config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u:p@db.example:5432/campaign"
    assert config["RATELIMIT_STORAGE_URI"] == "redis://cache:6379/1"
    assert config["TRUSTED_PROXY_HOPS"] == 2
    assert config["CORS_ORIGINS"] == ["https://a.example", "https://b.example"]
    assert config["MAX_BODY_BYTES"] == 4096
    assert config["SECRET_KEY"] == "k" * 40


def test_postgres_pool_does_not_ping_before_each_use():
    options = settings.engine_options(
        {
            "SQLALCHEMY_DATABASE_URI": "postgresql+psycopg://x/y",
            "DATABASE_POOL_SIZE": 7,
            "DATABASE_MAX_OVERFLOW": 1,
            "DATABASE_POOL_TIMEOUT": 3,
            "DATABASE_CONNECT_TIMEOUT": 2,
        }
    )
    assert options["pool_pre_ping"] is False
    assert options["pool_size"] == 7


def test_sqlite_runs_in_wal_mode_with_a_busy_timeout(tmp_path):
    app = create_app(
        {"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'x.sqlite3'}", "SECRET_KEY": "t"}
    )
    with app.app_context():
        assert db.session.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert db.session.execute(text("PRAGMA busy_timeout")).scalar() == 30000
        assert db.session.execute(text("PRAGMA foreign_keys")).scalar() == 1
        db.session.rollback()
        db.engine.dispose()


def test_rate_limit_key_prefix_comes_from_the_environment(clean_env, monkeypatch):
    assert settings.from_environment(str(clean_env))["RATELIMIT_KEY_PREFIX"] == ""
    monkeypatch.setenv("RATELIMIT_KEY_PREFIX", "campaign-eu")
    assert settings.from_environment(str(clean_env))["RATELIMIT_KEY_PREFIX"] == "campaign-eu"


def _run(command: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    return subprocess.run(
        command, cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "redis://127.0.0.1:6379"])
def test_tests_and_benches_refuse_redis_database_0(url):
    suite = _run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:randomly", "-p", "no:xdist"]
        + ["--collect-only", "tests/test_config.py"],
        RATELIMIT_STORAGE_URI=url,
    )
    assert suite.returncode == 4, suite.stdout + suite.stderr
    assert "database 0" in suite.stderr
    bench = _run([sys.executable, "bench/signatures.py", "--seconds", "1"], BENCH_REDIS_URL=url)
    assert bench.returncode == 1
    assert "database 0" in bench.stderr


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("MAX_BODY_BYTES", "16k"),
        ("TRUSTED_PROXY_HOPS", "one"),
        ("RATELIMIT_FAIL_OPEN", "perhaps"),
        ("METRICS_ENABLED", "sure"),
    ],
)
def test_a_bad_value_stops_the_app_naming_the_variable(clean_env, monkeypatch, name, value):
    monkeypatch.setenv(name, value)
    with pytest.raises(settings.ConfigurationError, match=f'"{name}" invalid'):
        settings.from_environment(str(clean_env))


def test_a_blank_variable_keeps_its_default(clean_env, monkeypatch):
    monkeypatch.setenv("MAX_BODY_BYTES", "  ")
    monkeypatch.setenv("RATELIMIT_FAIL_OPEN", "")
    config = settings.from_environment(str(clean_env))
    assert config["MAX_BODY_BYTES"] == 16 * 1024
    assert config["RATELIMIT_FAIL_OPEN"] is True


def test_stale_while_revalidate_follows_the_tally_max_age_unless_set(clean_env, monkeypatch):
    config = settings.from_environment(str(clean_env))
    assert tallies.cache_control(config) == "public, max-age=5, stale-while-revalidate=30"
    monkeypatch.setenv("TALLY_MAX_AGE", "10")
    config = settings.from_environment(str(clean_env))
    assert tallies.cache_control(config) == "public, max-age=10, stale-while-revalidate=60"
    monkeypatch.setenv("TALLY_STALE_WHILE_REVALIDATE", "7")
    config = settings.from_environment(str(clean_env))
    assert tallies.cache_control(config) == "public, max-age=10, stale-while-revalidate=7"
