"""What an outreach sets off outside the request: the ``outreach.created`` webhook (one
delivery per submission, carrying every target it reached) and letters to fixed targets
with an email, sent by the outbox worker."""

from email import policy
from email.message import EmailMessage
from email.utils import formatdate

from flask import current_app
from sqlalchemy import select

from campaign.models import AdvocacyCampaign, OutboxItem, Outreach, Person
from campaign.models.base import db
from campaign.services import delivery, mailer, webhooks

EVENT = "outreach.created"
# The outbox kind of a letter to a fixed target.
LETTER = "letter"


def outreach_created(advocacy: AdvocacyCampaign, outreach_ids: list[int], person_id: int):
    def build() -> dict:
        rows = list(
            db.session.scalars(
                select(Outreach).where(Outreach.id.in_(outreach_ids)).order_by(Outreach.id)
            )
        )
        first = rows[0]
        person = db.session.get(Person, person_id)
        return {
            "_person_id": person_id,
            "data": {
                "campaign": advocacy.campaign.slug,
                "advocacy_campaign": advocacy.slug,
                "type": advocacy.type,
                "outreach": {
                    "ids": [r.id for r in rows],
                    "subject": first.subject,
                    "message": first.message,
                    "outcome": first.outcome,
                    "duration": first.duration,
                    "source": first.source,
                    "referrer": first.referrer,
                    "created_at": first.created_at.isoformat(),
                },
                "targets": [
                    {
                        "id": r.target_id,
                        "name": r.target_name,
                        "title": r.target_title,
                        "chamber": r.chamber,
                        "state": r.state,
                        "district": r.district,
                    }
                    for r in rows
                ],
                "person": {
                    "email": person.email,
                    "given_name": first.given_name,
                    "family_name": first.family_name,
                    "postal_code": first.postal_code,
                    "country": first.country,
                    "region": first.region,
                    "consent": first.consent,
                },
            },
        }

    webhooks.emit(EVENT, build)


def send_letter(item: OutboxItem) -> None:
    """Send a constituent's letter to a fixed target (the outbox's ``letter`` kind).

    It carries the person's name and ZIP inside the letter, not their email address.
    """
    payload = item.payload
    sender = current_app.config["MAIL_FROM"]
    message = EmailMessage(policy=policy.default.clone(max_line_length=998))
    message["From"] = sender
    message["To"] = payload["to"]
    message["Subject"] = payload["subject"]
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = f"<{item.idempotency_key}@{sender.rpartition('@')[2] or 'localhost'}>"
    message.set_content(payload["body"])
    mailer.send(message)


delivery.register(LETTER, send_letter)
