// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShop} from "../interfaces/IShop.sol";

/// @title RulesLib
/// @notice Checks token rules and decides which changes may apply at once under the notice rules.
library RulesLib {
    uint256 private constant _BPS = 10_000;

    /// @notice Reverts with `ShopInvalidRules(field)` unless `rules` is consistent for a token that has minted
    /// `minted` token-wei.
    function validate(IShop.TokenRules memory rules, uint256 minted) internal pure {
        if (rules.dividendBps > _BPS) revert IShop.ShopInvalidRules("dividendBps above 10000");
        if (rules.referralBps > _BPS) revert IShop.ShopInvalidRules("referralBps above 10000");
        if (rules.poolDen == 0 && rules.poolNum != 0) revert IShop.ShopInvalidRules("poolNum without poolDen");
        if (rules.poolNum > rules.poolDen) revert IShop.ShopInvalidRules("poolNum above poolDen");
        if (rules.maxSupply != 0 && rules.maxSupply < minted) revert IShop.ShopInvalidRules("maxSupply below supply");
    }

    /// @notice Whether moving from `current` to `next` only favours contributors (or changes nothing), so it may
    /// apply at once: `dividendBps` and `referralBps` not lower; `spendPerToken`, `referralsPerToken` and
    /// `minFirstOrder` not higher (0 counts as "disabled", the stingiest setting); pool ratio and `maxSupply`
    /// unchanged (either direction hurts someone: holders are diluted, servicers short-changed).
    function isAtOnce(IShop.TokenRules memory current, IShop.TokenRules memory next) internal pure returns (bool) {
        return
            next.dividendBps >= current.dividendBps &&
            next.referralBps >= current.referralBps &&
            _notStingier(current.spendPerToken, next.spendPerToken) &&
            _notStingier(current.referralsPerToken, next.referralsPerToken) &&
            next.minFirstOrder <= current.minFirstOrder &&
            next.maxSupply == current.maxSupply &&
            next.poolNum == current.poolNum &&
            next.poolDen == current.poolDen;
    }

    /// @dev For "one token per N" settings where 0 disables: enabling or lowering N is generous.
    function _notStingier(uint256 current, uint256 next) private pure returns (bool) {
        if (current == 0) return true;
        return next != 0 && next <= current;
    }
}
