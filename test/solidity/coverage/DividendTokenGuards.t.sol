// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Fixture} from "../utils/Fixture.sol";
import {DividendToken} from "../../../contracts/DividendToken.sol";
import {IDividendToken} from "../../../contracts/interfaces/IDividendToken.sol";

/* solhint-disable func-name-mixedcase */

/// @title DividendTokenGuardsTest
/// @notice The token's ERC-20 guards, driven directly: zero spender, zero receiver (transfer and mint), zero sender,
/// a transfer above the balance. The mocha tests check them too; the coverage run instruments the Solidity-test build
/// of the token separately, so they are exercised here as well (see docs/testing.md).
contract DividendTokenGuardsTest is Fixture {
    DividendToken internal brand;
    address internal alice;
    address internal bob;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
        brand = _createToken("Wuyou Dividend Coin", "YDC", true, _wuyouRules());
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        _mintAsShop(brand, alice, 5 * ONE);
    }

    function test_approve_revertsForTheZeroSpender() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidSpender.selector, address(0)));
        brand.approve(address(0), 1);
        assertEq(brand.allowance(alice, address(0)), 0, "no allowance recorded");
    }

    function test_transfer_revertsForTheZeroReceiver() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        brand.transfer(address(0), 1);
        assertEq(brand.balanceOf(alice), 5 * ONE, "balance unchanged");
    }

    function test_transfer_revertsAboveTheBalance() public {
        vm.prank(alice);
        vm.expectRevert(
            abi.encodeWithSelector(IERC20Errors.ERC20InsufficientBalance.selector, alice, 5 * ONE, 5 * ONE + 1)
        );
        brand.transfer(bob, 5 * ONE + 1);
        assertEq(brand.balanceOf(bob), 0, "nothing moved");
    }

    function test_transferFrom_revertsForTheZeroSender() public {
        // Nobody has an allowance from the zero address, so only a zero-value call reaches the sender check.
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidSender.selector, address(0)));
        brand.transferFrom(address(0), bob, 0);
    }

    function test_mint_revertsForTheZeroReceiver() public {
        // The shop never mints to the zero address (it checks customers and pool recipients first); the token
        // refuses it anyway.
        address tokenShop = brand.shop();
        vm.prank(tokenShop);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        brand.mint(address(0), ONE);
        assertEq(brand.totalSupply(), 5 * ONE, "supply unchanged");
    }

    function test_mint_revertsForAnyCallerButTheShop() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IDividendToken.DividendTokenNotShop.selector, alice));
        brand.mint(alice, ONE);
    }
}
