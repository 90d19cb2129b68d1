// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {Math} from "@openzeppelin/contracts/utils/math/Math.sol";
import {ChainBridgeToken} from "./ChainBridgeToken.sol";

/// @title StakingPool
/// @notice Users stake a ChainBridgeToken and earn rewards in the same token,
///         paid by minting: the pool must hold the token's MINTER_ROLE.
/// @dev Reward rule (exact integers, rounding down):
///      a user's rewards accrue per segment between two of that user's
///      actions (stake, unstake, claim). For a segment of `elapsed` seconds
///      during which the user had `staked` base units staked,
///
///          reward = floor(staked * rate * elapsed / (3600 * 10**decimals))
///
///      where `rate` is rewardRatePerTokenPerHour: reward base units earned
///      per whole token (10**decimals base units) staked per hour, and
///      `decimals` is the token's decimals() at construction. Each segment is
///      rounded down on its own and added to the user's unclaimed rewards.
///      The rule can be replayed exactly from the events alone: the
///      segments end at the timestamps of the user's Staked / Unstaked events
///      and at the block timestamps of RewardsClaimed.
///      Unstaking does not claim; unclaimed rewards stay claimable.
contract StakingPool {
    using SafeERC20 for IERC20;

    /// @notice The staked token, also the reward token.
    ChainBridgeToken public immutable token;
    /// @notice Reward base units per whole staked token per hour.
    uint256 public immutable rewardRatePerTokenPerHour;
    /// @notice 3600 * 10**decimals: the divisor of the reward rule.
    uint256 public immutable rewardDenominator;

    /// @notice Base units currently staked by each user.
    mapping(address user => uint256 amount) public stakedOf;
    /// @notice Timestamp up to which each user's rewards have been accrued.
    mapping(address user => uint256 timestamp) public lastAccrual;
    /// @notice Rewards accrued up to lastAccrual and not yet claimed.
    mapping(address user => uint256 amount) public accruedRewards;
    /// @notice Sum of stakedOf over all users.
    uint256 public totalStaked;

    event Staked(address indexed user, uint256 amount, uint256 timestamp);
    event Unstaked(address indexed user, uint256 amount, uint256 timestamp);
    event RewardsClaimed(address indexed user, uint256 amount);

    /// @notice stake or unstake of zero.
    error ZeroAmount();
    /// @notice unstake of more than the caller has staked.
    error InsufficientStake(uint256 staked, uint256 requested);
    /// @notice claim with no rewards accrued.
    error NothingToClaim();
    /// @notice The constructor was given the zero address as token.
    error ZeroToken();

    /// @param token_ token to stake and to mint rewards in
    /// @param rewardRatePerTokenPerHour_ reward base units per whole token per
    ///        hour (e.g. 10**(decimals-2) pays 1 % per hour)
    constructor(ChainBridgeToken token_, uint256 rewardRatePerTokenPerHour_) {
        if (address(token_) == address(0)) {
            revert ZeroToken();
        }
        token = token_;
        rewardRatePerTokenPerHour = rewardRatePerTokenPerHour_;
        rewardDenominator = 3600 * (10 ** uint256(token_.decimals()));
    }

    /// @notice Pull `amount` tokens from the caller (needs an allowance) and
    ///         add them to the caller's stake.
    function stake(uint256 amount) external {
        if (amount == 0) {
            revert ZeroAmount();
        }
        _accrue(msg.sender);
        stakedOf[msg.sender] += amount;
        totalStaked += amount;
        IERC20(address(token)).safeTransferFrom(msg.sender, address(this), amount);
        emit Staked(msg.sender, amount, block.timestamp);
    }

    /// @notice Return `amount` staked tokens to the caller. Rewards stay
    ///         accrued until claim().
    function unstake(uint256 amount) external {
        if (amount == 0) {
            revert ZeroAmount();
        }
        uint256 staked = stakedOf[msg.sender];
        if (amount > staked) {
            revert InsufficientStake(staked, amount);
        }
        _accrue(msg.sender);
        stakedOf[msg.sender] = staked - amount;
        totalStaked -= amount;
        IERC20(address(token)).safeTransfer(msg.sender, amount);
        emit Unstaked(msg.sender, amount, block.timestamp);
    }

    /// @notice Mint all of the caller's accrued rewards to the caller.
    function claim() external {
        _accrue(msg.sender);
        uint256 reward = accruedRewards[msg.sender];
        if (reward == 0) {
            revert NothingToClaim();
        }
        accruedRewards[msg.sender] = 0;
        address[] memory to = new address[](1);
        uint256[] memory amounts = new uint256[](1);
        to[0] = msg.sender;
        amounts[0] = reward;
        token.batchMint(to, amounts);
        emit RewardsClaimed(msg.sender, reward);
    }

    /// @notice Rewards `user` could claim now: accrued plus the running
    ///         segment, by the rule above.
    function earned(address user) external view returns (uint256) {
        return accruedRewards[user] + _pending(user);
    }

    function _pending(address user) private view returns (uint256) {
        uint256 staked = stakedOf[user];
        uint256 last = lastAccrual[user];
        if (staked == 0 || block.timestamp <= last) {
            return 0;
        }
        return Math.mulDiv(staked, rewardRatePerTokenPerHour * (block.timestamp - last), rewardDenominator);
    }

    function _accrue(address user) private {
        accruedRewards[user] += _pending(user);
        lastAccrual[user] = block.timestamp;
    }
}
