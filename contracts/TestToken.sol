// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Permit} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Permit.sol";

/// @title Tender test dollar
/// @notice A payment token for dev chains and tests, with the decimals it is
/// deployed with: six on dev chains, like common stablecoins; tests also
/// deploy it with 18, like most other tokens. It takes EIP-2612 permits
/// (EIP-712 domain "Tender Test Dollar", version "1"), as common stablecoins
/// do. Anyone may mint: it has no value and must never be the token of a
/// real deployment.
contract TestToken is ERC20, ERC20Permit {
    uint8 private immutable _decimals;

    constructor(uint8 decimals_) ERC20("Tender Test Dollar", "tUSD") ERC20Permit("Tender Test Dollar") {
        _decimals = decimals_;
    }

    function decimals() public view override returns (uint8) {
        return _decimals;
    }

    /// @notice Creates amount new tokens for `to`. Open to anyone.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }
}
