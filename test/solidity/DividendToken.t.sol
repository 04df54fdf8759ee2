// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "./utils/Fixture.sol";
import {GasBurningRecipient, RejectingRecipient} from "./utils/Recipients.sol";
import {DividendToken} from "../../contracts/payouts/DividendToken.sol";
import {DividendMath} from "../../contracts/libraries/DividendMath.sol";
import {IDividendToken} from "../../contracts/interfaces/IDividendToken.sol";
import {IShareMallFactory} from "../../contracts/interfaces/IShareMallFactory.sol";
import {IShopBase} from "../../contracts/interfaces/IShopBase.sol";

/* solhint-disable func-name-mixedcase */

/// @title DividendTokenTest
/// @notice Fuzz tests of the token's dividend accounting: distributions over fuzzed holders and supplies, rollover,
/// transfers, the shop-only mints (`mintOrder`, `mintBatch`) within a cap and the 2^95 - 1 supply limit, an
/// accumulator that wraps past 2^160, and claims whose recipient rejects the coin or burns the gas.
/// @dev Most tests drive the token directly as its shop (`prank(shop)`) so that only the token's maths is under test;
/// the rollover test goes through the shop's settlement.
contract DividendTokenTest is Fixture {
    uint256 private constant _MAX_HOLDERS = 8;

    DividendToken internal brand;
    DividendToken internal mall;
    address[] internal holders;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
        brand = _createToken("Wuyou Dividend Coin", "YDC", true, _wuyouRules());
        mall = _createToken("Wuyou Mall Token", "WMT", false, _wuyouRules());
        holders = _holders(_MAX_HOLDERS);
    }

    // ---------------------------------------------------------------- distribute + claim

    function testFuzz_distribute_claimablesWithinDustOfDistributed(
        uint96[8] memory balances,
        uint256 holderCount,
        uint256 amount
    ) public {
        holderCount = bound(holderCount, 1, _MAX_HOLDERS);
        // Up to 10^9 coins: even over a supply of one token-wei the accumulator (2^160) cannot fill up.
        amount = bound(amount, 0, 1e27);
        address[] memory active = _firstHolders(holderCount);
        uint256 supply;
        for (uint256 i; i < holderCount; ++i) {
            uint256 balance = bound(balances[i], 1, uint256(1) << 92);
            _mintAsShop(brand, active[i], balance);
            supply += balance;
        }

        _distributeAsShop(brand, 1, amount);

        uint256 sum = _sumClaimable(brand, active);
        uint256 rollover = _rollover(brand);
        assertLe(sum + rollover, amount, "claimable + rollover <= distributed");
        assertLt(amount - sum - rollover, holderCount + 1, "dust < holders + 1 wei");
        assertLe(rollover, supply >> DividendMath.PRECISION_BITS, "carry <= supply / 2^64");

        // Every holder is paid exactly what it was shown; the token keeps the rest.
        for (uint256 i; i < holderCount; ++i) {
            uint256 shown = brand.claimable(active[i]);
            if (shown == 0) continue;
            vm.prank(active[i]);
            assertEq(brand.claim(), shown, "claim pays the claimable");
            assertEq(active[i].balance, shown, "holder received its claim");
            assertEq(brand.claimable(active[i]), 0, "nothing left after claim");
        }
        assertEq(address(brand).balance, amount - sum, "token keeps exactly the unclaimed rest");
    }

    function testFuzz_distribute_manyRoundsStayWithinDust(uint256 seed, uint256 rounds) public {
        rounds = bound(rounds, 1, 6);
        uint256 distributed;
        uint256 claimed;
        uint256 dustBound;
        for (uint256 r; r < rounds; ++r) {
            uint256 entropy = uint256(keccak256(abi.encode(seed, r)));
            // A mint to a random holder (balances change between distributions) ...
            _mintAsShop(brand, holders[entropy % _MAX_HOLDERS], bound(entropy >> 8, 1, 1e27));
            // ... a claim by a random holder ...
            address claimer = holders[(entropy >> 100) % _MAX_HOLDERS];
            uint256 shown = brand.claimable(claimer);
            if (shown != 0) {
                vm.prank(claimer);
                claimed += brand.claim();
            }
            // ... and a distribution.
            uint256 amount = bound(entropy >> 128, 0, 1e24);
            dustBound += _holdersWithBalance(brand) + 1;
            _distributeAsShop(brand, r, amount);
            distributed += amount;
        }
        uint256 owed = claimed + _sumClaimable(brand, holders) + _rollover(brand);
        assertLe(owed, distributed, "claimed + claimable + rollover <= distributed");
        assertLe(distributed - owed, dustBound, "dust <= (holders + 1) per distribution");
        assertEq(address(brand).balance, distributed - claimed, "token holds distributed - claimed");
    }

    function testFuzz_distribute_zeroSupplyRollsIntoNextDistribution(
        uint256 amount1,
        uint256 amount2,
        uint256 balance
    ) public {
        amount1 = bound(amount1, 1, 1e27);
        amount2 = bound(amount2, 0, 1e27);
        balance = bound(balance, 1, 1e27);

        _distributeAsShop(brand, 1, amount1);
        (uint256 accumulator, uint256 epoch, uint256 rollover) = brand.dividendState();
        assertEq(accumulator, 0, "no accumulator move without holders");
        assertEq(epoch, 0, "no distribution without holders");
        assertEq(rollover, amount1, "everything rolls over");

        _mintAsShop(brand, holders[0], balance);
        assertEq(brand.claimable(holders[0]), 0, "rollover is not paid before the next distribution");

        _distributeAsShop(brand, 2, amount2);
        uint256 paid = brand.claimable(holders[0]);
        uint256 left = _rollover(brand);
        assertLe(paid + left, amount1 + amount2, "paid + carry <= both distributions");
        // A single holder loses at most one wei to rounding; the rest is paid or carried.
        assertLe(amount1 + amount2 - paid - left, 1, "single holder dust <= 1 wei");
    }

    function testFuzz_settle_zeroSupplyRolloverPaidAtNextSettlement(uint256 amount1, uint256 amount2) public {
        amount1 = bound(amount1, 1e9, 1e24);
        amount2 = bound(amount2, 1e9, 1e24);
        // A token that at first mints only a referral bonus (consumption disabled) and whose first day's customer
        // names no referrer, so its first settled day finds no holders.
        IShopBase.TokenRules memory rules = _wuyouRules();
        rules.spendPerToken = 0;
        rules.referralsPerToken = 1;
        rules.dividendBps = 1000;
        shop = _createShop(UTC_PLUS_8);
        DividendToken later = _createToken("Later Token", "LATE", false, rules);

        uint256 day1 = shop.today();
        _recordOrder(keccak256("day1"), holders[0], amount1, address(0));
        _settleFunded(day1);
        uint256 owed1 = (amount1 * rules.dividendBps) / BPS;
        assertEq(_rollover(later), owed1, "day 1 rolls over");
        assertEq(address(later).balance, owed1, "the rolled-over coin is held by the token");
        assertEq(later.claimable(holders[0]), 0, "nobody can claim without tokens");

        // Enabling consumption minting dilutes nobody yet, but like every minting rule it waits for the notice.
        rules.spendPerToken = 1e18;
        vm.prank(admin);
        uint256 effectiveAt = shop.changeRules(0, rules);
        assertEq(effectiveAt, block.timestamp + shop.DEFAULT_NOTICE_PERIOD(), "enabling minting is scheduled");
        vm.warp(effectiveAt);

        uint256 day2 = shop.today();
        _recordOrder(keccak256("day2"), holders[1], amount2, address(0));
        _settleFunded(day2);
        uint256 owed2 = (amount2 * rules.dividendBps) / BPS;
        uint256 paid = later.claimable(holders[1]);
        uint256 left = _rollover(later);
        assertLe(paid + left, owed1 + owed2, "paid + carry <= both days");
        assertLe(owed1 + owed2 - paid - left, 1, "day 1's dividends reach day 2's holder, dust <= 1 wei");
        assertEq(later.claimable(holders[0]), 0, "day 1's customer holds nothing and gets nothing");
    }

    // ---------------------------------------------------------------- transfers

    function testFuzz_transfer_neverChangesClaimable(
        uint256 balanceA,
        uint256 balanceB,
        uint256 amount1,
        uint256 amount2,
        uint256 moved,
        uint256 recipientSeed,
        bool viaTransferFrom
    ) public {
        balanceA = bound(balanceA, 1, 1e27);
        balanceB = bound(balanceB, 1, 1e27);
        amount1 = bound(amount1, 0, 1e24);
        amount2 = bound(amount2, 0, 1e24);
        moved = bound(moved, 0, balanceA);
        (address a, address b, address c) = (holders[0], holders[1], holders[2]);
        // To the other holder, to a newcomer, or to itself.
        address to = [b, c, a][recipientSeed % 3];

        _mintAsShop(brand, a, balanceA);
        _mintAsShop(brand, b, balanceB);
        _distributeAsShop(brand, 1, amount1);
        uint256[3] memory before = [brand.claimable(a), brand.claimable(b), brand.claimable(c)];
        uint256 accumulator1 = _accumulator(brand);

        if (viaTransferFrom) {
            address spender = holders[3];
            vm.prank(a);
            brand.approve(spender, moved);
            vm.prank(spender);
            brand.transferFrom(a, to, moved);
        } else {
            vm.prank(a);
            brand.transfer(to, moved);
        }
        assertEq(brand.claimable(a), before[0], "sender's claimable unchanged by transfer");
        assertEq(brand.claimable(b), before[1], "holder's claimable unchanged by transfer");
        assertEq(brand.claimable(c), before[2], "newcomer gets no past dividends");

        // Future dividends follow the new balances.
        _distributeAsShop(brand, 2, amount2);
        uint256 delta = (_accumulator(brand) + (uint256(1) << 160) - accumulator1) % (uint256(1) << 160);
        _assertEarnedSince(a, before[0], delta, "sender earns on its new balance");
        _assertEarnedSince(b, before[1], delta, "holder earns on its new balance");
        _assertEarnedSince(c, before[2], delta, "newcomer earns from now on");
    }

    function testFuzz_transfer_nonTransferableReverts(uint256 balance, uint256 moved) public {
        balance = bound(balance, 1, 1e27);
        moved = bound(moved, 0, balance);
        _mintAsShop(mall, holders[0], balance);

        vm.prank(holders[0]);
        vm.expectRevert(IDividendToken.DividendTokenNonTransferable.selector);
        mall.transfer(holders[1], moved);

        vm.prank(holders[0]);
        mall.approve(holders[1], moved);
        vm.prank(holders[1]);
        vm.expectRevert(IDividendToken.DividendTokenNonTransferable.selector);
        mall.transferFrom(holders[0], holders[1], moved);
        assertEq(mall.balanceOf(holders[0]), balance, "balance unchanged");
    }

    function testFuzz_transferFrom_nonTransferableRevertsWithoutAllowance(uint256 balance, uint256 moved) public {
        balance = bound(balance, 1, 1e27);
        moved = bound(moved, 1, balance);
        _mintAsShop(mall, holders[0], balance);

        // No allowance: the token still says it does not transfer, rather than that the allowance is short.
        vm.prank(holders[1]);
        vm.expectRevert(IDividendToken.DividendTokenNonTransferable.selector);
        mall.transferFrom(holders[0], holders[1], moved);
        assertEq(mall.balanceOf(holders[0]), balance, "balance unchanged");
    }

    // ---------------------------------------------------------------- mints within the cap and the 2^95 - 1 limit

    function testFuzz_mintOrder_capsAtSupplyLimit(uint256 first, uint256 second, uint256 third) public {
        uint256 limit = (1 << 95) - 1;
        first = bound(first, 0, limit);
        second = bound(second, 0, type(uint160).max);
        third = bound(third, 1, type(uint160).max);
        address tokenShop = brand.shop();

        vm.prank(tokenShop);
        brand.mintOrder(holders[0], first, address(0), 0, 0);
        assertEq(brand.totalSupply(), first, "a mint within the limit mints all");
        vm.prank(tokenShop);
        brand.mintOrder(holders[1], second, address(0), 0, 0);
        uint256 minted = brand.totalSupply() - first;
        uint256 room = limit - first;
        assertEq(minted, second < room ? second : room, "a mint past the limit mints what is left");
        assertEq(brand.totalSupply(), first + minted, "supply <= 2^95 - 1");
        assertEq(brand.balanceOf(holders[1]), minted, "the holder gets what was minted");

        // Once full, a mint mints nothing instead of reverting (so the shop keeps taking orders).
        if (brand.totalSupply() == limit) {
            vm.prank(tokenShop);
            brand.mintOrder(holders[2], third, holders[3], third, 0);
            assertEq(brand.totalSupply(), limit, "supply stays at the limit");
            assertEq(brand.balanceOf(holders[2]), 0, "nothing credited");
        }
    }

    /// @notice One order's mints within a cap: consumption first, then the referrer's promotion, each within what
    /// the cap leaves (a cap above 2^95 - 1 counts as the supply limit).
    function testFuzz_mintOrder_consumptionFirstThenPromotionWithinTheCap(
        uint256 supply,
        uint256 consumption,
        uint256 promotion,
        uint256 cap
    ) public {
        supply = bound(supply, 0, 1e24);
        consumption = bound(consumption, 0, 1e24);
        promotion = bound(promotion, 0, 1e24);
        // Below the supply, between, or above the 2^95 - 1 limit; 0 means no cap.
        cap = cap % 4 == 0 ? 0 : bound(cap, 1, type(uint128).max);
        if (supply != 0) _mintAsShop(brand, holders[0], supply);
        uint256 limit = cap == 0 || cap > (1 << 95) - 1 ? (1 << 95) - 1 : cap;
        uint256 room = limit > supply ? limit - supply : 0;
        uint256 toCustomer = consumption < room ? consumption : room;
        uint256 toReferrer = promotion < room - toCustomer ? promotion : room - toCustomer;

        vm.prank(brand.shop());
        brand.mintOrder(holders[1], consumption, holders[2], promotion, cap);
        uint256 minted = brand.totalSupply() - supply;
        assertEq(minted, toCustomer + toReferrer, "minted = what the cap leaves, consumption first");
        assertEq(brand.balanceOf(holders[1]), toCustomer, "customer: consumption within the room");
        assertEq(brand.balanceOf(holders[2]), toReferrer, "referrer: promotion within what is left");
        assertEq(brand.totalSupply(), supply + minted, "supply grows by what was minted");
        if (cap != 0 && supply <= cap) assertLe(brand.totalSupply(), cap, "supply <= cap");
    }

    /// @notice A batch of packed credits (`account << 96 | amount`) mints in order, each within what the cap leaves,
    /// and the coin sent with it stays in the token as escrow, claimable by nobody yet.
    function testFuzz_mintBatch_creditsInOrderWithinTheCap(
        uint96[5] memory amounts,
        uint256 cap,
        uint256 escrow
    ) public {
        cap = cap % 3 == 0 ? 0 : bound(cap, 1, 5e24);
        escrow = bound(escrow, 0, 1e24);
        uint256[] memory credits = new uint256[](amounts.length);
        uint256[] memory expected = new uint256[](holders.length);
        uint256 room = cap == 0 ? (1 << 95) - 1 : cap;
        uint256 total;
        for (uint256 k; k < amounts.length; ++k) {
            uint256 amount = bound(amounts[k], 0, 2e24);
            address to = holders[k % 3];
            credits[k] = (uint256(uint160(to)) << 96) | amount;
            uint256 mints = amount < room ? amount : room;
            room -= mints;
            expected[k % 3] += mints;
            total += mints;
        }
        address tokenShop = brand.shop();
        vm.deal(tokenShop, escrow);
        vm.prank(tokenShop);
        brand.mintBatch{value: escrow}(credits, cap);
        for (uint256 h; h < 3; ++h) assertEq(brand.balanceOf(holders[h]), expected[h], "holder's credits, in order");
        assertEq(brand.totalSupply(), total, "supply = the credits within the cap");
        assertEq(address(brand).balance, escrow, "escrow held by the token");
        assertEq(_sumClaimable(brand, holders), 0, "escrow is nobody's until its day is distributed");
        assertEq(_rollover(brand), 0, "escrow is not rollover either");
    }

    // ---------------------------------------------------------------- the accumulator wraps

    /// @notice The accumulator is kept modulo 2^160: a distribution of almost 2^96 wei over one token-wei brings it
    /// just below 2^160, the next one wraps it, and claims (old and new holders') stay exact.
    function test_distribute_accumulatorWrapsWithoutChangingClaims() public {
        address early = holders[0];
        address late = holders[1];
        _mintAsShop(brand, early, 1);
        uint256 big = type(uint96).max;
        _distributeAsShop(brand, 1, big);
        assertEq(_accumulator(brand), big << 64, "accumulator = amount * 2^64 over one token-wei");
        assertEq(brand.claimable(early), big, "the single holder can claim it all (2^96 - 1 wei)");
        vm.prank(early);
        assertEq(brand.claim(), big, "claimed at the exactness limit");

        // The next distribution carries the accumulator past 2^160.
        _mintAsShop(brand, late, 3);
        uint256 before = _accumulator(brand);
        _distributeAsShop(brand, 2, 8);
        uint256 after_ = _accumulator(brand);
        assertLt(after_, before, "the accumulator wrapped");
        assertEq(after_, (before + (uint256(8) << 64) / 4) % (uint256(1) << 160), "wrapped modulo 2^160");
        assertEq(brand.claimable(early), 2, "early holder: 1 of 4 token-wei of 8 wei");
        assertEq(brand.claimable(late), 6, "late holder: 3 of 4 token-wei of 8 wei, nothing of the first day");
        vm.prank(late);
        assertEq(brand.claim(), 6, "late holder claims after the wrap");
        vm.prank(early);
        assertEq(brand.claim(), 2, "early holder claims after the wrap");
        assertEq(address(brand).balance, 0, "every wei distributed was claimed");
    }

    // ---------------------------------------------------------------- events

    function testFuzz_distribute_emitsTheAccumulator(uint256 balance, uint256 amount) public {
        balance = bound(balance, 1, 1e27);
        amount = bound(amount, 1e9, 1e27);
        _mintAsShop(brand, holders[0], balance);
        // At least 10^9 wei over at most 10^27 token-wei: the accumulator moves (by 18 or more).
        uint256 delta = DividendMath.perShare(amount, balance);
        address tokenShop = brand.shop();
        vm.deal(tokenShop, amount);
        vm.expectEmit();
        emit IDividendToken.DividendsDistributed(7, amount, delta);
        vm.prank(tokenShop);
        brand.distribute{value: amount}(7, amount);
        (uint256 accumulator, uint256 epoch, uint256 rollover) = brand.dividendState();
        assertEq(accumulator, delta, "accumulator after one distribution");
        assertEq(epoch, 1, "one distribution");
        assertEq(rollover, amount - DividendMath.allotted(delta, balance), "the floor's remainder is carried");
    }

    function test_claimTo_emitsHolderAndRecipient() public {
        _mintAsShop(brand, holders[0], ONE);
        _distributeAsShop(brand, 1, 1 ether);
        address sink = makeAddr("sink");
        vm.expectEmit();
        emit IDividendToken.DividendsClaimed(holders[0], sink, 1 ether);
        vm.prank(holders[0]);
        brand.claimTo(sink);
        assertEq(sink.balance, 1 ether, "recipient paid");
    }

    // ---------------------------------------------------------------- bad recipients

    function testFuzz_claim_badRecipientOnlyFailsItsOwnClaim(
        uint256 balanceBad,
        uint256 balanceGood,
        uint256 amount,
        bool burnsGas
    ) public {
        balanceBad = bound(balanceBad, 1e18, 1e24);
        balanceGood = bound(balanceGood, 1e18, 1e24);
        amount = bound(amount, 1e12, 1e24);
        address bad = burnsGas ? address(new GasBurningRecipient()) : address(new RejectingRecipient());
        address good = holders[0];
        _mintAsShop(brand, bad, balanceBad);
        _mintAsShop(brand, good, balanceGood);
        _distributeAsShop(brand, 1, amount);
        uint256 badClaimable = brand.claimable(bad);
        uint256 goodClaimable = brand.claimable(good);

        // Its own claim fails, with a bounded amount of gas even when the recipient burns all it is given ...
        vm.prank(bad);
        vm.expectRevert(abi.encodeWithSelector(IDividendToken.DividendTokenPaymentFailed.selector, bad, badClaimable));
        brand.claim{gas: 1_000_000}();
        assertEq(brand.claimable(bad), badClaimable, "failed claim keeps the claimable");

        // ... and so does another holder's claim to it ...
        vm.prank(good);
        vm.expectRevert(abi.encodeWithSelector(IDividendToken.DividendTokenPaymentFailed.selector, bad, goodClaimable));
        brand.claimTo{gas: 1_000_000}(bad);
        assertEq(brand.claimable(good), goodClaimable, "failed claimTo keeps the claimable");

        // ... while the other holder still claims, and the bad holder can claim to an address that accepts.
        vm.prank(good);
        assertEq(brand.claim(), goodClaimable, "other holder claims");
        address sink = makeAddr("sink");
        vm.prank(bad);
        assertEq(brand.claimTo(sink), badClaimable, "claimTo a working recipient");
        assertEq(sink.balance, badClaimable, "sink received the bad holder's dividends");
    }

    function testFuzz_claimMany_skipsFailedPaymentsAndPaysTheRest(
        uint256 amount1,
        uint256 amount2,
        bool burnsGas
    ) public {
        amount1 = bound(amount1, 1e12, 1e24);
        amount2 = bound(amount2, 1e12, 1e24);
        address bad = burnsGas ? address(new GasBurningRecipient()) : address(new RejectingRecipient());
        address holder = holders[0];
        _mintAsShop(brand, holder, 1e18);
        _mintAsShop(mall, holder, 1e18);
        _distributeAsShop(brand, 1, amount1);
        _distributeAsShop(mall, 1, amount2);
        address[] memory both = new address[](2);
        (both[0], both[1]) = (address(brand), address(mall));
        uint256 claimable1 = brand.claimable(holder);
        uint256 claimable2 = mall.claimable(holder);

        // Every payment fails: nothing is claimed, nothing is lost.
        vm.prank(holder);
        vm.expectRevert(abi.encodeWithSelector(IShareMallFactory.FactoryNothingClaimed.selector, holder));
        factory.claimMany(both, bad);
        assertEq(brand.claimable(holder), claimable1, "brand claimable kept");
        assertEq(mall.claimable(holder), claimable2, "mall claimable kept");

        // With one token already claimed, claimMany skips it (nothing to claim) and still pays the other.
        vm.prank(holder);
        assertEq(brand.claim(), claimable1, "single claim");
        vm.prank(holder);
        assertEq(factory.claimMany(both, address(0)), claimable2, "empty token skipped, the other paid");
        assertEq(holder.balance, claimable1 + claimable2, "holder received everything");
    }

    // ---------------------------------------------------------------- helpers

    function _firstHolders(uint256 count) private view returns (address[] memory list) {
        list = new address[](count);
        for (uint256 i; i < count; ++i) list[i] = holders[i];
    }

    /// @dev `holder`'s claimable is what it had plus its current balance's share of `delta`. A holder whose account
    /// was not touched since an earlier distribution is credited both at once, rounded once: up to one wei more.
    function _assertEarnedSince(address holder, uint256 before, uint256 delta, string memory label) private view {
        uint256 expected = before + ((brand.balanceOf(holder) * delta) >> DividendMath.PRECISION_BITS);
        uint256 actual = brand.claimable(holder);
        assertLe(expected, actual, label);
        assertLe(actual, expected + 1, label);
    }

    function _holdersWithBalance(DividendToken token) private view returns (uint256 count) {
        for (uint256 i; i < holders.length; ++i) {
            if (token.balanceOf(holders[i]) != 0) ++count;
        }
    }
}
