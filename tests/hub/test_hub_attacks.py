"""Attacks on the class hub's internal addresses, processes and restarts, replayed as a real student (#22).

A student's own program (written to their home and started from their kernel in a new session, as anyone
with a terminal can) tries to take the address the proxy sends a service's traffic to while that service is
down, or the hub's API address during a restart; the tests assert that no token or cookie reaches it and
that the service comes back. Also: a student's processes end with their server, per-user memory and
process limits hold, a hub restart keeps servers, kernels and progress, a Check's token can do nothing else,
a teaching assistant removed from `graders` is out at once and cannot plant start-up code for others.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from tests.support.hub import (
    GRADING,
    INSTRUCTOR,
    RIGHT_CHECK,
    STUDENTS,
    TA,
    ClassHub,
    _wait,
    classhub,
    restart_hub,
    run_as,
    run_in_kernel,
)

pytestmark = [pytest.mark.hub, pytest.mark.timeout(600)]

# A student's program: bind the address (a Unix socket path or a loopback port) as soon as it can, answer
# 200 to whatever connects, and write down what it was sent. It stops by itself after `seconds`.
SQUATTER = r'''
import json, socket, sys, time
kind, where, out, seconds = sys.argv[1:5]
deadline, last, sock = time.monotonic() + float(seconds), "", None
log = open(out, "a")
def note(**fields):
    log.write(json.dumps(fields) + "\n"); log.flush()
note(started=where)
while sock is None and time.monotonic() < deadline:
    try:
        if kind == "unix":
            s = socket.socket(socket.AF_UNIX)
            s.bind(where)
        else:
            s = socket.socket()
            s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            s.bind(("127.0.0.1", int(where)))
        s.listen(64)
        sock = s
        note(bound=where)
    except OSError as exc:
        last = f"{type(exc).__name__}: {exc.strerror}"
        time.sleep(0.02)
if sock is None:
    note(refused=last)
    sys.exit(0)
sock.settimeout(0.3)
while time.monotonic() < deadline:
    try:
        conn, _ = sock.accept()
    except OSError:
        continue
    conn.settimeout(2)
    try:
        data = conn.recv(65536).decode(errors="replace")
    except OSError:
        data = ""
    note(received=data)
    try:
        conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 2\r\n\r\nok")
    finally:
        conn.close()
'''

START_SQUATTER = """
import subprocess, sys
from pathlib import Path
home = Path.home()
(home / "squat.py").write_text({code!r})
proc = subprocess.Popen([sys.executable, str(home / "squat.py"), {kind!r}, {where!r}, str(home / {out!r}),
                         {seconds!r}], start_new_session=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
print(proc.pid)
"""


def route_target(hub: ClassHub, prefix: str) -> str:
    """Where the proxy last sent `prefix` (configurable-http-proxy logs each route it adds)."""
    routes = re.findall(rf"Route added {re.escape(prefix.rstrip('/'))} -> (\S+)", hub.log.read_text(errors="replace"))
    assert routes, f"no proxy route for {prefix} in the hub's log"
    return routes[-1]


def hub_api_address(hub: ClassHub) -> str:
    found = re.findall(r"Hub API listening on (\S+)", hub.log.read_text(errors="replace"))
    assert found, "the hub's log does not say where its API listens"
    return found[-1]


def squat(hub: ClassHub, student: str, url: str, seconds: float, out: str) -> int:
    """Start the student's program on the address of `url`; return its pid."""
    parsed = urlparse(url)
    kind, where = ("unix", unquote(parsed.netloc)) if parsed.scheme == "http+unix" else ("tcp", str(parsed.port))
    (hub.users[student].home / out).unlink(missing_ok=True)
    code = START_SQUATTER.format(code=SQUATTER, kind=kind, where=where, out=out, seconds=str(seconds))
    return int(run_in_kernel(hub, student, code).strip().splitlines()[-1])


def squatter_notes(hub: ClassHub, student: str, out: str, pid: int) -> list[dict]:
    _wait(lambda: not Path(f"/proc/{pid}").exists() or _zombie_or_gone(pid), 90, "the student's program ending")
    path = hub.users[student].home / out
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def _zombie_or_gone(pid: int) -> bool:
    try:
        return Path(f"/proc/{pid}/stat").read_text().split(") ")[1].startswith("Z")
    except (FileNotFoundError, IndexError):
        return True


def assert_nothing_reached(notes: list[dict]) -> None:
    received = [n["received"] for n in notes if "received" in n]
    assert not received, f"the student's program received traffic meant for a service: {received[:2]}"
    assert not any("bound" in n for n in notes), f"the student's program took the address: {notes}"
    assert any("refused" in n for n in notes), notes


def process_of(hub: ClassHub, needle: bytes) -> int:
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                cmdline = (entry / "cmdline").read_bytes()
                environ = (entry / "environ").read_bytes()
            except OSError:
                continue
            if needle in cmdline and str(hub.settings.runtime).encode() in environ + cmdline:
                return int(entry.name)
    raise AssertionError(f"no running process with {needle!r}")


def post_check(hub: ClassHub, student: str) -> int:
    """What a student's Check does: post through the pulse client from their kernel; returns the HTTP status."""
    code = """
from course_tools import notebook as ct
from course_tools.pulse import client
from course_tools.pulse.record import pulse_record
spec = next(a for a in ct.course().activities["policy_dialogue"].activities if a.id == "conveners")
url, token = client.target()
try:
    print(client.send(pulse_record(spec, "policy_dialogue", {p.id: p.right for p in spec.pairs}), url, token))
except Exception as exc:
    print(getattr(exc, "code", 0))
"""
    return int(run_in_kernel(hub, student, code).strip().splitlines()[-1])


def test_a_students_program_never_receives_the_pulses_traffic(class_hub: ClassHub) -> None:
    """C1: the pulse crashes during class; a student's program waits on its address for the Checks (and tokens)."""
    hub, attacker, sender = class_hub, STUDENTS[0], STUDENTS[1]
    target = route_target(hub, f"/services/{classhub.PULSE_SERVICE}/")
    pid = squat(hub, attacker, target, 25, "pulse-squat.jsonl")
    os.kill(process_of(hub, b"course_tools.pulse.service"), signal.SIGKILL)  # the crash; the hub restarts it
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:  # classmates keep pressing Check while it is down and after
        post_check(hub, sender)
        time.sleep(1)
    assert_nothing_reached(squatter_notes(hub, attacker, "pulse-squat.jsonl", pid))
    _wait(lambda: post_check(hub, sender) == 201, 60, "the restarted pulse recording a Check")


def test_a_students_program_never_receives_the_grading_services_traffic(class_hub: ClassHub) -> None:
    """C2: the grading service restarts; a student's program waits on its address for a grader's cookie."""
    hub, attacker = class_hub, STUDENTS[0]
    target = route_target(hub, GRADING)
    pid = squat(hub, attacker, target, 25, "grading-squat.jsonl")
    os.kill(process_of(hub, b"HubUserStampedConnection"), signal.SIGKILL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        hub.grading(INSTRUCTOR, "GET", "api/status")
        time.sleep(1)
    assert_nothing_reached(squatter_notes(hub, attacker, "grading-squat.jsonl", pid))
    _wait(lambda: hub.grading(INSTRUCTOR, "GET", "api/status").status_code == 200, 240,
          "the grading service answering again", hub=hub)


def test_a_hub_restart_keeps_servers_kernels_and_progress_and_no_student_takes_the_hub(class_hub: ClassHub) -> None:
    """H1 and M7: the hub restarts during class; a student's program tries to take the hub's API address."""
    hub, attacker, student = class_hub, STUDENTS[0], STUDENTS[1]
    prefix = f"/user/{student}"
    answered = run_in_kernel(hub, student, RIGHT_CHECK)  # a Check, as in class: progress saved in the student's home
    progress = hub.users[student].home / classhub.LESSONS_SUBDIR / ".progress.json"
    saved = progress.read_text(encoding="utf-8")
    assert "conveners" in saved, answered
    kernel = hub.request(student, "POST", f"{prefix}/api/kernels", json={"name": "python3"})
    assert kernel.status_code == 201
    kernel_id = kernel.json()["id"]
    server_pid = hub.hub_api("GET", f"/users/{student}").json()["servers"][""]["state"]["pid"]
    pid = squat(hub, attacker, hub_api_address(hub), 30, "hub-squat.jsonl")
    restart_hub(hub, while_down=lambda: time.sleep(3))
    assert_nothing_reached(squatter_notes(hub, attacker, "hub-squat.jsonl", pid))
    model = hub.hub_api("GET", f"/users/{student}").json()["servers"][""]
    assert model["ready"] and model["state"]["pid"] == server_pid, model  # the same server, never restarted
    assert hub.request(student, "GET", f"{prefix}/api/kernels/{kernel_id}").status_code == 200  # and its kernel
    hub.request(student, "DELETE", f"{prefix}/api/kernels/{kernel_id}")
    assert post_check(hub, student) == 201
    assert progress.read_text(encoding="utf-8") == saved, "the student's progress changed with the restart"


def test_a_checks_token_can_only_post_to_the_pulse(class_hub: ClassHub) -> None:
    """Point 2: the token a kernel sends with each Check is not the server's API token and opens nothing else."""
    hub, student = class_hub, STUDENTS[0]
    out = run_in_kernel(hub, student, "import os, json; print(json.dumps([os.environ['MOBILIZING_PULSE_TOKEN'], "
                                      "os.environ['JUPYTERHUB_API_TOKEN']]))")
    pulse_token, server_token = json.loads(out.strip().splitlines()[-1])
    assert pulse_token != server_token
    import requests

    def get(path: str) -> requests.Response:
        return requests.get(f"{hub.url}{path}", headers={"Authorization": f"token {pulse_token}"}, timeout=30,
                            allow_redirects=False)

    who = get("/hub/api/user").json()
    scopes = set(who["scopes"])
    assert who["name"] == student and f"access:services!service={classhub.PULSE_SERVICE}" in scopes, who
    powerful = ("access:servers", "servers", "users", "tokens", "admin", "read:servers", "delete", "groups")
    assert not [s for s in scopes if s.split("!")[0].split(":")[0] in powerful or s.startswith("users:")], scopes
    assert f"access:services!service={classhub.DEFAULT_COURSE_ID}" not in scopes
    assert get(f"/user/{student}/api/contents").status_code == 403  # not even the student's own files
    assert get(f"{GRADING}/api/status").status_code in (302, 403)


def test_a_students_processes_end_with_their_server(class_hub: ClassHub) -> None:
    """M6: a program started in a new session outlived its server before."""
    hub, student = class_hub, STUDENTS[1]
    stray = int(run_in_kernel(hub, student, "import subprocess; print(subprocess.Popen(['sleep', '900'], "
                                            "start_new_session=True).pid)").strip())
    assert Path(f"/proc/{stray}").exists()
    assert hub.hub_api("DELETE", f"/users/{student}/server").status_code in (202, 204)
    _wait(lambda: not hub.hub_api("GET", f"/users/{student}").json()["servers"], 120, "the server stopping")
    _wait(lambda: _zombie_or_gone(stray), 20, "the stray program ending with the server")
    assert hub.hub_api("POST", f"/users/{student}/server").status_code in (201, 202)
    _wait(lambda: hub.hub_api("GET", f"/users/{student}").json().get("servers", {}).get("", {}).get("ready"),
          180, "the server back", hub=hub)


def test_memory_and_process_limits_hold_for_one_student_alone(class_hub: ClassHub) -> None:
    """M6: 3 GiB in one kernel and 96k processes were allowed. Over the limit, only the student's own process dies."""
    hub, student, other = class_hub, STUDENTS[0], STUDENTS[1]
    code = """
import subprocess, sys, json
big = subprocess.run([sys.executable, "-c", "b = bytearray(3 * 1024**3); print(len(b))"], capture_output=True)
procs, error = [], ""
try:
    for _ in range(2000):
        procs.append(subprocess.Popen(["sleep", "60"]))
except OSError as exc:
    error = type(exc).__name__
for p in procs:
    p.kill(); p.wait()
print(json.dumps({"memory_rc": big.returncode, "started": len(procs), "error": error}))
"""
    result = json.loads(run_in_kernel(hub, student, code, timeout=240).strip().splitlines()[-1])
    assert result["memory_rc"] == -signal.SIGKILL, result  # the 3 GiB process was ended, the kernel lives on
    assert result["error"] and result["started"] < 2000, result
    assert post_check(hub, other) == 201  # the rest of the class goes on
    assert post_check(hub, student) == 201  # and so does the student, in a fresh kernel


def test_make_hub_keeps_existing_passwords() -> None:
    """M7: every `make hub` set every password again (a restart in class locked everyone out of the old one)."""
    name = "mahub_pwcheck"
    settings = classhub.HubSettings(runtime=Path("/nonexistent"), instructors=(), students=(name,), graders=())
    subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)
    try:
        assert list(classhub.ensure_users(settings)) == [name]  # a new user gets a password
        before = _shadow(name)
        assert classhub.ensure_users(settings) == {} and _shadow(name) == before  # the next start keeps it
        assert list(classhub.ensure_users(settings, reset_passwords=True)) == [name] and _shadow(name) != before
    finally:
        subprocess.run(["userdel", "--remove", name], check=False, capture_output=True)


def _shadow(name: str) -> str:
    return next(line for line in Path("/etc/shadow").read_text().splitlines() if line.startswith(name + ":"))


def test_a_removed_teaching_assistant_is_out_at_once_and_plants_nothing(class_hub: ClassHub) -> None:
    """M8: start-up code a TA left in the course account ran in the instructor's kernels; the service accepted the
    TA's token for minutes after removal."""
    hub = class_hub
    plant = """
import os
from pathlib import Path
from IPython.paths import get_ipython_dir
for folder in {Path.home() / ".ipython", Path(get_ipython_dir())}:
    try:
        start = folder / "profile_default" / "startup"
        start.mkdir(parents=True, exist_ok=True)
        (start / "00-planted.py").write_text("open('/tmp/mahub-planted-startup', 'w').close()")
        print("planted", start)
    except OSError as exc:
        print("refused", folder, exc)
"""
    run_in_kernel(hub, TA, plant, prefix=GRADING)
    marker = Path("/tmp/mahub-planted-startup")
    marker.unlink(missing_ok=True)
    ipython = run_in_kernel(hub, INSTRUCTOR, "from IPython.paths import get_ipython_dir; print(get_ipython_dir())",
                            prefix=GRADING).strip()
    assert not marker.exists(), "start-up code a TA planted ran in the instructor's kernel"
    # IPython's folder is root's (read-only: IPython then works in a fresh temporary one per kernel), never the
    # course account's ~/.ipython that every grader can write.
    assert not ipython.startswith(str(classhub.course_home(hub.settings))), ipython
    group = f"/groups/{classhub.GRADERS_GROUP}/users"
    assert hub.hub_api("DELETE", group, json={"users": [TA]}).status_code == 200
    try:
        # within seconds (the service re-asks the hub after 1 s; it used to trust its answer for 5 minutes)
        _wait(lambda: hub.grading(TA, "GET", "api/status").status_code in (302, 403), 10, "the TA refused")
    finally:
        assert hub.hub_api("POST", group, json={"users": [TA]}).status_code == 200
    _wait(lambda: hub.grading(TA, "GET", "api/status").status_code == 200, 30, "the TA back in")
    run_as(hub.settings.course_account, ["rm", "-rf", str(classhub.course_home(hub.settings) / ".ipython")])
