// Package account loads the Ethereum key a provider or tenant signs and
// pays with: a go-ethereum keystore file (with its password), a file holding
// the key as hex, or the hex itself (from an environment variable). Keys are
// never printed; errors name where a key came from, not what it is.
package account

import (
	"crypto/ecdsa"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/ethereum/go-ethereum/accounts/keystore"
	"github.com/ethereum/go-ethereum/crypto"
)

// Source says where a key comes from. Exactly one of Hex and File is set.
type Source struct {
	// Hex is the private key as hex (with or without 0x).
	Hex string
	// File is a keystore JSON file or a file holding the key as hex.
	File string
	// Password unlocks a keystore file.
	Password string
}

// Load returns the key Source names.
func Load(s Source) (*ecdsa.PrivateKey, error) {
	switch {
	case s.Hex != "" && s.File != "":
		return nil, errors.New("key: set either a key file or a hex key, not both")
	case s.Hex != "":
		k, err := fromHex(s.Hex)
		if err != nil {
			return nil, fmt.Errorf("key from the environment: %w", err)
		}
		return k, nil
	case s.File == "":
		return nil, errors.New("key: none given (a keystore or hex key file, or a hex key in the environment)")
	}
	data, err := os.ReadFile(s.File)
	if err != nil {
		return nil, fmt.Errorf("key: %w", err)
	}
	if json.Valid(data) {
		k, err := keystore.DecryptKey(data, s.Password)
		if err != nil {
			return nil, fmt.Errorf("key: keystore %s: %w", s.File, err)
		}
		return k.PrivateKey, nil
	}
	k, err := fromHex(string(data))
	if err != nil {
		return nil, fmt.Errorf("key: %s: %w", s.File, err)
	}
	return k, nil
}

func fromHex(s string) (*ecdsa.PrivateKey, error) {
	s = strings.TrimPrefix(strings.TrimSpace(s), "0x")
	k, err := crypto.HexToECDSA(s)
	if err != nil {
		// The message of HexToECDSA may quote the input: keep it out.
		return nil, errors.New("not a keystore file nor a secp256k1 private key as 64 hex digits")
	}
	return k, nil
}
