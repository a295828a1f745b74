"""One HTTP exchange with Loket, with a timeout and bounded retries.

Retried: 429 (waiting ``Retry-After`` when Loket sends it), 5xx, connection
errors and timeouts, with exponential backoff. Never retried: 4xx other than
429 — those are answered by the caller. A request that is not idempotent
(token grants: a used refresh token is gone) is only retried when it cannot
have reached Loket (connect timeout) or when Loket said 429.
"""

import email.utils
import logging
import time

import requests

from .clean_text import clean_json
from .errors import LoketConnectionError, error_for_status, messages_from_body
from .redact import redact

_logger = logging.getLogger(__name__)

DEFAULT_TIMEOUT = (10, 60)  # connect, read (seconds)
MAX_RETRY_AFTER = 120  # seconds; a longer wait is Loket telling us to stop for now
RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


def retry_after_seconds(value, now=None):
    """``Retry-After`` as seconds: either a number or an HTTP date."""
    if not value:
        return None
    if value.strip().replace(".", "", 1).isdigit():
        return max(0.0, float(value))
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    now = now if now is not None else time.time()
    return max(0.0, when.timestamp() - now)


def decode_body(response):
    """The JSON of a Loket answer, its texts cleaned (``clean_text``), or None. Control characters
    Loket did not escape are read too (``strict=False``): refused, the page would read as empty."""
    try:
        return clean_json(response.json(strict=False))
    except ValueError:
        return None


class Transport:
    def __init__(self, session=None, timeout=DEFAULT_TIMEOUT, max_retries=4, backoff=0.5, sleep=time.sleep):
        self.session = session or requests.Session()
        self.timeout = timeout
        self.max_retries = max_retries
        self.backoff = backoff
        self.sleep = sleep

    def send(self, method, url, *, headers=None, params=None, data=None, json=None, idempotent=True):
        """The response of the first attempt that Loket answered with a final
        status; ``LoketError`` once retries are exhausted."""
        attempt = 0
        while True:
            started = time.monotonic()
            try:
                response = self.session.request(
                    method, url, headers=headers, params=params, data=data, json=json, timeout=self.timeout
                )
            except requests.RequestException as exc:
                retryable = isinstance(exc, requests.ConnectTimeout) or (
                    idempotent and isinstance(exc, requests.ConnectionError | requests.Timeout)
                )
                _logger.warning(
                    "Loket %s %s failed (attempt %s): %s", method, _path(url), attempt + 1, type(exc).__name__
                )
                if not retryable or attempt >= self.max_retries:
                    raise LoketConnectionError(
                        f"Loket could not be reached ({type(exc).__name__}) after {attempt + 1} attempt(s)",
                        method=method,
                        path=_path(url),
                    ) from None
                self.sleep(self._backoff(attempt))
                attempt += 1
                continue
            _logger.debug(
                "Loket %s %s -> %s in %.2fs", method, _path(url), response.status_code, time.monotonic() - started
            )
            status = response.status_code
            if status not in RETRY_STATUSES or (status != 429 and not idempotent):
                return response
            wait = retry_after_seconds(response.headers.get("Retry-After"))
            if attempt >= self.max_retries or (wait is not None and wait > MAX_RETRY_AFTER):
                raise error_for_status(status)(
                    f"Loket kept answering {status} after {attempt + 1} attempt(s)",
                    status=status,
                    messages=messages_from_body(decode_body(response)),
                    method=method,
                    path=_path(url),
                    retry_after=wait,
                )
            _logger.info("Loket %s %s answered %s; retrying (attempt %s)", method, _path(url), status, attempt + 2)
            self.sleep(wait if wait is not None else self._backoff(attempt))
            attempt += 1

    def _backoff(self, attempt):
        return self.backoff * (2**attempt)


def _path(url):
    """The URL without its query string, for logs and error texts."""
    return redact(url.split("?", 1)[0])
