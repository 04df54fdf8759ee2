// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {Fixture} from "./utils/Fixture.sol";
import {DividendToken} from "../../contracts/payouts/DividendToken.sol";
import {IShopOrders} from "../../contracts/interfaces/IShopOrders.sol";
import {IShopBase} from "../../contracts/interfaces/IShopBase.sol";
import {MerkleLeaf} from "../../contracts/libraries/MerkleLeaf.sol";

/* solhint-disable func-name-mixedcase */

/// @title ShopOrdersTest
/// @notice Fuzz tests of order intake: exact minting by the rules on the four paths, the referral bonus, the supply
/// cap and the 2^95 - 1 supply limit; an operator order id counting once across the operator's paths (a used id
/// reverts a single order and is skipped in a batch, so a batch sent twice counts once), a checkout counting once per
/// (hash, customer) and never blocking another customer; referrer conflicts yielding to the bound referrer (but at
/// checkout), receipts and leaves without a referrer leaving a new customer unbound, and a batch leaf minting the
/// tokens of its anchoring only.
contract ShopOrdersTest is Fixture {
    /// @dev Operator paths of `_countVia`: recordOrder, recordOrders, redeemReceipt, mintFromBatch (after anchoring).
    uint256 private constant _OPERATOR_PATHS = 4;
    uint256 private constant _RECORD = 0;
    uint256 private constant _RECORD_BATCH = 1;
    uint256 private constant _RECEIPT = 2;
    uint256 private constant _LEAF = 3;
    uint256 private constant _RECEIPT_KEY = 0xA11CE0;

    address internal alice;
    address internal bob;
    address internal carol;
    /// @dev An operator with a known key, to sign receipts.
    address internal receiptOperator;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
        receiptOperator = vm.addr(_RECEIPT_KEY);
        bytes32 role = shop.OPERATOR_ROLE();
        vm.prank(admin);
        shop.grantRole(role, receiptOperator);
    }

    // ---------------------------------------------------------------- minting by the rules

    /// @param ruleSeeds Seeds of spendPerToken, referralBps, poolDen and poolNum.
    function testFuzz_recordOrder_mintsExactlyByTheRules(
        uint256 amount,
        uint256[4] memory ruleSeeds,
        uint256 path
    ) public {
        amount = bound(amount, 1, MAX_AMOUNT);
        IShopBase.TokenRules memory rules = _wuyouRules();
        // At least amount * 1e18 / 2^94 wei per token, so that consumption and referral share fit the 2^95 supply cap.
        rules.spendPerToken = uint96(bound(ruleSeeds[0], (amount * ONE) / 2 ** 94 + 1, type(uint96).max));
        rules.referralBps = uint16(bound(ruleSeeds[1], 0, BPS));
        rules.poolDen = uint16(bound(ruleSeeds[2], 0, 1000));
        rules.poolNum = uint16(bound(ruleSeeds[3], 0, rules.poolDen));
        DividendToken token = _createToken("Brand", "BRD", false, rules);

        // Any of the five ways in: the four operator paths, or a checkout.
        path = bound(path, 0, _OPERATOR_PATHS);
        bool viaCharge = path == _OPERATOR_PATHS;
        IShopBase.Order memory order = _order(keccak256(abi.encode("order", amount)), alice, amount, bob);
        if (viaCharge) _charge(alice, order.orderHash, amount, bob);
        else _mustCount(path, order);

        uint256 consumption = (amount * ONE) / rules.spendPerToken;
        uint256 promotion = (consumption * rules.referralBps) / BPS;
        uint256 pool = rules.poolDen == 0 ? 0 : ((consumption + promotion) * rules.poolNum) / rules.poolDen;
        assertEq(token.balanceOf(alice), consumption, "customer gets amount * 1e18 / spendPerToken");
        assertEq(token.balanceOf(bob), promotion, "referrer gets consumption * referralBps / 10000");
        assertEq(token.totalSupply(), consumption + promotion, "supply is what the rules minted");
        assertEq(shop.poolAllowance(0), pool, "pool allowance: (consumption + promotion) * num / den");
        assertEq(shop.tokenConfig(0).poolAllowance, pool, "tokenConfig shows the same allowance");
        assertEq(shop.dayRecord(shop.today()).revenue, amount, "revenue counts the order");
        _assertFunds(token, amount, (amount * rules.dividendBps) / BPS, viaCharge);
    }

    function testFuzz_recordOrders_referralBonusPerQualifyingReferees(
        uint256 refereeCount,
        uint256 referralsPerToken,
        uint256 minFirstOrder,
        uint256 seed
    ) public {
        refereeCount = bound(refereeCount, 1, 12);
        IShopBase.TokenRules memory rules = _wuyouRules();
        rules.referralsPerToken = uint32(bound(referralsPerToken, 1, 5));
        rules.minFirstOrder = uint96(bound(minFirstOrder, 0, 10 ether));
        DividendToken token = _createToken("Brand", "BRD", false, rules);

        IShopBase.Order[] memory orders = new IShopBase.Order[](refereeCount);
        uint256 qualifying;
        uint256 share;
        for (uint256 k; k < refereeCount; ++k) {
            uint256 amount = bound(uint256(keccak256(abi.encode(seed, k))), 1, 20 ether);
            if (amount >= rules.minFirstOrder) ++qualifying;
            share += (((amount * ONE) / rules.spendPerToken) * rules.referralBps) / BPS;
            address referee = makeAddr(string.concat("referee-", Strings.toString(k)));
            orders[k] = _order(keccak256(abi.encode("referee", k)), referee, amount, alice);
        }
        vm.prank(operator);
        shop.recordOrders(orders);

        assertEq(shop.qualifiedReferrals(0, alice), qualifying, "qualifying referees counted");
        uint256 bonus = (qualifying / rules.referralsPerToken) * ONE;
        assertEq(token.balanceOf(alice), share + bonus, "referrer: shares plus one token per N qualifying");
    }

    // ---------------------------------------------------------------- supply cap

    function testFuzz_recordOrders_maxSupplyNeverExceeded(
        uint256 maxSupply,
        uint96[6] memory amounts,
        uint256 poolMint
    ) public {
        IShopBase.TokenRules memory rules = _wuyouRules();
        rules.maxSupply = uint96(bound(maxSupply, 1, 100 * ONE));
        DividendToken token = _createToken("Capped", "CAP", false, rules);

        uint256 ruled;
        uint256 revenue;
        for (uint256 k; k < amounts.length; ++k) {
            uint256 amount = bound(amounts[k], 1, 20 ether);
            // Alternate customers, alice referred by bob on her first order.
            address customer = k % 2 == 0 ? alice : bob;
            address referrer = k == 0 ? bob : address(0);
            _recordOrder(keccak256(abi.encode("capped", k)), customer, amount, referrer);
            revenue += amount;
            uint256 consumption = (amount * ONE) / rules.spendPerToken;
            uint256 promotion = customer == alice ? (consumption * rules.referralBps) / BPS : 0;
            ruled += consumption + promotion;
            assertLe(token.totalSupply(), rules.maxSupply, "supply <= maxSupply after each order");
        }
        uint256 supply = token.totalSupply();
        assertEq(supply, ruled < rules.maxSupply ? ruled : rules.maxSupply, "supply = min(minted by rules, cap)");
        assertEq(shop.dayRecord(shop.today()).revenue, revenue, "capped orders still count as revenue");
        // The allowance follows what was actually minted, not what the rules would have minted past the cap.
        uint256 allowance = shop.poolAllowance(0);
        assertEq(allowance, (supply * rules.poolNum) / rules.poolDen, "allowance = minted * num / den");

        // The pool manager can mint within the allowance but never past the cap.
        if (allowance == 0) return;
        poolMint = bound(poolMint, 1, allowance);
        vm.prank(poolManager);
        if (supply + poolMint > rules.maxSupply) {
            vm.expectRevert(
                abi.encodeWithSelector(IShopBase.ShopMaxSupplyExceeded.selector, 0, rules.maxSupply, supply + poolMint)
            );
            shop.mintFromPool(0, alice, poolMint, keccak256("service"));
            assertEq(token.totalSupply(), supply, "a refused pool mint mints nothing");
        } else {
            shop.mintFromPool(0, alice, poolMint, keccak256("service"));
            assertEq(token.totalSupply(), supply + poolMint, "pool mint within the cap");
            assertEq(shop.poolAllowance(0), allowance - poolMint, "allowance spent");
        }
        assertLe(token.totalSupply(), rules.maxSupply, "supply <= maxSupply after the pool mint");
    }

    // ---------------------------------------------------------------- the 2^95 - 1 supply limit

    /// @notice A token at its 2^95 - 1 supply limit mints only what is left, then nothing, while every order still
    /// counts (revenue, the other token's minting); the pool allowance follows what was actually minted, and the pool
    /// manager cannot mint past the limit of an uncapped token.
    function testFuzz_recordOrder_supplyLimitCapsMintingNotOrders(uint256[3] memory amounts, uint256 poolDen) public {
        DividendToken brand = _createToken("Brand", "BRD", false, _wuyouRules());
        IShopBase.TokenRules memory tiny = _wuyouRules();
        // One token per wei: an order of about 39.6 gwei fills the token's 2^95 - 1 supply.
        tiny.spendPerToken = 1;
        tiny.dividendBps = 100;
        tiny.poolDen = uint16(bound(poolDen, 1, 10));
        tiny.poolNum = 1;
        DividendToken full = _createToken("Tiny", "TINY", false, tiny);
        uint256 limit = (1 << 95) - 1;

        uint256 supply;
        uint256 revenue;
        uint256 brandMinted;
        for (uint256 k; k < amounts.length; ++k) {
            // Up to twice what fills the supply on its own.
            uint256 amount = bound(amounts[k], 1, (2 * limit) / ONE);
            _recordOrder(keccak256(abi.encode("fill", k)), alice, amount, k == 0 ? bob : address(0));
            revenue += amount;
            brandMinted += (amount * ONE) / _wuyouRules().spendPerToken;
            uint256 consumption = _min(amount * ONE, limit - supply);
            uint256 promotion = _min((amount * ONE * tiny.referralBps) / BPS, limit - supply - consumption);
            supply += consumption + promotion;
            assertEq(full.totalSupply(), supply, "supply: what the rules mint, up to 2^96 - 1");
            assertEq(shop.poolAllowance(1), (supply * tiny.poolNum) / tiny.poolDen, "pool: ratio of what minted");
        }
        uint256 pool = shop.poolAllowance(1);
        assertEq(full.balanceOf(alice) + full.balanceOf(bob), supply, "balances add up to the supply");
        assertEq(shop.dayRecord(shop.today()).orderCount, amounts.length, "every order counted");
        assertEq(shop.dayRecord(shop.today()).revenue, revenue, "revenue of every order");
        assertEq(shop.tokenDay(1, shop.today()).owed, (revenue * tiny.dividendBps) / BPS, "the full token is owed");
        assertEq(brand.balanceOf(alice), brandMinted, "the other token mints by its rules");

        if (pool == 0) return;
        vm.prank(poolManager);
        if (supply == limit) {
            vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopMaxSupplyExceeded.selector, 1, limit, limit + 1));
            shop.mintFromPool(1, alice, 1, keccak256("service"));
        } else {
            uint256 poolMint = _min(pool, limit - supply);
            shop.mintFromPool(1, alice, poolMint, keccak256("service"));
            assertEq(full.totalSupply(), supply + poolMint, "pool mint below the limit");
        }
    }

    // ---------------------------------------------------------------- an order id counts once

    /// @notice Once an order id has counted on one operator path, no operator path counts it again: a single order
    /// or receipt reverts `ShopOrderIdUsed`, a batch skips it (`OrderSkipped`) and counts nothing, and a batch leaf
    /// carrying it can be anchored (its revenue counts then) but never mints. Whatever the hash, customer or amount.
    function testFuzz_orderId_countsOnceAcrossOperatorPaths(
        uint256 orderId,
        uint256 firstPath,
        uint256 secondPath,
        uint256 amount1,
        uint256 amount2,
        bool sameCustomer
    ) public {
        firstPath = bound(firstPath, 0, _OPERATOR_PATHS - 1);
        secondPath = bound(secondPath, 0, _OPERATOR_PATHS - 1);
        amount1 = bound(amount1, 1, 100 ether);
        amount2 = bound(amount2, 1, 100 ether);
        DividendToken token = _createToken("Brand", "BRD", false, _wuyouRules());
        uint64 id = uint64(bound(orderId, 1, type(uint64).max));
        IShopBase.Order memory first = IShopBase.Order(id, keccak256("first"), alice, uint96(amount1), address(0));
        address customer2 = sameCustomer ? alice : bob;
        IShopBase.Order memory second = IShopBase.Order(
            id,
            keccak256("second"),
            customer2,
            uint96(amount2),
            address(0)
        );

        assertFalse(shop.isOrderIdUsed(id), "id unused before");
        _mustCount(firstPath, first);
        assertTrue(shop.isOrderIdUsed(id), "id used after its order counted");
        _assertCountsNoMore(token, secondPath, second);
    }

    /// @dev `order`'s id has counted: on path `path` it is refused (`ShopOrderIdUsed`) or, in a batch, skipped.
    function _assertCountsNoMore(DividendToken token, uint256 path, IShopBase.Order memory order) private {
        uint256 supply = token.totalSupply();
        IShopBase.DayRecord memory before = shop.dayRecord(shop.today());
        (address caller, bytes memory data) = _prepare(path, order);
        if (path == _RECORD_BATCH) {
            vm.expectEmit();
            emit IShopBase.OrderSkipped(order.orderId, order.orderHash, order.customer);
            (bool ok, ) = _send(caller, data);
            assertTrue(ok, "a batch with a used id does not revert");
        } else {
            (bool ok, bytes memory reason) = _send(caller, data);
            assertFalse(ok, "a used id is refused");
            bytes memory used = abi.encodeWithSelector(IShopBase.ShopOrderIdUsed.selector, order.orderId);
            assertEq(reason, used, "refused with ShopOrderIdUsed(orderId)");
        }
        IShopBase.DayRecord memory record = shop.dayRecord(shop.today());
        // A refused leaf's batch was anchored (its revenue counts then), only its mint was refused.
        uint256 anchored = path == _LEAF ? order.amount : 0;
        assertEq(record.orderCount, before.orderCount + (anchored == 0 ? 0 : 1), "no order counted again");
        assertEq(record.revenue, before.revenue + anchored, "no revenue counted again (but an anchored batch's)");
        assertEq(token.totalSupply(), supply, "nothing minted by the refused use");
    }

    /// @notice The operator paths key orders by id, not by hash: the same hash for the same customer under a new id is
    /// another order, and counts.
    function testFuzz_orderHash_sameHashNewIdCountsOnOperatorPaths(
        bytes32 orderHash,
        uint256 firstPath,
        uint256 secondPath,
        uint256 amount
    ) public {
        // A zero hash is no order hash (ShopInvalidOrderHash): take another.
        if (orderHash == bytes32(0)) orderHash = keccak256("order");
        firstPath = bound(firstPath, 0, _OPERATOR_PATHS - 1);
        secondPath = bound(secondPath, 0, _OPERATOR_PATHS - 1);
        amount = bound(amount, 1, 100 ether);
        DividendToken token = _createToken("Brand", "BRD", false, _wuyouRules());
        _mustCount(firstPath, _order(orderHash, alice, amount, address(0)));
        // A second batch of the same single leaf would share the root; a new id gives it another one.
        _mustCount(secondPath, _order(orderHash, alice, amount, address(0)));
        uint256 each = (amount * ONE) / _wuyouRules().spendPerToken;
        assertEq(token.balanceOf(alice), 2 * each, "both orders minted");
        assertEq(shop.dayRecord(shop.today()).orderCount, 2, "two orders counted");
        assertEq(shop.dayRecord(shop.today()).revenue, 2 * amount, "revenue of both");
        assertFalse(_charged(shop, orderHash, alice), "operator orders are no charges");
    }

    function test_orderId_zeroIsInvalidOnEveryOperatorPath() public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        IShopBase.Order memory order = IShopBase.Order(0, keccak256("zero id"), alice, 1 ether, address(0));
        bytes memory invalid = abi.encodeWithSelector(IShopBase.ShopInvalidOrderId.selector, 0);
        for (uint256 path; path < _LEAF; ++path) {
            (bool ok, bytes memory reason) = _countVia(path, order);
            assertFalse(ok, "order id 0 refused");
            assertEq(reason, invalid, "refused with ShopInvalidOrderId(0)");
        }
        // A batch cannot start at id 0.
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInvalidBatch.selector, 0, 1, 1 ether));
        shop.anchorBatch(keccak256("root"), 0, 1, 1 ether);
        assertEq(shop.dayRecord(shop.today()).orderCount, 0, "nothing counted");
    }

    /// @notice The bitmap: 256 ids a word, bit `id % 256` of word `id / 256`.
    function testFuzz_orderIdBitmap_oneBitPerId(uint256[4] memory idSeeds) public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        uint256 base = bound(idSeeds[0], 1, type(uint64).max - 600);
        for (uint256 k; k < idSeeds.length; ++k) {
            // Ids in two or three neighbouring words.
            uint64 id = uint64(base + bound(idSeeds[k], 0, 600));
            if (shop.isOrderIdUsed(id)) continue;
            uint256 word = shop.orderIdBitmap(id >> 8);
            vm.prank(operator);
            shop.recordOrder(IShopBase.Order(id, keccak256(abi.encode(k)), alice, 1 ether, address(0)));
            assertEq(shop.orderIdBitmap(id >> 8), word | (uint256(1) << (id & 0xff)), "exactly the id's bit set");
            assertTrue(shop.isOrderIdUsed(id), "isOrderIdUsed reads the bit");
        }
    }

    // ---------------------------------------------------------------- recordOrders: skipped ids, all or nothing

    /// @notice A batch whose ids were partly used before (on chain, or earlier in the same batch) counts exactly the
    /// orders with unused ids, in order, and emits `OrderSkipped` for the others; sending it again counts nothing and
    /// does not revert. Ids are spread over neighbouring bitmap words.
    function testFuzz_recordOrders_usedIdsSkippedRestCounts(uint256 seed, uint256 size, uint256 usedMask) public {
        size = bound(size, 1, 8);
        DividendToken token = _createToken("Brand", "BRD", false, _wuyouRules());
        // Ids drawn from ten values around a word boundary, so some repeat within the batch.
        uint256 base = 250 + (seed % 3) * 256;
        IShopBase.Order[] memory orders = _batchOfIds(seed, size, base);
        bool[] memory usedBefore = _recordIdsBefore(base, usedMask);
        IShopBase.DayRecord memory before = shop.dayRecord(shop.today());

        // What must count: orders whose id is unused so far, in batch order.
        bool[] memory used = usedBefore;
        uint256 revenue;
        uint256 counted;
        uint256 minted;
        for (uint256 k; k < size; ++k) {
            uint256 v = orders[k].orderId - base;
            if (used[v]) {
                vm.expectEmit();
                emit IShopBase.OrderSkipped(orders[k].orderId, orders[k].orderHash, alice);
                continue;
            }
            used[v] = true;
            revenue += orders[k].amount;
            minted += (uint256(orders[k].amount) * ONE) / _wuyouRules().spendPerToken;
            ++counted;
        }
        vm.prank(operator);
        shop.recordOrders(orders);
        IShopBase.DayRecord memory record = shop.dayRecord(shop.today());
        assertEq(record.orderCount, before.orderCount + counted, "orders with unused ids counted");
        assertEq(record.revenue, before.revenue + revenue, "their revenue");
        assertEq(token.balanceOf(alice), minted, "their mints");

        // Sent again: every id is used, nothing counts, nothing reverts.
        vm.prank(operator);
        shop.recordOrders(orders);
        assertEq(shop.dayRecord(shop.today()).orderCount, record.orderCount, "a batch sent twice counts once");
        assertEq(token.balanceOf(alice), minted, "and mints once");
    }

    /// @notice An invalid order (zero hash, id, customer or amount, or a self-referral) anywhere in a batch reverts
    /// the whole batch with its own error.
    function testFuzz_recordOrders_invalidOrderRevertsWholeBatch(uint256 size, uint256 at, uint256 kind) public {
        size = bound(size, 1, 6);
        at = bound(at, 0, size - 1);
        kind = bound(kind, 0, 4);
        _createToken("Brand", "BRD", false, _wuyouRules());
        IShopBase.Order[] memory orders = new IShopBase.Order[](size);
        for (uint256 k; k < size; ++k) {
            address customer = makeAddr(string.concat("customer-", Strings.toString(k)));
            orders[k] = _order(keccak256(abi.encode("valid", k)), customer, 1 ether, address(0));
        }
        IShopBase.Order memory bad = orders[at];
        bytes memory expected;
        if (kind == 0) {
            bad.orderId = 0;
            expected = abi.encodeWithSelector(IShopBase.ShopInvalidOrderId.selector, 0);
        } else if (kind == 1) {
            bad.orderHash = bytes32(0);
            expected = abi.encodeWithSelector(IShopBase.ShopInvalidOrderHash.selector);
        } else if (kind == 2) {
            bad.customer = address(0);
            expected = abi.encodeWithSelector(IShopBase.ShopInvalidCustomer.selector, bad.orderHash);
        } else if (kind == 3) {
            bad.amount = 0;
            expected = abi.encodeWithSelector(IShopBase.ShopInvalidAmount.selector, bad.orderHash, 0);
        } else {
            // A self-referral on the customer's first order.
            bad.referrer = bad.customer;
            expected = abi.encodeWithSelector(IShopBase.ShopSelfReferral.selector, bad.customer);
        }
        vm.prank(operator);
        vm.expectRevert(expected);
        shop.recordOrders(orders);
        for (uint256 k; k < size; ++k) {
            assertFalse(shop.isOrderIdUsed(orders[k].orderId), "no id of a reverted batch is used");
        }
        assertEq(shop.dayRecord(shop.today()).orderCount, 0, "no orders counted");
    }

    function test_recordOrders_emptyBatchReverts() public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        vm.prank(operator);
        vm.expectRevert(IShopBase.ShopEmptyBatch.selector);
        shop.recordOrders(new IShopBase.Order[](0));
    }

    /// @notice An order whose id is used is skipped before it is checked: a re-sent batch never reverts on an order
    /// that already counted, even if the re-sent copy of it is malformed (see the final report: the interface says
    /// invalid orders revert the batch).
    function test_recordOrders_skipsAUsedIdBeforeCheckingTheOrder() public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        uint64 id = _recordOrder(keccak256("counted"), alice, 1 ether, address(0));
        IShopBase.Order[] memory orders = new IShopBase.Order[](2);
        orders[0] = IShopBase.Order(id, bytes32(0), address(0), 0, address(0));
        orders[1] = _order(keccak256("fresh"), bob, 2 ether, address(0));
        vm.expectEmit();
        emit IShopBase.OrderSkipped(id, bytes32(0), address(0));
        vm.prank(operator);
        shop.recordOrders(orders);
        assertEq(shop.dayRecord(shop.today()).orderCount, 2, "the first order and the fresh one counted");
    }

    // ---------------------------------------------------------------- checkouts count once per (hash, customer)

    /// @notice A checkout counts once per (hash, customer): paying the same hash again reverts
    /// `ShopOrderAlreadyCounted`, while another customer's checkout of the hash, and any operator order of it, count.
    function testFuzz_charge_countsOncePerHashAndCustomer(
        bytes32 orderHash,
        uint256 amount1,
        uint256 amount2,
        uint256 operatorPath
    ) public {
        amount1 = bound(amount1, 1, 100 ether);
        amount2 = bound(amount2, 1, 100 ether);
        operatorPath = bound(operatorPath, 0, _OPERATOR_PATHS - 1);
        // A zero hash is no order hash (ShopInvalidOrderHash): take another.
        if (orderHash == bytes32(0)) orderHash = keccak256("order");
        DividendToken token = _createToken("Brand", "BRD", false, _wuyouRules());

        _charge(alice, orderHash, amount1, address(0));
        assertTrue(_charged(shop, orderHash, alice), "charge counted for its customer");
        assertFalse(_charged(shop, orderHash, bob), "not for another customer");
        uint256 supply = token.totalSupply();

        vm.deal(alice, amount2);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopOrderAlreadyCounted.selector, orderHash));
        shop.charge{value: amount2}(orderHash, address(0));
        assertEq(token.totalSupply(), supply, "the double submission minted nothing");
        assertEq(alice.balance, amount2, "and kept the coin");

        // Another customer's checkout of the same hash, and an operator order of it, are other orders.
        _charge(bob, orderHash, amount2, address(0));
        _mustCount(operatorPath, _order(orderHash, alice, amount2, address(0)));
        assertEq(shop.dayRecord(shop.today()).orderCount, 3, "three orders counted");
        assertEq(shop.dayRecord(shop.today()).revenue, amount1 + 2 * amount2, "revenue of the three");
    }

    /// @notice A stranger who pays a checkout with a victim's order hash first (front-running it with 1 wei, say)
    /// blocks nothing: the victim's checkout is keyed by its own address, and operator orders by their ids.
    function testFuzz_orderHash_anotherCustomersChargeNeverBlocks(
        bytes32 orderHash,
        uint256 victimPath,
        uint256 strangerAmount,
        uint256 amount
    ) public {
        // A zero hash is no order hash (ShopInvalidOrderHash): take another.
        if (orderHash == bytes32(0)) orderHash = keccak256("order");
        victimPath = bound(victimPath, 0, _OPERATOR_PATHS);
        strangerAmount = bound(strangerAmount, 1, 100 ether);
        amount = bound(amount, 1, 100 ether);
        IShopBase.TokenRules memory rules = _wuyouRules();
        DividendToken token = _createToken("Brand", "BRD", false, rules);

        _charge(bob, orderHash, strangerAmount, address(0));
        if (victimPath == _OPERATOR_PATHS) _charge(alice, orderHash, amount, address(0));
        else _mustCount(victimPath, _order(orderHash, alice, amount, address(0)));
        IShopBase.DayRecord memory record = shop.dayRecord(shop.today());
        assertEq(record.orderCount, 2, "both orders counted");
        assertEq(record.revenue, strangerAmount + amount, "revenue of both orders");
        assertEq(token.balanceOf(alice), (amount * ONE) / rules.spendPerToken, "victim minted");
        assertEq(token.balanceOf(bob), (strangerAmount * ONE) / rules.spendPerToken, "stranger minted");
    }

    function testFuzz_charge_invalidAmountReverts(uint256 amount) public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        // Zero, or more than 2^96 - 1 wei.
        amount = amount % 2 == 0 ? 0 : bound(amount, MAX_AMOUNT + 1, MAX_AMOUNT * 4);
        vm.deal(alice, amount);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInvalidAmount.selector, keccak256("o"), amount));
        shop.charge{value: amount}(keccak256("o"), address(0));
    }

    // ---------------------------------------------------------------- referrers

    /// @notice On the operator paths, an order naming another referrer than the customer's bound one counts with the
    /// bound referrer (`ReferrerMismatch`): the named one gets nothing, the bound one its share.
    function testFuzz_recordOrder_referrerMismatchCountsWithTheBoundReferrer(
        uint256 path,
        uint256 amount,
        bool boundToNone
    ) public {
        path = bound(path, 0, _OPERATOR_PATHS - 1);
        amount = bound(amount, 1 ether, 100 ether);
        IShopBase.TokenRules memory rules = _wuyouRules();
        DividendToken token = _createToken("Brand", "BRD", false, rules);
        // Alice's first order binds bob (or, recorded without a referrer, nobody).
        address bound_ = boundToNone ? address(0) : bob;
        _recordOrder(keccak256("first"), alice, 1 ether, bound_);
        uint256 bobBefore = token.balanceOf(bob);

        (address caller, bytes memory data) = _prepare(path, _order(keccak256("second"), alice, amount, carol));
        vm.expectEmit();
        emit IShopBase.ReferrerMismatch(alice, bound_, carol);
        (bool ok, ) = _send(caller, data);
        assertTrue(ok, "the order counts");

        uint256 consumption = (amount * ONE) / rules.spendPerToken;
        (address referrer, bool known) = shop.customerOf(alice);
        assertEq(referrer, bound_, "the binding stays");
        assertTrue(known, "alice is known");
        assertEq(token.balanceOf(carol), 0, "the named referrer gets nothing");
        uint256 share = boundToNone ? 0 : (consumption * rules.referralBps) / BPS;
        assertEq(token.balanceOf(bob) - bobBefore, share, "the bound referrer gets its share");
    }

    /// @notice At checkout the customer names its own referrer: another one than the bound one reverts.
    function testFuzz_charge_otherReferrerReverts(bool boundToNone) public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        address bound_ = boundToNone ? address(0) : bob;
        _charge(alice, keccak256("first"), 1 ether, bound_);
        vm.deal(alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopReferrerAlreadyBound.selector, alice, bound_, carol));
        shop.charge{value: 1 ether}(keccak256("second"), carol);
        // Naming the bound referrer (or none) is fine.
        _charge(alice, keccak256("third"), 1 ether, bound_);
        _charge(alice, keccak256("fourth"), 1 ether, address(0));
        assertEq(shop.dayRecord(shop.today()).orderCount, 3, "the other charges counted");
    }

    /// @notice A receipt or leaf without a referrer leaves a new customer unbound, so that its first-order receipt or
    /// leaf naming the referrer, submitted later, still binds it (with the qualifying referral). A recorded order or
    /// a checkout without a referrer binds the customer to none.
    function testFuzz_redeemReceipt_unreferredReceiptOrLeafLeavesANewCustomerUnbound(
        uint256 firstPath,
        uint256 secondPath
    ) public {
        firstPath = bound(firstPath, 0, _OPERATOR_PATHS);
        secondPath = bound(secondPath, _RECEIPT, _LEAF);
        IShopBase.TokenRules memory rules = _wuyouRules();
        rules.referralsPerToken = 1;
        DividendToken token = _createToken("Brand", "BRD", false, rules);
        if (firstPath == _OPERATOR_PATHS) _charge(alice, keccak256("unreferred"), 1 ether, address(0));
        else _mustCount(firstPath, _order(keccak256("unreferred"), alice, 1 ether, address(0)));
        bool deferred = firstPath == _RECEIPT || firstPath == _LEAF;
        (, bool known) = shop.customerOf(alice);
        assertEq(known, !deferred, "only a receipt or leaf leaves a new customer unbound");

        _mustCount(secondPath, _order(keccak256("referred"), alice, 1 ether, bob));
        (address referrer, ) = shop.customerOf(alice);
        assertEq(referrer, deferred ? bob : address(0), "a later referred receipt or leaf binds an unbound customer");
        assertEq(shop.qualifiedReferrals(0, bob), deferred ? 1 : 0, "and counts as a qualifying referral");
        uint256 bonus = deferred ? ONE + (((ONE * ONE) / rules.spendPerToken) * rules.referralBps) / BPS : 0;
        assertEq(token.balanceOf(bob), bonus, "the referrer's bonus and share");
    }

    function testFuzz_recordOrder_selfReferralRevertsOnEveryPath(uint256 path) public {
        path = bound(path, 0, _OPERATOR_PATHS);
        _createToken("Brand", "BRD", false, _wuyouRules());
        bytes memory expected = abi.encodeWithSelector(IShopBase.ShopSelfReferral.selector, alice);
        if (path == _OPERATOR_PATHS) {
            vm.deal(alice, 1 ether);
            vm.prank(alice);
            vm.expectRevert(expected);
            shop.charge{value: 1 ether}(keccak256("self"), alice);
            return;
        }
        (bool ok, bytes memory reason) = _countVia(path, _order(keccak256("self"), alice, 1 ether, alice));
        assertFalse(ok, "a self-referral is refused");
        assertEq(reason, expected, "refused with ShopSelfReferral");
    }

    // ---------------------------------------------------------------- batches

    /// @notice A leaf mints the tokens the shop had when its batch was anchored (whose holders its revenue paid), not
    /// tokens created later; a batch anchored after them mints them all.
    function test_mintFromBatch_mintsOnlyTheTokensOfItsAnchoring() public {
        DividendToken first = _createToken("Brand", "BRD", false, _wuyouRules());
        IShopBase.Order memory early = _order(keccak256("early"), alice, 3 ether, address(0));
        bytes memory earlyMint = _anchoredLeafCall(early);
        assertEq(shop.batch(_leafOf(early)).tokenCount, 1, "anchored with one token");

        IShopBase.TokenRules memory rules = _wuyouRules();
        rules.dividendBps = 1000;
        DividendToken second = _createToken("Mall", "MALL", false, rules);
        IShopBase.Order memory late = _order(keccak256("late"), alice, 3 ether, address(0));
        bytes memory lateMint = _anchoredLeafCall(late);
        assertEq(shop.batch(_leafOf(late)).tokenCount, 2, "anchored with two tokens");

        _mustCall(alice, earlyMint);
        uint256 each = (3 ether * ONE) / rules.spendPerToken;
        assertEq(first.balanceOf(alice), each, "the early leaf mints the first token");
        assertEq(second.balanceOf(alice), 0, "but not the token created after its anchoring");
        _mustCall(alice, lateMint);
        assertEq(first.balanceOf(alice), 2 * each, "the late leaf mints the first token");
        assertEq(second.balanceOf(alice), each, "and the second");
        // The second token counted only the late batch's revenue.
        assertEq(shop.tokenDay(1, shop.today()).revenue, 3 ether, "the later token counts revenue from its creation");
        assertEq(shop.tokenDay(0, shop.today()).revenue, 6 ether, "the first token counts both batches");
    }

    function testFuzz_mintFromBatch_orderIdOutsideTheBatchReverts(uint256 firstId, uint256 count, uint256 id) public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        count = bound(count, 1, 1000);
        uint64 first = uint64(bound(firstId, 1, type(uint64).max - count + 1));
        bytes32 root = keccak256(abi.encode("root", firstId));
        vm.prank(operator);
        shop.anchorBatch(root, first, count, 1 ether);
        IShopBase.Batch memory b = shop.batch(root);
        assertEq(b.firstOrderId, first, "batch: first id");
        assertEq(b.orderCount, count, "batch: order count");
        // Below the first id or past the last one (whichever exists: the range never covers every id).
        bool above = uint256(first) + count <= type(uint64).max && (id % 2 == 1 || first == 1);
        uint64 outside =
            above ? uint64(bound(id, uint256(first) + count, type(uint64).max)) : uint64(bound(id, 0, first - 1));
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IShopBase.ShopBatchOrderIdOutOfRange.selector, root, outside, first, count)
        );
        shop.mintFromBatch(root, outside, keccak256("o"), alice, 1, address(0), new bytes32[](0));
    }

    function testFuzz_anchorBatch_invalidBatchReverts(
        uint256 firstId,
        uint256 count,
        uint256 revenue,
        uint256 kind
    ) public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        kind = bound(kind, 0, 4);
        uint64 first = uint64(bound(firstId, 1, 1e12));
        count = bound(count, 1, 1 << 24);
        revenue = bound(revenue, 1, MAX_AMOUNT);
        if (kind == 0) {
            count = 0;
        } else if (kind == 1) {
            count = (1 << 24) + 1 + (count % 1000);
        } else if (kind == 2) {
            revenue = 0;
        } else if (kind == 3) {
            revenue = MAX_AMOUNT + revenue;
        } else {
            // The last id would pass 2^64 - 1.
            count = bound(count, 2, 1 << 24);
            first = uint64(bound(firstId, uint256(type(uint64).max) - count + 2, type(uint64).max));
        }
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInvalidBatch.selector, first, count, revenue));
        shop.anchorBatch(keccak256("root"), first, count, revenue);
    }

    function test_mintFromBatch_leafChecks() public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        IShopBase.Order memory o = _order(keccak256("leaf"), alice, 2 ether, address(0));
        bytes32 root = _leafOf(o);
        bytes32[] memory none = new bytes32[](0);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopUnknownBatch.selector, root));
        shop.mintFromBatch(root, o.orderId, o.orderHash, alice, o.amount, address(0), none);

        vm.prank(operator);
        shop.anchorBatch(root, o.orderId, 1, 1 ether);
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopBatchAlreadyAnchored.selector, root));
        shop.anchorBatch(root, o.orderId, 1, 1 ether);
        // Only the leaf's customer or an operator mints it.
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopNotLeafCustomer.selector, bob, alice));
        shop.mintFromBatch(root, o.orderId, o.orderHash, alice, o.amount, address(0), none);
        // A tampered leaf does not prove.
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInvalidProof.selector, root, o.orderId));
        shop.mintFromBatch(root, o.orderId, o.orderHash, alice, o.amount + 1, address(0), none);
        // The leaf asks for more than the batch anchored (2 ether of the 1 ether anchored).
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopBatchRevenueExceeded.selector, root, 1 ether, 2 ether));
        shop.mintFromBatch(root, o.orderId, o.orderHash, alice, o.amount, address(0), none);
        assertFalse(shop.isOrderIdUsed(o.orderId), "no refused mint used the id");
    }

    // ---------------------------------------------------------------- before the first token

    function test_recordOrder_noTokenYetRevertsOnEveryPath() public {
        for (uint256 path; path < _LEAF; ++path) {
            (bool ok, bytes memory reason) = _countVia(path, _order(keccak256("early"), alice, 1 ether, address(0)));
            assertFalse(ok, "no order before the first token");
            assertEq(reason, abi.encodeWithSelector(IShopBase.ShopNoTokens.selector), "refused with ShopNoTokens");
        }
        vm.prank(operator);
        vm.expectRevert(IShopBase.ShopNoTokens.selector);
        shop.anchorBatch(keccak256("root"), 1, 1, 1 ether);
        vm.deal(alice, 1 ether);
        vm.prank(alice);
        vm.expectRevert(IShopBase.ShopNoTokens.selector);
        shop.charge{value: 1 ether}(keccak256("early"), address(0));
        assertEq(shop.revenueDayCount(), 0, "no revenue day");
    }

    // ---------------------------------------------------------------- helpers

    /// @dev After one order of `amount` owing `owed`: a checkout escrowed `owed` in the token and credited the rest to
    /// the merchant; a recorded order moved no coin.
    function _assertFunds(DividendToken token, uint256 amount, uint256 owed, bool viaCharge) private view {
        uint256 escrow = viaCharge ? owed : 0;
        assertEq(address(token).balance, escrow, "a charge escrows the dividend share in the token");
        assertEq(address(shop).balance, shop.merchantBalance(), "shop holds exactly the merchant balance");
        assertEq(shop.merchantBalance(), viaCharge ? amount - escrow : 0, "merchant is credited the rest");
        IShopBase.TokenDay memory day = shop.tokenDay(0, shop.today());
        assertEq(day.owed, owed, "owed = amount * dividendBps / 10000");
        assertEq(day.escrowed, escrow, "escrow recorded for the day");
        assertEq(day.dividendBps, _wuyouRules().dividendBps, "the day's rate");
    }

    /// @dev Counts `order` on operator path `path`; it must succeed.
    function _mustCount(uint256 path, IShopBase.Order memory order) private {
        (bool ok, bytes memory reason) = _countVia(path, order);
        assertTrue(ok, string.concat("order counted on path ", Strings.toString(path), ": ", string(reason)));
    }

    function _mustCall(address caller, bytes memory data) private {
        vm.prank(caller);
        (bool ok, ) = address(shop).call(data);
        assertTrue(ok, "call succeeded");
    }

    /// @dev Counts an order on operator path 0 (recordOrder), 1 (recordOrders, one order), 2 (an operator-signed
    /// receipt the customer redeems) or 3 (a one-leaf Merkle batch the operator anchors and the customer mints);
    /// returns whether the counting call succeeded, and its revert data.
    function _countVia(uint256 path, IShopBase.Order memory order) private returns (bool ok, bytes memory reason) {
        (address caller, bytes memory data) = _prepare(path, order);
        return _send(caller, data);
    }

    /// @dev The caller and call data that count `order` on operator path `path` (anchoring its batch, or signing its
    /// receipt, first), so that a test can expect events of that call alone.
    function _prepare(uint256 path, IShopBase.Order memory order) private returns (address caller, bytes memory data) {
        // The operator records; the customer redeems its receipt and mints its leaf.
        caller = path < _RECEIPT ? operator : order.customer;
        if (path == _RECORD) {
            data = abi.encodeCall(IShopOrders.recordOrder, (order));
        } else if (path == _RECORD_BATCH) {
            IShopBase.Order[] memory batch = new IShopBase.Order[](1);
            batch[0] = order;
            data = abi.encodeCall(IShopOrders.recordOrders, (batch));
        } else if (path == _RECEIPT) {
            data = _receiptCall(order);
        } else {
            data = _anchoredLeafCall(order);
        }
    }

    function _send(address caller, bytes memory data) private returns (bool ok, bytes memory reason) {
        vm.prank(caller);
        (ok, reason) = address(shop).call(data);
    }

    /// @dev `size` orders of alice with ids among `base` to `base + 9` (repeats likely).
    function _batchOfIds(
        uint256 seed,
        uint256 size,
        uint256 base
    ) private view returns (IShopBase.Order[] memory orders) {
        orders = new IShopBase.Order[](size);
        for (uint256 k; k < size; ++k) {
            uint256 e = uint256(keccak256(abi.encode(seed, k)));
            uint256 amount = bound(e >> 8, 1, 5 ether);
            bytes32 orderHash = keccak256(abi.encode("batch", k));
            orders[k] = IShopBase.Order(uint64(base + (e % 10)), orderHash, alice, uint96(amount), address(0));
        }
    }

    /// @dev Records, singly, an order of bob for each id `base + v` whose bit `v` of `mask` is set; returns which.
    function _recordIdsBefore(uint256 base, uint256 mask) private returns (bool[] memory used) {
        used = new bool[](10);
        for (uint256 v; v < 10; ++v) {
            if ((mask >> v) & 1 == 0) continue;
            used[v] = true;
            vm.prank(operator);
            shop.recordOrder(IShopBase.Order(uint64(base + v), keccak256(abi.encode("before", v)), bob, 1, address(0)));
        }
    }

    /// @dev The leaf of `order` as a one-leaf batch's root.
    function _leafOf(IShopBase.Order memory order) private pure returns (bytes32) {
        return MerkleLeaf.hash(order.orderId, order.orderHash, order.customer, order.amount, order.referrer);
    }

    /// @dev Anchors `order` as a one-leaf Merkle batch (the root is the leaf, the proof is empty; its id is the
    /// batch's first) and returns the `mintFromBatch` call data of its leaf.
    function _anchoredLeafCall(IShopBase.Order memory order) private returns (bytes memory) {
        bytes32 root = _leafOf(order);
        if (order.orderId != 0 && shop.tokenCount() != 0) {
            vm.prank(operator);
            shop.anchorBatch(root, order.orderId, 1, order.amount);
        }
        return
            abi.encodeCall(
                IShopOrders.mintFromBatch,
                (root, order.orderId, order.orderHash, order.customer, order.amount, order.referrer, new bytes32[](0))
            );
    }

    /// @dev `redeemReceipt` call data for `order`, signed by the keyed operator.
    function _receiptCall(IShopBase.Order memory order) private view returns (bytes memory) {
        IShopBase.Receipt memory receipt = IShopBase.Receipt({
            shop: address(shop),
            chainId: block.chainid,
            orderId: order.orderId,
            customer: order.customer,
            amount: order.amount,
            orderHash: order.orderHash,
            referrer: order.referrer,
            deadline: uint64(block.timestamp + 1 hours)
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_RECEIPT_KEY, shop.receiptDigest(receipt));
        return abi.encodeCall(IShopOrders.redeemReceipt, (receipt, receiptOperator, abi.encodePacked(r, s, v)));
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }
}
