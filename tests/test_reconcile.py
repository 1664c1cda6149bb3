"""Reconciliation: counters recomputed from rows, drift reported and repaired."""

import pytest
from sqlalchemy import delete, func, select, text, update

from campaign.commands.tallies import repair
from campaign.models import Milestone, Petition, Signature
from campaign.models.base import db
from campaign.services import counters, reconcile
from tests.conftest import ON_POSTGRES
from tests.support import ALL_DEMANDS, CAMPAIGN, PETITION, emails, organizer_tallies, sign


def test_counts_kept_by_the_write_path_have_no_drift(app):
    sign(app, *emails(3), country="AM", region="Shirak", source="embed")
    sign(app, *emails(2), petition=ALL_DEMANDS, country="US")
    with app.app_context():
        report = reconcile.check()
    assert report.clean
    assert report.checked > 10


def test_check_command_reports_drift_and_fix_repairs_it(app, client):
    sign(app, *emails(12), country="AM", region="Lori", source="newsletter")
    before = organizer_tallies(client, "?interval=hour")
    with app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == PETITION))
        subject = counters.petition_subject(petition.id)
        campaign = counters.campaign_subject(petition.campaign_id)
        # Drift on purpose: a lost increment, a phantom country, a forgotten milestone,
        # and a row counted by nobody.
        counters.add([(subject, "total", "")], -5)
        counters.add([(campaign, "country", "ZZ")], 7)
        db.session.execute(delete(Milestone))
        db.session.execute(
            update(Signature)
            .where(Signature.id == db.session.scalar(select(func.min(Signature.id))))
            .values(country="FR")
        )
        db.session.commit()
    drifted = organizer_tallies(client, "?interval=hour")
    assert drifted["petitions"][0]["signature_count"] == 7

    runner = app.test_cli_runner()
    result = runner.invoke(args=["tallies", "check"])
    assert result.exit_code == 1, result.output
    assert f"petition {PETITION}" in result.output
    assert "country ZZ" in result.output
    assert "country FR" in result.output
    assert "milestone" in result.output

    result = runner.invoke(args=["tallies", "check", "--fix"])
    assert result.exit_code == 0, result.output
    assert "repaired" in result.output

    after = organizer_tallies(client, "?interval=hour")
    assert after["petitions"] == before["petitions"]
    assert after["demands"] == before["demands"]
    assert after["people_count"] == before["people_count"]
    assert {c["code"]: c["count"] for c in after["by_country"]} == {"AM": 11, "FR": 1}
    assert [(m["petition"], m["threshold"]) for m in after["milestones"]] == [(PETITION, 10)]

    result = runner.invoke(args=["tallies", "check"])
    assert result.exit_code == 0, result.output
    assert "no drift" in result.output


def test_milestone_backfill_uses_the_time_the_threshold_was_reached(app):
    sign(app, *emails(11))
    with app.app_context():
        petition = db.session.scalar(select(Petition).where(Petition.slug == PETITION))
        tenth = db.session.scalars(
            select(Signature.counted_at)
            .where(Signature.petition_id == petition.id)
            .order_by(Signature.counted_at, Signature.id)
        ).all()[9]
        db.session.execute(delete(Milestone))
        db.session.commit()
        repair()
        milestone = db.session.scalar(select(Milestone))
        assert milestone.threshold == 10
        assert milestone.reached_at == tenth


def test_check_can_be_limited_to_one_campaign(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["tallies", "check", "--campaign", CAMPAIGN])
    assert result.exit_code == 0, result.output
    result = runner.invoke(args=["tallies", "check", "--campaign", "nope"])
    assert result.exit_code != 0
    assert "nope" in result.output


@pytest.mark.skipif(
    not ON_POSTGRES, reason="advisory locks are PostgreSQL's; SQLite runs one repair at a time"
)
def test_a_repair_holds_the_lock_that_keeps_two_repairs_apart(app_ctx):
    def try_lock() -> bool:
        with db.engine.connect() as other:
            got = other.execute(
                text("SELECT pg_try_advisory_lock(:k)"), {"k": reconcile.REPAIR_LOCK_KEY}
            ).scalar()
            if got:
                other.execute(
                    text("SELECT pg_advisory_unlock(:k)"), {"k": reconcile.REPAIR_LOCK_KEY}
                )
            other.commit()
            return got

    with reconcile.exclusive():
        assert try_lock() is False
    assert try_lock() is True
