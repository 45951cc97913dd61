"""commercekit: the domain logic of an online shop, as a library.

The root package holds the shared kernel only, so ``import commercekit`` stays
light: the errors (:mod:`commercekit.errors`), exact money
(:mod:`commercekit.money`), shared values (:mod:`commercekit.values`) and the
ports every context uses (:mod:`commercekit.ports`). Each bounded context
(catalog, pricing, orders, ...) is a subpackage with its own public surface.
"""

from commercekit.errors import (
    BusinessRuleError,
    CommerceError,
    ConflictError,
    CurrencyMismatchError,
    DuplicateError,
    ExternalServiceError,
    InvalidTransitionError,
    NotFoundError,
    SchemaVersionError,
    StorageError,
    UsageError,
    ValidationError,
    VersionConflictError,
)
from commercekit.money import (
    Money,
    Rounding,
    allocate,
    format_money,
    minor_units,
    money,
    quantize,
    split_evenly,
    sum_money,
    zero,
)

__version__ = "0.1.0"

__all__ = [
    "BusinessRuleError",
    "CommerceError",
    "ConflictError",
    "CurrencyMismatchError",
    "DuplicateError",
    "ExternalServiceError",
    "InvalidTransitionError",
    "Money",
    "NotFoundError",
    "Rounding",
    "SchemaVersionError",
    "StorageError",
    "UsageError",
    "ValidationError",
    "VersionConflictError",
    "__version__",
    "allocate",
    "format_money",
    "minor_units",
    "money",
    "quantize",
    "split_evenly",
    "sum_money",
    "zero",
]
