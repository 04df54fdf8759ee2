// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {IDividendToken} from "../interfaces/IDividendToken.sol";
import {TokenTerms, TokenTermsLib} from "../types/TokenTerms.sol";
import {ShopStorage} from "./ShopStorage.sol";

/// @title RuleLedger
/// @notice The rules in force for each token: applying a scheduled change when it falls due, and the management
/// pool's allowance, which follows from the token's supply and is checkpointed when the pool ratio changes or the
/// pool mints. Shared by both shop implementations.
abstract contract RuleLedger is ShopStorage {
    /// @dev Applies token `tokenIndex`'s pending rule change if it is due, and returns the terms in force.
    function _syncRules(uint256 tokenIndex) internal returns (TokenTerms terms) {
        StoredToken storage stored = _layout().tokens[tokenIndex];
        terms = stored.terms;
        if (!_isDue(terms.pendingAt())) return terms;
        TokenRules memory rules = _dueRules(tokenIndex);
        _setRules(stored, tokenIndex, rules, 0);
        delete _layout().pending[tokenIndex];
        emit RulesChanged(tokenIndex, rules);
        return stored.terms;
    }

    /// @dev The pending rules of a token as they apply when due. Orders kept minting under the old rules during the
    /// notice period: a cap below what they minted applies at the supply reached (nothing more mints), so the
    /// supply never exceeds the cap.
    function _dueRules(uint256 tokenIndex) internal view returns (TokenRules memory rules) {
        rules = _layout().pending[tokenIndex];
        if (rules.maxSupply != 0) {
            uint256 supply = IDividendToken(_tokenAt(tokenIndex)).totalSupply();
            // Safe cast: the token caps its supply at 2^95 - 1.
            if (supply > rules.maxSupply) rules.maxSupply = uint96(supply);
        }
    }

    /// @dev Stores `rules` for token `tokenIndex` with pending time `pendingAt` (its notice period stays). A new pool
    /// ratio first checkpoints the allowance accrued under the old one.
    function _setRules(
        StoredToken storage stored,
        uint256 tokenIndex,
        TokenRules memory rules,
        uint256 pendingAt
    ) internal {
        TokenCold memory cold = stored.cold;
        if (cold.poolNum != rules.poolNum || cold.poolDen != rules.poolDen) {
            uint256 supply = IDividendToken(_tokenAt(tokenIndex)).totalSupply();
            _checkpointPool(stored, supply, _poolBalance(stored, supply));
        }
        stored.terms = TokenTermsLib.pack(
            rules.spendPerToken,
            rules.maxSupply,
            pendingAt,
            rules.dividendBps,
            rules.referralBps
        );
        cold.referralsPerToken = rules.referralsPerToken;
        cold.minFirstOrder = rules.minFirstOrder;
        cold.poolNum = rules.poolNum;
        cold.poolDen = rules.poolDen;
        stored.cold = cold;
    }

    /// @dev Token-wei the pool may mint at `supply`: the checkpoint plus the ratio of what the rules minted since.
    /// Never negative: a deficit (see `_poolBalance`) allows nothing.
    function _poolAllowance(StoredToken storage stored, uint256 supply) internal view returns (uint256) {
        int256 balance = _poolBalance(stored, supply);
        // Safe cast: checked to be positive.
        return balance > 0 ? uint256(balance) : 0;
    }

    /// @dev The pool's balance at `supply`: `base + floor((supply - mark) × poolNum / poolDen)`. It is negative when
    /// refunds took back tokens whose pool allowance the pool had already minted: later mints by the rules fill the
    /// deficit before the pool may mint again.
    function _poolBalance(StoredToken storage stored, uint256 supply) internal view returns (int256) {
        TokenPool memory pool = stored.pool;
        TokenCold memory cold = stored.cold;
        if (cold.poolDen == 0) return pool.base;
        // Safe casts: the supply and the mark are below 2^96.
        int256 grown = int256(supply) - int256(uint256(pool.mark));
        if (grown >= 0) return pool.base + (grown * int256(uint256(cold.poolNum))) / int256(uint256(cold.poolDen));
        // Rounded down (away from zero) for a shrunk supply too, so that a take-back never leaves the pool more.
        uint256 shrunk = uint256(-grown) * cold.poolNum;
        return pool.base - int256(Math.ceilDiv(shrunk, cold.poolDen));
    }

    /// @dev Moves the pool checkpoint to `supply` with `balance` left (a change of the pool ratio), a deficit included.
    function _checkpointPool(StoredToken storage stored, uint256 supply, int256 balance) internal {
        // Safe casts: the balance is within +-2^96 (at most the supply, poolNum <= poolDen, and a deficit at most what
        // the pool minted), and the token caps the supply at 2^95 - 1.
        stored.pool = TokenPool({base: int104(balance), mark: uint96(supply)});
    }

    /// @dev Takes a pool mint of `amount` (at most the allowance) out of the allowance, keeping its rounding exact.
    function _spendPool(StoredToken storage stored, uint256 amount) internal {
        TokenPool memory pool = stored.pool;
        // Safe casts: amount is at most the allowance, which is at most the supply (< 2^96); `base` stays within
        // +-2^96 and `mark` within the supply.
        pool.base -= int104(int256(amount));
        pool.mark += uint96(amount);
        stored.pool = pool;
    }
}
