// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShopOrders} from "../interfaces/IShopOrders.sol";
import {PaymentCapture} from "./PaymentCapture.sol";

/// @title Charge
/// @notice Order path 3 in one call: the customer pays on chain and the payment counts at once (authorize and capture
/// together), for shops that take no returns on chain. The held payments' steps are in `HeldPayments`.
abstract contract Charge is IShopOrders, PaymentCapture {
    /// @inheritdoc IShopOrders
    function charge(bytes32 orderHash, address referrer) external payable {
        uint256 amount = _assetReceived();
        if (amount == 0 || amount > type(uint96).max) revert ShopInvalidAmount(orderHash, amount);
        _count(_newPayment(orderHash, msg.sender), orderHash, msg.sender, amount, referrer, CaptureKind.Charge);
    }
}
