// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDividendToken} from "../interfaces/IDividendToken.sol";
import {NativeAsset} from "../payouts/NativeAsset.sol";
import {DayEntry, DayEntryLib} from "../types/DayEntry.sol";
import {TokenTerms} from "../types/TokenTerms.sol";
import {RuleLedger} from "./RuleLedger.sol";

/// @title OrderLedger
/// @notice How an order counts, whatever path it came by: the customer's referrer binds, each token's rules turn the
/// amount into mints, the day's revenue grows, and `OrderCounted` records it. The intake paths (`contracts/intake/`)
/// check what is particular to them (order ids, signatures, proofs, payments) and call these steps.
/// @dev Two engines, one set of rules:
/// - one order (`_checkOne`, `OrderCounted`, `_mintsOfOne`, then `_sendMints`): a recorded order, a payment, a receipt
///   or a batch leaf. Every effect first (binding, referral counts, the day's revenue and escrow), then one call per
///   token.
/// - a batch of recorded orders (`_loadWork`, `_count` per order, `_addRevenue`, `_mintBatches`): every token's
///   rules are loaded into memory once, each order's mints are appended to the token's credit list, each token's
///   day is written once and each token called once, so a batch pays for its storage and its calls once.
abstract contract OrderLedger is RuleLedger, NativeAsset {
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

    /// @dev What one order mints of one token, and escrows in it.
    struct Mint {
        uint256 consumption;
        uint256 promotion;
        uint256 cap;
        uint256 escrow;
    }

    /// @dev A token's rules and what a batch of recorded orders mints of it.
    struct Work {
        uint256 dividendBps;
        uint256 referralBps;
        uint256 spendPerToken;
        uint256 maxSupply;
        /// @dev The referral bonus rule, loaded only for a referred first order (`type(uint256).max` until then).
        uint256 referralsPerToken;
        uint256 minFirstOrder;
        /// @dev Packed mints (`account << 96 | amount`), `creditCount` of them used.
        uint256[] credits;
        uint256 creditCount;
    }

    uint256 private constant _AMOUNT_MASK = type(uint96).max;
    uint256 private constant _NOT_LOADED = type(uint256).max;

    // ---------------------------------------------------------------- One order

    /// @dev Checks one order and binds its customer's referrer; returns the referrer the order counts with and whether
    /// it is the customer's first order. The caller emits `OrderCounted` and calls `_mintsOfOne`.
    function _checkOne(
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer,
        Binding binding
    ) internal returns (address bound, bool firstOrder) {
        if (orderHash == bytes32(0)) revert ShopInvalidOrderHash();
        if (customer == address(0)) revert ShopInvalidCustomer(orderHash);
        if (amount == 0) revert ShopInvalidAmount(orderHash, amount);
        return _bind(customer, referrer, binding);
    }

    /// @dev Works out what one order of `amount` mints of each of the shop's first `count` tokens and, with
    /// `addsRevenue` (every path but a batch leaf, whose batch counted it), adds it to each token's `day`; with
    /// `escrows` (a checkout, whose amount is the payment) also escrows each token's dividend share. Effects only;
    /// `_sendMints` makes the calls.
    function _mintsOfOne(
        uint256 count,
        uint256 day,
        uint256 amount,
        address referrer,
        bool firstOrder,
        bool addsRevenue,
        bool escrows
    ) internal returns (Mint[] memory mints, uint256 escrowTotal) {
        if (count == 0) revert ShopNoTokens();
        mints = new Mint[](count);
        for (uint256 i; i < count; ++i) {
            TokenTerms terms = _syncRules(i);
            Mint memory m = mints[i];
            if (addsRevenue) {
                // A checkout escrows within what is left of its payment.
                uint256 payment = escrows ? amount - escrowTotal : 0;
                m.escrow = _addTokenRevenue(i, terms.dividendBps(), day, amount, 1, payment);
                escrowTotal += m.escrow;
            }
            (m.consumption, m.promotion) = _mintsOf(i, terms, amount, referrer, firstOrder);
            m.cap = terms.maxSupply();
        }
    }

    /// @dev Sends each token one order's mints (and escrow): one call per token, after every effect. With `record`
    /// (a payment, which a refund may take back) returns what each token minted, packed as in `Capture.minted`
    /// (consumption in the low 96 bits, promotion above); otherwise an empty list.
    function _sendMints(
        Mint[] memory mints,
        address customer,
        address referrer,
        bool record
    ) internal returns (uint256[] memory minted) {
        uint256 count = mints.length;
        if (record) minted = new uint256[](count);
        for (uint256 i; i < count; ++i) {
            Mint memory m = mints[i];
            if (m.consumption == 0 && m.promotion == 0 && m.escrow == 0) continue;
            address token = _tokenAt(i);
            uint256 made = IDividendToken(token).mintOrder{value: _assetForCall(token, m.escrow)}(
                customer,
                m.consumption,
                referrer,
                m.promotion,
                m.cap
            );
            if (record) minted[i] = made;
        }
    }

    // ---------------------------------------------------------------- A batch of recorded orders

    /// @dev Loads every token's rules (applying a due pending change) for a batch whose orders mint up to
    /// `maxCredits` times per token.
    function _loadWork(uint256 count, uint256 maxCredits) internal returns (Work[] memory work) {
        if (count == 0) revert ShopNoTokens();
        work = new Work[](count);
        for (uint256 i; i < count; ++i) {
            TokenTerms terms = _syncRules(i);
            Work memory w = work[i];
            w.dividendBps = terms.dividendBps();
            w.referralBps = terms.referralBps();
            w.spendPerToken = terms.spendPerToken();
            w.maxSupply = terms.maxSupply();
            w.referralsPerToken = _NOT_LOADED;
            w.credits = new uint256[](maxCredits);
        }
    }

    /// @dev Counts one order of a batch: checks it, binds the referrer, emits `OrderCounted` and appends every token's
    /// mints to `work`. The revenue is added by the caller (`_addRevenue`), the mints sent by `_mintBatches`.
    function _count(
        Work[] memory work,
        uint256 day,
        uint256 orderId,
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer
    ) internal {
        if (orderHash == bytes32(0)) revert ShopInvalidOrderHash();
        if (customer == address(0)) revert ShopInvalidCustomer(orderHash);
        if (amount == 0) revert ShopInvalidAmount(orderHash, amount);
        (address bound, bool firstOrder) = _bind(customer, referrer, Binding.Yielding);
        emit OrderCounted(orderHash, customer, day, orderId, OrderPath.Recorded, amount);
        uint256 count = work.length;
        for (uint256 i; i < count; ++i) {
            Work memory w = work[i];
            if (firstOrder && bound != address(0) && w.referralsPerToken == _NOT_LOADED) {
                TokenCold memory cold = _layout().tokens[i].cold;
                w.referralsPerToken = cold.referralsPerToken;
                w.minFirstOrder = cold.minFirstOrder;
            }
            (uint256 consumption, uint256 promotion) = _batchMintsOf(w, i, amount, bound, firstOrder);
            // Consumption first, then promotion: the token mints them in this order within the supply cap.
            if (consumption != 0) _credit(w, customer, consumption);
            if (promotion != 0) _credit(w, bound, promotion);
        }
    }

    /// @dev Adds a batch's `revenue` wei and `orders` orders to every token's `day`.
    function _addRevenue(Work[] memory work, uint256 day, uint256 revenue, uint256 orders) internal {
        uint256 count = work.length;
        for (uint256 i; i < count; ++i) _addTokenRevenue(i, work[i].dividendBps, day, revenue, orders, 0);
    }

    /// @dev Sends each token a batch's mints: one call per token, after every effect.
    function _mintBatches(Work[] memory work) internal {
        uint256 count = work.length;
        for (uint256 i; i < count; ++i) {
            Work memory w = work[i];
            if (w.creditCount == 0) continue;
            uint256[] memory credits = w.credits;
            uint256 used = w.creditCount;
            // Inline assembly: shrinks the credit list in place to the entries used (only lowers its length).
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                mstore(credits, used)
            }
            IDividendToken(_tokenAt(i)).mintBatch(credits, w.maxSupply);
        }
    }

    // ---------------------------------------------------------------- Shared steps

    /// @dev Marks the order id of a single-order transaction as used (reverts if it is 0 or used already). A batch of
    /// recorded orders marks its ids itself, a bitmap word at a time, and skips used ones.
    function _useOrderId(uint256 orderId) internal {
        if (orderId == 0) revert ShopInvalidOrderId(0);
        mapping(uint256 => uint256) storage bitmap = _layout().orderIds;
        uint256 wordIndex = orderId >> 8;
        uint256 bit = 1 << (orderId & 0xff);
        uint256 bits = bitmap[wordIndex];
        if (bits & bit != 0) revert ShopOrderIdUsed(orderId);
        bitmap[wordIndex] = bits | bit;
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

    /// @dev Token `tokenIndex`'s mints for one order: consumption to the customer, promotion to its bound referrer
    /// (the referral share, plus one token per `referralsPerToken` qualifying referred first orders).
    function _mintsOf(
        uint256 tokenIndex,
        TokenTerms terms,
        uint256 amount,
        address referrer,
        bool firstOrder
    ) private returns (uint256 consumption, uint256 promotion) {
        uint256 spendPerToken = terms.spendPerToken();
        consumption = spendPerToken == 0 ? 0 : (amount * _ONE_TOKEN) / spendPerToken;
        if (referrer == address(0)) return (consumption, 0);
        promotion = (consumption * terms.referralBps()) / _BPS;
        if (firstOrder) {
            TokenCold memory cold = _layout().tokens[tokenIndex].cold;
            promotion += _referralBonus(tokenIndex, cold.referralsPerToken, cold.minFirstOrder, amount, referrer);
        }
    }

    /// @dev `_mintsOf` for a batch, with the rules already in `w`.
    function _batchMintsOf(
        Work memory w,
        uint256 tokenIndex,
        uint256 amount,
        address referrer,
        bool firstOrder
    ) private returns (uint256 consumption, uint256 promotion) {
        consumption = w.spendPerToken == 0 ? 0 : (amount * _ONE_TOKEN) / w.spendPerToken;
        if (referrer == address(0)) return (consumption, 0);
        promotion = (consumption * w.referralBps) / _BPS;
        if (firstOrder) promotion += _referralBonus(tokenIndex, w.referralsPerToken, w.minFirstOrder, amount, referrer);
    }

    /// @dev The referrer's bonus for a referred first order of `amount`: one whole token when the order qualifies
    /// (`amount >= minFirstOrder`) and brings the referrer's qualifying count to a multiple of `referralsPerToken`.
    function _referralBonus(
        uint256 tokenIndex,
        uint256 referralsPerToken,
        uint256 minFirstOrder,
        uint256 amount,
        address referrer
    ) private returns (uint256) {
        if (referralsPerToken == 0 || amount < minFirstOrder) return 0;
        uint256 qualified = ++_layout().qualified[tokenIndex][referrer];
        return qualified % referralsPerToken == 0 ? _ONE_TOKEN : 0;
    }

    function _credit(Work memory w, address account, uint256 amount) private pure {
        // No mint can exceed the token's 2^95 - 1 supply limit, so a larger amount mints the same as the limit.
        if (amount > _AMOUNT_MASK) amount = _AMOUNT_MASK;
        w.credits[w.creditCount++] = (uint256(uint160(account)) << 96) | amount;
    }

    /// @dev Adds `revenue` wei and `orders` orders to token `tokenIndex`'s `day`, whose rate is `dividendBps` if the
    /// day is new (a token's first order of the day fixes the day's rate). Escrows up to `payment` wei of a
    /// checkout: what the order adds to the day's debt in whole wei, i.e. the increase of
    /// `floor(revenue × dividendBps / 10000)`, so that a day of checkouts only is fully escrowed (but for a wei or
    /// two of dust payments to a shop with several tokens) and escrow never exceeds the debt. Returns the escrow.
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
            escrowed += escrow;
            // A token-day keeps at most 2^96 - 1 wei of escrow (79 billion coins of checkouts in a day).
            if (escrowed > DayEntryLib.MAX_ESCROW) revert ShopDayCapacityExceeded(day);
        }
        days_[day] = DayEntryLib.pack(newRevenue, escrowed, dividendBps, newCount, entry.flags());
    }
}
