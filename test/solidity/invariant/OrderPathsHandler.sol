// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base, Vm} from "../utils/Vm.sol";
import {OrderModel} from "../utils/OrderModel.sol";
import {SortedPairTree} from "../utils/SortedPairTree.sol";
import {DividendToken} from "../../../contracts/payouts/DividendToken.sol";
import {IShop} from "../../../contracts/interfaces/IShop.sol";
import {IShopBase} from "../../../contracts/interfaces/IShopBase.sol";
import {IShopOrders} from "../../../contracts/interfaces/IShopOrders.sol";

/* solhint-disable max-states-count */

/// @title OrderPathsHandler
/// @notice The only target of the order-paths invariant campaign. It drives the four order paths (recordOrder,
/// recordOrders, checkout, redeemReceipt, and anchorBatch + mintFromBatch) over a small pool of order hashes and
/// customers and over operator order ids that are mostly fresh but often reused, so that the same id keeps arriving
/// by different operator paths (it must count once: a single order or receipt reverts `ShopOrderIdUsed`, a batch
/// skips it, a leaf carrying it never mints) and the same hash keeps arriving at checkout for the same customer (a
/// double submission) and for others (a different order); plus replays of redeemed receipts, re-mints of leaves,
/// leaf mints by callers other than the leaf's customer or an operator, referrers that conflict with the bound one,
/// and a token created in the middle of the run (a leaf mints the tokens of its batch's anchoring only). Before each
/// call it predicts the outcome from its own model of the rules (the exact revert data, or success) and counts every
/// call whose outcome differs; after a success it updates the model: how often each order id and each checkout
/// counted, each leaf minted, the bitmap, the day ledger, and what each holder should hold of each token.
/// @dev Receipts are signed with the `sign` cheatcode by a keyed operator and checked against a digest computed here
/// from the EIP-712 rules. Batch trees have 1 to 4 leaves, hashed as OpenZeppelin's StandardMerkleTree does
/// (`keccak256(bytes.concat(keccak256(abi.encode(orderId, orderHash, customer, amount, referrer))))`, sorted pairs).
contract OrderPathsHandler is Base {
    /// @notice One leaf of a batch.
    struct Leaf {
        uint64 orderId;
        bytes32 orderHash;
        address customer;
        uint96 amount;
        address referrer;
    }

    /// @notice A batch as the model sees it.
    struct BatchModel {
        uint256 day;
        uint64 firstOrderId;
        uint256 count;
        uint256 revenue;
        uint256 unminted;
        uint256 mintedCount;
        uint256 tokenCount;
        Leaf[4] leaves;
        uint256[4] mints;
    }

    /// @notice Things that must never happen; all stay zero.
    /// @param mismatches Calls whose outcome (success, or the exact revert data) differed from the prediction.
    /// @param duplicatesAccepted Calls that counted an order id or a checkout the model had already counted.
    /// @param replaysAccepted Redeemed receipts that redeemed again.
    /// @param remintsAccepted Minted leaves that minted again.
    /// @param digestMismatches Receipts whose `receiptDigest` differed from the EIP-712 digest computed here.
    /// @param eventMismatches Counted orders whose `OrderCounted` event named another day, id, path or amount.
    struct Violations {
        uint256 mismatches;
        uint256 duplicatesAccepted;
        uint256 replaysAccepted;
        uint256 remintsAccepted;
        uint256 digestMismatches;
        uint256 eventMismatches;
    }

    /// @notice How often each kind of step succeeded or was refused (campaign summary, not asserted).
    struct Coverage {
        uint256 recorded;
        uint256 batchesRecorded;
        uint256 skippedInBatches;
        uint256 checkouts;
        uint256 receipts;
        uint256 anchors;
        uint256 leafMints;
        uint256 refusedIdUsed;
        uint256 refusedAsCounted;
        uint256 refusedOther;
        uint256 replaysRefused;
        uint256 countedForAnotherCustomer;
        uint256 leafMintsByOperator;
        uint256 refusedNotLeafCustomer;
        uint256 referrerMismatches;
        uint256 leavesOfEarlierTokens;
    }

    /// @dev The last mispredicted call, for the failure message.
    struct Mismatch {
        string step;
        bytes expected;
        bytes actual;
    }

    /// @dev What a counted order does, wherever it came from.
    struct Counted {
        bytes32 orderHash;
        address customer;
        uint256 amount;
        address referrer;
        /// @dev Tokens it mints (those of its batch's anchoring for a leaf, else all).
        uint256 tokenCount;
        /// @dev Receipts and leaves leave a new customer without a referrer unbound.
        bool deferred;
    }

    uint256 public constant MAX_TOKENS = 3;
    /// @notice Order hashes are drawn from this many (for 5 customers), so collisions across paths are frequent.
    uint256 public constant HASHES = 16;
    uint256 public constant ACTORS = 5;
    uint256 private constant _ONE = 1e18;
    uint256 private constant _BPS = 10_000;
    uint256 private constant _MAX_ORDER = 3 ether;
    int256 private constant _UTC_OFFSET = 8 hours;
    /// @dev secp256k1 group order: (r, N - s, other v) is the high-s twin of a signature.
    uint256 private constant _SECP256K1_N = 0xFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFFEBAAEDCE6AF48A03BBFD25E8CD0364141;
    uint256 private constant _OPERATOR_KEY = 0xA11CE0;
    uint256 private constant _STRANGER_KEY = 0xB0B0B0;
    bytes32 private constant _DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 private constant _RECEIPT_TYPEHASH = keccak256(
        abi.encodePacked(
            "Receipt(address shop,uint256 chainId,uint256 orderId,address customer,uint256 amount,",
            "bytes32 orderHash,address referrer,uint256 deadline)"
        )
    );

    IShop public shop;
    address public admin;
    address public operator;
    /// @notice The keyed operator that signs receipts (the test grants it the operator role).
    address public receiptOperator;
    address public stranger;

    DividendToken[MAX_TOKENS] internal _tokens;
    IShopBase.TokenRules[MAX_TOKENS] internal _rules;
    uint256 internal _tokenCount;
    address[] internal _actors;

    // Model: order ids of the operator paths (uses, the path that used each, the bitmap) and checkouts.
    uint64 internal _nextId;
    mapping(uint256 orderId => uint256) internal _idUses;
    mapping(uint256 orderId => IShopBase.OrderPath) internal _idPath;
    uint64[] internal _idsSeen;
    mapping(uint256 orderId => bool) internal _isSeen;
    mapping(uint256 wordIndex => uint256) internal _bitmap;
    mapping(bytes32 checkoutKey => uint256) internal _checkoutTimes;
    mapping(bytes32 orderHash => uint256) internal _checkoutCustomers;

    // Model: customers, referrals and what each holder should hold.
    mapping(address customer => bool) internal _known;
    mapping(address customer => address) internal _referrerOf;
    mapping(uint256 tokenIndex => mapping(address referrer => uint256)) internal _qualified;
    mapping(uint256 tokenIndex => mapping(address holder => uint256)) internal _balance;
    uint256[MAX_TOKENS] internal _ruleMinted;

    // Model: the day ledger, per token (a token counts revenue from its creation).
    uint256[] internal _days;
    mapping(uint256 day => uint256) internal _dayOrders;
    mapping(uint256 day => uint256[MAX_TOKENS]) internal _dayRevenue;
    mapping(uint256 day => uint256[MAX_TOKENS]) internal _dayEscrow;

    // Model: receipts and batches.
    IShopBase.Receipt[] internal _redeemed;
    bytes[] internal _redeemedSignatures;
    bytes32[] internal _roots;
    mapping(bytes32 root => BatchModel) internal _batches;

    Violations internal _violations;
    Coverage internal _coverage;
    Mismatch internal _lastMismatch;
    uint256 internal _time;

    constructor(IShop shop_, address admin_, address operator_) {
        shop = shop_;
        admin = admin_;
        operator = operator_;
        receiptOperator = vm.addr(_OPERATOR_KEY);
        stranger = vm.addr(_STRANGER_KEY);
        address[] memory tokenList = shop_.tokens();
        _tokenCount = tokenList.length;
        for (uint256 i; i < _tokenCount; ++i) {
            _tokens[i] = DividendToken(tokenList[i]);
            _rules[i] = shop_.currentRules(i);
        }
        for (uint256 k; k < ACTORS; ++k) {
            _actors.push(address(uint160(uint256(keccak256(abi.encode("sharemall.orderpaths.actor", k))))));
        }
        _time = block.timestamp;
        // Ids start just below a bitmap word boundary, so the paths soon share and cross words.
        _nextId = 240;
    }

    /// @dev Restores the handler's clock: the campaign does not carry `warp` from one call to the next.
    modifier step() {
        vm.warp(_time);
        _;
    }

    // ---------------------------------------------------------------- path 1: recorded

    /// @notice The operator records one order.
    function recordOrder(
        uint256 hashSeed,
        uint256 customerSeed,
        uint256 referrerSeed,
        uint256 amount,
        uint256 idSeed
    ) external step {
        IShopBase.Order memory o = _makeOrder(hashSeed, customerSeed, referrerSeed, amount, idSeed);
        bytes memory expected = _idError(o.orderId);
        if (expected.length == 0) expected = _bindError(o.customer, o.referrer, false);
        vm.prank(operator);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopOrders.recordOrder, (o)));
        if (!_judge("recordOrder", ok, reason, expected)) return;
        _useId(o.orderId, IShopBase.OrderPath.Recorded);
        _countOrder(Counted(o.orderHash, o.customer, o.amount, o.referrer, _tokenCount, false));
        _addRevenue(o.amount, 1, 0);
        ++_coverage.recorded;
    }

    /// @notice The operator records 1 to 3 orders at once: orders with used ids (counted before, or earlier in the
    /// batch) are skipped, the rest counts, and an invalid order (a self-referral, id 0) reverts the whole batch.
    function recordOrders(uint256 seed, uint256 size) external step {
        size = bound(size, 1, 3);
        IShopBase.Order[] memory orders = new IShopBase.Order[](size);
        for (uint256 k; k < size; ++k) {
            uint256 e = uint256(keccak256(abi.encode(seed, k)));
            orders[k] = _makeOrder(e, e >> 32, e >> 64, e >> 128, e >> 192);
        }
        (bool[] memory counts, bytes memory expected) = _walkBatch(orders);
        vm.prank(operator);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopOrders.recordOrders, (orders)));
        if (!_judge("recordOrders", ok, reason, expected)) return;
        uint256 revenue;
        uint256 counted;
        for (uint256 k; k < size; ++k) {
            IShopBase.Order memory o = orders[k];
            if (!counts[k]) {
                ++_coverage.skippedInBatches;
                continue;
            }
            _useId(o.orderId, IShopBase.OrderPath.Recorded);
            _countOrder(Counted(o.orderHash, o.customer, o.amount, o.referrer, _tokenCount, false));
            revenue += o.amount;
            ++counted;
        }
        if (counted != 0) _addRevenue(revenue, counted, 0);
        ++_coverage.batchesRecorded;
    }

    // ---------------------------------------------------------------- path 3: checkout

    /// @notice A customer pays an order in native coin (its hash from the small pool).
    function checkout(uint256 hashSeed, uint256 customerSeed, uint256 referrerSeed, uint256 amount) external step {
        IShopBase.Order memory o = _makeOrder(hashSeed, customerSeed, referrerSeed, amount, 0);
        bytes32 key = _key(o.orderHash, o.customer);
        bytes memory expected =
            _checkoutTimes[key] != 0
                ? abi.encodeWithSelector(IShopBase.ShopOrderAlreadyCounted.selector, o.orderHash)
                : _bindError(o.customer, o.referrer, true);
        vm.deal(o.customer, o.customer.balance + o.amount);
        vm.prank(o.customer);
        (bool ok, bytes memory reason) = address(shop).call{value: o.amount}(
            abi.encodeCall(IShopOrders.charge, (o.orderHash, o.referrer))
        );
        if (!_judge("checkout", ok, reason, expected)) return;
        if (_checkoutTimes[key]++ != 0) ++_violations.duplicatesAccepted;
        if (_checkoutCustomers[o.orderHash]++ != 0) ++_coverage.countedForAnotherCustomer;
        _countOrder(Counted(o.orderHash, o.customer, o.amount, o.referrer, _tokenCount, false));
        _addRevenue(o.amount, 1, o.amount);
        ++_coverage.checkouts;
    }

    // ---------------------------------------------------------------- path 2: receipts

    /// @notice Someone submits an operator-signed receipt. `mode` picks a valid receipt (10 in 16) or one of the
    /// receipt faults: expired, wrong shop, wrong chain, a non-operator signer, another key's signature, a high-s twin.
    function redeemReceipt(
        uint256 hashSeed,
        uint256 customerSeed,
        uint256 referrerSeed,
        uint256 amount,
        uint256 mode
    ) external step {
        IShopBase.Order memory o = _makeOrder(hashSeed, customerSeed, referrerSeed, amount, mode >> 16);
        IShopBase.Receipt memory r = IShopBase.Receipt({
            shop: address(shop),
            chainId: block.chainid,
            orderId: o.orderId,
            customer: o.customer,
            amount: o.amount,
            orderHash: o.orderHash,
            referrer: o.referrer,
            deadline: uint64(block.timestamp + 1 hours)
        });
        (bytes memory signature, address signer, bytes memory expected) = _signReceipt(r, mode % 16);
        vm.recordLogs();
        vm.prank(_actor(mode >> 8));
        (bool ok, bytes memory reason) = address(shop).call(
            abi.encodeCall(IShopOrders.redeemReceipt, (r, signer, signature))
        );
        if (!_judge("redeemReceipt", ok, reason, expected)) return;
        _checkOrderCounted(_today(), r.orderId, IShopBase.OrderPath.Receipt, r.amount);
        _useId(r.orderId, IShopBase.OrderPath.Receipt);
        _countOrder(Counted(r.orderHash, r.customer, r.amount, r.referrer, _tokenCount, true));
        _addRevenue(r.amount, 1, 0);
        _redeemed.push(r);
        _redeemedSignatures.push(signature);
        ++_coverage.receipts;
    }

    /// @notice Someone submits a receipt that already redeemed, before or after its deadline.
    function replayReceipt(uint256 seed) external step {
        if (_redeemed.length == 0) return;
        uint256 k = seed % _redeemed.length;
        IShopBase.Receipt memory r = _redeemed[k];
        bytes memory expected =
            block.timestamp > r.deadline
                ? abi.encodeWithSelector(IShopBase.ShopReceiptExpired.selector, r.deadline, block.timestamp)
                : abi.encodeWithSelector(IShopBase.ShopOrderIdUsed.selector, r.orderId);
        vm.prank(_actor(seed >> 8));
        (bool ok, bytes memory reason) = address(shop).call(
            abi.encodeCall(IShopOrders.redeemReceipt, (r, receiptOperator, _redeemedSignatures[k]))
        );
        if (ok) ++_violations.replaysAccepted;
        if (!_judge("replayReceipt", ok, reason, expected)) return;
        // A replay that went through (mispredicted above): the model follows the chain.
        _useId(r.orderId, IShopBase.OrderPath.Receipt);
        _countOrder(Counted(r.orderHash, r.customer, r.amount, r.referrer, _tokenCount, true));
        _addRevenue(r.amount, 1, 0);
    }

    // ---------------------------------------------------------------- path 4: Merkle batches

    /// @notice The operator anchors a batch of 1 to 4 orders with consecutive ids: mostly fresh ones, one call in
    /// four from an id that may be used already (its leaf can then never mint), one in sixteen from id 0 (refused);
    /// one call in four anchors one wei less than the leaves add up to, so the last leaf to mint may cross it.
    function anchorBatch(uint256 seed, uint256 size, uint256 mode) external step {
        size = bound(size, 1, 4);
        uint64 firstId = _batchFirstId(size, mode >> 8);
        Leaf[4] memory leaves;
        bytes32[] memory hashes = new bytes32[](size);
        uint256 revenue;
        for (uint256 i; i < size; ++i) {
            uint256 e = uint256(keccak256(abi.encode(seed, i, "leaf")));
            IShopBase.Order memory o = _makeOrder(e, e >> 32, e >> 64, e >> 128, 0);
            leaves[i] = Leaf(firstId + uint64(i), o.orderHash, o.customer, o.amount, o.referrer);
            hashes[i] = _leafHash(leaves[i]);
            revenue += o.amount;
        }
        if (mode % 4 == 0 && revenue > 1) --revenue;
        (bytes32 root, ) = SortedPairTree.rootAndProof(hashes, 0, 3);
        bytes memory expected;
        if (firstId == 0) {
            expected = abi.encodeWithSelector(IShopBase.ShopInvalidBatch.selector, 0, size, revenue);
        } else if (_batches[root].count != 0) {
            expected = abi.encodeWithSelector(IShopBase.ShopBatchAlreadyAnchored.selector, root);
        }
        vm.prank(operator);
        (bool ok, bytes memory reason) = address(shop).call(
            abi.encodeCall(IShopOrders.anchorBatch, (root, firstId, size, revenue))
        );
        if (!_judge("anchorBatch", ok, reason, expected)) return;
        BatchModel storage b = _batches[root];
        b.day = _today();
        b.firstOrderId = firstId;
        b.count = size;
        b.revenue = revenue;
        b.unminted = revenue;
        b.tokenCount = _tokenCount;
        for (uint256 i; i < size; ++i) {
            b.leaves[i] = leaves[i];
            _see(leaves[i].orderId);
        }
        _roots.push(root);
        _addRevenue(revenue, size, 0);
        ++_coverage.anchors;
    }

    /// @notice The leaf's customer or an operator mints a leaf of an anchored batch with its proof (one call in four
    /// comes from any actor, which must be refused unless it is the customer); one call in eight tampers with the
    /// amount, one in eight names an order id past the batch.
    function mintFromBatch(uint256 batchSeed, uint256 leafSeed, uint256 mode) external step {
        if (_roots.length == 0) return;
        bytes32 root = _roots[batchSeed % _roots.length];
        BatchModel storage b = _batches[root];
        uint256 index = leafSeed % b.count;
        // Mostly a leaf not minted yet, if there is one; otherwise (and one call in four) whichever the seed names.
        if (mode % 4 != 3) {
            for (uint256 k; k < b.count && b.mints[index] != 0; ++k) index = (index + 1) % b.count;
        }
        Leaf memory leaf = b.leaves[index];
        bytes32[] memory proof = _proofOf(b, index);
        bool tampered = mode % 8 == 0;
        if (tampered) leaf.amount += 1;
        if (mode % 8 == 1) leaf.orderId = b.firstOrderId + uint64(b.count);
        // The leaf's customer (1 in 2), an operator (1 in 4) or any actor, maybe the customer (1 in 4).
        uint256 who = (mode >> 8) % 4;
        address caller =
            who < 2
                ? leaf.customer
                : (who == 2 ? ((mode >> 12) % 2 == 0 ? operator : receiptOperator) : _actor(mode >> 16));
        bytes memory expected = _mintError(root, b, leaf, tampered, caller);
        vm.recordLogs();
        vm.prank(caller);
        (bool ok, bytes memory reason) = address(shop).call(
            abi.encodeCall(
                IShopOrders.mintFromBatch,
                (root, leaf.orderId, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, proof)
            )
        );
        if (ok && b.mints[index] != 0) ++_violations.remintsAccepted;
        if (!_judge("mintFromBatch", ok, reason, expected)) return;
        _checkOrderCounted(b.day, leaf.orderId, IShopBase.OrderPath.MerkleBatch, leaf.amount);
        if (caller != leaf.customer) ++_coverage.leafMintsByOperator;
        if (b.tokenCount < _tokenCount) ++_coverage.leavesOfEarlierTokens;
        _useId(leaf.orderId, IShopBase.OrderPath.MerkleBatch);
        // Counted when anchored: minting adds no revenue, and mints the tokens of the anchoring only.
        _countOrder(Counted(leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, b.tokenCount, true));
        ++b.mints[index];
        ++b.mintedCount;
        b.unminted -= leaf.amount;
        ++_coverage.leafMints;
    }

    // ---------------------------------------------------------------- a token created mid-run, time

    /// @notice The admin creates the shop's third token (once): orders from now on mint it, leaves of batches
    /// anchored before do not.
    function createToken(uint256 spendSeed) external step {
        if (_tokenCount == MAX_TOKENS) return;
        IShopBase.TokenRules memory rules = IShopBase.TokenRules({
            spendPerToken: uint96(bound(spendSeed, 0.1 ether, 2 ether)),
            minFirstOrder: 0,
            referralsPerToken: 1,
            dividendBps: 1000,
            referralBps: 2000,
            maxSupply: 0,
            poolNum: 1,
            poolDen: 10
        });
        vm.prank(admin);
        (uint256 index, address token) = shop.createToken(
            IShopBase.TokenParams({
                name: "Late Token",
                symbol: "LATE",
                transferable: false,
                noticePeriod: 0,
                rules: rules
            })
        );
        _tokens[index] = DividendToken(token);
        _rules[index] = rules;
        _tokenCount = index + 1;
    }

    /// @notice Time passes (up to a day and a half), so receipts expire and orders fall on new days.
    function passTime(uint256 seconds_) external {
        _time += bound(seconds_, 1, 36 hours);
    }

    // ---------------------------------------------------------------- views for the invariants

    /// @notice The pool of order hashes.
    function hashAt(uint256 k) public pure returns (bytes32) {
        return keccak256(abi.encode("sharemall.orderpaths.hash", k % HASHES));
    }

    /// @notice How many times `orderHash` counted at checkout for `customer`.
    function checkoutTimes(bytes32 orderHash, address customer) external view returns (uint256) {
        return _checkoutTimes[_key(orderHash, customer)];
    }

    /// @notice Every order id the handler tried or anchored (the ids whose use the invariants check).
    function idsSeen() external view returns (uint64[] memory) {
        return _idsSeen;
    }

    /// @notice How many times order id `orderId` counted, and on which path (if it did).
    function idUses(uint256 orderId) external view returns (uint256 uses, IShopBase.OrderPath path) {
        return (_idUses[orderId], _idPath[orderId]);
    }

    /// @notice The bitmap word `wordIndex` as the model has it.
    function bitmapWord(uint256 wordIndex) external view returns (uint256) {
        return _bitmap[wordIndex];
    }

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function tokenCount() external view returns (uint256) {
        return _tokenCount;
    }

    function violations() external view returns (Violations memory) {
        return _violations;
    }

    function coverage() external view returns (Coverage memory) {
        return _coverage;
    }

    function lastMismatch() external view returns (Mismatch memory) {
        return _lastMismatch;
    }

    function redeemedCount() external view returns (uint256) {
        return _redeemed.length;
    }

    function redeemed(uint256 k) external view returns (IShopBase.Receipt memory) {
        return _redeemed[k];
    }

    function roots() external view returns (bytes32[] memory) {
        return _roots;
    }

    function batchModel(bytes32 root) external view returns (BatchModel memory) {
        return _batches[root];
    }

    function revenueDays() external view returns (uint256[] memory) {
        return _days;
    }

    /// @notice A day's revenue and order count (token 0, which counts every order), and token `i`'s revenue and
    /// escrow that day.
    function dayModel(
        uint256 day,
        uint256 i
    ) external view returns (uint256 revenue, uint256 orderCount, uint256 tokenRevenue, uint256 escrow) {
        return (_dayRevenue[day][0], _dayOrders[day], _dayRevenue[day][i], _dayEscrow[day][i]);
    }

    /// @notice Token-wei the rules minted of token `i` (supply model), its pool allowance (no pool mints here: the
    /// ratio of what the rules minted) and `holder`'s expected balance.
    function tokenModel(uint256 i, address holder) external view returns (uint256 minted, uint256 pool, uint256 bal) {
        IShopBase.TokenRules memory rules = _rules[i];
        pool = rules.poolDen == 0 ? 0 : (_ruleMinted[i] * rules.poolNum) / rules.poolDen;
        return (_ruleMinted[i], pool, _balance[i][holder]);
    }

    /// @notice Token `i`'s dividend rate (constant here: no rule changes).
    function dividendBps(uint256 i) external view returns (uint256) {
        return _rules[i].dividendBps;
    }

    // ---------------------------------------------------------------- predictions

    /// @dev What `_useOrderId` reverts with for `orderId` ("" if unused).
    function _idError(uint64 orderId) internal view returns (bytes memory) {
        if (orderId == 0) return abi.encodeWithSelector(IShopBase.ShopInvalidOrderId.selector, 0);
        if (_idUses[orderId] != 0) return abi.encodeWithSelector(IShopBase.ShopOrderIdUsed.selector, orderId);
        return "";
    }

    /// @dev What binding `referrer` reverts with ("" if the order counts): a self-referral on a first order; at
    /// checkout (`strict`), another referrer than the bound one.
    function _bindError(address customer, address referrer, bool strict) internal view returns (bytes memory) {
        return OrderModel.bindError(_known[customer], _referrerOf[customer], customer, referrer, strict);
    }

    /// @dev Walks a `recordOrders` batch as the shop does (`OrderModel.walkBatch`), from the model's used ids and
    /// known customers. Returns which orders count and the revert data ("" if the batch goes through).
    function _walkBatch(
        IShopBase.Order[] memory orders
    ) internal view returns (bool[] memory counts, bytes memory err) {
        bool[] memory used = new bool[](orders.length);
        bool[] memory known = new bool[](orders.length);
        for (uint256 k; k < orders.length; ++k) {
            used[k] = _idUses[orders[k].orderId] != 0;
            known[k] = _known[orders[k].customer];
        }
        return OrderModel.walkBatch(orders, used, known);
    }

    /// @dev What `mintFromBatch` reverts with, in the shop's order of checks: caller, id range, proof, revenue,
    /// order id, referral.
    function _mintError(
        bytes32 root,
        BatchModel storage b,
        Leaf memory leaf,
        bool tampered,
        address caller
    ) internal view returns (bytes memory) {
        if (caller != leaf.customer && caller != operator && caller != receiptOperator) {
            return abi.encodeWithSelector(IShopBase.ShopNotLeafCustomer.selector, caller, leaf.customer);
        }
        if (leaf.orderId < b.firstOrderId || leaf.orderId - b.firstOrderId >= b.count) {
            return
                abi.encodeWithSelector(
                    IShopBase.ShopBatchOrderIdOutOfRange.selector,
                    root,
                    leaf.orderId,
                    b.firstOrderId,
                    b.count
                );
        }
        if (tampered) return abi.encodeWithSelector(IShopBase.ShopInvalidProof.selector, root, leaf.orderId);
        if (leaf.amount > b.unminted) {
            return abi.encodeWithSelector(IShopBase.ShopBatchRevenueExceeded.selector, root, b.unminted, leaf.amount);
        }
        bytes memory used = _idError(leaf.orderId);
        if (used.length != 0) return used;
        // A leaf naming another referrer than the bound one mints with the bound referrer (it cannot be corrected).
        return _bindError(leaf.customer, leaf.referrer, false);
    }

    /// @dev Signs `r` (after applying the fault `mode` picks) and returns the signature, the signer to name and the
    /// expected revert data.
    function _signReceipt(
        IShopBase.Receipt memory r,
        uint256 mode
    ) internal returns (bytes memory signature, address signer, bytes memory expected) {
        uint256 key = _OPERATOR_KEY;
        signer = receiptOperator;
        if (mode == 0) {
            r.deadline = uint64(block.timestamp - 1);
            expected = abi.encodeWithSelector(IShopBase.ShopReceiptExpired.selector, r.deadline, block.timestamp);
        } else if (mode == 1) {
            r.shop = stranger;
            expected = abi.encodeWithSelector(IShopBase.ShopReceiptWrongShop.selector, address(shop), stranger);
        } else if (mode == 2) {
            r.chainId = block.chainid + 1;
            expected = abi.encodeWithSelector(IShopBase.ShopReceiptWrongChain.selector, block.chainid, r.chainId);
        } else if (mode == 3) {
            key = _STRANGER_KEY;
            signer = stranger;
            expected = abi.encodeWithSelector(IShopBase.ShopReceiptSignerNotOperator.selector, stranger);
        } else if (mode == 4 || mode == 5) {
            // mode 4: another key's signature naming the operator; mode 5: the operator's high-s twin.
            if (mode == 4) key = _STRANGER_KEY;
            expected = abi.encodeWithSelector(IShopBase.ShopReceiptInvalidSignature.selector, receiptOperator);
        } else {
            expected = _idError(r.orderId);
            if (expected.length == 0) expected = _bindError(r.customer, r.referrer, false);
        }
        bytes32 digest = _receiptDigest(r);
        if (digest != shop.receiptDigest(r)) ++_violations.digestMismatches;
        (uint8 v, bytes32 rr, bytes32 s) = vm.sign(key, digest);
        if (mode == 5) {
            s = bytes32(_SECP256K1_N - uint256(s));
            v = v == 27 ? 28 : 27;
        }
        signature = abi.encodePacked(rr, s, v);
    }

    /// @dev Compares an outcome with the prediction; returns whether the call succeeded (the model then applies it).
    function _judge(string memory name, bool ok, bytes memory reason, bytes memory expected) internal returns (bool) {
        bool predictedOk = expected.length == 0;
        if (ok != predictedOk || (!ok && keccak256(reason) != keccak256(expected))) {
            ++_violations.mismatches;
            _lastMismatch = Mismatch({step: name, expected: expected, actual: ok ? bytes("success") : reason});
        }
        if (ok) return true;
        bytes4 selector = bytes4(reason);
        if (selector == IShopBase.ShopOrderIdUsed.selector) ++_coverage.refusedIdUsed;
        else if (selector == IShopBase.ShopOrderAlreadyCounted.selector) ++_coverage.refusedAsCounted;
        else if (selector == IShopBase.ShopNotLeafCustomer.selector) ++_coverage.refusedNotLeafCustomer;
        else ++_coverage.refusedOther;
        if (keccak256(bytes(name)) == keccak256("replayReceipt")) ++_coverage.replaysRefused;
        return false;
    }

    /// @dev The `OrderCounted` event of the call just made (logs recorded since `recordLogs`) names `day`, `orderId`,
    /// `path` and `amount`.
    function _checkOrderCounted(uint256 day, uint256 orderId, IShopBase.OrderPath path, uint256 amount) internal {
        Vm.Log[] memory logs = vm.getRecordedLogs();
        bytes32 topic = IShopBase.OrderCounted.selector;
        for (uint256 k; k < logs.length; ++k) {
            if (logs[k].emitter != address(shop) || logs[k].topics.length == 0 || logs[k].topics[0] != topic) continue;
            (uint256 d, uint256 id, IShopBase.OrderPath p, uint256 a) = abi.decode(
                logs[k].data,
                (uint256, uint256, IShopBase.OrderPath, uint256)
            );
            if (d != day || id != orderId || p != path || a != amount) ++_violations.eventMismatches;
            return;
        }
        ++_violations.eventMismatches;
    }

    // ---------------------------------------------------------------- model updates

    /// @dev Order id `orderId` counted on `path`.
    function _useId(uint64 orderId, IShopBase.OrderPath path) internal {
        if (_idUses[orderId]++ != 0) ++_violations.duplicatesAccepted;
        _idPath[orderId] = path;
        _bitmap[orderId >> 8] |= uint256(1) << (orderId & 0xff);
        _see(orderId);
    }

    function _see(uint64 orderId) internal {
        if (orderId == 0 || _isSeen[orderId]) return;
        _isSeen[orderId] = true;
        _idsSeen.push(orderId);
    }

    /// @dev One counted order: the referral binding and the minting by the rules of its tokens. A receipt or leaf
    /// (`deferred`) without a referrer leaves a new customer unbound, since they come in any order; another referrer
    /// than the bound one counts with the bound one.
    function _countOrder(Counted memory c) internal {
        bool first = !_known[c.customer];
        if (first) {
            if (c.referrer != address(0)) {
                _known[c.customer] = true;
                _referrerOf[c.customer] = c.referrer;
            } else if (!c.deferred) {
                _known[c.customer] = true;
            }
        } else if (c.referrer != address(0) && c.referrer != _referrerOf[c.customer]) {
            ++_coverage.referrerMismatches;
        }
        address bound_ = _referrerOf[c.customer];
        for (uint256 i; i < c.tokenCount; ++i) {
            IShopBase.TokenRules memory rules = _rules[i];
            uint256 consumption = rules.spendPerToken == 0 ? 0 : (c.amount * _ONE) / rules.spendPerToken;
            uint256 promotion;
            if (bound_ != address(0)) {
                promotion = (consumption * rules.referralBps) / _BPS;
                if (first && rules.referralsPerToken != 0 && c.amount >= rules.minFirstOrder) {
                    if (++_qualified[i][bound_] % rules.referralsPerToken == 0) promotion += _ONE;
                }
                _balance[i][bound_] += promotion;
            }
            _balance[i][c.customer] += consumption;
            _ruleMinted[i] += consumption + promotion;
        }
    }

    /// @dev Revenue and orders counted today by every token, and the escrow of a checkout paying `payment`.
    function _addRevenue(uint256 revenue, uint256 orders, uint256 payment) internal {
        uint256 day = _today();
        if (_dayOrders[day] == 0) _days.push(day);
        _dayOrders[day] += orders;
        for (uint256 i; i < _tokenCount; ++i) {
            uint256 before = _dayRevenue[day][i];
            _dayRevenue[day][i] = before + revenue;
            if (payment == 0) continue;
            uint256 bps = _rules[i].dividendBps;
            uint256 escrow = ((before + revenue) * bps) / _BPS - (before * bps) / _BPS;
            if (escrow > payment) escrow = payment;
            payment -= escrow;
            _dayEscrow[day][i] += escrow;
        }
    }

    // ---------------------------------------------------------------- helpers

    /// @dev An order from the hash pool, an actor, a referrer and an amount of 1 wei to 3 coin, and an order id. The
    /// referrer is none (1 in 4), a valid one (the bound referrer, or another actor on a first order: 1 in 2), any
    /// actor (1 in 8: a mismatch once the customer is known) or the customer itself (1 in 8: a self-referral, or a
    /// mismatch once the customer is known).
    function _makeOrder(
        uint256 hashSeed,
        uint256 customerSeed,
        uint256 referrerSeed,
        uint256 amount,
        uint256 idSeed
    ) internal returns (IShopBase.Order memory o) {
        o.orderHash = hashAt(hashSeed);
        o.customer = _actor(customerSeed);
        uint256 m = referrerSeed % 8;
        if (m >= 2 && m <= 5) {
            o.referrer =
                _known[o.customer]
                    ? _referrerOf[o.customer]
                    : _actor((customerSeed % ACTORS) + 1 + ((referrerSeed >> 8) % (ACTORS - 1)));
        } else if (m == 6) {
            o.referrer = _actor(referrerSeed >> 8);
        } else if (m == 7) {
            o.referrer = o.customer;
        }
        o.amount = uint96(bound(amount % (1 << 96), 1, _MAX_ORDER));
        o.orderId = _orderId(idSeed);
    }

    /// @dev An order id: fresh (3 in 4), one tried or anchored before, maybe used (3 in 16), or 0 (1 in 16).
    function _orderId(uint256 seed) internal returns (uint64 id) {
        uint256 m = seed % 16;
        if (m == 0) return 0;
        if (m < 4 && _idsSeen.length != 0) return _idsSeen[(seed >> 8) % _idsSeen.length];
        id = _nextId++;
        _see(id);
    }

    /// @dev A batch's first id: a fresh range (3 in 4), one starting at an id seen before (3 in 16), or 0 (1 in 16).
    function _batchFirstId(uint256 size, uint256 seed) internal returns (uint64 first) {
        uint256 m = seed % 16;
        if (m == 0) return 0;
        if (m < 4 && _idsSeen.length != 0) return _idsSeen[(seed >> 8) % _idsSeen.length];
        first = _nextId;
        _nextId += uint64(size);
    }

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % ACTORS];
    }

    function _today() internal view returns (uint256) {
        return uint256(int256(block.timestamp) + _UTC_OFFSET) / 1 days;
    }

    /// @dev The model's key of a checkout: its hash for its customer.
    function _key(bytes32 orderHash, address customer) internal pure returns (bytes32) {
        return keccak256(abi.encode(orderHash, customer));
    }

    /// @dev The EIP-712 digest of `r` in the shop's domain, computed from the spec rather than by the shop.
    function _receiptDigest(IShopBase.Receipt memory r) internal view returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(_DOMAIN_TYPEHASH, keccak256("ShareMall Shop"), keccak256("2"), block.chainid, address(shop))
        );
        bytes32 structHash = keccak256(
            abi.encode(
                _RECEIPT_TYPEHASH,
                r.shop,
                r.chainId,
                uint256(r.orderId),
                r.customer,
                uint256(r.amount),
                r.orderHash,
                r.referrer,
                uint256(r.deadline)
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function _leafHash(Leaf memory leaf) internal pure returns (bytes32) {
        return
            keccak256(
                bytes.concat(
                    keccak256(
                        abi.encode(
                            uint256(leaf.orderId),
                            leaf.orderHash,
                            leaf.customer,
                            uint256(leaf.amount),
                            leaf.referrer
                        )
                    )
                )
            );
    }

    function _proofOf(BatchModel storage b, uint256 index) internal view returns (bytes32[] memory proof) {
        bytes32[] memory hashes = new bytes32[](b.count);
        for (uint256 i; i < b.count; ++i) hashes[i] = _leafHash(b.leaves[i]);
        (, proof) = SortedPairTree.rootAndProof(hashes, index, 3);
    }
}
