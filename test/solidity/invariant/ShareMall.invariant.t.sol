// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Campaign size: the test profiles of hardhat.config.ts (CI: 160 runs x depth 64 = 10,240 handler calls per invariant
// function), 8 invariant functions (the protocol invariants listed in docs/testing.md, and the escrow one), every
// invariant checked after every call.

import {Fixture} from "../utils/Fixture.sol";
import {ShareMallHandler} from "./ShareMallHandler.sol";
import {DividendToken} from "../../../contracts/payouts/DividendToken.sol";
import {IShopBase} from "../../../contracts/interfaces/IShopBase.sol";
import {IShopOrders} from "../../../contracts/interfaces/IShopOrders.sol";

/* solhint-disable func-name-mixedcase */

/// @title ShareMallInvariantTest
/// @notice The protocol invariants (docs/testing.md, "Invariants" 1-7, and 8: a day's escrow is always distributable)
/// under random sequences of orders (single, batch, checkout, with used ids, referrer mismatches and one order of
/// 2^96 - 1 wei), pool mints, transfers, deposits, withdrawals (of everything, too), settlements of past days (funded,
/// underfunded, partly funded), time jumps, rule changes (at once, raising the day's rate, or after notice, and
/// cancellations), claims (own, to another recipient, through the factory), recipients that reject the coin or burn
/// the gas, and roles overreaching.
/// @dev One shop (UTC+8) with two tokens: a transferable, capped brand token with a referral bonus, and a
/// non-transferable mall token without a cap. `ShareMallHandler` is the only target.
contract ShareMallInvariantTest is Fixture {
    /// @dev The outcome of a simulated settlement, carried out of the reverted call that simulated it.
    error SettlementSimulated(bool ok, bytes reason, uint256 notReleased, uint256 notDistributed);

    ShareMallHandler internal handler;
    DividendToken[2] internal tokens;
    address internal keeper;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
        // Brand: Wuyou rules, one token per 3 referees whose first order is at least 0.5 coin, capped at 150 tokens
        // (about 45 coin of orders: reached in many runs, midway).
        IShopBase.TokenRules memory brand = _wuyouRules();
        brand.referralsPerToken = 3;
        brand.minFirstOrder = 0.5 ether;
        brand.maxSupply = 150e18;
        IShopBase.TokenRules memory mall = _mallRules();
        // One-day notice periods (the minimum), so that scheduled rule changes fall due within a run.
        tokens[0] = _createTokenWithNotice("Wuyou Dividend Coin", "YDC", true, 1 days, brand);
        tokens[1] = _createTokenWithNotice("Wuyou Mall Token", "WMT", false, 1 days, mall);
        handler = new ShareMallHandler(shop, admin, operator, poolManager, address(this));
        keeper = makeAddr("keeper");
        vm.label(address(handler), "handler");
    }

    /// @notice The invariant campaign calls only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice 1. A token's coin covers what its holders can claim plus rollover (plus checkout escrow not released
    /// yet), and what is left over is rounding dust: at most one wei per holder per distribution plus one.
    function invariant_tokenCoinCoversClaimablesAndRollover() public view {
        address[] memory holders = handler.actors();
        for (uint256 i; i < tokens.length; ++i) {
            ShareMallHandler.TokenGhost memory g = handler.ghost(i);
            uint256 coin = address(tokens[i]).balance;
            uint256 owed = _sumClaimable(tokens[i], holders) + _rollover(tokens[i]);
            assertLe(owed, coin, "1: coin >= claimable + rollover");
            assertLe(owed + g.escrowPending, coin, "1: coin >= claimable + rollover + unreleased escrow");
            assertLe(coin - owed - g.escrowPending, g.dustBound, "1: unaccounted coin <= dust bound");
        }
    }

    /// @notice 2. Per token, what was claimed plus what can be claimed never exceeds what settlements distributed.
    function invariant_claimedPlusClaimableWithinDeposited() public view {
        address[] memory holders = handler.actors();
        for (uint256 i; i < tokens.length; ++i) {
            ShareMallHandler.TokenGhost memory g = handler.ghost(i);
            uint256 claimable = _sumClaimable(tokens[i], holders);
            assertLe(g.claimed + claimable, g.distributed, "2: claimed + claimable <= deposited");
            assertLe(g.claimed + claimable + _rollover(tokens[i]), g.distributed, "2: ... + rollover <= deposited");
        }
    }

    /// @notice 3. An order counts once: an operator order id counts once (a used id was refused or skipped), a
    /// checkout once per (hash, customer) (a double submission was refused, the same hash for another customer, or
    /// for an operator order, counted as another order); the shop's used ids and counted checkouts are the model's,
    /// refused orders never counted, and every day's ledger (orders, revenue, each token's rate, debt, escrow and
    /// settlement flags, what `unsettledDays` lists) is the model's.
    function invariant_orderHashCountsOnce() public view {
        ShareMallHandler.Violations memory v = handler.violations();
        assertEq(v.duplicateOrdersAccepted, 0, "3: a used order id or a counted charge counted again");
        assertEq(v.invalidReferralsAccepted, 0, "3: invalid referrals accepted");
        assertEq(v.validStepsRefused, 0, "3: a step ended other than predicted (refused, or the wrong error)");
        uint64[] memory used = handler.usedIds();
        for (uint256 k; k < used.length; ++k) assertTrue(shop.isOrderIdUsed(used[k]), "3: counted order id used");
        uint64[] memory refused = handler.refusedIds();
        for (uint256 k; k < refused.length; ++k) assertFalse(shop.isOrderIdUsed(refused[k]), "3: refused id used");
        assertFalse(shop.isOrderIdUsed(handler.nextId()), "3: an id never handed out is unused");
        ShareMallHandler.OrderKey[] memory counted = handler.countedCheckouts();
        for (uint256 k; k < counted.length; ++k) {
            assertTrue(_charged(shop, counted[k].orderHash, counted[k].customer), "3: charge counted");
        }
        ShareMallHandler.OrderKey[] memory refusedCheckouts = handler.refusedCheckouts();
        for (uint256 k; k < refusedCheckouts.length; ++k) {
            ShareMallHandler.OrderKey memory r = refusedCheckouts[k];
            assertFalse(_charged(shop, r.orderHash, r.customer), "3: refused charge counted");
        }
        uint256[] memory days_ = handler.revenueDays();
        uint256 orders;
        for (uint256 k; k < days_.length; ++k) {
            IShopBase.DayRecord memory record = shop.dayRecord(days_[k]);
            (uint256 orderCount, uint256 revenue) = handler.dayModel(days_[k]);
            assertEq(record.orderCount, orderCount, "3: orders per day");
            assertEq(record.revenue, revenue, "3: revenue per day");
            orders += record.orderCount;
            bool settled = true;
            for (uint256 i; i < tokens.length; ++i) {
                IShopBase.TokenDay memory d = shop.tokenDay(i, days_[k]);
                _assertTokenDay(d, handler.tokenDayModel(i, days_[k]));
                if (!d.settled && d.owed != 0) settled = false;
            }
            bool anySettled = shop.tokenDay(0, days_[k]).settled || shop.tokenDay(1, days_[k]).settled;
            assertEq(record.settled, settled && anySettled, "3: day settled iff every token that owes is paid");
        }
        assertEq(orders, used.length + counted.length, "3: one order per used id and per counted charge");
        assertEq(shop.revenueDayCount(), days_.length, "3: revenue days");
        assertEq(
            abi.encode(shop.unsettledDays(0, days_.length)),
            abi.encode(handler.unsettledModel()),
            "3: unsettledDays lists what the model leaves to distribute"
        );
    }

    /// @notice 4. Supply is exactly what the rules and the pool minted, never above the cap in force; the pool
    /// allowance is the model's (its checkpoint plus the ratio of what the rules minted since), never above the ratio
    /// of what the rules minted less what the pool minted; and the rules in force are those the notice rules say (a
    /// raise of dividendBps alone at once, any other change after the notice period).
    function invariant_supplyFollowsTheRules() public view {
        address[] memory holders = handler.actors();
        ShareMallHandler.Violations memory v = handler.violations();
        assertEq(v.capBreaches, 0, "4: pool mint past the cap accepted");
        assertEq(v.noticeRuleBreaches, 0, "4: a rule change broke the notice rules");
        for (uint256 i; i < tokens.length; ++i) {
            ShareMallHandler.TokenGhost memory g = handler.ghost(i);
            uint256 supply = tokens[i].totalSupply();
            assertEq(supply, g.ruleMinted + g.poolMinted, "4: supply == minted by rules + pool");
            IShopBase.TokenRules memory rules = shop.currentRules(i);
            assertEq(abi.encode(rules), abi.encode(handler.currentRules(i)), "4: rules in force per the notice rules");
            (, uint256 effectiveAt) = shop.pendingRules(i);
            assertEq(_notDue(effectiveAt), _notDue(handler.pendingAt(i)), "4: pending change and its due time");
            if (rules.maxSupply != 0) assertLe(supply, rules.maxSupply, "4: supply <= maxSupply");
            uint256 sum;
            for (uint256 a; a < holders.length; ++a) sum += tokens[i].balanceOf(holders[a]);
            assertEq(sum, supply, "4: balances add up to the supply");
            IShopBase.TokenConfig memory config = shop.tokenConfig(i);
            assertEq(config.minted, supply, "4: shop's minted == supply");
            uint256 allowance = shop.poolAllowance(i);
            assertEq(allowance, handler.poolAllowance(i), "4: pool allowance == the model's");
            assertEq(config.poolAllowance, allowance, "4: tokenConfig's allowance == poolAllowance");
            (uint256 num, uint256 den) = handler.poolRatio(i);
            if (!g.ratioChanged && den != 0) {
                // One ratio all along: exactly floor(minted by the rules x num / den) - minted by the pool.
                assertEq(allowance + g.poolMinted, (g.ruleMinted * num) / den, "4: allowance = the exact formula");
            }
        }
    }

    /// @notice 5. No step lowered a holder's claimable except that holder's own claim, and no transfer changed any.
    function invariant_claimableFallsOnlyByOwnClaim() public view {
        ShareMallHandler.Violations memory v = handler.violations();
        assertFalse(v.claimableFell, "5: a claimable fell without its holder claiming");
        assertFalse(v.transferMovedClaimable, "5: a transfer changed a claimable");
    }

    /// @notice 6. No role can take holders' dividends: the shop holds exactly the merchant balance (the model's), a
    /// token's coin is exactly what came in minus what holders claimed and never fell otherwise, every overreach
    /// failed, and every settlement moved exactly what the model says.
    function invariant_noRoleTakesDividends() public view {
        ShareMallHandler.Violations memory v = handler.violations();
        assertEq(address(shop).balance, shop.merchantBalance(), "6: shop coin == merchant balance");
        assertEq(shop.merchantBalance(), handler.merchantBalance(), "6: merchant balance == the model's");
        for (uint256 i; i < tokens.length; ++i) {
            ShareMallHandler.TokenGhost memory g = handler.ghost(i);
            assertEq(address(tokens[i]).balance, g.inflow - g.claimed, "6: token coin == inflow - claimed");
        }
        assertFalse(v.tokenCoinFell, "6: token coin fell by more than claims");
        assertEq(v.rogueSuccesses, 0, "6: an overreach succeeded");
        assertEq(v.invalidSettlementsAccepted, 0, "6: an invalid or underfunded settlement succeeded");
        assertEq(v.settlementMismatches, 0, "6: a settlement moved other than the model says");
        assertEq(v.claimMismatches, 0, "6: a claim paid other than what was claimable, or to the wrong account");
    }

    /// @notice 7. A recipient that rejects the coin or burns the gas only fails its own claim: the claimable stays,
    /// and other holders still claim.
    function invariant_badRecipientHurtsOnlyItself() public view {
        ShareMallHandler.Violations memory v = handler.violations();
        assertFalse(v.badRecipientChangedClaimable, "7: a failed claim changed the claimable");
        assertFalse(v.otherHolderBlocked, "7: a good holder could not claim");
    }

    /// @notice 8. A day's escrow is always distributable, whatever the rest of that day owes: for every past day with
    /// checkout escrow not released yet, a keeper's `settle(day)` with nothing sent, after the merchant withdrew its
    /// whole balance, succeeds and hands every token its escrow (into the accumulator, or the rollover when it is
    /// too small to move it), however large the day's unfunded recorded orders (the handler records one of
    /// 2^96 - 1 wei on a checkout day). Simulated in a call that reverts, so nothing changes.
    function invariant_escrowAlwaysDistributable() public {
        uint256[] memory days_ = handler.revenueDays();
        uint256 today = shop.today();
        for (uint256 k; k < days_.length; ++k) {
            uint256 day = days_[k];
            if (day >= today || !_hasUnreleasedEscrow(day)) continue;
            (bool ok, bytes memory result) = address(this).call(abi.encodeCall(this.simulateBareSettlement, (day)));
            assertFalse(ok, "8: the simulation reverts");
            assertTrue(bytes4(result) == SettlementSimulated.selector, "8: the simulation carried its outcome");
            (bool settled, bytes memory reason, uint256 notReleased, uint256 notDistributed) = abi.decode(
                _args(result),
                (bool, bytes, uint256, uint256)
            );
            assertEq(reason, "", "8: settle reverted");
            assertTrue(settled, "8: settle succeeds with no funding at all");
            assertEq(notReleased, 0, "8: every token's escrow released");
            assertEq(notDistributed, 0, "8: every token's escrow handed to its holders (or its rollover)");
        }
    }

    /// @notice Withdraws the whole merchant balance, settles `day` as a keeper with no value, checks what went out,
    /// and reverts with the outcome (`SettlementSimulated`), undoing everything. Only for the invariant above.
    function simulateBareSettlement(uint256 day) external {
        uint256 balance = shop.merchantBalance();
        if (balance != 0) {
            vm.prank(admin);
            shop.withdraw(admin, balance);
        }
        uint256[2] memory escrow;
        uint256[2] memory before;
        uint256[2] memory coin;
        address[] memory holders = handler.actors();
        for (uint256 i; i < tokens.length; ++i) {
            IShopBase.TokenDay memory d = shop.tokenDay(i, day);
            if (!d.escrowReleased && !d.settled) escrow[i] = d.escrowed;
            before[i] = _sumClaimable(tokens[i], holders) + _rollover(tokens[i]);
            coin[i] = address(tokens[i]).balance;
        }
        vm.prank(keeper);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopOrders.settle, (day)));
        uint256 notReleased;
        uint256 notDistributed;
        for (uint256 i; i < tokens.length; ++i) {
            if (escrow[i] == 0) continue;
            if (!shop.tokenDay(i, day).escrowReleased) ++notReleased;
            // Rounding may keep up to a wei per holder (plus one) out of the claimables and the rollover.
            uint256 now_ = _sumClaimable(tokens[i], holders) + _rollover(tokens[i]);
            if (now_ + holders.length + 1 < before[i] + escrow[i]) ++notDistributed;
            if (address(tokens[i]).balance != coin[i]) ++notDistributed;
        }
        if (ok && shop.merchantBalance() != 0) ++notDistributed;
        revert SettlementSimulated(ok, ok ? bytes("") : reason, notReleased, notDistributed);
    }

    function _hasUnreleasedEscrow(uint256 day) private view returns (bool) {
        for (uint256 i; i < tokens.length; ++i) {
            IShopBase.TokenDay memory d = shop.tokenDay(i, day);
            if (d.escrowed != 0 && !d.escrowReleased) return true;
        }
        return false;
    }

    function _assertTokenDay(IShopBase.TokenDay memory d, IShopBase.TokenDay memory m) private pure {
        assertEq(d.revenue, m.revenue, "3: token-day revenue");
        assertEq(d.dividendBps, m.dividendBps, "3: token-day rate (fixed at the first order, raised at once)");
        assertEq(d.owed, m.owed, "3: token-day owed");
        assertEq(d.escrowed, m.escrowed, "3: token-day escrow");
        assertEq(d.escrowReleased, m.escrowReleased, "3: token-day escrow released");
        assertEq(d.settled, m.settled, "3: token-day settled");
    }

    /// @dev The ABI-encoded arguments of a custom error's revert data (everything after the selector).
    function _args(bytes memory revertData) private pure returns (bytes memory args) {
        args = new bytes(revertData.length - 4);
        for (uint256 k; k < args.length; ++k) args[k] = revertData[k + 4];
    }

    /// @dev A pending change's due time if it is still ahead, else 0 (a due change counts as applied).
    function _notDue(uint256 effectiveAt) private view returns (uint256) {
        return effectiveAt > block.timestamp ? effectiveAt : 0;
    }
}
