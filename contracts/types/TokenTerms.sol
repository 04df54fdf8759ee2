// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

/// @notice What every order of a shop reads of one of its tokens, in one storage slot: the consumption rule, the
/// supply cap, when a scheduled rule change falls due, and the dividend and referral shares.
/// @dev Bit layout, least significant first:
/// | bits      | field          | width | range                                                      |
/// | --------- | -------------- | ----- | ---------------------------------------------------------- |
/// | 0 - 95    | spendPerToken  | 96    | wei                                                        |
/// | 96 - 191  | maxSupply      | 96    | token-wei (0: no cap)                                      |
/// | 192 - 227 | pendingAt      | 36    | unix seconds of the pending change (0: none), to year 4147 |
/// | 228 - 241 | dividendBps    | 14    | 0 - 10,000                                                 |
/// | 242 - 255 | referralBps    | 14    | 0 - 10,000                                                 |
type TokenTerms is uint256;

using TokenTermsLib for TokenTerms global;

/// @title TokenTermsLib
/// @notice Reads and writes the fields of a `TokenTerms` slot.
library TokenTermsLib {
    uint256 private constant _MASK_96 = (1 << 96) - 1;
    uint256 private constant _MASK_36 = (1 << 36) - 1;
    uint256 private constant _MASK_14 = (1 << 14) - 1;
    uint256 private constant _PENDING_AT = 192;
    uint256 private constant _DIVIDEND_BPS = 228;
    uint256 private constant _REFERRAL_BPS = 242;

    /// @notice Packs the fields (each must fit its width: the shop validates rules and times first).
    function pack(
        uint256 spend,
        uint256 cap,
        uint256 pending,
        uint256 dividendShare,
        uint256 referralShare
    ) internal pure returns (TokenTerms) {
        return
            TokenTerms.wrap(
                spend |
                    (cap << 96) |
                    (pending << _PENDING_AT) |
                    (dividendShare << _DIVIDEND_BPS) |
                    (referralShare << _REFERRAL_BPS)
            );
    }

    function spendPerToken(TokenTerms self) internal pure returns (uint256) {
        return TokenTerms.unwrap(self) & _MASK_96;
    }

    function maxSupply(TokenTerms self) internal pure returns (uint256) {
        return (TokenTerms.unwrap(self) >> 96) & _MASK_96;
    }

    function pendingAt(TokenTerms self) internal pure returns (uint256) {
        return (TokenTerms.unwrap(self) >> _PENDING_AT) & _MASK_36;
    }

    function dividendBps(TokenTerms self) internal pure returns (uint256) {
        return (TokenTerms.unwrap(self) >> _DIVIDEND_BPS) & _MASK_14;
    }

    function referralBps(TokenTerms self) internal pure returns (uint256) {
        return TokenTerms.unwrap(self) >> _REFERRAL_BPS;
    }

    /// @notice The same terms with another pending time.
    function withPendingAt(TokenTerms self, uint256 time) internal pure returns (TokenTerms) {
        return TokenTerms.wrap((TokenTerms.unwrap(self) & ~(_MASK_36 << _PENDING_AT)) | (time << _PENDING_AT));
    }
}
