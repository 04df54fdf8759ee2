// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";

/// @title ReferenceMerkleDistributor
/// @notice Gas benchmark baseline: a Merkle distributor as Uniswap's is written (a claimed-bitmap, a proof, an ERC-20
/// transfer of a prefunded balance), reading the same leaves and proofs as `Shop.mintFromBatch` so that a proof mint
/// is measured beside it on the same calldata. Not a product contract: benchmark use only.
contract ReferenceMerkleDistributor {
    /// @notice The token paid out.
    IERC20 public immutable token;
    /// @notice The tree's root.
    bytes32 public immutable root;

    mapping(uint256 wordIndex => uint256 bits) private _claimed;

    /// @notice Emitted when a leaf is claimed.
    event Claimed(uint256 indexed orderId, address indexed customer, uint256 amount);

    /// @notice Thrown when a leaf was claimed already, its proof is wrong or the transfer fails.
    error ReferenceFailed();

    /// @param token_ The token paid out (the distributor must hold enough of it).
    /// @param root_ The root of the leaves `(orderId, orderHash, customer, amount, referrer)`.
    constructor(IERC20 token_, bytes32 root_) {
        token = token_;
        root = root_;
    }

    /// @notice Pays leaf `orderId`'s `amount` of the token to `customer`, once.
    function claim(
        uint256 orderId,
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer,
        bytes32[] calldata proof
    ) external {
        uint256 wordIndex = orderId >> 8;
        uint256 bit = 1 << (orderId & 0xff);
        uint256 bits = _claimed[wordIndex];
        if (bits & bit != 0) revert ReferenceFailed();
        bytes32 leaf = keccak256(bytes.concat(keccak256(abi.encode(orderId, orderHash, customer, amount, referrer))));
        if (!MerkleProof.verifyCalldata(proof, root, leaf)) revert ReferenceFailed();
        _claimed[wordIndex] = bits | bit;
        emit Claimed(orderId, customer, amount);
        if (!token.transfer(customer, amount)) revert ReferenceFailed();
    }
}
