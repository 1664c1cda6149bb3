"""The seeded campaign states only what the letter states, and seeding is idempotent."""

import json
import re
from pathlib import Path

import pytest
from sqlalchemy import func, select

import campaign.seed as seed
from campaign.models import Campaign, Demand, Legislation, Petition, Prisoner, Target
from campaign.models.base import db
from tests.support import bearer

SOURCE = Path(seed.SEED_DIR, "2024-04-04-cassidy-markey-letter.txt")


def _normalise(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ")).strip()


@pytest.fixture(scope="module")
def letter() -> str:
    return _normalise(SOURCE.read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def data() -> dict:
    return seed.read(seed.SEED_DIR / "nagorno-karabakh.json")


EXPECTED_NAMES = {
    "Ruben Vardanyan",
    "Arkadi Ghukasyan",
    "Bako Sahakyan",
    "Arayik Harutyunyan",
    "Davit Babayan",
    "Davit Ishkhanyan",
}


def test_the_six_named_leaders_with_the_offices_the_letter_gives(data, letter):
    # The letter lists them in one sentence, one clause per office, separated by semicolons.
    sentence = letter[letter.index("such as Ruben Vardanyan") : letter.index("among others")]
    clauses = sentence.split(";")
    assert {p["name"] for p in data["prisoners"]} == EXPECTED_NAMES
    for prisoner in data["prisoners"]:
        clause = next(c for c in clauses if prisoner["name"] in c)
        office = re.escape(prisoner["former_office"])
        assert re.search(rf"former {office}s?\b", clause), (prisoner, clause)


def test_every_quoted_text_is_in_the_letter(data, letter):
    quoted = [data["summary"], data["letter"]["title"], data["letter"]["addressee"]]
    quoted += data["letter"]["senders"]
    quoted += [d["text"] for d in data["demands"]]
    quoted += [p["text"] for p in data["petitions"]]
    quoted += [item["summary"] for item in data["legislation"]]
    quoted += [t["name"] for t in data["targets"]] + [t["organization"] for t in data["targets"]]
    for text in quoted:
        assert _normalise(text) in letter, text


def test_letter_text_is_the_letter_itself(data, letter):
    text = _normalise(data["letter"]["text"])
    assert text.startswith("Dear Secretary Blinken,")
    assert text.endswith("Thank you for your attention to these important issues.")
    assert text in letter


def test_four_senders_and_the_target(data):
    assert len(data["letter"]["senders"]) == 4
    assert [s.split(" (")[0] for s in data["letter"]["senders"]] == [
        "Bill Cassidy, M.D.",
        "Ed Markey",
        "Thom Tillis",
        "Gary Peters",
    ]
    assert data["targets"][0]["title"] == "Secretary of State"
    assert data["targets"][0]["organization"] == "U.S. Department of State"


def test_named_acts_are_the_legislation_on_the_page(data, letter):
    titles = [item["title"] for item in data["legislation"]]
    assert "Supporting Armenians Against Azerbaijani Aggression Act" in titles
    assert "The Armenian Protection Act" in titles
    for title in titles[1:]:
        assert title in letter


def test_a_petition_per_demand_and_one_with_all(data):
    demand_slugs = [d["slug"] for d in data["demands"]]
    carried = [p["demands"] for p in data["petitions"]]
    for slug in demand_slugs:
        assert [slug] in carried
    assert sorted(demand_slugs) in [sorted(c) for c in carried]
    assert all(p["goal"] > 0 for p in data["petitions"])


def _counts():
    return {
        model.__tablename__: db.session.scalar(select(func.count()).select_from(model))
        for model in (Campaign, Demand, Target, Prisoner, Legislation, Petition)
    }


def test_seed_twice_doubles_nothing(app):
    runner = app.test_cli_runner()
    with app.app_context():
        before = _counts()
    result = runner.invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    assert "seeded nagorno-karabakh-political-prisoners" in result.output
    with app.app_context():
        assert (
            _counts()
            == before
            == {
                "campaigns": 1,
                "demands": 3,
                "targets": 1,
                "prisoners": 6,
                "legislation": 3,
                "petitions": 4,
            }
        )


def test_seed_after_an_edit_updates_rows_and_keeps_organizer_status(app, tmp_path):
    data = json.loads((seed.SEED_DIR / "nagorno-karabakh.json").read_text(encoding="utf-8"))
    data["petitions"][0]["goal"] = 12345
    data["letter"]["text_file"] = str(seed.SEED_DIR / "letter.txt")
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(data), encoding="utf-8")
    with app.app_context():
        prisoner = db.session.scalar(select(Prisoner).where(Prisoner.slug == "ruben-vardanyan"))
        prisoner.status = "released"
        db.session.commit()
    result = app.test_cli_runner().invoke(args=["seed", "--file", str(edited)])
    assert result.exit_code == 0, result.output
    with app.app_context():
        petition = db.session.scalar(
            select(Petition).where(Petition.slug == "release-the-prisoners")
        )
        # A goal is an organizer setting, set by the seed only when the petition is created.
        assert petition.goal == 10000
        prisoner = db.session.scalar(select(Prisoner).where(Prisoner.slug == "ruben-vardanyan"))
        assert prisoner.status == "released"
        assert _counts()["petitions"] == 4


def test_reseeding_keeps_organizer_edits_and_restores_the_letters_facts(app):
    client = app.test_client()
    headers = bearer(app, "manage")
    petition = "/api/v1/petitions/release-the-prisoners"
    campaign = "/api/v1/campaigns/nagorno-karabakh-political-prisoners"
    edit = {"title": "Free them now", "goal": 777, "text": "Our own words."}
    assert client.patch(petition, json=edit, headers=headers).status_code == 200
    edit = {"title": "Our campaign", "summary": "Our summary.", "goal": 5}
    assert client.patch(campaign, json=edit, headers=headers).status_code == 200
    with app.app_context():
        demand = db.session.scalar(select(Demand).order_by(Demand.position))
        quoted, demand.text = demand.text, "tampered"
        prisoner = db.session.scalar(select(Prisoner).where(Prisoner.slug == "ruben-vardanyan"))
        name, office = prisoner.name, prisoner.former_office
        prisoner.name, prisoner.former_office = "x", "y"
        stored = db.session.scalar(select(Campaign))
        letter, stored.letter_text = stored.letter_text, "tampered"
        db.session.commit()

    result = app.test_cli_runner().invoke(args=["seed"])
    assert result.exit_code == 0, result.output
    with app.app_context():
        shown = db.session.scalar(select(Petition).where(Petition.slug == "release-the-prisoners"))
        assert (shown.title, shown.goal, shown.text) == ("Free them now", 777, "Our own words.")
        stored = db.session.scalar(select(Campaign))
        assert (stored.title, stored.summary, stored.goal) == ("Our campaign", "Our summary.", 5)
        assert stored.letter_text == letter
        assert db.session.scalar(select(Demand).order_by(Demand.position)).text == quoted
        prisoner = db.session.scalar(select(Prisoner).where(Prisoner.slug == "ruben-vardanyan"))
        assert (prisoner.name, prisoner.former_office) == (name, office)
