// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {ChainBridgeToken} from "../ChainBridgeToken.sol";

// Test-only contract for the settlement benchmark (bench/settle-run).
// Never deployed by the stack, never registered.

/// @notice ChainBridgeToken plus a single-item mint: the cheapest way to
///         put one ledger change on chain as a transaction of its own, the
///         baseline the daemon's batched settlement is measured against.
contract SettleBenchToken is ChainBridgeToken {
    constructor(string memory name_, string memory symbol_, uint8 decimals_, address admin)
        ChainBridgeToken(name_, symbol_, decimals_, admin)
    {}

    /// @notice Mint amount to to.
    function mint(address to, uint256 amount) external onlyRole(MINTER_ROLE) {
        _mint(to, amount);
    }
}
