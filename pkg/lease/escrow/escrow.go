// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package escrow

import (
	"bytes"
	"errors"
	"math/big"

	"github.com/ethereum/go-ethereum/accounts/abi"
	"github.com/ethereum/go-ethereum/accounts/abi/bind/v2"
	"github.com/ethereum/go-ethereum/common"
	"github.com/ethereum/go-ethereum/core/types"
)

// Reference imports to suppress errors if they are not otherwise used.
var (
	_ = bytes.Equal
	_ = errors.New
	_ = big.NewInt
	_ = common.Big1
	_ = types.BloomLookup
	_ = abi.ConvertType
)

// EscrowBid is an auto generated low-level Go binding around an user-defined struct.
type EscrowBid struct {
	OrderHash    [32]byte
	Provider     common.Address
	PeerIdHash   [32]byte
	PricePerHour *big.Int
	OfferHash    [32]byte
	Expiry       uint64
	Nonce        uint64
}

// EscrowLease is an auto generated low-level Go binding around an user-defined struct.
type EscrowLease struct {
	TermsHash [32]byte
	Deposit   *big.Int
	Paid      *big.Int
	Since     *big.Int
	State     uint8
}

// EscrowOrder is an auto generated low-level Go binding around an user-defined struct.
type EscrowOrder struct {
	Tenant           common.Address
	AuctioneerHash   [32]byte
	MaxPricePerHour  *big.Int
	MaxDuration      uint64
	BidDeadline      uint64
	Expiry           uint64
	Nonce            uint64
	RequirementsHash [32]byte
	JobHash          [32]byte
}

// EscrowPermit is an auto generated low-level Go binding around an user-defined struct.
type EscrowPermit struct {
	Deadline *big.Int
	V        uint8
	R        [32]byte
	S        [32]byte
}

// EscrowTerms is an auto generated low-level Go binding around an user-defined struct.
type EscrowTerms struct {
	Tenant       common.Address
	Provider     common.Address
	PricePerHour *big.Int
	MaxDuration  uint64
}

// EscrowMetaData contains all meta data concerning the Escrow contract.
var EscrowMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"token_\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"startWindow_\",\"type\":\"uint64\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"deadline\",\"type\":\"uint64\"}],\"name\":\"AwardExpired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"BidExpired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"named\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"order\",\"type\":\"bytes32\"}],\"name\":\"BidForOtherOrder\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"DepositExhausted\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"limit\",\"type\":\"uint256\"}],\"name\":\"DepositTooLarge\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minimum\",\"type\":\"uint256\"}],\"name\":\"DepositTooSmall\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidSignature\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"LeaseExists\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"}],\"name\":\"NotAwarded\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"earned\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"NotOverdrawn\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotParty\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"}],\"name\":\"NotProvider\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"}],\"name\":\"NotTenant\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingToClaim\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"OrderExpired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"maxPricePerHour\",\"type\":\"uint256\"}],\"name\":\"PriceAboveMax\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"limit\",\"type\":\"uint256\"}],\"name\":\"PriceTooHigh\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"}],\"name\":\"StartDeadlineNotPassed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"}],\"name\":\"StartDeadlinePassed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"TermsMismatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferOutOfGas\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"UnknownLease\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"}],\"name\":\"WrongSigner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"internalType\":\"enumEscrow.State\",\"name\":\"state\",\"type\":\"uint8\"}],\"name\":\"WrongState\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroMaxDuration\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroStartWindow\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Claimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"by\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"int32\",\"name\":\"exitCode\",\"type\":\"int32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"resultHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refunded\",\"type\":\"uint256\"}],\"name\":\"Closed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"LeaseOpened\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"by\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"name\":\"Overdrawn\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"PaymentDeferred\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refunded\",\"type\":\"uint256\"}],\"name\":\"Reclaimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"startedAt\",\"type\":\"uint64\"}],\"name\":\"Started\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"ToppedUp\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"AWARD_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"BID_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_DEPOSIT\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_PRICE_PER_HOUR\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MIN_DURATION\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"ORDER_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"accrued\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"earned\",\"type\":\"uint256\"},{\"internalType\":\"bool\",\"name\":\"overdrawn\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"}],\"name\":\"claim\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"internalType\":\"int32\",\"name\":\"exitCode\",\"type\":\"int32\"},{\"internalType\":\"bytes32\",\"name\":\"resultHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"endedAt\",\"type\":\"uint64\"}],\"name\":\"close\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"closeOverdrawn\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"domainSeparator\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"getLease\",\"outputs\":[{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"termsHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint104\",\"name\":\"deposit\",\"type\":\"uint104\"},{\"internalType\":\"uint104\",\"name\":\"paid\",\"type\":\"uint104\"},{\"internalType\":\"uint40\",\"name\":\"since\",\"type\":\"uint40\"},{\"internalType\":\"enumEscrow.State\",\"name\":\"state\",\"type\":\"uint8\"}],\"internalType\":\"structEscrow.Lease\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"peerIdHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"offerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Bid\",\"name\":\"bid\",\"type\":\"tuple\"}],\"name\":\"hashBid\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"auctioneerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"maxPricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"bidDeadline\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"requirementsHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"jobHash\",\"type\":\"bytes32\"}],\"internalType\":\"structEscrow.Order\",\"name\":\"order\",\"type\":\"tuple\"}],\"name\":\"hashOrder\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"hashTerms\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"name\":\"minimumDeposit\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"auctioneerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"maxPricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"bidDeadline\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"requirementsHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"jobHash\",\"type\":\"bytes32\"}],\"internalType\":\"structEscrow.Order\",\"name\":\"order\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"peerIdHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"offerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Bid\",\"name\":\"bid\",\"type\":\"tuple\"},{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"deadline\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"awardSig\",\"type\":\"bytes\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"v\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"r\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"s\",\"type\":\"bytes32\"}],\"internalType\":\"structEscrow.Permit\",\"name\":\"permit\",\"type\":\"tuple\"}],\"name\":\"openAwarded\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"auctioneerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"maxPricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"bidDeadline\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"requirementsHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"jobHash\",\"type\":\"bytes32\"}],\"internalType\":\"structEscrow.Order\",\"name\":\"order\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"peerIdHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"offerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Bid\",\"name\":\"bid\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"providerSig\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"openLease\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"owed\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"reclaim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"start\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"startWindow\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"token\",\"outputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"topUp\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"withdraw\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "Escrow",
	Bin: "0x6101a080604052346101ed57604081613829803803809161002082856101f1565b8339810103126101ed5780516001600160a01b038116918282036101ed5760200151916001600160401b038316908184036101ed576040516100636040826101f1565b600681526020810190652a32b73232b960d11b8252604051916100876040846101f1565b600183526020830191603160f81b83526100a081610228565b610120526100ad84610228565b61014052519020918260e05251902080610100524660a0526040519060208201927f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f8452604083015260608201524660808201523060a082015260a0815261011660c0826101f1565b5190206080523060c052156101de57156101cf576101605261018052604051613595908161029482396080518161339e015260a05181613455015260c0518161336f015260e051816133ed01526101005181613413015261012051816113ae015261014051816113d8015261016051818181610157015281816107c401528181610fe801528181611c4101528181611ccd015281816124e70152612cfe01526101805181818161026201528181610a300152610b360152f35b63bf07bf8960e01b5f5260045ffd5b63d92e233d60e01b5f5260045ffd5b5f80fd5b601f909101601f19168101906001600160401b0382119082101761021457604052565b634e487b7160e01b5f52604160045260245ffd5b601f815111610253576020815191015160208210610244571790565b5f198260200360031b1b161790565b604460209160405192839163305a27a960e01b83528160048401528051918291826024860152018484015e5f828201840152601f01601f19168101030190fdfe60806040526004361015610011575f80fd5b5f5f3560e01c8063176ffa61146126295780631e83409a14612466578063280921d5146123a45780632d54ad301461224f57806335e5c0ef1461215557806351bb9b1e1461211b57806373cd7c8314611e5857806375d2125b146118ab5780637780f7a9146118805780637bfb6456146114ac57806384b0196e146113945780638dfda56614611156578063a10c76aa14610d8b578063a78a510e14610aab578063b18ff35d14610a70578063b6a6d17714610a54578063d4c2749914610a0f578063d96f733714610983578063dd5967c31461095b578063df18e04714610923578063e64699ff146108fb578063eed07ae3146104b8578063efb43f3d146101dc578063f698da25146101b9578063f973a2091461017e5763fc0c546a14610138575f80fd5b3461017b578060031936011261017b5760206040516001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000168152f35b80fd5b503461017b578060031936011261017b5760206040517ff0bd03d41d2c3bb7441ec75db8e5f6c44fdf97622bd7f6fd9de40a486a8bd70a8152f35b503461017b578060031936011261017b5760206101d4613365565b604051908152f35b503461017b576101eb366126ff565b60206101f78284612b8a565b91016001600160a01b0361020a826128b6565b16330361047757506060810180516006811015610463577fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0161040d575061028864ffffffffff60408301511667ffffffffffffffff7f000000000000000000000000000000000000000000000000000000000000000016906128e8565b8042116103e257506cffffffffffffffffffffffffff60208183511692015116604051916102b5836127f4565b8252602082019081526040820164ffffffffff4216815260608301906002825284865260036020526cffffffffffffffffffffffffff604087209451167effffffffff000000000000000000000000000000000000000000000000000079ffffffffffffffffffffffffff000000000000000000000000008654955160681b16925160d01b16925160068110156103ce57907fff00000000000000000000000000000000000000000000000000000000000000807effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff9360f81b169516171617171790557fb4110a29130e96faab658703bb9aaf7dc353fccb25e8dfcf1d330b13bd534152602060405167ffffffffffffffff42168152a280f35b602488634e487b7160e01b81526021600452fd5b7fceb1c17d000000000000000000000000000000000000000000000000000000008452600452602483fd5b8391505191600683101561044f5760449261044d917f2b3263b30000000000000000000000000000000000000000000000000000000084526004526126f1565bfd5b602482634e487b7160e01b81526021600452fd5b602485634e487b7160e01b81526021600452fd5b836001600160a01b0361048b6044936128b6565b7f344b09040000000000000000000000000000000000000000000000000000000083523360045216602452fd5b503461017b57600319360161024081126108f7576101201361017b5760e07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffedc36011261017b576102043567ffffffffffffffff81116108f75761051f903690600401612753565b916105286129d7565b6001600160a01b03610538612874565b1633036108b75761055761054e61022435612e06565b94909384613268565b5060048110156108a35761087b576001600160a01b038061057661285d565b16911690810361083a57506001600160a01b03600435166004350361017b576001600160a01b036101443516610144350361017b5767ffffffffffffffff606435166064350361017b57604080516001600160a01b0360043581166020830190815261014435919091169282019290925261018435606082015267ffffffffffffffff6064351660808201526106378160a081015b037fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe08101835282612810565b5190208282526002602052604082205560405192610654846127f4565b610224356cffffffffffffffffffffffffff168452602084018281524264ffffffffff16604086019081529490606082016001815285855260036020526cffffffffffffffffffffffffff60408620935116967effffffffff000000000000000000000000000000000000000000000000000079ffffffffffffffffffffffffff000000000000000000000000008554945160681b16915160d01b1691516006811015610812576020987fff00000000000000000000000000000000000000000000000000000000000000807effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff9360f81b16951617161717179055604051908152610184358482015267ffffffffffffffff6064351660408201526102243560608201526001600160a01b03610144351690837f262d2da2abcebac4d7a7c16f6ff9628392b6f2f7ed9f03d108343c566706afbf60806001600160a01b036004351693a46107e861022435306004357f000000000000000000000000000000000000000000000000000000000000000061329c565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b602487634e487b7160e01b81526021600452fd5b634e487b7160e01b5f52602160045260245ffd5b906001600160a01b0360449261084e61285d565b907f366d29f700000000000000000000000000000000000000000000000000000000845260045216602452fd5b6004827f8baa579f000000000000000000000000000000000000000000000000000000008152fd5b602483634e487b7160e01b81526021600452fd5b6044906001600160a01b036108ca612874565b7fe84f207a0000000000000000000000000000000000000000000000000000000083523360045216602452fd5b5080fd5b503461017b57604061091561090f366126ff565b906128f5565b825191825215156020820152f35b503461017b57602060031936011261017b5760406020916001600160a01b0361094a6126c7565b168152600483522054604051908152f35b503461017b578060031936011261017b5760206040516cffffffffffffffffffffffffff8152f35b503461017b57604060031936011261017b576004356024359167ffffffffffffffff8316830361017b576fffffffffffffffffffffffffffffffff82116109d05760206101d4848461331a565b6044917f87ebe85d0000000000000000000000000000000000000000000000000000000082526004526fffffffffffffffffffffffffffffffff602452fd5b503461017b578060031936011261017b57602060405167ffffffffffffffff7f0000000000000000000000000000000000000000000000000000000000000000168152f35b503461017b578060031936011261017b576020604051603c8152f35b503461017b578060031936011261017b5760206040517fb121ad925064f5b063bc32ba73d49133b8b71169a959d1e2027ae66b59635b5e8152f35b503461017b57610aba366126ff565b610ac26129d7565b610acc8183612b8a565b916001600160a01b03610ade836128b6565b163303610d77576060830180516006811015610d63577fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff01610d24575060408301610b5c64ffffffffff82511667ffffffffffffffff7f000000000000000000000000000000000000000000000000000000000000000016906128e8565b80421115610cf9575064ffffffffff6cffffffffffffffffffffffffff85511691511660405191610b8c836127f4565b825260208201908682526040830190815260608301906005825284885260036020526cffffffffffffffffffffffffff604089209451167effffffffff000000000000000000000000000000000000000000000000000079ffffffffffffffffffffffffff000000000000000000000000008654955160681b16925160d01b1692516006811015610ce55792610cb695927effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff610cbf9a9996937fff00000000000000000000000000000000000000000000000000000000000000806cffffffffffffffffffffffffff9b9860f81b169516171617171790557f4d3754632451ebba9812a9305e7bca17b67a17186a5cff93d2e9ae1b01e3d27b602085875116604051908152a26128b6565b91511690612cf4565b807f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d80f35b60248a634e487b7160e01b81526021600452fd5b7fead84292000000000000000000000000000000000000000000000000000000008652600452602485fd5b84905191600683101561044f5760449261044d917f2b3263b30000000000000000000000000000000000000000000000000000000084526004526126f1565b602486634e487b7160e01b81526021600452fd5b6044846001600160a01b036108ca856128b6565b503461017b5760c060031936011261017b576004359060807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc36011261017b5760a435610dd66129d7565b610ddf83612a8c565b926001600160a01b03610df06128a0565b16330361114357606084018051600681101561046357600114158061112e575b6110ef5780516006811015610463576002146110b2575b821561108a576cffffffffffffffffffffffffff8551166cffffffffffffffffffffffffff036cffffffffffffffffffffffffff811161107657831161102057610e81836cffffffffffffffffffffffffff8751166128e8565b9464ffffffffff60406cffffffffffffffffffffffffff6020840151169201511691516006811015610d635760405192610eba846127f4565b6cffffffffffffffffffffffffff881684526020840192835260408401908152610ee8606085019283612851565b84875260036020526cffffffffffffffffffffffffff604088209451167effffffffff000000000000000000000000000000000000000000000000000079ffffffffffffffffffffffffff000000000000000000000000008654955160681b16925160d01b169251600681101561100c57927f2dec156b5ea8eee5b7a582c2e87253d7d59df096556b3ec99aa5d6cec448052495927effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff604096937fff00000000000000000000000000000000000000000000000000000000000000808d9e98610cbf9e5060f81b169516171617171790558151908582526020820152a230337f000000000000000000000000000000000000000000000000000000000000000061329c565b602489634e487b7160e01b81526021600452fd5b60448461103d856cffffffffffffffffffffffffff8951166128e8565b7ff7b656700000000000000000000000000000000000000000000000000000000082526004526cffffffffffffffffffffffffff602452fd5b602485634e487b7160e01b81526011600452fd5b6004847f1f2a2005000000000000000000000000000000000000000000000000000000008152fd5b6110bc4286612c07565b905015610e2757602484837f2941e33e000000000000000000000000000000000000000000000000000000008252600452fd5b83905191600683101561044f5760449261044d917f2b3263b30000000000000000000000000000000000000000000000000000000084526004526126f1565b50805160068110156104635760021415610e10565b6044836001600160a01b036108ca6128a0565b503461017b57611165366126ff565b9161116e6129d7565b6111788383612b8a565b9160208401936001600160a01b0361118f866128b6565b163303611380576060840180516006811015610463577ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0161040d57506111d890429085612c80565b50926111f76cffffffffffffffffffffffffff602083015116856128db565b9384156113545764ffffffffff60406cffffffffffffffffffffffffff8451169301511660405192611228846127f4565b83526cffffffffffffffffffffffffff60208401921682526040830190815260608301906002825284865260036020526cffffffffffffffffffffffffff604087209451167effffffffff000000000000000000000000000000000000000000000000000079ffffffffffffffffffffffffff000000000000000000000000008654955160681b16925160d01b16925160068110156103ce5793602099936107e897937effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8b98947fff000000000000000000000000000000000000000000000000000000000000008061134f9a60f81b169516171617171790557f6620f0849b3b96a180cce108df2fc1f0d6c68af3745da66e833b8c7c1600eddb88604051868152a26128b6565b612cf4565b602484847f7eff38ca000000000000000000000000000000000000000000000000000000008252600452fd5b6044836001600160a01b0361048b886128b6565b503461017b578060031936011261017b57611450906113d27f0000000000000000000000000000000000000000000000000000000000000000613508565b906113fc7f0000000000000000000000000000000000000000000000000000000000000000613508565b90602061145e604051936114108386612810565b8385525f3681376040519687967f0f00000000000000000000000000000000000000000000000000000000000000885260e08589015260e0880190612781565b908682036040880152612781565b904660608601523060808601528260a086015284820360c08601528080855193848152019401925b82811061149557505050500390f35b835185528695509381019392810192600101611486565b503461017b5761010060031936011261017b5760043560807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc3601126108f75760a435908160030b80920361187c5760e4359067ffffffffffffffff8216908183036118785761151a6129d7565b61152381612a8c565b926001600160a01b0361153461288a565b163314158061185e575b611832578592606085018051600681101561100c576002036117b9575061158992935042916001600160a01b0361157361288a565b163314806117b0575b61177f575b505083612c07565b5090816cffffffffffffffffffffffffff602085015116809110611777575b505b6115c4826cffffffffffffffffffffffffff8551166128db565b936cffffffffffffffffffffffffff84511664ffffffffff604086015116604051916115ef836127f4565b825260208201906cffffffffffffffffffffffffff8616825260408301908152606083019060038252858a5260036020526cffffffffffffffffffffffffff60408b209451167effffffffff000000000000000000000000000000000000000000000000000079ffffffffffffffffffffffffff000000000000000000000000008654955160681b16925160d01b16925160068110156117635794610cbf9a9997947f69983c8c620daebe9e27d249dfb387ba279b8f229aa520a596431c9b0bb7efa89460a0947effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8f957fff000000000000000000000000000000000000000000000000000000000000008061175b9f9c6117559e995060f81b1695161716171717905560405190338252602082015260c4356040820152846060820152886080820152a26cffffffffffffffffffffffffff602061174b61288a565b94015116906128db565b90612cf4565b61134f6128a0565b60248c634e487b7160e01b81526021600452fd5b91505f6115a8565b67ffffffffffffffff925064ffffffffff6040870151168092105f146117a957505b165f80611581565b90506117a1565b5042821061157c565b91505080516006811015610812577fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff016117f357506115aa565b85905191600683101561044f5760449261044d917f2b3263b30000000000000000000000000000000000000000000000000000000084526004526126f1565b6024867f20b9b34000000000000000000000000000000000000000000000000000000000815233600452fd5b506001600160a01b0361186f6128a0565b1633141561153e565b8480fd5b8280fd5b503461017b578060031936011261017b5760206040516fffffffffffffffffffffffffffffffff8152f35b5034611d7f5760031936016102e08112611d7f5761012013611d7f5760e07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffedc360112611d7f576102243567ffffffffffffffff8116809103611d7f576102443567ffffffffffffffff8111611d7f57611928903690600401612753565b929060807ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd9c360112611d7f5761195c6129d7565b6001600160a01b0361196c61285d565b163303611e1857824211611dec576119e7936119ec9161198e61020435612e06565b96909560405160208101917fb121ad925064f5b063bc32ba73d49133b8b71169a959d1e2027ae66b59635b5e83528860408301526102043560608301526080820152608081526119df60a082612810565b519020612a4b565b613268565b50600481101561082657611dc4576001600160a01b0380611a0b612874565b169116908103611d835760ff611a1f6128ca565b16611cc3575b506001600160a01b03600435166004350361017b576001600160a01b036101443516610144350361017b5767ffffffffffffffff606435166064350361017b57604080516001600160a01b0360043581166020830190815261014435919091169282019290925261018435606082015267ffffffffffffffff606435166080820152611ab48160a0810161060b565b5190208282526002602052604082205560405192611ad1846127f4565b610204356cffffffffffffffffffffffffff168452602084018281524264ffffffffff16604086019081529490606082016002815285855260036020526cffffffffffffffffffffffffff60408620935116967effffffffff000000000000000000000000000000000000000000000000000079ffffffffffffffffffffffffff000000000000000000000000008554945160681b16915160d01b1691516006811015610812576020987fff00000000000000000000000000000000000000000000000000000000000000807effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff9360f81b16951617161717179055604051908152610184358482015267ffffffffffffffff6064351660408201526102043560608201526001600160a01b03610144351690837f262d2da2abcebac4d7a7c16f6ff9628392b6f2f7ed9f03d108343c566706afbf60806001600160a01b036004351693a4611c6561020435306004357f000000000000000000000000000000000000000000000000000000000000000061329c565b817fb4110a29130e96faab658703bb9aaf7dc353fccb25e8dfcf1d330b13bd5341528460405167ffffffffffffffff42168152a27f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b6001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001690611cf66128ca565b823b15611d7f5760e45f928360ff9560405196879586947fd505accf00000000000000000000000000000000000000000000000000000000865260048601523060248601526102043560448601526102643560648601521660848401526102a43560a48401526102c43560c48401525af115611a2557611d7891505f90612810565b5f5f611a25565b5f80fd5b6001600160a01b0390611d94612874565b907fac2e2956000000000000000000000000000000000000000000000000000000005f526004521660245260445ffd5b7f8baa579f000000000000000000000000000000000000000000000000000000005f5260045ffd5b827f021010e3000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b6001600160a01b03611e2861285d565b7f344b0904000000000000000000000000000000000000000000000000000000005f52336004521660245260445ffd5b34611d7f57611e66366126ff565b90611e6f6129d7565b611e798282612b8a565b916060830180516006811015610826577ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe016120db5750611ebb428285612c80565b1561209657506cffffffffffffffffffffffffff8351169064ffffffffff60408501511692604051611eec816127f4565b8381526020810193845260408101948552606081019360048552825f5260036020526cffffffffffffffffffffffffff60405f20925116947effffffffff000000000000000000000000000000000000000000000000000079ffffffffffffffffffffffffff000000000000000000000000008454935160681b16975160d01b169051966006881015610826577effffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6020977fff00000000000000000000000000000000000000000000000000000000000000806120149b60f81b169516171617171790557f268fdd89edcf7dfe8b61d144b0076faaa894153b9af2a543ea9b0be173749f5e60406cffffffffffffffffffffffffff87511681519033825286820152a2016128b6565b906cffffffffffffffffffffffffff602081835116920151169003906cffffffffffffffffffffffffff8211612082576cffffffffffffffffffffffffff61205d921690612cf4565b5f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d005b634e487b7160e01b5f52601160045260245ffd5b90506cffffffffffffffffffffffffff835116917f752f58f6000000000000000000000000000000000000000000000000000000005f5260045260245260445260645ffd5b905051600681101561082657612116917f2b3263b3000000000000000000000000000000000000000000000000000000005f526004526126f1565b60445ffd5b34611d7f575f600319360112611d7f5760206040517fdeb082ae5821a65e6bb0ca3c133fd8559f6bdb41bfe63d0812d273c6936203a98152f35b34611d7f57610120600319360112611d7f57604051602081017ff0bd03d41d2c3bb7441ec75db8e5f6c44fdf97622bd7f6fd9de40a486a8bd70a81526004356001600160a01b038116809103611d7f5760408301526024356060830152604435608083015260643567ffffffffffffffff8116809103611d7f5760a083015260843567ffffffffffffffff8116809103611d7f5760c083015260a43567ffffffffffffffff8116809103611d7f5760e083015260c4359067ffffffffffffffff8216809203611d7f57826101d492610100602095015260e4356101208201526101043561014082015261014081526119df61016082612810565b34611d7f576020600319360112611d7f576004355f6080604051612272816127c4565b8281528260208201528260408201528260608201520152805f52600360205260405f2090604051916122a3836127f4565b54906cffffffffffffffffffffffffff8216835260208301916cffffffffffffffffffffffffff8160681c168352604084019164ffffffffff8260d01c1683526122f4606086019260f81c83612851565b5f52600260205264ffffffffff6cffffffffffffffffffffffffff8060405f205496511694511692511690519260068410156108265764ffffffffff926cffffffffffffffffffffffffff80926040519761234e896127c4565b8852602088019081526040880192835260608801948552612373608089019788612851565b60405197518852511660208701525116604085015251166060830152519060068210156108265760a0916080820152f35b34611d7f5760e0600319360112611d7f57604051602081017fdeb082ae5821a65e6bb0ca3c133fd8559f6bdb41bfe63d0812d273c6936203a9815260043560408301526024356001600160a01b038116809103611d7f576060830152604435608083015260643560a083015260843560c083015260a43567ffffffffffffffff8116809103611d7f5760e083015260c4359067ffffffffffffffff8216809203611d7f57826101d492610100602095015261010081526119df61012082612810565b34611d7f576020600319360112611d7f576001600160a01b036124876126c7565b61248f6129d7565b16801561260157335f52600460205260405f20549081156125d957335f5260046020525f6040812055806040518381527ff7a40077ff7a04c7e61f6f26fb13774259ddf1b6bce9ecf26a8276cdd399268360203392a37f000000000000000000000000000000000000000000000000000000000000000090604051907fa9059cbb000000000000000000000000000000000000000000000000000000005f526004528260245260205f60448180865af19060015f51148216156125b8575b60405215612583576020825f7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b6001600160a01b03907f5274afe7000000000000000000000000000000000000000000000000000000005f521660045260245ffd5b9060018115166125d057823b15153d1516169061254d565b503d5f823e3d90fd5b7f969bf728000000000000000000000000000000000000000000000000000000005f5260045ffd5b7fd92e233d000000000000000000000000000000000000000000000000000000005f5260045ffd5b34611d7f576080600319360112611d7f576004356001600160a01b0381168103611d7f576024356001600160a01b0381168103611d7f5760643567ffffffffffffffff81168103611d7f57604080516001600160a01b0394851660208281019182529590941691810191909152604435606082015267ffffffffffffffff90911660808201526126bc8160a0810161060b565b519020604051908152f35b600435906001600160a01b0382168203611d7f57565b35906001600160a01b0382168203611d7f57565b600681101561082657602452565b9060a0600319830112611d7f5760807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc600435930112611d7f57602490565b359067ffffffffffffffff82168203611d7f57565b9181601f84011215611d7f5782359167ffffffffffffffff8311611d7f5760208381860195010111611d7f57565b907fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0601f602080948051918291828752018686015e5f8582860101520116010190565b60a0810190811067ffffffffffffffff8211176127e057604052565b634e487b7160e01b5f52604160045260245ffd5b6080810190811067ffffffffffffffff8211176127e057604052565b90601f7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0910116810190811067ffffffffffffffff8211176127e057604052565b60068210156108265752565b610144356001600160a01b0381168103611d7f5790565b6004356001600160a01b0381168103611d7f5790565b6044356001600160a01b0381168103611d7f5790565b6024356001600160a01b0381168103611d7f5790565b356001600160a01b0381168103611d7f5790565b6102843560ff81168103611d7f5790565b9190820391821161208257565b9190820180921161208257565b8161290291939293612b8a565b606081019283516006811015610826576002146129405750602001519151916cffffffffffffffffffffffffff166006831015610826579160041490565b61294d9293504291612c80565b9091565b3567ffffffffffffffff81168103611d7f5790565b61296f816128b6565b6129d161297e602084016128b6565b61060b61298d60608601612951565b6040519485936040602086019801359188929367ffffffffffffffff9195946001600160a01b03606094816080880199168752166020860152604085015216910152565b51902090565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005c612a235760017f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d565b7f3ee5aeb5000000000000000000000000000000000000000000000000000000005f5260045ffd5b604290612a56613365565b90604051917f19010000000000000000000000000000000000000000000000000000000000008352600283015260228201522090565b5f6060604051612a9b816127f4565b8281528260208201528260408201520152805f52600260205260405f20548015612b5e57612ac96024612966565b03612b33575f52600360205260405f20612b3060405191612ae9836127f4565b546cffffffffffffffffffffffffff811683526cffffffffffffffffffffffffff8160681c16602084015264ffffffffff8160d01c16604084015260f81c60608301612851565b90565b7f65340458000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b507ff4665084000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b905f6060604051612b9a816127f4565b8281528260208201528260408201520152815f52600260205260405f2054908115612bc857612ac990612966565b827ff4665084000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b8181029291811591840414171561208257565b90612c1e9064ffffffffff604084015116906128db565b60843567ffffffffffffffff811690818103611d7f576cffffffffffffffffffffffffff92610e1092612c5d92818311612c76575b5050606435612bf4565b0491511680821015612c6f5750905f90565b9160019150565b5090505f80612c53565b91612c5d6cffffffffffffffffffffffffff92612cac610e109364ffffffffff604088015116906128db565b906060810167ffffffffffffffff612cc382612951565b168311612cd5575b5060400135612bf4565b6040919250612cec67ffffffffffffffff91612951565b169190612ccb565b908015612e02575a7f0000000000000000000000000000000000000000000000000000000000000000926001600160a01b03604051917fa9059cbb000000000000000000000000000000000000000000000000000000005f521693846004528360245260205f60448180855af19060015f5114821615612df5575b5090604052612df057603f5a91041015612dc85760207f8af6e30690e4b192e05dc42baa9776cefda6c432838616c7f4f036bbab44917e91835f526004825260405f20612dbd8282546128e8565b9055604051908152a2565b7f385c7a97000000000000000000000000000000000000000000000000000000005f5260045ffd5b505050565b3b15153d1516165f612d6f565b5050565b60a43567ffffffffffffffff811690818103611d7f578142101561323c5750506101c43567ffffffffffffffff811690818103611d7f5781421015613210575050610184356044358082116131e157506fffffffffffffffffffffffffffffffff81116131a25760643567ffffffffffffffff8116808203611d7f571561317a57612e909161331a565b80821061314b57506cffffffffffffffffffffffffff811161310f575060405190612fc1602083016004936119df8161014084017ff0bd03d41d2c3bb7441ec75db8e5f6c44fdf97622bd7f6fd9de40a486a8bd70a85526001600160a01b03612ef8896126dd565b166020860152602088013560408601526040880135606086015267ffffffffffffffff612f2760608a0161273e565b16608086015267ffffffffffffffff612f4260808a0161273e565b1660a086015267ffffffffffffffff612f5d60a08a0161273e565b1660c086015267ffffffffffffffff612f7860c08a0161273e565b1660e086015260e0880135610100860152610100880135610120860152037fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe08101835282612810565b90610124358281036130e057506130a060405160208101906119df8161012467ffffffffffffffff61306e60c06101008801937fdeb082ae5821a65e6bb0ca3c133fd8559f6bdb41bfe63d0812d273c6936203a98952803560208a01526001600160a01b03613032602083016126dd565b1660408a0152604081013560608a0152606081013560808a0152608081013560a08a01528361306360a0830161273e565b16828a01520161273e565b1660e0860152037fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe08101835282612810565b92835f52600260205260405f20546130b55750565b83907f98090ea5000000000000000000000000000000000000000000000000000000005f525260245ffd5b9050827f19ee41e4000000000000000000000000000000000000000000000000000000005f525260245260445ffd5b7ff7b65670000000000000000000000000000000000000000000000000000000005f526004526cffffffffffffffffffffffffff60245260445ffd5b907f4a77f2fa000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b7fa75e7434000000000000000000000000000000000000000000000000000000005f5260045ffd5b7f87ebe85d000000000000000000000000000000000000000000000000000000005f526004526fffffffffffffffffffffffffffffffff60245260445ffd5b907f8b8675a5000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b507fbefd989c000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b507fbd5c334e000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b90604183036132925761328b9250602081013591604082359201355f1a9061347b565b9192909190565b50505f9160029190565b9290916001600160a01b039081604051947f23b872dd000000000000000000000000000000000000000000000000000000005f52166004521660245260445260205f60648180865af19060015f5114821615613302575b6040525f606052156125835750565b9060018115166125d057823b15153d151616906132f3565b61334890610e1092603c67ffffffffffffffff8216105f146133545767ffffffffffffffff905b1690612bf4565b0480612b305750600190565b5067ffffffffffffffff603c613341565b6001600160a01b037f000000000000000000000000000000000000000000000000000000000000000016301480613452575b156133c0577f000000000000000000000000000000000000000000000000000000000000000090565b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527f000000000000000000000000000000000000000000000000000000000000000060408201527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a082015260a081526129d160c082612810565b507f00000000000000000000000000000000000000000000000000000000000000004614613397565b91907f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a084116134fd579160209360809260ff5f9560405194855216868401526040830152606082015282805260015afa156134f2575f516001600160a01b038116156134e857905f905f90565b505f906001905f90565b6040513d5f823e3d90fd5b5050505f9160039190565b60ff811690601f82116135375760405191613524604084612810565b6020808452838101919036833783525290565b7fb3512b0c000000000000000000000000000000000000000000000000000000005f5260045ffdfea264697066735822122030ac791eec7596a7f4a87215b982391fa56e7580d3fba88e2fb7561de9c42e6a64736f6c63430008250033",
}

// Escrow is an auto generated Go binding around an Ethereum contract.
type Escrow struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *Escrow) GetABI() abi.ABI {
	return c.abi
}

// NewEscrow creates a new instance of Escrow.
func NewEscrow() *Escrow {
	parsed, err := EscrowMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &Escrow{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *Escrow) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackConstructor is the Go binding used to pack the parameters required for
// contract deployment.
//
// Solidity: constructor(address token_, uint64 startWindow_) returns()
func (escrow *Escrow) PackConstructor(token_ common.Address, startWindow_ uint64) []byte {
	enc, err := escrow.abi.Pack("", token_, startWindow_)
	if err != nil {
		panic(err)
	}
	return enc
}

// PackAWARDTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb18ff35d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function AWARD_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) PackAWARDTYPEHASH() []byte {
	enc, err := escrow.abi.Pack("AWARD_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAWARDTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb18ff35d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function AWARD_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) TryPackAWARDTYPEHASH() ([]byte, error) {
	return escrow.abi.Pack("AWARD_TYPEHASH")
}

// UnpackAWARDTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb18ff35d.
//
// Solidity: function AWARD_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) UnpackAWARDTYPEHASH(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("AWARD_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackBIDTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51bb9b1e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function BID_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) PackBIDTYPEHASH() []byte {
	enc, err := escrow.abi.Pack("BID_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBIDTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x51bb9b1e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function BID_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) TryPackBIDTYPEHASH() ([]byte, error) {
	return escrow.abi.Pack("BID_TYPEHASH")
}

// UnpackBIDTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x51bb9b1e.
//
// Solidity: function BID_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) UnpackBIDTYPEHASH(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("BID_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackMAXDEPOSIT is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd5967c3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_DEPOSIT() view returns(uint256)
func (escrow *Escrow) PackMAXDEPOSIT() []byte {
	enc, err := escrow.abi.Pack("MAX_DEPOSIT")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXDEPOSIT is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd5967c3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_DEPOSIT() view returns(uint256)
func (escrow *Escrow) TryPackMAXDEPOSIT() ([]byte, error) {
	return escrow.abi.Pack("MAX_DEPOSIT")
}

// UnpackMAXDEPOSIT is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd5967c3.
//
// Solidity: function MAX_DEPOSIT() view returns(uint256)
func (escrow *Escrow) UnpackMAXDEPOSIT(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("MAX_DEPOSIT", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMAXPRICEPERHOUR is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7780f7a9.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_PRICE_PER_HOUR() view returns(uint256)
func (escrow *Escrow) PackMAXPRICEPERHOUR() []byte {
	enc, err := escrow.abi.Pack("MAX_PRICE_PER_HOUR")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXPRICEPERHOUR is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7780f7a9.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_PRICE_PER_HOUR() view returns(uint256)
func (escrow *Escrow) TryPackMAXPRICEPERHOUR() ([]byte, error) {
	return escrow.abi.Pack("MAX_PRICE_PER_HOUR")
}

// UnpackMAXPRICEPERHOUR is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x7780f7a9.
//
// Solidity: function MAX_PRICE_PER_HOUR() view returns(uint256)
func (escrow *Escrow) UnpackMAXPRICEPERHOUR(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("MAX_PRICE_PER_HOUR", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackMINDURATION is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb6a6d177.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MIN_DURATION() view returns(uint64)
func (escrow *Escrow) PackMINDURATION() []byte {
	enc, err := escrow.abi.Pack("MIN_DURATION")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMINDURATION is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb6a6d177.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MIN_DURATION() view returns(uint64)
func (escrow *Escrow) TryPackMINDURATION() ([]byte, error) {
	return escrow.abi.Pack("MIN_DURATION")
}

// UnpackMINDURATION is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb6a6d177.
//
// Solidity: function MIN_DURATION() view returns(uint64)
func (escrow *Escrow) UnpackMINDURATION(data []byte) (uint64, error) {
	out, err := escrow.abi.Unpack("MIN_DURATION", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackORDERTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf973a209.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function ORDER_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) PackORDERTYPEHASH() []byte {
	enc, err := escrow.abi.Pack("ORDER_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackORDERTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf973a209.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function ORDER_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) TryPackORDERTYPEHASH() ([]byte, error) {
	return escrow.abi.Pack("ORDER_TYPEHASH")
}

// UnpackORDERTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf973a209.
//
// Solidity: function ORDER_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) UnpackORDERTYPEHASH(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("ORDER_TYPEHASH", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackAccrued is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe64699ff.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function accrued(bytes32 leaseId, (address,address,uint256,uint64) terms) view returns(uint256 earned, bool overdrawn)
func (escrow *Escrow) PackAccrued(leaseId [32]byte, terms EscrowTerms) []byte {
	enc, err := escrow.abi.Pack("accrued", leaseId, terms)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAccrued is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe64699ff.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function accrued(bytes32 leaseId, (address,address,uint256,uint64) terms) view returns(uint256 earned, bool overdrawn)
func (escrow *Escrow) TryPackAccrued(leaseId [32]byte, terms EscrowTerms) ([]byte, error) {
	return escrow.abi.Pack("accrued", leaseId, terms)
}

// AccruedOutput serves as a container for the return parameters of contract
// method Accrued.
type AccruedOutput struct {
	Earned    *big.Int
	Overdrawn bool
}

// UnpackAccrued is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe64699ff.
//
// Solidity: function accrued(bytes32 leaseId, (address,address,uint256,uint64) terms) view returns(uint256 earned, bool overdrawn)
func (escrow *Escrow) UnpackAccrued(data []byte) (AccruedOutput, error) {
	out, err := escrow.abi.Unpack("accrued", data)
	outstruct := new(AccruedOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Earned = abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	outstruct.Overdrawn = *abi.ConvertType(out[1], new(bool)).(*bool)
	return *outstruct, nil
}

// PackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1e83409a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function claim(address to) returns(uint256 amount)
func (escrow *Escrow) PackClaim(to common.Address) []byte {
	enc, err := escrow.abi.Pack("claim", to)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x1e83409a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function claim(address to) returns(uint256 amount)
func (escrow *Escrow) TryPackClaim(to common.Address) ([]byte, error) {
	return escrow.abi.Pack("claim", to)
}

// UnpackClaim is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x1e83409a.
//
// Solidity: function claim(address to) returns(uint256 amount)
func (escrow *Escrow) UnpackClaim(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("claim", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7bfb6456.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function close(bytes32 leaseId, (address,address,uint256,uint64) terms, int32 exitCode, bytes32 resultHash, uint64 endedAt) returns()
func (escrow *Escrow) PackClose(leaseId [32]byte, terms EscrowTerms, exitCode int32, resultHash [32]byte, endedAt uint64) []byte {
	enc, err := escrow.abi.Pack("close", leaseId, terms, exitCode, resultHash, endedAt)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackClose is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x7bfb6456.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function close(bytes32 leaseId, (address,address,uint256,uint64) terms, int32 exitCode, bytes32 resultHash, uint64 endedAt) returns()
func (escrow *Escrow) TryPackClose(leaseId [32]byte, terms EscrowTerms, exitCode int32, resultHash [32]byte, endedAt uint64) ([]byte, error) {
	return escrow.abi.Pack("close", leaseId, terms, exitCode, resultHash, endedAt)
}

// PackCloseOverdrawn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x73cd7c83.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function closeOverdrawn(bytes32 leaseId, (address,address,uint256,uint64) terms) returns()
func (escrow *Escrow) PackCloseOverdrawn(leaseId [32]byte, terms EscrowTerms) []byte {
	enc, err := escrow.abi.Pack("closeOverdrawn", leaseId, terms)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackCloseOverdrawn is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x73cd7c83.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function closeOverdrawn(bytes32 leaseId, (address,address,uint256,uint64) terms) returns()
func (escrow *Escrow) TryPackCloseOverdrawn(leaseId [32]byte, terms EscrowTerms) ([]byte, error) {
	return escrow.abi.Pack("closeOverdrawn", leaseId, terms)
}

// PackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (escrow *Escrow) PackDomainSeparator() []byte {
	enc, err := escrow.abi.Pack("domainSeparator")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDomainSeparator is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xf698da25.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (escrow *Escrow) TryPackDomainSeparator() ([]byte, error) {
	return escrow.abi.Pack("domainSeparator")
}

// UnpackDomainSeparator is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xf698da25.
//
// Solidity: function domainSeparator() view returns(bytes32)
func (escrow *Escrow) UnpackDomainSeparator(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("domainSeparator", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (escrow *Escrow) PackEip712Domain() []byte {
	enc, err := escrow.abi.Pack("eip712Domain")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackEip712Domain is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x84b0196e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (escrow *Escrow) TryPackEip712Domain() ([]byte, error) {
	return escrow.abi.Pack("eip712Domain")
}

// Eip712DomainOutput serves as a container for the return parameters of contract
// method Eip712Domain.
type Eip712DomainOutput struct {
	Fields            [1]byte
	Name              string
	Version           string
	ChainId           *big.Int
	VerifyingContract common.Address
	Salt              [32]byte
	Extensions        []*big.Int
}

// UnpackEip712Domain is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x84b0196e.
//
// Solidity: function eip712Domain() view returns(bytes1 fields, string name, string version, uint256 chainId, address verifyingContract, bytes32 salt, uint256[] extensions)
func (escrow *Escrow) UnpackEip712Domain(data []byte) (Eip712DomainOutput, error) {
	out, err := escrow.abi.Unpack("eip712Domain", data)
	outstruct := new(Eip712DomainOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Fields = *abi.ConvertType(out[0], new([1]byte)).(*[1]byte)
	outstruct.Name = *abi.ConvertType(out[1], new(string)).(*string)
	outstruct.Version = *abi.ConvertType(out[2], new(string)).(*string)
	outstruct.ChainId = abi.ConvertType(out[3], new(big.Int)).(*big.Int)
	outstruct.VerifyingContract = *abi.ConvertType(out[4], new(common.Address)).(*common.Address)
	outstruct.Salt = *abi.ConvertType(out[5], new([32]byte)).(*[32]byte)
	outstruct.Extensions = *abi.ConvertType(out[6], new([]*big.Int)).(*[]*big.Int)
	return *outstruct, nil
}

// PackGetLease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2d54ad30.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getLease(bytes32 leaseId) view returns((bytes32,uint104,uint104,uint40,uint8))
func (escrow *Escrow) PackGetLease(leaseId [32]byte) []byte {
	enc, err := escrow.abi.Pack("getLease", leaseId)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetLease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2d54ad30.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getLease(bytes32 leaseId) view returns((bytes32,uint104,uint104,uint40,uint8))
func (escrow *Escrow) TryPackGetLease(leaseId [32]byte) ([]byte, error) {
	return escrow.abi.Pack("getLease", leaseId)
}

// UnpackGetLease is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2d54ad30.
//
// Solidity: function getLease(bytes32 leaseId) view returns((bytes32,uint104,uint104,uint40,uint8))
func (escrow *Escrow) UnpackGetLease(data []byte) (EscrowLease, error) {
	out, err := escrow.abi.Unpack("getLease", data)
	if err != nil {
		return *new(EscrowLease), err
	}
	out0 := *abi.ConvertType(out[0], new(EscrowLease)).(*EscrowLease)
	return out0, nil
}

// PackHashBid is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x280921d5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hashBid((bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid) view returns(bytes32)
func (escrow *Escrow) PackHashBid(bid EscrowBid) []byte {
	enc, err := escrow.abi.Pack("hashBid", bid)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHashBid is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x280921d5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hashBid((bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid) view returns(bytes32)
func (escrow *Escrow) TryPackHashBid(bid EscrowBid) ([]byte, error) {
	return escrow.abi.Pack("hashBid", bid)
}

// UnpackHashBid is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x280921d5.
//
// Solidity: function hashBid((bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid) view returns(bytes32)
func (escrow *Escrow) UnpackHashBid(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("hashBid", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackHashOrder is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x35e5c0ef.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hashOrder((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32) order) view returns(bytes32)
func (escrow *Escrow) PackHashOrder(order EscrowOrder) []byte {
	enc, err := escrow.abi.Pack("hashOrder", order)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHashOrder is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x35e5c0ef.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hashOrder((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32) order) view returns(bytes32)
func (escrow *Escrow) TryPackHashOrder(order EscrowOrder) ([]byte, error) {
	return escrow.abi.Pack("hashOrder", order)
}

// UnpackHashOrder is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x35e5c0ef.
//
// Solidity: function hashOrder((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32) order) view returns(bytes32)
func (escrow *Escrow) UnpackHashOrder(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("hashOrder", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackHashTerms is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x176ffa61.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hashTerms((address,address,uint256,uint64) terms) pure returns(bytes32)
func (escrow *Escrow) PackHashTerms(terms EscrowTerms) []byte {
	enc, err := escrow.abi.Pack("hashTerms", terms)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHashTerms is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x176ffa61.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hashTerms((address,address,uint256,uint64) terms) pure returns(bytes32)
func (escrow *Escrow) TryPackHashTerms(terms EscrowTerms) ([]byte, error) {
	return escrow.abi.Pack("hashTerms", terms)
}

// UnpackHashTerms is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x176ffa61.
//
// Solidity: function hashTerms((address,address,uint256,uint64) terms) pure returns(bytes32)
func (escrow *Escrow) UnpackHashTerms(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("hashTerms", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackMinimumDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd96f7337.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function minimumDeposit(uint256 pricePerHour, uint64 maxDuration) pure returns(uint256)
func (escrow *Escrow) PackMinimumDeposit(pricePerHour *big.Int, maxDuration uint64) []byte {
	enc, err := escrow.abi.Pack("minimumDeposit", pricePerHour, maxDuration)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMinimumDeposit is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd96f7337.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function minimumDeposit(uint256 pricePerHour, uint64 maxDuration) pure returns(uint256)
func (escrow *Escrow) TryPackMinimumDeposit(pricePerHour *big.Int, maxDuration uint64) ([]byte, error) {
	return escrow.abi.Pack("minimumDeposit", pricePerHour, maxDuration)
}

// UnpackMinimumDeposit is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd96f7337.
//
// Solidity: function minimumDeposit(uint256 pricePerHour, uint64 maxDuration) pure returns(uint256)
func (escrow *Escrow) UnpackMinimumDeposit(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("minimumDeposit", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackOpenAwarded is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x75d2125b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function openAwarded((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, uint256 deposit, uint64 deadline, bytes awardSig, (uint256,uint8,bytes32,bytes32) permit) returns(bytes32 leaseId)
func (escrow *Escrow) PackOpenAwarded(order EscrowOrder, bid EscrowBid, deposit *big.Int, deadline uint64, awardSig []byte, permit EscrowPermit) []byte {
	enc, err := escrow.abi.Pack("openAwarded", order, bid, deposit, deadline, awardSig, permit)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOpenAwarded is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x75d2125b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function openAwarded((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, uint256 deposit, uint64 deadline, bytes awardSig, (uint256,uint8,bytes32,bytes32) permit) returns(bytes32 leaseId)
func (escrow *Escrow) TryPackOpenAwarded(order EscrowOrder, bid EscrowBid, deposit *big.Int, deadline uint64, awardSig []byte, permit EscrowPermit) ([]byte, error) {
	return escrow.abi.Pack("openAwarded", order, bid, deposit, deadline, awardSig, permit)
}

// UnpackOpenAwarded is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x75d2125b.
//
// Solidity: function openAwarded((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, uint256 deposit, uint64 deadline, bytes awardSig, (uint256,uint8,bytes32,bytes32) permit) returns(bytes32 leaseId)
func (escrow *Escrow) UnpackOpenAwarded(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("openAwarded", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackOpenLease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xeed07ae3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function openLease((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, bytes providerSig, uint256 deposit) returns(bytes32 leaseId)
func (escrow *Escrow) PackOpenLease(order EscrowOrder, bid EscrowBid, providerSig []byte, deposit *big.Int) []byte {
	enc, err := escrow.abi.Pack("openLease", order, bid, providerSig, deposit)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOpenLease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xeed07ae3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function openLease((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, bytes providerSig, uint256 deposit) returns(bytes32 leaseId)
func (escrow *Escrow) TryPackOpenLease(order EscrowOrder, bid EscrowBid, providerSig []byte, deposit *big.Int) ([]byte, error) {
	return escrow.abi.Pack("openLease", order, bid, providerSig, deposit)
}

// UnpackOpenLease is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xeed07ae3.
//
// Solidity: function openLease((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, bytes providerSig, uint256 deposit) returns(bytes32 leaseId)
func (escrow *Escrow) UnpackOpenLease(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("openLease", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackOwed is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdf18e047.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function owed(address account) view returns(uint256)
func (escrow *Escrow) PackOwed(account common.Address) []byte {
	enc, err := escrow.abi.Pack("owed", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOwed is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdf18e047.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function owed(address account) view returns(uint256)
func (escrow *Escrow) TryPackOwed(account common.Address) ([]byte, error) {
	return escrow.abi.Pack("owed", account)
}

// UnpackOwed is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdf18e047.
//
// Solidity: function owed(address account) view returns(uint256)
func (escrow *Escrow) UnpackOwed(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("owed", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackReclaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa78a510e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function reclaim(bytes32 leaseId, (address,address,uint256,uint64) terms) returns()
func (escrow *Escrow) PackReclaim(leaseId [32]byte, terms EscrowTerms) []byte {
	enc, err := escrow.abi.Pack("reclaim", leaseId, terms)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackReclaim is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa78a510e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function reclaim(bytes32 leaseId, (address,address,uint256,uint64) terms) returns()
func (escrow *Escrow) TryPackReclaim(leaseId [32]byte, terms EscrowTerms) ([]byte, error) {
	return escrow.abi.Pack("reclaim", leaseId, terms)
}

// PackStart is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xefb43f3d.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function start(bytes32 leaseId, (address,address,uint256,uint64) terms) returns()
func (escrow *Escrow) PackStart(leaseId [32]byte, terms EscrowTerms) []byte {
	enc, err := escrow.abi.Pack("start", leaseId, terms)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStart is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xefb43f3d.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function start(bytes32 leaseId, (address,address,uint256,uint64) terms) returns()
func (escrow *Escrow) TryPackStart(leaseId [32]byte, terms EscrowTerms) ([]byte, error) {
	return escrow.abi.Pack("start", leaseId, terms)
}

// PackStartWindow is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd4c27499.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function startWindow() view returns(uint64)
func (escrow *Escrow) PackStartWindow() []byte {
	enc, err := escrow.abi.Pack("startWindow")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackStartWindow is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xd4c27499.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function startWindow() view returns(uint64)
func (escrow *Escrow) TryPackStartWindow() ([]byte, error) {
	return escrow.abi.Pack("startWindow")
}

// UnpackStartWindow is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xd4c27499.
//
// Solidity: function startWindow() view returns(uint64)
func (escrow *Escrow) UnpackStartWindow(data []byte) (uint64, error) {
	out, err := escrow.abi.Unpack("startWindow", data)
	if err != nil {
		return *new(uint64), err
	}
	out0 := *abi.ConvertType(out[0], new(uint64)).(*uint64)
	return out0, nil
}

// PackToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfc0c546a.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function token() view returns(address)
func (escrow *Escrow) PackToken() []byte {
	enc, err := escrow.abi.Pack("token")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackToken is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfc0c546a.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function token() view returns(address)
func (escrow *Escrow) TryPackToken() ([]byte, error) {
	return escrow.abi.Pack("token")
}

// UnpackToken is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xfc0c546a.
//
// Solidity: function token() view returns(address)
func (escrow *Escrow) UnpackToken(data []byte) (common.Address, error) {
	out, err := escrow.abi.Unpack("token", data)
	if err != nil {
		return *new(common.Address), err
	}
	out0 := *abi.ConvertType(out[0], new(common.Address)).(*common.Address)
	return out0, nil
}

// PackTopUp is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa10c76aa.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function topUp(bytes32 leaseId, (address,address,uint256,uint64) terms, uint256 amount) returns()
func (escrow *Escrow) PackTopUp(leaseId [32]byte, terms EscrowTerms, amount *big.Int) []byte {
	enc, err := escrow.abi.Pack("topUp", leaseId, terms, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTopUp is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa10c76aa.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function topUp(bytes32 leaseId, (address,address,uint256,uint64) terms, uint256 amount) returns()
func (escrow *Escrow) TryPackTopUp(leaseId [32]byte, terms EscrowTerms, amount *big.Int) ([]byte, error) {
	return escrow.abi.Pack("topUp", leaseId, terms, amount)
}

// PackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8dfda566.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function withdraw(bytes32 leaseId, (address,address,uint256,uint64) terms) returns(uint256 amount)
func (escrow *Escrow) PackWithdraw(leaseId [32]byte, terms EscrowTerms) []byte {
	enc, err := escrow.abi.Pack("withdraw", leaseId, terms)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackWithdraw is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x8dfda566.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function withdraw(bytes32 leaseId, (address,address,uint256,uint64) terms) returns(uint256 amount)
func (escrow *Escrow) TryPackWithdraw(leaseId [32]byte, terms EscrowTerms) ([]byte, error) {
	return escrow.abi.Pack("withdraw", leaseId, terms)
}

// UnpackWithdraw is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x8dfda566.
//
// Solidity: function withdraw(bytes32 leaseId, (address,address,uint256,uint64) terms) returns(uint256 amount)
func (escrow *Escrow) UnpackWithdraw(data []byte) (*big.Int, error) {
	out, err := escrow.abi.Unpack("withdraw", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// EscrowClaimed represents a Claimed event raised by the Escrow contract.
type EscrowClaimed struct {
	Account common.Address
	To      common.Address
	Amount  *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const EscrowClaimedEventName = "Claimed"

// ContractEventName returns the user-defined event name.
func (EscrowClaimed) ContractEventName() string {
	return EscrowClaimedEventName
}

// UnpackClaimedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Claimed(address indexed account, address indexed to, uint256 amount)
func (escrow *Escrow) UnpackClaimedEvent(log *types.Log) (*EscrowClaimed, error) {
	event := "Claimed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowClaimed)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowClosed represents a Closed event raised by the Escrow contract.
type EscrowClosed struct {
	LeaseId    [32]byte
	By         common.Address
	ExitCode   int32
	ResultHash [32]byte
	Paid       *big.Int
	Refunded   *big.Int
	Raw        *types.Log // Blockchain specific contextual infos
}

const EscrowClosedEventName = "Closed"

// ContractEventName returns the user-defined event name.
func (EscrowClosed) ContractEventName() string {
	return EscrowClosedEventName
}

// UnpackClosedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Closed(bytes32 indexed leaseId, address by, int32 exitCode, bytes32 resultHash, uint256 paid, uint256 refunded)
func (escrow *Escrow) UnpackClosedEvent(log *types.Log) (*EscrowClosed, error) {
	event := "Closed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowClosed)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowEIP712DomainChanged represents a EIP712DomainChanged event raised by the Escrow contract.
type EscrowEIP712DomainChanged struct {
	Raw *types.Log // Blockchain specific contextual infos
}

const EscrowEIP712DomainChangedEventName = "EIP712DomainChanged"

// ContractEventName returns the user-defined event name.
func (EscrowEIP712DomainChanged) ContractEventName() string {
	return EscrowEIP712DomainChangedEventName
}

// UnpackEIP712DomainChangedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event EIP712DomainChanged()
func (escrow *Escrow) UnpackEIP712DomainChangedEvent(log *types.Log) (*EscrowEIP712DomainChanged, error) {
	event := "EIP712DomainChanged"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowEIP712DomainChanged)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowLeaseOpened represents a LeaseOpened event raised by the Escrow contract.
type EscrowLeaseOpened struct {
	LeaseId      [32]byte
	Tenant       common.Address
	Provider     common.Address
	OrderHash    [32]byte
	PricePerHour *big.Int
	MaxDuration  uint64
	Deposit      *big.Int
	Raw          *types.Log // Blockchain specific contextual infos
}

const EscrowLeaseOpenedEventName = "LeaseOpened"

// ContractEventName returns the user-defined event name.
func (EscrowLeaseOpened) ContractEventName() string {
	return EscrowLeaseOpenedEventName
}

// UnpackLeaseOpenedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event LeaseOpened(bytes32 indexed leaseId, address indexed tenant, address indexed provider, bytes32 orderHash, uint256 pricePerHour, uint64 maxDuration, uint256 deposit)
func (escrow *Escrow) UnpackLeaseOpenedEvent(log *types.Log) (*EscrowLeaseOpened, error) {
	event := "LeaseOpened"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowLeaseOpened)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowOverdrawn represents a Overdrawn event raised by the Escrow contract.
type EscrowOverdrawn struct {
	LeaseId [32]byte
	By      common.Address
	Paid    *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const EscrowOverdrawnEventName = "Overdrawn"

// ContractEventName returns the user-defined event name.
func (EscrowOverdrawn) ContractEventName() string {
	return EscrowOverdrawnEventName
}

// UnpackOverdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Overdrawn(bytes32 indexed leaseId, address by, uint256 paid)
func (escrow *Escrow) UnpackOverdrawnEvent(log *types.Log) (*EscrowOverdrawn, error) {
	event := "Overdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowOverdrawn)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowPaymentDeferred represents a PaymentDeferred event raised by the Escrow contract.
type EscrowPaymentDeferred struct {
	Account common.Address
	Amount  *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const EscrowPaymentDeferredEventName = "PaymentDeferred"

// ContractEventName returns the user-defined event name.
func (EscrowPaymentDeferred) ContractEventName() string {
	return EscrowPaymentDeferredEventName
}

// UnpackPaymentDeferredEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event PaymentDeferred(address indexed account, uint256 amount)
func (escrow *Escrow) UnpackPaymentDeferredEvent(log *types.Log) (*EscrowPaymentDeferred, error) {
	event := "PaymentDeferred"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowPaymentDeferred)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowReclaimed represents a Reclaimed event raised by the Escrow contract.
type EscrowReclaimed struct {
	LeaseId  [32]byte
	Refunded *big.Int
	Raw      *types.Log // Blockchain specific contextual infos
}

const EscrowReclaimedEventName = "Reclaimed"

// ContractEventName returns the user-defined event name.
func (EscrowReclaimed) ContractEventName() string {
	return EscrowReclaimedEventName
}

// UnpackReclaimedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Reclaimed(bytes32 indexed leaseId, uint256 refunded)
func (escrow *Escrow) UnpackReclaimedEvent(log *types.Log) (*EscrowReclaimed, error) {
	event := "Reclaimed"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowReclaimed)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowStarted represents a Started event raised by the Escrow contract.
type EscrowStarted struct {
	LeaseId   [32]byte
	StartedAt uint64
	Raw       *types.Log // Blockchain specific contextual infos
}

const EscrowStartedEventName = "Started"

// ContractEventName returns the user-defined event name.
func (EscrowStarted) ContractEventName() string {
	return EscrowStartedEventName
}

// UnpackStartedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Started(bytes32 indexed leaseId, uint64 startedAt)
func (escrow *Escrow) UnpackStartedEvent(log *types.Log) (*EscrowStarted, error) {
	event := "Started"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowStarted)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowToppedUp represents a ToppedUp event raised by the Escrow contract.
type EscrowToppedUp struct {
	LeaseId [32]byte
	Amount  *big.Int
	Deposit *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const EscrowToppedUpEventName = "ToppedUp"

// ContractEventName returns the user-defined event name.
func (EscrowToppedUp) ContractEventName() string {
	return EscrowToppedUpEventName
}

// UnpackToppedUpEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ToppedUp(bytes32 indexed leaseId, uint256 amount, uint256 deposit)
func (escrow *Escrow) UnpackToppedUpEvent(log *types.Log) (*EscrowToppedUp, error) {
	event := "ToppedUp"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowToppedUp)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// EscrowWithdrawn represents a Withdrawn event raised by the Escrow contract.
type EscrowWithdrawn struct {
	LeaseId [32]byte
	Amount  *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const EscrowWithdrawnEventName = "Withdrawn"

// ContractEventName returns the user-defined event name.
func (EscrowWithdrawn) ContractEventName() string {
	return EscrowWithdrawnEventName
}

// UnpackWithdrawnEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Withdrawn(bytes32 indexed leaseId, uint256 amount)
func (escrow *Escrow) UnpackWithdrawnEvent(log *types.Log) (*EscrowWithdrawn, error) {
	event := "Withdrawn"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowWithdrawn)
	if len(log.Data) > 0 {
		if err := escrow.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range escrow.abi.Events[event].Inputs {
		if arg.Indexed {
			indexed = append(indexed, arg)
		}
	}
	if err := abi.ParseTopics(out, indexed, log.Topics[1:]); err != nil {
		return nil, err
	}
	out.Raw = log
	return out, nil
}

// UnpackError attempts to decode the provided error data using user-defined
// error definitions.
func (escrow *Escrow) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], escrow.abi.Errors["AwardExpired"].ID.Bytes()[:4]) {
		return escrow.UnpackAwardExpiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["BidExpired"].ID.Bytes()[:4]) {
		return escrow.UnpackBidExpiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["BidForOtherOrder"].ID.Bytes()[:4]) {
		return escrow.UnpackBidForOtherOrderError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["DepositExhausted"].ID.Bytes()[:4]) {
		return escrow.UnpackDepositExhaustedError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["DepositTooLarge"].ID.Bytes()[:4]) {
		return escrow.UnpackDepositTooLargeError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["DepositTooSmall"].ID.Bytes()[:4]) {
		return escrow.UnpackDepositTooSmallError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["InvalidShortString"].ID.Bytes()[:4]) {
		return escrow.UnpackInvalidShortStringError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["InvalidSignature"].ID.Bytes()[:4]) {
		return escrow.UnpackInvalidSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["LeaseExists"].ID.Bytes()[:4]) {
		return escrow.UnpackLeaseExistsError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["NotAwarded"].ID.Bytes()[:4]) {
		return escrow.UnpackNotAwardedError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["NotOverdrawn"].ID.Bytes()[:4]) {
		return escrow.UnpackNotOverdrawnError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["NotParty"].ID.Bytes()[:4]) {
		return escrow.UnpackNotPartyError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["NotProvider"].ID.Bytes()[:4]) {
		return escrow.UnpackNotProviderError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["NotTenant"].ID.Bytes()[:4]) {
		return escrow.UnpackNotTenantError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["NothingToClaim"].ID.Bytes()[:4]) {
		return escrow.UnpackNothingToClaimError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["NothingToWithdraw"].ID.Bytes()[:4]) {
		return escrow.UnpackNothingToWithdrawError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["OrderExpired"].ID.Bytes()[:4]) {
		return escrow.UnpackOrderExpiredError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["PriceAboveMax"].ID.Bytes()[:4]) {
		return escrow.UnpackPriceAboveMaxError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["PriceTooHigh"].ID.Bytes()[:4]) {
		return escrow.UnpackPriceTooHighError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ReentrancyGuardReentrantCall"].ID.Bytes()[:4]) {
		return escrow.UnpackReentrancyGuardReentrantCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["SafeERC20FailedOperation"].ID.Bytes()[:4]) {
		return escrow.UnpackSafeERC20FailedOperationError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["StartDeadlineNotPassed"].ID.Bytes()[:4]) {
		return escrow.UnpackStartDeadlineNotPassedError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["StartDeadlinePassed"].ID.Bytes()[:4]) {
		return escrow.UnpackStartDeadlinePassedError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["StringTooLong"].ID.Bytes()[:4]) {
		return escrow.UnpackStringTooLongError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["TermsMismatch"].ID.Bytes()[:4]) {
		return escrow.UnpackTermsMismatchError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["TransferOutOfGas"].ID.Bytes()[:4]) {
		return escrow.UnpackTransferOutOfGasError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["UnknownLease"].ID.Bytes()[:4]) {
		return escrow.UnpackUnknownLeaseError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["WrongSigner"].ID.Bytes()[:4]) {
		return escrow.UnpackWrongSignerError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["WrongState"].ID.Bytes()[:4]) {
		return escrow.UnpackWrongStateError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ZeroAddress"].ID.Bytes()[:4]) {
		return escrow.UnpackZeroAddressError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ZeroAmount"].ID.Bytes()[:4]) {
		return escrow.UnpackZeroAmountError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ZeroMaxDuration"].ID.Bytes()[:4]) {
		return escrow.UnpackZeroMaxDurationError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ZeroStartWindow"].ID.Bytes()[:4]) {
		return escrow.UnpackZeroStartWindowError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// EscrowAwardExpired represents a AwardExpired error raised by the Escrow contract.
type EscrowAwardExpired struct {
	Deadline uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error AwardExpired(uint64 deadline)
func EscrowAwardExpiredErrorID() common.Hash {
	return common.HexToHash("0x021010e3a9dbe5a836e78e9e01d97f454fa10dc6cde0fe91fe8eaabe55785ff4")
}

// UnpackAwardExpiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error AwardExpired(uint64 deadline)
func (escrow *Escrow) UnpackAwardExpiredError(raw []byte) (*EscrowAwardExpired, error) {
	out := new(EscrowAwardExpired)
	if err := escrow.abi.UnpackIntoInterface(out, "AwardExpired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowBidExpired represents a BidExpired error raised by the Escrow contract.
type EscrowBidExpired struct {
	Expiry uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BidExpired(uint64 expiry)
func EscrowBidExpiredErrorID() common.Hash {
	return common.HexToHash("0xbefd989ceec3203a9bc12f9582505fd7d3b7027399111bf474566e1d0212d817")
}

// UnpackBidExpiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BidExpired(uint64 expiry)
func (escrow *Escrow) UnpackBidExpiredError(raw []byte) (*EscrowBidExpired, error) {
	out := new(EscrowBidExpired)
	if err := escrow.abi.UnpackIntoInterface(out, "BidExpired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowBidForOtherOrder represents a BidForOtherOrder error raised by the Escrow contract.
type EscrowBidForOtherOrder struct {
	Named [32]byte
	Order [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error BidForOtherOrder(bytes32 named, bytes32 order)
func EscrowBidForOtherOrderErrorID() common.Hash {
	return common.HexToHash("0x19ee41e42622692974f212df2a809854af944eea85b958b328e85b0333211497")
}

// UnpackBidForOtherOrderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error BidForOtherOrder(bytes32 named, bytes32 order)
func (escrow *Escrow) UnpackBidForOtherOrderError(raw []byte) (*EscrowBidForOtherOrder, error) {
	out := new(EscrowBidForOtherOrder)
	if err := escrow.abi.UnpackIntoInterface(out, "BidForOtherOrder", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowDepositExhausted represents a DepositExhausted error raised by the Escrow contract.
type EscrowDepositExhausted struct {
	LeaseId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DepositExhausted(bytes32 leaseId)
func EscrowDepositExhaustedErrorID() common.Hash {
	return common.HexToHash("0x2941e33e0e3fcfc85497321fc37662da18bf6d40ed6a1021a519e8cb874dee9d")
}

// UnpackDepositExhaustedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DepositExhausted(bytes32 leaseId)
func (escrow *Escrow) UnpackDepositExhaustedError(raw []byte) (*EscrowDepositExhausted, error) {
	out := new(EscrowDepositExhausted)
	if err := escrow.abi.UnpackIntoInterface(out, "DepositExhausted", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowDepositTooLarge represents a DepositTooLarge error raised by the Escrow contract.
type EscrowDepositTooLarge struct {
	Deposit *big.Int
	Limit   *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DepositTooLarge(uint256 deposit, uint256 limit)
func EscrowDepositTooLargeErrorID() common.Hash {
	return common.HexToHash("0xf7b6567073c009de79258eba099fe6b4c9ee58367c789ca852cde5fe6172fc4c")
}

// UnpackDepositTooLargeError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DepositTooLarge(uint256 deposit, uint256 limit)
func (escrow *Escrow) UnpackDepositTooLargeError(raw []byte) (*EscrowDepositTooLarge, error) {
	out := new(EscrowDepositTooLarge)
	if err := escrow.abi.UnpackIntoInterface(out, "DepositTooLarge", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowDepositTooSmall represents a DepositTooSmall error raised by the Escrow contract.
type EscrowDepositTooSmall struct {
	Deposit *big.Int
	Minimum *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error DepositTooSmall(uint256 deposit, uint256 minimum)
func EscrowDepositTooSmallErrorID() common.Hash {
	return common.HexToHash("0x4a77f2fa62296c5cc216025004b03ed11b511d575baed7939c8b78bbe939738d")
}

// UnpackDepositTooSmallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error DepositTooSmall(uint256 deposit, uint256 minimum)
func (escrow *Escrow) UnpackDepositTooSmallError(raw []byte) (*EscrowDepositTooSmall, error) {
	out := new(EscrowDepositTooSmall)
	if err := escrow.abi.UnpackIntoInterface(out, "DepositTooSmall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowInvalidShortString represents a InvalidShortString error raised by the Escrow contract.
type EscrowInvalidShortString struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidShortString()
func EscrowInvalidShortStringErrorID() common.Hash {
	return common.HexToHash("0xb3512b0c6163e5f0bafab72bb631b9d58cd7a731b082f910338aa21c83d5c274")
}

// UnpackInvalidShortStringError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidShortString()
func (escrow *Escrow) UnpackInvalidShortStringError(raw []byte) (*EscrowInvalidShortString, error) {
	out := new(EscrowInvalidShortString)
	if err := escrow.abi.UnpackIntoInterface(out, "InvalidShortString", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowInvalidSignature represents a InvalidSignature error raised by the Escrow contract.
type EscrowInvalidSignature struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidSignature()
func EscrowInvalidSignatureErrorID() common.Hash {
	return common.HexToHash("0x8baa579fce362245063d36f11747a89dd489c54795634fc673cc0e0db51fedc5")
}

// UnpackInvalidSignatureError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidSignature()
func (escrow *Escrow) UnpackInvalidSignatureError(raw []byte) (*EscrowInvalidSignature, error) {
	out := new(EscrowInvalidSignature)
	if err := escrow.abi.UnpackIntoInterface(out, "InvalidSignature", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowLeaseExists represents a LeaseExists error raised by the Escrow contract.
type EscrowLeaseExists struct {
	LeaseId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error LeaseExists(bytes32 leaseId)
func EscrowLeaseExistsErrorID() common.Hash {
	return common.HexToHash("0x98090ea56c951b7708a75f7d75ff8209f6276063c40aeb1673894eafb6bc996a")
}

// UnpackLeaseExistsError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error LeaseExists(bytes32 leaseId)
func (escrow *Escrow) UnpackLeaseExistsError(raw []byte) (*EscrowLeaseExists, error) {
	out := new(EscrowLeaseExists)
	if err := escrow.abi.UnpackIntoInterface(out, "LeaseExists", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowNotAwarded represents a NotAwarded error raised by the Escrow contract.
type EscrowNotAwarded struct {
	Signer common.Address
	Tenant common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotAwarded(address signer, address tenant)
func EscrowNotAwardedErrorID() common.Hash {
	return common.HexToHash("0xac2e29567f52da822e6ae7fc88819e52890be6f89fcadb0da11f38d4a501009c")
}

// UnpackNotAwardedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotAwarded(address signer, address tenant)
func (escrow *Escrow) UnpackNotAwardedError(raw []byte) (*EscrowNotAwarded, error) {
	out := new(EscrowNotAwarded)
	if err := escrow.abi.UnpackIntoInterface(out, "NotAwarded", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowNotOverdrawn represents a NotOverdrawn error raised by the Escrow contract.
type EscrowNotOverdrawn struct {
	LeaseId [32]byte
	Earned  *big.Int
	Deposit *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotOverdrawn(bytes32 leaseId, uint256 earned, uint256 deposit)
func EscrowNotOverdrawnErrorID() common.Hash {
	return common.HexToHash("0x752f58f65650cbc60f39446942dd19c84e0abf9ca6f547f45f17422814574522")
}

// UnpackNotOverdrawnError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotOverdrawn(bytes32 leaseId, uint256 earned, uint256 deposit)
func (escrow *Escrow) UnpackNotOverdrawnError(raw []byte) (*EscrowNotOverdrawn, error) {
	out := new(EscrowNotOverdrawn)
	if err := escrow.abi.UnpackIntoInterface(out, "NotOverdrawn", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowNotParty represents a NotParty error raised by the Escrow contract.
type EscrowNotParty struct {
	Caller common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotParty(address caller)
func EscrowNotPartyErrorID() common.Hash {
	return common.HexToHash("0x20b9b3408989ca42d5fa2663f15008e4a0eb67196888f609b60bc67db38ad0ab")
}

// UnpackNotPartyError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotParty(address caller)
func (escrow *Escrow) UnpackNotPartyError(raw []byte) (*EscrowNotParty, error) {
	out := new(EscrowNotParty)
	if err := escrow.abi.UnpackIntoInterface(out, "NotParty", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowNotProvider represents a NotProvider error raised by the Escrow contract.
type EscrowNotProvider struct {
	Caller   common.Address
	Provider common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotProvider(address caller, address provider)
func EscrowNotProviderErrorID() common.Hash {
	return common.HexToHash("0x344b0904f157174c498c04537ae317270df5dc37b5c489ec2f7bf8b7100e2c66")
}

// UnpackNotProviderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotProvider(address caller, address provider)
func (escrow *Escrow) UnpackNotProviderError(raw []byte) (*EscrowNotProvider, error) {
	out := new(EscrowNotProvider)
	if err := escrow.abi.UnpackIntoInterface(out, "NotProvider", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowNotTenant represents a NotTenant error raised by the Escrow contract.
type EscrowNotTenant struct {
	Caller common.Address
	Tenant common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NotTenant(address caller, address tenant)
func EscrowNotTenantErrorID() common.Hash {
	return common.HexToHash("0xe84f207a9358ecb7e57b8228b22e4cac4824768ec80cb81f99bdde1d85052c9d")
}

// UnpackNotTenantError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NotTenant(address caller, address tenant)
func (escrow *Escrow) UnpackNotTenantError(raw []byte) (*EscrowNotTenant, error) {
	out := new(EscrowNotTenant)
	if err := escrow.abi.UnpackIntoInterface(out, "NotTenant", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowNothingToClaim represents a NothingToClaim error raised by the Escrow contract.
type EscrowNothingToClaim struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToClaim()
func EscrowNothingToClaimErrorID() common.Hash {
	return common.HexToHash("0x969bf7288f744225521096ebffff657851af77dd4c63700d76b8d1cf6481d1f1")
}

// UnpackNothingToClaimError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToClaim()
func (escrow *Escrow) UnpackNothingToClaimError(raw []byte) (*EscrowNothingToClaim, error) {
	out := new(EscrowNothingToClaim)
	if err := escrow.abi.UnpackIntoInterface(out, "NothingToClaim", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowNothingToWithdraw represents a NothingToWithdraw error raised by the Escrow contract.
type EscrowNothingToWithdraw struct {
	LeaseId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error NothingToWithdraw(bytes32 leaseId)
func EscrowNothingToWithdrawErrorID() common.Hash {
	return common.HexToHash("0x7eff38ca4350d02e22808120ce04993849037585c25dd755f78b8ba3ed9808a8")
}

// UnpackNothingToWithdrawError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error NothingToWithdraw(bytes32 leaseId)
func (escrow *Escrow) UnpackNothingToWithdrawError(raw []byte) (*EscrowNothingToWithdraw, error) {
	out := new(EscrowNothingToWithdraw)
	if err := escrow.abi.UnpackIntoInterface(out, "NothingToWithdraw", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowOrderExpired represents a OrderExpired error raised by the Escrow contract.
type EscrowOrderExpired struct {
	Expiry uint64
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error OrderExpired(uint64 expiry)
func EscrowOrderExpiredErrorID() common.Hash {
	return common.HexToHash("0xbd5c334eea6c5b4b7e9ea07a8ac61efc9878ce8783211311d885ccdb1c6cf883")
}

// UnpackOrderExpiredError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error OrderExpired(uint64 expiry)
func (escrow *Escrow) UnpackOrderExpiredError(raw []byte) (*EscrowOrderExpired, error) {
	out := new(EscrowOrderExpired)
	if err := escrow.abi.UnpackIntoInterface(out, "OrderExpired", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowPriceAboveMax represents a PriceAboveMax error raised by the Escrow contract.
type EscrowPriceAboveMax struct {
	PricePerHour    *big.Int
	MaxPricePerHour *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error PriceAboveMax(uint256 pricePerHour, uint256 maxPricePerHour)
func EscrowPriceAboveMaxErrorID() common.Hash {
	return common.HexToHash("0x8b8675a5e45d5a040210539346beff93c0b41cdbaa452e75eed3ad7c6d63968e")
}

// UnpackPriceAboveMaxError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error PriceAboveMax(uint256 pricePerHour, uint256 maxPricePerHour)
func (escrow *Escrow) UnpackPriceAboveMaxError(raw []byte) (*EscrowPriceAboveMax, error) {
	out := new(EscrowPriceAboveMax)
	if err := escrow.abi.UnpackIntoInterface(out, "PriceAboveMax", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowPriceTooHigh represents a PriceTooHigh error raised by the Escrow contract.
type EscrowPriceTooHigh struct {
	PricePerHour *big.Int
	Limit        *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error PriceTooHigh(uint256 pricePerHour, uint256 limit)
func EscrowPriceTooHighErrorID() common.Hash {
	return common.HexToHash("0x87ebe85d75ed17dc04c703d71bd5891a24af9557ff1131d3981863e44a03cc4b")
}

// UnpackPriceTooHighError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error PriceTooHigh(uint256 pricePerHour, uint256 limit)
func (escrow *Escrow) UnpackPriceTooHighError(raw []byte) (*EscrowPriceTooHigh, error) {
	out := new(EscrowPriceTooHigh)
	if err := escrow.abi.UnpackIntoInterface(out, "PriceTooHigh", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowReentrancyGuardReentrantCall represents a ReentrancyGuardReentrantCall error raised by the Escrow contract.
type EscrowReentrancyGuardReentrantCall struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReentrancyGuardReentrantCall()
func EscrowReentrancyGuardReentrantCallErrorID() common.Hash {
	return common.HexToHash("0x3ee5aeb571de7fc460830b4d0017439a1ca56fb0bc39062227ade4fe4a24c1ca")
}

// UnpackReentrancyGuardReentrantCallError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReentrancyGuardReentrantCall()
func (escrow *Escrow) UnpackReentrancyGuardReentrantCallError(raw []byte) (*EscrowReentrancyGuardReentrantCall, error) {
	out := new(EscrowReentrancyGuardReentrantCall)
	if err := escrow.abi.UnpackIntoInterface(out, "ReentrancyGuardReentrantCall", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowSafeERC20FailedOperation represents a SafeERC20FailedOperation error raised by the Escrow contract.
type EscrowSafeERC20FailedOperation struct {
	Token common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error SafeERC20FailedOperation(address token)
func EscrowSafeERC20FailedOperationErrorID() common.Hash {
	return common.HexToHash("0x5274afe73c98b4749fc91ffae6b7b574e7842cb2144a159e9377a5f20b32edf9")
}

// UnpackSafeERC20FailedOperationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error SafeERC20FailedOperation(address token)
func (escrow *Escrow) UnpackSafeERC20FailedOperationError(raw []byte) (*EscrowSafeERC20FailedOperation, error) {
	out := new(EscrowSafeERC20FailedOperation)
	if err := escrow.abi.UnpackIntoInterface(out, "SafeERC20FailedOperation", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowStartDeadlineNotPassed represents a StartDeadlineNotPassed error raised by the Escrow contract.
type EscrowStartDeadlineNotPassed struct {
	Deadline *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StartDeadlineNotPassed(uint256 deadline)
func EscrowStartDeadlineNotPassedErrorID() common.Hash {
	return common.HexToHash("0xead84292f73038625a6535658598839f729c8e4c4561558bad223fee60e2c29a")
}

// UnpackStartDeadlineNotPassedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StartDeadlineNotPassed(uint256 deadline)
func (escrow *Escrow) UnpackStartDeadlineNotPassedError(raw []byte) (*EscrowStartDeadlineNotPassed, error) {
	out := new(EscrowStartDeadlineNotPassed)
	if err := escrow.abi.UnpackIntoInterface(out, "StartDeadlineNotPassed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowStartDeadlinePassed represents a StartDeadlinePassed error raised by the Escrow contract.
type EscrowStartDeadlinePassed struct {
	Deadline *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StartDeadlinePassed(uint256 deadline)
func EscrowStartDeadlinePassedErrorID() common.Hash {
	return common.HexToHash("0xceb1c17d361b773eae86870623acf2dc2c398c95534d771939891cb3fd659209")
}

// UnpackStartDeadlinePassedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StartDeadlinePassed(uint256 deadline)
func (escrow *Escrow) UnpackStartDeadlinePassedError(raw []byte) (*EscrowStartDeadlinePassed, error) {
	out := new(EscrowStartDeadlinePassed)
	if err := escrow.abi.UnpackIntoInterface(out, "StartDeadlinePassed", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowStringTooLong represents a StringTooLong error raised by the Escrow contract.
type EscrowStringTooLong struct {
	Str string
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error StringTooLong(string str)
func EscrowStringTooLongErrorID() common.Hash {
	return common.HexToHash("0x305a27a93f8e33b7392df0a0f91d6fc63847395853c45991eec52dbf24d72381")
}

// UnpackStringTooLongError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error StringTooLong(string str)
func (escrow *Escrow) UnpackStringTooLongError(raw []byte) (*EscrowStringTooLong, error) {
	out := new(EscrowStringTooLong)
	if err := escrow.abi.UnpackIntoInterface(out, "StringTooLong", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowTermsMismatch represents a TermsMismatch error raised by the Escrow contract.
type EscrowTermsMismatch struct {
	LeaseId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TermsMismatch(bytes32 leaseId)
func EscrowTermsMismatchErrorID() common.Hash {
	return common.HexToHash("0x65340458b1eda2353f690c021085dd4f7c6e7d565990240f985abaf76edcf1f8")
}

// UnpackTermsMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TermsMismatch(bytes32 leaseId)
func (escrow *Escrow) UnpackTermsMismatchError(raw []byte) (*EscrowTermsMismatch, error) {
	out := new(EscrowTermsMismatch)
	if err := escrow.abi.UnpackIntoInterface(out, "TermsMismatch", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowTransferOutOfGas represents a TransferOutOfGas error raised by the Escrow contract.
type EscrowTransferOutOfGas struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error TransferOutOfGas()
func EscrowTransferOutOfGasErrorID() common.Hash {
	return common.HexToHash("0x385c7a97bb376d063431a0574a058b2be6271143693e0d03527d91701f81af26")
}

// UnpackTransferOutOfGasError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error TransferOutOfGas()
func (escrow *Escrow) UnpackTransferOutOfGasError(raw []byte) (*EscrowTransferOutOfGas, error) {
	out := new(EscrowTransferOutOfGas)
	if err := escrow.abi.UnpackIntoInterface(out, "TransferOutOfGas", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowUnknownLease represents a UnknownLease error raised by the Escrow contract.
type EscrowUnknownLease struct {
	LeaseId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownLease(bytes32 leaseId)
func EscrowUnknownLeaseErrorID() common.Hash {
	return common.HexToHash("0xf4665084899bfb09262fcd15a59e8b0df3600cefce7ec0097930df0d9f400580")
}

// UnpackUnknownLeaseError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownLease(bytes32 leaseId)
func (escrow *Escrow) UnpackUnknownLeaseError(raw []byte) (*EscrowUnknownLease, error) {
	out := new(EscrowUnknownLease)
	if err := escrow.abi.UnpackIntoInterface(out, "UnknownLease", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowWrongSigner represents a WrongSigner error raised by the Escrow contract.
type EscrowWrongSigner struct {
	Signer   common.Address
	Provider common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error WrongSigner(address signer, address provider)
func EscrowWrongSignerErrorID() common.Hash {
	return common.HexToHash("0x366d29f7de543b1e5962d6f7315450f1f5ec3d853d28dca80282b4c242185268")
}

// UnpackWrongSignerError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error WrongSigner(address signer, address provider)
func (escrow *Escrow) UnpackWrongSignerError(raw []byte) (*EscrowWrongSigner, error) {
	out := new(EscrowWrongSigner)
	if err := escrow.abi.UnpackIntoInterface(out, "WrongSigner", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowWrongState represents a WrongState error raised by the Escrow contract.
type EscrowWrongState struct {
	LeaseId [32]byte
	State   uint8
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error WrongState(bytes32 leaseId, uint8 state)
func EscrowWrongStateErrorID() common.Hash {
	return common.HexToHash("0x2b3263b3bc5546a88f5c442a231d009ce5a89c34654ca9a7911b5bb3939a1f60")
}

// UnpackWrongStateError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error WrongState(bytes32 leaseId, uint8 state)
func (escrow *Escrow) UnpackWrongStateError(raw []byte) (*EscrowWrongState, error) {
	out := new(EscrowWrongState)
	if err := escrow.abi.UnpackIntoInterface(out, "WrongState", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowZeroAddress represents a ZeroAddress error raised by the Escrow contract.
type EscrowZeroAddress struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAddress()
func EscrowZeroAddressErrorID() common.Hash {
	return common.HexToHash("0xd92e233df2717d4a40030e20904abd27b68fcbeede117eaaccbbdac9618c8c73")
}

// UnpackZeroAddressError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAddress()
func (escrow *Escrow) UnpackZeroAddressError(raw []byte) (*EscrowZeroAddress, error) {
	out := new(EscrowZeroAddress)
	if err := escrow.abi.UnpackIntoInterface(out, "ZeroAddress", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowZeroAmount represents a ZeroAmount error raised by the Escrow contract.
type EscrowZeroAmount struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroAmount()
func EscrowZeroAmountErrorID() common.Hash {
	return common.HexToHash("0x1f2a2005cb66a8e145327e8814e243a0996aec9bfe1e15a495778b1236dbd485")
}

// UnpackZeroAmountError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroAmount()
func (escrow *Escrow) UnpackZeroAmountError(raw []byte) (*EscrowZeroAmount, error) {
	out := new(EscrowZeroAmount)
	if err := escrow.abi.UnpackIntoInterface(out, "ZeroAmount", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowZeroMaxDuration represents a ZeroMaxDuration error raised by the Escrow contract.
type EscrowZeroMaxDuration struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroMaxDuration()
func EscrowZeroMaxDurationErrorID() common.Hash {
	return common.HexToHash("0xa75e7434909adcab9b991ec234141a3733be7f987008c8cf755c6bb6685f335b")
}

// UnpackZeroMaxDurationError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroMaxDuration()
func (escrow *Escrow) UnpackZeroMaxDurationError(raw []byte) (*EscrowZeroMaxDuration, error) {
	out := new(EscrowZeroMaxDuration)
	if err := escrow.abi.UnpackIntoInterface(out, "ZeroMaxDuration", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowZeroStartWindow represents a ZeroStartWindow error raised by the Escrow contract.
type EscrowZeroStartWindow struct {
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ZeroStartWindow()
func EscrowZeroStartWindowErrorID() common.Hash {
	return common.HexToHash("0xbf07bf894ecb519e061c3dd35533c654906b4c4a31c8c1f74dceb0decad6de64")
}

// UnpackZeroStartWindowError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ZeroStartWindow()
func (escrow *Escrow) UnpackZeroStartWindowError(raw []byte) (*EscrowZeroStartWindow, error) {
	out := new(EscrowZeroStartWindow)
	if err := escrow.abi.UnpackIntoInterface(out, "ZeroStartWindow", raw); err != nil {
		return nil, err
	}
	return out, nil
}
