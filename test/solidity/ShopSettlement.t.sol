// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "./utils/Fixture.sol";
import {RejectingRecipient} from "./utils/Recipients.sol";
import {DividendToken} from "../../contracts/payouts/DividendToken.sol";
import {IShopBase} from "../../contracts/interfaces/IShopBase.sol";

/* solhint-disable func-name-mixedcase */

/// @title ShopSettlementTest
/// @notice The day ledger and its settlement: a token's dividend rate for a day is fixed at the day's first order and
/// only goes up during the day (a raise at once applies to the whole day, a change that falls due during it applies
/// from the next day); `settle` always releases the day's checkout escrow, pays the rest from the merchant balance
/// all or nothing (`SettlementShortfall` otherwise, paid by a later call once funded), and reverts only when it can
/// do nothing; deposits, withdrawals and `unsettledDays`.
contract ShopSettlementTest is Fixture {
    address internal alice;
    address internal bob;
    address internal keeper;
    DividendToken internal brand;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        keeper = makeAddr("keeper");
        // Brand: Wuyou rules (20 % dividends) and the shortest notice period, one day.
        brand = _createTokenWithNotice("Wuyou Dividend Coin", "YDC", true, 1 days, _wuyouRules());
    }

    // ---------------------------------------------------------------- the day's rate

    /// @notice A scheduled change of the dividend rate (lower, or higher together with another rule, so that it
    /// waits) that falls due during a day whose first order fixed its rate leaves that day's rate alone: the day
    /// owes its whole revenue at the old rate, and the next day opens at the new one.
    function testFuzz_tokenDay_changeFallingDueDuringTheDayAppliesFromTheNext(
        uint256 amount1,
        uint256 amount2,
        uint256 amount3,
        uint256 newBps
    ) public {
        amount1 = bound(amount1, 1, 100 ether);
        amount2 = bound(amount2, 1, 100 ether);
        amount3 = bound(amount3, 1, 100 ether);
        newBps = bound(newBps, 0, 5000);
        // Scheduled at noon of day 0 (tomorrow): due at noon of day 1.
        uint256 day0 = shop.today() + 1;
        vm.warp(_midnight(day0, UTC_PLUS_8) + 12 hours);
        IShopBase.TokenRules memory next = _wuyouRules();
        next.dividendBps = uint16(newBps);
        // A raise alone would apply at once: change the referral share too, so that it waits for the notice.
        next.referralBps = 500;
        vm.prank(admin);
        uint256 dueAt = shop.changeRules(0, next);
        assertEq(dueAt, block.timestamp + 1 days, "scheduled one notice period ahead");

        // Day 1: the first order before noon fixes the rate; after noon the change is due, the rate stays.
        uint256 day1 = day0 + 1;
        vm.warp(_midnight(day1, UTC_PLUS_8) + 1 hours);
        _recordOrder(keccak256("before noon"), alice, amount1, address(0));
        vm.warp(dueAt);
        assertEq(shop.currentRules(0).dividendBps, newBps, "the change is in force");
        _recordOrder(keccak256("after noon"), alice, amount2, address(0));
        IShopBase.TokenDay memory d1 = shop.tokenDay(0, day1);
        assertEq(d1.dividendBps, 2000, "day 1 keeps the rate of its first order");
        assertEq(d1.owed, ((amount1 + amount2) * 2000) / BPS, "day 1 owes its whole revenue at that rate");

        // Day 2 opens at the new rate.
        vm.warp(_midnight(day1 + 1, UTC_PLUS_8) + 1 hours);
        _recordOrder(keccak256("day 2"), alice, amount3, address(0));
        IShopBase.TokenDay memory d2 = shop.tokenDay(0, day1 + 1);
        assertEq(d2.dividendBps, newBps, "day 2 opens at the new rate");
        assertEq(d2.owed, (amount3 * newBps) / BPS, "day 2 owes at the new rate");
    }

    /// @notice A raise at once applies to the whole current day: the orders counted before it owe the new rate too
    /// (and a checkout's escrow, taken at the old rate, leaves the difference to the merchant); earlier days keep
    /// theirs. A raise on a day without orders yet only changes the rules, and the day opens at them.
    function testFuzz_changeRules_raiseAtOnceAppliesToTheWholeDay(
        uint256 amount1,
        uint256 amount2,
        uint256 raisedBps,
        bool firstIsCharge
    ) public {
        amount1 = bound(amount1, 1, 100 ether);
        amount2 = bound(amount2, 1, 100 ether);
        raisedBps = bound(raisedBps, 2001, BPS);
        uint256 yesterday = shop.today();
        _recordOrder(keccak256("yesterday"), bob, 1 ether, address(0));
        vm.warp(_midnight(yesterday + 1, UTC_PLUS_8) + 1 hours);
        uint256 day = shop.today();
        if (firstIsCharge) _charge(alice, keccak256("first"), amount1, address(0));
        else _recordOrder(keccak256("first"), alice, amount1, address(0));
        uint256 escrow = firstIsCharge ? (amount1 * 2000) / BPS : 0;

        IShopBase.TokenRules memory raised = _wuyouRules();
        raised.dividendBps = uint16(raisedBps);
        vm.prank(admin);
        assertEq(shop.changeRules(0, raised), block.timestamp, "a raise applies at once");
        IShopBase.TokenDay memory today_ = shop.tokenDay(0, day);
        assertEq(today_.dividendBps, raisedBps, "today's rate raised");
        assertEq(today_.owed, (amount1 * raisedBps) / BPS, "the orders before the raise owe the new rate");
        assertEq(today_.escrowed, escrow, "the escrow stays what the charge paid in");

        _recordOrder(keccak256("second"), alice, amount2, address(0));
        today_ = shop.tokenDay(0, day);
        assertEq(today_.owed, ((amount1 + amount2) * raisedBps) / BPS, "the whole day owes the raised rate");
        assertEq(shop.tokenDay(0, yesterday).dividendBps, 2000, "yesterday keeps its rate");
        assertEq(shop.tokenDay(0, yesterday).owed, (1 ether * 2000) / BPS, "and what it owes");

        // A further raise on a day without orders: nothing is written for the day until its first order.
        uint256 quiet = day + 1;
        vm.warp(_midnight(quiet, UTC_PLUS_8) + 1 hours);
        raised.dividendBps = uint16(raisedBps == BPS ? BPS : raisedBps + 1);
        vm.prank(admin);
        shop.changeRules(0, raised);
        assertEq(shop.tokenDay(0, quiet).dividendBps, 0, "no entry for a day without orders");
        _recordOrder(keccak256("quiet"), alice, amount2, address(0));
        assertEq(shop.tokenDay(0, quiet).dividendBps, raised.dividendBps, "the day opens at the rules in force");

        // Settling the raised day needs the merchant to fund what the escrow does not cover.
        _settleFunded(day);
        assertTrue(shop.tokenDay(0, day).settled, "the raised day settled in full");
    }

    /// @notice A lowering never applies at once, and the shop's total share counts today's rate of the other tokens
    /// too: a second token cannot take what the first still owes today at its old rate.
    function test_createToken_reservedShareCountsTodaysRate() public {
        // A lowering to 10 % scheduled at 02:00, due at 02:00 the next day, whose first order came at 01:00.
        uint256 day = shop.today() + 2;
        vm.warp(_midnight(day - 1, UTC_PLUS_8) + 2 hours);
        IShopBase.TokenRules memory lower = _wuyouRules();
        lower.dividendBps = 1000;
        vm.prank(admin);
        uint256 dueAt = shop.changeRules(0, lower);
        assertEq(dueAt, block.timestamp + 1 days, "a lowering waits for the notice period");
        vm.warp(_midnight(day, UTC_PLUS_8) + 1 hours);
        _recordOrder(keccak256("01:00"), alice, 1 ether, address(0));
        vm.warp(dueAt);
        shop.applyPendingRules(0);
        assertEq(shop.currentRules(0).dividendBps, 1000, "the lowering is in force");
        assertEq(shop.tokenDay(0, day).dividendBps, 2000, "but today still owes 20 %");

        // So a new token may take 80 % of the revenue, not 90 %.
        IShopBase.TokenRules memory rules = _wuyouRules();
        rules.dividendBps = 8001;
        IShopBase.TokenParams memory params = IShopBase.TokenParams({
            name: "Mall",
            symbol: "MALL",
            transferable: false,
            noticePeriod: 0,
            rules: rules
        });
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopDividendBpsTooHigh.selector, BPS + 1));
        shop.createToken(params);
        params.rules.dividendBps = 8000;
        vm.prank(admin);
        shop.createToken(params);
        assertEq(shop.tokenCount(), 2, "created within the share left today");
    }

    // ---------------------------------------------------------------- settle: escrow first, the rest all or nothing

    /// @notice The day's checkout escrow goes out whatever the rest of the day owes: with a zero merchant balance and
    /// recorded orders of up to 2^96 - 1 wei unfunded, a settlement releases the escrow (`DaySettled` with
    /// `fromBalance` 0, `SettlementShortfall`), the debt stays owed and listed, a second call can do nothing
    /// (`ShopSettlementUnderfunded`), and once the merchant funds it a third pays it all.
    function testFuzz_settle_releasesEscrowWhateverTheDayOwes(uint256 paid1, uint256 paid2, uint256 recorded) public {
        paid1 = bound(paid1, 1e6, 100 ether);
        paid2 = bound(paid2, 1e6, 100 ether);
        recorded = bound(recorded, 1e6, MAX_AMOUNT);
        DividendToken mall = _createToken("Mall", "MALL", false, _mallRules());
        uint256 day = shop.today();
        _charge(alice, keccak256("paid 1"), paid1, address(0));
        _charge(bob, keccak256("paid 2"), paid2, address(0));
        _recordOrder(keccak256("recorded"), bob, recorded, address(0));
        uint256 escrow = _escrowOf(day);
        uint256 debt = _unfunded(day);
        assertGe(escrow, 1, "the charges escrowed");
        assertGe(debt, 1, "the recorded order owes");

        // The merchant withdraws everything; the keeper sends nothing.
        vm.warp(block.timestamp + 1 days);
        uint256 balance = shop.merchantBalance();
        vm.prank(admin);
        shop.withdraw(admin, balance);
        uint256[2] memory coin = [address(brand).balance, address(mall).balance];
        vm.expectEmit();
        emit IShopBase.DaySettled(day, keeper, escrow, 0);
        vm.expectEmit();
        emit IShopBase.SettlementShortfall(day, debt, 0);
        vm.prank(keeper);
        shop.settle(day);

        _assertEscrowOutDebtOwed(mall, day, escrow, debt, coin);

        // Nothing left to release and nothing to pay with: the call can do nothing.
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopSettlementUnderfunded.selector, day, debt, 0, debt));
        shop.settle(day);

        _assertPaidOnceFunded(day, debt);
    }

    /// @notice The day's debt is paid for all tokens or for none: a balance that covers one token's share only pays
    /// nothing (and without escrow to release the call reverts with what is missing).
    function testFuzz_settle_debtIsAllOrNothingAcrossTokens(uint256 amount, uint256 funding) public {
        amount = bound(amount, 1 ether, 100 ether);
        _createToken("Mall", "MALL", false, _mallRules());
        uint256 day = shop.today();
        _recordOrder(keccak256("recorded"), alice, amount, address(0));
        uint256 debt = _unfunded(day);
        // Enough for one token's share, not for both.
        funding = bound(funding, (amount * 2000) / BPS, debt - 1);
        vm.deal(admin, funding);
        vm.prank(admin);
        shop.deposit{value: funding}();
        vm.warp(block.timestamp + 1 days);
        vm.prank(keeper);
        vm.expectRevert(
            abi.encodeWithSelector(IShopBase.ShopSettlementUnderfunded.selector, day, debt, funding, debt - funding)
        );
        shop.settle(day);

        // With a checkout's escrow on the next day, the settlement releases it and still pays neither debt, with
        // a balance that covers one token's debt only.
        uint256 next = shop.today();
        _recordOrder(keccak256("recorded 2"), alice, amount, address(0));
        _charge(bob, keccak256("paid"), 1 ether, address(0));
        uint256 everything = shop.merchantBalance();
        vm.prank(admin);
        shop.withdraw(admin, everything);
        uint256 balance = (amount * 2000) / BPS;
        vm.deal(admin, balance);
        vm.prank(admin);
        shop.deposit{value: balance}();
        assertLt(balance, _unfunded(next), "the balance covers one token's debt only");
        vm.warp(block.timestamp + 1 days);
        vm.prank(keeper);
        shop.settle(next);
        assertEq(shop.merchantBalance(), balance, "no debt paid from the balance");
        assertFalse(shop.tokenDay(0, next).settled, "token 0 not paid");
        assertFalse(shop.tokenDay(1, next).settled, "token 1 not paid");
        assertTrue(shop.tokenDay(0, next).escrowReleased, "token 0's escrow released");
        assertTrue(shop.tokenDay(1, next).escrowReleased, "token 1's escrow released");
    }

    /// @notice The call's value always lands in the merchant balance (`Deposited`): used for the debt if the two
    /// together cover it, kept in the balance otherwise.
    function testFuzz_settle_valueLandsInTheBalance(uint256 amount, uint256 value, bool withEscrow) public {
        amount = bound(amount, 1 ether, 100 ether);
        uint256 day = shop.today();
        _recordOrder(keccak256("recorded"), alice, amount, address(0));
        if (withEscrow) _charge(bob, keccak256("paid"), 1 ether, address(0));
        uint256 balance = shop.merchantBalance();
        uint256 debt = _unfunded(day);
        value = bound(value, 1, 2 * debt);
        vm.warp(block.timestamp + 1 days);
        vm.deal(keeper, value);
        bool funded = balance + value >= debt;
        if (!funded && !withEscrow) {
            vm.prank(keeper);
            vm.expectRevert(
                abi.encodeWithSelector(
                    IShopBase.ShopSettlementUnderfunded.selector,
                    day,
                    debt,
                    balance + value,
                    debt - balance - value
                )
            );
            shop.settle{value: value}(day);
            assertEq(keeper.balance, value, "a reverted settlement keeps the keeper's coin");
            return;
        }
        vm.expectEmit();
        emit IShopBase.Deposited(keeper, value);
        vm.prank(keeper);
        shop.settle{value: value}(day);
        assertEq(shop.merchantBalance(), funded ? balance + value - debt : balance + value, "balance after");
        assertEq(address(shop).balance, shop.merchantBalance(), "the shop holds exactly the merchant balance");
        assertEq(shop.tokenDay(0, day).settled, funded, "settled iff funded");
    }

    /// @notice A day fully escrowed by checkouts settles with no funding at all, whatever the merchant balance.
    function testFuzz_settle_chargeDayNeedsNoFunding(uint256[3] memory amounts) public {
        _createToken("Mall", "MALL", false, _mallRules());
        uint256 day = shop.today();
        for (uint256 k; k < amounts.length; ++k) {
            _charge(alice, keccak256(abi.encode("paid", k)), bound(amounts[k], 1e6, 100 ether), address(0));
        }
        uint256 everything = shop.merchantBalance();
        vm.prank(admin);
        shop.withdraw(admin, everything);
        vm.warp(block.timestamp + 1 days);
        uint256 escrow = _escrowOf(day);
        vm.expectEmit();
        emit IShopBase.DaySettled(day, keeper, escrow, 0);
        vm.prank(keeper);
        shop.settle(day);
        assertTrue(shop.dayRecord(day).settled, "a charge-only day settles from its escrow");
    }

    function test_settle_revertsWhenItCanDoNothing() public {
        uint256 day = shop.today();
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopDayNotOver.selector, day, day));
        shop.settle(day);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopDayNotOver.selector, day + 5, day));
        shop.settle(day + 5);
        // A past day without revenue.
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopNothingToSettle.selector, day - 1));
        shop.settle(day - 1);
        // A day whose revenue owes less than a wei.
        _recordOrder(keccak256("dust"), alice, 4, address(0));
        vm.warp(block.timestamp + 1 days);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopNothingToSettle.selector, day));
        shop.settle(day);
    }

    // ---------------------------------------------------------------- deposits and withdrawals

    function testFuzz_receive_plainCoinIsADeposit(uint256 amount) public {
        amount = bound(amount, 1, 1000 ether);
        vm.deal(alice, amount);
        vm.expectEmit();
        emit IShopBase.Deposited(alice, amount);
        vm.prank(alice);
        (bool ok, ) = address(shop).call{value: amount}("");
        assertTrue(ok, "plain coin accepted");
        assertEq(shop.merchantBalance(), amount, "credited to the merchant balance");
        vm.expectRevert(IShopBase.ShopZeroValue.selector);
        shop.deposit();
    }

    /// @notice The merchant balance is kept in 128 bits: a deposit, or a settlement's value, past 2^128 - 1 wei
    /// reverts with the balance and the amount.
    function test_deposit_balanceOverflowReverts() public {
        uint256 most = type(uint128).max;
        vm.deal(alice, most);
        vm.prank(alice);
        shop.deposit{value: most}();
        vm.deal(alice, 1);
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopBalanceOverflow.selector, most, 1));
        shop.deposit{value: 1}();
        // The same through a settlement's value.
        uint256 day = shop.today();
        _recordOrder(keccak256("recorded"), alice, 1 ether, address(0));
        vm.warp(block.timestamp + 1 days);
        vm.deal(keeper, 1);
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopBalanceOverflow.selector, most, 1));
        shop.settle{value: 1}(day);
        assertEq(shop.merchantBalance(), most, "balance unchanged");
    }

    function test_withdraw_guards() public {
        vm.deal(alice, 2 ether);
        vm.prank(alice);
        shop.deposit{value: 2 ether}();
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInsufficientBalance.selector, 2 ether, 2 ether + 1));
        shop.withdraw(admin, 2 ether + 1);
        vm.expectRevert(IShopBase.ShopZeroValue.selector);
        shop.withdraw(admin, 0);
        vm.expectRevert(IShopBase.ShopZeroAddress.selector);
        shop.withdraw(address(0), 1);
        address rejecting = address(new RejectingRecipient());
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopWithdrawalFailed.selector, rejecting, 1 ether));
        shop.withdraw(rejecting, 1 ether);
        shop.withdraw(bob, 2 ether);
        vm.stopPrank();
        assertEq(bob.balance, 2 ether, "withdrawn");
        assertEq(shop.merchantBalance(), 0, "balance spent");
    }

    // ---------------------------------------------------------------- unsettledDays

    /// @notice `unsettledDays` lists the past days with anything left to distribute, with what is left (`owed`) and
    /// what the merchant must fund (`unfunded`); today, settled days and days that owe nothing are left out.
    function test_unsettledDays_listsWhatIsLeft() public {
        uint256 day0 = shop.today();
        _recordOrder(keccak256("day 0"), alice, 10 ether, address(0));
        vm.warp(block.timestamp + 1 days);
        _charge(alice, keccak256("day 1"), 5 ether, address(0));
        vm.warp(block.timestamp + 1 days);
        _recordOrder(keccak256("day 2 dust"), alice, 4, address(0));
        vm.warp(block.timestamp + 1 days);
        _recordOrder(keccak256("day 3: today"), alice, 1 ether, address(0));

        IShopBase.UnsettledDay[] memory open = shop.unsettledDays(0, 10);
        assertEq(shop.revenueDayCount(), 4, "four revenue days");
        assertEq(open.length, 2, "day 0 and day 1: not today, not the dust day");
        assertEq(open[0].day, day0, "oldest first");
        assertEq(open[0].owed, 2 ether, "day 0 owes 20 % of 10 coin");
        assertEq(open[0].unfunded, 2 ether, "all of it unfunded");
        assertEq(open[1].day, day0 + 1, "then day 1");
        assertEq(open[1].owed, 1 ether, "day 1 owes 20 % of 5 coin");
        assertEq(open[1].unfunded, 0, "escrowed by its charge");
        assertEq(shop.unsettledDays(1, 1).length, 1, "a window of one day");
        assertEq(shop.unsettledDays(9, 5).length, 0, "a window past the list");

        vm.prank(keeper);
        shop.settle(day0 + 1);
        open = shop.unsettledDays(0, 10);
        assertEq(open.length, 1, "day 1 settled");
        assertEq(open[0].day, day0, "day 0 left");
    }

    // ---------------------------------------------------------------- helpers

    /// @dev After a settlement that found no funding: both tokens' escrow is out (distributed, or carried when too
    /// small to move the accumulator), the debt still owed and listed.
    function _assertEscrowOutDebtOwed(
        DividendToken mall,
        uint256 day,
        uint256 escrow,
        uint256 debt,
        uint256[2] memory coin
    ) private view {
        DividendToken[2] memory both = [brand, mall];
        for (uint256 i; i < 2; ++i) {
            IShopBase.TokenDay memory d = shop.tokenDay(i, day);
            assertTrue(d.escrowReleased, "escrow released");
            assertFalse(d.settled, "debt still owed");
            assertEq(address(both[i]).balance, coin[i], "the escrow was already in the token");
            // Distributed to the holders, or (too small to move the accumulator over a large supply) carried.
            (, uint256 epoch, uint256 rollover) = both[i].dividendState();
            assertTrue(epoch == 1 || rollover >= d.escrowed, "the escrow was distributed or rolled over");
        }
        address[] memory holders = new address[](2);
        (holders[0], holders[1]) = (alice, bob);
        uint256 distributed = _sumClaimable(brand, holders) + _sumClaimable(mall, holders);
        distributed += _rollover(brand) + _rollover(mall);
        assertLe(distributed, escrow, "holders can claim (or the tokens carry) at most the escrow");
        assertLe(escrow - distributed, 6, "and all of it but rounding dust (holders + 1 per token)");
        IShopBase.UnsettledDay[] memory open = shop.unsettledDays(0, 10);
        assertEq(open.length, 1, "the day is still listed");
        assertEq(open[0].owed, debt, "owed: the debt");
        assertEq(open[0].unfunded, debt, "unfunded: the debt");
        assertFalse(shop.dayRecord(day).settled, "the day is not settled");
    }

    /// @dev Funds `day`'s debt, settles it (the debt only), and checks it is settled for good.
    function _assertPaidOnceFunded(uint256 day, uint256 debt) private {
        // Funded, a later call pays the rest and only that.
        vm.deal(admin, debt);
        vm.prank(admin);
        shop.deposit{value: debt}();
        vm.expectEmit();
        emit IShopBase.DaySettled(day, keeper, 0, debt);
        vm.prank(keeper);
        shop.settle(day);
        assertEq(shop.merchantBalance(), 0, "the debt came from the balance");
        assertTrue(shop.tokenDay(0, day).settled, "token 0 settled");
        assertTrue(shop.tokenDay(1, day).settled, "token 1 settled");
        assertTrue(shop.dayRecord(day).settled, "the day is settled");
        assertEq(shop.unsettledDays(0, 10).length, 0, "no day left to settle");
        vm.prank(keeper);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopDayAlreadySettled.selector, day));
        shop.settle(day);
    }

    /// @dev Escrow of `day` not released yet, all tokens.
    function _escrowOf(uint256 day) internal view returns (uint256 escrow) {
        uint256 count = shop.tokenCount();
        for (uint256 i; i < count; ++i) {
            IShopBase.TokenDay memory d = shop.tokenDay(i, day);
            if (!d.escrowReleased) escrow += d.escrowed;
        }
    }
}
