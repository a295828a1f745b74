"""The FakeLoket served over real HTTP on a loopback port.

For what ``responses`` cannot reach: other processes (a multi-worker Odoo server),
and a browser (the OAuth authorize page of the tours). The same ``FakeLoket``
answers; this module only carries its requests and answers over HTTP.

    server = FakeLoketServer(n_employees=10)    # binds 127.0.0.1 on a free port
    server.start()
    server.fake.environment.api_url             # http://127.0.0.1:<port>/v2
    server.stop()

``GET /oauth/authorize`` shows a one-button page that grants the login (the
sandbox never asks a password) and sends the browser back to ``redirect_uri``
with a fresh code and the ``state`` it was given. With ``auto_grant=True`` (the
browser tours: a tour cannot click in a page of another origin) it skips that
page and sends the browser back at once.
"""

import threading
from dataclasses import dataclass
from html import escape
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlencode, urlsplit

from .fake_loket import FakeLoket

SANDBOX_NOTICE = "Loket sandbox: a simulation for trying and testing, not Loket.nl."


@dataclass
class _Request:
    """The part of ``requests.PreparedRequest`` the FakeLoket reads."""

    method: str
    url: str
    headers: object  # a case-insensitive mapping
    body: str


class FakeLoketServer:
    def __init__(
        self, host="127.0.0.1", port=0, fake=None, auto_grant=False, public_url=None, handler=None, **fake_options
    ):
        """``public_url``: the base address clients use when it is not ``http://host:port`` (a
        container's published port); ``handler``: a subclass of ``_Handler`` that serves more pages."""
        self.httpd = ThreadingHTTPServer((host, port), handler or _Handler)
        self.httpd.daemon_threads = True
        self.httpd.auto_grant = auto_grant
        base = public_url.rstrip("/") if public_url else f"http://{host}:{self.httpd.server_address[1]}"
        self.fake = fake or FakeLoket(api_url=f"{base}/v2", oauth_url=f"{base}/oauth", **fake_options)
        self.httpd.fake = self.fake
        self.base_url = base
        self._thread = None

    def start(self):
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="fake-loket", daemon=True)
        self._thread.start()
        return self

    def stop(self):
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, format, *args):  # noqa: A002 - the base class's name; keep test output quiet
        pass

    def do_GET(self):
        if urlsplit(self.path).path == "/oauth/authorize":
            return self._authorize()
        self._dispatch()

    def do_POST(self):
        if urlsplit(self.path).path == "/oauth/authorize":
            return self._grant_login()
        self._dispatch()

    def _dispatch(self):
        fake = self.server.fake
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode() if length else ""
        url = f"http://{self.headers.get('Host')}{self.path}"
        request = _Request(self.command, url, self.headers, body)  # headers: case-insensitive
        path = urlsplit(self.path).path
        if path == urlsplit(fake.environment.token_url).path and self.command == "POST":
            status, headers, text = fake._token(request)
        elif path.startswith(urlsplit(fake.environment.api_url).path + "/"):
            status, headers, text = fake._api(request)
        else:
            status, headers, text = 404, {"Content-Type": "text/plain"}, "Not a Loket sandbox address"
        self._send(status, headers, text)

    do_PATCH = do_PUT = do_DELETE = _dispatch

    def _authorize(self):
        query = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        fields = "".join(
            f'<input type="hidden" name="{escape(k)}" value="{escape(v)}">'
            for k, v in query.items()
            if k in ("redirect_uri", "state", "client_id")
        )
        known = query.get("client_id") == self.server.fake.client_id
        if known and self.server.auto_grant:
            return self._redirect_with_code(query)
        page = (
            "<!DOCTYPE html><html><head><meta charset='utf-8'><title>Loket sandbox login</title></head>"
            f"<body><p class='sandbox-notice'><strong>{escape(SANDBOX_NOTICE)}</strong></p>"
            "<h1>Log in to Loket (sandbox)</h1>"
            + (
                f"<form method='post' action='/oauth/authorize'>{fields}"
                "<button type='submit' id='grant'>Grant access</button></form>"
                if known
                else "<p>Unknown OAuth client id: use the client id of this sandbox.</p>"
            )
            + "</body></html>"
        )
        self._send(200 if known else 400, {"Content-Type": "text/html; charset=utf-8"}, page)

    def _grant_login(self):
        length = int(self.headers.get("Content-Length") or 0)
        form = {k: v[0] for k, v in parse_qs(self.rfile.read(length).decode()).items()}
        if form.get("client_id") != self.server.fake.client_id:
            return self._send(400, {"Content-Type": "text/plain"}, "Unknown client or no redirect_uri")
        self._redirect_with_code(form)

    def _redirect_with_code(self, params):
        """Back to ``redirect_uri`` with a fresh code and the ``state`` that came along."""
        redirect_uri = params.get("redirect_uri") or ""
        if not redirect_uri:
            return self._send(400, {"Content-Type": "text/plain"}, "Unknown client or no redirect_uri")
        code = self.server.fake.issue_code(redirect_uri)
        separator = "&" if "?" in redirect_uri else "?"
        location = f"{redirect_uri}{separator}{urlencode({'code': code, 'state': params.get('state', '')})}"
        self._send(302, {"Location": location}, "")

    def _send(self, status, headers, text):
        data = (text or "").encode()
        self.send_response(status)
        for key, value in (headers or {}).items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)
