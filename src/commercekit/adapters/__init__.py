"""Adapters: commercekit's own implementations of its ports.

* :mod:`commercekit.adapters.memory` keeps everything in process memory, for
  tests, demos and prototypes.
* :mod:`commercekit.adapters.sqlite` stores everything in one SQLite file with
  the standard library's :mod:`sqlite3`, ready to use without any setup.

:class:`BaseUnitOfWork` holds the transaction and outbox logic they share; an
application that writes its own adapter family can build on it too.
"""

from commercekit.adapters._unit_of_work import BaseUnitOfWork

__all__ = ["BaseUnitOfWork"]
