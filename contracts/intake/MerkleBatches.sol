// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IShopOrders} from "../interfaces/IShopOrders.sol";
import {MerkleLeaf} from "../libraries/MerkleLeaf.sol";
import {OrderLedger} from "../ledger/OrderLedger.sol";
import {BatchEntry, BatchEntryLib} from "../types/BatchEntry.sol";

/// @title MerkleBatches
/// @notice Order path 4: the operator anchors one Merkle root for a batch of orders, whose revenue counts that day
/// whatever the batch's size, and each customer later mints its tokens with a proof.
/// @dev Leaves are OpenZeppelin StandardMerkleTree leaves (`MerkleLeaf`) carrying the order id, so the shop-wide
/// order-id bitmap records minted leaves: a leaf mints once, and its id can never count on another path. A leaf
/// mints the tokens the shop had when the batch was anchored: those whose holders the batch's revenue paid.
abstract contract MerkleBatches is IShopOrders, OrderLedger {
    /// @inheritdoc IShopOrders
    function anchorBatch(
        bytes32 root,
        uint64 firstOrderId,
        uint256 orderCount,
        uint256 totalRevenue
    ) external onlyOperator {
        if (
            firstOrderId == 0 ||
            orderCount == 0 ||
            orderCount > _MAX_BATCH_ORDERS ||
            uint256(firstOrderId) + orderCount - 1 > type(uint64).max ||
            totalRevenue == 0 ||
            totalRevenue > type(uint96).max
        ) revert ShopInvalidBatch(firstOrderId, orderCount, totalRevenue);
        Layout storage $ = _layout();
        if (BatchEntry.unwrap($.batches[root]) != 0) revert ShopBatchAlreadyAnchored(root);
        ShopState memory s = $.state;
        uint256 count = s.tokenCount;
        if (count == 0) revert ShopNoTokens();
        uint256 day = _today(s.utcOffset);
        $.batches[root] = BatchEntryLib.pack(day, firstOrderId, orderCount, 0, totalRevenue, count);
        emit BatchAnchored(root, day, firstOrderId, orderCount, totalRevenue);
        // The batch's revenue counts today, so its dividends are owed with today's settlement. The tokens mint when
        // the leaves do: only a token's rate is needed, and only if the batch opens the token's day.
        for (uint256 i; i < count; ++i) {
            uint256 dividendBps = $.tokenDays[i][day].revenue() == 0 ? _syncRules(i).dividendBps() : 0;
            _addTokenRevenue(i, dividendBps, day, totalRevenue, orderCount, 0);
        }
    }

    /// @inheritdoc IShopOrders
    function mintFromBatch(
        bytes32 root,
        uint64 orderId,
        bytes32 orderHash,
        address customer,
        uint96 amount,
        address referrer,
        bytes32[] calldata proof
    ) external {
        if (msg.sender != customer && !_hasRole(_OPERATOR_ROLE, msg.sender)) {
            revert ShopNotLeafCustomer(msg.sender, customer);
        }
        BatchEntry entry = _useLeaf(
            root,
            orderId,
            MerkleLeaf.hash(orderId, orderHash, customer, amount, referrer),
            amount,
            proof
        );
        // Revenue and dividends counted at anchoring: only mint here, on the batch's day, the tokens it paid.
        (address bound, bool firstOrder) = _checkOne(orderHash, customer, amount, referrer, Binding.Deferred);
        emit OrderCounted(orderHash, customer, entry.day(), orderId, OrderPath.MerkleBatch, amount);
        (Mint[] memory mints, ) = _mintsOfOne(entry.tokenCount(), entry.day(), amount, bound, firstOrder, false, false);
        _sendMints(mints, customer, bound, false);
    }

    /// @dev Checks a leaf against its batch and marks its order id used; returns the batch as it was.
    function _useLeaf(
        bytes32 root,
        uint256 orderId,
        bytes32 leaf,
        uint256 amount,
        bytes32[] calldata proof
    ) private returns (BatchEntry entry) {
        Layout storage $ = _layout();
        entry = $.batches[root];
        uint256 orderCount = entry.orderCount();
        if (orderCount == 0) revert ShopUnknownBatch(root);
        uint256 firstOrderId = entry.firstOrderId();
        if (orderId < firstOrderId || orderId - firstOrderId >= orderCount) {
            revert ShopBatchOrderIdOutOfRange(root, orderId, firstOrderId, orderCount);
        }
        if (!MerkleLeaf.verify(proof, root, leaf)) revert ShopInvalidProof(root, orderId);
        if (amount > entry.unmintedRevenue()) revert ShopBatchRevenueExceeded(root, entry.unmintedRevenue(), amount);
        $.batches[root] = entry.afterMint(amount);
        _useOrderId(orderId);
    }
}
