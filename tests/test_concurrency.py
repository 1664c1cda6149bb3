"""Many worker processes signing at once: one row per person, exact counts, shared limits."""

import pytest

from campaign.models import CampaignPerson, IdempotencyKey, Person, Signature
from tests.conftest import ON_REDIS, base_config
from tests.processes import run_workers
from tests.support import count

PETITION = "release-the-prisoners"
URL = f"/api/v1/petitions/{PETITION}/signatures"
PROCESSES = 4


@pytest.fixture
def seeded(make_app):
    """The seeded app this test's worker processes share a database with."""
    return make_app()


def test_the_same_person_from_many_processes_is_one_row_counted_once(seeded, database_url):
    spellings = ["Sona@example.org", "sona@EXAMPLE.org", "sona@example.org", "SONA@example.org"]
    requests = [
        [({"given_name": f"Sona {n}", "email": spellings[n]}, {}) for _ in range(3)]
        for n in range(PROCESSES)
    ]
    answers = run_workers(base_config(database_url), URL, requests)
    assert len(answers) == 3 * PROCESSES
    assert {status for status, _ in answers} == {201}
    assert {tuple(sorted(body.items())) for _, body in answers} == {
        (("goal", 10000), ("petition", PETITION))
    }
    assert count(seeded, Person) == 1
    assert count(seeded, Signature) == 1
    assert count(seeded, CampaignPerson) == 1
    petition = seeded.test_client().get(f"/api/v1/petitions/{PETITION}").get_json()
    assert petition["signature_count"] == 1


def test_many_different_people_at_once_are_all_counted_exactly(seeded, database_url):
    requests = [
        [({"given_name": "Gor", "email": f"gor{n}.{i}@example.org"}, {}) for i in range(5)]
        for n in range(PROCESSES)
    ]
    answers = run_workers(base_config(database_url), URL, requests)
    assert [status for status, _ in answers] == [201] * 5 * PROCESSES
    assert count(seeded, Signature) == 5 * PROCESSES
    petition = seeded.test_client().get(f"/api/v1/petitions/{PETITION}").get_json()
    assert petition["signature_count"] == 5 * PROCESSES


def test_one_idempotency_key_from_many_processes_acts_once(seeded, database_url):
    body = {"given_name": "Hayk", "email": "hayk@example.org"}
    requests = [[(body, {"Idempotency-Key": "retry-storm"})] * 2 for _ in range(PROCESSES)]
    answers = run_workers(base_config(database_url), URL, requests)
    assert {status for status, _ in answers} == {201}
    assert {tuple(sorted(b.items())) for _, b in answers} == {
        (("goal", 10000), ("petition", PETITION))
    }
    assert count(seeded, Signature) == 1
    assert count(seeded, IdempotencyKey) == 1


@pytest.mark.skipif(not ON_REDIS, reason="needs RATELIMIT_STORAGE_URI naming Redis")
def test_a_rate_limit_is_shared_by_worker_processes_through_redis(seeded, database_url):
    allowed = 5
    config = base_config(database_url, SIGNATURE_RATE_LIMIT=f"{allowed}/hour")
    requests = [
        [({"given_name": "Ani", "email": f"ani{n}.{i}@example.org"}, {}) for i in range(4)]
        for n in range(PROCESSES)
    ]
    answers = run_workers(config, URL, requests)
    statuses = sorted(status for status, _ in answers)
    assert statuses == [201] * allowed + [429] * (4 * PROCESSES - allowed)
    assert count(seeded, Signature) == allowed
