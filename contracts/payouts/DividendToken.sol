// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IDividendToken} from "../interfaces/IDividendToken.sol";
import {DividendMath} from "../libraries/DividendMath.sol";
import {NativeAsset} from "./NativeAsset.sol";

/// @title DividendToken
/// @notice ERC-20 with pull-based native-coin dividends, deployed as an EIP-1167 clone with immutable arguments.
/// See `IDividendToken`.
/// @dev Storage is laid out for the hot paths (claim, transfer, mint, distribute):
/// - `_dividends` (one slot): the accumulator (modulo 2^160, bits 0-159) and the total supply (bits 160-255). Read by
///   every claim, transfer, mint and distribution; written by mints and distributions.
/// - `_carry` (one slot): what waits for the next distribution, the rollover of settlements that found no holders
///   (bits 0-159) and the rounding carry (bits 160-223), and the number of distributions (bits 224-255). Read and
///   written only by distributions.
/// Both are plain words packed by hand, so that every read and write is exactly one SLOAD or SSTORE.
/// - `_accounts[holder]` (one slot): the balance (bits 0-94), the payout opt-out flag (bit 95) and the holder's
///   correction (bits 96-255, see `DividendMath`). A claim, a payout or a balance change rewrites this one slot and
///   reads nothing else of the holder. Its fields are read and written as one word (`_loadAccount`,
///   `_storeAccount`), the layout Solidity would give the `Account` struct. The flag shares the balance's field so
///   that a push payout costs one cold SLOAD per holder, not two; balance arithmetic leaves it alone because no
///   balance reaches 2^95.
/// Clone arguments (packed): shop (20 bytes), factory (20), transferable (1), name length (1), name, symbol length
/// (1), symbol.
contract DividendToken is IDividendToken, IERC20Errors, NativeAsset {
    /// @dev The layout of an `_accounts` slot, as `_loadAccount` and `_storeAccount` read and write it.
    struct Account {
        uint96 balanceAndFlag;
        uint160 correction;
    }

    /// @inheritdoc IDividendToken
    uint256 public constant PAYOUT_GAS = 10_000;

    /// @dev Size of the EIP-1167 proxy code that precedes the clone arguments.
    uint256 private constant _PROXY_SIZE = 0x2d;
    uint256 private constant _OFFSET_FACTORY = 20;
    uint256 private constant _OFFSET_FLAGS = 40;
    uint256 private constant _OFFSET_NAME = 41;
    /// @dev Largest supply (so largest balance): 2^95 - 1 token-wei, leaving bit 95 of the balance field to the flag.
    uint256 private constant _SUPPLY_LIMIT = (uint256(1) << 95) - 1;
    /// @dev The payout opt-out flag in an account's balance field.
    uint256 private constant _OPTED_OUT = uint256(1) << 95;
    /// @dev A `mintBatch` credit's token-wei field (its low 96 bits).
    uint256 private constant _CREDIT_AMOUNT = type(uint96).max;
    /// @dev Gas a payout must have left before paying a holder: the account write, a value call to a cold account with
    /// `PAYOUT_GAS` for the recipient (less than 64/63 of it would starve the recipient, see EIP-150), the write-back
    /// and event of a refused payment, and the rest of the loop.
    uint256 private constant _PAYOUT_MIN_GAS = 32_000;

    address private immutable _SELF = address(this);

    uint256 private _dividends;
    uint256 private _carry;
    mapping(address holder => Account) private _accounts;
    mapping(address owner => mapping(address spender => uint256)) private _allowances;

    modifier onlyShop() {
        if (msg.sender != _shop()) revert DividendTokenNotShop(msg.sender);
        _;
    }

    // ---------------------------------------------------------------- ERC-20

    /// @inheritdoc IERC20Metadata
    function name() external view returns (string memory) {
        (string memory tokenName, ) = _names();
        return tokenName;
    }

    /// @inheritdoc IERC20Metadata
    function symbol() external view returns (string memory) {
        (, string memory tokenSymbol) = _names();
        return tokenSymbol;
    }

    /// @inheritdoc IERC20Metadata
    function decimals() external pure returns (uint8) {
        return 18;
    }

    /// @inheritdoc IERC20
    function totalSupply() external view returns (uint256) {
        return _dividends >> 160;
    }

    /// @inheritdoc IERC20
    function balanceOf(address holder) external view returns (uint256) {
        (, uint256 held, ) = _loadAccount(holder);
        return _balance(held);
    }

    /// @inheritdoc IERC20
    function allowance(address owner, address spender) external view returns (uint256) {
        return _allowances[owner][spender];
    }

    /// @inheritdoc IERC20
    function approve(address spender, uint256 value) external returns (bool) {
        if (spender == address(0)) revert ERC20InvalidSpender(address(0));
        _allowances[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
        return true;
    }

    /// @inheritdoc IERC20
    function transfer(address to, uint256 value) external returns (bool) {
        if (!transferable()) revert DividendTokenNonTransferable();
        _transfer(msg.sender, to, value);
        return true;
    }

    /// @inheritdoc IERC20
    function transferFrom(address from, address to, uint256 value) external returns (bool) {
        // Checked first, so a non-transferable token says so whatever the allowance.
        if (!transferable()) revert DividendTokenNonTransferable();
        uint256 allowed = _allowances[from][msg.sender];
        if (allowed != type(uint256).max) {
            if (allowed < value) revert ERC20InsufficientAllowance(msg.sender, allowed, value);
            unchecked {
                // Safe: checked just above.
                _allowances[from][msg.sender] = allowed - value;
            }
        }
        _transfer(from, to, value);
        return true;
    }

    // ---------------------------------------------------------------- Identity

    /// @inheritdoc IDividendToken
    function shop() external view returns (address) {
        return _shop();
    }

    /// @inheritdoc IDividendToken
    function factory() external view returns (address) {
        return _factory();
    }

    /// @inheritdoc IDividendToken
    function transferable() public view returns (bool) {
        return _argByte(_OFFSET_FLAGS) != 0;
    }

    // ---------------------------------------------------------------- Dividends

    /// @inheritdoc IDividendToken
    function claimable(address holder) external view returns (uint256) {
        (, uint256 held, uint256 correction) = _loadAccount(holder);
        return DividendMath.claimable(_balance(held), correction, uint160(_dividends));
    }

    /// @inheritdoc IDividendToken
    function payoutOptedOut(address holder) external view returns (bool) {
        (, uint256 held, ) = _loadAccount(holder);
        return held & _OPTED_OUT != 0;
    }

    /// @inheritdoc IDividendToken
    function dividendState() external view returns (uint256 accumulator, uint256 epoch, uint256 rollover) {
        uint256 c = _carry;
        return (uint160(_dividends), c >> 224, uint256(uint160(c)) + uint64(c >> 160));
    }

    /// @inheritdoc IDividendToken
    function claim() external returns (uint256) {
        // The caller is never the zero address: no recipient check.
        return _claim(msg.sender, msg.sender);
    }

    /// @inheritdoc IDividendToken
    function claimTo(address recipient) external returns (uint256) {
        if (recipient == address(0)) revert DividendTokenInvalidRecipient(address(0));
        return _claim(msg.sender, recipient);
    }

    /// @inheritdoc IDividendToken
    function claimFor(address holder, address recipient) external returns (uint256) {
        if (msg.sender != _factory()) revert DividendTokenNotFactory(msg.sender);
        if (recipient == address(0)) revert DividendTokenInvalidRecipient(address(0));
        return _claim(holder, recipient);
    }

    /// @inheritdoc IDividendToken
    function payout(address[] calldata holders) external returns (uint256 paid) {
        uint256 accumulator = uint160(_dividends);
        uint256 length = holders.length;
        // One word per holder paid, for the one `DividendsPushed` event (an event per holder would cost ~1,100 gas
        // more each).
        uint256[] memory payouts = new uint256[](length);
        uint256 count;
        for (uint256 k; k < length; ++k) {
            address holder = holders[k];
            (bytes32 slot, uint256 held, uint256 correction) = _loadAccount(holder);
            // An opted-out holder's flag is set; anyone else's balance field is its balance.
            if (held & _OPTED_OUT != 0) continue;
            uint256 amount = DividendMath.claimable(held, correction, accumulator);
            if (amount == 0) continue;
            if (gasleft() < _PAYOUT_MIN_GAS) revert DividendTokenPayoutGasLow(gasleft(), _PAYOUT_MIN_GAS);
            // Effects first: a recipient that re-enters finds its dividends already paid.
            _storeAccount(slot, held, DividendMath.afterClaim(correction, amount));
            if (_assetSendCapped(holder, amount, PAYOUT_GAS)) {
                unchecked {
                    // Safe: each amount is below 2^96 (see `DividendMath`), and so is their sum (this contract's coin).
                    payouts[count++] = (uint256(uint160(holder)) << 96) | amount;
                    paid += amount;
                }
            } else {
                // The refused call changed nothing: give the holder its dividends back, to claim itself.
                _storeAccount(slot, held, correction);
                emit PayoutSkipped(holder, amount);
            }
        }
        if (count == 0) return 0;
        // Inline assembly: shrinks the memory array in place to the holders paid (only lowers its length).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(payouts, count)
        }
        emit DividendsPushed(msg.sender, paid, payouts);
    }

    /// @inheritdoc IDividendToken
    function setPayoutOptOut(bool optedOut) external {
        (bytes32 slot, uint256 held, uint256 correction) = _loadAccount(msg.sender);
        _storeAccount(slot, optedOut ? held | _OPTED_OUT : _balance(held), correction);
        emit PayoutPreferenceChanged(msg.sender, optedOut);
    }

    // ---------------------------------------------------------------- Shop

    /// @inheritdoc IDividendToken
    function mintOrder(
        address customer,
        uint256 consumption,
        address referrer,
        uint256 promotion,
        uint256 cap
    ) external payable onlyShop returns (uint256 minted) {
        // The coin that came with the call is checkout escrow: holding it is all it needs until its day settles.
        _assetReceived();
        uint256 d = _dividends;
        uint256 accumulator = uint160(d);
        uint256 room = _room(d >> 160, cap);
        // Consumption first, then promotion, each within what the cap leaves.
        if (consumption > room) consumption = room;
        if (consumption != 0) _mintTo(customer, consumption, accumulator);
        room -= consumption;
        if (promotion > room) promotion = room;
        if (promotion != 0) _mintTo(referrer, promotion, accumulator);
        uint256 total = consumption + promotion;
        // total <= room, so the new supply stays at or below the 2^95 - 1 limit and cannot carry out of the word.
        if (total != 0) _dividends = d + (total << 160);
        // Both are within the 2^95 - 1 supply limit.
        return consumption | (promotion << 96);
    }

    /// @inheritdoc IDividendToken
    function clawBack(
        address customer,
        uint256 consumption,
        address referrer,
        uint256 promotion
    ) external onlyShop returns (uint256 taken) {
        uint256 d = _dividends;
        uint256 accumulator = uint160(d);
        consumption = _burnFrom(customer, consumption, accumulator);
        promotion = _burnFrom(referrer, promotion, accumulator);
        // Each is at most a balance, and the balances add up to the supply: the supply cannot underflow.
        _dividends = d - ((consumption + promotion) << 160);
        return consumption | (promotion << 96);
    }

    /// @inheritdoc IDividendToken
    function mintBatch(uint256[] calldata credits, uint256 cap) external payable onlyShop {
        // The coin that came with the call is checkout escrow, as in `mintOrder`.
        _assetReceived();
        uint256 d = _dividends;
        uint256 accumulator = uint160(d);
        uint256 room = _room(d >> 160, cap);
        uint256 length = credits.length;
        uint256 minted;
        for (uint256 k; k < length; ++k) {
            uint256 credit = credits[k];
            uint256 amount = credit & _CREDIT_AMOUNT;
            // Mints past the cap mint what is left: orders at the cap still count, they only mint nothing.
            if (amount > room) amount = room;
            if (amount == 0) continue;
            _mintTo(address(uint160(credit >> 96)), amount, accumulator);
            unchecked {
                // Safe: amount <= room, so neither underflows or passes the 2^95 - 1 supply limit.
                room -= amount;
                minted += amount;
            }
        }
        // minted is at most the room under the 2^95 - 1 supply limit: the new supply cannot carry out of the word.
        if (minted != 0) _dividends = d + (minted << 160);
    }

    /// @inheritdoc IDividendToken
    function distribute(uint256 day, uint256 amount) external payable onlyShop {
        // Part of `amount` was escrowed here by checkouts; the rest comes with this call.
        _assetReceived();
        uint256 d = _dividends;
        uint256 c = _carry;
        uint256 epoch = c >> 224;
        uint256 total = amount + uint160(c) + uint64(c >> 160);
        uint256 supply = d >> 160;
        uint256 delta = supply == 0 ? 0 : DividendMath.perShare(total, supply);
        if (delta == 0) {
            // No holders, or a distribution too small to move the accumulator: keep everything for the next one.
            // The rollover is coin this contract holds, far below 2^160.
            _carry = total | (epoch << 224);
            emit DividendsRolledOver(day, amount, total);
            return;
        }
        uint256 accumulator = DividendMath.raise(uint160(d), delta);
        _dividends = accumulator | (supply << 160);
        // What the floor of `delta` leaves is below supply / 2^64 + 1 < 2^33 wei, within the carry's 64 bits; 2^32
        // distributions take eleven million years of daily settlements.
        _carry = ((total - DividendMath.allotted(delta, supply)) << 160) | ((epoch + 1) << 224);
        emit DividendsDistributed(day, total, accumulator);
    }

    // ---------------------------------------------------------------- Internal

    /// @dev Callers check `transferable()` first.
    function _transfer(address from, address to, uint256 value) private {
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        uint256 accumulator = uint160(_dividends);

        (bytes32 fromSlot, uint256 fromHeld, uint256 fromCorrection) = _loadAccount(from);
        uint256 fromBalance = _balance(fromHeld);
        if (fromBalance < value) revert ERC20InsufficientBalance(from, fromBalance, value);
        unchecked {
            // Safe: checked above; the flag bit above the balance is left as it was.
            fromHeld -= value;
        }
        _storeAccount(fromSlot, fromHeld, DividendMath.afterDebit(fromCorrection, value, accumulator));

        // Loaded after the sender is stored, so a self-transfer sees its own update.
        (bytes32 toSlot, uint256 toHeld, uint256 toCorrection) = _loadAccount(to);
        unchecked {
            // Safe: the sum of all balances is the supply, below 2^95, so the sum cannot carry into the flag bit.
            toHeld += value;
        }
        _storeAccount(toSlot, toHeld, DividendMath.afterCredit(toCorrection, value, accumulator));
        emit Transfer(from, to, value);
    }

    /// @dev Pays `holder`'s dividends to `recipient` (not the zero address: the callers check).
    function _claim(address holder, address recipient) private returns (uint256 amount) {
        (bytes32 slot, uint256 held, uint256 correction) = _loadAccount(holder);
        amount = DividendMath.claimable(_balance(held), correction, uint160(_dividends));
        if (amount == 0) revert DividendTokenNothingToClaim(holder);
        _storeAccount(slot, held, DividendMath.afterClaim(correction, amount));
        emit DividendsClaimed(holder, recipient, amount);
        if (!_assetSend(recipient, amount)) revert DividendTokenPaymentFailed(recipient, amount);
    }

    /// @dev Adds `amount` (within the supply limit, checked by the caller) to `to`'s balance at `accumulator`.
    function _mintTo(address to, uint256 amount, uint256 accumulator) private {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        (bytes32 slot, uint256 held, uint256 correction) = _loadAccount(to);
        unchecked {
            // Safe: amount is within the room under the 2^95 - 1 supply limit, and a balance is at most the supply, so
            // the sum cannot carry into the flag bit.
            held += amount;
        }
        _storeAccount(slot, held, DividendMath.afterCredit(correction, amount, accumulator));
        emit Transfer(address(0), to, amount);
    }

    /// @dev Takes up to `amount` from `holder`'s balance (what it holds, if less) at `accumulator`, leaving its earned
    /// dividends claimable, and returns what it took. The caller lowers the supply.
    function _burnFrom(address holder, uint256 amount, uint256 accumulator) private returns (uint256) {
        if (amount == 0) return 0;
        (bytes32 slot, uint256 held, uint256 correction) = _loadAccount(holder);
        uint256 balance = _balance(held);
        if (amount > balance) amount = balance;
        if (amount == 0) return 0;
        unchecked {
            // Safe: amount <= balance; the flag bit is left as it was.
            held -= amount;
        }
        _storeAccount(slot, held, DividendMath.afterDebit(correction, amount, accumulator));
        emit Transfer(holder, address(0), amount);
        return amount;
    }

    /// @dev The balance in an account's `held` field (bits 0-94), without the opt-out flag.
    function _balance(uint256 held) private pure returns (uint256) {
        // Two shifts rather than an AND with 2^95 - 1: the optimizer then keeps the claim path as short as before the
        // flag (measured: 6 gas instead of 71).
        return (held << 161) >> 161;
    }

    /// @dev Token-wei that may still be minted at `supply` under `cap` (0: none) and the 2^95 - 1 limit.
    function _room(uint256 supply, uint256 cap) private pure returns (uint256) {
        uint256 limit = cap == 0 || cap > _SUPPLY_LIMIT ? _SUPPLY_LIMIT : cap;
        return limit > supply ? limit - supply : 0;
    }

    /// @dev `holder`'s account slot and its two fields: `held`, the balance with the opt-out flag in bit 95 (`_balance`
    /// takes the balance out of it), and the correction.
    function _loadAccount(address holder) private view returns (bytes32 slot, uint256 held, uint256 correction) {
        // Inline assembly: the mapping slot and both fields in one SLOAD (Solidity would read the struct field by
        // field). The layout is the `Account` struct's: balance and flag in the low 96 bits, correction above.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            mstore(0, holder)
            mstore(32, _accounts.slot)
            slot := keccak256(0, 64)
            let word := sload(slot)
            held := and(word, 0xffffffffffffffffffffffff)
            correction := shr(96, word)
        }
    }

    /// @dev Writes an account slot read by `_loadAccount` (`held`, flag included, < 2^96; `correction` < 2^160).
    function _storeAccount(bytes32 slot, uint256 held, uint256 correction) private {
        // Inline assembly: one SSTORE of both fields, in the `Account` struct's layout.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            sstore(slot, or(held, shl(96, correction)))
        }
    }

    function _shop() private view returns (address) {
        return address(uint160(_argWord(0) >> 96));
    }

    function _factory() private view returns (address) {
        return address(uint160(_argWord(_OFFSET_FACTORY) >> 96));
    }

    function _argByte(uint256 offset) private view returns (uint8) {
        return uint8(_argWord(offset) >> 248);
    }

    /// @dev The 32 bytes of clone arguments starting at `offset`.
    function _argWord(uint256 offset) private view returns (uint256 word) {
        if (address(this) == _SELF) revert DividendTokenNotAClone();
        // Inline assembly: reads the clone's immutable arguments from its own code (extcodecopy).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(address(), 0, add(_PROXY_SIZE, offset), 32)
            word := mload(0)
        }
    }

    function _names() private view returns (string memory tokenName, string memory tokenSymbol) {
        uint256 nameLength = _argByte(_OFFSET_NAME);
        tokenName = _argString(_OFFSET_NAME + 1, nameLength);
        uint256 symbolOffset = _OFFSET_NAME + 1 + nameLength;
        tokenSymbol = _argString(symbolOffset + 1, _argByte(symbolOffset));
    }

    function _argString(uint256 offset, uint256 length) private view returns (string memory result) {
        result = new string(length);
        // Inline assembly: copies a string argument from the clone's own code (extcodecopy).
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            extcodecopy(address(), add(result, 32), add(_PROXY_SIZE, offset), length)
        }
    }
}
