// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title SortedPairTree
/// @notice Test helper: the root and a proof of a sorted-pair Merkle tree (OpenZeppelin's `MerkleProof` convention)
/// built over the given leaves, for tests and handlers that need batches without the SDK.
library SortedPairTree {
    /// @notice Root of the sorted-pair tree over `level` (an odd last node moves up unchanged) and the proof of leaf
    /// `index`, at most `maxDepth` siblings long.
    function rootAndProof(
        bytes32[] memory level,
        uint256 index,
        uint256 maxDepth
    ) internal pure returns (bytes32 root, bytes32[] memory proof) {
        proof = new bytes32[](maxDepth);
        uint256 depth;
        while (level.length > 1) {
            uint256 sibling = index ^ 1;
            if (sibling < level.length) proof[depth++] = level[sibling];
            bytes32[] memory next = new bytes32[]((level.length + 1) / 2);
            for (uint256 k; k < next.length; ++k) {
                next[k] = 2 * k + 1 < level.length ? hashPair(level[2 * k], level[2 * k + 1]) : level[2 * k];
            }
            level = next;
            index >>= 1;
        }
        root = level[0];
        assembly ("memory-safe") {
            // Shrink the proof to the siblings found.
            mstore(proof, depth)
        }
    }

    /// @notice The parent of two nodes: the hash of the smaller one first.
    function hashPair(bytes32 a, bytes32 b) internal pure returns (bytes32) {
        return a < b ? keccak256(abi.encode(a, b)) : keccak256(abi.encode(b, a));
    }
}
