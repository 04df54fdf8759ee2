// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {EIP712} from "@openzeppelin/contracts/utils/cryptography/EIP712.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IShop} from "./interfaces/IShop.sol";
import {IShareMallFactory} from "./interfaces/IShareMallFactory.sol";
import {IDividendToken} from "./interfaces/IDividendToken.sol";
import {DayMath} from "./libraries/DayMath.sol";
import {RulesLib} from "./libraries/RulesLib.sol";

/// @title Shop
/// @notice A merchant's shop, deployed by the factory as an EIP-1167 clone. See `IShop`.
/// @dev Storage (after the namespaced OpenZeppelin slots):
/// - `_state`: UTC offset, token count and merchant balance in one slot, read by every order and settlement.
/// - `_tokens[i]`: token i in three slots: address, notice period and pending time; the rules' hot fields; the
///   supply cap, pool ratio and pool allowance. `_pending[i]`: a scheduled rule change, read only when it falls due.
/// - `_days[day]`: revenue and order count. `_tokenDays[i][day]`: what token i is owed for the day, its checkout
///   escrow and the settled flag, so a settlement reads and writes one slot per token.
/// An order transaction loads the token configs into memory once, processes every order against them, and writes
/// the totals back once, so a batch pays for its storage once rather than per order.
/// Receipts use OpenZeppelin's EIP712 with constant name and version: its cached separator belongs to the
/// implementation, so in a clone it is rebuilt from `address(this)` and every shop has a domain of its own.
contract Shop is IShop, AccessControlUpgradeable, EIP712 {
    struct State {
        int32 utcOffset;
        uint8 tokenCount;
        uint128 merchantBalance;
    }

    struct StoredToken {
        address token;
        uint32 noticePeriod;
        uint40 pendingAt;
        uint96 spendPerToken;
        uint96 minFirstOrder;
        uint32 referralsPerToken;
        uint16 dividendBps;
        uint16 referralBps;
        uint96 maxSupply;
        uint16 poolNum;
        uint16 poolDen;
        uint96 poolAllowance;
    }

    struct StoredDay {
        uint128 revenue;
        uint64 orderCount;
    }

    struct Customer {
        address referrer;
        bool known;
    }

    /// @dev A token's working state during one order transaction.
    struct Work {
        IDividendToken token;
        TokenRules rules;
        uint256 minted;
        uint256 poolAllowance;
        uint256 poolAdded;
        uint256 owedScaled;
        uint256 escrowed;
    }

    /// @inheritdoc IShop
    bytes32 public constant OPERATOR_ROLE = keccak256("sharemall.role.operator");
    /// @inheritdoc IShop
    bytes32 public constant POOL_MANAGER_ROLE = keccak256("sharemall.role.pool-manager");
    /// @notice Most tokens one shop can have (bounds the per-order and per-settlement loops).
    uint256 public constant MAX_TOKENS = 8;
    /// @notice Notice period used when a token is created with 0.
    uint32 public constant DEFAULT_NOTICE_PERIOD = 7 days;
    /// @notice Shortest notice period.
    uint32 public constant MIN_NOTICE_PERIOD = 1 days;

    /// @notice Largest Merkle batch (leaf indices fit in 24 bits).
    uint256 public constant MAX_BATCH_ORDERS = 1 << 24;

    bytes32 private constant _RECEIPT_TYPEHASH = keccak256(
        abi.encodePacked(
            "Receipt(address shop,uint256 chainId,address customer,uint256 amount,",
            "bytes32 orderHash,address referrer,uint256 deadline)"
        )
    );
    uint256 private constant _BPS = 10_000;
    uint256 private constant _ONE_TOKEN = 1e18;

    State private _state;
    address private _factory;
    mapping(uint256 tokenIndex => StoredToken) private _tokens;
    mapping(uint256 tokenIndex => TokenRules) private _pending;
    mapping(uint256 day => StoredDay) private _days;
    mapping(uint256 tokenIndex => mapping(uint256 day => TokenDay)) private _tokenDays;
    mapping(bytes32 orderKey => bool) private _counted;
    mapping(address customer => Customer) private _customers;
    mapping(uint256 tokenIndex => mapping(address referrer => uint256)) private _qualified;
    uint256[] private _revenueDays;
    mapping(bytes32 root => Batch) private _batches;
    mapping(bytes32 root => mapping(uint256 word => uint256 bits)) private _mintedLeaves;

    /// @dev The implementation is never initialised; only clones are.
    constructor() EIP712("ShareMall Shop", "1") {
        _disableInitializers();
    }

    /// @inheritdoc IShop
    function initialize(address admin, address operator, int32 offset) external initializer {
        if (admin == address(0)) revert ShopInvalidAdmin(admin);
        if (!DayMath.isValidOffset(offset)) revert ShopInvalidUtcOffset(offset);
        __AccessControl_init();
        _state = State({utcOffset: offset, tokenCount: 0, merchantBalance: 0});
        _factory = msg.sender;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        if (operator != address(0)) _grantRole(OPERATOR_ROLE, operator);
        emit ShopInitialized(msg.sender, admin, offset);
    }

    // ---------------------------------------------------------------- Views

    /// @inheritdoc IShop
    function factory() external view returns (address) {
        return _factory;
    }

    /// @inheritdoc IShop
    function utcOffset() external view returns (int32) {
        return _state.utcOffset;
    }

    /// @inheritdoc IShop
    function today() public view returns (uint256) {
        // Time use: the shop's local day index; a proposer's seconds of timestamp leeway only matter at midnight.
        // solhint-disable-next-line not-rely-on-time
        return DayMath.dayOf(block.timestamp, _state.utcOffset);
    }

    /// @inheritdoc IShop
    function tokenCount() external view returns (uint256) {
        return _state.tokenCount;
    }

    /// @inheritdoc IShop
    function tokens() external view returns (address[] memory list) {
        uint256 count = _state.tokenCount;
        list = new address[](count);
        for (uint256 i; i < count; ++i) list[i] = _tokens[i].token;
    }

    /// @inheritdoc IShop
    function tokenConfig(uint256 tokenIndex) external view returns (TokenConfig memory config) {
        _checkTokenIndex(tokenIndex, _state.tokenCount);
        StoredToken storage stored = _tokens[tokenIndex];
        config.token = stored.token;
        config.noticePeriod = stored.noticePeriod;
        config.pendingAt = stored.pendingAt;
        config.rules = _rulesOf(stored);
        config.minted = uint96(IDividendToken(stored.token).totalSupply());
        config.poolAllowance = stored.poolAllowance;
        config.pending = _pending[tokenIndex];
    }

    /// @inheritdoc IShop
    function currentRules(uint256 tokenIndex) external view returns (TokenRules memory) {
        _checkTokenIndex(tokenIndex, _state.tokenCount);
        StoredToken storage stored = _tokens[tokenIndex];
        return _isDue(stored.pendingAt) ? _dueRules(tokenIndex, stored.token) : _rulesOf(stored);
    }

    /// @inheritdoc IShop
    function pendingRules(uint256 tokenIndex) external view returns (TokenRules memory rules, uint256 effectiveAt) {
        _checkTokenIndex(tokenIndex, _state.tokenCount);
        return (_pending[tokenIndex], _tokens[tokenIndex].pendingAt);
    }

    /// @inheritdoc IShop
    function dayRecord(uint256 day) external view returns (DayRecord memory) {
        StoredDay memory stored = _days[day];
        return DayRecord({revenue: stored.revenue, orderCount: stored.orderCount, settled: _isSettled(day)});
    }

    /// @inheritdoc IShop
    function tokenDay(uint256 tokenIndex, uint256 day) external view returns (uint256 owed, uint256 escrowed) {
        TokenDay memory td = _tokenDays[tokenIndex][day];
        return (td.owedScaled / _BPS, td.escrowed);
    }

    /// @inheritdoc IShop
    function isOrderCounted(bytes32 orderHash, address customer) external view returns (bool) {
        return _counted[_orderKey(orderHash, customer)];
    }

    /// @inheritdoc IShop
    function customerOf(address customer) external view returns (address referrer, bool known) {
        Customer memory c = _customers[customer];
        return (c.referrer, c.known);
    }

    /// @inheritdoc IShop
    function qualifiedReferrals(uint256 tokenIndex, address referrer) external view returns (uint256) {
        return _qualified[tokenIndex][referrer];
    }

    /// @inheritdoc IShop
    function merchantBalance() external view returns (uint256) {
        return _state.merchantBalance;
    }

    /// @inheritdoc IShop
    function revenueDayCount() external view returns (uint256) {
        return _revenueDays.length;
    }

    /// @inheritdoc IShop
    function unsettledDays(uint256 start, uint256 limit) external view returns (UnsettledDay[] memory list) {
        uint256 length = _revenueDays.length;
        uint256 end = start >= length ? start : (limit > length - start ? length : start + limit);
        list = new UnsettledDay[](end - start);
        uint256 found;
        uint256 current = today();
        uint256 count = _state.tokenCount;
        for (uint256 k = start; k < end; ++k) {
            uint256 day = _revenueDays[k];
            if (day >= current || _isSettled(day)) continue;
            UnsettledDay memory entry = UnsettledDay({day: day, owed: 0, unfunded: 0});
            for (uint256 i; i < count; ++i) {
                TokenDay memory td = _tokenDays[i][day];
                uint256 owed = td.owedScaled / _BPS;
                entry.owed += owed;
                entry.unfunded += owed - td.escrowed;
            }
            // A day whose debt rounds to zero has nothing to settle.
            if (entry.owed != 0) list[found++] = entry;
        }
        // Inline assembly: shrinks a memory array in place (only lowers its length), which Solidity cannot express.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Shrink the array to the entries found.
            mstore(list, found)
        }
    }

    // ---------------------------------------------------------------- Tokens and rules

    /// @inheritdoc IShop
    function createToken(
        TokenParams calldata params
    ) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 tokenIndex, address token) {
        State memory s = _state;
        tokenIndex = s.tokenCount;
        uint32 notice = _checkNewToken(params, tokenIndex);
        _state.tokenCount = s.tokenCount + 1;
        token = IShareMallFactory(_factory).deployToken(tokenIndex, params.name, params.symbol, params.transferable);
        StoredToken storage stored = _tokens[tokenIndex];
        stored.token = token;
        stored.noticePeriod = notice;
        _setRules(stored, params.rules);
        emit TokenCreated(tokenIndex, token, params.name, params.symbol, params.transferable, notice, params.rules);
    }

    /// @inheritdoc IShop
    function changeRules(
        uint256 tokenIndex,
        TokenRules calldata rules
    ) external onlyRole(DEFAULT_ADMIN_ROLE) returns (uint256 effectiveAt) {
        uint256 count = _state.tokenCount;
        _checkTokenIndex(tokenIndex, count);
        _syncRules(tokenIndex);
        StoredToken storage stored = _tokens[tokenIndex];
        RulesLib.validate(rules, IDividendToken(stored.token).totalSupply());
        TokenRules memory current = _rulesOf(stored);
        bool atOnce = RulesLib.isAtOnce(current, rules);
        uint256 reserved = atOnce ? rules.dividendBps : _max(current.dividendBps, rules.dividendBps);
        uint256 totalBps = _reservedBps(tokenIndex, count) + reserved;
        if (totalBps > _BPS) revert ShopDividendBpsTooHigh(totalBps);

        if (atOnce) {
            _setRules(stored, rules);
            if (stored.pendingAt != 0) {
                stored.pendingAt = 0;
                emit RulesChangeCancelled(tokenIndex);
            }
            emit RulesChanged(tokenIndex, rules);
            // Time use: reports when the change took effect (now); nothing is decided on it.
            // solhint-disable-next-line not-rely-on-time
            return block.timestamp;
        }
        // Time use: the notice period (at least a day) starts now; seconds of leeway are negligible.
        // solhint-disable-next-line not-rely-on-time
        effectiveAt = block.timestamp + stored.noticePeriod;
        _pending[tokenIndex] = rules;
        // Safe cast: a timestamp plus a 32-bit period fits in 40 bits for the next 30,000 years.
        stored.pendingAt = uint40(effectiveAt);
        emit RulesChangeScheduled(tokenIndex, rules, effectiveAt);
    }

    /// @inheritdoc IShop
    function cancelRulesChange(uint256 tokenIndex) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _checkTokenIndex(tokenIndex, _state.tokenCount);
        _syncRules(tokenIndex);
        StoredToken storage stored = _tokens[tokenIndex];
        if (stored.pendingAt == 0) revert ShopNoPendingRules(tokenIndex);
        stored.pendingAt = 0;
        emit RulesChangeCancelled(tokenIndex);
    }

    /// @inheritdoc IShop
    function applyPendingRules(uint256 tokenIndex) external {
        _checkTokenIndex(tokenIndex, _state.tokenCount);
        uint256 pendingAt = _tokens[tokenIndex].pendingAt;
        if (pendingAt == 0) revert ShopNoPendingRules(tokenIndex);
        if (!_isDue(pendingAt)) revert ShopRulesNotDue(tokenIndex, pendingAt);
        _syncRules(tokenIndex);
    }

    // ---------------------------------------------------------------- Orders

    /// @inheritdoc IShop
    function recordOrder(Order calldata order) external onlyRole(OPERATOR_ROLE) {
        State memory s = _state;
        // Time use: the shop's local day index; a proposer's seconds of timestamp leeway only matter at midnight.
        // solhint-disable-next-line not-rely-on-time
        uint256 day = DayMath.dayOf(block.timestamp, s.utcOffset);
        Work[] memory work = _loadWork(s.tokenCount);
        _countOrder(work, order.orderHash, order.customer, order.amount, order.referrer, day, OrderPath.Recorded);
        _commit(work, day, order.amount, 1, false);
    }

    /// @inheritdoc IShop
    function recordOrders(Order[] calldata orders) external onlyRole(OPERATOR_ROLE) {
        uint256 length = orders.length;
        if (length == 0) revert ShopEmptyBatch();
        State memory s = _state;
        // Time use: the shop's local day index; a proposer's seconds of timestamp leeway only matter at midnight.
        // solhint-disable-next-line not-rely-on-time
        uint256 day = DayMath.dayOf(block.timestamp, s.utcOffset);
        Work[] memory work = _loadWork(s.tokenCount);
        uint256 revenue;
        for (uint256 k; k < length; ++k) {
            Order calldata order = orders[k];
            _countOrder(work, order.orderHash, order.customer, order.amount, order.referrer, day, OrderPath.Recorded);
            revenue += order.amount;
        }
        _commit(work, day, revenue, length, false);
    }

    /// @inheritdoc IShop
    function checkout(bytes32 orderHash, address referrer) external payable {
        if (msg.value > type(uint96).max) revert ShopInvalidAmount(orderHash, msg.value);
        State memory s = _state;
        // Time use: the shop's local day index; a proposer's seconds of timestamp leeway only matter at midnight.
        // solhint-disable-next-line not-rely-on-time
        uint256 day = DayMath.dayOf(block.timestamp, s.utcOffset);
        Work[] memory work = _loadWork(s.tokenCount);
        _countOrder(work, orderHash, msg.sender, msg.value, referrer, day, OrderPath.Checkout);
        uint256 escrowTotal = _commit(work, day, msg.value, 1, true);
        // Safe cast: msg.value is checked to fit in 96 bits; all coin on chain fits in 128.
        _state.merchantBalance = s.merchantBalance + uint128(msg.value - escrowTotal);
        emit CheckoutPaid(orderHash, escrowTotal);

        uint256 count = work.length;
        for (uint256 i; i < count; ++i) {
            if (work[i].escrowed != 0) work[i].token.depositEscrow{value: work[i].escrowed}();
        }
    }

    /// @inheritdoc IShop
    function redeemReceipt(Receipt calldata receipt, address signer, bytes calldata signature) external {
        // Time use: a receipt's deadline is a wall-clock time by design; seconds of leeway do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp > receipt.deadline) revert ShopReceiptExpired(receipt.deadline, block.timestamp);
        if (receipt.chainId != block.chainid) revert ShopReceiptWrongChain(block.chainid, receipt.chainId);
        if (receipt.shop != address(this)) revert ShopReceiptWrongShop(address(this), receipt.shop);
        if (!hasRole(OPERATOR_ROLE, signer)) revert ShopReceiptSignerNotOperator(signer);
        bytes32 digest = _receiptDigest(receipt);
        // Try ECDSA first: an EOA signer needs no code lookup. ECDSA rejects malleable (high-s) signatures.
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err != ECDSA.RecoverError.NoError || recovered != signer) {
            if (
                signer.code.length == 0 ||
                !SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature)
            ) {
                revert ShopReceiptInvalidSignature(signer);
            }
        }

        State memory s = _state;
        // Time use: the shop's local day index; a proposer's seconds of timestamp leeway only matter at midnight.
        // solhint-disable-next-line not-rely-on-time
        uint256 day = DayMath.dayOf(block.timestamp, s.utcOffset);
        Work[] memory work = _loadWork(s.tokenCount);
        emit ReceiptRedeemed(receipt.orderHash, signer);
        _countOrder(
            work,
            receipt.orderHash,
            receipt.customer,
            receipt.amount,
            receipt.referrer,
            day,
            OrderPath.Receipt
        );
        _commit(work, day, receipt.amount, 1, false);
    }

    /// @inheritdoc IShop
    function receiptDigest(Receipt calldata receipt) external view returns (bytes32) {
        return _receiptDigest(receipt);
    }

    /// @inheritdoc IShop
    function anchorBatch(bytes32 root, uint256 orderCount, uint256 totalRevenue) external onlyRole(OPERATOR_ROLE) {
        if (orderCount == 0 || orderCount > MAX_BATCH_ORDERS || totalRevenue == 0 || totalRevenue > type(uint96).max) {
            revert ShopInvalidBatch(orderCount, totalRevenue);
        }
        if (_batches[root].orderCount != 0) revert ShopBatchAlreadyAnchored(root);
        State memory s = _state;
        // Time use: the shop's local day index; a proposer's seconds of timestamp leeway only matter at midnight.
        // solhint-disable-next-line not-rely-on-time
        uint256 day = DayMath.dayOf(block.timestamp, s.utcOffset);
        // Safe casts: checked above; day indices fit in 32 bits for eleven million years.
        _batches[root] = Batch({
            day: uint32(day),
            orderCount: uint32(orderCount),
            mintedCount: 0,
            unmintedRevenue: uint128(totalRevenue)
        });
        emit BatchAnchored(root, day, orderCount, totalRevenue);

        // The batch's revenue counts today, so its dividends are owed with today's settlement. Only the dividend
        // shares are needed: the tokens mint when the leaves do.
        Work[] memory work = new Work[](s.tokenCount);
        for (uint256 i; i < work.length; ++i) {
            _syncRules(i);
            work[i].owedScaled = totalRevenue * _tokens[i].dividendBps;
        }
        _commit(work, day, totalRevenue, orderCount, false);
    }

    /// @inheritdoc IShop
    function mintFromBatch(
        bytes32 root,
        uint256 index,
        bytes32 orderHash,
        address customer,
        uint96 amount,
        address referrer,
        bytes32[] calldata proof
    ) external {
        if (msg.sender != customer && !hasRole(OPERATOR_ROLE, msg.sender))
            revert ShopNotLeafCustomer(msg.sender, customer);
        Batch memory b = _batches[root];
        if (b.orderCount == 0) revert ShopUnknownBatch(root);
        if (index >= b.orderCount) revert ShopBatchIndexOutOfRange(root, index, b.orderCount);
        uint256 word = index >> 8;
        uint256 bit = 1 << (index & 0xff);
        uint256 bits = _mintedLeaves[root][word];
        if (bits & bit != 0) revert ShopLeafAlreadyMinted(root, index);
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(index, orderHash, customer, amount, referrer))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert ShopInvalidProof(root, index);
        if (amount > b.unmintedRevenue) revert ShopBatchRevenueExceeded(root, b.unmintedRevenue, amount);

        _mintedLeaves[root][word] = bits | bit;
        b.unmintedRevenue -= amount;
        // Each leaf mints once, so the count stays below orderCount <= 2^24.
        b.mintedCount += 1;
        _batches[root] = b;
        emit BatchLeafMinted(root, index, orderHash);

        // Revenue and dividends counted at anchoring: only mint here, on the batch's day.
        Work[] memory work = _loadWork(_state.tokenCount);
        _countOrder(work, orderHash, customer, amount, referrer, b.day, OrderPath.MerkleBatch);
        _commitPool(work);
    }

    /// @inheritdoc IShop
    function batch(bytes32 root) external view returns (Batch memory) {
        return _batches[root];
    }

    /// @inheritdoc IShop
    function isLeafMinted(bytes32 root, uint256 index) external view returns (bool) {
        return _mintedLeaves[root][index >> 8] & (1 << (index & 0xff)) != 0;
    }

    /// @inheritdoc IShop
    function mintFromPool(
        uint256 tokenIndex,
        address to,
        uint256 amount,
        bytes32 reason
    ) external onlyRole(POOL_MANAGER_ROLE) {
        _checkTokenIndex(tokenIndex, _state.tokenCount);
        if (to == address(0)) revert ShopZeroAddress();
        if (amount == 0) revert ShopZeroValue();
        _syncRules(tokenIndex);
        StoredToken storage stored = _tokens[tokenIndex];
        uint256 allowance = stored.poolAllowance;
        if (amount > allowance) revert ShopPoolAllowanceExceeded(tokenIndex, allowance, amount);
        IDividendToken token = IDividendToken(stored.token);
        uint256 maxSupply = stored.maxSupply == 0 ? type(uint96).max : stored.maxSupply;
        uint256 supplyAfter = token.totalSupply() + amount;
        if (supplyAfter > maxSupply) revert ShopMaxSupplyExceeded(tokenIndex, maxSupply, supplyAfter);
        // Safe cast: amount <= allowance < 2^96.
        stored.poolAllowance = uint96(allowance - amount);
        emit PoolMinted(tokenIndex, to, amount, reason);
        token.mint(to, amount);
    }

    // ---------------------------------------------------------------- Funds and settlement

    /// @inheritdoc IShop
    function deposit() external payable {
        if (msg.value == 0) revert ShopZeroValue();
        _state.merchantBalance = _addBalance(_state.merchantBalance, msg.value);
        emit Deposited(msg.sender, msg.value);
    }

    /// @inheritdoc IShop
    function withdraw(address to, uint256 amount) external onlyRole(DEFAULT_ADMIN_ROLE) {
        if (to == address(0)) revert ShopZeroAddress();
        if (amount == 0) revert ShopZeroValue();
        uint256 balance = _state.merchantBalance;
        if (amount > balance) revert ShopInsufficientBalance(balance, amount);
        // Safe cast: below the current balance.
        _state.merchantBalance = uint128(balance - amount);
        emit Withdrawn(to, amount);
        (bool ok, ) = to.call{value: amount}("");
        if (!ok) revert ShopWithdrawalFailed(to, amount);
    }

    /// @inheritdoc IShop
    function settle(uint256 day) external payable {
        State memory s = _state;
        // Time use: the shop's local day index; a proposer's seconds of timestamp leeway only matter at midnight.
        // solhint-disable-next-line not-rely-on-time
        uint256 current = DayMath.dayOf(block.timestamp, s.utcOffset);
        if (day >= current) revert ShopDayNotOver(day, current);

        uint256 count = s.tokenCount;
        uint256[] memory owed = new uint256[](count);
        uint256[] memory fromBalance = new uint256[](count);
        uint256 owedTotal;
        uint256 required;
        for (uint256 i; i < count; ++i) {
            TokenDay storage td = _tokenDays[i][day];
            TokenDay memory loaded = td;
            if (loaded.settled) revert ShopDayAlreadySettled(day);
            if (loaded.owedScaled == 0) continue;
            owed[i] = loaded.owedScaled / _BPS;
            // Escrow never exceeds what is owed: it is the increase of the whole-wei debt (see `_commit`).
            fromBalance[i] = owed[i] - loaded.escrowed;
            owedTotal += owed[i];
            required += fromBalance[i];
            td.settled = true;
        }
        if (owedTotal == 0) revert ShopNothingToSettle(day);

        if (msg.value != 0 || required != 0) {
            uint256 balance = _addBalance(s.merchantBalance, msg.value);
            if (msg.value != 0) emit Deposited(msg.sender, msg.value);
            if (required > balance) revert ShopSettlementUnderfunded(day, required, balance, required - balance);
            // Safe cast: below the balance, which fits in 128 bits.
            _state.merchantBalance = uint128(balance - required);
        }
        emit DaySettled(day, msg.sender, owedTotal, required);

        for (uint256 i; i < count; ++i) {
            if (owed[i] != 0) IDividendToken(_tokens[i].token).distribute{value: fromBalance[i]}(day, owed[i]);
        }
    }

    // ---------------------------------------------------------------- Internal

    /// @dev Loads every token's rules (applying a due pending change) and counters into memory.
    function _loadWork(uint256 count) private returns (Work[] memory work) {
        work = new Work[](count);
        for (uint256 i; i < count; ++i) {
            _syncRules(i);
            StoredToken storage stored = _tokens[i];
            Work memory w = work[i];
            w.token = IDividendToken(stored.token);
            w.rules = _rulesOf(stored);
            w.poolAllowance = stored.poolAllowance;
            // The supply is only needed to apply a cap.
            if (w.rules.maxSupply != 0) w.minted = w.token.totalSupply();
        }
    }

    /// @dev Counts one order: checks it, binds the referrer, mints by the rules and accrues dividends in `work`.
    function _countOrder(
        Work[] memory work,
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer,
        uint256 day,
        OrderPath path
    ) private {
        if (orderHash == bytes32(0)) revert ShopInvalidOrderHash();
        if (customer == address(0)) revert ShopInvalidCustomer(orderHash);
        if (amount == 0) revert ShopInvalidAmount(orderHash, amount);
        bytes32 key = _orderKey(orderHash, customer);
        if (_counted[key]) revert ShopOrderAlreadyCounted(orderHash);
        _counted[key] = true;

        Customer memory c = _customers[customer];
        bool firstOrder = !c.known;
        bool leaf = path == OrderPath.MerkleBatch;
        if (firstOrder) {
            if (referrer != address(0)) {
                if (referrer == customer) revert ShopSelfReferral(customer);
                c.referrer = referrer;
                c.known = true;
                _customers[customer] = c;
                emit ReferrerBound(customer, referrer);
            } else if (!leaf) {
                c.known = true;
                _customers[customer] = c;
            }
            // Batch leaves mint in any order, so a leaf without a referrer leaves a new customer unbound: it must
            // not stop the customer's first-order leaf, minted later, from binding its referrer.
        } else if (referrer != address(0) && referrer != c.referrer) {
            // An anchored leaf cannot be corrected, so it mints with the bound referrer rather than never.
            if (!leaf) revert ShopReferrerAlreadyBound(customer, c.referrer, referrer);
        }
        emit OrderCounted(orderHash, customer, day, path, amount);

        uint256 count = work.length;
        for (uint256 i; i < count; ++i) _mintByRules(work[i], i, customer, c.referrer, amount, firstOrder);
    }

    /// @dev One token's share of an order: the dividend debt, consumption and promotion mints, pool accrual.
    function _mintByRules(
        Work memory w,
        uint256 tokenIndex,
        address customer,
        address referrer,
        uint256 amount,
        bool firstOrder
    ) private {
        TokenRules memory rules = w.rules;
        w.owedScaled += amount * rules.dividendBps;

        uint256 consumption = rules.spendPerToken == 0 ? 0 : (amount * _ONE_TOKEN) / rules.spendPerToken;
        uint256 promotion;
        if (referrer != address(0)) {
            promotion = (consumption * rules.referralBps) / _BPS;
            if (firstOrder && rules.referralsPerToken != 0 && amount >= rules.minFirstOrder) {
                uint256 qualified = ++_qualified[tokenIndex][referrer];
                if (qualified % rules.referralsPerToken == 0) promotion += _ONE_TOKEN;
            }
        }
        consumption = _capToSupply(w, consumption);
        promotion = _capToSupply(w, promotion);
        // The token mints less only at its 2^96 supply limit: orders then count but mint nothing more.
        if (consumption != 0) consumption = w.token.mint(customer, consumption);
        if (promotion != 0) promotion = w.token.mint(referrer, promotion);
        if (rules.poolDen != 0) w.poolAdded += ((consumption + promotion) * rules.poolNum) / rules.poolDen;
    }

    /// @dev Takes `amount` out of what `maxSupply` still allows and returns what may be minted.
    function _capToSupply(Work memory w, uint256 amount) private pure returns (uint256) {
        uint256 maxSupply = w.rules.maxSupply;
        if (maxSupply != 0) {
            uint256 room = maxSupply > w.minted ? maxSupply - w.minted : 0;
            if (amount > room) amount = room;
        }
        w.minted += amount;
        return amount;
    }

    /// @dev Writes back what the orders of one transaction changed: revenue, dividends owed and pool. With `escrow`
    /// (a checkout) each token escrows what the order adds to the day's debt in whole wei, i.e. the increase of
    /// `floor(owedScaled / 10000)`, within the payment (`revenue`): a day of checkouts only is then fully escrowed
    /// (but for a wei or two of dust payments to a shop with several tokens), and escrow never exceeds the debt.
    /// @return escrowTotal Wei to escrow in all (stored per token in `work[i].escrowed`).
    function _commit(
        Work[] memory work,
        uint256 day,
        uint256 revenue,
        uint256 orderCount,
        bool escrow
    ) private returns (uint256 escrowTotal) {
        StoredDay memory record = _days[day];
        if (record.orderCount == 0) _revenueDays.push(day);
        // Safe casts: one call adds at most 2^32 orders of at most 2^96 wei (a batch anchors at most 2^96 wei), and
        // the checked sums below would need billions of such calls in one day to overflow.
        record.revenue += uint128(revenue);
        record.orderCount += uint64(orderCount);
        _days[day] = record;

        uint256 count = work.length;
        for (uint256 i; i < count; ++i) {
            Work memory w = work[i];
            if (w.owedScaled != 0) {
                TokenDay memory loaded = _tokenDays[i][day];
                uint256 owedBefore = loaded.owedScaled / _BPS;
                // Safe casts: one call's revenue * 10,000 stays below 2^128; escrow is at most the debt, below 2^115.
                loaded.owedScaled += uint128(w.owedScaled);
                if (escrow) {
                    // With several tokens the whole-wei increases can add up to a few wei more than a dust
                    // payment: escrow never takes more than the payment.
                    uint256 increase = loaded.owedScaled / _BPS - owedBefore;
                    uint256 left = revenue - escrowTotal;
                    w.escrowed = increase < left ? increase : left;
                    escrowTotal += w.escrowed;
                    loaded.escrowed += uint120(w.escrowed);
                }
                _tokenDays[i][day] = loaded;
            }
        }
        _commitPool(work);
    }

    /// @dev Writes back the pool allowance each token accrued in this transaction.
    function _commitPool(Work[] memory work) private {
        uint256 count = work.length;
        for (uint256 i; i < count; ++i) {
            Work memory w = work[i];
            if (w.poolAdded == 0) continue;
            uint256 allowance = w.poolAllowance + w.poolAdded;
            // Safe cast: the allowance is a fraction of the minted supply, which the token caps at 2^96.
            _tokens[i].poolAllowance = uint96(allowance);
            emit PoolAccrued(i, w.poolAdded, allowance);
        }
    }

    function _receiptDigest(Receipt calldata receipt) private view returns (bytes32) {
        return
            _hashTypedDataV4(
                keccak256(
                    abi.encode(
                        _RECEIPT_TYPEHASH,
                        receipt.shop,
                        receipt.chainId,
                        receipt.customer,
                        receipt.amount,
                        receipt.orderHash,
                        receipt.referrer,
                        receipt.deadline
                    )
                )
            );
    }

    /// @dev Checks a new token's parameters and returns its notice period.
    function _checkNewToken(TokenParams calldata params, uint256 tokenIndex) private view returns (uint32 notice) {
        if (tokenIndex >= MAX_TOKENS) revert ShopTooManyTokens(MAX_TOKENS);
        uint256 nameLength = bytes(params.name).length;
        uint256 symbolLength = bytes(params.symbol).length;
        if (nameLength == 0 || nameLength > 64 || symbolLength == 0 || symbolLength > 16) {
            revert ShopInvalidTokenMetadata(params.name, params.symbol);
        }
        notice = params.noticePeriod == 0 ? DEFAULT_NOTICE_PERIOD : params.noticePeriod;
        if (notice < MIN_NOTICE_PERIOD) revert ShopNoticePeriodTooShort(notice, MIN_NOTICE_PERIOD);
        RulesLib.validate(params.rules, 0);
        uint256 totalBps = _reservedBps(tokenIndex, tokenIndex) + params.rules.dividendBps;
        if (totalBps > _BPS) revert ShopDividendBpsTooHigh(totalBps);
    }

    /// @dev Applies token `tokenIndex`'s pending rule change if it is due.
    function _syncRules(uint256 tokenIndex) private {
        StoredToken storage stored = _tokens[tokenIndex];
        uint256 pendingAt = stored.pendingAt;
        if (!_isDue(pendingAt)) return;
        TokenRules memory rules = _dueRules(tokenIndex, stored.token);
        _setRules(stored, rules);
        stored.pendingAt = 0;
        emit RulesChanged(tokenIndex, rules);
    }

    /// @dev The pending rules of a token as they apply when due. Orders kept minting under the old rules during the
    /// notice period: a cap below what they minted applies at the supply reached (nothing more mints), so the
    /// supply never exceeds the cap.
    function _dueRules(uint256 tokenIndex, address token) private view returns (TokenRules memory rules) {
        rules = _pending[tokenIndex];
        if (rules.maxSupply != 0) {
            uint256 supply = IDividendToken(token).totalSupply();
            // Safe cast: the token caps its supply at 2^96.
            if (supply > rules.maxSupply) rules.maxSupply = uint96(supply);
        }
    }

    /// @dev Dividend share reserved by the tokens other than `tokenIndex`, counting pending raises.
    function _reservedBps(uint256 tokenIndex, uint256 count) private view returns (uint256 total) {
        for (uint256 j; j < count; ++j) {
            if (j == tokenIndex) continue;
            StoredToken storage stored = _tokens[j];
            uint256 bps = stored.dividendBps;
            if (stored.pendingAt != 0) bps = _max(bps, _pending[j].dividendBps);
            total += bps;
        }
    }

    /// @dev Whether `day` is settled: every token with dividends that day carries the flag.
    function _isSettled(uint256 day) private view returns (bool) {
        uint256 count = _state.tokenCount;
        for (uint256 i; i < count; ++i) {
            if (_tokenDays[i][day].settled) return true;
        }
        return false;
    }

    function _rulesOf(StoredToken storage stored) private view returns (TokenRules memory) {
        return
            TokenRules({
                spendPerToken: stored.spendPerToken,
                minFirstOrder: stored.minFirstOrder,
                referralsPerToken: stored.referralsPerToken,
                dividendBps: stored.dividendBps,
                referralBps: stored.referralBps,
                maxSupply: stored.maxSupply,
                poolNum: stored.poolNum,
                poolDen: stored.poolDen
            });
    }

    function _setRules(StoredToken storage stored, TokenRules memory rules) private {
        stored.spendPerToken = rules.spendPerToken;
        stored.minFirstOrder = rules.minFirstOrder;
        stored.referralsPerToken = rules.referralsPerToken;
        stored.dividendBps = rules.dividendBps;
        stored.referralBps = rules.referralBps;
        stored.maxSupply = rules.maxSupply;
        stored.poolNum = rules.poolNum;
        stored.poolDen = rules.poolDen;
    }

    function _addBalance(uint256 balance, uint256 amount) private pure returns (uint128) {
        // Safe cast: the coin that exists on any chain fits in 128 bits.
        return uint128(balance + amount);
    }

    function _isDue(uint256 pendingAt) private view returns (bool) {
        // Time use: a notice period (at least a day) ends at a time; seconds of leeway do not matter.
        // solhint-disable-next-line not-rely-on-time
        return pendingAt != 0 && pendingAt <= block.timestamp;
    }

    function _checkTokenIndex(uint256 tokenIndex, uint256 count) private pure {
        if (tokenIndex >= count) revert ShopUnknownToken(tokenIndex, count);
    }

    /// @dev The key under which an order counts: its hash for its customer (the hash commits to the customer).
    function _orderKey(bytes32 orderHash, address customer) private pure returns (bytes32 key) {
        // Inline assembly: hashes two words in scratch space without allocating memory (once per order).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0, orderHash)
            mstore(32, customer)
            key := keccak256(0, 64)
        }
    }

    function _max(uint256 a, uint256 b) private pure returns (uint256) {
        return a > b ? a : b;
    }
}
