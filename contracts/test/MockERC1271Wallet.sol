// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC1271} from "@openzeppelin/contracts/interfaces/IERC1271.sol";
import {ECDSA} from "@openzeppelin/contracts/utils/cryptography/ECDSA.sol";

/// @title MockERC1271Wallet
/// @notice Test mock: a contract wallet (ERC-1271) that accepts its owner EOA's ECDSA signatures of a digest, so that
/// it can act as a shop operator signing receipts. A switch makes it refuse every signature (the ERC-1271 way, by not
/// returning the magic value) or revert, as a wallet whose owner changed or whose policy forbids the signature would.
contract MockERC1271Wallet is IERC1271 {
    /// @notice How `isValidSignature` answers.
    /// @param Validate Returns the magic value iff the owner signed the digest.
    /// @param Refuse Returns `0xffffffff` for every signature.
    /// @param Revert Reverts with `MockERC1271WalletReverted` for every signature.
    enum Mode {
        Validate,
        Refuse,
        Revert
    }

    /// @notice Thrown by `isValidSignature` in `Mode.Revert`.
    error MockERC1271WalletReverted(bytes32 digest);

    /// @notice The EOA whose signatures the wallet accepts.
    address public immutable owner;
    /// @notice The current answer mode.
    Mode public mode;

    constructor(address owner_) {
        owner = owner_;
    }

    /// @notice Switches how the wallet answers `isValidSignature`.
    function setMode(Mode mode_) external {
        mode = mode_;
    }

    /// @inheritdoc IERC1271
    function isValidSignature(bytes32 digest, bytes calldata signature) external view returns (bytes4) {
        Mode current = mode;
        if (current == Mode.Revert) revert MockERC1271WalletReverted(digest);
        if (current == Mode.Refuse) return 0xffffffff;
        (address recovered, ECDSA.RecoverError err, ) = ECDSA.tryRecoverCalldata(digest, signature);
        return err == ECDSA.RecoverError.NoError && recovered == owner ? IERC1271.isValidSignature.selector : bytes4(0);
    }
}
