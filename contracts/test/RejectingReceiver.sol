// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IDividendToken} from "../interfaces/IDividendToken.sol";
import {IShareMallFactory} from "../interfaces/IShareMallFactory.sol";

/// @title RejectingReceiver
/// @notice Test mock: an account that refuses the native coin (until told to accept it) and that can claim dividends
/// of the tokens it holds, to check that a recipient that rejects payment only hurts its own claim.
contract RejectingReceiver {
    /// @notice Thrown by `receive` while the mock rejects payments.
    error RejectingReceiverRejected(uint256 amount);

    /// @notice Whether `receive` accepts the coin.
    bool public accepting;

    /// @notice Makes `receive` accept (true) or reject (false) the coin.
    function setAccepting(bool value) external {
        accepting = value;
    }

    /// @notice Claims this contract's dividends of `token` to itself.
    function claim(IDividendToken token) external returns (uint256) {
        return token.claim();
    }

    /// @notice Claims this contract's dividends of `token` to `recipient`.
    function claimTo(IDividendToken token, address recipient) external returns (uint256) {
        return token.claimTo(recipient);
    }

    /// @notice Claims this contract's dividends of `tokens` through the factory.
    function claimMany(
        IShareMallFactory factory,
        address[] calldata tokens,
        address recipient
    ) external returns (uint256) {
        return factory.claimMany(tokens, recipient);
    }

    receive() external payable {
        if (!accepting) revert RejectingReceiverRejected(msg.value);
    }
}
