"""The order lifecycle as a python-statemachine machine, built from its moves.

The moves are data (:class:`Move`), and the machine class is built from
them, so three things read one source: the machine that guards an order,
the table of events allowed from each status (:meth:`events_from`, asked
for every order of a list page without building a machine), and an
application's extension (:func:`extend_lifecycle`), which builds a new
class from the library's moves and its own without touching the
library's class.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import TYPE_CHECKING, Any, ClassVar, cast

import attrs
from statemachine import State, StateMachine
from statemachine.exceptions import InvalidDefinition
from statemachine.factory import StateMachineMetaclass

from commercekit.errors import ValidationError
from commercekit.orders._errors import OrderRuleError
from commercekit.orders._status import OrderStatus
from commercekit.values import identifier

if TYPE_CHECKING:
    from commercekit.orders._model import Order

__all__ = ["Move", "OrderLifecycle", "extend_lifecycle"]

Guard = str | Callable[..., Any]
"""A condition or validator: a method name of the machine or the order, or
a callable; python-statemachine passes it what it names (``model``,
``event``, the event's keyword arguments)."""


def _guards(value: object) -> tuple[Guard, ...]:
    items = (value,) if isinstance(value, str) or callable(value) else value
    if not isinstance(items, Iterable) or not all(
        isinstance(item, str) or callable(item) for item in items
    ):
        msg = f"guards must be method names or callables, not {value!r}"
        raise ValidationError(msg, field="validators")
    return tuple(items)


def _event(value: object) -> str:
    text = identifier(value, field="event")
    if not text.isidentifier():
        msg = f"an event must be a Python identifier, not {text!r}"
        raise ValidationError(msg, field="event")
    return text


def _state(value: object) -> str:
    text = identifier(value, field="state")
    if not text.isidentifier():
        msg = f"a status must be a Python identifier, not {text!r}"
        raise ValidationError(msg, field="state")
    return text


@attrs.frozen
class Move:
    """One transition of an order lifecycle: ``event`` moves ``source`` to ``target``.

    Args:
        event: The event's name, such as ``"confirm"``.
        source: The status it moves from.
        target: The status it moves to (the same for a move that stays).
        cond: Conditions that choose this move over a later one for the same
            event and source (all must hold); a false condition only says
            "not this move".
        validators: Business rules that refuse the move by raising (the
            order's rules raise :class:`~commercekit.orders.OrderRuleError`
            naming the rule).

    >>> Move("approve", "awaiting_approval", "confirmed").target
    'confirmed'
    """

    event: str = attrs.field(converter=_event)
    source: str = attrs.field(converter=_state)
    target: str = attrs.field(converter=_state)
    cond: tuple[Guard, ...] = attrs.field(default=(), converter=_guards)
    validators: tuple[Guard, ...] = attrs.field(default=(), converter=_guards)


_S = OrderStatus
_PAID = ("check_payment",)

_MOVES: tuple[Move, ...] = (
    Move("confirm", _S.PLACED, _S.CONFIRMED, validators=_PAID),
    Move("start_fulfillment", _S.CONFIRMED, _S.IN_FULFILLMENT, validators=_PAID),
    Move("ship", _S.CONFIRMED, _S.SHIPPED, cond="all_shipped", validators=_PAID),
    Move("ship", _S.CONFIRMED, _S.PARTIALLY_SHIPPED, validators=_PAID),
    Move("ship", _S.IN_FULFILLMENT, _S.SHIPPED, cond="all_shipped", validators=_PAID),
    Move("ship", _S.IN_FULFILLMENT, _S.PARTIALLY_SHIPPED, validators=_PAID),
    Move(
        "ship", _S.PARTIALLY_SHIPPED, _S.SHIPPED, cond="all_shipped", validators=_PAID
    ),
    Move("ship", _S.PARTIALLY_SHIPPED, _S.PARTIALLY_SHIPPED, validators=_PAID),
    Move("deliver", _S.SHIPPED, _S.DELIVERED),
    Move("complete", _S.DELIVERED, _S.COMPLETED),
    Move("cancel", _S.PLACED, _S.CANCELED),
    Move("cancel", _S.CONFIRMED, _S.CANCELED),
    Move("cancel", _S.IN_FULFILLMENT, _S.CANCELED),
    Move("cancel", _S.PARTIALLY_SHIPPED, _S.SHIPPED),
)


class _OrderMachine(StateMachine):
    """The rules every order lifecycle shares (an abstract machine: no states)."""

    moves: ClassVar[tuple[Move, ...]] = ()
    """The lifecycle's moves, in the order they are tried."""

    statuses: ClassVar[tuple[str, ...]] = ()
    """Its statuses: the initial one first."""

    final_statuses: ClassVar[frozenset[str]] = frozenset()
    """The statuses nothing moves out of."""

    _allowed: ClassVar[Mapping[str, frozenset[str]]] = MappingProxyType({})

    @classmethod
    def events_from(cls, status: str) -> frozenset[str]:
        """The events the lifecycle has a move for from ``status``.

        Read from a table built once from :attr:`moves`, so answering it for
        every order of a list page builds no machine. A validator may still
        refuse a move the table lists (an unpaid order cannot ship).

        Raises:
            ValidationError: for a status the lifecycle does not have.
        """
        try:
            return cls._allowed[status]
        except KeyError:
            msg = f"{cls.__name__} has no status {status!r}"
            raise ValidationError(msg, field="status") from None

    def check_payment(self, model: Order) -> None:
        """Refuse to confirm or ship an order whose payment does not allow it."""
        if not model.payment_allows_shipping:
            msg = (
                f"order {model.order_id} is not paid: its payment is "
                f"{model.payment_status or 'not started'}, and "
                f"{model.payment_method!r} does not ship before payment"
            )
            raise OrderRuleError(msg, rule="payment_required", order_id=model.order_id)

    def all_shipped(self, model: Order) -> bool:
        """Whether every active unit of the order has shipped."""
        return model.open_units == 0


def _build(
    name: str,
    *,
    base: type[_OrderMachine],
    statuses: tuple[str, ...],
    final: frozenset[str],
    moves: tuple[Move, ...],
    doc: str,
    module: str,
) -> type[_OrderMachine]:
    """Build a lifecycle class from its statuses and moves, with new states."""
    known = set(statuses)
    for move in moves:
        for status in (move.source, move.target):
            if status not in known:
                msg = f"move {move.event!r} names the unknown status {status!r}"
                raise ValidationError(msg, field="moves")
        if move.source in final:
            msg = f"move {move.event!r} leaves the final status {move.source!r}"
            raise ValidationError(msg, field="moves")
    states = {
        status: State(value=status, initial=index == 0, final=status in final)
        for index, status in enumerate(statuses)
    }
    namespace: dict[str, Any] = dict(states)
    for move in moves:
        source, target = states[move.source], states[move.target]
        transition = (
            source.to.itself(  # type: ignore[no-untyped-call]
                cond=list(move.cond), validators=list(move.validators)
            )
            if source is target
            else source.to(
                target, cond=list(move.cond), validators=list(move.validators)
            )
        )
        namespace[move.event] = (
            transition
            if move.event not in namespace
            else namespace[move.event] | transition
        )
    allowed: dict[str, set[str]] = {status: set() for status in statuses}
    for move in moves:
        allowed[move.source].add(move.event)
    namespace.update(
        __doc__=doc,
        __module__=module,
        __qualname__=name,
        moves=moves,
        statuses=statuses,
        final_statuses=final,
        _allowed=MappingProxyType(
            {status: frozenset(events) for status, events in allowed.items()}
        ),
    )
    try:
        built = StateMachineMetaclass(name, (base,), namespace)
    except InvalidDefinition as exc:
        msg = f"lifecycle {name!r} is not a whole machine: {exc}"
        raise ValidationError(msg, field="moves") from exc
    return cast("type[_OrderMachine]", built)


_DOC = """Where an :class:`~commercekit.orders.Order` may go from where it is.

The diagram below is drawn from this class. An order is ``placed`` (stored,
stock held, awaiting payment), ``confirmed`` once its payment is
authorized or its method ships before payment (invoice, cash on delivery),
then ``in_fulfillment``, ``partially_shipped``, ``shipped``, ``delivered``
and ``completed``; or ``canceled`` before anything shipped. Canceling a
partially shipped order cancels the units still open, and the order is
``shipped``. Rules are validators that raise
:class:`~commercekit.orders.OrderRuleError`: nothing ships, and nothing is
confirmed, unless the payment allows it (``payment_required``). The order's
methods drive the machine; bind it yourself only to read it.

Its moves are data (``moves``); ``events_from(status)`` answers "which
events now?" from a table; :func:`~commercekit.orders.extend_lifecycle`
builds an application's lifecycle from these moves and its own.
"""

if TYPE_CHECKING:

    class OrderLifecycle(_OrderMachine):
        """The order lifecycle (built from its moves at import)."""

else:
    OrderLifecycle = _build(
        "OrderLifecycle",
        base=_OrderMachine,
        statuses=tuple(OrderStatus),
        final=frozenset({OrderStatus.COMPLETED, OrderStatus.CANCELED}),
        moves=_MOVES,
        doc=_DOC,
        module="commercekit.orders",
    )


def extend_lifecycle(
    name: str,
    *,
    statuses: Iterable[str] = (),
    moves: Iterable[Move] = (),
    final: Iterable[str] = (),
    base: type[OrderLifecycle] = OrderLifecycle,
    doc: str | None = None,
) -> type[OrderLifecycle]:
    """Build an order lifecycle with statuses and moves of your own.

    The new class has every status and move of ``base`` and yours; it is a
    subclass of ``base``, and ``base`` is left as it was. Your moves are
    tried before the base's for the same event and status, so a move with a
    condition can divert an event (``confirm`` to ``awaiting_approval`` for
    large business orders) while the base's move stays the default. Rules on
    your moves are validators or conditions: method names of the order or of
    a subclass of the machine, or callables (given ``model``, the order).

    Pass the class to the services through
    :class:`~commercekit.orders.OrderSettings` (``lifecycle=``): an order
    is always moved, and its stored status checked, by the lifecycle it
    was placed under.

    Args:
        name: The class name, such as ``"ApprovalLifecycle"``.
        statuses: New statuses (Python identifiers).
        moves: New moves.
        final: New statuses that nothing moves out of.
        base: The lifecycle to extend.
        doc: The class docstring.

    Raises:
        ValidationError: for a bad name or status, a status the base has
            already, a move naming an unknown status, or one out of a final
            status, or a status no move reaches or (unless final) leaves.

    >>> needs_approval = lambda model: model.grand_total.amount > 1000
    >>> Approval = extend_lifecycle(
    ...     "Approval",
    ...     statuses=["awaiting_approval"],
    ...     moves=[
    ...         Move("confirm", "placed", "awaiting_approval", cond=needs_approval),
    ...         Move("approve", "awaiting_approval", "confirmed"),
    ...         Move("cancel", "awaiting_approval", "canceled"),
    ...     ],
    ... )
    >>> sorted(Approval.events_from("awaiting_approval"))
    ['approve', 'cancel']
    >>> "approve" in OrderLifecycle.events_from("placed")
    False
    """
    given_name: object = name
    if not isinstance(given_name, str) or not name.isidentifier():
        msg = f"a lifecycle's name must be a Python identifier, not {name!r}"
        raise ValidationError(msg, field="name")
    given: object = base
    if not (isinstance(given, type) and issubclass(given, _OrderMachine)):
        msg = f"base must be an order lifecycle class, not {given!r}"
        raise ValidationError(msg, field="base")
    added = tuple(_state(status) for status in statuses)
    clash = set(added) & set(base.statuses)
    if clash or len(set(added)) != len(added):
        msg = f"statuses {sorted(clash) or added} are given twice or exist already"
        raise ValidationError(msg, field="statuses")
    extra = tuple(moves)
    if not all(isinstance(move, Move) for move in extra):
        msg = f"moves must be Move objects, not {extra!r}"
        raise ValidationError(msg, field="moves")
    built = _build(
        name,
        base=base,
        statuses=base.statuses + added,
        final=base.final_statuses | {_state(status) for status in final},
        moves=extra + base.moves,
        doc=doc or f"{base.__name__} with {', '.join(added) or 'more moves'}.",
        module=base.__module__,
    )
    return cast("type[OrderLifecycle]", built)
