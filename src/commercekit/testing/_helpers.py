"""Small doubles for the shared ports: a clock, ids and a publisher."""

from __future__ import annotations

import itertools
import threading
from datetime import UTC, datetime, timedelta

from commercekit.errors import ExternalServiceError, ValidationError
from commercekit.ports import (
    Clock,
    DomainEvent,
    EventEnvelope,
    EventPublisher,
    IdFactory,
)
from commercekit.values import as_utc

__all__ = ["FixedClock", "RecordingPublisher", "SequentialIds"]


class FixedClock(Clock):
    """A clock that stands still until told to move.

    Args:
        now: The instant it shows; aware (naive datetimes raise
            :class:`~commercekit.errors.ValidationError`). Defaults to
            2026-01-05 09:00 UTC, a Monday.

    >>> from datetime import timedelta
    >>> clock = FixedClock()
    >>> clock.now().isoformat()
    '2026-01-05T09:00:00+00:00'
    >>> clock.advance(timedelta(days=14)).isoformat()
    '2026-01-19T09:00:00+00:00'
    """

    def __init__(self, now: datetime | None = None) -> None:
        self._now = as_utc(
            now if now is not None else datetime(2026, 1, 5, 9, tzinfo=UTC)
        )

    def now(self) -> datetime:
        """Return the instant the clock shows."""
        return self._now

    def set(self, now: datetime) -> datetime:
        """Show ``now`` from here on; return it, in UTC."""
        self._now = as_utc(now)
        return self._now

    def advance(self, delta: timedelta) -> datetime:
        """Move forward by ``delta``; return the new instant.

        Raises:
            ValidationError: for a negative ``delta``; use :meth:`set` to go back.
        """
        if delta < timedelta(0):
            msg = f"a clock advances by a positive delta, not {delta}"
            raise ValidationError(msg, field="delta")
        self._now += delta
        return self._now


class SequentialIds(IdFactory):
    """Readable, predictable ids: ``id-1``, ``id-2``, ... Thread-safe.

    Args:
        prefix: Put before the number.
        start: The first number.

    >>> ids = SequentialIds("order-")
    >>> ids.new_id(), ids.new_id()
    ('order-1', 'order-2')
    """

    def __init__(self, prefix: str = "id-", start: int = 1) -> None:
        self.prefix = prefix
        self._counter = itertools.count(start)
        self._lock = threading.Lock()

    def new_id(self) -> str:
        """Return the next id."""
        with self._lock:
            return f"{self.prefix}{next(self._counter)}"


class RecordingPublisher(EventPublisher):
    """A publisher that remembers what it was given, and can be made to fail.

    >>> publisher = RecordingPublisher()
    >>> publisher.published
    []
    """

    def __init__(self) -> None:
        self.published: list[EventEnvelope] = []
        self._failures_left = 0
        self._lock = threading.Lock()

    @property
    def events(self) -> list[DomainEvent]:
        """The events published so far, in order, without their envelopes."""
        return [envelope.event for envelope in self.published]

    def fail_next(self, times: int = 1) -> None:
        """Make the next ``times`` calls of :meth:`publish` raise.

        They raise :class:`~commercekit.errors.ExternalServiceError`, as a
        message broker that is down would.
        """
        self._failures_left = times

    def publish(self, envelope: EventEnvelope) -> None:
        """Record ``envelope``, or raise if told to fail."""
        with self._lock:
            if self._failures_left > 0:
                self._failures_left -= 1
                msg = f"the publisher is down; {envelope.name} was not delivered"
                raise ExternalServiceError(
                    msg, service="event publisher", retryable=True
                )
            self.published.append(envelope)
