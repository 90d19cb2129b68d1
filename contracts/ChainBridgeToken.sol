// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {AccessControl} from "@openzeppelin/contracts/access/AccessControl.sol";

/// @title ChainBridgeToken
/// @notice The reference settlement token for chainbridge: an ERC-20 whose
///         supply is driven by the chain daemon settling the off-chain ledger.
/// @dev Two settlement ABIs are offered:
///      - plain: batchMint(address[],uint256[]) / batchBurn(address[],uint256[]);
///        emit only the standard Transfer events.
///      - keyed: the same with a leading bytes32 batchId. A batchId is accepted
///        once; a second transaction with the same id reverts with
///        BatchAlreadyProcessed, so re-sending a settlement is harmless.
///        Each keyed call also emits BatchSettled.
///      The admin given to the constructor holds DEFAULT_ADMIN_ROLE only;
///      MINTER_ROLE and BURNER_ROLE are granted separately.
contract ChainBridgeToken is ERC20, AccessControl {
    /// @notice Role allowed to call batchMint (both variants).
    bytes32 public constant MINTER_ROLE = keccak256("MINTER_ROLE");
    /// @notice Role allowed to call batchBurn (both variants).
    bytes32 public constant BURNER_ROLE = keccak256("BURNER_ROLE");

    uint8 private immutable _tokenDecimals;

    /// @notice Keyed settlement ids already processed (mint and burn share
    ///         one id space).
    mapping(bytes32 batchId => bool processed) public processedBatches;

    /// @notice Emitted once per successful keyed settlement call.
    /// @param batchId the caller's settlement id
    /// @param mint true for batchMint, false for batchBurn
    /// @param count number of (account, amount) items
    /// @param total sum of all amounts, in base units
    event BatchSettled(bytes32 indexed batchId, bool mint, uint256 count, uint256 total);

    /// @notice A batch call with no items.
    error EmptyBatch();
    /// @notice The account and amount arrays differ in length.
    error LengthMismatch(uint256 accounts, uint256 amounts);
    /// @notice A keyed settlement reused an id already processed.
    error BatchAlreadyProcessed(bytes32 batchId);
    /// @notice The constructor was given the zero address as admin.
    error ZeroAdmin();

    /// @param name_ ERC-20 name
    /// @param symbol_ ERC-20 symbol
    /// @param decimals_ value returned by decimals()
    /// @param admin receives DEFAULT_ADMIN_ROLE (may grant the other roles)
    constructor(string memory name_, string memory symbol_, uint8 decimals_, address admin)
        ERC20(name_, symbol_)
    {
        if (admin == address(0)) {
            revert ZeroAdmin();
        }
        _tokenDecimals = decimals_;
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
    }

    /// @inheritdoc ERC20
    function decimals() public view override returns (uint8) {
        return _tokenDecimals;
    }

    /// @notice Mint amounts[i] to to[i] for every i. Plain settlement.
    function batchMint(address[] calldata to, uint256[] calldata amounts)
        external
        onlyRole(MINTER_ROLE)
    {
        _mintAll(to, amounts);
    }

    /// @notice Burn amounts[i] from from[i]'s balance for every i. No
    ///         allowance is needed: the burner settles the ledger.
    function batchBurn(address[] calldata from, uint256[] calldata amounts)
        external
        onlyRole(BURNER_ROLE)
    {
        _burnAll(from, amounts);
    }

    /// @notice Keyed batchMint: reverts if batchId was processed before.
    function batchMint(bytes32 batchId, address[] calldata to, uint256[] calldata amounts)
        external
        onlyRole(MINTER_ROLE)
    {
        _claimBatchId(batchId);
        uint256 total = _mintAll(to, amounts);
        emit BatchSettled(batchId, true, to.length, total);
    }

    /// @notice Keyed batchBurn: reverts if batchId was processed before.
    function batchBurn(bytes32 batchId, address[] calldata from, uint256[] calldata amounts)
        external
        onlyRole(BURNER_ROLE)
    {
        _claimBatchId(batchId);
        uint256 total = _burnAll(from, amounts);
        emit BatchSettled(batchId, false, from.length, total);
    }

    function _claimBatchId(bytes32 batchId) private {
        if (processedBatches[batchId]) {
            revert BatchAlreadyProcessed(batchId);
        }
        processedBatches[batchId] = true;
    }

    function _checkShape(uint256 accounts, uint256 amounts) private pure {
        if (accounts == 0) {
            revert EmptyBatch();
        }
        if (accounts != amounts) {
            revert LengthMismatch(accounts, amounts);
        }
    }

    function _mintAll(address[] calldata to, uint256[] calldata amounts)
        private
        returns (uint256 total)
    {
        _checkShape(to.length, amounts.length);
        for (uint256 i = 0; i < to.length; ++i) {
            total += amounts[i];
            _mint(to[i], amounts[i]);
        }
    }

    function _burnAll(address[] calldata from, uint256[] calldata amounts)
        private
        returns (uint256 total)
    {
        _checkShape(from.length, amounts.length);
        for (uint256 i = 0; i < from.length; ++i) {
            total += amounts[i];
            _burn(from[i], amounts[i]);
        }
    }
}
