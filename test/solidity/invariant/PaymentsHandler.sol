// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Base, Vm} from "../utils/Vm.sol";
import {RejectingRecipient} from "../utils/Recipients.sol";
import {DividendToken} from "../../../contracts/payouts/DividendToken.sol";
import {IDividendToken} from "../../../contracts/interfaces/IDividendToken.sol";
import {IShop} from "../../../contracts/interfaces/IShop.sol";
import {IShopAdmin} from "../../../contracts/interfaces/IShopAdmin.sol";
import {IShopBase} from "../../../contracts/interfaces/IShopBase.sol";
import {IShopOrders} from "../../../contracts/interfaces/IShopOrders.sol";
import {IShopPayments} from "../../../contracts/interfaces/IShopPayments.sol";

/* solhint-disable max-states-count */

/// @title PaymentsHandler
/// @notice The only target of the payments invariant campaign. Each public function is one step a participant of a
/// shop with held payments could take: customers authorize (fresh orders, orders already paid or voided, bad
/// expiries, self-referrals) and charge, the operator captures (in full or in part), voids and refunds (in parts, in
/// full, too much, too late), customers confirm, ask for a return, reclaim and withdraw returns owed, anyone
/// auto-captures and settles past days, holders claim and transfer, the pool manager mints, the admin withdraws
/// (and tries to withdraw more than the merchant balance) and changes the return window, and time passes. Every
/// step's outcome is predicted (success, or the exact revert data) and the handler keeps ghost books of where every
/// wei and token went; the invariant test compares them with the chain.
/// @dev Actors: three customers without code, a customer contract that rejects every coin (its returns are owed),
/// and a promoter that only refers. Every token minted goes to an actor, so sums over actors are sums over holders.
/// Steps that would move a payment that is no longer held (captured, voided, reclaimed, expired) are attempted on
/// purpose: any success is recorded as a violation.
contract PaymentsHandler is Base {
    /// @notice Ghost totals, in wei and token-wei.
    /// @param authorized Wei customers paid in (authorizations and charges).
    /// @param held Wei held now (authorized, not yet captured, voided or reclaimed).
    /// @param captured Wei captured (charges included): counted as revenue.
    /// @param released Wei of held payments returned to their customers (voids, reclaims, the rest of a partial
    /// capture), pushed or owed.
    /// @param releasedOwed The part of `released` the customer rejected, owed to it.
    /// @param refunded Wei refunded from captured payments.
    /// @param refundedOwed The part of `refunded` the customer rejected, owed to it.
    /// @param returnsWithdrawn Owed wei withdrawn with `withdrawReturns`.
    /// @param adminWithdrawn Wei the admin withdrew from the merchant balance.
    /// @param minted Token-wei the captures minted, per token (consumption and promotion).
    /// @param due Token-wei the refunds asked back, per token: the floor of minted × refunded / captured, cumulative.
    /// @param taken Token-wei the refunds took back (burned), per token.
    /// @param unrecovered Token-wei the refunds asked back that the holders no longer held (`PaymentRefunded`).
    /// @param pool Token-wei minted from the pool, per token.
    /// @param claimed Wei of dividends claimed, per token.
    struct Ghost {
        uint256 authorized;
        uint256 held;
        uint256 captured;
        uint256 released;
        uint256 releasedOwed;
        uint256 refunded;
        uint256 refundedOwed;
        uint256 returnsWithdrawn;
        uint256 adminWithdrawn;
        uint256[2] minted;
        uint256[2] due;
        uint256[2] taken;
        uint256[2] unrecovered;
        uint256[2] pool;
        uint256[2] claimed;
    }

    /// @notice Counters and flags of things that must never happen (all must stay zero / false).
    /// @param unexpectedOutcomes Steps that ended other than predicted (refused, accepted, or the wrong error).
    /// @param doubleCaptures Captures of a payment that had been captured already.
    /// @param capturesAfterEnd Captures of a payment voided, reclaimed or expired.
    /// @param deadPaymentsMoved Voids, reclaims or refunds of a payment in the wrong state that succeeded.
    /// @param overreaches Steps by a role that may not take them, or withdrawals past the merchant balance, that
    /// succeeded.
    /// @param returnMismatches Returns not pushed (or, for the rejecting customer, not owed) to the wei.
    /// @param mintMismatches Captures whose `minted` disagrees with the balances it changed, or that bound another
    /// referrer than predicted.
    /// @param clawBackMismatches Refunds whose take-back disagrees with the floor formula, `refundable`, or the
    /// balances it changed.
    /// @param claimableFellOnRefund Whether a refund lowered some holder's claimable dividends.
    /// @param heldMoved Whether a settlement or a withdrawal changed the coin the shop holds beyond the merchant
    /// balance (the held payments and the returns owed).
    struct Violations {
        uint256 unexpectedOutcomes;
        uint256 doubleCaptures;
        uint256 capturesAfterEnd;
        uint256 deadPaymentsMoved;
        uint256 overreaches;
        uint256 returnMismatches;
        uint256 mintMismatches;
        uint256 clawBackMismatches;
        bool claimableFellOnRefund;
        bool heldMoved;
    }

    /// @notice How often the interesting branches ran (for inspecting a campaign; not asserted).
    /// @param captures Successful captures by kind (`IShopBase.CaptureKind`: operator, customer, auto, charge).
    /// @param partialCaptures Operator captures of less than the payment.
    /// @param refusedAsPredicted Steps refused with exactly the predicted error.
    /// @param deadCapturesRefused Captures of a payment captured, voided, reclaimed or expired, refused.
    /// @param unrecoveredRefunds Refunds that found some of the order's tokens gone.
    struct Coverage {
        uint256 authorizations;
        uint256[4] captures;
        uint256 partialCaptures;
        uint256 voids;
        uint256 reclaims;
        uint256 returnRequests;
        uint256 refunds;
        uint256 fullRefunds;
        uint256 unrecoveredRefunds;
        uint256 returnsOwed;
        uint256 returnsWithdrawn;
        uint256 settlements;
        uint256 claims;
        uint256 transfers;
        uint256 poolMints;
        uint256 withdrawals;
        uint256 refusedAsPredicted;
        uint256 deadCapturesRefused;
    }

    /// @notice A payment as the handler's books see it.
    /// @param terms The terms passed back to every step (a charge's have zero `autoCaptureAt` and `expiry`).
    /// @param state `HELD`, `RETURN_REQUESTED`, `CAPTURED`, `VOIDED` or `RECLAIMED`.
    /// @param captured Wei captured.
    /// @param refunded Wei refunded so far.
    /// @param refundDeadline The capture's refund deadline (`PaymentCaptured`).
    /// @param referrer The customer's bound referrer at capture, whose promotion a refund takes back.
    /// @param minted What the capture minted per token (`PaymentCaptured`: consumption low, promotion high).
    /// @param back Token-wei asked back per token by the refunds so far, packed like `minted`.
    struct Pay {
        IShopBase.Payment terms;
        uint8 state;
        uint96 captured;
        uint96 refunded;
        uint40 refundDeadline;
        address referrer;
        uint256[2] minted;
        uint256[2] back;
    }

    /// @dev What a step that returns coin or moves tokens is checked against: the customer's coin and returns owed,
    /// its referrer, and both their token balances ([customer, referrer] per token).
    struct Before {
        uint256 coin;
        uint256 owed;
        address referrer;
        uint256[4] balances;
    }

    uint8 internal constant HELD = 1;
    uint8 internal constant RETURN_REQUESTED = 2;
    uint8 internal constant CAPTURED = 3;
    uint8 internal constant VOIDED = 4;
    uint8 internal constant RECLAIMED = 5;

    uint256 private constant _TOKENS = 2;
    uint256 private constant _CUSTOMERS = 4;
    uint256 private constant _MASK_96 = type(uint96).max;
    uint256 private constant _MAX_AMOUNT = 5 ether;

    IShop public shop;
    address public admin;
    address public operator;
    address public poolManager;
    /// @dev The customer contract that rejects every coin.
    address public rejecter;
    /// @dev Anyone: auto-captures and settles.
    address public keeper;
    /// @dev Receives withdrawals and the rejecter's claims and returns; never holds tokens.
    address public sink;

    DividendToken[_TOKENS] internal _tokens;
    bytes32 internal _operatorRole;
    address[] internal _actors;

    Pay[] internal _pays;
    /// @dev The latest payment (index + 1) of each key.
    mapping(bytes32 key => uint256) internal _latest;
    bytes32[] internal _keys;
    /// @dev Payments held now (indexes into `_pays`), and captures that may still be refunded.
    uint256[] internal _live;
    uint256[] internal _refundable;
    /// @dev Days with captures (to settle), without repeats.
    uint256[] internal _days;
    mapping(uint256 day => bool) internal _dayKnown;
    mapping(address customer => uint256) internal _owed;

    Ghost internal _ghost;
    Violations internal _violations;
    Coverage internal _coverage;
    uint256 internal _nonce;
    uint256 internal _time;

    constructor(IShop shop_, address admin_, address operator_, address poolManager_) {
        shop = shop_;
        admin = admin_;
        operator = operator_;
        poolManager = poolManager_;
        _operatorRole = shop_.OPERATOR_ROLE();
        address[] memory list = shop_.tokens();
        for (uint256 i; i < _TOKENS; ++i) _tokens[i] = DividendToken(list[i]);
        for (uint256 k; k < 3; ++k) {
            _actors.push(address(uint160(uint256(keccak256(abi.encode("sharemall.payments.customer", k))))));
        }
        rejecter = address(new RejectingRecipient());
        _actors.push(rejecter);
        _actors.push(address(uint160(uint256(keccak256("sharemall.payments.promoter")))));
        keeper = address(uint160(uint256(keccak256("sharemall.payments.keeper"))));
        sink = address(uint160(uint256(keccak256("sharemall.payments.sink"))));
        _time = block.timestamp;
    }

    /// @dev Every step starts at the handler's clock (the campaign may reset `block.timestamp` between calls).
    modifier step() {
        vm.warp(_time);
        _;
    }

    // ---------------------------------------------------------------- paying

    /// @notice One to three customers authorize a payment each. One authorization in sixteen pays again for an
    /// order hash a customer already used (refused while held or once captured, accepted after a void or a reclaim),
    /// one in sixteen names an expiry not after the return window, one in sixteen names itself as referrer.
    function authorize(
        uint256 customerSeed,
        uint256 referrerSeed,
        uint256 amount,
        uint256 expirySeed,
        uint256 mode
    ) external step {
        uint256 count = 1 + ((customerSeed >> 128) % 3);
        for (uint256 k; k < count; ++k) {
            _authorizeOne(customerSeed + k, referrerSeed + k, amount + k, expirySeed + k, _mix(mode + k));
        }
    }

    /// @dev One authorization of `authorize`.
    function _authorizeOne(
        uint256 customerSeed,
        uint256 referrerSeed,
        uint256 amount,
        uint256 expirySeed,
        uint256 mode
    ) private {
        (uint256 window, , ) = shop.returnWindow();
        uint256 autoAt = block.timestamp + window;
        IShopBase.Payment memory t = IShopBase.Payment({
            orderHash: keccak256(abi.encode("sharemall.payments.order", ++_nonce)),
            customer: _actors[customerSeed % _CUSTOMERS],
            referrer: address(0),
            amount: uint96(_amount(amount, mode)),
            autoCaptureAt: uint40(autoAt),
            expiry: uint40(autoAt + bound(expirySeed, 1, 2 days))
        });
        bytes memory expected = _authorizeCase(t, referrerSeed, expirySeed, mode);
        vm.deal(t.customer, t.customer.balance + t.amount);
        vm.prank(t.customer);
        (bool ok, bytes memory reason) = address(shop).call{value: t.amount}(
            abi.encodeCall(IShopPayments.authorize, (t.orderHash, t.referrer, t.expiry))
        );
        if (!_judge(ok, reason, expected) || expected.length != 0) return;
        _live.push(_newPay(t, HELD));
        ++_coverage.authorizations;
        _ghost.authorized += t.amount;
        _ghost.held += t.amount;
    }

    /// @dev Sets the order, customer, referrer and expiry of an authorization by `mode` (see `authorize`) and
    /// returns the revert data it must end with (empty: it must succeed).
    function _authorizeCase(
        IShopBase.Payment memory t,
        uint256 referrerSeed,
        uint256 expirySeed,
        uint256 mode
    ) private view returns (bytes memory expected) {
        uint256 m = (mode >> 8) % 16;
        if (m == 0 && _pays.length != 0) {
            IShopBase.Payment memory old = _pays[(mode >> 16) % _pays.length].terms;
            t.orderHash = old.orderHash;
            t.customer = old.customer;
            uint8 state = _pays[_latest[_key(old.orderHash, old.customer)] - 1].state;
            if (state == CAPTURED) {
                expected = abi.encodeWithSelector(IShopBase.ShopOrderAlreadyCounted.selector, old.orderHash);
            } else if (_isLive(state)) {
                expected = abi.encodeWithSelector(IShopBase.ShopPaymentExists.selector, old.orderHash, old.customer);
            }
        }
        t.referrer = _referrer(t.customer, referrerSeed);
        if (m == 1) {
            t.expiry = uint40(t.autoCaptureAt - bound(expirySeed, 0, 1 days));
            expected = abi.encodeWithSelector(IShopBase.ShopInvalidExpiry.selector, t.expiry, t.autoCaptureAt + 1);
        } else if (m == 2) {
            t.referrer = t.customer;
            expected = abi.encodeWithSelector(IShopBase.ShopSelfReferral.selector, t.customer);
        }
    }

    /// @notice A customer pays and counts an order in one call (`charge`), with its bound referrer; one call in
    /// eight names another referrer than the bound one, which must be refused.
    function charge(uint256 customerSeed, uint256 referrerSeed, uint256 amount, uint256 mode) external step {
        mode = _mix(mode);
        address customer = _actors[customerSeed % _CUSTOMERS];
        amount = _amount(amount, mode);
        bytes32 orderHash = keccak256(abi.encode("sharemall.payments.order", ++_nonce));
        (address bound, bool known) = shop.customerOf(customer);
        address referrer = known ? bound : _referrer(customer, referrerSeed);
        bytes memory expected;
        if (known && (mode >> 8) % 8 == 0) {
            referrer = _otherThan(customer, bound, referrerSeed);
            expected = abi.encodeWithSelector(IShopBase.ShopReferrerAlreadyBound.selector, customer, bound, referrer);
        }
        if (expected.length != 0) {
            vm.deal(customer, customer.balance + amount);
            vm.prank(customer);
            (bool refusedOk, bytes memory refusal) = address(shop).call{value: amount}(
                abi.encodeCall(IShopOrders.charge, (orderHash, referrer))
            );
            _judge(refusedOk, refusal, expected);
            return;
        }
        uint256 idx = _newPay(IShopBase.Payment(orderHash, customer, referrer, uint96(amount), 0, 0), CAPTURED);
        bytes memory data = abi.encodeCall(IShopOrders.charge, (orderHash, referrer));
        if (_captureAndBook(idx, customer, data, amount, amount, true)) {
            ++_coverage.captures[3];
            _ghost.authorized += amount;
            return;
        }
        // Refused (a violation already counted): the charge never happened, take it out of the books.
        _pays.pop();
        delete _latest[_key(orderHash, customer)];
        _keys.pop();
    }

    // ---------------------------------------------------------------- capturing

    /// @notice The operator captures a held payment, in full (one call in three) or in part; one call in eight asks
    /// for more than it holds; one in sixteen is made by another role; one in four picks any payment (captured,
    /// voided, reclaimed or expired ones must be refused).
    function capture(uint256 seed, uint256 amountSeed, uint256 mode) external step {
        mode = _mix(mode);
        (bool found, uint256 idx) = _pick(seed, mode);
        if (!found) return;
        IShopBase.Payment memory t = _pays[idx].terms;
        uint256 amount = (mode >> 8) % 3 == 0 ? t.amount : bound(amountSeed, 1, t.amount);
        if ((mode >> 16) % 8 == 0) amount = (mode >> 24) % 2 == 0 ? 0 : uint256(t.amount) + 1;
        address caller = (mode >> 32) % 16 == 0 ? _rogue(mode >> 40) : operator;
        _captureStep(idx, abi.encodeCall(IShopPayments.capture, (t, amount)), caller, amount, 0);
    }

    /// @notice The customer confirms its held payment (captured in full); one call in sixteen is made by another
    /// account; one in four picks any payment.
    function confirm(uint256 seed, uint256 mode) external step {
        mode = _mix(mode);
        (bool found, uint256 idx) = _pick(seed, mode);
        if (!found) return;
        IShopBase.Payment memory t = _pays[idx].terms;
        address caller = (mode >> 8) % 16 == 0 ? _otherThan(t.customer, address(0), mode >> 16) : t.customer;
        _captureStep(idx, abi.encodeCall(IShopPayments.confirm, (t)), caller, t.amount, 1);
    }

    /// @notice A keeper auto-captures a held payment (in full), preferably one due (else, one call in two, it waits
    /// until the return window is over): refused before its return window is over, after its expiry, and when the
    /// customer asked for a return; one call in four picks any payment.
    function autoCapture(uint256 seed, uint256 mode) external step {
        mode = _mix(mode);
        (bool found, uint256 idx) = _pickDue(seed, mode, false);
        if (!found) return;
        IShopBase.Payment memory t = _pays[idx].terms;
        _captureStep(idx, abi.encodeCall(IShopPayments.autoCapture, (t)), keeper, t.amount, 2);
    }

    // ---------------------------------------------------------------- giving back

    /// @notice The operator voids a held payment (all back to the customer); one call in sixteen is made by another
    /// role; one in four picks any payment (one no longer held must be refused).
    function voidPayment(uint256 seed, uint256 mode) external step {
        mode = _mix(mode);
        (bool found, uint256 idx) = _pick(seed, mode);
        if (!found) return;
        Pay storage p = _pays[idx];
        IShopBase.Payment memory t = p.terms;
        address caller = (mode >> 8) % 16 == 0 ? _rogue(mode >> 16) : operator;
        bytes memory expected;
        if (caller != operator) {
            expected = _unauthorized(caller, _operatorRole);
        } else if (!_isLive(p.state)) {
            expected = abi.encodeWithSelector(IShopBase.ShopPaymentNotHeld.selector, t.orderHash, t.customer);
        }
        _release(idx, abi.encodeCall(IShopPayments.void, (t)), caller, expected, VOIDED);
    }

    /// @notice The customer takes back its held payment, preferably an expired one (else, one call in two, it waits
    /// until the expiry): refused before the expiry; one call in sixteen is made by another account; one in four
    /// picks any payment.
    function reclaim(uint256 seed, uint256 mode) external step {
        mode = _mix(mode);
        (bool found, uint256 idx) = _pickDue(seed, mode, true);
        if (!found) return;
        Pay storage p = _pays[idx];
        IShopBase.Payment memory t = p.terms;
        address caller = (mode >> 8) % 16 == 0 ? _otherThan(t.customer, address(0), mode >> 16) : t.customer;
        bytes memory expected;
        if (caller != t.customer) {
            expected = abi.encodeWithSelector(IShopBase.ShopNotPaymentCustomer.selector, caller, t.customer);
        } else if (!_isLive(p.state)) {
            expected = abi.encodeWithSelector(IShopBase.ShopPaymentNotHeld.selector, t.orderHash, t.customer);
        } else if (block.timestamp < t.expiry) {
            expected = abi.encodeWithSelector(IShopBase.ShopPaymentNotExpired.selector, t.expiry, block.timestamp);
        }
        _release(idx, abi.encodeCall(IShopPayments.reclaim, (t)), caller, expected, RECLAIMED);
    }

    /// @notice The customer asks to return the goods of its held payment: refused after the return window and the
    /// second time; one call in four picks any payment.
    function requestReturn(uint256 seed, uint256 mode) external step {
        mode = _mix(mode);
        (bool found, uint256 idx) = _pick(seed, mode);
        if (!found) return;
        Pay storage p = _pays[idx];
        IShopBase.Payment memory t = p.terms;
        bytes memory expected;
        if (!_isLive(p.state)) {
            expected = abi.encodeWithSelector(IShopBase.ShopPaymentNotHeld.selector, t.orderHash, t.customer);
        } else if (p.state == RETURN_REQUESTED) {
            expected = abi.encodeWithSelector(IShopBase.ShopReturnRequested.selector, t.orderHash, t.customer);
        } else if (block.timestamp >= t.autoCaptureAt) {
            expected = abi.encodeWithSelector(
                IShopBase.ShopReturnWindowClosed.selector,
                t.autoCaptureAt,
                block.timestamp
            );
        }
        vm.prank(t.customer);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopPayments.requestReturn, (t)));
        if (!_judge(ok, reason, expected)) return;
        if (expected.length != 0) {
            ++_violations.deadPaymentsMoved;
            return;
        }
        p.state = RETURN_REQUESTED;
        ++_coverage.returnRequests;
    }

    /// @notice The operator refunds part of a capture (the rest of it one call in three), possibly several times;
    /// one call in eight asks for more than is left, one in eight picks any payment (one not captured must be
    /// refused), one in sixteen is made by another role. Refused after the refund deadline and beyond the merchant
    /// balance. Records every holder's claimable before and after: a refund must never lower one.
    function refund(uint256 seed, uint256 amountSeed, uint256 mode) external step {
        mode = _mix(mode);
        uint256 idx;
        if ((mode >> 8) % 8 == 0 || _refundable.length == 0) {
            if (_pays.length == 0) return;
            // The latest payment of the key: an older one's record was replaced by it.
            IShopBase.Payment memory t = _pays[seed % _pays.length].terms;
            idx = _latest[_key(t.orderHash, t.customer)] - 1;
        } else {
            idx = _refundable[seed % _refundable.length];
        }
        Pay storage p = _pays[idx];
        IShopBase.Capture memory c = _captureOf(p);
        uint256 refundable = uint256(p.captured) - p.refunded;
        uint256 amount = (mode >> 16) % 3 == 0 || refundable == 0 ? refundable : bound(amountSeed, 1, refundable);
        if ((mode >> 24) % 8 == 0) amount = refundable + 1;
        if (amount == 0) amount = 1;
        address caller = (mode >> 32) % 16 == 0 ? _rogue(mode >> 40) : operator;
        bytes memory expected = _refundError(p, caller, amount, refundable);
        if (expected.length != 0) {
            vm.prank(caller);
            (bool refusedOk, bytes memory refusal) = address(shop).call(
                abi.encodeCall(IShopPayments.refund, (c, amount))
            );
            if (_judge(refusedOk, refusal, expected)) {
                if (caller != operator) ++_violations.overreaches;
                else ++_violations.deadPaymentsMoved;
            }
            // A capture past its deadline stays refundable no more.
            if (p.state == CAPTURED && block.timestamp > p.refundDeadline) _drop(_refundable, idx);
            return;
        }
        _refundAndBook(idx, c, amount);
    }

    /// @notice A customer withdraws the returns owed to it: the rejecting customer to the sink (or, one call in
    /// four, to itself, which must fail); anyone else (nothing owed), and a withdrawal to the zero address, refused.
    function withdrawReturns(uint256 seed, uint256 mode) external step {
        mode = _mix(mode);
        address customer = _owed[rejecter] != 0 && seed % 2 == 0 ? rejecter : _actors[seed % _CUSTOMERS];
        uint256 due = _owed[customer];
        address to = (mode >> 8) % 4 == 0 ? customer : sink;
        if ((mode >> 16) % 16 == 0) to = address(0);
        bytes memory expected;
        if (to == address(0)) {
            expected = abi.encodeWithSelector(IShopBase.ShopZeroAddress.selector);
        } else if (due == 0) {
            expected = abi.encodeWithSelector(IShopBase.ShopNoReturnsOwed.selector, customer);
        } else if (to == rejecter) {
            expected = abi.encodeWithSelector(IShopBase.ShopReturnWithdrawalFailed.selector, to, due);
        }
        uint256 before = to.balance;
        vm.prank(customer);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopPayments.withdrawReturns, (to)));
        if (!_judge(ok, reason, expected) || expected.length != 0) return;
        if (to.balance - before != due) ++_violations.returnMismatches;
        _owed[customer] = 0;
        _ghost.returnsWithdrawn += due;
        ++_coverage.returnsWithdrawn;
    }

    // ---------------------------------------------------------------- the merchant and the holders

    /// @notice A keeper settles a past day with captures (no value sent); whatever the outcome, the coin the shop
    /// holds beyond the merchant balance (held payments and returns owed) must not change. A day not over yet must
    /// be refused.
    function settle(uint256 seed) external step {
        if (_days.length == 0) return;
        uint256 day = _days[seed % _days.length];
        uint256 today = shop.today();
        bytes memory expected;
        if (day >= today) expected = abi.encodeWithSelector(IShopBase.ShopDayNotOver.selector, day, today);
        uint256 beyond = address(shop).balance - shop.merchantBalance();
        vm.prank(keeper);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopOrders.settle, (day)));
        // Past days may settle, be settled already or lack funding: only a day not over has a predicted outcome.
        if (expected.length != 0) _judge(ok, reason, expected);
        else if (ok) ++_coverage.settlements;
        if (address(shop).balance - shop.merchantBalance() != beyond) _violations.heldMoved = true;
    }

    /// @notice The admin withdraws from the merchant balance to the sink; one call in four tries to withdraw more
    /// than the merchant balance (up to all the coin the shop holds), one in eight has the operator try: both must
    /// be refused, and no withdrawal may change the coin held beyond the merchant balance.
    function adminWithdraw(uint256 amount, uint256 mode) external step {
        mode = _mix(mode);
        uint256 balance = shop.merchantBalance();
        uint256 beyond = address(shop).balance - balance;
        address caller = (mode >> 8) % 8 == 0 ? operator : admin;
        bytes memory expected;
        if (balance == 0 || (mode >> 16) % 4 == 0) {
            amount = balance + 1 + (beyond == 0 ? 0 : amount % beyond);
            expected = abi.encodeWithSelector(IShopBase.ShopInsufficientBalance.selector, balance, amount);
        } else {
            amount = bound(amount, 1, balance);
        }
        if (caller != admin) expected = _unauthorized(caller, bytes32(0));
        vm.prank(caller);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopAdmin.withdraw, (sink, amount)));
        if (_judge(ok, reason, expected)) {
            if (expected.length != 0) ++_violations.overreaches;
            else {
                _ghost.adminWithdrawn += amount;
                ++_coverage.withdrawals;
            }
        }
        if (address(shop).balance - shop.merchantBalance() != beyond) _violations.heldMoved = true;
    }

    /// @notice The pool manager mints from a token's pool allowance to an actor; one call in eight (and every call
    /// when nothing is allowed) asks for more than the allowance, which must be refused.
    function poolMint(uint256 tokenSeed, uint256 toSeed, uint256 amount, uint256 mode) external step {
        mode = _mix(mode);
        uint256 i = tokenSeed % _TOKENS;
        uint256 allowance = shop.poolAllowance(i);
        bytes memory expected;
        if (allowance == 0 || mode % 8 == 0) {
            amount = allowance + 1;
            expected = abi.encodeWithSelector(IShopBase.ShopPoolAllowanceExceeded.selector, i, allowance, amount);
        } else {
            amount = bound(amount, 1, allowance);
        }
        vm.prank(poolManager);
        (bool ok, bytes memory reason) = address(shop).call(
            abi.encodeCall(IShopAdmin.mintFromPool, (i, _actors[toSeed % _actors.length], amount, bytes32("pool")))
        );
        if (!_judge(ok, reason, expected)) return;
        if (expected.length != 0) ++_violations.overreaches;
        else {
            _ghost.pool[i] += amount;
            ++_coverage.poolMints;
        }
    }

    /// @notice A holder claims its dividends of one token (the rejecting customer to the sink).
    function claim(uint256 holderSeed, uint256 tokenSeed) external step {
        address holder = _actors[holderSeed % _actors.length];
        uint256 i = tokenSeed % _TOKENS;
        uint256 claimable = _tokens[i].claimable(holder);
        if (claimable == 0) return;
        vm.prank(holder);
        (bool ok, bytes memory result) = address(_tokens[i]).call(
            holder == rejecter
                ? abi.encodeCall(IDividendToken.claimTo, (sink))
                : abi.encodeCall(IDividendToken.claim, ())
        );
        if (!_judge(ok, result, "")) return;
        if (abi.decode(result, (uint256)) != claimable) ++_violations.unexpectedOutcomes;
        _ghost.claimed[i] += claimable;
        ++_coverage.claims;
    }

    /// @notice A holder of transferable tokens (the first actor from `fromSeed` that has some) transfers all of them
    /// (one call in two) or 1 % to 100 % to another actor, so that a refund may find them gone; one call in eight
    /// tries the non-transferable token, which must be refused.
    function transfer(uint256 fromSeed, uint256 toSeed, uint256 amount, uint256 mode) external step {
        mode = _mix(mode);
        uint256 i = mode % 8 == 0 ? 1 : 0;
        uint256 count = _actors.length;
        address from;
        uint256 balance;
        for (uint256 k; k < count && balance == 0; ++k) {
            from = _actors[(fromSeed + k) % count];
            balance = _tokens[i].balanceOf(from);
        }
        if (balance == 0) return;
        address to = _otherThan(from, address(0), toSeed);
        vm.prank(from);
        (bool ok, bytes memory reason) = address(_tokens[i]).call(
            abi.encodeCall(
                DividendToken.transfer,
                (to, (mode >> 8) % 2 == 0 ? balance : (balance * (1 + (amount % 100))) / 100)
            )
        );
        if (i == 1) {
            _judge(ok, reason, abi.encodeWithSelector(IDividendToken.DividendTokenNonTransferable.selector));
        } else if (_judge(ok, reason, "")) {
            ++_coverage.transfers;
        }
    }

    /// @notice Time passes: an hour to three days, so that return windows, expiries and refund deadlines pass. One
    /// call in six the admin first sets the return window (1 to 3 days: a longer one applies at once, a shorter one
    /// after notice); new payments and captures take the window in force.
    function warp(uint256 seconds_, uint256 window) external step {
        if (window % 6 == 0) {
            vm.prank(admin);
            (bool ok, bytes memory reason) = address(shop).call(
                abi.encodeCall(IShopPayments.setReturnWindow, (bound(window >> 8, 1 days, 3 days)))
            );
            _judge(ok, reason, "");
        }
        _time += bound(seconds_, 1 hours, 3 days);
        vm.warp(_time);
    }

    // ---------------------------------------------------------------- views for the invariant test

    /// @notice The ghost totals.
    function ghost() external view returns (Ghost memory) {
        return _ghost;
    }

    /// @notice The violation counters and flags.
    function violations() external view returns (Violations memory) {
        return _violations;
    }

    /// @notice How often the interesting branches ran.
    function coverage() external view returns (Coverage memory) {
        return _coverage;
    }

    /// @notice Every actor (every account that can hold tokens or be owed returns).
    function actors() external view returns (address[] memory) {
        return _actors;
    }

    /// @notice Wei of returns the books say are owed to `customer`.
    function owed(address customer) external view returns (uint256) {
        return _owed[customer];
    }

    /// @notice Keys (order hash, customer) ever paid for.
    function keyCount() external view returns (uint256) {
        return _keys.length;
    }

    /// @notice What `payment` must return for the `k`-th key, by the books (its latest payment).
    function expectedPayment(
        uint256 k
    ) external view returns (bytes32 orderHash, address customer, uint256 status, uint256 amount) {
        Pay storage p = _pays[_latest[_keys[k]] - 1];
        orderHash = p.terms.orderHash;
        customer = p.terms.customer;
        if (p.state == CAPTURED) return (orderHash, customer, p.state, uint256(p.captured) - p.refunded);
        if (_isLive(p.state)) return (orderHash, customer, p.state, p.terms.amount);
    }

    /// @notice Payments in the books (captured or not).
    function payCount() external view returns (uint256) {
        return _pays.length;
    }

    /// @notice The `k`-th payment's capture as the books see it (`captured` 0 if never captured): what it minted of
    /// token `i`, was refunded, and asked back so far (packed like `minted`).
    function captureOf(
        uint256 k,
        uint256 i
    ) external view returns (uint256 captured, uint256 refunded, uint256 minted, uint256 back) {
        Pay storage p = _pays[k];
        if (p.state != CAPTURED) return (0, 0, 0, 0);
        return (p.captured, p.refunded, p.minted[i], p.back[i]);
    }

    // ---------------------------------------------------------------- internal: captures

    /// @dev One capture step (`kind` 0: operator capture, 1: confirm, 2: auto-capture) of payment `idx`; predicts
    /// its outcome, and books it if it succeeded as predicted, or records the violation if it should have failed.
    function _captureStep(uint256 idx, bytes memory data, address caller, uint256 amount, uint256 kind) private {
        Pay storage p = _pays[idx];
        bytes memory expected = _captureError(p, caller, amount, kind);
        if (expected.length == 0) {
            if (_captureAndBook(idx, caller, data, amount, p.terms.amount, false)) {
                ++_coverage.captures[kind];
                if (amount < p.terms.amount) ++_coverage.partialCaptures;
                _ghost.held -= p.terms.amount;
                _drop(_live, idx);
            }
            return;
        }
        vm.prank(caller);
        (bool ok, bytes memory reason) = address(shop).call(data);
        if (!_judge(ok, reason, expected)) {
            if (!_isLive(p.state) || block.timestamp >= p.terms.expiry) ++_coverage.deadCapturesRefused;
            return;
        }
        if (p.state == CAPTURED) ++_violations.doubleCaptures;
        else if (!_isLive(p.state) || block.timestamp >= p.terms.expiry) ++_violations.capturesAfterEnd;
        else ++_violations.overreaches;
    }

    /// @dev The revert data a capture step must end with (empty: it must succeed), in the order the shop checks.
    function _captureError(
        Pay storage p,
        address caller,
        uint256 amount,
        uint256 kind
    ) private view returns (bytes memory) {
        IShopBase.Payment memory t = p.terms;
        if (kind == 0) {
            if (caller != operator) return _unauthorized(caller, _operatorRole);
            if (amount == 0 || amount > t.amount) {
                return abi.encodeWithSelector(IShopBase.ShopInvalidCaptureAmount.selector, amount, t.amount);
            }
        } else if (kind == 1) {
            if (caller != t.customer) {
                return abi.encodeWithSelector(IShopBase.ShopNotPaymentCustomer.selector, caller, t.customer);
            }
        } else if (block.timestamp < t.autoCaptureAt) {
            return abi.encodeWithSelector(IShopBase.ShopAutoCaptureNotDue.selector, t.autoCaptureAt, block.timestamp);
        }
        if (!_isLive(p.state)) {
            return abi.encodeWithSelector(IShopBase.ShopPaymentNotHeld.selector, t.orderHash, t.customer);
        }
        if (block.timestamp >= t.expiry) {
            return abi.encodeWithSelector(IShopBase.ShopPaymentExpired.selector, t.expiry, block.timestamp);
        }
        if (kind == 2 && p.state == RETURN_REQUESTED) {
            return abi.encodeWithSelector(IShopBase.ShopReturnRequested.selector, t.orderHash, t.customer);
        }
        return "";
    }

    /// @dev Makes a call that must count payment `idx` as captured (`amount` of its `paid` wei; the rest goes back),
    /// then books it from `PaymentCaptured` and checks what it minted against the balances it changed, the referrer
    /// it bound, and the return.
    function _captureAndBook(
        uint256 idx,
        address caller,
        bytes memory data,
        uint256 amount,
        uint256 paid,
        bool isCharge
    ) private returns (bool) {
        Pay storage p = _pays[idx];
        Before memory before = _beforeCapture(p.terms);
        if (isCharge) {
            vm.deal(p.terms.customer, before.coin + amount);
            before.coin += amount;
        }
        vm.recordLogs();
        vm.prank(caller);
        (bool ok, bytes memory reason) = address(shop).call{value: isCharge ? amount : 0}(data);
        Vm.Log[] memory logs = vm.getRecordedLogs();
        if (!_judge(ok, reason, "")) return false;
        _bookCapture(idx, amount, paid, before, logs);
        return true;
    }

    /// @dev Books a capture of `amount` wei of payment `idx` (of `paid` wei) that succeeded, from its logs.
    function _bookCapture(
        uint256 idx,
        uint256 amount,
        uint256 paid,
        Before memory before,
        Vm.Log[] memory logs
    ) private {
        Pay storage p = _pays[idx];
        (uint256 refundDeadline, uint256[] memory minted) = _capturedEvent(logs);
        p.state = CAPTURED;
        p.captured = uint96(amount);
        p.refundDeadline = uint40(refundDeadline);
        p.referrer = before.referrer;
        _ghost.captured += amount;
        _bookReturn(p.terms.customer, paid - amount, before);
        _checkMinted(p, minted, before);
        _refundable.push(idx);
        uint256 day = shop.today();
        if (!_dayKnown[day]) {
            _dayKnown[day] = true;
            _days.push(day);
        }
    }

    /// @dev The customer's coin, returns owed, referrer after the capture (its bound one, else the one the terms
    /// name) and both their token balances, before a capture of `t`.
    function _beforeCapture(IShopBase.Payment memory t) private view returns (Before memory before) {
        before = _before(t.customer);
        (address bound, bool known) = shop.customerOf(t.customer);
        before.referrer = known ? bound : t.referrer;
        before.balances = _balancesOf(t.customer, before.referrer);
    }

    /// @dev Books what a capture of `p` minted (`minted`, from its event) and checks it against the balances it
    /// changed and the referrer it bound.
    function _checkMinted(Pay storage p, uint256[] memory minted, Before memory before) private {
        address referrer = before.referrer;
        (address boundAfter, ) = shop.customerOf(p.terms.customer);
        if (boundAfter != referrer || minted.length != _TOKENS) ++_violations.mintMismatches;
        uint256[4] memory afterwards = _balancesOf(p.terms.customer, referrer);
        for (uint256 i; i < _TOKENS && i < minted.length; ++i) {
            p.minted[i] = minted[i];
            uint256 c = minted[i] & _MASK_96;
            uint256 r = minted[i] >> 96;
            _ghost.minted[i] += c + r;
            if (afterwards[2 * i] - before.balances[2 * i] != c) ++_violations.mintMismatches;
            if (referrer == address(0) ? r != 0 : afterwards[2 * i + 1] - before.balances[2 * i + 1] != r) {
                ++_violations.mintMismatches;
            }
        }
    }

    /// @dev The customer's coin and returns owed before a step.
    function _before(address customer) private view returns (Before memory before) {
        before.coin = customer.balance;
        before.owed = shop.returnsOwed(customer);
    }

    /// @dev The refund deadline and the minted amounts of the `PaymentCaptured` among `logs`.
    function _capturedEvent(Vm.Log[] memory logs) private returns (uint256 refundDeadline, uint256[] memory minted) {
        for (uint256 k; k < logs.length; ++k) {
            if (logs[k].emitter != address(shop) || logs[k].topics[0] != IShopBase.PaymentCaptured.selector) continue;
            (, , refundDeadline, minted) = abi.decode(
                logs[k].data,
                (IShopBase.CaptureKind, uint256, uint256, uint256[])
            );
            return (refundDeadline, minted);
        }
        ++_violations.mintMismatches;
    }

    // ---------------------------------------------------------------- internal: returns and refunds

    /// @dev A void or a reclaim of payment `idx`: predicted `expected`; if it succeeds as predicted, the payment
    /// leaves the books' held total and must come back to the customer to the wei.
    function _release(uint256 idx, bytes memory data, address caller, bytes memory expected, uint8 state) private {
        Pay storage p = _pays[idx];
        address customer = p.terms.customer;
        Before memory before = _before(customer);
        vm.prank(caller);
        (bool ok, bytes memory reason) = address(shop).call(data);
        if (!_judge(ok, reason, expected)) return;
        if (expected.length != 0) {
            if (caller != operator && caller != customer) ++_violations.overreaches;
            else ++_violations.deadPaymentsMoved;
            return;
        }
        p.state = state;
        if (state == VOIDED) ++_coverage.voids;
        else ++_coverage.reclaims;
        _ghost.held -= p.terms.amount;
        _bookReturn(customer, p.terms.amount, before);
        _drop(_live, idx);
    }

    /// @dev The revert data a refund of `amount` by `caller` must end with (empty: it must succeed).
    function _refundError(
        Pay storage p,
        address caller,
        uint256 amount,
        uint256 refundable
    ) private view returns (bytes memory) {
        if (caller != operator) return _unauthorized(caller, _operatorRole);
        if (p.state != CAPTURED) {
            return
                abi.encodeWithSelector(IShopBase.ShopPaymentNotCaptured.selector, p.terms.orderHash, p.terms.customer);
        }
        if (block.timestamp > p.refundDeadline) {
            return
                abi.encodeWithSelector(IShopBase.ShopRefundDeadlinePassed.selector, p.refundDeadline, block.timestamp);
        }
        if (amount == 0 || amount > refundable) {
            return abi.encodeWithSelector(IShopBase.ShopInvalidRefundAmount.selector, amount, refundable);
        }
        uint256 balance = shop.merchantBalance();
        if (amount > balance)
            return abi.encodeWithSelector(IShopBase.ShopInsufficientBalance.selector, balance, amount);
        return "";
    }

    /// @dev A refund that must succeed: books it from `PaymentRefunded`, checks its take-back against the floor
    /// formula and the balances, and every claimable before and after.
    function _refundAndBook(uint256 idx, IShopBase.Capture memory c, uint256 amount) private {
        Pay storage p = _pays[idx];
        uint256[] memory claimables = _claimables();
        Before memory before = _before(c.customer);
        before.referrer = p.referrer;
        before.balances = _balancesOf(c.customer, p.referrer);
        vm.recordLogs();
        vm.prank(operator);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopPayments.refund, (c, amount)));
        Vm.Log[] memory logs = vm.getRecordedLogs();
        if (!_judge(ok, reason, "")) return;
        uint256 refundedBefore = p.refunded;
        p.refunded += uint96(amount);
        _ghost.refunded += amount;
        _ghost.refundedOwed += _returned(c.customer, amount, before);
        (uint256 refundable, uint256[] memory clawed, uint256[] memory unrecovered) = _refundedEvent(logs);
        if (refundable != uint256(p.captured) - p.refunded) ++_violations.clawBackMismatches;
        _checkTakeBack(p, refundedBefore, clawed, unrecovered, before);
        uint256[] memory claimablesAfter = _claimables();
        for (uint256 k; k < claimables.length; ++k) {
            if (claimablesAfter[k] < claimables[k]) _violations.claimableFellOnRefund = true;
        }
        ++_coverage.refunds;
        if (p.refunded == p.captured) {
            ++_coverage.fullRefunds;
            _drop(_refundable, idx);
        }
    }

    /// @dev Books a refund's take-back (`clawed` and `unrecovered`, from its event) and checks it against the floor
    /// formula (from `refundedBefore` to `p.refunded` wei refunded) and the balances it lowered.
    function _checkTakeBack(
        Pay storage p,
        uint256 refundedBefore,
        uint256[] memory clawed,
        uint256[] memory unrecovered,
        Before memory before
    ) private {
        uint256[4] memory afterwards = _balancesOf(p.terms.customer, p.referrer);
        for (uint256 i; i < _TOKENS; ++i) {
            (uint256 dueC, uint256 dueR) = _share(p.minted[i], p.captured, refundedBefore, p.refunded);
            p.back[i] += dueC | (dueR << 96);
            _ghost.due[i] += dueC + dueR;
            uint256 takenC = clawed[i] & _MASK_96;
            uint256 takenR = clawed[i] >> 96;
            uint256 lostC = unrecovered[i] & _MASK_96;
            uint256 lostR = unrecovered[i] >> 96;
            _ghost.taken[i] += takenC + takenR;
            _ghost.unrecovered[i] += lostC + lostR;
            if (lostC + lostR != 0) ++_coverage.unrecoveredRefunds;
            if (takenC + lostC != dueC || takenR + lostR != dueR) ++_violations.clawBackMismatches;
            if (before.balances[2 * i] - afterwards[2 * i] != takenC) ++_violations.clawBackMismatches;
            if (p.referrer != address(0) && before.balances[2 * i + 1] - afterwards[2 * i + 1] != takenR) {
                ++_violations.clawBackMismatches;
            }
        }
    }

    /// @dev `amount`, `refundable`, `clawedBack` and `unrecovered` of the `PaymentRefunded` among `logs`.
    function _refundedEvent(
        Vm.Log[] memory logs
    ) private returns (uint256 refundable, uint256[] memory clawed, uint256[] memory unrecovered) {
        for (uint256 k; k < logs.length; ++k) {
            if (logs[k].emitter != address(shop) || logs[k].topics[0] != IShopBase.PaymentRefunded.selector) continue;
            (, refundable, clawed, unrecovered) = abi.decode(logs[k].data, (uint256, uint256, uint256[], uint256[]));
            if (clawed.length == _TOKENS && unrecovered.length == _TOKENS) return (refundable, clawed, unrecovered);
        }
        ++_violations.clawBackMismatches;
        return (refundable, new uint256[](_TOKENS), new uint256[](_TOKENS));
    }

    /// @dev What moving a capture's refunded total from `before` to `after_` asks back of one token's `made`.
    function _share(
        uint256 made,
        uint256 captured_,
        uint256 before,
        uint256 after_
    ) private pure returns (uint256 fromCustomer, uint256 fromReferrer) {
        uint256 consumption = made & _MASK_96;
        uint256 promotion = made >> 96;
        fromCustomer = (consumption * after_) / captured_ - (consumption * before) / captured_;
        fromReferrer = (promotion * after_) / captured_ - (promotion * before) / captured_;
    }

    /// @dev Books `amount` wei returned to `customer` by the last call as a release of a held payment: pushed to it,
    /// or (the rejecting customer) owed to it, to the wei.
    function _bookReturn(address customer, uint256 amount, Before memory before) private {
        if (amount == 0) return;
        uint256 owedNow = _returned(customer, amount, before);
        _ghost.released += amount;
        _ghost.releasedOwed += owedNow;
    }

    /// @dev Checks that `amount` wei went back to `customer` in the last call, pushed or (the rejecting customer
    /// only) owed, and books what is owed; returns that.
    function _returned(address customer, uint256 amount, Before memory before) private returns (uint256 owedNow) {
        uint256 pushed = customer.balance - before.coin;
        owedNow = shop.returnsOwed(customer) - before.owed;
        if (pushed + owedNow != amount || (customer == rejecter ? pushed : owedNow) != 0) {
            ++_violations.returnMismatches;
        }
        _owed[customer] += owedNow;
        if (owedNow != 0) ++_coverage.returnsOwed;
    }

    // ---------------------------------------------------------------- internal: helpers

    /// @dev Compares a call's outcome with the prediction (`expected` empty: success); counts a mismatch. Returns
    /// whether the call succeeded.
    function _judge(bool ok, bytes memory reason, bytes memory expected) private returns (bool) {
        if (expected.length == 0 ? !ok : ok || keccak256(reason) != keccak256(expected)) {
            ++_violations.unexpectedOutcomes;
        } else if (!ok) {
            ++_coverage.refusedAsPredicted;
        }
        return ok;
    }

    /// @dev Spreads a fuzzed `mode` over all its bits: the fuzzer favours small values, whose high bits are zero.
    function _mix(uint256 mode) private pure returns (uint256) {
        return uint256(keccak256(abi.encode(mode)));
    }

    /// @dev A payment to act on: three calls in four a held one, else any (if none is held, any).
    function _pick(uint256 seed, uint256 mode) private view returns (bool found, uint256 idx) {
        if (mode % 4 != 0 && _live.length != 0) return (true, _live[seed % _live.length]);
        if (_pays.length == 0) return (false, 0);
        idx = seed % _pays.length;
        Pay storage p = _pays[idx];
        // A payment voided or reclaimed whose order was authorized again: its terms may be those of the new one.
        uint256 latest = _latest[_key(p.terms.orderHash, p.terms.customer)] - 1;
        if (latest != idx && _isLive(_pays[latest].state)) return (false, 0);
        return (true, idx);
    }

    /// @dev Like `_pick`, but a held payment it picks is, if any is, one due: expired (`byExpiry`), or past its return
    /// window, before its expiry and with no return requested. If none is, one call in two waits until the one it
    /// picks is due (its expiry, or the end of its return window).
    function _pickDue(uint256 seed, uint256 mode, bool byExpiry) private returns (bool found, uint256 idx) {
        uint256 length = _live.length;
        if (mode % 4 == 0 || length == 0) return _pick(seed, mode);
        for (uint256 k; k < length; ++k) {
            idx = _live[(seed + k) % length];
            Pay storage p = _pays[idx];
            bool due =
                byExpiry
                    ? block.timestamp >= p.terms.expiry
                    : p.state == HELD && block.timestamp >= p.terms.autoCaptureAt && block.timestamp < p.terms.expiry;
            if (due) return (true, idx);
        }
        idx = _live[seed % length];
        uint256 dueAt = byExpiry ? _pays[idx].terms.expiry : _pays[idx].terms.autoCaptureAt;
        if ((mode >> 48) % 2 == 0 && dueAt > _time) {
            _time = dueAt;
            vm.warp(_time);
        }
        return (true, idx);
    }

    /// @dev Adds a payment to the books and returns its index.
    function _newPay(IShopBase.Payment memory terms, uint8 state) private returns (uint256 idx) {
        idx = _pays.length;
        Pay storage p = _pays.push();
        p.terms = terms;
        p.state = state;
        bytes32 key = _key(terms.orderHash, terms.customer);
        if (_latest[key] == 0) _keys.push(key);
        _latest[key] = idx + 1;
    }

    /// @dev The `Capture` terms of payment `p` as its capture reported them.
    function _captureOf(Pay storage p) private view returns (IShopBase.Capture memory c) {
        c.orderHash = p.terms.orderHash;
        c.customer = p.terms.customer;
        c.amount = p.captured;
        c.refundDeadline = p.refundDeadline;
        c.minted = new uint256[](_TOKENS);
        for (uint256 i; i < _TOKENS; ++i) c.minted[i] = p.minted[i];
    }

    /// @dev Token balances of `customer` and `referrer` (0 for none), per token: [c0, r0, c1, r1].
    function _balancesOf(address customer, address referrer) private view returns (uint256[4] memory b) {
        for (uint256 i; i < _TOKENS; ++i) {
            b[2 * i] = _tokens[i].balanceOf(customer);
            if (referrer != address(0)) b[2 * i + 1] = _tokens[i].balanceOf(referrer);
        }
    }

    /// @dev Every actor's claimable dividends of every token.
    function _claimables() private view returns (uint256[] memory list) {
        list = new uint256[](_actors.length * _TOKENS);
        for (uint256 a; a < _actors.length; ++a) {
            for (uint256 i; i < _TOKENS; ++i) list[a * _TOKENS + i] = _tokens[i].claimable(_actors[a]);
        }
    }

    /// @dev 1 to 10,000 wei one call in eight (rounding), else 0.001 to 5 coin.
    function _amount(uint256 amount, uint256 mode) private pure returns (uint256) {
        return mode % 8 == 0 ? bound(amount, 1, 10_000) : bound(amount, 1e15, _MAX_AMOUNT);
    }

    /// @dev A referrer for `customer`: none one time in four, else another actor.
    function _referrer(address customer, uint256 seed) private view returns (address) {
        if (seed % 4 == 0) return address(0);
        return _otherThan(customer, address(0), seed >> 8);
    }

    /// @dev An actor that is neither `a` nor `b`.
    function _otherThan(address a, address b, uint256 seed) private view returns (address other) {
        uint256 count = _actors.length;
        for (uint256 k; k < count; ++k) {
            other = _actors[(seed + k) % count];
            if (other != a && other != b) return other;
        }
    }

    /// @dev An account without the operator role: the admin, the pool manager or a keeper.
    function _rogue(uint256 seed) private view returns (address) {
        uint256 r = seed % 3;
        return
            r == 0
                ? admin
                : r == 1
                    ? poolManager
                    : keeper;
    }

    function _unauthorized(address caller, bytes32 role) private pure returns (bytes memory) {
        return abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, caller, role);
    }

    function _isLive(uint8 state) private pure returns (bool) {
        return state == HELD || state == RETURN_REQUESTED;
    }

    function _key(bytes32 orderHash, address customer) private pure returns (bytes32) {
        return keccak256(abi.encode(orderHash, customer));
    }

    /// @dev Removes `idx` from `list` (swap and pop), if it is there.
    function _drop(uint256[] storage list, uint256 idx) private {
        uint256 length = list.length;
        for (uint256 k; k < length; ++k) {
            if (list[k] != idx) continue;
            list[k] = list[length - 1];
            list.pop();
            return;
        }
    }
}
