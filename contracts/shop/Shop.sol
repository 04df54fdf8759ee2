// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Proxy} from "@openzeppelin/contracts/proxy/Proxy.sol";
import {MerkleBatches} from "../intake/MerkleBatches.sol";
import {Receipts} from "../intake/Receipts.sol";
import {RecordedOrders} from "../intake/RecordedOrders.sol";
import {Charge} from "../payments/Charge.sol";
import {Settlement} from "../settlement/Settlement.sol";

/// @title Shop
/// @notice A merchant's shop, deployed by the factory as an EIP-1167 clone of this contract. See `IShop`.
/// @dev The shop is four implementations over one storage layout (`ShopStorage`). This one holds only what runs on
/// every order and every day, the eight functions of `IShopOrders`: the four intake paths (`contracts/intake/`, and
/// `charge`, `contracts/payments/`), deposits and settlement (`contracts/settlement/`). Every other selector falls
/// through, by delegatecall, to `ShopPayments` (held payments, refunds, the return window), given to the constructor,
/// then to `ShopAdmin` (the initializer, tokens, rules, roles, pool, withdrawals), then to `ShopLens` (the views), so
/// the clone has one address and one ABI (`IShop`) while each implementation stays well under the contract size
/// limit, and the hot paths dispatch over eight selectors. Each hop costs about 2,700 gas; the order and settlement
/// paths pay nothing for them. See docs/architecture.md.
contract Shop is RecordedOrders, Charge, Receipts, MerkleBatches, Settlement, Proxy {
    /// @dev The payments module, which the admin module and the views sit behind; every clone of this shares them.
    address private immutable _PAYMENTS;

    /// @dev The implementation is never initialised; only clones are.
    /// @param payments The deployed `ShopPayments` module (it deploys the admin and view modules).
    constructor(address payments) {
        if (payments.code.length == 0) revert ShopInvalidModule(payments);
        _PAYMENTS = payments;
        _disableInitializers();
    }

    /// @dev Where the selectors this contract does not have go: the payments module, then the admin module, then the
    /// views.
    function _implementation() internal view override returns (address) {
        return _PAYMENTS;
    }
}
