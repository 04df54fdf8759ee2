// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IDividendToken} from "../interfaces/IDividendToken.sol";
import {IShareMallFactory} from "../interfaces/IShareMallFactory.sol";
import {IShopAdmin} from "../interfaces/IShopAdmin.sol";
import {DayMath} from "../libraries/DayMath.sol";
import {RulesLib} from "../libraries/RulesLib.sol";
import {RuleLedger} from "../ledger/RuleLedger.sol";
import {NativeAsset} from "../payouts/NativeAsset.sol";
import {DayEntry} from "../types/DayEntry.sol";
import {TokenTerms} from "../types/TokenTerms.sol";
import {ShopLens} from "./ShopLens.sol";

/// @title ShopAdmin
/// @notice The shop's admin module: the initializer, tokens and their rules under the notice rules, roles
/// (OpenZeppelin's `AccessControlUpgradeable`), the management pool and the merchant's withdrawals. See `IShopAdmin`.
/// Every other selector (the views, `IShopViews`) falls through to `ShopLens`, which this module deploys in its
/// constructor.
/// @dev Deployed by the `ShopPayments` module's constructor and only ever run by delegatecall from a shop clone
/// (in the clone's storage, with the clone's caller, through `Shop`'s and `ShopPayments`' fallbacks); called
/// directly it acts on its own storage, which is never initialised, and holds nothing.
contract ShopAdmin is IShopAdmin, RuleLedger, AccessControlUpgradeable, NativeAsset {
    /// @dev The token's supply limit (`DividendToken` keeps its payout opt-out flag in bit 95 of a balance).
    uint256 private constant _TOKEN_SUPPLY_LIMIT = (uint256(1) << 95) - 1;

    /// @dev The view module, deployed with this one; every shop shares it.
    address private immutable _LENS;

    constructor() {
        _LENS = address(new ShopLens());
        _disableInitializers();
    }

    /// @inheritdoc IShopAdmin
    function initialize(address admin, address operator, int32 offset) external initializer {
        if (admin == address(0)) revert ShopInvalidAdmin(admin);
        if (!DayMath.isValidOffset(offset)) revert ShopInvalidUtcOffset(offset);
        __AccessControl_init();
        Layout storage $ = _layout();
        $.state = ShopState({
            utcOffset: offset,
            tokenCount: 0,
            merchantBalance: 0,
            // Safe cast: 7 days fits 24 bits.
            returnWindow: uint24(_DEFAULT_RETURN_WINDOW),
            pendingReturnWindow: 0,
            returnWindowPendingAt: 0
        });
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
        // The token caps its supply at 2^95 - 1 (its accounts keep a flag in bit 95).
        uint256 maxSupply = cap == 0 || cap > _TOKEN_SUPPLY_LIMIT ? _TOKEN_SUPPLY_LIMIT : cap;
        uint256 supplyAfter = supply + amount;
        if (supplyAfter > maxSupply) revert ShopMaxSupplyExceeded(tokenIndex, maxSupply, supplyAfter);
        _spendPool(stored, amount);
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

    /// @notice Every selector this module does not have is a view: the view module serves it, in the clone's storage.
    /// Not payable: a call with value that reaches it reverts.
    // solhint-disable-next-line payable-fallback
    fallback() external {
        _delegate(_LENS);
    }

    // ---------------------------------------------------------------- Internal

    /// @dev Runs the call in `module` by delegatecall and returns or reverts with its result.
    function _delegate(address module) private {
        // Inline assembly: forwards calldata and returns the module's return data or revert reason unchanged.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            calldatacopy(0, 0, calldatasize())
            let ok := delegatecall(gas(), module, 0, calldatasize(), 0, 0)
            returndatacopy(0, 0, returndatasize())
            switch ok
            case 0 {
                revert(0, returndatasize())
            }
            default {
                return(0, returndatasize())
            }
        }
    }

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

    function _max(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a : b;
    }
}
