// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {IShopOrders} from "./IShopOrders.sol";
import {IShopAdmin} from "./IShopAdmin.sol";
import {IShopViews} from "./IShopViews.sol";

/// @title IShop
/// @notice The whole interface of a ShareMall shop clone: orders and settlement (`IShopOrders`, served by `Shop`);
/// the initializer, tokens, rules, pool and withdrawals (`IShopAdmin`) and OpenZeppelin's role management
/// (`IAccessControl`), served by `ShopAdmin` through `Shop`'s fallback; and every view (`IShopViews`) with the receipts'
/// EIP-712 domain (`IERC5267`), served by `ShopLens` through `ShopAdmin`'s fallback. Use this interface (or its ABI) to
/// talk to a shop.
// solhint-disable-next-line no-empty-blocks
interface IShop is IShopOrders, IShopAdmin, IShopViews, IAccessControl, IERC5267 {}
