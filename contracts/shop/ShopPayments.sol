// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Proxy} from "@openzeppelin/contracts/proxy/Proxy.sol";
import {HeldPayments} from "../payments/HeldPayments.sol";
import {Refunds} from "../payments/Refunds.sol";
import {ShopAdmin} from "./ShopAdmin.sol";

/// @title ShopPayments
/// @notice The shop's payments module: the steps of a held payment, refunds, returns owed and the return window. See
/// `IShopPayments`. Every other selector (`IShopAdmin`, and through it the views) falls through to `ShopAdmin`,
/// which this module deploys in its constructor.
/// @dev Deployed on its own (it is passed to the `Shop` implementation's constructor: the shop's code and its modules'
/// together are too large for one creation) and only ever run by delegatecall from a shop clone, through `Shop`'s
/// fallback, in the clone's storage and with the clone's caller. Called directly it acts on its own storage, which has
/// no roles: nothing but a customer's own payment can be made or moved there. The hop from `Shop` costs its calls
/// about 2,700 gas, and the admin calls behind it another 2,700.
contract ShopPayments is HeldPayments, Refunds, Proxy {
    address private immutable _SELF = address(this);
    /// @dev The admin module, deployed with this one; every shop shares it.
    address private immutable _ADMIN;

    constructor() {
        _ADMIN = address(new ShopAdmin());
        _disableInitializers();
    }

    /// @notice Coin sent to a shop with no call data is a deposit, which `Shop` takes; this module never sees it. Sent
    /// to the module itself, it is refused.
    receive() external payable {
        revert ShopNotAClone();
    }

    /// @notice The shop's modules: this one, the admin module, and the view module the admin module deployed (its
    /// first CREATE).
    function modules() external view returns (address payments, address admin, address views) {
        address adminModule = _ADMIN;
        address lens;
        // Inline assembly: the address of the admin module's first CREATE, keccak256(rlp([admin, 1])).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0, or(or(shl(240, 0xd694), shl(80, adminModule)), shl(72, 1)))
            lens := and(keccak256(0, 23), 0xffffffffffffffffffffffffffffffffffffffff)
        }
        return (_SELF, adminModule, lens);
    }

    /// @dev Where the selectors this module does not have go: the admin module.
    function _implementation() internal view override returns (address) {
        return _ADMIN;
    }
}
