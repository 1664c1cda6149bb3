"""The confirmation email carries no free text but a plain name, and is bounded per inbox."""

import pytest
from sqlalchemy import select, update

from campaign.models import Petition, Signature
from campaign.models.base import db
from campaign.services.confirmation import greeting
from tests.delivery import run_worker
from tests.support import ALL_DEMANDS, require_confirmation, set_rows, signer

URL = f"/api/v1/petitions/{ALL_DEMANDS}/signatures"

PHISH = "friend. URGENT: log in at https://phish.example/verify"


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("Anahit", "Hello Anahit,"),
        ("Անահիտ", "Hello Անահիտ,"),
        ("Mary-Jane O'Neil", "Hello Mary-Jane O'Neil,"),
        ("José María", "Hello José María,"),
        (PHISH, "Hello,"),
        ("Anahit 2", "Hello,"),
        ("a.b", "Hello,"),
        ("Call now to win big prizes", "Hello,"),
        ("A" * 41, "Hello,"),
        ("", "Hello,"),
        ("--", "Hello,"),
    ],
)
def test_only_a_plain_name_is_greeted(name, expected):
    assert greeting(name) == expected


def test_typed_free_text_never_reaches_the_email(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="https://sign.example.org")
    require_confirmation(app)
    assert app.test_client().post(URL, json=signer(given_name=PHISH)).status_code == 201
    with app.app_context():
        # What the signer typed is kept on the signature.
        db.session.execute(update(Signature).values(given_name=PHISH))
        db.session.commit()
    run_worker(app)
    [message] = smtp.messages
    text = message.get_content()
    assert text.splitlines()[0] == "Hello,"
    assert "phish" not in text and "URGENT" not in text
    assert "phish" not in message["Subject"]


def test_at_most_the_daily_number_of_confirmations_per_inbox(make_app, smtp):
    app = make_app(MAIL_URL=smtp.url, PUBLIC_BASE_URL="https://sign.example.org")
    set_rows(app, Petition, requires_confirmation=True)
    with app.app_context():
        slugs = list(db.session.scalars(select(Petition.slug).order_by(Petition.id)))
    assert len(slugs) >= 4
    client = app.test_client()
    # One inbox, spelt four ways, signed onto four petitions.
    spellings = ["victim@gmail.com", "Victim@gmail.com", "vic.tim@gmail.com", "victim+x@gmail.com"]
    for slug, email in zip(slugs, spellings, strict=False):
        response = client.post(f"/api/v1/petitions/{slug}/signatures", json=signer(email=email))
        assert response.status_code == 201
    run_worker(app)
    assert len(smtp.messages) == 3
    # Another inbox is not held back by that one.
    client.post(f"/api/v1/petitions/{slugs[0]}/signatures", json=signer(email="other@example.org"))
    run_worker(app)
    assert len(smtp.messages) == 4
