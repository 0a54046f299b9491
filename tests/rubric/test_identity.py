"""Who a grade names: the hub user on a person's own server, the sender of the kernel message in the
shared grading service (course_tools.rubric.identity), and the websocket stamp that puts it there."""

from __future__ import annotations

import json
from types import SimpleNamespace

import pytest

from course_tools import CourseToolsError
from course_tools.grading.hub_service import V1_PROTOCOL, stamp
from course_tools.rubric import identity


def _in_kernel(monkeypatch: pytest.MonkeyPatch, username: str | None) -> None:
    """Pretend to run inside a kernel handling a message from `username`."""
    parent = {"header": {"username": username}} if username else {}
    kernel = SimpleNamespace(get_parent=lambda channel=None: parent)
    monkeypatch.setattr("IPython.get_ipython", lambda: SimpleNamespace(kernel=kernel))


def test_own_server_names_the_hub_user_then_the_login(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(identity.IDENTITY_ENV, raising=False)
    monkeypatch.delenv(identity.GRADER_ENV, raising=False)
    monkeypatch.setenv("JUPYTERHUB_USER", "amina")
    assert identity.current_grader() == "amina"
    monkeypatch.delenv("JUPYTERHUB_USER")
    monkeypatch.setattr(identity.getpass, "getuser", lambda: "login-name")
    assert identity.current_grader() == "login-name"


def test_shared_service_names_the_sender_of_the_message_not_the_course_account(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(identity.IDENTITY_ENV, identity.KERNEL_MESSAGE)
    monkeypatch.setenv("JUPYTERHUB_USER", "grader-course")  # what the hub gives the service's processes
    _in_kernel(monkeypatch, "ta1")
    assert identity.current_grader() == "ta1"
    _in_kernel(monkeypatch, "prof")  # the next click, from another grader on the same kernel
    assert identity.current_grader() == "prof"


def test_shared_service_outside_a_kernel_needs_a_name(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(identity.IDENTITY_ENV, identity.KERNEL_MESSAGE)
    monkeypatch.delenv(identity.GRADER_ENV, raising=False)
    _in_kernel(monkeypatch, None)
    with pytest.raises(CourseToolsError, match=identity.GRADER_ENV):
        identity.current_grader()
    monkeypatch.setenv(identity.GRADER_ENV, "ta2")
    assert identity.current_grader() == "ta2"


def test_grading_resolves_the_grader_at_each_save(monkeypatch: pytest.MonkeyPatch) -> None:
    from course_tools.rubric.grader import Grading

    grading = Grading.__new__(Grading)  # only the grader property is exercised
    grading._grader = None
    monkeypatch.setenv(identity.IDENTITY_ENV, identity.KERNEL_MESSAGE)
    for name in ("prof", "ta1"):
        _in_kernel(monkeypatch, name)
        assert grading.grader == name
    grading._grader = "ta1"  # a name given in a cell is fine when it is the signed-in grader's own
    assert grading.grader == "ta1"


def test_shared_service_refuses_a_grader_name_given_in_a_cell(monkeypatch: pytest.MonkeyPatch) -> None:
    """Issue #22 point 10: `dashboard(grader="prof")` typed by a teaching assistant in the grading service
    recorded their grades as prof's. There the server knows who sent the message: that name wins."""
    from course_tools.rubric.grader import Grading

    grading = Grading.__new__(Grading)
    grading._grader = "prof"
    monkeypatch.setenv(identity.IDENTITY_ENV, identity.KERNEL_MESSAGE)
    monkeypatch.setenv(identity.GRADER_ENV, "prof")  # nor does the environment, where a message names someone
    _in_kernel(monkeypatch, "ta1")
    with pytest.raises(CourseToolsError, match=r"signed in \(ta1\), not 'prof'"):
        grading.grader  # noqa: B018 (the property is the check)
    grading._grader = None
    assert grading.grader == "ta1"


def test_only_instructors_see_names_in_the_shared_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(identity.IDENTITY_ENV, raising=False)
    assert identity.sees_names(lambda: "anyone")  # a person's own server or laptop
    monkeypatch.setenv(identity.IDENTITY_ENV, identity.KERNEL_MESSAGE)
    monkeypatch.setenv(identity.INSTRUCTORS_ENV, "prof, other")
    assert identity.sees_names(lambda: "prof") and not identity.sees_names(lambda: "ta1")


def _message(username: str) -> dict:
    return {"header": {"msg_id": "1", "msg_type": "execute_request", "username": username, "session": "s",
                       "date": "2026-01-01T00:00:00Z", "version": "5.3"},
            "parent_header": {}, "metadata": {}, "content": {"code": "1"}, "channel": "shell"}


def test_stamp_overwrites_the_browsers_claim_in_the_json_protocol() -> None:
    stamped = json.loads(stamp(json.dumps(_message("someone-else")), "ta1", None))
    assert stamped["header"]["username"] == "ta1" and stamped["content"] == {"code": "1"}


def test_stamp_overwrites_the_claim_in_the_v1_binary_protocol() -> None:
    from jupyter_server.services.kernels.connection.base import deserialize_msg_from_ws_v1, serialize_msg_to_ws_v1

    msg = _message("someone-else")
    wire = serialize_msg_to_ws_v1(msg, "shell", pack=lambda part: json.dumps(part).encode())
    channel, parts = deserialize_msg_from_ws_v1(stamp(wire, "prof", V1_PROTOCOL))
    assert channel == "shell" and json.loads(parts[0])["username"] == "prof"
    assert json.loads(parts[3]) == {"code": "1"}


def test_stamp_keeps_binary_buffers_of_the_legacy_protocol() -> None:
    from jupyter_server.services.kernels.connection.base import deserialize_binary_message, serialize_binary_message

    msg = {**_message("someone-else"), "buffers": [b"\x00\x01raw"]}
    out = deserialize_binary_message(stamp(serialize_binary_message(msg), "ta1", None))
    assert out["header"]["username"] == "ta1" and out["buffers"] == [b"\x00\x01raw"]
