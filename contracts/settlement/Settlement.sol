// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDividendToken} from "../interfaces/IDividendToken.sol";
import {IShopOrders} from "../interfaces/IShopOrders.sol";
import {ShopStorage} from "../ledger/ShopStorage.sol";
import {NativeAsset} from "../payouts/NativeAsset.sol";
import {DayEntry, DayEntryLib} from "../types/DayEntry.sol";

/// @title Settlement
/// @notice Pays a past day's dividends to each token's holders: first the day's checkout escrow, which is the
/// holders' and always goes out, then what the rest of the day's orders owe, from the merchant balance.
/// @dev A token-day carries two flags: `ESCROW_RELEASED` once its escrow is distributed, `SETTLED` once all it owes
/// is. The unfunded part of a day is all or nothing across the day's tokens: either the merchant balance covers it
/// and every token gets its share, or it stays owed (visible in `unsettledDays`) and a later call pays it.
abstract contract Settlement is IShopOrders, ShopStorage, NativeAsset {
    /// @dev The code size of an EIP-1167 minimal proxy, which every shop is.
    uint256 private constant _CLONE_CODE_SIZE = 45;

    /// @inheritdoc IShopOrders
    function deposit() external payable {
        _deposit();
    }

    /// @notice Coin sent to the shop without a call is a deposit, so a merchant can prepay from any wallet or
    /// exchange.
    receive() external payable {
        _deposit();
    }

    /// @inheritdoc IShopOrders
    function settle(uint256 day) external payable {
        Layout storage $ = _layout();
        ShopState memory s = $.state;
        uint256 current = _today(s.utcOffset);
        if (day >= current) revert ShopDayNotOver(day, current);
        uint256 count = s.tokenCount;

        // Each token's record of the day (read once: `_settleToken` writes its flags from it) and what the day still
        // owes: escrow not yet released, and debt not yet paid.
        (DayEntry[] memory entries, uint256[] memory debt, uint256 releaseTotal, uint256 debtTotal) = _outstanding(
            day,
            count
        );
        uint256 value = _assetReceived();
        uint256 available = value == 0 ? s.merchantBalance : _addBalance(s.merchantBalance, value);
        bool funded = debtTotal <= available;
        if (!funded && releaseTotal == 0) {
            revert ShopSettlementUnderfunded(day, debtTotal, available, debtTotal - available);
        }
        uint256 fromBalance = funded ? debtTotal : 0;
        if (value != 0 || fromBalance != 0) {
            // Safe cast: below the available balance, which `_addBalance` keeps within 128 bits.
            $.state.merchantBalance = uint128(available - fromBalance);
            if (value != 0) emit Deposited(msg.sender, value);
        }
        emit DaySettled(day, msg.sender, releaseTotal, fromBalance);
        if (!funded) emit SettlementShortfall(day, debtTotal, available);

        for (uint256 i; i < count; ++i) _settleToken(i, day, entries[i], funded ? debt[i] : 0, debt[i]);
    }

    /// @dev Marks token `tokenIndex`'s part of `day`, whose record is `entry`, and hands it the escrow it has not
    /// released yet (already there) and `paid` wei of its debt `debt` (with the call).
    function _settleToken(uint256 tokenIndex, uint256 day, DayEntry entry, uint256 paid, uint256 debt) private {
        uint256 flags = entry.flags();
        uint256 release = flags & DayEntryLib.ESCROW_RELEASED == 0 ? entry.escrowed() : 0;
        if (release == 0 && paid == 0) return;
        _layout().tokenDays[tokenIndex][day] = entry.withFlags(
            paid == debt ? DayEntryLib.SETTLED | DayEntryLib.ESCROW_RELEASED : DayEntryLib.ESCROW_RELEASED
        );
        uint256 amount = release + paid;
        address token = _tokenAt(tokenIndex);
        // A low-level call: the token is the shop's own clone, which always has code, so Solidity's code-size check
        // (a cold EXTCODESIZE before the call) would only cost gas. A revert is passed on as it came.
        (bool ok, bytes memory reason) = token.call{value: _assetForCall(token, paid)}(
            abi.encodeCall(IDividendToken.distribute, (day, amount))
        );
        if (!ok) {
            // Inline assembly: re-throws the token's revert data unchanged.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                revert(add(reason, 32), mload(reason))
            }
        }
    }

    /// @dev `day`'s record of each of its `count` tokens (left zero for a token it has settled, which `_settleToken`
    /// then skips) and what it still owes them: escrow not yet released in all, debt not yet paid per token and in
    /// all. Reverts when it owes nothing (`ShopDayAlreadySettled` if it has been settled, else `ShopNothingToSettle`).
    function _outstanding(
        uint256 day,
        uint256 count
    ) private view returns (DayEntry[] memory entries, uint256[] memory debt, uint256 releaseTotal, uint256 debtTotal) {
        mapping(uint256 => mapping(uint256 => DayEntry)) storage tokenDays = _layout().tokenDays;
        entries = new DayEntry[](count);
        debt = new uint256[](count);
        bool anySettled;
        for (uint256 i; i < count; ++i) {
            DayEntry entry = tokenDays[i][day];
            uint256 flags = entry.flags();
            if (flags & DayEntryLib.SETTLED != 0) {
                anySettled = true;
                continue;
            }
            // Escrow never exceeds what is owed: it is the increase of the whole-wei debt (see `_addTokenRevenue`).
            uint256 escrowed = entry.escrowed();
            entries[i] = entry;
            if (flags & DayEntryLib.ESCROW_RELEASED == 0) releaseTotal += escrowed;
            debt[i] = entry.owed() - escrowed;
            debtTotal += debt[i];
        }
        if (releaseTotal == 0 && debtTotal == 0) {
            if (anySettled) revert ShopDayAlreadySettled(day);
            revert ShopNothingToSettle(day);
        }
    }

    function _deposit() private {
        // Coin sent to the implementation itself could never be withdrawn: it has no admin. A shop is an EIP-1167
        // clone (45 bytes of code); checking the code size rather than an immutable keeps the order paths' code
        // as it is (an immutable in `Shop` cost them 84-283 gas through the optimizer's code layout).
        if (address(this).code.length != _CLONE_CODE_SIZE) revert ShopNotAClone();
        uint256 amount = _assetReceived();
        if (amount == 0) revert ShopZeroValue();
        ShopState storage state = _layout().state;
        state.merchantBalance = _addBalance(state.merchantBalance, amount);
        emit Deposited(msg.sender, amount);
    }

    /// @dev The merchant balance plus `amount`, refused past 128 bits.
    function _addBalance(uint256 balance, uint256 amount) internal pure returns (uint128) {
        uint256 sum = balance + amount;
        if (sum > type(uint128).max) revert ShopBalanceOverflow(balance, amount);
        // Safe cast: checked just above.
        return uint128(sum);
    }
}
