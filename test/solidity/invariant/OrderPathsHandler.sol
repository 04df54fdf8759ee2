// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Vm.sol";
import {Shop} from "../../../contracts/Shop.sol";
import {DividendToken} from "../../../contracts/DividendToken.sol";
import {IShop} from "../../../contracts/interfaces/IShop.sol";

/// @title IVmSigning
/// @notice The signing cheatcodes (Hardhat/EDR, Foundry-compatible) the receipt steps use.
interface IVmSigning {
    /// @notice Signs `digest` with `privateKey` (secp256k1, low-s).
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);

    /// @notice The address of `privateKey`.
    function addr(uint256 privateKey) external pure returns (address);
}

/* solhint-disable max-states-count */

/// @title OrderPathsHandler
/// @notice The only target of the order-paths invariant campaign. It drives the four order paths (recordOrder,
/// recordOrders, checkout, redeemReceipt, and anchorBatch + mintFromBatch) over a small pool of order hashes and
/// customers, so that the same hash keeps arriving by different paths, for the same customer (a duplicate) and for
/// others (a different order: an order hash commits to its customer), plus replays of redeemed receipts, re-mints of
/// leaves and leaf mints by callers other than the leaf's customer or an operator. Before each call it predicts the
/// outcome from its own model of the rules (the exact revert data, or success) and counts every call whose outcome
/// differs; after a success it updates the model: how often each (hash, customer) counted, each leaf minted, the day
/// ledger, and what each holder should hold of each token.
/// @dev Receipts are signed with the `sign` cheatcode by a keyed operator and checked against a digest computed here
/// from the EIP-712 rules. Batch trees have 1 to 4 leaves, hashed as OpenZeppelin's StandardMerkleTree does
/// (`keccak256(bytes.concat(keccak256(abi.encode(index, orderHash, customer, amount, referrer))))`, sorted pairs).
contract OrderPathsHandler is Base {
    /// @notice One leaf of a batch.
    struct Leaf {
        bytes32 orderHash;
        address customer;
        uint96 amount;
        address referrer;
    }

    /// @notice A batch as the model sees it.
    struct BatchModel {
        uint256 day;
        uint256 count;
        uint256 revenue;
        uint256 unminted;
        uint256 mintedCount;
        Leaf[4] leaves;
        uint256[4] mints;
    }

    /// @notice Things that must never happen; all stay zero.
    /// @param mismatches Calls whose outcome (success, or the exact revert data) differed from the prediction.
    /// @param duplicatesAccepted Calls that counted an order hash the model had already counted.
    /// @param replaysAccepted Redeemed receipts that redeemed again.
    /// @param remintsAccepted Minted leaves that minted again.
    /// @param digestMismatches Receipts whose `receiptDigest` differed from the EIP-712 digest computed here.
    struct Violations {
        uint256 mismatches;
        uint256 duplicatesAccepted;
        uint256 replaysAccepted;
        uint256 remintsAccepted;
        uint256 digestMismatches;
    }

    /// @notice How often each kind of step succeeded or was refused (campaign summary, not asserted).
    struct Coverage {
        uint256 recorded;
        uint256 batchesRecorded;
        uint256 checkouts;
        uint256 receipts;
        uint256 anchors;
        uint256 leafMints;
        uint256 refusedAsCounted;
        uint256 refusedOther;
        uint256 replaysRefused;
        uint256 countedForAnotherCustomer;
        uint256 leafMintsByOperator;
        uint256 refusedNotLeafCustomer;
    }

    /// @dev The last mispredicted call, for the failure message.
    struct Mismatch {
        string step;
        bytes expected;
        bytes actual;
    }

    uint256 public constant TOKENS = 2;
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
            "Receipt(address shop,uint256 chainId,address customer,uint256 amount,",
            "bytes32 orderHash,address referrer,uint256 deadline)"
        )
    );
    IVmSigning private constant _SIGNER = IVmSigning(address(uint160(uint256(keccak256("hevm cheat code")))));

    Shop public shop;
    address public operator;
    /// @notice The keyed operator that signs receipts (the test grants it the operator role).
    address public receiptOperator;
    address public stranger;

    DividendToken[TOKENS] internal _tokens;
    IShop.TokenRules[TOKENS] internal _rules;
    address[] internal _actors;

    // Model: orders, keyed by (order hash, customer), and how many customers each hash counted for.
    mapping(bytes32 orderKey => uint256) internal _timesCounted;
    mapping(bytes32 orderHash => uint256) internal _customersOf;

    // Model: customers, referrals and what each holder should hold.
    mapping(address customer => bool) internal _known;
    mapping(address customer => address) internal _referrerOf;
    mapping(uint256 tokenIndex => mapping(address referrer => uint256)) internal _qualified;
    mapping(uint256 tokenIndex => mapping(address holder => uint256)) internal _balance;
    uint256[TOKENS] internal _ruleMinted;
    uint256[TOKENS] internal _poolAccrued;

    // Model: the day ledger.
    uint256[] internal _days;
    mapping(uint256 day => uint256) internal _dayRevenue;
    mapping(uint256 day => uint256) internal _dayOrders;

    // Model: receipts and batches.
    IShop.Receipt[] internal _redeemed;
    bytes[] internal _redeemedSignatures;
    bytes32[] internal _roots;
    mapping(bytes32 root => BatchModel) internal _batches;

    Violations internal _violations;
    Coverage internal _coverage;
    Mismatch internal _lastMismatch;
    uint256 internal _time;

    constructor(Shop shop_, address operator_) {
        shop = shop_;
        operator = operator_;
        receiptOperator = _SIGNER.addr(_OPERATOR_KEY);
        stranger = _SIGNER.addr(_STRANGER_KEY);
        address[] memory tokenList = shop_.tokens();
        for (uint256 i; i < TOKENS; ++i) {
            _tokens[i] = DividendToken(tokenList[i]);
            _rules[i] = shop_.currentRules(i);
        }
        for (uint256 k; k < ACTORS; ++k) {
            _actors.push(address(uint160(uint256(keccak256(abi.encode("sharemall.orderpaths.actor", k))))));
        }
        _time = block.timestamp;
    }

    /// @dev Restores the handler's clock: the campaign does not carry `warp` from one call to the next.
    modifier step() {
        vm.warp(_time);
        _;
    }

    // ---------------------------------------------------------------- path 1: recorded

    /// @notice The operator records one order.
    function recordOrder(uint256 hashSeed, uint256 customerSeed, uint256 referrerSeed, uint256 amount) external step {
        IShop.Order memory o = _makeOrder(hashSeed, customerSeed, referrerSeed, amount);
        bytes memory expected = _orderError(o.orderHash, o.customer, o.referrer);
        vm.prank(operator);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShop.recordOrder, (o)));
        if (!_judge("recordOrder", ok, reason, expected)) return;
        _countOrder(o.orderHash, o.customer, o.amount, o.referrer, false);
        _addRevenue(o.amount, 1);
        ++_coverage.recorded;
    }

    /// @notice The operator records 1 to 3 orders at once (all or nothing); a hash may repeat within the batch.
    function recordOrders(uint256 seed, uint256 size) external step {
        size = bound(size, 1, 3);
        IShop.Order[] memory orders = new IShop.Order[](size);
        uint256 revenue;
        for (uint256 k; k < size; ++k) {
            uint256 e = uint256(keccak256(abi.encode(seed, k)));
            orders[k] = _makeOrder(e, e >> 32, e >> 64, e >> 128);
            revenue += orders[k].amount;
        }
        bytes memory expected = _batchError(orders);
        vm.prank(operator);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShop.recordOrders, (orders)));
        if (!_judge("recordOrders", ok, reason, expected)) return;
        for (uint256 k; k < size; ++k) {
            _countOrder(orders[k].orderHash, orders[k].customer, orders[k].amount, orders[k].referrer, false);
        }
        _addRevenue(revenue, size);
        ++_coverage.batchesRecorded;
    }

    // ---------------------------------------------------------------- path 3: checkout

    /// @notice A customer pays an order in native coin.
    function checkout(uint256 hashSeed, uint256 customerSeed, uint256 referrerSeed, uint256 amount) external step {
        IShop.Order memory o = _makeOrder(hashSeed, customerSeed, referrerSeed, amount);
        bytes memory expected = _orderError(o.orderHash, o.customer, o.referrer);
        vm.deal(o.customer, o.customer.balance + o.amount);
        vm.prank(o.customer);
        (bool ok, bytes memory reason) = address(shop).call{value: o.amount}(
            abi.encodeCall(IShop.checkout, (o.orderHash, o.referrer))
        );
        if (!_judge("checkout", ok, reason, expected)) return;
        _countOrder(o.orderHash, o.customer, o.amount, o.referrer, false);
        _addRevenue(o.amount, 1);
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
        IShop.Order memory o = _makeOrder(hashSeed, customerSeed, referrerSeed, amount);
        IShop.Receipt memory r = IShop.Receipt({
            shop: address(shop),
            chainId: block.chainid,
            customer: o.customer,
            amount: o.amount,
            orderHash: o.orderHash,
            referrer: o.referrer,
            deadline: uint64(block.timestamp + 1 hours)
        });
        (bytes memory signature, address signer, bytes memory expected) = _signReceipt(r, mode % 16);
        vm.prank(_actor(mode >> 8));
        (bool ok, bytes memory reason) = address(shop).call(
            abi.encodeCall(IShop.redeemReceipt, (r, signer, signature))
        );
        if (!_judge("redeemReceipt", ok, reason, expected)) return;
        _countOrder(r.orderHash, r.customer, r.amount, r.referrer, false);
        _addRevenue(r.amount, 1);
        _redeemed.push(r);
        _redeemedSignatures.push(signature);
        ++_coverage.receipts;
    }

    /// @notice Someone submits a receipt that already redeemed, before or after its deadline.
    function replayReceipt(uint256 seed) external step {
        if (_redeemed.length == 0) return;
        uint256 k = seed % _redeemed.length;
        IShop.Receipt memory r = _redeemed[k];
        bytes memory expected =
            block.timestamp > r.deadline
                ? abi.encodeWithSelector(IShop.ShopReceiptExpired.selector, r.deadline, block.timestamp)
                : _alreadyCounted(r.orderHash);
        vm.prank(_actor(seed >> 8));
        (bool ok, bytes memory reason) = address(shop).call(
            abi.encodeCall(IShop.redeemReceipt, (r, receiptOperator, _redeemedSignatures[k]))
        );
        if (ok) ++_violations.replaysAccepted;
        if (!_judge("replayReceipt", ok, reason, expected)) return;
        _countOrder(r.orderHash, r.customer, r.amount, r.referrer, false);
        _addRevenue(r.amount, 1);
    }

    // ---------------------------------------------------------------- path 4: Merkle batches

    /// @notice The operator anchors a batch of 1 to 4 orders; one call in four anchors one wei less than the leaves
    /// add up to, so the last leaf to mint may cross the anchored revenue.
    function anchorBatch(uint256 seed, uint256 size, uint256 mode) external step {
        size = bound(size, 1, 4);
        Leaf[4] memory leaves;
        bytes32[] memory hashes = new bytes32[](size);
        uint256 revenue;
        for (uint256 i; i < size; ++i) {
            uint256 e = uint256(keccak256(abi.encode(seed, i, "leaf")));
            IShop.Order memory o = _makeOrder(e, e >> 32, e >> 64, e >> 128);
            leaves[i] = Leaf({orderHash: o.orderHash, customer: o.customer, amount: o.amount, referrer: o.referrer});
            hashes[i] = _leafHash(i, leaves[i]);
            revenue += o.amount;
        }
        if (mode % 4 == 0 && revenue > 1) --revenue;
        (bytes32 root, ) = _rootAndProof(hashes, 0);
        bytes memory expected =
            _batches[root].count != 0
                ? abi.encodeWithSelector(IShop.ShopBatchAlreadyAnchored.selector, root)
                : bytes("");
        vm.prank(operator);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShop.anchorBatch, (root, size, revenue)));
        if (!_judge("anchorBatch", ok, reason, expected)) return;
        BatchModel storage b = _batches[root];
        b.day = _today();
        b.count = size;
        b.revenue = revenue;
        b.unminted = revenue;
        for (uint256 i; i < size; ++i) b.leaves[i] = leaves[i];
        _roots.push(root);
        _addRevenue(revenue, size);
        ++_coverage.anchors;
    }

    /// @notice The leaf's customer or an operator mints a leaf of an anchored batch with its proof (one call in four
    /// comes from any actor, which must be refused unless it is the customer); one call in eight tampers with the
    /// amount, one in eight names an index past the batch.
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
        if (mode % 8 == 1) index = b.count;
        // The leaf's customer (1 in 2), an operator (1 in 4) or any actor, maybe the customer (1 in 4).
        uint256 who = (mode >> 8) % 4;
        address caller =
            who < 2
                ? leaf.customer
                : (who == 2 ? ((mode >> 12) % 2 == 0 ? operator : receiptOperator) : _actor(mode >> 16));
        bytes memory expected = _mintError(root, b, index, leaf, tampered, caller);
        vm.prank(caller);
        (bool ok, bytes memory reason) = address(shop).call(
            abi.encodeCall(
                IShop.mintFromBatch,
                (root, index, leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, proof)
            )
        );
        if (ok && index < b.count && b.mints[index] != 0) ++_violations.remintsAccepted;
        if (!_judge("mintFromBatch", ok, reason, expected)) return;
        if (caller != leaf.customer) ++_coverage.leafMintsByOperator;
        // Counted when anchored: minting adds no revenue.
        _countOrder(leaf.orderHash, leaf.customer, leaf.amount, leaf.referrer, true);
        if (index < b.count) ++b.mints[index];
        ++b.mintedCount;
        b.unminted = leaf.amount > b.unminted ? 0 : b.unminted - leaf.amount;
        ++_coverage.leafMints;
    }

    // ---------------------------------------------------------------- time

    /// @notice Time passes (up to a day and a half), so receipts expire and orders fall on new days.
    function passTime(uint256 seconds_) external {
        _time += bound(seconds_, 1, 36 hours);
    }

    // ---------------------------------------------------------------- views for the invariants

    /// @notice The pool of order hashes.
    function hashAt(uint256 k) public pure returns (bytes32) {
        return keccak256(abi.encode("sharemall.orderpaths.hash", k % HASHES));
    }

    /// @notice How many times `orderHash` counted for `customer`, by any path (successful calls only).
    function timesCounted(bytes32 orderHash, address customer) external view returns (uint256) {
        return _timesCounted[_key(orderHash, customer)];
    }

    function actors() external view returns (address[] memory) {
        return _actors;
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

    function redeemed(uint256 k) external view returns (IShop.Receipt memory) {
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

    function dayModel(uint256 day) external view returns (uint256 revenue, uint256 orderCount) {
        return (_dayRevenue[day], _dayOrders[day]);
    }

    /// @notice Token-wei the rules minted of token `i` (supply model), the pool allowance accrued, and `holder`'s
    /// expected balance.
    function tokenModel(uint256 i, address holder) external view returns (uint256 minted, uint256 pool, uint256 bal) {
        return (_ruleMinted[i], _poolAccrued[i], _balance[i][holder]);
    }

    // ---------------------------------------------------------------- predictions

    /// @dev What `_countOrder` of the shop reverts with for this order now ("" if it counts).
    function _orderError(bytes32 orderHash, address customer, address referrer) internal view returns (bytes memory) {
        return _orderErrorFrom(orderHash, customer, referrer, _known[customer], _referrerOf[customer], false);
    }

    function _orderErrorFrom(
        bytes32 orderHash,
        address customer,
        address referrer,
        bool known,
        address bound_,
        bool countedInBatch
    ) internal view returns (bytes memory) {
        if (countedInBatch || _timesCounted[_key(orderHash, customer)] != 0) return _alreadyCounted(orderHash);
        if (!known) {
            if (referrer == customer) return abi.encodeWithSelector(IShop.ShopSelfReferral.selector, customer);
        } else if (referrer != address(0) && referrer != bound_) {
            return abi.encodeWithSelector(IShop.ShopReferrerAlreadyBound.selector, customer, bound_, referrer);
        }
        return "";
    }

    /// @dev The first error of a `recordOrders` batch, with the earlier orders of the batch applied.
    function _batchError(IShop.Order[] memory orders) internal view returns (bytes memory) {
        for (uint256 k; k < orders.length; ++k) {
            IShop.Order memory o = orders[k];
            bool known = _known[o.customer];
            address bound_ = _referrerOf[o.customer];
            bool seen;
            for (uint256 j; j < k; ++j) {
                if (orders[j].orderHash == o.orderHash && orders[j].customer == o.customer) seen = true;
                if (orders[j].customer == o.customer && !known) {
                    known = true;
                    bound_ = orders[j].referrer;
                }
            }
            bytes memory err = _orderErrorFrom(o.orderHash, o.customer, o.referrer, known, bound_, seen);
            if (err.length != 0) return err;
        }
        return "";
    }

    /// @dev What `mintFromBatch` reverts with (checks in the shop's order: caller, range, minted, proof, revenue,
    /// order).
    function _mintError(
        bytes32 root,
        BatchModel storage b,
        uint256 index,
        Leaf memory leaf,
        bool tampered,
        address caller
    ) internal view returns (bytes memory) {
        if (caller != leaf.customer && caller != operator && caller != receiptOperator) {
            return abi.encodeWithSelector(IShop.ShopNotLeafCustomer.selector, caller, leaf.customer);
        }
        if (index >= b.count) {
            return abi.encodeWithSelector(IShop.ShopBatchIndexOutOfRange.selector, root, index, b.count);
        }
        if (b.mints[index] != 0) return abi.encodeWithSelector(IShop.ShopLeafAlreadyMinted.selector, root, index);
        if (tampered) return abi.encodeWithSelector(IShop.ShopInvalidProof.selector, root, index);
        if (leaf.amount > b.unminted) {
            return abi.encodeWithSelector(IShop.ShopBatchRevenueExceeded.selector, root, b.unminted, leaf.amount);
        }
        // A leaf naming another referrer than the bound one mints with the bound referrer (it cannot be corrected).
        if (_timesCounted[_key(leaf.orderHash, leaf.customer)] != 0) return _alreadyCounted(leaf.orderHash);
        if (!_known[leaf.customer] && leaf.referrer == leaf.customer) {
            return abi.encodeWithSelector(IShop.ShopSelfReferral.selector, leaf.customer);
        }
        return "";
    }

    /// @dev Signs `r` (after applying the fault `mode` picks) and returns the signature, the signer to name and the
    /// expected revert data.
    function _signReceipt(
        IShop.Receipt memory r,
        uint256 mode
    ) internal returns (bytes memory signature, address signer, bytes memory expected) {
        uint256 key = _OPERATOR_KEY;
        signer = receiptOperator;
        if (mode == 0) {
            r.deadline = uint64(block.timestamp - 1);
            expected = abi.encodeWithSelector(IShop.ShopReceiptExpired.selector, r.deadline, block.timestamp);
        } else if (mode == 1) {
            r.shop = stranger;
            expected = abi.encodeWithSelector(IShop.ShopReceiptWrongShop.selector, address(shop), stranger);
        } else if (mode == 2) {
            r.chainId = block.chainid + 1;
            expected = abi.encodeWithSelector(IShop.ShopReceiptWrongChain.selector, block.chainid, r.chainId);
        } else if (mode == 3) {
            key = _STRANGER_KEY;
            signer = stranger;
            expected = abi.encodeWithSelector(IShop.ShopReceiptSignerNotOperator.selector, stranger);
        } else if (mode == 4 || mode == 5) {
            // mode 4: another key's signature naming the operator; mode 5: the operator's high-s twin.
            if (mode == 4) key = _STRANGER_KEY;
            expected = abi.encodeWithSelector(IShop.ShopReceiptInvalidSignature.selector, receiptOperator);
        } else {
            expected = _orderError(r.orderHash, r.customer, r.referrer);
        }
        bytes32 digest = _receiptDigest(r);
        if (digest != shop.receiptDigest(r)) ++_violations.digestMismatches;
        (uint8 v, bytes32 rr, bytes32 s) = _SIGNER.sign(key, digest);
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
        if (bytes4(reason) == IShop.ShopOrderAlreadyCounted.selector) ++_coverage.refusedAsCounted;
        else if (bytes4(reason) == IShop.ShopNotLeafCustomer.selector) ++_coverage.refusedNotLeafCustomer;
        else ++_coverage.refusedOther;
        if (keccak256(bytes(name)) == keccak256("replayReceipt")) ++_coverage.replaysRefused;
        return false;
    }

    // ---------------------------------------------------------------- model updates

    /// @dev One counted order: the (hash, customer) count, the referral binding and every token's minting by the
    /// rules. A batch leaf (`leaf`) without a referrer leaves a new customer unbound, since leaves mint in any order.
    function _countOrder(bytes32 orderHash, address customer, uint256 amount, address referrer, bool leaf) internal {
        bytes32 key = _key(orderHash, customer);
        if (_timesCounted[key] != 0) ++_violations.duplicatesAccepted;
        else if (_customersOf[orderHash]++ != 0) ++_coverage.countedForAnotherCustomer;
        ++_timesCounted[key];
        bool first = !_known[customer];
        if (first) {
            if (referrer != address(0)) {
                _known[customer] = true;
                _referrerOf[customer] = referrer;
            } else if (!leaf) {
                _known[customer] = true;
            }
        }
        address bound_ = _referrerOf[customer];
        for (uint256 i; i < TOKENS; ++i) {
            IShop.TokenRules memory rules = _rules[i];
            uint256 consumption = rules.spendPerToken == 0 ? 0 : (amount * _ONE) / rules.spendPerToken;
            uint256 promotion;
            if (bound_ != address(0)) {
                promotion = (consumption * rules.referralBps) / _BPS;
                if (first && rules.referralsPerToken != 0 && amount >= rules.minFirstOrder) {
                    if (++_qualified[i][bound_] % rules.referralsPerToken == 0) promotion += _ONE;
                }
                _balance[i][bound_] += promotion;
            }
            _balance[i][customer] += consumption;
            _ruleMinted[i] += consumption + promotion;
            if (rules.poolDen != 0) _poolAccrued[i] += ((consumption + promotion) * rules.poolNum) / rules.poolDen;
        }
    }

    /// @dev Revenue and orders counted today.
    function _addRevenue(uint256 revenue, uint256 orders) internal {
        uint256 day = _today();
        if (_dayOrders[day] == 0) _days.push(day);
        _dayRevenue[day] += revenue;
        _dayOrders[day] += orders;
    }

    // ---------------------------------------------------------------- helpers

    /// @dev An order from the hash pool, an actor, a referrer and an amount of 1 wei to 3 coin. The referrer is none
    /// (1 in 4), a valid one (the bound referrer, or another actor on a first order: 1 in 2), any actor (1 in 8) or
    /// the customer itself (1 in 8: a self-referral, or a rebinding once the customer is known).
    function _makeOrder(
        uint256 hashSeed,
        uint256 customerSeed,
        uint256 referrerSeed,
        uint256 amount
    ) internal view returns (IShop.Order memory o) {
        o.orderHash = hashAt(hashSeed);
        o.customer = _actor(customerSeed);
        uint256 m = referrerSeed % 8;
        if (m >= 2 && m <= 5) {
            // Valid: the bound referrer, or another actor for a first order.
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
    }

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % ACTORS];
    }

    function _today() internal view returns (uint256) {
        return uint256(int256(block.timestamp) + _UTC_OFFSET) / 1 days;
    }

    function _alreadyCounted(bytes32 orderHash) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IShop.ShopOrderAlreadyCounted.selector, orderHash);
    }

    /// @dev The model's key of an order: its hash for its customer.
    function _key(bytes32 orderHash, address customer) internal pure returns (bytes32) {
        return keccak256(abi.encode(orderHash, customer));
    }

    /// @dev The EIP-712 digest of `r` in the shop's domain, computed from the spec rather than by the shop.
    function _receiptDigest(IShop.Receipt memory r) internal view returns (bytes32) {
        bytes32 domain = keccak256(
            abi.encode(_DOMAIN_TYPEHASH, keccak256("ShareMall Shop"), keccak256("1"), block.chainid, address(shop))
        );
        bytes32 structHash = keccak256(
            abi.encode(
                _RECEIPT_TYPEHASH,
                r.shop,
                r.chainId,
                r.customer,
                uint256(r.amount),
                r.orderHash,
                r.referrer,
                uint256(r.deadline)
            )
        );
        return keccak256(abi.encodePacked("\x19\x01", domain, structHash));
    }

    function _leafHash(uint256 index, Leaf memory leaf) internal pure returns (bytes32) {
        return
            keccak256(
                bytes.concat(
                    keccak256(abi.encode(index, leaf.orderHash, leaf.customer, uint256(leaf.amount), leaf.referrer))
                )
            );
    }

    function _proofOf(BatchModel storage b, uint256 index) internal view returns (bytes32[] memory proof) {
        bytes32[] memory hashes = new bytes32[](b.count);
        for (uint256 i; i < b.count; ++i) hashes[i] = _leafHash(i, b.leaves[i]);
        (, proof) = _rootAndProof(hashes, index);
    }

    /// @dev Root of the sorted-pair tree over `level` (an odd last node moves up unchanged) and the proof of leaf
    /// `index`.
    function _rootAndProof(
        bytes32[] memory level,
        uint256 index
    ) internal pure returns (bytes32 root, bytes32[] memory proof) {
        proof = new bytes32[](3);
        uint256 depth;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) proof[depth++] = level[sibling];
            bytes32[] memory next = new bytes32[]((level.length + 1) / 2);
            for (uint256 k; k < next.length; ++k) {
                next[k] = 2 * k + 1 < level.length ? _hashPair(level[2 * k], level[2 * k + 1]) : level[2 * k];
            }
            level = next;
            index >>= 1;
        }
        root = level[0];
        assembly ("memory-safe") {
            // Shrink the proof to the siblings found.
            mstore(proof, depth)
        }
    }

    function _hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }
}
