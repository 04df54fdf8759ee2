// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

// Campaign size: the test profiles of hardhat.config.ts (CI: 160 runs x depth 64 = 10,240 handler calls per invariant
// function), 5 invariant functions, every invariant checked after every call.

import {Fixture} from "../utils/Fixture.sol";
import {PaymentsHandler} from "./PaymentsHandler.sol";
import {DividendToken} from "../../../contracts/payouts/DividendToken.sol";
import {IShopBase} from "../../../contracts/interfaces/IShopBase.sol";

/* solhint-disable func-name-mixedcase */

/// @title PaymentsInvariantTest
/// @notice The invariants of payments with returns under random sequences of authorizations (several customers,
/// amounts from one wei to five coin, referrers, expiries), captures (operator, in full or in part; customer
/// confirmations; auto-captures after the return window), voids, reclaims after expiry, return requests, refunds (in
/// parts and in full), charges, settlements of past days, claims, transfers, pool mints, withdrawals of returns owed,
/// admin withdrawals, return window changes and time jumps of hours to days; one customer is a contract that rejects
/// every coin, so its returns are owed.
/// @dev One shop (UTC-5) with two tokens: a transferable brand token (so a refund may find its tokens gone) with a
/// referral share and bonus, and a non-transferable mall token. `PaymentsHandler` is the only target.
contract PaymentsInvariantTest is Fixture {
    int32 internal constant UTC_MINUS_5 = -5 hours;
    uint256 private constant _MASK_96 = type(uint96).max;

    PaymentsHandler internal handler;
    DividendToken[2] internal tokens;

    function setUp() public {
        _deployShareMall(UTC_MINUS_5);
        IShopBase.TokenRules memory brand = _wuyouRules();
        brand.referralsPerToken = 2;
        brand.minFirstOrder = 0.1 ether;
        tokens[0] = _createToken("Wuyou Dividend Coin", "YDC", true, brand);
        tokens[1] = _createToken("Wuyou Mall Token", "WMT", false, _mallRules());
        // A one-day return window (a shorter one applies after notice), so that windows and expiries pass in a run.
        vm.prank(admin);
        uint256 effectiveAt = shop.setReturnWindow(1 days);
        vm.warp(effectiveAt);
        (uint256 window, , ) = shop.returnWindow();
        assertEq(window, 1 days, "setup: return window in force");
        handler = new PaymentsHandler(shop, admin, operator, poolManager);
        vm.label(address(handler), "handler");
    }

    /// @notice The invariant campaign calls only the handler.
    function targetContracts() public view returns (address[] memory targets) {
        targets = new address[](1);
        targets[0] = address(handler);
    }

    /// @notice 1. Every authorized wei is held, captured (revenue: the merchant balance and the tokens' escrow, less
    /// what was refunded, withdrawn or claimed since) or returned to its customer (pushed, or owed); the shop's coin is
    /// exactly the merchant balance plus the held payments plus the returns owed; and `payment` agrees with the books
    /// for every payment ever made.
    function invariant_everyAuthorizedWeiAccounted() public view {
        PaymentsHandler.Ghost memory g = handler.ghost();
        assertEq(g.authorized, g.held + g.captured + g.released, "1: authorized == held + captured + returned");
        uint256 owedSum;
        uint256 bookedOwed;
        address[] memory actors = handler.actors();
        for (uint256 a; a < actors.length; ++a) {
            uint256 owed = shop.returnsOwed(actors[a]);
            assertEq(owed, handler.owed(actors[a]), "1: returnsOwed == the books");
            owedSum += owed;
            bookedOwed += handler.owed(actors[a]);
        }
        assertEq(g.releasedOwed + g.refundedOwed, bookedOwed + g.returnsWithdrawn, "1: owed == rejected - withdrawn");
        uint256 balance = shop.merchantBalance();
        assertEq(address(shop).balance, balance + g.held + owedSum, "1: shop coin == merchant + held + owed");
        uint256 tokenSide = address(tokens[0]).balance + address(tokens[1]).balance + g.claimed[0] + g.claimed[1];
        assertEq(
            g.captured,
            balance + tokenSide + g.refunded + g.adminWithdrawn,
            "1: captured == merchant balance + escrow and dividends + refunded + withdrawn"
        );
        assertEq(handler.violations().returnMismatches, 0, "1: a return not pushed or owed to the wei");
        uint256 keys = handler.keyCount();
        for (uint256 k; k < keys; ++k) {
            (bytes32 orderHash, address customer, uint256 status, uint256 amount) = handler.expectedPayment(k);
            (IShopBase.PaymentStatus actual, uint256 actualAmount) = shop.payment(orderHash, customer);
            assertEq(uint256(actual), status, "1: payment status == the books");
            assertEq(actualAmount, amount, "1: payment amount == the books");
        }
    }

    /// @notice 2. Tokens exist only for captured amounts net of refunds: the non-transferable token's supply is
    /// exactly what captures minted, less what refunds took back (all they asked), plus pool mints; the transferable
    /// one's is that plus what refunds asked back and found gone (`unrecovered`), never more; every capture's
    /// take-back so far is `floor(minted × refunded / captured)` for the customer and the referrer.
    function invariant_tokensOnlyForNetCaptures() public view {
        PaymentsHandler.Ghost memory g = handler.ghost();
        PaymentsHandler.Violations memory v = handler.violations();
        assertEq(v.mintMismatches, 0, "2: a capture minted other than its event says");
        assertEq(v.clawBackMismatches, 0, "2: a refund took back other than the formula or its event says");
        uint256 supply = tokens[1].totalSupply();
        assertEq(supply, g.minted[1] + g.pool[1] - g.due[1], "2: non-transferable supply == minted - due + pool");
        assertEq(g.unrecovered[1], 0, "2: non-transferable take-back always recovered");
        assertEq(g.taken[1], g.due[1], "2: non-transferable taken == due");
        supply = tokens[0].totalSupply();
        assertEq(g.taken[0] + g.unrecovered[0], g.due[0], "2: transferable taken + unrecovered == due");
        assertEq(
            supply,
            g.minted[0] + g.pool[0] + g.unrecovered[0] - g.due[0],
            "2: transferable supply == minted - due + unrecovered + pool"
        );
        uint256 count = handler.payCount();
        for (uint256 k; k < count; ++k) {
            for (uint256 i; i < 2; ++i) {
                (uint256 captured, uint256 refunded, uint256 minted, uint256 back) = handler.captureOf(k, i);
                if (captured == 0) break;
                uint256 c = minted & _MASK_96;
                uint256 r = minted >> 96;
                assertEq(back & _MASK_96, (c * refunded) / captured, "2: customer take-back == floor");
                assertEq(back >> 96, (r * refunded) / captured, "2: referrer take-back == floor");
            }
        }
    }

    /// @notice 3. A refund never lowers any holder's claimable (settled) dividends.
    function invariant_refundKeepsClaimables() public view {
        assertFalse(handler.violations().claimableFellOnRefund, "3: a refund lowered a claimable");
    }

    /// @notice 4. No role moves held money but by the payment steps: settlements and admin withdrawals never change
    /// the coin beyond the merchant balance, withdrawing more than the merchant balance, and every step by a role that
    /// may not take it, was refused, and what the shop holds beyond the merchant balance and the returns owed is
    /// exactly the books' held total.
    function invariant_noRoleMovesHeldMoney() public view {
        PaymentsHandler.Violations memory v = handler.violations();
        assertFalse(v.heldMoved, "4: a settlement or withdrawal moved held coin");
        assertEq(v.overreaches, 0, "4: an overreach or a withdrawal past the merchant balance succeeded");
        address[] memory actors = handler.actors();
        uint256 owedSum;
        for (uint256 a; a < actors.length; ++a) owedSum += shop.returnsOwed(actors[a]);
        assertEq(
            address(shop).balance - shop.merchantBalance() - owedSum,
            handler.ghost().held,
            "4: coin beyond the merchant balance and returns owed == held"
        );
    }

    /// @notice 5. A payment follows the state machine: never captured twice, never captured after a void, a reclaim
    /// or its expiry, never voided, reclaimed or refunded out of turn; and every step ended as predicted.
    function invariant_paymentStateMachine() public view {
        PaymentsHandler.Violations memory v = handler.violations();
        assertEq(v.doubleCaptures, 0, "5: a payment captured twice");
        assertEq(v.capturesAfterEnd, 0, "5: a payment captured after void, reclaim or expiry");
        assertEq(v.deadPaymentsMoved, 0, "5: a step moved a payment out of turn");
        assertEq(v.unexpectedOutcomes, 0, "5: a step ended other than predicted");
    }
}
