"""Start a hub service on a privileged loopback port it could not bind itself: bind as root, then become the
service's account and run it with the bound socket.

Ports below net.ipv4.ip_unprivileged_port_start (1024 by default) can be bound by root only, so no student's
program can take a service's address while the service is down: the hub and the proxy only ever reach the
real service there. (Unix sockets would do the same, but configurable-http-proxy's Unix-socket targets drop
request bodies now and then: Node's EPIPE on Linux, nodejs/node#40553.) The service finds the socket's file
descriptor in $MOBILIZING_LISTEN_FD.

    python -m course_tools.hub.launch --port 882 --user mobilizing-pulse [--env KEY=VALUE ...] -- COMMAND ...
"""

from __future__ import annotations

import argparse
import os
import pwd
import socket
import sys

LISTEN_FD_ENV = "MOBILIZING_LISTEN_FD"


def unprivileged_start() -> int:
    """The lowest port any user may bind on this machine (Linux's sysctl; 1024 where it cannot be read)."""
    try:
        with open("/proc/sys/net/ipv4/ip_unprivileged_port_start") as text:
            return int(text.read())
    except (OSError, ValueError):
        return 1024


def check_privileged(ports: dict[str, int]) -> None:
    """Refuse ports that every user of this machine could bind: a student's program could answer there."""
    start = unprivileged_start()
    for name, port in ports.items():
        if not 0 < port < start:
            raise ValueError(f"{name}: port {port} can be bound by any user here (net.ipv4.ip_unprivileged_port_start"
                             f" is {start}): choose a port below {start}, or set the sysctl back to 1024")


def bind(port: int, host: str = "127.0.0.1") -> socket.socket:
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


def become(user: str) -> dict[str, str]:
    """Drop from root to `user` (its groups too; every capability goes with uid 0); return its HOME/USER env."""
    entry = pwd.getpwnam(user)
    os.initgroups(user, entry.pw_gid)
    os.setgid(entry.pw_gid)
    os.setuid(entry.pw_uid)
    if os.getuid() == 0 or os.geteuid() == 0:
        raise RuntimeError(f"still root after switching to {user}")
    return {"HOME": entry.pw_dir, "USER": user, "LOGNAME": user}


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, required=True, help="the privileged loopback port to listen on")
    parser.add_argument("--user", required=True, help="the account the service runs as")
    parser.add_argument("--env", action="append", default=[], metavar="KEY=VALUE",
                        help="set a variable after the hub's (e.g. a service URL the service must not bind itself)")
    parser.add_argument("command", nargs=argparse.REMAINDER, help="-- then the service's command")
    args = parser.parse_args(argv)
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("a command is needed after --")
    check_privileged({"--port": args.port})
    sock = bind(args.port)
    env = dict(os.environ)
    env.update(become(args.user))
    env.update(item.split("=", 1) for item in args.env)
    env[LISTEN_FD_ENV] = str(sock.fileno())
    sys.stdout.flush()
    os.execvpe(command[0], command, env)


if __name__ == "__main__":
    main()
