"""The kernel side of the class pulse: after a Check, post the result to the hub's `class-pulse` service.

Fire and forget: a daemon thread with a short timeout, so a slow or absent service never delays the
student; failures go to a log file, never to the notebook (the progress file stays the source of
truth). Without a hub (no token or no $MOBILIZING_PULSE_URL, e.g. `make lab`) it is off.
The token is the narrow one the hub gives each server for the pulse alone ($MOBILIZING_PULSE_TOKEN,
scope `access:services!service=class-pulse`), the server's own $JUPYTERHUB_API_TOKEN only where a hub
gives none. The user is whoever the token belongs to: the service reads it from the token.
"""

from __future__ import annotations

import json
import logging
import os
import threading
import urllib.request
from pathlib import Path
from typing import Any

from course_tools.pulse.record import pulse_record

PULSE_URL_ENV = "MOBILIZING_PULSE_URL"  # set per server by the class hub's spawn hook
TOKEN_ENV = "MOBILIZING_PULSE_TOKEN"    # a token that may only post to the pulse (set per server by the hub)
SERVER_TOKEN_ENV = "JUPYTERHUB_API_TOKEN"  # the server's own token: the fallback where the hub sets no pulse token
LOG_ENV = "MOBILIZING_PULSE_LOG"
TIMEOUT = 3.0

log = logging.getLogger("course_tools.pulse")
log.propagate = False  # never onto the student's notebook through the root logger's stderr


def _log_to_file() -> None:
    if log.handlers:
        return
    path = Path(os.environ.get(LOG_ENV) or Path.home() / ".cache" / "mobilizing-action" / "pulse.log")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        log.addHandler(logging.FileHandler(path, encoding="utf-8"))
    except OSError:
        log.addHandler(logging.NullHandler())


def target() -> tuple[str, str] | None:
    """(answers URL, token) when running under the class hub, else None."""
    url = os.environ.get(PULSE_URL_ENV)
    token = os.environ.get(TOKEN_ENV) or os.environ.get(SERVER_TOKEN_ENV)
    return (url, token) if url and token else None


def send(record: dict[str, Any], url: str, token: str, timeout: float = TIMEOUT) -> int:
    """POST one record; return the HTTP status (raises on network errors and error statuses)."""
    request = urllib.request.Request(url, data=json.dumps(record).encode(), method="POST",
                                     headers={"Authorization": f"token {token}",
                                              "Content-Type": "application/json"})
    with urllib.request.urlopen(request, timeout=timeout) as response:
        return response.status


def _send_logged(record: dict[str, Any], url: str, token: str) -> None:
    try:
        send(record, url, token)
    except Exception as exc:  # noqa: BLE001 (whatever happens, the student's Check is done)
        _log_to_file()
        log.warning("class pulse: %s/%s not sent to %s: %s", record.get("lesson"), record.get("activity"), url, exc)


def report_check(spec: Any, lesson_id: str, answer: Any) -> threading.Thread | None:
    """Send one Check to the class pulse in the background; None when there is no pulse."""
    where = target()
    if where is None:
        return None
    try:
        record = pulse_record(spec, lesson_id, answer)
    except Exception as exc:  # noqa: BLE001 (a surprising answer shape must not break Check)
        _log_to_file()
        log.warning("class pulse: cannot summarise %s/%s: %s", lesson_id, getattr(spec, "id", "?"), exc)
        return None
    thread = threading.Thread(target=_send_logged, args=(record, *where), name="class-pulse", daemon=True)
    thread.start()
    return thread
