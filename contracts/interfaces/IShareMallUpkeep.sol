// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IShareMallUpkeep
/// @notice Daily settlement and push payouts of one factory's shops for automation networks: compatible with
/// Chainlink Automation's `AutomationCompatibleInterface` (`checkUpkeep` / `performUpkeep`, same selectors) and,
/// through `checker`, with Gelato-style resolvers. It holds no coin and no role: everything it does, anyone may do.
/// @dev `checkData` is `abi.encode(address shop, address[] holders)`: the shop to keep and the holders its payouts go
/// to (automation networks cap `checkData`, so register one upkeep per batch of up to 100 holders). `performData` is
/// `abi.encode(uint8 action, address target, uint256 day, address[] holders)`: action 1 settles `day` of the shop
/// `target`, action 2 pays `holders` their dividends of the token `target`.
interface IShareMallUpkeep {
    /// @notice Thrown by `performUpkeep` when its payout would pay no one (nothing claimable, or all opted out).
    error UpkeepNotNeeded();
    /// @notice Thrown when `shop` is not a shop of this upkeep's factory.
    error UpkeepUnknownShop(address shop);
    /// @notice Thrown when `token` is not a token of a shop of this upkeep's factory.
    error UpkeepUnknownToken(address token);
    /// @notice Thrown when `performData` names an `action` other than 1 (settle) or 2 (payout).
    error UpkeepInvalidAction(uint256 action);
    /// @notice Thrown by `simulatePayout`, always: the holders its payout paid (the others were passed over or
    /// refused the coin).
    error UpkeepSimulated(address[] paid);

    /// @notice Emitted when `caller` performed `action` on `target` (the shop settled, or the token paid out); `day` is
    /// the day settled (0 for a payout) and `paid` the wei pushed (0 for a settlement).
    event UpkeepPerformed(
        address indexed caller,
        uint256 indexed action,
        address indexed target,
        uint256 day,
        uint256 paid
    );

    /// @notice The factory whose shops and tokens this upkeep serves.
    function FACTORY() external view returns (address);

    /// @notice Revenue days (the most recent ones) that `checkUpkeep` looks through for a day to settle: 90. An older
    /// day still unsettled is settled by hand (`days:settle`) or by `performUpkeep` with its day.
    function SCAN_DAYS() external view returns (uint256);

    /// @notice Whether the shop in `checkData` needs work, and which: first its oldest past day that a `settle` can
    /// make progress on (escrow to release, or a debt the merchant balance covers), else a payout of its first token
    /// with holders (among those in `checkData`) that a payout would pay now: owed dividends, opted in, and accepting
    /// the coin (found by simulating the payout, so that a holder that refuses it never makes the upkeep loop).
    /// @dev Not `view` (as in Chainlink's `AutomationCompatibleInterface`): it simulates the payout through
    /// `simulatePayout`, which always reverts. Call it with `eth_call`; sent as a transaction it changes nothing.
    /// @param checkData `abi.encode(address shop, address[] holders)`.
    /// @return upkeepNeeded Whether `performUpkeep(performData)` would do something now.
    /// @return performData What to pass to `performUpkeep` (empty when nothing is needed).
    function checkUpkeep(bytes calldata checkData) external returns (bool upkeepNeeded, bytes memory performData);

    /// @notice Does what `checkUpkeep` found, re-checking it: anyone may call it, with any data. A settlement that the
    /// shop refuses reverts with the shop's own error (`ShopDayAlreadySettled`, `ShopDayNotOver`,
    /// `ShopNothingToSettle`, `ShopSettlementUnderfunded`); a payout that pays no one reverts with `UpkeepNotNeeded`.
    /// Either way nothing changes.
    /// @param performData `abi.encode(uint8 action, address target, uint256 day, address[] holders)`.
    function performUpkeep(bytes calldata performData) external;

    /// @notice The same check for a Gelato-style resolver: whether to execute, and the call to execute on this
    /// contract (`performUpkeep` with its data), or the reason nothing is due. Not `view`, like `checkUpkeep`: call it
    /// with `eth_call`.
    function checker(
        address shop,
        address[] calldata holders
    ) external returns (bool canExec, bytes memory execPayload);

    /// @notice Pays `holders` their dividends of `token`, then reverts with `UpkeepSimulated` naming those it paid, so
    /// that nothing is applied: what `checkUpkeep` uses to leave out holders a payout would not pay. Anyone may call
    /// it; it always reverts.
    function simulatePayout(address token, address[] calldata holders) external;
}
