// SPDX-License-Identifier: MIT
pragma solidity 0.8.37;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title Malicious token for tests
/// @notice Once armed, the next transfer or transferFrom first calls back
/// into a target (the escrow) with the armed calldata, records how that call
/// ended, and then moves the tokens as usual.
contract ReentrantToken is ERC20 {
    address public target;
    bytes public payload;
    bool public attempted;
    bool public succeeded;
    bytes public result;

    constructor() ERC20("Reentrant", "RE") {}

    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms one callback: the next token movement calls target with data.
    function arm(address target_, bytes calldata data) external {
        target = target_;
        payload = data;
        attempted = false;
        succeeded = false;
        delete result;
    }

    function _update(address from, address to, uint256 value) internal override {
        address t = target;
        if (t != address(0)) {
            target = address(0);
            (bool ok, bytes memory ret) = t.call(payload);
            attempted = true;
            succeeded = ok;
            result = ret;
        }
        super._update(from, to, value);
    }
}
