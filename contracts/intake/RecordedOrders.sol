// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShopOrders} from "../interfaces/IShopOrders.sol";
import {OrderLedger} from "../ledger/OrderLedger.sol";

/// @title RecordedOrders
/// @notice Order path 1: the operator records orders paid off chain, one or a batch at a time.
abstract contract RecordedOrders is IShopOrders, OrderLedger {
    /// @inheritdoc IShopOrders
    function recordOrder(Order calldata order) external onlyOperator {
        ShopState memory s = _layout().state;
        uint256 day = _today(s.utcOffset);
        Work[] memory work = _loadWork(s.tokenCount, 0);
        _useOrderId(order.orderId);
        Context memory context = Context({day: day, path: OrderPath.Recorded, binding: Binding.Yielding});
        _count(work, context, order.orderId, order.orderHash, order.customer, order.amount, order.referrer);
        _addRevenue(work, day, order.amount, 1, false);
        _mint(work);
    }

    /// @inheritdoc IShopOrders
    function recordOrders(Order[] calldata orders) external onlyOperator {
        uint256 length = orders.length;
        if (length == 0) revert ShopEmptyBatch();
        Context memory context;
        Work[] memory work;
        {
            ShopState memory s = _layout().state;
            context = Context({day: _today(s.utcOffset), path: OrderPath.Recorded, binding: Binding.Yielding});
            work = _loadWork(s.tokenCount, 2 * length);
        }
        mapping(uint256 => uint256) storage bitmap = _layout().orderIds;
        // The bitmap word of the current order id, kept in memory while consecutive ids share it.
        uint256 wordIndex = type(uint256).max;
        uint256 bits;
        uint256 revenue;
        uint256 counted;
        for (uint256 k; k < length; ++k) {
            Order calldata order = orders[k];
            uint256 orderId = order.orderId;
            if (orderId == 0) revert ShopInvalidOrderId(0);
            if (orderId >> 8 != wordIndex) {
                if (wordIndex != type(uint256).max) bitmap[wordIndex] = bits;
                wordIndex = orderId >> 8;
                bits = bitmap[wordIndex];
            }
            uint256 bit = 1 << (orderId & 0xff);
            if (bits & bit != 0) {
                emit OrderSkipped(orderId, order.orderHash, order.customer);
                continue;
            }
            bits |= bit;
            _count(work, context, orderId, order.orderHash, order.customer, order.amount, order.referrer);
            revenue += order.amount;
            ++counted;
        }
        bitmap[wordIndex] = bits;
        if (counted == 0) return;
        _addRevenue(work, context.day, revenue, counted, false);
        _mint(work);
    }
}
