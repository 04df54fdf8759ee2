// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {MerkleProof} from "@openzeppelin/contracts/utils/cryptography/MerkleProof.sol";
import {MerkleLeaf} from "../../contracts/libraries/MerkleLeaf.sol";
import {Base} from "./utils/Vm.sol";

/* solhint-disable func-name-mixedcase, max-line-length, function-max-lines */

/// @title OrderHashVectorsTest
/// @notice Recomputes the SDK's test vectors (test/vectors/order-hash.json, test/vectors/merkle-batch.json) with
/// Solidity's own `abi.encode` and OpenZeppelin's MerkleProof, so the SDK and the chain cannot disagree on the order
/// hash encoding or on the batch leaf and proof format. The vectors are embedded below; the mocha test
/// test/mocha/sdk/vectors.test.ts fails if they drift from the JSON files.
contract OrderHashVectorsTest is Base {
    /// @notice One order line, as in docs/order-hashing.md.
    struct Item {
        string sku;
        uint256 quantity;
        uint256 unitPrice;
    }

    /// @notice The private order tuple the order hash commits to (docs/order-hashing.md).
    struct PrivateOrder {
        string orderId;
        address customer;
        uint256 amount;
        address referrer;
        string currency;
        uint256 fiatAmount;
        uint256 quotedRate;
        uint256 createdAt;
        Item[] items;
    }

    /// @notice A Merkle batch leaf: `Shop.mintFromBatch` arguments besides the root and proof. Since core v2 a leaf
    /// carries its order id (`firstOrderId + index`), not its index.
    struct Leaf {
        uint256 orderId;
        bytes32 orderHash;
        address customer;
        uint256 amount;
        address referrer;
    }

    /// @dev keccak256("ShareMall.OrderHash.v1"), the first word of every order-hash preimage.
    bytes32 private constant _ORDER_HASH_TAG = keccak256("ShareMall.OrderHash.v1");

    /// @dev The order hash exactly as the SDK defines it.
    function _orderHash(
        address shop,
        uint256 chainId,
        bytes32 salt,
        PrivateOrder memory order
    ) private pure returns (bytes32) {
        return keccak256(abi.encode(_ORDER_HASH_TAG, shop, chainId, salt, order));
    }

    /// @dev The leaf hash exactly as `Shop.mintFromBatch` computes it (uint96 amounts encode like uint256).
    function _leafHash(Leaf memory data) private pure returns (bytes32) {
        return
            keccak256(
                bytes.concat(
                    keccak256(abi.encode(data.orderId, data.orderHash, data.customer, data.amount, data.referrer))
                )
            );
    }

    function _checkOrder(
        address shop,
        uint256 chainId,
        bytes32 salt,
        PrivateOrder memory order,
        bytes32 expected,
        string memory label
    ) private pure {
        assertEq(uint256(_orderHash(shop, chainId, salt, order)), uint256(expected), label);
        // The commitment binds the shop, the chain and the salt.
        assertTrue(_orderHash(address(uint160(shop) ^ 1), chainId, salt, order) != expected, "shop bound");
        assertTrue(_orderHash(shop, chainId + 1, salt, order) != expected, "chain bound");
        assertTrue(_orderHash(shop, chainId, salt ^ bytes32(uint256(1)), order) != expected, "salt bound");
    }

    function _checkLeaf(bytes32 root, Leaf memory data, bytes32 expectedLeaf, bytes32[] memory proof) private pure {
        bytes32 leaf = _leafHash(data);
        assertEq(uint256(leaf), uint256(expectedLeaf), "leaf hash");
        // The shop's own leaf hash (`MerkleLeaf.hash`, what `mintFromBatch` checks) agrees.
        assertEq(
            uint256(MerkleLeaf.hash(data.orderId, data.orderHash, data.customer, data.amount, data.referrer)),
            uint256(expectedLeaf),
            "MerkleLeaf.hash"
        );
        assertTrue(MerkleProof.verify(proof, root, leaf), "proof verifies");
        // A tampered amount is not in the tree.
        data.amount += 1;
        assertFalse(MerkleProof.verify(proof, root, _leafHash(data)), "tampered leaf rejected");
    }

    function _checkMultiProof(
        bytes32 root,
        Leaf[] memory leaves,
        bytes32[] memory proof,
        bool[] memory flags
    ) private pure {
        bytes32[] memory hashes = new bytes32[](leaves.length);
        for (uint256 i; i < leaves.length; ++i) hashes[i] = _leafHash(leaves[i]);
        assertTrue(MerkleProof.multiProofVerify(proof, flags, root, hashes), "multiproof verifies");
        leaves[0].amount += 1;
        hashes[0] = _leafHash(leaves[0]);
        assertFalse(MerkleProof.multiProofVerify(proof, flags, root, hashes), "tampered multiproof rejected");
    }

    // ---- BEGIN GENERATED VECTORS (rendered from test/vectors/*.json by test/mocha/sdk/helpers.ts; do not edit) ----

    /// @dev Order vector 0 (wuyou-tea): Wuyou Tea order with a referrer: 2 x 150.00 CNY at 1 CNY = 10^15 wei, one item.
    function test_orderHash_vector0() public pure {
        Item[] memory items = new Item[](1);
        items[0] = Item({sku: "YDC-TEA-250G", quantity: 2, unitPrice: 15000});
        PrivateOrder memory order = PrivateOrder({
            orderId: "WY-2026-000001",
            customer: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8,
            amount: 300000000000000000,
            referrer: 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,
            currency: "CNY",
            fiatAmount: 30000,
            quotedRate: 1000000000000000,
            createdAt: 1767225600,
            items: items
        });
        _checkOrder(
            0x5FbDB2315678afecb367f032d93F642f64180aa3,
            31337,
            0x68742e1a757f12f2ed16fae3288ce177510a79b4436f41f164dd0f11f999b0f3,
            order,
            0xab903eb1aa8f6b9bcc1d3b892e7add3adabd96aa19ccc664a4b572f6ea8dd1bc,
            "vector 0"
        );
    }

    /// @dev Order vector 1 (native-only): Priced in the native coin only: currency XXX, no fiat amount or rate, no items, no referrer.
    function test_orderHash_vector1() public pure {
        Item[] memory items = new Item[](0);
        PrivateOrder memory order = PrivateOrder({
            orderId: "1",
            customer: 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,
            amount: 1,
            referrer: 0x0000000000000000000000000000000000000000,
            currency: "XXX",
            fiatAmount: 0,
            quotedRate: 0,
            createdAt: 0,
            items: items
        });
        _checkOrder(
            0x5FbDB2315678afecb367f032d93F642f64180aa3,
            1,
            0x0bed6205135bb0e5960ac232ca0b649a3db66fbc79c8bc22c6daa0bdb4578d05,
            order,
            0x88e289016ff24edf77faf86bd26988f39f9e1f69ee9839a522586dc74b26efc5,
            "vector 1"
        );
    }

    /// @dev Order vector 2 (normalisation): Input needing normalisation: lower-case addresses and currency, a decomposed e + U+0301 (NFC: U+00E9), Chinese text, items in the merchant's (unsorted) order.
    function test_orderHash_vector2() public pure {
        Item[] memory items = new Item[](3);
        items[0] = Item({sku: unicode"乌龙茶-Oolong-100g", quantity: 3, unitPrice: 388});
        items[1] = Item({sku: "A-TEA-CUP", quantity: 1, unitPrice: 0});
        items[2] = Item({sku: "M-GIFT-BOX", quantity: 1, unitPrice: 124});
        PrivateOrder memory order = PrivateOrder({
            orderId: unicode"订单-Café-42",
            customer: 0x90F79bf6EB2c4f870365E785982E1f101E93b906,
            amount: 123456789012345678,
            referrer: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8,
            currency: "CNY",
            fiatAmount: 1288,
            quotedRate: 95852825320000,
            createdAt: 1767229200,
            items: items
        });
        _checkOrder(
            0x5FbDB2315678afecb367f032d93F642f64180aa3,
            8453,
            0xbcd3a8c5a2d7f0f8402c56968442327996d87adcc96eff0817865c56c2b0d45e,
            order,
            0xbecd369fe4790c2f0df4dd11138730d6397e0aacc1715fb2835a69331269b75d,
            "vector 2"
        );
    }

    /// @dev Order vector 3 (extremes): Range limits: amount 2^96 - 1, fiat amount 2^256 - 1, createdAt 10^11 - 1, chain id above 2^53.
    function test_orderHash_vector3() public pure {
        Item[] memory items = new Item[](1);
        items[0] = Item({
            sku: "S",
            quantity: 18446744073709551617,
            unitPrice: 57896044618658097711785492504343953926634992332820282019728792003956564819975
        });
        PrivateOrder memory order = PrivateOrder({
            orderId: "xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
            customer: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8,
            amount: 79228162514264337593543950335,
            referrer: 0x0000000000000000000000000000000000000000,
            currency: "USD",
            fiatAmount: 115792089237316195423570985008687907853269984665640564039457584007913129639935,
            quotedRate: 1606938044258990275541962092341162602522202993782792835301376,
            createdAt: 99999999999,
            items: items
        });
        _checkOrder(
            0x5FbDB2315678afecb367f032d93F642f64180aa3,
            9007199254740993,
            0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff,
            order,
            0xf9daa042cb6b7d63e761a8236f0f4c77d24083b08e28069164aafc439cac63e9,
            "vector 3"
        );
    }

    /// @dev The Merkle batch vector (order ids from 1001): every leaf hash and proof.
    function test_batchVector_leavesAndProofs() public pure {
        bytes32 root = 0xfc725edfa8610148990571c5614ba6ccbe9f81c0ce2027a4e724403c94e940bb;
        bytes32[] memory proof0 = new bytes32[](3);
        proof0[0] = 0x1e9f603bf005f0ede642fc91ee2baf4051d9f6babc838661bb9f1fe20d39f7de;
        proof0[1] = 0xa8abd64eb2e4a6b443b615a9af6a836eddbd21ef989c92aa4080ec0759e5d47e;
        proof0[2] = 0x7ebea028db2f2813ff88f71aa69f5a841978af894cc3119bcab71aaa3ae55cad;
        _checkLeaf(
            root,
            Leaf({
                orderId: 1001,
                orderHash: 0xab903eb1aa8f6b9bcc1d3b892e7add3adabd96aa19ccc664a4b572f6ea8dd1bc,
                customer: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8,
                amount: 300000000000000000,
                referrer: 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
            }),
            0x6613abc6983a381d8d14f268b9f20aef381e79d81f892b904482a1f8c5854b8e,
            proof0
        );
        bytes32[] memory proof1 = new bytes32[](2);
        proof1[0] = 0x8ce404eff59f7c4b44b7c228a17f9e15144fd9dedf3dd93b6f3a045d7174b67d;
        proof1[1] = 0x7ebea028db2f2813ff88f71aa69f5a841978af894cc3119bcab71aaa3ae55cad;
        _checkLeaf(
            root,
            Leaf({
                orderId: 1002,
                orderHash: 0x88e289016ff24edf77faf86bd26988f39f9e1f69ee9839a522586dc74b26efc5,
                customer: 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC,
                amount: 1,
                referrer: 0x0000000000000000000000000000000000000000
            }),
            0xa8abd64eb2e4a6b443b615a9af6a836eddbd21ef989c92aa4080ec0759e5d47e,
            proof1
        );
        bytes32[] memory proof2 = new bytes32[](2);
        proof2[0] = 0x6b2a584ddf17f3b42fe139655751a742202b3cc7ec7dfac3d30b1aeea8dfb3c1;
        proof2[1] = 0x5347c9ef5abf1bdba637a8c4e736fdebd9f9879946ebe18531c51f9e764b16be;
        _checkLeaf(
            root,
            Leaf({
                orderId: 1003,
                orderHash: 0xbecd369fe4790c2f0df4dd11138730d6397e0aacc1715fb2835a69331269b75d,
                customer: 0x90F79bf6EB2c4f870365E785982E1f101E93b906,
                amount: 123456789012345678,
                referrer: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8
            }),
            0x84747a02d7486a6d427f22df3786fd35568fa46ce82e3a7745c5a1284945de90,
            proof2
        );
        bytes32[] memory proof3 = new bytes32[](3);
        proof3[0] = 0x6613abc6983a381d8d14f268b9f20aef381e79d81f892b904482a1f8c5854b8e;
        proof3[1] = 0xa8abd64eb2e4a6b443b615a9af6a836eddbd21ef989c92aa4080ec0759e5d47e;
        proof3[2] = 0x7ebea028db2f2813ff88f71aa69f5a841978af894cc3119bcab71aaa3ae55cad;
        _checkLeaf(
            root,
            Leaf({
                orderId: 1004,
                orderHash: 0xf9daa042cb6b7d63e761a8236f0f4c77d24083b08e28069164aafc439cac63e9,
                customer: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8,
                amount: 39614081257132168796771975167,
                referrer: 0x0000000000000000000000000000000000000000
            }),
            0x1e9f603bf005f0ede642fc91ee2baf4051d9f6babc838661bb9f1fe20d39f7de,
            proof3
        );
        bytes32[] memory proof4 = new bytes32[](2);
        proof4[0] = 0x84747a02d7486a6d427f22df3786fd35568fa46ce82e3a7745c5a1284945de90;
        proof4[1] = 0x5347c9ef5abf1bdba637a8c4e736fdebd9f9879946ebe18531c51f9e764b16be;
        _checkLeaf(
            root,
            Leaf({
                orderId: 1005,
                orderHash: 0x626a68491d7c4575bb247e386ba82154cc97e3eb3becf8548696faf98b93e8fa,
                customer: 0x90F79bf6EB2c4f870365E785982E1f101E93b906,
                amount: 500000000000000000,
                referrer: 0x0000000000000000000000000000000000000000
            }),
            0x6b2a584ddf17f3b42fe139655751a742202b3cc7ec7dfac3d30b1aeea8dfb3c1,
            proof4
        );
    }

    /// @dev The Merkle batch vector's multiproof, checked with OpenZeppelin's MerkleProof.multiProofVerify.
    function test_batchVector_multiProof() public pure {
        bytes32 root = 0xfc725edfa8610148990571c5614ba6ccbe9f81c0ce2027a4e724403c94e940bb;
        Leaf[] memory leaves = new Leaf[](3);
        leaves[0] = Leaf({
            orderId: 1004,
            orderHash: 0xf9daa042cb6b7d63e761a8236f0f4c77d24083b08e28069164aafc439cac63e9,
            customer: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8,
            amount: 39614081257132168796771975167,
            referrer: 0x0000000000000000000000000000000000000000
        });
        leaves[1] = Leaf({
            orderId: 1001,
            orderHash: 0xab903eb1aa8f6b9bcc1d3b892e7add3adabd96aa19ccc664a4b572f6ea8dd1bc,
            customer: 0x70997970C51812dc3A010C7d01b50e0d17dc79C8,
            amount: 300000000000000000,
            referrer: 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC
        });
        leaves[2] = Leaf({
            orderId: 1005,
            orderHash: 0x626a68491d7c4575bb247e386ba82154cc97e3eb3becf8548696faf98b93e8fa,
            customer: 0x90F79bf6EB2c4f870365E785982E1f101E93b906,
            amount: 500000000000000000,
            referrer: 0x0000000000000000000000000000000000000000
        });
        bytes32[] memory proof = new bytes32[](2);
        proof[0] = 0x84747a02d7486a6d427f22df3786fd35568fa46ce82e3a7745c5a1284945de90;
        proof[1] = 0xa8abd64eb2e4a6b443b615a9af6a836eddbd21ef989c92aa4080ec0759e5d47e;
        bool[] memory flags = new bool[](4);
        flags[0] = true;
        flags[1] = false;
        flags[2] = false;
        flags[3] = true;
        _checkMultiProof(root, leaves, proof, flags);
    }
    // ---- END GENERATED VECTORS ----
}
