"""Promotions as JSON: every action and condition reads back, and the text is stable."""

from __future__ import annotations

import json
import typing
from decimal import Decimal

import attrs
import cattrs
import pytest

from commercekit.errors import ValidationError
from commercekit.money import money
from commercekit.promotions import (
    AmountOff,
    BundlePrice,
    FreeShipping,
    MinQuantity,
    MinSubtotal,
    Promotion,
    Scope,
    register_promotion_hooks,
)
from commercekit.promotions._model import Action, Condition
from commercekit.serialization import dumps, loads, make_converter
from commercekit.testing.contracts import sample_promotions

SAMPLES = sample_promotions()
BUNDLE = BundlePrice(items={"SOCKS": 3}, price=money("9.00", "EUR"))

KINDS = {
    "PercentOff": "percent_off",
    "PercentOffCheapest": "percent_off_cheapest",
    "AmountOff": "amount_off",
    "AmountOffPerUnit": "amount_off_per_unit",
    "BuyXGetY": "buy_x_get_y",
    "SpendTiers": "spend_tiers",
    "FreeShipping": "free_shipping",
    "BundlePrice": "bundle_price",
    "FreeGift": "free_gift",
    "MinSubtotal": "min_subtotal",
    "MinQuantity": "min_quantity",
}


def test_the_samples_hold_every_kind_of_action_and_condition() -> None:
    actions = {type(p.action) for p in SAMPLES}
    conditions = {type(c) for p in SAMPLES for c in p.conditions}
    assert actions == set(typing.get_args(Action))
    assert conditions == set(typing.get_args(Condition))
    assert len(actions) == len(SAMPLES)


@pytest.mark.parametrize("promotion", SAMPLES, ids=lambda p: p.promotion_id)
def test_a_promotion_reads_back_equal(promotion: Promotion) -> None:
    back = loads(dumps(promotion), Promotion)
    assert back == promotion
    assert type(back.action) is type(promotion.action)
    assert [type(c) for c in back.conditions] == [type(c) for c in promotion.conditions]


@pytest.mark.parametrize("promotion", SAMPLES, ids=lambda p: p.promotion_id)
def test_each_action_and_condition_names_its_kind(promotion: Promotion) -> None:
    data = json.loads(dumps(promotion))
    assert data["action"]["kind"] == KINDS[type(promotion.action).__name__]
    assert [c["kind"] for c in data["conditions"]] == [
        KINDS[type(c).__name__] for c in promotion.conditions
    ]


def test_no_action_or_condition_has_a_field_called_kind() -> None:
    for cls in (*typing.get_args(Action), *typing.get_args(Condition)):
        assert "kind" not in attrs.fields_dict(cls)


@pytest.mark.parametrize("promotion", SAMPLES, ids=lambda p: p.promotion_id)
def test_the_same_promotion_gives_the_same_text(promotion: Promotion) -> None:
    text = dumps(promotion)
    assert dumps(promotion) == text
    assert dumps(loads(text, Promotion)) == text
    assert dumps(attrs.evolve(promotion)) == text


def test_sets_are_sorted_lists_whatever_order_they_were_built_in() -> None:
    def build(codes: list[str], skus: list[str]) -> Promotion:
        return Promotion(
            promotion_id="P",
            name="p",
            action=AmountOff(amount=money("5.00", "EUR")),
            conditions=[MinQuantity(quantity=1, scope=Scope(skus=skus))],
            coupon_codes=codes,
            channels=reversed(codes),
        )

    one = dumps(build(["B", "A", "C"], ["Z-1", "A-1", "M-1"]))
    other = dumps(build(["C", "A", "B"], ["M-1", "Z-1", "A-1"]))
    assert one == other
    data = json.loads(one)
    assert data["coupon_codes"] == ["A", "B", "C"]
    assert data["channels"] == ["A", "B", "C"]
    assert data["conditions"][0]["scope"]["skus"] == ["A-1", "M-1", "Z-1"]


def test_the_format_is_plain_json() -> None:
    promotion = Promotion(
        promotion_id="FREE-DHL",
        name="free shipping",
        action=FreeShipping(methods={"dhl", "dhl-express"}),
        conditions=[MinSubtotal(amount=money("29.90", "EUR"))],
        combinable_with={"B", "A"},
    )
    everything = '{"categories":[],"exclude_categories":[],"exclude_products":[],'
    everything += '"exclude_skus":[],"products":[],"skus":[]}'
    assert dumps(promotion) == (
        '{"action":{"kind":"free_shipping","methods":["dhl","dhl-express"]},'
        '"budget":null,"channels":[],"combinable_with":["A","B"],'
        '"conditions":[{"amount":{"amount":"29.90","currency":"EUR"},'
        f'"kind":"min_subtotal","scope":{everything}}}],'
        '"coupon_codes":[],"customer_groups":[],"exclusive":false,'
        '"first_order_only":false,"name":"free shipping","priority":0,'
        '"promotion_id":"FREE-DHL","stop_further":false,"valid_from":null,'
        '"valid_until":null}'
    )


def test_a_bundle_lists_its_items_as_skus_to_quantities() -> None:
    bundle = BundlePrice(items={"SOCKS": 3, "SHOE": 1}, price=money("49.00", "EUR"))
    promotion = Promotion(promotion_id="SET", name="set", action=bundle)
    data = json.loads(dumps(promotion))
    assert data["action"]["items"] == {"SHOE": 1, "SOCKS": 3}
    assert loads(dumps(promotion), Promotion).action == bundle


def test_an_unknown_or_missing_kind_is_a_validation_error() -> None:
    text = dumps(SAMPLES[0])
    data = json.loads(text)
    data["action"]["kind"] = "percent_of"
    with pytest.raises(ValidationError, match="kind") as info:
        loads(json.dumps(data), Promotion)
    assert "$.action" in str(info.value)
    del data["action"]["kind"]
    with pytest.raises(ValidationError, match="percent_off"):
        loads(json.dumps(data), Promotion)
    data = json.loads(text)
    data["conditions"][0]["kind"] = "percent_off"
    with pytest.raises(ValidationError, match="min_quantity, min_subtotal"):
        loads(json.dumps(data), Promotion)
    data["conditions"] = "nothing"
    with pytest.raises(ValidationError, match="condition"):
        loads(json.dumps(data), Promotion)


def test_a_value_its_class_refuses_is_a_validation_error() -> None:
    data = json.loads(dumps(SAMPLES[0]))
    data["action"]["percent"] = "250"
    with pytest.raises(ValidationError, match="at most 100"):
        loads(json.dumps(data), Promotion)
    data = json.loads(dumps(Promotion(promotion_id="SET", name="s", action=BUNDLE)))
    data["action"]["items"] = [["SOCKS", 3]]
    with pytest.raises(ValidationError, match="items"):
        loads(json.dumps(data), Promotion)


def test_registering_the_hooks_again_changes_nothing() -> None:
    converter = make_converter()
    register_promotion_hooks(converter)
    register_promotion_hooks(converter)
    for promotion in SAMPLES:
        text = dumps(promotion, converter)
        assert text == dumps(promotion)
        assert loads(text, Promotion, converter) == promotion


def test_a_converter_of_ones_own_learns_promotions_from_the_function() -> None:
    plain = cattrs.Converter()
    promotion = Promotion(
        promotion_id="P", name="p", action=BUNDLE, conditions=[MinQuantity(quantity=2)]
    )
    register_promotion_hooks(plain)
    data = plain.unstructure(promotion)
    assert data["action"]["kind"] == "bundle_price"
    assert data["conditions"][0]["kind"] == "min_quantity"


def test_hooks_registered_after_the_converter_was_made_count_inside_actions() -> None:
    converter = make_converter()
    converter.register_unstructure_hook(Decimal, lambda value: f"D{value}")
    data = converter.unstructure(SAMPLES[0])
    assert data["action"]["percent"] == "D12.5"
    assert data["action"]["kind"] == "percent_off"
