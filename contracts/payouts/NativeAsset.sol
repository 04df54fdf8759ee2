// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title NativeAsset
/// @notice The one seam between ShareMall's accounting and the dividend asset, the chain's native coin. The shop and
/// the tokens never touch `msg.value` or send coin except through these four functions, so that another asset (an
/// ERC-20 stablecoin, say) can be added by writing a second implementation of this seam, without touching the
/// accounting.
/// @dev What an ERC-20 version would do instead: `_assetReceived` would pull `amount` with `transferFrom` (and the
/// payable functions would take the amount as an argument), `_assetSend` would `transfer`, and `_assetForCall` would
/// `transfer` to the token and return 0 as the call's value.
abstract contract NativeAsset {
    /// @dev Wei of the asset the current call brought in.
    function _assetReceived() internal returns (uint256 amount) {
        return msg.value;
    }

    /// @dev Pays `amount` to `to`, forwarding all gas and copying no return data, so that a recipient that reverts,
    /// returns a huge payload or burns gas can only make its own payment fail. Returns whether it was paid.
    function _assetSend(address to, uint256 amount) internal returns (bool paid) {
        // Inline assembly: a call that copies no return data (Solidity's `call` always copies it into memory).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            paid := call(gas(), to, amount, 0, 0, 0, 0)
        }
    }

    /// @dev Pays `amount` to `to` with at most `gasLimit` gas for the recipient, copying no return data: for payments
    /// back to a customer that the shop makes as part of another step, so that the recipient can neither block the
    /// step nor spend its gas. Returns whether it was paid.
    function _assetSendCapped(address to, uint256 amount, uint256 gasLimit) internal returns (bool paid) {
        // Inline assembly: a call with a gas limit that copies no return data.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            paid := call(gasLimit, to, amount, 0, 0, 0, 0)
        }
    }

    /// @dev Hands `amount` of the asset to `to` (one of the shop's tokens) together with the call that follows, and
    /// returns the native value that call must carry: the amount itself for the native coin.
    function _assetForCall(address to, uint256 amount) internal pure returns (uint256 value) {
        to;
        return amount;
    }
}
