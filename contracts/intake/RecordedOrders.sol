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
        _useOrderId(order.orderId);
        (address bound, bool firstOrder) = _checkOne(
            order.orderHash,
            order.customer,
            order.amount,
            order.referrer,
            Binding.Yielding
        );
        uint256 day = _today(s.utcOffset);
        emit OrderCounted(order.orderHash, order.customer, day, order.orderId, OrderPath.Recorded, order.amount);
        (Mint[] memory mints, ) = _mintsOfOne(s.tokenCount, day, order.amount, bound, firstOrder, true, false);
        _sendMints(mints, order.customer, bound, false);
    }

    /// @inheritdoc IShopOrders
    function recordOrders(Order[] calldata orders) external onlyOperator {
        uint256 length = orders.length;
        if (length == 0) revert ShopEmptyBatch();
        uint256 day;
        Work[] memory work;
        {
            ShopState memory s = _layout().state;
            day = _today(s.utcOffset);
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
            _count(work, day, orderId, order.orderHash, order.customer, order.amount, order.referrer);
            revenue += order.amount;
            ++counted;
        }
        bitmap[wordIndex] = bits;
        if (counted == 0) return;
        _addRevenue(work, day, revenue, counted);
        _mintBatches(work);
    }
}
