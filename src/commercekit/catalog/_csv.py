"""The catalog's CSV format: its columns and cells, and the import report.

:mod:`~commercekit.catalog._csv_read` imports files in this format and
:mod:`~commercekit.catalog._csv_write` writes them. Both take the columns and
the cell rules from here, so what one writes the other reads back unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any, Final

import attrs

from commercekit.errors import ValidationError
from commercekit.money import to_decimal
from commercekit.values import Sku

__all__ = ["ImportReport", "Rejection"]

_COLUMNS: Final = (
    "product_id",
    "sku",
    "name",
    "description",
    "brand",
    "categories",
    "attributes",
    "options",
    "gtin",
    "weight_grams",
    "tax_category",
    "cost_price",
    "cost_currency",
    "not_returnable",
    "active",
    "related",
)
"""The canonical columns, in the order an export writes them."""

_REQUIRED: Final = ("product_id", "sku", "name")
_TRANSLATED: Final = ("name", "description")
"""Columns that take translations, as ``name:<locale>``."""

_LOCALE: Final = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]*")
_SEPARATOR: Final = "|"
_TRUE: Final = frozenset({"true", "1", "yes", "y", "ja", "j", "wahr"})
_FALSE: Final = frozenset({"false", "0", "no", "n", "nein", "falsch"})


@attrs.frozen
class Rejection:
    """One problem that kept a row of an import file out of the catalog.

    Args:
        row: The row's number as a spreadsheet shows it: the header is row 1,
            the first data row is row 2 (a value spanning several lines in
            quotes is still one row).
        column: The canonical name of the offending column, such as
            ``"gtin"``; ``None`` when the problem is the row as a whole.
        message: What is wrong, in words a merchant can act on.
    """

    row: int
    column: str | None
    message: str


@attrs.frozen(kw_only=True)
class ImportReport:
    """What :func:`~commercekit.catalog.import_products` did, row by row.

    Each data row of the file (one per variant) is counted exactly once, as
    ``created``, ``updated``, ``unchanged`` or ``rejected``; blank rows are not
    counted. A row is *created* when its variant is new, *updated* when its
    variant or its product's columns changed, and *unchanged* otherwise.

    Args:
        rows: The data rows read, without the header and blank rows.
        created: Rows whose variant (and maybe product) was added.
        updated: Rows that changed a stored variant or its product.
        unchanged: Rows that matched what was stored already.
        rejected: Rows that were not imported.
        rejections: Every problem found, ordered by row; a row may have
            several.
        ignored_columns: Header names that are not canonical columns (after
            ``mapping``), as the file spells them.
        aborted: ``True`` when an ``all_or_nothing`` import found a rejected
            row and therefore wrote nothing; ``created``, ``updated`` and
            ``unchanged`` are then 0.
    """

    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    rejected: int = 0
    rejections: tuple[Rejection, ...] = ()
    ignored_columns: tuple[str, ...] = ()
    aborted: bool = False

    @property
    def ok(self) -> bool:
        """Whether every row was imported."""
        return self.rejected == 0 and not self.aborted


def _canonical(header: str) -> str | None:
    """The canonical column a header names (any case), or ``None``."""
    name = header.strip()
    lowered = name.lower()
    if lowered in _COLUMNS:
        return lowered
    prefix, colon, locale = name.partition(":")
    if colon and prefix.strip().lower() in _TRANSLATED:
        locale = locale.strip()
        if _LOCALE.fullmatch(locale):
            return f"{prefix.strip().lower()}:{locale}"
    return None


def _show(value: str, limit: int = 40) -> str:
    """``repr`` of a cell for a message, shortened."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


# -- checked rows, grouped by product ------------------------------------------


@attrs.define(eq=False)
class _Row:
    """One data row: its variant's fields and what is wrong with it."""

    number: int
    product_id: str | None = None
    sku: Sku | None = None
    variant: dict[str, Any] = attrs.Factory(dict)
    """Only the variant columns the file has; the others keep their values."""
    problems: list[Rejection] = attrs.Factory(list)
    product_column: str | None = None
    """The first product column that is bad on this row."""
    outcome: str = ""

    def fail(self, column: str | None, message: str, *, product: bool = False) -> None:
        self.problems.append(Rejection(self.number, column, message))
        self.outcome = ""
        if product and self.product_column is None:
            self.product_column = column


@attrs.define(eq=False)
class _Group:
    """The rows of one product, whose product columns must agree."""

    product_id: str
    raw: tuple[str, ...] = ()
    """The product cells of its first row, as the file has them."""
    rows: list[_Row] = attrs.Factory(list)
    values: dict[str, tuple[int, Any]] = attrs.Factory(dict)
    """Each product column's value, with the row it was first read from."""

    def add(self, row: _Row, product: Mapping[str, Any]) -> None:
        row.product_id = self.product_id
        self.rows.append(row)
        for column, value in product.items():
            seen = self.values.setdefault(column, (row.number, value))
            if seen[1] != value:
                row.fail(
                    column,
                    f"{column} {_show(str(value))} differs from "
                    f"{_show(str(seen[1]))} on row {seen[0]}: the product "
                    "columns must be the same on each row of a product",
                    product=True,
                )

    def finish(self) -> None:
        culprit = next((row for row in self.rows if row.product_column), None)
        if culprit is None:
            return
        for row in self.rows:
            if row.product_column is None:
                row.fail(
                    culprit.product_column,
                    f"product {self.product_id!r} is not imported: row "
                    f"{culprit.number} has a bad {culprit.product_column}",
                    product=True,
                )


# -- cells: "a|b" lists and "key=value|key=value" pairs, with \ escapes ----------


def _split(text: str, separator: str) -> list[str]:
    """Split at each ``separator`` not escaped by a backslash; keep escapes."""
    if "\\" not in text:
        return text.split(separator)
    parts, current, escaped = [], [], False
    for char in text:
        if escaped:
            current.append(char)
            escaped = False
        elif char == "\\":
            current.append(char)
            escaped = True
        elif char == separator:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return parts


def _unescape(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text) if "\\" in text else text


def _escape(text: str, specials: str) -> str:
    for char in "\\" + specials:
        text = text.replace(char, "\\" + char)
    return text


def _parse_list(text: str) -> tuple[str, ...]:
    """Read ``a|b|c``; items are stripped, empty ones dropped."""
    items = (_unescape(item.strip()) for item in _split(text, _SEPARATOR))
    return tuple(item for item in items if item)


def _format_list(items: Iterable[str]) -> str:
    """Write items as :func:`_parse_list` reads them."""
    return _SEPARATOR.join(_escape(item, _SEPARATOR) for item in items)


def _parse_pairs(text: str, column: str) -> dict[str, str]:
    """Read ``key=value|key=value`` into a dict.

    Raises:
        ValidationError: for an item without ``=``, an empty or repeated key.
    """
    pairs: dict[str, str] = {}
    for item in _split(text, _SEPARATOR):
        if not item.strip():
            continue
        key, *value = _split(item, "=")
        name = _unescape(key.strip())
        if not value:
            msg = (
                f"{column} item {_show(item.strip())} has no '=': write "
                "key=value pairs separated by '|'"
            )
            raise ValidationError(msg, field=column)
        if not name:
            msg = f"{column} item {_show(item.strip())} has no key before '='"
            raise ValidationError(msg, field=column)
        if name in pairs:
            msg = f"{column} names {_show(name)} twice"
            raise ValidationError(msg, field=column)
        pairs[name] = _unescape("=".join(value).strip())
    return pairs


def _format_pairs(pairs: Mapping[str, str]) -> str:
    """Write a mapping as :func:`_parse_pairs` reads it, keys sorted."""
    return _SEPARATOR.join(
        f"{_escape(key, '|=')}={_escape(pairs[key], _SEPARATOR)}"
        for key in sorted(pairs)
    )


# -- scalars -------------------------------------------------------------------


def _parse_bool(text: str, column: str) -> bool:
    """Read yes/no in English or German; empty is yes."""
    value = text.strip().lower()
    if not value or value in _TRUE:
        return True
    if value in _FALSE:
        return False
    msg = f"{column} {_show(text)} is not yes or no: write true/false, 1/0, yes/no"
    raise ValidationError(msg, field=column)


def _parse_whole(text: str, column: str) -> int:
    """Read a whole number of at least 0, digits only."""
    value = text.strip()
    if not value:
        return 0
    if re.fullmatch(r"-\s*\d+", value):
        msg = f"{column} {_show(text)} is negative: it must be at least 0"
        raise ValidationError(msg, field=column)
    if not re.fullmatch(r"\d{1,12}", value):
        msg = (
            f"{column} {_show(text)} is not a whole number: write digits only, "
            "without decimals or thousands separators"
        )
        raise ValidationError(msg, field=column)
    return int(value)


_NUMBER: Final = re.compile(r"\d(?:[\d.,]*\d)?")


def _parse_decimal(text: str, column: str) -> Decimal:
    """Read a number with a decimal comma or point, exactly (never a float).

    ``19,99`` and ``19.99`` are the same number; with both separators the last
    one is the decimal separator (``1.234,56``, ``1,234.56``) and the other
    must group thousands. A single separator followed by exactly three digits
    after one to three digits (``1,234``) is refused as ambiguous, and so is
    anything that is not digits and separators (``1e5``, ``NaN``, ``12,3,4``).

    Raises:
        ValidationError: with a message naming the column.
    """
    value = text.strip()
    negative = value.startswith("-")
    digits = value[1:].strip() if negative else value
    bad = (
        f"{column} {_show(text)} is not a number: write digits with a decimal "
        "comma or point, such as 19,99 or 19.99"
    )
    if not _NUMBER.fullmatch(digits):
        raise ValidationError(bad, field=column)
    separators = {char for char in digits if char in ".,"}
    whole, point, fraction = digits, "", ""
    if len(separators) == 2:  # noqa: PLR2004 - both kinds: grouping and decimals
        decimal = max(separators, key=digits.rfind)
        whole, point, fraction = digits.rpartition(decimal)
        group = ({",", "."} - {decimal}).pop()
        if decimal in whole or not re.fullmatch(
            rf"\d{{1,3}}(?:\{group}\d{{3}})+", whole
        ):
            raise ValidationError(bad, field=column)
        whole = whole.replace(group, "")
    elif separators:
        (separator,) = separators
        if digits.count(separator) > 1:
            if not re.fullmatch(rf"\d{{1,3}}(?:\{separator}\d{{3}})+", digits):
                raise ValidationError(bad, field=column)
            whole = digits.replace(separator, "")
        else:
            whole, point, fraction = digits.partition(separator)
            if len(fraction) == 3 and len(whole) <= 3 and whole[0] != "0":  # noqa: PLR2004
                msg = (
                    f"{column} {_show(text)} is ambiguous: it may mean "
                    f"{whole}.{fraction} or {whole}{fraction}; write "
                    f"{whole}{fraction} for the whole number, or add a decimal "
                    f"place ({value}0) for the fraction"
                )
                raise ValidationError(msg, field=column)
    number = to_decimal(f"{whole}.{fraction}" if point else whole, field=column)
    if negative and number:
        msg = f"{column} {_show(text)} is negative: it must be at least 0"
        raise ValidationError(msg, field=column)
    return number


def _format_decimal(value: Decimal) -> str:
    """Write a number as :func:`_parse_decimal` reads it back, never ``1E+2``.

    Every digit is kept, with a decimal point. A number that would look like a
    thousands group (``31.500``, one to three digits, then exactly three
    decimals) gets a fourth decimal zero (``31.5000``): the same amount, which
    the import cannot mistake for 31500.
    """
    text = format(value, "f")
    whole, _, fraction = text.partition(".")
    if len(fraction) == 3 and len(whole) <= 3 and whole[0] != "0":  # noqa: PLR2004
        return text + "0"
    return text
