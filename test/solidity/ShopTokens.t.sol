// SPDX-License-Identifier: MIT
pragma solidity 0.8.30;

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";
import {Initializable} from "@openzeppelin/contracts-upgradeable/proxy/utils/Initializable.sol";
import {Fixture} from "./utils/Fixture.sol";
import {DividendToken} from "../../contracts/payouts/DividendToken.sol";
import {ShareMallFactory} from "../../contracts/factory/ShareMallFactory.sol";
import {IShareMallFactory} from "../../contracts/interfaces/IShareMallFactory.sol";
import {IShopAdmin} from "../../contracts/interfaces/IShopAdmin.sol";
import {IShopBase} from "../../contracts/interfaces/IShopBase.sol";

/* solhint-disable func-name-mixedcase */

/// @title ShopTokensTest
/// @notice The shop's tokens and what the admin module serves: token addresses follow from the shop and the index
/// (the factory registers exactly those), the management pool's computed allowance, the notice rules of rule changes
/// and what `pendingRules` shows, and the roles both implementations read from one storage.
contract ShopTokensTest is Fixture {
    address internal alice;
    address internal bob;
    address internal carol;

    function setUp() public {
        _deployShareMall(UTC_PLUS_8);
        alice = makeAddr("alice");
        bob = makeAddr("bob");
        carol = makeAddr("carol");
    }

    // ---------------------------------------------------------------- token addresses

    /// @notice A shop deploys token i with its (i + 1)-th CREATE: every token lands at
    /// `factory.predictTokenAddress(shop, i)` (the fixture checks it on every creation), up to eight tokens.
    function test_createToken_eightTokensAtTheirPredictedAddresses() public {
        IShopBase.TokenRules memory rules = _wuyouRules();
        rules.dividendBps = 1000;
        for (uint256 i; i < 8; ++i) _createToken("Token", "TKN", false, rules);
        address[] memory list = shop.tokens();
        address[] memory listed = factory.shopTokens(address(shop));
        assertEq(list.length, 8, "eight tokens");
        for (uint256 i; i < 8; ++i) {
            assertEq(list[i], factory.predictTokenAddress(address(shop), i), "token i at its predicted address");
            assertEq(listed[i], list[i], "the factory lists the shop's tokens");
            assertEq(factory.shopOfToken(list[i]), address(shop), "registered to its shop");
            assertEq(shop.tokenConfig(i).token, list[i], "tokenConfig names the token");
            assertEq(DividendToken(list[i]).shop(), address(shop), "the token knows its shop");
        }
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopTooManyTokens.selector, 8));
        shop.createToken(
            IShopBase.TokenParams({name: "Ninth", symbol: "NTH", transferable: false, noticePeriod: 0, rules: rules})
        );
        vm.expectRevert(abi.encodeWithSelector(IShareMallFactory.FactoryIndexOutOfRange.selector, 8, 8));
        factory.predictTokenAddress(address(shop), 8);
    }

    /// @notice Another shop's tokens are elsewhere: the address depends on the shop and the index only.
    function testFuzz_predictTokenAddress_dependsOnShopAndIndex(address other, uint256 index) public view {
        index = bound(index, 0, 7);
        if (other == address(shop)) other = alice;
        address ours = factory.predictTokenAddress(address(shop), index);
        assertTrue(ours != factory.predictTokenAddress(other, index), "another shop, another address");
        if (index != 0) assertTrue(ours != factory.predictTokenAddress(address(shop), index - 1), "another index");
    }

    function test_registerToken_onlyShopsAndOnlyThePredictedToken() public {
        DividendToken token = _createToken("Brand", "BRD", false, _wuyouRules());
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IShareMallFactory.FactoryNotShop.selector, alice));
        factory.registerToken(0, address(token));
        // A shop can only register the token at its next address, and only once it has code.
        address expected = factory.predictTokenAddress(address(shop), 1);
        vm.prank(address(shop));
        vm.expectRevert(abi.encodeWithSelector(IShareMallFactory.FactoryUnexpectedToken.selector, alice, expected));
        factory.registerToken(1, alice);
        vm.prank(address(shop));
        vm.expectRevert(abi.encodeWithSelector(IShareMallFactory.FactoryUnexpectedToken.selector, expected, expected));
        factory.registerToken(1, expected);
    }

    function test_createToken_invalidParamsRevert() public {
        IShopBase.TokenRules memory rules = _wuyouRules();
        IShopBase.TokenParams memory params = IShopBase.TokenParams("", "TKN", false, 0, rules);
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInvalidTokenMetadata.selector, "", "TKN"));
        shop.createToken(params);
        params.name = string(new bytes(65));
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInvalidTokenMetadata.selector, params.name, "TKN"));
        shop.createToken(params);
        params.name = "Token";
        params.symbol = "SEVENTEEN-LETTERS";
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInvalidTokenMetadata.selector, "Token", params.symbol));
        shop.createToken(params);
        params.symbol = "TKN";
        params.noticePeriod = 1 days - 1;
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopNoticePeriodTooShort.selector, 1 days - 1, 1 days));
        shop.createToken(params);
        params.noticePeriod = 0;
        (uint256 index, ) = shop.createToken(params);
        vm.stopPrank();
        assertEq(shop.tokenConfig(index).noticePeriod, 7 days, "notice 0 means the default of seven days");
    }

    function test_createShop_factoryGuardsRevert() public {
        address shopImpl = factory.shopImplementation();
        address tokenImpl = factory.tokenImplementation();
        vm.expectRevert(abi.encodeWithSelector(IShareMallFactory.FactoryInvalidImplementation.selector, alice));
        new ShareMallFactory(alice, tokenImpl);
        vm.expectRevert(abi.encodeWithSelector(IShareMallFactory.FactoryInvalidImplementation.selector, alice));
        new ShareMallFactory(shopImpl, alice);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInvalidAdmin.selector, address(0)));
        factory.createShop(IShareMallFactory.ShopParams(address(0), operator, 0, "Nobody's"));
        vm.prank(alice);
        vm.expectRevert(IShareMallFactory.FactoryNoTokens.selector);
        factory.claimMany(new address[](0), alice);
        address[] memory unknown = new address[](1);
        unknown[0] = bob;
        vm.prank(alice);
        vm.expectRevert(abi.encodeWithSelector(IShareMallFactory.FactoryUnknownToken.selector, bob));
        factory.claimMany(unknown, alice);
    }

    /// @notice A token-day holds at most 2^32 - 1 orders: 256 full batches of 2^24 orders in one day are one too
    /// many (`ShopDayCapacityExceeded`); the next day has room again.
    function test_anchorBatch_dayCapacityExceededReverts() public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        uint256 full = shop.MAX_BATCH_ORDERS();
        vm.startPrank(operator);
        for (uint256 k; k < 255; ++k) {
            shop.anchorBatch(keccak256(abi.encode("batch", k)), uint64(1 + k * full), full, 1 ether);
        }
        uint256 day = shop.today();
        assertEq(shop.dayRecord(day).orderCount, 255 * full, "255 full batches");
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopDayCapacityExceeded.selector, day));
        shop.anchorBatch(keccak256("one too many"), uint64(1 + 255 * full), full, 1 ether);
        vm.warp(block.timestamp + 1 days);
        shop.anchorBatch(keccak256("next day"), uint64(1 + 255 * full), full, 1 ether);
        vm.stopPrank();
        assertEq(shop.dayRecord(day + 1).orderCount, full, "the next day has room");
    }

    /// @notice A token-day holds at most 2^96 - 1 wei of checkout escrow: at a 100 % rate a second checkout of that day
    /// past it reverts `ShopDayCapacityExceeded` instead of carrying into the day's rate, and the day stays exact.
    function test_charge_dayEscrowCapacityExceededReverts() public {
        IShopBase.TokenRules memory rules = _wuyouRules();
        rules.dividendBps = 10_000;
        DividendToken token = _createToken("All", "ALL", false, rules);
        uint256 day = shop.today();
        _charge(makeAddr("a"), keccak256("a"), MAX_AMOUNT, address(0));
        address b = makeAddr("b");
        vm.deal(b, 1);
        vm.prank(b);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopDayCapacityExceeded.selector, day));
        shop.charge{value: 1}(keccak256("b"), address(0));
        IShopBase.TokenDay memory d = shop.tokenDay(0, day);
        assertEq(address(token).balance, MAX_AMOUNT, "the token holds the first escrow");
        assertEq(d.dividendBps, 10_000, "the day's rate is untouched");
        assertEq(d.escrowed, MAX_AMOUNT, "the day's escrow");
        assertEq(d.owed, MAX_AMOUNT, "owed");
    }

    // ---------------------------------------------------------------- the pool allowance

    /// @notice Without pool mints the allowance is exactly `floor(minted by the rules × poolNum / poolDen)`, rounded
    /// once (v1 rounded every order down, so the sum of per-order floors is a lower bound).
    function testFuzz_poolAllowance_isTheRatioOfWhatTheRulesMinted(
        uint96[6] memory amounts,
        uint256 num,
        uint256 den
    ) public {
        IShopBase.TokenRules memory rules = _wuyouRules();
        rules.poolDen = uint16(bound(den, 1, 1000));
        rules.poolNum = uint16(bound(num, 0, rules.poolDen));
        DividendToken token = _createToken("Brand", "BRD", false, rules);
        uint256 perOrder;
        for (uint256 k; k < amounts.length; ++k) {
            uint256 supplyBefore = token.totalSupply();
            // Alice and bob, referred by carol: consumption and promotion both mint.
            address customer = k % 2 == 0 ? alice : bob;
            _recordOrder(keccak256(abi.encode(k)), customer, bound(amounts[k], 1, 50 ether), carol);
            perOrder += ((token.totalSupply() - supplyBefore) * rules.poolNum) / rules.poolDen;
            uint256 exact = (token.totalSupply() * rules.poolNum) / rules.poolDen;
            assertEq(shop.poolAllowance(0), exact, "allowance = floor(minted * num / den)");
        }
        assertGe(shop.poolAllowance(0), perOrder, "at least the sum of per-order floors");
        assertLe(shop.poolAllowance(0) - perOrder, amounts.length, "at most a token-wei per order above it");
    }

    /// @notice Pool mints spend the allowance and never let the pool exceed its ratio of what the rules minted; the
    /// allowance stays within a token-wei per pool mint of the exact `floor(ruleMinted × num / den) - poolMinted`
    /// (see the final report: the interface documents the exact formula).
    function testFuzz_poolAllowance_poolMintsNeverExceedTheRatio(uint256 seed, uint256 den) public {
        IShopBase.TokenRules memory rules = _wuyouRules();
        rules.poolDen = uint16(bound(den, 2, 50));
        rules.poolNum = 1;
        DividendToken token = _createToken("Brand", "BRD", false, rules);
        uint256 poolMinted;
        uint256 poolMints;
        for (uint256 k; k < 8; ++k) {
            uint256 e = uint256(keccak256(abi.encode(seed, k)));
            // Odd amounts of token-wei (spendPerToken 0.3 coin), so the ratio leaves fractions.
            _recordOrder(keccak256(abi.encode("order", k)), alice, bound(e, 1, 10 ether), address(0));
            uint256 allowance = shop.poolAllowance(0);
            uint256 ruleMinted = token.totalSupply() - poolMinted;
            uint256 exact = (ruleMinted * rules.poolNum) / rules.poolDen - poolMinted;
            assertLe(allowance, exact, "the pool never exceeds its ratio");
            assertLe(exact - allowance, poolMints, "within a token-wei per pool mint of the exact allowance");
            if (allowance == 0 || (e >> 128) % 2 == 0) continue;
            uint256 amount = bound(e >> 64, 1, allowance);
            vm.prank(poolManager);
            shop.mintFromPool(0, bob, amount, keccak256("service"));
            poolMinted += amount;
            ++poolMints;
            assertEq(shop.poolAllowance(0), allowance - amount, "a pool mint spends the allowance");
        }
        assertEq(token.balanceOf(bob), poolMinted, "the pool minted to its recipient");
    }

    /// @notice A new pool ratio (after the notice period) applies to what the rules mint from then on; what accrued
    /// under the old ratio stays.
    function testFuzz_poolAllowance_newRatioAppliesFromItsChange(uint256 amount1, uint256 amount2, uint256 num) public {
        amount1 = bound(amount1, 1, 50 ether);
        amount2 = bound(amount2, 1, 50 ether);
        IShopBase.TokenRules memory rules = _wuyouRules();
        DividendToken token = _createTokenWithNotice("Brand", "BRD", false, 1 days, rules);
        _recordOrder(keccak256("old ratio"), alice, amount1, address(0));
        uint256 before = token.totalSupply();
        uint256 accrued = (before * 1) / 9;
        IShopBase.TokenRules memory next = _wuyouRules();
        next.poolNum = uint16(bound(num, 0, 4));
        next.poolDen = 4;
        vm.prank(admin);
        uint256 dueAt = shop.changeRules(0, next);
        assertEq(dueAt, block.timestamp + 1 days, "a pool ratio change waits for the notice period");
        assertEq(shop.poolAllowance(0), accrued, "nothing changes before it is due");
        vm.warp(dueAt);
        assertEq(shop.poolAllowance(0), accrued, "due, the old accrual stays");
        _recordOrder(keccak256("new ratio"), alice, amount2, address(0));
        uint256 since = token.totalSupply() - before;
        assertEq(shop.poolAllowance(0), accrued + (since * next.poolNum) / 4, "the new ratio on the new mints");
    }

    function test_mintFromPool_guards() public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        _recordOrder(keccak256("order"), alice, 9 ether, address(0));
        uint256 allowance = shop.poolAllowance(0);
        assertEq(allowance, (30 * ONE) / 9, "30 tokens minted, a ninth of them for the pool");
        vm.startPrank(poolManager);
        vm.expectRevert(
            abi.encodeWithSelector(IShopBase.ShopPoolAllowanceExceeded.selector, 0, allowance, allowance + 1)
        );
        shop.mintFromPool(0, bob, allowance + 1, keccak256("too much"));
        vm.expectRevert(IShopBase.ShopZeroAddress.selector);
        shop.mintFromPool(0, address(0), 1, keccak256("nobody"));
        vm.expectRevert(IShopBase.ShopZeroValue.selector);
        shop.mintFromPool(0, bob, 0, keccak256("nothing"));
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopUnknownToken.selector, 1, 1));
        shop.mintFromPool(1, bob, 1, keccak256("no such token"));
        vm.expectEmit();
        emit IShopBase.PoolMinted(0, bob, allowance, keccak256("service"));
        shop.mintFromPool(0, bob, allowance, keccak256("service"));
        vm.stopPrank();
        bytes32 role = shop.POOL_MANAGER_ROLE();
        vm.prank(admin);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, admin, role));
        shop.mintFromPool(0, bob, 1, keccak256("not the pool manager"));
    }

    // ---------------------------------------------------------------- rule changes and what pendingRules shows

    /// @notice `pendingRules` shows a scheduled change until it applies, is cancelled or is superseded by a change at
    /// once, and all zeros after any of them.
    function test_pendingRules_showsOnlyAPendingChange() public {
        IShopBase.TokenRules memory rules = _wuyouRules();
        _createTokenWithNotice("Brand", "BRD", false, 1 days, rules);
        _assertNothingPending("nothing scheduled yet");
        IShopBase.TokenRules memory next = _wuyouRules();
        next.spendPerToken = 200e15;

        // Scheduled, then cancelled.
        vm.startPrank(admin);
        uint256 dueAt = shop.changeRules(0, next);
        (IShopBase.TokenRules memory pending, uint256 effectiveAt) = shop.pendingRules(0);
        assertEq(effectiveAt, dueAt, "pending: its due time");
        assertEq(pending.spendPerToken, next.spendPerToken, "pending: the new rules");
        assertEq(shop.tokenConfig(0).pendingAt, dueAt, "tokenConfig: the due time");
        shop.cancelRulesChange(0);
        _assertNothingPending("cancelled");
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopNoPendingRules.selector, 0));
        shop.cancelRulesChange(0);

        // Scheduled, then superseded by a raise at once.
        shop.changeRules(0, next);
        IShopBase.TokenRules memory raised = _wuyouRules();
        raised.dividendBps = 2500;
        vm.expectEmit();
        emit IShopBase.RulesChangeCancelled(0);
        shop.changeRules(0, raised);
        _assertNothingPending("superseded by a raise");
        assertEq(shop.currentRules(0).dividendBps, 2500, "the raise applied");

        // Scheduled, then applied when due (by anyone), not before.
        next.dividendBps = 2500;
        dueAt = shop.changeRules(0, next);
        vm.stopPrank();
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopRulesNotDue.selector, 0, dueAt));
        shop.applyPendingRules(0);
        vm.warp(dueAt);
        assertEq(shop.currentRules(0).spendPerToken, next.spendPerToken, "currentRules shows a due change");
        shop.applyPendingRules(0);
        _assertNothingPending("applied");
        assertEq(shop.tokenConfig(0).rules.spendPerToken, next.spendPerToken, "stored rules are the new ones");
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopNoPendingRules.selector, 0));
        shop.applyPendingRules(0);
    }

    /// @notice A cap lowered below the supply minted during the notice period applies at that supply.
    function test_changeRules_dueCapBelowTheSupplyAppliesAtTheSupply() public {
        IShopBase.TokenRules memory rules = _wuyouRules();
        DividendToken token = _createTokenWithNotice("Brand", "BRD", false, 1 days, rules);
        _recordOrder(keccak256("before"), alice, 3 ether, address(0));
        IShopBase.TokenRules memory capped = _wuyouRules();
        capped.maxSupply = uint96(token.totalSupply() + ONE);
        vm.prank(admin);
        uint256 dueAt = shop.changeRules(0, capped);
        // During the notice the old rules (no cap) still mint.
        _recordOrder(keccak256("during"), alice, 3 ether, address(0));
        vm.warp(dueAt);
        uint256 supply = token.totalSupply();
        assertEq(shop.currentRules(0).maxSupply, supply, "the cap applies at the supply reached");
        _recordOrder(keccak256("after"), alice, 3 ether, address(0));
        assertEq(token.totalSupply(), supply, "nothing more mints");
        assertEq(shop.dayRecord(shop.today()).orderCount, 1, "but the order counts");
    }

    function test_changeRules_invalidRulesRevert() public {
        IShopBase.TokenRules memory rules = _wuyouRules();
        _createToken("Brand", "BRD", false, rules);
        _recordOrder(keccak256("order"), alice, 3 ether, address(0));
        IShopBase.TokenRules memory bad = _wuyouRules();
        bad.maxSupply = 1;
        vm.startPrank(admin);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInvalidRules.selector, "maxSupply below supply"));
        shop.changeRules(0, bad);
        bad = _wuyouRules();
        bad.spendPerToken = 0;
        vm.expectRevert(
            abi.encodeWithSelector(IShopBase.ShopInvalidRules.selector, "dividends without a minting rule")
        );
        shop.changeRules(0, bad);
        bad = _wuyouRules();
        bad.dividendBps = uint16(BPS + 1);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopInvalidRules.selector, "dividendBps above 10000"));
        shop.changeRules(0, bad);
        vm.expectRevert(abi.encodeWithSelector(IShopBase.ShopUnknownToken.selector, 1, 1));
        shop.changeRules(1, rules);
        vm.stopPrank();
    }

    // ---------------------------------------------------------------- one clone, two implementations

    /// @notice The order paths (`Shop`) read the roles that the admin module (`ShopAdmin`, OpenZeppelin's
    /// AccessControl) grants and revokes: both see one role storage.
    function test_grantRole_seenByTheOrderPaths() public {
        _createToken("Brand", "BRD", false, _wuyouRules());
        bytes32 role = shop.OPERATOR_ROLE();
        IShopBase.Order memory order = _order(keccak256("order"), alice, 1 ether, address(0));
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        shop.recordOrder(order);
        vm.prank(admin);
        shop.grantRole(role, bob);
        assertTrue(shop.hasRole(role, bob), "granted");
        vm.prank(bob);
        shop.recordOrder(order);
        vm.prank(admin);
        shop.revokeRole(role, bob);
        vm.prank(bob);
        vm.expectRevert(abi.encodeWithSelector(IAccessControl.AccessControlUnauthorizedAccount.selector, bob, role));
        shop.recordOrder(_order(keccak256("order 2"), alice, 1 ether, address(0)));
        assertEq(shop.dayRecord(shop.today()).orderCount, 1, "only the order recorded while bob had the role");
    }

    function test_modules_serveTheCloneAndCannotBeInitialised() public {
        (address payments, address module, address lens) = shop.modules();
        assertTrue(payments != address(shop) && payments.code.length != 0, "a separate payments module with code");
        assertTrue(module != address(shop) && module != payments && module.code.length != 0, "a separate admin module");
        assertTrue(lens != module && lens != address(shop) && lens.code.length != 0, "a separate lens with code");
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        shop.initialize(alice, alice, 0);
        vm.expectRevert(Initializable.InvalidInitialization.selector);
        IShopAdmin(module).initialize(alice, alice, 0);
        (, string memory name, string memory version, uint256 chainId, address verifying, , ) = shop.eip712Domain();
        assertEq(bytes(name), bytes("ShareMall Shop"), "EIP-712 name");
        assertEq(bytes(version), bytes("2"), "EIP-712 version 2");
        assertEq(chainId, block.chainid, "EIP-712 chain id");
        assertEq(verifying, address(shop), "EIP-712 verifying contract: the clone");
        assertEq(shop.factory(), address(factory), "the clone's factory");
        assertEq(shop.MAX_TOKENS(), 8, "MAX_TOKENS");
        assertEq(shop.MAX_BATCH_ORDERS(), 1 << 24, "MAX_BATCH_ORDERS");
        assertEq(shop.DEFAULT_NOTICE_PERIOD(), 7 days, "DEFAULT_NOTICE_PERIOD");
        assertEq(shop.MIN_NOTICE_PERIOD(), 1 days, "MIN_NOTICE_PERIOD");
    }

    function _assertNothingPending(string memory label) private view {
        (IShopBase.TokenRules memory pending, uint256 effectiveAt) = shop.pendingRules(0);
        assertEq(effectiveAt, 0, string.concat(label, ": no due time"));
        assertEq(abi.encode(pending), abi.encode(_zeroRules()), string.concat(label, ": all-zero rules"));
        assertEq(shop.tokenConfig(0).pendingAt, 0, string.concat(label, ": tokenConfig.pendingAt 0"));
    }

    function _zeroRules() private pure returns (IShopBase.TokenRules memory rules) {
        return rules;
    }
}
