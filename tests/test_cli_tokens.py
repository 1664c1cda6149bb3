"""`flask tokens create|list|revoke`: secrets shown once, stored hashed, and honoured by the API."""

from sqlalchemy import select

from campaign.models import ApiToken
from campaign.models.base import db
from tests.support import PETITION

SIGNERS = f"/api/v1/petitions/{PETITION}/signatures"


def run(app, *args):
    return app.test_cli_runner().invoke(args=["tokens", *args])


def test_create_prints_the_secret_last_and_it_authenticates(app, client):
    result = run(app, "create", "field-team", "--scopes", "read,export")
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    assert secret.startswith("cat_") and len(secret) > 40
    assert result.stdout.strip() == secret  # scripts can capture stdout alone

    response = client.get(SIGNERS, headers={"Authorization": f"Bearer {secret}"})
    assert response.status_code == 200
    with app.app_context():
        token = db.session.scalar(select(ApiToken).where(ApiToken.name == "field-team"))
        assert token.scopes == "export,read"
        # Only a keyed hash is kept: the secret is in no column.
        assert secret not in {token.token_hash, token.prefix, token.name, token.scopes}
        assert token.token_hash != secret and len(token.token_hash) == 64
        assert token.last_used_at is not None


def test_list_shows_tokens_without_their_secrets(app):
    secret = run(app, "create", "analyst", "--scopes", "read").output.strip().splitlines()[-1]
    run(app, "create", "admin", "--scopes", "read,export,manage")
    run(app, "revoke", "analyst")
    result = run(app, "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    assert lines[0].split() == ["NAME", "PREFIX", "SCOPES", "CREATED", "LAST", "USED", "REVOKED"]
    analyst = next(line for line in lines if line.startswith("analyst"))
    admin = next(line for line in lines if line.startswith("admin"))
    assert secret[:12] in analyst and secret not in result.output
    assert "export,manage,read" in admin
    assert admin.rstrip().endswith("-")  # not revoked
    assert not analyst.rstrip().endswith("-")  # revoked: a time


def test_revoked_token_is_refused(app, client):
    secret = run(app, "create", "temp", "--scopes", "read").output.strip().splitlines()[-1]
    headers = {"Authorization": f"Bearer {secret}"}
    assert client.get(SIGNERS, headers=headers).status_code == 200
    result = run(app, "revoke", "temp")
    assert result.exit_code == 0 and "revoked token 'temp'" in result.output
    response = client.get(SIGNERS, headers=headers)
    assert response.status_code == 401
    assert response.headers["WWW-Authenticate"].startswith("Bearer")


def test_bad_requests_fail_without_creating_anything(app):
    bad_scope = run(app, "create", "x", "--scopes", "read,root")
    assert bad_scope.exit_code != 0 and "scopes must be some of" in bad_scope.output
    assert run(app, "create", "dup").exit_code == 0
    duplicate = run(app, "create", "dup")
    assert duplicate.exit_code != 0 and "exists" in duplicate.output
    unknown = run(app, "revoke", "nobody")
    assert unknown.exit_code != 0 and "no token is named" in unknown.output
    with app.app_context():
        names = db.session.scalars(select(ApiToken.name)).all()
    assert names == ["dup"]
