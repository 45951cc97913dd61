"""The life of a unit of work, shared by every adapter family."""

from __future__ import annotations

import abc
import logging
from collections.abc import Sequence
from types import TracebackType
from typing import Self

from commercekit.errors import UsageError, ValidationError
from commercekit.ports import (
    Clock,
    EventEnvelope,
    EventPublisher,
    EventSource,
    IdFactory,
    SystemClock,
    ULIDIdFactory,
    UnitOfWork,
)

__all__ = ["BaseUnitOfWork"]

logger = logging.getLogger("commercekit.outbox")


class BaseUnitOfWork(UnitOfWork, abc.ABC):
    """The transaction and outbox logic of a unit of work, without the storage.

    An adapter family (commercekit's in-memory and SQLite ones, or an
    application's own) subclasses it and fills in six storage hooks; the order
    of things, which is what the :class:`~commercekit.ports.UnitOfWork`
    contract is about, stays here:

    1. ``with uow:`` calls :meth:`_begin`.
    2. :meth:`commit` drains the events of every tracked aggregate, wraps each in
       an :class:`~commercekit.ports.EventEnvelope` with a new id, and calls
       :meth:`_commit` to store them in the outbox in the same transaction as the
       data. Only then does it publish them, outside any transaction, and mark
       the published ones with :meth:`_mark_dispatched`.
    3. Leaving the block uncommitted calls :meth:`_rollback`; :meth:`_release`
       runs at every exit.

    A publisher that raises does not undo the commit: the error is logged on the
    ``commercekit.outbox`` logger and the event stays in the outbox for
    :meth:`dispatch_pending`. Without a publisher, events wait there for a relay.

    Args:
        publisher: Who receives events after commit; ``None`` leaves them in the
            outbox.
        clock: Stamps envelopes with their commit time.
        ids: Makes event ids.
    """

    def __init__(
        self,
        *,
        publisher: EventPublisher | None = None,
        clock: Clock | None = None,
        ids: IdFactory | None = None,
    ) -> None:
        self.publisher = publisher
        self.clock: Clock = clock if clock is not None else SystemClock()
        self.ids: IdFactory = ids if ids is not None else ULIDIdFactory(self.clock)
        self._active = False
        self._finished = False
        self._tracked: list[EventSource] = []

    # -- the storage hooks -------------------------------------------------

    @abc.abstractmethod
    def _begin(self) -> None:
        """Start a transaction."""

    @abc.abstractmethod
    def _commit(self, envelopes: Sequence[EventEnvelope]) -> None:
        """Add ``envelopes`` to the outbox and commit, atomically."""

    @abc.abstractmethod
    def _rollback(self) -> None:
        """Discard the transaction."""

    @abc.abstractmethod
    def _release(self) -> None:
        """Give back what :meth:`_begin` took (a connection, a lock)."""

    @abc.abstractmethod
    def _pending(self, limit: int | None) -> list[EventEnvelope]:
        """Return undispatched envelopes, oldest first, outside a transaction."""

    @abc.abstractmethod
    def _mark_dispatched(self, event_ids: Sequence[str]) -> None:
        """Record that these envelopes were published."""

    # -- the protocol ------------------------------------------------------

    def __enter__(self) -> Self:
        if self._active:
            msg = (
                "this unit of work is already in a transaction: finish the "
                "current `with` block, or use another unit of work"
            )
            raise UsageError(msg)
        self._begin()
        self._active = True
        self._finished = False
        self._tracked = []
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if not self._finished:
                self._rollback()
        finally:
            self._active = False
            self._finished = False
            self._tracked = []
            self._release()

    def _require_open(self, action: str) -> None:
        if not self._active:
            msg = f"cannot {action} outside a `with uow:` block"
            raise UsageError(msg)
        if self._finished:
            msg = (
                f"cannot {action}: this block's transaction has ended; "
                "open a new `with uow:` block"
            )
            raise UsageError(msg)

    def track(self, source: EventSource) -> None:
        """Collect ``source``'s events at commit; repositories call this."""
        self._require_open("track an aggregate")
        if not any(seen is source for seen in self._tracked):
            self._tracked.append(source)

    def commit(self) -> None:
        """Store the block's changes and events atomically, then publish them."""
        self._require_open("commit")
        now = self.clock.now()
        envelopes = [
            EventEnvelope(event_id=self.ids.new_id(), recorded_at=now, event=event)
            for source in self._tracked
            for event in source.pull_events()
        ]
        try:
            self._commit(envelopes)
        except BaseException:
            self._rollback()
            self._finished = True
            raise
        self._finished = True
        self._dispatch(envelopes)

    def rollback(self) -> None:
        """Discard the block's changes and events; the block is then done."""
        self._require_open("roll back")
        self._rollback()
        self._finished = True

    def dispatch_pending(self, limit: int | None = None) -> int:
        """Publish the events waiting in the outbox, oldest first.

        Args:
            limit: Publish at most this many; all by default.

        Returns:
            How many events were published.

        Raises:
            UsageError: inside a ``with`` block, or without a publisher.
            ValidationError: for a limit below one.
        """
        if self._active:
            msg = "dispatch_pending runs outside a `with uow:` block"
            raise UsageError(msg)
        if self.publisher is None:
            msg = "this unit of work has no publisher to dispatch events to"
            raise UsageError(msg)
        if limit is not None and (isinstance(limit, bool) or limit < 1):
            msg = f"limit must be a positive int or None, not {limit!r}"
            raise ValidationError(msg, field="limit")
        return self._dispatch(self._pending(limit))

    def _dispatch(self, envelopes: Sequence[EventEnvelope]) -> int:
        if self.publisher is None or not envelopes:
            return 0
        published: list[str] = []
        for envelope in envelopes:
            try:
                self.publisher.publish(envelope)
            except Exception:
                # The commit stands; this event and the later ones stay in the
                # outbox, in order, for dispatch_pending.
                logger.exception(
                    "publishing %s %s failed; it stays in the outbox",
                    envelope.name,
                    envelope.event_id,
                )
                break
            published.append(envelope.event_id)
        if published:
            try:
                self._mark_dispatched(published)
            except Exception:
                # Delivery is at least once: unmarked events are sent again.
                logger.exception(
                    "marking %d events as published failed", len(published)
                )
        return len(published)
