"""``flask signatures load``: add signatures in bulk from a paper-form CSV or as fake signers."""

import csv
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import click
import marshmallow as ma
from flask.cli import AppGroup
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from campaign.commands.tallies import repair
from campaign.models import Petition
from campaign.models.base import db
from campaign.services import bulkload
from schemas.actions import SignatureInputSchema

signatures_group = AppGroup("signatures", help="Signatures in bulk: paper CSVs, test data.")

SHOWN_ERRORS = 20


def _petition(slug: str) -> Petition:
    petition = db.session.scalar(
        select(Petition).options(selectinload(Petition.demands)).where(Petition.slug == slug)
    )
    if petition is None:
        raise click.ClickException(f"no petition has the slug {slug!r}")
    return petition


def _signed_at(raw: str) -> datetime:
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        raise ma.ValidationError(["Not an ISO 8601 date or time."]) from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
    # A mistyped year would put the signature in every series and window far ahead.
    if moment > datetime.now(UTC):
        raise ma.ValidationError([f"In the future: {moment.isoformat()}."])
    return moment


def read_csv(path: Path, errors: list[str]):
    """Validated rows of a paper-signature CSV; bad lines are appended to ``errors``."""
    schema = SignatureInputSchema()
    allowed = set(schema.fields) - {"website"} | {"signed_at"}
    with path.open(newline="", encoding="utf-8-sig") as fh:
        reader = csv.DictReader(fh)
        columns = set(reader.fieldnames or ())
        if not {"email", "given_name"} <= columns or columns - allowed:
            raise click.ClickException(
                f"{path}: columns must include email and given_name and be among "
                f"{', '.join(sorted(allowed))}; found {', '.join(sorted(columns)) or 'none'}"
            )
        for row in reader:
            values = {k: v for k, v in row.items() if k and v not in (None, "")}
            signed_at = values.pop("signed_at", None)
            problems: dict = {}
            try:
                when = _signed_at(signed_at) if signed_at else None
            except ma.ValidationError as error:
                problems["signed_at"] = error.messages
            try:
                details = schema.load(values)
            except ma.ValidationError as error:
                problems = {**error.messages_dict, **problems}
            if problems:
                errors.append(f"line {reader.line_num}: {problems}")
                continue
            yield {**details, "signed_at": when}


def load(
    petition: Petition, rows, batch_size: int, progress: Callable[[int], None]
) -> bulkload.LoadResult:
    """Add ``rows`` to ``petition``, committing each batch: a load stopped half way keeps
    the batches before (see ``bulkload``)."""
    result = bulkload.LoadResult()
    add = bulkload.loader(petition)
    for batch in bulkload.batches(rows, batch_size):
        result.added += add(batch)
        db.session.commit()
        result.read += len(batch)
        progress(len(batch))
    return result


def _count_lines(path: Path) -> int:
    with path.open("rb") as fh:
        return max(sum(1 for _ in fh) - 1, 0)


@signatures_group.command("load")
@click.argument("petition_slug")
@click.option("--csv", "csv_path", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--fake", type=click.IntRange(min=1), help="Add this many realistic fake signers.")
@click.option(
    "--source", default="paper", show_default=True, help="Source for CSV rows without one."
)
@click.option(
    "--days", default=30.0, show_default=True, help="Spread fake signing times over days."
)
@click.option("--seed", default=0, show_default=True, help="Random seed for fake signers.")
@click.option("--batch-size", default=bulkload.BATCH_SIZE, show_default=True)
def load_command(petition_slug, csv_path, fake, source, days, seed, batch_size) -> None:
    """Add signatures to PETITION_SLUG from --csv FILE (paper forms) or --fake N.

    CSV columns: email, given_name and optionally family_name, postal_code, country,
    region, comment, consent, source, referrer, signed_at (ISO 8601, UTC if no zone).
    Counters are then set exactly from the rows.
    """
    if bool(csv_path) == bool(fake):
        raise click.UsageError("give exactly one of --csv FILE or --fake N")
    petition = _petition(petition_slug)
    errors: list[str] = []
    if fake:
        rows, length = bulkload.fake_signatures(fake, seed=seed, days=days), fake
    else:
        rows = (
            {**row, "source": row.get("source") or source} for row in read_csv(csv_path, errors)
        )
        length = _count_lines(csv_path)
    with click.progressbar(length=length, label=f"loading into {petition.slug}") as bar:
        result = load(petition, rows, batch_size, bar.update)
    for error in errors[:SHOWN_ERRORS]:
        click.echo(f"  skipped {error}", err=True)
    if len(errors) > SHOWN_ERRORS:
        click.echo(f"  ... and {len(errors) - SHOWN_ERRORS} more bad lines", err=True)
    click.echo("setting counters from the rows ...")
    report = repair([petition.campaign.slug])
    click.echo(
        f"added {result.added} signatures, {result.skipped} already signed, "
        f"{len(errors)} bad lines; {len(report.drifts)} counts updated"
    )
