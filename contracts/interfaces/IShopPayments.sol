// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShopBase} from "./IShopBase.sol";

/// @title IShopPayments
/// @notice What a shop's payments module (`ShopPayments`) does, reached through the shop clone: the steps of a held
/// payment (authorize, capture, confirm, auto-capture, void, reclaim, the customer's return request), refunds of
/// captured payments, withdrawals of returns that could not be pushed, and the return window. A payment made and
/// counted in one call is `IShopOrders.charge`. See docs/payments.md.
interface IShopPayments is IShopBase {
    /// @notice Holds `msg.value` for the caller (the customer) against `orderHash`: not revenue, no tokens, no
    /// dividend debt until it is captured. No role can move it but by the steps of this interface
    /// (see docs/payments.md). The payment's terms (`PaymentAuthorized`) are passed back to every later step.
    /// @param referrer The customer's referrer (zero for none); not the customer itself.
    /// @param expiry The authorization expiry: later than now plus the shop's return window (`returnWindow`). The
    /// operator and the customer may capture until then, anyone after the window; from then the customer may reclaim
    /// a payment nobody captured. The customer chooses it: a merchant should ship only payments whose expiry leaves it
    /// time to act after the window (the SDK's default leaves 7 days), and void the others.
    function authorize(bytes32 orderHash, address referrer, uint40 expiry) external payable;

    /// @notice Captures `amount` wei of a held payment: they count as an order today (revenue, dividend debt and
    /// escrow, tokens, referral), exactly as a `charge` of that amount would; the rest goes back to the customer at
    /// once. Operator only; before the expiry; once.
    function capture(Payment calldata payment, uint256 amount) external;

    /// @notice The customer's "received": captures its held payment in full now, even before the return window is
    /// over. The payment's customer only; before the expiry (a return request does not stop it).
    function confirm(Payment calldata payment) external;

    /// @notice Captures a held payment in full once its return window is over (`payment.autoCaptureAt`), so that a
    /// silent customer cannot stall a merchant that shipped. Anyone; before the expiry; not after the customer asked
    /// to return the goods (`requestReturn`).
    function autoCapture(Payment calldata payment) external;

    /// @notice Voids a held payment: all of it goes back to the customer. Operator only; any time before a capture.
    function void(Payment calldata payment) external;

    /// @notice Takes a held payment back after its expiry (nobody captured it). The payment's customer only.
    function reclaim(Payment calldata payment) external;

    /// @notice Refunds `amount` wei of a captured payment to its customer, from the merchant balance (never from the
    /// holders' escrow or settled dividends, which stay with the holders). Takes back, in proportion to the part
    /// refunded, the tokens the order minted (`capture.minted`: consumption from the customer, promotion from the
    /// referrer) where they are still held; the pool allowance they accrued goes with them. Operator only; until the
    /// capture's refund deadline; in total at most the captured amount. See docs/payments.md.
    function refund(Capture calldata capture, uint256 amount) external;

    /// @notice The customer asks to return the goods of its held payment, before the return window is over: the
    /// payment can no longer be auto-captured. The operator then captures what the customer keeps (or voids it); if it
    /// does neither, the customer reclaims it after the expiry. The payment's customer only.
    function requestReturn(Payment calldata payment) external;

    /// @notice Withdraws the returned coin owed to the caller (returns that could not be pushed to it) to `to`.
    function withdrawReturns(address to) external;

    /// @notice Sets the return window (1 to 90 days): how long after authorization a held payment can be
    /// auto-captured, and after capture refunded. Admin only. A longer window applies at once; a shorter one after
    /// the default notice period (7 days), so customers see it coming. A held payment keeps the auto-capture time of
    /// the window it was authorized under; a capture's refund deadline uses the window in force at the capture.
    /// @return effectiveAt When the window applies (the current time if at once).
    function setReturnWindow(uint256 window) external returns (uint256 effectiveAt);

    /// @notice The shop's modules, in the order a call falls through them: this payments module, the admin module and
    /// the view module.
    function modules() external view returns (address payments, address admin, address views);
}
