"""Which addresses datasources may reach: one guard for every connector that opens a socket.

A datasource's host is hostile input. Every connector resolves it here (`resolve_allowed`, or
`Connection.address` which calls it), every resolved address is checked, and the connector then
connects to the checked IP itself, so a name that resolves to a forbidden address, or re-resolves
to one between check and connect (DNS rebinding), is refused all the same. httpx clients get this
from `GuardedTransport` (in `http_common`, with httpx); clients that open their own sockets in a worker thread (boto3, smtplib)
from `connect_allowed`; database drivers are handed the checked IP (psycopg's `hostaddr`, aiomysql's
and redis-py's host).

What is refused, in this order:
- link-local, cloud metadata, multicast, unspecified and reserved addresses, always;
- the instance's own services (its store's and Redis's host:port, and `LOWCRAFT_DENIED_ADDRESSES`),
  always, whatever the private-network policy: a datasource on the store's server could read
  password hashes, and one on the session Redis could write sessions;
- loopback, unless the policy allows loopback or private networks;
- every other non-public address (RFC 1918, CGNAT, ULA, ...), unless it allows private networks.

An address counts in every form that reaches it: IPv4-mapped and IPv4-compatible IPv6, NAT64,
6to4 and Teredo addresses are checked as the IPv4 address they carry, and a denied service on a
local address (loopback, or an address of one of this machine's interfaces) is denied on every
local address, since a server listening on all interfaces answers on each of them.
"""

from __future__ import annotations

import asyncio
import ipaddress
import re
import socket
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lowcraft.connectors.errors import ConnectionFailed, ForbiddenAddress

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network

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
_LOOPBACK = [ipaddress.ip_network(n) for n in ("127.0.0.0/8", "::1/128")]
_NAT64 = ipaddress.ip_network("64:ff9b::/96")
_IPV4_COMPATIBLE = ipaddress.ip_network("::/96")

# A host name as DNS writes it (letters, digits, `-`, `_`, dots, one optional trailing dot). Anything
# else - a path (libpq reads `/run/postgresql` as a Unix socket), a comma-separated host list,
# spaces - is refused before any driver sees it.
_HOST_NAME = re.compile(r"(?=.{1,253}\.?$)[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,62})(?:\.[A-Za-z0-9_-]{1,63})*\.?")


@dataclass(frozen=True, slots=True)
class DeniedAddress:
    """A service no datasource may reach, whatever the private-network policy.

    `host` is an IP address, a network (CIDR) or a host name; `port` None denies every port.
    """

    host: str
    port: int | None
    owner: str
    """Whose service it is, for the error message: "the instance's store"."""

    @classmethod
    def parse(cls, entry: str, owner: str) -> DeniedAddress:
        """`host`, `host:port`, `[v6]:port`, `10.0.0.0/8` or `[fd00::/8]:5432`; ValueError otherwise."""
        entry = entry.strip()
        port: str | None = None
        if entry.startswith("["):
            host, sep, rest = entry[1:].partition("]")
            if not sep or (rest and not rest.startswith(":")):
                raise ValueError(f"{entry!r}: write an IPv6 address with a port as [address]:port")
            port = rest[1:] or None
        elif entry.count(":") == 1:
            host, port = entry.split(":")
        else:
            host = entry
        host = _normal_name(host)
        if not host:
            raise ValueError(f"{entry!r} names no host")
        if _network(host) is None and not _HOST_NAME.fullmatch(host):
            raise ValueError(f"{entry!r} is not an address, a network or a host name")
        number: int | None = None
        if port is not None:
            if not port.isdigit() or not 1 <= int(port) <= 65535:
                raise ValueError(f"{entry!r}: the port must be a number from 1 to 65535")
            number = int(port)
        return cls(host, number, owner)

    @property
    def network(self) -> IPNetwork | None:
        return _network(self.host)

    def __str__(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return host if self.port is None else f"{host}:{self.port}"


@dataclass(frozen=True, slots=True)
class InstancePolicy:
    """What the instance lets connectors reach: networks for outbound connections, directories for files.

    Link-local and cloud metadata addresses, and the `denied` services, are refused whatever this
    says. Loopback is allowed only when `allow_loopback` (development) or `allow_private_networks`
    is set. Policies are hashable: connectors key their client caches and pools by them.
    """

    allow_private_networks: bool = False
    allow_loopback: bool = False
    file_roots: tuple[Path, ...] = ()
    denied: tuple[DeniedAddress, ...] = ()

    @property
    def network_key(self) -> str:
        """What of this policy decides reachable addresses, as text for pool keys."""
        denied = ",".join(str(d) for d in self.denied)
        return f"{self.allow_private_networks:d}{self.allow_loopback:d}:{denied}"


def _normal_name(host: str) -> str:
    # `localhost.` and `LOCALHOST` name the same host as `localhost`.
    host = host.strip().strip("[]").lower()
    return host[:-1] if host.endswith(".") and not host.endswith("..") else host


def _network(text: str) -> IPNetwork | None:
    try:
        return ipaddress.ip_network(text.split("%", 1)[0], strict=False)
    except ValueError:
        return None


def _forms(ip: IPAddress) -> list[IPAddress]:
    """The address and every IPv4 address it carries (and is routed to) in IPv6 clothing."""
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        return [ip.ipv4_mapped]  # the very IPv4 address, reached through a dual-stack socket
    forms: list[IPAddress] = [ip]
    if isinstance(ip, ipaddress.IPv6Address):
        if ip.sixtofour is not None:
            forms.append(ip.sixtofour)
        if ip.teredo is not None:
            forms.append(ip.teredo[1])
        if ip in _NAT64 or (ip in _IPV4_COMPATIBLE and int(ip) > 1):
            forms.append(ipaddress.IPv4Address(int(ip) & 0xFFFFFFFF))
    return forms


def is_local(ip: IPAddress) -> bool:
    """Whether `ip` reaches this machine: loopback, unspecified, or one of its interfaces' addresses.

    An address is this machine's exactly when a socket can be bound to it, which needs no list of
    interfaces and stays right when they change.
    """
    if ip.is_loopback or ip.is_unspecified:
        return True
    if ip.is_link_local or ip.is_multicast:
        return False
    family = socket.AF_INET6 if ip.version == 6 else socket.AF_INET
    try:
        with socket.socket(family, socket.SOCK_STREAM) as probe:
            probe.bind((str(ip), 0))
    except OSError:
        return False
    return True


def _denied_entry(
    ip: IPAddress, port: int, name: str | None, policy: InstancePolicy, resolved: Mapping[str, frozenset[IPAddress]]
) -> DeniedAddress | None:
    local: bool | None = None  # computed once, when an entry needs it
    for entry in policy.denied:
        if entry.port is not None and entry.port != port:
            continue
        network = entry.network
        addresses: Iterable[IPAddress]
        if network is not None:
            if ip in network:
                return entry
            addresses = [network.network_address] if network.num_addresses == 1 else []
        else:
            if name is not None and _normal_name(name) == entry.host:
                return entry
            addresses = resolved.get(entry.host, frozenset())
            if ip in addresses:
                return entry
        if any(is_local(a) for a in addresses):
            if local is None:
                local = is_local(ip)
            if local:
                return entry
    return None


def check_address(
    address: str,
    policy: InstancePolicy,
    port: int | None = None,
    *,
    name: str | None = None,
    resolved: Mapping[str, frozenset[IPAddress]] | None = None,
) -> IPAddress:
    """The parsed address, or `ForbiddenAddress` if the policy refuses it (on `port`, when given).

    `name` is the host name the address came from, `resolved` the addresses of the denied entries
    that are names (see `resolve_denied`); without them only denied addresses given as IPs apply.
    """
    ip: IPAddress = ipaddress.ip_address(address.split("%", 1)[0])
    forms = _forms(ip)
    for form in forms:
        if any(form in net for net in _ALWAYS_REFUSED):
            raise ForbiddenAddress(f"Connections to {form} (link-local or cloud metadata) are not allowed.")
    if port is not None:
        for form in forms:
            entry = _denied_entry(form, port, name, policy, resolved or {})
            if entry is not None:
                raise ForbiddenAddress(
                    f"{name or form} port {port} is {entry.owner} ({entry}); datasources may never connect to it.",
                    "Point the datasource at a database or service of its own.",
                )
    for form in forms:
        if any(form in net for net in _LOOPBACK):
            if not (policy.allow_loopback or policy.allow_private_networks):
                raise ForbiddenAddress(
                    f"Connections to the loopback address {form} are not allowed on this instance.",
                    _PRIVATE_HINT,
                )
        elif not form.is_global and not policy.allow_private_networks:
            raise ForbiddenAddress(
                f"Connections to the private address {form} are not allowed for this workspace.", _PRIVATE_HINT
            )
    return ip


_PRIVATE_HINT = (
    "An instance administrator can allow private networks for this workspace, "
    "or for every workspace with LOWCRAFT_ALLOW_PRIVATE_NETWORKS."
)


def _literal(host: str) -> IPAddress | None:
    try:
        return ipaddress.ip_address(host.strip("[]").split("%", 1)[0])
    except ValueError:
        return None


def _checked_host(host: str) -> str:
    """`host` as it will be resolved, or `ForbiddenAddress` when it is no host name or address."""
    if _literal(host) is not None:
        return host.strip("[]")
    name = _normal_name(host)
    if not _HOST_NAME.fullmatch(name):
        raise ForbiddenAddress(f"{host!r} is not a host name or an IP address.")
    return name


def _addresses(infos: Sequence[tuple[Any, ...]]) -> frozenset[IPAddress]:
    found: set[IPAddress] = set()
    for info in infos:
        try:
            found.add(ipaddress.ip_address(str(info[4][0]).split("%", 1)[0]))
        except ValueError:
            continue
    return frozenset(found)


def _denied_names(policy: InstancePolicy) -> list[str]:
    return [d.host for d in policy.denied if d.network is None]


async def resolve_denied(policy: InstancePolicy) -> dict[str, frozenset[IPAddress]]:
    """The current addresses of the denied entries given as names (a name that does not resolve has none)."""
    loop = asyncio.get_running_loop()
    resolved: dict[str, frozenset[IPAddress]] = {}
    for name in _denied_names(policy):
        try:
            resolved[name] = _addresses(await loop.getaddrinfo(name, None, type=socket.SOCK_STREAM))
        except OSError:
            resolved[name] = frozenset()
    return resolved


def _resolve_denied_blocking(policy: InstancePolicy) -> dict[str, frozenset[IPAddress]]:
    resolved: dict[str, frozenset[IPAddress]] = {}
    for name in _denied_names(policy):
        try:
            resolved[name] = _addresses(socket.getaddrinfo(name, None, type=socket.SOCK_STREAM))
        except OSError:
            resolved[name] = frozenset()
    return resolved


def _checked(
    host: str, port: int, infos: Sequence[tuple[Any, ...]], policy: InstancePolicy,
    resolved: Mapping[str, frozenset[IPAddress]],
) -> list[tuple[Any, ...]]:
    if not infos:
        raise ConnectionFailed(f"The host name {host} did not resolve to any address.")
    # Every address must pass, not just the first: a client may fall back to any of them.
    for info in infos:
        check_address(str(info[4][0]), policy, port, name=host, resolved=resolved)
    return list(infos)


async def resolve_allowed(host: str, port: int, policy: InstancePolicy) -> str:
    """Resolve `host` and return an address to connect to; every resolved address must be allowed.

    Connect to the returned address, never to `host` again: a second lookup could answer otherwise.
    """
    name = _checked_host(host)
    resolved = await resolve_denied(policy)
    literal = _literal(name)
    if literal is not None:
        return str(check_address(str(literal), policy, port, resolved=resolved))
    try:
        infos = await asyncio.get_running_loop().getaddrinfo(name, port, type=socket.SOCK_STREAM)
    except socket.gaierror as exc:
        raise ConnectionFailed(f"The host name {host} could not be resolved ({exc.strerror}).") from None
    return str(_checked(name, port, infos, policy, resolved)[0][4][0]).split("%", 1)[0]


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
    name = _checked_host(host)
    resolved = _resolve_denied_blocking(policy)
    literal = _literal(name)
    if literal is not None:
        check_address(str(literal), policy, port, resolved=resolved)
        family = socket.AF_INET6 if literal.version == 6 else socket.AF_INET
        targets: list[tuple[Any, ...]] = [(family, socket.SOCK_STREAM, 0, "", (str(literal), port))]
    else:
        try:
            infos = socket.getaddrinfo(name, port, type=socket.SOCK_STREAM)
        except socket.gaierror as exc:
            raise ConnectionFailed(f"The host name {host} could not be resolved ({exc.strerror}).") from None
        targets = _checked(name, port, infos, policy, resolved)
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
