"""The congressional data files: building their compact form, and reading it.

Two files live in ``campaign/data/us`` (or ``TARGETS_DATA_DIR``):

- ``legislators.json``: ``{data_as_of, members: [...]}``, each member's current term only
  (id ``bioguide:...``, names, chamber, state, district, party, phone, contact form, end);
- ``districts.csv``: ``zcta,state,district``, one row per ZIP area and district it touches.

They are built from the unitedstates/congress-legislators YAML and the us-zipcodes-congress
``zccd.csv`` by ``flask targets load`` (PyYAML is needed only there).
"""

import csv
import io
import json
import threading
from datetime import date
from functools import lru_cache
from pathlib import Path

LEGISLATORS_FILE = "legislators.json"
DISTRICTS_FILE = "districts.csv"
CHAMBERS = {"sen": "senate", "rep": "house"}


def member_from_yaml(entry: dict) -> dict:
    """One member's compact record, from their current (last) term."""
    term = entry["terms"][-1]
    name = entry["name"]
    district = term.get("district")
    return {
        "id": f"bioguide:{entry['id']['bioguide']}",
        "name": name.get("official_full") or f"{name['first']} {name['last']}",
        "given_name": name.get("first", ""),
        "family_name": name.get("last", ""),
        "chamber": CHAMBERS[term["type"]],
        "state": term["state"],
        "district": None if district is None else int(district),
        "party": term.get("party", ""),
        "phone": term.get("phone", ""),
        "contact_form": term.get("contact_form", ""),
        "address": term.get("address", ""),
        "end": str(term["end"]),
    }


def legislators_from_yaml(text: str, as_of: date) -> dict:
    import yaml  # only the refresh command parses YAML

    entries = yaml.safe_load(text) or []
    members = sorted((member_from_yaml(e) for e in entries), key=lambda m: m["id"])
    return {"data_as_of": as_of.isoformat(), "members": members}


def districts_from_zccd(text: str) -> str:
    """``zcta,state,district`` rows from zccd.csv (``state_fips,state_abbr,zcta,cd``)."""
    rows = sorted(
        {
            (r["zcta"].zfill(5), r["state_abbr"], int(r["cd"]))
            for r in csv.DictReader(io.StringIO(text))
        }
    )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(("zcta", "state", "district"))
    writer.writerows(rows)
    return out.getvalue()


def write(directory: Path, legislators: dict | None, districts: str | None) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    if legislators is not None:
        text = json.dumps(legislators, ensure_ascii=False, separators=(",", ":"))
        (directory / LEGISLATORS_FILE).write_text(text + "\n", encoding="utf-8")
    if districts is not None:
        (directory / DISTRICTS_FILE).write_text(districts, encoding="utf-8")


class Data:
    """The loaded files: members by state and chamber, districts by ZIP."""

    def __init__(self, legislators: dict, districts: dict[str, list[tuple[str, int]]]):
        self.data_as_of = legislators["data_as_of"]
        self.members = legislators["members"]
        self.by_id = {m["id"]: m for m in self.members}
        self.districts = districts


def _mtime(path: Path) -> float:
    return path.stat().st_mtime_ns


# One thread reads the files while the others wait for its result: a worker's threads all
# asking at once would otherwise each parse them (measured: 0.6 s each on a busy machine).
_LOADING = threading.Lock()


def load(directory: Path) -> Data:
    """The data in ``directory``, read once and again only when a file changes."""
    key = (str(directory), _mtime(directory / LEGISLATORS_FILE), _mtime(directory / DISTRICTS_FILE))
    with _LOADING:
        return _load(*key)


@lru_cache(maxsize=4)
def _load(directory: str, _legislators_mtime: int, _districts_mtime: int) -> Data:
    root = Path(directory)
    legislators = json.loads((root / LEGISLATORS_FILE).read_text(encoding="utf-8"))
    districts: dict[str, list[tuple[str, int]]] = {}
    lines = (root / DISTRICTS_FILE).read_text(encoding="utf-8").splitlines()
    # Plain splitting: the file is ours (digits and state codes), and csv is 3x slower here.
    for line in lines[1:]:
        zcta, state, district = line.split(",")
        districts.setdefault(zcta, []).append((state, int(district)))
    return Data(legislators, districts)
