// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Campaign size: the test profiles of hardhat.config.ts (CI: 160 runs x depth 64 = 10,240 handler calls per invariant
// function), 7 invariant functions (the protocol invariants listed in docs/testing.md), every invariant checked after
// every call.

import {Fixture} from "../utils/Fixture.sol";
import {ShareMallHandler} from "./ShareMallHandler.sol";
import {DividendToken} from "../../../contracts/DividendToken.sol";
import {IShop} from "../../../contracts/interfaces/IShop.sol";

/* solhint-disable func-name-mixedcase */

/// @title ShareMallInvariantTest
/// @notice The protocol invariants (docs/testing.md, "Invariants" 1-7) under random sequences of orders (single, batch,
/// checkout), pool mints, transfers, deposits, withdrawals, settlements of past days, time jumps, rule changes (at
/// once or after notice, and cancellations), claims (own, to another recipient, through the factory), recipients
/// that reject the coin or burn the gas, and roles overreaching.
/// @dev One shop (UTC+8) with two tokens: a transferable, capped brand token with a referral bonus, and a
/// non-transferable mall token without a cap. `ShareMallHandler` is the only target.
contract ShareMallInvariantTest is Fixture {
    ShareMallHandler internal handler;
    DividendToken[2] internal tokens;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
        // Brand: Wuyou rules, one token per 3 referees whose first order is at least 0.5 coin, capped at 150 tokens
        // (about 45 coin of orders: reached in many runs, midway).
        IShop.TokenRules memory brand = _wuyouRules();
        brand.referralsPerToken = 3;
        brand.minFirstOrder = 0.5 ether;
        brand.maxSupply = 150e18;
        // Mall: one token per coin, 5 % referral share, 15 % dividends, pool 1/4, no cap.
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
        // One-day notice periods (the minimum), so that scheduled rule changes fall due within a run.
        tokens[0] = _createTokenWithNotice("Wuyou Dividend Coin", "YDC", true, 1 days, brand);
        tokens[1] = _createTokenWithNotice("Wuyou Mall Token", "WMT", false, 1 days, mall);
        handler = new ShareMallHandler(shop, admin, operator, poolManager, address(this));
        vm.label(address(handler), "handler");
    }

    /// @notice The invariant campaign calls only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice 1. A token's coin covers what its holders can claim plus rollover (plus checkout escrow of unsettled
    /// days), and what is left over is rounding dust: at most one wei per holder per settlement plus one.
    function invariant_tokenCoinCoversClaimablesAndRollover() public view {
        address[] memory holders = handler.actors();
        for (uint256 i; i < tokens.length; ++i) {
            ShareMallHandler.TokenGhost memory g = handler.ghost(i);
            uint256 coin = address(tokens[i]).balance;
            uint256 owed = _sumClaimable(tokens[i], holders) + _rollover(tokens[i]);
            assertLe(owed, coin, "1: coin >= claimable + rollover");
            assertLe(owed + g.escrowPending, coin, "1: coin >= claimable + rollover + unsettled escrow");
            assertLe(coin - owed - g.escrowPending, g.dustBound, "1: unaccounted coin <= dust bound");
        }
    }

    /// @notice 2. Per token, what was claimed plus what can be claimed never exceeds what settlements deposited.
    function invariant_claimedPlusClaimableWithinDeposited() public view {
        address[] memory holders = handler.actors();
        for (uint256 i; i < tokens.length; ++i) {
            ShareMallHandler.TokenGhost memory g = handler.ghost(i);
            uint256 claimable = _sumClaimable(tokens[i], holders);
            assertLe(g.claimed + claimable, g.distributed, "2: claimed + claimable <= deposited");
            assertLe(g.claimed + claimable + _rollover(tokens[i]), g.distributed, "2: ... + rollover <= deposited");
        }
    }

    /// @notice 3. An order hash counts once per customer, whatever the path: every duplicate was refused, the same hash
    /// for another customer counted as that customer's order, the shop's counted set is the handler's, orders of
    /// refused batches never counted, and the per-day order counts and revenue match.
    function invariant_orderHashCountsOnce() public view {
        ShareMallHandler.Violations memory v = handler.violations();
        assertEq(v.duplicateOrdersAccepted, 0, "3: duplicate order hashes accepted");
        assertEq(v.invalidReferralsAccepted, 0, "3: invalid referrals accepted");
        assertEq(v.validStepsRefused, 0, "3: valid orders refused or refused with the wrong error");
        ShareMallHandler.OrderKey[] memory counted = handler.countedOrders();
        for (uint256 k; k < counted.length; ++k) {
            assertTrue(shop.isOrderCounted(counted[k].orderHash, counted[k].customer), "3: counted order known");
        }
        ShareMallHandler.OrderKey[] memory refused = handler.refusedOrders();
        for (uint256 k; k < refused.length; ++k) {
            assertFalse(shop.isOrderCounted(refused[k].orderHash, refused[k].customer), "3: refused order counted");
        }
        uint256[] memory days_ = handler.revenueDays();
        uint256 orders;
        for (uint256 k; k < days_.length; ++k) {
            IShop.DayRecord memory record = shop.dayRecord(days_[k]);
            (uint256 orderCount, uint256 revenue) = handler.dayModel(days_[k]);
            assertEq(record.orderCount, orderCount, "3: orders per day");
            assertEq(record.revenue, revenue, "3: revenue per day");
            orders += record.orderCount;
        }
        assertEq(orders, counted.length, "3: one order per counted (hash, customer)");
        assertEq(shop.revenueDayCount(), days_.length, "3: revenue days");
    }

    /// @notice 4. Supply is exactly what the rules and the pool minted, never above the cap in force; the pool
    /// allowance is what accrued minus what the pool minted, never negative; and the rules in force are those the
    /// notice rules say (a raise of dividendBps alone at once, any other change after the notice period).
    function invariant_supplyFollowsTheRules() public view {
        address[] memory holders = handler.actors();
        ShareMallHandler.Violations memory v = handler.violations();
        assertEq(v.capBreaches, 0, "4: pool mint past the cap accepted");
        assertEq(v.noticeRuleBreaches, 0, "4: a rule change broke the notice rules");
        for (uint256 i; i < tokens.length; ++i) {
            ShareMallHandler.TokenGhost memory g = handler.ghost(i);
            uint256 supply = tokens[i].totalSupply();
            assertEq(supply, g.ruleMinted + g.poolMinted, "4: supply == minted by rules + pool");
            IShop.TokenRules memory rules = shop.currentRules(i);
            assertEq(abi.encode(rules), abi.encode(handler.currentRules(i)), "4: rules in force per the notice rules");
            (, uint256 effectiveAt) = shop.pendingRules(i);
            assertEq(_notDue(effectiveAt), _notDue(handler.pendingAt(i)), "4: pending change and its due time");
            if (rules.maxSupply != 0) assertLe(supply, rules.maxSupply, "4: supply <= maxSupply");
            uint256 sum;
            for (uint256 a; a < holders.length; ++a) sum += tokens[i].balanceOf(holders[a]);
            assertEq(sum, supply, "4: balances add up to the supply");
            IShop.TokenConfig memory config = shop.tokenConfig(i);
            assertEq(config.minted, supply, "4: shop's minted == supply");
            assertLe(g.poolMinted, g.poolAccrued, "4: pool minted <= accrued");
            assertEq(config.poolAllowance, g.poolAccrued - g.poolMinted, "4: allowance == accrued - pool minted");
        }
    }

    /// @notice 5. No step lowered a holder's claimable except that holder's own claim, and no transfer changed any.
    function invariant_claimableFallsOnlyByOwnClaim() public view {
        ShareMallHandler.Violations memory v = handler.violations();
        assertFalse(v.claimableFell, "5: a claimable fell without its holder claiming");
        assertFalse(v.transferMovedClaimable, "5: a transfer changed a claimable");
    }

    /// @notice 6. No role can take holders' dividends: the shop holds exactly the merchant balance, a token's coin is
    /// exactly what came in minus what holders claimed and never fell otherwise, and every overreach failed.
    function invariant_noRoleTakesDividends() public view {
        ShareMallHandler.Violations memory v = handler.violations();
        assertEq(address(shop).balance, shop.merchantBalance(), "6: shop coin == merchant balance");
        for (uint256 i; i < tokens.length; ++i) {
            ShareMallHandler.TokenGhost memory g = handler.ghost(i);
            assertEq(address(tokens[i]).balance, g.inflow - g.claimed, "6: token coin == inflow - claimed");
        }
        assertFalse(v.tokenCoinFell, "6: token coin fell by more than claims");
        assertEq(v.rogueSuccesses, 0, "6: an overreach succeeded");
        assertEq(v.invalidSettlementsAccepted, 0, "6: an invalid or underfunded settlement succeeded");
        assertEq(v.claimMismatches, 0, "6: a claim paid other than what was claimable, or to the wrong account");
    }

    /// @notice 7. A recipient that rejects the coin or burns the gas only fails its own claim: the claimable stays,
    /// and other holders still claim.
    function invariant_badRecipientHurtsOnlyItself() public view {
        ShareMallHandler.Violations memory v = handler.violations();
        assertFalse(v.badRecipientChangedClaimable, "7: a failed claim changed the claimable");
        assertFalse(v.otherHolderBlocked, "7: a good holder could not claim");
    }

    /// @dev A pending change's due time if it is still ahead, else 0 (a due change counts as applied).
    function _notDue(uint256 effectiveAt) private view returns (uint256) {
        return effectiveAt > block.timestamp ? effectiveAt : 0;
    }
}
