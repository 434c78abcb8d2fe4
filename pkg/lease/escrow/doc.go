// Package escrow holds the generated Go binding (abigen v2) of the Tender
// escrow contract, built from contracts/ with the pinned compiler; package
// token holds the test token's. Use package lease for a client; these are
// the raw bindings.
package escrow

//go:generate bash ../../../contracts/build.sh
