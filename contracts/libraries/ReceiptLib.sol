// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MessageHashUtils} from "@openzeppelin/contracts/utils/cryptography/MessageHashUtils.sol";
import {IShopBase} from "../interfaces/IShopBase.sol";

/// @title ReceiptLib
/// @notice The EIP-712 digest of an order receipt (order path 2) in a shop's own domain
/// `{name: "ShareMall Shop", version: "2", chainId, verifyingContract: shop}`.
/// @dev The domain separator is computed on every call from `block.chainid` and `address(this)` (the clone), as
/// OpenZeppelin's `EIP712` also does in a clone, whose cached separator belongs to the implementation.
library ReceiptLib {
    /// @notice The domain's name.
    string internal constant NAME = "ShareMall Shop";
    /// @notice The domain's version (2: receipts carry an order id since core v2).
    string internal constant VERSION = "2";

    bytes32 private constant _DOMAIN_TYPEHASH = keccak256(
        "EIP712Domain(string name,string version,uint256 chainId,address verifyingContract)"
    );
    bytes32 private constant _NAME_HASH = keccak256(bytes(NAME));
    bytes32 private constant _VERSION_HASH = keccak256(bytes(VERSION));
    bytes32 private constant _RECEIPT_TYPEHASH = keccak256(
        abi.encodePacked(
            "Receipt(address shop,uint256 chainId,uint256 orderId,address customer,uint256 amount,",
            "bytes32 orderHash,address referrer,uint256 deadline)"
        )
    );

    /// @notice The digest an operator signs for `receipt` in the calling shop's domain.
    function digest(IShopBase.Receipt calldata receipt) internal view returns (bytes32) {
        bytes32 structHash = keccak256(
            abi.encode(
                _RECEIPT_TYPEHASH,
                receipt.shop,
                receipt.chainId,
                receipt.orderId,
                receipt.customer,
                receipt.amount,
                receipt.orderHash,
                receipt.referrer,
                receipt.deadline
            )
        );
        return MessageHashUtils.toTypedDataHash(domainSeparator(), structHash);
    }

    /// @notice The calling shop's EIP-712 domain separator.
    function domainSeparator() internal view returns (bytes32) {
        return keccak256(abi.encode(_DOMAIN_TYPEHASH, _NAME_HASH, _VERSION_HASH, block.chainid, address(this)));
    }
}
