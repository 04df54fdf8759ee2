// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title MerkleLeaf
/// @notice Leaves and proofs of a Merkle batch of orders, as OpenZeppelin's StandardMerkleTree builds them for the leaf
/// type `(uint256 orderId, bytes32 orderHash, address customer, uint256 amount, address referrer)`: a leaf is the
/// keccak256 of the keccak256 of the ABI encoding (double hashing, so that no inner node can pass for a leaf), and a
/// node the keccak256 of its two children in ascending order. `verify` accepts exactly the proofs OpenZeppelin's
/// `MerkleProof.verifyCalldata` accepts; both are written here in assembly because a proof mint runs them on every
/// call (about 135 gas a level instead of 145).
library MerkleLeaf {
    /// @notice The leaf of one batch order.
    function hash(
        uint256 orderId,
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer
    ) internal pure returns (bytes32 leaf) {
        // Inline assembly: abi.encode of five words and both hashes in free memory, without allocating it (the free
        // memory pointer does not move, so the next allocation reuses these 160 bytes).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let m := mload(0x40)
            mstore(m, orderId)
            mstore(add(m, 0x20), orderHash)
            mstore(add(m, 0x40), and(customer, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(add(m, 0x60), amount)
            mstore(add(m, 0x80), and(referrer, 0xffffffffffffffffffffffffffffffffffffffff))
            mstore(0, keccak256(m, 0xa0))
            leaf := keccak256(0, 0x20)
        }
    }

    /// @notice Whether `proof` proves `leaf` against `root` (sorted-pair hashing, as OpenZeppelin's `MerkleProof`).
    function verify(bytes32[] calldata proof, bytes32 root, bytes32 leaf) internal pure returns (bool) {
        // Inline assembly: walks the proof in calldata and hashes each sorted pair in scratch space. `s` is 0x20 when
        // the node so far is the larger one, which puts it second.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            let end := add(proof.offset, shl(5, proof.length))
            for {
                let p := proof.offset
            } lt(p, end) {
                p := add(p, 0x20)
            } {
                let node := calldataload(p)
                let s := shl(5, gt(leaf, node))
                mstore(s, leaf)
                mstore(xor(s, 0x20), node)
                leaf := keccak256(0, 0x40)
            }
        }
        return leaf == root;
    }
}
