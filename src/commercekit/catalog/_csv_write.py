"""Writing: imported rows into the store, and products out to CSV."""

from __future__ import annotations

import csv
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from typing import Any, Final, TextIO

import attrs

from commercekit.catalog._csv import (
    _COLUMNS,
    _LOCALE,
    _TRANSLATED,
    _format_decimal,
    _format_list,
    _format_pairs,
    _Group,
    _Row,
)
from commercekit.catalog._model import LocalizedText, Product, ProductId, Variant
from commercekit.catalog._ports import CatalogUnitOfWork, ProductRepository
from commercekit.errors import ConflictError, NotFoundError, ValidationError
from commercekit.money import Money
from commercekit.ports import Clock
from commercekit.values import Sku

__all__ = ["export_products"]


# -- the import's rows into the store ------------------------------------------


def _state(value: object) -> object:
    """A value to compare: mappings in any order, money of any two currencies."""
    if isinstance(value, LocalizedText):
        return (value.text, tuple(sorted(value.translations.items())))
    if isinstance(value, Mapping):
        return tuple(sorted(value.items()))
    if isinstance(value, Money):
        return (value.amount, value.currency.code)
    return value


def _variant_state(variant: Variant) -> tuple[object, ...]:
    return tuple(_state(getattr(variant, f.name)) for f in attrs.fields(Variant))


def _product_fields(
    values: Mapping[str, tuple[int, Any]], current: Product | None
) -> dict[str, Any]:
    """The product's fields from the file's columns; absent columns keep theirs."""
    given = {column: value for column, (_, value) in values.items()}
    fields: dict[str, Any] = {
        name: given[name]
        for name in ("brand", "categories", "attributes", "active", "related")
        if name in given
    }
    for name in _TRANSLATED:
        old: LocalizedText | None = getattr(current, name, None)
        translations = dict(old.translations) if old else {}
        for column, value in given.items():
            base, _, locale = column.partition(":")
            if base == name and locale:
                if value:
                    translations[locale] = value
                else:
                    translations.pop(locale, None)
        text = given.get(name, old.text if old else "")
        fields[name] = LocalizedText(text, translations)
    return fields


def _accepted(
    repository: ProductRepository, rows: Iterable[_Row], owned: Collection[str]
) -> list[tuple[_Row, Sku]]:
    """The good rows, without those whose SKU belongs to another product."""
    accepted: list[tuple[_Row, Sku]] = []
    for row in rows:
        if row.problems or row.sku is None:
            continue
        if row.sku not in owned:
            try:
                owner = repository.get_by_sku(row.sku).product_id
            except NotFoundError:
                pass
            else:
                row.fail(
                    "sku",
                    f"SKU {row.sku!r} belongs to product {owner!r}: an import "
                    "does not move a SKU to another product",
                )
                continue
        accepted.append((row, row.sku))
    return accepted


def _update(
    product: Product, fields: Mapping[str, Any], accepted: list[tuple[_Row, Sku]]
) -> bool:
    """Change a stored product as its rows say; return whether anything changed."""
    changed = any(
        _state(value) != _state(getattr(product, name))
        for name, value in fields.items()
    )
    if changed:
        for name, value in fields.items():
            setattr(product, name, value)
    owned = set(product.skus)
    for row, code in accepted:
        if code not in owned:
            product.put_variant(Variant(sku=code, **row.variant))
            row.outcome = "created"
            continue
        old = product.variant(code)
        new = attrs.evolve(old, **row.variant)
        if _variant_state(new) != _variant_state(old):
            product.put_variant(new)
            row.outcome = "updated"
        else:
            row.outcome = "updated" if changed else "unchanged"
    return any(row.outcome != "unchanged" for row, _ in accepted)


def _upsert(uow: CatalogUnitOfWork, group: _Group, clock: Clock) -> bool:
    """Apply a product's good rows; return whether there is anything to commit."""
    repository = uow.products
    product_id = ProductId(group.product_id)
    try:
        product: Product | None = repository.get(product_id)
    except NotFoundError:
        product = None
    owned = product.skus if product is not None else ()
    accepted = _accepted(repository, group.rows, owned)
    if not accepted:
        return False
    fields = _product_fields(group.values, product)
    if product is not None:
        if not _update(product, fields, accepted):
            return False
        repository.save(product)
        return True
    variants = [Variant(sku=code, **row.variant) for row, code in accepted]
    repository.add(
        Product(
            product_id=product_id, created_at=clock.now(), variants=variants, **fields
        )
    )
    for row, _ in accepted:
        row.outcome = "created"
    return True


def _reject_rest(group: _Group, error: Exception) -> None:
    for row in group.rows:
        if not row.problems:
            row.fail(None, f"product {group.product_id!r} was not saved: {error}")


_ROW_ERRORS: Final = (ConflictError, NotFoundError, ValidationError)
"""What the store may answer about one product: it rejects that product's rows."""


@attrs.define
class _Ticker:
    """Calls ``progress`` each time another ``every`` rows are done, and at the end."""

    callback: Callable[[int], None] | None
    every: int
    done: int = 0
    told: int = -1

    def advance(self, count: int) -> None:
        before, self.done = self.done, self.done + count
        if self.callback is not None and self.done // self.every > before // self.every:
            self.callback(self.done)
            self.told = self.done

    def finish(self) -> None:
        if self.callback is not None and self.told != self.done:
            self.callback(self.done)


def _write(
    groups: Collection[_Group],
    rows: Collection[_Row],
    *,
    uow_factory: Callable[[], CatalogUnitOfWork],
    clock: Clock,
    all_or_nothing: bool,
    progress: Callable[[int], None] | None,
    progress_every: int,
) -> bool:
    """Store the groups' good rows; return whether all or nothing wrote nothing."""
    ticker = _Ticker(progress, progress_every)
    ticker.advance(sum(1 for row in rows if row.product_id is None))
    if not all_or_nothing:
        for group in groups:
            if any(not row.problems for row in group.rows):
                try:
                    with uow_factory() as uow:
                        if _upsert(uow, group, clock):
                            uow.commit()
                except _ROW_ERRORS as exc:
                    _reject_rest(group, exc)
            ticker.advance(len(group.rows))
        ticker.finish()
        return False
    with uow_factory() as uow:
        for group in groups:
            try:
                _upsert(uow, group, clock)
            except _ROW_ERRORS as exc:
                _reject_rest(group, exc)
            ticker.advance(len(group.rows))
        failed = any(row.problems for row in rows)
        if not failed:
            uow.commit()
    ticker.finish()
    return failed


# -- products out to CSV -------------------------------------------------------


def _locales(products: Iterable[Product]) -> list[str]:
    return sorted(
        {
            locale
            for product in products
            for text in (product.name, product.description)
            for locale in text.translations
        }
    )


def _product_cells(product: Product, locales: Sequence[str]) -> dict[str, str]:
    cells = {
        "product_id": product.product_id,
        "name": product.name.text,
        "description": product.description.text,
        "brand": product.brand,
        "categories": _format_list(product.categories),
        "attributes": _format_pairs(product.attributes),
        "active": "true" if product.active else "false",
        "related": _format_list(product.related),
    }
    for name in _TRANSLATED:
        text: LocalizedText = getattr(product, name)
        for locale in locales:
            cells[f"{name}:{locale}"] = text.translations.get(locale, "")
    return cells


def _variant_cells(variant: Variant) -> dict[str, str]:
    cost = variant.cost_price
    return {
        "sku": variant.sku,
        "options": _format_pairs(variant.options),
        "gtin": variant.gtin or "",
        "weight_grams": str(variant.weight_grams),
        "tax_category": variant.tax_category.value,
        "cost_price": "" if cost is None else _format_decimal(cost.amount),
        "cost_currency": "" if cost is None else cost.currency.code,
        "not_returnable": variant.not_returnable or "",
    }


def export_products(
    products: Iterable[Product],
    stream: TextIO,
    *,
    delimiter: str = ",",
    locales: Sequence[str] | None = None,
) -> int:
    r"""Write products as CSV that :func:`import_products` reads back unchanged.

    One row per variant, the product's columns repeated on each, under a header
    of the canonical columns (see :func:`import_products`) followed by
    ``name:<locale>`` columns and then ``description:<locale>`` columns. Cells
    are written the way the import reads them: a decimal point and every digit
    of the cost price (``31.500``, which could pass for thousands, is written
    ``31.5000``: the same amount), ``true``/``false``, lists
    joined with ``|`` and pairs as ``key=value`` sorted by key, with ``\``
    escaping a ``|``, ``=`` or ``\`` inside an item. Rows end with ``\r\n``;
    for Excel, open the file with ``encoding="utf-8-sig", newline=""``.

    A product without variants has no row, since each row is a variant.

    Args:
        products: The products, such as ``uow.products.iterate()``.
        stream: Where the text goes.
        delimiter: ``","`` or ``";"`` (any one character but a quote or a line
            break).
        locales: The translations to write; by default every locale that any
            product's name or description has, sorted. A translation into
            another locale is left out, and an import of the file keeps it.

    Returns:
        The number of rows written, without the header.

    Raises:
        ValidationError: for a bad delimiter, or a locale that is not letters,
            digits, ``_`` and ``-`` (the import could not read its column).
    """
    if len(delimiter) != 1 or delimiter in '"\r\n':
        msg = f"the delimiter must be one character such as ';', not {delimiter!r}"
        raise ValidationError(msg, field="delimiter")
    if locales is None:
        products = list(products)
        locales = _locales(products)
    locales = list(dict.fromkeys(locales))
    for locale in locales:
        if not _LOCALE.fullmatch(locale):
            msg = f"{locale!r} cannot name a translation column such as 'name:en'"
            raise ValidationError(msg, field="locales")
    header = [
        *_COLUMNS,
        *(f"{name}:{locale}" for name in _TRANSLATED for locale in locales),
    ]
    writer = csv.writer(stream, delimiter=delimiter, lineterminator="\r\n")
    writer.writerow(header)
    rows = 0
    for product in products:
        shared = _product_cells(product, locales)
        for variant in product.variants:
            cells = shared | _variant_cells(variant)
            writer.writerow([cells[column] for column in header])
            rows += 1
    return rows
