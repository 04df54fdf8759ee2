// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShopBase} from "../interfaces/IShopBase.sol";

/// @title RulesLib
/// @notice Checks token rules and decides which changes may apply at once under the notice rules.
library RulesLib {
    uint256 private constant _BPS = 10_000;

    /// @notice Reverts with `ShopInvalidRules(field)` unless `rules` is consistent for a token that has minted
    /// `minted` token-wei.
    function validate(IShopBase.TokenRules memory rules, uint256 minted) internal pure {
        if (rules.dividendBps > _BPS) revert IShopBase.ShopInvalidRules("dividendBps above 10000");
        if (rules.referralBps > _BPS) revert IShopBase.ShopInvalidRules("referralBps above 10000");
        if (rules.poolDen == 0 && rules.poolNum != 0) revert IShopBase.ShopInvalidRules("poolNum without poolDen");
        if (rules.poolNum > rules.poolDen) revert IShopBase.ShopInvalidRules("poolNum above poolDen");
        if (rules.maxSupply != 0 && rules.maxSupply < minted)
            revert IShopBase.ShopInvalidRules("maxSupply below supply");
        // Dividends of a token nobody can earn would only roll over until the first minter took them all.
        if (rules.dividendBps != 0 && rules.spendPerToken == 0 && rules.referralsPerToken == 0) {
            revert IShopBase.ShopInvalidRules("dividends without a minting rule");
        }
    }

    /// @notice Whether moving from `current` to `next` may apply at once: only a raise of `dividendBps` (or no
    /// change) does. Every minting rule waits for the notice period in either direction: a more generous rule
    /// dilutes the holders (applied at once, it would let a merchant mint to an insider just before settling an
    /// unsettled day), a stingier one short-changes contributors; the pool ratio and `maxSupply` likewise.
    function isAtOnce(
        IShopBase.TokenRules memory current,
        IShopBase.TokenRules memory next
    ) internal pure returns (bool) {
        return
            next.dividendBps >= current.dividendBps &&
            next.referralBps == current.referralBps &&
            next.spendPerToken == current.spendPerToken &&
            next.referralsPerToken == current.referralsPerToken &&
            next.minFirstOrder == current.minFirstOrder &&
            next.maxSupply == current.maxSupply &&
            next.poolNum == current.poolNum &&
            next.poolDen == current.poolDen;
    }
}
