"""Who a constituent writes to or calls: their senators or representative, looked up by ZIP,
or an advocacy campaign's fixed targets.

The lookup answers in the contract's shape (postal code, country, states, districts,
ambiguous, targets, data_as_of, reason). A ZIP area spanning two states or districts lists
every member it could mean and says ``ambiguous``; DC, the territories and addresses outside
the U.S. have no voting senators or representative, so they get no targets and a reason.
A code that is no U.S. ZIP, or one the data does not know, is a 422 naming the field.
"""

import re
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from campaign.data import US_DIR
from campaign.models import AdvocacyCampaign
from campaign.services import congress_data
from campaign.services.errors import Invalid

ZIP_PATTERN = re.compile(r"(\d{5})(?:-?\d{4})?")
# Places with a ZIP but no voting member of Congress.
NON_STATES = {
    "DC": "The District of Columbia has no senators and no voting representative.",
    "PR": "Puerto Rico has no senators and no voting representative.",
    "GU": "Guam has no senators and no voting representative.",
    "VI": "The U.S. Virgin Islands have no senators and no voting representative.",
    "AS": "American Samoa has no senators and no voting representative.",
    "MP": "The Northern Mariana Islands have no senators and no voting representative.",
}
ABROAD = "Only constituents with a U.S. address have senators and a representative to contact."
CHAMBERS = {"senators": ("senate",), "representative": ("house",), "congress": ("senate", "house")}
TITLES = {"senate": "Senator", "house": "Representative"}


def data() -> congress_data.Data:
    return congress_data.load(Path(current_app.config.get("TARGETS_DATA_DIR") or US_DIR))


def _invalid(detail: str) -> None:
    raise Invalid(detail, slug="validation", errors={"postal_code": [detail]})


def _in_office(member: dict, today: str) -> bool:
    return member["end"] >= today


def member_target(member: dict) -> dict:
    district = member["district"]
    return {
        "id": member["id"],
        "name": member["name"],
        "given_name": member["given_name"],
        "family_name": member["family_name"],
        "title": TITLES[member["chamber"]],
        "organization": "U.S. Senate" if member["chamber"] == "senate" else "U.S. House",
        "chamber": member["chamber"],
        "state": member["state"],
        "district": district,
        "party": member["party"],
        "phone": member["phone"],
        "contact_form": member["contact_form"],
        "email": "",
        "address": member.get("address", ""),
    }


def fixed_target(target) -> dict:
    return {
        "id": target.slug,
        "name": target.name,
        "given_name": "",
        "family_name": "",
        "title": target.title,
        "organization": target.organization,
        "chamber": "",
        "state": "",
        "district": None,
        "party": "",
        "phone": target.phone,
        "contact_form": target.contact_form,
        "email": target.email,
        "address": "",
    }


def lookup(advocacy: AdvocacyCampaign, postal_code: str, country: str) -> dict:
    """The targets a constituent at ``postal_code`` in ``country`` may write to or call."""
    country = (country or "US").upper()
    source = data()
    answer = {
        "postal_code": postal_code,
        "country": country,
        "states": [],
        "districts": [],
        "ambiguous": False,
        "targets": [],
        "data_as_of": source.data_as_of,
        "reason": "",
    }
    if advocacy.targeting == "fixed":
        answer["targets"] = [fixed_target(t) for t in advocacy.targets]
        return answer
    if country in NON_STATES:
        answer["reason"] = NON_STATES[country]
        return answer
    if country != "US":
        answer["reason"] = ABROAD
        return answer
    match = ZIP_PATTERN.fullmatch((postal_code or "").strip())
    if match is None:
        _invalid("Not a U.S. ZIP code: use five digits, or ZIP+4 such as 70801-1234.")
    zip5 = match.group(1)
    areas = source.districts.get(zip5)
    if not areas:
        _invalid(f"The ZIP code {zip5} is not in the congressional district data.")
    answer["postal_code"] = zip5
    states = sorted({state for state, _ in areas})
    answer["states"] = states
    answer["districts"] = [f"{state}-{district}" for state, district in sorted(set(areas))]
    voting = [s for s in states if s not in NON_STATES]
    if not voting:
        answer["reason"] = NON_STATES[states[0]]
        return answer
    chambers = CHAMBERS[advocacy.targeting]
    # TARGETS_TODAY (not an environment setting) pins "in office" to a date, so that tests
    # of the shipped data keep meaning the same after its terms end.
    today = current_app.config.get("TARGETS_TODAY") or datetime.now(UTC).date().isoformat()
    seats = {(s, d) for s, d in areas if s in voting}
    targets = []
    for member in source.members:
        if member["chamber"] not in chambers or not _in_office(member, today):
            continue
        senate = member["chamber"] == "senate" and member["state"] in voting
        house = member["chamber"] == "house" and (member["state"], member["district"]) in seats
        if senate or house:
            targets.append(member_target(member))
    targets.sort(
        key=lambda t: (t["chamber"] != "senate", t["state"], t["district"] or 0, t["name"])
    )
    answer["targets"] = targets
    answer["ambiguous"] = ("senate" in chambers and len(voting) > 1) or (
        "house" in chambers and len(seats) > 1
    )
    return answer
