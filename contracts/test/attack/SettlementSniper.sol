// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IDividendToken} from "../../interfaces/IDividendToken.sol";
import {IShop} from "../../interfaces/IShop.sol";
import {FlashLender, IFlashBorrower} from "./FlashLender.sol";

/// @title SettlementSniper
/// @notice Test mock: flash-borrows transferable dividend tokens, settles a past funded day (anyone may), claims the
/// dividends that settlement paid to the borrowed tokens and returns them, all in one transaction. It measures the
/// "dividends go to holders at settlement time" limitation of transferable tokens.
contract SettlementSniper is IFlashBorrower {
    /// @notice Thrown when `onFlashLoan` is called by anyone but the lender of the current attack.
    error SettlementSniperUnexpectedCaller(address caller);

    /// @notice Wei claimed by the last attack.
    uint256 public lastGain;
    address private _lender;

    /// @notice Borrows `amount` of `token` from `lender`, settles `day` of `shop`, claims and repays.
    function snipe(FlashLender lender, IDividendToken token, IShop shop, uint256 day, uint256 amount) external {
        _lender = address(lender);
        lender.flashLoan(IERC20(address(token)), amount, this, abi.encode(shop, day));
        _lender = address(0);
    }

    /// @inheritdoc IFlashBorrower
    function onFlashLoan(IERC20 token, uint256 amount, bytes calldata data) external {
        if (msg.sender != _lender) revert SettlementSniperUnexpectedCaller(msg.sender);
        (IShop shop, uint256 day) = abi.decode(data, (IShop, uint256));
        shop.settle(day);
        lastGain = IDividendToken(address(token)).claim();
        if (!token.transfer(msg.sender, amount)) revert SettlementSniperUnexpectedCaller(address(token));
    }

    /// @notice Takes the claimed dividends.
    receive() external payable {}
}
