// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {IDividendToken} from "../interfaces/IDividendToken.sol";
import {IShareMallFactory} from "../interfaces/IShareMallFactory.sol";
import {IShopAdmin} from "../interfaces/IShopAdmin.sol";
import {DayMath} from "../libraries/DayMath.sol";
import {ReceiptLib} from "../libraries/ReceiptLib.sol";
import {RulesLib} from "../libraries/RulesLib.sol";
import {RuleLedger} from "../ledger/RuleLedger.sol";
import {NativeAsset} from "../payouts/NativeAsset.sol";
import {BatchEntry} from "../types/BatchEntry.sol";
import {DayEntry, DayEntryLib} from "../types/DayEntry.sol";
import {TokenTerms} from "../types/TokenTerms.sol";

/// @title ShopAdmin
/// @notice The shop's admin module: the initializer, tokens and their rules under the notice rules, roles
/// (OpenZeppelin's `AccessControlUpgradeable`), the management pool, the merchant's withdrawals and every view. See
/// `IShopAdmin`.
/// @dev Deployed by the `Shop` implementation's constructor and only ever run by delegatecall from a shop clone (in
/// the clone's storage, with the clone's caller); called directly it acts on its own storage, which is never
/// initialised, and holds nothing.
contract ShopAdmin is IShopAdmin, IERC5267, RuleLedger, AccessControlUpgradeable, NativeAsset {
    /// @inheritdoc IShopAdmin
    bytes32 public constant OPERATOR_ROLE = _OPERATOR_ROLE;
    /// @inheritdoc IShopAdmin
    bytes32 public constant POOL_MANAGER_ROLE = _POOL_MANAGER_ROLE;
    /// @inheritdoc IShopAdmin
    uint256 public constant MAX_TOKENS = _MAX_TOKENS;
    /// @inheritdoc IShopAdmin
    uint32 public constant DEFAULT_NOTICE_PERIOD = _DEFAULT_NOTICE_PERIOD;
    /// @inheritdoc IShopAdmin
    uint32 public constant MIN_NOTICE_PERIOD = _MIN_NOTICE_PERIOD;
    /// @inheritdoc IShopAdmin
    uint256 public constant MAX_BATCH_ORDERS = _MAX_BATCH_ORDERS;

    address private immutable _SELF = address(this);

    constructor() {
        _disableInitializers();
    }

    /// @inheritdoc IShopAdmin
    function initialize(address admin, address operator, int32 offset) external initializer {
        if (admin == address(0)) revert ShopInvalidAdmin(admin);
        if (!DayMath.isValidOffset(offset)) revert ShopInvalidUtcOffset(offset);
        __AccessControl_init();
        Layout storage $ = _layout();
        $.state = ShopState({utcOffset: offset, tokenCount: 0, merchantBalance: 0});
        $.factory = msg.sender;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (operator != address(0)) _grantRole(_OPERATOR_ROLE, operator);
        emit ShopInitialized(msg.sender, admin, offset);
    }

    // ---------------------------------------------------------------- Tokens and rules

    /// @inheritdoc IShopAdmin
    function createToken(
        TokenParams calldata params
    ) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 tokenIndex, address token) {
        Layout storage $ = _layout();
        tokenIndex = $.state.tokenCount;
        uint32 notice = _checkNewToken(params, tokenIndex);
        // Safe cast: tokenIndex < _MAX_TOKENS.
        $.state.tokenCount = uint8(tokenIndex + 1);
        token = _deployToken(params);
        StoredToken storage stored = $.tokens[tokenIndex];
        stored.cold.noticePeriod = notice;
        _setRules(stored, tokenIndex, params.rules, 0);
        emit TokenCreated(tokenIndex, token, params.name, params.symbol, params.transferable, notice, params.rules);
        IShareMallFactory($.factory).registerToken(tokenIndex, token);
    }

    /// @inheritdoc IShopAdmin
    function changeRules(
        uint256 tokenIndex,
        TokenRules calldata rules
    ) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 effectiveAt) {
        Layout storage $ = _layout();
        uint256 count = $.state.tokenCount;
        _checkTokenIndex(tokenIndex, count);
        TokenTerms terms = _syncRules(tokenIndex);
        StoredToken storage stored = $.tokens[tokenIndex];
        RulesLib.validate(rules, IDividendToken(_tokenAt(tokenIndex)).totalSupply());
        TokenRules memory current = _rulesOf(stored);
        bool atOnce = RulesLib.isAtOnce(current, rules);
        uint256 reserved = atOnce ? rules.dividendBps : _max(current.dividendBps, rules.dividendBps);
        uint256 totalBps = _reservedBps(tokenIndex, count) + reserved;
        if (totalBps > _BPS) revert ShopDividendBpsTooHigh(totalBps);

        if (atOnce) {
            _setRules(stored, tokenIndex, rules, 0);
            if (terms.pendingAt() != 0) {
                delete $.pending[tokenIndex];
                emit RulesChangeCancelled(tokenIndex);
            }
            emit RulesChanged(tokenIndex, rules);
            // A raise applies to the whole current day: today's rate, fixed at its first order, goes up with it.
            mapping(uint256 => DayEntry) storage days_ = $.tokenDays[tokenIndex];
            uint256 current_ = _today($.state.utcOffset);
            DayEntry entry = days_[current_];
            if (entry.revenue() != 0 && rules.dividendBps > entry.dividendBps()) {
                days_[current_] = entry.withDividendBps(rules.dividendBps);
            }
            // Time use: reports when the change took effect (now); nothing is decided on it.
            // solhint-disable-next-line not-rely-on-time
            return block.timestamp;
        }
        // Time use: the notice period (at least a day) starts now; seconds of leeway are negligible.
        // solhint-disable-next-line not-rely-on-time
        effectiveAt = block.timestamp + stored.cold.noticePeriod;
        $.pending[tokenIndex] = rules;
        // A timestamp plus a 32-bit period fits the 36 bits of `pendingAt` until the year 4147.
        stored.terms = terms.withPendingAt(effectiveAt);
        emit RulesChangeScheduled(tokenIndex, rules, effectiveAt);
    }

    /// @inheritdoc IShopAdmin
    function cancelRulesChange(uint256 tokenIndex) external onlyRole(DEFAULT_ADMIN_ROLE) {
        Layout storage $ = _layout();
        _checkTokenIndex(tokenIndex, $.state.tokenCount);
        TokenTerms terms = _syncRules(tokenIndex);
        if (terms.pendingAt() == 0) revert ShopNoPendingRules(tokenIndex);
        $.tokens[tokenIndex].terms = terms.withPendingAt(0);
        delete $.pending[tokenIndex];
        emit RulesChangeCancelled(tokenIndex);
    }

    /// @inheritdoc IShopAdmin
    function applyPendingRules(uint256 tokenIndex) external {
        Layout storage $ = _layout();
        _checkTokenIndex(tokenIndex, $.state.tokenCount);
        uint256 pendingAt = $.tokens[tokenIndex].terms.pendingAt();
        if (pendingAt == 0) revert ShopNoPendingRules(tokenIndex);
        if (!_isDue(pendingAt)) revert ShopRulesNotDue(tokenIndex, pendingAt);
        _syncRules(tokenIndex);
    }

    // ---------------------------------------------------------------- Pool and funds

    /// @inheritdoc IShopAdmin
    function mintFromPool(
        uint256 tokenIndex,
        address to,
        uint256 amount,
        bytes32 reason
    ) external onlyRole(_POOL_MANAGER_ROLE) {
        Layout storage $ = _layout();
        _checkTokenIndex(tokenIndex, $.state.tokenCount);
        if (to == address(0)) revert ShopZeroAddress();
        if (amount == 0) revert ShopZeroValue();
        uint256 cap = _syncRules(tokenIndex).maxSupply();
        StoredToken storage stored = $.tokens[tokenIndex];
        IDividendToken token = IDividendToken(_tokenAt(tokenIndex));
        uint256 supply = token.totalSupply();
        uint256 allowance = _poolAllowance(stored, supply);
        if (amount > allowance) revert ShopPoolAllowanceExceeded(tokenIndex, allowance, amount);
        uint256 maxSupply = cap == 0 ? type(uint96).max : cap;
        uint256 supplyAfter = supply + amount;
        if (supplyAfter > maxSupply) revert ShopMaxSupplyExceeded(tokenIndex, maxSupply, supplyAfter);
        _checkpointPool(stored, supplyAfter, allowance - amount);
        emit PoolMinted(tokenIndex, to, amount, reason);
        uint256[] memory credit = new uint256[](1);
        // Safe: amount <= allowance < 2^96.
        credit[0] = (uint256(uint160(to)) << 96) | amount;
        token.mintBatch(credit, cap);
    }

    /// @inheritdoc IShopAdmin
    function withdraw(address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (to == address(0)) revert ShopZeroAddress();
        if (amount == 0) revert ShopZeroValue();
        ShopState storage state = _layout().state;
        uint256 balance = state.merchantBalance;
        if (amount > balance) revert ShopInsufficientBalance(balance, amount);
        // Safe cast: below the current balance.
        state.merchantBalance = uint128(balance - amount);
        emit Withdrawn(to, amount);
        if (!_assetSend(to, amount)) revert ShopWithdrawalFailed(to, amount);
    }

    // ---------------------------------------------------------------- Views

    /// @inheritdoc IShopAdmin
    function adminModule() external view returns (address) {
        return _SELF;
    }

    /// @inheritdoc IShopAdmin
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
        return (hex"0f", ReceiptLib.NAME, ReceiptLib.VERSION, block.chainid, address(this), bytes32(0), new uint256[](0));
    }

    /// @inheritdoc IShopAdmin
    function factory() external view returns (address) {
        return _layout().factory;
    }

    /// @inheritdoc IShopAdmin
    function utcOffset() external view returns (int32) {
        return _layout().state.utcOffset;
    }

    /// @inheritdoc IShopAdmin
    function today() external view returns (uint256) {
        return _today(_layout().state.utcOffset);
    }

    /// @inheritdoc IShopAdmin
    function tokenCount() external view returns (uint256) {
        return _layout().state.tokenCount;
    }

    /// @inheritdoc IShopAdmin
    function tokens() external view returns (address[] memory list) {
        Layout storage $ = _layout();
        uint256 count = $.state.tokenCount;
        list = new address[](count);
        for (uint256 i; i < count; ++i) list[i] = _tokenAt(i);
    }

    /// @inheritdoc IShopAdmin
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
        // Safe casts: the token caps its supply at 2^96 - 1, and the allowance is at most the supply.
        config.minted = uint96(supply);
        config.poolAllowance = uint96(_poolAllowance(stored, supply));
        config.pending = $.pending[tokenIndex];
    }

    /// @inheritdoc IShopAdmin
    function currentRules(uint256 tokenIndex) external view returns (TokenRules memory) {
        Layout storage $ = _layout();
        _checkTokenIndex(tokenIndex, $.state.tokenCount);
        StoredToken storage stored = $.tokens[tokenIndex];
        return _isDue(stored.terms.pendingAt()) ? _dueRules(tokenIndex) : _rulesOf(stored);
    }

    /// @inheritdoc IShopAdmin
    function pendingRules(uint256 tokenIndex) external view returns (TokenRules memory rules, uint256 effectiveAt) {
        Layout storage $ = _layout();
        _checkTokenIndex(tokenIndex, $.state.tokenCount);
        return ($.pending[tokenIndex], $.tokens[tokenIndex].terms.pendingAt());
    }

    /// @inheritdoc IShopAdmin
    function poolAllowance(uint256 tokenIndex) external view returns (uint256) {
        Layout storage $ = _layout();
        _checkTokenIndex(tokenIndex, $.state.tokenCount);
        return _poolAllowance($.tokens[tokenIndex], IDividendToken(_tokenAt(tokenIndex)).totalSupply());
    }

    /// @inheritdoc IShopAdmin
    function dayRecord(uint256 day) external view returns (DayRecord memory record) {
        DayEntry first = _layout().tokenDays[0][day];
        // Safe casts: a day's revenue has 104 bits and its order count 32.
        record.revenue = uint128(first.revenue());
        record.orderCount = uint64(first.orderCount());
        record.settled = _isSettled(day);
    }

    /// @inheritdoc IShopAdmin
    function tokenDay(uint256 tokenIndex, uint256 day) external view returns (TokenDay memory) {
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

    /// @inheritdoc IShopAdmin
    function isOrderIdUsed(uint256 orderId) external view returns (bool) {
        return _layout().orderIds[orderId >> 8] & (1 << (orderId & 0xff)) != 0;
    }

    /// @inheritdoc IShopAdmin
    function orderIdBitmap(uint256 wordIndex) external view returns (uint256) {
        return _layout().orderIds[wordIndex];
    }

    /// @inheritdoc IShopAdmin
    function isCheckoutCounted(bytes32 orderHash, address customer) external view returns (bool) {
        return _layout().checkouts[_checkoutKey(orderHash, customer)];
    }

    /// @inheritdoc IShopAdmin
    function customerOf(address customer) external view returns (address referrer, bool known) {
        Customer memory c = _layout().customers[customer];
        return (c.referrer, c.known);
    }

    /// @inheritdoc IShopAdmin
    function qualifiedReferrals(uint256 tokenIndex, address referrer) external view returns (uint256) {
        return _layout().qualified[tokenIndex][referrer];
    }

    /// @inheritdoc IShopAdmin
    function merchantBalance() external view returns (uint256) {
        return _layout().state.merchantBalance;
    }

    /// @inheritdoc IShopAdmin
    function revenueDayCount() external view returns (uint256) {
        return _layout().revenueDays.length;
    }

    /// @inheritdoc IShopAdmin
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

    /// @inheritdoc IShopAdmin
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

    /// @dev Deploys the next token as a clone with immutable arguments (shop, factory, transfer policy, name and
    /// symbol) by CREATE, so that it lands at `_tokenAt(tokenIndex)`.
    function _deployToken(TokenParams calldata params) private returns (address token) {
        address factory_ = _layout().factory;
        // Lengths fit in one byte: `_checkNewToken` allows names up to 64 bytes and symbols up to 16.
        bytes memory args = abi.encodePacked(
            address(this),
            factory_,
            params.transferable,
            uint8(bytes(params.name).length),
            params.name,
            uint8(bytes(params.symbol).length),
            params.symbol
        );
        token = Clones.cloneWithImmutableArgs(IShareMallFactory(factory_).tokenImplementation(), args);
    }

    /// @dev Checks a new token's parameters and returns its notice period.
    function _checkNewToken(TokenParams calldata params, uint256 tokenIndex) private view returns (uint32 notice) {
        if (tokenIndex >= _MAX_TOKENS) revert ShopTooManyTokens(_MAX_TOKENS);
        uint256 nameLength = bytes(params.name).length;
        uint256 symbolLength = bytes(params.symbol).length;
        if (nameLength == 0 || nameLength > 64 || symbolLength == 0 || symbolLength > 16) {
            revert ShopInvalidTokenMetadata(params.name, params.symbol);
        }
        notice = params.noticePeriod == 0 ? _DEFAULT_NOTICE_PERIOD : params.noticePeriod;
        if (notice < _MIN_NOTICE_PERIOD) revert ShopNoticePeriodTooShort(notice, _MIN_NOTICE_PERIOD);
        RulesLib.validate(params.rules, 0);
        uint256 totalBps = _reservedBps(tokenIndex, tokenIndex) + params.rules.dividendBps;
        if (totalBps > _BPS) revert ShopDividendBpsTooHigh(totalBps);
    }

    /// @dev Dividend share reserved by the tokens other than `tokenIndex`: the highest of each one's rate now, its
    /// pending rate and today's rate (fixed at the day's first order, so a lowering that fell due today still
    /// counts at the old rate until midnight).
    function _reservedBps(uint256 tokenIndex, uint256 count) private view returns (uint256 total) {
        Layout storage $ = _layout();
        uint256 current = _today($.state.utcOffset);
        for (uint256 j; j < count; ++j) {
            if (j == tokenIndex) continue;
            TokenTerms terms = $.tokens[j].terms;
            uint256 bps = _max(terms.dividendBps(), $.tokenDays[j][current].dividendBps());
            if (terms.pendingAt() != 0) bps = _max(bps, $.pending[j].dividendBps);
            total += bps;
        }
    }

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

    function _max(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a : b;
    }
}
