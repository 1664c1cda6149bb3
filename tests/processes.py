"""Several worker processes posting at once, as gunicorn runs them, on this test's database.

Each process builds its own app (its own engine and connection pool) like a gunicorn worker,
waits at a barrier so that all post at the same moment, and reports what it got back.
"""

import multiprocessing

from campaign import create_app
from campaign.models.base import db

TIMEOUT = 90
CLIENT_ADDRESS = "198.51.100.9"

context = multiprocessing.get_context("fork")


def _worker(config, url, requests, barrier, results):
    app = create_app(config)
    client = app.test_client()
    try:
        barrier.wait(timeout=TIMEOUT)
        answers = []
        for body, headers in requests:
            response = client.post(
                url, json=body, headers=headers, environ_base={"REMOTE_ADDR": CLIENT_ADDRESS}
            )
            answers.append((response.status_code, response.get_json()))
        results.put(answers)
    finally:
        with app.app_context():
            db.engine.dispose()


def run_workers(config: dict, url: str, requests_per_worker: list[list]) -> list[tuple[int, dict]]:
    """Post each worker's ``(body, headers)`` list to ``url``; every (status, body) answered."""
    barrier = context.Barrier(len(requests_per_worker))
    results = context.Queue()
    workers = [
        context.Process(target=_worker, args=(config, url, requests, barrier, results))
        for requests in requests_per_worker
    ]
    for worker in workers:
        worker.start()
    try:
        answers = [a for _ in workers for a in results.get(timeout=TIMEOUT)]
    finally:
        for worker in workers:
            worker.join(timeout=10)
            if worker.is_alive():
                worker.terminate()
    assert all(worker.exitcode == 0 for worker in workers)
    return answers
