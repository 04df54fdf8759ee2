// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title PaymentCustomer
/// @notice Test mock: a customer contract of the shop's held payments. It pays through `execute` (authorize, charge,
/// confirm, reclaim, requestReturn, withdrawReturns) and, when the shop pays it coin (a void, a reclaim, a refund, the
/// rest of a partial capture or a withdrawal of returns), it takes it, rejects it, burns all the gas it is given, or
/// re-enters a configured call, to check that no such customer can pay itself twice, break the shop's bookkeeping,
/// or block the step that pays it.
/// @dev `receive` keeps its storage writes to one counter so that a re-entry still fits the shop's gas stipend; the
/// outcome of each re-entry is an event (`Reentered`).
contract PaymentCustomer {
    /// @notice What `receive` does.
    /// @param Accept Takes the coin.
    /// @param Revert Reverts with `PaymentCustomerRejected`.
    /// @param BurnGas Loops until it runs out of gas.
    /// @param Reenter Takes the coin and, while re-entries are left, calls the armed target first.
    enum Mode {
        Accept,
        Revert,
        BurnGas,
        Reenter
    }

    /// @notice Thrown by `receive` in `Mode.Revert`.
    error PaymentCustomerRejected(uint256 amount);
    /// @notice Thrown by `execute` when the call fails; carries the callee's revert data.
    error PaymentCustomerCallFailed(bytes reason);

    /// @notice Emitted by `receive` for each payment it takes.
    event Received(uint256 amount);
    /// @notice Emitted by `receive` after each re-entrant call, with its outcome and return (or revert) data.
    event Reentered(bool ok, bytes result);

    /// @notice The current behaviour of `receive`.
    Mode public mode;
    /// @notice Re-entries `receive` may still make in `Mode.Reenter`.
    uint256 public reentriesLeft;
    /// @notice Contract the re-entrant call goes to.
    address public reentryTarget;
    /// @notice Wei sent with the re-entrant call (from this contract's balance).
    uint256 public reentryValue;
    /// @notice Calldata of the re-entrant call.
    bytes public reentryData;

    /// @notice Sets the behaviour of `receive`.
    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @notice Switches to `Mode.Reenter`: `receive` calls `target` with `data` and `value` wei, at most `times` times.
    function arm(address target, uint256 value, bytes calldata data, uint256 times) external {
        mode = Mode.Reenter;
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
        if (!ok) revert PaymentCustomerCallFailed(result);
    }

    /// @notice Behaves as `mode` says.
    // Misbehaving and re-entering on payment is what this mock is for.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        Mode m = mode;
        if (m == Mode.Revert) revert PaymentCustomerRejected(msg.value);
        if (m == Mode.BurnGas) {
            // Inline assembly: an endless loop that burns every unit of gas it gets.
            // solhint-disable-next-line no-inline-assembly
            assembly ("memory-safe") {
                for {} 1 {} {
                    pop(gas())
                }
            }
        }
        if (m == Mode.Reenter && reentriesLeft != 0) {
            reentriesLeft -= 1;
            // Re-entering is what this mock is for; the outcome is reported, not acted upon.
            // solhint-disable-next-line avoid-low-level-calls
            (bool ok, bytes memory result) = reentryTarget.call{value: reentryValue}(reentryData);
            emit Reentered(ok, result);
        }
        emit Received(msg.value);
    }
}
