// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";

/// @title IDividendToken
/// @notice A merchant's token: an 18-decimal ERC-20 minted only by its shop, whose holders share the dividends the
/// shop settles to it, paid in the chain's native coin: pulled by each holder (`claim`), or pushed to it by anyone
/// (`payout`) unless it opted out.
/// @dev Sharp edges a caller must know:
/// - Non-transferable tokens (the default) revert every `transfer` and `transferFrom`; `approve` still works.
/// - Dividends belong to whoever holds at settlement time. A transfer moves future dividends, never earned ones.
/// - Balances and the supply are capped at 2^95 - 1 token-wei (about 39.6 billion tokens).
/// - Holders are opted in to push payouts by default: anyone may send a holder its own dividends, to its own address
///   (`payout`). A holder that must claim itself (for its accounting, say) opts out with `setPayoutOptOut(true)`.
/// - A holder's claimable amount is exact while it stays below 2^96 wei (see `DividendMath`).
/// - A token clone carries its shop, factory, transfer policy, name and symbol as immutable clone arguments; the
///   implementation contract itself has none and rejects every shop or factory call.
interface IDividendToken is IERC20Metadata {
    /// @notice Thrown when a shop-only function is called by `caller`, which is not this token's shop.
    error DividendTokenNotShop(address caller);
    /// @notice Thrown when a factory-only function is called by `caller`, which is not this token's factory.
    error DividendTokenNotFactory(address caller);
    /// @notice Thrown on `transfer` or `transferFrom` of a token created non-transferable.
    error DividendTokenNonTransferable();
    /// @notice Thrown when `holder` claims while it has no dividends to claim.
    error DividendTokenNothingToClaim(address holder);
    /// @notice Thrown when a claim names the zero address as recipient.
    error DividendTokenInvalidRecipient(address recipient);
    /// @notice Thrown when `recipient` does not accept the `amount` of native coin claimed for it. The claim is
    /// undone and the dividends stay claimable.
    error DividendTokenPaymentFailed(address recipient, uint256 amount);
    /// @notice Thrown when the implementation contract (which has no clone arguments) is used as a token.
    error DividendTokenNotAClone();
    /// @notice Thrown when a `payout` has `gasLeft` gas left before paying a holder, less than the `required` one
    /// payout needs (so that no recipient is starved of its `PAYOUT_GAS`). Nothing of the call is applied; send it
    /// with more gas, or fewer holders.
    error DividendTokenPayoutGasLow(uint256 gasLeft, uint256 required);

    /// @notice Emitted when the shop's settlement of `day` is distributed to the holders.
    /// @param day The shop day settled.
    /// @param amount Wei distributed: the settlement plus what earlier settlements carried over.
    /// @param accumulator The per-share accumulator after the distribution (modulo 2^160, see `DividendMath`): with
    /// the `Transfer` events it is all an indexer needs to replay every holder's claimable amount exactly.
    event DividendsDistributed(uint256 indexed day, uint256 amount, uint256 accumulator);
    /// @notice Emitted when the settlement of `day` arrives while the token has no holders (or is too small to move
    /// the accumulator): it rolls into the next distribution, which then pays `rollover` wei in all.
    event DividendsRolledOver(uint256 indexed day, uint256 amount, uint256 rollover);
    /// @notice Emitted when `holder` claims `amount` wei, paid to `recipient`.
    event DividendsClaimed(address indexed holder, address recipient, uint256 amount);
    /// @notice Emitted once by a `payout` that paid anyone: `caller` pushed `total` wei to the holders in `payouts`.
    /// @param payouts One word per holder paid, in the order given: `uint256(uint160(holder)) << 96 | amount` (the
    /// holder in the high 160 bits, the wei paid to it in the low 96 bits). One event for the batch rather than one per
    /// holder keeps a payout under 16,000 gas per holder.
    event DividendsPushed(address indexed caller, uint256 total, uint256[] payouts);
    /// @notice Emitted when a `payout` to `holder` failed (its address refused the coin or ran out of its
    /// `PAYOUT_GAS`): the `amount` wei stay claimable by the holder.
    event PayoutSkipped(address indexed holder, uint256 amount);
    /// @notice Emitted when `holder` opts out of push payouts (`optedOut`) or back in.
    event PayoutPreferenceChanged(address indexed holder, bool optedOut);

    /// @notice The shop that mints this token and settles its dividends.
    function shop() external view returns (address);

    /// @notice The factory that deployed this token; it may claim for a holder only as that holder's own caller.
    function factory() external view returns (address);

    /// @notice Whether holders may transfer the token (fixed at creation).
    function transferable() external view returns (bool);

    /// @notice Wei of dividends `holder` can claim now.
    function claimable(address holder) external view returns (uint256);

    /// @notice The dividend state of the token.
    /// @return accumulator Per-share accumulator (wei per token-wei, scaled by 2^64).
    /// @return epoch Number of distributions so far.
    /// @return rollover Wei waiting for the next distribution (zero-supply settlements and rounding carry).
    /// The accumulator is kept modulo 2^160 (see `DividendMath`).
    function dividendState() external view returns (uint256 accumulator, uint256 epoch, uint256 rollover);

    /// @notice Gas a `payout` gives each recipient's address to accept the coin (the 2,300 stipend of a value call
    /// comes on top): 10,000, enough for a smart-contract wallet that logs what it receives, too little to do more.
    function PAYOUT_GAS() external view returns (uint256);

    /// @notice Whether `holder` opted out of push payouts (it then gets its dividends only by claiming them).
    function payoutOptedOut(address holder) external view returns (bool);

    /// @notice Pays each of `holders` all of its claimable dividends, to its own address; anyone may call it (a keeper,
    /// the merchant, a holder for its friends). Holders with nothing to claim or opted out are passed over, a holder
    /// listed twice is paid once, and a holder whose address refuses the coin within `PAYOUT_GAS` is skipped
    /// (`PayoutSkipped`) with its dividends left claimable, so one holder cannot make the batch fail.
    /// @dev Reverts with `DividendTokenPayoutGasLow` (nothing applied) when the call runs short of gas before a holder:
    /// `eth_estimateGas` therefore covers the whole batch. A holder address that holds no coin at all costs the caller
    /// 25,000 gas more (the account it creates).
    /// @return paid Wei paid in all (the `DividendsPushed` event lists each holder's).
    function payout(address[] calldata holders) external returns (uint256 paid);

    /// @notice Opts the caller out of push payouts (`optedOut` true) or back in (false). Holders start opted in. Its
    /// dividends stay claimable either way.
    function setPayoutOptOut(bool optedOut) external;

    /// @notice Claims all of the caller's dividends to the caller.
    /// @return amount Wei paid.
    function claim() external returns (uint256 amount);

    /// @notice Claims all of the caller's dividends to `recipient`, for wallets that cannot take the native coin.
    /// @return amount Wei paid.
    function claimTo(address recipient) external returns (uint256 amount);

    /// @notice Claims `holder`'s dividends to `recipient`. Only the factory calls it, and only for its own caller
    /// (see `IShareMallFactory.claimMany`).
    /// @return amount Wei paid.
    function claimFor(address holder, address recipient) external returns (uint256 amount);

    /// @notice Mints one order's tokens within `cap` (consumption to `customer` first, then promotion to `referrer`)
    /// and takes the escrow of its dividends. Shop only.
    /// @param cap Largest supply the mints may reach (the token's `maxSupply`; 0 for none). A mint past it (or past
    /// the 2^95 - 1 supply limit) mints what is left. `msg.value` is checkout escrow, as for `mintBatch`.
    /// @return minted What was minted: consumption in the low 96 bits, promotion in the next 96.
    function mintOrder(
        address customer,
        uint256 consumption,
        address referrer,
        uint256 promotion,
        uint256 cap
    ) external payable returns (uint256 minted);

    /// @notice Takes back a refunded order's tokens: up to `consumption` from `customer` and up to `promotion` from
    /// `referrer`, each at most what it holds. Their dividends earned so far stay claimable; the supply shrinks. Shop
    /// only.
    /// @return taken What was taken: from the customer in the low 96 bits, from the referrer in the next 96.
    function clawBack(
        address customer,
        uint256 consumption,
        address referrer,
        uint256 promotion
    ) external returns (uint256 taken);

    /// @notice Mints the tokens of one or more orders, in order, each within `cap`, and takes the escrow of their
    /// dividends. Shop only.
    /// @param credits One word per mint: the account in the high 160 bits, the token-wei in the low 96 bits.
    /// @param cap Largest supply the mints may reach (the token's `maxSupply`; 0 for none). A mint past it (or past
    /// the 2^95 - 1 supply limit) mints what is left, so orders at the cap still count and mint nothing.
    /// `msg.value` is checkout escrow: dividends of a day not settled yet, held here until the shop's settlement
    /// of that day distributes them (the shop's `tokenDay(i, day).escrowed` records it). The `Transfer` events say
    /// what was minted.
    function mintBatch(uint256[] calldata credits, uint256 cap) external payable;

    /// @notice Distributes `amount` wei owed for shop day `day` (already escrowed here, or sent with the call) to the
    /// current holders. Shop only.
    function distribute(uint256 day, uint256 amount) external payable;
}
