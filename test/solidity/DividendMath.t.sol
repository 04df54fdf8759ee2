// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "./utils/Vm.sol";
import {DividendMath} from "../../contracts/libraries/DividendMath.sol";

/* solhint-disable func-name-mixedcase */

/// @title DividendMathTest
/// @notice Fuzz tests of the accumulator maths: what a distribution allots, what it leaves to carry, and how holders'
/// shares round.
contract DividendMathTest is Base {
    uint256 private constant _SCALE = uint256(1) << DividendMath.PRECISION_BITS;
    /// @dev Balances and the supply are capped at 2^96 - 1 token-wei by the token.
    uint256 private constant _MAX_SUPPLY = type(uint96).max;
    /// @dev Far more wei than will ever exist (2^128 > 3 * 10^38), so `amount << 64` cannot overflow.
    uint256 private constant _MAX_AMOUNT = type(uint128).max;

    function test_allotted_neverExceedsAmount(uint256 amount, uint256 supply) public pure {
        amount = bound(amount, 0, _MAX_AMOUNT);
        supply = bound(supply, 1, _MAX_SUPPLY);
        uint256 delta = DividendMath.perShare(amount, supply);
        uint256 allotted = DividendMath.allotted(delta, supply);
        assertLe(allotted, amount, "allotted <= amount");
        // What is left to carry is below supply / 2^64 wei (the floor of the per-share division loses < 1 per share).
        assertLt(amount - allotted, (supply >> DividendMath.PRECISION_BITS) + 1, "carry < supply / 2^64 + 1");
    }

    function test_allotted_exactWhenSupplyDividesScale(uint256 amount, uint256 bits) public pure {
        amount = bound(amount, 0, _MAX_AMOUNT);
        uint256 supply = uint256(1) << bound(bits, 0, DividendMath.PRECISION_BITS);
        uint256 delta = DividendMath.perShare(amount, supply);
        assertEq(DividendMath.allotted(delta, supply), amount, "nothing carried when supply divides 2^64");
    }

    function test_earned_sumOverHoldersWithinAllotted(
        uint256 amount,
        uint96[8] memory balances,
        uint256 holderCount
    ) public pure {
        amount = bound(amount, 0, _MAX_AMOUNT);
        holderCount = bound(holderCount, 1, balances.length);
        uint256 supply;
        for (uint256 i; i < holderCount; ++i) {
            // Each balance at most 2^92 so that eight of them stay within the 2^96 supply cap.
            balances[i] = uint96(bound(balances[i], 1, uint256(1) << 92));
            supply += balances[i];
        }
        uint256 delta = DividendMath.perShare(amount, supply);
        uint256 allotted = DividendMath.allotted(delta, supply);
        uint256 sum;
        for (uint256 i; i < holderCount; ++i) sum += DividendMath.earned(balances[i], delta);
        assertLe(sum, allotted, "holders earn at most what was allotted");
        // Each holder loses less than one wei to rounding down, the allotment rounds up by less than one.
        assertLt(allotted - sum, holderCount + 1, "rounding dust < holders + 1");
        assertLe(DividendMath.earned(supply, delta), allotted, "whole supply earns <= allotted");
    }

    function test_earned_roundsDownToTheWei(uint256 balance, uint256 delta) public pure {
        balance = bound(balance, 0, _MAX_SUPPLY);
        delta = bound(delta, 0, type(uint160).max);
        uint256 earned = DividendMath.earned(balance, delta);
        assertLe(earned * _SCALE, balance * delta, "earned * 2^64 <= balance * delta");
        assertLt(balance * delta, (earned + 1) * _SCALE, "balance * delta < (earned + 1) * 2^64");
    }

    function test_earned_lazyAccrualNeverPaysLessThanEager(
        uint256 balance,
        uint256 delta1,
        uint256 delta2
    ) public pure {
        balance = bound(balance, 0, _MAX_SUPPLY);
        delta1 = bound(delta1, 0, type(uint128).max);
        delta2 = bound(delta2, 0, type(uint128).max);
        uint256 eager = DividendMath.earned(balance, delta1) + DividendMath.earned(balance, delta2);
        uint256 lazy = DividendMath.earned(balance, delta1 + delta2);
        // A holder updated once over two distributions gets the same as one updated at each, or one wei more.
        assertLe(eager, lazy, "lazy >= eager");
        assertLe(lazy, eager + 1, "lazy <= eager + 1");
    }

    function test_earned_splitBalanceNeverEarnsMore(uint256 balance1, uint256 balance2, uint256 delta) public pure {
        balance1 = bound(balance1, 0, _MAX_SUPPLY / 2);
        balance2 = bound(balance2, 0, _MAX_SUPPLY / 2);
        delta = bound(delta, 0, type(uint160).max);
        uint256 split = DividendMath.earned(balance1, delta) + DividendMath.earned(balance2, delta);
        uint256 whole = DividendMath.earned(balance1 + balance2, delta);
        assertLe(split, whole, "split <= whole");
        assertLe(whole, split + 1, "whole <= split + 1");
    }
}
