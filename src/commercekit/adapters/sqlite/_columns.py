"""How the SQLite adapters write values into columns and read them back.

Also the two ways a SQLite adapter turns a fault into a commercekit error:
:func:`_readable` for a stored value that does not read back, and
:func:`_storage` for an error of the database itself.
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
from collections.abc import Iterator
from datetime import datetime
from decimal import InvalidOperation
from typing import TYPE_CHECKING, Any, TypeVar

import cattrs

from commercekit.errors import CommerceError, StorageError
from commercekit.values import as_utc

if TYPE_CHECKING:
    from commercekit.adapters.sqlite._unit_of_work import SQLiteUnitOfWork

__all__: list[str] = []

_A = TypeVar("_A")


def _text(value: datetime) -> str:
    # Fixed width, so text order is time order (the history is sorted by it).
    return as_utc(value).isoformat(timespec="microseconds")


def _optional_text(value: datetime | None) -> str | None:
    return None if value is None else _text(value)


def _instant(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text))


def _optional_instant(text: str | None) -> datetime | None:
    return None if text is None else _instant(text)


@contextlib.contextmanager
def _readable(what: str) -> Iterator[None]:
    """Turn a stored value that does not read back into a storage fault."""
    try:
        yield
    except (
        CommerceError,
        cattrs.BaseValidationError,
        ValueError,
        TypeError,
        KeyError,
        InvalidOperation,
    ) as exc:
        msg = f"a stored {what} cannot be read: {exc}"
        raise StorageError(msg) from exc


@contextlib.contextmanager
def _storage(uow: SQLiteUnitOfWork, action: str) -> Iterator[sqlite3.Connection]:
    """The unit of work's connection; a database error becomes a StorageError."""
    try:
        yield uow.connection
    except sqlite3.Error as exc:
        msg = f"cannot {action} the SQLite database {uow.database.path!r}"
        raise StorageError(f"{msg}: {exc}") from exc


def _json(value: object) -> str:
    """Compact JSON text, as the adapters store documents."""
    return json.dumps(value, separators=(",", ":"), ensure_ascii=False)


def _document(uow: SQLiteUnitOfWork, value: object, what: str) -> str:
    """An aggregate as its JSON document, without the columns that are the truth.

    Its ``status`` and ``version`` live in columns (indexed, and updated
    conditionally), so the document leaves them out.
    """
    try:
        data: dict[str, Any] = uow.converter.unstructure(value)
        data.pop("version", None)
        data.pop("status", None)
        return _json(data)
    except (TypeError, ValueError) as exc:
        msg = f"{what} cannot be stored as JSON: {exc}"
        raise StorageError(msg) from exc


def _aggregate(uow: SQLiteUnitOfWork, cls: type[_A], data: str, what: str) -> _A:
    """An aggregate read back from its JSON document (status and version apart).

    The caller sets the status and version from their columns.
    """
    with _readable(what):
        document = json.loads(data)
        if not isinstance(document, dict):
            msg = f"expected a JSON object, not {document!r}"
            raise TypeError(msg)
        document.pop("status", None)
        document.pop("version", None)
        return uow.converter.structure(document, cls)
