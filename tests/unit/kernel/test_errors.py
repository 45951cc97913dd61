"""The error tree: builtins, codes, messages, pickling."""

from __future__ import annotations

import inspect
import pickle

import pytest

import commercekit.errors as errors_module
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

SAMPLES: list[CommerceError] = [
    CommerceError("something failed"),
    ValidationError("amount must be positive", field="amount"),
    CurrencyMismatchError(expected="EUR", got="USD"),
    NotFoundError(kind="order", key="o-1"),
    ConflictError(),
    DuplicateError(kind="order", key="o-1"),
    VersionConflictError(kind="order", key="o-1", expected_version=3, actual_version=4),
    InvalidTransitionError(
        aggregate="order", key="o-1", state="canceled", event="ship"
    ),
    BusinessRuleError("the return window closed on 2026-01-19", rule="return_window"),
    ExternalServiceError(service="payment gateway", retryable=True),
    StorageError(),
    SchemaVersionError(found=7, supported=5),
    UsageError("cannot commit outside a `with uow:` block"),
]


def test_every_error_class_of_the_module_has_a_sample() -> None:
    classes = {
        obj
        for _, obj in inspect.getmembers(errors_module, inspect.isclass)
        if issubclass(obj, CommerceError)
    }
    assert classes == {type(sample) for sample in SAMPLES}


@pytest.mark.parametrize("error", SAMPLES, ids=lambda e: type(e).__name__)
def test_errors_survive_pickling_with_their_data(error: CommerceError) -> None:
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is type(error)
    assert str(copy) == str(error)
    assert copy.__dict__ == error.__dict__


@pytest.mark.parametrize("error", SAMPLES, ids=lambda e: type(e).__name__)
def test_every_error_has_a_code_and_a_message(error: CommerceError) -> None:
    assert error.code
    assert error.code.islower()
    assert str(error)
    assert str(error) == error.message


def test_codes_are_unique() -> None:
    codes = [type(error).code for error in SAMPLES]
    assert len(codes) == len(set(codes))


def test_errors_are_the_builtins_a_user_would_catch() -> None:
    with pytest.raises(ValueError, match="positive"):
        raise ValidationError("amount must be positive")
    with pytest.raises(LookupError):
        raise NotFoundError(kind="order", key="o-1")
    with pytest.raises(TypeError):
        raise CurrencyMismatchError(expected="EUR", got="USD")
    with pytest.raises(ConflictError):
        raise DuplicateError(kind="order", key="o-1")
    with pytest.raises(ConflictError):
        raise VersionConflictError(kind="order", key="o-1", expected_version=1)
    with pytest.raises(StorageError):
        raise SchemaVersionError(found=2, supported=1)
    with pytest.raises(RuntimeError):
        raise UsageError("committed twice")


def test_structured_errors_build_readable_messages() -> None:
    assert str(NotFoundError(kind="order", key="o-1")) == "order 'o-1' was not found"
    assert str(DuplicateError(kind="coupon", key="WELCOME")) == (
        "coupon 'WELCOME' exists already"
    )
    assert str(
        VersionConflictError(
            kind="order", key="o-1", expected_version=3, actual_version=4
        )
    ) == (
        "order 'o-1' was changed by someone else (expected version 3, found 4): "
        "reload and retry"
    )
    assert (
        str(
            InvalidTransitionError(
                aggregate="order", key="o-1", state="canceled", event="ship"
            )
        )
        == "cannot ship order 'o-1': it is canceled"
    )
    assert "upgrade commercekit" in str(SchemaVersionError(found=7, supported=5))


def test_a_given_message_wins_over_the_built_one() -> None:
    error = NotFoundError("no such basket", kind="cart", key="c-9")
    assert str(error) == "no such basket"
    assert error.key == "c-9"


def test_the_tree_is_drawn_in_the_module_docstring() -> None:
    doc = errors_module.__doc__ or ""
    for error in SAMPLES:
        assert type(error).__name__ in doc
        assert type(error).code in doc
