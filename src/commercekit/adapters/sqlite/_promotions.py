"""The SQLite promotion and coupon stores."""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from decimal import ROUND_FLOOR
from typing import TYPE_CHECKING, Any

import attrs

from commercekit.adapters._checks import (
    _check_expected_version,
    _check_promotion,
    _whole_minor_units,
)
from commercekit.adapters.sqlite._columns import (
    _instant,
    _optional_instant,
    _optional_text,
    _readable,
    _text,
)
from commercekit.errors import (
    CommerceError,
    CurrencyMismatchError,
    DuplicateError,
    NotFoundError,
    StorageError,
    ValidationError,
    VersionConflictError,
)
from commercekit.money import Money, from_minor_units, minor_units
from commercekit.promotions import (
    Coupon,
    CouponRedemption,
    CouponUnavailableError,
    CouponUsage,
    Promotion,
    PromotionBudgetExceededError,
    PromotionRepository,
    StoredPromotion,
    normalize_code,
)
from commercekit.serialization import dumps, loads
from commercekit.values import as_utc

if TYPE_CHECKING:
    from commercekit.adapters.sqlite._unit_of_work import SQLiteUnitOfWork

__all__ = ["SQLiteCouponUsage", "SQLitePromotionRepository"]

_TERMS = "promotion_id, valid_from, valid_until, usage_limit, per_customer_limit"

_USE_ONE = (
    "UPDATE coupons SET uses = uses + 1 "
    "WHERE code = ? AND (usage_limit IS NULL OR uses < usage_limit)"
)

# The customer's active redemptions, below the limit (or no limit): the
# condition of recording one more, in the same statement as the record.
_BELOW_CUSTOMER_LIMIT = (
    "(:limit IS NULL OR (SELECT count(*) FROM coupon_redemptions "
    "WHERE code = :code AND customer = :customer AND released_at IS NULL) < :limit)"
)

_RECORD = (
    "INSERT INTO coupon_redemptions (code, order_id, customer, redeemed_at) "
    "SELECT :code, :order_id, :customer, :at WHERE " + _BELOW_CUSTOMER_LIMIT
)

_RECORD_AGAIN = (
    "UPDATE coupon_redemptions "
    "SET customer = :customer, redeemed_at = :at, released_at = NULL "
    "WHERE code = :code AND order_id = :order_id AND released_at IS NOT NULL "
    "AND " + _BELOW_CUSTOMER_LIMIT
)


def _checked_text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip() or "\x00" in value:
        msg = f"{field} must be non-empty text, not {value!r}"
        raise ValidationError(msg, field=field)
    return value


class SQLiteCouponUsage(CouponUsage):
    """Coupons and their redemptions in a SQLite database.

    Two tables. ``coupons`` holds each coupon's terms as columns, its version,
    and ``uses``, the count of its active redemptions, which a ``CHECK``
    constraint keeps within ``usage_limit``. ``coupon_redemptions`` holds one
    row per coupon and order (the primary key), with the customer, when it
    was redeemed and when released (``NULL`` while active); an index on
    coupon, customer and release covers the count of a customer's active
    redemptions. Instants are UTC ISO 8601 text.

    :meth:`redeem` runs in a savepoint of the unit of work's transaction: a
    conditional ``UPDATE coupons SET uses = uses + 1 WHERE ... uses <
    usage_limit``, checked by its row count, takes the use, and an ``INSERT
    ... SELECT ... WHERE`` that counts the customer's active redemptions in
    the same statement records it. So the database itself never lets a
    coupon pass its limits, and a refused redeem leaves nothing behind.

    Args:
        uow: The unit of work whose connection the store uses.
    """

    def __init__(self, uow: SQLiteUnitOfWork) -> None:
        self._uow = uow

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[sqlite3.Connection]:
        """Run one write as a whole: a failure undoes all of it.

        A savepoint inside the unit of work's transaction, so a caller that
        catches the error (a coupon used up) can go on with the block and
        commit. Errors of the database become
        :class:`~commercekit.errors.StorageError`.
        """
        conn = self._uow.connection
        with self._storage("write a coupon to"):
            conn.execute("SAVEPOINT coupon_write")
        try:
            with self._storage("write a coupon to"):
                yield conn
        except BaseException:
            conn.execute("ROLLBACK TO coupon_write")
            conn.execute("RELEASE coupon_write")
            raise
        with self._storage("write a coupon to"):
            conn.execute("RELEASE coupon_write")

    @contextlib.contextmanager
    def _storage(self, action: str) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            msg = f"cannot {action} the SQLite database {self._uow.database.path!r}"
            msg = f"{msg}: {exc}"
            raise StorageError(msg) from exc

    # -- coupons -----------------------------------------------------------

    @staticmethod
    def _terms(coupon: Coupon) -> tuple[object, ...]:
        return (
            coupon.promotion_id,
            _optional_text(coupon.valid_from),
            _optional_text(coupon.valid_until),
            coupon.usage_limit,
            coupon.per_customer_limit,
        )

    def _fetch(self, conn: sqlite3.Connection, code: str) -> tuple[Coupon, int]:
        """The stored coupon and its count of uses."""
        row: tuple[Any, ...] | None = conn.execute(
            f"SELECT code, version, uses, {_TERMS} FROM coupons "  # noqa: S608
            "WHERE code = ?",
            (code,),
        ).fetchone()
        if row is None:
            raise NotFoundError(kind="coupon", key=code)
        stored, version, uses, promotion_id, start, end, limit, per_customer = row
        with _readable("coupon"):
            coupon = Coupon(
                code=stored,
                promotion_id=promotion_id,
                valid_from=_optional_instant(start),
                valid_until=_optional_instant(end),
                usage_limit=limit,
                per_customer_limit=per_customer,
                version=version,
            )
        return coupon, int(uses)

    def add(self, coupon: Coupon) -> None:
        """Store a new coupon at version 1, with no uses.

        Raises:
            ValidationError: for a coupon its constructor would refuse.
        """
        checked = attrs.evolve(coupon)
        with self._atomic() as conn:
            try:
                conn.execute(
                    f"INSERT INTO coupons (code, version, {_TERMS}) "  # noqa: S608
                    "VALUES (?, 1, ?, ?, ?, ?, ?)",
                    (checked.code, *self._terms(checked)),
                )
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc):
                    raise DuplicateError(kind="coupon", key=checked.code) from exc
                raise
        coupon.version = 1
        self._uow.track(coupon)

    def get(self, code: str) -> Coupon:
        """Return the coupon with this code."""
        key = normalize_code(code)
        with self._storage("read a coupon from"):
            coupon, _ = self._fetch(self._uow.connection, key)
        self._uow.track(coupon)
        return coupon

    def save(self, coupon: Coupon) -> None:
        """Store a coupon's changed terms, if nobody else changed them first.

        The count of uses stays as it is: only :meth:`redeem` and
        :meth:`release` change it.
        """
        checked = attrs.evolve(coupon)
        with self._atomic() as conn:
            stored, uses = self._fetch(conn, checked.code)
            if stored.version != checked.version:
                raise VersionConflictError(
                    kind="coupon",
                    key=checked.code,
                    expected_version=checked.version,
                    actual_version=stored.version,
                )
            if checked.usage_limit is not None and checked.usage_limit < uses:
                msg = (
                    f"coupon {checked.code!r} has been used {uses} times: its "
                    f"usage_limit cannot go below that, not to {checked.usage_limit}"
                )
                raise ValidationError(msg, field="usage_limit")
            conn.execute(
                "UPDATE coupons SET version = version + 1, promotion_id = ?, "
                "valid_from = ?, valid_until = ?, usage_limit = ?, "
                "per_customer_limit = ? WHERE code = ? AND version = ?",
                (*self._terms(checked), checked.code, checked.version),
            )
        coupon.version = checked.version + 1
        self._uow.track(coupon)

    # -- redemptions ---------------------------------------------------------

    def redeem(
        self, code: str, *, order_id: str, customer: str, at: datetime
    ) -> CouponRedemption:
        """Use the coupon for an order, if its window and limits allow it."""
        wanted = CouponRedemption(
            code=code, order_id=order_id, customer=customer, redeemed_at=at
        )
        with self._atomic() as conn:
            coupon, _ = self._fetch(conn, wanted.code)
            row = conn.execute(
                "SELECT customer, redeemed_at, released_at FROM coupon_redemptions "
                "WHERE code = ? AND order_id = ?",
                (coupon.code, wanted.order_id),
            ).fetchone()
            if row is not None and row[2] is None:
                return self._active(coupon.code, wanted, row[0], row[1])
            coupon.check_usable(wanted.redeemed_at)
            if conn.execute(_USE_ONE, (coupon.code,)).rowcount != 1:
                raise CouponUnavailableError(coupon=coupon.code, rule="coupon_used_up")
            record = _RECORD if row is None else _RECORD_AGAIN
            recorded = conn.execute(
                record,
                {
                    "code": coupon.code,
                    "order_id": wanted.order_id,
                    "customer": wanted.customer,
                    "at": _text(wanted.redeemed_at),
                    "limit": coupon.per_customer_limit,
                },
            ).rowcount
            if recorded != 1:
                raise CouponUnavailableError(
                    coupon=coupon.code, rule="coupon_customer_limit"
                )
        return wanted

    @staticmethod
    def _active(
        code: str, wanted: CouponRedemption, customer: str, redeemed_at: str
    ) -> CouponRedemption:
        """The order's active redemption, if ``wanted`` asks for the same."""
        if customer != wanted.customer:
            raise DuplicateError(
                kind="coupon redemption", key=f"{code}/{wanted.order_id}"
            )
        with _readable("coupon redemption"):
            return CouponRedemption(
                code=code,
                order_id=wanted.order_id,
                customer=customer,
                redeemed_at=_instant(redeemed_at),
            )

    def release(self, code: str, order_id: str) -> bool:
        """Give back the use of an order's redemption; whether there was one.

        Marks the redemption released (at the unit of work's clock's time)
        and counts the coupon's uses down by one.
        """
        key = normalize_code(code)
        order = _checked_text(order_id, "order_id")
        now = _text(self._uow.clock.now())
        with self._atomic() as conn:
            self._fetch(conn, key)
            released = conn.execute(
                "UPDATE coupon_redemptions SET released_at = ? "
                "WHERE code = ? AND order_id = ? AND released_at IS NULL",
                (now, key, order),
            ).rowcount
            if released == 1:
                conn.execute(
                    "UPDATE coupons SET uses = uses - 1 WHERE code = ?", (key,)
                )
        return released == 1

    def uses(self, code: str) -> int:
        """How many active redemptions the coupon has."""
        key = normalize_code(code)
        with self._storage("read a coupon from"):
            _, uses = self._fetch(self._uow.connection, key)
        return uses

    def uses_by(self, code: str, customer: str) -> int:
        """How many active redemptions of the coupon are ``customer``'s."""
        key = normalize_code(code)
        who = _checked_text(customer, "customer")
        conn = self._uow.connection
        with self._storage("read a coupon from"):
            self._fetch(conn, key)
            (count,) = conn.execute(
                "SELECT count(*) FROM coupon_redemptions "
                "WHERE code = ? AND customer = ? AND released_at IS NULL",
                (key, who),
            ).fetchone()
        return int(count)


# -- promotions -----------------------------------------------------------------

_PROMOTION_TERMS = (
    "priority, valid_from, valid_until, budget_currency, budget_minor, data"
)

# Adds to what a promotion spent in one statement, only where the currency
# matches and the total stays within zero and the budget; the row count says
# whether it did. The CHECK constraints of the table back it.
_SPEND = """
UPDATE promotions
SET spent_minor = coalesce(spent_minor, 0) + :units, spent_currency = :currency
WHERE promotion_id = :promotion_id
  AND coalesce(spent_currency, :currency) = :currency
  AND coalesce(budget_currency, :currency) = :currency
  AND coalesce(spent_minor, 0) + :units >= 0
  AND (budget_minor IS NULL OR coalesce(spent_minor, 0) + :units <= budget_minor)
"""


# The promotions that have not ended, found by the index on valid_until: over
# the years most promotions have ended, few have yet to start. (The unary
# ``+`` keeps the planner off the valid_from index, and sorting by id is left
# to Python, which would otherwise send the planner through the primary key.)
_ACTIVE = """
SELECT promotion_id, data FROM promotions
WHERE (valid_until IS NULL OR valid_until > :at)
  AND (+valid_from IS NULL OR +valid_from <= :at)
"""


def _budget_units(promotion: Promotion) -> tuple[str | None, int | None]:
    """The budget's currency and its whole minor units (any fraction cut off)."""
    budget = promotion.budget
    if budget is None:
        return None, None
    units = budget.amount.scaleb(minor_units(budget.currency))
    return budget.currency.code, int(units.to_integral_value(ROUND_FLOOR))


def _optional_money(units: int | None, currency: str | None) -> Money | None:
    if units is None or currency is None:
        return None
    return from_minor_units(int(units), currency)


def _check_budget(promotion: Promotion, spent: Money | None) -> None:
    """Refuse a budget below what the promotion spent, or in another currency."""
    budget = promotion.budget
    if budget is None or spent is None:
        return
    if budget.currency != spent.currency or budget < spent:
        msg = (
            f"promotion {promotion.promotion_id!r} has spent {spent}: its "
            f"budget cannot be {budget}"
        )
        raise ValidationError(msg, field="budget")


class SQLitePromotionRepository(PromotionRepository):
    """Promotions in a SQLite database, with what their budgets spent.

    One table, ``promotions``: the id (primary key), the version, the
    priority, the validity window as indexed columns (UTC ISO 8601 text, so
    :meth:`active_at` is a range query), the budget and what was spent as
    currency and whole minor units, and the promotion itself as JSON written
    by the unit of work's converter (see
    :func:`~commercekit.promotions.register_promotion_hooks`).

    :meth:`record_spent` is one conditional ``UPDATE ... SET spent_minor =
    spent_minor + ? WHERE ... spent_minor + ? <= budget_minor``, checked by
    its row count, and ``CHECK`` constraints keep what was spent within zero
    and the budget: the database itself never lets a promotion pass its
    budget.

    Args:
        uow: The unit of work whose connection the store uses.
    """

    def __init__(self, uow: SQLiteUnitOfWork) -> None:
        self._uow = uow

    @contextlib.contextmanager
    def _storage(self, action: str) -> Iterator[sqlite3.Connection]:
        try:
            yield self._uow.connection
        except sqlite3.Error as exc:
            msg = f"cannot {action} the SQLite database {self._uow.database.path!r}"
            msg = f"{msg}: {exc}"
            raise StorageError(msg) from exc

    def _columns(self, promotion: Promotion) -> tuple[object, ...]:
        currency, units = _budget_units(promotion)
        try:
            data = dumps(promotion, self._uow.converter)
        except (TypeError, ValueError) as exc:
            msg = f"promotion {promotion.promotion_id!r} cannot be stored as JSON"
            raise StorageError(f"{msg}: {exc}") from exc
        return (
            promotion.priority,
            _optional_text(promotion.valid_from),
            _optional_text(promotion.valid_until),
            currency,
            units,
            data,
        )

    def _read(self, data: str) -> Promotion:
        with _readable("promotion"):
            return loads(data, Promotion, self._uow.converter)

    def _row(self, conn: sqlite3.Connection, key: str) -> tuple[Any, ...]:
        """The stored version, spent currency and minor units, and data."""
        row: tuple[Any, ...] | None = conn.execute(
            "SELECT version, spent_currency, spent_minor, data FROM promotions "
            "WHERE promotion_id = ?",
            (key,),
        ).fetchone()
        if row is None:
            raise NotFoundError(kind="promotion", key=key)
        return row

    @staticmethod
    def _check_version(key: str, expected: int, actual: int) -> None:
        if actual != expected:
            raise VersionConflictError(
                kind="promotion",
                key=key,
                expected_version=expected,
                actual_version=actual,
            )

    def add(self, promotion: Promotion) -> int:
        """Store a new promotion at version 1; return 1."""
        checked = _check_promotion(promotion)
        columns = self._columns(checked)
        with self._storage("write a promotion to") as conn:
            try:
                conn.execute(
                    "INSERT INTO promotions "  # noqa: S608
                    f"(promotion_id, version, {_PROMOTION_TERMS}) "
                    "VALUES (?, 1, ?, ?, ?, ?, ?, ?)",
                    (checked.promotion_id, *columns),
                )
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc):
                    raise DuplicateError(
                        kind="promotion", key=checked.promotion_id
                    ) from exc
                raise
        return 1

    def get(self, promotion_id: str) -> StoredPromotion:
        """Return the promotion with this id, and its version."""
        key = _checked_text(promotion_id, "promotion_id")
        with self._storage("read a promotion from") as conn:
            version, _, _, data = self._row(conn, key)
        return StoredPromotion(self._read(data), int(version))

    def save(self, promotion: Promotion, *, expected_version: int) -> int:
        """Replace the promotion, if it is still at ``expected_version``.

        What the promotion spent stays as it is.
        """
        checked = _check_promotion(promotion)
        expected = _check_expected_version(expected_version)
        key = checked.promotion_id
        columns = self._columns(checked)
        with self._storage("write a promotion to") as conn:
            version, spent_currency, spent_minor, _ = self._row(conn, key)
            self._check_version(key, expected, int(version))
            _check_budget(checked, _optional_money(spent_minor, spent_currency))
            updated = conn.execute(
                "UPDATE promotions SET version = version + 1, priority = ?, "
                "valid_from = ?, valid_until = ?, budget_currency = ?, "
                "budget_minor = ?, data = ? "
                "WHERE promotion_id = ? AND version = ?",
                (*columns, key, expected),
            ).rowcount
        if updated != 1:  # pragma: no cover - the transaction holds the lock
            raise VersionConflictError(
                kind="promotion", key=key, expected_version=expected
            )
        return expected + 1

    def remove(self, promotion_id: str, *, expected_version: int | None = None) -> None:
        """Delete the promotion and what it spent."""
        key = _checked_text(promotion_id, "promotion_id")
        expected = (
            None
            if expected_version is None
            else _check_expected_version(expected_version)
        )
        with self._storage("delete a promotion from") as conn:
            version, _, _, _ = self._row(conn, key)
            if expected is not None:
                self._check_version(key, expected, int(version))
            conn.execute("DELETE FROM promotions WHERE promotion_id = ?", (key,))

    def iterate(self) -> Iterator[StoredPromotion]:
        """Yield every promotion with its version, by id."""
        with self._storage("read promotions from") as conn:
            rows = conn.execute(
                "SELECT version, data FROM promotions ORDER BY promotion_id"
            ).fetchall()
        for version, data in rows:
            yield StoredPromotion(self._read(data), int(version))

    def active_at(self, at: datetime) -> list[Promotion]:
        """The promotions whose validity window holds ``at``, by id."""
        instant = _text(as_utc(at, field="at"))
        with self._storage("read promotions from") as conn:
            rows: list[tuple[str, str]] = conn.execute(
                _ACTIVE, {"at": instant}
            ).fetchall()
        return [self._read(data) for _, data in sorted(rows)]

    def spent(self, promotion_id: str) -> Money | None:
        """What the promotion gave so far; ``None`` until something was recorded."""
        key = _checked_text(promotion_id, "promotion_id")
        with self._storage("read a promotion from") as conn:
            _, currency, units, _ = self._row(conn, key)
        return _optional_money(units, currency)

    def record_spent(self, promotion_id: str, amount: Money) -> Money:
        """Add ``amount`` to what the promotion gave; return the new total."""
        key = _checked_text(promotion_id, "promotion_id")
        given, units = _whole_minor_units(amount)
        code = given.currency.code
        with self._storage("record what a promotion spent in") as conn:
            recorded = conn.execute(
                _SPEND, {"promotion_id": key, "units": units, "currency": code}
            ).rowcount
            _, currency, total, data = self._row(conn, key)
        if recorded == 1:
            return from_minor_units(int(total), code)
        raise self._refusal(key, given, self._read(data), currency, total)

    @staticmethod
    def _refusal(
        key: str,
        given: Money,
        promotion: Promotion,
        currency: str | None,
        units: int | None,
    ) -> CommerceError:
        """Why the conditional update did not add ``given``."""
        budget = promotion.budget
        code = given.currency.code
        if budget is not None and budget.currency.code != code:
            return CurrencyMismatchError(expected=budget.currency.code, got=code)
        if currency is not None and currency != code:
            return CurrencyMismatchError(expected=currency, got=code)
        before = from_minor_units(0 if units is None else int(units), code)
        if given.amount < 0:
            msg = f"promotion {key!r} has spent {before}: it cannot give back {-given}"
            return ValidationError(msg, field="amount")
        if budget is None:  # pragma: no cover - nothing else refuses
            msg = f"promotion {key!r} cannot record {given}"
            return StorageError(msg)
        return PromotionBudgetExceededError(
            promotion_id=key, budget=budget, spent=before, amount=given
        )
