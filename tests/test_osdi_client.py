"""A round trip with a real Action Network client (parsons) pointed at a local server."""

import importlib
import logging
import re
import warnings
from pathlib import Path

from sqlalchemy import select

from campaign.models import Person
from campaign.models.base import db
from tests.browsers import Server
from tests.osdi_support import (  # noqa: F401 - fixtures
    action_network,
    client_for,
    local_id,
    osdi_server,
    sign_numbered,
)
from tests.support import PETITION, token

ROOT = Path(__file__).resolve().parent.parent


def test_parsons_lists_petitions_pages_signatures_and_upserts_a_person(client_for):  # noqa: F811
    app, an = client_for
    sign_numbered(app, PETITION, 30)

    petitions = an.get_petitions()
    assert petitions.num_rows == 4
    by_id = {local_id(row): row for row in petitions}
    assert by_id[PETITION]["total_signatures"] == 30

    signatures = an.get_petition_signatures(PETITION)
    assert signatures.num_rows == 30
    assert [row["comments"] for row in signatures] == [f"comment {n}" for n in range(30)]
    second = an.get_petition_signatures(PETITION, page=2)
    assert (second["page"], second["total_pages"], second["total_records"]) == (2, 2, 30)
    assert len(second["_embedded"]["osdi:signatures"]) == 5
    assert an.get_petition_signatures(PETITION, limit=7).num_rows == 7

    created = an.upsert_person(
        email_address="Lilit@example.org",
        given_name="Լիլիթ",
        family_name="Sargsyan",
        postal_addresses=[{"postal_code": "0010", "country": "AM", "primary": True}],
    )
    person_id = local_id(created)
    assert created["given_name"] == "Լիլիթ"
    updated = an.upsert_person(
        email_address=[{"address": "lilit@example.org", "status": "subscribed"}],
        given_name="Lilit",
    )
    assert local_id(updated) == person_id
    assert updated["family_name"] == "Sargsyan"

    fetched = an.get_person(person_id)
    assert fetched["given_name"] == "Lilit"
    assert fetched["email_addresses"][0]["status"] == "subscribed"
    assert fetched["postal_addresses"][0]["postal_code"] == "0010"
    recent = an.get_people(filter="modified_date gt '2024-04-01'")
    assert "lilit@example.org" in [row["email_addresses"][0]["address"] for row in recent]
    assert an.get_person_signatures(person_id).num_rows == 0


def _documented_parsons_setup() -> tuple[str, str]:
    """The OSDI section's server command and Parsons snippet, as docs/api.md has them."""
    text = (ROOT / "docs" / "api.md").read_text(encoding="utf-8")
    section = text.split("\n## OSDI\n", 1)[1].split("\n## ", 1)[0]
    command = re.search(r"```sh\n(.*?)```", section, re.S).group(1)
    snippet = re.search(r"```python\n(.*?)```", section, re.S).group(1)
    return command, snippet


def test_the_documented_parsons_snippet_runs_without_an_error(make_app, caplog):
    command, snippet = _documented_parsons_setup()
    system = re.search(r"OSDI_SYSTEM_NAME=(\S+)", command).group(1)
    app = make_app(OSDI_SYSTEM_NAME=system)
    server = Server(app, threaded=False)
    secret = token(app, "read")
    documented_url = "http://127.0.0.1:8000"
    assert documented_url in snippet and '"<secret>"' in snippet
    runnable = snippet.replace(documented_url, server.url)
    runnable = runnable.replace('"<secret>"', repr(secret))
    caplog.set_level(logging.INFO)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)
            exec(compile(runnable, "docs/api.md", "exec"), {})  # noqa: S102 - our own doc
    finally:
        # The snippet points parsons' module-level URL at this server; put it back.
        importlib.reload(action_network)
        server.stop()
    errors = [r.getMessage() for r in caplog.records if r.levelno >= logging.ERROR]
    assert errors == []
    with app.app_context():
        person = db.session.scalar(select(Person).where(Person.email == "lilit@example.org"))
    assert person.given_name == "Lilit"
