// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IShop
/// @notice One merchant's shop: its dividend tokens and their minting rules, order intake, daily revenue, referral
/// bindings, the management pool, daily settlement and the merchant's own balance.
/// @dev Sharp edges a caller must know:
/// - Amounts are in wei of the native coin; token amounts in token-wei (18 decimals).
/// - A day is `floor((timestamp + utcOffset) / 1 days)` (see `DayMath`); revenue counts on the day it is recorded.
/// - Only a raise of `dividendBps` applies at once; every other rule change waits for the token's notice period
///   and applies lazily, at the first order, pool mint or `applyPendingRules` call after it falls due.
/// - Holders' dividends are escrowed in the token contracts; the shop's own coin is exactly `merchantBalance`.
interface IShop {
    /// @notice Minting and dividend rules of one token. Changed only through `changeRules` (notice rules apply).
    /// @param spendPerToken Wei of spend that mints one whole token to the customer; 0 disables consumption minting.
    /// @param minFirstOrder Smallest first order (wei) of a referred customer that counts toward `referralsPerToken`.
    /// @param referralsPerToken One whole token to the referrer per this many qualifying referees; 0 disables.
    /// @param dividendBps Share of the shop's daily revenue paid to this token's holders, in basis points.
    /// @param referralBps Share of the referee's consumption tokens minted to its referrer, in basis points.
    /// @param maxSupply Largest supply in token-wei; 0 for no cap. Past it, orders still count but mint nothing.
    /// @param poolNum Numerator of the management pool ratio (pool accrues `minted * poolNum / poolDen`).
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
    /// @param noticePeriod Seconds a stingier rule change waits; 0 means the default of 7 days, else at least 1 day.
    /// @param rules The initial rules.
    struct TokenParams {
        string name;
        string symbol;
        bool transferable;
        uint32 noticePeriod;
        TokenRules rules;
    }

    /// @notice One order on the recorded path: its commitment, buyer, amount in wei and (first order only) referrer.
    struct Order {
        bytes32 orderHash;
        address customer;
        uint96 amount;
        address referrer;
    }

    /// @notice A token of the shop with its bookkeeping, as returned by `tokenConfig`.
    /// @param token The token contract.
    /// @param noticePeriod Seconds a stingier rule change waits.
    /// @param pendingAt When the pending rule change applies (0: none pending).
    /// @param rules The rules as stored (a pending change that is already due applies at the next use).
    /// @param minted Token-wei minted so far (the token's supply).
    /// @param poolAllowance Token-wei the pool manager may still mint.
    /// @param pending The pending rules (meaningful only when `pendingAt` is not 0).
    struct TokenConfig {
        address token;
        uint32 noticePeriod;
        uint40 pendingAt;
        TokenRules rules;
        uint96 minted;
        uint96 poolAllowance;
        TokenRules pending;
    }

    /// @notice A day's revenue and settlement status.
    struct DayRecord {
        uint128 revenue;
        uint64 orderCount;
        bool settled;
    }

    /// @notice What a token is owed for one day.
    /// @param owedScaled Sum over the day's orders of `amount * dividendBps` (divide by 10,000 for wei).
    /// @param escrowed Wei already escrowed in the token by checkouts of that day.
    /// @param settled Whether the day is settled (set on every token with dividends that day).
    struct TokenDay {
        uint128 owedScaled;
        uint120 escrowed;
        bool settled;
    }

    /// @notice An unsettled day as shown by `unsettledDays`.
    /// @param day Day index.
    /// @param owed Wei of dividends owed for the day, all tokens together.
    /// @param unfunded Part of `owed` that the checkout escrow does not cover.
    struct UnsettledDay {
        uint256 day;
        uint256 owed;
        uint256 unfunded;
    }

    /// @notice An order receipt signed off chain by an operator (order path 2), EIP-712 type `Receipt(address shop,
    /// uint256 chainId,address customer,uint256 amount,bytes32 orderHash,address referrer,uint256 deadline)` (one line)
    /// in the domain {name: "ShareMall Shop", version: "1", chainId, verifyingContract: shop}. `shop` and `chainId`
    /// repeat the domain so that a receipt for another shop or chain fails with its own error.
    struct Receipt {
        address shop;
        uint256 chainId;
        address customer;
        uint96 amount;
        bytes32 orderHash;
        address referrer;
        uint64 deadline;
    }

    /// @notice An anchored Merkle batch of orders (order path 4), keyed by its root.
    /// @param day Shop day the batch's revenue counted on (the anchoring day).
    /// @param orderCount Orders in the batch (leaf indices 0 .. orderCount - 1).
    /// @param mintedCount Leaves minted so far.
    /// @param unmintedRevenue Anchored revenue not yet claimed by minted leaves: a leaf whose amount exceeds it
    /// cannot mint, so the leaves can never mint more than the revenue the batch counted.
    struct Batch {
        uint32 day;
        uint32 orderCount;
        uint32 mintedCount;
        uint128 unmintedRevenue;
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
    /// @notice Thrown when an order names the zero address as customer.
    error ShopInvalidCustomer(bytes32 orderHash);
    /// @notice Thrown when an order's amount is zero or does not fit in 96 bits.
    error ShopInvalidAmount(bytes32 orderHash, uint256 amount);
    /// @notice Thrown when a token name (1 to 64 bytes) or symbol (1 to 16 bytes) has a bad length.
    error ShopInvalidTokenMetadata(string name, string symbol);
    /// @notice Thrown when an order hash already counted for its customer, on any path.
    error ShopOrderAlreadyCounted(bytes32 orderHash);
    /// @notice Thrown when a customer names itself as referrer.
    error ShopSelfReferral(address customer);
    /// @notice Thrown when an order names a referrer for a customer already bound to `bound` (possibly to none).
    error ShopReferrerAlreadyBound(address customer, address bound, address given);
    /// @notice Thrown when an empty batch is recorded.
    error ShopEmptyBatch();
    /// @notice Thrown when settling `day` before it is over (`today` is the shop's current day).
    error ShopDayNotOver(uint256 day, uint256 today);
    /// @notice Thrown when settling a day that is already settled.
    error ShopDayAlreadySettled(uint256 day);
    /// @notice Thrown when settling a day that owes nothing (no revenue, or no dividend share).
    error ShopNothingToSettle(uint256 day);
    /// @notice Thrown when the escrow, the merchant balance and the call's value together fall short.
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
    /// @notice Thrown when a batch anchors no orders, more than 2^24, no revenue or more than 2^96 - 1 wei.
    error ShopInvalidBatch(uint256 orderCount, uint256 totalRevenue);
    /// @notice Thrown when a batch root is anchored a second time.
    error ShopBatchAlreadyAnchored(bytes32 root);
    /// @notice Thrown when minting from a root that was never anchored.
    error ShopUnknownBatch(bytes32 root);
    /// @notice Thrown when a leaf index is not below the batch's order count.
    error ShopBatchIndexOutOfRange(bytes32 root, uint256 index, uint256 orderCount);
    /// @notice Thrown when a batch leaf was already minted.
    error ShopLeafAlreadyMinted(bytes32 root, uint256 index);
    /// @notice Thrown when the proof does not prove the leaf against the root.
    error ShopInvalidProof(bytes32 root, uint256 index);
    /// @notice Thrown when a leaf's amount exceeds the batch revenue its minted leaves have not yet claimed.
    error ShopBatchRevenueExceeded(bytes32 root, uint256 unmintedRevenue, uint256 amount);
    /// @notice Thrown when there is no pending rule change to cancel or apply.
    error ShopNoPendingRules(uint256 tokenIndex);
    /// @notice Thrown when applying a pending change before its time.
    error ShopRulesNotDue(uint256 tokenIndex, uint256 pendingAt);

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
    /// @notice Emitted when a stingier rule change is scheduled to apply at `effectiveAt`.
    event RulesChangeScheduled(uint256 indexed tokenIndex, TokenRules rules, uint256 effectiveAt);
    /// @notice Emitted when the admin cancels a pending rule change.
    event RulesChangeCancelled(uint256 indexed tokenIndex);
    /// @notice Emitted for every order that counts, whatever its path.
    event OrderCounted(
        bytes32 indexed orderHash,
        address indexed customer,
        uint256 indexed day,
        OrderPath path,
        uint256 amount
    );
    /// @notice Emitted when a customer's referrer is bound (at its first order).
    event ReferrerBound(address indexed customer, address indexed referrer);
    /// @notice Emitted once per transaction and token when the management pool allowance grows.
    event PoolAccrued(uint256 indexed tokenIndex, uint256 added, uint256 allowance);
    /// @notice Emitted when the pool manager mints pool tokens to a service contributor.
    event PoolMinted(uint256 indexed tokenIndex, address indexed to, uint256 amount, bytes32 indexed reason);
    /// @notice Emitted when a checkout escrows `escrowed` wei of its payment in the tokens and credits the rest to the
    /// merchant balance (the order's customer and amount are in its `OrderCounted`).
    event CheckoutPaid(bytes32 indexed orderHash, uint256 escrowed);
    /// @notice Emitted when an operator anchors a Merkle batch; its revenue counts on `day`.
    event BatchAnchored(bytes32 indexed root, uint256 indexed day, uint256 orderCount, uint256 totalRevenue);
    /// @notice Emitted when a receipt signed by `signer` is redeemed (with the order's `OrderCounted`).
    event ReceiptRedeemed(bytes32 indexed orderHash, address indexed signer);
    /// @notice Emitted when a batch leaf is minted (with the order's `OrderCounted`, whose day is the batch's).
    event BatchLeafMinted(bytes32 indexed root, uint256 indexed index, bytes32 indexed orderHash);
    /// @notice Emitted when native coin is added to the merchant balance.
    event Deposited(address indexed from, uint256 amount);
    /// @notice Emitted when the admin withdraws from the merchant balance.
    event Withdrawn(address indexed to, uint256 amount);
    /// @notice Emitted when a day is settled; each token emits `DividendsDistributed` (or `DividendsRolledOver`) with
    /// its own share.
    /// @param dividends Wei paid to the tokens in all.
    /// @param fromBalance Part of `dividends` taken from the merchant balance (the rest was checkout escrow).
    event DaySettled(uint256 indexed day, address indexed keeper, uint256 dividends, uint256 fromBalance);

    /// @notice Sets up a new clone. Called once by the factory in the transaction that deploys it.
    /// @param admin Merchant admin (holds the admin role; grants the other roles).
    /// @param operator Backend key for recording orders, or the zero address to grant it later.
    /// @param utcOffset Seconds the shop's local time is ahead of UTC (China: 28,800).
    function initialize(address admin, address operator, int32 utcOffset) external;

    /// @notice Role that records orders.
    function OPERATOR_ROLE() external view returns (bytes32);

    /// @notice Role that mints from the management pool.
    function POOL_MANAGER_ROLE() external view returns (bytes32);

    /// @notice The factory that deployed the shop.
    function factory() external view returns (address);

    /// @notice Seconds the shop's local time is ahead of UTC.
    function utcOffset() external view returns (int32);

    /// @notice The shop's current day index.
    function today() external view returns (uint256);

    /// @notice Number of tokens of the shop.
    function tokenCount() external view returns (uint256);

    /// @notice The shop's token contracts, by index.
    function tokens() external view returns (address[] memory);

    /// @notice A token's configuration and bookkeeping as stored.
    function tokenConfig(uint256 tokenIndex) external view returns (TokenConfig memory);

    /// @notice The rules in force for a token now, with a due pending change applied.
    function currentRules(uint256 tokenIndex) external view returns (TokenRules memory);

    /// @notice A token's pending rule change and when it applies (`effectiveAt` 0: none).
    function pendingRules(uint256 tokenIndex) external view returns (TokenRules memory rules, uint256 effectiveAt);

    /// @notice A day's revenue, order count and settlement status.
    function dayRecord(uint256 day) external view returns (DayRecord memory);

    /// @notice What token `tokenIndex` is owed for `day`.
    /// @return owed Wei of dividends.
    /// @return escrowed Wei of it already escrowed by checkouts.
    function tokenDay(uint256 tokenIndex, uint256 day) external view returns (uint256 owed, uint256 escrowed);

    /// @notice Whether `orderHash` has counted for `customer`, on any path. An order hash commits to its customer,
    /// so it counts once per customer: nobody can block another customer's order by using its hash first.
    function isOrderCounted(bytes32 orderHash, address customer) external view returns (bool);

    /// @notice A customer's bound referrer and whether it has ordered before.
    function customerOf(address customer) external view returns (address referrer, bool known);

    /// @notice Qualifying referred customers counted for `referrer` on token `tokenIndex`.
    function qualifiedReferrals(uint256 tokenIndex, address referrer) external view returns (uint256);

    /// @notice Native coin the merchant may withdraw or use to fund settlements.
    function merchantBalance() external view returns (uint256);

    /// @notice Number of days that had revenue (the length of the revenue-day list).
    function revenueDayCount() external view returns (uint256);

    /// @notice Unsettled past days among the revenue days `[start, start + limit)`, oldest first.
    function unsettledDays(uint256 start, uint256 limit) external view returns (UnsettledDay[] memory);

    /// @notice Creates a dividend token with `params`. Admin only.
    /// @return tokenIndex Index of the token in the shop.
    /// @return token The token clone.
    function createToken(TokenParams calldata params) external returns (uint256 tokenIndex, address token);

    /// @notice Changes a token's rules. Admin only. A change that only raises `dividendBps` applies at once; any
    /// other change (every minting rule, in either direction, the pool ratio and `maxSupply`) is scheduled for
    /// now + notice period, replacing any pending change, so holders see every dilution coming.
    /// @return effectiveAt When the change applies (the current time if at once).
    function changeRules(uint256 tokenIndex, TokenRules calldata rules) external returns (uint256 effectiveAt);

    /// @notice Cancels a token's pending rule change. Admin only.
    function cancelRulesChange(uint256 tokenIndex) external;

    /// @notice Applies a token's pending rule change that is due. Anyone.
    function applyPendingRules(uint256 tokenIndex) external;

    /// @notice Records one order (path 1). Operator only.
    function recordOrder(Order calldata order) external;

    /// @notice Records a batch of orders (path 1); all or nothing. Operator only.
    function recordOrders(Order[] calldata orders) external;

    /// @notice Pays for an order in native coin (path 3): `msg.value` is the amount, the caller the customer. The
    /// dividend share is escrowed in the tokens at once and the rest credited to the merchant balance.
    function checkout(bytes32 orderHash, address referrer) external payable;

    /// @notice Redeems an operator-signed receipt (path 2): the order counts exactly as a recorded order would.
    /// Anyone may submit it (the customer, or a relayer); tokens go to `receipt.customer`.
    /// @param signer The operator that signed: an EOA (65-byte ECDSA signature) or an ERC-1271 contract wallet.
    function redeemReceipt(Receipt calldata receipt, address signer, bytes calldata signature) external;

    /// @notice The EIP-712 digest an operator signs for `receipt`.
    function receiptDigest(Receipt calldata receipt) external view returns (bytes32);

    /// @notice Anchors a Merkle batch of orders (path 4): its revenue counts today; each order mints later with a
    /// proof. Gas does not depend on the batch size. Operator only.
    /// @param root Root of the OpenZeppelin StandardMerkleTree of leaves
    /// `(uint256 index, bytes32 orderHash, address customer, uint256 amount, address referrer)`.
    function anchorBatch(bytes32 root, uint256 orderCount, uint256 totalRevenue) external;

    /// @notice Mints one batch order's tokens with its Merkle proof. The customer submits it (or an operator on its
    /// behalf); tokens go to `customer`.
    /// @dev Leaves mint in any order, under the rules in force when they mint. A leaf without a referrer leaves a
    /// new customer unbound (so the customer's first-order leaf, minted later, still binds its referrer); a leaf
    /// naming another referrer than the bound one mints with the bound referrer instead of reverting, since an
    /// anchored leaf cannot be corrected. The order's `OrderCounted` carries the batch's day.
    function mintFromBatch(
        bytes32 root,
        uint256 index,
        bytes32 orderHash,
        address customer,
        uint96 amount,
        address referrer,
        bytes32[] calldata proof
    ) external;

    /// @notice An anchored batch (all zero if `root` was never anchored).
    function batch(bytes32 root) external view returns (Batch memory);

    /// @notice Whether leaf `index` of batch `root` has minted.
    function isLeafMinted(bytes32 root, uint256 index) external view returns (bool);

    /// @notice Mints `amount` token-wei of token `tokenIndex` from the pool allowance to `to`. Pool manager only.
    /// @param reason Hash of the off-chain reason (service record) for the mint.
    function mintFromPool(uint256 tokenIndex, address to, uint256 amount, bytes32 reason) external;

    /// @notice Adds `msg.value` to the merchant balance (prepays settlements). Anyone.
    function deposit() external payable;

    /// @notice Withdraws `amount` wei of the merchant balance to `to`. Admin only.
    function withdraw(address to, uint256 amount) external;

    /// @notice Settles a past day: pays each token its dividends, from the day's checkout escrow first, then from the
    /// merchant balance (to which `msg.value` is added first). Anyone, once per day.
    function settle(uint256 day) external payable;
}
