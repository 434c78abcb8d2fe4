// Package devchain runs a local Ethereum chain for development and tests:
// go-ethereum's simulated backend serving JSON-RPC (HTTP and WebSocket) on a
// loopback address, with funded dev accounts whose keys are fixed and public
// (account n's key is deployment.DevKey(n), keccak256("tender dev key n")), a
// mintable test token (TestToken, six decimals) and the Tender escrow
// deployed, and the result written to a deployment file (package deployment)
// that other commands load.
//
// Addresses are fixed too: account 0 (0xcE9990669d8909b6f3a07AD4448eaF097C4e1AA6)
// deploys the token at 0x75E275bcab594Da273C103abF43c17B4aCD958d3 and the
// escrow at 0xD1573096b4cBb1c8226C362070e847F7096aD9a9; account 1 is
// 0x723b4906eB6BE83F7f3aA97CF56773399e5527C7, account 2
// 0xddED7Fa0fDF183513B156d355a4c3c120F12a109.
//
// The chain follows Ethereum mainnet's rules (Osaka), so gas measured on it
// is gas on mainnet. Nothing outside development needs this package: the
// lease client takes any JSON-RPC endpoint and escrow address.
package devchain
