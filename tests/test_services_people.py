"""People are found by canonical email and updated with what each post carries."""

import pytest
from sqlalchemy import func, select

from campaign.models import Person
from campaign.models.base import db
from campaign.services import people


@pytest.mark.parametrize(
    ("email", "canonical"),
    [
        ("Ani.Petrosyan+news@GMail.com", "anipetrosyan@gmail.com"),
        ("a.n.i@googlemail.com", "ani@gmail.com"),
        ("Ani.Petrosyan+x@example.org", "ani.petrosyan+x@example.org"),
        ("ÄNI@Example.AM", "äni@example.am"),
    ],
)
def test_canonical_email(email, canonical):
    assert people.canonical_email(email) == canonical


def test_upsert_updates_only_the_fields_sent(app_ctx):
    first = people.upsert(
        {
            "email": "ani@example.am",
            "given_name": "Անի",
            "family_name": "Պետրոսյան",
            "postal_code": "0010",
            "country": "AM",
        }
    )
    again = people.upsert({"email": "ANI@example.am", "given_name": "Ani"})
    db.session.commit()
    assert first == again
    person = db.session.get(Person, first)
    assert person.given_name == "Ani"
    assert person.family_name == "Պետրոսյան"
    assert person.postal_code == "0010"
    assert person.email == "ANI@example.am"
    assert db.session.scalar(select(func.count()).select_from(Person)) == 1
