// Package token holds the generated Go binding (abigen v2) of the test
// token, built from contracts/ with the pinned compiler: an ERC-20 with
// EIP-2612 permits. Package lease calls any payment token through it, using
// only the standard ERC-20 and EIP-2612 functions. Regenerate it with
// `go generate ./pkg/lease/escrow`.
package token
