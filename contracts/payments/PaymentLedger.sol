// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ShopStorage} from "../ledger/ShopStorage.sol";
import {NativeAsset} from "../payouts/NativeAsset.sol";
import {PaymentRecord, PaymentRecordLib} from "../types/PaymentRecord.sol";

/// @title PaymentLedger
/// @notice What every step of an on-chain payment shares, in both shop implementations: finding a held payment from
/// the terms its caller passes, the return window in force, and paying coin back to a customer.
/// @dev A payment's coin sits in the shop from `authorize` until a step moves it: to the tokens (the escrow) and the
/// merchant balance when captured, back to the customer when voided, reclaimed, refunded or partly captured. No
/// other function reads or moves it: `withdraw` and settlements spend the merchant balance only. So the shop's coin
/// is always the merchant balance, plus the held payments, plus the returns owed to customers whose push failed.
abstract contract PaymentLedger is ShopStorage, NativeAsset {
    /// @dev Gas a customer's address gets when the shop pushes returned coin to it: enough for a smart wallet's
    /// `receive`, too little to do harm. A push that fails is owed instead (`ReturnOwed`).
    uint256 internal constant _RETURN_GAS = 50_000;

    /// @dev Finds the held payment `payment` describes: its key and record. Reverts unless the record is held (or its
    /// return requested) and committed to exactly these terms.
    function _heldPayment(Payment calldata payment) internal view returns (bytes32 key, PaymentRecord record) {
        key = _paymentKey(payment.orderHash, payment.customer);
        record = _layout().payments[key];
        uint256 state = record.status();
        if (state != PaymentRecordLib.HELD && state != PaymentRecordLib.RETURN_REQUESTED) {
            revert ShopPaymentNotHeld(payment.orderHash, payment.customer);
        }
        // The amount is also checked against the record in the clear, so that the coin a step moves never rests on
        // the truncated commitment alone.
        if (record.amount() != payment.amount || record.commitment() != PaymentRecordLib.commit(abi.encode(payment))) {
            revert ShopPaymentTermsMismatch(payment.orderHash, payment.customer);
        }
    }

    /// @dev The return window in force now: the pending one once its time has come.
    function _returnWindowNow(ShopState memory s) internal view returns (uint256) {
        return _isDue(s.returnWindowPendingAt) ? s.pendingReturnWindow : s.returnWindow;
    }

    /// @dev Pays `amount` back to `customer` with `_RETURN_GAS`; if it will not take it, owes it instead, so that no
    /// customer can make the step that returns its coin revert (a partial capture, say).
    function _returnTo(address customer, uint256 amount) internal {
        if (_assetSendCapped(customer, amount, _RETURN_GAS)) return;
        _layout().returnsOwed[customer] += amount;
        emit ReturnOwed(customer, amount);
    }
}
