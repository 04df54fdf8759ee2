// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice One on-chain payment's record, in one storage slot, under the key `keccak256(orderHash, customer)`.
/// @dev Bit layout, least significant first:
/// | bits      | field      | width | meaning                                                                      |
/// | --------- | ---------- | ----- | ---------------------------------------------------------------------------- |
/// | 0 - 151   | commitment | 152   | the top 152 bits of the keccak256 of the payment's terms: while held, the    |
/// |           |            |       | ABI encoding of its `Payment`; once captured, the packed `(uint256 amount,   |
/// |           |            |       | uint256 refundDeadline, uint256[] minted)` of its `Capture`. Callers pass    |
/// |           |            |       | the terms, the shop checks them                                              |
/// | 152 - 247 | amount     | 96    | held: the wei held; captured: the wei still refundable                       |
/// | 248 - 255 | status     | 8     | `HELD` (1), `RETURN_REQUESTED` (2), `CAPTURED` (3); 0: no payment            |
/// A voided or reclaimed payment leaves no record (the slot is cleared): its events are its history.
type PaymentRecord is uint256;

using PaymentRecordLib for PaymentRecord global;

/// @title PaymentRecordLib
/// @notice Reads and writes the fields of a `PaymentRecord`.
library PaymentRecordLib {
    /// @notice The payment is held for the customer.
    uint256 internal constant HELD = 1;
    /// @notice The payment is held and the customer asked to return the goods: auto-capture is off.
    uint256 internal constant RETURN_REQUESTED = 2;
    /// @notice The payment counted as an order (what is left of `amount` may still be refunded).
    uint256 internal constant CAPTURED = 3;

    uint256 private constant _COMMITMENT_BITS = 152;
    uint256 private constant _COMMITMENT_MASK = (1 << 152) - 1;
    uint256 private constant _AMOUNT_MASK = (1 << 96) - 1;

    /// @notice Packs the fields (`paid` must fit 96 bits, `termsCommitment` 152).
    function pack(uint256 state, uint256 paid, uint256 termsCommitment) internal pure returns (PaymentRecord) {
        return PaymentRecord.wrap(termsCommitment | (paid << _COMMITMENT_BITS) | (state << 248));
    }

    /// @notice No record: a slot never written, or cleared by a void or a reclaim.
    PaymentRecord internal constant NONE = PaymentRecord.wrap(0);

    /// @notice The commitment to `terms` (encoded as the layout above says) that a record keeps.
    function commit(bytes memory terms) internal pure returns (uint256) {
        return uint256(keccak256(terms)) >> (256 - _COMMITMENT_BITS);
    }

    function status(PaymentRecord self) internal pure returns (uint256) {
        return PaymentRecord.unwrap(self) >> 248;
    }

    function amount(PaymentRecord self) internal pure returns (uint256) {
        return (PaymentRecord.unwrap(self) >> _COMMITMENT_BITS) & _AMOUNT_MASK;
    }

    function commitment(PaymentRecord self) internal pure returns (uint256) {
        return PaymentRecord.unwrap(self) & _COMMITMENT_MASK;
    }
}
