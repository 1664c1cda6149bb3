"""Bulk loading signatures: paper signatures from CSV, or realistic fake ones for benchmarks.

Rows go in by batches of multi-row statements (people upserted by canonical email, then
signatures and campaign membership inserted, duplicates skipped), one transaction per batch:
``flask signatures load`` commits each. Counters are not touched per row: when the load ends
the command sets them exactly from the rows with ``reconcile`` (which also dates milestones
from the rows). A load that stops half way leaves committed batches whose counts
``flask tallies check --fix`` brings in.
"""

import itertools
import random
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from campaign.models import CampaignPerson, Person, Petition, Signature
from campaign.models.base import db
from campaign.models.types import utcnow
from campaign.services import dialect, people

BATCH_SIZE = 10000

SIGNATURE_COLUMNS = ("country", "region", "comment", "source", "referrer")


@dataclass
class LoadResult:
    read: int = 0
    added: int = 0

    @property
    def skipped(self) -> int:
        """Rows not added because that person had already signed (before or earlier in it)."""
        return self.read - self.added


def batches(rows: Iterable[dict], size: int) -> Iterator[list[dict]]:
    iterator = iter(rows)
    while batch := list(itertools.islice(iterator, size)):
        yield batch


def _upsert_people(batch: list[dict], now: datetime) -> dict[str, int]:
    """Person ids by canonical email; people already known keep their details."""
    values = []
    for row in batch:
        person = {column: row.get(column) or "" for column in people.PERSON_FIELDS}
        person["consent"] = bool(row.get("consent"))
        person.update(
            email=row["email"],
            email_canonical=row["email_canonical"],
            created_at=row.get("signed_at") or now,
            updated_at=now,
        )
        values.append(person)
    table = Person.__table__
    stmt = dialect.insert(table)
    # A no-op update rather than DO NOTHING, so that known people come back with their ids.
    stmt = stmt.on_conflict_do_update(
        index_elements=["email_canonical"], set_={"email_canonical": stmt.excluded.email_canonical}
    ).returning(table.c.email_canonical, table.c.id)
    connection = db.session.connection()
    return dict(connection.execute(stmt, values).all())


def _insert_signatures(petition: Petition, batch: list[dict], ids: dict, now: datetime) -> list:
    values = []
    for row in batch:
        signature = {column: row.get(column) or "" for column in SIGNATURE_COLUMNS}
        moment = row.get("signed_at") or now
        signature.update(
            petition_id=petition.id,
            person_id=ids[row["email_canonical"]],
            status="counted",
            ip_hash="",
            created_at=moment,
            counted_at=moment,
        )
        values.append(signature)
    table = Signature.__table__
    stmt = (
        dialect.insert(table)
        .on_conflict_do_nothing(index_elements=["petition_id", "person_id"])
        .returning(table.c.person_id, table.c.created_at)
    )
    return db.session.connection().execute(stmt, values).all()


def _join_campaign(petition: Petition, signed: list) -> None:
    if not signed:
        return
    table = CampaignPerson.__table__
    values = [
        {"campaign_id": petition.campaign_id, "person_id": person_id, "created_at": at}
        for person_id, at in signed
    ]
    stmt = dialect.insert(table).on_conflict_do_nothing(index_elements=["campaign_id", "person_id"])
    db.session.connection().execute(stmt, values)


def _load_generic(petition: Petition, batch: list[dict], now: datetime) -> int:
    ids = _upsert_people(batch, now)
    signed = _insert_signatures(petition, batch, ids, now)
    _join_campaign(petition, signed)
    return len(signed)


STAGING_COLUMNS = (
    "n", "email", "email_canonical", "given_name", "family_name", "postal_code", "country",
    "region", "consent", "comment", "source", "referrer", "signed_at",
)  # fmt: skip
STAGING_TABLE = """
CREATE TEMPORARY TABLE bulk_signatures (
    n integer, email text, email_canonical text, given_name text, family_name text,
    postal_code text, country text, region text, consent boolean, comment text, source text,
    referrer text, signed_at timestamptz
) ON COMMIT DROP
"""
ADD_PEOPLE = """
INSERT INTO people (email, email_canonical, given_name, family_name, postal_code, country,
                    region, consent, created_at, updated_at)
SELECT DISTINCT ON (email_canonical) email, email_canonical, given_name, family_name,
       postal_code, country, region, consent, coalesce(signed_at, %(now)s), %(now)s
FROM bulk_signatures ORDER BY email_canonical, n
ON CONFLICT (email_canonical) DO NOTHING
"""
ADD_SIGNATURES = """
WITH added AS (
    INSERT INTO signatures (petition_id, person_id, status, country, region, comment, source,
                            referrer, ip_hash, created_at, counted_at)
    SELECT DISTINCT ON (p.id) %(petition)s, p.id, 'counted', b.country, b.region, b.comment,
           b.source, b.referrer, '', coalesce(b.signed_at, %(now)s), coalesce(b.signed_at, %(now)s)
    FROM bulk_signatures b JOIN people p ON p.email_canonical = b.email_canonical
    ORDER BY p.id, b.n
    ON CONFLICT (petition_id, person_id) DO NOTHING
    RETURNING person_id, created_at
), joined AS (
    INSERT INTO campaign_people (campaign_id, person_id, created_at)
    SELECT %(campaign)s, person_id, created_at FROM added
    ON CONFLICT (campaign_id, person_id) DO NOTHING
)
SELECT count(*) FROM added
"""


def _staged(n: int, row: dict) -> tuple:
    text = {column: row.get(column) or "" for column in STAGING_COLUMNS[1:-1]}
    text["consent"] = bool(row.get("consent"))
    return (n, *text.values(), row.get("signed_at"))


def _load_postgres(petition: Petition, batch: list[dict], now: datetime) -> int:
    """COPY the batch into a temporary table, then set-based inserts from it.

    Multi-row INSERT statements cost more in building and parsing SQL than in the database;
    COPY streams the rows, and the three inserts that follow run entirely in PostgreSQL.
    """
    raw = db.session.connection().connection.driver_connection
    params = {"now": now, "petition": petition.id, "campaign": petition.campaign_id}
    with raw.cursor() as cursor:
        cursor.execute(STAGING_TABLE)
        columns = ", ".join(STAGING_COLUMNS)
        with cursor.copy(f"COPY bulk_signatures ({columns}) FROM STDIN") as copy:  # noqa: S608
            for n, row in enumerate(batch):
                copy.write_row(_staged(n, row))
        cursor.execute(ADD_PEOPLE, params)
        cursor.execute(ADD_SIGNATURES, params)
        return cursor.fetchone()[0]


def loader(petition: Petition) -> Callable[[list[dict]], int]:
    """What adds one batch of rows (signature details, optional ``signed_at``) to
    ``petition`` as counted, in the open transaction, and says how many it added. The caller
    commits each batch; counters are left to it (see the module docstring)."""
    # A plain copy of the two ids: the caller's commits do not expire it.
    target = Petition(id=petition.id, campaign_id=petition.campaign_id)
    load_batch = _load_postgres if db.engine.dialect.name == "postgresql" else _load_generic

    def add(batch: list[dict]) -> int:
        unique: dict[str, dict] = {}
        for row in batch:
            # One person once per batch: a multi-row upsert may not touch a row twice.
            canonical = people.canonical_email(row["email"])
            unique.setdefault(canonical, {**row, "email_canonical": canonical})
        return load_batch(target, list(unique.values()), utcnow())

    return add


# Realistic fake signers: names in the scripts the campaign's supporters write in, the
# countries of the Armenian diaspora, and signing times spread over recent days.
GIVEN_NAMES = (
    "Անի", "Նարեկ", "Արամ", "Լուսինե", "Տիգրան", "Մարիամ", "Ani", "Narek", "Aram", "Lusine",
    "Tigran", "Mariam", "Sona", "Davit", "Hovhannes", "Анна", "Давид", "Армен", "Мария",
    "Lucie", "Jean", "Sarah", "Michael", "Emily", "نور", "هاكوب", "Gayane", "Arpi", "Levon",
)  # fmt: skip
FAMILY_NAMES = (
    "Պետրոսյան", "Հովհաննիսյան", "Սարգսյան", "Petrosyan", "Hovhannisyan", "Sargsyan",
    "Grigoryan", "Harutyunyan", "Khachatryan", "Karapetyan", "Аветисян", "Маргарян",
    "Kalousdian", "Der Bedrossian", "Martin", "Bernard", "Smith", "Johnson", "Brown", "",
)  # fmt: skip
PLACES = (
    ("AM", ("Yerevan", "Shirak", "Lori", "Kotayk", "Syunik", "Armavir"), 30),
    ("US", ("CA", "MA", "NY", "NJ", "MI", "RI"), 25),
    ("FR", ("Île-de-France", "Provence-Alpes-Côte d'Azur", "Auvergne-Rhône-Alpes"), 8),
    ("RU", ("Moscow", "Krasnodar Krai", "Rostov Oblast"), 7),
    ("CA", ("ON", "QC", "BC"), 5),
    ("LB", ("Beirut", "Mount Lebanon"), 4),
    ("GB", ("England", "Scotland"), 3),
    ("DE", ("Berlin", "Nordrhein-Westfalen"), 3),
    ("AR", ("Buenos Aires",), 2),
    ("IR", ("Tehran", "Isfahan"), 2),
    ("SY", ("Aleppo",), 1),
    ("GE", ("Tbilisi", "Samtskhe-Javakheti"), 2),
    ("AU", ("NSW", "VIC"), 2),
    ("", ("",), 6),
)
SOURCES = (("", 40), ("newsletter", 20), ("embed", 15), ("facebook", 10), ("x", 8), ("sms", 7))
COMMENTS = ("Free them now.", "Ազատություն բոլորին։", "For my grandparents.", "Свободу!", "")


def fake_signatures(
    count: int, *, seed: int = 0, days: float = 30, end: datetime | None = None
) -> Iterator[dict]:
    """``count`` distinct, plausible signers, signed in time order over the last ``days``."""
    rng = random.Random(seed)  # noqa: S311 - test data, not secrets
    end = end or utcnow()
    span = timedelta(days=days)
    start = end - span
    places = [(code, regions) for code, regions, _ in PLACES]
    place_weights = [weight for *_, weight in PLACES]
    sources = [s for s, _ in SOURCES]
    source_weights = [w for _, w in SOURCES]
    run = f"{seed:x}{rng.getrandbits(32):08x}"
    step = span / max(count, 1)
    for i in range(count):
        code, regions = rng.choices(places, place_weights)[0]
        yield {
            "given_name": rng.choice(GIVEN_NAMES),
            "family_name": rng.choice(FAMILY_NAMES),
            "email": f"signer-{run}-{i}@example.org",
            "postal_code": str(rng.randrange(1000, 99999)) if code else "",
            "country": code,
            "region": rng.choice(regions),
            "comment": rng.choice(COMMENTS) if rng.random() < 0.05 else "",
            "consent": rng.random() < 0.4,
            "source": rng.choices(sources, source_weights)[0],
            "referrer": "",
            "signed_at": start + step * i + timedelta(seconds=rng.random() * step.total_seconds()),
        }
