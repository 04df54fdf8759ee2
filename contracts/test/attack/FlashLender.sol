// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

/// @title IFlashBorrower
/// @notice Callback of `FlashLender.flashLoan`.
interface IFlashBorrower {
    /// @notice Called with `amount` of `token` lent; must send it back before returning.
    function onFlashLoan(IERC20 token, uint256 amount, bytes calldata data) external;
}

/// @title FlashLender
/// @notice Test mock: a "market" that holds transferable dividend tokens and lends them within one transaction, to
/// measure what a holder gains by holding a transferable token only across a settlement.
contract FlashLender {
    /// @notice Thrown when the borrower did not return the tokens.
    error FlashLenderNotRepaid(uint256 balanceBefore, uint256 balanceAfter);

    /// @notice Lends `amount` of `token` to `borrower`, calls it back and checks that the tokens came back.
    function flashLoan(IERC20 token, uint256 amount, IFlashBorrower borrower, bytes calldata data) external {
        uint256 before = token.balanceOf(address(this));
        if (!token.transfer(address(borrower), amount)) revert FlashLenderNotRepaid(before, before - amount);
        borrower.onFlashLoan(token, amount, data);
        uint256 afterLoan = token.balanceOf(address(this));
        if (afterLoan < before) revert FlashLenderNotRepaid(before, afterLoan);
    }

    /// @notice Calls `target` with `data` as this contract (to claim the lender's own dividends).
    /// @return result The callee's return data.
    function execute(address target, bytes calldata data) external returns (bytes memory result) {
        bool ok;
        (ok, result) = target.call(data);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(result, 32), mload(result))
            }
        }
    }

    /// @notice Takes the dividends the lender claims.
    receive() external payable {}
}
