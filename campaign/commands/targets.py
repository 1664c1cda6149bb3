"""``flask targets``: refresh the congressional data the target lookup reads.

``load`` converts a newer unitedstates/congress-legislators ``legislators-current.yaml``
(and optionally a us-zipcodes-congress ``zccd.csv``) into the compact files in
``TARGETS_DATA_DIR`` (default: the package's ``campaign/data/us``) and says who joined and
who left. Running workers pick the new files up on their next lookup.
"""

from datetime import UTC, date, datetime
from pathlib import Path

import click
from flask import current_app
from flask.cli import AppGroup

from campaign.data import US_DIR
from campaign.services import congress_data

targets_group = AppGroup("targets", help="Congressional data for advocacy target lookup.")


def _describe(member: dict) -> str:
    seat = (
        member["state"]
        if member["chamber"] == "senate"
        else f"{member['state']}-{member['district']}"
    )
    return f"{member['id']} {member['name']} ({member['chamber']}, {seat})"


@targets_group.command("load")
@click.option(
    "--legislators",
    "legislators_file",
    required=True,
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="legislators-current.yaml from unitedstates/congress-legislators",
)
@click.option(
    "--districts",
    "districts_file",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="zccd.csv (state_fips,state_abbr,zcta,cd) from us-zipcodes-congress",
)
@click.option(
    "--as-of",
    "as_of",
    type=click.DateTime(formats=["%Y-%m-%d"]),
    help="The date the legislators file describes; default today (UTC)",
)
def load_command(legislators_file: Path, districts_file: Path | None, as_of) -> None:
    """Replace the shipped congressional data with newer files; report who joined and left."""
    directory = Path(current_app.config.get("TARGETS_DATA_DIR") or US_DIR)
    day: date = as_of.date() if as_of else datetime.now(UTC).date()
    try:
        legislators = congress_data.legislators_from_yaml(
            legislators_file.read_text(encoding="utf-8"), day
        )
        districts = (
            congress_data.districts_from_zccd(districts_file.read_text(encoding="utf-8"))
            if districts_file
            else None
        )
    except (KeyError, ValueError, TypeError, IndexError) as error:
        raise click.ClickException(f"cannot read the data: {error!r}") from error
    before = congress_data.load(directory).by_id
    after = {m["id"]: m for m in legislators["members"]}
    congress_data.write(directory, legislators, districts)
    for member_id in sorted(set(after) - set(before)):
        click.echo(f"joined: {_describe(after[member_id])}")
    for member_id in sorted(set(before) - set(after)):
        click.echo(f"left: {_describe(before[member_id])}")
    zips = f", {districts.count(chr(10)) - 1} ZIP-district rows" if districts else ""
    click.echo(f"loaded {len(after)} members as of {day.isoformat()}{zips} into {directory}")
