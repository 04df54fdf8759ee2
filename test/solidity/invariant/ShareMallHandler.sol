// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Base} from "../utils/Vm.sol";
import {OrderModel} from "../utils/OrderModel.sol";
import {GasBurningRecipient, RejectingRecipient} from "../utils/Recipients.sol";
import {DividendToken} from "../../../contracts/payouts/DividendToken.sol";
import {ShareMallFactory} from "../../../contracts/factory/ShareMallFactory.sol";
import {IShop} from "../../../contracts/interfaces/IShop.sol";
import {IShopOrders} from "../../../contracts/interfaces/IShopOrders.sol";
import {IShopAdmin} from "../../../contracts/interfaces/IShopAdmin.sol";
import {IShopBase} from "../../../contracts/interfaces/IShopBase.sol";
import {IDividendToken} from "../../../contracts/interfaces/IDividendToken.sol";
import {IShareMallFactory} from "../../../contracts/interfaces/IShareMallFactory.sol";

/* solhint-disable max-states-count */

/// @title ShareMallHandler
/// @notice The only target of the invariant campaign. Each public function is one step a real participant could take
/// (operator records orders, customers check out, the pool manager mints, holders transfer and claim, keepers settle,
/// the merchant deposits and withdraws, the admin changes rules, time passes, roles try what they may not), with
/// fuzzed but valid-looking inputs; invalid steps are attempted on purpose, and every step's outcome is predicted
/// from the handler's own model of the rules (success, or the exact revert data). The model covers order ids (a used
/// id reverts a single order and is skipped in a batch), checkouts keyed by (hash, customer), referrer bindings
/// (a mismatch on a recorded order yields to the bound referrer, a checkout reverts), each token's per-day rate
/// (fixed at the day's first order, raised by a raise at once), the day ledger (escrow released whatever the day owes,
/// the debt paid all or nothing, later once funded), minting by the rules under the cap, the pool allowance's
/// checkpoints and the merchant balance. It keeps ghost totals built only from that model, and flags any step that
/// made a holder's claimable fall, a token's coin fall, or a bad recipient hurt anyone but itself. The invariant test
/// compares the chain with the model and reads the flags.
/// @dev Holders are the fixed `actors`: five accounts without code, a recipient that rejects the coin and one that
/// burns all the gas it is given. Every token ever minted goes to an actor, so sums over actors are sums over holders.
/// Once per run, after its first half, the operator may record one order of 2^96 - 1 wei on a day with checkout
/// escrow (`recordHugeOrder`): the largest debt a day can be left with (once only, so that no holder's unclaimed
/// dividends can reach the 2^96 wei exactness limit of the token accounting).
contract ShareMallHandler is Base {
    /// @notice Per-token ghost totals.
    /// @param distributed Wei handed to the token by settlements (released escrow plus paid debt).
    /// @param claimed Wei paid out by successful claims.
    /// @param inflow Wei sent into the token: checkout escrow plus the debt settlements paid from the merchant balance.
    /// @param escrowPending Checkout escrow not released yet.
    /// @param ruleMinted Token-wei minted by orders, per the handler's model of the rules and the cap.
    /// @param poolMinted Token-wei minted from the pool.
    /// @param poolBase The pool checkpoint's base: the allowance at the last change of the pool ratio, less what the
    /// pool minted since (it may go negative).
    /// @param poolMark The supply at the last change of the pool ratio, plus what the pool minted since.
    /// @param poolMints Pool mints so far.
    /// @param ratioChanged Whether the pool ratio ever changed.
    /// @param dustBound Sum over distributions of (holders with a balance + 1): the most rounding may lose.
    struct TokenGhost {
        uint256 distributed;
        uint256 claimed;
        uint256 inflow;
        uint256 escrowPending;
        uint256 ruleMinted;
        uint256 poolMinted;
        int256 poolBase;
        uint256 poolMark;
        uint256 poolMints;
        bool ratioChanged;
        uint256 dustBound;
    }

    /// @notice Flags and counters of things that must never happen (all must stay zero / false).
    struct Violations {
        uint256 duplicateOrdersAccepted;
        uint256 invalidReferralsAccepted;
        uint256 validStepsRefused;
        uint256 invalidSettlementsAccepted;
        uint256 settlementMismatches;
        uint256 capBreaches;
        uint256 rogueSuccesses;
        uint256 claimMismatches;
        uint256 noticeRuleBreaches;
        bool claimableFell;
        bool transferMovedClaimable;
        bool tokenCoinFell;
        bool badRecipientChangedClaimable;
        bool otherHolderBlocked;
    }

    /// @notice A checkout as the shop keys it: its hash for its customer.
    struct OrderKey {
        bytes32 orderHash;
        address customer;
    }

    /// @notice How often the interesting branches ran (for the campaign summary; not asserted per run).
    struct Coverage {
        uint256 orders;
        uint256 batches;
        uint256 checkouts;
        uint256 poolMints;
        uint256 transfers;
        uint256 settlements;
        uint256 shortfalls;
        uint256 debtsPaidLater;
        uint256 claims;
        uint256 failedBadRecipientClaims;
        uint256 usedIdsRefused;
        uint256 usedIdsSkipped;
        uint256 referrerMismatches;
        uint256 duplicateCheckoutsRefused;
        uint256 countedForAnotherCustomer;
        uint256 overreachesRefused;
        uint256 rulesChangedAtOnce;
        uint256 dayRatesRaised;
        uint256 rulesScheduled;
        uint256 invalidRulesRefused;
        uint256 withdrawnInFull;
        uint256 hugeOrders;
    }

    /// @dev Every holder's claimable, every token's coin and the ghost claims, before a step.
    struct Snapshot {
        uint256[2][] claimable;
        uint256[2] coin;
        uint256[2] claimed;
    }

    /// @dev A settlement attempt as the model sees it.
    struct SettlePlan {
        uint256 day;
        uint256[2] release;
        uint256[2] debt;
        uint256 releaseTotal;
        uint256 debtTotal;
        bool anySettled;
        uint256 balance;
        uint256 value;
        uint256[2] holders;
    }

    /// @dev One token's day in the model.
    struct TokenDayModel {
        uint256 dividendBps;
        uint256 escrowed;
        bool escrowReleased;
        bool settled;
    }

    uint256 private constant _TOKENS = 2;
    uint256 private constant _ONE = 1e18;
    uint256 private constant _BPS = 10_000;
    /// @dev Gas given to single claims: a gas-burning recipient gets 63/64 of it and the token keeps enough to revert.
    uint256 private constant _CLAIM_GAS = 1_000_000;
    uint256 private constant _MAX_ORDER = 5 ether;
    uint256 private constant _HUGE_ORDER = type(uint96).max;
    /// @dev The huge order comes only in the second half of a run (depth 64), so the first half explores minting.
    uint256 private constant _HUGE_AFTER_STEP = 32;

    IShop public shop;
    ShareMallFactory public factory;
    address public admin;
    address public operator;
    address public poolManager;
    /// @dev The account that deployed the factory (the platform): it has no role in any shop.
    address public platform;
    address public rejecter;
    address public burner;
    /// @dev A claim recipient that accepts the coin and never holds tokens.
    address public sink;

    DividendToken[_TOKENS] internal _tokens;
    // Model of the rules: in force, pending, and when the pending change falls due (0: none).
    IShopBase.TokenRules[_TOKENS] internal _rules;
    IShopBase.TokenRules[_TOKENS] internal _pending;
    uint256[_TOKENS] internal _pendingAt;
    uint256[_TOKENS] internal _notice;
    address[] internal _actors;

    // Model of customers and referrals.
    mapping(address customer => bool) internal _known;
    mapping(address customer => address) internal _referrerOf;
    mapping(uint256 tokenIndex => mapping(address referrer => uint256)) internal _qualified;

    // Model of the day ledger: both tokens exist from the start, so they count the same revenue.
    uint256[] internal _revenueDays;
    mapping(uint256 day => uint256) internal _orderCount;
    mapping(uint256 day => uint256) internal _revenue;
    mapping(uint256 day => TokenDayModel[_TOKENS]) internal _tokenDays;

    // Order ids of the operator path: used, and refused (never to count since).
    uint64 internal _nextId;
    mapping(uint256 orderId => bool) internal _idUsed;
    uint64[] internal _usedIds;
    uint64[] internal _refusedIds;
    // Checkouts counted, and refused (never to count since); order hashes used on any path.
    mapping(bytes32 checkoutKey => bool) internal _checkoutCounted;
    mapping(bytes32 orderHash => uint256) internal _checkoutCustomers;
    OrderKey[] internal _checkouts;
    OrderKey[] internal _refusedCheckouts;
    bytes32[] internal _hashes;
    uint256 internal _nonce;

    uint256 internal _merchantBalance;
    bool internal _hugeDone;

    TokenGhost[_TOKENS] internal _ghost;
    Violations internal _violations;
    Coverage internal _coverage;

    uint256 internal _time;
    /// @dev Id of the current step; a claim stamps (holder, token) with it so the step check allows that decrease.
    uint256 internal _step;
    mapping(address holder => mapping(uint256 tokenIndex => uint256 step)) internal _claimedAt;
    /// @dev Each actor's payout opt-out flag per token, as last set (a balance change must never touch it).
    mapping(address holder => mapping(uint256 tokenIndex => bool)) internal _optedOut;

    constructor(IShop shop_, address admin_, address operator_, address poolManager_, address platform_) {
        shop = shop_;
        factory = ShareMallFactory(shop_.factory());
        admin = admin_;
        operator = operator_;
        poolManager = poolManager_;
        platform = platform_;
        address[] memory tokenList = shop_.tokens();
        for (uint256 i; i < _TOKENS; ++i) {
            _tokens[i] = DividendToken(tokenList[i]);
            _rules[i] = shop_.currentRules(i);
            _notice[i] = shop_.tokenConfig(i).noticePeriod;
        }
        for (uint256 k; k < 5; ++k) {
            _actors.push(address(uint160(uint256(keccak256(abi.encode("sharemall.invariant.customer", k))))));
        }
        rejecter = address(new RejectingRecipient());
        burner = address(new GasBurningRecipient());
        sink = address(uint160(uint256(keccak256("sharemall.invariant.sink"))));
        _actors.push(rejecter);
        _actors.push(burner);
        _time = block.timestamp;
        // Ids start just below a bitmap word boundary, so batches soon span two words.
        _nextId = 250;
    }

    // ---------------------------------------------------------------- step bookkeeping

    /// @dev Wraps every step: restores the handler's clock, applies due rule changes to the model, snapshots every
    /// holder's claimable and every token's coin, and afterwards flags a claimable that fell without its holder
    /// claiming, any claimable a transfer changed, and token coin that fell by more than the claims paid.
    modifier step(bool isTransfer) {
        vm.warp(_time);
        ++_step;
        // A due change applies before anything mints; nothing mints between its due time and this step.
        for (uint256 i; i < _TOKENS; ++i) _syncRules(i);
        Snapshot memory snapshot = _snapshot();
        _;
        _checkAgainst(snapshot, isTransfer);
    }

    // ---------------------------------------------------------------- orders

    /// @notice The operator records one order. One call in eight reuses a used order id (which must revert
    /// `ShopOrderIdUsed`), one in eight names a referrer other than the customer's own (a self-referral must revert,
    /// another referrer than the bound one counts with the bound one), one in eight reuses an order hash under a
    /// fresh id (another order: it counts), one in sixteen uses order id 0.
    function recordOrder(
        uint256 customerSeed,
        uint256 referrerSeed,
        uint256 amount,
        uint256 mode
    ) external step(false) {
        address customer = _actor(customerSeed);
        amount = bound(amount, 1, _MAX_ORDER);
        uint256 m = mode % 16;
        address referrer = _validReferrer(customer, referrerSeed);
        bytes32 orderHash = _freshHash();
        uint64 orderId = _newId();
        if (m < 2 && _usedIds.length != 0) {
            orderId = _usedIds[(mode >> 8) % _usedIds.length];
        } else if (m < 4) {
            referrer = _anyReferrer(customer, referrerSeed);
        } else if (m < 6 && _hashes.length != 0) {
            orderHash = _hashes[(mode >> 8) % _hashes.length];
        } else if (m == 6) {
            orderId = 0;
        }
        _recordOne(IShopBase.Order(orderId, orderHash, customer, uint96(amount), referrer));
    }

    /// @notice Once per run, in its second half and on a day with checkout escrow, the operator records an order of
    /// 2^96 - 1 wei: a debt no merchant balance is likely to cover, that must never hold the day's escrow back.
    function recordHugeOrder(uint256 customerSeed) external step(false) {
        uint256 day = shop.today();
        if (_hugeDone || _step < _HUGE_AFTER_STEP) return;
        if (_tokenDays[day][0].escrowed + _tokenDays[day][1].escrowed == 0) return;
        _hugeDone = true;
        address customer = _actor(customerSeed);
        _recordOne(IShopBase.Order(_newId(), _freshHash(), customer, uint96(_HUGE_ORDER), address(0)));
        ++_coverage.hugeOrders;
    }

    /// @notice The operator records a batch of up to five orders. One call in four slips in used ids (counted before,
    /// or earlier in the same batch), which the shop must skip while the rest counts; one in four slips in an
    /// invalid order (order id 0, zero amount, or a referrer naming the customer itself), which reverts the whole
    /// batch unless it is skipped first or is a referrer mismatch that counts. Referrers are anything.
    function recordOrders(uint256 size, uint256 seed, uint256 mode) external step(false) {
        size = bound(size, 1, 5);
        IShopBase.Order[] memory orders = new IShopBase.Order[](size);
        for (uint256 k; k < size; ++k) {
            uint256 e = uint256(keccak256(abi.encode(seed, k)));
            address customer = _actor(e);
            address referrer = e % 5 == 0 ? _anyReferrer(customer, e >> 64) : _validReferrer(customer, e >> 64);
            orders[k] = IShopBase.Order(
                _newId(),
                _freshHash(),
                customer,
                uint96(bound(e >> 128, 1, _MAX_ORDER)),
                referrer
            );
        }
        uint256 m = mode % 4;
        if (m == 0) {
            // Used ids: one counted before, and an earlier one of this batch.
            uint256 at = (mode >> 8) % size;
            if (_usedIds.length != 0) orders[at].orderId = _usedIds[(mode >> 16) % _usedIds.length];
            if (size > 1) orders[size - 1].orderId = orders[(mode >> 24) % (size - 1)].orderId;
        } else if (m == 1) {
            uint256 at = (mode >> 8) % size;
            uint256 kind = (mode >> 16) % 3;
            if (kind == 0) orders[at].orderId = 0;
            else if (kind == 1) orders[at].amount = 0;
            else orders[at].referrer = orders[at].customer;
        }
        (bool[] memory counts, bytes memory expected) = _walkBatch(orders);
        vm.prank(operator);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopOrders.recordOrders, (orders)));
        if (!_judge(ok, reason, expected)) {
            if (!ok) {
                for (uint256 k; k < size; ++k) {
                    if (orders[k].orderId != 0 && !_idUsed[orders[k].orderId]) _refusedIds.push(orders[k].orderId);
                }
            }
            return;
        }
        for (uint256 k; k < size; ++k) {
            IShopBase.Order memory o = orders[k];
            if (!counts[k]) {
                ++_coverage.usedIdsSkipped;
                continue;
            }
            _useId(o.orderId);
            _countOrder(o.orderHash, o.customer, o.amount, o.referrer, false);
        }
        ++_coverage.batches;
    }

    /// @notice A customer pays an order in native coin. One call in eight reuses an order hash (the customer's own
    /// checkout must be refused `ShopOrderAlreadyCounted`; another customer's checkout, or any operator order's hash,
    /// is another order), one in eight names another referrer (a self-referral or a rebinding must revert).
    function checkout(uint256 customerSeed, uint256 referrerSeed, uint256 amount, uint256 mode) external step(false) {
        address customer = _actor(customerSeed);
        amount = bound(amount, 1, _MAX_ORDER);
        bytes32 orderHash = _freshHash();
        address referrer = _validReferrer(customer, referrerSeed);
        uint256 m = mode % 8;
        if (m == 0 && _checkouts.length != 0) {
            OrderKey memory old = _checkouts[(mode >> 8) % _checkouts.length];
            orderHash = old.orderHash;
            if ((mode >> 16) % 2 == 0) customer = old.customer;
            referrer = address(0);
        } else if (m == 1 && _hashes.length != 0) {
            orderHash = _hashes[(mode >> 8) % _hashes.length];
            referrer = address(0);
        } else if (m == 2) {
            referrer = _anyReferrer(customer, referrerSeed);
        }
        bytes memory expected = _checkoutError(orderHash, customer, referrer);
        vm.deal(customer, customer.balance + amount);
        vm.prank(customer);
        (bool ok, bytes memory reason) = address(shop).call{value: amount}(
            abi.encodeCall(IShopOrders.charge, (orderHash, referrer))
        );
        if (!_judge(ok, reason, expected)) {
            if (!ok && !_checkoutCounted[_key(orderHash, customer)]) {
                _refusedCheckouts.push(OrderKey(orderHash, customer));
            }
            if (!ok && bytes4(reason) == IShopBase.ShopOrderAlreadyCounted.selector)
                ++_coverage.duplicateCheckoutsRefused;
            return;
        }
        bytes32 key = _key(orderHash, customer);
        if (_checkoutCounted[key]) ++_violations.duplicateOrdersAccepted;
        if (_checkoutCustomers[orderHash]++ != 0) ++_coverage.countedForAnotherCustomer;
        _checkoutCounted[key] = true;
        _checkouts.push(OrderKey(orderHash, customer));
        _countOrder(orderHash, customer, amount, referrer, true);
        ++_coverage.checkouts;
    }

    // ---------------------------------------------------------------- pool and transfers

    /// @notice The pool manager mints from the pool allowance (refused past the cap: maxSupply, or 2^95 - 1 for an
    /// uncapped token); one call in eight tries to mint more than the allowance.
    function mintFromPool(uint256 tokenSeed, uint256 toSeed, uint256 amount, uint256 mode) external step(false) {
        uint256 i = tokenSeed % _TOKENS;
        uint256 allowance = poolAllowance(i);
        address to = _actor(toSeed);
        if (mode % 8 == 0 || allowance == 0) {
            bytes memory exceeded = abi.encodeWithSelector(
                IShopBase.ShopPoolAllowanceExceeded.selector,
                i,
                allowance,
                allowance + 1
            );
            vm.prank(poolManager);
            (bool refusedOk, bytes memory refusal) = address(shop).call(
                abi.encodeCall(IShopAdmin.mintFromPool, (i, to, allowance + 1, keccak256("beyond allowance")))
            );
            if (refusedOk) ++_violations.rogueSuccesses;
            else if (keccak256(refusal) != keccak256(exceeded)) ++_violations.validStepsRefused;
            else ++_coverage.overreachesRefused;
            return;
        }
        amount = bound(amount, 1, allowance);
        uint256 supplyAfter = _tokens[i].totalSupply() + amount;
        uint256 cap = _capOf(i);
        bytes memory expected =
            supplyAfter > cap
                ? abi.encodeWithSelector(IShopBase.ShopMaxSupplyExceeded.selector, i, cap, supplyAfter)
                : bytes("");
        vm.prank(poolManager);
        (bool ok, bytes memory reason) = address(shop).call(
            abi.encodeCall(IShopAdmin.mintFromPool, (i, to, amount, keccak256(abi.encode("service", _step))))
        );
        if (ok && expected.length != 0) ++_violations.capBreaches;
        if (!_judge(ok, reason, expected)) return;
        TokenGhost storage g = _ghost[i];
        // A pool mint lowers the base and raises the mark by its amount: no rounding is lost.
        g.poolBase -= int256(amount);
        g.poolMinted += amount;
        g.poolMark += amount;
        ++g.poolMints;
        ++_coverage.poolMints;
    }

    /// @notice A holder moves tokens: directly, through an allowance it grants first, or through whatever allowance
    /// the spender has left (maybe too little). Token 0 is transferable; token 1 is not and must refuse with
    /// `DividendTokenNonTransferable` whatever the allowance. No claimable may change either way.
    function transfer(uint256 tokenSeed, uint256 fromSeed, uint256 toSeed, uint256 amount) external step(true) {
        DividendToken token = _tokens[tokenSeed % _TOKENS];
        address from = _actor(fromSeed);
        amount = bound(amount, 0, token.balanceOf(from));
        uint256 how = (toSeed >> 128) % 3;
        uint256 allowed = token.allowance(from, sink);
        (bool ok, bytes memory reason) = _move(token, from, _actor(toSeed), amount, how);
        bytes memory expected;
        if (!token.transferable()) {
            expected = abi.encodeWithSelector(IDividendToken.DividendTokenNonTransferable.selector);
        } else if (how == 2 && amount > allowed) {
            expected = abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, sink, allowed, amount);
        }
        if (ok) {
            if (expected.length != 0) ++_violations.rogueSuccesses;
            else ++_coverage.transfers;
        } else if (keccak256(reason) != keccak256(expected)) {
            ++_violations.validStepsRefused;
        }
    }

    // ---------------------------------------------------------------- funds and settlement

    /// @notice Anyone prepays the merchant balance: by `deposit`, or (one call in two) by sending plain coin.
    function deposit(uint256 amount, bool plain) external step(false) {
        amount = bound(amount, 1, 20 ether);
        vm.deal(admin, admin.balance + amount);
        vm.prank(admin);
        (bool ok, bytes memory reason) = plain
            ? address(shop).call{value: amount}("")
            : address(shop).call{value: amount}(abi.encodeCall(IShopOrders.deposit, ()));
        if (!_judge(ok, reason, "")) return;
        _merchantBalance += amount;
    }

    /// @notice The admin withdraws part of the merchant balance, or (one call in four) all of it, so that days are
    /// settled with nothing to pay their debt with; one call in four tries to take one wei more than there is.
    function withdraw(uint256 amount, uint256 mode) external step(false) {
        uint256 balance = _merchantBalance;
        bytes memory expected;
        if (mode % 4 == 0 || balance == 0) {
            amount = balance + 1;
            expected = abi.encodeWithSelector(IShopBase.ShopInsufficientBalance.selector, balance, amount);
        } else if (mode % 4 == 1) {
            amount = balance;
        } else {
            amount = bound(amount, 1, balance);
        }
        vm.prank(admin);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopAdmin.withdraw, (admin, amount)));
        if (!_judge(ok, reason, expected)) return;
        _merchantBalance -= amount;
        if (amount == balance) ++_coverage.withdrawnInFull;
    }

    /// @notice A keeper settles a past day that still owes something, sending nothing, exactly what the balance lacks,
    /// more, or less; the model predicts what it releases and pays (escrow always, the debt only if fully funded) or
    /// the exact error. One call in eight tries a day that cannot be settled.
    function settle(uint256 daySeed, uint256 funding, uint256 keeperSeed) external step(false) {
        uint256 today = shop.today();
        (uint256[] memory candidates, uint256 count) = _settleableDays(today);
        if (count == 0 && _revenueDays.length != 0 && daySeed % 4 != 0) {
            // Nothing past to settle yet: a keeper waits for the shop's next midnight (plus up to an hour).
            _time = (today + 1) * 1 days - uint256(int256(shop.utcOffset())) + ((daySeed >> 8) % 1 hours);
            vm.warp(_time);
            today = shop.today();
            (candidates, count) = _settleableDays(today);
        }
        if (count == 0 || daySeed % 8 == 0) {
            _tryInvalidSettlement(daySeed, today);
            return;
        }
        SettlePlan memory plan = _planSettlement(candidates[daySeed % count], funding);
        bytes memory expected = _expectedSettleError(plan);
        address keeper = _actor(keeperSeed);
        vm.deal(keeper, keeper.balance + plan.value);
        vm.prank(keeper);
        (bool ok, bytes memory reason) = address(shop).call{value: plan.value}(
            abi.encodeCall(IShopOrders.settle, (plan.day))
        );
        if (ok && expected.length != 0) ++_violations.invalidSettlementsAccepted;
        if (!_judge(ok, reason, expected)) return;
        _applySettlement(plan);
        if (shop.merchantBalance() != _merchantBalance) ++_violations.settlementMismatches;
    }

    /// @notice Time passes: from a minute to a day and a half.
    function warp(uint256 seconds_) external {
        _time += bound(seconds_, 1 minutes, 36 hours);
        vm.warp(_time);
    }

    // ---------------------------------------------------------------- claims

    /// @notice A holder claims one token to itself (fails for the rejecting and gas-burning holders).
    function claim(uint256 holderSeed, uint256 tokenSeed) external step(false) {
        address holder = _actor(holderSeed);
        _claim(holder, tokenSeed % _TOKENS, holder, false);
    }

    /// @notice A holder claims one token to a recipient of its choice, which may reject the coin or burn the gas.
    function claimTo(uint256 holderSeed, uint256 tokenSeed, uint256 recipientSeed) external step(false) {
        address holder = _actor(holderSeed);
        _claim(holder, tokenSeed % _TOKENS, _recipient(recipientSeed), true);
    }

    /// @notice A holder claims both tokens through the factory, to itself (zero) or a recipient of its choice.
    function claimMany(uint256 holderSeed, uint256 recipientSeed) external step(false) {
        address holder = _actor(holderSeed);
        address recipient = recipientSeed % 5 == 0 ? address(0) : _recipient(recipientSeed);
        address payee = recipient == address(0) ? holder : recipient;
        bool bad = _isBad(payee);
        address[] memory list = new address[](_TOKENS);
        uint256[_TOKENS] memory shown;
        uint256 total;
        for (uint256 i; i < _TOKENS; ++i) {
            list[i] = address(_tokens[i]);
            shown[i] = _tokens[i].claimable(holder);
            total += shown[i];
        }
        uint256 payeeBefore = payee.balance;
        vm.prank(holder);
        try factory.claimMany(list, recipient) returns (uint256 paid) {
            if (bad || paid != total || payee.balance != payeeBefore + paid) ++_violations.claimMismatches;
            for (uint256 i; i < _TOKENS; ++i) {
                if (_tokens[i].claimable(holder) != 0) ++_violations.claimMismatches;
                _ghost[i].claimed += shown[i];
                _claimedAt[holder][i] = _step;
            }
            ++_coverage.claims;
        } catch (bytes memory reason) {
            if (
                keccak256(reason) !=
                keccak256(abi.encodeWithSelector(IShareMallFactory.FactoryNothingClaimed.selector, holder))
            ) {
                ++_violations.claimMismatches;
            }
            // Nothing claimed at all: either nothing was due, or the payee refused every payment.
            if (total != 0 && !bad) _violations.otherHolderBlocked = true;
            for (uint256 i; i < _TOKENS; ++i) {
                if (_tokens[i].claimable(holder) != shown[i]) _violations.badRecipientChangedClaimable = true;
            }
            if (total != 0 && bad) {
                ++_coverage.failedBadRecipientClaims;
                for (uint256 i; i < _TOKENS; ++i) _anotherHolderClaims(i, holder);
            }
        }
    }

    /// @notice Anyone pushes token `tokenSeed`'s dividends to the actors picked by `mask` (holders listed twice
    /// included): each opted-in actor that accepts coin is paid exactly what it was shown, to itself; the rejecting and
    /// gas-burning actors are skipped with their dividends intact, and opted-out ones are passed over.
    function payout(uint256 tokenSeed, uint256 mask) external step(false) {
        uint256 i = tokenSeed % _TOKENS;
        DividendToken token = _tokens[i];
        uint256 count = _actors.length;
        address[] memory holders = new address[](count + 1);
        uint256[] memory shown = new uint256[](count + 1);
        uint256[] memory before = new uint256[](count + 1);
        uint256 n;
        for (uint256 a; a < count; ++a) {
            if ((mask >> a) & 1 == 0) continue;
            holders[n] = _actors[a];
            shown[n] = token.claimable(_actors[a]);
            before[n] = _actors[a].balance;
            ++n;
        }
        // The first one listed once more: it must be paid once.
        if (n != 0) holders[n++] = holders[0];
        // Inline assembly: shrinks the memory array to the holders picked.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(holders, n)
        }
        uint256 expected;
        for (uint256 k; k + 1 < n; ++k) {
            if (!_isBad(holders[k]) && !token.payoutOptedOut(holders[k])) expected += shown[k];
        }
        // The flags are as the actors last set them, whatever transfers, mints and take-backs happened since.
        for (uint256 k; k + 1 < n; ++k) {
            if (token.payoutOptedOut(holders[k]) != _optedOut[holders[k]][i]) ++_violations.claimMismatches;
        }
        try token.payout(holders) returns (uint256 paid) {
            if (paid != expected) ++_violations.claimMismatches;
            for (uint256 k; k + 1 < n; ++k) {
                address holder = holders[k];
                bool passedOver = _isBad(holder) || token.payoutOptedOut(holder);
                uint256 received = holder.balance - before[k];
                if (passedOver) {
                    if (received != 0) ++_violations.claimMismatches;
                    if (token.claimable(holder) != shown[k]) _violations.badRecipientChangedClaimable = true;
                } else {
                    if (received != shown[k] || token.claimable(holder) != 0) ++_violations.claimMismatches;
                    if (shown[k] != 0) _claimedAt[holder][i] = _step;
                }
            }
            _ghost[i].claimed += paid;
            if (paid != 0) ++_coverage.claims;
        } catch {
            // The handler gives the call all its gas: a payout never fails.
            _violations.otherHolderBlocked = true;
        }
    }

    /// @notice An actor opts out of push payouts of token `tokenSeed`, or back in; claims are unaffected.
    function setPayoutOptOut(uint256 holderSeed, uint256 tokenSeed, bool optedOut) external step(false) {
        address holder = _actor(holderSeed);
        DividendToken token = _tokens[tokenSeed % _TOKENS];
        uint256 balance = token.balanceOf(holder);
        uint256 shown = token.claimable(holder);
        vm.prank(holder);
        token.setPayoutOptOut(optedOut);
        _optedOut[holder][tokenSeed % _TOKENS] = optedOut;
        if (token.payoutOptedOut(holder) != optedOut) ++_violations.claimMismatches;
        if (token.balanceOf(holder) != balance || token.claimable(holder) != shown) ++_violations.claimMismatches;
    }

    // ---------------------------------------------------------------- rules

    /// @notice The admin changes one rule of a token (within bounds that keep the shop's dividend share <= 100 %):
    /// only a raise of dividendBps (or no change) applies at once, and raises today's rate if the day has orders;
    /// any other change, more generous minting included, waits for the notice period. A cap below the supply, and
    /// dividends without a minting rule, must be refused.
    function changeRules(uint256 tokenSeed, uint256 field, uint256 value) external step(false) {
        uint256 i = tokenSeed % _TOKENS;
        IShopBase.TokenRules memory next = _rules[i];
        uint256 supply = _tokens[i].totalSupply();
        field %= 7;
        if (field == 0) next.dividendBps = uint16(bound(value, 0, 5000));
        else if (field == 1) next.spendPerToken = uint96(value % 16 == 0 ? 0 : bound(value, 0.05 ether, 2 ether));
        else if (field == 2) next.referralBps = uint16(bound(value, 0, 3000));
        else if (field == 3) next.referralsPerToken = uint32(bound(value, 0, 5));
        else if (field == 4) next.minFirstOrder = uint96(bound(value, 0, 2 ether));
        else if (field == 5) next.maxSupply = uint96(value % 8 == 0 ? 0 : bound(value, supply / 2, supply + 200e18));
        else {
            next.poolDen = uint16(bound(value, 1, 20));
            next.poolNum = uint16(bound(value >> 8, 0, next.poolDen));
        }
        bool atOnce = _isAtOnce(_rules[i], next);
        bytes memory invalid = _rulesError(next, supply);
        vm.prank(admin);
        try shop.changeRules(i, next) returns (uint256 effectiveAt) {
            if (invalid.length != 0) ++_violations.noticeRuleBreaches;
            if (effectiveAt != (atOnce ? block.timestamp : block.timestamp + _notice[i])) {
                ++_violations.noticeRuleBreaches;
            }
            if (atOnce) {
                _rules[i] = next;
                _pendingAt[i] = 0;
                // A raise applies to the whole current day, if it has orders (else the day opens at the new rate).
                uint256 today = shop.today();
                TokenDayModel storage d = _tokenDays[today][i];
                if (_revenue[today] != 0 && next.dividendBps > d.dividendBps) {
                    d.dividendBps = next.dividendBps;
                    ++_coverage.dayRatesRaised;
                }
                ++_coverage.rulesChangedAtOnce;
            } else {
                _pending[i] = next;
                _pendingAt[i] = effectiveAt;
                ++_coverage.rulesScheduled;
            }
        } catch (bytes memory reason) {
            if (invalid.length == 0 || keccak256(reason) != keccak256(invalid)) ++_violations.validStepsRefused;
            else ++_coverage.invalidRulesRefused;
        }
    }

    /// @notice The admin cancels a token's pending rule change (refused when there is none).
    function cancelRulesChange(uint256 tokenSeed) external step(false) {
        uint256 i = tokenSeed % _TOKENS;
        bytes memory expected =
            _pendingAt[i] == 0 ? abi.encodeWithSelector(IShopBase.ShopNoPendingRules.selector, i) : bytes("");
        vm.prank(admin);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopAdmin.cancelRulesChange, (i)));
        if (ok && _pendingAt[i] == 0) ++_violations.noticeRuleBreaches;
        if (!_judge(ok, reason, expected)) return;
        _pendingAt[i] = 0;
    }

    // ---------------------------------------------------------------- roles overreaching

    /// @notice A role or outsider tries to take holders' dividends or mint outside the rules; every attempt must fail.
    function overreach(uint256 callerSeed, uint256 action, uint256 victimSeed) external step(false) {
        address[5] memory callers = [admin, operator, poolManager, platform, _actor(callerSeed >> 8)];
        address caller = callers[callerSeed % callers.length];
        address victim = _actor(victimSeed);
        DividendToken token = _tokens[victimSeed % _TOKENS];
        bytes memory data;
        address target = address(token);
        uint256 choice = action % 5;
        if (choice == 0) {
            data = abi.encodeCall(IDividendToken.mintOrder, (caller, _ONE, address(0), 0, 0));
        } else if (choice == 1) {
            uint256[] memory credits = new uint256[](1);
            credits[0] = (uint256(uint160(caller)) << 96) | _ONE;
            data = abi.encodeCall(IDividendToken.mintBatch, (credits, 0));
        } else if (choice == 2) {
            data = abi.encodeCall(IDividendToken.distribute, (shop.today(), 0));
        } else if (choice == 3) {
            data = abi.encodeCall(IDividendToken.claimFor, (victim, caller));
        } else {
            target = address(shop);
            data = abi.encodeCall(IShopAdmin.withdraw, (caller, _merchantBalance + 1));
        }
        vm.prank(caller);
        (bool ok, ) = target.call(data);
        if (ok) ++_violations.rogueSuccesses;
        else ++_coverage.overreachesRefused;
    }

    // ---------------------------------------------------------------- views for the invariant test

    function tokens() external view returns (DividendToken[_TOKENS] memory) {
        return _tokens;
    }

    function actors() external view returns (address[] memory) {
        return _actors;
    }

    function ghost(uint256 tokenIndex) external view returns (TokenGhost memory) {
        return _ghost[tokenIndex];
    }

    function violations() external view returns (Violations memory) {
        return _violations;
    }

    /// @notice Steps taken in this run (the handler calls except `warp`).
    function steps() external view returns (uint256) {
        return _step;
    }

    function coverage() external view returns (Coverage memory) {
        return _coverage;
    }

    /// @notice Order ids of the operator path that counted, once each.
    function usedIds() external view returns (uint64[] memory) {
        return _usedIds;
    }

    /// @notice Order ids of refused orders that never counted since.
    function refusedIds() external view returns (uint64[] memory) {
        return _refusedIds;
    }

    /// @notice The next order id the handler hands out: never used yet.
    function nextId() external view returns (uint64) {
        return _nextId;
    }

    /// @notice Every checkout (hash, customer) counted, once each.
    function countedCheckouts() external view returns (OrderKey[] memory) {
        return _checkouts;
    }

    /// @notice Checkouts (hash, customer) the shop refused and that never counted since.
    function refusedCheckouts() external view returns (OrderKey[] memory) {
        return _refusedCheckouts;
    }

    function revenueDays() external view returns (uint256[] memory) {
        return _revenueDays;
    }

    function dayModel(uint256 day) external view returns (uint256 orderCount, uint256 revenue) {
        return (_orderCount[day], _revenue[day]);
    }

    /// @notice Token `i`'s day as the shop's `tokenDay` should show it.
    function tokenDayModel(uint256 i, uint256 day) public view returns (IShopBase.TokenDay memory d) {
        TokenDayModel memory m = _tokenDays[day][i];
        d.revenue = _revenue[day];
        d.dividendBps = m.dividendBps;
        d.owed = (d.revenue * m.dividendBps) / _BPS;
        d.escrowed = m.escrowed;
        d.escrowReleased = m.escrowReleased;
        d.settled = m.settled;
    }

    /// @notice What `unsettledDays(0, all)` should list now.
    function unsettledModel() external view returns (IShopBase.UnsettledDay[] memory list) {
        uint256 today = shop.today();
        list = new IShopBase.UnsettledDay[](_revenueDays.length);
        uint256 found;
        for (uint256 k; k < _revenueDays.length; ++k) {
            uint256 day = _revenueDays[k];
            if (day >= today) continue;
            IShopBase.UnsettledDay memory entry = IShopBase.UnsettledDay(day, 0, 0);
            for (uint256 i; i < _TOKENS; ++i) {
                IShopBase.TokenDay memory d = tokenDayModel(i, day);
                if (d.settled || d.owed == 0) continue;
                entry.owed += d.escrowReleased ? d.owed - d.escrowed : d.owed;
                entry.unfunded += d.owed - d.escrowed;
            }
            if (entry.owed != 0) list[found++] = entry;
        }
        assembly ("memory-safe") {
            mstore(list, found)
        }
    }

    function merchantBalance() external view returns (uint256) {
        return _merchantBalance;
    }

    /// @notice The pool allowance of token `i` per the model: the checkpoint plus the ratio of the rules' mints since.
    function poolAllowance(uint256 i) public view returns (uint256) {
        TokenGhost storage g = _ghost[i];
        IShopBase.TokenRules memory rules = _rules[i];
        int256 accrued =
            rules.poolDen == 0
                ? int256(0)
                : int256(((g.ruleMinted + g.poolMinted - g.poolMark) * rules.poolNum) / rules.poolDen);
        int256 allowance = g.poolBase + accrued;
        return allowance > 0 ? uint256(allowance) : 0;
    }

    /// @notice The pool ratio the shop has stored for token `i` (a due change applies it at the next use).
    function poolRatio(uint256 i) external view returns (uint256 num, uint256 den) {
        return (_rules[i].poolNum, _rules[i].poolDen);
    }

    /// @notice The rules in force for token `tokenIndex` now, per the model (a due pending change applied, its cap
    /// raised to the supply if below).
    function currentRules(uint256 tokenIndex) public view returns (IShopBase.TokenRules memory rules) {
        uint256 due = _pendingAt[tokenIndex];
        if (due == 0 || due > block.timestamp) return _rules[tokenIndex];
        rules = _pending[tokenIndex];
        uint256 supply = _tokens[tokenIndex].totalSupply();
        if (rules.maxSupply != 0 && supply > rules.maxSupply) rules.maxSupply = uint96(supply);
    }

    /// @notice When token `tokenIndex`'s pending change falls due per the model (0: none pending).
    function pendingAt(uint256 tokenIndex) external view returns (uint256) {
        return _pendingAt[tokenIndex];
    }

    // ---------------------------------------------------------------- internal: step checks

    function _snapshot() internal view returns (Snapshot memory snapshot) {
        uint256 holders = _actors.length;
        snapshot.claimable = new uint256[_TOKENS][](holders);
        for (uint256 i; i < _TOKENS; ++i) {
            for (uint256 a; a < holders; ++a) snapshot.claimable[a][i] = _tokens[i].claimable(_actors[a]);
            snapshot.coin[i] = address(_tokens[i]).balance;
            snapshot.claimed[i] = _ghost[i].claimed;
        }
    }

    function _checkAgainst(Snapshot memory snapshot, bool isTransfer) internal {
        for (uint256 i; i < _TOKENS; ++i) {
            for (uint256 a; a < _actors.length; ++a) {
                uint256 before = snapshot.claimable[a][i];
                uint256 current = _tokens[i].claimable(_actors[a]);
                if (current < before && _claimedAt[_actors[a]][i] != _step) _violations.claimableFell = true;
                if (isTransfer && current != before) _violations.transferMovedClaimable = true;
            }
            uint256 paidOut = _ghost[i].claimed - snapshot.claimed[i];
            if (address(_tokens[i]).balance + paidOut < snapshot.coin[i]) _violations.tokenCoinFell = true;
        }
    }

    /// @dev Compares an outcome with the prediction (success, or exactly `expected`); returns whether the call
    /// succeeded, so that the caller applies it to the model.
    function _judge(bool ok, bytes memory reason, bytes memory expected) internal returns (bool) {
        bool predictedOk = expected.length == 0;
        if (ok != predictedOk || (!ok && keccak256(reason) != keccak256(expected))) {
            ++_violations.validStepsRefused;
            if (ok && bytes4(expected) == IShopBase.ShopOrderIdUsed.selector) ++_violations.duplicateOrdersAccepted;
            if (ok && bytes4(expected) == IShopBase.ShopOrderAlreadyCounted.selector) {
                ++_violations.duplicateOrdersAccepted;
            }
            if (ok && (bytes4(expected) == IShopBase.ShopSelfReferral.selector)) ++_violations.invalidReferralsAccepted;
            if (ok && (bytes4(expected) == IShopBase.ShopReferrerAlreadyBound.selector)) {
                ++_violations.invalidReferralsAccepted;
            }
        }
        if (!ok && bytes4(reason) == IShopBase.ShopOrderIdUsed.selector) ++_coverage.usedIdsRefused;
        return ok;
    }

    // ---------------------------------------------------------------- internal: claims

    /// @dev One claim (or claimTo) of token `i` by `holder` to `recipient`, checked against what it was shown.
    function _claim(address holder, uint256 i, address recipient, bool viaClaimTo) internal {
        DividendToken token = _tokens[i];
        uint256 shown = token.claimable(holder);
        uint256 recipientBefore = recipient.balance;
        vm.prank(holder);
        (bool ok, bytes memory returned) = address(token).call{gas: _CLAIM_GAS}(
            viaClaimTo ? abi.encodeCall(token.claimTo, (recipient)) : abi.encodeCall(token.claim, ())
        );
        if (ok) {
            uint256 paid = abi.decode(returned, (uint256));
            if (paid != shown || token.claimable(holder) != 0 || recipient.balance != recipientBefore + paid) {
                ++_violations.claimMismatches;
            }
            if (_isBad(recipient)) ++_violations.claimMismatches;
            _ghost[i].claimed += paid;
            _claimedAt[holder][i] = _step;
            ++_coverage.claims;
            return;
        }
        if (token.claimable(holder) != shown) _violations.badRecipientChangedClaimable = true;
        bytes memory expected =
            shown == 0
                ? abi.encodeWithSelector(IDividendToken.DividendTokenNothingToClaim.selector, holder)
                : abi.encodeWithSelector(IDividendToken.DividendTokenPaymentFailed.selector, recipient, shown);
        if (keccak256(returned) != keccak256(expected)) ++_violations.claimMismatches;
        if (shown != 0) {
            // Only a bad recipient may make a due claim fail, and it must not stop anyone else.
            if (!_isBad(recipient)) _violations.otherHolderBlocked = true;
            ++_coverage.failedBadRecipientClaims;
            _anotherHolderClaims(i, holder);
        }
    }

    /// @dev After a failed claim of token `i` by `failed`: the first other good holder with dividends still claims.
    function _anotherHolderClaims(uint256 i, address failed) internal {
        DividendToken token = _tokens[i];
        for (uint256 a; a < _actors.length; ++a) {
            address other = _actors[a];
            if (other == failed || _isBad(other)) continue;
            uint256 shown = token.claimable(other);
            if (shown == 0) continue;
            vm.prank(other);
            try token.claim() returns (uint256 paid) {
                if (paid != shown) ++_violations.claimMismatches;
                _ghost[i].claimed += paid;
                _claimedAt[other][i] = _step;
            } catch {
                _violations.otherHolderBlocked = true;
            }
            return;
        }
    }

    // ---------------------------------------------------------------- internal: transfers

    /// @dev `how` 0: `transfer` by `from`; 1: `approve` by `from`, then `transferFrom` by the sink; 2: `transferFrom`
    /// by the sink on the allowance it has left.
    function _move(
        DividendToken token,
        address from,
        address to,
        uint256 amount,
        uint256 how
    ) internal returns (bool ok, bytes memory reason) {
        bytes memory data = abi.encodeCall(token.transfer, (to, amount));
        if (how != 0) data = abi.encodeCall(token.transferFrom, (from, to, amount));
        if (how == 1) {
            vm.prank(from);
            token.approve(sink, amount);
        }
        vm.prank(how == 0 ? from : sink);
        (ok, reason) = address(token).call(data);
    }

    // ---------------------------------------------------------------- internal: orders

    /// @dev Records one order as the operator, predicting the outcome, and applies it to the model if it counted.
    function _recordOne(IShopBase.Order memory o) internal {
        bytes memory expected = _recordError(o);
        vm.prank(operator);
        (bool ok, bytes memory reason) = address(shop).call(abi.encodeCall(IShopOrders.recordOrder, (o)));
        if (!_judge(ok, reason, expected)) {
            if (!ok && o.orderId != 0 && !_idUsed[o.orderId]) _refusedIds.push(o.orderId);
            return;
        }
        _useId(o.orderId);
        _countOrder(o.orderHash, o.customer, o.amount, o.referrer, false);
        ++_coverage.orders;
    }

    /// @dev What `recordOrder` must revert with for `o` now ("" if it counts), in the shop's order of checks.
    function _recordError(IShopBase.Order memory o) internal view returns (bytes memory) {
        if (o.orderId == 0) return abi.encodeWithSelector(IShopBase.ShopInvalidOrderId.selector, 0);
        if (_idUsed[o.orderId]) return abi.encodeWithSelector(IShopBase.ShopOrderIdUsed.selector, o.orderId);
        return _bindError(o.customer, o.referrer, false);
    }

    /// @dev What `checkout` must revert with ("" if it counts).
    function _checkoutError(
        bytes32 orderHash,
        address customer,
        address referrer
    ) internal view returns (bytes memory) {
        if (_checkoutCounted[_key(orderHash, customer)]) {
            return abi.encodeWithSelector(IShopBase.ShopOrderAlreadyCounted.selector, orderHash);
        }
        return _bindError(customer, referrer, true);
    }

    /// @dev What binding `referrer` reverts with ("" if the order counts): a self-referral on a first order; at
    /// checkout (`strict`), another referrer than the bound one.
    function _bindError(address customer, address referrer, bool strict) internal view returns (bytes memory) {
        return OrderModel.bindError(_known[customer], _referrerOf[customer], customer, referrer, strict);
    }

    /// @dev Walks a `recordOrders` batch as the shop does (`OrderModel.walkBatch`), from the model's used ids and
    /// known customers. Returns which orders count and the revert data ("" if the batch goes through).
    function _walkBatch(
        IShopBase.Order[] memory orders
    ) internal view returns (bool[] memory counts, bytes memory err) {
        bool[] memory used = new bool[](orders.length);
        bool[] memory known = new bool[](orders.length);
        for (uint256 k; k < orders.length; ++k) {
            used[k] = _idUsed[orders[k].orderId];
            known[k] = _known[orders[k].customer];
        }
        return OrderModel.walkBatch(orders, used, known);
    }

    /// @dev Applies a counted order to the model: binding, day ledger (the day's rate at its first order), escrow,
    /// minting by the rules under the cap, the merchant's share of a checkout.
    function _countOrder(bytes32 orderHash, address customer, uint256 amount, address referrer, bool paid) internal {
        _hashes.push(orderHash);
        bool first = !_known[customer];
        if (first) {
            _known[customer] = true;
            if (referrer != address(0)) _referrerOf[customer] = referrer;
        } else if (referrer != address(0) && referrer != _referrerOf[customer]) {
            // Recorded orders only (a checkout would have reverted): the order counts with the bound referrer.
            ++_coverage.referrerMismatches;
        }
        address bound_ = _referrerOf[customer];
        uint256 day = shop.today();
        uint256 before = _revenue[day];
        if (before == 0) {
            _revenueDays.push(day);
            for (uint256 i; i < _TOKENS; ++i) _tokenDays[day][i].dividendBps = _rules[i].dividendBps;
        }
        ++_orderCount[day];
        _revenue[day] = before + amount;
        uint256 paymentLeft = amount;
        for (uint256 i; i < _TOKENS; ++i) {
            TokenDayModel storage d = _tokenDays[day][i];
            if (paid) {
                // A checkout escrows what it adds to the day's debt in whole wei at the day's rate, within what is
                // left of the payment.
                uint256 escrow = ((before + amount) * d.dividendBps) / _BPS - (before * d.dividendBps) / _BPS;
                if (escrow > paymentLeft) escrow = paymentLeft;
                paymentLeft -= escrow;
                d.escrowed += escrow;
                _ghost[i].inflow += escrow;
                _ghost[i].escrowPending += escrow;
            }
            _mintByRules(i, bound_, amount, first);
        }
        if (paid) _merchantBalance += paymentLeft;
    }

    /// @dev Token `i`'s mints for one order: consumption to the customer, then the referrer's share and bonus, each
    /// within the cap.
    function _mintByRules(uint256 i, address referrer, uint256 amount, bool first) internal {
        IShopBase.TokenRules memory rules = _rules[i];
        uint256 consumption = rules.spendPerToken == 0 ? 0 : (amount * _ONE) / rules.spendPerToken;
        uint256 promotion;
        if (referrer != address(0)) {
            promotion = (consumption * rules.referralBps) / _BPS;
            if (first && rules.referralsPerToken != 0 && amount >= rules.minFirstOrder) {
                if (++_qualified[i][referrer] % rules.referralsPerToken == 0) promotion += _ONE;
            }
        }
        _capped(i, consumption);
        _capped(i, promotion);
    }

    /// @dev Mints `amount` in the model, as far as the cap (or the 2^95 - 1 supply limit) allows.
    function _capped(uint256 i, uint256 amount) internal {
        TokenGhost storage g = _ghost[i];
        uint256 cap = _capOf(i);
        uint256 supply = g.ruleMinted + g.poolMinted;
        uint256 room = cap > supply ? cap - supply : 0;
        if (amount > room) amount = room;
        g.ruleMinted += amount;
    }

    /// @dev The most token `i` may hold under the rules in force: its cap, or the 2^95 - 1 supply limit.
    function _capOf(uint256 i) internal view returns (uint256) {
        uint256 cap = _rules[i].maxSupply;
        uint256 limit = (1 << 95) - 1;
        return cap == 0 || cap > limit ? limit : cap;
    }

    /// @dev A referrer the shop accepts as is: none, or (first order only) another actor; the bound one later.
    function _validReferrer(address customer, uint256 seed) internal view returns (address) {
        if (_known[customer]) return seed % 2 == 0 ? _referrerOf[customer] : address(0);
        if (seed % 3 == 0) return address(0);
        address referrer = _actor(seed >> 8);
        return referrer == customer ? address(0) : referrer;
    }

    /// @dev Any actor as referrer, the customer itself included (a self-referral, or a mismatch once known).
    function _anyReferrer(address customer, uint256 seed) internal view returns (address) {
        return seed % 3 == 0 ? customer : _actor(seed >> 8);
    }

    function _newId() internal returns (uint64) {
        return _nextId++;
    }

    function _useId(uint64 orderId) internal {
        if (_idUsed[orderId]) ++_violations.duplicateOrdersAccepted;
        _idUsed[orderId] = true;
        _usedIds.push(orderId);
    }

    // ---------------------------------------------------------------- internal: settlement

    /// @dev What settling `day` releases and owes per the model, what the merchant balance holds, and what the keeper
    /// sends: nothing, exactly the shortfall, more, or part of it.
    function _planSettlement(uint256 day, uint256 funding) internal view returns (SettlePlan memory plan) {
        plan.day = day;
        for (uint256 i; i < _TOKENS; ++i) {
            plan.holders[i] = _holdersWithBalance(i);
            IShopBase.TokenDay memory d = tokenDayModel(i, day);
            if (d.settled) {
                plan.anySettled = true;
                continue;
            }
            plan.release[i] = d.escrowReleased ? 0 : d.escrowed;
            plan.debt[i] = d.owed - d.escrowed;
            plan.releaseTotal += plan.release[i];
            plan.debtTotal += plan.debt[i];
        }
        plan.balance = _merchantBalance;
        uint256 missing = plan.debtTotal > plan.balance ? plan.debtTotal - plan.balance : 0;
        uint256 mode = funding % 4;
        if (mode == 1) plan.value = missing;
        else if (mode == 2) plan.value = missing + bound(funding >> 8, 0, 1 ether);
        else if (mode == 3 && missing > 1) plan.value = bound(funding >> 8, 1, missing - 1);
    }

    /// @dev The error the shop must give for `plan` ("" if it settles something).
    function _expectedSettleError(SettlePlan memory plan) internal pure returns (bytes memory) {
        if (plan.releaseTotal == 0 && plan.debtTotal == 0) {
            return
                plan.anySettled
                    ? abi.encodeWithSelector(IShopBase.ShopDayAlreadySettled.selector, plan.day)
                    : abi.encodeWithSelector(IShopBase.ShopNothingToSettle.selector, plan.day);
        }
        uint256 available = plan.balance + plan.value;
        if (plan.debtTotal <= available || plan.releaseTotal != 0) return "";
        return
            abi.encodeWithSelector(
                IShopBase.ShopSettlementUnderfunded.selector,
                plan.day,
                plan.debtTotal,
                available,
                plan.debtTotal - available
            );
    }

    /// @dev A settlement went through: the escrow is released, the debt paid if funded, each token's distribution
    /// recorded in the ghosts.
    function _applySettlement(SettlePlan memory plan) internal {
        uint256 available = plan.balance + plan.value;
        bool funded = plan.debtTotal <= available;
        _merchantBalance = available - (funded ? plan.debtTotal : 0);
        if (!funded) ++_coverage.shortfalls;
        else if (plan.releaseTotal == 0) ++_coverage.debtsPaidLater;
        for (uint256 i; i < _TOKENS; ++i) {
            TokenDayModel storage d = _tokenDays[plan.day][i];
            if (d.settled) continue;
            uint256 paid = funded ? plan.debt[i] : 0;
            if (plan.release[i] == 0 && paid == 0) continue;
            d.escrowReleased = true;
            if (paid == plan.debt[i]) d.settled = true;
            TokenGhost storage g = _ghost[i];
            g.distributed += plan.release[i] + paid;
            g.inflow += paid;
            g.escrowPending -= plan.release[i];
            g.dustBound += plan.holders[i] + 1;
        }
        ++_coverage.settlements;
    }

    /// @dev Past revenue days that still have something to release or pay.
    function _settleableDays(uint256 today) internal view returns (uint256[] memory list, uint256 count) {
        list = new uint256[](_revenueDays.length);
        for (uint256 k; k < _revenueDays.length; ++k) {
            uint256 day = _revenueDays[k];
            if (day < today && _isOpen(day)) list[count++] = day;
        }
    }

    function _isOpen(uint256 day) internal view returns (bool) {
        for (uint256 i; i < _TOKENS; ++i) {
            IShopBase.TokenDay memory d = tokenDayModel(i, day);
            if (!d.settled && (d.owed != 0)) return true;
        }
        return false;
    }

    /// @dev Today, a settled day or a past day without revenue: the shop must refuse each.
    function _tryInvalidSettlement(uint256 seed, uint256 today) internal {
        uint256 day;
        bytes memory expected;
        uint256 choice = (seed >> 8) % 3;
        if (choice == 0) {
            day = today;
            expected = abi.encodeWithSelector(IShopBase.ShopDayNotOver.selector, today, today);
        } else if (choice == 1 && _hasSettledDay()) {
            day = _aSettledDay(seed >> 16);
            expected = abi.encodeWithSelector(IShopBase.ShopDayAlreadySettled.selector, day);
        } else {
            day = today - 1 - ((seed >> 16) % 30);
            if (_revenue[day] != 0) return;
            expected = abi.encodeWithSelector(IShopBase.ShopNothingToSettle.selector, day);
        }
        vm.deal(admin, admin.balance + 1 ether);
        vm.prank(admin);
        (bool ok, bytes memory reason) = address(shop).call{value: 1 ether}(abi.encodeCall(IShopOrders.settle, (day)));
        if (ok) ++_violations.invalidSettlementsAccepted;
        _judge(ok, reason, expected);
    }

    /// @dev Whether some past day is settled in full (a token settled, nothing left to release or pay).
    function _hasSettledDay() internal view returns (bool) {
        for (uint256 k; k < _revenueDays.length; ++k) {
            if (_isSettled(_revenueDays[k])) return true;
        }
        return false;
    }

    function _aSettledDay(uint256 seed) internal view returns (uint256) {
        uint256 start = seed % _revenueDays.length;
        for (uint256 k; k < _revenueDays.length; ++k) {
            uint256 day = _revenueDays[(start + k) % _revenueDays.length];
            if (_isSettled(day)) return day;
        }
        return 0;
    }

    function _isSettled(uint256 day) internal view returns (bool settled) {
        if (_isOpen(day)) return false;
        for (uint256 i; i < _TOKENS; ++i) {
            if (_tokenDays[day][i].settled) settled = true;
        }
    }

    function _holdersWithBalance(uint256 i) internal view returns (uint256 count) {
        for (uint256 a; a < _actors.length; ++a) {
            if (_tokens[i].balanceOf(_actors[a]) != 0) ++count;
        }
    }

    // ---------------------------------------------------------------- internal: rules

    /// @dev Applies token `i`'s pending change in the model if it is due (before any use of the rules); a new pool
    /// ratio first checkpoints the allowance accrued under the old one, at the supply reached.
    function _syncRules(uint256 i) internal {
        if (_pendingAt[i] == 0 || _pendingAt[i] > block.timestamp) return;
        IShopBase.TokenRules memory next = currentRules(i);
        IShopBase.TokenRules memory old = _rules[i];
        if (next.poolNum != old.poolNum || next.poolDen != old.poolDen) {
            TokenGhost storage g = _ghost[i];
            g.poolBase = int256(poolAllowance(i));
            g.poolMark = g.ruleMinted + g.poolMinted;
            g.ratioChanged = true;
        }
        _rules[i] = next;
        _pendingAt[i] = 0;
    }

    /// @dev The notice rules (IShopAdmin.changeRules): at once only if the change raises `dividendBps` and nothing
    /// else, or changes nothing; any change of a minting rule (more generous too: it dilutes the holders), of the cap
    /// or of the pool ratio waits.
    function _isAtOnce(
        IShopBase.TokenRules memory current,
        IShopBase.TokenRules memory next
    ) internal pure returns (bool) {
        return
            next.dividendBps >= current.dividendBps &&
            next.spendPerToken == current.spendPerToken &&
            next.referralBps == current.referralBps &&
            next.referralsPerToken == current.referralsPerToken &&
            next.minFirstOrder == current.minFirstOrder &&
            next.maxSupply == current.maxSupply &&
            next.poolNum == current.poolNum &&
            next.poolDen == current.poolDen;
    }

    /// @dev What `changeRules` must revert with for `next` on a token with `supply` (empty: valid), in the order the
    /// shop checks; the handler's bounds never break the other rules.
    function _rulesError(IShopBase.TokenRules memory next, uint256 supply) internal pure returns (bytes memory) {
        if (next.maxSupply != 0 && next.maxSupply < supply) return _invalidRules("maxSupply below supply");
        if (next.dividendBps != 0 && next.spendPerToken == 0 && next.referralsPerToken == 0) {
            return _invalidRules("dividends without a minting rule");
        }
        return "";
    }

    function _invalidRules(string memory reason) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IShopBase.ShopInvalidRules.selector, reason);
    }

    // ---------------------------------------------------------------- internal: helpers

    function _actor(uint256 seed) internal view returns (address) {
        return _actors[seed % _actors.length];
    }

    /// @dev A claim recipient: the sink, a customer, the rejecting or the gas-burning account.
    function _recipient(uint256 seed) internal view returns (address) {
        uint256 choice = (seed >> 8) % 4;
        if (choice == 0) return sink;
        if (choice == 1) return _actors[(seed >> 16) % 5];
        return choice == 2 ? rejecter : burner;
    }

    function _isBad(address account) internal view returns (bool) {
        return account == rejecter || account == burner;
    }

    function _freshHash() internal returns (bytes32) {
        return keccak256(abi.encode("sharemall.invariant.order", ++_nonce));
    }

    /// @dev The key of a checkout: its hash for its customer.
    function _key(bytes32 orderHash, address customer) internal pure returns (bytes32) {
        return keccak256(abi.encode(orderHash, customer));
    }
}
