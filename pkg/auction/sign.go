package auction

import (
	"crypto/ecdsa"
	"encoding/hex"
	"errors"
	"fmt"
	"math/big"
	"strings"

	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/crypto"
)

// Signature is a 65-byte secp256k1 signature [R || S || V] with V in {27, 28},
// the form Solidity's ecrecover and OpenZeppelin's ECDSA take. S must be in
// the lower half of the curve order, so a signature has one valid form.
type Signature [65]byte

// MarshalText writes the signature as 0x-prefixed hex.
func (s Signature) MarshalText() ([]byte, error) {
	return []byte("0x" + hex.EncodeToString(s[:])), nil
}

// UnmarshalText reads 0x-prefixed hex of exactly 65 bytes.
func (s *Signature) UnmarshalText(text []byte) error {
	t, ok := strings.CutPrefix(string(text), "0x")
	if !ok {
		return errors.New("signature: want 0x-prefixed hex")
	}
	if len(t) != 2*len(s) {
		return fmt.Errorf("signature: want %d bytes, got %d hex digits", len(s), len(t))
	}
	if _, err := hex.Decode(s[:], []byte(t)); err != nil {
		return fmt.Errorf("signature: %w", err)
	}
	return nil
}

func (s Signature) String() string { t, _ := s.MarshalText(); return string(t) }

// Signer signs EIP-712 digests with an Ethereum account's key. Keys stay
// behind this interface so a keystore or hardware wallet can stand in.
type Signer interface {
	Address() common.Address
	SignHash(digest common.Hash) (Signature, error)
}

// KeySigner signs with a secp256k1 private key held in memory.
type KeySigner struct {
	key  *ecdsa.PrivateKey
	addr common.Address
}

var _ Signer = (*KeySigner)(nil)

// NewKeySigner returns a Signer for key.
func NewKeySigner(key *ecdsa.PrivateKey) *KeySigner {
	return &KeySigner{key: key, addr: crypto.PubkeyToAddress(key.PublicKey)}
}

// Address is the key's Ethereum address.
func (k *KeySigner) Address() common.Address { return k.addr }

// SignHash signs digest (deterministically, RFC 6979).
func (k *KeySigner) SignHash(digest common.Hash) (Signature, error) {
	raw, err := crypto.Sign(digest[:], k.key)
	if err != nil {
		return Signature{}, fmt.Errorf("sign: %w", err)
	}
	var s Signature
	copy(s[:], raw)
	s[64] += 27
	return s, nil
}

// ErrBadSignature reports a signature that is malformed or was not made by
// the account the message names.
var ErrBadSignature = errors.New("bad signature")

// Recover returns the address that made sig over digest. It rejects
// malformed signatures, V outside {27, 28} and S in the upper half of the
// curve order, as the escrow contract does.
func Recover(digest common.Hash, sig Signature) (common.Address, error) {
	v := sig[64]
	if v != 27 && v != 28 {
		return common.Address{}, fmt.Errorf("%w: v is %d, want 27 or 28", ErrBadSignature, v)
	}
	r := new(big.Int).SetBytes(sig[:32])
	s := new(big.Int).SetBytes(sig[32:64])
	if !crypto.ValidateSignatureValues(v-27, r, s, true) {
		return common.Address{}, fmt.Errorf("%w: r or s out of range (s must be in the lower half)", ErrBadSignature)
	}
	raw := sig
	raw[64] -= 27
	pub, err := crypto.SigToPub(digest[:], raw[:])
	if err != nil {
		return common.Address{}, fmt.Errorf("%w: %v", ErrBadSignature, err)
	}
	return crypto.PubkeyToAddress(*pub), nil
}

// checkSigner verifies that want made sig over digest.
func checkSigner(digest common.Hash, sig Signature, want common.Address, role string) error {
	got, err := Recover(digest, sig)
	if err != nil {
		return err
	}
	if got != want {
		return fmt.Errorf("%w: signed by %s, but the %s is %s", ErrBadSignature, got.Hex(), role, want.Hex())
	}
	return nil
}

// signAs signs digest with s, which must hold the key of want, the account
// the message names as its role.
func signAs(s Signer, want common.Address, role string, digest common.Hash) (Signature, error) {
	if s.Address() != want {
		return Signature{}, fmt.Errorf("%s names %s, but the key is %s", role, want.Hex(), s.Address().Hex())
	}
	return s.SignHash(digest)
}
