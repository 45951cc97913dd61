"""A double for the pricing context's VatIdValidator port (VIES)."""

from __future__ import annotations

import itertools
import threading
from collections.abc import Callable

from commercekit.errors import UsageError
from commercekit.ports import Clock
from commercekit.pricing import VatId, VatIdConfirmation, VatIdValidator
from commercekit.testing._helpers import FixedClock

__all__ = ["FakeVatIdValidator"]


class FakeVatIdValidator(VatIdValidator):
    """A VAT id service (VIES) whose answers a handler scripts.

    As with ``httpx.MockTransport``, a handler function decides each answer:
    it receives the :class:`~commercekit.pricing.VatId` asked about and
    returns ``True`` (registered), ``False`` (not registered) or a whole
    :class:`~commercekit.pricing.VatIdConfirmation`, which is returned as it
    is. It may also raise, such as
    ``ExternalServiceError(service="vies", retryable=True)`` for an outage.
    Without a handler, every number is confirmed.

    The confirmations it builds itself are checked at the clock's instant and
    carry the references ``FAKE-000001``, ``FAKE-000002``, ... in order.

    Args:
        handler: Decides each answer; ``None`` confirms every number.
        clock: Dates the confirmations; a :class:`FixedClock` at its default
            instant (2026-01-05 09:00 UTC) if not given.

    Attributes:
        calls: The numbers asked about, in order, including those whose
            handler raised.

    >>> from commercekit.pricing import vat_id
    >>> vies = FakeVatIdValidator(lambda number: number.country != "GR")
    >>> vies.confirm(vat_id("FR40303265045")).reference
    'FAKE-000001'
    >>> vies.confirm(vat_id("EL094259216")).valid
    False
    >>> [str(number) for number in vies.calls]
    ['FR40303265045', 'EL094259216']
    """

    def __init__(
        self,
        handler: Callable[[VatId], bool | VatIdConfirmation] | None = None,
        *,
        clock: Clock | None = None,
    ) -> None:
        self.calls: list[VatId] = []
        self._handler = handler
        self._clock = clock if clock is not None else FixedClock()
        self._references = itertools.count(1)
        self._lock = threading.Lock()

    def confirm(self, vat_id: VatId) -> VatIdConfirmation:
        """Record the call and answer as the handler says.

        Raises:
            UsageError: if the handler returns anything but a bool or a
                confirmation (a handler that forgot to return).
        """
        with self._lock:
            self.calls.append(vat_id)
        answer: object = True if self._handler is None else self._handler(vat_id)
        if isinstance(answer, VatIdConfirmation):
            return answer
        if not isinstance(answer, bool):
            msg = (
                f"the handler of FakeVatIdValidator returned {answer!r}: "
                "return True, False or a VatIdConfirmation"
            )
            raise UsageError(msg)
        with self._lock:
            reference = f"FAKE-{next(self._references):06d}"
        return VatIdConfirmation(
            vat_id=vat_id,
            valid=answer,
            checked_at=self._clock.now(),
            reference=reference,
        )
