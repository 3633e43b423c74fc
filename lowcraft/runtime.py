"""The long-lived parts of a running instance, built once from the settings."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from lowcraft.cache import KeyValueStore, open_store
from lowcraft.cache.generation import Generation, open_generation
from lowcraft.config import Settings
from lowcraft.connectors.base import InstancePolicy
from lowcraft.connectors.files import workspace_policy
from lowcraft.crypto import SecretBox
from lowcraft.identity.passwords import Passwords
from lowcraft.identity.sessions import DatabaseSessions, RedisSessions
from lowcraft.identity.throttle import LoginThrottle
from lowcraft.mail import Mailer
from lowcraft.store.db import Database


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
    """What connectors may reach; no files: only a workspace's policy (below) names folders."""
    generation: Generation

    @classmethod
    def build(cls, settings: Settings) -> Runtime:
        settings.ensure_data_dir()
        db = Database(settings.resolved_database_url)
        cache = open_store(settings.redis_url)
        idle = timedelta(minutes=settings.session_idle_minutes)
        absolute = timedelta(hours=settings.session_max_hours)
        sessions: DatabaseSessions | RedisSessions = (
            RedisSessions(settings.redis_url, idle, absolute)
            if settings.redis_url
            else DatabaseSessions(db, idle, absolute)
        )
        key = settings.load_encryption_key()
        generation = open_generation(cache)
        db.on_write(generation.bump)
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
                allow_private_networks=settings.private_networks_allowed,
                allow_loopback=settings.private_networks_allowed,
            ),
            generation=generation,
        )

    def workspace_policy(self, workspace_id: str) -> InstancePolicy:
        """The policy for one workspace's datasources: files only in its own folders."""
        return workspace_policy(self.policy, self.settings.sqlite_root_paths, workspace_id)

    def close(self) -> None:
        self.generation.close()
        self.db.dispose()
