// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IShopBase} from "../interfaces/IShopBase.sol";
import {DayMath} from "../libraries/DayMath.sol";
import {BatchEntry} from "../types/BatchEntry.sol";
import {DayEntry} from "../types/DayEntry.sol";
import {PaymentRecord} from "../types/PaymentRecord.sol";
import {TokenTerms} from "../types/TokenTerms.sol";

/// @title ShopStorage
/// @notice The storage layout of a shop clone, shared by its four implementations (`Shop`, and `ShopPayments`,
/// `ShopAdmin` and `ShopLens`, which run in the clone's storage by delegatecall), with the constants and the small
/// accessors they need.
/// @dev The layout lives at one ERC-7201 namespace, `sharemall.storage.Shop`, so that it does not depend on what each
/// implementation inherits (OpenZeppelin's roles and initializer live at their own namespaces). Roles are
/// OpenZeppelin's `AccessControlUpgradeable`, which `ShopAdmin` runs; `Shop` only reads them (`_hasRole`), so that
/// the contract every order runs through carries none of the role-management functions. Slots, by what reads them:
/// - `state`: UTC offset, token count, merchant balance and the return window. Every order and settlement.
/// - `tokens[i]`: `terms` (`TokenTerms`: spend per token, supply cap, pending change time, dividend and referral
///   shares) is read by every order; `cold` (referral bonus, minimum first order, notice period, pool ratio) only by
///   referred first orders and rule changes; `pool` (the pool allowance's checkpoint) only by pool reads and mints:
///   the allowance is computed from the supply, not accrued per order. A token's address is not stored: the shop
///   deploys token i with its (i + 1)-th CREATE, so the address follows from the shop's (`_tokenAt`).
/// - `pending[i]`: a scheduled rule change, read only when it falls due.
/// - `tokenDays[i][day]` (`DayEntry`): what token i counted that day (revenue, escrow, the day's dividend rate, order
///   count, settlement flags): the one slot per token that an order writes and a settlement reads and writes.
/// - `orderIds`: the bitmap of used order ids of the operator's paths, 256 ids a slot, so that consecutive ids share
///   a slot; `payments` (`PaymentRecord`): one slot per on-chain payment, keyed by `(orderHash, customer)`, and
///   `returnsOwed`: returned coin that could not be pushed to its customer.
/// - `customers`, `qualified`: referrer bindings and qualifying referral counts.
/// - `revenueDays`: the days that had revenue, in order, for `unsettledDays`; `batches` (`BatchEntry`): one slot per
///   Merkle root.
/// Nothing is deployed on a public chain yet: this layout replaced v1's without a migration (docs/architecture.md).
abstract contract ShopStorage is IShopBase, Initializable {
    /// @dev The return window is in force from `returnWindowPendingAt` at `pendingReturnWindow` once that time has
    /// passed (a shorter window waits for its notice period; see `_returnWindowNow`).
    struct ShopState {
        int32 utcOffset;
        uint8 tokenCount;
        uint128 merchantBalance;
        uint24 returnWindow;
        uint24 pendingReturnWindow;
        uint40 returnWindowPendingAt;
    }

    struct TokenCold {
        uint32 referralsPerToken;
        uint96 minFirstOrder;
        uint32 noticePeriod;
        uint16 poolNum;
        uint16 poolDen;
    }

    /// @dev The pool allowance is `base + floor((supply - mark) × poolNum / poolDen)`: it grows with every token the
    /// rules mint, without a write per order. A pool mint of `x` lowers `base` and raises `mark` by `x` (so the floor
    /// is untouched and nothing is lost to rounding: with one ratio the allowance is exactly
    /// `floor(minted by the rules × poolNum / poolDen) - minted by the pool`); a change of the pool ratio moves the
    /// checkpoint to the supply reached (`base` = the allowance then). `base` may be negative while `mark` is ahead.
    struct TokenPool {
        int104 base;
        uint96 mark;
    }

    struct StoredToken {
        TokenTerms terms;
        TokenCold cold;
        TokenPool pool;
    }

    struct Customer {
        address referrer;
        bool known;
    }

    /// @custom:storage-location erc7201:sharemall.storage.Shop
    struct Layout {
        ShopState state;
        address factory;
        mapping(uint256 tokenIndex => StoredToken) tokens;
        mapping(uint256 tokenIndex => TokenRules) pending;
        mapping(uint256 tokenIndex => mapping(uint256 day => DayEntry)) tokenDays;
        mapping(uint256 wordIndex => uint256 bits) orderIds;
        mapping(bytes32 paymentKey => PaymentRecord) payments;
        mapping(address customer => Customer) customers;
        mapping(uint256 tokenIndex => mapping(address referrer => uint256)) qualified;
        uint256[] revenueDays;
        mapping(bytes32 root => BatchEntry) batches;
        mapping(address customer => uint256) returnsOwed;
    }

    /// @dev OpenZeppelin's admin role, which grants the other roles.
    bytes32 internal constant _DEFAULT_ADMIN_ROLE = 0x00;
    /// @dev The role that records orders, anchors batches and signs receipts.
    bytes32 internal constant _OPERATOR_ROLE = keccak256("sharemall.role.operator");
    /// @dev The role that mints from the management pool.
    bytes32 internal constant _POOL_MANAGER_ROLE = keccak256("sharemall.role.pool-manager");
    /// @dev Most tokens one shop can have (bounds the per-order and per-settlement loops).
    uint256 internal constant _MAX_TOKENS = 8;
    /// @dev Notice period used when a token is created with 0.
    uint32 internal constant _DEFAULT_NOTICE_PERIOD = 7 days;
    /// @dev Shortest notice period.
    uint32 internal constant _MIN_NOTICE_PERIOD = 1 days;
    /// @dev Return window of a new shop.
    uint32 internal constant _DEFAULT_RETURN_WINDOW = 7 days;
    /// @dev Shortest return window.
    uint32 internal constant _MIN_RETURN_WINDOW = 1 days;
    /// @dev Longest return window (fits the 24 bits it is stored in).
    uint32 internal constant _MAX_RETURN_WINDOW = 90 days;
    /// @dev Largest Merkle batch.
    uint256 internal constant _MAX_BATCH_ORDERS = 1 << 24;
    /// @dev OpenZeppelin `AccessControlUpgradeable`'s ERC-7201 namespace (`openzeppelin.storage.AccessControl`).
    bytes32 private constant _ACCESS_CONTROL_SLOT = 0x02dd7bc7dec4dceedda775e58dd541e08a116c6c53815c0bd028192f7b626800;

    /// @dev keccak256(abi.encode(uint256(keccak256("sharemall.storage.Shop")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant _LAYOUT_SLOT = 0xb1c8e271388cad8ea9aa3259961cc6304bbb5d268d63f3b3587ef91f79d7d300;
    uint256 internal constant _BPS = 10_000;
    uint256 internal constant _ONE_TOKEN = 1e18;

    /// @dev OpenZeppelin `AccessControlUpgradeable`'s storage as `_hasRole` reads it: `RoleRecord` and `RoleBook` are
    /// its `RoleData` and `AccessControlStorage`, whose ERC-7201 layout OpenZeppelin keeps stable within a major
    /// version (a test checks that both see the same roles).
    struct RoleRecord {
        mapping(address account => bool) hasRole;
        bytes32 adminRole;
    }

    /// @custom:storage-location erc7201:openzeppelin.storage.AccessControl
    struct RoleBook {
        mapping(bytes32 role => RoleRecord) roles;
    }

    modifier onlyAdmin() {
        if (!_hasRole(_DEFAULT_ADMIN_ROLE, msg.sender)) {
            revert IAccessControl.AccessControlUnauthorizedAccount(msg.sender, _DEFAULT_ADMIN_ROLE);
        }
        _;
    }

    modifier onlyOperator() {
        if (!_hasRole(_OPERATOR_ROLE, msg.sender)) {
            revert IAccessControl.AccessControlUnauthorizedAccount(msg.sender, _OPERATOR_ROLE);
        }
        _;
    }

    /// @dev Whether `account` holds `role`, as `AccessControlUpgradeable.hasRole` (run by `ShopAdmin`) says.
    function _hasRole(bytes32 role, address account) internal view returns (bool) {
        RoleBook storage roles;
        // Inline assembly: points a storage reference at OpenZeppelin's namespace, which Solidity cannot express.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            roles.slot := _ACCESS_CONTROL_SLOT
        }
        return roles.roles[role].hasRole[account];
    }

    function _layout() internal pure returns (Layout storage $) {
        // Inline assembly: points a storage reference at the ERC-7201 namespace, which Solidity cannot express.
        // solhint-disable-next-line no-inline-assembly
        assembly {
            $.slot := _LAYOUT_SLOT
        }
    }

    /// @dev The shop's current day index for a shop at `utcOffset`.
    function _today(int32 utcOffset) internal view returns (uint256) {
        // Time use: the shop's local day index; a proposer's seconds of timestamp leeway only matter at midnight.
        // solhint-disable-next-line not-rely-on-time
        return DayMath.dayOf(block.timestamp, utcOffset);
    }

    function _isDue(uint256 pendingAt) internal view returns (bool) {
        // Time use: a notice period (at least a day) ends at a time; seconds of leeway do not matter.
        // solhint-disable-next-line not-rely-on-time
        return pendingAt != 0 && pendingAt <= block.timestamp;
    }

    function _checkTokenIndex(uint256 tokenIndex, uint256 count) internal pure {
        if (tokenIndex >= count) revert ShopUnknownToken(tokenIndex, count);
    }

    /// @dev The address of the shop's token `tokenIndex`: the shop deploys its tokens itself, token i with its
    /// (i + 1)-th CREATE (a contract's nonce starts at 1, and the shop creates nothing else), so the address is
    /// `keccak256(rlp([shop, i + 1]))` and needs no storage read. Valid for `tokenIndex < MAX_TOKENS`.
    function _tokenAt(uint256 tokenIndex) internal view returns (address token) {
        // Inline assembly: hashes the 23-byte RLP list [address(this), nonce] in scratch space; nonces 1 to 127
        // encode as one byte.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0, or(or(shl(240, 0xd694), shl(80, address())), shl(72, add(tokenIndex, 1))))
            token := and(keccak256(0, 23), 0xffffffffffffffffffffffffffffffffffffffff)
        }
    }

    /// @dev The rules stored for a token.
    function _rulesOf(StoredToken storage stored) internal view returns (TokenRules memory) {
        TokenTerms terms = stored.terms;
        TokenCold memory cold = stored.cold;
        // Safe casts: every field was stored from a value of its type.
        return
            TokenRules({
                spendPerToken: uint96(terms.spendPerToken()),
                minFirstOrder: cold.minFirstOrder,
                referralsPerToken: cold.referralsPerToken,
                dividendBps: uint16(terms.dividendBps()),
                referralBps: uint16(terms.referralBps()),
                maxSupply: uint96(terms.maxSupply()),
                poolNum: cold.poolNum,
                poolDen: cold.poolDen
            });
    }

    /// @dev The key of an on-chain payment: its order hash for its customer (the hash commits to the customer).
    function _paymentKey(bytes32 orderHash, address customer) internal pure returns (bytes32 key) {
        // Inline assembly: hashes two words in scratch space without allocating memory.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0, orderHash)
            mstore(32, customer)
            key := keccak256(0, 64)
        }
    }
}
