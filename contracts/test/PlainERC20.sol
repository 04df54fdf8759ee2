// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title PlainERC20
/// @notice Gas benchmark baseline: a plain OpenZeppelin v5 ERC-20 with an open mint, so that the dividend token's
/// transfer can be reported as an overhead over the cheapest common ERC-20. Benchmark use only.
contract PlainERC20 is ERC20 {
    constructor() ERC20("Plain ERC20", "PLAIN") {}

    /// @notice Mints `amount` to `to`. Anyone may call it.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
