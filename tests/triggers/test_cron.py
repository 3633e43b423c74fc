"""When a schedule is due: cron in a time zone, and the missed-runs policy."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from lowcraft.triggers import cron
from lowcraft.triggers.errors import InvalidSchedule

GRACE = timedelta(seconds=60)


def at(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=UTC)


def test_every_minute_is_due_once_per_minute() -> None:
    last = at("2026-01-01T10:00:00")
    assert cron.due("* * * * *", "UTC", "skip", last, at("2026-01-01T10:00:30"), GRACE) is None
    assert cron.due("* * * * *", "UTC", "skip", last, at("2026-01-01T10:01:00"), GRACE) == at("2026-01-01T10:01:00")
    assert cron.due("* * * * *", "UTC", "skip", last, at("2026-01-01T10:01:59"), GRACE) == at("2026-01-01T10:01:00")
    # Once 10:01 is claimed, nothing more is due until 10:02.
    assert cron.due("* * * * *", "UTC", "skip", at("2026-01-01T10:01:00"), at("2026-01-01T10:01:59"), GRACE) is None


def test_the_time_zone_decides_the_hour() -> None:
    # 09:00 in Paris in winter is 08:00 UTC.
    last = at("2026-01-01T07:00:00")
    assert cron.due("0 9 * * *", "Europe/Paris", "skip", last, at("2026-01-01T08:00:10"), GRACE) == at("2026-01-01T08:00:00")
    assert cron.due("0 9 * * *", "UTC", "skip", last, at("2026-01-01T08:00:10"), GRACE) is None


def test_missed_runs_are_skipped_or_run_once() -> None:
    last = at("2026-01-01T10:00:00")
    later = at("2026-01-01T15:30:00")  # the instance was down for hours
    assert cron.due("0 * * * *", "UTC", "skip", last, later, GRACE) is None
    assert cron.due("0 * * * *", "UTC", "runOnce", last, later, GRACE) == at("2026-01-01T15:00:00")
    assert cron.due("0 * * * *", "UTC", "runOnce", at("2026-01-01T15:00:00"), later, GRACE) is None


@pytest.mark.parametrize(("expression", "zone", "policy", "field"), [
    ("", "UTC", "skip", "cron"),
    ("61 * * * *", "UTC", "skip", "cron"),
    ("* * * * * *", "UTC", "skip", "cron"),
    ("rm -rf", "UTC", "skip", "cron"),
    ("* * * * *", "Mars/Olympus", "skip", "timezone"),
    ("* * * * *", "../../etc/passwd", "skip", "timezone"),
    ("* * * * *", "UTC", "always", "missedRuns"),
])
def test_bad_schedules_are_refused_naming_the_field(expression: str, zone: str, policy: str, field: str) -> None:
    with pytest.raises(InvalidSchedule) as caught:
        cron.check(expression, zone, policy)
    assert caught.value.details["field"] == field


def test_shorthands_and_spacing() -> None:
    assert cron.check("@hourly", "UTC", "skip") == "@hourly"
    assert cron.check(" */5  *  * * 1-5 ", "Europe/Paris", "runOnce") == "*/5 * * * 1-5"
