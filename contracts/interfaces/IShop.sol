// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {IShopOrders} from "./IShopOrders.sol";
import {IShopAdmin} from "./IShopAdmin.sol";

/// @title IShop
/// @notice The whole interface of a ShareMall shop clone: orders and settlement (`IShopOrders`, served by `Shop`),
/// tokens, rules, pool, withdrawals and views (`IShopAdmin`, served by `ShopAdmin` through `Shop`'s fallback),
/// OpenZeppelin's role management (`IAccessControl`) and the receipts' EIP-712 domain (`IERC5267`), both served by
/// `ShopAdmin` too. Use this interface (or its ABI) to talk to a shop.
// solhint-disable-next-line no-empty-blocks
interface IShop is IShopOrders, IShopAdmin, IAccessControl, IERC5267 {}
