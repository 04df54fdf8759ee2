// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title Vm
/// @notice The few Hardhat (EDR) cheatcodes these tests use; there is no forge-std in this project.
// solhint-disable-next-line interface-starts-with-i
interface Vm {
    /// @notice Sets `msg.sender` of the next call to `sender`.
    function prank(address sender) external;

    /// @notice Sets `msg.sender` of every following call to `sender`, until `stopPrank`.
    function startPrank(address sender) external;

    /// @notice Ends a `startPrank`.
    function stopPrank() external;

    /// @notice Sets the native-coin balance of `account`.
    function deal(address account, uint256 balance) external;

    /// @notice Sets `block.timestamp`.
    function warp(uint256 timestamp) external;

    /// @notice Expects the next call to revert with exactly `revertData`.
    function expectRevert(bytes calldata revertData) external;

    /// @notice Expects the next call to revert with exactly the 4-byte `revertData` (an error without arguments).
    function expectRevert(bytes4 revertData) external;

    /// @notice Discards the current fuzz input unless `condition` holds.
    function assume(bool condition) external;

    /// @notice Names `account` in traces.
    function label(address account, string calldata name) external;

    /// @notice Signs `digest` with `privateKey` (secp256k1, low-s).
    function sign(uint256 privateKey, bytes32 digest) external pure returns (uint8 v, bytes32 r, bytes32 s);

    /// @notice The address of `privateKey`.
    function addr(uint256 privateKey) external pure returns (address);

    /// @notice Expects the next call to emit the event emitted next by the test (all topics and data checked).
    function expectEmit() external;

    /// @notice One log recorded since `recordLogs`.
    struct Log {
        bytes32[] topics;
        bytes data;
        address emitter;
    }

    /// @notice Starts recording every log emitted.
    function recordLogs() external;

    /// @notice The logs recorded since `recordLogs` (or the previous call), which it then forgets.
    function getRecordedLogs() external returns (Log[] memory logs);
}

/// @title Base
/// @notice Cheatcode handle, input narrowing and labelled assertions shared by every Solidity test.
/// @dev Assertions revert with custom errors that carry the label and both sides, so a failure reads e.g.
/// `AssertEqFailed("total supply", 5, 6)`.
abstract contract Base {
    /// @notice Thrown when `left == right` was expected.
    error AssertEqFailed(string label, uint256 left, uint256 right);
    /// @notice Thrown when `left == right` was expected for addresses.
    error AssertEqAddressFailed(string label, address left, address right);
    /// @notice Thrown when `left == right` was expected for byte strings (e.g. revert data).
    error AssertEqBytesFailed(string label, bytes left, bytes right);
    /// @notice Thrown when `left <= right` was expected.
    error AssertLeFailed(string label, uint256 left, uint256 right);
    /// @notice Thrown when `left < right` was expected.
    error AssertLtFailed(string label, uint256 left, uint256 right);
    /// @notice Thrown when `left >= right` was expected.
    error AssertGeFailed(string label, uint256 left, uint256 right);
    /// @notice Thrown when `condition` was expected to hold.
    error AssertTrueFailed(string label);

    // solhint-disable-next-line const-name-snakecase
    Vm internal constant vm = Vm(address(uint160(uint256(keccak256("hevm cheat code")))));

    /// @dev Maps `x` into `[min, max]` (inclusive) without discarding inputs; values already inside stay unchanged.
    function bound(uint256 x, uint256 min, uint256 max) internal pure returns (uint256) {
        if (min > max) revert AssertLeFailed("bound: min <= max", min, max);
        if (x >= min && x <= max) return x;
        uint256 size = max - min;
        if (size == type(uint256).max) return x;
        return min + (x % (size + 1));
    }

    /// @dev A deterministic, labelled address for `name`.
    function makeAddr(string memory name) internal returns (address account) {
        account = address(uint160(uint256(keccak256(abi.encodePacked("sharemall.test.", name)))));
        vm.label(account, name);
    }

    function assertEq(uint256 left, uint256 right, string memory label) internal pure {
        if (left != right) revert AssertEqFailed(label, left, right);
    }

    function assertEq(address left, address right, string memory label) internal pure {
        if (left != right) revert AssertEqAddressFailed(label, left, right);
    }

    function assertEq(bool left, bool right, string memory label) internal pure {
        if (left != right) revert AssertEqFailed(label, left ? 1 : 0, right ? 1 : 0);
    }

    function assertEq(bytes memory left, bytes memory right, string memory label) internal pure {
        if (keccak256(left) != keccak256(right)) revert AssertEqBytesFailed(label, left, right);
    }

    function assertLe(uint256 left, uint256 right, string memory label) internal pure {
        if (left > right) revert AssertLeFailed(label, left, right);
    }

    function assertLt(uint256 left, uint256 right, string memory label) internal pure {
        if (left >= right) revert AssertLtFailed(label, left, right);
    }

    function assertGe(uint256 left, uint256 right, string memory label) internal pure {
        if (left < right) revert AssertGeFailed(label, left, right);
    }

    function assertTrue(bool condition, string memory label) internal pure {
        if (!condition) revert AssertTrueFailed(label);
    }

    function assertFalse(bool condition, string memory label) internal pure {
        if (condition) revert AssertTrueFailed(label);
    }
}
