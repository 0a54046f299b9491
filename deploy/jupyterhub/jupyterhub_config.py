# JupyterHub configuration for one Mobilizing Action class on one machine.
#
# Start it with `make hub` (as root), which sets up users and state and runs
#   .venv/bin/jupyterhub -f deploy/jupyterhub/jupyterhub_config.py
# Settings come from MOBILIZING_HUB_* variables (see classhub.HubSettings); every path is derived
# from this file's location. Authentication: PAM against the local users (see auth_examples.py for
# LTI 1.3 and OAuth).
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import classhub  # noqa: E402 (after the path is set)

settings = classhub.HubSettings.from_env()
c = get_config()  # noqa: F821 (traitlets provides it)
lti = os.environ.get(classhub.ENV_PREFIX + "LTI_ISSUER")
if lti:  # half an LMS registration stops here, before anything else is set up (lti_config.py)
    import lti_config

    lti_config.LtiSettings.from_env(os.environ)

# --- network: the public proxy port on settings.ip; the internal ports below 1024 (docs/security.md).
# A loopback port above 1023 is free for any student's program to bind while its owner is down (a crash, a
# restart), and whoever binds it gets the tokens and cookies meant for the hub or a service. Ports below 1024
# are root's: the hub binds its own, course_tools.hub.launch binds each service's before it drops to the
# service's account, and the proxy's API is a Unix socket in the root-only hub/ folder.
from course_tools.hub.launch import check_privileged  # noqa: E402
from course_tools.hub.sockets import socket_url  # noqa: E402

check_privileged(settings.internal_ports)
classhub.ensure_pulse_account(settings)  # the pulse's own system user and folder, at every start
c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings.hub_port
c.JupyterHub.proxy_class = "course_tools.hub.proxy.ClassProxy"
c.ConfigurableHTTPProxy.api_url = socket_url(settings.proxy_api_socket)  # in hub/ (0700): root only
c.ConfigurableHTTPProxy.auth_token = classhub.proxy_token(settings)  # kept: a restarted hub talks to the same proxy
c.ConfigurableHTTPProxy.command = [str(classhub.PROXY)]  # npm package in deploy/jupyterhub/node_modules
c.ConfigurableHTTPProxy.pid_file = str(settings.proxy_pid_file)
# A hub restart in class keeps the public port, the proxy's routes and every user's server and kernel running.
c.JupyterHub.cleanup_proxy = False
c.JupyterHub.cleanup_servers = False

# --- state: in the runtime folder (git-ignored; MOBILIZING_HUB_RUNTIME moves it); the hub's own in hub/ (0700)
c.JupyterHub.db_url = settings.hub_db  # $MOBILIZING_HUB_DB (e.g. PostgreSQL), else SQLite in hub/
# A class hub set up under an older JupyterHub (e.g. 5) keeps its database across `make hub` runs: upgrade
# its schema at start. JupyterHub first copies the SQLite file beside it (jupyterhub.sqlite.<date-time>).
c.JupyterHub.upgrade_db = True
c.JupyterHub.cookie_secret_file = str(settings.private / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(settings.private / "jupyterhub.pid")

# --- answer keys out of students' reach: the student edition (runtime/edition) for students' servers, the staff
# copy (runtime/staff, course account's group) for the grading service and the grading team, the checkout closed
# to others but for .venv, course_tools/ and prepare_user.py (classhub.protect_course_material)
classhub.protect_course_material(settings)

# --- the home page: every lesson as an app; for instructors the class pulse; for graders the grading
# service's formgrader and dashboard, each in its own tab (nbgrader #1870)
c.JupyterHub.template_paths = [str(HERE / "templates")]
c.JupyterHub.template_vars = {"lesson_apps": classhub.lesson_apps(), "app_view": classhub.APP_VIEW,
                              "pulse_path": f"/services/{classhub.PULSE_SERVICE}/",
                              "grading_path": f"/services/{settings.grading_service}/",
                              "graders_group": classhub.GRADERS_GROUP,
                              "dashboard_path": f"lab/tree/{classhub.GRADING_SUBDIR}/grading_dashboard.ipynb"}
# The lessons' "Open as app" links (/voila/render/notebooks/...) lead to the user's own copy.
c.JupyterHub.extra_handlers = [classhub.app_redirect_handler()]

# --- who may log in, and in which group
c.JupyterHub.authenticator_class = "pam"  # local users, passwords set by `make hub`
c.Authenticator.allowed_users = set(settings.users)
c.PAMAuthenticator.open_sessions = False  # no systemd-logind sessions in a container or CI
c.JupyterHub.load_groups = {
    classhub.INSTRUCTORS_GROUP: {"users": list(settings.instructors)},
    classhub.GRADERS_GROUP: {"users": list(settings.grading_team)},  # instructors and teaching assistants
    classhub.STUDENTS_GROUP: {"users": list(settings.students)},
}
# No hub admins by default: an instructor needs nobody else's server. The `class-admin` service
# (token in runtime/hub/admin-api-token) starts and stops servers for scripts and tests.
# The `class-pulse` service (course_tools.pulse.service): started and stopped by the hub, logged in through
# the hub's OAuth (no second login); it reads the `instructors` group to decide who sees the page. It runs
# as its own system user, made here (root, at every start) with its folder, so every way of starting the
# hub has it.
c.JupyterHub.services = [
    {"name": "class-admin", "api_token": classhub.admin_token(settings)},
    classhub.pulse_service(settings),
    # The course's grading service (nbgrader's "one class, multiple graders"): formgrader, grading dashboard
    # and course-tools in one Jupyter server run as the course account, for the members of `graders`.
    classhub.grading_service(settings),
]
c.JupyterHub.load_roles = [
    {"name": "class-admin",
     "scopes": ["admin:users", "admin:servers", "admin:server_state", "admin:groups", "read:users", "list:users"],
     "services": ["class-admin"]},
    {"name": "class-pulse", "scopes": [f"read:groups!group={classhub.INSTRUCTORS_GROUP}"],
     "services": [classhub.PULSE_SERVICE]},
    {"name": classhub.GRADERS_GROUP, "scopes": classhub.grading_scopes(settings), "groups": [classhub.GRADERS_GROUP]},
    # nbgrader's Course List in a grader's own server may reach the grading service (a token never gets more
    # than its owner: students' server tokens cannot). Checks go to the pulse with a token of their own that can
    # do nothing else (ClassSpawner, $MOBILIZING_PULSE_TOKEN), never this one. The first two scopes are
    # JupyterHub's defaults for `server`.
    {"name": "server", "scopes": ["users:activity!user", "access:servers!server",
                                  *classhub.grading_scopes(settings)]},
]
# Users reach the pulse's page (it answers 403 unless they are in `instructors`): added to JupyterHub's
# default `user` role (JupyterHub 6) instead of redefining it.
c.JupyterHub.extra_user_scopes = {f"access:services!service={classhub.PULSE_SERVICE}"}
# Every OAuth client of this hub (users' servers, the class pulse) is JupyterHub 6's HubOAuth, which sends
# PKCE: refuse an authorization code requested without it.
c.JupyterHub.oauth_require_pkce = True

# --- user servers: the repo's .venv for everyone, JupyterLab in the user's home
# Real local users (SystemdSpawner needs systemd): JupyterHub's LocalProcessSpawner, plus a port trusted only when
# the user's own process listens on it, per-user cgroup limits, every process ended at stop, a pulse-only token.
c.JupyterHub.spawner_class = "course_tools.hub.spawner.ClassSpawner"
c.Spawner.poll_interval = 10  # a server that died is taken off the proxy within seconds
c.Spawner.cmd = [str(classhub.VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"  # instructors; students get the overview app (classhub.prepare_user_server)
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    "PATH": f"{classhub.VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    "MOBILIZING_CONTENT": str(classhub.REPO / "content"),
}
# Role config (nbgrader, extensions) and lesson copies: per user, as the user.
c.Spawner.pre_spawn_hook = classhub.prepare_user_server
c.Spawner.start_timeout = 120  # a busy 2-core machine may need a while for the first JupyterLab
c.Spawner.http_timeout = 120

# --- LMS login (LTI 1.3) instead of PAM when MOBILIZING_HUB_LTI_ISSUER is set: lti_config.py, README
if lti:
    lti_config.configure(c, os.environ)

# --- OAuth (or anything else) instead of PAM: a file of your own, see auth_examples.py
if extra := os.environ.get(classhub.ENV_PREFIX + "EXTRA_CONFIG"):
    load_subconfig(extra)  # noqa: F821 (traitlets provides it)

# --- login throttling, for whichever authenticator is set above (throttle.py; c.LoginThrottle.* to tune)
import throttle  # noqa: E402 (deploy/jupyterhub is on sys.path, above)

c.JupyterHub.authenticator_class = throttle.throttled(c.JupyterHub.authenticator_class)
