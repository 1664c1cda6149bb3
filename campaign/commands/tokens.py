"""``flask tokens``: create, list and revoke organizer API tokens."""

import click
from flask.cli import AppGroup

from campaign.models.base import db
from campaign.services import tokens

tokens_group = AppGroup("tokens", help="Organizer API tokens: create, list, revoke.")


def _when(moment) -> str:
    return moment.strftime("%Y-%m-%d %H:%M:%SZ") if moment else "-"


@tokens_group.command("create")
@click.argument("name")
@click.option(
    "--scopes",
    default="read",
    show_default=True,
    help="Comma-separated, some of: " + ",".join(tokens.SCOPES),
)
def tokens_create(name: str, scopes: str) -> None:
    """Create a token NAME; its secret is printed once, as the last line."""
    name = name.strip()
    if not name or len(name) > 100:
        raise click.BadParameter("1 to 100 characters", param_hint="NAME")
    try:
        token, secret = tokens.create(name, tokens.parse_scopes(scopes))
    except tokens.TokenError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"created token {token.name!r} with scopes {token.scopes}", err=True)
    click.echo("the secret below is shown only now; store it safely", err=True)
    click.echo(secret)


@tokens_group.command("list")
def tokens_list() -> None:
    """Show every token (never its secret)."""
    rows = [("NAME", "PREFIX", "SCOPES", "CREATED", "LAST USED", "REVOKED")]
    for t in tokens.all_tokens():
        rows.append(
            (
                t.name,
                t.prefix + "…",
                t.scopes,
                _when(t.created_at),
                _when(t.last_used_at),
                _when(t.revoked_at),
            )
        )
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    for row in rows:
        click.echo("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())


@tokens_group.command("revoke")
@click.argument("name")
def tokens_revoke(name: str) -> None:
    """Revoke the token NAME: it stops working at once."""
    try:
        token = tokens.revoke(name)
    except tokens.TokenError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"revoked token {token.name!r} at {_when(token.revoked_at)}")
