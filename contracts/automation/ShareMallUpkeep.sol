// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDividendToken} from "../interfaces/IDividendToken.sol";
import {IShop} from "../interfaces/IShop.sol";
import {IShopBase} from "../interfaces/IShopBase.sol";
import {IShareMallFactory} from "../interfaces/IShareMallFactory.sol";
import {IShareMallUpkeep} from "../interfaces/IShareMallUpkeep.sol";

/// @title ShareMallUpkeep
/// @notice Settles a factory's shops after their midnight and pushes their payouts, for Chainlink Automation or any
/// keeper network. See `IShareMallUpkeep`.
/// @dev Stateless: `performUpkeep` re-checks everything it is given, because anyone may call it with any data.
contract ShareMallUpkeep is IShareMallUpkeep {
    /// @dev `performData` actions.
    uint8 private constant _SETTLE = 1;
    uint8 private constant _PAYOUT = 2;

    /// @inheritdoc IShareMallUpkeep
    uint256 public constant SCAN_DAYS = 90;

    /// @inheritdoc IShareMallUpkeep
    address public immutable FACTORY;

    /// @param factory The ShareMall factory whose shops this upkeep serves.
    constructor(address factory) {
        FACTORY = factory;
    }

    /// @inheritdoc IShareMallUpkeep
    function checkUpkeep(bytes calldata checkData) external returns (bool upkeepNeeded, bytes memory performData) {
        (address shop, address[] memory holders) = abi.decode(checkData, (address, address[]));
        return _check(shop, holders);
    }

    /// @inheritdoc IShareMallUpkeep
    function checker(
        address shop,
        address[] calldata holders
    ) external returns (bool canExec, bytes memory execPayload) {
        (bool needed, bytes memory performData) = _check(shop, holders);
        if (!needed) return (false, bytes("ShareMall: nothing due"));
        return (true, abi.encodeCall(IShareMallUpkeep.performUpkeep, (performData)));
    }

    /// @inheritdoc IShareMallUpkeep
    function performUpkeep(bytes calldata performData) external {
        (uint8 action, address target, uint256 day, address[] memory holders) = abi.decode(
            performData,
            (uint8, address, uint256, address[])
        );
        if (action == _SETTLE) {
            if (!IShareMallFactory(FACTORY).isShop(target)) revert UpkeepUnknownShop(target);
            // The shop checks the day itself and reverts when it cannot make progress on it.
            IShop(target).settle(day);
            emit UpkeepPerformed(msg.sender, _SETTLE, target, day, 0);
        } else if (action == _PAYOUT) {
            if (IShareMallFactory(FACTORY).shopOfToken(target) == address(0)) revert UpkeepUnknownToken(target);
            uint256 paid = IDividendToken(target).payout(holders);
            if (paid == 0) revert UpkeepNotNeeded();
            emit UpkeepPerformed(msg.sender, _PAYOUT, target, 0, paid);
        } else {
            revert UpkeepInvalidAction(action);
        }
    }

    /// @inheritdoc IShareMallUpkeep
    function simulatePayout(address token, address[] calldata holders) external {
        IDividendToken(token).payout(holders);
        address[] memory paid = new address[](holders.length);
        uint256 found;
        // A holder was paid iff it had something owed (the caller lists only those) and now has nothing.
        for (uint256 k; k < holders.length; ++k) {
            if (IDividendToken(token).claimable(holders[k]) == 0) paid[found++] = holders[k];
        }
        // Inline assembly: shrinks the memory array in place to the holders paid (only lowers its length).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(paid, found)
        }
        revert UpkeepSimulated(paid);
    }

    /// @dev The work `shop` needs now, oldest settlement first, then payouts to `holders`.
    function _check(address shop, address[] memory holders) private returns (bool, bytes memory) {
        if (!IShareMallFactory(FACTORY).isShop(shop)) revert UpkeepUnknownShop(shop);
        IShop s = IShop(shop);
        uint256 count = s.revenueDayCount();
        uint256 start = count > SCAN_DAYS ? count - SCAN_DAYS : 0;
        IShopBase.UnsettledDay[] memory due = s.unsettledDays(start, SCAN_DAYS);
        uint256 balance = s.merchantBalance();
        for (uint256 k; k < due.length; ++k) {
            // A settlement makes progress when the day has checkout escrow to release (`owed` counts it, `unfunded`
            // does not) or when the merchant balance covers its debt.
            if (due[k].owed > due[k].unfunded || due[k].unfunded <= balance) {
                return (true, abi.encode(_SETTLE, shop, due[k].day, new address[](0)));
            }
        }
        address[] memory tokens = s.tokens();
        for (uint256 i; i < tokens.length; ++i) {
            address[] memory owed = _owedHolders(IDividendToken(tokens[i]), holders);
            if (owed.length == 0) continue;
            address[] memory payees = _wouldPay(tokens[i], owed);
            if (payees.length != 0) return (true, abi.encode(_PAYOUT, tokens[i], uint256(0), payees));
        }
        return (false, "");
    }

    /// @dev The holders among `owed` that a payout of `token` would pay now (the others refuse the coin).
    function _wouldPay(address token, address[] memory owed) private returns (address[] memory) {
        try this.simulatePayout(token, owed) {
            // Unreachable: `simulatePayout` always reverts.
            return new address[](0);
        } catch (bytes memory reason) {
            if (reason.length < 4 || bytes4(reason) != UpkeepSimulated.selector) return new address[](0);
            // Inline assembly: drops the 4-byte selector in place, leaving the ABI-encoded arguments to decode.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                let length := mload(reason)
                reason := add(reason, 4)
                mstore(reason, sub(length, 4))
            }
            return abi.decode(reason, (address[]));
        }
    }

    /// @dev The `holders` that `token` owes dividends and that accept push payouts.
    function _owedHolders(IDividendToken token, address[] memory holders) private view returns (address[] memory owed) {
        owed = new address[](holders.length);
        uint256 found;
        for (uint256 k; k < holders.length; ++k) {
            if (token.claimable(holders[k]) != 0 && !token.payoutOptedOut(holders[k])) owed[found++] = holders[k];
        }
        // Inline assembly: shrinks the memory array in place to the holders found (only lowers its length).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(owed, found)
        }
    }
}
