// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShopBase} from "./IShopBase.sol";

/// @title IShopOrders
/// @notice What a shop's main implementation (`Shop`) does: it takes orders on the four paths (on-chain payments by
/// `charge`) and settles days. Every other function of a shop clone is forwarded to the shop's modules: the held
/// payments' steps (`IShopPayments`), then the admin functions (`IShopAdmin`, and OpenZeppelin's `IAccessControl`),
/// then the views (`IShopViews`).
interface IShopOrders is IShopBase {
    /// @notice Records one order (path 1). Operator only. Reverts `ShopOrderIdUsed` if its id has counted already.
    /// A referrer other than the customer's bound one is not an error: the order counts with the bound referrer
    /// (`ReferrerMismatch`).
    function recordOrder(Order calldata order) external;

    /// @notice Records a batch of orders (path 1). Operator only. An order whose id has already counted (on chain or
    /// earlier in the batch) is left out before any other check (`OrderSkipped`), and a referrer conflict counts the
    /// order with the bound referrer (`ReferrerMismatch`), so that no customer's own actions can make the batch
    /// revert, and a batch sent twice counts once. Any other invalid order (zero hash, id, customer or amount,
    /// self-referral) reverts the whole batch. Ids are the operator's: an id reused for a different order is left out
    /// the same way.
    function recordOrders(Order[] calldata orders) external;

    /// @notice Pays for an order in native coin and counts it at once (path 3, authorize and capture in one call):
    /// `msg.value` is the amount, the caller the customer. The dividend share is escrowed in the tokens at once and the
    /// rest credited to the merchant balance. For shops that take no returns on chain; the operator may still refund
    /// it until the refund deadline (`PaymentCaptured`). Counts once per `(orderHash, customer)`; naming a referrer
    /// other than the bound one reverts `ShopReferrerAlreadyBound`.
    function charge(bytes32 orderHash, address referrer) external payable;

    /// @notice Redeems an operator-signed receipt (path 2): the order counts exactly as a recorded order would.
    /// Anyone may submit it (the customer, or a relayer); tokens go to `receipt.customer`. A receipt without a
    /// referrer leaves a new customer unbound, so a receipt that names the referrer, redeemed later, still binds it:
    /// the order in which a customer's receipts are submitted does not matter.
    /// @param signer The operator that signed: an EOA (65-byte ECDSA signature) or an ERC-1271 contract wallet.
    function redeemReceipt(Receipt calldata receipt, address signer, bytes calldata signature) external;

    /// @notice Anchors a Merkle batch of orders (path 4): its revenue counts today; each order mints later with a
    /// proof. Gas does not depend on the batch size. Operator only.
    /// @param root Root of the OpenZeppelin StandardMerkleTree of leaves
    /// `(uint256 orderId, bytes32 orderHash, address customer, uint256 amount, address referrer)`.
    /// @param firstOrderId The id of the batch's first order; the leaves carry consecutive ids from it.
    function anchorBatch(bytes32 root, uint64 firstOrderId, uint256 orderCount, uint256 totalRevenue) external;

    /// @notice Mints one batch order's tokens with its Merkle proof. The customer submits it (or an operator on its
    /// behalf); tokens go to `customer`.
    /// @dev Leaves mint in any order, under the rules in force when they mint. A leaf without a referrer leaves a
    /// new customer unbound (so the customer's first-order leaf, minted later, still binds its referrer); a leaf
    /// naming another referrer than the bound one mints with the bound referrer (`ReferrerMismatch`), since an
    /// anchored leaf cannot be corrected. The order's `OrderCounted` carries the batch's day.
    function mintFromBatch(
        bytes32 root,
        uint64 orderId,
        bytes32 orderHash,
        address customer,
        uint96 amount,
        address referrer,
        bytes32[] calldata proof
    ) external;

    /// @notice Adds `msg.value` to the merchant balance (prepays settlements). Anyone. Coin sent to the shop with no
    /// call data is a deposit too.
    function deposit() external payable;

    /// @notice Settles a past day. Anyone. The day's checkout escrow is released to the holders whatever else the
    /// day owes; the rest (what recorded, receipt and batch orders owe) is paid from the merchant balance, to which
    /// `msg.value` is added first, if the balance covers all of it, and otherwise stays owed (`SettlementShortfall`)
    /// until a later call, once funded, pays it. Reverts only when the call can do nothing: the day is not over, owes
    /// nothing, is settled, or has no escrow left to release and too little funding (`ShopSettlementUnderfunded`).
    function settle(uint256 day) external payable;
}
