"""The bulk loader: fake signers for benchmarks, paper signatures from CSV, exact counts after."""

from sqlalchemy import func, select

from campaign.models import Milestone, Person, Signature
from campaign.models.base import db
from campaign.services import reconcile
from tests.support import organizer_tallies

PETITION = "release-the-prisoners"


def _tally(client) -> dict:
    return client.get(f"/api/v1/petitions/{PETITION}/tally").get_json()


def test_fake_load_fills_a_petition_and_sets_counts_exactly(app, client):
    runner = app.test_cli_runner()
    result = runner.invoke(
        args=["signatures", "load", PETITION, "--fake", "300", "--batch-size", "64"]
    )
    assert result.exit_code == 0, result.output
    assert "added 300 signatures" in result.output

    assert _tally(client)["signature_count"] == 300
    body = organizer_tallies(client)
    assert body["people_count"] == 300
    assert {d["slug"]: d["signature_count"] for d in body["demands"]}[
        "release-political-prisoners"
    ] == 300
    assert sum(c["count"] for c in body["by_country"]) <= 300
    assert sum(s["count"] for s in body["by_source"]) <= 300
    assert sum(p["count"] for p in body["series"]) == 300
    assert len(body["series"]) > 20  # spread over the last 30 days
    assert [m["threshold"] for m in body["milestones"]] == [10, 25, 50, 100, 250]
    with app.app_context():
        assert reconcile.check().clean
        names = set(db.session.scalars(select(Person.given_name)))
    assert any("\u0531" <= ch <= "\u058f" for name in names for ch in name)  # Armenian script


def test_csv_load_adds_paper_signatures_once_and_reports_bad_lines(app, client, tmp_path):
    path = tmp_path / "paper.csv"
    path.write_text(
        "given_name,family_name,email,country,region,consent,signed_at\n"
        "Արմեն,Սարգսյան,armen@example.org,AM,Yerevan,yes,2024-04-05T10:15:00\n"
        "Anna,Petrosyan,Anna.P@Example.org,US,CA,no,2024-04-05\n"
        "Anna,Petrosyan,anna.p@example.org,US,CA,,\n"
        "Bad,Email,not-an-email,AM,,,\n"
        "Bad,Country,ok@example.org,XX,,,\n",
        encoding="utf-8",
    )
    runner = app.test_cli_runner()
    result = runner.invoke(args=["signatures", "load", PETITION, "--csv", str(path)])
    assert result.exit_code == 0, result.output
    assert "added 2 signatures, 1 already signed, 2 bad lines" in result.output
    assert "line 5" in result.output and "line 6" in result.output

    assert _tally(client)["signature_count"] == 2
    body = organizer_tallies(client)
    assert body["by_source"] == [{"source": "paper", "count": 2}]
    assert [p["start"][:10] for p in body["series"]] == ["2024-04-05"]
    with app.app_context():
        armen = db.session.scalar(select(Signature).join(Person).where(Person.country == "AM"))
        assert armen.counted_at.isoformat() == "2024-04-05T10:15:00+00:00"

    # Loading the same file again adds nobody.
    result = runner.invoke(args=["signatures", "load", PETITION, "--csv", str(path)])
    assert "added 0 signatures, 3 already signed" in result.output
    assert _tally(client)["signature_count"] == 2


def test_csv_load_refuses_signing_times_in_the_future_or_unreadable(app, client, tmp_path):
    # A typo such as 2204 for 2024 would put a signature centuries ahead in every series.
    path = tmp_path / "paper.csv"
    path.write_text(
        "email,given_name,country,signed_at\n"
        "ahead@example.org,Ahead,AM,2204-04-05T10:00:00Z\n"
        "garbled@example.org,Garbled,XX,notadate\n"
        "fine@example.org,Fine,AM,2024-04-05\n",
        encoding="utf-8",
    )
    result = app.test_cli_runner().invoke(args=["signatures", "load", PETITION, "--csv", str(path)])
    assert result.exit_code == 0, result.output
    assert "added 1 signatures, 0 already signed, 2 bad lines" in result.output
    assert "line 2: {'signed_at': ['In the future" in result.output
    # Every bad field of a line is named, as the signing endpoint does.
    assert "line 3: {" in result.output
    line3 = next(line for line in result.output.splitlines() if "line 3" in line)
    assert "'country'" in line3 and "'signed_at'" in line3
    assert _tally(client)["signature_count"] == 1


def test_load_keeps_live_signatures_and_their_counts(app, client):
    response = client.post(
        f"/api/v1/petitions/{PETITION}/signatures",
        json={"given_name": "Lusine", "email": "live@example.org", "country": "AM"},
    )
    assert response.status_code == 201, response.get_data(as_text=True)
    runner = app.test_cli_runner()
    result = runner.invoke(args=["signatures", "load", PETITION, "--fake", "20"])
    assert result.exit_code == 0, result.output
    assert _tally(client)["signature_count"] == 21
    with app.app_context():
        count = db.session.scalar(select(func.count()).select_from(Signature))
        assert count == 21
        assert db.session.scalar(select(func.count()).select_from(Milestone)) == 1


def test_load_needs_exactly_one_source_of_rows(app, tmp_path):
    runner = app.test_cli_runner()
    assert runner.invoke(args=["signatures", "load", PETITION]).exit_code != 0
    result = runner.invoke(args=["signatures", "load", "nope", "--fake", "1"])
    assert result.exit_code != 0
    assert "nope" in result.output
    bad = tmp_path / "bad.csv"
    bad.write_text("name,mail\nA,a@example.org\n", encoding="utf-8")
    result = runner.invoke(args=["signatures", "load", PETITION, "--csv", str(bad)])
    assert result.exit_code != 0
    assert "email" in result.output
