"""The public writes on SQLite: the steps of ``write_statements`` as a few statements.

SQLite has no data-modifying CTEs, so each step is its own statement; SQLite serialises
writers, so no step needs a row lock. A repeat signer runs the very same statements as a new
one: the steps that only a new action changes anything in (membership, counters) carry a
flag as a bound parameter and insert nothing when it is false.
"""

from types import SimpleNamespace

from sqlalchemy import bindparam, select, text

from campaign.models import Campaign, Petition, Signature, Signup
from campaign.models.base import db
from campaign.models.content import petition_demands
from campaign.services import counters, counting, dialect, people

ACTION_COLUMNS = ("source", "referrer", "ip_hash")

_MEMBER = text(
    "INSERT INTO campaign_people (campaign_id, person_id, created_at) "
    "SELECT :campaign_id, :person_id, :now WHERE :wanted "
    "ON CONFLICT (campaign_id, person_id) DO NOTHING RETURNING person_id"
).bindparams(bindparam("now", type_=Signature.__table__.c.created_at.type))


def _member(campaign_id: int, person_id: int, wanted: bool, now) -> bool:
    """Record membership when ``wanted``; True when the person is new to the campaign."""
    params = {"campaign_id": campaign_id, "person_id": person_id, "wanted": wanted, "now": now}
    return db.session.execute(_MEMBER, params).first() is not None


_COUNT_HEAD = (
    "INSERT INTO counters (subject, dimension, key, shard, count, updated_at) "
    "SELECT column1, column2, column3, 0, 1, :now FROM (VALUES "
)
_COUNT_TAIL = (
    ") WHERE column4 ON CONFLICT (subject, dimension, key, shard) "
    "DO UPDATE SET count = count + excluded.count, updated_at = excluded.updated_at"
)


def _count(keys: list[tuple[str, str, str]], flags: list[bool], now) -> None:
    """+1 on each key whose flag is true, in one statement whatever the flags."""
    selects, params = [], {"now": now}
    for n, ((subject, dimension, key), flag) in enumerate(zip(keys, flags, strict=True)):
        selects.append(f"SELECT :s{n}, :d{n}, :k{n}, :f{n}")
        params.update({f"s{n}": subject, f"d{n}": dimension, f"k{n}": key, f"f{n}": flag})
    rows = ", ".join(f"(:s{n}, :d{n}, :k{n}, :f{n})" for n in range(len(keys)))
    statement = text(_COUNT_HEAD + rows + _COUNT_TAIL).bindparams(
        bindparam("now", type_=Signature.__table__.c.created_at.type)
    )
    db.session.execute(statement, params)


def sign(slug: str, values: dict) -> tuple | None:
    """Sign; the fields of ``signing.Written``, or None when the petition takes none."""
    gate = db.session.execute(
        select(Petition.id, Petition.campaign_id, Petition.goal, Petition.requires_confirmation)
        .join(Campaign, Campaign.id == Petition.campaign_id)
        .where(Petition.slug == slug, Petition.status == "active", Campaign.status == "active")
    ).first()
    if gate is None:
        return None
    petition_id, campaign_id, goal, pending = gate
    person_id = people.insert_or_find(values)
    earlier = db.session.scalar(
        select(Signature.status).where(
            Signature.petition_id == petition_id, Signature.person_id == person_id
        )
    )
    count_before = counters.total(counters.petition_subject(petition_id))
    now = values["now"]
    inserted = db.session.execute(
        dialect.insert(Signature)
        .values(
            petition_id=petition_id,
            person_id=person_id,
            status=counting.PENDING if pending else counting.COUNTED,
            comment=values["comment"],
            created_at=now,
            counted_at=None if pending else now,
            **{c: values[c] for c in people.PERSON_FIELDS + ACTION_COLUMNS},
        )
        .on_conflict_do_nothing(index_elements=["petition_id", "person_id"])
        .returning(Signature.id)
    ).scalar()
    demands = db.session.scalars(
        select(petition_demands.c.demand_id).where(petition_demands.c.petition_id == petition_id)
    )
    petition = SimpleNamespace(
        id=petition_id, campaign_id=campaign_id, demands=[SimpleNamespace(id=d) for d in demands]
    )
    counted = inserted is not None and not pending
    joined = _member(campaign_id, person_id, counted, now)
    signature = SimpleNamespace(
        country=values["country"], region=values["region"], source=values["source"], counted_at=now
    )
    keys = counting.signature_keys(petition, signature)
    _count([*keys, counting.people_key(campaign_id)], [counted] * len(keys) + [joined], now)
    return petition_id, campaign_id, goal, pending, person_id, inserted, earlier, count_before


def join(slug: str, values: dict) -> tuple[int, int, int | None] | None:
    """Join; (campaign id, person id, new sign-up id or None), or None when closed."""
    campaign_id = db.session.scalar(
        select(Campaign.id).where(Campaign.slug == slug, Campaign.status == "active")
    )
    if campaign_id is None:
        return None
    person_id = people.insert_or_find(values)
    now = values["now"]
    signup_id = db.session.execute(
        dialect.insert(Signup)
        .values(
            campaign_id=campaign_id,
            person_id=person_id,
            created_at=now,
            **{c: values[c] for c in people.PERSON_FIELDS + ACTION_COLUMNS},
        )
        .on_conflict_do_nothing(index_elements=["campaign_id", "person_id"])
        .returning(Signup.id)
    ).scalar()
    joined = _member(campaign_id, person_id, signup_id is not None, now)
    _count(
        [counting.signups_key(campaign_id), counting.people_key(campaign_id)],
        [signup_id is not None, joined],
        now,
    )
    return campaign_id, person_id, signup_id
