// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Vm.sol";
import {DayEntry, DayEntryLib} from "../../../contracts/types/DayEntry.sol";

/* solhint-disable func-name-mixedcase */

/// @title DayEntryTest
/// @notice `DayEntry`, one token's day in one slot: packing and unpacking every field round-trips, each field lives in
/// its own bits (setting one never touches another), `owed` is revenue x rate / 10000, and the two setters change
/// only their field.
contract DayEntryTest is Base {
    uint256 private constant _MAX_ESCROW = (1 << 96) - 1;
    uint256 private constant _MAX_RATE = (1 << 16) - 1;
    uint256 private constant _MAX_FLAGS = (1 << 8) - 1;

    struct Fields {
        uint256 revenue;
        uint256 escrowed;
        uint256 dividendBps;
        uint256 orderCount;
        uint256 flags;
    }

    function testFuzz_pack_roundTripsEveryField(
        uint256 revenue,
        uint256 escrowed,
        uint256 rate,
        uint256 orders,
        uint256 flags
    ) public pure {
        Fields memory f = _bounded(revenue, escrowed, rate, orders, flags);
        DayEntry entry = DayEntryLib.pack(f.revenue, f.escrowed, f.dividendBps, f.orderCount, f.flags);
        _assertFields(entry, f, "round trip");
        uint256 expected = f.revenue | (f.escrowed << 104) | (f.dividendBps << 200) | (f.orderCount << 216);
        expected |= f.flags << 248;
        assertEq(DayEntry.unwrap(entry), expected, "bit layout: revenue 0-103, escrow 104-199, rate 200-215, ...");
    }

    /// @notice Each field at its maximum with all others zero reads back alone: no field spills into another.
    function test_pack_fieldsAtTheirMaximumStayIsolated() public pure {
        Fields memory f = Fields(DayEntryLib.MAX_REVENUE, 0, 0, 0, 0);
        _assertFields(DayEntryLib.pack(f.revenue, 0, 0, 0, 0), f, "revenue alone");
        f = Fields(0, _MAX_ESCROW, 0, 0, 0);
        _assertFields(DayEntryLib.pack(0, _MAX_ESCROW, 0, 0, 0), f, "escrow alone");
        f = Fields(0, 0, _MAX_RATE, 0, 0);
        _assertFields(DayEntryLib.pack(0, 0, _MAX_RATE, 0, 0), f, "rate alone");
        f = Fields(0, 0, 0, DayEntryLib.MAX_ORDERS, 0);
        _assertFields(DayEntryLib.pack(0, 0, 0, DayEntryLib.MAX_ORDERS, 0), f, "order count alone");
        f = Fields(0, 0, 0, 0, _MAX_FLAGS);
        _assertFields(DayEntryLib.pack(0, 0, 0, 0, _MAX_FLAGS), f, "flags alone");
        // All at their maximum: the whole word.
        DayEntry full = DayEntryLib.pack(
            DayEntryLib.MAX_REVENUE,
            _MAX_ESCROW,
            _MAX_RATE,
            DayEntryLib.MAX_ORDERS,
            _MAX_FLAGS
        );
        assertEq(DayEntry.unwrap(full), type(uint256).max, "the fields fill the 256 bits exactly");
    }

    /// @notice Any word reads as the five bit slices of the documented layout.
    function testFuzz_getters_readTheirBitsOfAnyWord(uint256 word) public pure {
        DayEntry entry = DayEntry.wrap(word);
        assertEq(entry.revenue(), word & ((1 << 104) - 1), "revenue: bits 0-103");
        assertEq(entry.escrowed(), (word >> 104) & _MAX_ESCROW, "escrowed: bits 104-199");
        assertEq(entry.dividendBps(), (word >> 200) & _MAX_RATE, "dividendBps: bits 200-215");
        assertEq(entry.orderCount(), (word >> 216) & DayEntryLib.MAX_ORDERS, "orderCount: bits 216-247");
        assertEq(entry.flags(), word >> 248, "flags: bits 248-255");
    }

    function testFuzz_owed_isRevenueTimesRateOverBps(uint256 revenue, uint256 rate, uint256 other) public pure {
        revenue = bound(revenue, 0, DayEntryLib.MAX_REVENUE);
        rate = bound(rate, 0, _MAX_RATE);
        DayEntry entry = DayEntryLib.pack(revenue, bound(other, 0, _MAX_ESCROW), rate, other % (1 << 32), other >> 248);
        assertEq(entry.owed(), (revenue * rate) / 10_000, "owed = floor(revenue * dividendBps / 10000)");
    }

    function testFuzz_withFlags_changesOnlyTheFlags(uint256 word, uint256 flags) public pure {
        flags = bound(flags, 0, _MAX_FLAGS);
        DayEntry entry = DayEntry.wrap(word);
        DayEntry changed = entry.withFlags(flags);
        assertEq(changed.flags(), flags, "new flags");
        assertEq(DayEntry.unwrap(changed) << 8, word << 8, "bits 0-247 unchanged");
    }

    function testFuzz_withDividendBps_changesOnlyTheRate(uint256 word, uint256 rate) public pure {
        rate = bound(rate, 0, _MAX_RATE);
        DayEntry entry = DayEntry.wrap(word);
        DayEntry changed = entry.withDividendBps(rate);
        assertEq(changed.dividendBps(), rate, "new rate");
        uint256 others = ~(uint256(_MAX_RATE) << 200);
        assertEq(DayEntry.unwrap(changed) & others, word & others, "every other bit unchanged");
    }

    function test_flags_constantsAreDistinctBits() public pure {
        assertEq(DayEntryLib.ESCROW_RELEASED, 1, "ESCROW_RELEASED is bit 0");
        assertEq(DayEntryLib.SETTLED, 2, "SETTLED is bit 1");
        assertEq(DayEntryLib.MAX_REVENUE, (1 << 104) - 1, "a token-day's revenue has 104 bits");
        assertEq(DayEntryLib.MAX_ORDERS, (1 << 32) - 1, "a token-day's order count has 32 bits");
    }

    function _bounded(
        uint256 revenue,
        uint256 escrowed,
        uint256 rate,
        uint256 orders,
        uint256 flags
    ) private pure returns (Fields memory f) {
        f.revenue = bound(revenue, 0, DayEntryLib.MAX_REVENUE);
        f.escrowed = bound(escrowed, 0, _MAX_ESCROW);
        f.dividendBps = bound(rate, 0, _MAX_RATE);
        f.orderCount = bound(orders, 0, DayEntryLib.MAX_ORDERS);
        f.flags = bound(flags, 0, _MAX_FLAGS);
    }

    function _assertFields(DayEntry entry, Fields memory f, string memory label) private pure {
        assertEq(entry.revenue(), f.revenue, string.concat(label, ": revenue"));
        assertEq(entry.escrowed(), f.escrowed, string.concat(label, ": escrowed"));
        assertEq(entry.dividendBps(), f.dividendBps, string.concat(label, ": dividendBps"));
        assertEq(entry.orderCount(), f.orderCount, string.concat(label, ": orderCount"));
        assertEq(entry.flags(), f.flags, string.concat(label, ": flags"));
    }
}
