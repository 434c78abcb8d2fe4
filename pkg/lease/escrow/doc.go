// Package escrow holds the generated Go bindings (abigen v2) of the Tender
// escrow contract and its test token, built from contracts/ with the pinned
// compiler. Use package lease for a client; these are the raw bindings.
package escrow

//go:generate bash ../../../contracts/build.sh
