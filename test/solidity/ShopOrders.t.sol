// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {Fixture} from "./utils/Fixture.sol";
import {DividendToken} from "../../contracts/DividendToken.sol";
import {IShop} from "../../contracts/interfaces/IShop.sol";

/* solhint-disable func-name-mixedcase */

/// @title ShopOrdersTest
/// @notice Fuzz tests of order intake: exact minting by the rules on the recorded and checkout paths, the referral
/// bonus, the supply cap and the 2^96 - 1 supply limit, and an order hash counting once per customer whatever the
/// path (and never blocking another customer's order).
contract ShopOrdersTest is Fixture {
    /// @dev Order paths of `_countVia`: recordOrder, recordOrders, checkout, redeemReceipt, mintFromBatch.
    uint256 private constant _PATHS = 5;
    uint256 private constant _BATCH = 4;
    uint256 private constant _RECEIPT_KEY = 0xA11CE0;

    address internal alice;
    address internal bob;
    /// @dev An operator with a known key, to sign receipts.
    address internal receiptOperator;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        receiptOperator = vm.addr(_RECEIPT_KEY);
        bytes32 role = shop.OPERATOR_ROLE();
        vm.prank(admin);
        shop.grantRole(role, receiptOperator);
    }

    // ---------------------------------------------------------------- minting by the rules

    /// @param ruleSeeds Seeds of spendPerToken, referralBps, poolDen and poolNum.
    function test_recordOrder_mintsExactlyByTheRules(
        uint256 amount,
        uint256[4] memory ruleSeeds,
        bool viaCheckout
    ) public {
        amount = bound(amount, 1, type(uint96).max);
        IShop.TokenRules memory rules = _wuyouRules();
        // At least amount * 1e18 / 2^95 wei per token, so that consumption and referral share fit the 2^96 supply cap.
        rules.spendPerToken = uint96(bound(ruleSeeds[0], (amount * ONE) / 2 ** 95 + 1, type(uint96).max));
        rules.referralBps = uint16(bound(ruleSeeds[1], 0, BPS));
        rules.poolDen = uint16(bound(ruleSeeds[2], 0, 1000));
        rules.poolNum = uint16(bound(ruleSeeds[3], 0, rules.poolDen));
        DividendToken token = _createToken("Brand", "BRD", false, rules);

        bytes32 orderHash = keccak256(abi.encode("order", amount));
        if (viaCheckout) _checkout(alice, orderHash, amount, bob);
        else _recordOrder(orderHash, alice, amount, bob);

        uint256 consumption = (amount * ONE) / rules.spendPerToken;
        uint256 promotion = (consumption * rules.referralBps) / BPS;
        uint256 pool = rules.poolDen == 0 ? 0 : ((consumption + promotion) * rules.poolNum) / rules.poolDen;
        assertEq(token.balanceOf(alice), consumption, "customer gets amount * 1e18 / spendPerToken");
        assertEq(token.balanceOf(bob), promotion, "referrer gets consumption * referralBps / 10000");
        assertEq(token.totalSupply(), consumption + promotion, "supply is what the rules minted");
        assertEq(shop.tokenConfig(0).poolAllowance, pool, "pool accrues (consumption + promotion) * num / den");
        assertEq(shop.dayRecord(shop.today()).revenue, amount, "revenue counts the order");
        _assertFunds(token, amount, (amount * rules.dividendBps) / BPS, viaCheckout);
    }

    function test_recordOrders_referralBonusPerQualifyingReferees(
        uint256 refereeCount,
        uint256 referralsPerToken,
        uint256 minFirstOrder,
        uint256 seed
    ) public {
        refereeCount = bound(refereeCount, 1, 12);
        IShop.TokenRules memory rules = _wuyouRules();
        rules.referralsPerToken = uint32(bound(referralsPerToken, 1, 5));
        rules.minFirstOrder = uint96(bound(minFirstOrder, 0, 10 ether));
        DividendToken token = _createToken("Brand", "BRD", false, rules);

        IShop.Order[] memory orders = new IShop.Order[](refereeCount);
        uint256 qualifying;
        uint256 share;
        for (uint256 k; k < refereeCount; ++k) {
            uint256 amount = bound(uint256(keccak256(abi.encode(seed, k))), 1, 20 ether);
            if (amount >= rules.minFirstOrder) ++qualifying;
            share += (((amount * ONE) / rules.spendPerToken) * rules.referralBps) / BPS;
            orders[k] = IShop.Order({
                orderHash: keccak256(abi.encode("referee", k)),
                customer: makeAddr(string.concat("referee-", Strings.toString(k))),
                amount: uint96(amount),
                referrer: alice
            });
        }
        vm.prank(operator);
        shop.recordOrders(orders);

        assertEq(shop.qualifiedReferrals(0, alice), qualifying, "qualifying referees counted");
        uint256 bonus = (qualifying / rules.referralsPerToken) * ONE;
        assertEq(token.balanceOf(alice), share + bonus, "referrer: shares plus one token per N qualifying");
    }

    // ---------------------------------------------------------------- supply cap

    function test_recordOrders_maxSupplyNeverExceeded(
        uint256 maxSupply,
        uint96[6] memory amounts,
        uint256 poolMint
    ) public {
        IShop.TokenRules memory rules = _wuyouRules();
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

        // The pool manager can mint within the allowance but never past the cap.
        uint256 allowance = shop.tokenConfig(0).poolAllowance;
        if (allowance == 0) return;
        poolMint = bound(poolMint, 1, allowance);
        vm.prank(poolManager);
        if (supply + poolMint > rules.maxSupply) {
            vm.expectRevert(
                abi.encodeWithSelector(IShop.ShopMaxSupplyExceeded.selector, 0, rules.maxSupply, supply + poolMint)
            );
            shop.mintFromPool(0, alice, poolMint, keccak256("service"));
            assertEq(token.totalSupply(), supply, "a refused pool mint mints nothing");
        } else {
            shop.mintFromPool(0, alice, poolMint, keccak256("service"));
            assertEq(token.totalSupply(), supply + poolMint, "pool mint within the cap");
            assertEq(shop.tokenConfig(0).poolAllowance, allowance - poolMint, "allowance spent");
        }
        assertLe(token.totalSupply(), rules.maxSupply, "supply <= maxSupply after the pool mint");
    }

    // ---------------------------------------------------------------- the 2^96 - 1 supply limit

    /// @notice A token at its 2^96 - 1 supply limit mints only what is left, then nothing, while every order still
    /// counts (revenue, the other token's minting); pool allowance accrues on what was actually minted, and the pool
    /// manager cannot mint past the limit of an uncapped token.
    function test_recordOrder_supplyLimitCapsMintingNotOrders(uint256[3] memory amounts, uint256 poolDen) public {
        DividendToken brand = _createToken("Brand", "BRD", false, _wuyouRules());
        IShop.TokenRules memory tiny = _wuyouRules();
        // One token per wei: an order of about 79.2 gwei fills the 96-bit supply.
        tiny.spendPerToken = 1;
        tiny.dividendBps = 100;
        tiny.poolDen = uint16(bound(poolDen, 1, 10));
        tiny.poolNum = 1;
        DividendToken full = _createToken("Tiny", "TINY", false, tiny);
        uint256 limit = type(uint96).max;

        uint256 supply;
        uint256 pool;
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
            pool += ((consumption + promotion) * tiny.poolNum) / tiny.poolDen;
            assertEq(full.totalSupply(), supply, "supply: what the rules mint, up to 2^96 - 1");
            assertEq(shop.tokenConfig(1).poolAllowance, pool, "pool accrues on what was actually minted");
        }
        assertEq(full.balanceOf(alice) + full.balanceOf(bob), supply, "balances add up to the supply");
        assertEq(shop.dayRecord(shop.today()).orderCount, amounts.length, "every order counted");
        assertEq(shop.dayRecord(shop.today()).revenue, revenue, "revenue of every order");
        (uint256 owed, ) = shop.tokenDay(1, shop.today());
        assertEq(owed, (revenue * tiny.dividendBps) / BPS, "the full token is still owed its dividends");
        assertEq(brand.balanceOf(alice), brandMinted, "the other token mints by its rules");

        if (pool == 0) return;
        vm.prank(poolManager);
        if (supply == limit) {
            vm.expectRevert(abi.encodeWithSelector(IShop.ShopMaxSupplyExceeded.selector, 1, limit, limit + 1));
            shop.mintFromPool(1, alice, 1, keccak256("service"));
        } else {
            uint256 poolMint = _min(pool, limit - supply);
            shop.mintFromPool(1, alice, poolMint, keccak256("service"));
            assertEq(full.totalSupply(), supply + poolMint, "pool mint below the limit");
        }
    }

    // ---------------------------------------------------------------- order hash counts once per customer

    function test_orderHash_countsOnceAcrossPaths(
        bytes32 orderHash,
        uint256 firstPath,
        uint256 secondPath,
        uint256 amount1,
        uint256 amount2
    ) public {
        vm.assume(orderHash != bytes32(0));
        firstPath %= _PATHS;
        secondPath %= _PATHS;
        amount1 = bound(amount1, 1, 100 ether);
        amount2 = bound(amount2, 1, 100 ether);
        // Two batches of the same one leaf would share a root.
        if (firstPath == _BATCH && secondPath == _BATCH && amount2 == amount1) ++amount2;
        _createToken("Brand", "BRD", false, _wuyouRules());

        assertTrue(_countVia(firstPath, orderHash, alice, amount1, false), "first use counts");
        assertTrue(shop.isOrderCounted(orderHash, alice), "hash counted for its customer");
        assertFalse(shop.isOrderCounted(orderHash, bob), "hash not counted for another customer");
        uint256 supply = DividendToken(shop.tokens()[0]).totalSupply();

        // Any path, any amount: the same hash never counts again for the same customer.
        assertFalse(_countVia(secondPath, orderHash, alice, amount2, true), "second use refused");
        assertFalse(shop.isOrderCounted(_companion(orderHash), alice), "a refused batch counts none of its orders");
        IShop.DayRecord memory record = shop.dayRecord(shop.today());
        // A refused leaf's batch was anchored (its revenue counts then), only its mint was refused.
        uint256 anchored = secondPath == _BATCH ? amount2 : 0;
        assertEq(record.orderCount, anchored == 0 ? 1 : 2, "one order counted (plus an anchored batch)");
        assertEq(record.revenue, amount1 + anchored, "revenue of the first use only (plus an anchored batch)");
        assertEq(DividendToken(shop.tokens()[0]).totalSupply(), supply, "nothing minted by the refused use");
    }

    /// @notice A stranger who counts a victim's order hash first (e.g. a 1-wei checkout that front-runs the victim's
    /// receipt, batch leaf or recorded batch) blocks nothing: the order hash commits to its customer.
    function test_orderHash_anotherCustomersUseNeverBlocks(
        bytes32 orderHash,
        uint256 firstPath,
        uint256 secondPath,
        uint256 strangerAmount,
        uint256 amount
    ) public {
        vm.assume(orderHash != bytes32(0));
        firstPath %= _PATHS;
        secondPath %= _PATHS;
        strangerAmount = bound(strangerAmount, 1, 100 ether);
        amount = bound(amount, 1, 100 ether);
        IShop.TokenRules memory rules = _wuyouRules();
        DividendToken token = _createToken("Brand", "BRD", false, rules);

        assertTrue(_countVia(firstPath, orderHash, bob, strangerAmount, false), "the stranger's use counts");
        assertTrue(_countVia(secondPath, orderHash, alice, amount, true), "the victim's order still counts");
        assertTrue(shop.isOrderCounted(orderHash, bob), "counted for the stranger");
        assertTrue(shop.isOrderCounted(orderHash, alice), "counted for the victim");
        if (secondPath == 1) assertTrue(shop.isOrderCounted(_companion(orderHash), alice), "whole batch counted");
        uint256 companion = secondPath == 1 ? 1 ether : 0;
        IShop.DayRecord memory record = shop.dayRecord(shop.today());
        assertEq(record.orderCount, companion == 0 ? 2 : 3, "both orders counted");
        assertEq(record.revenue, strangerAmount + amount + companion, "revenue of both orders");
        assertEq(
            token.balanceOf(alice),
            (amount * ONE) / rules.spendPerToken + (companion * ONE) / rules.spendPerToken,
            "victim minted"
        );
        assertEq(token.balanceOf(bob), (strangerAmount * ONE) / rules.spendPerToken, "stranger minted");
    }

    function test_recordOrders_duplicateInBatchRevertsWholeBatch(
        bytes32 orderHash,
        uint256 size,
        uint256 first,
        uint256 second
    ) public {
        vm.assume(orderHash != bytes32(0));
        size = bound(size, 2, 8);
        first = bound(first, 0, size - 2);
        second = bound(second, first + 1, size - 1);
        IShop.Order[] memory orders = new IShop.Order[](size);
        for (uint256 k; k < size; ++k) {
            bytes32 h = k == first || k == second ? orderHash : keccak256(abi.encode("batch", orderHash, k));
            orders[k] = IShop.Order({orderHash: h, customer: alice, amount: 1 ether, referrer: address(0)});
        }

        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IShop.ShopOrderAlreadyCounted.selector, orderHash));
        shop.recordOrders(orders);
        for (uint256 k; k < size; ++k) {
            assertFalse(shop.isOrderCounted(orders[k].orderHash, alice), "nothing of a reverted batch counts");
        }
        assertEq(shop.dayRecord(shop.today()).orderCount, 0, "no orders counted");
    }

    function test_recordOrders_sameHashForOtherCustomersCountsEach(bytes32 orderHash, uint256 size) public {
        vm.assume(orderHash != bytes32(0));
        size = bound(size, 2, 8);
        IShop.Order[] memory orders = new IShop.Order[](size);
        for (uint256 k; k < size; ++k) {
            address customer = makeAddr(string.concat("customer-", Strings.toString(k)));
            orders[k] = IShop.Order({orderHash: orderHash, customer: customer, amount: 1 ether, referrer: address(0)});
        }

        vm.prank(operator);
        shop.recordOrders(orders);
        for (uint256 k; k < size; ++k) {
            assertTrue(shop.isOrderCounted(orderHash, orders[k].customer), "counted for each customer");
        }
        assertEq(shop.dayRecord(shop.today()).orderCount, size, "one order per customer");
        assertFalse(shop.isOrderCounted(orderHash, alice), "not counted for a customer without the order");

        // Each customer's order still counts once.
        vm.prank(operator);
        vm.expectRevert(abi.encodeWithSelector(IShop.ShopOrderAlreadyCounted.selector, orderHash));
        shop.recordOrder(orders[size - 1]);
    }

    /// @dev After one order of `amount` owing `owed`: a checkout escrowed `owed` in the token and credited the rest to
    /// the merchant; a recorded order moved no coin.
    function _assertFunds(DividendToken token, uint256 amount, uint256 owed, bool viaCheckout) private view {
        uint256 escrow = viaCheckout ? owed : 0;
        assertEq(address(token).balance, escrow, "checkout escrows the dividend share in the token");
        assertEq(address(shop).balance, shop.merchantBalance(), "shop holds exactly the merchant balance");
        assertEq(shop.merchantBalance(), viaCheckout ? amount - escrow : 0, "merchant is credited the rest");
        (uint256 dayOwed, uint256 escrowed) = shop.tokenDay(0, shop.today());
        assertEq(dayOwed, owed, "owed = amount * dividendBps / 10000");
        assertEq(escrowed, escrow, "escrow recorded for the day");
    }

    /// @dev Counts an order on path 0 (recordOrder), 1 (recordOrders, after a fresh companion order of the same
    /// customer if `companion`), 2 (checkout by the customer), 3 (an operator-signed receipt the customer redeems) or
    /// 4 (a one-leaf Merkle batch the operator anchors and the customer mints); false if it reverted with
    /// `ShopOrderAlreadyCounted(orderHash)`.
    function _countVia(
        uint256 path,
        bytes32 orderHash,
        address customer,
        uint256 amount,
        bool companion
    ) private returns (bool) {
        IShop.Order memory order = IShop.Order({
            orderHash: orderHash,
            customer: customer,
            amount: uint96(amount),
            referrer: address(0)
        });
        bytes memory data;
        // The operator records; the customer pays, redeems its receipt and mints its leaf.
        address caller = path < 2 ? operator : customer;
        uint256 value;
        if (path == 0) {
            data = abi.encodeCall(IShop.recordOrder, (order));
        } else if (path == 1) {
            IShop.Order[] memory batch = new IShop.Order[](companion ? 2 : 1);
            if (companion) {
                batch[0] = IShop.Order({
                    orderHash: _companion(orderHash),
                    customer: customer,
                    amount: 1 ether,
                    referrer: address(0)
                });
            }
            batch[batch.length - 1] = order;
            data = abi.encodeCall(IShop.recordOrders, (batch));
        } else if (path == 2) {
            data = abi.encodeCall(IShop.checkout, (orderHash, address(0)));
            value = amount;
            vm.deal(customer, customer.balance + amount);
        } else if (path == 3) {
            data = _receiptCall(order);
        } else {
            data = _anchoredLeafCall(order);
        }
        vm.prank(caller);
        (bool ok, bytes memory returned) = address(shop).call{value: value}(data);
        if (!ok) {
            assertEq(
                returned,
                abi.encodeWithSelector(IShop.ShopOrderAlreadyCounted.selector, orderHash),
                "refused as already counted"
            );
        }
        return ok;
    }

    /// @dev Anchors `order` as a one-leaf Merkle batch (the root is the leaf, the proof is empty) and returns the
    /// `mintFromBatch` call data of its leaf.
    function _anchoredLeafCall(IShop.Order memory order) private returns (bytes memory) {
        bytes32 root = keccak256(
            bytes.concat(
                keccak256(abi.encode(uint256(0), order.orderHash, order.customer, uint256(order.amount), address(0)))
            )
        );
        vm.prank(operator);
        shop.anchorBatch(root, 1, order.amount);
        return
            abi.encodeCall(
                IShop.mintFromBatch,
                (root, 0, order.orderHash, order.customer, order.amount, address(0), new bytes32[](0))
            );
    }

    /// @dev `redeemReceipt` call data for `order`, signed by the keyed operator.
    function _receiptCall(IShop.Order memory order) private view returns (bytes memory) {
        IShop.Receipt memory receipt = IShop.Receipt({
            shop: address(shop),
            chainId: block.chainid,
            customer: order.customer,
            amount: order.amount,
            orderHash: order.orderHash,
            referrer: order.referrer,
            deadline: uint64(block.timestamp + 1 hours)
        });
        (uint8 v, bytes32 r, bytes32 s) = vm.sign(_RECEIPT_KEY, shop.receiptDigest(receipt));
        return abi.encodeCall(IShop.redeemReceipt, (receipt, receiptOperator, abi.encodePacked(r, s, v)));
    }

    function _min(uint256 a, uint256 b) private pure returns (uint256) {
        return a < b ? a : b;
    }

    function _companion(bytes32 orderHash) private pure returns (bytes32) {
        return keccak256(abi.encode("companion", orderHash));
    }
}
