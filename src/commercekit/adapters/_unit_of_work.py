"""The life of a unit of work, shared by every adapter family."""

from __future__ import annotations

import abc
import logging
from collections.abc import Iterable, Iterator, Sequence
from types import TracebackType
from typing import Self

from commercekit.errors import UsageError
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
from commercekit.values import positive_int

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
       data. Only then does it publish, outside any transaction: the outbox's
       oldest waiting events first (up to :attr:`catch_up` of them besides its
       own), so events reach the publisher in the order they were committed
       even after a failed publish. Published events are marked with
       :meth:`_mark_dispatched`.
    3. Leaving the block uncommitted calls :meth:`_rollback` and discards the
       tracked aggregates' pending events; :meth:`_release` runs at every exit.

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
        self._tracked_ids: set[int] = set()

    catch_up: int = 100
    """How many older waiting events a commit publishes before its own."""

    # -- the storage hooks -------------------------------------------------

    @abc.abstractmethod
    def _begin(self) -> None:
        """Start a transaction.

        Raise :class:`~commercekit.errors.UsageError` if this thread already
        has a transaction open on the same store: nesting is not supported.
        """

    @abc.abstractmethod
    def _commit(self, envelopes: Sequence[EventEnvelope]) -> None:
        """Add ``envelopes`` to the outbox and commit, atomically.

        Raise :class:`~commercekit.errors.DuplicateError` if an event id is in
        the outbox already, and leave the transaction for :meth:`_rollback`.
        """

    @abc.abstractmethod
    def _rollback(self) -> None:
        """Discard the transaction, if one is open."""

    @abc.abstractmethod
    def _release(self) -> None:
        """Give back what :meth:`_begin` took (a connection, a lock)."""

    @abc.abstractmethod
    def _pending(self, limit: int | None) -> Iterator[EventEnvelope]:
        """Yield undispatched envelopes, oldest first, outside a transaction.

        Hold no lock or transaction between two envelopes: the publisher runs
        in between.
        """

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
        self._tracked_ids = set()
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        try:
            if not self._finished:
                self._end_without_commit()
        finally:
            self._active = False
            self._finished = False
            self._tracked = []
            self._tracked_ids = set()
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

    def _end_without_commit(self) -> None:
        self._finished = True
        # The block's events die with it: an aggregate object that outlives
        # the block must not carry them into a later commit.
        for source in self._tracked:
            source.pull_events()
        self._rollback()

    def track(self, source: EventSource) -> None:
        """Collect ``source``'s events at commit; repositories call this."""
        self._require_open("track an aggregate")
        if id(source) not in self._tracked_ids:
            self._tracked_ids.add(id(source))
            self._tracked.append(source)

    def commit(self) -> None:
        """Store the block's changes and events atomically, then publish them.

        Raises:
            UsageError: outside a block, or when the block has ended.
            DuplicateError: if an event id is in the outbox already (two id
                factories that repeat each other); nothing is stored.
            StorageError: if the store fails; nothing is stored.
        """
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
            self._end_without_commit()
            raise
        self._finished = True
        if self.publisher is not None and envelopes:
            try:
                self._dispatch(self._pending(len(envelopes) + self.catch_up))
            except Exception:
                # The commit stands; dispatch_pending will report the problem.
                logger.exception("publishing after a commit failed")

    def rollback(self) -> None:
        """Discard the block's changes and events; the block is then done."""
        self._require_open("roll back")
        self._end_without_commit()

    def dispatch_pending(self, limit: int | None = None) -> int:
        """Publish the events waiting in the outbox, oldest first.

        Args:
            limit: Publish at most this many; all by default.

        Returns:
            How many events were published.

        Raises:
            UsageError: inside a ``with`` block, or without a publisher.
            ValidationError: for a limit below one.
            StorageError: if a stored event cannot be read; the events before
                it are published and marked.
        """
        if self._active:
            msg = "dispatch_pending runs outside a `with uow:` block"
            raise UsageError(msg)
        if self.publisher is None:
            msg = "this unit of work has no publisher to dispatch events to"
            raise UsageError(msg)
        if limit is not None:
            positive_int(limit, field="limit")
        return self._dispatch(self._pending(limit))

    def _dispatch(self, envelopes: Iterable[EventEnvelope]) -> int:
        publisher = self.publisher
        if publisher is None:
            return 0
        published: list[str] = []
        try:
            for envelope in envelopes:
                try:
                    publisher.publish(envelope)
                except Exception:
                    # This event and the later ones stay in the outbox, in
                    # order, for the next attempt.
                    logger.exception(
                        "publishing %s %s failed; it stays in the outbox",
                        envelope.name,
                        envelope.event_id,
                    )
                    break
                published.append(envelope.event_id)
        finally:
            if published:
                try:
                    self._mark_dispatched(published)
                except Exception:
                    # Delivery is at least once: unmarked events are sent again.
                    logger.exception(
                        "marking %d events as published failed", len(published)
                    )
        return len(published)
