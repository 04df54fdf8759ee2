// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Campaign size: the test profiles of hardhat.config.ts (CI: 160 runs x depth 64 = 10,240 handler calls per invariant
// function), 5 invariant functions, every invariant checked after every call.

import {Fixture} from "../utils/Fixture.sol";
import {OrderPathsHandler} from "./OrderPathsHandler.sol";
import {DividendToken} from "../../../contracts/DividendToken.sol";
import {IShop} from "../../../contracts/interfaces/IShop.sol";

/* solhint-disable func-name-mixedcase */

/// @title OrderPathsInvariantTest
/// @notice Protocol invariant 3 (docs/testing.md) across the four order paths (recordOrder / recordOrders,
/// EIP-712 receipts, checkout, Merkle batches): an order hash counts once per customer whatever the path (and its
/// use for one customer never blocks another's), a receipt redeems once, a leaf mints once and only at its
/// customer's or an operator's call; and supply is exactly what the counted orders mint by the rules (invariant 4),
/// with batch revenue counted once, when anchored.
/// @dev One shop (UTC+8) with two tokens and no supply cap; `OrderPathsHandler` is the only target. Order hashes come
/// from a pool of 16 and customers from 5 actors, so most hashes are tried by several paths and several customers.
contract OrderPathsInvariantTest is Fixture {
    OrderPathsHandler internal handler;
    DividendToken[2] internal tokens;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
        // Brand: Wuyou rules with one token per 2 referees whose first order is at least 0.5 coin.
        IShop.TokenRules memory brand = _wuyouRules();
        brand.referralsPerToken = 2;
        brand.minFirstOrder = 0.5 ether;
        // Mall: one token per coin, 5 % referral share, 15 % dividends, pool 1/4.
        IShop.TokenRules memory mall = IShop.TokenRules({
            spendPerToken: 1 ether,
            minFirstOrder: 0,
            referralsPerToken: 0,
            dividendBps: 1500,
            referralBps: 500,
            maxSupply: 0,
            poolNum: 1,
            poolDen: 4
        });
        tokens[0] = _createToken("Wuyou Dividend Coin", "YDC", true, brand);
        tokens[1] = _createToken("Wuyou Mall Token", "WMT", false, mall);
        handler = new OrderPathsHandler(shop, operator);
        bytes32 role = shop.OPERATOR_ROLE();
        address signer = handler.receiptOperator();
        vm.prank(admin);
        shop.grantRole(role, signer);
        vm.label(address(handler), "handler");
        vm.label(signer, "receiptOperator");
    }

    /// @notice The invariant campaign calls only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice Every call ended as the rules predict: success, or exactly the predicted error (this is what makes the
    /// paths refuse each other's orders with `ShopOrderAlreadyCounted` for the same customer, accept the same hash
    /// for another customer, and refuse a leaf mint by a stranger with `ShopNotLeafCustomer`), and every receipt
    /// digest is the EIP-712 one.
    function invariant_everyOutcomeAsPredicted() public view {
        OrderPathsHandler.Violations memory v = handler.violations();
        if (v.mismatches != 0) {
            OrderPathsHandler.Mismatch memory m = handler.lastMismatch();
            assertEq(m.actual, m.expected, string.concat("outcome of ", m.step));
        }
        assertEq(v.digestMismatches, 0, "receiptDigest == EIP-712 digest");
    }

    /// @notice 3. An order hash counts at most once per customer across the four paths, and the shop's counted set
    /// is exactly the set of (hash, customer) pairs some call counted.
    function invariant_orderHashCountsAtMostOnce() public view {
        assertEq(handler.violations().duplicatesAccepted, 0, "3: a counted order counted again");
        uint256 count = handler.HASHES();
        address[] memory customers = handler.actors();
        for (uint256 k; k < count; ++k) {
            bytes32 orderHash = handler.hashAt(k);
            for (uint256 a; a < customers.length; ++a) {
                uint256 times = handler.timesCounted(orderHash, customers[a]);
                assertLe(times, 1, "3: times a (hash, customer) counted");
                assertEq(
                    shop.isOrderCounted(orderHash, customers[a]),
                    times == 1,
                    "3: isOrderCounted == counted by a call"
                );
            }
        }
    }

    /// @notice 3. A receipt redeems once: replays all failed, and each redeemed receipt's hash counted exactly once.
    function invariant_receiptRedeemsOnce() public view {
        assertEq(handler.violations().replaysAccepted, 0, "3: a receipt redeemed twice");
        uint256 count = handler.redeemedCount();
        for (uint256 k; k < count; ++k) {
            IShop.Receipt memory r = handler.redeemed(k);
            assertEq(handler.timesCounted(r.orderHash, r.customer), 1, "3: a redeemed receipt's order counted once");
            assertTrue(shop.isOrderCounted(r.orderHash, r.customer), "3: a redeemed receipt's order is counted");
        }
    }

    /// @notice 3. A leaf mints once: the shop's bitmap is the model's, each leaf minted at most once, the batch
    /// counters match, and the leaves never mint more than the revenue the batch counted.
    function invariant_leafMintsOnce() public view {
        assertEq(handler.violations().remintsAccepted, 0, "3: a leaf minted twice");
        bytes32[] memory roots = handler.roots();
        for (uint256 k; k < roots.length; ++k) {
            OrderPathsHandler.BatchModel memory b = handler.batchModel(roots[k]);
            IShop.Batch memory stored = shop.batch(roots[k]);
            assertEq(stored.day, b.day, "3: batch day");
            assertEq(stored.orderCount, b.count, "3: batch order count");
            assertEq(stored.mintedCount, b.mintedCount, "3: batch minted count");
            assertEq(stored.unmintedRevenue, b.unminted, "3: batch unminted revenue");
            uint256 mintedAmount;
            for (uint256 i; i < b.count; ++i) {
                assertLe(b.mints[i], 1, "3: times a leaf minted");
                assertEq(shop.isLeafMinted(roots[k], i), b.mints[i] == 1, "3: isLeafMinted == minted by a call");
                if (b.mints[i] == 1) mintedAmount += b.leaves[i].amount;
            }
            assertEq(mintedAmount + stored.unmintedRevenue, b.revenue, "3: minted + unminted == anchored revenue");
        }
    }

    /// @notice 4. Each token's supply, pool allowance and every holder's balance are what the counted orders mint by
    /// the rules; each day's revenue and order count are what the recorded, redeemed and paid orders and the anchored
    /// batches counted (a leaf's mint adds none).
    function invariant_supplyAndRevenueFollowTheCountedOrders() public view {
        address[] memory holders = handler.actors();
        for (uint256 i; i < tokens.length; ++i) {
            (uint256 minted, uint256 pool, ) = handler.tokenModel(i, address(0));
            assertEq(tokens[i].totalSupply(), minted, "4: supply == minted by the counted orders");
            assertEq(shop.tokenConfig(i).poolAllowance, pool, "4: pool allowance == accrued by the counted orders");
            uint256 sum;
            for (uint256 a; a < holders.length; ++a) {
                (, , uint256 expected) = handler.tokenModel(i, holders[a]);
                uint256 balance = tokens[i].balanceOf(holders[a]);
                assertEq(balance, expected, "4: holder balance");
                sum += balance;
            }
            assertEq(sum, minted, "4: balances add up to the supply");
        }
        uint256[] memory days_ = handler.revenueDays();
        for (uint256 k; k < days_.length; ++k) {
            IShop.DayRecord memory record = shop.dayRecord(days_[k]);
            (uint256 revenue, uint256 orderCount) = handler.dayModel(days_[k]);
            assertEq(record.revenue, revenue, "4: revenue per day");
            assertEq(record.orderCount, orderCount, "4: orders per day");
        }
        assertEq(shop.revenueDayCount(), days_.length, "4: revenue days");
    }
}
