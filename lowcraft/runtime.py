"""The long-lived parts of a running instance, built once from the settings."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

from lowcraft.cache import KeyValueStore, open_store
from lowcraft.cache.generation import Generation, open_generation
from lowcraft.cache.notices import Notices
from lowcraft.config import Settings
from lowcraft.connectors.base import InstancePolicy
from lowcraft.connectors.files import workspace_policy
from lowcraft.connectors.netguard import DeniedAddress
from lowcraft.crypto import SecretBox
from lowcraft.identity.passwords import Passwords
from lowcraft.identity.sessions import DatabaseSessions, RedisSessions, SessionSeal
from lowcraft.identity.throttle import LoginThrottle
from lowcraft.mail import Mailer
from lowcraft.signin.http import ProviderHttp
from lowcraft.store.db import Database


def _url_services(url: str, default_port: int) -> list[tuple[str, int]]:
    """The TCP host:port pairs a store or Redis URL connects to (libpq's `h1:p1,h2:p2` lists too).

    A PostgreSQL URL on a Unix socket (no host, or `?host=/run/postgresql`) names the server's
    port all the same (the socket file is named after it), and that server listens on this
    machine: its port is denied on every local address.
    """
    parts = urlsplit(url)
    if parts.scheme.startswith("sqlite") or parts.scheme == "unix":
        return []
    query = parse_qs(parts.query)
    query_port = query.get("port", [""])[0]
    port_default = int(query_port) if query_port.isdigit() else default_port
    entries = [e for e in parts.netloc.rsplit("@", 1)[-1].split(",") if e]
    entries += [h for value in query.get("host", []) + query.get("hostaddr", []) for h in value.split(",") if h]
    pairs = []
    for entry in entries or [""]:
        host, port = entry, ""
        if entry.startswith("["):
            host, _, rest = entry[1:].partition("]")
            port = rest.removeprefix(":")
        elif entry.count(":") == 1:
            host, port = entry.split(":")
        host = host.strip()
        pairs.append(("127.0.0.1" if not host or host.startswith("/") else host, int(port) if port.isdigit() else port_default))
    return pairs


def instance_denied_addresses(settings: Settings) -> tuple[DeniedAddress, ...]:
    """The instance's own services, which no datasource may reach: its store, its Redis and the
    `LOWCRAFT_DENIED_ADDRESSES` entries (a malformed entry stops the start with its problem)."""
    denied: list[DeniedAddress] = []
    owners = (
        (settings.resolved_database_url, 5432, "the instance's store"),
        (settings.redis_url or "", 6379, "the instance's Redis"),
    )
    for url, default_port, owner in owners:
        for host, port in _url_services(url, default_port) if url else []:
            denied.append(DeniedAddress.parse(f"[{host}]:{port}" if ":" in host else f"{host}:{port}", owner))
    for entry in settings.denied_addresses.split(","):
        if entry.strip():
            try:
                denied.append(DeniedAddress.parse(entry, "denied to datasources by LOWCRAFT_DENIED_ADDRESSES"))
            except ValueError as exc:
                raise ValueError(f"LOWCRAFT_DENIED_ADDRESSES: {exc}") from None
    return tuple(denied)


@dataclass
class Runtime:
    settings: Settings
    db: Database
    cache: KeyValueStore
    sessions: DatabaseSessions | RedisSessions
    throttle: LoginThrottle
    mailer: Mailer
    passwords: Passwords
    encryption_key: bytes
    secret_box: SecretBox
    policy: InstancePolicy
    """The instance-wide network default and no files: `workspace_policy` gives one workspace's
    policy (its own folders, and the private-network access an instance administrator set)."""
    generation: Generation
    provider_http: ProviderHttp
    """Makes the clients of outgoing calls to sign-in providers, under their own address rules
    (`lowcraft.signin.http`)."""
    notices: Notices
    """Edit-state and publish notices for the real-time layer (`lowcraft.cache.notices`)."""

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        settings.ensure_data_dir()
        db = Database(settings.resolved_database_url)
        cache = open_store(settings.redis_url)
        idle = timedelta(minutes=settings.session_idle_minutes)
        absolute = timedelta(hours=settings.session_max_hours)
        key = settings.load_encryption_key()
        seal = SessionSeal(key)
        sessions: DatabaseSessions | RedisSessions = (
            RedisSessions(settings.redis_url, idle, absolute, seal)
            if settings.redis_url
            else DatabaseSessions(db, idle, absolute, seal)
        )
        generation = open_generation(cache)
        db.on_write(generation.bump)
        denied = instance_denied_addresses(settings)
        return cls(
            settings=settings,
            db=db,
            cache=cache,
            sessions=sessions,
            throttle=LoginThrottle(cache),
            mailer=Mailer(settings),
            passwords=Passwords(settings.argon2_time_cost, settings.argon2_memory_kib),
            encryption_key=key,
            secret_box=SecretBox(key),
            policy=InstancePolicy(
                allow_private_networks=settings.allow_private_networks,
                allow_loopback=settings.allow_private_networks,
                denied=denied,
            ),
            generation=generation,
            provider_http=ProviderHttp(
                InstancePolicy(allow_private_networks=True, denied=denied),
                allow_loopback=settings.sign_in_allow_loopback,
            ),
            notices=Notices(settings.redis_url),
        )

    def workspace_policy(self, workspace_id: str, private_networks: bool | None = None) -> InstancePolicy:
        """The policy for one workspace's datasources: files only in its own folders, and private
        networks as an instance administrator set them for it (`private_networks`; None: the
        instance default)."""
        policy = self.policy
        if private_networks is not None and private_networks != policy.allow_private_networks:
            policy = dataclasses.replace(policy, allow_private_networks=private_networks, allow_loopback=private_networks)
        return workspace_policy(policy, self.settings.sqlite_root_paths, workspace_id)

    def close(self) -> None:
        self.generation.close()
        self.db.dispose()
