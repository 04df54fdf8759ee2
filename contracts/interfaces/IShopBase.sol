// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IShopBase
/// @notice The types, errors and events of a ShareMall shop, shared by its four implementations (`Shop`, which takes
/// orders and charges and settles days; `ShopPayments`, which holds, captures, returns and refunds payments;
/// `ShopAdmin`, which manages tokens, rules and roles; `ShopLens`, which serves the views). `IShop` is the whole
/// interface of a shop clone.
/// @dev Sharp edges a caller must know:
/// - Amounts are in wei of the native coin; token amounts in token-wei (18 decimals).
/// - A day is `floor((timestamp + utcOffset) / 1 days)` (see `DayMath`); revenue counts on the day it is counted
///   (a Merkle batch's on its anchoring day).
/// - Orders of the operator's paths (recorded, receipt, Merkle batch) carry an operator-assigned order id: each id
///   counts once across those three paths. An on-chain payment (the checkout path: `charge`, or `authorize` then a
///   capture) counts once per `(orderHash, customer)`.
/// - A day owes each token `revenue × dividendBps / 10000`, at the token's rate for that day: the rate in force at
///   the day's first order, raised by any raise made during the day (a scheduled lowering applies from the next day).
/// - Only a raise of `dividendBps` applies at once; every other rule change waits for the token's notice period
///   and applies lazily, at the first order, pool mint or `applyPendingRules` call after it falls due.
/// - Holders' dividends are escrowed in the token contracts; the shop's own coin is exactly `merchantBalance` plus the
///   held payments plus the returns owed to customers (`returnsOwed`).
interface IShopBase {
    /// @notice Minting and dividend rules of one token. Changed only through `changeRules` (notice rules apply).
    /// @param spendPerToken Wei of spend that mints one whole token to the customer; 0 disables consumption minting.
    /// @param minFirstOrder Smallest first order (wei) of a referred customer that counts toward `referralsPerToken`.
    /// @param referralsPerToken One whole token to the referrer per this many qualifying referees; 0 disables.
    /// @param dividendBps Share of the shop's daily revenue paid to this token's holders, in basis points.
    /// @param referralBps Share of the referee's consumption tokens minted to its referrer, in basis points.
    /// @param maxSupply Largest supply in token-wei; 0 for no cap. Past it, orders still count but mint nothing.
    /// @param poolNum Numerator of the management pool ratio (the pool may mint `minted × poolNum / poolDen`).
    /// @param poolDen Denominator of the management pool ratio; 0 (with `poolNum` 0) disables the pool.
    struct TokenRules {
        uint96 spendPerToken;
        uint96 minFirstOrder;
        uint32 referralsPerToken;
        uint16 dividendBps;
        uint16 referralBps;
        uint96 maxSupply;
        uint16 poolNum;
        uint16 poolDen;
    }

    /// @notice Everything needed to create a token.
    /// @param name ERC-20 name, 1 to 64 bytes.
    /// @param symbol ERC-20 symbol, 1 to 16 bytes.
    /// @param transferable Whether holders may transfer it; fixed forever.
    /// @param noticePeriod Seconds a scheduled rule change waits; 0 means the default of 7 days, else at least 1 day.
    /// @param rules The initial rules.
    struct TokenParams {
        string name;
        string symbol;
        bool transferable;
        uint32 noticePeriod;
        TokenRules rules;
    }

    /// @notice One order of the recorded path.
    /// @param orderId Operator-assigned order number, not zero; each id counts once across the operator's paths.
    /// @param orderHash The order's commitment (see docs/order-hashing.md); not zero.
    /// @param customer The buyer, who receives the consumption tokens.
    /// @param amount Wei of revenue.
    /// @param referrer The customer's referrer on its first order (zero for none).
    struct Order {
        uint64 orderId;
        bytes32 orderHash;
        address customer;
        uint96 amount;
        address referrer;
    }

    /// @notice A token of the shop with its bookkeeping, as returned by `tokenConfig`.
    /// @param token The token contract.
    /// @param noticePeriod Seconds a scheduled rule change waits.
    /// @param pendingAt When the pending rule change applies (0: none pending).
    /// @param rules The rules as stored (a pending change that is already due applies at the next use).
    /// @param minted Token-wei minted so far (the token's supply).
    /// @param poolAllowance Token-wei the pool manager may mint now.
    /// @param pending The pending rules (all zero when `pendingAt` is 0).
    struct TokenConfig {
        address token;
        uint32 noticePeriod;
        uint40 pendingAt;
        TokenRules rules;
        uint96 minted;
        uint96 poolAllowance;
        TokenRules pending;
    }

    /// @notice A day's revenue and settlement status, as returned by `dayRecord`.
    /// @param revenue Wei of revenue counted on the day (by the shop's first token, which counts every order).
    /// @param orderCount Orders counted on the day (a Merkle batch counts all of its orders when anchored).
    /// @param settled Whether every token's dividends of the day have been paid out in full.
    struct DayRecord {
        uint128 revenue;
        uint64 orderCount;
        bool settled;
    }

    /// @notice What one token is owed for one day, as returned by `tokenDay`.
    /// @param revenue Wei of revenue the token counted that day (orders since the token existed).
    /// @param dividendBps The token's dividend rate for the day.
    /// @param owed `revenue × dividendBps / 10000`: wei of dividends the day owes the token.
    /// @param escrowed Part of `owed` escrowed in the token by that day's checkouts.
    /// @param escrowReleased Whether the escrow has been distributed to the holders.
    /// @param settled Whether the whole of `owed` has been distributed.
    struct TokenDay {
        uint256 revenue;
        uint256 dividendBps;
        uint256 owed;
        uint256 escrowed;
        bool escrowReleased;
        bool settled;
    }

    /// @notice A past day that still owes dividends, as listed by `unsettledDays`.
    /// @param day Day index.
    /// @param owed Wei of dividends not yet distributed, all tokens together.
    /// @param unfunded Part of `owed` that the checkout escrow does not cover: what the merchant must fund.
    struct UnsettledDay {
        uint256 day;
        uint256 owed;
        uint256 unfunded;
    }

    /// @notice An order receipt signed off chain by an operator (order path 2), EIP-712 type `Receipt(address shop,
    /// uint256 chainId,uint256 orderId,address customer,uint256 amount,bytes32 orderHash,address referrer,uint256
    /// deadline)` (one line) in the domain {name: "ShareMall Shop", version: "2", chainId, verifyingContract: shop}.
    /// `shop` and `chainId` repeat the domain so that a receipt for another shop or chain fails with its own error.
    struct Receipt {
        address shop;
        uint256 chainId;
        uint64 orderId;
        address customer;
        uint96 amount;
        bytes32 orderHash;
        address referrer;
        uint64 deadline;
    }

    /// @notice An anchored Merkle batch of orders (order path 4), keyed by its root.
    /// @param day Shop day the batch's revenue counted on (the anchoring day).
    /// @param firstOrderId Order id of the batch's first leaf; its leaves carry the ids `firstOrderId` to
    /// `firstOrderId + orderCount - 1`.
    /// @param orderCount Orders in the batch.
    /// @param mintedCount Leaves minted so far.
    /// @param unmintedRevenue Anchored revenue not yet claimed by minted leaves: a leaf whose amount exceeds it
    /// cannot mint, so the leaves can never mint more than the revenue the batch counted.
    /// @param tokenCount Tokens the shop had at anchoring: a leaf mints those (whose holders the batch's revenue paid),
    /// not tokens created later.
    struct Batch {
        uint32 day;
        uint64 firstOrderId;
        uint32 orderCount;
        uint32 mintedCount;
        uint96 unmintedRevenue;
        uint8 tokenCount;
    }

    /// @notice The terms of a payment held for its customer (`authorize`), fixed at authorization and passed back to
    /// every later step (`capture`, `confirm`, `autoCapture`, `void`, `reclaim`, `requestReturn`), which checks them
    /// against the payment's record. `PaymentAuthorized` carries them all.
    /// @param orderHash The order's commitment (see docs/order-hashing.md).
    /// @param customer Who paid, and to whom every returned wei goes.
    /// @param referrer The referrer the customer named (the order counts with the customer's bound one, if any).
    /// @param amount Wei held.
    /// @param autoCaptureAt From this time anyone may capture the payment in full (`autoCapture`), unless the customer
    /// asked to return the goods: the authorization time plus the shop's return window then in force.
    /// @param expiry The authorization expiry, chosen by the customer: no capture at or after it, and from it the
    /// customer may take a payment still held back (`reclaim`). Later than `autoCaptureAt`.
    struct Payment {
        bytes32 orderHash;
        address customer;
        address referrer;
        uint96 amount;
        uint40 autoCaptureAt;
        uint40 expiry;
    }

    /// @notice What a refund of a captured payment needs, fixed at capture and passed back to `refund`, which checks it
    /// against the payment's record. `PaymentCaptured` carries it all. The referrer whose promotion tokens a refund
    /// takes back is the customer's bound referrer (`customerOf`), which a capture fixes for good.
    /// @param orderHash The order's commitment.
    /// @param customer Who paid; receives the refund.
    /// @param amount Wei captured.
    /// @param refundDeadline The last second at which a refund is accepted: the capture time plus the shop's return
    /// window then in force.
    /// @param minted What the order minted of each token (index = token index): consumption tokens to the customer in
    /// the low 96 bits, promotion tokens to the referrer in the next 96.
    struct Capture {
        bytes32 orderHash;
        address customer;
        uint96 amount;
        uint40 refundDeadline;
        uint256[] minted;
    }

    /// @notice Where a payment stands, as returned by `payment`. A voided or reclaimed payment leaves no record
    /// (`None`): its events say what became of it.
    enum PaymentStatus {
        None,
        Held,
        ReturnRequested,
        Captured
    }

    /// @notice Who made a payment count.
    /// - `Operator`: `capture`, in full or in part; `Customer`: `confirm`; `Auto`: `autoCapture`, by anyone after the
    ///   return window; `Charge`: `charge`, authorized and captured in one call by the customer.
    enum CaptureKind {
        Operator,
        Customer,
        Auto,
        Charge
    }

    /// @notice The path an order came in by.
    enum OrderPath {
        Recorded,
        Receipt,
        Checkout,
        MerkleBatch
    }

    /// @notice Thrown when `initialize` is given the zero address as admin.
    error ShopInvalidAdmin(address admin);
    /// @notice Thrown when the UTC offset is outside UTC-12:00..UTC+14:00.
    error ShopInvalidUtcOffset(int32 utcOffset);
    /// @notice Thrown when a shop already has `max` tokens.
    error ShopTooManyTokens(uint256 max);
    /// @notice Thrown when `tokenIndex` names no token of the shop.
    error ShopUnknownToken(uint256 tokenIndex, uint256 tokenCount);
    /// @notice Thrown when an order comes in before the shop has a token (the tokens count the revenue).
    error ShopNoTokens();
    /// @notice Thrown when the tokens' dividend shares would add up to more than 100 %.
    error ShopDividendBpsTooHigh(uint256 totalBps);
    /// @notice Thrown when someone other than the leaf's customer or an operator mints a batch leaf.
    error ShopNotLeafCustomer(address caller, address customer);
    /// @notice Thrown when a rule set is inconsistent; `reason` names the offending field.
    error ShopInvalidRules(string reason);
    /// @notice Thrown when a notice period is shorter than one day.
    error ShopNoticePeriodTooShort(uint256 noticePeriod, uint256 minimum);
    /// @notice Thrown when an order has a zero hash.
    error ShopInvalidOrderHash();
    /// @notice Thrown when an order of the operator's paths has order id 0.
    error ShopInvalidOrderId(uint256 orderId);
    /// @notice Thrown when an order names the zero address as customer.
    error ShopInvalidCustomer(bytes32 orderHash);
    /// @notice Thrown when an order's amount is zero or does not fit in 96 bits.
    error ShopInvalidAmount(bytes32 orderHash, uint256 amount);
    /// @notice Thrown when a token name (1 to 64 bytes) or symbol (1 to 16 bytes) has a bad length.
    error ShopInvalidTokenMetadata(string name, string symbol);
    /// @notice Thrown when a customer pays again for an order hash whose payment already counted (a double submission).
    error ShopOrderAlreadyCounted(bytes32 orderHash);
    /// @notice Thrown when an order id of the operator's paths has already counted (or its batch leaf minted).
    error ShopOrderIdUsed(uint256 orderId);
    /// @notice Thrown when a customer names itself as referrer.
    error ShopSelfReferral(address customer);
    /// @notice Thrown when a charge names a referrer for a customer already bound to `bound` (possibly to none).
    error ShopReferrerAlreadyBound(address customer, address bound, address given);
    /// @notice Thrown when an empty batch is recorded.
    error ShopEmptyBatch();
    /// @notice Thrown when a token-day's revenue (2^104 - 1 wei), checkout escrow (2^96 - 1 wei) or order count
    /// (2^32 - 1) would overflow.
    error ShopDayCapacityExceeded(uint256 day);
    /// @notice Thrown when settling `day` before it is over (`today` is the shop's current day).
    error ShopDayNotOver(uint256 day, uint256 today);
    /// @notice Thrown when settling a day whose dividends have all been distributed.
    error ShopDayAlreadySettled(uint256 day);
    /// @notice Thrown when settling a day that owes nothing (no revenue, or no dividend share).
    error ShopNothingToSettle(uint256 day);
    /// @notice Thrown when a settlement can do nothing at all: no escrow left to release, and the merchant balance
    /// and the call's value together fall short of the day's unfunded dividends.
    /// @param day The day being settled.
    /// @param required Wei needed beyond the checkout escrow.
    /// @param available Merchant balance including the call's value.
    /// @param missing `required - available`: what the merchant must deposit or send.
    error ShopSettlementUnderfunded(uint256 day, uint256 required, uint256 available, uint256 missing);
    /// @notice Thrown when a pool mint exceeds the pool allowance.
    error ShopPoolAllowanceExceeded(uint256 tokenIndex, uint256 allowance, uint256 amount);
    /// @notice Thrown when a pool mint would take the supply past `maxSupply`.
    error ShopMaxSupplyExceeded(uint256 tokenIndex, uint256 maxSupply, uint256 supplyAfter);
    /// @notice Thrown when a withdrawal exceeds the merchant balance.
    error ShopInsufficientBalance(uint256 balance, uint256 amount);
    /// @notice Thrown when the merchant balance would pass 2^128 - 1 wei.
    error ShopBalanceOverflow(uint256 balance, uint256 amount);
    /// @notice Thrown when coin is deposited into anything but a shop clone, e.g. into the shop implementation itself,
    /// where it would be locked.
    error ShopNotAClone();
    /// @notice Thrown when the `Shop` implementation is deployed with a payments module that has no code.
    error ShopInvalidModule(address module);
    /// @notice Thrown when the zero address is given where an account is required.
    error ShopZeroAddress();
    /// @notice Thrown when zero is given where an amount is required.
    error ShopZeroValue();
    /// @notice Thrown when the withdrawal recipient rejects the coin.
    error ShopWithdrawalFailed(address to, uint256 amount);
    /// @notice Thrown when a receipt's deadline has passed.
    error ShopReceiptExpired(uint256 deadline, uint256 timestamp);
    /// @notice Thrown when a receipt was made for another chain.
    error ShopReceiptWrongChain(uint256 expected, uint256 chainId);
    /// @notice Thrown when a receipt was made for another shop.
    error ShopReceiptWrongShop(address expected, address shop);
    /// @notice Thrown when the receipt's signer does not hold the operator role.
    error ShopReceiptSignerNotOperator(address signer);
    /// @notice Thrown when the signature is not `signer`'s signature of the receipt (ECDSA or ERC-1271).
    error ShopReceiptInvalidSignature(address signer);
    /// @notice Thrown when a batch anchors no orders, more than 2^24, no revenue, more than 2^96 - 1 wei, or ids
    /// that start at 0 or run past 2^64 - 1.
    error ShopInvalidBatch(uint256 firstOrderId, uint256 orderCount, uint256 totalRevenue);
    /// @notice Thrown when a batch root is anchored a second time.
    error ShopBatchAlreadyAnchored(bytes32 root);
    /// @notice Thrown when minting from a root that was never anchored.
    error ShopUnknownBatch(bytes32 root);
    /// @notice Thrown when a leaf's order id is outside the batch's id range.
    error ShopBatchOrderIdOutOfRange(bytes32 root, uint256 orderId, uint256 firstOrderId, uint256 orderCount);
    /// @notice Thrown when the proof does not prove the leaf against the root.
    error ShopInvalidProof(bytes32 root, uint256 orderId);
    /// @notice Thrown when a leaf's amount exceeds the batch revenue its minted leaves have not yet claimed.
    error ShopBatchRevenueExceeded(bytes32 root, uint256 unmintedRevenue, uint256 amount);
    /// @notice Thrown when there is no pending rule change to cancel or apply.
    error ShopNoPendingRules(uint256 tokenIndex);
    /// @notice Thrown when applying a pending change before its time.
    error ShopRulesNotDue(uint256 tokenIndex, uint256 pendingAt);

    /// @notice Thrown when the customer authorizes or charges an order it already has a payment held for.
    error ShopPaymentExists(bytes32 orderHash, address customer);
    /// @notice Thrown when a step needs a held payment and `customer` has none for `orderHash` (never authorized,
    /// voided, reclaimed or captured already).
    error ShopPaymentNotHeld(bytes32 orderHash, address customer);
    /// @notice Thrown when a refund names a payment that was not captured.
    error ShopPaymentNotCaptured(bytes32 orderHash, address customer);
    /// @notice Thrown when the terms passed (`Payment` or `Capture`) are not those the payment's record committed to.
    error ShopPaymentTermsMismatch(bytes32 orderHash, address customer);
    /// @notice Thrown when a payment is captured at or after its authorization expiry.
    error ShopPaymentExpired(uint256 expiry, uint256 timestamp);
    /// @notice Thrown when a payment is reclaimed before its authorization expiry.
    error ShopPaymentNotExpired(uint256 expiry, uint256 timestamp);
    /// @notice Thrown when an authorization expiry is not later than the auto-capture time (`earliest` is the first
    /// expiry accepted).
    error ShopInvalidExpiry(uint256 expiry, uint256 earliest);
    /// @notice Thrown when a capture takes nothing or more than the payment holds.
    error ShopInvalidCaptureAmount(uint256 amount, uint256 held);
    /// @notice Thrown when `caller` takes a step that only the payment's customer may take.
    error ShopNotPaymentCustomer(address caller, address customer);
    /// @notice Thrown when a payment is auto-captured before its return window is over.
    error ShopAutoCaptureNotDue(uint256 autoCaptureAt, uint256 timestamp);
    /// @notice Thrown when a payment whose customer asked to return the goods is auto-captured, or asked again.
    error ShopReturnRequested(bytes32 orderHash, address customer);
    /// @notice Thrown when the customer asks to return the goods after the return window.
    error ShopReturnWindowClosed(uint256 autoCaptureAt, uint256 timestamp);
    /// @notice Thrown when a refund takes nothing or more than the capture has left to refund.
    error ShopInvalidRefundAmount(uint256 amount, uint256 refundable);
    /// @notice Thrown when a refund comes after the capture's refund deadline.
    error ShopRefundDeadlinePassed(uint256 refundDeadline, uint256 timestamp);
    /// @notice Thrown when a return window is outside `[minimum, maximum]` seconds.
    error ShopInvalidReturnWindow(uint256 window, uint256 minimum, uint256 maximum);
    /// @notice Thrown when `customer` withdraws returned coin and none is owed to it.
    error ShopNoReturnsOwed(address customer);
    /// @notice Thrown when the recipient of a withdrawal of returned coin rejects it.
    error ShopReturnWithdrawalFailed(address to, uint256 amount);

    /// @notice Emitted once, when the factory initialises the shop.
    event ShopInitialized(address indexed factory, address indexed admin, int32 utcOffset);
    /// @notice Emitted when a token is created.
    event TokenCreated(
        uint256 indexed tokenIndex,
        address indexed token,
        string name,
        string symbol,
        bool transferable,
        uint32 noticePeriod,
        TokenRules rules
    );
    /// @notice Emitted when new rules take effect (at once, or when a pending change applies).
    event RulesChanged(uint256 indexed tokenIndex, TokenRules rules);
    /// @notice Emitted when a rule change is scheduled to apply at `effectiveAt` (every change but a pure raise of
    /// `dividendBps` is).
    event RulesChangeScheduled(uint256 indexed tokenIndex, TokenRules rules, uint256 effectiveAt);
    /// @notice Emitted when a pending rule change is dropped: cancelled by the admin, or replaced by a change that
    /// applies at once.
    event RulesChangeCancelled(uint256 indexed tokenIndex);
    /// @notice Emitted for every order that counts, whatever its path: the shop's order ledger.
    /// @param day The shop day the order's revenue counts on (for a batch leaf, the batch's anchoring day).
    /// @param orderId The operator-assigned id (0 for an on-chain payment, which the customer keys by its hash).
    event OrderCounted(
        bytes32 indexed orderHash,
        address indexed customer,
        uint256 day,
        uint256 orderId,
        OrderPath path,
        uint256 amount
    );
    /// @notice Emitted by `recordOrders` for an order whose id has already counted: the order is left out and the
    /// rest of the batch counts, so a batch can be sent again safely.
    event OrderSkipped(uint256 indexed orderId, bytes32 orderHash, address customer);
    /// @notice Emitted when a customer's referrer is bound (at its first order that names one).
    event ReferrerBound(address indexed customer, address indexed referrer);
    /// @notice Emitted when an order of the operator's paths names a referrer other than the one `customer` is bound
    /// to: the order counts with the bound referrer (`bound`, possibly none) and `named` gets nothing.
    event ReferrerMismatch(address indexed customer, address bound, address named);
    /// @notice Emitted when the pool manager mints pool tokens to a service contributor.
    event PoolMinted(uint256 indexed tokenIndex, address indexed to, uint256 amount, bytes32 indexed reason);
    /// @notice Emitted when the customer authorizes a payment: `amount` wei are held for it, not revenue, until the
    /// payment is captured, voided or reclaimed. The fields are the payment's terms (`Payment`).
    event PaymentAuthorized(
        bytes32 indexed orderHash,
        address indexed customer,
        address referrer,
        uint256 amount,
        uint256 autoCaptureAt,
        uint256 expiry
    );
    /// @notice Emitted when a payment counts as an order (with its `OrderCounted`, path `Checkout`): `amount` wei of it
    /// are captured (their dividend share escrowed in the tokens, the rest credited to the merchant balance); what a
    /// partial capture leaves of a held payment goes back to the customer. `amount`, `refundDeadline` and `minted` are
    /// the capture's terms (`Capture`), which a refund passes back.
    event PaymentCaptured(
        bytes32 indexed orderHash,
        address indexed customer,
        CaptureKind kind,
        uint256 amount,
        uint256 refundDeadline,
        uint256[] minted
    );
    /// @notice Emitted when the operator voids a held payment: all `amount` wei go back to the customer.
    event PaymentVoided(bytes32 indexed orderHash, address indexed customer, uint256 amount);
    /// @notice Emitted when the customer takes back a payment still held after its expiry.
    event PaymentReclaimed(bytes32 indexed orderHash, address indexed customer, uint256 amount);
    /// @notice Emitted when the customer asks to return the goods of a held payment: auto-capture is off, and the
    /// operator captures what it keeps (or voids it); if it does neither, the customer reclaims after the expiry.
    event ReturnRequested(bytes32 indexed orderHash, address indexed customer);
    /// @notice Emitted when the operator refunds `amount` wei of a captured payment from the merchant balance;
    /// `refundable` wei of the capture are left to refund. Per token (index = token index, packed as in
    /// `Capture.minted`): `clawedBack` is what was taken back from the customer and the referrer, `unrecovered` what
    /// the proportion asked for but they no longer held.
    event PaymentRefunded(
        bytes32 indexed orderHash,
        address indexed customer,
        uint256 amount,
        uint256 refundable,
        uint256[] clawedBack,
        uint256[] unrecovered
    );
    /// @notice Emitted when returned coin could not be pushed to `customer` (it rejected it, or ran out of its gas):
    /// the `amount` is owed to it, to withdraw with `withdrawReturns`.
    event ReturnOwed(address indexed customer, uint256 amount);
    /// @notice Emitted when `customer` withdraws `amount` wei of returned coin owed to it, to `to`.
    event ReturnsWithdrawn(address indexed customer, address to, uint256 amount);
    /// @notice Emitted when a return window applies at once (one at least as long as the window in force). A shorter
    /// one is announced by `ReturnWindowChangeScheduled` and applies at its time without an event of its own.
    event ReturnWindowChanged(uint256 window);
    /// @notice Emitted when a shorter return window is scheduled to apply at `effectiveAt`.
    event ReturnWindowChangeScheduled(uint256 window, uint256 effectiveAt);
    /// @notice Emitted when an operator anchors a Merkle batch; its revenue counts on `day`.
    event BatchAnchored(
        bytes32 indexed root,
        uint256 day,
        uint256 firstOrderId,
        uint256 orderCount,
        uint256 totalRevenue
    );
    /// @notice Emitted when a receipt signed by `signer` is redeemed (with the order's `OrderCounted`).
    event ReceiptRedeemed(bytes32 indexed orderHash, address indexed signer);
    /// @notice Emitted when native coin is added to the merchant balance.
    event Deposited(address indexed from, uint256 amount);
    /// @notice Emitted when the admin withdraws from the merchant balance.
    event Withdrawn(address indexed to, uint256 amount);
    /// @notice Emitted when a settlement distributes dividends of `day`; each token emits `DividendsDistributed` (or
    /// `DividendsRolledOver`) with its own share.
    /// @param fromEscrow Wei of checkout escrow released to the holders.
    /// @param fromBalance Wei of unfunded dividends paid from the merchant balance (0 when they stay owed).
    event DaySettled(uint256 indexed day, address indexed keeper, uint256 fromEscrow, uint256 fromBalance);
    /// @notice Emitted when a settlement released the day's escrow but the merchant balance (with the call's value)
    /// could not pay the rest: `required - available` wei stay owed until a later `settle(day)`.
    event SettlementShortfall(uint256 indexed day, uint256 required, uint256 available);
}
