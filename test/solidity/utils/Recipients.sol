// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title RejectingRecipient
/// @notice A holder or claim recipient whose account refuses every native-coin payment.
contract RejectingRecipient {
    /// @notice Thrown for every payment received.
    error RejectingRecipientRefused(uint256 amount);

    receive() external payable {
        revert RejectingRecipientRefused(msg.value);
    }
}

/// @title GasBurningRecipient
/// @notice A holder or claim recipient that burns all the gas a payment forwards to it (INVALID opcode).
contract GasBurningRecipient {
    receive() external payable {
        assembly {
            invalid()
        }
    }
}
