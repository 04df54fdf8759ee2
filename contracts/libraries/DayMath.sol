// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title DayMath
/// @notice The shop's calendar: a day is `floor((timestamp + utcOffset) / 1 days)`, so day boundaries fall on the
/// merchant's local midnight.
library DayMath {
    /// @notice Smallest accepted UTC offset (UTC-12:00), in seconds.
    int32 internal constant MIN_UTC_OFFSET = -12 hours;
    /// @notice Largest accepted UTC offset (UTC+14:00), in seconds.
    int32 internal constant MAX_UTC_OFFSET = 14 hours;

    /// @notice The day index of `timestamp` for a shop whose clock is `utcOffset` seconds ahead of UTC.
    /// @dev `timestamp` is a block timestamp (far above 12 hours), so the sum is never negative.
    function dayOf(uint256 timestamp, int32 utcOffset) internal pure returns (uint256) {
        return uint256(int256(timestamp) + utcOffset) / 1 days;
    }

    /// @notice Whether `utcOffset` is a real time zone offset (UTC-12:00 to UTC+14:00).
    function isValidOffset(int32 utcOffset) internal pure returns (bool) {
        return utcOffset >= MIN_UTC_OFFSET && utcOffset <= MAX_UTC_OFFSET;
    }
}
