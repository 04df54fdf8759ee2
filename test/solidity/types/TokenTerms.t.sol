// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Vm.sol";
import {TokenTerms, TokenTermsLib} from "../../../contracts/types/TokenTerms.sol";

/* solhint-disable func-name-mixedcase */

/// @title TokenTermsTest
/// @notice `TokenTerms`, the slot every order reads of a token: packing and unpacking round-trips, each field lives in
/// its own bits, and `withPendingAt` changes only the pending time.
contract TokenTermsTest is Base {
    uint256 private constant _MAX_96 = (1 << 96) - 1;
    uint256 private constant _MAX_36 = (1 << 36) - 1;
    uint256 private constant _MAX_14 = (1 << 14) - 1;

    struct Fields {
        uint256 spendPerToken;
        uint256 maxSupply;
        uint256 pendingAt;
        uint256 dividendBps;
        uint256 referralBps;
    }

    function testFuzz_pack_roundTripsEveryField(uint256[5] memory seeds) public pure {
        Fields memory f = _bounded(seeds);
        TokenTerms terms = _pack(f);
        _assertFields(terms, f, "round trip");
        uint256 expected = f.spendPerToken | (f.maxSupply << 96) | (f.pendingAt << 192) | (f.dividendBps << 228);
        expected |= f.referralBps << 242;
        assertEq(TokenTerms.unwrap(terms), expected, "bit layout: spend 0-95, cap 96-191, pending 192-227, ...");
    }

    /// @notice Each field at its maximum with all others zero reads back alone: no field spills into another.
    function test_pack_fieldsAtTheirMaximumStayIsolated() public pure {
        uint256[5] memory maxima = [_MAX_96, _MAX_96, _MAX_36, _MAX_14, _MAX_14];
        for (uint256 k; k < 5; ++k) {
            uint256[5] memory values;
            values[k] = maxima[k];
            Fields memory f = Fields(values[0], values[1], values[2], values[3], values[4]);
            _assertFields(_pack(f), f, "one field at its maximum");
        }
        Fields memory full = Fields(_MAX_96, _MAX_96, _MAX_36, _MAX_14, _MAX_14);
        assertEq(TokenTerms.unwrap(_pack(full)), type(uint256).max, "the fields fill the 256 bits exactly");
    }

    /// @notice The real ranges fit: shares up to 10,000 bps in 14 bits, a pending time up to the year 4147.
    function test_pack_realRangesFit() public pure {
        // 2^36 - 1 seconds after 1970 is in the year 4147.
        Fields memory f = Fields(type(uint96).max, type(uint96).max, 68_719_476_735, 10_000, 10_000);
        _assertFields(_pack(f), f, "largest real values");
    }

    function testFuzz_getters_readTheirBitsOfAnyWord(uint256 word) public pure {
        TokenTerms terms = TokenTerms.wrap(word);
        assertEq(terms.spendPerToken(), word & _MAX_96, "spendPerToken: bits 0-95");
        assertEq(terms.maxSupply(), (word >> 96) & _MAX_96, "maxSupply: bits 96-191");
        assertEq(terms.pendingAt(), (word >> 192) & _MAX_36, "pendingAt: bits 192-227");
        assertEq(terms.dividendBps(), (word >> 228) & _MAX_14, "dividendBps: bits 228-241");
        assertEq(terms.referralBps(), word >> 242, "referralBps: bits 242-255");
    }

    function testFuzz_withPendingAt_changesOnlyThePendingTime(uint256 word, uint256 time) public pure {
        time = bound(time, 0, _MAX_36);
        TokenTerms changed = TokenTerms.wrap(word).withPendingAt(time);
        assertEq(changed.pendingAt(), time, "new pending time");
        uint256 others = ~(_MAX_36 << 192);
        assertEq(TokenTerms.unwrap(changed) & others, word & others, "every other bit unchanged");
    }

    function _bounded(uint256[5] memory seeds) private pure returns (Fields memory f) {
        f.spendPerToken = bound(seeds[0], 0, _MAX_96);
        f.maxSupply = bound(seeds[1], 0, _MAX_96);
        f.pendingAt = bound(seeds[2], 0, _MAX_36);
        f.dividendBps = bound(seeds[3], 0, _MAX_14);
        f.referralBps = bound(seeds[4], 0, _MAX_14);
    }

    function _pack(Fields memory f) private pure returns (TokenTerms) {
        return TokenTermsLib.pack(f.spendPerToken, f.maxSupply, f.pendingAt, f.dividendBps, f.referralBps);
    }

    function _assertFields(TokenTerms terms, Fields memory f, string memory label) private pure {
        assertEq(terms.spendPerToken(), f.spendPerToken, string.concat(label, ": spendPerToken"));
        assertEq(terms.maxSupply(), f.maxSupply, string.concat(label, ": maxSupply"));
        assertEq(terms.pendingAt(), f.pendingAt, string.concat(label, ": pendingAt"));
        assertEq(terms.dividendBps(), f.dividendBps, string.concat(label, ": dividendBps"));
        assertEq(terms.referralBps(), f.referralBps, string.concat(label, ": referralBps"));
    }
}
