// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IShareMallFactory} from "../interfaces/IShareMallFactory.sol";
import {IShop} from "../interfaces/IShop.sol";
import {IDividendToken} from "../interfaces/IDividendToken.sol";

/// @title ShareMallFactory
/// @notice Deploys shops and tokens as EIP-1167 clones and lists them. See `IShareMallFactory`.
/// @dev Implementations are fixed at construction: a new version is a new factory.
contract ShareMallFactory is IShareMallFactory {
    /// @inheritdoc IShareMallFactory
    address public immutable shopImplementation;
    /// @inheritdoc IShareMallFactory
    address public immutable tokenImplementation;

    /// @dev A shop has at most 8 tokens (`Shop.MAX_TOKENS`), so every token's CREATE nonce fits in one byte.
    uint256 private constant _MAX_TOKENS = 8;

    address[] private _shops;
    mapping(address shop => bool) private _isShop;
    mapping(address token => address shop) private _shopOfToken;

    /// @param shopImpl Deployed `Shop` implementation.
    /// @param tokenImpl Deployed `DividendToken` implementation.
    constructor(address shopImpl, address tokenImpl) {
        if (shopImpl.code.length == 0) revert FactoryInvalidImplementation(shopImpl);
        if (tokenImpl.code.length == 0) revert FactoryInvalidImplementation(tokenImpl);
        shopImplementation = shopImpl;
        tokenImplementation = tokenImpl;
    }

    /// @inheritdoc IShareMallFactory
    function createShop(ShopParams calldata params) external returns (address shop) {
        shop = Clones.clone(shopImplementation);
        _register(shop, params);
    }

    /// @inheritdoc IShareMallFactory
    function createShopDeterministic(ShopParams calldata params, bytes32 salt) external returns (address shop) {
        shop = Clones.cloneDeterministic(shopImplementation, _shopSalt(msg.sender, salt));
        _register(shop, params);
    }

    /// @inheritdoc IShareMallFactory
    function predictShopAddress(address creator, bytes32 salt) external view returns (address) {
        return Clones.predictDeterministicAddress(shopImplementation, _shopSalt(creator, salt));
    }

    /// @inheritdoc IShareMallFactory
    function registerToken(uint256 tokenIndex, address token) external {
        if (!_isShop[msg.sender]) revert FactoryNotShop(msg.sender);
        address expected = predictTokenAddress(msg.sender, tokenIndex);
        if (token != expected || token.code.length == 0) revert FactoryUnexpectedToken(token, expected);
        _shopOfToken[token] = msg.sender;
        emit TokenDeployed(msg.sender, token, tokenIndex);
    }

    /// @inheritdoc IShareMallFactory
    function predictTokenAddress(address shop, uint256 tokenIndex) public pure returns (address) {
        if (tokenIndex >= _MAX_TOKENS) revert FactoryIndexOutOfRange(tokenIndex, _MAX_TOKENS);
        // A shop deploys token i with its (i + 1)-th CREATE: the address of RLP([shop, i + 1]), one-byte nonce.
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes2(0xd694), shop, uint8(tokenIndex + 1))))));
    }

    /// @inheritdoc IShareMallFactory
    function shopCount() external view returns (uint256) {
        return _shops.length;
    }

    /// @inheritdoc IShareMallFactory
    function shopAt(uint256 index) external view returns (address) {
        if (index >= _shops.length) revert FactoryIndexOutOfRange(index, _shops.length);
        return _shops[index];
    }

    /// @inheritdoc IShareMallFactory
    function shops(uint256 start, uint256 limit) external view returns (address[] memory list) {
        uint256 length = _shops.length;
        uint256 end = start >= length ? start : (limit > length - start ? length : start + limit);
        list = new address[](end - start);
        for (uint256 k = start; k < end; ++k) list[k - start] = _shops[k];
    }

    /// @inheritdoc IShareMallFactory
    function isShop(address shop) external view returns (bool) {
        return _isShop[shop];
    }

    /// @inheritdoc IShareMallFactory
    function shopOfToken(address token) external view returns (address) {
        return _shopOfToken[token];
    }

    /// @inheritdoc IShareMallFactory
    function shopTokens(address shop) external view returns (address[] memory) {
        if (!_isShop[shop]) return new address[](0);
        return IShop(shop).tokens();
    }

    /// @inheritdoc IShareMallFactory
    function claimMany(address[] calldata tokens, address recipient) external returns (uint256 total) {
        uint256 length = tokens.length;
        if (length == 0) revert FactoryNoTokens();
        if (recipient == address(0)) recipient = msg.sender;
        for (uint256 k; k < length; ++k) {
            if (_shopOfToken[tokens[k]] == address(0)) revert FactoryUnknownToken(tokens[k]);
        }
        for (uint256 k; k < length; ++k) {
            try IDividendToken(tokens[k]).claimFor(msg.sender, recipient) returns (uint256 paid) {
                total += paid;
            } catch (bytes memory reason) {
                emit ClaimSkipped(tokens[k], msg.sender, reason);
            }
        }
        if (total == 0) revert FactoryNothingClaimed(msg.sender);
    }

    function _register(address shop, ShopParams calldata params) private {
        _shops.push(shop);
        _isShop[shop] = true;
        emit ShopCreated(shop, params.admin, msg.sender, params.utcOffset, params.name);
        IShop(shop).initialize(params.admin, params.operator, params.utcOffset);
    }

    function _shopSalt(address creator, bytes32 salt) private pure returns (bytes32) {
        return keccak256(abi.encode(creator, salt));
    }
}
