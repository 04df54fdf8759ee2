// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice One token's record of one shop day, in one storage slot: what an order adds to and a settlement reads.
/// @dev Bit layout, least significant first:
/// | bits      | field       | width | meaning                                                                   |
/// | --------- | ----------- | ----- | ------------------------------------------------------------------------- |
/// | 0 - 103   | revenue     | 104   | wei the token counted that day                                            |
/// | 104 - 199 | escrowed    | 96    | wei of it escrowed in the token by checkouts                              |
/// | 200 - 215 | dividendBps | 16    | the day's rate: the token's rate at the first order, raised by any raise  |
/// | 216 - 247 | orderCount  | 32    | orders counted                                                            |
/// | 248 - 255 | flags       | 8     | `ESCROW_RELEASED` (1), `SETTLED` (2)                                      |
type DayEntry is uint256;

using DayEntryLib for DayEntry global;

/// @title DayEntryLib
/// @notice Reads and writes the fields of a `DayEntry`.
library DayEntryLib {
    /// @notice The day's escrow has been distributed to the holders.
    uint256 internal constant ESCROW_RELEASED = 1;
    /// @notice Everything the day owes the token has been distributed.
    uint256 internal constant SETTLED = 2;
    /// @notice Largest revenue of one token-day (2^104 - 1 wei).
    uint256 internal constant MAX_REVENUE = (1 << 104) - 1;
    /// @notice Largest checkout escrow of one token-day (2^96 - 1 wei).
    uint256 internal constant MAX_ESCROW = (1 << 96) - 1;
    /// @notice Largest order count of one token-day.
    uint256 internal constant MAX_ORDERS = (1 << 32) - 1;

    uint256 private constant _BPS = 10_000;

    /// @notice Packs the fields (each must fit its width).
    function pack(
        uint256 dayRevenue,
        uint256 dayEscrow,
        uint256 rate,
        uint256 orders,
        uint256 entryFlags
    ) internal pure returns (DayEntry) {
        return DayEntry.wrap(dayRevenue | (dayEscrow << 104) | (rate << 200) | (orders << 216) | (entryFlags << 248));
    }

    function revenue(DayEntry self) internal pure returns (uint256) {
        return DayEntry.unwrap(self) & MAX_REVENUE;
    }

    function escrowed(DayEntry self) internal pure returns (uint256) {
        return (DayEntry.unwrap(self) >> 104) & MAX_ESCROW;
    }

    function dividendBps(DayEntry self) internal pure returns (uint256) {
        return (DayEntry.unwrap(self) >> 200) & 0xffff;
    }

    function orderCount(DayEntry self) internal pure returns (uint256) {
        return (DayEntry.unwrap(self) >> 216) & MAX_ORDERS;
    }

    function flags(DayEntry self) internal pure returns (uint256) {
        return DayEntry.unwrap(self) >> 248;
    }

    /// @notice What the day owes the token: its revenue at its rate, in whole wei.
    function owed(DayEntry self) internal pure returns (uint256) {
        return (revenue(self) * dividendBps(self)) / _BPS;
    }

    /// @notice The same entry with other flags.
    function withFlags(DayEntry self, uint256 newFlags) internal pure returns (DayEntry) {
        return DayEntry.wrap((DayEntry.unwrap(self) & ((1 << 248) - 1)) | (newFlags << 248));
    }

    /// @notice The same entry with another dividend rate.
    function withDividendBps(DayEntry self, uint256 bps) internal pure returns (DayEntry) {
        return DayEntry.wrap((DayEntry.unwrap(self) & ~(uint256(0xffff) << 200)) | (bps << 200));
    }
}
