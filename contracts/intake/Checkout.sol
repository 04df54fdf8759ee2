// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShopOrders} from "../interfaces/IShopOrders.sol";
import {OrderLedger} from "../ledger/OrderLedger.sol";

/// @title Checkout
/// @notice Order path 3: the customer pays for its order in native coin. The dividend share is escrowed in the
/// tokens at once (so the day can never be short of it) and the rest credited to the merchant balance.
abstract contract Checkout is IShopOrders, OrderLedger {
    /// @inheritdoc IShopOrders
    function checkout(bytes32 orderHash, address referrer) external payable {
        uint256 amount = _assetReceived();
        if (amount == 0 || amount > type(uint96).max) revert ShopInvalidAmount(orderHash, amount);
        Layout storage $ = _layout();
        bytes32 key = _checkoutKey(orderHash, msg.sender);
        if ($.checkouts[key]) revert ShopOrderAlreadyCounted(orderHash);
        $.checkouts[key] = true;

        ShopState memory s = $.state;
        (address bound, bool firstOrder) = _checkOne(orderHash, msg.sender, amount, referrer, Binding.Strict);
        uint256 day = _today(s.utcOffset);
        emit OrderCounted(orderHash, msg.sender, day, 0, OrderPath.Checkout, amount);
        (Mint[] memory mints, uint256 escrowTotal) = _mintsOfOne(
            s.tokenCount,
            day,
            amount,
            bound,
            firstOrder,
            true,
            true
        );
        uint256 balance = s.merchantBalance + (amount - escrowTotal);
        if (balance > type(uint128).max) revert ShopBalanceOverflow(s.merchantBalance, amount - escrowTotal);
        // Safe cast: checked just above.
        $.state.merchantBalance = uint128(balance);
        emit CheckoutPaid(orderHash, escrowTotal);
        _sendMints(mints, msg.sender, bound);
    }
}
