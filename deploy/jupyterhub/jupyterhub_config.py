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

# --- network: the public proxy port, and the hub's and proxy's internal ports, all on settings.ip
c.JupyterHub.bind_url = f"http://{settings.ip}:{settings.port}"
c.JupyterHub.hub_ip = "127.0.0.1"
c.JupyterHub.hub_port = settings.hub_port
c.ConfigurableHTTPProxy.api_url = f"http://127.0.0.1:{settings.proxy_api_port}"
c.ConfigurableHTTPProxy.command = [str(classhub.PROXY)]  # npm package in deploy/jupyterhub/node_modules
c.ConfigurableHTTPProxy.pid_file = str(settings.private / "jupyterhub-proxy.pid")

# --- state: in the runtime folder (git-ignored; MOBILIZING_HUB_RUNTIME moves it); the hub's own in hub/ (0700)
c.JupyterHub.db_url = f"sqlite:///{settings.private / 'jupyterhub.sqlite'}"
c.JupyterHub.cookie_secret_file = str(settings.private / "jupyterhub_cookie_secret")
c.JupyterHub.pid_file = str(settings.private / "jupyterhub.pid")

# --- the home page gives instructors an 'Open the formgrader (new tab)' button (nbgrader #1870)
c.JupyterHub.template_paths = [str(HERE / "templates")]

# --- who may log in, and in which group
c.JupyterHub.authenticator_class = "pam"  # local users, passwords set by `make hub`
c.Authenticator.allowed_users = set(settings.users)
c.PAMAuthenticator.open_sessions = False  # no systemd-logind sessions in a container or CI
c.JupyterHub.load_groups = {
    classhub.INSTRUCTORS_GROUP: {"users": list(settings.instructors)},
    classhub.STUDENTS_GROUP: {"users": list(settings.students)},
}
# No hub admins by default: an instructor needs nobody else's server. The `class-admin` service
# (token in runtime/hub/admin-api-token) starts and stops servers for scripts and tests.
c.JupyterHub.services = [{"name": "class-admin", "api_token": classhub.admin_token(settings)}]
c.JupyterHub.load_roles = [{
    "name": "class-admin",
    "scopes": ["admin:users", "admin:servers", "admin:server_state", "admin:groups", "read:users", "list:users"],
    "services": ["class-admin"],
}]

# --- user servers: the repo's .venv for everyone, JupyterLab in the user's home
c.JupyterHub.spawner_class = "localprocess"  # real local users; SystemdSpawner needs systemd
c.Spawner.cmd = [str(classhub.VENV_BIN / "jupyterhub-singleuser")]
c.Spawner.default_url = "/lab"
c.Spawner.notebook_dir = "~"
c.Spawner.environment = {
    "PATH": f"{classhub.VENV_BIN}:/usr/local/bin:/usr/bin:/bin",
    "MOBILIZING_CONTENT": str(classhub.REPO / "content"),
}
# Role config (nbgrader, extensions), lesson copies and the instructor's course: per user, as the user.
c.Spawner.pre_spawn_hook = classhub.prepare_user_server
c.Spawner.start_timeout = 120  # a busy 2-core machine may need a while for the first JupyterLab
c.Spawner.http_timeout = 120
c.JupyterHub.cleanup_servers = True  # stopping the hub stops every user server

# --- LTI 1.3 / OAuth instead of PAM: a file of your own, see auth_examples.py
if extra := os.environ.get(classhub.ENV_PREFIX + "EXTRA_CONFIG"):
    load_subconfig(extra)  # noqa: F821 (traitlets provides it)
