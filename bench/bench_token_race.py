#!/usr/bin/env python3
"""Rotating refresh tokens under a multi-worker Odoo server, end to end.

    python3 bench/bench_token_race.py [--workers 3] [--clients 8] [--seconds 30] [--lifetime 2]

Starts a fake Loket over HTTP on a loopback port (access tokens living
``--lifetime`` seconds, refresh tokens rotating and refused once spent, as Loket
does), an Odoo server with ``--workers`` worker processes on another loopback
port, and ``--clients`` browser-like sessions that press "Test connection" on the
same integration as fast as they can for ``--seconds``. Prints the counts and
exits 1 when Loket ever saw a spent refresh token (``invalid_grant``) or the
integration did not stay connected. Needs Odoo 18 and PostgreSQL (as `make test`).
"""

import argparse
import os
import socket
import subprocess
import sys
import threading
import time
from collections import Counter

import requests

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from common import ROOT, configure_odoo, odoo_env, throwaway_database
from run_tests import addons_path, pg_args


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def connect_integration(db, server):
    """Set up one connected integration against the HTTP fake (as the OAuth callback would)."""
    fake = server.fake
    with odoo_env(db) as env:
        params = env["ir.config_parameter"].sudo()
        params.set_param("loket_integration.client_id", fake.client_id)
        params.set_param("loket_integration.client_secret", fake.client_secret)
        integration = env["loket.integration"].create(
            {"name": "Race", "environment": "custom", "api_url": fake.environment.api_url,
             "oauth_url": fake.environment.oauth_url}
        )  # fmt: skip
        env.cr.commit()
        integration._loket_exchange_code(fake.issue_code(integration._loket_redirect_uri()))
        env.cr.commit()
        return integration.id


def start_odoo(db, port, workers, log_path):
    cmd = [sys.executable, os.path.join(ROOT, "bench", "odoo_server.py"), *pg_args(),
           "--addons-path", addons_path(), "-d", db, "--db-filter", f"^{db}$",
           "--workers", str(workers), "--max-cron-threads", "0",
           "--http-interface", "127.0.0.1", "--http-port", str(port), "--gevent-port", str(free_port()),
           "--logfile", log_path, "--log-level", "info"]  # fmt: skip
    process = subprocess.Popen(cmd, cwd=ROOT)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if requests.get(f"http://127.0.0.1:{port}/web/login", timeout=5).status_code == 200:
                return process
        except requests.RequestException:
            pass
        time.sleep(0.5)
    process.terminate()
    raise SystemExit(f"Odoo did not start within 120 s (log: {log_path})")


def client_loop(base, db, integration_id, until, counts, errors):
    session = requests.Session()
    auth = session.post(
        f"{base}/web/session/authenticate",
        json={"jsonrpc": "2.0", "params": {"db": db, "login": "admin", "password": "admin"}},
        timeout=30,
    )
    auth.raise_for_status()
    payload = {
        "jsonrpc": "2.0",
        "method": "call",
        "params": {"model": "loket.integration", "method": "action_test_connection", "args": [[integration_id]],
                   "kwargs": {}},
    }  # fmt: skip
    while time.monotonic() < until:
        try:
            body = session.post(f"{base}/web/dataset/call_kw", json=payload, timeout=60).json()
        except requests.RequestException as exc:
            counts["transport error"] += 1
            errors.append(str(exc))
            continue
        if "error" in body:
            counts["error"] += 1
            errors.append(body["error"].get("data", {}).get("message") or str(body["error"]))
        else:
            counts["ok"] += 1


def main():
    configure_odoo()  # the addon of this working copy, not of an editable install elsewhere
    from odoo.addons.loket_integration.loket.testing import FakeLoketServer

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--lifetime", type=float, default=2, help="access token lifetime in seconds")
    args = parser.parse_args()

    with throwaway_database("loket_bench_race") as db, FakeLoketServer(n_employees=3) as server:
        fake = server.fake
        integration_id = connect_integration(db, server)
        fake.access_token_lifetime = args.lifetime
        fake.expire_access_tokens()
        port = free_port()
        log_path = os.path.join(ROOT, "bench", "bench_token_race.out")
        odoo = start_odoo(db, port, args.workers, log_path)
        try:
            counts, errors = Counter(), []
            until = time.monotonic() + args.seconds
            threads = [
                threading.Thread(
                    target=client_loop, args=(f"http://127.0.0.1:{port}", db, integration_id, until, counts, errors)
                )
                for _ in range(args.clients)
            ]
            grants_before = Counter(fake.token_requests)
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
        finally:
            odoo.terminate()
            odoo.wait(30)
        import odoo

        with odoo.modules.registry.Registry(db).cursor() as cr:  # config parsed once, by connect_integration
            cr.execute("SELECT state FROM loket_integration WHERE id = %s", [integration_id])
            state = cr.fetchone()[0]
            cr.execute("SELECT count(*) FROM mail_activity WHERE res_model = 'loket.integration'")
            activities = cr.fetchone()[0]

    grants = Counter(fake.token_requests) - grants_before
    spent = fake.spent_refresh_tokens
    print(f"# {args.workers} Odoo workers, {args.clients} clients, {args.seconds:.0f} s, access tokens of "
          f"{args.lifetime:g} s")  # fmt: skip
    print(f"Test connection calls      ok={counts['ok']}  error={counts['error']}  "
          f"transport_error={counts['transport error']}")  # fmt: skip
    print(f"Loket API requests         {len(fake.requests)}")
    print(f"refresh_token grants       {grants['refresh_token']}")
    print(f"invalid_grant (spent/revoked token offered)  {len(fake.refused_refresh_tokens)}")
    print(f"refresh tokens spent twice {len(spent) - len(set(spent))}")
    print(f"integration state          {state}  (activities: {activities})")
    for text, number in Counter(errors).most_common(5):
        print(f"  error x{number}: {text[:200]}")
    ok = not fake.refused_refresh_tokens and state == "connected" and not counts["error"] and counts["ok"] > 0
    print("RESULT", "ok" if ok else "FAILED")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
