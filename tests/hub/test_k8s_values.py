"""The Zero to JupyterHub values carry what the local hub proves (not deployed here, so checked as data):
the same image and command, groups, the formgrader only in the course's grading service, the same role
files, and an nbgrader exchange on a shared volume at the path the user servers are told about."""

from __future__ import annotations

import json
import sys

import pytest
import yaml

from tests.paths import REPO

sys.path.insert(0, str(REPO / "deploy" / "jupyterhub"))
import classhub  # noqa: E402 (deploy/jupyterhub is not a package)

K8S = REPO / "deploy" / "kubernetes"
ROLES = "/etc/mobilizing-action/roles"


@pytest.fixture(scope="module")
def values() -> dict:
    return yaml.safe_load((K8S / "values.yaml").read_text(encoding="utf-8"))


def _files(values: dict, where: str = "singleuser") -> dict[str, dict]:
    return {entry["mountPath"]: entry for entry in values[where]["extraFiles"].values()}


def test_user_image_is_the_repo_environment(values: dict) -> None:
    single = values["singleuser"]
    # The local hub runs .venv/bin/jupyterhub-singleuser; the image puts that .venv/bin first on PATH.
    assert single["cmd"] == (classhub.VENV_BIN / "jupyterhub-singleuser").name
    assert single["image"]["name"] and str(single["image"]["tag"])
    assert single["defaultUrl"] == "/lab"
    dockerfile = (K8S / "Dockerfile").read_text(encoding="utf-8")
    assert '[hub]"' in dockerfile and "ENV REPO=/opt/mobilizing-action" in dockerfile
    assert "PATH=${REPO}/.venv/bin:" in dockerfile
    assert single["extraEnv"]["MOBILIZING_CONTENT"] == "/opt/mobilizing-action/content"
    hook = " ".join(single["lifecycleHooks"]["postStart"]["exec"]["command"])
    assert "/opt/mobilizing-action/deploy/jupyterhub/prepare_user.py" in hook
    assert "--lessons /opt/mobilizing-action/notebooks" in hook and f"--course-id {classhub.DEFAULT_COURSE_ID}" in hook


def test_exchange_is_a_shared_volume_at_the_path_servers_are_given(values: dict) -> None:
    single = values["singleuser"]
    exchange = single["extraEnv"][classhub.EXCHANGE_ENV]
    assert exchange == classhub.SHARED_EXCHANGE
    mounts = {m["name"]: m["mountPath"] for m in single["storage"]["extraVolumeMounts"]}
    volumes = {v["name"]: v for v in single["storage"]["extraVolumes"]}
    assert mounts["nbgrader-exchange"] == exchange
    assert volumes["nbgrader-exchange"]["persistentVolumeClaim"]["claimName"]
    init = single["initContainers"][0]
    assert f"chmod 1777 {exchange}" in " ".join(init["command"]) and init["securityContext"]["runAsUser"] == 0
    # Distinct uids per user, else nbgrader's file permissions protect nothing between pods.
    assert "c.KubeSpawner.uid = lambda spawner: 10000 + spawner.user.id" in values["hub"]["extraConfig"][
        "mobilizing-action"]


@pytest.mark.parametrize("role", ["student", "instructor", "grader"])
def test_role_files_are_the_local_hubs(values: dict, role: str) -> None:
    files = _files(values, "hub" if role == "grader" else "singleuser")  # the grading service is in the hub pod
    nbgrader = files[f"{ROLES}/{role}/nbgrader_config.py"]["stringData"]
    assert nbgrader == classhub.nbgrader_config_text(role, classhub.DEFAULT_COURSE_ID)
    server = files[f"{ROLES}/{role}/jupyter_server_config.d/mobilizing-role.json"]["data"]
    assert server == classhub.server_config(role)
    page = files[f"{ROLES}/{role}/labconfig/page_config.json"]["data"]
    assert page == classhub.page_config(role)
    overrides = files[f"{ROLES}/{role}/labconfig/default_setting_overrides.json"]["data"]
    assert overrides == classhub.setting_overrides(role)


def test_formgrader_is_only_in_the_grading_service(values: dict) -> None:
    files = _files(values)
    for role in ("student", "instructor"):
        server = files[f"{ROLES}/{role}/jupyter_server_config.d/mobilizing-role.json"]["data"]
        assert server["ServerApp"]["jpserver_extensions"]["nbgrader.server_extensions.formgrader"] is False
        page = files[f"{ROLES}/{role}/labconfig/page_config.json"]["data"]
        assert page["disabledExtensions"]["@jupyter/nbgrader:formgrader"] is True
    grader = json.dumps(_files(values, "hub")[f"{ROLES}/grader/jupyter_server_config.d/mobilizing-role.json"]["data"])
    assert "formgrader" not in grader  # the venv's nbgrader.json enables it


def test_grading_service_is_the_local_hubs(values: dict) -> None:
    """As classhub.grading_service: named after the course, the grader role, the course for nbgrader and
    course-tools, kernels told who sent each message; `graders` may open it; the exchange is mounted."""
    config = values["hub"]["extraConfig"]["mobilizing-action"]
    course_id = classhub.DEFAULT_COURSE_ID
    assert f'"name": "{course_id}"' in config and '"--role", "grader"' in config
    assert f"--ServerApp.kernel_websocket_connection_class={classhub.STAMPED_CONNECTION}" in config
    assert '"MOBILIZING_GRADER_IDENTITY": "kernel-message"' in config and 'f"{ROLES}/grader"' in config
    assert f'"access:services!service={course_id}"' in config and '"groups": ["graders"]' in config
    assert '["instructors", "graders"]' in config and '["graders"]' in config  # LMS Instructor / TA
    mounts = {m["name"]: m["mountPath"] for m in values["hub"]["extraVolumeMounts"]}
    assert mounts["nbgrader-exchange"] == classhub.SHARED_EXCHANGE


def test_groups_pick_the_role_config_as_locally(values: dict) -> None:
    hub = values["hub"]
    code = hub["extraConfig"]["mobilizing-action"]
    compile(code, "extraConfig", "exec")
    # Instructors and teaching assistants get the staff config, as classhub.HubSettings.role_of
    assert f'STAFF = ("{classhub.INSTRUCTORS_GROUP}", "{classhub.GRADERS_GROUP}")' in code and "g.name in STAFF" in code
    assert f'["{classhub.GRADERS_GROUP}"]' in code and f'["{classhub.STUDENTS_GROUP}"]' in code
    assert '"JUPYTER_CONFIG_PATH": f"{ROLES}/{role}"' in code and f'ROLES = "{ROLES}"' in code
    assert hub["config"]["Authenticator"]["manage_groups"] is True
    assert hub["config"]["JupyterHub"]["authenticator_class"] == "ltiauthenticator.lti13.auth.LTI13Authenticator"
    lti = hub["config"]["LTI13Authenticator"]
    assert {"issuer", "client_id", "authorize_url", "jwks_endpoint"} <= set(lti)


def test_students_land_on_the_overview_app_and_the_pulse_is_the_local_hubs(values: dict) -> None:
    """The pulse service, its roles and the kernels' pulse URL match deploy/jupyterhub; students'
    default URL is the overview as an app, as classhub.prepare_user_server sets it."""
    config = values["hub"]["extraConfig"]["mobilizing-action"]
    assert f'"{classhub.APP_VIEW}{classhub.OVERVIEW}"' in config
    assert f'"name": "{classhub.PULSE_SERVICE}"' in config and '"-m", "course_tools.pulse.service"' in config
    assert f"/services/{classhub.PULSE_SERVICE}/api/answers" in config
    scopes = (f"read:groups!group={classhub.INSTRUCTORS_GROUP}", f"access:services!service={classhub.PULSE_SERVICE}")
    assert all(scope in config for scope in scopes), scopes
    compile(config, "values.yaml: hub.extraConfig.mobilizing-action", "exec")  # it is Python the hub runs
