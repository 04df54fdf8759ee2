// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {Clones} from "@openzeppelin/contracts/proxy/Clones.sol";
import {IDividendToken} from "../../interfaces/IDividendToken.sol";
import {IShareMallFactory} from "../../interfaces/IShareMallFactory.sol";
import {IShop} from "../../interfaces/IShop.sol";

/// @title RogueCloner
/// @notice Test mock: an attacker that clones the real implementations outside the factory, to check that a rogue
/// shop cannot register tokens with the factory and that a rogue token (whose clone arguments name the real factory)
/// cannot be claimed through `claimMany` or mint into the real registry.
contract RogueCloner {
    /// @notice The last shop clone made by `cloneShop`.
    address public lastShop;
    /// @notice The last token clone made by `cloneToken`.
    address public lastToken;

    /// @notice Clones `implementation` (a Shop) and initialises it with this contract as admin and operator.
    /// @return shop The rogue shop.
    function cloneShop(address implementation, int32 utcOffset) external returns (address shop) {
        shop = Clones.clone(implementation);
        IShop(shop).initialize(address(this), address(this), utcOffset);
        lastShop = shop;
    }

    /// @notice Clones `implementation` (a DividendToken) with clone arguments naming this contract as its shop and
    /// `factory` as its factory, as `ShareMallFactory` would lay them out.
    /// @return token The rogue token.
    function cloneToken(address implementation, address factory) external returns (address token) {
        bytes memory args = abi.encodePacked(address(this), factory, true, uint8(5), "Rogue", uint8(3), "RGE");
        token = Clones.cloneWithImmutableArgs(implementation, args);
        lastToken = token;
    }

    /// @notice Mints `amount` of a rogue token (this contract is its shop) to `to`.
    function mintRogue(IDividendToken token, address to, uint256 amount) external {
        uint256[] memory credits = new uint256[](1);
        credits[0] = (uint256(uint160(to)) << 96) | amount;
        token.mintBatch(credits, 0);
    }

    /// @notice Distributes `amount` wei (sent with the call) to a rogue token's holders.
    function distributeRogue(IDividendToken token, uint256 day) external payable {
        token.distribute{value: msg.value}(day, msg.value);
    }

    /// @notice Creates a token in a rogue shop (this contract is its admin); the factory must refuse to deploy it.
    function createRogueToken(IShop shop, IShop.TokenParams calldata params) external {
        shop.createToken(params);
    }

    /// @notice Asks `factory` to register `token` for this contract, which is not a shop of the factory.
    function registerDirect(IShareMallFactory factory, address token) external {
        factory.registerToken(0, token);
    }
}
