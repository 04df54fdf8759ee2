// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDividendToken} from "../interfaces/IDividendToken.sol";
import {NativeAsset} from "../payouts/NativeAsset.sol";
import {DayEntry, DayEntryLib} from "../types/DayEntry.sol";
import {TokenTerms} from "../types/TokenTerms.sol";
import {RuleLedger} from "./RuleLedger.sol";

/// @title OrderLedger
/// @notice How an order counts, whatever path it came by: its order id is used once, the customer's referrer binds,
/// each token's rules turn the amount into mints, the day's revenue grows, and `OrderCounted` records it. The intake
/// paths (`contracts/intake/`) check what is particular to them and call these steps.
/// @dev An order transaction loads every token's rules into memory once (`_loadWork`), counts its orders against
/// them (`_count`, effects only: each mint is appended to the token's credit list), writes each token's day once
/// (`_addRevenue`) and then makes one call per token (`_mint`), so a batch pays for its storage and its calls once,
/// and every call comes after every effect.
abstract contract OrderLedger is RuleLedger, NativeAsset {
    /// @dev A token's rules and what one transaction's orders mint of it.
    struct Work {
        IDividendToken token;
        uint256 dividendBps;
        uint256 referralBps;
        uint256 spendPerToken;
        uint256 maxSupply;
        /// @dev The referral bonus rule, loaded only for a referred first order (`type(uint256).max` until then).
        uint256 referralsPerToken;
        uint256 minFirstOrder;
        /// @dev One order's mints (a transaction of one order): consumption to `customer`, promotion to `referrer`.
        address customer;
        uint256 consumption;
        address referrer;
        uint256 promotion;
        /// @dev A batch's mints, packed (`account << 96 | amount`), `creditCount` of them used; empty for one order.
        uint256[] credits;
        uint256 creditCount;
        /// @dev Checkout escrow for this token (checkouts only).
        uint256 escrow;
    }

    /// @dev How an order's referrer binds.
    /// - `Strict` (checkout: the customer names its own referrer): a first order binds, with a referrer or without
    ///   one; a later order naming another referrer reverts.
    /// - `Yielding` (recorded orders): a first order binds as above; a later order naming another referrer counts with
    ///   the bound one (`ReferrerMismatch`), so that no customer can make the operator's batch revert.
    /// - `Deferred` (receipts and batch leaves, which anyone may submit in any order and nobody can correct): an order
    ///   without a referrer leaves a new customer unbound; otherwise as `Yielding`.
    enum Binding {
        Strict,
        Yielding,
        Deferred
    }

    /// @dev What the orders of one transaction share: the day they count on, their path and how they bind.
    struct Context {
        uint256 day;
        OrderPath path;
        Binding binding;
    }

    uint256 private constant _AMOUNT_MASK = type(uint96).max;
    uint256 private constant _NOT_LOADED = type(uint256).max;

    /// @dev Loads every token's rules (applying a due pending change) for a transaction of one order (`maxCredits`
    /// 0) or of a batch whose orders mint up to `maxCredits` times per token.
    function _loadWork(uint256 count, uint256 maxCredits) internal returns (Work[] memory work) {
        if (count == 0) revert ShopNoTokens();
        work = new Work[](count);
        for (uint256 i; i < count; ++i) {
            TokenTerms terms = _syncRules(i);
            Work memory w = work[i];
            w.token = IDividendToken(_tokenAt(i));
            w.dividendBps = terms.dividendBps();
            w.referralBps = terms.referralBps();
            w.spendPerToken = terms.spendPerToken();
            w.maxSupply = terms.maxSupply();
            w.referralsPerToken = _NOT_LOADED;
            if (maxCredits != 0) w.credits = new uint256[](maxCredits);
        }
    }

    /// @dev Marks the order id of a single-order transaction as used (reverts if it is 0 or used already).
    function _useOrderId(uint256 orderId) internal {
        if (orderId == 0) revert ShopInvalidOrderId(0);
        mapping(uint256 => uint256) storage bitmap = _layout().orderIds;
        uint256 wordIndex = orderId >> 8;
        uint256 bit = 1 << (orderId & 0xff);
        uint256 bits = bitmap[wordIndex];
        if (bits & bit != 0) revert ShopOrderIdUsed(orderId);
        bitmap[wordIndex] = bits | bit;
    }

    /// @dev Counts one order: checks it, binds the referrer, appends the mints of every token's rules to `work` and
    /// emits `OrderCounted`. The revenue is added by the caller (`_addRevenue`), the mints sent by `_mint`.
    function _count(
        Work[] memory work,
        Context memory context,
        uint256 orderId,
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer
    ) internal {
        if (orderHash == bytes32(0)) revert ShopInvalidOrderHash();
        if (customer == address(0)) revert ShopInvalidCustomer(orderHash);
        if (amount == 0) revert ShopInvalidAmount(orderHash, amount);
        (address bound, bool firstOrder) = _bind(customer, referrer, context.binding);
        emit OrderCounted(orderHash, customer, context.day, orderId, context.path, amount);
        uint256 count = work.length;
        for (uint256 i; i < count; ++i) _mintByRules(work[i], i, customer, bound, amount, firstOrder);
    }

    /// @dev Binds `customer`'s referrer on its first order and returns the referrer the order counts with.
    function _bind(
        address customer,
        address referrer,
        Binding binding
    ) private returns (address bound, bool firstOrder) {
        Customer memory c = _layout().customers[customer];
        firstOrder = !c.known;
        bound = c.referrer;
        if (firstOrder) {
            if (referrer != address(0)) {
                if (referrer == customer) revert ShopSelfReferral(customer);
                bound = referrer;
                _layout().customers[customer] = Customer({referrer: referrer, known: true});
                emit ReferrerBound(customer, referrer);
            } else if (binding != Binding.Deferred) {
                _layout().customers[customer] = Customer({referrer: address(0), known: true});
            }
        } else if (referrer != address(0) && referrer != bound) {
            if (binding == Binding.Strict) revert ShopReferrerAlreadyBound(customer, bound, referrer);
            emit ReferrerMismatch(customer, bound, referrer);
        }
    }

    /// @dev One token's mints for an order: consumption to the customer, promotion to its referrer.
    function _mintByRules(
        Work memory w,
        uint256 tokenIndex,
        address customer,
        address referrer,
        uint256 amount,
        bool firstOrder
    ) private {
        uint256 consumption = w.spendPerToken == 0 ? 0 : (amount * _ONE_TOKEN) / w.spendPerToken;
        uint256 promotion;
        if (referrer != address(0)) {
            promotion = (consumption * w.referralBps) / _BPS;
            if (firstOrder) {
                if (w.referralsPerToken == _NOT_LOADED) {
                    TokenCold memory cold = _layout().tokens[tokenIndex].cold;
                    w.referralsPerToken = cold.referralsPerToken;
                    w.minFirstOrder = cold.minFirstOrder;
                }
            }
            if (firstOrder && w.referralsPerToken != 0) {
                if (amount >= w.minFirstOrder) {
                    uint256 qualified = ++_layout().qualified[tokenIndex][referrer];
                    if (qualified % w.referralsPerToken == 0) promotion += _ONE_TOKEN;
                }
            }
        }
        // Consumption first, then promotion: the token mints them in this order within the supply cap.
        if (w.credits.length == 0) {
            w.customer = customer;
            w.consumption = consumption;
            w.referrer = referrer;
            w.promotion = promotion;
        } else {
            if (consumption != 0) _credit(w, customer, consumption);
            if (promotion != 0) _credit(w, referrer, promotion);
        }
    }

    function _credit(Work memory w, address account, uint256 amount) private pure {
        // No mint can exceed the 2^96 - 1 supply limit, so a larger amount mints the same as the limit.
        if (amount > _AMOUNT_MASK) amount = _AMOUNT_MASK;
        w.credits[w.creditCount++] = (uint256(uint160(account)) << 96) | amount;
    }

    /// @dev Adds `revenue` wei and `orders` orders to every token's `day`. A token's first order of the day fixes the
    /// day's dividend rate (its rate now). With `checkout`, each token escrows what the order adds to the day's debt
    /// in whole wei, i.e. the increase of `floor(revenue × dividendBps / 10000)`, within the payment: a day of
    /// checkouts only is then fully escrowed (but for a wei or two of dust payments to a shop with several tokens),
    /// and escrow never exceeds the debt.
    /// @return escrowTotal Wei to escrow in all (stored per token in `work[i].escrow`).
    function _addRevenue(
        Work[] memory work,
        uint256 day,
        uint256 revenue,
        uint256 orders,
        bool checkout
    ) internal returns (uint256 escrowTotal) {
        uint256 count = work.length;
        for (uint256 i; i < count; ++i) {
            uint256 payment = checkout ? revenue - escrowTotal : 0;
            uint256 escrow = _addTokenRevenue(i, work[i].dividendBps, day, revenue, orders, payment);
            work[i].escrow = escrow;
            escrowTotal += escrow;
        }
    }

    /// @dev `_addRevenue` for token `tokenIndex`, whose rate now is `dividendBps`; escrows up to `payment` wei of a
    /// checkout. Returns the escrow.
    function _addTokenRevenue(
        uint256 tokenIndex,
        uint256 dividendBps,
        uint256 day,
        uint256 revenue,
        uint256 orders,
        uint256 payment
    ) internal returns (uint256 escrow) {
        mapping(uint256 => DayEntry) storage days_ = _layout().tokenDays[tokenIndex];
        DayEntry entry = days_[day];
        uint256 dayRevenue = entry.revenue();
        if (dayRevenue == 0) {
            if (tokenIndex == 0) _layout().revenueDays.push(day);
        } else {
            dividendBps = entry.dividendBps();
        }
        uint256 newRevenue = dayRevenue + revenue;
        uint256 newCount = entry.orderCount() + orders;
        if (newRevenue > DayEntryLib.MAX_REVENUE || newCount > DayEntryLib.MAX_ORDERS) {
            revert ShopDayCapacityExceeded(day);
        }
        uint256 escrowed = entry.escrowed();
        if (payment != 0) {
            // With several tokens the whole-wei increases can add up to a few wei more than a dust payment:
            // escrow never takes more than what is left of the payment.
            uint256 increase = (newRevenue * dividendBps) / _BPS - (dayRevenue * dividendBps) / _BPS;
            escrow = increase < payment ? increase : payment;
            // The day's escrow is at most what its checkouts paid in: real coin, far below 2^96.
            escrowed += escrow;
        }
        days_[day] = DayEntryLib.pack(newRevenue, escrowed, dividendBps, newCount, entry.flags());
    }

    /// @dev Sends each token its mints (and a checkout's escrow): one call per token, after every effect.
    function _mint(Work[] memory work) internal {
        uint256 count = work.length;
        for (uint256 i; i < count; ++i) {
            Work memory w = work[i];
            uint256 value = _assetForCall(address(w.token), w.escrow);
            if (w.credits.length == 0) {
                if (w.consumption == 0 && w.promotion == 0 && value == 0) continue;
                w.token.mintOrder{value: value}(w.customer, w.consumption, w.referrer, w.promotion, w.maxSupply);
            } else {
                if (w.creditCount == 0) continue;
                uint256[] memory credits = w.credits;
                uint256 used = w.creditCount;
                // Inline assembly: shrinks the credit list in place to the entries used (only lowers its length).
                // solhint-disable-next-line no-inline-assembly
                assembly ("memory-safe") {
                    mstore(credits, used)
                }
                w.token.mintBatch(credits, w.maxSupply);
            }
        }
    }
}
