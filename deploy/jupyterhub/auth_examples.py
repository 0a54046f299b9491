# Authentication for the class hub beyond the local default (PAM with generated passwords).
#
# Nothing here is active. Copy this file outside the repo (e.g. /etc/mobilizing-action/auth.py),
# uncomment ONE section, fill in the values from your LMS or identity provider, install its package
# into the venv, and start the hub with
#     MOBILIZING_HUB_EXTRA_CONFIG=/etc/mobilizing-action/auth.py MOBILIZING_HUB_CREATE_USERS=1 make hub
# The file is loaded after jupyterhub_config.py, so it overrides the PAM settings.
#
# Users from OAuth are not local accounts: MOBILIZING_HUB_CREATE_USERS=1 makes the hub create
# each one (useradd, no password, home 0700) before their first server start. Their hub name must be a
# valid Linux user name (lower case letters, digits, '-', '_'); pick the username claim accordingly.
# Groups: instructors get `instructors` and `graders` (the class pulse; the grading service), teaching
# assistants `graders` (the grading service), everyone else `students`.
# The hooks below set the group from the LMS role or the provider's groups at each login.

# ------------------------------------------------------------------ LTI 1.3 (Canvas, Moodle, Blackboard...)
# Not here any more: LMS login is built in and tested (lti_config.py, tests/hub/test_lti.py). Set the
# MOBILIZING_HUB_LTI_* variables from the LMS's tool registration (README, "Logging in from the LMS").

# ------------------------------------------------------------------ OAuth / OpenID Connect (university SSO)
# pip install 'oauthenticator>=17'   (into .venv)
#
# c.JupyterHub.authenticator_class = "generic-oauth"
# c.GenericOAuthenticator.client_id = "CLIENT-ID"
# c.GenericOAuthenticator.client_secret = "CLIENT-SECRET"           # better: env OAUTH_CLIENT_SECRET
# c.GenericOAuthenticator.oauth_callback_url = "https://hub.example.edu/hub/oauth_callback"
# c.GenericOAuthenticator.authorize_url = "https://sso.example.edu/oauth2/authorize"
# c.GenericOAuthenticator.token_url = "https://sso.example.edu/oauth2/token"
# c.GenericOAuthenticator.userdata_url = "https://sso.example.edu/oauth2/userinfo"
# c.GenericOAuthenticator.scope = ["openid", "profile", "groups"]
# c.GenericOAuthenticator.username_claim = "preferred_username"
# c.GenericOAuthenticator.manage_groups = True
# c.GenericOAuthenticator.auth_state_groups_key = "oauth_user.groups"  # provider groups named
# c.GenericOAuthenticator.allowed_groups = {"instructors", "graders", "students"}  # the hub's groups
# c.JupyterHub.load_groups = {}
#
# GitHub organisation teams work the same way with c.JupyterHub.authenticator_class = "github"
# and c.GitHubOAuthenticator.allowed_organizations / populate_teams_in_auth_state.
