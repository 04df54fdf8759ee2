// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {Fixture} from "./utils/Fixture.sol";
import {DividendToken} from "../../contracts/DividendToken.sol";
import {IShop} from "../../contracts/interfaces/IShop.sol";

/* solhint-disable func-name-mixedcase */

/// @title ShopOrdersTest
/// @notice Fuzz tests of order intake: exact minting by the rules on the recorded and checkout paths, the referral
/// bonus, the supply cap, and an order hash counting once whatever the path.
contract ShopOrdersTest is Fixture {
    uint256 private constant _PATHS = 3;

    address internal alice;
    address internal bob;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
        alice = makeAddr("alice");
        bob = makeAddr("bob");
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

    // ---------------------------------------------------------------- order hash counts once

    function test_orderHash_countsOnceAcrossPaths(
        bytes32 orderHash,
        uint256 firstPath,
        uint256 secondPath,
        uint256 amount1,
        uint256 amount2
    ) public {
        vm.assume(orderHash != bytes32(0));
        amount1 = bound(amount1, 1, 100 ether);
        amount2 = bound(amount2, 1, 100 ether);
        _createToken("Brand", "BRD", false, _wuyouRules());

        assertTrue(_countVia(firstPath % _PATHS, orderHash, alice, amount1, false), "first use counts");
        assertTrue(shop.isOrderCounted(orderHash), "hash counted");
        uint256 supply = DividendToken(shop.tokens()[0]).totalSupply();

        // Any path, any customer or amount: the same hash never counts again.
        address customer = secondPath % 2 == 0 ? alice : bob;
        assertFalse(_countVia(secondPath % _PATHS, orderHash, customer, amount2, true), "second use refused");
        assertFalse(shop.isOrderCounted(_companion(orderHash)), "a refused batch counts none of its orders");
        IShop.DayRecord memory record = shop.dayRecord(shop.today());
        assertEq(record.orderCount, 1, "one order counted");
        assertEq(record.revenue, amount1, "revenue of the first use only");
        assertEq(DividendToken(shop.tokens()[0]).totalSupply(), supply, "nothing minted by the refused use");
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
            assertFalse(shop.isOrderCounted(orders[k].orderHash), "nothing of a reverted batch counts");
        }
        assertEq(shop.dayRecord(shop.today()).orderCount, 0, "no orders counted");
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

    /// @dev Counts an order on path 0 (recordOrder), 1 (recordOrders, after a fresh companion order if `companion`)
    /// or 2 (checkout); false if it reverted with `ShopOrderAlreadyCounted(orderHash)`.
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
        address caller = operator;
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
        } else {
            data = abi.encodeCall(IShop.checkout, (orderHash, address(0)));
            caller = customer;
            value = amount;
            vm.deal(customer, customer.balance + amount);
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

    function _companion(bytes32 orderHash) private pure returns (bytes32) {
        return keccak256(abi.encode("companion", orderHash));
    }
}
