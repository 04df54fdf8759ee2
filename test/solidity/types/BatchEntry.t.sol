// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Vm.sol";
import {BatchEntry, BatchEntryLib} from "../../../contracts/types/BatchEntry.sol";

/* solhint-disable func-name-mixedcase */

/// @title BatchEntryTest
/// @notice `BatchEntry`, an anchored Merkle batch in one slot: packing and unpacking round-trips, each field lives in
/// its own bits, and `afterMint` adds one minted leaf and takes its amount off the unminted revenue, nothing else.
contract BatchEntryTest is Base {
    struct Fields {
        uint256 day;
        uint256 firstOrderId;
        uint256 orderCount;
        uint256 mintedCount;
        uint256 unmintedRevenue;
        uint256 tokenCount;
    }

    function testFuzz_pack_roundTripsEveryField(uint256[6] memory seeds) public pure {
        Fields memory f = _bounded(seeds);
        BatchEntry entry = _pack(f);
        _assertFields(entry, f, "round trip");
        uint256 expected = f.day | (f.firstOrderId << 24) | (f.orderCount << 88) | (f.mintedCount << 120);
        expected |= (f.unmintedRevenue << 152) | (f.tokenCount << 248);
        assertEq(BatchEntry.unwrap(entry), expected, "bit layout: day 0-23, first id 24-87, count 88-119, ...");
    }

    /// @notice Each field at its maximum with all others zero reads back alone: no field spills into another.
    function test_pack_fieldsAtTheirMaximumStayIsolated() public pure {
        uint256[6] memory widths = [uint256(24), 64, 32, 32, 96, 8];
        for (uint256 k; k < 6; ++k) {
            uint256[6] memory values;
            values[k] = (1 << widths[k]) - 1;
            Fields memory f = Fields(values[0], values[1], values[2], values[3], values[4], values[5]);
            _assertFields(_pack(f), f, "one field at its maximum");
        }
        Fields memory full = Fields((1 << 24) - 1, (1 << 64) - 1, (1 << 32) - 1, (1 << 32) - 1, (1 << 96) - 1, 255);
        assertEq(BatchEntry.unwrap(_pack(full)), type(uint256).max, "the fields fill the 256 bits exactly");
    }

    function testFuzz_getters_readTheirBitsOfAnyWord(uint256 word) public pure {
        BatchEntry entry = BatchEntry.wrap(word);
        assertEq(entry.day(), word & ((1 << 24) - 1), "day: bits 0-23");
        assertEq(entry.firstOrderId(), (word >> 24) & ((1 << 64) - 1), "firstOrderId: bits 24-87");
        assertEq(entry.orderCount(), (word >> 88) & ((1 << 32) - 1), "orderCount: bits 88-119");
        assertEq(entry.mintedCount(), (word >> 120) & ((1 << 32) - 1), "mintedCount: bits 120-151");
        assertEq(entry.unmintedRevenue(), (word >> 152) & ((1 << 96) - 1), "unmintedRevenue: bits 152-247");
        assertEq(entry.tokenCount(), word >> 248, "tokenCount: bits 248-255");
    }

    /// @notice A leaf mint within the batch's limits (amount <= unminted revenue, minted < order count <= 2^24)
    /// counts one leaf and takes its amount, and leaves every other field as it was.
    function testFuzz_afterMint_countsOneLeafAndTakesItsAmount(uint256[6] memory seeds, uint256 amount) public pure {
        Fields memory f = _bounded(seeds);
        f.orderCount = bound(f.orderCount, 1, 1 << 24);
        f.mintedCount = bound(f.mintedCount, 0, f.orderCount - 1);
        amount = bound(amount, 0, f.unmintedRevenue);
        BatchEntry after_ = _pack(f).afterMint(amount);
        Fields memory expected = f;
        expected.mintedCount = f.mintedCount + 1;
        expected.unmintedRevenue = f.unmintedRevenue - amount;
        _assertFields(after_, expected, "after a mint");
    }

    /// @notice Minting every leaf of a batch for exactly its revenue leaves it with no unminted revenue.
    function testFuzz_afterMint_allLeavesUseUpTheRevenue(uint256[4] memory amounts, uint256 firstId) public pure {
        uint256 revenue;
        for (uint256 k; k < amounts.length; ++k) {
            amounts[k] = bound(amounts[k], 1, (1 << 94) - 1);
            revenue += amounts[k];
        }
        firstId = bound(firstId, 1, type(uint64).max - amounts.length);
        BatchEntry entry = BatchEntryLib.pack(20_000, firstId, amounts.length, 0, revenue, 3);
        for (uint256 k; k < amounts.length; ++k) entry = entry.afterMint(amounts[k]);
        _assertFields(entry, Fields(20_000, firstId, amounts.length, amounts.length, 0, 3), "all leaves minted");
    }

    function _bounded(uint256[6] memory seeds) private pure returns (Fields memory f) {
        f.day = bound(seeds[0], 0, (1 << 24) - 1);
        f.firstOrderId = bound(seeds[1], 0, type(uint64).max);
        f.orderCount = bound(seeds[2], 0, type(uint32).max);
        f.mintedCount = bound(seeds[3], 0, type(uint32).max);
        f.unmintedRevenue = bound(seeds[4], 0, type(uint96).max);
        f.tokenCount = bound(seeds[5], 0, 255);
    }

    function _pack(Fields memory f) private pure returns (BatchEntry) {
        return BatchEntryLib.pack(f.day, f.firstOrderId, f.orderCount, f.mintedCount, f.unmintedRevenue, f.tokenCount);
    }

    function _assertFields(BatchEntry entry, Fields memory f, string memory label) private pure {
        assertEq(entry.day(), f.day, string.concat(label, ": day"));
        assertEq(entry.firstOrderId(), f.firstOrderId, string.concat(label, ": firstOrderId"));
        assertEq(entry.orderCount(), f.orderCount, string.concat(label, ": orderCount"));
        assertEq(entry.mintedCount(), f.mintedCount, string.concat(label, ": mintedCount"));
        assertEq(entry.unmintedRevenue(), f.unmintedRevenue, string.concat(label, ": unmintedRevenue"));
        assertEq(entry.tokenCount(), f.tokenCount, string.concat(label, ": tokenCount"));
    }
}
