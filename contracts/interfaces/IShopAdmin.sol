// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShopBase} from "./IShopBase.sol";

/// @title IShopAdmin
/// @notice What a shop's admin module (`ShopAdmin`) does, reached through the shop clone: the initializer, tokens and
/// their rules under the notice rules, the management pool and the merchant's withdrawals (with OpenZeppelin's role
/// management, `IAccessControl`). The views are `IShopViews`.
interface IShopAdmin is IShopBase {
    /// @notice Sets up a new clone. Called once by the factory in the transaction that deploys it.
    /// @param admin Merchant admin (holds the admin role; grants the other roles).
    /// @param operator Backend key for recording orders, or the zero address to grant it later.
    /// @param utcOffset Seconds the shop's local time is ahead of UTC (China: 28,800).
    function initialize(address admin, address operator, int32 utcOffset) external;

    /// @notice Creates a dividend token with `params`. Admin only.
    /// @return tokenIndex Index of the token in the shop.
    /// @return token The token clone.
    function createToken(TokenParams calldata params) external returns (uint256 tokenIndex, address token);

    /// @notice Changes a token's rules. Admin only. A change that only raises `dividendBps` applies at once (to the
    /// whole current day) and drops any pending change; any other change (every minting rule, in either direction,
    /// the pool ratio and `maxSupply`) is scheduled for now + notice period, replacing any pending change, so holders
    /// see every dilution coming. A lower `dividendBps` applies from the day after it falls due.
    /// @return effectiveAt When the change applies (the current time if at once).
    function changeRules(uint256 tokenIndex, TokenRules calldata rules) external returns (uint256 effectiveAt);

    /// @notice Cancels a token's pending rule change. Admin only.
    function cancelRulesChange(uint256 tokenIndex) external;

    /// @notice Applies a token's pending rule change that is due. Anyone.
    function applyPendingRules(uint256 tokenIndex) external;

    /// @notice Mints `amount` token-wei of token `tokenIndex` from the pool allowance to `to`. Pool manager only.
    /// @param reason Hash of the off-chain reason (service record) for the mint.
    function mintFromPool(uint256 tokenIndex, address to, uint256 amount, bytes32 reason) external;

    /// @notice Withdraws `amount` wei of the merchant balance to `to`. Admin only.
    function withdraw(address to, uint256 amount) external;
}
