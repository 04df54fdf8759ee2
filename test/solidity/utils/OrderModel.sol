// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShopBase} from "../../../contracts/interfaces/IShopBase.sol";

/// @title OrderModel
/// @notice Test helper: how the shop binds a customer's referrer and walks a `recordOrders` batch, as the invariant
/// handlers predict it from their own models (what each handler knows of used ids and known customers is its input).
library OrderModel {
    /// @notice What counting an order of `customer` naming `referrer` reverts with ("" if it counts), as
    /// `OrderLedger._bind` decides: a self-referral on the customer's first binding order (`known` false); at
    /// checkout (`strict`), another referrer than the `bound` one. On the other paths another referrer counts with
    /// the bound one (`ReferrerMismatch`).
    function bindError(
        bool known,
        address bound,
        address customer,
        address referrer,
        bool strict
    ) internal pure returns (bytes memory) {
        if (!known) {
            if (referrer == customer) return abi.encodeWithSelector(IShopBase.ShopSelfReferral.selector, customer);
        } else if (strict && referrer != address(0) && referrer != bound) {
            return abi.encodeWithSelector(IShopBase.ShopReferrerAlreadyBound.selector, customer, bound, referrer);
        }
        return "";
    }

    /// @notice Walks a `recordOrders` batch as the shop does: id 0 reverts; a used id (before the batch, `used[k]`, or
    /// by an order counted earlier in it) is skipped before anything else is checked; a zero amount or a
    /// self-referral on the customer's first binding order (not `known[k]` before the batch, nor counted earlier in
    /// it) reverts; every other order counts and binds. Returns which orders count and the revert data ("" if the
    /// batch goes through).
    function walkBatch(
        IShopBase.Order[] memory orders,
        bool[] memory used,
        bool[] memory known
    ) internal pure returns (bool[] memory counts, bytes memory err) {
        uint256 size = orders.length;
        counts = new bool[](size);
        for (uint256 k; k < size; ++k) {
            IShopBase.Order memory o = orders[k];
            if (o.orderId == 0) return (counts, abi.encodeWithSelector(IShopBase.ShopInvalidOrderId.selector, 0));
            bool idUsed = used[k];
            bool customerKnown = known[k];
            for (uint256 j; j < k; ++j) {
                if (!counts[j]) continue;
                if (orders[j].orderId == o.orderId) idUsed = true;
                if (orders[j].customer == o.customer) customerKnown = true;
            }
            if (idUsed) continue;
            if (o.amount == 0) {
                return (counts, abi.encodeWithSelector(IShopBase.ShopInvalidAmount.selector, o.orderHash, 0));
            }
            err = bindError(customerKnown, address(0), o.customer, o.referrer, false);
            if (err.length != 0) return (counts, err);
            counts[k] = true;
        }
        return (counts, "");
    }
}
