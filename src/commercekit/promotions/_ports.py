"""The port through which promotions are stored, edited and their budgets kept."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import datetime
from typing import Protocol

import attrs

from commercekit.errors import ValidationError
from commercekit.money import Money
from commercekit.promotions._model import Promotion, PromotionId

__all__ = ["PromotionRepository", "StoredPromotion"]


def _promotion(_: object, attribute: attrs.Attribute[Promotion], value: object) -> None:
    if not isinstance(value, Promotion):
        msg = f"promotion must be a Promotion, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


def _version(_: object, attribute: attrs.Attribute[int], value: object) -> None:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        msg = f"version must be a whole number from 1, not {value!r}"
        raise ValidationError(msg, field=attribute.name)


@attrs.frozen
class StoredPromotion:
    """A promotion as a :class:`PromotionRepository` holds it, with its version.

    A :class:`~commercekit.promotions.Promotion` is a frozen value and has no
    version of its own: the store keeps one beside it, which goes up by one
    with every :meth:`PromotionRepository.save`. To edit a promotion, read
    it, build the changed value with :func:`attrs.evolve` and save that with
    the version read.

    Args:
        promotion: The promotion.
        version: Its version in the store, from 1.
    """

    promotion: Promotion = attrs.field(validator=_promotion)
    version: int = attrs.field(validator=_version)

    @property
    def promotion_id(self) -> PromotionId:
        """The promotion's id."""
        return self.promotion.promotion_id


class PromotionRepository(Protocol):
    """Stores promotions, so that an application can keep and edit them.

    It also keeps what each promotion gave so far, its *spent* amount, and
    never lets that pass the promotion's ``budget``.

    Contract (checked by
    ``commercekit.testing.contracts.PromotionRepositoryContract``):

    * A promotion id that is not non-empty text raises
      :class:`~commercekit.errors.ValidationError` (``field="promotion_id"``);
      an id no promotion has raises :class:`~commercekit.errors.NotFoundError`
      (``kind="promotion"``, ``key`` the id). Ids are compared exactly.
    * :meth:`add` stores a new promotion at version 1 and returns 1; an id
      that is taken raises :class:`~commercekit.errors.DuplicateError`
      (``kind="promotion"``). :meth:`get` returns the promotion, equal to the
      one stored, with its version.
    * :meth:`save` replaces a promotion with a changed one of the same id, if
      the stored version is ``expected_version``, and returns the new
      version, one more. A stored version that differs raises
      :class:`~commercekit.errors.VersionConflictError` (``kind="promotion"``,
      with both versions) and changes nothing. A ``budget`` below what the
      promotion has spent, or in another currency, raises
      :class:`~commercekit.errors.ValidationError` (``field="budget"``).
      Recording spent amounts changes no version.
    * :meth:`remove` deletes a promotion and what it spent (an id added again
      later starts from nothing spent); with ``expected_version`` it checks
      the version first, as :meth:`save` does.
    * :meth:`iterate` yields every promotion with its version, by id (in
      code point order); :meth:`active_at` returns the promotions whose
      validity window holds ``at`` (``valid_from`` inclusive,
      ``valid_until`` exclusive, ``None`` open), by id. A naive ``at`` raises
      :class:`~commercekit.errors.ValidationError` (``field="at"``).
    * :meth:`spent` is what the promotion gave so far, ``None`` until
      something was recorded. :meth:`record_spent` adds ``amount`` to it
      atomically and returns the new total: however many units of work
      record at once, the total never passes the budget. An amount that
      would pass it raises
      :class:`~commercekit.promotions.PromotionBudgetExceededError` and
      leaves the total as it was (the unit of work can go on and commit).
      A negative amount gives back what an order took (an order canceled
      before payment); the total never goes below zero (a
      :class:`~commercekit.errors.ValidationError`, ``field="amount"``). The
      amount must be :class:`~commercekit.money.Money` in whole minor units
      of its currency (``field="amount"``), in the currency of the budget
      and of what was recorded before
      (:class:`~commercekit.errors.CurrencyMismatchError`). A promotion
      without a budget records without a limit.
    * Nothing is visible to other units of work before the commit; leaving
      the block without a commit undoes everything done in it.
    """

    def add(self, promotion: Promotion) -> int:
        """Store a new promotion at version 1; return 1.

        Raises:
            DuplicateError: if its id is taken.
        """
        ...

    def get(self, promotion_id: str) -> StoredPromotion:
        """Return the promotion with this id, and its version.

        Raises:
            NotFoundError: for an unknown id.
        """
        ...

    def save(self, promotion: Promotion, *, expected_version: int) -> int:
        """Replace the promotion, if it is still at ``expected_version``.

        Returns:
            The new version.

        Raises:
            NotFoundError: for an unknown id.
            VersionConflictError: if someone else saved it first.
            ValidationError: for a budget below what it spent.
        """
        ...

    def remove(self, promotion_id: str, *, expected_version: int | None = None) -> None:
        """Delete the promotion and what it spent.

        Raises:
            NotFoundError: for an unknown id.
            VersionConflictError: if ``expected_version`` is given and differs.
        """
        ...

    def iterate(self) -> Iterator[StoredPromotion]:
        """Yield every promotion with its version, by id."""
        ...

    def active_at(self, at: datetime) -> list[Promotion]:
        """The promotions whose validity window holds ``at``, by id."""
        ...

    def spent(self, promotion_id: str) -> Money | None:
        """What the promotion gave so far; ``None`` until something was recorded.

        Raises:
            NotFoundError: for an unknown id.
        """
        ...

    def record_spent(self, promotion_id: str, amount: Money) -> Money:
        """Add ``amount`` to what the promotion gave; return the new total.

        Raises:
            PromotionBudgetExceededError: if the total would pass the budget.
            NotFoundError: for an unknown id.
            ValidationError: for an amount that is not whole minor units, or
                that would take the total below zero.
            CurrencyMismatchError: for an amount in another currency than the
                budget or what was recorded before.
        """
        ...
