// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "./utils/Fixture.sol";
import {DayMath} from "../../contracts/libraries/DayMath.sol";
import {IShop} from "../../contracts/interfaces/IShop.sol";
import {IShopBase} from "../../contracts/interfaces/IShopBase.sol";
import {IShareMallFactory} from "../../contracts/interfaces/IShareMallFactory.sol";

/* solhint-disable func-name-mixedcase */

/// @title DayMathTest
/// @notice Fuzz tests of the shop calendar: day boundaries fall on the merchant's local midnight for every offset.
contract DayMathTest is Fixture {
    /// @dev Day indexes from 2001 to about 4700 AD.
    uint256 private constant _MIN_DAY = 11_323;
    uint256 private constant _MAX_DAY = 1_000_000;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
    }

    function testFuzz_dayOf_changesExactlyAtLocalMidnight(uint256 day, int256 offsetSeed) public pure {
        day = bound(day, _MIN_DAY, _MAX_DAY);
        int32 offset = _offset(offsetSeed);
        // Local midnight starting `day`, in UTC seconds.
        uint256 midnight = uint256(int256(day * 1 days) - offset);
        assertEq(DayMath.dayOf(midnight, offset), day, "day at local midnight");
        assertEq(DayMath.dayOf(midnight - 1, offset), day - 1, "day one second before local midnight");
        assertEq(DayMath.dayOf(midnight + 1 days - 1, offset), day, "day at the last second of the day");
        assertEq(DayMath.dayOf(midnight + 1 days, offset), day + 1, "day at the next local midnight");
    }

    function testFuzz_dayOf_aheadOffsetNeverLagsUtc(uint256 timestamp, int256 offsetSeed) public pure {
        timestamp = bound(timestamp, _MIN_DAY * 1 days, _MAX_DAY * 1 days);
        int32 offset = _offset(offsetSeed);
        uint256 utcDay = DayMath.dayOf(timestamp, 0);
        uint256 localDay = DayMath.dayOf(timestamp, offset);
        // Local time is at most 14 hours ahead or 12 behind, so the local day is the UTC day or a neighbour.
        if (offset >= 0) {
            assertLe(utcDay, localDay, "ahead of UTC: local day >= UTC day");
            assertLe(localDay, utcDay + 1, "ahead of UTC: at most one day ahead");
        } else {
            assertLe(localDay, utcDay, "behind UTC: local day <= UTC day");
            assertLe(utcDay, localDay + 1, "behind UTC: at most one day behind");
        }
    }

    function testFuzz_isValidOffset_onlyRealTimeZones(int32 offset) public pure {
        bool expected = offset >= -12 hours && offset <= 14 hours;
        assertEq(DayMath.isValidOffset(offset), expected, "valid iff UTC-12:00..UTC+14:00");
    }

    function testFuzz_createShop_invalidOffsetReverts(int32 offset) public {
        // Outside UTC-12:00..UTC+14:00: below it or above it, over the whole int32 range.
        if (offset >= -12 hours && offset <= 14 hours) {
            offset = offset < 0 ? offset - 12 hours - 1 : offset + 14 hours + 1;
        }
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInvalidUtcOffset.selector, offset));
        factory.createShop(
            IShareMallFactory.ShopParams({admin: admin, operator: operator, utcOffset: offset, name: "Nowhere"})
        );
    }

    function testFuzz_today_turnsAtShopMidnight(uint256 day, int256 offsetSeed) public {
        day = bound(day, shop.today() + 1, shop.today() + 10_000);
        int32 offset = _offset(offsetSeed);
        IShop local = _createShop(offset);
        uint256 midnight = uint256(int256(day * 1 days) - offset);

        vm.warp(midnight - 1);
        assertEq(local.today(), day - 1, "today one second before midnight");
        // The day that is about to end cannot be settled yet.
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopDayNotOver.selector, day - 1, day - 1));
        local.settle(day - 1);

        vm.warp(midnight);
        assertEq(local.today(), day, "today at midnight");
        // Now it is over: it only fails because it owes nothing.
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopNothingToSettle.selector, day - 1));
        local.settle(day - 1);
    }

    function _offset(int256 seed) private pure returns (int32) {
        uint256 span = uint256(int256(DayMath.MAX_UTC_OFFSET) - DayMath.MIN_UTC_OFFSET);
        // Whole seconds over the full range, both ends included.
        uint256 step = bound(uint256(seed), 0, span);
        return int32(int256(step) + DayMath.MIN_UTC_OFFSET);
    }
}
