// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {Fixture} from "../utils/Fixture.sol";
import {DividendToken} from "../../../contracts/payouts/DividendToken.sol";
import {IDividendToken} from "../../../contracts/interfaces/IDividendToken.sol";

/* solhint-disable func-name-mixedcase */

/// @title DividendTokenGuardsTest
/// @notice The token's guards, driven directly: zero spender, zero receiver (transfer and both mints), zero sender, a
/// transfer above the balance, the shop-only and factory-only functions, and the implementation, which is no token.
/// The mocha tests check them too; the coverage run instruments the Solidity-test build of the token separately, so
/// they are exercised here as well (see docs/testing.md).
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

    function test_transferFrom_revertsAboveTheAllowance() public {
        vm.prank(alice);
        brand.approve(bob, ONE);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InsufficientAllowance.selector, bob, ONE, ONE + 1));
        brand.transferFrom(alice, bob, ONE + 1);
        assertEq(brand.allowance(alice, bob), ONE, "allowance unchanged");
    }

    function test_mintOrder_revertsForTheZeroReceiver() public {
        // The shop never mints to the zero address (it checks customers and pool recipients first); the token
        // refuses it anyway, for the customer and for a referrer with a promotion.
        address tokenShop = brand.shop();
        vm.prank(tokenShop);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        brand.mintOrder(address(0), ONE, address(0), 0, 0);
        vm.prank(tokenShop);
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        brand.mintOrder(alice, ONE, address(0), 1, 0);
        assertEq(brand.totalSupply(), 5 * ONE, "supply unchanged");
    }

    function test_mintBatch_revertsForTheZeroReceiver() public {
        uint256[] memory credits = new uint256[](2);
        credits[0] = (uint256(uint160(bob)) << 96) | ONE;
        credits[1] = ONE;
        vm.prank(brand.shop());
        vm.expectRevert(abi.encodeWithSelector(IERC20Errors.ERC20InvalidReceiver.selector, address(0)));
        brand.mintBatch(credits, 0);
        assertEq(brand.balanceOf(bob), 0, "the whole batch reverted");
    }

    function test_mintOrder_shopOnlyFunctionsRevertForOthers() public {
        uint256[] memory credits = new uint256[](1);
        credits[0] = (uint256(uint160(alice)) << 96) | ONE;
        bytes memory notShop = abi.encodeWithSelector(IDividendToken.DividendTokenNotShop.selector, alice);
        vm.startPrank(alice);
        vm.expectRevert(notShop);
        brand.mintOrder(alice, ONE, address(0), 0, 0);
        vm.expectRevert(notShop);
        brand.mintBatch(credits, 0);
        vm.expectRevert(notShop);
        brand.distribute(1, 0);
        vm.stopPrank();
        assertEq(brand.totalSupply(), 5 * ONE, "nothing minted");
    }

    function test_claimFor_revertsForAnyCallerButTheFactory() public {
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IDividendToken.DividendTokenNotFactory.selector, bob));
        brand.claimFor(alice, bob);
    }

    function test_claimFor_revertsForTheZeroRecipientEvenFromTheFactory() public {
        // The factory's claimMany turns a zero recipient into the caller; the token refuses one anyway.
        _distributeAsShop(brand, 1, 1 ether);
        uint256 shown = brand.claimable(alice);
        assertLt(0, shown, "alice has something to claim");
        vm.prank(address(factory));
        vm.expectRevert(abi.encodeWithSelector(IDividendToken.DividendTokenInvalidRecipient.selector, address(0)));
        brand.claimFor(alice, address(0));
        assertEq(brand.claimable(alice), shown, "claimable kept");
    }

    function test_claim_revertsWithNothingToClaim() public {
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IDividendToken.DividendTokenNothingToClaim.selector, alice));
        brand.claim();
    }

    function test_claimTo_revertsForTheZeroRecipient() public {
        _distributeAsShop(brand, 1, 1 ether);
        uint256 shown = brand.claimable(alice);
        assertLe(1 ether - shown, 1, "alice, the only holder, can claim the distribution (less a wei of rounding)");
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IDividendToken.DividendTokenInvalidRecipient.selector, address(0)));
        brand.claimTo(address(0));
        assertEq(brand.claimable(alice), shown, "claimable kept");
    }

    function test_name_implementationIsNoToken() public {
        DividendToken implementation = DividendToken(factory.tokenImplementation());
        vm.expectRevert(IDividendToken.DividendTokenNotAClone.selector);
        implementation.name();
        vm.expectRevert(IDividendToken.DividendTokenNotAClone.selector);
        implementation.shop();
        vm.expectRevert(IDividendToken.DividendTokenNotAClone.selector);
        implementation.mintOrder(alice, ONE, address(0), 0, 0);
    }
}
