"""Tools for testing code that uses commercekit, and commercekit's adapters.

The names here import without Hypothesis or pytest. Two submodules need them:

* :mod:`commercekit.testing.strategies`: Hypothesis strategies for the public
  types, also registered for ``st.from_type`` (needs ``commercekit[testing]``);
* :mod:`commercekit.testing.contracts`: contract suites that every adapter of a
  port must pass, to subclass in your own tests (needs pytest).
"""

from commercekit.testing._catalog import FakeAvailability
from commercekit.testing._checkout import CheckoutScenario
from commercekit.testing._helpers import FixedClock, RecordingPublisher, SequentialIds
from commercekit.testing._payment_checks import payment_status_fits_amounts
from commercekit.testing._payment_gateway import (
    FakeNotification,
    FakePaymentGateway,
    GatewayCall,
    GatewayLedgerEntry,
    ProviderKeyReusedError,
    Script,
)
from commercekit.testing._vat import FakeVatIdValidator

__all__ = [
    "CheckoutScenario",
    "FakeAvailability",
    "FakeNotification",
    "FakePaymentGateway",
    "FakeVatIdValidator",
    "FixedClock",
    "GatewayCall",
    "GatewayLedgerEntry",
    "ProviderKeyReusedError",
    "RecordingPublisher",
    "Script",
    "SequentialIds",
    "payment_status_fits_amounts",
]
