// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShopPayments} from "../interfaces/IShopPayments.sol";
import {PaymentRecord, PaymentRecordLib} from "../types/PaymentRecord.sol";
import {PaymentCapture} from "./PaymentCapture.sol";

/// @title HeldPayments
/// @notice Order path 3 with returns: the customer's payment is held (`authorize`) and counts only when final:
/// captured by the operator (in full or in part), confirmed by the customer, or auto-captured by anyone once the
/// return window is over. Voided by the operator, or reclaimed by the customer after the expiry, it never counts.
/// See docs/payments.md for the state machine.
abstract contract HeldPayments is IShopPayments, PaymentCapture {
    /// @inheritdoc IShopPayments
    function authorize(bytes32 orderHash, address referrer, uint40 expiry) external payable {
        uint256 amount = _assetReceived();
        if (amount == 0 || amount > type(uint96).max) revert ShopInvalidAmount(orderHash, amount);
        if (orderHash == bytes32(0)) revert ShopInvalidOrderHash();
        // Checked now, so that no capture can fail on it later.
        if (referrer == msg.sender) revert ShopSelfReferral(msg.sender);
        bytes32 key = _newPayment(orderHash, msg.sender);
        // Time use: the return window (at least a day) starts now; seconds of leeway do not matter.
        // solhint-disable-next-line not-rely-on-time
        uint256 autoCaptureAt = block.timestamp + _returnWindowNow(_layout().state);
        if (expiry <= autoCaptureAt) revert ShopInvalidExpiry(expiry, autoCaptureAt + 1);
        // Safe casts: amount was checked to fit 96 bits; a timestamp plus a 24-bit window fits 40 bits until the
        // year 36812, and `expiry` is later still.
        Payment memory terms = Payment({
            orderHash: orderHash,
            customer: msg.sender,
            referrer: referrer,
            amount: uint96(amount),
            autoCaptureAt: uint40(autoCaptureAt),
            expiry: expiry
        });
        _layout().payments[key] = PaymentRecordLib.pack(
            PaymentRecordLib.HELD,
            amount,
            PaymentRecordLib.commit(abi.encode(terms))
        );
        emit PaymentAuthorized(orderHash, msg.sender, referrer, amount, autoCaptureAt, expiry);
    }

    /// @inheritdoc IShopPayments
    function capture(Payment calldata payment, uint256 amount) external onlyOperator {
        if (amount == 0 || amount > payment.amount) revert ShopInvalidCaptureAmount(amount, payment.amount);
        _captureHeld(payment, amount, CaptureKind.Operator);
    }

    /// @inheritdoc IShopPayments
    function confirm(Payment calldata payment) external {
        if (msg.sender != payment.customer) revert ShopNotPaymentCustomer(msg.sender, payment.customer);
        _captureHeld(payment, payment.amount, CaptureKind.Customer);
    }

    /// @inheritdoc IShopPayments
    function autoCapture(Payment calldata payment) external {
        // Time use: the return window is days long; seconds of leeway do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp < payment.autoCaptureAt) {
            // solhint-disable-next-line not-rely-on-time
            revert ShopAutoCaptureNotDue(payment.autoCaptureAt, block.timestamp);
        }
        _captureHeld(payment, payment.amount, CaptureKind.Auto);
    }

    /// @inheritdoc IShopPayments
    function void(Payment calldata payment) external onlyOperator {
        (bytes32 key, ) = _heldPayment(payment);
        _layout().payments[key] = PaymentRecordLib.NONE;
        emit PaymentVoided(payment.orderHash, payment.customer, payment.amount);
        _returnTo(payment.customer, payment.amount);
    }

    /// @inheritdoc IShopPayments
    function reclaim(Payment calldata payment) external {
        if (msg.sender != payment.customer) revert ShopNotPaymentCustomer(msg.sender, payment.customer);
        (bytes32 key, ) = _heldPayment(payment);
        // Time use: the expiry is at least a return window away; seconds of leeway do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp < payment.expiry) revert ShopPaymentNotExpired(payment.expiry, block.timestamp);
        _layout().payments[key] = PaymentRecordLib.NONE;
        emit PaymentReclaimed(payment.orderHash, payment.customer, payment.amount);
        _returnTo(payment.customer, payment.amount);
    }

    // ---------------------------------------------------------------- Internal

    /// @dev Captures `amount` (checked: 0 < amount <= held) of the held payment `payment`, before its expiry. An
    /// auto-capture also needs the customer not to have asked for a return.
    function _captureHeld(Payment calldata payment, uint256 amount, CaptureKind kind) private {
        (bytes32 key, PaymentRecord record) = _heldPayment(payment);
        // Time use: the expiry is at least a return window away; seconds of leeway do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp >= payment.expiry) revert ShopPaymentExpired(payment.expiry, block.timestamp);
        if (kind == CaptureKind.Auto && record.status() == PaymentRecordLib.RETURN_REQUESTED) {
            revert ShopReturnRequested(payment.orderHash, payment.customer);
        }
        _count(key, payment.orderHash, payment.customer, amount, payment.referrer, kind);
        uint256 returned = payment.amount - amount;
        if (returned != 0) _returnTo(payment.customer, returned);
    }
}
