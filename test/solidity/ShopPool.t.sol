// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Fixture} from "./utils/Fixture.sol";
import {DividendToken} from "../../contracts/payouts/DividendToken.sol";

/* solhint-disable func-name-mixedcase */

/// @title ShopPoolTest
/// @notice The management pool's allowance is exactly floor(minted by the rules x poolNum / poolDen) - minted by the
/// pool, for one pool ratio: a pool mint loses no rounding (IShopViews.poolAllowance).
contract ShopPoolTest is Fixture {
    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
    }

    /// @notice Wuyou rules: 0.3 coin per token, pool 1/9. 4 wei mint 13 token-wei (allowance 1), the pool mints 1,
    /// then 2 wei mint 6 more: 19 by the rules, so the allowance must be floor(19 / 9) - 1 = 1.
    function test_poolAllowance_exactAfterAPoolMint() public {
        DividendToken token = _createToken("Brand", "BRD", false, _wuyouRules());
        _recordOrder(keccak256("first"), makeAddr("alice"), 4, address(0));
        assertEq(token.totalSupply(), 13, "13 token-wei by the rules");
        assertEq(shop.poolAllowance(0), 1, "floor(13 / 9)");
        vm.prank(poolManager);
        shop.mintFromPool(0, makeAddr("host"), 1, keccak256("service"));
        _recordOrder(keccak256("second"), makeAddr("alice"), 2, address(0));
        assertEq(token.totalSupply() - 1, 19, "19 token-wei by the rules");
        assertEq(shop.poolAllowance(0), uint256(19) / 9 - 1, "allowance = floor(19 / 9) - 1");
    }

    /// @notice The same over random orders and pool mints: the allowance is the exact formula after every step.
    function testFuzz_poolAllowance_exactAfterPoolMints(uint256 seed) public {
        DividendToken token = _createToken("Brand", "BRD", false, _wuyouRules());
        uint256 poolMinted;
        for (uint256 k; k < 8; ++k) {
            uint256 e = uint256(keccak256(abi.encode(seed, k)));
            _recordOrder(keccak256(abi.encode(k)), makeAddr("alice"), bound(e, 1, 10 ether), address(0));
            uint256 exact = ((token.totalSupply() - poolMinted) * 1) / 9 - poolMinted;
            assertEq(shop.poolAllowance(0), exact, "allowance = floor(rule-minted / 9) - pool-minted");
            if (exact == 0) continue;
            uint256 amount = bound(e >> 64, 1, exact);
            vm.prank(poolManager);
            shop.mintFromPool(0, makeAddr("host"), amount, keccak256("service"));
            poolMinted += amount;
        }
    }
}
