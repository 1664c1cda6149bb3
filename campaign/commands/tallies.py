"""``flask tallies check [--fix]``: recompute every counter from the rows and report drift."""

from contextlib import nullcontext

import click
from flask.cli import AppGroup

from campaign.models.base import db
from campaign.services import reconcile

tallies_group = AppGroup("tallies", help="Counts kept as data: check them against the rows.")


def repair(slugs: list[str] | None = None) -> reconcile.Report:
    """Check these campaigns (default: all) and repair what drifted, one repair at a time;
    the report of what was repaired."""
    with reconcile.exclusive():
        report = reconcile.check(slugs)
        if not report.clean:
            reconcile.fix(report)
            # Inside the lock: another repair must see this one's rows before it checks.
            db.session.commit()
    return report


def _describe(report: reconcile.Report, drift: reconcile.Drift) -> str:
    what = report.labels.get(drift.subject, drift.subject)
    key = f" {drift.key}" if drift.key else ""
    return (
        f"  {what}: {drift.dimension}{key}: counters {drift.counted}, rows {drift.actual}"
        f" ({drift.delta:+d})"
    )


@tallies_group.command("check")
@click.option("--fix", is_flag=True, help="Repair drift by writing corrective counter rows.")
@click.option("--campaign", "campaigns", multiple=True, help="Only this campaign (repeatable).")
def check_command(fix: bool, campaigns: tuple[str, ...]) -> None:
    """Recompute every counter from the rows and report drift; exit 1 on drift unless --fix."""
    # A repair holds the lock from its check to its commit, so two never add one drift twice.
    with reconcile.exclusive() if fix else nullcontext():
        report = reconcile.check(list(campaigns) or None)
        known = {
            label.split(" ", 1)[1] for label in report.labels.values() if label.startswith("c")
        }
        unknown = sorted(set(campaigns) - known)
        if unknown:
            raise click.ClickException(f"no campaign has the slug {', '.join(unknown)}")
        for drift in report.drifts:
            click.echo(_describe(report, drift))
        for slug, thresholds in report.missing_milestones.items():
            click.echo(f"  petition {slug}: milestone not recorded: {thresholds}")
        if report.clean:
            click.echo(f"{report.checked} counts checked: no drift")
            return
        summary = (
            f"{report.checked} counts checked: {len(report.drifts)} drifted,"
            f" {sum(len(t) for t in report.missing_milestones.values())} milestones missing"
        )
        if not fix:
            click.echo(summary + " (run with --fix to repair)")
            raise SystemExit(1)
        reconcile.fix(report)
        db.session.commit()
        click.echo(summary + ": repaired")
