// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title IShareMallFactory
/// @notice One per chain and version: deploys shops as EIP-1167 clones of a fixed implementation, registers the tokens
/// they deploy (EIP-1167 clones of a fixed implementation too), lists them, and claims a holder's dividends of many
/// tokens in one transaction.
/// @dev The factory has no power over any shop: it holds no role, no funds, and can only forward a holder's own
/// claim (`claimMany` always claims for `msg.sender`).
interface IShareMallFactory {
    /// @notice Settings of a new shop.
    /// @param admin Merchant admin (admin role).
    /// @param operator Backend key (operator role), or the zero address to grant it later.
    /// @param utcOffset Seconds the shop's local time is ahead of UTC (China: 28,800).
    /// @param name Display name, recorded in the `ShopCreated` event only.
    struct ShopParams {
        address admin;
        address operator;
        int32 utcOffset;
        string name;
    }

    /// @notice Thrown when an implementation address has no code.
    error FactoryInvalidImplementation(address implementation);
    /// @notice Thrown when a token registration comes from `caller`, which is not a shop of this factory.
    error FactoryNotShop(address caller);
    /// @notice Thrown when a shop registers `token` where its next token must be at `expected` (with code).
    error FactoryUnexpectedToken(address token, address expected);
    /// @notice Thrown when `claimMany` is given `token`, which is not a token of this factory.
    error FactoryUnknownToken(address token);
    /// @notice Thrown when `claimMany` is given no tokens.
    error FactoryNoTokens();
    /// @notice Thrown when `claimMany` claimed nothing at all.
    error FactoryNothingClaimed(address holder);
    /// @notice Thrown when an index is past the end of the shop list.
    error FactoryIndexOutOfRange(uint256 index, uint256 length);

    /// @notice Emitted when a shop is created.
    event ShopCreated(
        address indexed shop,
        address indexed admin,
        address indexed creator,
        int32 utcOffset,
        string name
    );
    /// @notice Emitted when a shop registers a token clone it deployed.
    event TokenDeployed(address indexed shop, address indexed token, uint256 indexed tokenIndex);
    /// @notice Emitted by `claimMany` for a token whose claim failed; the other claims go on.
    event ClaimSkipped(address indexed token, address indexed holder, bytes reason);

    /// @notice The shop implementation every shop clone delegates to.
    function shopImplementation() external view returns (address);

    /// @notice The token implementation every token clone delegates to (shops clone it when they create a token).
    function tokenImplementation() external view returns (address);

    /// @notice Creates a shop clone at a fresh address.
    function createShop(ShopParams calldata params) external returns (address shop);

    /// @notice Creates a shop clone at the address `predictShopAddress(msg.sender, salt)`.
    function createShopDeterministic(ShopParams calldata params, bytes32 salt) external returns (address shop);

    /// @notice The address `createShopDeterministic` deploys to for `creator` and `salt`.
    function predictShopAddress(address creator, bytes32 salt) external view returns (address);

    /// @notice Registers token number `tokenIndex` of the calling shop, which the shop has just deployed. Shops only;
    /// the token must be at `predictTokenAddress(shop, tokenIndex)` and have code.
    function registerToken(uint256 tokenIndex, address token) external;

    /// @notice The address of token number `tokenIndex` (0 to 7) of `shop`: a shop deploys its tokens itself, token
    /// i with its (i + 1)-th CREATE, so a token's address depends only on its shop and index.
    function predictTokenAddress(address shop, uint256 tokenIndex) external pure returns (address);

    /// @notice Number of shops created.
    function shopCount() external view returns (uint256);

    /// @notice The shop at `index` in creation order.
    function shopAt(uint256 index) external view returns (address);

    /// @notice Shops `[start, start + limit)` in creation order (clipped to the list).
    function shops(uint256 start, uint256 limit) external view returns (address[] memory);

    /// @notice Whether `shop` was created by this factory.
    function isShop(address shop) external view returns (bool);

    /// @notice The shop of `token`, or the zero address if the token is not from this factory.
    function shopOfToken(address token) external view returns (address);

    /// @notice The tokens of `shop`.
    function shopTokens(address shop) external view returns (address[] memory);

    /// @notice Claims the caller's dividends of every token in `tokens` to `recipient` (the caller if zero). A token
    /// with nothing to claim, or whose payment fails, is skipped with a `ClaimSkipped` event.
    /// @return total Wei paid in all.
    function claimMany(address[] calldata tokens, address recipient) external returns (uint256 total);
}
