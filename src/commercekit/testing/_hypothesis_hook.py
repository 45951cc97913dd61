"""Registers commercekit's strategies with Hypothesis when Hypothesis starts.

Hypothesis calls :func:`register_strategies` through the ``hypothesis`` entry
point in commercekit's package metadata, so ``st.from_type(Money)`` works in
any project that has commercekit installed, without an import.
"""

from __future__ import annotations

from typing import Any

__all__ = ["register_strategies"]


def _lazy(name: str, **arguments: Any) -> Any:
    def strategy(_: type[Any]) -> Any:
        from commercekit.testing import strategies  # noqa: PLC0415 - lazily

        return getattr(strategies, name)(**arguments)

    return strategy


def register_strategies() -> None:
    """Register a strategy for every public commercekit type Hypothesis cannot infer."""
    from hypothesis import strategies as st  # noqa: PLC0415 - only when called

    # Imported here, not at the top, to keep Hypothesis's start-up light.
    from commercekit.catalog import (  # noqa: PLC0415
        LocalizedText,
        Product,
        SearchQuery,
        Variant,
    )
    from commercekit.inventory import (  # noqa: PLC0415
        Allocation,
        AllocationPlan,
        InventorySettings,
        Reservation,
        StockAdjusted,
        StockCommitted,
        StockLevel,
        StockLocation,
        StockMovement,
        StockPolicy,
        StockRanLow,
        StockReceived,
        StockReleased,
        StockReserved,
    )
    from commercekit.money import Money  # noqa: PLC0415
    from commercekit.pricing import (  # noqa: PLC0415
        Discount,
        EUTaxProvider,
        LineItem,
        ListedPrice,
        PriceBreakdown,
        PriceChange,
        PriceContext,
        PricedLine,
        PricedShipping,
        PriceEntry,
        PriceList,
        PriceReduction,
        PriceTier,
        ResolvedPrice,
        RoundingPolicy,
        ShippingMethod,
        ShippingPart,
        ShippingQuote,
        ShippingRequest,
        ShippingZone,
        TableRates,
        TaxContext,
        TaxDecision,
        TaxRate,
        TaxRateTable,
        TaxRateTotal,
        TaxSettings,
        VatId,
        VatIdConfirmation,
        WeightBand,
        ZoneRate,
    )
    from commercekit.promotions import (  # noqa: PLC0415
        AmountOff,
        AmountOffPerUnit,
        BundlePrice,
        BuyXGetY,
        Coupon,
        CouponRedemption,
        FreeGift,
        FreeShipping,
        ItemFacts,
        MinQuantity,
        MinSubtotal,
        PercentOff,
        PercentOffCheapest,
        Promotion,
        PromotionContext,
        PromotionResult,
        Scope,
        SpendTier,
        SpendTiers,
        StoredPromotion,
    )
    from commercekit.values import CustomerFacts  # noqa: PLC0415

    st.register_type_strategy(Money, _lazy("money"))
    st.register_type_strategy(CustomerFacts, _lazy("customer_facts"))
    st.register_type_strategy(LocalizedText, _lazy("localized_texts"))
    st.register_type_strategy(Variant, _lazy("variants"))
    st.register_type_strategy(Product, _lazy("products"))
    st.register_type_strategy(SearchQuery, _lazy("search_queries"))
    st.register_type_strategy(PriceTier, _lazy("price_tiers"))
    st.register_type_strategy(PriceEntry, _lazy("price_entries"))
    st.register_type_strategy(PriceList, _lazy("price_lists"))
    st.register_type_strategy(PriceContext, _lazy("price_contexts"))
    st.register_type_strategy(TaxRate, _lazy("tax_rates"))
    st.register_type_strategy(TaxContext, _lazy("tax_contexts"))
    st.register_type_strategy(Discount, _lazy("discounts"))
    st.register_type_strategy(LineItem, _lazy("line_items"))
    st.register_type_strategy(RoundingPolicy, _lazy("rounding_policies"))
    st.register_type_strategy(ListedPrice, _lazy("listed_prices"))
    st.register_type_strategy(ResolvedPrice, _lazy("resolved_prices"))
    st.register_type_strategy(PriceChange, _lazy("price_changes"))
    st.register_type_strategy(TaxSettings, _lazy("tax_settings"))
    st.register_type_strategy(TaxDecision, _lazy("tax_decisions"))
    st.register_type_strategy(PriceBreakdown, _lazy("price_breakdowns"))
    st.register_type_strategy(VatId, _lazy("vat_ids"))
    st.register_type_strategy(VatIdConfirmation, _lazy("vat_id_confirmations"))
    st.register_type_strategy(PriceReduction, _lazy("price_reductions"))
    shipping: tuple[tuple[type[Any], str], ...] = (
        (WeightBand, "weight_bands"),
        (ShippingZone, "shipping_zones"),
        (ZoneRate, "zone_rates"),
        (ShippingMethod, "shipping_methods"),
        (TableRates, "table_rates"),
        (ShippingRequest, "shipping_requests"),
        (ShippingQuote, "shipping_quotes"),
        # A breakdown's parts, its rate table and the provider that reads it.
        (PricedLine, "priced_lines"),
        (PricedShipping, "priced_shippings"),
        (ShippingPart, "shipping_parts"),
        (TaxRateTotal, "tax_rate_totals"),
        (TaxRateTable, "tax_rate_tables"),
        (EUTaxProvider, "eu_tax_providers"),
    )
    for kind, name in shipping:
        st.register_type_strategy(kind, _lazy(name))
    st.register_type_strategy(ItemFacts, _lazy("item_facts"))
    st.register_type_strategy(Scope, _lazy("scopes"))
    st.register_type_strategy(MinSubtotal, _lazy("min_subtotals"))
    st.register_type_strategy(MinQuantity, _lazy("min_quantities"))
    st.register_type_strategy(SpendTier, _lazy("spend_tiers"))
    for action in (
        PercentOff,
        PercentOffCheapest,
        AmountOff,
        AmountOffPerUnit,
        BuyXGetY,
        SpendTiers,
        FreeShipping,
        BundlePrice,
        FreeGift,
    ):
        st.register_type_strategy(action, _lazy("promotion_actions", kinds=[action]))
    st.register_type_strategy(Promotion, _lazy("promotions"))
    st.register_type_strategy(PromotionContext, _lazy("promotion_contexts"))
    st.register_type_strategy(Coupon, _lazy("coupons"))
    st.register_type_strategy(CouponRedemption, _lazy("coupon_redemptions"))
    st.register_type_strategy(StoredPromotion, _lazy("stored_promotions"))
    st.register_type_strategy(PromotionResult, _lazy("promotion_results"))
    inventory_events = (
        StockReceived,
        StockAdjusted,
        StockReserved,
        StockReleased,
        StockCommitted,
        StockRanLow,
    )
    inventory: tuple[tuple[type[Any], Any], ...] = (
        (StockLevel, _lazy("stock_levels")),
        (StockMovement, _lazy("stock_movements")),
        (Reservation, _lazy("reservations")),
        (StockLocation, _lazy("stock_locations")),
        (StockPolicy, _lazy("stock_policies")),
        (InventorySettings, _lazy("inventory_settings")),
        (Allocation, _lazy("allocations")),
        (AllocationPlan, _lazy("allocation_plans")),
        *(
            (event, _lazy("inventory_events", kinds=[event]))
            for event in inventory_events
        ),
    )
    for kind, strategy in inventory:
        st.register_type_strategy(kind, strategy)
    _register_contexts(st.register_type_strategy)


def _register_cart(register: Any) -> None:
    """Register the cart context's types, and the address it uses."""
    from commercekit.cart import (  # noqa: PLC0415
        Alternative,
        Cart,
        CartExpired,
        CartLine,
        CartLineAdded,
        CartLineRemoved,
        CartPrice,
        CartPricingSettings,
        CartProblem,
        CartQuantityChanged,
        CartSettings,
        CartsMerged,
        CartValidation,
        CheckoutStarted,
        CouponApplied,
        CouponRemoved,
        FrozenPrice,
        LineMovedToCart,
        LineSavedForLater,
        LoginResult,
        MergedLine,
        MergeReport,
        Wishlist,
        WishlistItem,
        WishlistItemAdded,
        WishlistItemRemoved,
        WishlistsMerged,
    )
    from commercekit.values import Address  # noqa: PLC0415

    register(Address, _lazy("addresses"))
    register(CartLine, _lazy("cart_lines"))
    register(CartSettings, _lazy("cart_settings"))
    register(Cart, _lazy("carts"))
    register(WishlistItem, _lazy("wishlist_items"))
    register(Wishlist, _lazy("wishlists"))
    register(MergeReport, _lazy("merge_reports"))
    for kind, name in (
        (MergedLine, "merged_lines"),
        (CartPricingSettings, "cart_pricing_settings"),
        (CartPrice, "cart_prices"),
        (FrozenPrice, "frozen_prices"),
        (Alternative, "alternatives"),
        (CartProblem, "cart_problems"),
        (CartValidation, "cart_validations"),
        (LoginResult, "login_results"),
    ):
        register(kind, _lazy(name))
    for event in (
        CartLineAdded,
        CartLineRemoved,
        CartQuantityChanged,
        CouponApplied,
        CouponRemoved,
        CartsMerged,
        CartExpired,
        CheckoutStarted,
        LineSavedForLater,
        LineMovedToCart,
        WishlistItemAdded,
        WishlistItemRemoved,
        WishlistsMerged,
    ):
        register(event, _lazy("cart_events", kinds=[event]))


def _register_contexts(register: Any) -> None:
    """Register the contexts that have a function of their own below."""
    for register_context in (_register_cart, _register_payments, _register_orders):
        register_context(register)


def _register_payments(register: Any) -> None:
    """Register the payments context's types: values, aggregates and events."""
    from commercekit import payments as pay  # noqa: PLC0415

    for kind, name in (
        (pay.Payment, "payments"),
        (pay.PaymentTransaction, "payment_transactions"),
        (pay.RequiredAction, "required_actions"),
        (pay.Dispute, "disputes"),
        (pay.GatewayResult, "gateway_results"),
        (pay.AuthorizeRequest, "authorize_requests"),
        (pay.CaptureRequest, "capture_requests"),
        (pay.VoidRequest, "void_requests"),
        (pay.RefundRequest, "refund_requests"),
        (pay.IdempotencyRecord, "idempotency_records"),
        (pay.PaymentNotification, "payment_notifications"),
        (pay.PaymentMethod, "payment_methods"),
        (pay.PaymentMethods, "payment_method_registries"),
        (pay.Unavailable, "unavailable_methods"),
        (pay.SplitTender, "split_tenders"),
        (pay.StoreCreditAccount, "store_credit_accounts"),
        (pay.StoreCreditEntry, "store_credit_entries"),
        (pay.TransferOutcome, "transfer_outcomes"),
    ):
        register(kind, _lazy(name))
    for event in (
        pay.PaymentActionRequired,
        pay.PaymentAuthorized,
        pay.PaymentCaptured,
        pay.PaymentRefunded,
        pay.PaymentVoided,
        pay.PaymentFailed,
        pay.PaymentExpired,
        pay.ChargebackOpened,
        pay.ChargebackWon,
        pay.ChargebackLost,
    ):
        register(event, _lazy("payment_events", kinds=[event]))


def _register_orders(register: Any) -> None:
    """Register the orders context's types: values, the order, results and events.

    Its enums (statuses, cancel reasons, placement outcomes) Hypothesis
    draws by itself.
    """
    from commercekit import orders  # noqa: PLC0415

    for kind, name in (
        (orders.OrderId, "order_ids"),
        (orders.OrderLine, "order_lines"),
        (orders.LegalAcceptance, "legal_acceptances"),
        (orders.OrderTransition, "order_transitions"),
        (orders.Move, "moves"),
        (orders.Order, "orders"),
        (orders.OrderPage, "order_pages"),
        (orders.PlacementResult, "placement_results"),
        (orders.OrderSettings, "order_settings"),
        (orders.RefundDue, "refunds_due"),
    ):
        register(kind, _lazy(name))
    for event in (
        orders.OrderPlaced,
        orders.OrderStatusChanged,
        orders.OrderConfirmed,
        orders.OrderCanceled,
        orders.OrderLinesCanceled,
        orders.OrderLinesShipped,
    ):
        register(event, _lazy("order_events", kinds=[event]))
