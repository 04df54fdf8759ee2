// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Strings} from "@openzeppelin/contracts/utils/Strings.sol";
import {Base} from "./Vm.sol";
import {Shop} from "../../../contracts/shop/Shop.sol";
import {ShopPayments} from "../../../contracts/shop/ShopPayments.sol";
import {DividendToken} from "../../../contracts/payouts/DividendToken.sol";
import {ShareMallFactory} from "../../../contracts/factory/ShareMallFactory.sol";
import {IShop} from "../../../contracts/interfaces/IShop.sol";
import {IShopBase} from "../../../contracts/interfaces/IShopBase.sol";
import {IShareMallFactory} from "../../../contracts/interfaces/IShareMallFactory.sol";

/// @title Fixture
/// @notice Deploys the implementations, the factory and a shop with named roles, and offers the order, settlement and
/// claim steps the tests share.
/// @dev Roles are named addresses (`admin`, `operator`, `poolManager`) that the helpers impersonate with `prank`. A
/// shop clone is typed `IShop`: `Shop` itself only has the order and settlement functions, everything else reaches the
/// admin module through its fallback. Order ids of the operator paths come from `_newOrderId` (consecutive, from 1),
/// so helpers never reuse one by accident.
abstract contract Fixture is Base {
    /// @dev China Standard Time, the Wuyou Tea shop's clock.
    int32 internal constant UTC_PLUS_8 = 8 hours;
    uint256 internal constant ONE = 1e18;
    uint256 internal constant BPS = 10_000;
    /// @dev 2025-06-15 15:06:40 UTC: tests start at a realistic time so that day indexes look like real ones.
    uint256 internal constant START = 1_750_000_000;
    /// @dev The largest order amount (2^96 - 1 wei).
    uint256 internal constant MAX_AMOUNT = type(uint96).max;

    address internal admin;
    address internal operator;
    address internal poolManager;
    ShareMallFactory internal factory;
    IShop internal shop;
    /// @dev The next order id `_newOrderId` hands out.
    uint64 internal nextOrderId = 1;

    /// @dev Deploys the implementations and the factory, and a shop at `offset` with the named roles.
    function _deployShareMall(int32 offset) internal {
        vm.warp(START);
        admin = makeAddr("admin");
        operator = makeAddr("operator");
        poolManager = makeAddr("poolManager");
        Shop shopImpl = new Shop(address(new ShopPayments()));
        DividendToken tokenImpl = new DividendToken();
        factory = new ShareMallFactory(address(shopImpl), address(tokenImpl));
        shop = _createShop(offset);
        vm.label(address(factory), "factory");
        vm.label(address(shop), "shop");
    }

    /// @dev A further shop of the same factory, with the same named roles.
    function _createShop(int32 offset) internal returns (IShop created) {
        created = IShop(
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
        IShopBase.TokenRules memory rules
    ) internal returns (DividendToken token) {
        return _createTokenWithNotice(name, symbol, transferable, 0, rules);
    }

    /// @dev Creates a token of `shop` with a notice period (0: the default) and returns it; it must land at the
    /// address the factory predicts for its shop and index.
    function _createTokenWithNotice(
        string memory name,
        string memory symbol,
        bool transferable,
        uint32 noticePeriod,
        IShopBase.TokenRules memory rules
    ) internal returns (DividendToken token) {
        uint256 expectedIndex = shop.tokenCount();
        vm.prank(admin);
        (uint256 tokenIndex, address created) = shop.createToken(
            IShopBase.TokenParams({
                name: name,
                symbol: symbol,
                transferable: transferable,
                noticePeriod: noticePeriod,
                rules: rules
            })
        );
        assertEq(tokenIndex, expectedIndex, "token index: the next one");
        assertEq(created, factory.predictTokenAddress(address(shop), tokenIndex), "token at its predicted address");
        token = DividendToken(created);
        vm.label(created, symbol);
    }

    /// @dev Wuyou Tea's brand token with a demo rate of 1 CNY = 10^15 wei: one token per 300 CNY, 20 % dividends,
    /// 10 % referral, pool 1/9.
    function _wuyouRules() internal pure returns (IShopBase.TokenRules memory) {
        return
            IShopBase.TokenRules({
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

    /// @dev Mall: one token per coin, 5 % referral share, 15 % dividends, pool 1/4, no cap.
    function _mallRules() internal pure returns (IShopBase.TokenRules memory) {
        return
            IShopBase.TokenRules({
                spendPerToken: 1 ether,
                minFirstOrder: 0,
                referralsPerToken: 0,
                dividendBps: 1500,
                referralBps: 500,
                maxSupply: 0,
                poolNum: 1,
                poolDen: 4
            });
    }

    /// @dev `count` distinct labelled holder addresses (accounts without code, so they accept the coin).
    function _holders(uint256 count) internal returns (address[] memory list) {
        list = new address[](count);
        for (uint256 i; i < count; ++i) {
            list[i] = makeAddr(string.concat("holder-", Strings.toString(i)));
        }
    }

    /// @dev A fresh order id (never handed out before in this test).
    function _newOrderId() internal returns (uint64) {
        return nextOrderId++;
    }

    /// @dev A recorded-path order with a fresh order id.
    function _order(
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer
    ) internal returns (IShopBase.Order memory) {
        return
            IShopBase.Order({
                orderId: _newOrderId(),
                orderHash: orderHash,
                customer: customer,
                amount: uint96(amount),
                referrer: referrer
            });
    }

    /// @dev Records one order with a fresh order id as the operator, and returns the id.
    function _recordOrder(
        bytes32 orderHash,
        address customer,
        uint256 amount,
        address referrer
    ) internal returns (uint64 orderId) {
        IShopBase.Order memory order = _order(orderHash, customer, amount, referrer);
        vm.prank(operator);
        shop.recordOrder(order);
        return order.orderId;
    }

    /// @dev Whether `customer`'s on-chain payment for `orderHash` counted (was charged or captured).
    function _charged(IShop target, bytes32 orderHash, address customer) internal view returns (bool) {
        (IShopBase.PaymentStatus status, ) = target.payment(orderHash, customer);
        return status == IShopBase.PaymentStatus.Captured;
    }

    /// @dev Pays an order by `charge` as `customer`, which is funded first.
    function _charge(address customer, bytes32 orderHash, uint256 amount, address referrer) internal {
        vm.deal(customer, customer.balance + amount);
        vm.prank(customer);
        shop.charge{value: amount}(orderHash, referrer);
    }

    /// @dev Mints `amount` of `token` to `to` as its shop (token-level tests): one order's consumption, no cap.
    function _mintAsShop(DividendToken token, address to, uint256 amount) internal {
        vm.prank(token.shop());
        token.mintOrder(to, amount, address(0), 0, 0);
    }

    /// @dev Sends `amount` wei into `token` and distributes it as the token's shop, as if settling `day`.
    function _distributeAsShop(DividendToken token, uint256 day, uint256 amount) internal {
        address tokenShop = token.shop();
        vm.deal(tokenShop, tokenShop.balance + amount);
        vm.prank(tokenShop);
        token.distribute{value: amount}(day, amount);
    }

    /// @dev What `day` still needs from the merchant: the debt (owed beyond the checkout escrow) of every token not
    /// settled yet.
    function _unfunded(uint256 day) internal view returns (uint256 required) {
        uint256 count = shop.tokenCount();
        for (uint256 i; i < count; ++i) {
            IShopBase.TokenDay memory d = shop.tokenDay(i, day);
            if (!d.settled) required += d.owed - d.escrowed;
        }
    }

    /// @dev Moves past `day` if needed and settles it as the admin, sending exactly what the merchant balance lacks.
    function _settleFunded(uint256 day) internal {
        if (shop.today() <= day) vm.warp(block.timestamp + 1 days);
        uint256 required = _unfunded(day);
        uint256 balance = shop.merchantBalance();
        uint256 value = required > balance ? required - balance : 0;
        vm.deal(admin, admin.balance + value);
        vm.prank(admin);
        shop.settle{value: value}(day);
    }

    /// @dev The UTC timestamp of the local midnight that starts `day` at `offset`.
    function _midnight(uint256 day, int32 offset) internal pure returns (uint256) {
        return uint256(int256(day * 1 days) - offset);
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
