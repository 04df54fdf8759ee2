// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Proxy} from "@openzeppelin/contracts/proxy/Proxy.sol";
import {Checkout} from "../intake/Checkout.sol";
import {MerkleBatches} from "../intake/MerkleBatches.sol";
import {Receipts} from "../intake/Receipts.sol";
import {RecordedOrders} from "../intake/RecordedOrders.sol";
import {Settlement} from "../settlement/Settlement.sol";
import {ShopAdmin} from "./ShopAdmin.sol";

/// @title Shop
/// @notice A merchant's shop, deployed by the factory as an EIP-1167 clone of this contract. See `IShop`.
/// @dev The shop is two implementations over one storage layout (`ShopStorage`). This one holds only what runs on
/// every order and every day, the eight functions of `IShopOrders`: the four intake paths (`contracts/intake/`),
/// deposits and settlement (`contracts/settlement/`). Every other selector (`IShopAdmin`: the initializer, tokens,
/// rules, roles, pool, withdrawals and views) falls through to `ShopAdmin`, which this contract deploys in its
/// constructor and reaches by delegatecall, so the clone has one address and one ABI (`IShop`) while each
/// implementation stays well under the contract size limit, and the hot paths dispatch over eight selectors. The
/// extra hop costs the admin calls about 2,700 gas; the order and settlement paths pay nothing for it. See
/// docs/architecture.md.
contract Shop is RecordedOrders, Checkout, Receipts, MerkleBatches, Settlement, Proxy {
    /// @dev The admin module, deployed with this implementation; every clone of it shares the module.
    address private immutable _ADMIN;

    /// @dev The implementation is never initialised; only clones are.
    constructor() {
        _ADMIN = address(new ShopAdmin());
        _disableInitializers();
    }

    /// @dev Where the selectors this contract does not have go: the admin module.
    function _implementation() internal view override returns (address) {
        return _ADMIN;
    }
}
