// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title GriefingRecipient
/// @notice Test mock: a payee that misbehaves when paid native coin. It accepts, reverts, reverts or returns with a
/// payload of `size` bytes, or burns all the gas it is given, so tests can check that such a recipient only hurts its
/// own claim or withdrawal and that the payer's gas stays bounded (the payer must not copy the payload).
contract GriefingRecipient {
    /// @notice What `receive` does.
    /// @param Accept Takes the coin.
    /// @param Revert Reverts with `GriefingRecipientRejected`.
    /// @param RevertHuge Reverts with `size` zero bytes of revert data.
    /// @param ReturnHuge Takes the coin and returns `size` zero bytes.
    /// @param BurnGas Loops until it runs out of gas.
    enum Mode {
        Accept,
        Revert,
        RevertHuge,
        ReturnHuge,
        BurnGas
    }

    /// @notice Thrown by `receive` in `Mode.Revert`.
    error GriefingRecipientRejected(uint256 amount);
    /// @notice Thrown by `execute` when the call fails; carries the callee's revert data.
    error GriefingRecipientCallFailed(bytes reason);

    /// @notice The current behaviour.
    Mode public mode;
    /// @notice Payload size in bytes for `RevertHuge` and `ReturnHuge`.
    uint256 public size;

    /// @notice Sets the behaviour of `receive`.
    function setMode(Mode mode_, uint256 size_) external {
        mode = mode_;
        size = size_;
    }

    /// @notice Calls `target` with `data` as this contract (to claim as a holder); reverts with the callee's reason.
    /// @return result The callee's return data.
    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) revert GriefingRecipientCallFailed(result);
    }

    /// @notice Misbehaves as `mode` says.
    // Misbehaving on payment is what this mock is for.
    // solhint-disable-next-line no-complex-fallback
    receive() external payable {
        Mode m = mode;
        uint256 n = size;
        if (m == Mode.Revert) revert GriefingRecipientRejected(msg.value);
        if (m == Mode.RevertHuge) {
            assembly ("memory-safe") {
                revert(0, n)
            }
        }
        if (m == Mode.ReturnHuge) {
            assembly ("memory-safe") {
                return(0, n)
            }
        }
        if (m == Mode.BurnGas) {
            assembly ("memory-safe") {
                for {} 1 {} {
                    pop(gas())
                }
            }
        }
    }
}
