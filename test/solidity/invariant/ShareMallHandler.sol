// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Base} from "../utils/Vm.sol";
import {GasBurningRecipient, RejectingRecipient} from "../utils/Recipients.sol";
import {Shop} from "../../../contracts/Shop.sol";
import {DividendToken} from "../../../contracts/DividendToken.sol";
import {ShareMallFactory} from "../../../contracts/ShareMallFactory.sol";
import {IShop} from "../../../contracts/interfaces/IShop.sol";
import {IDividendToken} from "../../../contracts/interfaces/IDividendToken.sol";
import {IShareMallFactory} from "../../../contracts/interfaces/IShareMallFactory.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";

/* solhint-disable max-states-count */

/// @title ShareMallHandler
/// @notice The only target of the invariant campaign. Each public function is one step a real participant could take
/// (operator records orders, customers check out, the pool manager mints, holders transfer and claim, keepers settle,
/// the admin changes rules, time passes, roles try what they may not), with fuzzed but valid-looking inputs; invalid
/// steps are attempted on purpose, expected to revert, and recorded if they do not. It keeps ghost totals built only
/// from its own model of the rules, and flags any step that made a holder's claimable fall, a token's coin fall, or a
/// bad recipient hurt anyone but itself. The invariant test reads the ghosts and flags.
/// @dev Holders are the fixed `actors`: five accounts without code, a recipient that rejects the coin and one that
/// burns all the gas it is given. Every token ever minted goes to an actor, so sums over actors are sums over holders.
contract ShareMallHandler is Base {
    /// @notice Per-token ghost totals.
    /// @param distributed Wei owed by the settled days (what settlements distributed, rollover included).
    /// @param claimed Wei paid out by successful claims.
    /// @param inflow Wei sent into the token: checkout escrow plus what settlements took from the merchant balance.
    /// @param escrowPending Checkout escrow of days not settled yet.
    /// @param ruleMinted Token-wei minted by orders, per the handler's model of the rules and the cap.
    /// @param poolAccrued Pool allowance accrued, per the model.
    /// @param poolMinted Token-wei minted from the pool.
    /// @param dustBound Sum over settlements of (holders with a balance + 1): the most rounding may lose.
    struct TokenGhost {
        uint256 distributed;
        uint256 claimed;
        uint256 inflow;
        uint256 escrowPending;
        uint256 ruleMinted;
        uint256 poolAccrued;
        uint256 poolMinted;
        uint256 dustBound;
    }

    /// @notice Flags and counters of things that must never happen (all must stay zero / false).
    struct Violations {
        uint256 duplicateOrdersAccepted;
        uint256 invalidReferralsAccepted;
        uint256 validStepsRefused;
        uint256 invalidSettlementsAccepted;
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

    /// @notice An order as the shop keys it: its hash for its customer.
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
        uint256 claims;
        uint256 failedBadRecipientClaims;
        uint256 duplicateAttempts;
        uint256 countedForAnotherCustomer;
        uint256 overreachesRefused;
        uint256 rulesChangedAtOnce;
        uint256 rulesScheduled;
        uint256 invalidRulesRefused;
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
        uint256[2] owed;
        uint256 owedTotal;
        uint256 required;
        uint256 balance;
        uint256 value;
        uint256[2] holders;
    }

    uint256 private constant _TOKENS = 2;
    uint256 private constant _ONE = 1e18;
    uint256 private constant _BPS = 10_000;
    /// @dev Gas given to single claims: a gas-burning recipient gets 63/64 of it and the token keeps enough to revert.
    uint256 private constant _CLAIM_GAS = 1_000_000;
    uint256 private constant _MAX_ORDER = 5 ether;

    Shop public shop;
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
    IShop.TokenRules[_TOKENS] internal _rules;
    IShop.TokenRules[_TOKENS] internal _pending;
    uint256[_TOKENS] internal _pendingAt;
    uint256[_TOKENS] internal _notice;
    address[] internal _actors;

    // Model of customers and referrals.
    mapping(address customer => bool) internal _known;
    mapping(address customer => address) internal _referrerOf;
    mapping(uint256 tokenIndex => mapping(address referrer => uint256)) internal _qualified;

    // Model of the day ledger.
    uint256[] internal _revenueDays;
    mapping(uint256 day => bool) internal _hasRevenue;
    mapping(uint256 day => bool) internal _settled;
    mapping(uint256 day => uint256) internal _orderCount;
    mapping(uint256 day => uint256) internal _revenue;
    mapping(uint256 day => uint256[_TOKENS]) internal _owedScaled;
    mapping(uint256 day => uint256[_TOKENS]) internal _escrow;

    // Orders (hash, customer) counted, and those refused (never to count).
    OrderKey[] internal _counted;
    OrderKey[] internal _refused;
    mapping(bytes32 orderKey => bool) internal _isCounted;
    mapping(bytes32 orderHash => uint256) internal _customersOf;
    uint256 internal _nonce;

    TokenGhost[_TOKENS] internal _ghost;
    Violations internal _violations;
    Coverage internal _coverage;

    uint256 internal _time;
    /// @dev Id of the current step; a claim stamps (holder, token) with it so the step check allows that decrease.
    uint256 internal _step;
    mapping(address holder => mapping(uint256 tokenIndex => uint256 step)) internal _claimedAt;

    constructor(Shop shop_, address admin_, address operator_, address poolManager_, address platform_) {
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
    }

    // ---------------------------------------------------------------- step bookkeeping

    /// @dev Wraps every step: restores the handler's clock, snapshots every holder's claimable and every token's coin,
    /// and afterwards flags a claimable that fell without its holder claiming, any claimable a transfer changed, and
    /// token coin that fell by more than the claims paid.
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

    /// @notice The operator records one order; one call in eight reuses a counted hash, for its customer (a
    /// duplicate the shop must refuse) or for another (a different order, which must count), one in eight names a
    /// referrer the shop must refuse.
    function recordOrder(
        uint256 customerSeed,
        uint256 referrerSeed,
        uint256 amount,
        uint256 mode
    ) external step(false) {
        address customer = _actor(customerSeed);
        amount = bound(amount, 1, _MAX_ORDER);
        if (mode % 8 == 0 && _counted.length != 0) {
            OrderKey memory old = _counted[(mode >> 24) % _counted.length];
            if ((mode >> 8) % 2 == 0) customer = old.customer;
            IShop.Order memory reused = _order(old.orderHash, customer, amount, address(0));
            // Counted already when it is the order's own customer, or a stranger that reused this hash before.
            if (_isCounted[keccak256(abi.encode(old.orderHash, customer))]) {
                _tryDuplicate(abi.encodeCall(IShop.recordOrder, (reused)), old.orderHash);
                return;
            }
            vm.prank(operator);
            try shop.recordOrder(reused) {
                _countOrder(old.orderHash, customer, amount, address(0), false);
                ++_coverage.orders;
            } catch {
                ++_violations.validStepsRefused;
            }
            return;
        }
        if (mode % 8 == 1) {
            _tryInvalidReferral(customer, referrerSeed, amount);
            return;
        }
        address referrer = _validReferrer(customer, referrerSeed);
        bytes32 orderHash = _freshHash();
        vm.prank(operator);
        try shop.recordOrder(_order(orderHash, customer, amount, referrer)) {
            _countOrder(orderHash, customer, amount, referrer, false);
            ++_coverage.orders;
        } catch {
            ++_violations.validStepsRefused;
        }
    }

    /// @notice The operator records a batch of up to five orders; one call in four slips in a counted order (its hash
    /// for its customer) or the same order twice, and the whole batch must revert.
    function recordOrders(uint256 size, uint256 seed, uint256 mode) external step(false) {
        size = bound(size, 1, 5);
        IShop.Order[] memory orders = new IShop.Order[](size);
        address[] memory seen = new address[](size);
        for (uint256 k; k < size; ++k) {
            uint256 entropy = uint256(keccak256(abi.encode(seed, k)));
            address customer = _actor(entropy);
            // A referrer only on a customer's first order, and only once within the batch.
            bool fresh = !_known[customer] && !_contains(seen, customer);
            address referrer = fresh ? _validReferrer(customer, entropy >> 64) : address(0);
            seen[k] = customer;
            orders[k] = _order(_freshHash(), customer, bound(entropy >> 128, 1, _MAX_ORDER), referrer);
        }
        bool duplicate = mode % 4 == 0;
        bytes32 duplicated;
        uint256 at;
        if (duplicate) {
            // The same order twice within the batch needs two orders.
            if (_counted.length == 0 && size == 1) return;
            (duplicated, at) = _slipInDuplicate(orders, mode);
        }
        vm.prank(operator);
        try shop.recordOrders(orders) {
            if (duplicate) {
                ++_violations.duplicateOrdersAccepted;
                return;
            }
            for (uint256 k; k < size; ++k) {
                IShop.Order memory o = orders[k];
                _countOrder(o.orderHash, o.customer, o.amount, o.referrer, false);
            }
            ++_coverage.batches;
        } catch (bytes memory reason) {
            if (!duplicate) {
                ++_violations.validStepsRefused;
                return;
            }
            ++_coverage.duplicateAttempts;
            if (keccak256(reason) != keccak256(_alreadyCounted(duplicated))) ++_violations.validStepsRefused;
            // All or nothing: none of the batch's other orders counted.
            for (uint256 k; k < size; ++k) {
                if (k != at) _refused.push(OrderKey({orderHash: orders[k].orderHash, customer: orders[k].customer}));
            }
        }
    }

    /// @notice A customer pays an order in native coin; one call in eight reuses a counted hash: the order's own
    /// customer must be refused, anyone else (e.g. a stranger front-running with the hash) pays an order of its own.
    function checkout(uint256 customerSeed, uint256 referrerSeed, uint256 amount, uint256 mode) external step(false) {
        address customer = _actor(customerSeed);
        amount = bound(amount, 1, _MAX_ORDER);
        if (mode % 8 == 0 && _counted.length != 0) {
            OrderKey memory old = _counted[(mode >> 24) % _counted.length];
            if ((mode >> 8) % 2 == 0) customer = old.customer;
            // Counted already when it is the order's own customer, or a stranger that reused this hash before.
            bool counted = _isCounted[keccak256(abi.encode(old.orderHash, customer))];
            vm.deal(customer, customer.balance + amount);
            vm.prank(customer);
            try shop.checkout{value: amount}(old.orderHash, address(0)) {
                if (counted) ++_violations.duplicateOrdersAccepted;
                else _countOrder(old.orderHash, customer, amount, address(0), true);
            } catch (bytes memory reason) {
                if (!counted) {
                    ++_violations.validStepsRefused;
                    return;
                }
                ++_coverage.duplicateAttempts;
                if (keccak256(reason) != keccak256(_alreadyCounted(old.orderHash))) ++_violations.validStepsRefused;
            }
            return;
        }
        vm.deal(customer, customer.balance + amount);
        address referrer = _validReferrer(customer, referrerSeed);
        bytes32 orderHash = _freshHash();
        vm.prank(customer);
        try shop.checkout{value: amount}(orderHash, referrer) {
            _countOrder(orderHash, customer, amount, referrer, true);
            ++_coverage.checkouts;
        } catch {
            ++_violations.validStepsRefused;
        }
    }

    // ---------------------------------------------------------------- pool and transfers

    /// @notice The pool manager mints from the pool allowance (refused past the cap: maxSupply, or 2^96 - 1 for an
    /// uncapped token); one call in eight tries to mint more than the allowance.
    function mintFromPool(uint256 tokenSeed, uint256 toSeed, uint256 amount, uint256 mode) external step(false) {
        uint256 i = tokenSeed % _TOKENS;
        uint256 allowance = shop.tokenConfig(i).poolAllowance;
        address to = _actor(toSeed);
        if (mode % 8 == 0 || allowance == 0) {
            vm.prank(poolManager);
            try shop.mintFromPool(i, to, allowance + 1, keccak256("beyond allowance")) {
                ++_violations.rogueSuccesses;
            } catch {
                ++_coverage.overreachesRefused;
            }
            return;
        }
        amount = bound(amount, 1, allowance);
        uint256 supplyAfter = _tokens[i].totalSupply() + amount;
        uint256 cap = _capOf(i);
        bool overCap = supplyAfter > cap;
        vm.prank(poolManager);
        try shop.mintFromPool(i, to, amount, keccak256(abi.encode("service", _step))) {
            if (overCap) ++_violations.capBreaches;
            _ghost[i].poolMinted += amount;
            ++_coverage.poolMints;
        } catch (bytes memory reason) {
            bytes memory expected = abi.encodeWithSelector(IShop.ShopMaxSupplyExceeded.selector, i, cap, supplyAfter);
            if (!overCap || keccak256(reason) != keccak256(expected)) ++_violations.validStepsRefused;
        }
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

    /// @notice Anyone prepays the merchant balance.
    function deposit(uint256 amount) external step(false) {
        amount = bound(amount, 1, 20 ether);
        vm.deal(admin, admin.balance + amount);
        vm.prank(admin);
        shop.deposit{value: amount}();
    }

    /// @notice The admin withdraws part of the merchant balance; one call in four tries to take one wei more.
    function withdraw(uint256 amount, uint256 mode) external step(false) {
        uint256 balance = shop.merchantBalance();
        if (mode % 4 == 0 || balance == 0) {
            vm.prank(admin);
            try shop.withdraw(admin, balance + 1) {
                ++_violations.rogueSuccesses;
            } catch {
                ++_coverage.overreachesRefused;
            }
            return;
        }
        amount = bound(amount, 1, balance);
        vm.prank(admin);
        shop.withdraw(admin, amount);
    }

    /// @notice A keeper settles a past day with revenue, funding it fully, exactly or not at all (the shop must
    /// refuse an underfunded day with the missing amount); one call in eight tries a day that cannot be settled.
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
        address keeper = _actor(keeperSeed);
        vm.deal(keeper, keeper.balance + plan.value);
        vm.prank(keeper);
        try shop.settle{value: plan.value}(plan.day) {
            _settled[plan.day] = true;
            if (plan.required > plan.balance + plan.value || plan.owedTotal == 0) {
                ++_violations.invalidSettlementsAccepted;
            }
            if (shop.merchantBalance() != plan.balance + plan.value - plan.required) ++_violations.claimMismatches;
            for (uint256 i; i < _TOKENS; ++i) {
                if (plan.owed[i] == 0) continue;
                TokenGhost storage g = _ghost[i];
                uint256 escrow = _escrow[plan.day][i];
                g.distributed += plan.owed[i];
                g.inflow += plan.owed[i] - escrow;
                g.escrowPending -= escrow;
                g.dustBound += plan.holders[i] + 1;
            }
            ++_coverage.settlements;
        } catch (bytes memory reason) {
            // Revenue too small to owe a wei can never be settled: stop offering the day.
            if (plan.owedTotal == 0) _settled[plan.day] = true;
            if (keccak256(reason) != keccak256(_expectedSettleError(plan))) ++_violations.validStepsRefused;
        }
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

    // ---------------------------------------------------------------- rules

    /// @notice The admin changes one rule of a token (within bounds that keep the shop's dividend share <= 100 %):
    /// only a raise of dividendBps (or no change) applies at once, any other change, more generous minting included,
    /// waits for the notice period. A cap below the supply, and dividends without a minting rule, must be refused.
    function changeRules(uint256 tokenSeed, uint256 field, uint256 value) external step(false) {
        uint256 i = tokenSeed % _TOKENS;
        IShop.TokenRules memory next = _rules[i];
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
        vm.prank(admin);
        try shop.cancelRulesChange(i) {
            if (_pendingAt[i] == 0) ++_violations.noticeRuleBreaches;
            _pendingAt[i] = 0;
        } catch (bytes memory reason) {
            if (_pendingAt[i] != 0) ++_violations.validStepsRefused;
            else if (keccak256(reason) != keccak256(abi.encodeWithSelector(IShop.ShopNoPendingRules.selector, i))) {
                ++_violations.validStepsRefused;
            }
        }
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
        uint256 choice = action % 4;
        if (choice == 0) {
            data = abi.encodeCall(IDividendToken.mint, (caller, _ONE));
        } else if (choice == 1) {
            data = abi.encodeCall(IDividendToken.distribute, (shop.today(), 0));
        } else if (choice == 2) {
            data = abi.encodeCall(IDividendToken.claimFor, (victim, caller));
        } else {
            target = address(shop);
            data = abi.encodeCall(IShop.withdraw, (caller, shop.merchantBalance() + 1));
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

    /// @notice Every order (hash, customer) counted, once each.
    function countedOrders() external view returns (OrderKey[] memory) {
        return _counted;
    }

    /// @notice Orders (hash, customer) the shop refused and that never counted since.
    function refusedOrders() external view returns (OrderKey[] memory) {
        return _refused;
    }

    function revenueDays() external view returns (uint256[] memory) {
        return _revenueDays;
    }

    function dayModel(uint256 day) external view returns (uint256 orderCount, uint256 revenue) {
        return (_orderCount[day], _revenue[day]);
    }

    /// @notice The rules in force for token `tokenIndex` now, per the model (a due pending change applied, its cap
    /// raised to the supply if below).
    function currentRules(uint256 tokenIndex) public view returns (IShop.TokenRules memory rules) {
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

    /// @dev Applies a counted order to the model: day ledger, escrow, minting by the rules under the cap, pool.
    function _countOrder(bytes32 orderHash, address customer, uint256 amount, address referrer, bool paid) internal {
        bytes32 key = keccak256(abi.encode(orderHash, customer));
        if (_isCounted[key]) ++_violations.duplicateOrdersAccepted;
        else if (_customersOf[orderHash] != 0) ++_coverage.countedForAnotherCustomer;
        _isCounted[key] = true;
        ++_customersOf[orderHash];
        _counted.push(OrderKey({orderHash: orderHash, customer: customer}));
        bool first = !_known[customer];
        if (first) {
            _known[customer] = true;
            if (referrer != address(0)) _referrerOf[customer] = referrer;
        }
        address bound_ = _referrerOf[customer];
        uint256 day = shop.today();
        if (!_hasRevenue[day]) {
            _hasRevenue[day] = true;
            _revenueDays.push(day);
        }
        ++_orderCount[day];
        _revenue[day] += amount;
        uint256 paymentLeft = amount;
        for (uint256 i; i < _TOKENS; ++i) {
            IShop.TokenRules memory rules = _rules[i];
            TokenGhost storage g = _ghost[i];
            uint256 owedBefore = _owedScaled[day][i] / _BPS;
            _owedScaled[day][i] += amount * rules.dividendBps;
            if (paid) {
                // A checkout escrows what it adds to the day's debt in whole wei, so a day of checkouts only is fully
                // escrowed and escrow never exceeds the debt; with several tokens, never more than the payment.
                uint256 escrow = _owedScaled[day][i] / _BPS - owedBefore;
                if (escrow > paymentLeft) escrow = paymentLeft;
                paymentLeft -= escrow;
                _escrow[day][i] += escrow;
                g.inflow += escrow;
                g.escrowPending += escrow;
            }
            uint256 consumption = rules.spendPerToken == 0 ? 0 : (amount * _ONE) / rules.spendPerToken;
            uint256 promotion;
            if (bound_ != address(0)) {
                promotion = (consumption * rules.referralBps) / _BPS;
                if (first && rules.referralsPerToken != 0 && amount >= rules.minFirstOrder) {
                    if (++_qualified[i][bound_] % rules.referralsPerToken == 0) promotion += _ONE;
                }
            }
            consumption = _capped(i, consumption);
            promotion = _capped(i, promotion);
            if (rules.poolDen != 0) g.poolAccrued += ((consumption + promotion) * rules.poolNum) / rules.poolDen;
        }
    }

    /// @dev Mints `amount` in the model, as far as the cap (or the 2^96 - 1 supply limit) allows, and returns what
    /// was minted.
    function _capped(uint256 i, uint256 amount) internal returns (uint256) {
        TokenGhost storage g = _ghost[i];
        uint256 cap = _capOf(i);
        uint256 supply = g.ruleMinted + g.poolMinted;
        uint256 room = cap > supply ? cap - supply : 0;
        if (amount > room) amount = room;
        g.ruleMinted += amount;
        return amount;
    }

    /// @dev The most token `i` may hold under the rules in force: its cap, or the 2^96 - 1 supply limit.
    function _capOf(uint256 i) internal view returns (uint256) {
        uint256 cap = _rules[i].maxSupply;
        return cap == 0 ? type(uint96).max : cap;
    }

    /// @dev Replaces one order of `orders` with an order counted before (its hash for its customer, anywhere in the
    /// batch) or, half the time or when none counted yet, with an earlier order of the batch, last, so that the orders
    /// before it stay valid and the batch reverts there. A duplicate needs no referrer: its customer is known.
    /// @return duplicated The duplicated order hash.
    /// @return at Where it went.
    function _slipInDuplicate(
        IShop.Order[] memory orders,
        uint256 mode
    ) internal view returns (bytes32 duplicated, uint256 at) {
        uint256 size = orders.length;
        OrderKey memory copied;
        if (_counted.length != 0 && ((mode >> 16) % 2 == 0 || size == 1)) {
            at = (mode >> 8) % size;
            copied = _counted[(mode >> 24) % _counted.length];
        } else {
            at = size - 1;
            IShop.Order memory earlier = orders[(mode >> 8) % at];
            copied = OrderKey({orderHash: earlier.orderHash, customer: earlier.customer});
        }
        duplicated = copied.orderHash;
        orders[at] = _order(copied.orderHash, copied.customer, orders[at].amount, address(0));
    }

    /// @dev Records a counted order again: it must revert `ShopOrderAlreadyCounted`.
    function _tryDuplicate(bytes memory data, bytes32 orderHash) internal {
        ++_coverage.duplicateAttempts;
        vm.prank(operator);
        (bool ok, bytes memory reason) = address(shop).call(data);
        if (ok) ++_violations.duplicateOrdersAccepted;
        else if (keccak256(reason) != keccak256(_alreadyCounted(orderHash))) ++_violations.validStepsRefused;
    }

    /// @dev A self-referral on a first order, or a different referrer on a later one: both must revert.
    function _tryInvalidReferral(address customer, uint256 referrerSeed, uint256 amount) internal {
        address referrer;
        bytes memory expected;
        if (!_known[customer]) {
            referrer = customer;
            expected = abi.encodeWithSelector(IShop.ShopSelfReferral.selector, customer);
        } else {
            referrer = _actor(referrerSeed);
            address bound_ = _referrerOf[customer];
            if (referrer == bound_ || referrer == customer) return;
            expected = abi.encodeWithSelector(IShop.ShopReferrerAlreadyBound.selector, customer, bound_, referrer);
        }
        bytes32 orderHash = _freshHash();
        vm.prank(operator);
        try shop.recordOrder(_order(orderHash, customer, amount, referrer)) {
            ++_violations.invalidReferralsAccepted;
            _countOrder(orderHash, customer, amount, referrer, false);
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) ++_violations.validStepsRefused;
            _refused.push(OrderKey({orderHash: orderHash, customer: customer}));
        }
    }

    /// @dev A referrer the shop must accept: none, or (first order only) another actor; the bound one later.
    function _validReferrer(address customer, uint256 seed) internal view returns (address) {
        if (_known[customer]) return seed % 2 == 0 ? _referrerOf[customer] : address(0);
        if (seed % 3 == 0) return address(0);
        address referrer = _actor(seed >> 8);
        return referrer == customer ? address(0) : referrer;
    }

    // ---------------------------------------------------------------- internal: settlement

    /// @dev What settling `day` owes per the model, what the merchant balance holds, and what the keeper sends:
    /// nothing, exactly the shortfall, or more (by `funding`).
    function _planSettlement(uint256 day, uint256 funding) internal view returns (SettlePlan memory plan) {
        plan.day = day;
        for (uint256 i; i < _TOKENS; ++i) {
            plan.owed[i] = _owedScaled[day][i] / _BPS;
            plan.owedTotal += plan.owed[i];
            plan.required += plan.owed[i] - _escrow[day][i];
            plan.holders[i] = _holdersWithBalance(i);
        }
        plan.balance = shop.merchantBalance();
        uint256 missing = plan.required > plan.balance ? plan.required - plan.balance : 0;
        uint256 mode = funding % 3;
        plan.value = mode == 0 ? 0 : (mode == 1 ? missing : missing + bound(funding, 0, 1 ether));
    }

    /// @dev The error the shop must give when refusing `plan` (empty: it must not refuse).
    function _expectedSettleError(SettlePlan memory plan) internal pure returns (bytes memory) {
        if (plan.owedTotal == 0) return abi.encodeWithSelector(IShop.ShopNothingToSettle.selector, plan.day);
        uint256 available = plan.balance + plan.value;
        if (plan.required <= available) return "";
        return
            abi.encodeWithSelector(
                IShop.ShopSettlementUnderfunded.selector,
                plan.day,
                plan.required,
                available,
                plan.required - available
            );
    }

    function _settleableDays(uint256 today) internal view returns (uint256[] memory list, uint256 count) {
        list = new uint256[](_revenueDays.length);
        for (uint256 k; k < _revenueDays.length; ++k) {
            uint256 day = _revenueDays[k];
            if (day < today && !_settled[day]) list[count++] = day;
        }
    }

    /// @dev Today, a settled day or a past day without revenue: the shop must refuse each.
    function _tryInvalidSettlement(uint256 seed, uint256 today) internal {
        uint256 day;
        bytes memory expected;
        uint256 choice = (seed >> 8) % 3;
        if (choice == 0) {
            day = today;
            expected = abi.encodeWithSelector(IShop.ShopDayNotOver.selector, today, today);
        } else if (choice == 1 && _hasSettledDay()) {
            day = _aSettledDay(seed >> 16);
            expected = abi.encodeWithSelector(IShop.ShopDayAlreadySettled.selector, day);
        } else {
            day = today - 1 - ((seed >> 16) % 30);
            if (_hasRevenue[day]) return;
            expected = abi.encodeWithSelector(IShop.ShopNothingToSettle.selector, day);
        }
        vm.deal(admin, admin.balance + 1 ether);
        vm.prank(admin);
        try shop.settle{value: 1 ether}(day) {
            ++_violations.invalidSettlementsAccepted;
        } catch (bytes memory reason) {
            if (keccak256(reason) != keccak256(expected)) ++_violations.validStepsRefused;
        }
    }

    function _hasSettledDay() internal view returns (bool) {
        for (uint256 k; k < _revenueDays.length; ++k) {
            uint256 day = _revenueDays[k];
            if (_settled[day] && _owedTotal(day) != 0) return true;
        }
        return false;
    }

    function _aSettledDay(uint256 seed) internal view returns (uint256) {
        uint256 start = seed % _revenueDays.length;
        for (uint256 k; k < _revenueDays.length; ++k) {
            uint256 day = _revenueDays[(start + k) % _revenueDays.length];
            if (_settled[day] && _owedTotal(day) != 0) return day;
        }
        return 0;
    }

    function _owedTotal(uint256 day) internal view returns (uint256 total) {
        for (uint256 i; i < _TOKENS; ++i) total += _owedScaled[day][i] / _BPS;
    }

    function _holdersWithBalance(uint256 i) internal view returns (uint256 count) {
        for (uint256 a; a < _actors.length; ++a) {
            if (_tokens[i].balanceOf(_actors[a]) != 0) ++count;
        }
    }

    // ---------------------------------------------------------------- internal: rules

    /// @dev Applies token `i`'s pending change in the model if it is due (before any use of the rules).
    function _syncRules(uint256 i) internal {
        if (_pendingAt[i] == 0 || _pendingAt[i] > block.timestamp) return;
        _rules[i] = currentRules(i);
        _pendingAt[i] = 0;
    }

    /// @dev The notice rules (IShop.changeRules): at once only if the change raises `dividendBps` and nothing else,
    /// or changes nothing; any change of a minting rule (more generous too: it dilutes the holders), of the cap or of
    /// the pool ratio waits.
    function _isAtOnce(IShop.TokenRules memory current, IShop.TokenRules memory next) internal pure returns (bool) {
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
    function _rulesError(IShop.TokenRules memory next, uint256 supply) internal pure returns (bytes memory) {
        if (next.maxSupply != 0 && next.maxSupply < supply) return _invalidRules("maxSupply below supply");
        if (next.dividendBps != 0 && next.spendPerToken == 0 && next.referralsPerToken == 0) {
            return _invalidRules("dividends without a minting rule");
        }
        return "";
    }

    function _invalidRules(string memory reason) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IShop.ShopInvalidRules.selector, reason);
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

    function _order(
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer
    ) internal pure returns (IShop.Order memory) {
        return IShop.Order({orderHash: orderHash, customer: customer, amount: uint96(amount), referrer: referrer});
    }

    function _alreadyCounted(bytes32 orderHash) internal pure returns (bytes memory) {
        return abi.encodeWithSelector(IShop.ShopOrderAlreadyCounted.selector, orderHash);
    }

    function _contains(address[] memory list, address account) internal pure returns (bool) {
        for (uint256 k; k < list.length; ++k) {
            if (list[k] == account) return true;
        }
        return false;
    }
}
