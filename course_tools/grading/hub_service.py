"""The server side of the class hub's shared grading service: tell a kernel which grader sent each message.

nbgrader's "one class, multiple graders" set-up runs ONE Jupyter server as the course account, as a
JupyterHub service; every member of `graders` reaches it with their own hub login. Its kernels run as
the course account, so the only place the grader's identity exists is the request: jupyterhub-singleuser
authenticates each browser or token through the hub (HubOAuth). This websocket connection class, set
as `ServerApp.kernel_websocket_connection_class` in the service's config (deploy/jupyterhub/classhub.py),
overwrites the `username` of each message's header with that authenticated hub user before the
message reaches the kernel; course_tools.rubric.identity reads it back in the kernel. Whatever the
browser put there is replaced, so the name is the hub's, not the client's.
"""

from __future__ import annotations

import json

from jupyter_server.services.kernels.connection.base import (
    deserialize_binary_message,
    deserialize_msg_from_ws_v1,
    serialize_binary_message,
    serialize_msg_to_ws_v1,
)
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection

V1_PROTOCOL = "v1.kernel.websocket.jupyter.org"


def stamp(message: str | bytes, username: str, subprotocol: str | None) -> str | bytes:
    """A websocket kernel message (either protocol) with header.username set to `username`."""
    if subprotocol == V1_PROTOCOL:
        channel, parts = deserialize_msg_from_ws_v1(message)
        header = json.loads(parts[0])
        header["username"] = username
        parts[0] = json.dumps(header).encode("utf-8")
        return serialize_msg_to_ws_v1(parts, channel)
    if isinstance(message, bytes):  # the legacy protocol with binary buffers
        msg = deserialize_binary_message(message)
        msg["header"]["username"] = username
        return serialize_binary_message(msg)
    msg = json.loads(message)
    msg.setdefault("header", {})["username"] = username
    return json.dumps(msg)


class HubUserStampedConnection(ZMQChannelsWebsocketConnection):
    """Jupyter Server's kernel websocket connection, with the hub user written into each message."""

    def handle_incoming_message(self, incoming_msg: str | bytes) -> None:
        user = self.websocket_handler.current_user
        username = getattr(user, "username", None)
        if not username:  # jupyter_server authenticated the websocket, so this does not happen
            self.log.warning("grading service: a kernel message without an authenticated user was dropped")
            return
        super().handle_incoming_message(stamp(incoming_msg, username, self.subprotocol))
