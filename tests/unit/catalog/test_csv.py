"""Importing products from CSV and exporting them, on every store."""

from __future__ import annotations

import io
import itertools
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import BinaryIO, TextIO

import pytest

from commercekit.adapters.memory import InMemoryStore, InMemoryUnitOfWork
from commercekit.adapters.sqlite import SQLiteDatabase, SQLiteUnitOfWork
from commercekit.catalog import (
    CatalogUnitOfWork,
    LocalizedText,
    Product,
    ProductId,
    ProductRepository,
    Variant,
)
from commercekit.catalog._csv import ImportReport, Rejection
from commercekit.catalog._csv_read import import_products
from commercekit.catalog._csv_write import export_products
from commercekit.errors import CommerceError, ValidationError, VersionConflictError
from commercekit.money import money
from commercekit.testing import FixedClock
from commercekit.values import TaxCategory

Factory = Callable[[], CatalogUnitOfWork]
NewCatalog = Callable[[], Factory]

DATA = Path(__file__).parent / "data"
CLOCK = FixedClock(datetime(2026, 3, 2, 8, 30, tzinfo=UTC))
HEADER = "product_id,sku,name,weight_grams,cost_price,cost_currency"
GERMAN = {
    "Produkt-Nr": "product_id",
    "Artikelnummer": "sku",
    "Bezeichnung": "name",
    "Bezeichnung (EN)": "name:en",
    "Beschreibung": "description",
    "Marke": "brand",
    "Kategorie": "categories",
    "Merkmale": "attributes",
    "Varianten": "options",
    "EAN": "gtin",
    "Gewicht (g)": "weight_grams",
    "Steuersatz": "tax_category",
    "Einkaufspreis": "cost_price",
    "Währung": "cost_currency",
    "Rücknahme ausgeschlossen": "not_returnable",
    "Aktiv": "active",
}


@pytest.fixture(params=["memory", "sqlite"])
def new_catalog(request: pytest.FixtureRequest, tmp_path: Path) -> NewCatalog:
    """Makes empty catalogs of one kind; each returns its unit-of-work factory."""
    numbers = itertools.count(1)

    def make() -> Factory:
        if request.param == "memory":
            store = InMemoryStore()
            return lambda: InMemoryUnitOfWork(store)
        database = SQLiteDatabase(tmp_path / f"shop-{next(numbers)}.sqlite3")
        return lambda: SQLiteUnitOfWork(database)

    return make


@pytest.fixture
def uow_factory(new_catalog: NewCatalog) -> Factory:
    return new_catalog()


def run(
    data: str | bytes,
    factory: Factory,
    *,
    mapping: dict[str, str] | None = None,
    delimiter: str | None = None,
    all_or_nothing: bool = False,
    progress: Callable[[int], None] | None = None,
    progress_every: int = 1000,
) -> ImportReport:
    stream = io.BytesIO(data) if isinstance(data, bytes) else io.StringIO(data)
    return import_products(
        stream,
        uow_factory=factory,
        clock=CLOCK,
        mapping=mapping,
        delimiter=delimiter,
        all_or_nothing=all_or_nothing,
        progress=progress,
        progress_every=progress_every,
    )


def stored(factory: Factory) -> dict[str, Product]:
    with factory() as uow:
        return {product.product_id: product for product in uow.products.iterate()}


def csv_of(*rows: str, header: str = HEADER) -> str:
    return "\n".join((header, *rows)) + "\n"


def where(report: ImportReport) -> list[tuple[int, str | None]]:
    return [(problem.row, problem.column) for problem in report.rejections]


THREE = csv_of(
    "P1,S1,Schuh,900,19.99,EUR",
    "P1,S2,Schuh,920,19.99,EUR",
    "P2,S3,Hut,120,,",
)


# -- the must-show: a file from a German Excel ---------------------------------


def test_a_german_excel_file_lands_its_good_rows_and_names_its_bad_ones(
    uow_factory: Factory,
) -> None:
    data = (DATA / "artikel_excel_de.csv").read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")  # Excel's "CSV UTF-8" starts with a BOM

    report = run(data, uow_factory, mapping=GERMAN)

    assert (report.rows, report.created, report.updated, report.unchanged) == (
        7,
        5,
        0,
        0,
    )
    assert report.rejected == 2
    assert where(report) == [(4, "gtin"), (6, "cost_price")]
    assert "check digit" in report.rejections[0].message
    assert "'12,3,4' is not a number" in report.rejections[1].message
    assert report.ignored_columns == ("Bemerkung",)
    assert not report.ok

    products = stored(uow_factory)
    assert sorted(products) == ["BUCH-SCHUHE", "MANTEL", "MUETZE", "SNK-WEISS"]
    sneaker = products["SNK-WEISS"]
    assert sneaker.skus == ("SNK-W-42", "SNK-W-43")  # 44 had the bad GTIN
    assert sneaker.name.text == "Weißer Sneaker „Nordlicht“"
    assert sneaker.name.get("en") == 'White sneaker "Nordlicht"'
    assert sneaker.description.text == (
        "Glattleder, handgenäht; Sohle aus Naturkautschuk"
    )
    assert sneaker.categories == ("Schuhe/Sneaker",)
    assert sneaker.attributes == {"Material": "Glattleder", "Herkunft": "Portugal"}
    assert sneaker.created_at == CLOCK.now()
    assert sneaker.version == 1
    size_42 = sneaker.variant("SNK-W-42")
    assert size_42.options == {"Farbe": "weiß", "Größe": "42"}
    assert size_42.gtin == "4012345000016"
    assert size_42.weight_grams == 900
    assert size_42.cost_price == money("31.50", "EUR")
    assert products["MUETZE"].skus == ("MZ-GRUEN",)  # MZ-ROT had "12,3,4"
    assert products["MUETZE"].brand == "Fjällgrün"
    book = products["BUCH-SCHUHE"].variant("BUCH-001")
    assert book.tax_category is TaxCategory.REDUCED
    assert book.cost_price == money("8.5", "EUR")
    assert not book.returnable
    coat = products["MANTEL"]
    assert coat.active is False
    assert coat.variant("MANTEL-L").cost_price == money("1234.56", "EUR")
    assert coat.variant("MANTEL-L").gtin is None


# -- upserting -----------------------------------------------------------------


def test_importing_the_same_file_twice_changes_nothing(uow_factory: Factory) -> None:
    data = (DATA / "artikel_excel_de.csv").read_bytes()
    run(data, uow_factory, mapping=GERMAN)
    before = stored(uow_factory)

    again = run(data, uow_factory, mapping=GERMAN)

    assert (again.created, again.updated, again.unchanged, again.rejected) == (
        0,
        0,
        5,
        2,
    )
    after = stored(uow_factory)
    assert after == before
    assert {product.version for product in after.values()} == {1}


def test_changing_one_variant_cell_updates_exactly_that_variant(
    uow_factory: Factory,
) -> None:
    run(THREE, uow_factory)
    changed = THREE.replace("P1,S2,Schuh,920", "P1,S2,Schuh,925")

    report = run(changed, uow_factory)

    assert (report.created, report.updated, report.unchanged) == (0, 1, 2)
    products = stored(uow_factory)
    assert products["P1"].variant("S2").weight_grams == 925
    assert products["P1"].variant("S1").weight_grams == 900
    assert (products["P1"].version, products["P2"].version) == (2, 1)


def test_changing_a_product_column_updates_every_row_of_that_product(
    uow_factory: Factory,
) -> None:
    run(THREE, uow_factory)

    report = run(THREE.replace("Schuh", "Sneaker"), uow_factory)

    assert (report.created, report.updated, report.unchanged) == (0, 2, 1)
    products = stored(uow_factory)
    assert products["P1"].name.text == "Sneaker"
    assert (products["P1"].version, products["P2"].version) == (2, 1)


def test_a_new_variant_of_a_stored_product_is_created_and_the_others_kept(
    uow_factory: Factory,
) -> None:
    run(THREE, uow_factory)

    report = run(csv_of("P1,S4,Schuh,940,19.99,EUR"), uow_factory)

    assert (report.created, report.updated, report.unchanged) == (1, 0, 0)
    assert stored(uow_factory)["P1"].skus == ("S1", "S2", "S4")


def test_absent_columns_keep_their_values_and_empty_cells_clear_them(
    uow_factory: Factory,
) -> None:
    run(csv_of("P1,S1,Schuh,900,19.99,EUR"), uow_factory)

    kept = run("product_id,sku,name\nP1,S1,Schuh\n", uow_factory)
    assert kept.unchanged == 1
    assert stored(uow_factory)["P1"].variant("S1").cost_price == money("19.99", "EUR")

    cleared = run(csv_of("P1,S1,Schuh,,,"), uow_factory)
    assert cleared.updated == 1
    variant = stored(uow_factory)["P1"].variant("S1")
    assert (variant.weight_grams, variant.cost_price) == (0, None)


def test_an_equal_amount_written_differently_is_unchanged(uow_factory: Factory) -> None:
    run(csv_of("P1,S1,Schuh,900,19.99,EUR"), uow_factory)

    report = run(csv_of('P1,S1,Schuh,900,"19,9900",EUR'), uow_factory)

    assert report.unchanged == 1
    assert stored(uow_factory)["P1"].version == 1


def test_a_translation_column_sets_or_removes_its_locale_only(
    uow_factory: Factory,
) -> None:
    header = "product_id,sku,name,name:en,name:fr"
    run(csv_of("P1,S1,Schuh,Shoe,Chaussure", header=header), uow_factory)

    report = run(
        csv_of("P1,S1,Schuh,", header="product_id,sku,name,name:en"), uow_factory
    )

    assert report.updated == 1
    assert stored(uow_factory)["P1"].name == LocalizedText("Schuh", {"fr": "Chaussure"})


def test_a_sku_of_another_product_is_rejected(uow_factory: Factory) -> None:
    run(THREE, uow_factory)

    report = run(csv_of("P9,S1,Fremd,1,,", "P9,S9,Fremd,1,,"), uow_factory)

    assert (report.created, report.rejected) == (1, 1)
    assert where(report) == [(2, "sku")]
    assert "belongs to product 'P1'" in report.rejections[0].message
    products = stored(uow_factory)
    assert products["P9"].skus == ("S9",)
    assert products["P1"].skus == ("S1", "S2")
    assert products["P1"].version == 1


def test_a_sku_twice_in_the_file_rejects_both_rows(uow_factory: Factory) -> None:
    report = run(
        csv_of("P1,S1,Schuh,1,,", "P1,S2,Schuh,1,,", "P2,S1,Hut,1,,"), uow_factory
    )

    assert where(report) == [(2, "sku"), (4, "sku")]
    assert "rows 2, 4" in report.rejections[0].message
    assert stored(uow_factory)["P1"].skus == ("S2",)
    assert "P2" not in stored(uow_factory)


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("gtin", "4006381333932", "check digit"),
        ("weight_grams", "-5", "negative"),
        ("weight_grams", "0.5", "whole number"),
        ("weight_grams", "1e3", "whole number"),
        ("tax_category", "luxury", "use one of standard, reduced"),
        ("not_returnable", "worn", "use one of personalized"),
        ("options", "size:42", "has no '='"),
        ("options", "size=42|size=43", "twice"),
        ("sku", "", "sku is empty"),
        ("sku", "SÖCKCHEN", "is not valid"),
        ("cost_currency", "EURO", "unknown currency"),
        ("cost_currency", "", "cost_currency is empty"),
    ],
)
def test_a_bad_variant_cell_rejects_its_row_only(
    uow_factory: Factory, column: str, value: str, message: str
) -> None:
    header = "product_id,sku,name,gtin,weight_grams,tax_category,not_returnable,"
    header += "options,cost_price,cost_currency"
    good = {
        "sku": "S2",
        "gtin": "4006381333931",
        "weight_grams": "10",
        "tax_category": "reduced",
        "not_returnable": "perishable",
        "options": "size=42",
        "cost_currency": "EUR",
    }
    bad = good | {column: value}
    rows = [
        f"P1,{c['sku']},Brot,{c['gtin']},{c['weight_grams']},{c['tax_category']},"
        f"{c['not_returnable']},{c['options']},2.50,{c['cost_currency']}"
        for c in ({**good, "sku": "S1", "gtin": ""}, bad)
    ]

    report = run(csv_of(*rows, header=header), uow_factory)

    assert (report.created, report.rejected) == (1, 1)
    assert where(report) == [(3, column)]
    assert message in report.rejections[0].message
    assert stored(uow_factory)["P1"].skus == ("S1",)


def test_a_bad_product_cell_rejects_every_row_of_that_product(
    uow_factory: Factory,
) -> None:
    header = "product_id,sku,name,active"
    data = csv_of(
        "P1,S1,Schuh,ja", "P1,S2,Schuh,vielleicht", "P2,S3,Hut,nein", header=header
    )

    report = run(data, uow_factory)

    assert (report.created, report.rejected) == (1, 2)
    assert where(report) == [(2, "active"), (3, "active")]
    assert report.rejections[0].message == (
        "product 'P1' is not imported: row 3 has a bad active"
    )
    assert "is not yes or no" in report.rejections[1].message
    assert sorted(stored(uow_factory)) == ["P2"]


def test_an_empty_name_rejects_each_row_of_its_product(uow_factory: Factory) -> None:
    report = run(csv_of("P1,S1, ,1,,", "P1,S2,,1,,"), uow_factory)

    assert where(report) == [(2, "name"), (3, "name")]
    assert all("name is empty" in r.message for r in report.rejections)
    assert stored(uow_factory) == {}


def test_rows_of_one_product_must_agree_on_its_columns(uow_factory: Factory) -> None:
    report = run(csv_of("P1,S1,Schuh,1,,", "P1,S2,Schuhe,1,,"), uow_factory)

    assert where(report) == [(2, "name"), (3, "name")]
    assert "differs from 'Schuh' on row 2" in report.rejections[1].message
    assert stored(uow_factory) == {}


def test_a_row_with_more_cells_than_the_header_is_rejected(
    uow_factory: Factory,
) -> None:
    report = run(csv_of("P1,S1,Schuh,1,19,99,EUR", "P2,S2,Hut,1,,,"), uow_factory)

    assert where(report) == [(2, None)]
    assert "double quotes" in report.rejections[0].message
    assert sorted(stored(uow_factory)) == ["P2"]  # empty extra cells are harmless


def test_row_numbers_count_rows_as_a_spreadsheet_does(uow_factory: Factory) -> None:
    header = "product_id,sku,name,description,gtin"
    data = csv_of(
        'P1,S1,Schuh,"line one\nline two\nline three",',
        "",
        "P2,S2,Hut,,123",
        header=header,
    )

    report = run(data, uow_factory)

    assert (report.rows, report.created) == (2, 1)
    assert where(report) == [(4, "gtin")]
    assert stored(uow_factory)["P1"].description.text == (
        "line one\nline two\nline three"
    )


# -- the file ------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        csv_of('P1,S1,Schuh,900,"19,99",EUR', 'P2,S2,Hut,100,"1.234,5",EUR'),
        csv_of("P1;S1;Schuh;900;19,99;EUR", "P2;S2;Hut;100;1.234,5;EUR").replace(
            HEADER, HEADER.replace(",", ";")
        ),
    ],
    ids=["comma", "semicolon"],
)
def test_the_delimiter_is_found_in_the_header(uow_factory: Factory, data: str) -> None:
    report = run(data, uow_factory)

    assert report.created == 2, report.rejections
    products = stored(uow_factory)
    assert products["P1"].variant("S1").cost_price == money("19.99", "EUR")
    assert products["P2"].variant("S2").cost_price == money("1234.5", "EUR")


def test_a_given_delimiter_and_excels_sep_line_are_followed(
    uow_factory: Factory,
) -> None:
    tabbed = "product_id\tsku\tname\nP1\tS1\tSchuh; Leder\n"
    assert run(tabbed, uow_factory, delimiter="\t").created == 1

    hinted = "sep=;\nproduct_id;sku;name\nP2;S2;Hut, grün\n"
    report = run(hinted, uow_factory)
    assert report.created == 1
    assert stored(uow_factory)["P2"].name.text == "Hut, grün"


def lines_of(data: str) -> Iterator[str]:
    yield from data.splitlines(keepends=True)


@pytest.mark.parametrize(
    "make_stream",
    [
        pytest.param(lambda text: io.BytesIO(text.encode()), id="bytes"),
        pytest.param(
            lambda text: io.BytesIO(("\ufeff" + text).encode()), id="bytes-bom"
        ),
        pytest.param(lambda text: io.StringIO("\ufeff" + text), id="text-bom"),
        pytest.param(lambda text: lines_of("\ufeff" + text), id="lines-bom"),
        pytest.param(lambda text: [text], id="one-string"),
        pytest.param(lambda text: text.splitlines(), id="lines-without-ends"),
        pytest.param(
            lambda text: iter([text.encode()[:7], text.encode()[7:]]), id="chunks"
        ),
    ],
)
def test_bytes_text_and_lines_are_read_alike(
    uow_factory: Factory, make_stream: Callable[[str], object]
) -> None:
    data = "product_id;sku;name\nP1;S1;Grüße\nP1;S2;Grüße"

    report = import_products(
        make_stream(data),  # type: ignore[arg-type]
        uow_factory=uow_factory,
        clock=CLOCK,
    )

    assert (report.created, report.rejected) == (2, 0)
    assert stored(uow_factory)["P1"].name.text == "Grüße"


def test_a_file_on_disk_is_read_in_binary_or_text_mode(
    uow_factory: Factory, tmp_path: Path
) -> None:
    path = tmp_path / "products.csv"
    path.write_bytes('\ufeffproduct_id;sku;name\r\nP1;S1;"Zwei\r\nZeilen"\r\n'.encode())
    with path.open("rb") as binary:
        assert run_stream(binary, uow_factory).created == 1
    with path.open(encoding="utf-8", newline="") as text:
        assert run_stream(text, uow_factory).unchanged == 1
    assert stored(uow_factory)["P1"].name.text == "Zwei\r\nZeilen"


def run_stream(stream: TextIO | BinaryIO, factory: Factory) -> ImportReport:
    return import_products(stream, uow_factory=factory, clock=CLOCK)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ("product_id;sku;name\nP1;S1;Grün\n".encode("cp1252"), "not UTF-8"),
        ("product_id;sku;name\n".encode("utf-16"), "UTF-16"),
        ("product_id;sku;name\nP1;S1;Grü".encode()[:-1], "line 2 .* not UTF-8"),
        (b"", "the file is empty"),
        (b";;\n", "the file is empty"),
        (b'product_id,sku,name\nP1,"S1"x,a\n', "row 2 is not well-formed CSV"),
    ],
)
def test_a_file_that_cannot_be_read_is_refused_before_any_write(
    uow_factory: Factory, data: bytes, message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        run(data, uow_factory)
    assert stored(uow_factory) == {}


# -- the header ----------------------------------------------------------------


@pytest.mark.parametrize("missing", ["product_id", "sku", "name"])
def test_a_missing_required_column_rejects_the_file_before_any_write(
    new_catalog: NewCatalog, missing: str
) -> None:
    factory = new_catalog()
    calls: list[None] = []

    def counting() -> CatalogUnitOfWork:
        calls.append(None)
        return factory()

    header = ",".join(c for c in ("product_id", "sku", "name", "brand") if c != missing)
    data = csv_of("a,b,c", header=header)

    with pytest.raises(ValidationError, match=f"the file has no {missing} column"):
        run(data, counting)
    assert calls == []
    assert stored(factory) == {}


def test_unknown_columns_are_ignored_and_reported(uow_factory: Factory) -> None:
    data = (
        "SKU,Product_ID,Name,Lagerort,,Farbe,Name:en\nS1,P1,Schuh,Regal 3,,weiß,Shoe\n"
    )

    report = run(data, uow_factory)

    assert report.created == 1
    assert report.ignored_columns == ("Lagerort", "Farbe")
    assert stored(uow_factory)["P1"].name.get("en") == "Shoe"


@pytest.mark.parametrize(
    ("header", "mapping", "message"),
    [
        ("sku,name,Nr", {"Nr": "product"}, "mapping names 'product'"),
        ("sku,name,product_id,Nr", {"nr": "product_id"}, "two columns"),
        (HEADER.replace(",cost_currency", ""), None, "no cost_currency column"),
    ],
)
def test_a_header_that_cannot_be_used_is_refused(
    uow_factory: Factory, header: str, mapping: dict[str, str] | None, message: str
) -> None:
    with pytest.raises(ValidationError, match=message) as caught:
        run(csv_of(header=header), uow_factory, mapping=mapping)
    assert isinstance(caught.value, CommerceError)


# -- numbers -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "amount"),
    [
        ("19,99", "19.99"),
        ("19.99", "19.99"),
        ("1.234,56", "1234.56"),
        ("1,234.56", "1234.56"),
        ("1.234.567,8", "1234567.8"),
        ("1,234,567", "1234567"),
        ("1234,5", "1234.5"),
        ("1234,567", "1234.567"),
        ("0,125", "0.125"),
        (" 7 ", "7"),
        ("0,10", "0.10"),
    ],
)
def test_cost_prices_take_a_decimal_comma_or_point(
    uow_factory: Factory, text: str, amount: str
) -> None:
    report = run(csv_of(f'P1,S1,Schuh,1,"{text}",EUR'), uow_factory)

    assert report.created == 1, report.rejections
    cost = stored(uow_factory)["P1"].variant("S1").cost_price
    assert cost is not None
    assert cost.amount == Decimal(amount)
    assert str(cost.amount) == amount  # every digit, no float on the way


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("1,234", "is ambiguous: it may mean 1.234 or 1234"),
        ("1.234", "is ambiguous"),
        ("12,3,4", "is not a number"),
        ("19.99.1", "is not a number"),
        ("1.23,4", "is not a number"),
        ("1,234.5,6", "is not a number"),
        ("1e5", "is not a number"),
        ("NaN", "is not a number"),
        ("Infinity", "is not a number"),
        ("0x10", "is not a number"),
        ("12,", "is not a number"),
        (",5", "is not a number"),
        ("19.99 €", "is not a number"),
        ("-3,50", "is negative"),
    ],
)
def test_a_cost_price_that_is_not_plainly_a_number_is_rejected(
    uow_factory: Factory, text: str, message: str
) -> None:
    report = run(csv_of(f'P1,S1,Schuh,1,"{text}",EUR'), uow_factory)

    assert where(report) == [(2, "cost_price")]
    assert message in report.rejections[0].message
    assert stored(uow_factory) == {}


# -- all or nothing, transactions, progress ------------------------------------


def counted(factory: Factory, calls: list[None]) -> Factory:
    def make() -> CatalogUnitOfWork:
        calls.append(None)
        return factory()

    return make


def test_all_or_nothing_writes_nothing_when_a_row_is_rejected(
    uow_factory: Factory,
) -> None:
    calls: list[None] = []
    data = THREE + "P3,S4,Mütze,-1,,\n"

    report = run(data, counted(uow_factory, calls), all_or_nothing=True)

    assert report.aborted
    assert (report.rows, report.created, report.rejected) == (4, 0, 1)
    assert where(report) == [(5, "weight_grams")]
    assert stored(uow_factory) == {}
    assert len(calls) == 1


def test_all_or_nothing_reports_store_problems_too(uow_factory: Factory) -> None:
    run(csv_of("P1,S1,Schuh,1,,"), uow_factory)

    report = run(
        csv_of("P2,S2,Hut,1,,", "P3,S1,Mütze,1,,"), uow_factory, all_or_nothing=True
    )

    assert report.aborted
    assert where(report) == [(3, "sku")]
    assert sorted(stored(uow_factory)) == ["P1"]


def test_all_or_nothing_commits_a_clean_file_in_one_unit_of_work(
    uow_factory: Factory,
) -> None:
    calls: list[None] = []

    report = run(THREE, counted(uow_factory, calls), all_or_nothing=True)

    assert (report.created, report.aborted, report.ok) == (3, False, True)
    assert len(calls) == 1
    assert sorted(stored(uow_factory)) == ["P1", "P2"]


def test_otherwise_each_product_has_its_own_unit_of_work(uow_factory: Factory) -> None:
    calls: list[None] = []

    run(THREE, counted(uow_factory, calls))

    assert len(calls) == 2


class ConflictingRepository(ProductRepository):
    """A repository where someone else always saved one product first."""

    def __init__(self, inner: ProductRepository, victim: str) -> None:
        self.inner = inner
        self.victim = victim

    def _conflict(self, product: Product) -> None:
        if product.product_id == self.victim:
            raise VersionConflictError(
                kind="product", key=product.product_id, expected_version=0
            )

    def add(self, product: Product) -> None:
        self._conflict(product)
        self.inner.add(product)

    def get(self, product_id: ProductId) -> Product:
        return self.inner.get(product_id)

    def get_by_sku(self, sku: str) -> Product:
        return self.inner.get_by_sku(sku)

    def save(self, product: Product) -> None:
        self._conflict(product)
        self.inner.save(product)

    def iterate(self) -> Iterator[Product]:
        return self.inner.iterate()


def test_one_products_failure_does_not_undo_anothers(uow_factory: Factory) -> None:
    def conflicting() -> CatalogUnitOfWork:
        uow = uow_factory()
        uow.products = ConflictingRepository(uow.products, "P1")
        return uow

    report = run(THREE, conflicting)

    assert (report.created, report.rejected) == (1, 2)
    assert where(report) == [(2, None), (3, None)]
    assert "'P1' was not saved" in report.rejections[0].message
    assert "reload and retry" in report.rejections[0].message
    assert sorted(stored(uow_factory)) == ["P2"]


@pytest.mark.parametrize(
    ("every", "calls"), [(2, [2, 4, 5]), (1, [1, 2, 3, 4, 5]), (5, [5]), (1000, [5])]
)
def test_progress_is_told_every_so_many_rows_and_at_the_end(
    uow_factory: Factory, every: int, calls: list[int]
) -> None:
    data = csv_of(*(f"P{n},S{n},Ding {n},1,," for n in range(5)))
    told: list[int] = []

    run(data, uow_factory, progress=told.append, progress_every=every)

    assert told == calls


def test_progress_counts_rejected_rows_and_needs_a_positive_step(
    uow_factory: Factory,
) -> None:
    told: list[int] = []
    run(
        csv_of("P1,S1,,1,,", ",S2,Hut,1,,", "P3,S3,Mütze,1,,"),
        uow_factory,
        progress=told.append,
        progress_every=2,
    )
    assert told == [2, 3]
    with pytest.raises(ValidationError, match="progress_every"):
        run(THREE, uow_factory, progress_every=0)


# -- export and the round trip -------------------------------------------------


def catalog() -> list[Product]:
    created = datetime(2025, 12, 1, tzinfo=UTC)
    return [
        Product(
            product_id=ProductId("sneaker"),
            name=LocalizedText(
                "Weißer Sneaker", {"en": "White sneaker", "fr": "Basket"}
            ),
            description=LocalizedText(
                'Leder, "handgenäht";\nzwei Zeilen', {"en": "Leather"}
            ),
            brand="Nordlicht",
            categories=["Schuhe/Sneaker", "Sale | Winter", "C:\\Pfad"],
            attributes={"Material": "Leder", "a=b": "x|y=z", "leer": ""},
            variants=[
                Variant(
                    sku="SN-42",
                    options={"size": "42", "color": "weiß"},
                    gtin="4006381333931",
                    weight_grams=900,
                    cost_price=money("31.500", "EUR"),
                ),
                Variant(sku="SN-43", options={"size": "43", "color": "weiß"}),
            ],
            related=[ProductId("socks")],
            created_at=created,
        ),
        Product(
            product_id=ProductId("socks"),
            name="Socken",
            variants=[
                Variant(
                    sku="SO-1",
                    tax_category=TaxCategory.REDUCED,
                    cost_price=money("1500", "JPY"),
                    not_returnable="sealed_hygiene",
                )
            ],
            active=False,
            created_at=created,
        ),
        Product(product_id=ProductId("draft"), name="Entwurf", created_at=created),
    ]


def export_of(factory: Factory, locales: list[str] | None = None) -> str:
    out = io.StringIO()
    with factory() as uow:
        export_products(uow.products.iterate(), out, locales=locales)
    return out.getvalue()


def test_an_export_imports_back_unchanged_and_exports_identically(
    new_catalog: NewCatalog,
) -> None:
    source = new_catalog()
    with source() as uow:
        for product in catalog():
            uow.products.add(product)
        uow.commit()
    text = export_of(source)

    fresh = new_catalog()
    first = run(text, fresh)
    assert (first.created, first.rejected) == (3, 0), first.rejections
    assert export_of(fresh) == text

    back = run(text, source)
    assert (back.unchanged, back.rows) == (3, 3), back.rejections
    assert {product.version for product in stored(source).values()} == {1}
    imported = stored(fresh)["sneaker"]
    original = stored(source)["sneaker"]
    assert (imported.name, imported.description) == (
        original.name,
        original.description,
    )
    assert imported.categories == original.categories
    assert imported.attributes == original.attributes
    assert imported.variants == original.variants


def test_the_export_writes_the_canonical_columns_with_a_decimal_point() -> None:
    out = io.StringIO()

    rows = export_products(catalog(), out, delimiter=";", locales=["en"])

    assert rows == 3  # the product without variants has no row
    header, sneaker_42, *_ = out.getvalue().split("\r\n")
    assert header == (
        "product_id;sku;name;description;brand;categories;attributes;options;gtin;"
        "weight_grams;tax_category;cost_price;cost_currency;not_returnable;active;"
        "related;name:en;description:en"
    )
    assert sneaker_42.startswith('sneaker;SN-42;Weißer Sneaker;"Leder, ""handgenäht"";')
    assert (
        ";color=weiß|size=42;4006381333931;900;standard;31.5000;EUR;;true;socks;"
        in (out.getvalue())
    )
    assert "Sale \\| Winter|C:\\\\Pfad" in sneaker_42
    assert "Material=Leder|a\\=b=x\\|y=z|leer=" in sneaker_42


def test_an_export_limited_to_some_locales_keeps_the_others_on_import(
    uow_factory: Factory,
) -> None:
    with uow_factory() as uow:
        uow.products.add(catalog()[0])
        uow.commit()

    text = export_of(uow_factory, locales=["en"])
    report = run(text, uow_factory)

    assert "name:fr" not in text
    assert report.unchanged == 2
    assert stored(uow_factory)["sneaker"].name.get("fr") == "Basket"


@pytest.mark.parametrize(
    ("options", "message"),
    [({"delimiter": ";;"}, "delimiter"), ({"locales": ["e n"]}, "translation")],
)
def test_the_export_refuses_what_the_import_could_not_read(
    options: dict[str, object], message: str
) -> None:
    with pytest.raises(ValidationError, match=message):
        export_products(catalog(), io.StringIO(), **options)  # type: ignore[arg-type]


def test_a_stream_of_anything_but_text_or_bytes_is_refused(
    uow_factory: Factory,
) -> None:
    with pytest.raises(ValidationError, match="text or bytes, not int"):
        import_products([1, 2], uow_factory=uow_factory, clock=CLOCK)  # type: ignore[list-item]


def test_a_rejection_is_a_plain_value() -> None:
    assert Rejection(2, "gtin", "bad") == Rejection(row=2, column="gtin", message="bad")
    assert ImportReport().ok
