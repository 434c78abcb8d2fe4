// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Refusing token for tests
/// @notice transfer and transferFrom return false, moving nothing, when the
/// sender or recipient is refused (as a blocklisting stablecoin might); with
/// exhaust set, transfer burns all the gas it is given.
contract FalseToken is ERC20 {
    mapping(address account => bool) public refused;
    bool public exhaust;

    constructor() ERC20("Refusing", "NO") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    function setRefused(address account, bool refuse) external {
        refused[account] = refuse;
    }

    function setExhaust(bool on) external {
        exhaust = on;
    }

    function transfer(address to, uint256 value) public override returns (bool) {
        if (exhaust) {
            uint256 n;
            while (gasleft() > 0) {
                n++;
            }
        }
        if (refused[msg.sender] || refused[to]) return false;
        return super.transfer(to, value);
    }

    function transferFrom(address from, address to, uint256 value) public override returns (bool) {
        if (refused[from] || refused[to]) return false;
        return super.transferFrom(from, to, value);
    }
}
