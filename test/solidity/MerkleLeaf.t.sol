// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {Base} from "./utils/Vm.sol";
import {SortedPairTree} from "./utils/SortedPairTree.sol";
import {MerkleLeaf} from "../../contracts/libraries/MerkleLeaf.sol";

/* solhint-disable func-name-mixedcase */

/// @title MerkleLeafTest
/// @notice `MerkleLeaf`, the assembly leaf hash and proof check of Merkle batches: `hash` is the OpenZeppelin
/// StandardMerkleTree leaf of `(uint256 orderId, bytes32 orderHash, address customer, uint256 amount, address
/// referrer)` and `verify` accepts exactly what OpenZeppelin's `MerkleProof.verifyCalldata` accepts, for proofs of
/// random trees, tampered proofs and random garbage. A fixed tree built by OpenZeppelin's merkle-tree package
/// (1.0.8) pins both to the library the SDK uses.
contract MerkleLeafTest is Base {
    /// @dev `StandardMerkleTree.of(values, ["uint256", "bytes32", "address", "uint256", "address"])` of the five
    /// leaves in `_vectorLeaf`, computed with OpenZeppelin's merkle-tree package 1.0.8.
    bytes32 private constant _VECTOR_ROOT = 0xf1e03f281d4c4e78defd1ea06f36289c4ad3df380791d6c74cda4a45af73926c;

    // ---------------------------------------------------------------- hash

    function testFuzz_hash_equalsTheStandardMerkleTreeLeaf(
        uint256 orderId,
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer
    ) public pure {
        bytes32 expected = keccak256(
            bytes.concat(keccak256(abi.encode(orderId, orderHash, customer, amount, referrer)))
        );
        assertEq(
            uint256(MerkleLeaf.hash(orderId, orderHash, customer, amount, referrer)),
            uint256(expected),
            "leaf = keccak256(keccak256(abi.encode(orderId, orderHash, customer, amount, referrer)))"
        );
    }

    /// @notice Addresses with dirty upper bits (possible from assembly callers) hash like the clean address.
    function testFuzz_hash_ignoresDirtyAddressBits(
        uint256 orderId,
        bytes32 orderHash,
        uint256 customerWord,
        uint256 amount,
        uint256 referrerWord
    ) public pure {
        address customer;
        address referrer;
        assembly {
            customer := customerWord
            referrer := referrerWord
        }
        bytes32 clean = MerkleLeaf.hash(
            orderId,
            orderHash,
            address(uint160(customerWord)),
            amount,
            address(uint160(referrerWord))
        );
        assertEq(
            uint256(MerkleLeaf.hash(orderId, orderHash, customer, amount, referrer)),
            uint256(clean),
            "dirty upper bits ignored"
        );
    }

    /// @notice `hash` works in free memory without allocating: memory allocated before is intact and the free
    /// memory pointer does not move.
    function testFuzz_hash_leavesAllocatedMemoryIntact(bytes32 fill, uint256 orderId) public pure {
        bytes32[] memory before = new bytes32[](6);
        for (uint256 k; k < before.length; ++k) before[k] = keccak256(abi.encode(fill, k));
        uint256 freeBefore;
        assembly {
            freeBefore := mload(0x40)
        }
        MerkleLeaf.hash(orderId, fill, address(1), 2, address(3));
        uint256 freeAfter;
        assembly {
            freeAfter := mload(0x40)
        }
        assertEq(freeAfter, freeBefore, "free memory pointer unchanged");
        for (uint256 k; k < before.length; ++k) {
            assertEq(uint256(before[k]), uint256(keccak256(abi.encode(fill, k))), "earlier allocation intact");
        }
        // The next allocation is usable as usual.
        bytes memory next = abi.encode(fill, orderId);
        assertEq(next.length, 64, "later allocation");
        assertEq(uint256(bytes32(next)), uint256(fill), "later allocation's content");
    }

    function test_hash_matchesTheOpenZeppelinMerkleTreeVector() public pure {
        bytes32[5] memory expected = [
            bytes32(0x827446b205407995e4b04f1410ca1664ebead7f381bc8d3dd265aa6a9b71cf13),
            0xd03f0d7f5a3141708c2006c367c591eb3e74d64bc84910c4be75c241378434d6,
            0xc2c72fef778eacfa82ae4c81f3e7ff29180aff7095b464e1602a1bad68b3fd67,
            0x8d53d7cedba1c791b19a46c03f276176c4c9decbebfd5434a6580c2da606377e,
            0x910328a8045f53b087467943f52c4d9e367e7e63de70d14bbd4cf7f43f485a04
        ];
        for (uint256 k; k < 5; ++k) {
            assertEq(uint256(_vectorLeaf(k)), uint256(expected[k]), "leaf hash of the merkle-tree package");
        }
    }

    // ---------------------------------------------------------------- verify

    function test_verify_acceptsTheOpenZeppelinMerkleTreeProofs() public view {
        bytes32[][5] memory proofs;
        proofs[0] = _three(
            0x8d53d7cedba1c791b19a46c03f276176c4c9decbebfd5434a6580c2da606377e,
            0xd03f0d7f5a3141708c2006c367c591eb3e74d64bc84910c4be75c241378434d6,
            0x4fbc4d3aa9d0a54e92518588bed7a80f6b6480888f96dba701ca10df02c25a4a
        );
        proofs[1] = _two(
            0xbdd5d6bab9095a3f3cf477da5a60c1ba3e3444f514bcd36a29083f0456f38463,
            0x4fbc4d3aa9d0a54e92518588bed7a80f6b6480888f96dba701ca10df02c25a4a
        );
        proofs[2] = _two(
            0x910328a8045f53b087467943f52c4d9e367e7e63de70d14bbd4cf7f43f485a04,
            0xf684730e607f4d9ecaea9200f783f816adaa3a16789a25c6f0e67c2105417164
        );
        proofs[3] = _three(
            0x827446b205407995e4b04f1410ca1664ebead7f381bc8d3dd265aa6a9b71cf13,
            0xd03f0d7f5a3141708c2006c367c591eb3e74d64bc84910c4be75c241378434d6,
            0x4fbc4d3aa9d0a54e92518588bed7a80f6b6480888f96dba701ca10df02c25a4a
        );
        proofs[4] = _two(
            0xc2c72fef778eacfa82ae4c81f3e7ff29180aff7095b464e1602a1bad68b3fd67,
            0xf684730e607f4d9ecaea9200f783f816adaa3a16789a25c6f0e67c2105417164
        );
        for (uint256 k; k < 5; ++k) {
            (bool ours, bool oz) = this.verifyBoth(proofs[k], _VECTOR_ROOT, _vectorLeaf(k));
            assertTrue(ours, "MerkleLeaf.verify accepts the library's proof");
            assertTrue(oz, "MerkleProof.verifyCalldata accepts the library's proof");
            // Another leaf's proof does not prove this leaf.
            (ours, ) = this.verifyBoth(proofs[(k + 1) % 5], _VECTOR_ROOT, _vectorLeaf(k));
            assertFalse(ours, "another leaf's proof refused");
        }
    }

    /// @notice For a random tree of 1 to 16 leaves: every leaf's proof verifies in both; a proof with one node
    /// changed, a dropped or an extra node, another root, or another leaf gives the same answer in both (false, but
    /// for collisions).
    function testFuzz_verify_equalsOpenZeppelinForRandomTrees(
        uint256 seed,
        uint256 size,
        uint256 index,
        uint256 tamper
    ) public view {
        size = bound(size, 1, 16);
        index = bound(index, 0, size - 1);
        bytes32[] memory leaves = new bytes32[](size);
        for (uint256 k; k < size; ++k) leaves[k] = keccak256(abi.encode("leaf", seed, k));
        (bytes32 root, bytes32[] memory proof) = SortedPairTree.rootAndProof(leaves, index, 8);

        (bool ours, bool oz) = this.verifyBoth(proof, root, leaves[index]);
        assertTrue(oz, "OpenZeppelin accepts the proof");
        assertEq(ours, oz, "valid proof: same answer");

        bytes32 leaf = leaves[index];
        uint256 mode = tamper % 5;
        if (mode == 0 && proof.length != 0) {
            proof[(tamper >> 8) % proof.length] ^= bytes32(uint256(1) << ((tamper >> 16) % 256));
        } else if (mode == 1 && proof.length != 0) {
            assembly {
                mstore(proof, sub(mload(proof), 1))
            }
        } else if (mode == 2) {
            bytes32[] memory longer = new bytes32[](proof.length + 1);
            for (uint256 k; k < proof.length; ++k) longer[k] = proof[k];
            longer[proof.length] = keccak256(abi.encode("extra", tamper));
            proof = longer;
        } else if (mode == 3) {
            root ^= bytes32(uint256(1) << ((tamper >> 16) % 256));
        } else {
            leaf = keccak256(abi.encode("other leaf", tamper));
        }
        (ours, oz) = this.verifyBoth(proof, root, leaf);
        assertEq(ours, oz, "tampered proof: same answer");
    }

    /// @notice Any proof, leaf and root: the same answer; with the root the proof folds to, both accept.
    function testFuzz_verify_equalsOpenZeppelinForAnyInput(
        bytes32[] memory proof,
        uint256 length,
        bytes32 leaf,
        bytes32 root
    ) public view {
        // At most 32 levels (a batch has at most 2^24 leaves), taken from the fuzzed nodes.
        length = bound(length, 0, proof.length < 32 ? proof.length : 32);
        assembly ("memory-safe") {
            mstore(proof, length)
        }
        (bool ours, bool oz) = this.verifyBoth(proof, root, leaf);
        assertEq(ours, oz, "random root: same answer");
        bytes32 folded = MerkleProof.processProof(proof, leaf);
        (ours, oz) = this.verifyBoth(proof, folded, leaf);
        assertTrue(ours, "MerkleLeaf.verify accepts the proof's own root");
        assertTrue(oz, "MerkleProof.verifyCalldata accepts the proof's own root");
    }

    /// @dev Both verifiers on the same calldata proof.
    function verifyBoth(
        bytes32[] calldata proof,
        bytes32 root,
        bytes32 leaf
    ) external pure returns (bool ours, bool oz) {
        return (MerkleLeaf.verify(proof, root, leaf), MerkleProof.verifyCalldata(proof, root, leaf));
    }

    // ---------------------------------------------------------------- helpers

    /// @dev The five leaves of the merkle-tree package's vector.
    function _vectorLeaf(uint256 k) private pure returns (bytes32) {
        uint256[5] memory amounts = [uint256(1e18), 0.25e18, type(uint96).max, 1, 3];
        address[5] memory customers = [address(0xa1), address(0xb2), address(0xc3), address(0xd4), address(0xe5)];
        address[5] memory referrers = [address(0), address(0xa1), address(0xb2), address(0), address(0xd4)];
        bytes32 orderHash = bytes32(uint256(0x11) * (k + 1) * (type(uint256).max / 255));
        return MerkleLeaf.hash(7 + k, orderHash, customers[k], amounts[k], referrers[k]);
    }

    function _two(bytes32 a, bytes32 b) private pure returns (bytes32[] memory list) {
        list = new bytes32[](2);
        (list[0], list[1]) = (a, b);
    }

    function _three(bytes32 a, bytes32 b, bytes32 c) private pure returns (bytes32[] memory list) {
        list = new bytes32[](3);
        (list[0], list[1], list[2]) = (a, b, c);
    }
}
