// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice An anchored Merkle batch, in one storage slot keyed by its root.
/// @dev Bit layout, least significant first:
/// | bits      | field           | width | meaning                                                            |
/// | --------- | --------------- | ----- | ------------------------------------------------------------------ |
/// | 0 - 23    | day             | 24    | the anchoring day, on which the batch's revenue counted             |
/// | 24 - 87   | firstOrderId    | 64    | id of the first leaf; the leaves have consecutive ids               |
/// | 88 - 119  | orderCount      | 32    | leaves in the batch (at most 2^24)                                  |
/// | 120 - 151 | mintedCount     | 32    | leaves minted so far                                                |
/// | 152 - 247 | unmintedRevenue | 96    | anchored revenue that no minted leaf has claimed yet                |
/// | 248 - 255 | tokenCount      | 8     | tokens the shop had at anchoring: the ones the batch's revenue paid |
/// A day index of 24 bits lasts 45,000 years.
type BatchEntry is uint256;

using BatchEntryLib for BatchEntry global;

/// @title BatchEntryLib
/// @notice Reads and writes the fields of a `BatchEntry`.
library BatchEntryLib {
    /// @notice Packs the fields (each must fit its width).
    function pack(
        uint256 anchorDay,
        uint256 firstId,
        uint256 orders,
        uint256 minted,
        uint256 unminted,
        uint256 tokens
    ) internal pure returns (BatchEntry) {
        return
            BatchEntry.wrap(
                anchorDay | (firstId << 24) | (orders << 88) | (minted << 120) | (unminted << 152) | (tokens << 248)
            );
    }

    function day(BatchEntry self) internal pure returns (uint256) {
        return BatchEntry.unwrap(self) & 0xffffff;
    }

    function firstOrderId(BatchEntry self) internal pure returns (uint256) {
        return uint64(BatchEntry.unwrap(self) >> 24);
    }

    function orderCount(BatchEntry self) internal pure returns (uint256) {
        return uint32(BatchEntry.unwrap(self) >> 88);
    }

    function mintedCount(BatchEntry self) internal pure returns (uint256) {
        return uint32(BatchEntry.unwrap(self) >> 120);
    }

    function unmintedRevenue(BatchEntry self) internal pure returns (uint256) {
        return uint96(BatchEntry.unwrap(self) >> 152);
    }

    function tokenCount(BatchEntry self) internal pure returns (uint256) {
        return BatchEntry.unwrap(self) >> 248;
    }

    /// @notice The entry after a leaf of `amount` wei minted (`amount` must not exceed the unminted revenue).
    function afterMint(BatchEntry self, uint256 amount) internal pure returns (BatchEntry) {
        unchecked {
            // Safe: the caller checks amount <= unmintedRevenue, and mintedCount < orderCount <= 2^24, so neither
            // field borrows from or carries into its neighbour.
            return BatchEntry.wrap(BatchEntry.unwrap(self) + (1 << 120) - (amount << 152));
        }
    }
}
