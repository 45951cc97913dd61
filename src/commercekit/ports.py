"""The ports every context shares, and the domain event types.

A port is a :class:`typing.Protocol`: commercekit calls it, the application (or
one of commercekit's adapters) fills it. The shared ports are:

* :class:`Clock` tells the time, in UTC. :class:`SystemClock` reads the system's.
* :class:`IdFactory` makes identifiers. :class:`ULIDIdFactory` makes ULIDs.
* :class:`EventPublisher` receives domain events after their transaction
  committed, wrapped in an :class:`EventEnvelope`.
* :class:`UnitOfWork` is one transaction over every repository: ``with uow:``
  opens it, ``uow.commit()`` makes it durable, leaving the block without a
  commit rolls it back.

Aggregates collect their :class:`DomainEvent` objects with
:class:`EventRecorder`; the unit of work drains them at commit, writes them to
its outbox in the same transaction and hands them to the publisher after the
commit, each at least once under a stable event id.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Callable
from datetime import UTC, datetime
from types import TracebackType
from typing import Protocol, Self, runtime_checkable

import attrs

from commercekit.values import as_utc

__all__ = [
    "Clock",
    "DomainEvent",
    "EventEnvelope",
    "EventPublisher",
    "EventRecorder",
    "EventSource",
    "IdFactory",
    "SystemClock",
    "ULIDIdFactory",
    "UnitOfWork",
]


@runtime_checkable
class Clock(Protocol):
    """Tells the current instant.

    Contract: :meth:`now` returns a time-zone-aware :class:`~datetime.datetime`
    in UTC. Services take a clock instead of reading the system time, so tests
    can fix and advance it (``commercekit.testing.FixedClock``).
    """

    def now(self) -> datetime:
        """Return the current instant, aware and in UTC."""
        ...


class SystemClock(Clock):
    """The system's clock, in UTC.

    >>> SystemClock().now().tzinfo
    datetime.timezone.utc
    """

    def now(self) -> datetime:
        """Return the system time as an aware UTC datetime."""
        return datetime.now(UTC)


@runtime_checkable
class IdFactory(Protocol):
    """Makes new identifiers.

    Contract: every call of :meth:`new_id` returns a non-empty string that no
    earlier call of the same factory returned. Contexts wrap it in their own
    ``NewType`` (``OrderId(ids.new_id())``).
    """

    def new_id(self) -> str:
        """Return a new, unique identifier."""
        ...


_CROCKFORD = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"


class ULIDIdFactory(IdFactory):
    """Makes ULIDs: 26 characters that sort by the time they were made.

    A ULID is 48 bits of milliseconds since the Unix epoch followed by 80 random
    bits, written in Crockford's base 32. Ids made later sort later (to the
    millisecond), which keeps database indexes compact.

    Args:
        clock: Where the timestamp part comes from; the system clock by default.

    >>> len(ULIDIdFactory().new_id())
    26
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock = clock if clock is not None else SystemClock()

    def new_id(self) -> str:
        """Return a new ULID."""
        millis = int(as_utc(self._clock.now()).timestamp() * 1000)
        value = (millis << 80) | secrets.randbits(80)
        chars = []
        for _ in range(26):
            value, digit = divmod(value, 32)
            chars.append(_CROCKFORD[digit])
        return "".join(reversed(chars))


@attrs.frozen
class DomainEvent:
    """Base class of every domain event.

    Subclasses are frozen attrs classes named in the past tense
    (``OrderPlaced``, ``PaymentCaptured``) that carry the facts a subscriber
    needs. Their identity and the time they were recorded travel beside them,
    in the :class:`EventEnvelope`.
    """


@attrs.frozen(kw_only=True)
class EventEnvelope:
    """A domain event as it leaves a committed transaction.

    Args:
        event_id: Unique per event. A publisher may deliver an envelope more
            than once (at least once, never less); a subscriber that must not
            act twice keeps the ids it has handled.
        recorded_at: When the unit of work committed the event, in UTC.
        event: The event itself.
    """

    event_id: str
    recorded_at: datetime = attrs.field(converter=as_utc)
    event: DomainEvent

    @property
    def name(self) -> str:
        """The event's class name, such as ``"OrderPlaced"``."""
        return type(self.event).__name__


@runtime_checkable
class EventSource(Protocol):
    """Something that collects domain events, usually an aggregate."""

    def pull_events(self) -> list[DomainEvent]:
        """Return the events collected since the last call, and forget them."""
        ...


@attrs.define
class EventRecorder(EventSource):
    """Mixin for aggregates: collects events until the unit of work takes them.

    An aggregate class inherits from it and calls :meth:`record` in its methods;
    the event list is private, excluded from ``repr``, equality and
    serialization, and left behind by :func:`copy.copy` and
    :func:`copy.deepcopy`: a stored copy of an aggregate never carries events
    that would be published a second time when it is loaded.

    >>> @attrs.frozen
    ... class Noted(DomainEvent):
    ...     text: str
    >>> @attrs.define
    ... class Notebook(EventRecorder):
    ...     def note(self, text: str) -> None:
    ...         self.record(Noted(text))
    >>> book = Notebook()
    >>> book.note("hello")
    >>> book.pull_events()
    [Noted(text='hello')]
    >>> book.pull_events()
    []
    """

    _pending_events: list[DomainEvent] = attrs.field(
        factory=list, init=False, repr=False, eq=False
    )

    def _clone(
        self, copy_value: Callable[[object], object], memo: dict[int, object]
    ) -> Self:
        # Field by field, without __init__: no validator or converter runs
        # again, and fields that __init__ does not take survive too.
        cls = type(self)
        clone = cls.__new__(cls)
        memo[id(self)] = clone
        for field in attrs.fields(cls):
            value = (
                []
                if field.name == "_pending_events"
                else copy_value(getattr(self, field.name))
            )
            object.__setattr__(clone, field.name, value)
        return clone

    def __copy__(self) -> Self:
        return self._clone(lambda value: value, {})

    def __deepcopy__(self, memo: dict[int, object]) -> Self:
        return self._clone(lambda value: copy.deepcopy(value, memo), memo)

    def record(self, event: DomainEvent) -> None:
        """Collect ``event`` for the unit of work to publish after commit."""
        self._pending_events.append(event)

    def pull_events(self) -> list[DomainEvent]:
        """Return the collected events, oldest first, and forget them."""
        events, self._pending_events = self._pending_events, []
        return events


@runtime_checkable
class EventPublisher(Protocol):
    """Receives domain events after the transaction that made them committed.

    Contract: :meth:`publish` is called once per envelope and attempt, in the
    order the events were recorded, never for a transaction that rolled back.
    Delivery is at least once: after a crash or a failed ``publish`` the same
    envelope (same ``event_id``) may come again. An exception from ``publish``
    leaves that envelope and the ones after it in the outbox for
    :meth:`UnitOfWork.dispatch_pending`.
    """

    def publish(self, envelope: EventEnvelope) -> None:
        """Deliver one event to its subscribers."""
        ...


class UnitOfWork(Protocol):
    """One transaction over every repository, and the outbox of its events.

    Use it as a context manager; the commit is explicit::

        with uow:
            order = uow.orders.get(order_id)
            order.cancel(reason)
            uow.commit()

    Contract:

    * ``with uow:`` begins a transaction; one block is one transaction.
    * :meth:`commit` makes the block's changes durable together with the
      events of every aggregate the block touched (:meth:`track`), then
      publishes those events. Work after the commit needs a new block.
    * Leaving the block without a commit, or by an exception, rolls back:
      nothing of the block is stored and none of its events is published.
    * Each context declares the repositories it needs as a Protocol that extends
      this one (``OrdersUnitOfWork`` with ``.orders``); an adapter family has one
      class with all of them, so one transaction spans contexts.

    A unit of work object serves one thread at a time; make one per request or
    worker. Repositories raise :class:`~commercekit.errors.NotFoundError`,
    :class:`~commercekit.errors.DuplicateError` and
    :class:`~commercekit.errors.VersionConflictError`; the store raises
    :class:`~commercekit.errors.StorageError`.
    """

    def __enter__(self) -> Self:
        """Begin a transaction."""
        ...

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        """Roll back unless committed, and release the transaction."""
        ...

    def commit(self) -> None:
        """Store the block's changes and events atomically, then publish."""
        ...

    def rollback(self) -> None:
        """Discard the block's changes and events."""
        ...

    def track(self, source: EventSource) -> None:
        """Collect ``source``'s events at commit; repositories call this."""
        ...

    def dispatch_pending(self, limit: int | None = None) -> int:
        """Publish events left in the outbox; return how many were published.

        Call it outside a ``with`` block, for instance from a periodic job, to
        deliver events whose publication failed or was cut off by a crash.
        """
        ...
