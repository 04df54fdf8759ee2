// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";
import {IShopOrders} from "../interfaces/IShopOrders.sol";
import {ReceiptLib} from "../libraries/ReceiptLib.sol";
import {OrderLedger} from "../ledger/OrderLedger.sol";

/// @title Receipts
/// @notice Order path 2: an operator signs an EIP-712 receipt off chain and the customer (or a relayer) redeems it,
/// paying the gas.
/// @dev Every shop has an EIP-712 domain of its own (`ReceiptLib`), so a receipt is good for one shop on one chain.
abstract contract Receipts is IShopOrders, OrderLedger {
    /// @inheritdoc IShopOrders
    function redeemReceipt(Receipt calldata receipt, address signer, bytes calldata signature) external {
        // Time use: a receipt's deadline is a wall-clock time by design; seconds of leeway do not matter.
        // solhint-disable-next-line not-rely-on-time
        if (block.timestamp > receipt.deadline) revert ShopReceiptExpired(receipt.deadline, block.timestamp);
        if (receipt.chainId != block.chainid) revert ShopReceiptWrongChain(block.chainid, receipt.chainId);
        if (receipt.shop != address(this)) revert ShopReceiptWrongShop(address(this), receipt.shop);
        if (!_hasRole(_OPERATOR_ROLE, signer)) revert ShopReceiptSignerNotOperator(signer);
        _checkSignature(ReceiptLib.digest(receipt), signer, signature);

        ShopState memory s = _layout().state;
        _useOrderId(receipt.orderId);
        emit ReceiptRedeemed(receipt.orderHash, signer);
        (address bound, bool firstOrder) = _checkOne(
            receipt.orderHash,
            receipt.customer,
            receipt.amount,
            receipt.referrer,
            Binding.Deferred
        );
        uint256 day = _today(s.utcOffset);
        emit OrderCounted(receipt.orderHash, receipt.customer, day, receipt.orderId, OrderPath.Receipt, receipt.amount);
        (Mint[] memory mints, ) = _mintsOfOne(s.tokenCount, day, receipt.amount, bound, firstOrder, true, false);
        _sendMints(mints, receipt.customer, bound, false);
    }

    /// @dev Reverts unless `signature` is `signer`'s signature of `digest`: ECDSA first (an EOA signer needs no code
    /// lookup; malleable high-s signatures are rejected), then ERC-1271 for a contract wallet.
    function _checkSignature(bytes32 digest, address signer, bytes calldata signature) private view {
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        if (err == ECDSA.RecoverError.NoError && recovered == signer) return;
        if (
            signer.code.length == 0 || !SignatureChecker.isValidERC1271SignatureNowCalldata(signer, digest, signature)
        ) {
            revert ShopReceiptInvalidSignature(signer);
        }
    }
}
