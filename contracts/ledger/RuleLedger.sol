// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

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
            // Safe cast: the token caps its supply at 2^96 - 1.
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
            _checkpointPool(stored, supply, _poolAllowance(stored, supply));
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
    function _poolAllowance(StoredToken storage stored, uint256 supply) internal view returns (uint256) {
        TokenPool memory pool = stored.pool;
        TokenCold memory cold = stored.cold;
        int256 accrued = cold.poolDen == 0 ? int256(0) : int256(((supply - pool.mark) * cold.poolNum) / cold.poolDen);
        int256 allowance = pool.base + accrued;
        // Never negative (each pool mint is at most the allowance); the guard only keeps a view from reverting.
        // Safe cast: checked to be positive.
        return allowance > 0 ? uint256(allowance) : 0;
    }

    /// @dev Moves the pool checkpoint to `supply` with `allowance` left (a change of the pool ratio).
    function _checkpointPool(StoredToken storage stored, uint256 supply, uint256 allowance) internal {
        // Safe casts: the allowance is at most the supply (poolNum <= poolDen), which the token caps at 2^96 - 1.
        stored.pool = TokenPool({base: int104(int256(allowance)), mark: uint96(supply)});
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
