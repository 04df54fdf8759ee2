// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Campaign size: the test profiles of hardhat.config.ts (CI: 160 runs x depth 64 = 10,240 handler calls per invariant
// function), 5 invariant functions, every invariant checked after every call.

import {Fixture} from "../utils/Fixture.sol";
import {OrderPathsHandler} from "./OrderPathsHandler.sol";
import {DividendToken} from "../../../contracts/payouts/DividendToken.sol";
import {IShopBase} from "../../../contracts/interfaces/IShopBase.sol";

/* solhint-disable func-name-mixedcase */

/// @title OrderPathsInvariantTest
/// @notice Protocol invariant 3 (docs/testing.md) across the four order paths (recordOrder / recordOrders,
/// EIP-712 receipts, checkout, Merkle batches) in core v2: an operator order id counts at most once across the
/// operator's paths (a used id reverts a single order or receipt, is skipped in a batch, and keeps a leaf from
/// minting), a checkout counts once per (hash, customer) and never blocks another customer's; a receipt redeems
/// once, a leaf mints once and only at its customer's or an operator's call, and only the tokens of its anchoring;
/// and supply is exactly what the counted orders mint by the rules (invariant 4), with batch revenue counted once,
/// when anchored.
/// @dev One shop (UTC+8) with two tokens, a third created during the run, and no supply cap; `OrderPathsHandler` is
/// the only target. Order hashes come from a pool of 16 and customers from 5 actors, so most hashes are tried by
/// several customers; order ids are mostly fresh, often reused, so most used ids are tried again on other paths.
contract OrderPathsInvariantTest is Fixture {
    OrderPathsHandler internal handler;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
        // Brand: Wuyou rules with one token per 2 referees whose first order is at least 0.5 coin.
        IShopBase.TokenRules memory brand = _wuyouRules();
        brand.referralsPerToken = 2;
        brand.minFirstOrder = 0.5 ether;
        // Mall: one token per coin, 5 % referral share, 15 % dividends, pool 1/4.
        IShopBase.TokenRules memory mall = _mallRules();
        _createToken("Wuyou Dividend Coin", "YDC", true, brand);
        _createToken("Wuyou Mall Token", "WMT", false, mall);
        handler = new OrderPathsHandler(shop, admin, operator);
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
    /// operator paths refuse each other's used ids with `ShopOrderIdUsed`, a checkout refuse a double submission with
    /// `ShopOrderAlreadyCounted` and accept the same hash for another customer, a referrer conflict count with the
    /// bound referrer but at checkout, and a leaf mint by a stranger fail with `ShopNotLeafCustomer`); every receipt
    /// digest is the EIP-712 one, and every counted receipt and leaf emitted `OrderCounted` with its day, id and path.
    function invariant_everyOutcomeAsPredicted() public view {
        OrderPathsHandler.Violations memory v = handler.violations();
        if (v.mismatches != 0) {
            OrderPathsHandler.Mismatch memory m = handler.lastMismatch();
            assertEq(m.actual, m.expected, string.concat("outcome of ", m.step));
        }
        assertEq(v.digestMismatches, 0, "receiptDigest == EIP-712 digest");
        assertEq(v.eventMismatches, 0, "OrderCounted names the order's day, id, path and amount");
    }

    /// @notice 3. An order counts at most once: each operator order id at most once across the operator's paths, and
    /// the shop's bitmap is exactly the ids some call counted; each checkout at most once per (hash, customer), and
    /// the shop's counted checkouts are exactly those some call counted.
    function invariant_orderHashCountsAtMostOnce() public view {
        assertEq(handler.violations().duplicatesAccepted, 0, "3: a counted order id or charge counted again");
        uint64[] memory ids = handler.idsSeen();
        for (uint256 k; k < ids.length; ++k) {
            (uint256 uses, ) = handler.idUses(ids[k]);
            assertLe(uses, 1, "3: times an order id counted");
            assertEq(shop.isOrderIdUsed(ids[k]), uses == 1, "3: isOrderIdUsed == counted by a call");
            assertEq(shop.orderIdBitmap(ids[k] >> 8), handler.bitmapWord(ids[k] >> 8), "3: bitmap word");
        }
        uint256 count = handler.HASHES();
        address[] memory customers = handler.actors();
        for (uint256 k; k < count; ++k) {
            bytes32 orderHash = handler.hashAt(k);
            for (uint256 a; a < customers.length; ++a) {
                uint256 times = handler.checkoutTimes(orderHash, customers[a]);
                assertLe(times, 1, "3: times a (hash, customer) charge counted");
                assertEq(_charged(shop, orderHash, customers[a]), times == 1, "3: payment captured == paid by a call");
            }
        }
    }

    /// @notice 3. A receipt redeems once: replays all failed, and each redeemed receipt's order id counted exactly
    /// once, by its receipt.
    function invariant_receiptRedeemsOnce() public view {
        assertEq(handler.violations().replaysAccepted, 0, "3: a receipt redeemed twice");
        uint256 count = handler.redeemedCount();
        for (uint256 k; k < count; ++k) {
            IShopBase.Receipt memory r = handler.redeemed(k);
            (uint256 uses, IShopBase.OrderPath path) = handler.idUses(r.orderId);
            assertEq(uses, 1, "3: a redeemed receipt's order id counted once");
            assertTrue(path == IShopBase.OrderPath.Receipt, "3: by the receipt");
            assertTrue(shop.isOrderIdUsed(r.orderId), "3: a redeemed receipt's order id is used");
        }
    }

    /// @notice 3. A leaf mints once: each leaf minted at most once and its id is then used by that mint, the batch
    /// counters match (its tokens too: those of its anchoring), and the leaves never mint more than the revenue the
    /// batch counted.
    function invariant_leafMintsOnce() public view {
        assertEq(handler.violations().remintsAccepted, 0, "3: a leaf minted twice");
        bytes32[] memory roots = handler.roots();
        for (uint256 k; k < roots.length; ++k) {
            OrderPathsHandler.BatchModel memory b = handler.batchModel(roots[k]);
            IShopBase.Batch memory stored = shop.batch(roots[k]);
            assertEq(stored.day, b.day, "3: batch day");
            assertEq(stored.firstOrderId, b.firstOrderId, "3: batch first order id");
            assertEq(stored.orderCount, b.count, "3: batch order count");
            assertEq(stored.mintedCount, b.mintedCount, "3: batch minted count");
            assertEq(stored.unmintedRevenue, b.unminted, "3: batch unminted revenue");
            assertEq(stored.tokenCount, b.tokenCount, "3: batch tokens: those of its anchoring");
            uint256 mintedAmount;
            for (uint256 i; i < b.count; ++i) {
                assertLe(b.mints[i], 1, "3: times a leaf minted");
                if (b.mints[i] == 0) continue;
                (, IShopBase.OrderPath path) = handler.idUses(b.leaves[i].orderId);
                assertTrue(path == IShopBase.OrderPath.MerkleBatch, "3: a minted leaf's id was used by its mint");
                assertTrue(shop.isOrderIdUsed(b.leaves[i].orderId), "3: a minted leaf's id is used");
                mintedAmount += b.leaves[i].amount;
            }
            assertEq(mintedAmount + stored.unmintedRevenue, b.revenue, "3: minted + unminted == anchored revenue");
        }
    }

    /// @notice 4. Each token's supply, pool allowance and every holder's balance are what the counted orders mint by
    /// the rules (a leaf mints the tokens of its anchoring only); each day's revenue and order count are what the
    /// recorded, redeemed and paid orders and the anchored batches counted (a leaf's mint adds none), and each
    /// token's day what it counted since it exists, with the checkouts' escrow.
    function invariant_supplyAndRevenueFollowTheCountedOrders() public view {
        address[] memory holders = handler.actors();
        uint256 count = handler.tokenCount();
        address[] memory list = shop.tokens();
        assertEq(list.length, count, "4: token count");
        for (uint256 i; i < count; ++i) {
            DividendToken token = DividendToken(list[i]);
            (uint256 minted, uint256 pool, ) = handler.tokenModel(i, address(0));
            assertEq(token.totalSupply(), minted, "4: supply == minted by the counted orders");
            assertEq(shop.poolAllowance(i), pool, "4: pool allowance == the ratio of the counted orders' mints");
            uint256 sum;
            for (uint256 a; a < holders.length; ++a) {
                (, , uint256 expected) = handler.tokenModel(i, holders[a]);
                uint256 balance = token.balanceOf(holders[a]);
                assertEq(balance, expected, "4: holder balance");
                sum += balance;
            }
            assertEq(sum, minted, "4: balances add up to the supply");
        }
        uint256[] memory days_ = handler.revenueDays();
        for (uint256 k; k < days_.length; ++k) {
            IShopBase.DayRecord memory record = shop.dayRecord(days_[k]);
            (uint256 revenue, uint256 orderCount, , ) = handler.dayModel(days_[k], 0);
            assertEq(record.revenue, revenue, "4: revenue per day");
            assertEq(record.orderCount, orderCount, "4: orders per day");
            for (uint256 i; i < count; ++i) {
                (, , uint256 tokenRevenue, uint256 escrow) = handler.dayModel(days_[k], i);
                IShopBase.TokenDay memory d = shop.tokenDay(i, days_[k]);
                assertEq(d.revenue, tokenRevenue, "4: token-day revenue (from the token's creation)");
                assertEq(d.owed, (tokenRevenue * handler.dividendBps(i)) / BPS, "4: token-day owed");
                assertEq(d.escrowed, escrow, "4: token-day escrow of the charges");
            }
        }
        assertEq(shop.revenueDayCount(), days_.length, "4: revenue days");
    }
}
