"""The class pulse without a hub: what a kernel sends, how the service stores and counts it, and that a
missing or broken service never disturbs a student's Check."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

import pytest

from course_tools.pulse import client
from course_tools.pulse.record import choices, pulse_record
from course_tools.pulse.store import PulseStore
from course_tools.widgets.widget_choice import ChoiceView
from course_tools.widgets.widget_planner import PlannerView
from course_tools.widgets.widget_sliders import SlidersView

pytestmark = pytest.mark.filterwarnings("ignore:No saved progress yet")


def test_record_holds_the_options_chosen_in_the_specs_words_and_no_free_text(specs) -> None:
    assert choices(specs["quiz"], {"q1": 0, "q2": 1}) == {"First?": ["Alpha"], "Second?": ["Beta"]}
    plan = {"who": ["gov", "few"], "where": ["agencies"], "reason": "my own words about Acme"}
    assert choices(specs["plan"], plan) == {"Who": ["Government", "Officials only"],
                                            "Where": ["Multilateral agencies"]}
    rated = choices(specs["rate"], {"subject": "The WTO, my own words", "ratings": {"democratic": 1}})
    assert rated == {"Democratic": ["1"]}
    assert choices(specs["pairs"], {"csr": "ILO, IOE, ICFTU", "gender": "<img src=x onerror=alert(1)>"}) == {
        "CSR": ["ILO, IOE, ICFTU"]}
    assert choices(specs["pairs"], {"csr": "WTO alone"}) == {"CSR": ["WTO alone"]}  # a distractor
    assert choices(specs["grid"], {"trade/progress": -1}) == {"Trade × Social progress": ["Harms"]}
    assert choices(specs["order"], ["third", "first", None]) == {"Position 1": ["Mid third"],
                                                                 "Position 2": ["Zeta first"]}
    record = pulse_record(specs["quiz"], "sample", {"q1": 0, "q2": None})
    assert record == {"lesson": "sample", "activity": "quiz", "answer": {"q1": 0, "q2": None}}
    assert "user" not in record and "score" not in record  # the pulse scores it from its own course
    mine = pulse_record(specs["plan"], "sample", plan)["answer"]
    assert mine == {"who": ["gov", "few"], "where": ["agencies"]}  # the plan's reason stays in the kernel
    rated = pulse_record(specs["rate"], "sample", {"subject": "The WTO, my own words", "ratings": {"democratic": 1}})
    assert rated["answer"] == {"ratings": {"democratic": 1}}


def test_store_counts_the_latest_answer_per_student_and_reset_starts_afresh(tmp_path: Path) -> None:
    store = PulseStore(f"sqlite:///{tmp_path / 'pulse.sqlite'}")
    store.record("ana", "l1", "quiz", 0.0, {"First?": ["Beta"]})
    store.record("ana", "l1", "quiz", 1.0, {"First?": ["Alpha"]})  # a second Check replaces the first
    store.record("ben", "l1", "quiz", 0.0, {"First?": ["Beta"]})
    store.record("ben", "l1", "plan", 0.5, {"Who": ["Government", "Unions"]})
    summary = store.summary()
    quiz = next(a for a in summary["activities"] if a["activity"] == "quiz")
    assert (quiz["answered"], quiz["right"], quiz["share_right"]) == (2, 1, 0.5)
    assert quiz["questions"] == [{"question": "First?", "options": [{"option": "Alpha", "count": 1},
                                                                    {"option": "Beta", "count": 1}]}]
    assert "ana" not in json.dumps(summary)  # anonymous unless asked
    named = next(a for a in store.summary(names=True)["activities"] if a["activity"] == "quiz")
    assert named["users"] == ["ana", "ben"] and named["questions"][0]["options"][0]["users"] == ["ana"]
    session = store.reset(by="teacher")
    assert store.summary() == {"session": session, "activities": []}
    again = PulseStore(f"sqlite:///{tmp_path / 'pulse.sqlite'}")  # a restarted service keeps the session
    assert again.summary()["session"] == session


class _Recorder(BaseHTTPRequestHandler):
    seen: list[tuple[str, dict]] = []

    def do_POST(self) -> None:  # noqa: N802 (http.server's name)
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        _Recorder.seen.append((self.headers["Authorization"], body))
        self.send_response(201)
        self.end_headers()

    def log_message(self, *args) -> None:
        pass


def test_client_is_off_without_a_hub_and_posts_with_the_narrow_pulse_token(specs, store, monkeypatch) -> None:
    monkeypatch.delenv(client.PULSE_URL_ENV, raising=False)
    monkeypatch.delenv(client.TOKEN_ENV, raising=False)
    monkeypatch.delenv(client.SERVER_TOKEN_ENV, raising=False)
    assert client.report_check(specs["quiz"], "sample", {"q1": 0}) is None
    monkeypatch.setenv(client.SERVER_TOKEN_ENV, "server-token")
    monkeypatch.setenv(client.PULSE_URL_ENV, "http://127.0.0.1:9/api/answers")
    assert client.target() == ("http://127.0.0.1:9/api/answers", "server-token")  # no pulse token: the fallback
    monkeypatch.setenv(client.TOKEN_ENV, "pulse-token")
    assert client.target() == ("http://127.0.0.1:9/api/answers", "pulse-token")  # the narrow one wins
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        monkeypatch.setenv(client.PULSE_URL_ENV, f"http://127.0.0.1:{server.server_port}/api/answers")
        view = PlannerView(specs["plan"], "sample", store)
        view.boxes["who"]["gov"].value = True
        view.check_button.click()
        deadline = time.monotonic() + 10
        while not _Recorder.seen and time.monotonic() < deadline:
            time.sleep(0.05)
        auth, body = _Recorder.seen[-1]
        assert auth == "token pulse-token"
        assert body == {"lesson": "sample", "activity": "plan", "answer": {"who": ["gov"], "where": []}}
    finally:
        server.shutdown()


def test_service_down_check_still_saves_at_once_and_the_failure_is_only_logged(specs, store, monkeypatch,
                                                                                 tmp_path: Path) -> None:
    log = tmp_path / "pulse.log"
    monkeypatch.setenv(client.PULSE_URL_ENV, "http://127.0.0.1:9/api/answers")  # nothing listens on port 9
    monkeypatch.setenv(client.TOKEN_ENV, "server-token")
    monkeypatch.setenv(client.LOG_ENV, str(log))
    for handler in list(client.log.handlers):
        client.log.removeHandler(handler)
    view = SlidersView(specs["rate"], "sample", store)
    view.subject.value = "The WTO"
    started = time.monotonic()
    view.check_button.click()
    assert time.monotonic() - started < 2.5  # the POST runs in the background
    assert view.status.value == "Saved." and store.load("sample", "rate")["answer"]["subject"] == "The WTO"
    quiz = ChoiceView(specs["quiz"], "sample", store)
    quiz.radios["q1"].value = 0
    thread = client.report_check(specs["quiz"], "sample", quiz.answer())
    thread.join(10)
    assert "class pulse: sample/quiz not sent" in log.read_text()
    assert "Traceback" not in quiz.feedback.value + quiz.status.value
