// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {IERC5267} from "@openzeppelin/contracts/interfaces/IERC5267.sol";
import {IERC165} from "@openzeppelin/contracts/utils/introspection/IERC165.sol";
import {IShopOrders} from "./IShopOrders.sol";
import {IShopPayments} from "./IShopPayments.sol";
import {IShopAdmin} from "./IShopAdmin.sol";
import {IShopViews} from "./IShopViews.sol";

/// @title IShop
/// @notice The whole interface of a ShareMall shop clone: orders, charges and settlement (`IShopOrders`, served by
/// `Shop`); held payments, refunds and the return window (`IShopPayments`), served by `ShopPayments` through `Shop`'s
/// fallback; the initializer, tokens, rules, pool and withdrawals (`IShopAdmin`) and OpenZeppelin's role management
/// (`IAccessControl`), served by `ShopAdmin` through `ShopPayments`' fallback; and every view (`IShopViews`) with the
/// receipts' EIP-712 domain (`IERC5267`), served by `ShopLens` through `ShopAdmin`'s fallback. Use this interface (or
/// its ABI) to talk to a shop. It also declares what the implementations inherit from OpenZeppelin and a caller can
/// meet: the admin role's id, ERC-165, and the errors and event of `Initializable` and `Clones`. (A shop also accepts
/// coin sent with no call data, as a deposit; `receive` is not declared here so that any address converts to `IShop`.)
interface IShop is IShopOrders, IShopPayments, IShopAdmin, IShopViews, IAccessControl, IERC5267, IERC165 {
    /// @notice Thrown by `initialize` on a shop that is initialised already (or on an implementation).
    error InvalidInitialization();
    /// @notice Thrown when an initializer-only function runs outside initialisation (never, by design).
    error NotInitializing();
    /// @notice Thrown when `createToken` could not deploy the token clone.
    error FailedDeployment();
    /// @notice Thrown when a clone's immutable arguments are too long (never: names and symbols are bounded).
    error CloneArgumentsTooLong();
    /// @notice Thrown when a deployment would need more coin than the shop holds (never: tokens are deployed without
    /// value).
    error InsufficientBalance(uint256 balance, uint256 needed);

    /// @notice Emitted once, when the factory initialises the shop (OpenZeppelin `Initializable`).
    event Initialized(uint64 version);

    /// @notice The admin role's id (OpenZeppelin `AccessControl`): 0x00.
    // solhint-disable-next-line func-name-mixedcase
    function DEFAULT_ADMIN_ROLE() external view returns (bytes32);
}
