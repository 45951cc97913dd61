"""Importing products from CSV: reading the file, checking rows, upserting."""

from __future__ import annotations

import codecs
import csv
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any, BinaryIO, Final, TextIO

import attrs

from commercekit.catalog._csv import (
    _REQUIRED,
    ImportReport,
    _canonical,
    _Group,
    _parse_bool,
    _parse_decimal,
    _parse_list,
    _parse_pairs,
    _parse_whole,
    _Row,
    _show,
)
from commercekit.catalog._csv_write import _write
from commercekit.catalog._model import NonReturnableReason, gtin
from commercekit.catalog._ports import CatalogUnitOfWork
from commercekit.errors import ValidationError
from commercekit.money import Money, get_currency
from commercekit.ports import Clock
from commercekit.values import Sku, TaxCategory, positive_int, sku

__all__ = ["import_products"]

_SEP_LINE: Final = re.compile(r"sep=(.)", re.IGNORECASE)
_Stream = TextIO | BinaryIO | Iterable[str]


# -- the file: text, delimiter, header -----------------------------------------


def _lines(stream: _Stream) -> Iterator[str]:
    """Yield the text of ``stream`` line by line, ends kept, a BOM removed.

    Bytes may come in chunks of any size; each text item is one line or more
    (as a text file or :func:`csv.reader` has them).
    """
    decoder = codecs.getincrementaldecoder("utf-8-sig")()
    pending, first, number = "", True, 0

    def decode(data: bytes | bytearray, *, final: bool = False) -> str:
        try:
            return decoder.decode(data, final=final)
        except UnicodeDecodeError as exc:
            msg = (
                f"line {number + 1} of the file is not UTF-8 text: save the "
                "file as 'CSV UTF-8' (Excel) or with the UTF-8 encoding"
            )
            raise ValidationError(msg, field="encoding") from exc

    for item in stream:
        chunk: object = item  # checked at run time too, for untyped callers
        if isinstance(chunk, bytes | bytearray):
            if first and chunk[:2] in {b"\xff\xfe", b"\xfe\xff"}:
                msg = "the file is UTF-16 text: save it as 'CSV UTF-8' instead"
                raise ValidationError(msg, field="encoding")
            pending += decode(chunk)
            if "\n" not in pending:
                first = False
                continue
        elif isinstance(chunk, str):
            pending += chunk.removeprefix("\ufeff") if first else chunk
            pending += "" if pending.endswith("\n") else "\n"
        else:
            msg = f"a CSV stream yields text or bytes, not {type(chunk).__name__}"
            raise ValidationError(msg, field="stream")
        first = False
        *complete, pending = pending.split("\n")
        for line in complete:
            number += 1
            yield line + "\n"
    pending += decode(b"", final=True)
    if pending:
        yield pending


def _sniff(header: str) -> str:
    """``;`` if the header has more semicolons than commas outside quotes."""
    unquoted = re.sub(r'"[^"]*"', "", header)
    return ";" if unquoted.count(";") > unquoted.count(",") else ","


def _records(stream: _Stream, delimiter: str | None) -> Iterator[list[str]]:
    """Yield the CSV records of ``stream``, the header first."""
    if delimiter is not None and (len(delimiter) != 1 or delimiter in '"\r\n'):
        msg = f"the delimiter must be one character such as ';', not {delimiter!r}"
        raise ValidationError(msg, field="delimiter")
    lines = _lines(stream)
    header = next(lines, "")
    hint = _SEP_LINE.fullmatch(header.strip())
    if hint:  # Excel's "sep=;" line names the delimiter and is not a row
        delimiter = delimiter or hint.group(1)
        header = next(lines, "")
    reader = csv.reader(
        _chain(header, lines), delimiter=delimiter or _sniff(header), strict=True
    )
    number = 1
    try:
        for record in reader:
            yield record
            number += 1
    except csv.Error as exc:
        msg = f"row {number} is not well-formed CSV ({exc}): check its double quotes"
        raise ValidationError(msg, field="csv") from exc


def _chain(first: str, rest: Iterator[str]) -> Iterator[str]:
    yield first
    yield from rest


_Parse = Callable[[str, str], Any]


@attrs.frozen
class _Header:
    """Which cell of a row holds which canonical column, and how to read it."""

    columns: dict[str, int]
    ignored: tuple[str, ...]
    width: int
    product_cells: tuple[tuple[str, int, _Parse], ...]
    variant_cells: tuple[tuple[str, int, _Parse], ...]


def _header(cells: list[str], mapping: Mapping[str, str] | None) -> _Header:
    renames: dict[str, str] = {}
    for source, target in (mapping or {}).items():
        name = _canonical(target)
        if name is None:
            msg = f"mapping names {target!r}, which is not a column of the format"
            raise ValidationError(msg, field="mapping")
        renames[source.strip().casefold()] = name
    columns: dict[str, int] = {}
    ignored: list[str] = []
    for index, cell in enumerate(cells):
        name = renames.get(cell.strip().casefold()) or _canonical(cell)
        if name is None:
            if cell.strip():
                ignored.append(cell)
        elif name in columns:
            msg = f"two columns of the header are {name!r}: keep one of them"
            raise ValidationError(msg, field="columns")
        else:
            columns[name] = index
    missing = [name for name in _REQUIRED if name not in columns]
    if missing:
        found = ", ".join(repr(cell) for cell in cells if cell.strip()) or "none"
        msg = (
            f"the file has no {' and no '.join(missing)} column (its header: "
            f"{found}); rename the columns, or map them, such as "
            f"mapping={{'Artikelnummer': 'sku'}}"
        )
        raise ValidationError(msg, field="columns")
    if "cost_price" in columns and "cost_currency" not in columns:
        msg = "the file has a cost_price column but no cost_currency column"
        raise ValidationError(msg, field="columns")
    return _Header(
        columns,
        tuple(ignored),
        len(cells),
        product_cells=tuple(
            (column, index, _PRODUCT_CELLS[column.partition(":")[0]])
            for column, index in columns.items()
            if column.partition(":")[0] in _PRODUCT_CELLS
        ),
        variant_cells=tuple(
            (column, columns[column], parse)
            for column, parse in _VARIANT_CELLS.items()
            if column in columns
        ),
    )


# -- rows ----------------------------------------------------------------------


def _choice(
    text: str, column: str, enum: type[TaxCategory | NonReturnableReason]
) -> Any:
    value = text.strip().lower().replace("-", "_").replace(" ", "_")
    try:
        return enum(value) if value else None
    except ValueError:
        allowed = ", ".join(member.value for member in enum)
        msg = f"{column} {_show(text)} is unknown: use one of {allowed}"
        raise ValidationError(msg, field=column) from None


_PRODUCT_CELLS: Final[dict[str, _Parse]] = {
    "name": lambda text, _: text.strip(),
    "description": lambda text, _: text,
    "brand": lambda text, _: text.strip(),
    "categories": lambda text, _: _parse_list(text),
    "attributes": _parse_pairs,
    "active": _parse_bool,
    "related": lambda text, _: _parse_list(text),
}
_VARIANT_CELLS: Final[dict[str, _Parse]] = {
    "options": _parse_pairs,
    "gtin": lambda text, _: gtin(text.strip()) if text.strip() else None,
    "weight_grams": _parse_whole,
    "tax_category": lambda text, column: (
        _choice(text, column, TaxCategory) or TaxCategory.STANDARD
    ),
    "not_returnable": lambda text, column: _choice(text, column, NonReturnableReason),
}


def _parse_product(row: _Row, cells: list[str], header: _Header) -> dict[str, Any]:
    """The product columns of a row; a bad one marks the row's product bad."""
    values: dict[str, Any] = {}
    for column, index, parse in header.product_cells:
        try:
            values[column] = parse(cells[index], column)
        except ValidationError as exc:
            row.fail(column, str(exc), product=True)
    if values.get("name") == "":
        row.fail("name", "name is empty: every product needs a name", product=True)
        del values["name"]
    return values


def _parse_variant(row: _Row, cells: list[str], header: _Header) -> None:
    """The variant columns of a row, into ``row.sku`` and ``row.variant``."""
    code = cells[header.columns["sku"]]
    try:
        row.sku = sku(code)
    except ValidationError as exc:
        empty = "sku is empty: every row needs the SKU of its variant"
        row.fail("sku", str(exc) if code.strip() else empty)
    for column, index, parse in header.variant_cells:
        try:
            row.variant[column] = parse(cells[index], column)
        except ValidationError as exc:
            row.fail(column, str(exc))
    if "cost_price" in header.columns:
        _parse_cost(row, cells, header)


def _parse_cost(row: _Row, cells: list[str], header: _Header) -> None:
    price = cells[header.columns["cost_price"]]
    currency = cells[header.columns["cost_currency"]].strip()
    if not price.strip():
        row.variant["cost_price"] = None
        return
    try:
        amount = _parse_decimal(price, "cost_price")
    except ValidationError as exc:
        row.fail("cost_price", str(exc))
        amount = None
    if not currency:
        row.fail("cost_currency", "cost_currency is empty: name the cost's currency")
        return
    try:
        code = get_currency(currency)
    except ValidationError as exc:
        row.fail("cost_currency", f"cost_currency: {exc}")
        return
    if amount is not None:
        row.variant["cost_price"] = Money(amount, code)


@attrs.define
class _Sheet:
    """The rows of a file, grouped by product, checked against each other."""

    header: _Header
    rows: list[_Row] = attrs.Factory(list)
    groups: dict[str, _Group] = attrs.Factory(dict)
    skus: dict[Sku, list[_Row]] = attrs.Factory(dict)

    def add(self, number: int, cells: list[str]) -> None:
        row = _Row(number)
        self.rows.append(row)
        width = self.header.width
        if len(cells) < width or any(cell.strip() for cell in cells[width:]):
            row.fail(
                None,
                f"the row has {len(cells)} cells but the header has {width}: "
                "put a value that holds the delimiter in double quotes",
            )
            return
        product_id = cells[self.header.columns["product_id"]].strip()
        raw = tuple(cells[index] for _, index, _ in self.header.product_cells)
        group = self.groups.get(product_id)
        # A product's later rows usually repeat its first row's cells exactly:
        # then they hold the same values, and need no reading again.
        same = group is not None and raw == group.raw
        product = {} if same else _parse_product(row, cells, self.header)
        _parse_variant(row, cells, self.header)
        if row.sku is not None:
            self.skus.setdefault(row.sku, []).append(row)
        if not product_id:
            row.fail("product_id", "product_id is empty: every row needs one")
            return
        if group is None:
            group = self.groups[product_id] = _Group(product_id, raw=raw)
        group.add(row, product)

    def finish(self) -> None:
        for code, rows in self.skus.items():
            if len(rows) > 1:
                numbers = ", ".join(str(row.number) for row in rows)
                for row in rows:
                    row.fail("sku", f"SKU {code!r} is on rows {numbers}: once per file")
        for group in self.groups.values():
            group.finish()


def import_products(
    stream: TextIO | BinaryIO | Iterable[str],
    *,
    uow_factory: Callable[[], CatalogUnitOfWork],
    clock: Clock,
    mapping: Mapping[str, str] | None = None,
    delimiter: str | None = None,
    all_or_nothing: bool = False,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
) -> ImportReport:
    """Create and update products from a CSV file with one row per variant.

    The columns are ``product_id``, ``sku``, ``name`` (these three are
    required), ``description``, ``brand``, ``categories`` (``a|b``),
    ``attributes`` and ``options`` (``key=value|key=value``), ``gtin``,
    ``weight_grams``, ``tax_category`` (a :class:`~commercekit.values.TaxCategory`
    value), ``cost_price`` with ``cost_currency``, ``not_returnable`` (a
    :class:`~commercekit.catalog.NonReturnableReason` value or empty),
    ``active`` (true/false, 1/0, yes/no, ja/nein) and ``related`` (product ids,
    ``a|b``), plus translations as ``name:<locale>`` and
    ``description:<locale>``. Header names are matched in any case; other
    columns are ignored and listed in the report. Each variant row repeats its
    product's columns, which must be the same on every row of the product.

    The rules, in plain words:

    * **The file**: UTF-8 with or without a byte order mark, as bytes or text
      (open files with ``newline=""``, or in binary mode, so line breaks inside
      quoted cells are kept). The delimiter is ``,`` or ``;``, whichever the
      header line holds more of, unless given; Excel's ``sep=;`` first line is
      understood (and, as in Excel, not counted as a row). The header is row
      1, the first data row is row 2, as a spreadsheet numbers them; blank
      rows are skipped. The whole file is read and checked before the first
      write. Spaces around a cell are dropped, except in descriptions; in
      lists and pairs a backslash escapes a ``|``, ``=`` or backslash.
    * **Numbers** are never read through a float. ``cost_price`` takes a
      decimal comma or point (``19,99``, ``19.99``), and thousands separators
      when both separators appear (``1.234,56``, ``1,234.56``); ``1,234`` alone
      is refused as ambiguous (write ``1234`` or ``1,2340``). ``weight_grams``
      is a whole number.
    * **Upsert by SKU**: a row creates its product or variant, or updates the
      stored one. New products get ``created_at = clock.now()``. A column the
      file does not have leaves that field as stored; an empty cell empties it
      (no GTIN, no cost price, weight 0, standard tax, active, returnable; an
      empty ``name:en`` removes that translation). A product is saved only if
      something changed, so importing a file twice changes nothing the second
      time. Variants that the file does not name are kept.
    * **Rejected rows**: a bad variant cell (a GTIN with a wrong check digit, a
      negative weight, an unknown tax category, a malformed number, an empty
      SKU), a SKU that appears on two rows of the file (both are rejected), and
      a SKU that belongs to another product reject that row only; the
      product's good rows are imported. A bad product cell (an empty name,
      ``active`` neither yes nor no, rows of one product that disagree on a
      product column) rejects every row of that product, each named, and so
      does a conflict in the store (someone saved the product meanwhile).
    * **Transactions**: one unit of work per product, so one product's
      failure cannot undo another's; with ``all_or_nothing``, one unit of
      work for the whole file, committed only if no row was rejected (else
      nothing is written and the report is ``aborted``).

    Args:
        stream: The CSV file: a text or binary file object, or lines of text.
        uow_factory: Makes a unit of work, called once per product (once in
            all with ``all_or_nothing``).
        clock: Tells the time that new products are created at.
        mapping: The file's header names to canonical ones, such as
            ``{"Artikelnummer": "sku", "Bezeichnung": "name"}``.
        delimiter: The cell delimiter; found from the header when ``None``.
        all_or_nothing: Write nothing unless every row can be imported.
        progress: Called with the number of rows done (a row is done when its
            product is) every ``progress_every`` rows and once at the end.
        progress_every: How many rows between two calls of ``progress``.

    Returns:
        What happened to each row, with every problem found.

    Raises:
        ValidationError: before anything is written, for a file that is empty,
            not UTF-8 or not well-formed CSV, that lacks a required column or
            has one twice, has ``cost_price`` without ``cost_currency``, or for
            a bad argument (a ``mapping`` to an unknown column, a delimiter of
            more than one character, ``progress_every`` below 1).
        StorageError: if the store fails; the products committed before stay.
    """
    positive_int(progress_every, field="progress_every")
    records = _records(stream, delimiter)
    first = next(records, None)
    if first is None or not any(cell.strip() for cell in first):
        msg = "the file is empty: it needs a header row naming its columns"
        raise ValidationError(msg, field="columns")
    sheet = _Sheet(_header(first, mapping))
    for number, cells in enumerate(records, start=2):
        if any(cell.strip() for cell in cells):
            sheet.add(number, cells)
    sheet.finish()
    aborted = _write(
        sheet.groups.values(),
        sheet.rows,
        uow_factory=uow_factory,
        clock=clock,
        all_or_nothing=all_or_nothing,
        progress=progress,
        progress_every=progress_every,
    )
    problems = [problem for row in sheet.rows for problem in row.problems]
    outcomes = [row.outcome for row in sheet.rows if not row.problems]
    return ImportReport(
        rows=len(sheet.rows),
        created=0 if aborted else outcomes.count("created"),
        updated=0 if aborted else outcomes.count("updated"),
        unchanged=0 if aborted else outcomes.count("unchanged"),
        rejected=len(sheet.rows) - len(outcomes),
        rejections=tuple(sorted(problems, key=lambda problem: problem.row)),
        ignored_columns=sheet.header.ignored,
        aborted=aborted,
    )
