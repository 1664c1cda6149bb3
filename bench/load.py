"""Load with exactness, and the same load under faults: nothing acknowledged is lost.

    python bench/load.py [--actions 20000] [--clients 64] [--workers 4] [--faults]

One run, bounded in time (``--max-seconds``, default 1200): creates a throwaway PostgreSQL
database (server from BENCH_DATABASE_URL), migrates and seeds it, serves the app with
gunicorn (the project's gunicorn.conf.py, 4 workers, Prometheus multiprocess mode) with the
Redis rate limiter (limits raised so that nothing is refused), and drives it with
``--clients`` concurrent asyncio/httpx clients posting signatures on every petition and
sign-ups to the campaign; ``--repeat`` (20%) of the actions repeat an earlier person, on the
same target or another, sometimes with the email in capitals. Each client retries a 503 or a
broken connection with the same ``Idempotency-Key``, as a browser form would.

Afterwards it checks, from the database itself:

- every signature and sign-up that got a 2xx is a row, and no row exists that was never sent;
- every counter equals the rows it stands for (``flask tallies check``, the reconciliation);
- no 5xx other than 503, and every 503 was a problem document with ``Retry-After``;
- no request hung (each has a 30 s budget).

With ``--faults`` (or ``--faults kill,sigterm`` for some of them), during the load: a
gunicorn worker is SIGKILLed every ``--kill-every`` seconds; PostgreSQL is restarted at 25%
(``pg_ctlcluster ... restart``); Redis is shut down at 50% and started again three seconds
later; at 85% gunicorn gets SIGTERM, the requests in flight must finish, and a new gunicorn
takes over the port. PostgreSQL and Redis are running again when the script ends, whatever
happens. Both restarts disturb anything else using those servers on this machine for a few
seconds.
"""

import argparse
import asyncio
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pgbench_db import (  # noqa: E402
    BENCH_REDIS_DB,
    ROOT,
    database,
    free_port,
    redis_env,
    worker_pids,
)

# Set in main(): the bench's own redis-server on a free port unless --redis-port names one.
REDIS_PORT = 0
FAULTS = ("kill", "postgres", "redis", "sigterm")
RAISED_LIMIT = "100000000/minute"
REQUEST_TIMEOUT = 30.0
MAX_ATTEMPTS = 12
NAMES = [
    ("Անի", "Պետրոսյան"),
    ("Արամ", "Հովհաննիսյան"),
    ("Мария", "Иванова"),
    ("سارة", "حداد"),
    ("Lucine", "Dupont"),
    ("John", "Smith"),
]
COUNTRIES = [("AM", "Yerevan"), ("US", "CA"), ("FR", "IDF"), ("LB", "Beirut"), ("NL", "")]
SOURCES = ["", "newsletter", "partner-news", "widget"]


@dataclass
class Action:
    number: int
    kind: str  # "signature" or "signup"
    target: str  # petition or campaign slug
    person: int
    email: str
    key: str = field(default_factory=lambda: uuid.uuid4().hex)
    outcome: str = "unsent"  # acked, refused, unknown, unsent
    attempts: list = field(default_factory=list)


@dataclass
class Attempt:
    sent: float
    received: float
    status: int  # 0 when no HTTP answer came back
    error: str = ""
    retry_after: bool = False
    problem: bool = False
    request_id: str = ""


def plan(count: int, repeat: float, petitions: list[str], campaign: str, seed: int, run: str):
    """The actions, in order: new people, and ``repeat`` of them someone who came before."""
    rng = random.Random(seed)
    actions: list[Action] = []
    people = 0
    for number in range(count):
        kind = "signature" if rng.random() < 0.75 else "signup"
        target = rng.choice(petitions) if kind == "signature" else campaign
        if actions and rng.random() < repeat:
            earlier = rng.choice(actions)
            if rng.random() < 0.5:
                kind, target = earlier.kind, earlier.target  # the very same action again
            person = earlier.person
            email = earlier.email.upper() if rng.random() < 0.3 else earlier.email
        else:
            person = people
            people += 1
            email = f"p{person}-{run}@load.example.org"
        actions.append(Action(number, kind, target, person, email))
    return actions


def body(action: Action) -> dict:
    given, family = NAMES[action.person % len(NAMES)]
    country, region = COUNTRIES[action.person % len(COUNTRIES)]
    data = {
        "given_name": given,
        "family_name": family,
        "email": action.email,
        "postal_code": f"{action.person % 9000 + 1000}",
        "country": country,
        "region": region,
        "consent": action.person % 2 == 0,
        "source": SOURCES[action.person % len(SOURCES)],
    }
    if action.kind == "signature" and action.person % 5 == 0:
        data["comment"] = "Free them all. Ազատություն։"
    return data


def url(action: Action) -> str:
    if action.kind == "signature":
        return f"/api/v1/petitions/{action.target}/signatures"
    return f"/api/v1/campaigns/{action.target}/signups"


async def perform(client: httpx.AsyncClient, action: Action, deadline: float) -> None:
    for number in range(MAX_ATTEMPTS):
        sent = time.monotonic()
        # Each attempt has its own request id, so the server's log tells which ones it saw.
        rid = f"{action.key}-{number}"
        headers = {"Idempotency-Key": action.key, "X-Request-ID": rid}
        try:
            response = await client.post(url(action), json=body(action), headers=headers)
        except httpx.TimeoutException as error:
            error_name = "timeout:" + type(error).__name__
            action.attempts.append(Attempt(sent, time.monotonic(), 0, error_name, request_id=rid))
            action.outcome = "unknown"
            return  # a hang is a failure of the run; do not pile on
        except httpx.TransportError as error:
            action.attempts.append(
                Attempt(sent, time.monotonic(), 0, type(error).__name__, request_id=rid)
            )
            connected = not isinstance(error, httpx.ConnectError)
            # A refused connection never reached the app; a reset one may have committed.
            action.outcome = "unknown" if connected or action.outcome == "unknown" else "refused"
            if time.monotonic() > deadline:
                return
            await asyncio.sleep(0.25)
            continue
        attempt = Attempt(
            sent,
            time.monotonic(),
            response.status_code,
            retry_after="retry-after" in response.headers,
            problem=response.headers.get("content-type", "").startswith("application/problem+json"),
            request_id=rid,
        )
        action.attempts.append(attempt)
        if 200 <= response.status_code < 300:
            action.outcome = "acked"
            return
        if response.status_code == 503 and time.monotonic() < deadline:
            action.outcome = "unknown"
            await asyncio.sleep(0.5)
            continue
        action.outcome = "unknown" if action.outcome == "unknown" else "refused"
        return


async def drive(base: str, actions: list[Action], clients: int, deadline: float, progress):
    limits = httpx.Limits(max_connections=clients, max_keepalive_connections=clients)
    timeout = httpx.Timeout(REQUEST_TIMEOUT, connect=5.0)
    queue = iter(actions)
    done = 0

    async def client_loop(client: httpx.AsyncClient) -> None:
        nonlocal done
        for action in queue:
            if time.monotonic() > deadline:
                return
            await perform(client, action, deadline)
            done += 1
            progress(done)

    async with httpx.AsyncClient(base_url=base, limits=limits, timeout=timeout) as client:
        await asyncio.gather(*(client_loop(client) for _ in range(clients)))


class Server:
    """gunicorn on one port, restartable on the same port."""

    def __init__(self, env: dict, workers: int, log: Path):
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.env = {
            **env,
            "BIND": f"127.0.0.1:{self.port}",
            "WEB_CONCURRENCY": str(workers),
            "GUNICORN_THREADS": "1",  # sync workers, as RELIABILITY.md describes
        }
        self.log = log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        command = [sys.executable, "-m", "gunicorn", "--config", str(ROOT / "gunicorn.conf.py")]
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [*command, "wsgi:app"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            try:
                if httpx.get(self.base + "/healthz", timeout=2).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            if self.process.poll() is not None:
                break
            time.sleep(0.2)
        sys.exit("gunicorn did not start; see " + str(self.log))

    def workers(self) -> list[int]:
        try:
            return worker_pids(self.process)
        except (FileNotFoundError, ProcessLookupError):
            return []

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            os.killpg(self.process.pid, signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait()


def postgres_cluster() -> list[str]:
    version = sorted(os.listdir("/etc/postgresql"))[-1]
    return ["pg_ctlcluster", "--skip-systemctl-redirect", version, "main"]


def postgres_up() -> bool:
    return subprocess.run(["pg_isready", "-h", "127.0.0.1", "-q"], check=False).returncode == 0


def redis_up() -> bool:
    ping = ["redis-cli", "-p", str(REDIS_PORT), "ping"]
    return subprocess.run(ping, capture_output=True, check=False).stdout.strip() == b"PONG"


def start_redis() -> None:
    subprocess.run(
        ["redis-server", "--daemonize", "yes", "--bind", "127.0.0.1", "--port", str(REDIS_PORT)]
        + ["--save", "", "--appendonly", "no"],
        check=True,
        stdout=subprocess.DEVNULL,
    )


def ensure_services() -> None:
    """PostgreSQL and Redis run again, whatever happened: others on this machine use them."""
    if not postgres_up():
        subprocess.run([*postgres_cluster(), "start"], check=False)
    if not redis_up():
        start_redis()
    for _ in range(30):
        if postgres_up() and redis_up():
            return
        time.sleep(1)


class Faults:
    """The fault schedule, run beside the load; every event is timed."""

    def __init__(self, server: Server, total: int, kill_every: float):
        self.server = server
        self.total = total
        self.kill_every = kill_every
        self.events: list[tuple[str, float, float]] = []
        self.kills = 0
        self.done = 0
        self.stopping = False
        self.sigterm_at: float | None = None
        self.restarted_at: float | None = None

    def progress(self, done: int) -> None:
        self.done = done

    async def wait_for(self, fraction: float) -> None:
        while self.done < self.total * fraction and not self.stopping:
            await asyncio.sleep(0.1)

    async def killer(self) -> None:
        while not self.stopping:
            await asyncio.sleep(self.kill_every)
            if self.sigterm_at is not None and self.restarted_at is None:
                continue
            pids = self.server.workers()
            if pids:
                try:
                    os.kill(random.choice(pids), signal.SIGKILL)
                    self.kills += 1
                except ProcessLookupError:
                    pass

    async def postgres_restart(self) -> None:
        await self.wait_for(0.25)
        start = time.monotonic()
        await asyncio.to_thread(subprocess.run, [*postgres_cluster(), "restart"], check=True)
        self.events.append(("postgresql restart", start, time.monotonic()))

    async def redis_outage(self) -> None:
        await self.wait_for(0.50)
        start = time.monotonic()
        try:
            await asyncio.to_thread(
                subprocess.run,
                ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"],
                capture_output=True,
                check=False,
            )
            await asyncio.sleep(3)
        finally:
            await asyncio.to_thread(start_redis)
        self.events.append(("redis down", start, time.monotonic()))

    async def graceful_stop(self) -> None:
        await self.wait_for(0.85)
        if self.stopping:
            return
        self.sigterm_at = time.monotonic()
        await asyncio.to_thread(self.server.stop)
        stopped = time.monotonic()
        self.events.append(("gunicorn SIGTERM until exit", self.sigterm_at, stopped))
        await asyncio.to_thread(self.server.start)
        self.restarted_at = time.monotonic()
        self.events.append(("gunicorn down (new master starting)", stopped, self.restarted_at))


def database_rows(env: dict) -> tuple[set, set]:
    engine = sa.create_engine(env["DATABASE_URL"].replace("postgresql://", "postgresql+psycopg://"))
    with engine.connect() as conn:
        signatures = conn.execute(
            sa.text(
                "SELECT p.slug, pe.email_canonical FROM signatures s "
                "JOIN petitions p ON p.id = s.petition_id JOIN people pe ON pe.id = s.person_id"
            )
        ).all()
        signups = conn.execute(
            sa.text(
                "SELECT c.slug, pe.email_canonical FROM signups s "
                "JOIN campaigns c ON c.id = s.campaign_id JOIN people pe ON pe.id = s.person_id"
            )
        ).all()
    engine.dispose()
    return {("signature", *row) for row in signatures}, {("signup", *row) for row in signups}


def reconcile(env: dict) -> tuple[bool, str]:
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "tallies", "check"],
        cwd=ROOT,
        env={**env, "LOG_LEVEL": "WARNING"},
        capture_output=True,
        text=True,
        check=False,
    )
    return result.returncode == 0, (result.stdout + result.stderr).strip().splitlines()[-1]


def window(attempts: list[Attempt], name: str, t0: float, t1: float) -> dict:
    """The answers clients received from a fault's start until a second after it ended, and
    how long after its end the first acknowledgement arrived."""
    during: dict[str, int] = {}
    for a in attempts:
        if t0 <= a.received <= t1 + 1:
            label = str(a.status) if a.status else a.error
            during[label] = during.get(label, 0) + 1
    after = [a.received for a in attempts if a.received >= t1 and 200 <= a.status < 300]
    recovered = round(min(after) - t1, 2) if after else None
    return {"event": name, "answers": dict(sorted(during.items())), "first_2xx_after_s": recovered}


def limiter_keys() -> int:
    """Rate-limit keys in Redis: after a restart without data, proof the limiter went back."""
    scan = ["redis-cli", "-p", str(REDIS_PORT), "-n", str(BENCH_REDIS_DB)]
    scan += ["--scan", "--pattern", "*LIMITER/*"]
    out = subprocess.run(scan, capture_output=True, text=True, check=False).stdout
    return len(out.split())


def app_errors(log: Path) -> list[str]:
    """The messages of the ERROR lines the app logged.

    Flask logs every exception a view raises at ERROR before the problem handler turns a
    lost database connection into a 503, so these are expected while PostgreSQL is down;
    a 500 would show up in the statuses.
    """
    messages = []
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"level": "ERROR"' in line:
            try:
                messages.append(json.loads(line)["message"])
            except (ValueError, KeyError):
                messages.append(line[:200])
    return messages


def answered_by_server(log: Path) -> set[str]:
    """The request ids of every request the app logged an answer to (JSON access log)."""
    seen = set()
    for line in log.read_text(errors="replace").splitlines():
        if line.startswith("{") and '"campaign.access"' in line:
            try:
                seen.add(json.loads(line)["request_id"])
            except (ValueError, KeyError):
                continue
    return seen


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def report(
    actions: list[Action], elapsed: float, env: dict, log: Path, faults: Faults | None
) -> dict:
    attempts = [a for action in actions for a in action.attempts]
    statuses: dict[str, int] = {}
    for a in attempts:
        label = str(a.status) if a.status else a.error
        statuses[label] = statuses.get(label, 0) + 1
    acked_latency = [a.received - a.sent for a in attempts if 200 <= a.status < 300]
    key = lambda action: (action.kind, action.target, action.email.lower())  # noqa: E731
    acked = {key(a) for a in actions if a.outcome == "acked"}
    sent = {key(a) for a in actions if a.attempts and a.outcome != "refused"}
    signatures, signups = database_rows(env)
    rows = signatures | signups
    counters_exact, reconcile_line = reconcile(env)
    server_errors = [a for a in attempts if a.status >= 500 and a.status != 503]
    bad_503 = [a for a in attempts if a.status == 503 and not (a.retry_after and a.problem)]
    hangs = [a for a in attempts if a.error.startswith("timeout")]
    errors_logged = app_errors(log)
    result = {
        "actions": len(actions),
        "requests": len(attempts),
        "seconds": round(elapsed, 1),
        "requests_per_second": round(len(attempts) / elapsed, 1),
        "acknowledged_per_second": round(len(acked_latency) / elapsed, 1),
        "p50_ms": round(percentile(acked_latency, 0.50) * 1000, 1),
        "p99_ms": round(percentile(acked_latency, 0.99) * 1000, 1),
        "statuses": dict(sorted(statuses.items())),
        "outcomes": {
            o: sum(a.outcome == o for a in actions)
            for o in ("acked", "unknown", "refused", "unsent")
        },
        "distinct_acknowledged": len(acked),
        "signature_rows": len(signatures),
        "signup_rows": len(signups),
        "acknowledged_missing_from_db": len(acked - rows),
        "rows_never_sent": len(rows - sent),
        "counters_exact": counters_exact,
        "reconciliation": reconcile_line,
        "server_errors_not_503": len(server_errors),
        "503_without_retry_after_or_problem": len(bad_503),
        "hangs": len(hangs),
        "app_error_log_lines": len(errors_logged),
        "app_error_messages": sorted(set(errors_logged))[:5],
        "limiter_keys_in_redis_at_end": limiter_keys(),
    }
    if faults is not None:
        start = min(a.sent for a in attempts)
        result["faults"] = {
            "workers_sigkilled": faults.kills,
            "events": [
                {"event": name, "at_s": round(t0 - start, 1), "lasted_s": round(t1 - t0, 1)}
                for name, t0, t1 in faults.events
            ],
        }
        if faults.sigterm_at is not None:
            in_flight = [a for a in attempts if a.sent < faults.sigterm_at < a.received]
            result["faults"]["in_flight_at_sigterm"] = len(in_flight)
            result["faults"]["in_flight_answered_2xx"] = sum(
                200 <= a.status < 300 for a in in_flight
            )
            unanswered = [a for a in in_flight if a.status == 0]
            seen = answered_by_server(log)
            # Unanswered but logged by the app: it answered and the answer was lost. Unanswered
            # and never logged: the connection sat in the listen backlog and was reset.
            result["faults"]["in_flight_answered_by_app_but_lost"] = sum(
                a.request_id in seen for a in unanswered
            )
            result["faults"]["in_flight_queued_in_backlog_and_reset"] = sum(
                a.request_id not in seen for a in unanswered
            )
        result["faults"]["windows"] = [window(attempts, *event) for event in faults.events]
        result["faults"]["503_answers"] = statuses.get("503", 0)
        unavailable = [a.received - start for a in attempts if a.status == 503]
        if unavailable:
            result["faults"]["503_received_between_s"] = [
                round(min(unavailable), 1),
                round(max(unavailable), 1),
            ]
        result["faults"]["connection_errors"] = sum(
            v for k, v in statuses.items() if not k.isdigit()
        )
    lost_answers = (faults and result["faults"].get("in_flight_answered_by_app_but_lost")) or 0
    result["passed"] = (
        not lost_answers
        and result["acknowledged_missing_from_db"] == 0
        and result["rows_never_sent"] == 0
        and counters_exact
        and not server_errors
        and not bad_503
        and not hangs
        and result["outcomes"]["unsent"] == 0
    )
    return result


def scrape(base: str) -> dict:
    try:
        text = httpx.get(base + "/metrics", timeout=10).text
    except httpx.HTTPError:
        return {}
    totals: dict[str, float] = {}
    for line in text.splitlines():
        for name in ("campaign_http_requests_total", "campaign_signatures_counted"):
            if line.startswith(name + "{"):
                totals[name] = totals.get(name, 0) + float(line.rsplit(" ", 1)[1])
    return totals


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--actions", type=int, default=20000)
    parser.add_argument("--clients", type=int, default=64)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--repeat", type=float, default=0.2)
    parser.add_argument(
        "--faults",
        nargs="?",
        const=",".join(FAULTS),
        default="",
        help=f"comma-separated, any of {','.join(FAULTS)}; all of them when given alone",
    )
    parser.add_argument("--kill-every", type=float, default=3.0)
    parser.add_argument("--max-seconds", type=float, default=1200)
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    parser.add_argument(
        "--redis-port",
        type=int,
        default=0,
        help="use (and, with --faults, restart) the Redis on this port; default: start one",
    )
    args = parser.parse_args()

    chosen = [f for f in args.faults.split(",") if f]
    if set(chosen) - set(FAULTS):
        sys.exit(f"--faults takes {','.join(FAULTS)}")
    if {"postgres", "redis"} & set(chosen) and os.geteuid() != 0:
        sys.exit("--faults restarts PostgreSQL and Redis: run as root (pg_ctlcluster)")
    global REDIS_PORT
    own_redis = not args.redis_port
    REDIS_PORT = args.redis_port or free_port()
    if own_redis:
        start_redis()
    ensure_services()
    run = uuid.uuid4().hex[:8]
    try:
        with tempfile.TemporaryDirectory() as tmp, database("load") as env:
            metrics_dir = Path(tmp) / "metrics"
            metrics_dir.mkdir()
            env = {
                **env,
                **redis_env(f"redis://127.0.0.1:{REDIS_PORT}/{BENCH_REDIS_DB}"),
                "SIGNATURE_RATE_LIMIT": RAISED_LIMIT,
                "SIGNUP_RATE_LIMIT": RAISED_LIMIT,
                "WIDGET_RATE_LIMIT": RAISED_LIMIT,
                "METRICS_ENABLED": "true",
                "PROMETHEUS_MULTIPROC_DIR": str(metrics_dir),
                "INSTANCE_PATH": str(Path(tmp) / "instance"),
                "LOG_LEVEL": "INFO",
                "LOG_FORMAT": "json",
            }
            server = Server(env, args.workers, Path(tmp) / "gunicorn.log")
            server.start()
            try:
                campaigns = httpx.get(server.base + "/api/v1/campaigns", timeout=10).json()["data"]
                campaign = campaigns[0]["slug"]
                petitions = [p["slug"] for c in campaigns for p in c["petitions"]]
                actions = plan(args.actions, args.repeat, petitions, campaign, args.seed, run)
                faults = Faults(server, len(actions), args.kill_every) if chosen else None
                print(
                    f"{len(actions)} actions on {len(petitions)} petitions and 1 campaign, "
                    f"{args.clients} clients, {args.workers} workers"
                    + (f", faults: {','.join(chosen)}" if faults else ""),
                    flush=True,
                )
                started = time.monotonic()
                deadline = started + args.max_seconds

                async def run_all() -> None:
                    progress = faults.progress if faults else (lambda done: None)
                    load = asyncio.create_task(
                        drive(server.base, actions, args.clients, deadline, progress)
                    )
                    tasks = []
                    if faults:
                        schedule = {
                            "kill": faults.killer,
                            "postgres": faults.postgres_restart,
                            "redis": faults.redis_outage,
                            "sigterm": faults.graceful_stop,
                        }
                        tasks = [asyncio.create_task(schedule[name]()) for name in chosen]
                    await load
                    if faults:
                        faults.stopping = True
                        await asyncio.gather(*tasks)

                asyncio.run(run_all())
                elapsed = time.monotonic() - started
                metrics = scrape(server.base)
            finally:
                server.stop()
            result = report(actions, elapsed, env, server.log, faults)
            result["metrics_scrape"] = metrics
    finally:
        ensure_services()
        if own_redis:
            subprocess.run(
                ["redis-cli", "-p", str(REDIS_PORT), "shutdown", "nosave"],
                capture_output=True,
                check=False,
            )
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    sys.exit(0 if result["passed"] else 1)


if __name__ == "__main__":
    main()
