// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title ReferenceDividendToken
/// @notice Gas benchmark baseline: the ERC-1726 "dividend-paying token" design as it is usually written (a magnified
/// dividend per share, a signed correction per holder and a withdrawn amount per holder, in three mappings), with
/// an open mint, so that `DividendToken`'s claim and transfer are measured beside it in the same run. Not a product
/// contract: no access control, benchmark use only.
contract ReferenceDividendToken {
    uint256 private constant _MAGNITUDE = 2 ** 128;

    /// @notice Token balance of each holder.
    mapping(address holder => uint256) public balanceOf;
    /// @notice Total supply.
    uint256 public totalSupply;

    uint256 private _magnifiedDividendPerShare;
    mapping(address holder => int256) private _corrections;
    mapping(address holder => uint256) private _withdrawn;

    /// @notice Emitted on every balance change, as an ERC-20 would.
    event Transfer(address indexed from, address indexed to, uint256 value);
    /// @notice Emitted when dividends are paid in.
    event DividendsDistributed(address indexed from, uint256 weiAmount);
    /// @notice Emitted when a holder withdraws its dividends.
    event DividendWithdrawn(address indexed to, uint256 weiAmount);

    /// @notice Thrown when there is nothing to withdraw, or the payment fails, or a balance is short.
    error ReferenceFailed();

    /// @notice Mints `amount` to `to`. Anyone may call it.
    function mint(address to, uint256 amount) external {
        totalSupply += amount;
        balanceOf[to] += amount;
        _corrections[to] -= int256(_magnifiedDividendPerShare * amount);
        emit Transfer(address(0), to, amount);
    }

    /// @notice Transfers `value` to `to`, moving future dividends only.
    function transfer(address to, uint256 value) external returns (bool) {
        uint256 balance = balanceOf[msg.sender];
        if (balance < value) revert ReferenceFailed();
        balanceOf[msg.sender] = balance - value;
        balanceOf[to] += value;
        int256 correction = int256(_magnifiedDividendPerShare * value);
        _corrections[msg.sender] += correction;
        _corrections[to] -= correction;
        emit Transfer(msg.sender, to, value);
        return true;
    }

    /// @notice Distributes `msg.value` to the holders pro rata.
    function distributeDividends() external payable {
        if (totalSupply == 0) revert ReferenceFailed();
        _magnifiedDividendPerShare += (msg.value * _MAGNITUDE) / totalSupply;
        emit DividendsDistributed(msg.sender, msg.value);
    }

    /// @notice Pays the caller what it can withdraw.
    function withdrawDividend() external {
        uint256 amount = withdrawableDividendOf(msg.sender);
        if (amount == 0) revert ReferenceFailed();
        _withdrawn[msg.sender] += amount;
        emit DividendWithdrawn(msg.sender, amount);
        (bool ok, ) = msg.sender.call{value: amount}("");
        if (!ok) revert ReferenceFailed();
    }

    /// @notice Wei `holder` can withdraw now.
    function withdrawableDividendOf(address holder) public view returns (uint256) {
        int256 accumulated = int256(_magnifiedDividendPerShare * balanceOf[holder]) + _corrections[holder];
        return uint256(accumulated) / _MAGNITUDE - _withdrawn[holder];
    }
}
