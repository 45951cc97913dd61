"""Benchmark catalog search and CSV import against the same work done plainly.

Run it with ``python benchmarks/catalog.py`` (20,000 variants to search,
10,000 rows to import; under a minute on a slow 2-core machine), ``--full``
(the sizes the issue names: 100,000 variants to search, 100,000 rows to
import; several minutes) or ``--tiny`` (a smoke run of about a second, used by
``tests/integration/test_benchmarks.py``; its figures mean nothing).

The catalog: from ``random.Random(SEED)``, products of 4 variants each (2
colours times 2 sizes), with German names (and English translations),
descriptions, brands, umlauts and ß among them; one category path such as
``shoes/sneakers`` each (and ``sale`` for some); options ``color`` and
``size``, a GTIN, a weight and a cost price per variant, the attribute
``material`` per product; one EUR price per variant, given to the search
through a :data:`~commercekit.catalog.PriceLookup`.

Part 1, filtered search. The catalog is indexed into
:class:`~commercekit.adapters.memory.InMemoryProductSearch` and into
:class:`~commercekit.adapters.sqlite.SQLiteProductSearch` over a SQLite
*file* in a temporary directory (the index build times are printed). Cases:

* ``selective``: ``SearchQuery(text="grün sneaker", options={"size": {"42"}},
  category="shoes", currency="EUR", min_price=50 EUR, max_price=150 EUR)``,
  which matches well under 1% of the variants;
* ``broad``: ``SearchQuery(text="Qualität", currency="EUR")``, a word in about
  nine descriptions out of ten.

Library: ``search.search(query)``, the first page of 20 hits, ranked by
relevance, with the total and the facet counts.
Baseline: :func:`linear_scan`, written plainly below, over a list of plain
dicts, one per variant, built once beforehand: ``sku``, ``product_id``,
``words`` (a set of the words of the product's names, brand, descriptions,
attribute values and the variant's option values, folded once at build time
with :func:`commercekit.catalog.fold`, so that the baseline matches words as
the library does), ``options`` (option and attribute names to the variant's
value), ``categories`` (a list) and ``price`` (a ``Decimal`` in EUR). It
takes the query's words as :func:`commercekit.catalog.search_terms` gives
them (a word's umlaut forms ORed, the words ANDed), then checks each dict in
turn: every word, every option value, the category or one below it
(``shoes`` or ``shoes/...``), the price range; it groups the matching SKUs by
product id and counts the products. It ranks, pages and counts facets not at
all: the plainest way to the same matching product ids and total.

Before timing, the script checks for each adapter and case that the library
finds the same set of product ids and the same total as the baseline, and
exits with an error otherwise. The ids of a query with more than one page of
100 hits are gathered from narrower queries that together find the same
products (see :func:`library_matches`), as each page would cost a whole
broad search. Each round
times the baseline, then the library, each over a number of calls chosen so
that a round takes about 0.3 seconds (1 second with ``--full``; ``--tiny``
makes one call), with ``time.perf_counter`` and the garbage collector paused
(as ``timeit`` does). The script prints the median time per search of each
side and the median of the per-round ratios baseline/library: how many times
faster than a linear scan the library is (below 1: slower). The goal of the
issue is at least 10x for the selective filter.

Part 2, CSV import. A second catalog of the same kind is written with
:func:`~commercekit.catalog.export_products` to CSV text in memory. Each round
reads that text (from an ``io.StringIO``) three ways and times each once,
the garbage collector on as in a real import job:
``csv.reader`` of the standard library reading every row into a list (the
reference), :func:`~commercekit.catalog.import_products` into a new
:class:`~commercekit.adapters.memory.InMemoryStore`, and ``import_products``
into a new SQLite file (opened and migrated before the clock starts). The
script prints the median rows per second of each and the median of the
per-round ratios import time/``csv.reader`` time: how many times the bare
parsing the import costs. Each import's report must show every row created.
"""

from __future__ import annotations

import csv
import gc
import io
import platform
import random
import statistics
import tempfile
import time
from collections.abc import Callable, Iterable, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from functools import partial
from pathlib import Path
from typing import TypedDict

import attrs
from _timing import Timing, choose_size, duration, interleaved

from commercekit.adapters.memory import (
    InMemoryProductSearch,
    InMemoryStore,
    InMemoryUnitOfWork,
)
from commercekit.adapters.sqlite import (
    SQLiteDatabase,
    SQLiteProductSearch,
    SQLiteUnitOfWork,
)
from commercekit.catalog import (
    MAX_PER_PAGE,
    LocalizedText,
    Product,
    ProductId,
    ProductSearch,
    SearchQuery,
    Variant,
    export_products,
    fold,
    import_products,
    search_terms,
)
from commercekit.money import Money, money
from commercekit.ports import Clock
from commercekit.values import Sku

SEED = 20_240_617
CURRENCY = "EUR"
VARIANTS_PER_PRODUCT = 4
START = datetime(2024, 1, 1, tzinfo=UTC)

SHOE_SIZES = tuple(str(size) for size in range(36, 47))
CLOTHING_SIZES = ("XS", "S", "M", "L", "XL", "XXL")


@dataclass(frozen=True)
class Kind:
    """A category of the generated catalog and what its products are like.

    Attributes:
        path: The category path, such as ``shoes/sneakers``.
        noun: The German noun of its product names.
        english: The English noun, for the ``en`` translation of the names.
        sizes: The values of the ``size`` option.
        low: The lowest base price, in cents.
        high: The highest base price, in cents.
    """

    path: str
    noun: str
    english: str
    sizes: tuple[str, ...]
    low: int
    high: int


# fmt: off
KINDS = (
    Kind("shoes/sneakers", "Sneaker", "sneaker", SHOE_SIZES, 29_95, 199_95),
    Kind("shoes/boots", "Stiefel", "boot", SHOE_SIZES, 59_95, 289_95),
    Kind("shoes/sandals", "Sandale", "sandal", SHOE_SIZES, 19_95, 119_95),
    Kind("shoes/running", "Laufschuh", "running shoe", SHOE_SIZES, 49_95, 229_95),
    Kind("clothing/jackets", "Jacke", "jacket", CLOTHING_SIZES, 49_95, 399_95),
    Kind("clothing/shirts", "Hemd", "shirt", CLOTHING_SIZES, 19_95, 89_95),
    Kind("clothing/trousers", "Hose", "trousers", CLOTHING_SIZES, 29_95, 149_95),
    Kind("clothing/knitwear", "Pullover", "jumper", CLOTHING_SIZES, 39_95, 179_95),
    Kind("accessories/bags", "Tasche", "bag", ("klein", "mittel", "groß"),
         14_95, 249_95),
    Kind("accessories/hats", "Mütze", "hat", ("S/M", "L/XL", "one size"),
         9_95, 49_95),
    Kind("home/textiles", "Decke", "blanket", ("135x200", "155x220", "200x220"),
         24_95, 159_95),
)
ADJECTIVES = (
    ("Leichter", "light"), ("Wasserdichter", "waterproof"),
    ("Bequemer", "comfortable"), ("Klassischer", "classic"),
    ("Sportlicher", "sporty"), ("Gefütterter", "lined"), ("Weicher", "soft"),
    ("Robuster", "sturdy"), ("Süßer", "sweet"), ("Städtischer", "urban"),
    ("Großer", "big"), ("Kühler", "cool"), ("Flauschiger", "fluffy"),
    ("Nachhaltiger", "sustainable"),
)
COLORS = (
    "grün", "weiß", "schwarz", "rot", "blau", "grau", "braun", "gelb", "beige",
    "rosa",
)
MATERIALS = (
    "Leder", "Baumwolle", "Wolle", "Kunststoff", "Gummi", "Leinen", "Filz", "Hanf",
)
BRANDS = (
    "Nordlicht", "Bergführer", "Stadtkind", "Weißwald", "Fjällräv", "Möwe",
    "Sturmfest", "Lüneburger", "Straßenfeger", "Alpenglück", "Küstenwind",
    "Öko-Faser",
)
DESCRIPTION_WORDS = (
    "für", "den", "Alltag", "und", "die", "Freizeit", "Straße", "Büro", "Wandern",
    "gemütlich", "strapazierfähig", "atmungsaktiv", "wärmend", "Frühling",
    "Herbst", "Übergang", "Kälte", "Nässe", "pflegeleicht", "Größe", "fällt",
    "normal", "aus", "weiche", "Sohle", "Schnürung", "Fußbett", "Maße",
    "Verarbeitung", "mit", "Liebe", "gefertigt", "in", "Europa", "fair",
    "hergestellt", "zeitlos", "schön", "Öko",
)
# fmt: on
COMMON_WORD = "Qualität"
"""The word of the broad query, in about nine descriptions out of ten."""


@dataclass(frozen=True)
class Settings:
    """How long and how large a run is.

    Attributes:
        rounds: The number of interleaved rounds per search case.
        round_seconds: About how long one search round (baseline and library)
            takes; ``0`` means one call per timing.
        search_variants: The number of variants in the searched catalog.
        import_rows: The number of rows (variants) in the imported CSV file.
        import_rounds: The number of import rounds.
    """

    rounds: int
    round_seconds: float
    search_variants: int
    import_rows: int
    import_rounds: int


DEFAULT = Settings(9, 0.3, 20_000, 10_000, 3)
FULL = Settings(15, 1.0, 100_000, 100_000, 3)
TINY = Settings(2, 0.0, 500, 200, 1)


# -- the generated catalog -----------------------------------------------------


def with_check_digit(digits: str) -> str:
    """Complete 12 digits to an EAN-13 with its check digit.

    Args:
        digits: The first 12 digits.

    Returns:
        The 13 digits of a valid EAN-13.
    """
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(digits))
    return digits + str((10 - total % 10) % 10)


def generate_catalog(
    rng: random.Random, n_variants: int
) -> tuple[list[Product], dict[Sku, Money]]:
    """Generate products of 4 variants each, and a EUR price per variant.

    Args:
        rng: The source of randomness.
        n_variants: How many variants, rounded up to whole products.

    Returns:
        The products, ordered by id, and each variant's price.
    """
    products: list[Product] = []
    prices: dict[Sku, Money] = {}
    n_products = -(-n_variants // VARIANTS_PER_PRODUCT)
    for number in range(1, n_products + 1):
        kind = rng.choice(KINDS)
        german, english = rng.choice(ADJECTIVES)
        words = rng.sample(DESCRIPTION_WORDS, rng.randint(6, 12))
        if rng.random() < 0.9:
            words.insert(rng.randrange(len(words) + 1), COMMON_WORD)
        base = rng.randint(kind.low, kind.high)
        variants: list[Variant] = []
        for color in rng.sample(COLORS, 2):
            for size in rng.sample(kind.sizes, 2):
                code = Sku(f"SKU-{number:06d}-{len(variants) + 1}")
                cents = base + rng.choice((0, 0, 500, 1000))
                prices[code] = money(Decimal(cents).scaleb(-2), CURRENCY)
                variants.append(
                    Variant(
                        sku=code,
                        options={"color": color, "size": size},
                        gtin=with_check_digit(f"400{number:07d}{len(variants):02d}"),
                        weight_grams=rng.randint(100, 2_000),
                        cost_price=money(Decimal(cents * 2 // 5).scaleb(-2), CURRENCY),
                    )
                )
        products.append(
            Product(
                product_id=ProductId(f"P{number:06d}"),
                name=LocalizedText(
                    f"{german} {kind.noun}", {"en": f"{english} {kind.english}"}
                ),
                description=words[0].capitalize() + " " + " ".join(words[1:]) + ".",
                brand=rng.choice(BRANDS),
                categories=(kind.path, "sale") if rng.random() < 0.1 else (kind.path,),
                attributes={"material": rng.choice(MATERIALS)},
                variants=variants,
                created_at=START + timedelta(minutes=number),
            )
        )
    return products, prices


# -- the baseline: a linear scan over plain dicts -------------------------------


class Row(TypedDict):
    """One variant as the baseline knows it: a plain dict."""

    sku: str
    product_id: str
    words: set[str]
    options: dict[str, str]
    categories: list[str]
    price: Decimal


@dataclass(frozen=True)
class Filter:
    """What the baseline looks for, in plain values.

    Attributes:
        text: Words that must all occur.
        options: Option or attribute names to the values allowed.
        category: A category path; the paths below it match too.
        low: The lowest price in EUR, inclusive.
        high: The highest price in EUR, inclusive.
    """

    text: str = ""
    options: Mapping[str, frozenset[str]] | None = None
    category: str | None = None
    low: Decimal | None = None
    high: Decimal | None = None


def plain_rows(products: Iterable[Product], prices: Mapping[Sku, Money]) -> list[Row]:
    """Turn products into the baseline's dicts, folding their words once.

    Args:
        products: The products.
        prices: Each variant's price in EUR.

    Returns:
        One dict per variant.
    """
    rows: list[Row] = []
    for product in products:
        texts = [
            *product.name.all_texts(),
            product.brand,
            *product.description.all_texts(),
            *product.attributes.values(),
        ]
        shared = set(fold(" ".join(texts)))
        rows.extend(
            {
                "sku": variant.sku,
                "product_id": product.product_id,
                "words": shared | set(fold(" ".join(variant.options.values()))),
                "options": {**product.attributes, **variant.options},
                "categories": list(product.categories),
                "price": prices[variant.sku].amount,
            }
            for variant in product.variants
        )
    return rows


def linear_scan(rows: list[Row], want: Filter) -> tuple[dict[str, list[str]], int]:
    """Find the matching variants one dict after the other, grouped by product.

    Args:
        rows: The variants.
        want: The filter.

    Returns:
        The matching SKUs by product id, and the number of products.
    """
    terms = search_terms(want.text)
    options = want.options or {}
    below = None if want.category is None else want.category + "/"
    found: dict[str, list[str]] = {}
    for row in rows:
        words = row["words"]
        if not all(not words.isdisjoint(forms) for forms in terms):
            continue
        if not all(row["options"].get(k) in values for k, values in options.items()):
            continue
        if below is not None and not any(
            c == want.category or c.startswith(below) for c in row["categories"]
        ):
            continue
        price = row["price"]
        if (want.low is not None and price < want.low) or (
            want.high is not None and price > want.high
        ):
            continue
        found.setdefault(row["product_id"], []).append(row["sku"])
    return found, len(found)


# -- timing ----------------------------------------------------------------------


@dataclass(frozen=True)
class Case:
    """One comparison: the same search done plainly and with the library.

    Attributes:
        label: What the line of output is about.
        baseline: The linear scan, called with no arguments.
        library: The adapter's search, called with no arguments.
    """

    label: str
    baseline: Callable[[], object]
    library: Callable[[], object]


def measure(case: Case, settings: Settings) -> Timing:
    """Time baseline and library of ``case`` in interleaved rounds.

    Args:
        case: What to compare.
        settings: How many rounds, and how long each.

    Returns:
        The medians of the times and of the per-round ratios.
    """
    return interleaved(
        case.baseline,
        case.library,
        rounds=settings.rounds,
        round_seconds=settings.round_seconds,
    )


def speed(ratio: float) -> str:
    """Say a ratio baseline/library in words.

    Args:
        ratio: The baseline's time divided by the library's.

    Returns:
        For example ``12.5x faster`` or ``4.2x slower``.
    """
    if ratio >= 1:
        return f"{ratio:.1f}x faster"
    return f"{1 / max(ratio, 1e-9):.1f}x slower"


# -- part 1: search ----------------------------------------------------------------


def queries() -> list[tuple[str, SearchQuery, Filter]]:
    """The search cases: each query for the library and as a baseline filter.

    Returns:
        The label, the library's query and the baseline's filter of each case.
    """
    low, high = Decimal(50), Decimal(150)
    return [
        (
            "selective",
            SearchQuery(
                text="grün sneaker",
                options={"size": {"42"}},
                category="shoes",
                currency=CURRENCY,
                min_price=money(low, CURRENCY),
                max_price=money(high, CURRENCY),
            ),
            Filter(
                text="grün sneaker",
                options={"size": frozenset({"42"})},
                category="shoes",
                low=low,
                high=high,
            ),
        ),
        (
            "broad",
            SearchQuery(text=COMMON_WORD, currency=CURRENCY),
            Filter(text=COMMON_WORD),
        ),
    ]


def every_page(search: ProductSearch, query: SearchQuery) -> tuple[set[str], int]:
    """Walk every page of a search, 100 hits a page.

    Args:
        search: The adapter.
        query: The query; its page and page size are replaced.

    Returns:
        The ids of every product found, and the total the first page states.
    """
    ids: set[str] = set()
    page, pages, total = 1, 1, 0
    while page <= pages:
        result = search.search(attrs.evolve(query, per_page=MAX_PER_PAGE, page=page))
        ids.update(hit.product_id for hit in result.hits)
        if page == 1:
            total = result.total
            pages = -(-total // MAX_PER_PAGE)
        page += 1
    return ids, total


def library_matches(search: ProductSearch, query: SearchQuery) -> tuple[set[str], int]:
    """Gather every product a search finds, and its total.

    A broad query's products fill many pages, and each page costs a whole
    search. So when they fill more than one, the ids are gathered from
    narrower queries that together find the same products: the query with a
    brand added to its words and one colour as an option filter, for every
    brand and colour of the generated catalog (each product has one brand,
    each variant one colour).

    Args:
        search: The adapter.
        query: The query; it must not filter by colour.

    Returns:
        The ids of every product found, and the total of the query itself.
    """
    if "color" in query.options:
        msg = "the check splits queries by colour: do not filter by it"
        raise ValueError(msg)
    first = search.search(attrs.evolve(query, per_page=MAX_PER_PAGE))
    ids: set[str] = {hit.product_id for hit in first.hits}
    if first.total <= MAX_PER_PAGE:
        return ids, first.total
    ids.clear()
    for brand in BRANDS:
        for color in COLORS:
            part = attrs.evolve(
                query,
                text=f"{query.text} {brand}",
                options={**query.options, "color": frozenset({color})},
            )
            ids |= every_page(search, part)[0]
    return ids, first.total


def timed(action: Callable[[], object]) -> float:
    """Time one call.

    Args:
        action: What to call.

    Returns:
        The elapsed seconds.
    """
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def run_search(settings: Settings, directory: Path, stack: ExitStack) -> bool:
    """Build, check, time and report the search cases.

    Args:
        settings: The sizes and rounds.
        directory: Where the SQLite file goes.
        stack: Closes the SQLite database at the end of the run.

    Returns:
        Whether every adapter found what the baseline found.
    """
    products, price_table = generate_catalog(
        random.Random(SEED), settings.search_variants
    )
    n_variants = sum(len(product.variants) for product in products)

    def lookup(code: Sku) -> tuple[Money]:
        return (price_table[code],)

    rows = plain_rows(products, price_table)
    database = stack.enter_context(SQLiteDatabase(directory / "search.sqlite"))
    adapters: list[tuple[str, ProductSearch]] = [
        ("in-memory", InMemoryProductSearch()),
        ("SQLite file", SQLiteProductSearch(database)),
    ]
    print(
        f"Search: {n_variants} variants of {len(products)} products; "
        f"baseline: linear scan over {len(rows)} plain dicts"
    )
    for name, adapter in adapters:
        seconds = timed(partial(adapter.index, products, prices=lookup))
        print(f"  index build, {name}: {duration(seconds)}", flush=True)
    gc.collect()
    ok = True
    for label, query, want in queries():
        expected, total = linear_scan(rows, want)
        matched = sum(len(skus) for skus in expected.values())
        print(
            f"  {label}: {query.text!r} matches {matched} variants "
            f"({matched / n_variants:.2%}) of {total} products"
        )
        for name, adapter in adapters:
            ids, found = library_matches(adapter, query)
            if ids != set(expected) or found != total:
                print(
                    f"  MISMATCH {name}, {label}: {len(ids)} ids and total {found}, "
                    f"baseline {len(expected)} ids and total {total}"
                )
                ok = False
                continue
            case = Case(
                label=f"{name}, {label}",
                baseline=partial(linear_scan, rows, want),
                library=partial(adapter.search, query),
            )
            result = measure(case, settings)
            faster = result.baseline_over_library
            print(
                f"  {case.label}: {duration(result.library_seconds)} per search vs "
                f"{duration(result.baseline_seconds)} linear scan -> ratio "
                f"{faster:.2f}: {speed(faster)} than a linear scan",
                flush=True,
            )
    return ok


# -- part 2: import ------------------------------------------------------------------


class StillClock(Clock):
    """A clock that always shows the same instant."""

    def now(self) -> datetime:
        """Return the instant.

        Returns:
            The start of the generated catalog.
        """
        return START


def read_csv(text: str) -> int:
    """Read CSV text with the standard library, every row into a list.

    Args:
        text: The file's text.

    Returns:
        The number of rows, the header included.
    """
    return len(list(csv.reader(io.StringIO(text, newline=""))))


def import_into(
    text: str, uow_factory: Callable[[], InMemoryUnitOfWork | SQLiteUnitOfWork]
) -> tuple[float, int, bool]:
    """Import CSV text once and time it.

    Args:
        text: The file's text.
        uow_factory: Makes the units of work of the target store.

    Returns:
        The elapsed seconds, the rows created and whether the report is clean.
    """
    stream = io.StringIO(text, newline="")
    start = time.perf_counter()
    report = import_products(stream, uow_factory=uow_factory, clock=StillClock())
    elapsed = time.perf_counter() - start
    return elapsed, report.created, report.ok


def run_import(settings: Settings, directory: Path, stack: ExitStack) -> bool:
    """Generate, import, check and report the CSV import.

    Args:
        settings: The sizes and rounds.
        directory: Where the SQLite files go.
        stack: Closes the SQLite databases at the end of the run.

    Returns:
        Whether every import created every row.
    """
    products, _ = generate_catalog(random.Random(SEED + 1), settings.import_rows)
    buffer = io.StringIO(newline="")
    n_rows = export_products(products, buffer)
    text = buffer.getvalue()
    print(
        f"Import: {n_rows} CSV rows ({len(text.encode()) / 1e6:.1f} MB) of "
        f"{len(products)} products, {settings.import_rounds} interleaved rounds; "
        "reference: csv.reader alone"
    )
    parse: list[float] = []
    targets: dict[str, list[float]] = {"in-memory store": [], "SQLite file": []}
    ratios: dict[str, list[float]] = {name: [] for name in targets}
    ok = True
    for number in range(settings.import_rounds):
        parse_seconds = timed(partial(read_csv, text))
        parse.append(parse_seconds)
        store = InMemoryStore()
        database = stack.enter_context(
            SQLiteDatabase(directory / f"import-{number}.sqlite")
        )
        factories: dict[str, Callable[[], InMemoryUnitOfWork | SQLiteUnitOfWork]] = {
            "in-memory store": partial(InMemoryUnitOfWork, store),
            "SQLite file": partial(SQLiteUnitOfWork, database),
        }
        for name, factory in factories.items():
            gc.collect()
            seconds, created, clean = import_into(text, factory)
            if created != n_rows or not clean:
                print(f"  MISMATCH {name}: {created} of {n_rows} rows created")
                ok = False
            targets[name].append(seconds)
            ratios[name].append(seconds / max(parse_seconds, 1e-9))
    parse_rate = n_rows / statistics.median(parse)
    for name, times in targets.items():
        rate = n_rows / statistics.median(times)
        print(
            f"  import_products, {name}: {rate:,.0f} rows/s vs "
            f"{parse_rate:,.0f} rows/s csv.reader alone -> ratio "
            f"{statistics.median(ratios[name]):.0f}x the parsing time",
            flush=True,
        )
    return ok


def parse_settings(argv: list[str] | None) -> Settings:
    """Read the command line.

    Args:
        argv: The arguments, without the program name; ``None`` for sys.argv.

    Returns:
        The settings of the run.
    """
    return choose_size(
        argv,
        description="Time catalog search and CSV import against plain Python.",
        default=DEFAULT,
        full=FULL,
        tiny=TINY,
        full_help="100,000 variants to search and rows to import (minutes)",
        tiny_help="a smoke run: a few hundred variants, few rounds, one call each",
    )


def main(argv: list[str] | None = None) -> int:
    """Check, time and report search and import.

    Args:
        argv: The arguments, without the program name; ``None`` for sys.argv.

    Returns:
        The exit status: 1 if a library result differed from the baseline.
    """
    settings = parse_settings(argv)
    print(
        f"commercekit.catalog vs plain Python: Python {platform.python_version()}, "
        f"{settings.rounds} interleaved rounds per search case, medians"
    )
    with ExitStack() as stack:
        directory = Path(
            stack.enter_context(tempfile.TemporaryDirectory(prefix="commercekit-"))
        )
        ok = run_search(settings, directory, stack)
        ok = run_import(settings, directory, stack) and ok
    if not ok:
        print("library and baseline differ: no figure above is a fair comparison")
        return 1
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
