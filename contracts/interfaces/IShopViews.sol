// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShopBase} from "./IShopBase.sol";

/// @title IShopViews
/// @notice Every view of a shop's state, served by its view module (`ShopLens`) through the shop clone (the shop's
/// EIP-712 domain, `eip712Domain` of ERC-5267, too).
interface IShopViews is IShopBase {
    /// @notice Role that records orders, anchors batches and signs receipts.
    function OPERATOR_ROLE() external view returns (bytes32);

    /// @notice Role that mints from the management pool.
    function POOL_MANAGER_ROLE() external view returns (bytes32);

    /// @notice Most tokens one shop can have (bounds the per-order and per-settlement loops): 8.
    function MAX_TOKENS() external view returns (uint256);

    /// @notice Notice period of a token created with 0: 7 days.
    function DEFAULT_NOTICE_PERIOD() external view returns (uint32);

    /// @notice Shortest notice period: 1 day.
    function MIN_NOTICE_PERIOD() external view returns (uint32);

    /// @notice Return window of a new shop: 7 days.
    function DEFAULT_RETURN_WINDOW() external view returns (uint32);
    /// @notice Shortest return window: 1 day.
    function MIN_RETURN_WINDOW() external view returns (uint32);
    /// @notice Longest return window: 90 days.
    function MAX_RETURN_WINDOW() external view returns (uint32);
    /// @notice Largest Merkle batch: 2^24 orders.
    function MAX_BATCH_ORDERS() external view returns (uint256);

    /// @notice The EIP-712 digest an operator signs for `receipt` (domain `{name: "ShareMall Shop", version: "2",
    /// chainId, verifyingContract: shop}`).
    function receiptDigest(Receipt calldata receipt) external view returns (bytes32);

    /// @notice The factory that deployed the shop.
    function factory() external view returns (address);

    /// @notice Seconds the shop's local time is ahead of UTC.
    function utcOffset() external view returns (int32);

    /// @notice The shop's current day index.
    function today() external view returns (uint256);

    /// @notice Number of tokens of the shop.
    function tokenCount() external view returns (uint256);

    /// @notice The shop's token contracts, by index.
    function tokens() external view returns (address[] memory);

    /// @notice A token's configuration and bookkeeping as stored.
    function tokenConfig(uint256 tokenIndex) external view returns (TokenConfig memory);

    /// @notice The rules in force for a token now, with a due pending change applied.
    function currentRules(uint256 tokenIndex) external view returns (TokenRules memory);

    /// @notice A token's pending rule change and when it applies (all zero when none is pending). A change whose
    /// `effectiveAt` has passed is in force already (`currentRules` shows it): it is stored at the token's next use,
    /// and can no longer be cancelled.
    function pendingRules(uint256 tokenIndex) external view returns (TokenRules memory rules, uint256 effectiveAt);

    /// @notice Token-wei the pool manager may mint now from token `tokenIndex`'s pool:
    /// `minted by orders × poolNum / poolDen` less what the pool has minted.
    function poolAllowance(uint256 tokenIndex) external view returns (uint256);

    /// @notice A day's revenue, order count and settlement status.
    function dayRecord(uint256 day) external view returns (DayRecord memory);

    /// @notice What token `tokenIndex` is owed for `day`, and how much of it is escrowed and distributed.
    function tokenDay(uint256 tokenIndex, uint256 day) external view returns (TokenDay memory);

    /// @notice Whether order id `orderId` has counted (recorded or receipt order) or minted (batch leaf).
    function isOrderIdUsed(uint256 orderId) external view returns (bool);

    /// @notice The used-order-id bitmap word `wordIndex`: bit `b` is order id `wordIndex × 256 + b` (256 ids a read).
    function orderIdBitmap(uint256 wordIndex) external view returns (uint256);

    /// @notice Where `customer`'s payment for `orderHash` stands: held (`amount` = wei held), return requested (the
    /// same), captured (`amount` = wei still refundable) or none (never made, voided or reclaimed).
    function payment(bytes32 orderHash, address customer) external view returns (PaymentStatus status, uint256 amount);
    /// @notice The return window in force now, and a pending shorter one with the time it applies (0, 0 if none).
    function returnWindow() external view returns (uint256 window, uint256 pendingWindow, uint256 pendingAt);
    /// @notice Returned coin owed to `customer` (returns that could not be pushed to it), to withdraw.
    function returnsOwed(address customer) external view returns (uint256);

    /// @notice A customer's bound referrer and whether it has counted an order that binds (any order of the recorded
    /// or checkout paths, or a receipt or leaf naming a referrer).
    function customerOf(address customer) external view returns (address referrer, bool known);

    /// @notice Qualifying referred customers counted for `referrer` on token `tokenIndex`.
    function qualifiedReferrals(uint256 tokenIndex, address referrer) external view returns (uint256);

    /// @notice Native coin the merchant may withdraw or use to fund settlements.
    function merchantBalance() external view returns (uint256);

    /// @notice Number of days that had revenue (the length of the revenue-day list).
    function revenueDayCount() external view returns (uint256);

    /// @notice Past days that still owe dividends among the revenue days `[start, start + limit)`, oldest first.
    function unsettledDays(uint256 start, uint256 limit) external view returns (UnsettledDay[] memory);

    /// @notice An anchored batch (all zero if `root` was never anchored).
    function batch(bytes32 root) external view returns (Batch memory);
}
