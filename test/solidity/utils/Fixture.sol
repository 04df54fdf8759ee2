// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {Base} from "./Vm.sol";
import {Shop} from "../../../contracts/Shop.sol";
import {DividendToken} from "../../../contracts/DividendToken.sol";
import {ShareMallFactory} from "../../../contracts/ShareMallFactory.sol";
import {IShop} from "../../../contracts/interfaces/IShop.sol";
import {IShareMallFactory} from "../../../contracts/interfaces/IShareMallFactory.sol";

/// @title Fixture
/// @notice Deploys the implementations, the factory and a shop with named roles, and offers the order, settlement and
/// claim steps the tests share.
/// @dev Roles are named addresses (`admin`, `operator`, `poolManager`) that the helpers impersonate with `prank`.
abstract contract Fixture is Base {
    /// @dev China Standard Time, the Wuyou Tea shop's clock.
    int32 internal constant UTC_PLUS_8 = 8 hours;
    uint256 internal constant ONE = 1e18;
    uint256 internal constant BPS = 10_000;
    /// @dev 2025-06-15 15:06:40 UTC: tests start at a realistic time so that day indexes look like real ones.
    uint256 internal constant START = 1_750_000_000;

    address internal admin;
    address internal operator;
    address internal poolManager;
    ShareMallFactory internal factory;
    Shop internal shop;

    /// @dev Deploys the implementations and the factory, and a shop at `offset` with the named roles.
    function _deployShareMall(int32 offset) internal {
        vm.warp(START);
        admin = makeAddr("admin");
        operator = makeAddr("operator");
        poolManager = makeAddr("poolManager");
        Shop shopImpl = new Shop();
        DividendToken tokenImpl = new DividendToken();
        factory = new ShareMallFactory(address(shopImpl), address(tokenImpl));
        shop = _createShop(offset);
        vm.label(address(factory), "factory");
        vm.label(address(shop), "shop");
    }

    /// @dev A further shop of the same factory, with the same named roles.
    function _createShop(int32 offset) internal returns (Shop created) {
        created = Shop(
            factory.createShop(
                IShareMallFactory.ShopParams({admin: admin, operator: operator, utcOffset: offset, name: "Wuyou Tea"})
            )
        );
        bytes32 role = created.POOL_MANAGER_ROLE();
        vm.prank(admin);
        created.grantRole(role, poolManager);
    }

    /// @dev Creates a token of `shop` (default notice period) and returns it.
    function _createToken(
        string memory name,
        string memory symbol,
        bool transferable,
        IShop.TokenRules memory rules
    ) internal returns (DividendToken token) {
        return _createTokenWithNotice(name, symbol, transferable, 0, rules);
    }

    /// @dev Creates a token of `shop` with a notice period (0: the default) and returns it.
    function _createTokenWithNotice(
        string memory name,
        string memory symbol,
        bool transferable,
        uint32 noticePeriod,
        IShop.TokenRules memory rules
    ) internal returns (DividendToken token) {
        vm.prank(admin);
        (, address created) = shop.createToken(
            IShop.TokenParams({
                name: name,
                symbol: symbol,
                transferable: transferable,
                noticePeriod: noticePeriod,
                rules: rules
            })
        );
        token = DividendToken(created);
        vm.label(created, symbol);
    }

    /// @dev Wuyou Tea's brand token with a demo rate of 1 CNY = 10^15 wei: one token per 300 CNY, 20 % dividends,
    /// 10 % referral, pool 1/9.
    function _wuyouRules() internal pure returns (IShop.TokenRules memory) {
        return
            IShop.TokenRules({
                spendPerToken: 300e15,
                minFirstOrder: 0,
                referralsPerToken: 0,
                dividendBps: 2000,
                referralBps: 1000,
                maxSupply: 0,
                poolNum: 1,
                poolDen: 9
            });
    }

    /// @dev `count` distinct labelled holder addresses (accounts without code, so they accept the coin).
    function _holders(uint256 count) internal returns (address[] memory list) {
        list = new address[](count);
        for (uint256 i; i < count; ++i) {
            list[i] = makeAddr(string.concat("holder-", Strings.toString(i)));
        }
    }

    /// @dev Records one order as the operator.
    function _recordOrder(bytes32 orderHash, address customer, uint256 amount, address referrer) internal {
        vm.prank(operator);
        shop.recordOrder(
            IShop.Order({orderHash: orderHash, customer: customer, amount: uint96(amount), referrer: referrer})
        );
    }

    /// @dev Pays an order by checkout as `customer`, which is funded first.
    function _checkout(address customer, bytes32 orderHash, uint256 amount, address referrer) internal {
        vm.deal(customer, customer.balance + amount);
        vm.prank(customer);
        shop.checkout{value: amount}(orderHash, referrer);
    }

    /// @dev Mints `amount` of `token` to `to` as its shop (token-level tests).
    function _mintAsShop(DividendToken token, address to, uint256 amount) internal {
        vm.prank(token.shop());
        token.mint(to, amount);
    }

    /// @dev Sends `amount` wei into `token` and distributes it as the token's shop, as if settling `day`.
    function _distributeAsShop(DividendToken token, uint256 day, uint256 amount) internal {
        address tokenShop = token.shop();
        vm.deal(tokenShop, tokenShop.balance + amount);
        vm.prank(tokenShop);
        token.distribute{value: amount}(day, amount);
    }

    /// @dev Moves past `day` if needed and settles it as the admin, sending exactly what the merchant balance lacks.
    function _settleFunded(uint256 day) internal {
        if (shop.today() <= day) vm.warp(block.timestamp + 1 days);
        uint256 required;
        uint256 count = shop.tokenCount();
        for (uint256 i; i < count; ++i) {
            (uint256 owed, uint256 escrowed) = shop.tokenDay(i, day);
            required += owed - escrowed;
        }
        uint256 balance = shop.merchantBalance();
        uint256 value = required > balance ? required - balance : 0;
        vm.deal(admin, admin.balance + value);
        vm.prank(admin);
        shop.settle{value: value}(day);
    }

    function _sumClaimable(DividendToken token, address[] memory holders) internal view returns (uint256 sum) {
        for (uint256 i; i < holders.length; ++i) sum += token.claimable(holders[i]);
    }

    function _rollover(DividendToken token) internal view returns (uint256 rollover) {
        (, , rollover) = token.dividendState();
    }

    function _accumulator(DividendToken token) internal view returns (uint256 accumulator) {
        (accumulator, , ) = token.dividendState();
    }
}
