"""When a schedule is due: cron expressions read in a time zone, and the missed-runs policy.

croniter is imported on first use (it is not needed to start the server). The rule, for one tick
at `now`, with `last` the latest fire time already claimed (or the moment the schedule was saved):

- the *latest* fire time `t` with `last < t <= now` is the candidate; earlier ones in between
  were missed (the instance was down, or the schedule fires more often than the tick);
- `skip` (the default): `t` fires only when it is recent (`now - t <= grace`); missed fire
  times never run;
- `runOnce`: `t` fires however old it is, once, standing for every fire time missed since `last`.
"""

from __future__ import annotations

import importlib
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lowcraft.triggers.errors import InvalidSchedule
from lowcraft.triggers.models import MISSED_RUN_POLICIES

MAX_CRON_LENGTH = 200


def _croniter() -> Any:
    return importlib.import_module("croniter").croniter


def zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise InvalidSchedule(f"Unknown time zone {name!r}; use an IANA name such as 'Europe/Paris'.",
                              details={"field": "timezone"}) from None


def check(cron: str, timezone: str, missed_runs: str) -> str:
    """The expression, stripped, if the schedule can run (InvalidSchedule naming the field if not).

    Five fields (minute hour day month weekday) or the @hourly/@daily/... shorthands; a sixth
    (seconds) field is refused: the scheduler ticks every few seconds, not every second.
    """
    text = " ".join(cron.split())
    if not text or len(text) > MAX_CRON_LENGTH:
        raise InvalidSchedule("A schedule needs a cron expression (at most 200 characters).", details={"field": "cron"})
    if not text.startswith("@") and len(text.split(" ")) != 5:
        raise InvalidSchedule("A cron expression has five fields: minute hour day-of-month month day-of-week.",
                              details={"field": "cron"})
    if not _croniter().is_valid(text):
        raise InvalidSchedule(f"{text!r} is not a valid cron expression.", details={"field": "cron"})
    zone(timezone)
    if missed_runs not in MISSED_RUN_POLICIES:
        raise InvalidSchedule(f"missedRuns must be one of {', '.join(MISSED_RUN_POLICIES)}.",
                              details={"field": "missedRuns"})
    return text


def latest_fire(cron: str, timezone: str, now: datetime) -> datetime:
    """The latest fire time at or before `now`, in UTC."""
    local = now.astimezone(zone(timezone))
    # croniter's get_prev is strictly before its start: start one second later to include `now`.
    moment: datetime = _croniter()(cron, local + timedelta(seconds=1)).get_prev(datetime)
    return moment.astimezone(UTC)


def next_fire(cron: str, timezone: str, after: datetime) -> datetime:
    moment: datetime = _croniter()(cron, after.astimezone(zone(timezone))).get_next(datetime)
    return moment.astimezone(UTC)


def due(cron: str, timezone: str, missed_runs: str, last: datetime, now: datetime, grace: timedelta) -> datetime | None:
    """The fire time to claim at `now`, or None (see the module's rule)."""
    candidate = latest_fire(cron, timezone, now)
    if candidate <= last:
        return None
    if missed_runs == "skip" and now - candidate > grace:
        return None
    return candidate
