// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDividendToken} from "../interfaces/IDividendToken.sol";
import {IShopPayments} from "../interfaces/IShopPayments.sol";
import {PaymentRecord, PaymentRecordLib} from "../types/PaymentRecord.sol";
import {PaymentLedger} from "./PaymentLedger.sol";

/// @title Refunds
/// @notice The payment steps that do not count an order: refunds of captured payments (with the proportional
/// take-back of the order's tokens), the customer's return request, withdrawals of returns that could not be pushed,
/// and the return window under notice. The steps that count a payment are in `HeldPayments` and
/// `PaymentCapture`.
abstract contract Refunds is IShopPayments, PaymentLedger {
    uint256 private constant _MASK_96 = type(uint96).max;

    /// @inheritdoc IShopPayments
    function refund(Capture calldata capture, uint256 amount) external onlyOperator {
        Layout storage $ = _layout();
        bytes32 key = _paymentKey(capture.orderHash, capture.customer);
        PaymentRecord record = $.payments[key];
        if (record.status() != PaymentRecordLib.CAPTURED) {
            revert ShopPaymentNotCaptured(capture.orderHash, capture.customer);
        }
        uint256 committed = PaymentRecordLib.commit(
            abi.encodePacked(uint256(capture.amount), uint256(capture.refundDeadline), capture.minted)
        );
        if (record.commitment() != committed) {
            revert ShopPaymentTermsMismatch(capture.orderHash, capture.customer);
        }
        // Time use: the refund deadline is a return window (at least a day) after the capture.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp > capture.refundDeadline) {
            // solhint-disable-next-line not-rely-on-time
            revert ShopRefundDeadlinePassed(capture.refundDeadline, block.timestamp);
        }
        uint256 refundable = record.amount();
        if (amount == 0 || amount > refundable) revert ShopInvalidRefundAmount(amount, refundable);
        uint256 balance = $.state.merchantBalance;
        if (amount > balance) revert ShopInsufficientBalance(balance, amount);

        // Safe cast: below the current balance.
        $.state.merchantBalance = uint128(balance - amount);
        $.payments[key] = PaymentRecordLib.pack(PaymentRecordLib.CAPTURED, refundable - amount, record.commitment());
        (uint256[] memory clawedBack, uint256[] memory unrecovered) = _clawBack(
            capture,
            capture.amount - refundable,
            capture.amount - refundable + amount
        );
        emit PaymentRefunded(capture.orderHash, capture.customer, amount, refundable - amount, clawedBack, unrecovered);
        _returnTo(capture.customer, amount);
    }

    /// @inheritdoc IShopPayments
    function requestReturn(Payment calldata payment) external {
        if (msg.sender != payment.customer) revert ShopNotPaymentCustomer(msg.sender, payment.customer);
        (bytes32 key, PaymentRecord record) = _heldPayment(payment);
        if (record.status() == PaymentRecordLib.RETURN_REQUESTED) {
            revert ShopReturnRequested(payment.orderHash, payment.customer);
        }
        // Time use: the return window is days long; seconds of leeway do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp >= payment.autoCaptureAt) {
            // solhint-disable-next-line not-rely-on-time
            revert ShopReturnWindowClosed(payment.autoCaptureAt, block.timestamp);
        }
        _layout().payments[key] = PaymentRecordLib.pack(
            PaymentRecordLib.RETURN_REQUESTED,
            record.amount(),
            record.commitment()
        );
        emit ReturnRequested(payment.orderHash, payment.customer);
    }

    /// @inheritdoc IShopPayments
    function withdrawReturns(address to) external {
        if (to == address(0)) revert ShopZeroAddress();
        mapping(address => uint256) storage owed = _layout().returnsOwed;
        uint256 amount = owed[msg.sender];
        if (amount == 0) revert ShopNoReturnsOwed(msg.sender);
        delete owed[msg.sender];
        emit ReturnsWithdrawn(msg.sender, to, amount);
        if (!_assetSend(to, amount)) revert ShopReturnWithdrawalFailed(to, amount);
    }

    /// @inheritdoc IShopPayments
    function setReturnWindow(uint256 window) external onlyAdmin returns (uint256 effectiveAt) {
        if (window < _MIN_RETURN_WINDOW || window > _MAX_RETURN_WINDOW) {
            revert ShopInvalidReturnWindow(window, _MIN_RETURN_WINDOW, _MAX_RETURN_WINDOW);
        }
        ShopState storage state = _layout().state;
        ShopState memory s = state;
        // Time use: the notice period (7 days) starts now; seconds of leeway are negligible.
        // solhint-disable-next-line not-rely-on-time
        effectiveAt = block.timestamp;
        // Safe casts: the window is at most 90 days, within 24 bits; a timestamp plus 7 days fits 40 bits.
        if (window >= _returnWindowNow(s)) {
            state.returnWindow = uint24(window);
            state.pendingReturnWindow = 0;
            state.returnWindowPendingAt = 0;
            emit ReturnWindowChanged(window);
            return effectiveAt;
        }
        effectiveAt += _DEFAULT_NOTICE_PERIOD;
        // A pending window that is already due is in force: it becomes the stored one.
        if (_isDue(s.returnWindowPendingAt)) state.returnWindow = s.pendingReturnWindow;
        state.pendingReturnWindow = uint24(window);
        state.returnWindowPendingAt = uint40(effectiveAt);
        emit ReturnWindowChangeScheduled(window, effectiveAt);
    }

    /// @dev Takes back from `capture`'s customer and referrer the part of each token the order minted that the refunds
    /// so far (`refundedBefore`, now `refundedAfter` wei of the capture) stand for: `minted × refunded / captured`,
    /// rounded down on the running total so that refunds in parts take back exactly what one refund would. Returns
    /// what was taken and what the holders no longer held, per token (packed as `Capture.minted`).
    function _clawBack(
        Capture calldata capture,
        uint256 refundedBefore,
        uint256 refundedAfter
    ) private returns (uint256[] memory clawedBack, uint256[] memory unrecovered) {
        uint256 count = capture.minted.length;
        // The referrer the order's promotion went to: a capture binds the customer for good.
        address referrer = _layout().customers[capture.customer].referrer;
        clawedBack = new uint256[](count);
        unrecovered = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            (uint256 fromCustomer, uint256 fromReferrer) = _refundedShare(
                capture.minted[i],
                capture.amount,
                refundedBefore,
                refundedAfter
            );
            if (fromCustomer == 0 && fromReferrer == 0) continue;
            uint256 taken = IDividendToken(_tokenAt(i)).clawBack(
                capture.customer,
                fromCustomer,
                referrer,
                fromReferrer
            );
            clawedBack[i] = taken;
            unrecovered[i] = (fromCustomer - (taken & _MASK_96)) | ((fromReferrer - (taken >> 96)) << 96);
        }
    }

    /// @dev What a refund moving the refunded total of a `captured`-wei capture from `before` to `after` takes back of
    /// one token's mints `made` (packed as `Capture.minted`): from the customer and from the referrer.
    function _refundedShare(
        uint256 made,
        uint256 captured,
        uint256 before,
        uint256 after_
    ) private pure returns (uint256 fromCustomer, uint256 fromReferrer) {
        uint256 consumption = made & _MASK_96;
        uint256 promotion = made >> 96;
        fromCustomer = (consumption * after_) / captured - (consumption * before) / captured;
        fromReferrer = (promotion * after_) / captured - (promotion * before) / captured;
    }
}
