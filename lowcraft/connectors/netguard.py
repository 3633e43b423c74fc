"""Which addresses outbound requests may reach.

The check runs on the resolved IP of every request (and every redirect hop), and the connection is
then made to that very IP, so a name that resolves to a metadata address, or re-resolves to one
between check and connect, is refused all the same. httpx clients get this from
`GuardedTransport`; clients that open their own sockets in a worker thread (boto3, smtplib) from
`connect_allowed`.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from collections.abc import Sequence
from typing import Any

import httpx

from lowcraft.connectors.base import InstancePolicy
from lowcraft.connectors.errors import ConnectionFailed, ForbiddenAddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address

_ALWAYS_REFUSED = [
    ipaddress.ip_network(n)
    for n in (
        "169.254.0.0/16",  # link-local, where AWS/GCP/Azure metadata live
        "fe80::/10",
        "fd00:ec2::254/128",  # AWS metadata over IPv6
        "100.100.100.200/32",  # Alibaba Cloud metadata
        "0.0.0.0/8",
        "::/128",
        "224.0.0.0/4",
        "ff00::/8",
        "240.0.0.0/4",
    )
]
_PRIVATE = [
    ipaddress.ip_network(n)
    for n in ("10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "100.64.0.0/10", "198.18.0.0/15", "fc00::/7")
]
_LOOPBACK = [ipaddress.ip_network(n) for n in ("127.0.0.0/8", "::1/128")]


def check_address(address: str, policy: InstancePolicy) -> IPAddress:
    """The parsed address, or `ForbiddenAddress` if the policy refuses it."""
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    if any(ip in net for net in _ALWAYS_REFUSED):
        raise ForbiddenAddress(f"Requests to {ip} (link-local or cloud metadata) are not allowed.")
    if any(ip in net for net in _LOOPBACK):
        if not (policy.allow_loopback or policy.allow_private_networks):
            raise ForbiddenAddress(f"Requests to the loopback address {ip} are not allowed on this instance.")
    elif any(ip in net for net in _PRIVATE) and not policy.allow_private_networks:
        raise ForbiddenAddress(f"Requests to the private address {ip} are not allowed on this instance.")
    return ip


def _literal_address(host: str, policy: InstancePolicy) -> IPAddress | None:
    """The checked address when `host` is an IP literal, None when it is a name."""
    try:
        return check_address(host.strip("[]"), policy)
    except ValueError:
        return None


def _checked(host: str, infos: Sequence[tuple[Any, ...]], policy: InstancePolicy) -> list[tuple[Any, ...]]:
    if not infos:
        raise ConnectionFailed(f"The host name {host} did not resolve to any address.")
    # Every address must pass, not just the first: a client may fall back to any of them.
    for info in infos:
        check_address(str(info[4][0]), policy)
    return list(infos)


async def resolve_allowed(host: str, port: int, policy: InstancePolicy) -> str:
    """Resolve `host` and return an address to connect to; every resolved address must be allowed."""
    literal = _literal_address(host, policy)
    if literal is not None:
        return str(literal)
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConnectionFailed(f"The host name {host} could not be resolved ({exc.strerror}).") from None
    return str(_checked(host, infos, policy)[0][4][0])


def connect_allowed(
    host: str,
    port: int,
    policy: InstancePolicy,
    timeout: float | None,
    *,
    source_address: tuple[str, int] | None = None,
    socket_options: Sequence[tuple[int, int, int | bytes]] = (),
) -> socket.socket:
    """A TCP socket to `host`, opened to an address that passed the check (blocking).

    The name is resolved once; the socket connects to the checked addresses themselves, in the
    resolver's order, so nothing can re-resolve the name between the check and the connect.
    TLS and Host headers are the caller's: it keeps using the name.
    """
    literal = _literal_address(host, policy)
    if literal is not None:
        family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
        targets: list[tuple[Any, ...]] = [(family, socket.SOCK_STREAM, 0, "", (str(literal), port))]
    else:
        try:
            infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise ConnectionFailed(f"The host name {host} could not be resolved ({exc.strerror}).") from None
        targets = _checked(host, infos, policy)
    last_error: OSError | None = None
    for family, socktype, proto, _, address in targets:
        sock = socket.socket(family, socktype, proto)
        try:
            for level, option, value in socket_options:
                sock.setsockopt(level, option, value)
            sock.settimeout(timeout)
            if source_address:
                sock.bind(source_address)
            sock.connect(address)
        except OSError as exc:
            sock.close()
            last_error = exc
            continue
        return sock
    raise last_error or ConnectionFailed(f"Could not connect to {host}.")


class GuardedTransport(httpx.AsyncBaseTransport):
    """An httpx transport that connects only to allowed addresses, pinned to the checked IP."""

    def __init__(self, policy: InstancePolicy, *, verify: bool = True) -> None:
        self.policy = policy
        self._inner = httpx.AsyncHTTPTransport(verify=verify, retries=0)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        host = request.url.host
        port = request.url.port or (443 if request.url.scheme == "https" else 80)
        address = await resolve_allowed(host, port, self.policy)
        if address != host:
            if request.url.scheme == "https":
                request.extensions = {**request.extensions, "sni_hostname": host}
            # The Host header keeps the name; only the socket goes to the checked address.
            request.url = request.url.copy_with(host=address)
        return await self._inner.handle_async_request(request)

    async def aclose(self) -> None:
        await self._inner.aclose()
