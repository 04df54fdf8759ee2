// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {IERC20Metadata} from "@openzeppelin/contracts/token/ERC20/extensions/IERC20Metadata.sol";
import {IERC20Errors} from "@openzeppelin/contracts/interfaces/draft-IERC6093.sol";
import {IDividendToken} from "./interfaces/IDividendToken.sol";
import {DividendMath} from "./libraries/DividendMath.sol";

/// @title DividendToken
/// @notice ERC-20 with pull-based native-coin dividends, deployed as an EIP-1167 clone with immutable arguments.
/// @dev Storage is laid out for the hot paths (claim, transfer, mint, distribute):
/// - `_dividends` (one slot): current accumulator, distribution count, rounding carry and a flag that says whether the
///   next history slot is already allocated.
/// - `_supply` (one slot): total supply and the rollover of settlements that found no holders.
/// - `_accounts[holder]` (one slot): balance, the distribution count at the holder's last update and the wei credited
///   to it up to then. A balance change settles the holder into this one slot, so transfers touch no extra slots.
/// - `_history[epoch]`: the accumulator after each distribution. Mints pre-allocate the next entry so that the
///   settlement writes a warm, non-zero slot.
/// Clone arguments (packed): shop (20 bytes), factory (20), transferable (1), name length (1), name, symbol length
/// (1), symbol.
contract DividendToken is IDividendToken, IERC20Errors {
    struct Dividends {
        uint160 accumulator;
        uint32 epoch;
        uint56 carry;
        bool nextAllocated;
    }

    struct Supply {
        uint96 totalSupply;
        uint160 rollover;
    }

    struct Account {
        uint96 balance;
        uint32 epoch;
        uint128 credited;
    }

    /// @dev Size of the EIP-1167 proxy code that precedes the clone arguments.
    uint256 private constant _PROXY_SIZE = 0x2d;
    uint256 private constant _OFFSET_FACTORY = 20;
    uint256 private constant _OFFSET_FLAGS = 40;
    uint256 private constant _OFFSET_NAME = 41;

    address private immutable _SELF = address(this);

    Dividends private _dividends;
    Supply private _supply;
    mapping(uint256 epoch => uint256 accumulator) private _history;
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
        return _supply.totalSupply;
    }

    /// @inheritdoc IERC20
    function balanceOf(address holder) external view returns (uint256) {
        return _accounts[holder].balance;
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
        Account memory account = _accounts[holder];
        _accrue(account, _dividends);
        return account.credited;
    }

    /// @inheritdoc IDividendToken
    function dividendState() external view returns (uint256 accumulator, uint256 epoch, uint256 rollover) {
        Dividends memory d = _dividends;
        return (d.accumulator, d.epoch, uint256(_supply.rollover) + d.carry);
    }

    /// @inheritdoc IDividendToken
    function claim() external returns (uint256) {
        return _claim(msg.sender, msg.sender);
    }

    /// @inheritdoc IDividendToken
    function claimTo(address recipient) external returns (uint256) {
        return _claim(msg.sender, recipient);
    }

    /// @inheritdoc IDividendToken
    function claimFor(address holder, address recipient) external returns (uint256) {
        if (msg.sender != _factory()) revert DividendTokenNotFactory(msg.sender);
        return _claim(holder, recipient);
    }

    // ---------------------------------------------------------------- Shop

    /// @inheritdoc IDividendToken
    function mint(address to, uint256 amount) external onlyShop returns (uint256) {
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        Supply memory supply = _supply;
        uint256 room = type(uint96).max - supply.totalSupply;
        // At the supply limit orders still count (they only mint less), so a full token never halts the shop.
        if (amount > room) amount = room;
        // Safe casts: the new supply fits in 96 bits and every balance is at most the supply.
        supply.totalSupply += uint96(amount);
        _supply = supply;

        Dividends memory d = _dividends;
        Account memory account = _accounts[to];
        _accrue(account, d);
        account.balance += uint96(amount);
        _accounts[to] = account;

        if (!d.nextAllocated) {
            // Allocate the next history slot now, so the settlement pays for a warm rewrite instead of a new slot.
            _history[uint256(d.epoch) + 1] = 1;
            d.nextAllocated = true;
            _dividends = d;
        }
        emit Transfer(address(0), to, amount);
        return amount;
    }

    /// @inheritdoc IDividendToken
    // solhint-disable-next-line no-empty-blocks
    function depositEscrow() external payable onlyShop {
        // Holding the coin is all escrow needs: the shop accounts for it per day and distributes it at settlement.
    }

    /// @inheritdoc IDividendToken
    function distribute(uint256 day, uint256 amount) external payable onlyShop {
        Dividends memory d = _dividends;
        Supply memory supply = _supply;
        uint256 total = amount + supply.rollover + d.carry;
        uint256 delta = supply.totalSupply == 0 ? 0 : DividendMath.perShare(total, supply.totalSupply);
        uint256 accumulator = uint256(d.accumulator) + delta;
        if (delta == 0 || accumulator > type(uint160).max) {
            // No holders, or a distribution too small to move the accumulator, or one that would overflow it:
            // keep everything for the next distribution.
            d.carry = 0;
            _dividends = d;
            supply.rollover = uint160(total);
            _supply = supply;
            emit DividendsRolledOver(day, amount, total);
            return;
        }
        uint256 carried = total - DividendMath.allotted(delta, supply.totalSupply);
        if (supply.rollover != 0) {
            supply.rollover = 0;
            _supply = supply;
        }
        // Safe casts: accumulator checked above; carried < supply / 2^64 < 2^32.
        d.accumulator = uint160(accumulator);
        d.epoch += 1;
        d.carry = uint56(carried);
        d.nextAllocated = false;
        _dividends = d;
        _history[d.epoch] = accumulator;
        emit DividendsDistributed(day, total);
    }

    // ---------------------------------------------------------------- Internal

    /// @dev Callers check `transferable()` first.
    function _transfer(address from, address to, uint256 value) private {
        if (from == address(0)) revert ERC20InvalidSender(address(0));
        if (to == address(0)) revert ERC20InvalidReceiver(address(0));
        Dividends memory d = _dividends;

        Account memory sender = _accounts[from];
        if (sender.balance < value) revert ERC20InsufficientBalance(from, sender.balance, value);
        _accrue(sender, d);
        unchecked {
            // Safe: checked above; value < 2^96 because it is at most a balance.
            sender.balance -= uint96(value);
        }
        _accounts[from] = sender;

        // Loaded after the sender is stored, so a self-transfer sees its own update.
        Account memory recipient = _accounts[to];
        _accrue(recipient, d);
        unchecked {
            // Safe: the sum of all balances is the supply, which fits in 96 bits.
            recipient.balance += uint96(value);
        }
        _accounts[to] = recipient;
        emit Transfer(from, to, value);
    }

    function _claim(address holder, address recipient) private returns (uint256 amount) {
        if (recipient == address(0)) revert DividendTokenInvalidRecipient(address(0));
        Account memory account = _accounts[holder];
        _accrue(account, _dividends);
        amount = account.credited;
        if (amount == 0) revert DividendTokenNothingToClaim(holder);
        account.credited = 0;
        _accounts[holder] = account;
        emit DividendsClaimed(holder, recipient, amount);

        bool paid;
        // Inline assembly: a call that copies no return data, so a recipient cannot grief claims with it.
        // solhint-disable-next-line no-inline-assembly
        assembly ("memory-safe") {
            // Forward all gas but copy no return data: a recipient can only hurt its own claim.
            paid := call(gas(), recipient, amount, 0, 0, 0, 0)
        }
        if (!paid) revert DividendTokenPaymentFailed(recipient, amount);
    }

    /// @dev Credits `account` with what its balance earned since its last update and moves it to the current epoch.
    function _accrue(Account memory account, Dividends memory d) private view {
        if (account.epoch == d.epoch) return;
        if (account.balance != 0) {
            uint256 delta = uint256(d.accumulator) - _history[account.epoch];
            // Safe cast: a holder's credit is at most the wei distributed, far below 2^128.
            account.credited += uint128(DividendMath.earned(account.balance, delta));
        }
        account.epoch = d.epoch;
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
