"""Canonical email: one inbox is one person, two inboxes are two, look-alikes are refused."""

import pytest
from sqlalchemy import func, select

from campaign.models import Person
from campaign.models.base import db
from campaign.services.emails import PROVIDERS, canonical_email

PETITION = "release-the-prisoners"


@pytest.mark.parametrize(
    ("email", "canonical"),
    [
        ("ani+news@outlook.com", "ani@outlook.com"),
        ("ani+news@hotmail.com", "ani@hotmail.com"),
        ("ani+news@live.com", "ani@live.com"),
        ("ani+news@fastmail.com", "ani@fastmail.com"),
        ("ani+news@proton.me", "ani@proton.me"),
        ("ani+news@protonmail.com", "ani@protonmail.com"),
        ("ani+news@icloud.com", "ani@icloud.com"),
        ("ani-news@yahoo.com", "ani@yahoo.com"),
        ("a.n.i+x@googlemail.com", "ani@gmail.com"),
        ("ｊｏｈｎ@ｅｘａｍｐｌｅ.ｏｒｇ", "john@example.org"),
        ("ＪＯＨＮ@example.org", "john@example.org"),
        # Sub-addressing is folded only where the provider documents it.
        ("ani+news@example.org", "ani+news@example.org"),
        ("ani-news@outlook.com", "ani-news@outlook.com"),
        ("a.n.i@outlook.com", "a.n.i@outlook.com"),
    ],
)
def test_one_inbox_one_canonical_form(email, canonical):
    assert canonical_email(email) == canonical


def test_lower_not_casefold_keeps_two_german_inboxes_apart():
    assert canonical_email("Straße@example.de") == "straße@example.de"
    assert canonical_email("strasse@example.de") == "strasse@example.de"


def test_docs_print_the_same_provider_table():
    with open("docs/api.md", encoding="utf-8") as handle:
        manual = handle.read()
    for domain, provider in PROVIDERS.items():
        row = f"| `{domain}` | `{provider.separator}` |"
        assert row in manual, row


def sign(client, email: str):
    return client.post(
        f"/api/v1/petitions/{PETITION}/signatures", json={"given_name": "Ani", "email": email}
    )


def test_spellings_of_one_inbox_sign_once(app, client):
    for email in (
        "ani@outlook.com",
        "ANI+x@outlook.com",
        "ani+y@Outlook.com",
        "ａｎｉ@outlook.com",
    ):
        assert sign(client, email).status_code == 201
    assert sign(client, "ani-1@yahoo.com").status_code == 201
    assert sign(client, "ani@yahoo.com").status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == 2


def test_straße_and_strasse_are_two_people(app, client):
    assert sign(client, "straße@example.de").status_code == 201
    assert sign(client, "strasse@example.de").status_code == 201
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == 2


def test_cyrillic_look_alike_in_a_latin_local_part_is_refused(app, client):
    # "jоhn": the second letter is CYRILLIC SMALL LETTER O.
    response = sign(client, "j\u043ehn@example.org")
    assert response.status_code == 422
    assert response.headers["Content-Type"] == "application/problem+json"
    assert "email" in response.get_json()["errors"]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_an_address_that_nfkc_spells_out_past_the_column_is_refused(app, client):
    # U+FDFA is one character that NFKC, the canonical form's first step, turns into 18:
    # 60 of them fit the address but not the form people are found by.
    for path in (
        f"/api/v1/petitions/{PETITION}/signatures",
        "/api/v1/campaigns/nagorno-karabakh-political-prisoners/signups",
    ):
        response = client.post(
            path, json={"given_name": "A", "email": "\ufdfa" * 60 + "@example.org"}
        )
        assert response.status_code == 422, response.get_json()
        assert "NFKC" in response.get_json()["errors"]["email"][0]
    with app.app_context():
        assert db.session.scalar(select(func.count()).select_from(Person)) == 0


def test_names_in_one_other_script_are_accepted(client):
    assert sign(client, "анна@example.org").status_code == 201
    assert sign(client, "անի@example.am").status_code == 201
