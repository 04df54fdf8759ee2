// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title DividendMath
/// @notice Fixed-point maths of the per-share dividend accumulator and of each holder's one-slot correction.
/// @dev The accumulator `A` counts wei per token-wei, scaled by 2^64 (`PRECISION_BITS`). A distribution of `amount`
/// wei over `supply` token-wei raises it by `floor(amount × 2^64 / supply)`; what that floor leaves undistributed is
/// below `supply / 2^64` wei: whole wei of it are carried to the next distribution and less than one wei is lost, so
/// dust stays below one wei per settlement.
///
/// A holder is one slot: its balance `b` (96 bits) and a correction `c` (160 bits) such that its claimable wei,
/// scaled by 2^64, is `(b × A - c) mod 2^160` (the ERC-1726 correction, kept modulo 2^160). A balance change of `x`
/// adds `x × A` to `c` (so the change earns nothing in the past), a claim of `w` wei adds `w × 2^64`. The accumulator
/// and the corrections are kept modulo 2^160 too: only `b × A mod 2^160` is ever needed, so the accumulator may wrap.
/// The result is exact while the holder's unclaimed dividends stay below 2^96 wei (79 billion coins), which is more
/// than the whole supply of any chain's native coin. Every function is modular arithmetic: `unchecked` is safe and
/// intended (a product of a 96-bit balance and a 160-bit accumulator fits in 256 bits).
library DividendMath {
    /// @notice Number of fractional bits of the accumulator.
    uint256 internal constant PRECISION_BITS = 64;
    /// @dev The accumulator, the corrections and scaled claimables live modulo 2^160.
    uint256 private constant _MASK = (uint256(1) << 160) - 1;

    /// @notice Accumulator increase for distributing `amount` wei over `supply` token-wei. Requires `supply` > 0 and
    /// `amount` < 2^192 (a token distributes at most a day's debt plus a 160-bit rollover, below 2^161).
    function perShare(uint256 amount, uint256 supply) internal pure returns (uint256) {
        unchecked {
            // Safe: amount < 2^192, so the shift cannot overflow; supply > 0.
            return (amount << PRECISION_BITS) / supply;
        }
    }

    /// @notice Wei actually allotted to holders by an accumulator increase of `delta` over `supply`, rounded up so
    /// that `amount - allotted(...)` never overstates what is left to carry.
    function allotted(uint256 delta, uint256 supply) internal pure returns (uint256) {
        unchecked {
            // Safe: delta × supply <= amount × 2^64 < 2^256 (delta is the floor of amount × 2^64 / supply), and the
            // rounded-up result is at most amount.
            uint256 scaled = delta * supply;
            uint256 whole = scaled >> PRECISION_BITS;
            // Round up: the fraction belongs to holders and must not be carried a second time.
            return (scaled & ((uint256(1) << PRECISION_BITS) - 1)) == 0 ? whole : whole + 1;
        }
    }

    /// @notice The accumulator after an increase of `delta`, modulo 2^160.
    function raise(uint256 accumulator, uint256 delta) internal pure returns (uint160) {
        unchecked {
            // Modular by design (see the library header); the cast keeps the low 160 bits.
            return uint160(accumulator + delta);
        }
    }

    /// @notice Wei `balance` with correction `correction` can claim at accumulator `accumulator` (rounded down).
    function claimable(uint256 balance, uint256 correction, uint256 accumulator) internal pure returns (uint256) {
        unchecked {
            // Modular by design: balance < 2^96 and accumulator < 2^160, so the product fits in 256 bits.
            return ((balance * accumulator - correction) & _MASK) >> PRECISION_BITS;
        }
    }

    /// @notice The correction after the balance grows by `amount` at accumulator `accumulator`.
    function afterCredit(uint256 correction, uint256 amount, uint256 accumulator) internal pure returns (uint160) {
        unchecked {
            // Modular by design: amount < 2^96 and accumulator < 2^160.
            return uint160(correction + amount * accumulator);
        }
    }

    /// @notice The correction after the balance shrinks by `amount` at accumulator `accumulator`.
    function afterDebit(uint256 correction, uint256 amount, uint256 accumulator) internal pure returns (uint160) {
        unchecked {
            // Modular by design: amount < 2^96 and accumulator < 2^160; the subtraction wraps modulo 2^256.
            return uint160(correction - amount * accumulator);
        }
    }

    /// @notice The correction after the holder claims `amount` wei.
    function afterClaim(uint256 correction, uint256 amount) internal pure returns (uint160) {
        unchecked {
            // Modular by design: amount < 2^96 here (it was a claimable).
            return uint160(correction + (amount << PRECISION_BITS));
        }
    }
}
