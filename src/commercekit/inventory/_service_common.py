"""What the inventory services share: their event recorder and checks."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

import attrs

from commercekit.errors import ValidationError
from commercekit.inventory._events import StockRanLow
from commercekit.inventory._model import _utc
from commercekit.inventory._ports import InventoryUnitOfWork
from commercekit.inventory._settings import InventorySettings
from commercekit.ports import Clock, DomainEvent, EventRecorder
from commercekit.values import Sku

__all__: list[str] = []


@attrs.define
class _Events(EventRecorder):
    """Collects one service call's events for the unit of work to take."""

    def record_all(self, events: Iterable[DomainEvent]) -> None:
        for event in events:
            self.record(event)


def _recorder(uow: InventoryUnitOfWork) -> _Events:
    events = _Events()
    uow.track(events)
    return events


def _now(clock: Clock) -> datetime:
    return _utc(clock.now(), "now")


def _check_settings(settings: object) -> InventorySettings:
    if not isinstance(settings, InventorySettings):
        msg = f"settings must be InventorySettings, not {settings!r}"
        raise ValidationError(msg, field="settings")
    return settings


def _ran_low(
    item: Sku,
    before: int,
    after: int,
    settings: InventorySettings,
    at: datetime,
) -> list[StockRanLow]:
    threshold = settings.policy(item).low_stock_threshold
    if threshold is not None and before > threshold >= after:
        return [StockRanLow(sku=item, available=after, threshold=threshold, at=at)]
    return []
