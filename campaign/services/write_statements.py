"""The public writes on PostgreSQL: one statement (data-modifying CTEs) per signature or sign-up.

Each statement checks that the petition or campaign is open, inserts the person or finds them
by canonical email without changing them, inserts the action with what was typed, records
campaign membership and adds +1 to every counter the action stands in (one shard, rows in
byte order: the same lock order as ``counters``). New and repeat signers run this same
statement; a repeat one inserts nothing, and its earlier signature comes back through the
conflict (a no-op update, as for the person) rather than from a second look-up, which the
planner could turn into a scan of every signature on the petition; the price is one row
version (and its WAL) per repeat, which vacuum reclaims. Run alone (``:alone``,
in autocommit: the statement is its own transaction), a signature on a petition that needs
confirmation does nothing and says so, and the caller writes it in a transaction with its
confirmation email.
The texts are fixed, so SQLAlchemy compiles each once and psycopg prepares it on the
server after a few uses.

Details a writer needs (the petition's goal and confirmation setting, the signer's earlier
status, the count before this write) come back in the statement's one result row.
"""

from sqlalchemy import text

from campaign.services import counting

# The counter dimensions and the status the counter rows below are spelled with: the same
# keys as ``counting.signature_keys`` and the sign-up's, so a row is counted in and taken
# out under one name.
_NAMES = {
    "total": counting.TOTAL,
    "signatures": counting.SIGNATURES,
    "signups": counting.SIGNUPS,
    "people": counting.PEOPLE,
    "hour": "hour",
    "country": "country",
    "region": "region",
    "source": "source",
    "counted": counting.COUNTED,
}

# The person: inserted as typed, or found. The no-op update takes the row lock and makes
# RETURNING give the id of an existing person, whose stored details stay as they are.
_PERSON = """
person AS (
  INSERT INTO people (email, email_canonical, given_name, family_name, postal_code, country,
                      region, consent, created_at, updated_at)
  SELECT :email, :email_canonical, :given_name, :family_name, :postal_code, :country, :region,
         CAST(:consent AS boolean), CAST(:now AS timestamptz), CAST(:now AS timestamptz)
  FROM gate WHERE NOT (gate.pending AND CAST(:alone AS boolean))
  ON CONFLICT (email_canonical) DO UPDATE SET email_canonical = people.email_canonical
  RETURNING id
)"""

# Membership: the no-op update locks an existing row (an invalidation removing the person
# from the campaign waits for us, or we insert again after it); xmax = 0 marks a fresh row.
_MEMBER = """
member AS (
  INSERT INTO campaign_people (campaign_id, person_id, created_at)
  SELECT gate.campaign_id, {source}.person_id, CAST(:now AS timestamptz) FROM gate, {source}
  {where}
  ON CONFLICT (campaign_id, person_id)
  DO UPDATE SET created_at = campaign_people.created_at
  RETURNING (xmax = 0) AS inserted
)"""

_COUNTERS = """
counted AS (
  INSERT INTO counters (subject, dimension, key, shard, count, updated_at)
  SELECT d.subject, d.dimension, d.key, :shard, 1, CAST(:now AS timestamptz)
  FROM ({rows}) AS d(subject, dimension, key)
  ORDER BY d.subject COLLATE "C", d.dimension COLLATE "C", d.key COLLATE "C"
  ON CONFLICT (subject, dimension, key, shard)
  DO UPDATE SET count = counters.count + excluded.count, updated_at = excluded.updated_at
  RETURNING 1
)"""

_SIGNATURE_COUNTER_ROWS = """
  SELECT 'petition:' || g.id, '{total}', '' FROM gate g, sig WHERE sig.status = '{counted}'
  UNION ALL SELECT 'campaign:' || g.campaign_id, '{signatures}', '' FROM gate g, sig
    WHERE sig.status = '{counted}'
  UNION ALL SELECT 'campaign:' || g.campaign_id, '{hour}', CAST(:hour AS varchar) FROM gate g, sig
    WHERE sig.status = '{counted}'
  UNION ALL SELECT 'demand:' || pd.demand_id, '{total}', '' FROM gate g, sig, petition_demands pd
    WHERE sig.status = '{counted}' AND pd.petition_id = g.id
  UNION ALL SELECT 'campaign:' || g.campaign_id, '{country}', CAST(:country AS varchar)
    FROM gate g, sig WHERE sig.status = '{counted}' AND CAST(:country AS varchar) <> ''
  UNION ALL SELECT 'campaign:' || g.campaign_id, '{region}', CAST(:region AS varchar)
    FROM gate g, sig WHERE sig.status = '{counted}' AND CAST(:region AS varchar) <> ''
  UNION ALL SELECT 'campaign:' || g.campaign_id, '{source}', CAST(:source AS varchar)
    FROM gate g, sig WHERE sig.status = '{counted}' AND CAST(:source AS varchar) <> ''
  UNION ALL SELECT 'campaign:' || g.campaign_id, '{people}', '' FROM gate g, member
    WHERE member.inserted""".format(**_NAMES)  # noqa: S608 - fixed names, no input


def _statement(*parts: str):
    """``WITH part, part, ... final``: the last part is the final SELECT."""
    *ctes, final = parts
    return text("WITH " + ",".join(ctes) + final)


SIGN = _statement(
    """
gate AS (
  SELECT p.id, p.campaign_id, p.goal, p.requires_confirmation AS pending
  FROM petitions p JOIN campaigns c ON c.id = p.campaign_id
  WHERE p.slug = :slug AND p.status = 'active' AND c.status = 'active'
)""",
    _PERSON,
    """
signed AS (
  INSERT INTO signatures (petition_id, person_id, status, given_name, family_name, postal_code,
                          consent, country, region, comment, source, referrer, ip_hash,
                          created_at, counted_at)
  SELECT gate.id, person.id, CASE WHEN gate.pending THEN 'pending' ELSE 'counted' END,
         :given_name, :family_name, :postal_code, CAST(:consent AS boolean), :country, :region,
         :comment, :source, :referrer, :ip_hash, CAST(:now AS timestamptz),
         CASE WHEN gate.pending THEN NULL ELSE CAST(:now AS timestamptz) END
  FROM gate, person
  ON CONFLICT (petition_id, person_id) DO UPDATE SET status = signatures.status
  RETURNING id, person_id, status, (xmax = 0) AS inserted
)""",
    """
sig AS (SELECT id, person_id, status FROM signed WHERE inserted)""",
    _MEMBER.format(source="sig", where="WHERE sig.status = 'counted'"),
    _COUNTERS.format(rows=_SIGNATURE_COUNTER_ROWS),
    """
SELECT gate.id, gate.campaign_id, gate.goal, gate.pending,
       (SELECT id FROM person) AS person_id,
       (SELECT id FROM sig) AS signature_id,
       (SELECT status FROM signed WHERE NOT inserted) AS earlier_status,
       (SELECT coalesce(sum(c.count), 0) FROM counters c
         WHERE c.subject = 'petition:' || gate.id AND c.dimension = 'total' AND c.key = '')
         AS count_before
FROM gate""",
)

_SIGNUP_COUNTER_ROWS = """
  SELECT 'campaign:' || g.campaign_id, '{signups}', '' FROM gate g, joined
  UNION ALL SELECT 'campaign:' || g.campaign_id, '{people}', '' FROM gate g, member
    WHERE member.inserted""".format(**_NAMES)  # noqa: S608 - fixed names, no input

JOIN = _statement(
    """
gate AS (
  SELECT c.id AS campaign_id, false AS pending
  FROM campaigns c WHERE c.slug = :slug AND c.status = 'active'
)""",
    _PERSON,
    """
joined AS (
  INSERT INTO signups (campaign_id, person_id, given_name, family_name, postal_code, country,
                       region, consent, source, referrer, ip_hash, created_at)
  SELECT gate.campaign_id, person.id, :given_name, :family_name, :postal_code, :country,
         :region, CAST(:consent AS boolean), :source, :referrer, :ip_hash,
         CAST(:now AS timestamptz)
  FROM gate, person
  ON CONFLICT (campaign_id, person_id) DO NOTHING
  RETURNING id, person_id
)""",
    _MEMBER.format(source="joined", where=""),
    _COUNTERS.format(rows=_SIGNUP_COUNTER_ROWS),
    """
SELECT gate.campaign_id, (SELECT id FROM person) AS person_id,
       (SELECT id FROM joined) AS signup_id
FROM gate""",
)
