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

    /// @dev Counts `amount` of `customer`'s payment `key` for `orderHash` as an order today (the checkout path) and
    /// records it as captured; returns what each token minted. A charge binds the referrer strictly (the customer
    /// names it now); a capture yields to the customer's binding, which may have changed since it authorized, so that
    /// nobody can make the capture revert. The caller returns what a partial capture leaves to the customer.
    function _count(
        bytes32 key,
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer,
        CaptureKind kind
    ) internal returns (uint256[] memory minted) {
        ShopState memory s = _layout().state;
        // Captured first (every check and effect before the tokens are called); the commitment to what the order
        // minted is written once the tokens said.
        _layout().payments[key] = PaymentRecordLib.pack(PaymentRecordLib.CAPTURED, amount, 0);
        {
            (address bound, bool firstOrder) = _checkOne(
                orderHash,
                customer,
                amount,
                referrer,
                kind == CaptureKind.Charge ? Binding.Strict : Binding.Yielding
            );
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
        // Time use: the refund period (the return window, at least a day) starts now.
        // solhint-disable-next-line not-rely-on-time
        uint256 refundDeadline = block.timestamp + _returnWindowNow(s);
        _layout().payments[key] = PaymentRecordLib.pack(
            PaymentRecordLib.CAPTURED,
            amount,
            _captureCommitment(amount, refundDeadline, minted)
        );
        emit PaymentCaptured(orderHash, customer, kind, amount, refundDeadline, minted);
    }

    /// @dev The record's commitment to a capture's terms: keccak256 of the packed `(amount, refundDeadline, minted)`
    /// (as `refund` computes it from calldata with `abi.encodePacked`), top 152 bits.
    function _captureCommitment(
        uint256 amount,
        uint256 refundDeadline,
        uint256[] memory minted
    ) private pure returns (uint256 commitment) {
        // Inline assembly: hashes the three fields in free memory without allocating (the encoder would build and
        // keep a copy).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let free := mload(0x40)
            mstore(free, amount)
            mstore(add(free, 0x20), refundDeadline)
            let size := shl(5, mload(minted))
            mcopy(add(free, 0x40), add(minted, 0x20), size)
            commitment := shr(104, keccak256(free, add(0x40, size)))
        }
    }
}
