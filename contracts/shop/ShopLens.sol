// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {IDividendToken} from "../interfaces/IDividendToken.sol";
import {IShopViews} from "../interfaces/IShopViews.sol";
import {ReceiptLib} from "../libraries/ReceiptLib.sol";
import {RuleLedger} from "../ledger/RuleLedger.sol";
import {BatchEntry} from "../types/BatchEntry.sol";
import {DayEntry, DayEntryLib} from "../types/DayEntry.sol";
import {PaymentRecord} from "../types/PaymentRecord.sol";

/// @title ShopLens
/// @notice The shop's view module: every view of the shop's state and its EIP-712 domain. See `IShopViews`.
/// @dev Deployed by `ShopAdmin`'s constructor and only ever run by delegatecall from a shop clone (through `Shop`'s
/// and then `ShopAdmin`'s fallback), in the clone's storage. It changes nothing: a view costs two hops more than it
/// would in `Shop`, which matters to nobody (views are read by `eth_call`), and keeps both `Shop` and `ShopAdmin` small
/// enough to be compiled for execution cost rather than size.
contract ShopLens is IShopViews, IERC5267, RuleLedger {
    /// @inheritdoc IShopViews
    bytes32 public constant OPERATOR_ROLE = _OPERATOR_ROLE;
    /// @inheritdoc IShopViews
    bytes32 public constant POOL_MANAGER_ROLE = _POOL_MANAGER_ROLE;
    /// @inheritdoc IShopViews
    uint256 public constant MAX_TOKENS = _MAX_TOKENS;
    /// @inheritdoc IShopViews
    uint32 public constant DEFAULT_NOTICE_PERIOD = _DEFAULT_NOTICE_PERIOD;
    /// @inheritdoc IShopViews
    uint32 public constant MIN_NOTICE_PERIOD = _MIN_NOTICE_PERIOD;
    /// @inheritdoc IShopViews
    uint32 public constant DEFAULT_RETURN_WINDOW = _DEFAULT_RETURN_WINDOW;
    /// @inheritdoc IShopViews
    uint32 public constant MIN_RETURN_WINDOW = _MIN_RETURN_WINDOW;
    /// @inheritdoc IShopViews
    uint32 public constant MAX_RETURN_WINDOW = _MAX_RETURN_WINDOW;
    /// @inheritdoc IShopViews
    uint256 public constant MAX_BATCH_ORDERS = _MAX_BATCH_ORDERS;

    // ---------------------------------------------------------------- Views

    /// @inheritdoc IShopViews
    function receiptDigest(Receipt calldata receipt) external view returns (bytes32) {
        return ReceiptLib.digest(receipt);
    }

    /// @inheritdoc IERC5267
    function eip712Domain()
        external
        view
        returns (
            bytes1 fields,
            string memory name,
            string memory version,
            uint256 chainId,
            address verifyingContract,
            bytes32 salt,
            uint256[] memory extensions
        )
    {
        return (
            hex"0f",
            ReceiptLib.NAME,
            ReceiptLib.VERSION,
            block.chainid,
            address(this),
            bytes32(0),
            new uint256[](0)
        );
    }

    /// @inheritdoc IShopViews
    function factory() external view returns (address) {
        return _layout().factory;
    }

    /// @inheritdoc IShopViews
    function utcOffset() external view returns (int32) {
        return _layout().state.utcOffset;
    }

    /// @inheritdoc IShopViews
    function today() external view returns (uint256) {
        return _today(_layout().state.utcOffset);
    }

    /// @inheritdoc IShopViews
    function tokenCount() external view returns (uint256) {
        return _layout().state.tokenCount;
    }

    /// @inheritdoc IShopViews
    function tokens() external view returns (address[] memory list) {
        Layout storage $ = _layout();
        uint256 count = $.state.tokenCount;
        list = new address[](count);
        for (uint256 i; i < count; ++i) list[i] = _tokenAt(i);
    }

    /// @inheritdoc IShopViews
    function tokenConfig(uint256 tokenIndex) external view returns (TokenConfig memory config) {
        Layout storage $ = _layout();
        _checkTokenIndex(tokenIndex, $.state.tokenCount);
        StoredToken storage stored = $.tokens[tokenIndex];
        config.token = _tokenAt(tokenIndex);
        uint256 supply = IDividendToken(config.token).totalSupply();
        config.noticePeriod = stored.cold.noticePeriod;
        // Safe cast: a pending time has 36 bits.
        config.pendingAt = uint40(stored.terms.pendingAt());
        config.rules = _rulesOf(stored);
        // Safe casts: the token caps its supply at 2^95 - 1, and the allowance is at most the supply.
        config.minted = uint96(supply);
        config.poolAllowance = uint96(_poolAllowance(stored, supply));
        config.pending = $.pending[tokenIndex];
    }

    /// @inheritdoc IShopViews
    function currentRules(uint256 tokenIndex) external view returns (TokenRules memory) {
        Layout storage $ = _layout();
        _checkTokenIndex(tokenIndex, $.state.tokenCount);
        StoredToken storage stored = $.tokens[tokenIndex];
        return _isDue(stored.terms.pendingAt()) ? _dueRules(tokenIndex) : _rulesOf(stored);
    }

    /// @inheritdoc IShopViews
    function pendingRules(uint256 tokenIndex) external view returns (TokenRules memory rules, uint256 effectiveAt) {
        Layout storage $ = _layout();
        _checkTokenIndex(tokenIndex, $.state.tokenCount);
        return ($.pending[tokenIndex], $.tokens[tokenIndex].terms.pendingAt());
    }

    /// @inheritdoc IShopViews
    function poolAllowance(uint256 tokenIndex) external view returns (uint256) {
        Layout storage $ = _layout();
        _checkTokenIndex(tokenIndex, $.state.tokenCount);
        return _poolAllowance($.tokens[tokenIndex], IDividendToken(_tokenAt(tokenIndex)).totalSupply());
    }

    /// @inheritdoc IShopViews
    function dayRecord(uint256 day) external view returns (DayRecord memory record) {
        DayEntry first = _layout().tokenDays[0][day];
        // Safe casts: a day's revenue has 104 bits and its order count 32.
        record.revenue = uint128(first.revenue());
        record.orderCount = uint64(first.orderCount());
        record.settled = _isSettled(day);
    }

    /// @inheritdoc IShopViews
    function tokenDay(uint256 tokenIndex, uint256 day) external view returns (TokenDay memory) {
        _checkTokenIndex(tokenIndex, _layout().state.tokenCount);
        DayEntry entry = _layout().tokenDays[tokenIndex][day];
        return
            TokenDay({
                revenue: entry.revenue(),
                dividendBps: entry.dividendBps(),
                owed: entry.owed(),
                escrowed: entry.escrowed(),
                escrowReleased: entry.flags() & DayEntryLib.ESCROW_RELEASED != 0,
                settled: entry.flags() & DayEntryLib.SETTLED != 0
            });
    }

    /// @inheritdoc IShopViews
    function isOrderIdUsed(uint256 orderId) external view returns (bool) {
        return _layout().orderIds[orderId >> 8] & (1 << (orderId & 0xff)) != 0;
    }

    /// @inheritdoc IShopViews
    function orderIdBitmap(uint256 wordIndex) external view returns (uint256) {
        return _layout().orderIds[wordIndex];
    }

    /// @inheritdoc IShopViews
    function payment(bytes32 orderHash, address customer) external view returns (PaymentStatus status, uint256 amount) {
        PaymentRecord record = _layout().payments[_paymentKey(orderHash, customer)];
        // The stored states are the enum's values.
        return (PaymentStatus(record.status()), record.amount());
    }

    /// @inheritdoc IShopViews
    function returnWindow() external view returns (uint256 window, uint256 pendingWindow, uint256 pendingAt) {
        ShopState memory s = _layout().state;
        if (_isDue(s.returnWindowPendingAt)) return (s.pendingReturnWindow, 0, 0);
        return (s.returnWindow, s.pendingReturnWindow, s.returnWindowPendingAt);
    }

    /// @inheritdoc IShopViews
    function returnsOwed(address customer) external view returns (uint256) {
        return _layout().returnsOwed[customer];
    }

    /// @inheritdoc IShopViews
    function customerOf(address customer) external view returns (address referrer, bool known) {
        Customer memory c = _layout().customers[customer];
        return (c.referrer, c.known);
    }

    /// @inheritdoc IShopViews
    function qualifiedReferrals(uint256 tokenIndex, address referrer) external view returns (uint256) {
        return _layout().qualified[tokenIndex][referrer];
    }

    /// @inheritdoc IShopViews
    function merchantBalance() external view returns (uint256) {
        return _layout().state.merchantBalance;
    }

    /// @inheritdoc IShopViews
    function revenueDayCount() external view returns (uint256) {
        return _layout().revenueDays.length;
    }

    /// @inheritdoc IShopViews
    function unsettledDays(uint256 start, uint256 limit) external view returns (UnsettledDay[] memory list) {
        Layout storage $ = _layout();
        uint256 length = $.revenueDays.length;
        uint256 end = start >= length ? start : (limit > length - start ? length : start + limit);
        list = new UnsettledDay[](end - start);
        uint256 found;
        uint256 current = _today($.state.utcOffset);
        uint256 count = $.state.tokenCount;
        for (uint256 k = start; k < end; ++k) {
            uint256 day = $.revenueDays[k];
            if (day >= current) continue;
            UnsettledDay memory entry = UnsettledDay({day: day, owed: 0, unfunded: 0});
            for (uint256 i; i < count; ++i) {
                DayEntry d = $.tokenDays[i][day];
                uint256 flags = d.flags();
                if (flags & DayEntryLib.SETTLED != 0) continue;
                uint256 owed = d.owed();
                if (owed == 0) continue;
                uint256 unfunded = owed - d.escrowed();
                entry.owed += flags & DayEntryLib.ESCROW_RELEASED != 0 ? unfunded : owed;
                entry.unfunded += unfunded;
            }
            // A day whose debt rounds to zero, or is paid out, has nothing to settle.
            if (entry.owed != 0) list[found++] = entry;
        }
        // Inline assembly: shrinks a memory array in place (only lowers its length), which Solidity cannot express.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(list, found)
        }
    }

    /// @inheritdoc IShopViews
    function batch(bytes32 root) external view returns (Batch memory) {
        BatchEntry entry = _layout().batches[root];
        // Safe casts: each field was stored from a value that fits.
        return
            Batch({
                day: uint32(entry.day()),
                firstOrderId: uint64(entry.firstOrderId()),
                orderCount: uint32(entry.orderCount()),
                mintedCount: uint32(entry.mintedCount()),
                unmintedRevenue: uint96(entry.unmintedRevenue()),
                tokenCount: uint8(entry.tokenCount())
            });
    }

    // ---------------------------------------------------------------- Internal

    /// @dev Whether every token that `day` owes has been paid in full (false for a day that owes nothing).
    function _isSettled(uint256 day) private view returns (bool settled) {
        Layout storage $ = _layout();
        uint256 count = $.state.tokenCount;
        for (uint256 i; i < count; ++i) {
            DayEntry entry = $.tokenDays[i][day];
            if (entry.flags() & DayEntryLib.SETTLED != 0) settled = true;
            else if (entry.owed() != 0) return false;
        }
    }
}
