"""The SQLite price list repository."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Collection, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import attrs

from commercekit.adapters.sqlite._columns import (
    _instant,
    _optional_instant,
    _optional_text,
    _readable,
    _text,
)
from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    StorageError,
    ValidationError,
    VersionConflictError,
)
from commercekit.money import Money, get_currency
from commercekit.ports import EventRecorder
from commercekit.pricing import (
    ListedPrice,
    PriceChange,
    PriceEntry,
    PriceList,
    PriceListId,
    PriceListRepository,
    PriceMode,
    PriceTier,
)
from commercekit.values import Sku

if TYPE_CHECKING:
    from commercekit.adapters.sqlite._unit_of_work import SQLiteUnitOfWork

__all__ = ["SQLitePriceListRepository"]

_TERMS = (
    "currency, mode, name, priority, channel, customer_group, valid_from, valid_until"
)

_PRICES_FOR = (
    "SELECT p.list_id, l.mode, l.priority, l.channel, l.customer_group, "
    "l.valid_from, l.valid_until, p.sku, p.tiers, p.since "
    "FROM list_prices AS p JOIN price_lists AS l ON l.list_id = p.list_id "
    "WHERE p.sku IN (SELECT value FROM json_each(?)) AND l.currency = ? "
    "ORDER BY p.list_id, p.sku"
)

_PriceRow = tuple[str, str, str]
"""A stored price without its keys: tiers JSON, ``since`` text, base amount."""


def _checked(price_list: PriceList) -> PriceList:
    """The list built anew, so that it passes every check of its constructor.

    Assigning to a list's fields skips some of them (a ``valid_from`` after
    ``valid_until``, prices in a currency the list no longer has); a store
    refuses such a list instead of keeping one that would not read back.

    Raises:
        ValidationError: for a list its constructor would refuse.
    """
    return attrs.evolve(price_list)


class SQLitePriceListRepository(PriceListRepository):
    """Price lists in a SQLite database.

    Three tables: ``price_lists`` holds each list's terms (currency, mode,
    priority, channel, customer group, validity window) and version;
    ``list_prices`` one row per SKU and list, with the quantity tiers as JSON
    written by commercekit's converter and the base amount as exact decimal
    text, indexed by SKU so :meth:`prices_for` is one indexed query; and
    ``price_history`` the base-price changes. Instants are stored as UTC ISO
    8601 text, amounts as text with every digit kept.

    Saving is a conditional ``UPDATE ... WHERE version = ?``, so two writers
    cannot both win, and it writes only the price rows that changed.

    Args:
        uow: The unit of work whose connection the repository uses.
    """

    def __init__(self, uow: SQLiteUnitOfWork) -> None:
        self._uow = uow

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[sqlite3.Connection]:
        """Run one add or save as a whole: a failure undoes all its writes.

        A savepoint inside the unit of work's transaction, so a caller that
        catches the error can go on with the block and commit without a
        half-written price list.
        """
        conn = self._uow.connection
        conn.execute("SAVEPOINT pricing_write")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO pricing_write")
            conn.execute("RELEASE pricing_write")
            raise
        conn.execute("RELEASE pricing_write")

    def _track(self, price_list: PriceList) -> None:
        # A price list records no events yet; if it ever does, the unit of
        # work collects them like any aggregate's.
        if isinstance(price_list, EventRecorder):
            self._uow.track(price_list)

    # -- writing -----------------------------------------------------------

    @staticmethod
    def _terms(price_list: PriceList) -> tuple[object, ...]:
        return (
            price_list.currency,
            price_list.mode.value,
            price_list.name,
            price_list.priority,
            price_list.channel,
            price_list.customer_group,
            _optional_text(price_list.valid_from),
            _optional_text(price_list.valid_until),
        )

    def _price_row(self, entry: PriceEntry) -> _PriceRow:
        tiers = self._uow.converter.unstructure(
            entry.tiers, unstructure_as=tuple[PriceTier, ...]
        )
        return (
            json.dumps(tiers, separators=(",", ":")),
            _text(entry.since),
            str(entry.base_price.amount),
        )

    def add(self, price_list: PriceList) -> None:
        """Store a new price list at version 1, and the history of its prices.

        Raises:
            ValidationError: for a list that its constructor would refuse
                (assigning to its fields skips some checks).
        """
        self._add(_checked(price_list))
        price_list.version = 1
        self._track(price_list)

    def _add(self, price_list: PriceList) -> None:
        with self._atomic() as conn:
            try:
                conn.execute(
                    f"INSERT INTO price_lists (list_id, version, {_TERMS}) "  # noqa: S608
                    "VALUES (?, 1, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (price_list.list_id, *self._terms(price_list)),
                )
            except sqlite3.IntegrityError as exc:
                if "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc):
                    raise DuplicateError(
                        kind="price list", key=price_list.list_id
                    ) from exc
                msg = f"the database refused price list {price_list.list_id!r}: {exc}"
                raise StorageError(msg) from exc
            codes = sorted(price_list.prices)
            self._insert_prices(conn, price_list, codes)
            self._append_history(conn, price_list, codes)

    def save(self, price_list: PriceList) -> None:
        """Store a changed price list, if nobody else changed it first.

        Writes the price rows that are new, changed or removed, and leaves
        the others alone.

        Raises:
            ValidationError: for a list that its constructor would refuse.
        """
        checked = _checked(price_list)
        with self._atomic() as conn:
            self._save(conn, checked)
        price_list.version = checked.version + 1
        self._track(price_list)

    def _save(self, conn: sqlite3.Connection, price_list: PriceList) -> None:
        list_id = price_list.list_id
        row = conn.execute(
            "SELECT currency FROM price_lists WHERE list_id = ?", (list_id,)
        ).fetchone()
        if row is None:
            raise NotFoundError(kind="price list", key=list_id)
        stored_currency: str = row[0]
        updated = conn.execute(
            "UPDATE price_lists SET version = version + 1, currency = ?, mode = ?, "
            "name = ?, priority = ?, channel = ?, customer_group = ?, "
            "valid_from = ?, valid_until = ? WHERE list_id = ? AND version = ?",
            (*self._terms(price_list), list_id, price_list.version),
        ).rowcount
        if updated != 1:
            (actual,) = conn.execute(
                "SELECT version FROM price_lists WHERE list_id = ?", (list_id,)
            ).fetchone()
            raise VersionConflictError(
                kind="price list",
                key=list_id,
                expected_version=price_list.version,
                actual_version=int(actual),
            )
        stored: dict[str, _PriceRow] = {
            code: (tiers, since, base)
            for code, tiers, since, base in conn.execute(
                "SELECT sku, tiers, since, base_amount FROM list_prices "
                "WHERE list_id = ?",
                (list_id,),
            )
        }
        new: list[Sku] = []
        repriced: list[Sku] = []
        changed: list[tuple[str, ...]] = []
        for code in sorted(price_list.prices):
            entry = price_list.prices[code]
            old = stored.get(code)
            if old is None:
                new.append(code)
                repriced.append(code)
                continue
            row = self._price_row(entry)
            if row != old:
                changed.append((*row, list_id, code))
            with _readable("price"):
                old_base = Decimal(old[2])
            if (
                stored_currency != price_list.currency
                or old_base != entry.base_price.amount
            ):
                repriced.append(code)
        removed = sorted(set(stored) - set(price_list.prices))
        conn.executemany(
            "DELETE FROM list_prices WHERE list_id = ? AND sku = ?",
            [(list_id, code) for code in removed],
        )
        conn.executemany(
            "UPDATE list_prices SET tiers = ?, since = ?, base_amount = ? "
            "WHERE list_id = ? AND sku = ?",
            changed,
        )
        self._insert_prices(conn, price_list, new)
        self._append_history(conn, price_list, repriced)

    def _insert_prices(
        self, conn: sqlite3.Connection, price_list: PriceList, codes: list[Sku]
    ) -> None:
        conn.executemany(
            "INSERT INTO list_prices (list_id, sku, tiers, since, base_amount) "
            "VALUES (?, ?, ?, ?, ?)",
            [
                (price_list.list_id, code, *self._price_row(price_list.prices[code]))
                for code in codes
            ],
        )

    def _append_history(
        self, conn: sqlite3.Connection, price_list: PriceList, codes: list[Sku]
    ) -> None:
        rows = []
        for code in codes:
            entry = price_list.prices[code]
            base = entry.base_price
            rows.append(
                (
                    price_list.list_id,
                    code,
                    str(base.amount),
                    base.currency.code,
                    _text(entry.since),
                )
            )
        conn.executemany(
            "INSERT INTO price_history (list_id, sku, amount, currency, changed_at) "
            "VALUES (?, ?, ?, ?, ?)",
            rows,
        )

    # -- reading -----------------------------------------------------------

    def _tiers(self, data: str) -> tuple[PriceTier, ...]:
        tiers: tuple[PriceTier, ...] = self._uow.converter.structure(
            json.loads(data), tuple[PriceTier, ...]
        )
        return tiers

    def _load(self, conn: sqlite3.Connection, row: tuple[Any, ...]) -> PriceList:
        list_id, version, *terms = row
        (
            currency,
            mode,
            name,
            priority,
            channel,
            customer_group,
            valid_from,
            valid_until,
        ) = terms
        prices = conn.execute(
            "SELECT sku, tiers, since FROM list_prices WHERE list_id = ? ORDER BY sku",
            (list_id,),
        ).fetchall()
        with _readable("price list"):
            return PriceList(
                list_id=list_id,
                currency=currency,
                mode=PriceMode(mode),
                name=name,
                priority=priority,
                channel=channel,
                customer_group=customer_group,
                valid_from=_optional_instant(valid_from),
                valid_until=_optional_instant(valid_until),
                prices={
                    code: PriceEntry(self._tiers(tiers), _instant(since))
                    for code, tiers, since in prices
                },
                version=version,
            )

    def get(self, list_id: PriceListId) -> PriceList:
        """Return the price list with this id."""
        conn = self._uow.connection
        row = conn.execute(
            f"SELECT list_id, version, {_TERMS} FROM price_lists "  # noqa: S608
            "WHERE list_id = ?",
            (list_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(kind="price list", key=list_id)
        price_list = self._load(conn, row)
        self._track(price_list)
        return price_list

    def iterate(self) -> Iterator[PriceList]:
        """Yield every price list, ordered by id."""
        conn = self._uow.connection
        rows = conn.execute(
            f"SELECT list_id, version, {_TERMS} FROM price_lists "  # noqa: S608
            "ORDER BY list_id"
        ).fetchall()
        for row in rows:
            yield self._load(conn, row)

    def prices_for(self, skus: Collection[Sku], currency: str) -> list[ListedPrice]:
        """The prices of ``skus`` in ``currency``, by list id, then SKU.

        One query over the SKU index, joined with the lists' terms.

        Raises:
            ValidationError: for an unknown currency code, or one string
                given for the collection of SKUs.
        """
        if isinstance(skus, str) or not isinstance(skus, Collection):
            msg = f"prices_for takes a collection of SKUs, not {skus!r}"
            raise ValidationError(msg, field="skus")
        code = get_currency(currency).code
        wanted = sorted(set(skus))
        if not wanted:
            return []
        rows = self._uow.connection.execute(
            _PRICES_FOR, (json.dumps(wanted), code)
        ).fetchall()
        found = []
        for row in rows:
            list_id, mode, priority, channel, group, start, end, sku, tiers, since = row
            with _readable("price"):
                found.append(
                    ListedPrice(
                        list_id=PriceListId(list_id),
                        sku=Sku(sku),
                        currency=code,
                        mode=PriceMode(mode),
                        entry=PriceEntry(self._tiers(tiers), _instant(since)),
                        priority=priority,
                        channel=channel,
                        customer_group=group,
                        valid_from=_optional_instant(start),
                        valid_until=_optional_instant(end),
                    )
                )
        return found

    def history(self, list_id: PriceListId, sku: Sku) -> list[PriceChange]:
        """The base-price changes of ``sku`` in the list, oldest first.

        Changes at the same instant keep the order they were stored in; an
        unknown list or SKU has none.
        """
        rows = self._uow.connection.execute(
            "SELECT amount, currency, changed_at FROM price_history "
            "WHERE list_id = ? AND sku = ? ORDER BY changed_at, id",
            (list_id, sku),
        ).fetchall()
        changes = []
        for amount, currency, changed_at in rows:
            with _readable("price change"):
                changes.append(
                    PriceChange(
                        list_id=list_id,
                        sku=sku,
                        unit_price=Money(amount, currency),
                        changed_at=_instant(changed_at),
                    )
                )
        return changes
