// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "./utils/Vm.sol";
import {DividendMath} from "../../contracts/libraries/DividendMath.sol";

/* solhint-disable func-name-mixedcase */

/// @title DividendMathTest
/// @notice Fuzz tests of the accumulator maths: what a distribution allots and leaves to carry, and the one-slot holder
/// accounting (`claimable`, `afterCredit`, `afterDebit`, `afterClaim`, `raise`), which is modular (mod 2^160): a
/// holder's claimable must equal an exact integer model of its dividends while they stay below 2^96 wei, from any
/// starting accumulator, and whether or not the accumulator wraps past 2^160.
contract DividendMathTest is Base {
    /// @dev A holder's slot as the token keeps it.
    struct Holder {
        uint256 balance;
        uint256 correction;
    }

    /// @dev One run of the step sequence: two holders at one accumulator, and the exact model of both.
    struct Run {
        uint256 accumulator;
        Holder[2] holders;
        /// @dev Exact dividends of each holder scaled by 2^64 (what it earned minus what it claimed, never reduced
        /// modulo anything): the model.
        uint256[2] scaled;
    }

    uint256 private constant _SCALE = uint256(1) << DividendMath.PRECISION_BITS;
    uint256 private constant _MOD = uint256(1) << 160;
    /// @dev Balances and the supply are capped at 2^96 - 1 token-wei by the token.
    uint256 private constant _MAX_SUPPLY = type(uint96).max;
    /// @dev Far more wei than will ever exist (2^128 > 3 * 10^38), so `amount << 64` cannot overflow.
    uint256 private constant _MAX_AMOUNT = type(uint128).max;
    /// @dev The exactness limit: a holder's scaled dividends below 2^160, i.e. below 2^96 wei.
    uint256 private constant _EXACT_LIMIT = _MOD - 1;

    // ---------------------------------------------------------------- perShare and allotted

    function testFuzz_allotted_neverExceedsAmount(uint256 amount, uint256 supply) public pure {
        amount = bound(amount, 0, _MAX_AMOUNT);
        supply = bound(supply, 1, _MAX_SUPPLY);
        uint256 delta = DividendMath.perShare(amount, supply);
        uint256 allotted = DividendMath.allotted(delta, supply);
        assertLe(allotted, amount, "allotted <= amount");
        // What is left to carry is below supply / 2^64 wei (the floor of the per-share division loses < 1 per share).
        assertLt(amount - allotted, (supply >> DividendMath.PRECISION_BITS) + 1, "carry < supply / 2^64 + 1");
    }

    function testFuzz_allotted_exactWhenSupplyDividesScale(uint256 amount, uint256 bits) public pure {
        amount = bound(amount, 0, _MAX_AMOUNT);
        uint256 supply = uint256(1) << bound(bits, 0, DividendMath.PRECISION_BITS);
        uint256 delta = DividendMath.perShare(amount, supply);
        assertEq(DividendMath.allotted(delta, supply), amount, "nothing carried when supply divides 2^64");
    }

    /// @notice Below its precondition (amount < 2^192; a token distributes at most a day's debt plus a 160-bit
    /// rollover and a 64-bit carry, below 2^161) perShare is the exact floor of amount * 2^64 / supply.
    function testFuzz_perShare_isTheFloorBelow2pow192(uint256 amount, uint256 supply) public view {
        supply = bound(supply, 1, _MAX_SUPPLY);
        amount = bound(amount, 0, (uint256(1) << 192) - 1);
        assertEq(this.perShareOf(amount, supply), (amount << 64) / supply, "perShare = amount * 2^64 / supply");
    }

    /// @dev External wrapper, so that a revert of the library call can be expected.
    function perShareOf(uint256 amount, uint256 supply) external pure returns (uint256) {
        return DividendMath.perShare(amount, supply);
    }

    // ---------------------------------------------------------------- raise

    function testFuzz_raise_addsModulo2pow160(uint256 accumulator, uint256 delta) public pure {
        accumulator = bound(accumulator, 0, _MOD - 1);
        delta = bound(delta, 0, _MOD - 1);
        uint256 raised = DividendMath.raise(accumulator, delta);
        assertEq(raised, (accumulator + delta) % _MOD, "raise = (accumulator + delta) mod 2^160");
    }

    // ---------------------------------------------------------------- one holder

    function testFuzz_claimable_roundsDownToTheWei(uint256 balance, uint256 delta, uint256 start) public pure {
        balance = bound(balance, 1, _MAX_SUPPLY);
        // Dividends below 2^96 wei: balance * delta < 2^160.
        delta = bound(delta, 0, _EXACT_LIMIT / balance);
        start = bound(start, 0, _MOD - 1);
        uint256 correction = DividendMath.afterCredit(0, balance, start);
        assertEq(DividendMath.claimable(balance, correction, start), 0, "nothing claimable at the credit");
        uint256 claimable = DividendMath.claimable(balance, correction, DividendMath.raise(start, delta));
        assertLe(claimable * _SCALE, balance * delta, "claimable * 2^64 <= balance * delta");
        assertLt(balance * delta, (claimable + 1) * _SCALE, "balance * delta < (claimable + 1) * 2^64");
    }

    /// @notice A holder that claims after every distribution gets exactly what one claim at the end pays: the
    /// fraction of a wei a claim leaves stays in the correction.
    function testFuzz_afterClaim_claimingEachTimePaysTheSameAsOnce(
        uint256 balance,
        uint256[4] memory deltas,
        uint256 start
    ) public pure {
        balance = bound(balance, 1, _MAX_SUPPLY);
        start = bound(start, 0, _MOD - 1);
        uint256 eagerCorrection = DividendMath.afterCredit(0, balance, start);
        uint256 lazyCorrection = eagerCorrection;
        uint256 accumulator = start;
        uint256 budget = _EXACT_LIMIT / balance;
        uint256 eager;
        for (uint256 k; k < deltas.length; ++k) {
            uint256 delta = bound(deltas[k], 0, budget / deltas.length);
            accumulator = DividendMath.raise(accumulator, delta);
            uint256 amount = DividendMath.claimable(balance, eagerCorrection, accumulator);
            eagerCorrection = DividendMath.afterClaim(eagerCorrection, amount);
            eager += amount;
        }
        uint256 lazy = DividendMath.claimable(balance, lazyCorrection, accumulator);
        assertEq(eager, lazy, "claims after each distribution add up to one claim at the end");
        assertEq(DividendMath.claimable(balance, eagerCorrection, accumulator), 0, "nothing left after the claims");
    }

    function testFuzz_claimable_splitBalanceNeverEarnsMore(
        uint256 balance1,
        uint256 balance2,
        uint256 delta,
        uint256 start
    ) public pure {
        balance1 = bound(balance1, 0, _MAX_SUPPLY / 2);
        balance2 = bound(balance2, 0, _MAX_SUPPLY / 2);
        uint256 whole = balance1 + balance2;
        delta = bound(delta, 0, whole == 0 ? _MOD - 1 : _EXACT_LIMIT / whole);
        start = bound(start, 0, _MOD - 1);
        uint256 end = DividendMath.raise(start, delta);
        uint256 split = _earnedBetween(balance1, start, end) + _earnedBetween(balance2, start, end);
        uint256 together = _earnedBetween(whole, start, end);
        assertLe(split, together, "split <= whole");
        assertLe(together, split + 1, "whole <= split + 1");
    }

    function testFuzz_claimable_sumOverHoldersWithinAllotted(
        uint256 amount,
        uint96[8] memory balances,
        uint256 holderCount,
        uint256 start
    ) public pure {
        amount = bound(amount, 0, 1e28);
        holderCount = bound(holderCount, 1, balances.length);
        start = bound(start, 0, _MOD - 1);
        uint256 supply;
        for (uint256 i; i < holderCount; ++i) {
            // Each balance at most 2^92 so that eight of them stay within the 2^96 supply cap.
            balances[i] = uint96(bound(balances[i], 1, uint256(1) << 92));
            supply += balances[i];
        }
        uint256 delta = DividendMath.perShare(amount, supply);
        uint256 allotted = DividendMath.allotted(delta, supply);
        uint256 end = DividendMath.raise(start, delta);
        uint256 sum;
        for (uint256 i; i < holderCount; ++i) sum += _earnedBetween(balances[i], start, end);
        assertLe(sum, allotted, "holders can claim at most what was allotted");
        // Each holder loses less than one wei to rounding down, the allotment rounds up by less than one.
        assertLt(allotted - sum, holderCount + 1, "rounding dust < holders + 1");
        assertLe(_earnedBetween(supply, start, end), allotted, "whole supply earns <= allotted");
    }

    // ---------------------------------------------------------------- the exact model

    /// @notice Random credits (mints), debits (burns), transfers between two holders, claims and raises: after every
    /// step each holder's claimable is exactly its modelled dividends (sum of balance x delta over the raises, minus
    /// its claims x 2^64, in unbounded integers) rounded down, while they stay below 2^96 wei. The same steps from an
    /// accumulator of 0 and from `start` (anywhere mod 2^160, so it may wrap during the run) give the same results.
    function testFuzz_claimable_matchesExactModelAfterRandomSteps(
        uint256 seed,
        uint256 start,
        uint256 steps
    ) public pure {
        _runAgainstModel(seed, bound(start, 0, _MOD - 1), bound(steps, 1, 24));
    }

    /// @notice As above from just below 2^160; if the random raises did not carry the accumulator past 2^160, both
    /// holders claim and one more raise does, and the claims still match the model.
    function testFuzz_claimable_wrapAroundChangesNothing(uint256 seed, uint256 below, uint256 steps) public pure {
        below = bound(below, 1, uint256(1) << 40);
        (Run memory fromZero, Run memory fromStart, bool wrapped) = _runAgainstModel(
            seed,
            _MOD - below,
            bound(steps, 1, 24)
        );
        if (!wrapped) {
            // After the claims each holder's scaled dividends are below 2^64, and supply * delta < 2^137.
            for (uint256 h; h < 2; ++h) {
                _claim(fromZero, h);
                _claim(fromStart, h);
            }
            uint256 delta = below + (seed % below);
            _raise(fromZero, delta);
            _raise(fromStart, delta);
            _check(fromZero, fromStart);
            wrapped = fromStart.accumulator < _MOD - below;
        }
        assertTrue(wrapped, "the accumulator wrapped past 2^160");
    }

    function _runAgainstModel(
        uint256 seed,
        uint256 start,
        uint256 steps
    ) private pure returns (Run memory fromZero, Run memory fromStart, bool wrapped) {
        fromStart.accumulator = start;
        for (uint256 k; k < steps; ++k) {
            uint256 e = uint256(keccak256(abi.encode(seed, k)));
            uint256 h = e & 1;
            uint256 op = (e >> 1) % 5;
            uint256 x = e >> 8;
            if (op == 0) {
                // Credit (a mint): within the 2^95 - 1 supply.
                uint256 room = _MAX_SUPPLY - fromZero.holders[0].balance - fromZero.holders[1].balance;
                uint256 amount = bound(x, 0, room);
                _credit(fromZero, h, amount);
                _credit(fromStart, h, amount);
            } else if (op == 1) {
                // Debit (a burn) of part of the balance.
                uint256 amount = bound(x, 0, fromZero.holders[h].balance);
                _debit(fromZero, h, amount);
                _debit(fromStart, h, amount);
            } else if (op == 2) {
                // Transfer to the other holder, or to itself.
                uint256 to = (e >> 4) & 1;
                uint256 amount = bound(x, 0, fromZero.holders[h].balance);
                _debit(fromZero, h, amount);
                _credit(fromZero, to, amount);
                _debit(fromStart, h, amount);
                _credit(fromStart, to, amount);
            } else if (op == 3) {
                _claim(fromZero, h);
                _claim(fromStart, h);
            } else {
                // A raise small enough that both holders' dividends stay below 2^96 wei.
                uint256 supply = fromZero.holders[0].balance + fromZero.holders[1].balance;
                uint256 most = fromZero.scaled[0] > fromZero.scaled[1] ? fromZero.scaled[0] : fromZero.scaled[1];
                uint256 delta = bound(x, 0, supply == 0 ? _MOD - 1 : (_EXACT_LIMIT - most) / supply);
                _raise(fromZero, delta);
                uint256 before = fromStart.accumulator;
                _raise(fromStart, delta);
                if (fromStart.accumulator < before) wrapped = true;
            }
            _check(fromZero, fromStart);
        }
    }

    /// @dev Both runs against the model: same balances, claimables equal to the exact model's, accumulators offset by
    /// the start (mod 2^160).
    function _check(Run memory fromZero, Run memory fromStart) private pure {
        for (uint256 i; i < 2; ++i) {
            uint256 expected = fromZero.scaled[i] >> DividendMath.PRECISION_BITS;
            assertEq(_claimableOf(fromZero, i), expected, "claimable == exact model (accumulator from 0)");
            assertEq(_claimableOf(fromStart, i), expected, "claimable == exact model (accumulator from start)");
            assertEq(fromStart.holders[i].balance, fromZero.holders[i].balance, "same balances");
        }
    }

    function _credit(Run memory run, uint256 h, uint256 amount) private pure {
        Holder memory holder = run.holders[h];
        holder.correction = DividendMath.afterCredit(holder.correction, amount, run.accumulator);
        holder.balance += amount;
    }

    function _debit(Run memory run, uint256 h, uint256 amount) private pure {
        Holder memory holder = run.holders[h];
        holder.correction = DividendMath.afterDebit(holder.correction, amount, run.accumulator);
        holder.balance -= amount;
    }

    function _claim(Run memory run, uint256 h) private pure {
        Holder memory holder = run.holders[h];
        uint256 amount = DividendMath.claimable(holder.balance, holder.correction, run.accumulator);
        holder.correction = DividendMath.afterClaim(holder.correction, amount);
        run.scaled[h] -= amount << DividendMath.PRECISION_BITS;
    }

    function _raise(Run memory run, uint256 delta) private pure {
        run.accumulator = DividendMath.raise(run.accumulator, delta);
        for (uint256 i; i < 2; ++i) run.scaled[i] += run.holders[i].balance * delta;
    }

    function _claimableOf(Run memory run, uint256 h) private pure returns (uint256) {
        return DividendMath.claimable(run.holders[h].balance, run.holders[h].correction, run.accumulator);
    }

    /// @dev What `balance`, credited at accumulator `start` to an empty slot, can claim at `end`.
    function _earnedBetween(uint256 balance, uint256 start, uint256 end) private pure returns (uint256) {
        return DividendMath.claimable(balance, DividendMath.afterCredit(0, balance, start), end);
    }
}
