// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Tender test dollar
/// @notice A payment token for dev chains and tests, with six decimals like
/// common stablecoins. Anyone may mint: it has no value and must never be the
/// token of a real deployment.
contract TestToken is ERC20 {
    constructor() ERC20("Tender Test Dollar", "tUSD") {}

    function decimals() public pure override returns (uint8) {
        return 6;
    }

    /// @notice Creates amount new tokens for `to`. Open to anyone.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
