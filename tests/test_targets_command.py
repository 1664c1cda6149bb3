"""``flask targets load``: newer congressional files replace the shipped ones."""

import json
import shutil

import yaml

from campaign.data import US_DIR
from tests.advocacy_support import CASSIDY, KENNEDY, LETTER


def _yaml_from_shipped(change) -> str:
    """A legislators-current.yaml in the upstream shape, from the shipped members."""
    members = json.loads((US_DIR / "legislators.json").read_text(encoding="utf-8"))["members"]
    entries = []
    for m in members:
        term = {
            "type": "sen" if m["chamber"] == "senate" else "rep",
            "start": "2025-01-03",
            "end": m["end"],
            "state": m["state"],
            "party": m["party"],
            "phone": m["phone"],
        }
        if m["district"] is not None:
            term["district"] = m["district"]
        if m["contact_form"]:
            term["contact_form"] = m["contact_form"]
        entry = {
            "id": {"bioguide": m["id"].split(":", 1)[1]},
            "name": {
                "first": m["given_name"],
                "last": m["family_name"],
                "official_full": m["name"],
            },
            "terms": [term],
        }
        entries.append(entry)
    return yaml.safe_dump(change(entries), allow_unicode=True)


def test_a_retired_senator_disappears_and_a_new_one_is_offered(make_app, tmp_path):
    data = tmp_path / "us"
    shutil.copytree(US_DIR, data)
    app = make_app(TARGETS_DATA_DIR=str(data))
    client = app.test_client()
    url = f"/api/v1/advocacy-campaigns/{LETTER}/targets?postal_code=70801"
    assert [t["id"] for t in client.get(url).get_json()["targets"]] == [CASSIDY, KENNEDY]

    def retire_kennedy(entries):
        kept = [e for e in entries if e["id"]["bioguide"] != "K000393"]
        kept.append(
            {
                "id": {"bioguide": "Z999999"},
                "name": {"first": "Ada", "last": "Newcomer", "official_full": "Ada Newcomer"},
                "terms": [
                    {
                        "type": "sen",
                        "start": "2026-11-20",
                        "end": "2029-01-03",
                        "state": "LA",
                        "party": "Independent",
                        "phone": "202-224-0000",
                    }
                ],
            }
        )
        return kept

    source = tmp_path / "legislators-current.yaml"
    source.write_text(_yaml_from_shipped(retire_kennedy), encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["targets", "load", "--legislators", str(source), "--as-of", "2026-11-30"]
    )
    assert result.exit_code == 0, result.output
    assert "joined: bioguide:Z999999 Ada Newcomer (senate, LA)" in result.output
    assert "left: bioguide:K000393 John Kennedy (senate, LA)" in result.output
    body = client.get(url).get_json()
    assert [t["name"] for t in body["targets"]] == ["Ada Newcomer", "Bill Cassidy"]
    assert body["data_as_of"] == "2026-11-30"
    # The shipped copy is untouched.
    shipped = json.loads((US_DIR / "legislators.json").read_text(encoding="utf-8"))
    assert KENNEDY in {m["id"] for m in shipped["members"]}


def test_a_member_whose_term_has_ended_is_never_offered(make_app, tmp_path):
    data = tmp_path / "us"
    shutil.copytree(US_DIR, data)
    app = make_app(TARGETS_DATA_DIR=str(data))

    def end_cassidy(entries):
        for e in entries:
            if e["id"]["bioguide"] == "C001075":
                e["terms"][0]["end"] = "2025-01-03"
        return entries

    source = tmp_path / "legislators-current.yaml"
    source.write_text(_yaml_from_shipped(end_cassidy), encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["targets", "load", "--legislators", str(source)])
    assert result.exit_code == 0, result.output
    url = f"/api/v1/advocacy-campaigns/{LETTER}/targets?postal_code=70801"
    targets = app.test_client().get(url).get_json()["targets"]
    assert [t["id"] for t in targets] == [KENNEDY]


def test_districts_file_replaces_the_zip_table(make_app, tmp_path):
    data = tmp_path / "us"
    shutil.copytree(US_DIR, data)
    app = make_app(TARGETS_DATA_DIR=str(data))
    legislators = tmp_path / "legislators-current.yaml"
    legislators.write_text(_yaml_from_shipped(lambda entries: entries), encoding="utf-8")
    zccd = tmp_path / "zccd.csv"
    zccd.write_text("state_fips,state_abbr,zcta,cd\n22,LA,70801,6\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(
        args=["targets", "load", "--legislators", str(legislators), "--districts", str(zccd)]
    )
    assert result.exit_code == 0, result.output
    assert "1 ZIP-district rows" in result.output
    client = app.test_client()
    url = f"/api/v1/advocacy-campaigns/{LETTER}/targets"
    assert client.get(url, query_string={"postal_code": "70801"}).status_code == 200
    assert client.get(url, query_string={"postal_code": "02108"}).status_code == 422


def test_an_unreadable_file_changes_nothing(make_app, tmp_path):
    data = tmp_path / "us"
    shutil.copytree(US_DIR, data)
    app = make_app(TARGETS_DATA_DIR=str(data))
    bad = tmp_path / "bad.yaml"
    bad.write_text("- id: {}\n", encoding="utf-8")
    result = app.test_cli_runner().invoke(args=["targets", "load", "--legislators", str(bad)])
    assert result.exit_code == 1
    assert "cannot read the data" in result.output
    assert (data / "legislators.json").read_bytes() == (US_DIR / "legislators.json").read_bytes()
