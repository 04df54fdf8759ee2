// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {OrderLedger} from "../ledger/OrderLedger.sol";
import {PaymentRecordLib} from "../types/PaymentRecord.sol";
import {PaymentLedger} from "./PaymentLedger.sol";

/// @title PaymentCapture
/// @notice How an on-chain payment counts as an order (the checkout path), shared by `charge` (in `Shop`) and the
/// captures of held payments (in `ShopPayments`): a capture counts exactly as a charge of the captured amount.
abstract contract PaymentCapture is OrderLedger, PaymentLedger {
    /// @dev The key of a new payment of `customer` for `orderHash`; reverts if it has one already.
    function _newPayment(bytes32 orderHash, address customer) internal view returns (bytes32 key) {
        key = _paymentKey(orderHash, customer);
        uint256 state = _layout().payments[key].status();
        if (state == PaymentRecordLib.CAPTURED) revert ShopOrderAlreadyCounted(orderHash);
        if (state != 0) revert ShopPaymentExists(orderHash, customer);
    }

    /// @dev Counts `amount` of `customer`'s payment for `orderHash` as an order today (the checkout path), records it
    /// as captured, and returns `returned` wei of the payment to the customer. A charge binds the referrer strictly
    /// (the customer names it now); a capture yields to the customer's binding, which may have changed since it
    /// authorized, so that nobody can make the capture revert.
    function _count(
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer,
        CaptureKind kind,
        uint256 returned
    ) internal {
        ShopState memory s = _layout().state;
        bytes32 key = _paymentKey(orderHash, customer);
        // Captured first (every check and effect before the tokens are called); the commitment to what the order
        // minted is written once the tokens said.
        _layout().payments[key] = PaymentRecordLib.pack(PaymentRecordLib.CAPTURED, amount, 0);
        uint256[] memory minted = _countOrder(
            s,
            orderHash,
            customer,
            amount,
            referrer,
            kind == CaptureKind.Charge ? Binding.Strict : Binding.Yielding
        );
        // Time use: the refund period (the return window, at least a day) starts now.
        // solhint-disable-next-line not-rely-on-time
        uint256 refundDeadline = block.timestamp + _returnWindowNow(s);
        _layout().payments[key] = PaymentRecordLib.pack(
            PaymentRecordLib.CAPTURED,
            amount,
            PaymentRecordLib.commit(abi.encodePacked(amount, refundDeadline, minted))
        );
        emit PaymentCaptured(orderHash, customer, kind, amount, refundDeadline, minted);
        if (returned != 0) _returnTo(customer, returned);
    }

    /// @dev The order a payment of `amount` counts as: binds the referrer, adds the revenue and escrows the dividend
    /// share in the tokens, credits the rest to the merchant balance and mints. Returns what each token minted.
    function _countOrder(
        ShopState memory s,
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer,
        Binding binding
    ) private returns (uint256[] memory minted) {
        (address bound, bool firstOrder) = _checkOne(orderHash, customer, amount, referrer, binding);
        uint256 day = _today(s.utcOffset);
        emit OrderCounted(orderHash, customer, day, 0, OrderPath.Checkout, amount);
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
        _layout().state.merchantBalance = uint128(balance);
        minted = _sendMints(mints, customer, bound, true);
    }
}
