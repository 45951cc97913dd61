"""The contract of :class:`~commercekit.catalog.ProductRepository`."""

from __future__ import annotations

import abc
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest

from commercekit.catalog import (
    CatalogUnitOfWork,
    LocalizedText,
    Product,
    ProductId,
    Variant,
)
from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    VersionConflictError,
)
from commercekit.money import money
from commercekit.ports import (
    EventPublisher,
)
from commercekit.testing._helpers import RecordingPublisher
from commercekit.testing.contracts._unit_of_work import SampleEvent

__all__ = ["CatalogUnitOfWorkFactory", "ProductRepositoryContract", "sample_product"]

CatalogUnitOfWorkFactory = Callable[[EventPublisher | None], CatalogUnitOfWork]
"""Makes a unit of work with the catalog's repository, over one store."""


def sample_product(product_id: str, *skus: str, brand: str = "Nordlicht") -> Product:
    """A product with one variant per SKU, for contract tests."""
    return Product(
        product_id=ProductId(product_id),
        name=LocalizedText(f"Sneaker {product_id}", {"en": f"Sneaker {product_id}"}),
        brand=brand,
        categories=["shoes/sneakers"],
        attributes={"material": "leather"},
        variants=[
            Variant(sku=code, options={"size": str(40 + n)}, weight_grams=900)
            for n, code in enumerate(skus)
        ],
        created_at=datetime(2026, 1, 5, 9, tzinfo=UTC),
    )


class ProductRepositoryContract(abc.ABC):
    """What every :class:`~commercekit.catalog.ProductRepository` must do.

    The factory returns a function that makes units of work with a
    ``products`` repository over one new, empty store.
    """

    @abc.abstractmethod
    def make_catalog_uow_factory(self, tmp_path: Path) -> CatalogUnitOfWorkFactory:
        """Return a maker of catalog units of work over a new, empty store."""

    @pytest.fixture
    def new_uow(self, tmp_path: Path) -> CatalogUnitOfWorkFactory:
        """The factory of this test's store."""
        return self.make_catalog_uow_factory(tmp_path)

    def _add(self, new_uow: CatalogUnitOfWorkFactory, *products: Product) -> None:
        with new_uow(None) as uow:
            for product in products:
                uow.products.add(product)
            uow.commit()

    def test_an_added_product_reads_back_equal_at_version_1(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        product = sample_product("p-1", "SN-W-42", "SN-W-43")
        self._add(new_uow, product)
        assert product.version == 1
        with new_uow(None) as uow:
            loaded = uow.products.get(ProductId("p-1"))
        assert loaded == product
        assert loaded is not product

    def test_a_product_is_found_by_any_of_its_skus(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_product("p-1", "SN-W-42", "SN-W-43"))
        with new_uow(None) as uow:
            assert uow.products.get_by_sku("SN-W-43").product_id == "p-1"
            with pytest.raises(NotFoundError, match="SKU 'NOPE'"):
                uow.products.get_by_sku("NOPE")
            with pytest.raises(NotFoundError, match="product 'p-9'"):
                uow.products.get(ProductId("p-9"))

    def test_a_taken_product_id_or_sku_is_a_duplicate(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_product("p-1", "SN-W-42"))
        with new_uow(None) as uow, pytest.raises(DuplicateError, match="product"):
            uow.products.add(sample_product("p-1", "OTHER-1"))
        with new_uow(None) as uow, pytest.raises(DuplicateError, match="SN-W-42"):
            uow.products.add(sample_product("p-2", "SN-W-42"))
        with new_uow(None) as uow:
            with pytest.raises(NotFoundError):
                uow.products.get(ProductId("p-2"))
            with pytest.raises(NotFoundError):
                uow.products.get_by_sku("OTHER-1")

    def test_save_raises_the_version_and_a_stale_copy_conflicts(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_product("p-1", "SN-W-42"))
        with new_uow(None) as uow:
            stale = uow.products.get(ProductId("p-1"))
        with new_uow(None) as uow:
            fresh = uow.products.get(ProductId("p-1"))
            fresh.brand = "Südwind"
            uow.products.save(fresh)
            uow.commit()
        assert fresh.version == 2
        with new_uow(None) as uow:
            stale.brand = "Ostwind"
            with pytest.raises(VersionConflictError) as info:
                uow.products.save(stale)
        assert (info.value.expected_version, info.value.actual_version) == (1, 2)
        with new_uow(None) as uow:
            assert uow.products.get(ProductId("p-1")).brand == "Südwind"

    def test_saving_an_unknown_product_is_not_found(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow, pytest.raises(NotFoundError):
            uow.products.save(sample_product("p-1", "SN-W-42"))

    def test_skus_move_between_products_only_when_released(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow, sample_product("p-1", "SN-W-42"), sample_product("p-2", "SN-B-42")
        )
        with new_uow(None) as uow:
            second = uow.products.get(ProductId("p-2"))
            second.put_variant(Variant(sku="SN-W-42"))
            with pytest.raises(DuplicateError, match="SN-W-42"):
                uow.products.save(second)
        with new_uow(None) as uow:
            first = uow.products.get(ProductId("p-1"))
            first.remove_variant("SN-W-42")
            uow.products.save(first)
            second = uow.products.get(ProductId("p-2"))
            second.put_variant(Variant(sku="SN-W-42"))
            uow.products.save(second)
            uow.commit()
        with new_uow(None) as uow:
            assert uow.products.get_by_sku("SN-W-42").product_id == "p-2"
            assert uow.products.get(ProductId("p-1")).skus == ()

    def test_nothing_is_stored_before_the_commit(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        with new_uow(None) as uow:
            uow.products.add(sample_product("p-1", "SN-W-42"))
            assert uow.products.get_by_sku("SN-W-42").product_id == "p-1"
        with new_uow(None) as uow:
            with pytest.raises(NotFoundError):
                uow.products.get(ProductId("p-1"))
            with pytest.raises(NotFoundError):
                uow.products.get_by_sku("SN-W-42")

    def test_changing_a_loaded_copy_changes_nothing_until_saved(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_product("p-1", "SN-W-42"))
        with new_uow(None) as uow:
            loaded = uow.products.get(ProductId("p-1"))
            loaded.brand = "changed"
            loaded.remove_variant("SN-W-42")
            uow.commit()
        with new_uow(None) as uow:
            again = uow.products.get(ProductId("p-1"))
        assert (again.brand, again.skus) == ("Nordlicht", ("SN-W-42",))

    def test_iterate_yields_every_product_by_id(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(
            new_uow,
            sample_product("p-2", "B-1"),
            sample_product("p-1", "A-1"),
            sample_product("p-3", "C-1"),
        )
        with new_uow(None) as uow:
            ids = [product.product_id for product in uow.products.iterate()]
        assert ids == ["p-1", "p-2", "p-3"]

    def test_events_of_a_saved_product_are_published(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_product("p-1", "SN-W-42"))
        publisher = RecordingPublisher()
        with new_uow(publisher) as uow:
            product = uow.products.get(ProductId("p-1"))
            event = SampleEvent(
                note="repriced", amount=money("79.90", "EUR"), at=product.created_at
            )
            product.record(event)
            uow.products.save(product)
            uow.commit()
        assert publisher.events == [event]

    def test_a_refused_add_or_save_writes_nothing_and_the_block_goes_on(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        self._add(new_uow, sample_product("p-1", "A-1"))
        with new_uow(None) as uow:
            with pytest.raises(DuplicateError, match="A-1"):
                uow.products.add(sample_product("p-2", "B-1", "A-1"))
            first = uow.products.get(ProductId("p-1"))
            first.put_variant(Variant(sku="C-1"))
            uow.products.add(sample_product("p-3", "C-1"))
            with pytest.raises(DuplicateError, match="C-1"):
                uow.products.save(first)
            assert first.version == 1
            first.remove_variant("C-1")
            first.brand = "fixed"
            uow.products.save(first)  # the same object, retried, goes through
            uow.commit()
        with new_uow(None) as uow:
            with pytest.raises(NotFoundError):
                uow.products.get(ProductId("p-2"))
            with pytest.raises(NotFoundError):
                uow.products.get_by_sku("B-1")
            stored = uow.products.get(ProductId("p-1"))
            assert (stored.brand, stored.skus, stored.version) == ("fixed", ("A-1",), 2)
            assert uow.products.get_by_sku("C-1").product_id == "p-3"

    def test_two_racers_claiming_one_sku_one_wins(
        self, new_uow: CatalogUnitOfWorkFactory
    ) -> None:
        """Real racers: two threads, each with its own unit of work, one start."""
        barrier = threading.Barrier(2)
        outcomes: list[str] = []

        def claim(product_id: str) -> None:
            barrier.wait(timeout=10)
            try:
                with new_uow(None) as uow:
                    uow.products.add(sample_product(product_id, "ONLY-1"))
                    uow.commit()
                outcomes.append("added")
            except DuplicateError:
                outcomes.append("duplicate")

        threads = [threading.Thread(target=claim, args=(f"p-{n}",)) for n in (1, 2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        assert sorted(outcomes) == ["added", "duplicate"]
        with new_uow(None) as uow:
            owner = uow.products.get_by_sku("ONLY-1").product_id
            assert len([p for p in uow.products.iterate() if "ONLY-1" in p.skus]) == 1
        assert owner in {"p-1", "p-2"}
