// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title DividendMath
/// @notice Fixed-point maths of the per-share dividend accumulator.
/// @dev The accumulator counts wei per token-wei, scaled by 2^64 (`PRECISION_BITS`). A distribution of `amount` wei
/// over `supply` token-wei raises it by `floor(amount * 2^64 / supply)`; what that floor leaves undistributed is below
/// `supply / 2^64` wei. Whole wei of it are carried to the next distribution and less than one wei is lost, so dust
/// stays below one wei per settlement. A holder's share of an accumulator delta is `balance * delta >> 64`: because a
/// holder's balance never exceeds the supply of the distributions it shared in, that product stays below
/// `totalDistributed * 2^64` and cannot overflow 256 bits.
library DividendMath {
    /// @notice Number of fractional bits of the accumulator.
    uint256 internal constant PRECISION_BITS = 64;

    /// @notice Accumulator increase for distributing `amount` wei over `supply` token-wei (`supply` > 0).
    function perShare(uint256 amount, uint256 supply) internal pure returns (uint256) {
        return (amount << PRECISION_BITS) / supply;
    }

    /// @notice Wei actually allotted to holders by an accumulator increase of `delta` over `supply`, rounded up so
    /// that `amount - allotted(...)` never overstates what is left to carry.
    function allotted(uint256 delta, uint256 supply) internal pure returns (uint256) {
        uint256 scaled = delta * supply;
        uint256 whole = scaled >> PRECISION_BITS;
        // Round up: the fraction belongs to holders and must not be carried a second time.
        return (scaled & ((uint256(1) << PRECISION_BITS) - 1)) == 0 ? whole : whole + 1;
    }

    /// @notice Wei earned by `balance` token-wei over an accumulator increase of `delta` (rounded down).
    function earned(uint256 balance, uint256 delta) internal pure returns (uint256) {
        return (balance * delta) >> PRECISION_BITS;
    }
}
