// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @title TestMulticall3
/// @notice The `aggregate3` entry point of Multicall3, for tests and local chains: its runtime code is installed at
/// Multicall3's canonical address (0xcA11bde05977b3631167028862bE2a173976CA11) with `hardhat_setCode` or
/// `anvil_setCode`, where public chains have the real Multicall3. The SDK's batched reads use only this function.
/// Test use only.
contract TestMulticall3 {
    /// @notice One call of a batch: the target, its calldata, and whether its failure may be returned rather than
    /// reverting the whole batch.
    struct Call3 {
        address target;
        bool allowFailure;
        bytes callData;
    }

    /// @notice The outcome of one call: whether it succeeded, and its return data (or revert data).
    struct Result {
        bool success;
        bytes returnData;
    }

    /// @notice Thrown when a call that does not allow failure fails; carries the call's index and revert data.
    error Multicall3CallFailed(uint256 index, bytes returnData);

    /// @notice Makes every call of `calls` in order and returns each one's outcome.
    /// @dev A failed call with `allowFailure` false reverts the batch with {Multicall3CallFailed}. Changes no state
    /// of its own, so it emits no event.
    /// @param calls The calls.
    /// @return results One result per call, in order.
    function aggregate3(Call3[] calldata calls) external payable returns (Result[] memory results) {
        uint256 length = calls.length;
        results = new Result[](length);
        for (uint256 i; i < length; ++i) {
            Call3 calldata c = calls[i];
            // slither-disable-next-line low-level-calls
            (bool success, bytes memory returnData) = c.target.call(c.callData);
            if (!success && !c.allowFailure) revert Multicall3CallFailed(i, returnData);
            results[i] = Result(success, returnData);
        }
    }
}
