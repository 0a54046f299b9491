# Authentication for the class hub beyond the local default (PAM with generated passwords).
#
# Nothing here is active. Copy this file outside the repo (e.g. /etc/mobilizing-action/auth.py),
# uncomment ONE section, fill in the values from your LMS or identity provider, install its package
# into the venv, and start the hub with
#     MOBILIZING_HUB_EXTRA_CONFIG=/etc/mobilizing-action/auth.py MOBILIZING_HUB_CREATE_USERS=1 make hub
# The file is loaded after jupyterhub_config.py, so it overrides the PAM settings.
#
# Users from an LMS or OAuth are not local accounts: MOBILIZING_HUB_CREATE_USERS=1 makes the hub create
# each one (useradd, no password, home 0700) before their first server start. Their hub name must be a
# valid Linux user name (lower case letters, digits, '-', '_'); pick the username claim accordingly.
# Groups: instructors get `instructors` and `graders` (the class pulse; the grading service), teaching
# assistants `graders` (the grading service), everyone else `students`.
# The hooks below set the group from the LMS role or the provider's groups at each login.

# ------------------------------------------------------------------ LTI 1.3 (Canvas, Moodle, Blackboard...)
# pip install 'jupyterhub-ltiauthenticator>=1.6'   (into .venv)
# Register the hub as an LTI 1.3 tool in the LMS: OIDC login URL https://HUB/hub/lti13/oauth_login,
# redirect URL https://HUB/hub/lti13/oauth_callback, public JWK set URL https://HUB/hub/lti13/jwks.
#
# c.JupyterHub.authenticator_class = "ltiauthenticator.lti13.auth.LTI13Authenticator"
# c.LTI13Authenticator.issuer = "https://lms.example.edu"
# c.LTI13Authenticator.client_id = ["CLIENT-ID-FROM-THE-LMS"]
# c.LTI13Authenticator.authorize_url = "https://lms.example.edu/api/lti/authorize_redirect"
# c.LTI13Authenticator.jwks_endpoint = "https://lms.example.edu/api/lti/security/jwks"
# c.LTI13Authenticator.username_key = "email"  # made a Linux name by the hook below
# c.Authenticator.allow_all = True          # only members of the LMS course can launch the tool
# c.Authenticator.manage_groups = True      # groups come from the LMS role (hook below)
# c.JupyterHub.load_groups = {}             # not the local test accounts' groups
#
# import re
#
# async def groups_from_lti(authenticator, handler, auth_model):
#     # ann.lee@uni.example.edu -> ann-lee (check that local parts are unique in your LMS course)
#     auth_model["name"] = re.sub(r"[^a-z0-9_-]", "-", auth_model["name"].split("@")[0].lower())[:32]
#     claims = auth_model.get("auth_state") or {}
#     roles = claims.get("https://purl.imsglobal.org/spec/lti/claim/roles", [])
#     if any(r.endswith("membership#Instructor") for r in roles):
#         auth_model["groups"] = ["instructors", "graders"]
#     elif any(r.endswith("membership#TeachingAssistant") for r in roles):
#         auth_model["groups"] = ["graders"]
#     else:
#         auth_model["groups"] = ["students"]
#     return auth_model
#
# c.Authenticator.post_auth_hook = groups_from_lti

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
