"""``flask people export|erase``: a person's rights over their personal data."""

import json

import click
from flask.cli import AppGroup

from campaign.models.base import db
from campaign.services import privacy

people_group = AppGroup("people", help="Personal-data rights: export or erase a person.")


@people_group.command("export")
@click.argument("email")
def people_export(email: str) -> None:
    """Print everything held about the person with EMAIL, as JSON."""
    data = privacy.export(email)
    if data is None:
        raise click.ClickException("no person has that email")
    click.echo(json.dumps(data, indent=2, ensure_ascii=False, default=str))


@people_group.command("erase")
@click.argument("email")
def people_erase(email: str) -> None:
    """Erase the person with EMAIL: their signatures and sign-ups leave every count."""
    result = privacy.erase_by_email(email)
    if result is None:
        raise click.ClickException("no person has that email")
    db.session.commit()
    click.echo(
        f"erased person {result['person_id']}: {result['signatures']} signatures, "
        f"{result['signups']} sign-ups"
    )
