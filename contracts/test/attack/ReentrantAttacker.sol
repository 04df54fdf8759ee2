// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ReentrantAttacker
/// @notice Test mock: an account (holder, customer or merchant admin) whose `receive` re-enters a configured call
/// each time it is paid, to check that claims, `claimMany`, charges, settlements and withdrawals stay consistent
/// when their recipient calls back into the protocol before they return.
/// @dev The re-entrant call never reverts `receive`: its outcome is recorded (`lastReentryOk`, `lastReentryReturn`)
/// so that the outer call completes and the test can inspect both.
contract ReentrantAttacker {
    /// @notice Thrown by `execute` when the call fails; carries the callee's revert data.
    error ReentrantAttackerCallFailed(bytes reason);

    /// @notice Contract the re-entrant call goes to.
    address public reentryTarget;
    /// @notice Wei sent with the re-entrant call (taken from this contract's balance).
    uint256 public reentryValue;
    /// @notice Calldata of the re-entrant call.
    bytes public reentryData;
    /// @notice How many more times `receive` re-enters.
    uint256 public reentriesLeft;
    /// @notice How many times `receive` re-entered.
    uint256 public reentries;
    /// @notice Whether the last re-entrant call succeeded.
    bool public lastReentryOk;
    /// @notice Return (or revert) data of the last re-entrant call.
    bytes public lastReentryReturn;
    /// @notice Wei received through `receive` in all.
    uint256 public received;

    /// @notice Arms `receive` to call `target` with `data` and `value` wei, at most `times` times.
    function arm(address target, uint256 value, bytes calldata data, uint256 times) external {
        reentryTarget = target;
        reentryValue = value;
        reentryData = data;
        reentriesLeft = times;
    }

    /// @notice Calls `target` with `data` and `msg.value`, as this contract; reverts with the callee's reason.
    /// @return result The callee's return data.
    function execute(address target, bytes calldata data) external payable returns (bytes memory result) {
        bool ok;
        (ok, result) = target.call{value: msg.value}(data);
        if (!ok) revert ReentrantAttackerCallFailed(result);
    }

    /// @notice Counts the coin and, while armed, re-enters the configured call once per payment.
    // Re-entering from `receive` is what this mock is for.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        received += msg.value;
        if (reentriesLeft == 0) return;
        reentriesLeft -= 1;
        reentries += 1;
        (bool ok, bytes memory result) = reentryTarget.call{value: reentryValue}(reentryData);
        lastReentryOk = ok;
        lastReentryReturn = result;
    }
}
