// Package testtokens holds generated bindings (abigen v2) of misbehaving
// ERC-20 tokens (contracts/test) that the escrow tests attack the contract
// with: one that calls back into the escrow during transfers, one that
// refuses transfers or burns all the gas it gets. `go generate
// ./pkg/lease/escrow` regenerates them with the escrow's bindings.
package testtokens
