"""Which addresses outbound requests may reach.

The check runs on the resolved IP of every request (and every redirect hop), and the connection is
then made to that very IP, so a name that resolves to a metadata address, or re-resolves to one
between check and connect, is refused all the same.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket

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


async def resolve_allowed(host: str, port: int, policy: InstancePolicy) -> str:
    """Resolve `host` and return an address to connect to; every resolved address must be allowed."""
    try:
        return str(check_address(host.strip("[]"), policy))
    except ValueError:
        pass  # a name, not an IP literal
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConnectionFailed(f"The host name {host} could not be resolved ({exc.strerror}).") from None
    addresses = [str(info[4][0]) for info in infos]
    if not addresses:
        raise ConnectionFailed(f"The host name {host} did not resolve to any address.")
    for address in addresses:
        check_address(address, policy)
    return addresses[0]


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
