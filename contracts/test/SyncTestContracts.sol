// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

// Test-only contracts for the chain sync tests and benchmark
// (tests/integration/test_sync.c, bench/sync-run). Never deployed by the
// stack, never registered outside a test database.

/// @notice Emits an ERC-721-shaped Transfer (token id indexed: 4 topics),
///         which shares topic 0 with ERC-20's and must never be indexed as
///         an ERC-20 transfer.
contract Sync721Emitter {
    event Transfer(address indexed from, address indexed to, uint256 indexed tokenId);

    function emitTransfer(address from, address to, uint256 tokenId) external {
        emit Transfer(from, to, tokenId);
    }
}

/// @notice Emits ERC-20-shaped events with any values: oversize amounts
///         (past 65 decimal digits) and several transfers in one
///         transaction. Not a token: it keeps no balances.
contract Sync20Emitter {
    event Transfer(address indexed from, address indexed to, uint256 value);

    function emitTransfer(address from, address to, uint256 value) external {
        emit Transfer(from, to, value);
    }

    /// @notice One mint of `amount` to each of `to`, then a transfer of
    ///         half of it from each to the next: 2 * to.length events.
    function spray(address[] calldata to, uint256 amount) external {
        uint256 n = to.length;
        for (uint256 i = 0; i < n; i++) {
            emit Transfer(address(0), to[i], amount);
        }
        for (uint256 i = 0; i < n; i++) {
            emit Transfer(to[i], to[(i + 1) % n], amount / 2);
        }
    }
}
