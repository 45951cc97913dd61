"""The SQLite product repository."""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from typing import TYPE_CHECKING

from commercekit.catalog import Product, ProductId, ProductRepository
from commercekit.errors import (
    DuplicateError,
    NotFoundError,
    StorageError,
    VersionConflictError,
)

if TYPE_CHECKING:
    from commercekit.adapters.sqlite._unit_of_work import SQLiteUnitOfWork

__all__ = ["SQLiteProductRepository"]


def _integrity(kind: str, key: str, exc: sqlite3.IntegrityError) -> Exception:
    """A taken key is a duplicate; any other refused constraint a storage fault."""
    if "UNIQUE" in str(exc) or "PRIMARY KEY" in str(exc):
        return DuplicateError(kind=kind, key=key)
    return StorageError(f"the database refused {kind} {key!r}: {exc}")


class SQLiteProductRepository(ProductRepository):
    """Products in a SQLite database.

    The queried fields are columns (id, version, active flag, brand, creation
    time; each variant's SKU and GTIN, with the SKU as primary key so the
    database keeps it unique); the rest of a product is one JSON document
    written by commercekit's converter. Saving is a conditional
    ``UPDATE ... WHERE version = ?``, so two writers cannot both win.
    """

    def __init__(self, uow: SQLiteUnitOfWork) -> None:
        self._uow = uow

    @contextlib.contextmanager
    def _atomic(self) -> Iterator[sqlite3.Connection]:
        """Run one add or save as a whole: a failure undoes all its writes.

        A savepoint inside the unit of work's transaction, so a caller that
        catches the error can go on with the block and commit without a
        half-written product.
        """
        conn = self._uow.connection
        conn.execute("SAVEPOINT catalog_write")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK TO catalog_write")
            conn.execute("RELEASE catalog_write")
            raise
        conn.execute("RELEASE catalog_write")

    def _dump(self, product: Product) -> str:
        # Insertion order kept: the order of options and translations is the
        # merchant's, and the in-memory store keeps it too.
        return json.dumps(
            self._uow.converter.unstructure(product), separators=(",", ":")
        )

    def _load(self, version: int, data: str) -> Product:
        try:
            product = self._uow.converter.structure(json.loads(data), Product)
        except Exception as exc:
            msg = f"a stored product cannot be read: {exc}"
            raise StorageError(msg) from exc
        product.version = version
        return product

    def _insert_variants(self, product: Product) -> None:
        conn = self._uow.connection
        for variant in product.variants:
            try:
                conn.execute(
                    "INSERT INTO catalog_variants (sku, product_id, gtin) "
                    "VALUES (?, ?, ?)",
                    (variant.sku, product.product_id, variant.gtin),
                )
            except sqlite3.IntegrityError as exc:
                raise _integrity("SKU", variant.sku, exc) from exc

    def add(self, product: Product) -> None:
        """Store a new product at version 1."""
        with self._atomic() as conn:
            self._add(conn, product)
        product.version = 1
        self._uow.track(product)

    def _add(self, conn: sqlite3.Connection, product: Product) -> None:
        try:
            conn.execute(
                "INSERT INTO catalog_products "
                "(product_id, version, active, brand, created_at, data) "
                "VALUES (?, 1, ?, ?, ?, ?)",
                (
                    product.product_id,
                    product.active,
                    product.brand,
                    product.created_at.isoformat(),
                    self._dump(product),
                ),
            )
        except sqlite3.IntegrityError as exc:
            raise _integrity("product", product.product_id, exc) from exc
        self._insert_variants(product)

    def get(self, product_id: ProductId) -> Product:
        """Return the product with this id."""
        row = self._uow.connection.execute(
            "SELECT version, data FROM catalog_products WHERE product_id = ?",
            (product_id,),
        ).fetchone()
        if row is None:
            raise NotFoundError(kind="product", key=product_id)
        product = self._load(*row)
        self._uow.track(product)
        return product

    def get_by_sku(self, sku: str) -> Product:
        """Return the product that has a variant with this SKU."""
        row = self._uow.connection.execute(
            "SELECT product_id FROM catalog_variants WHERE sku = ?", (sku,)
        ).fetchone()
        if row is None:
            raise NotFoundError(kind="SKU", key=sku)
        return self.get(ProductId(row[0]))

    def save(self, product: Product) -> None:
        """Store a changed product, if nobody else changed it first."""
        with self._atomic() as conn:
            self._save(conn, product)
        product.version += 1
        self._uow.track(product)

    def _save(self, conn: sqlite3.Connection, product: Product) -> None:
        updated = conn.execute(
            "UPDATE catalog_products SET version = version + 1, active = ?, "
            "brand = ?, created_at = ?, data = ? "
            "WHERE product_id = ? AND version = ?",
            (
                product.active,
                product.brand,
                product.created_at.isoformat(),
                self._dump(product),
                product.product_id,
                product.version,
            ),
        ).rowcount
        if updated != 1:
            row = conn.execute(
                "SELECT version FROM catalog_products WHERE product_id = ?",
                (product.product_id,),
            ).fetchone()
            if row is None:
                raise NotFoundError(kind="product", key=product.product_id)
            raise VersionConflictError(
                kind="product",
                key=product.product_id,
                expected_version=product.version,
                actual_version=int(row[0]),
            )
        conn.execute(
            "DELETE FROM catalog_variants WHERE product_id = ?", (product.product_id,)
        )
        self._insert_variants(product)

    def iterate(self) -> Iterator[Product]:
        """Yield every product, ordered by id."""
        rows = self._uow.connection.execute(
            "SELECT version, data FROM catalog_products ORDER BY product_id"
        )
        for version, data in rows:
            yield self._load(version, data)
