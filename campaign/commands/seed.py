"""``flask seed``: load the campaigns shipped in campaign/seed (or given files)."""

from pathlib import Path

import click
from flask.cli import with_appcontext

import campaign.seed as seed
from campaign.models.base import db
from campaign.services import seeding


@click.command("seed")
@click.option(
    "--file",
    "files",
    multiple=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="A campaign JSON file; default: every campaign shipped in campaign/seed.",
)
@with_appcontext
def seed_command(files: tuple[Path, ...]) -> None:
    """Load campaigns from seed data. Safe to run again: rows are updated, not doubled."""
    for path in files or seed.campaign_files():
        campaign = seeding.load_campaign(seed.read(path))
        db.session.commit()
        click.echo(f"seeded {campaign.slug}: {len(campaign.petitions)} petitions")
