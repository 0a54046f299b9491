"""The class pulse service without a hub: what it accepts (only the course's lessons, activities, questions
and options, scored by the pulse itself), the body cap, the per-user post budget, one counted answer per
student, a summary bounded by the class after 2,000 posts, a slow hub, and the service itself on a Unix
socket calling the hub's API over a Unix socket (tests/pulse/hub_api.py plays the hub's two routes)."""

from __future__ import annotations

import asyncio
import http.client
import json
import os
import shutil
import socket
import stat
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import quote

import pytest

pytest.importorskip("jupyterhub", reason="the `hub` extra (make hub-install) runs the service")

from course_tools.activities import check  # noqa: E402
from course_tools.pulse.record import pulse_record  # noqa: E402
from course_tools.pulse.service import (  # noqa: E402
    MAX_BODY,
    POST_BURST,
    CourseIndex,
    Instructors,
    InvalidAnswer,
    PatientHubOAuth,
    PostBudget,
    parse_answer,
)
from course_tools.pulse.store import PulseStore  # noqa: E402
from tests.paths import REPO  # noqa: E402
from tests.pulse.hub_api import HubApi  # noqa: E402

PREFIX = "/services/class-pulse/"
LESSON, ACTIVITY = "policy_dialogue", "conveners"


@pytest.fixture(scope="module")
def course() -> CourseIndex:
    return CourseIndex.load(REPO / "content")


def body(record: dict) -> bytes:
    return json.dumps(record).encode()


def conveners(course: CourseIndex, right: bool) -> dict:
    spec = course.activities[(LESSON, ACTIVITY)]
    answer = {p.id: p.right for p in spec.pairs} if right else {spec.pairs[0].id: spec.distractors[0]}
    return pulse_record(spec, LESSON, answer)


# ------------------------------------------------------------------ what is accepted

def test_only_the_courses_lessons_activities_questions_and_options_are_accepted(course: CourseIndex) -> None:
    right = conveners(course, right=True)
    assert parse_answer(body(right), course).score == 1.0
    pair = next(iter(right["answer"]))
    forged = [({**right, "lesson": "invented"}, "^lesson: 'invented' is not a lesson"),
              ({**right, "activity": "invented"}, "^activity: 'invented' is not an activity of lesson"),
              ({**right, "lesson": "<b>x</b>"}, "^lesson: expected an id"),
              ({**right, "answer": {"invented-question": None}}, "^answer.invented-question: not a question"),
              ({**right, "answer": {pair: "An option nobody offered"}}, f"^answer.{pair}: .* not an option"),
              ({**right, "answer": ["not", "an", "object"]}, "^answer: expected an object"),
              ({k: v for k, v in right.items() if k != "answer"}, "^answer: missing"),
              ({**right, "answer": {pair: None}}, "^answer: nothing answered"),
              ([1], "^body: expected a JSON object")]
    for record, message in forged:
        with pytest.raises(InvalidAnswer, match=message):
            parse_answer(body(record), course)
    with pytest.raises(InvalidAnswer, match="^body: more than"):
        parse_answer(b" " * (MAX_BODY + 1), course)


def test_the_pulse_scores_and_labels_the_answer_itself_whatever_the_post_claims(course: CourseIndex) -> None:
    wrong = conveners(course, right=False)
    claimed = {**wrong, "score": 50, "user": "someone-else", "choices": {"Invented question": ["Invented"] * 50}}
    counted = parse_answer(body(claimed), course)
    spec = course.activities[(LESSON, ACTIVITY)]
    assert counted.score == 0.0 and counted.lesson == LESSON and counted.activity == ACTIVITY
    assert counted.choices == {spec.pairs[0].left: [spec.distractors[0]]}


def test_every_activity_type_round_trips_with_the_checkers_score(specs) -> None:
    """Kernel side (pulse_record) to pulse side (parse_answer): the same score as the student saw."""
    answers = {"quiz": {"q1": 0, "q2": 0}, "sort": {"a": "one", "b": "one"},
               "pairs": {"csr": "ILO, IOE, ICFTU", "gender": "WTO alone"}, "order": ["first", "third", None],
               "top": ["growth"], "plan": {"who": ["gov", "unions"], "where": ["agencies"], "_reason": "mine"},
               "rate": {"subject": "my words", "ratings": {"democratic": 2, "transparent": 5}},
               "grid": {"trade/progress": -1, "environmental/progress": -1}}
    index = CourseIndex({("sample", spec_id): spec for spec_id, spec in specs.items()})
    for spec_id, answer in answers.items():
        counted = parse_answer(body(pulse_record(specs[spec_id], "sample", answer)), index)
        assert counted.score == check(specs[spec_id], answer).score, spec_id
        assert 0 < counted.score <= 1 or spec_id == "sort", spec_id
    plan = parse_answer(body(pulse_record(specs["plan"], "sample", answers["plan"])), index)
    assert plan.choices == {"Who": ["Government", "Unions"], "Where": ["Multilateral agencies"]}
    for spec_id, bad in [("rate", {"ratings": {"democratic": 9}}), ("rate", {"ratings": {}, "subject": "x"}),
                         ("plan", {"where": ["agencies", "drawer"]}), ("plan", {"who": ["gov", "gov"]}),
                         ("plan", {"who": ["gov"], "_reason": "my words"}), ("quiz", {"q1": True}),
                         ("grid", {"trade/progress": 7}), ("order", ["first"] * 4)]:
        with pytest.raises(InvalidAnswer, match="^answer"):
            parse_answer(body({"lesson": "sample", "activity": spec_id, "answer": bad}), index)


def test_a_reflection_is_counted_by_its_word_count_and_its_text_never_leaves(course: CourseIndex) -> None:
    spec = course.activities[(LESSON, "opening-statement")]
    draft, full = "mine " * (spec.min_words - 1), "mine " * spec.min_words
    for text in (draft, full):
        record = pulse_record(spec, LESSON, text)
        assert record["answer"] == {"words": len(text.split())} and "mine" not in json.dumps(record)
        assert parse_answer(body(record), course).score == check(spec, text).score
    with pytest.raises(InvalidAnswer, match="^answer: expected"):
        parse_answer(body({"lesson": LESSON, "activity": spec.id, "answer": "my whole essay"}), course)


# ------------------------------------------------------------------ budget, store, summary

def test_post_budget_allows_a_burst_then_a_few_a_second_per_user() -> None:
    now = [0.0]
    budget = PostBudget(rate=2.0, burst=20, clock=lambda: now[0])
    assert [budget.take("ana") for _ in range(20)] == [0.0] * 20
    assert budget.take("ana") == pytest.approx(0.5)
    assert budget.take("ben") == 0.0  # another student's budget is their own
    now[0] += 1.0
    assert [budget.take("ana") for _ in range(3)] == [0.0, 0.0, pytest.approx(0.5)]


def test_one_answer_per_student_and_a_small_summary_after_2000_posts(course: CourseIndex, tmp_path: Path) -> None:
    store = PulseStore(f"sqlite:///{tmp_path / 'pulse.sqlite'}")
    students = [f"stu{n}" for n in range(30)]
    right, wrong = (parse_answer(body(conveners(course, r)), course) for r in (True, False))
    for n in range(2000):
        counted = right if n % 3 else wrong
        store.record(students[n % len(students)], counted.lesson, counted.activity, counted.score, counted.choices)
    summary = store.summary(names=True)
    (activity,) = summary["activities"]
    assert activity["answered"] == len(students) and activity["right"] <= activity["answered"]
    for question in activity["questions"]:
        assert all(o["count"] <= activity["answered"] for o in question["options"])
    assert len(json.dumps(summary)) < 20_000  # the class's size, not the posts'
    assert store.summary(names=True) is summary  # unchanged: served from memory
    store.record("stu0", right.lesson, right.activity, right.score, right.choices)
    assert store.summary(names=True) is not summary


# ------------------------------------------------------------------ a slow hub

@pytest.fixture
def hub_api() -> Iterator[HubApi]:
    folder = Path(tempfile.mkdtemp(prefix="pulse-hub-"))  # short: a socket path has at most 107 bytes
    hub = HubApi(folder / "hub.sock", tokens={"t-inst": "inst", "t-stu1": "stu1", "t-stu2": "stu2",
                                              "t-stu3": "stu3"}, instructors=["inst"])
    hub.start()
    yield hub
    hub.stop()
    shutil.rmtree(folder, ignore_errors=True)


def test_group_membership_is_cached_kept_on_a_slow_hub_and_looked_up_once_at_a_time(hub_api: HubApi) -> None:
    async def scenario() -> None:
        instructors = Instructors(hub_api.url, hub_api.service_token, ttl=0.3, timeout=0.5)
        assert await instructors.contains("inst") and not await instructors.contains("stu1")
        assert hub_api.calls["group instructors"] == 1  # cached
        hub_api.delay = 2.0  # a hub in a spawn storm
        await asyncio.sleep(0.4)
        started = time.monotonic()
        answers = await asyncio.gather(*(instructors.contains("inst") for _ in range(50)))
        assert all(answers) and time.monotonic() - started < 0.2  # the last known members, at once
        await asyncio.sleep(0.7)  # the one lookup in flight times out; the members are kept
        assert instructors.lookups == 2 and await instructors.contains("inst")
        hub_api.delay, hub_api.broken = 0.0, True
        await asyncio.sleep(0.4)
        assert await instructors.contains("inst")
        await asyncio.sleep(0.1)
        hub_api.broken = False
        hub_api.instructors = []  # removed from the group: known within the cache time
        await asyncio.sleep(0.4)
        await instructors.contains("inst")
        await asyncio.sleep(0.1)
        assert not await instructors.contains("inst")
        never = Instructors(hub_api.url, "wrong-token", timeout=0.5)
        with pytest.raises(Exception, match="503"):
            await never.contains("inst")  # never known: a clear 503, not a 500

    run_alone(scenario())


def run_alone(coroutine) -> None:
    """asyncio.run in a thread of its own: another test in this worker (a browser test) may have left an event
    loop running in the main thread."""
    from concurrent.futures import ThreadPoolExecutor

    with ThreadPoolExecutor(max_workers=1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def test_a_confirmed_token_keeps_its_owner_while_the_hub_fails(hub_api: HubApi) -> None:
    async def scenario() -> None:
        auth = PatientHubOAuth(api_url=hub_api.url, api_token=hub_api.service_token)
        assert (await auth.user_for_token("t-inst", use_cache=False, sync=False))["name"] == "inst"
        assert await auth.user_for_token("t-nobody", use_cache=False, sync=False) is None
        hub_api.broken = True
        assert (await auth.user_for_token("t-inst", use_cache=False, sync=False))["name"] == "inst"
        with pytest.raises(Exception, match="503"):
            await auth.user_for_token("t-stu1", use_cache=False, sync=False)

    run_alone(scenario())


# ------------------------------------------------------------------ the service on a Unix socket

class UnixConnection(http.client.HTTPConnection):
    def __init__(self, path: Path, timeout: float = 30):
        super().__init__("localhost", timeout=timeout)
        self.path = str(path)

    def connect(self) -> None:
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(self.timeout)
        self.sock.connect(self.path)


class Pulse:
    def __init__(self, sock: Path):
        self.sock = sock

    def request(self, method: str, path: str, token: str | None = None, payload: dict | None = None):
        conn = UnixConnection(self.sock)
        headers = {"Authorization": f"token {token}"} if token else {}
        data = json.dumps(payload).encode() if payload is not None else None
        if data is not None:
            headers["Content-Type"] = "application/json"
        try:
            conn.request(method, PREFIX + path, body=data, headers=headers)
            response = conn.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            conn.close()

    def raw(self, head: str, body_part: bytes) -> bytes:
        """Send a request's head and part of its body, return what comes back first."""
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
            sock.settimeout(30)
            sock.connect(str(self.sock))
            sock.sendall(head.encode() + body_part)
            return sock.recv(4096)


@pytest.fixture(scope="module")
def pulse() -> Iterator[tuple[Pulse, HubApi]]:
    folder = Path(tempfile.mkdtemp(prefix="pulse-"))
    hub = HubApi(folder / "hub.sock", tokens={"t-inst": "inst", **{f"t-stu{n}": f"stu{n}" for n in range(1, 6)}},
                 instructors=["inst"])
    hub.start()
    sock = folder / "pulse.sock"
    env = {**os.environ, "JUPYTERHUB_SERVICE_URL": f"http+unix://{quote(str(sock), safe='')}",
           "JUPYTERHUB_API_URL": hub.url, "JUPYTERHUB_API_TOKEN": hub.service_token,
           "JUPYTERHUB_SERVICE_PREFIX": PREFIX, "JUPYTERHUB_SERVICE_NAME": "class-pulse",
           "JUPYTERHUB_CLIENT_ID": "service-class-pulse", "JUPYTERHUB_BASE_URL": "/",
           "MOBILIZING_PULSE_DB": f"sqlite:///{folder / 'pulse.sqlite'}", "MOBILIZING_CONTENT": str(REPO / "content")}
    log = (folder / "pulse.log").open("w")
    proc = subprocess.Popen([sys.executable, "-m", "course_tools.pulse.service"], cwd=folder, env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 60
        while not sock.exists():
            assert proc.poll() is None, (folder / "pulse.log").read_text()
            assert time.monotonic() < deadline, "the pulse did not create its socket in 60 s"
            time.sleep(0.1)
        yield Pulse(sock), hub
    finally:
        proc.terminate()
        proc.wait(10)
        log.close()
        hub.stop()
        shutil.rmtree(folder, ignore_errors=True)


def test_service_listens_on_its_unix_socket_and_asks_the_hub_over_one(pulse) -> None:
    client, hub = pulse
    assert stat.S_ISSOCK(client.sock.stat().st_mode) and stat.S_IMODE(client.sock.stat().st_mode) == 0o600
    status, _, data = client.request("GET", "api/summary", token="t-inst")
    assert status == 200 and "activities" in json.loads(data)
    assert hub.calls["user"] >= 1 and hub.calls["group instructors"] >= 1  # both over http+unix
    assert client.request("GET", "api/summary", token="t-stu1")[0] == 403
    assert client.request("GET", "api/summary")[0] == 403
    status, headers, _ = client.request("GET", "")  # the page: off to the hub's login
    assert status == 302 and "/hub/api/oauth2/authorize" in headers["Location"]


def test_bodies_over_64_kib_get_413_before_they_are_read_with_or_without_a_token(pulse) -> None:
    client, _ = pulse
    for path, token in [("api/answers", ""), ("api/answers", "t-stu1"), ("api/reset", ""), ("", ""),
                        ("no/such/page", ""), ("oauth_callback", "")]:
        auth = f"Authorization: token {token}\r\n" if token else ""
        head = (f"POST {PREFIX}{path} HTTP/1.1\r\nHost: x\r\n{auth}Content-Length: 100000000\r\n"
                "Content-Type: application/json\r\n\r\n")
        assert client.raw(head, b"x" * 1024).startswith(b"HTTP/1.1 413"), path
    chunk = b"x" * 32768
    chunked = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(3))
    head = (f"POST {PREFIX}api/answers HTTP/1.1\r\nHost: x\r\nAuthorization: token t-stu2\r\n"
            "Transfer-Encoding: chunked\r\n\r\n")
    assert client.raw(head, chunked).startswith(b"HTTP/1.1 413")
    assert client.request("POST", "api/answers", token="t-stu2", payload=conveners(CourseIndex.load(REPO / "content"),
                                                                                  right=True))[0] == 201


def test_a_flood_from_one_student_is_cut_and_other_students_get_through(pulse, course: CourseIndex) -> None:
    client, _ = pulse
    client.request("POST", "api/reset", token="t-inst")
    right, wrong = conveners(course, right=True), conveners(course, right=False)
    forged = {**wrong, "score": 50}
    statuses = [client.request("POST", "api/answers", token="t-stu3", payload=forged) for _ in range(200)]
    accepted = [s for s, _, _ in statuses if s == 201]
    refused = [(s, h) for s, h, _ in statuses if s != 201]
    assert POST_BURST <= len(accepted) < POST_BURST + 40, len(accepted)
    assert all(s == 429 and int(h["Retry-After"]) >= 1 for s, h in refused)
    assert client.request("POST", "api/answers", token="t-stu4", payload=right)[0] == 201
    invented = {**right, "lesson": "invented-lesson"}
    status, _, data = client.request("POST", "api/answers", token="t-stu5", payload=invented)
    assert status == 400 and "lesson" in json.loads(data)["error"]
    status, _, data = client.request("GET", "api/summary?names=1", token="t-inst")
    (activity,) = json.loads(data)["activities"]
    assert (activity["answered"], activity["right"], activity["users"]) == (2, 1, ["stu3", "stu4"])
    assert all(o["count"] <= 2 for q in activity["questions"] for o in q["options"])
