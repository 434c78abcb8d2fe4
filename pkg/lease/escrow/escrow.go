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

// EscrowGroup is an auto generated low-level Go binding around an user-defined struct.
type EscrowGroup struct {
	MaxReplicas uint8
	Opens       uint8
	Referee     bool
	Settled     bool
	Expiry      *big.Int
}

// EscrowLease is an auto generated low-level Go binding around an user-defined struct.
type EscrowLease struct {
	TermsHash [32]byte
	Deposit   *big.Int
	Paid      *big.Int
	Since     *big.Int
	State     uint8
	Held      bool
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
	Replicas         uint8
	PathsHash        [32]byte
	SpotCheckBps     uint16
}

// EscrowPermit is an auto generated low-level Go binding around an user-defined struct.
type EscrowPermit struct {
	Value    *big.Int
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
	ABI: "[{\"inputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"token_\",\"type\":\"address\"},{\"internalType\":\"uint64\",\"name\":\"startWindow_\",\"type\":\"uint64\"}],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"deadline\",\"type\":\"uint64\"}],\"name\":\"AwardExpired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"BidExpired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"named\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"order\",\"type\":\"bytes32\"}],\"name\":\"BidForOtherOrder\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"DepositExhausted\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"limit\",\"type\":\"uint256\"}],\"name\":\"DepositTooLarge\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"minimum\",\"type\":\"uint256\"}],\"name\":\"DepositTooSmall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint8\",\"name\":\"members\",\"type\":\"uint8\"}],\"name\":\"GroupFull\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"}],\"name\":\"GroupSettledAlready\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"expiry\",\"type\":\"uint256\"}],\"name\":\"GroupStillOpen\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"Held\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidShortString\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"InvalidSignature\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint8\",\"name\":\"replicas\",\"type\":\"uint8\"},{\"internalType\":\"uint16\",\"name\":\"spotCheckBps\",\"type\":\"uint16\"}],\"name\":\"InvalidVerify\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"LeaseExists\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"members\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"given\",\"type\":\"uint256\"}],\"name\":\"MembersMismatch\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"}],\"name\":\"NotAwarded\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"earned\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"NotOverdrawn\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"}],\"name\":\"NotParty\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"}],\"name\":\"NotProvider\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"caller\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"}],\"name\":\"NotTenant\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"NothingToClaim\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"NothingToWithdraw\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"}],\"name\":\"OrderExpired\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"maxPricePerHour\",\"type\":\"uint256\"}],\"name\":\"PriceAboveMax\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"limit\",\"type\":\"uint256\"}],\"name\":\"PriceTooHigh\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"}],\"name\":\"ProviderInGroup\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ReentrancyGuardReentrantCall\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"until\",\"type\":\"uint256\"}],\"name\":\"RefereeWindowOpen\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"ReplicaNotEnded\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"token\",\"type\":\"address\"}],\"name\":\"SafeERC20FailedOperation\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"}],\"name\":\"StartDeadlineNotPassed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"}],\"name\":\"StartDeadlinePassed\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"string\",\"name\":\"str\",\"type\":\"string\"}],\"name\":\"StringTooLong\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"TermsMismatch\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"TransferOutOfGas\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"}],\"name\":\"UnknownGroup\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"UnknownLease\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"signer\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"}],\"name\":\"WrongSigner\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"internalType\":\"enumEscrow.State\",\"name\":\"state\",\"type\":\"uint8\"}],\"name\":\"WrongState\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAddress\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroAmount\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroMaxDuration\",\"type\":\"error\"},{\"inputs\":[],\"name\":\"ZeroStartWindow\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Claimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"by\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"int32\",\"name\":\"exitCode\",\"type\":\"int32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"resultHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refunded\",\"type\":\"uint256\"}],\"name\":\"Closed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[],\"name\":\"EIP712DomainChanged\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"majority\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refunded\",\"type\":\"uint256\"}],\"name\":\"GroupSettled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"LeaseOpened\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"address\",\"name\":\"by\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"}],\"name\":\"Overdrawn\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"PaymentDeferred\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refunded\",\"type\":\"uint256\"}],\"name\":\"Reclaimed\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"bool\",\"name\":\"agreed\",\"type\":\"bool\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"paid\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refunded\",\"type\":\"uint256\"}],\"name\":\"ReplicaSettled\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"int32\",\"name\":\"exitCode\",\"type\":\"int32\"},{\"indexed\":false,\"internalType\":\"bytes32\",\"name\":\"resultDigest\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"held\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"refunded\",\"type\":\"uint256\"}],\"name\":\"Reported\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint64\",\"name\":\"startedAt\",\"type\":\"uint64\"}],\"name\":\"Started\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"ToppedUp\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"Withdrawn\",\"type\":\"event\"},{\"inputs\":[],\"name\":\"AWARD_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"BID_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_DEPOSIT\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_OPENS\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MAX_PRICE_PER_HOUR\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"MIN_DURATION\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"ORDER_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"VERIFY_TYPEHASH\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"accrued\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"earned\",\"type\":\"uint256\"},{\"internalType\":\"bool\",\"name\":\"overdrawn\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"}],\"name\":\"claim\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"internalType\":\"int32\",\"name\":\"exitCode\",\"type\":\"int32\"},{\"internalType\":\"bytes32\",\"name\":\"resultHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"endedAt\",\"type\":\"uint64\"}],\"name\":\"close\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"closeOverdrawn\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"domainSeparator\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"eip712Domain\",\"outputs\":[{\"internalType\":\"bytes1\",\"name\":\"fields\",\"type\":\"bytes1\"},{\"internalType\":\"string\",\"name\":\"name\",\"type\":\"string\"},{\"internalType\":\"string\",\"name\":\"version\",\"type\":\"string\"},{\"internalType\":\"uint256\",\"name\":\"chainId\",\"type\":\"uint256\"},{\"internalType\":\"address\",\"name\":\"verifyingContract\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"salt\",\"type\":\"bytes32\"},{\"internalType\":\"uint256[]\",\"name\":\"extensions\",\"type\":\"uint256[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"}],\"name\":\"getGroup\",\"outputs\":[{\"components\":[{\"internalType\":\"uint8\",\"name\":\"maxReplicas\",\"type\":\"uint8\"},{\"internalType\":\"uint8\",\"name\":\"opens\",\"type\":\"uint8\"},{\"internalType\":\"bool\",\"name\":\"referee\",\"type\":\"bool\"},{\"internalType\":\"bool\",\"name\":\"settled\",\"type\":\"bool\"},{\"internalType\":\"uint40\",\"name\":\"expiry\",\"type\":\"uint40\"}],\"internalType\":\"structEscrow.Group\",\"name\":\"group\",\"type\":\"tuple\"},{\"internalType\":\"uint256\",\"name\":\"active\",\"type\":\"uint256\"},{\"internalType\":\"bytes32[]\",\"name\":\"members\",\"type\":\"bytes32[]\"},{\"internalType\":\"bytes32[]\",\"name\":\"digests\",\"type\":\"bytes32[]\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"name\":\"getLease\",\"outputs\":[{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"termsHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint96\",\"name\":\"deposit\",\"type\":\"uint96\"},{\"internalType\":\"uint96\",\"name\":\"paid\",\"type\":\"uint96\"},{\"internalType\":\"uint40\",\"name\":\"since\",\"type\":\"uint40\"},{\"internalType\":\"enumEscrow.State\",\"name\":\"state\",\"type\":\"uint8\"},{\"internalType\":\"bool\",\"name\":\"held\",\"type\":\"bool\"}],\"internalType\":\"structEscrow.Lease\",\"name\":\"\",\"type\":\"tuple\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"peerIdHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"offerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Bid\",\"name\":\"bid\",\"type\":\"tuple\"}],\"name\":\"hashBid\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"auctioneerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"maxPricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"bidDeadline\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"requirementsHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"jobHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint8\",\"name\":\"replicas\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"pathsHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint16\",\"name\":\"spotCheckBps\",\"type\":\"uint16\"}],\"internalType\":\"structEscrow.Order\",\"name\":\"order\",\"type\":\"tuple\"}],\"name\":\"hashOrder\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"hashTerms\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"\",\"type\":\"bytes32\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"name\":\"minimumDeposit\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"pure\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"auctioneerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"maxPricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"bidDeadline\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"requirementsHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"jobHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint8\",\"name\":\"replicas\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"pathsHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint16\",\"name\":\"spotCheckBps\",\"type\":\"uint16\"}],\"internalType\":\"structEscrow.Order\",\"name\":\"order\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"peerIdHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"offerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Bid\",\"name\":\"bid\",\"type\":\"tuple\"},{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"deadline\",\"type\":\"uint64\"},{\"internalType\":\"bytes\",\"name\":\"awardSig\",\"type\":\"bytes\"},{\"components\":[{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"deadline\",\"type\":\"uint256\"},{\"internalType\":\"uint8\",\"name\":\"v\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"r\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"s\",\"type\":\"bytes32\"}],\"internalType\":\"structEscrow.Permit\",\"name\":\"permit\",\"type\":\"tuple\"}],\"name\":\"openAwarded\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"auctioneerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"maxPricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"bidDeadline\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"},{\"internalType\":\"bytes32\",\"name\":\"requirementsHash\",\"type\":\"bytes32\"},{\"internalType\":\"bytes32\",\"name\":\"jobHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint8\",\"name\":\"replicas\",\"type\":\"uint8\"},{\"internalType\":\"bytes32\",\"name\":\"pathsHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint16\",\"name\":\"spotCheckBps\",\"type\":\"uint16\"}],\"internalType\":\"structEscrow.Order\",\"name\":\"order\",\"type\":\"tuple\"},{\"components\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"bytes32\",\"name\":\"peerIdHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"bytes32\",\"name\":\"offerHash\",\"type\":\"bytes32\"},{\"internalType\":\"uint64\",\"name\":\"expiry\",\"type\":\"uint64\"},{\"internalType\":\"uint64\",\"name\":\"nonce\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Bid\",\"name\":\"bid\",\"type\":\"tuple\"},{\"internalType\":\"bytes\",\"name\":\"providerSig\",\"type\":\"bytes\"},{\"internalType\":\"uint256\",\"name\":\"deposit\",\"type\":\"uint256\"}],\"name\":\"openLease\",\"outputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"owed\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"reclaim\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"orderHash\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms[]\",\"name\":\"terms\",\"type\":\"tuple[]\"}],\"name\":\"settle\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"start\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"startWindow\",\"outputs\":[{\"internalType\":\"uint64\",\"name\":\"\",\"type\":\"uint64\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"token\",\"outputs\":[{\"internalType\":\"contractIERC20\",\"name\":\"\",\"type\":\"address\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"topUp\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bytes32\",\"name\":\"leaseId\",\"type\":\"bytes32\"},{\"components\":[{\"internalType\":\"address\",\"name\":\"tenant\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"provider\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"pricePerHour\",\"type\":\"uint256\"},{\"internalType\":\"uint64\",\"name\":\"maxDuration\",\"type\":\"uint64\"}],\"internalType\":\"structEscrow.Terms\",\"name\":\"terms\",\"type\":\"tuple\"}],\"name\":\"withdraw\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "Escrow",
	Bin: "0x6101a08060405234610209576040816158b78038038091610020828561020d565b8339810103126102095780516001600160a01b038116918282036102095760200151916001600160401b038316908184036102095760405161006360408261020d565b600681526020810190652a32b73232b960d11b82526040519161008760408461020d565b600183526020830191603160f81b83526100a081610244565b610120526100ad84610244565b61014052519020918260e05251902080610100524660a0526040519060208201927f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f8452604083015260608201524660808201523060a082015260a0815261011660c08261020d565b5190206080523060c052156101fa57156101eb57610160526101805260405161560790816102b0823960805181615410015260a051816154c7015260c051816153e1015260e0518161545f015261010051816154850152610120518161295801526101405181612981015261016051818181610189015281816109e3015281816124e5015281816132690152818161388301528181613c590152614ecf015261018051818181610279015281816106600152818161197e01528181611df101528181611f8f0152818161528701526153060152f35b63bf07bf8960e01b5f5260045ffd5b63d92e233d60e01b5f5260045ffd5b5f80fd5b601f909101601f19168101906001600160401b0382119082101761023057604052565b634e487b7160e01b5f52604160045260245ffd5b601f81511161026f576020815191015160208210610260571790565b5f198260200360031b1b161790565b604460209160405192839163305a27a960e01b83528160048401528051918291826024860152018484015e5f828201840152601f01601f19168101030190fdfe6101006040526004361015610012575f80fd5b5f60e0525f3560e01c806307a6d8871461348457806316f6ce6b14613467578063176ffa61146133c95780631e83409a146131de578063280921d5146131145780632d54ad3014612f8457806348c3978314612df957806351bb9b1e14612dbd57806373cd7c8314612afd5780637780f7a914612ad15780637bfb645614612a5c57806384b0196e1461293e5780638dfda56614612690578063a10c76aa146121d8578063a78a510e14611f22578063ada54cb4146111a0578063b18ff35d14611164578063b567d4ba14610fe8578063b6a6d17714610fcb578063cb6535b514610f8f578063cc678a1614610684578063d4c274991461063e578063d96f7337146105af578063dd5967c314610587578063df18e0471461054b578063e64699ff14610524578063efb43f3d14610213578063f698da25146101ef578063f973a209146101b35763fc0c546a14610168575f80fd5b346101ad5760e0516003193601126101ad5760206040516001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000168152f35b60e05180fd5b346101ad5760e0516003193601126101ad5760206040517f451a5cc1373ab5f3043798ce24b42abd3a5983d6fc9efffa6851be1e3c1fba1a8152f35b346101ad5760e0516003193601126101ad57602061020b6153d7565b604051908152f35b346101ad5761022136613e4c565b602061022d8284614ce4565b91016001600160a01b0361024082613f26565b1633036104df5750606081018051600781101561043b575f190161049b575061029f64ffffffffff60408301511667ffffffffffffffff7f000000000000000000000000000000000000000000000000000000000000000016906145a7565b80421161046c57506bffffffffffffffffffffffff8151169060806bffffffffffffffffffffffff6020830151169101511515604051926102df84613f83565b835260208301918252604083019064ffffffffff421682526060840160028152608085019182528560e0515260036020526bffffffffffffffffffffffff604060e051209551167cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008754965160601b16945160c01b16915193600785101561043b577fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff927fffffff000000000000000000000000000000000000000000000000000000000060ff60f01b60ff60e81b9760e0515051151560f01b16981617161716179160e81b16171790557fb4110a29130e96faab658703bb9aaf7dc353fccb25e8dfcf1d330b13bd534152602060405167ffffffffffffffff42168152a260e05180f35b7f4e487b710000000000000000000000000000000000000000000000000000000060e051526021600452602460e051fd5b7fceb1c17d0000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b905051600781101561043b576104d8917f2b3263b30000000000000000000000000000000000000000000000000000000060e05152600452613e3e565b604460e051fd5b6104f06001600160a01b0391613f26565b7f344b09040000000000000000000000000000000000000000000000000000000060e051523360045216602452604460e051fd5b346101ad57604061053d61053736613e4c565b90614681565b825191825215156020820152f35b346101ad5760206003193601126101ad576001600160a01b0361056c613e28565b1660e0515260086020526020604060e0512054604051908152f35b346101ad5760e0516003193601126101ad5760206040516bffffffffffffffffffffffff8152f35b346101ad5760406003193601126101ad5760043560243567ffffffffffffffff811681036101ad576fffffffffffffffffffffffffffffffff82116105fa5761020b90602092615389565b507f87ebe85d0000000000000000000000000000000000000000000000000000000060e051526004526fffffffffffffffffffffffffffffffff602452604460e051fd5b346101ad5760e0516003193601126101ad57602060405167ffffffffffffffff7f0000000000000000000000000000000000000000000000000000000000000000168152f35b346101ad5760031936016102a081126101ad57610180136101ad5760e07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe7c3601126101ad576102643567ffffffffffffffff81116101ad576106ea903690600401613dfa565b906106f36146dc565b6001600160a01b03610703613efa565b163303610f4b5761072261071961028435614765565b93909283614c3f565b50600481101561043b57610f1f576001600160a01b0380610741613ee3565b169116908103610eda57506004356001600160a01b03811690036101ad576101243560ff811692908381036101ad57831593841594610ebe575b84610a61575b50506101a4356001600160a01b03811690036101ad5760643567ffffffffffffffff811690036101ad57604080516001600160a01b036004358116602083019081526101a43591909116928201929092526101e435606082015267ffffffffffffffff6064351660808201526108048160a081015b03601f198101835282613f9f565b5190208260e051526002602052604060e051205560405161082481613f83565b610284356bffffffffffffffffffffffff16815260e051602082019081524264ffffffffff166040830190815294606083019060018252151560808401528460e051526003602052604060e05120926bffffffffffffffffffffffff815116917cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008654955160601b16985160c01b16905192600784101561043b576020987fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff927fffffff000000000000000000000000000000000000000000000000000000000060ff60f01b608060ff60e81b9860e051500151151560f01b16981617161716179160e81b161717905560e0515060e051506040519081526101e4358382015267ffffffffffffffff6064351660408201526102843560608201526001600160a01b036101a4351690827f262d2da2abcebac4d7a7c16f6ff9628392b6f2f7ed9f03d108343c566706afbf60806001600160a01b036004351693a4610a0761028435306004357f0000000000000000000000000000000000000000000000000000000000000000614fd7565b60e0517f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602160045260245ffd5b6101a4356001600160a01b038116928382036101ad576101643561ffff8116908181036101ad575060018414938480610eb5575b80610ea9575b8015610e85575b15610e535750508460e051526004602052604060e051209260405193610ac785613f83565b549260ff8416855260ff8460081c16906020860191808352604087019460ff8760101c1615158652606088019460ff8860181c1615159283875264ffffffffff60808b019960201c16895215610dfb575b5050610dcb5760408051602081018a81526001600160a01b0390931691810191909152610b4881606081016107f6565b519020958660e05152600760205260ff604060e051205416610d98575060ff8151166008811015610d65575060ff81511660ff865116811015610cfc575b508660e051526005602052604060e0512060ff82511660e0515260205287604060e051205560ff8151169260ff8414610ccb5760ff6001610c5495011682528760e05152600460205260ff604060e051209651167fffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00000062ff000061ff008954955160081b169351151560101b169316171717845551151583907fffffffffffffffffffffffffffffffffffffffffffffffffffffffff00ffffff63ff000000835492151560181b169116179055565b517fffffffffffffffffffffffffffffffffffffffffffffff0000000000ffffffff68ffffffffff0000000083549260201b16911617905560e051526007602052604060e0512060017fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff008254161790558380610781565b7f4e487b710000000000000000000000000000000000000000000000000000000060e051526011600452602460e051fd5b610d069088615093565b805160ff87511611610b8657610d1c8187615247565b15610d2c57506001835289610b86565b60ff88915116907f755b4e4e0000000000000000000000000000000000000000000000000000000060e05152600452602452604460e051fd5b877f755b4e4e0000000000000000000000000000000000000000000000000000000060e05152600452602452604460e051fd5b877f1031fd6e0000000000000000000000000000000000000000000000000000000060e05152600452602452604460e051fd5b877f07f7525a0000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b15610e4b575060ff60025b16875260a43567ffffffffffffffff81168082036101ad5764ffffffffff1015610e3d575064ffffffffff805b1686528b80610b18565b64ffffffffff908116610e33565b60ff90610e06565b7f86a8bcca0000000000000000000000000000000000000000000000000000000060e05152600452602452604460e051fd5b50600281148015610e9f575b8015610aa257508115610aa2565b5060038114610e91565b50612710821115610a9b565b50811515610a95565b93506101643561ffff8116908181036101ad575015159361077b565b6001600160a01b0390610eeb613ee3565b907f366d29f70000000000000000000000000000000000000000000000000000000060e0515260045216602452604460e051fd5b7f8baa579f0000000000000000000000000000000000000000000000000000000060e05152600460e051fd5b6001600160a01b03610f5b613efa565b7fe84f207a0000000000000000000000000000000000000000000000000000000060e051523360045216602452604460e051fd5b346101ad5760e0516003193601126101ad5760206040517f143eb5d45c33aa792eaa90923472f5096eafaae4c43153157fc8b2619c1edf808152f35b346101ad5760e0516003193601126101ad576020604051603c8152f35b346101ad5760206003193601126101ad576004356110046145b4565b508060e051526004602052604060e051206040519061102282613f83565b5460ff8116825260ff8160081c16926020830192848452604081019260ff8160101c1615158452611073606083019660ff8360181c161515885264ffffffffff608085019360201c16835284615093565b519061108260ff8751166145de565b9661109060ff8851166145de565b9560e0515b60ff8951168110156110fa576001908760e051526005602052604060e051208160e05152602052604060e05120546110cd828d61464c565b526110d8818c61464c565b5160e051526006602052604060e05120546110f3828b61464c565b5201611095565b508860ff959464ffffffffff611160958a95611152958a8e6040519c8d9c51168c52511660208b015251151560408a015251151560608901525116608087015260a086015261010060c0860152610100850190613eb0565b9083820360e0850152613eb0565b0390f35b346101ad5760e0516003193601126101ad5760206040517fb121ad925064f5b063bc32ba73d49133b8b71169a959d1e2027ae66b59635b5e8152f35b346101ad5760406003193601126101ad5760243560a05267ffffffffffffffff60a051116101ad5736602360a0510112156101ad5767ffffffffffffffff60a05160040135116101ad5736602460a0516004013560071b60a0510101116101ad576112096146dc565b60043560e051526004602052604060e051206040519061122882613f83565b5460ff8116825260ff8160081c1690602083019180835260ff8260101c1615156040850152606084019060ff8360181c161515825264ffffffffff608086019360201c16835215611ef05751611ebe5760043560e05152600560205260ff604060e05120925116928360a0516004013503611e7e5764ffffffffff8251164210611db0575b50506112c96112bb8361458f565b604051608052608051613f9f565b8160805152601f196112da8361458f565b0160e0515b818110611d975750506112f1826145de565b60e05160c081905292835b8181106118b8575060e05180805b838110806118b0575b156113ed5761133060606113298360805161464c565b5101613fdf565b600781101561043b576006036113675760e051805b85811061138c57508060011b9080820460021490151715610ccb578710611375575b61137090614660565b61130a565b80925061138391508461464c565b51600191611367565b61139d60606113298360805161464c565b600781101561043b57600614806113d0575b6113bc575b600101611345565b906113c8600191614660565b9190506113b4565b506113db818861464c565b516113e6848961464c565b51146113af565b5060e05180865b8582106115a757505060043560e051526004602052604060e0512063010000007fffffffffffffffffffffffffffffffffffffffffffffffffffffffff00ffffff8254161790556040519060e05150828252602082015260c05160408201527fa479e3c4e2d512f6f667dd5ff8e370fb1410daca8bafded9500de186d9f242a2606060043592a260e0515b8381106115075760a05160040135156114d6576114ab60c0516114a6602460a05101613f26565b614ec5565b60e0517f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d60e05180f35b7f4e487b710000000000000000000000000000000000000000000000000000000060e051526032600452602460e051fd5b61151860606113298360805161464c565b90600782101561043b57600660019214806115a0575b8061158d575b61153f575b0161147f565b611588611563602061155d8460a05160040135602460a0510161460f565b01613f26565b6bffffffffffffffffffffffff602061157e8560805161464c565b5101511690614ec5565b611539565b5082611599828861464c565b5114611534565b508361152e565b90916115b58360805161464c565b516060810151600781101561043b577ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa016118a6578580611893575b81516bffffffffffffffffffffffff16811561188b576bffffffffffffffffffffffff6020840151165b64ffffffffff6040850151166040519261163484613f83565b83526bffffffffffffffffffffffff602084019216825260408301908152606083019260038452600160808201528860e0515287602052604060e051205460e051526003602052604060e05120936bffffffffffffffffffffffff8251167cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008754965160601b16945160c01b16915193600785101561043b577fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff927fffffff000000000000000000000000000000000000000000000000000000000060ff60f01b608060ff60e81b9860e051500151151560f01b16981617161716179160e81b16171790558460e0515283602052604060e051205460e05150815f14611860577fc1c06b331e4d43fcc36e64acaf0acbc45d2dbbb1e194e6d6b252e420508ea28960606bffffffffffffffffffffffff6020860151165b8415611847576bffffffffffffffffffffffff60e0515b81604051938815158552166020840152166040820152a21561181d576001916bffffffffffffffffffffffff602061181493015116906145a7565b925b01906113f4565b9261183f6bffffffffffffffffffffffff60206001949601511660c0516145a7565b60c052611816565b6bffffffffffffffffffffffff806020880151166117d9565b7fc1c06b331e4d43fcc36e64acaf0acbc45d2dbbb1e194e6d6b252e420508ea289606060e0516117c2565b60e05161161b565b508461189f858a61464c565b51146115f1565b5091600190611816565b508215611313565b938460e0515283602052604060e05120546118e86118e28760a05160040135602460a0510161460f565b82614ce4565b806118f58860805161464c565b526119028760805161464c565b50606081018051600781101561043b5760060361194a5750506001916119429160e051526006602052604060e051205461193c888761464c565b52614660565b945b016112fc565b80979291939751600781101561043b57600103611b77575060408301926119a464ffffffffff85511667ffffffffffffffff7f000000000000000000000000000000000000000000000000000000000000000016906145a7565b421115611b475764ffffffffff6bffffffffffffffffffffffff82511694511690604051946119d286613f83565b8552602085019260e0518452604086019283526060860195600587526080810194600186528260e0515260036020526bffffffffffffffffffffffff604060e05120925116957cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008454935160601b16965160c01b16985190600782101561043b576001997fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6bffffffffffffffffffffffff987fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff611b3f9b7fffffff000000000000000000000000000000000000000000000000000000000060ff60f01b60ff60e81b9760e0515051151560f01b16981617161716179160e81b16171790557f4d3754632451ebba9812a9305e7bca17b67a17186a5cff93d2e9ae1b01e3d27b602084845116604051908152a2511660c0516145a7565b60c052611944565b507fb089fbf20000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b51600781101561043b57600214611b93575b5060019150611944565b611bb2611bac8360a05160040135602460a0510161460f565b846152e9565b15611d68576bffffffffffffffffffffffff8351169264ffffffffff6040820151169060405194611be286613f83565b8552602085019260e0518452604086019283526060860195600387526080810194600186528260e0515260036020526bffffffffffffffffffffffff604060e05120925116957cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008454935160601b16965160c01b16985190600782101561043b576001997fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6bffffffffffffffffffffffff987fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff611d5f9b7fffffff000000000000000000000000000000000000000000000000000000000060ff60f01b60ff60e81b9760e0515051151560f01b16981617161716179160e81b16171790557fc1c06b331e4d43fcc36e64acaf0acbc45d2dbbb1e194e6d6b252e420508ea2896060848451166040519060e051825260e05160208301526040820152a2511660c0516145a7565b60c05286611b89565b7fb089fbf20000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b602090611da26145b4565b8282608051010152016112df565b611dbc84600435615093565b91825160ff83511611611e46575081611dd491615247565b611dde57806112ad565b6060611e1791015167ffffffffffffffff7f000000000000000000000000000000000000000000000000000000000000000016906145a7565b7fa84fb9440000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b64ffffffffff9051167f7c483b730000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b837f312ea0870000000000000000000000000000000000000000000000000000000060e0515260043560045260245260a05160040135604452606460e051fd5b7f07f7525a0000000000000000000000000000000000000000000000000000000060e05152600435600452602460e051fd5b7f5d43e34e0000000000000000000000000000000000000000000000000000000060e05152600435600452602460e051fd5b346101ad57611f3036613e4c565b90611f396146dc565b611f438282614ce4565b906001600160a01b03611f5584613f26565b1633036121c757606082018051600781101561043b575f190161218c57506040820192611fb564ffffffffff85511667ffffffffffffffff7f000000000000000000000000000000000000000000000000000000000000000016906145a7565b8042111561215d575064ffffffffff6bffffffffffffffffffffffff84511694511690608084015115159260405195611fed87613f83565b8652602086019560e051875260408101938452606081019660058852608082019586528260e0515260036020526bffffffffffffffffffffffff604060e05120925116957cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008454935160601b16965160c01b16985190600782101561043b576114ab997fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff612154987fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6bffffffffffffffffffffffff9b7fffffff000000000000000000000000000000000000000000000000000000000060ff60f01b60ff60e81b9760e0515051151560f01b16981617161716179160e81b16171790557f4d3754632451ebba9812a9305e7bca17b67a17186a5cff93d2e9ae1b01e3d27b602085875116604051908152a2613f26565b91511690614ec5565b7fead842920000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b51600781101561043b576104d8917f2b3263b30000000000000000000000000000000000000000000000000000000060e05152600452613e3e565b6001600160a01b03610f5b84613f26565b346101ad5760c06003193601126101ad5760043560807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc3601126101ad5760a4356122216146dc565b6122296145b4565b508160e051526002602052604060e051205480156126605761224b6024614c73565b03612630578160e051526003602052604060e05120916040519261226e84613f83565b54926bffffffffffffffffffffffff8416815260208101906bffffffffffffffffffffffff8560601c168252604081019164ffffffffff8660c01c16835260608201916122c160ff8860e81c1684613fd3565b60ff608082019760f01c16151587526001600160a01b036122e0613f10565b163303612620578251600781101561043b57600114158061260b575b6125ce578251600781101561043b5760021461258d575b85156125615780516bffffffffffffffffffffffff9081168103908111610ccb578611612509576bffffffffffffffffffffffff61235a878264ffffffffff9451166145a7565b925116935116915195600787101561043b57511515926040519061237d82613f83565b6bffffffffffffffffffffffff8316825260208201908152604082019384526123aa606083019889613fd3565b608082019485528560e0515260036020526bffffffffffffffffffffffff604060e05120925116947cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008454935160601b16955160c01b16985190600782101561043b576114ab997fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6040977fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f2dec156b5ea8eee5b7a582c2e87253d7d59df096556b3ec99aa5d6cec44805249a7fffffff000000000000000000000000000000000000000000000000000000000060ff60f01b60ff60e81b9760e0515051151560f01b16981617161716179160e81b16171790558151908582526020820152a230337f0000000000000000000000000000000000000000000000000000000000000000614fd7565b856bffffffffffffffffffffffff6125229251166145a7565b7ff7b656700000000000000000000000000000000000000000000000000000000060e051526004526bffffffffffffffffffffffff602452604460e051fd5b7f1f2a20050000000000000000000000000000000000000000000000000000000060e05152600460e051fd5b6125974282614dda565b90501561231357847f2941e33e0000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b848351600781101561043b576104d8917f2b3263b30000000000000000000000000000000000000000000000000000000060e05152600452613e3e565b508251600781101561043b57600214156122fc565b6001600160a01b03610f5b613f10565b507f653404580000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b827ff46650840000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b346101ad5761269e36613e4c565b6126a66146dc565b6126b08183614ce4565b9160208201916001600160a01b036126c784613f26565b16330361292d57606084018051600781101561043b577ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0161049b575060808401516128fd5761271990429085614e52565b506127366bffffffffffffffffffffffff60208601511682613fec565b9283156128cd5764ffffffffff60406bffffffffffffffffffffffff87511696015116906040519561276787613f83565b86526bffffffffffffffffffffffff602087019316835260408601918252606086019360028552608087019660e05188528160e0515260036020526bffffffffffffffffffffffff604060e05120915116947cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008354925160601b16955160c01b169651600781101561043b5760ff60e81b610a07987fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6114a6987fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff8d9b60209f60ff60f01b7fffffff00000000000000000000000000000000000000000000000000000000009160e0515051151560f01b16981617161716179160e81b16171790557f6620f0849b3b96a180cce108df2fc1f0d6c68af3745da66e833b8c7c1600eddb87604051868152a2613f26565b827f7eff38ca0000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b507fa87c1a610000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b6001600160a01b036104f084613f26565b346101ad5760e0516003193601126101ad576129fc61297c7f000000000000000000000000000000000000000000000000000000000000000061557a565b6129a57f000000000000000000000000000000000000000000000000000000000000000061557a565b60405190602090612a0a906129ba8385613f9f565b60e05184525f3681376040519586957f0f00000000000000000000000000000000000000000000000000000000000000875260e08588015260e0870190613e8b565b908582036040870152613e8b565b46606085015230608085015260e05160a085015283810360c085015281808451928381520193019160e0515b828110612a4557505050500390f35b835185528695509381019392810192600101612a36565b346101ad576101006003193601126101ad5760807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc3601126101ad5760a4358060030b81036101ad5760e43567ffffffffffffffff811681036101ad576114ab91612ac56146dc565b60c43590600435614026565b346101ad5760e0516003193601126101ad5760206040516fffffffffffffffffffffffffffffffff8152f35b346101ad57612b0b36613e4c565b612b136146dc565b612b1d8183614ce4565b91606083018051600781101561043b577ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe0161218c57506080830151612d8e57612b68428385614e52565b15612d4857506bffffffffffffffffffffffff8351169164ffffffffff60408501511691604051612b9881613f83565b8481526020810194855260408101938452606081019460048652608082019560e05187528360e0515260036020526bffffffffffffffffffffffff604060e05120935116967cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008554945160601b16975160c01b16915191600783101561043b577fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6020987fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff612d029b7fffffff000000000000000000000000000000000000000000000000000000000060ff60f01b60ff60e81b9760e0515051151560f01b16981617161716179160e81b16171790557f268fdd89edcf7dfe8b61d144b0076faaa894153b9af2a543ea9b0be173749f5e60406bffffffffffffffffffffffff87511681519033825286820152a201613f26565b906bffffffffffffffffffffffff602081835116920151169003906bffffffffffffffffffffffff8211610ccb576bffffffffffffffffffffffff6114ab921690614ec5565b6bffffffffffffffffffffffff845116917f752f58f60000000000000000000000000000000000000000000000000000000060e05152600452602452604452606460e051fd5b7fa87c1a610000000000000000000000000000000000000000000000000000000060e05152600452602460e051fd5b346101ad5760e0516003193601126101ad5760206040517fdeb082ae5821a65e6bb0ca3c133fd8559f6bdb41bfe63d0812d273c6936203a98152f35b346101ad576101806003193601126101ad576101243560ff8116908181036101ad57506101643561ffff8116908181036101ad57506040519060208201927f143eb5d45c33aa792eaa90923472f5096eafaae4c43153157fc8b2619c1edf8084526040830152610144356060830152608082015260808152612e7c60a082613f9f565b5190206004356001600160a01b03811691908281036101ad575060643567ffffffffffffffff811692908381036101ad575060843567ffffffffffffffff811693908481036101ad575060a43567ffffffffffffffff811693908481036101ad575060c4359367ffffffffffffffff8516908186036101ad5760209661020b965060405194888601967f451a5cc1373ab5f3043798ce24b42abd3a5983d6fc9efffa6851be1e3c1fba1a885260408701526024356060870152604435608087015260a086015260c085015260e084015261010083015260e435610120830152610104356101408301526101608201526101608152612f7c61018082613f9f565b519020614bfe565b346101ad5760206003193601126101ad57600435604051612fa481613f3a565b60e051815260e051602082015260e051604082015260e051606082015260e051608082015260a060e0519101528060e051526003602052604060e0512060405190612fee82613f83565b546bffffffffffffffffffffffff8116825260208201926bffffffffffffffffffffffff8260601c168452604083019064ffffffffff8360c01c168252606084019061304060ff8560e81c1683613fd3565b60ff608086019460f01c161515845260e05152600260205264ffffffffff6bffffffffffffffffffffffff80604060e0512054965116965116925116905192600784101561043b5764ffffffffff926bffffffffffffffffffffffff809251151597604051976130af89613f3a565b88526020880190815260408801928352606088019485526130d4608089019788613fd3565b60a08801988952604051975188525116602087015251166040850152511660608301525191600783101561043b5760c092608083015251151560a0820152f35b346101ad5760e06003193601126101ad57604080517fdeb082ae5821a65e6bb0ca3c133fd8559f6bdb41bfe63d0812d273c6936203a96020820190815260043592820192909252906024356001600160a01b038116908190036101ad576060830152604435608083015260643560a083015260843560c083015260a43567ffffffffffffffff8116908190036101ad5760e083015260c43567ffffffffffffffff811691908290036101ad578261020b9261010060209501526101008152612f7c61012082613f9f565b346101ad5760206003193601126101ad576001600160a01b036131ff613e28565b6132076146dc565b16801561339d573360e051526008602052604060e0512054908115613371573360e05152600860205260e051604060e0512055806040518381527ff7a40077ff7a04c7e61f6f26fb13774259ddf1b6bce9ecf26a8276cdd399268360203392a37f00000000000000000000000000000000000000000000000000000000000000009060e05150604051907fa9059cbb0000000000000000000000000000000000000000000000000000000060e0515260045282602452602060e051604460e05160e051865af190600160e051511482161561334e575b604052156133155760208260e0517f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b6001600160a01b03907f5274afe70000000000000000000000000000000000000000000000000000000060e0515216600452602460e051fd5b90600181151661336657823b15153d151616906132dd565b503d60e051823e3d90fd5b7f969bf7280000000000000000000000000000000000000000000000000000000060e05152600460e051fd5b7fd92e233d0000000000000000000000000000000000000000000000000000000060e05152600460e051fd5b346101ad5760806003193601126101ad576004356001600160a01b03811681036101ad576024356001600160a01b03811681036101ad5760643567ffffffffffffffff811681036101ad57604080516001600160a01b0394851660208281019182529590941691810191909152604435606082015267ffffffffffffffff909116608082015261345c8160a081016107f6565b519020604051908152f35b346101ad5760e0516003193601126101ad57602060405160088152f35b34613d0c5760031936016103608112613d0c5761018013613d0c5760e07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffe7c360112613d0c576102843567ffffffffffffffff8116809103613d0c576102a43567ffffffffffffffff8111613d0c57613500903690600401613dfa565b9060a07ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffd3c360112613d0c576135336146dc565b6001600160a01b03613543613ee3565b163303613da557824211613d79576135b792916135bc9161356661026435614765565b95909460405160208101917fb121ad925064f5b063bc32ba73d49133b8b71169a959d1e2027ae66b59635b5e8352876040830152610264356060830152608082015260808152612f7c60a082613f9f565b614c3f565b506004811015610a3457613d51576001600160a01b03806135db613efa565b169116908103613d105760ff6135ef613fc2565b16613c4f575b506004356001600160a01b03811690036101ad576101243560ff811692908381036101ad57831593841594613c33575b84613908575b50506101a4356001600160a01b03811690036101ad5760643567ffffffffffffffff811690036101ad57604080516001600160a01b036004358116602083019081526101a43591909116928201929092526101e435606082015267ffffffffffffffff6064351660808201526136a48160a081016107f6565b5190208260e051526002602052604060e05120556040516136c481613f83565b610264356bffffffffffffffffffffffff16815260e051602082019081524264ffffffffff166040830190815294606083019060028252151560808401528460e051526003602052604060e05120926bffffffffffffffffffffffff815116917cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008654955160601b16985160c01b16905192600784101561043b576020987fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff927fffffff000000000000000000000000000000000000000000000000000000000060ff60f01b608060ff60e81b9860e051500151151560f01b16981617161716179160e81b161717905560e0515060e051506040519081526101e4358382015267ffffffffffffffff6064351660408201526102643560608201526001600160a01b036101a4351690827f262d2da2abcebac4d7a7c16f6ff9628392b6f2f7ed9f03d108343c566706afbf60806001600160a01b036004351693a46138a761026435306004357f0000000000000000000000000000000000000000000000000000000000000000614fd7565b807fb4110a29130e96faab658703bb9aaf7dc353fccb25e8dfcf1d330b13bd5341528360405167ffffffffffffffff42168152a260e0517f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d604051908152f35b6101a4356001600160a01b038116928382036101ad576101643561ffff8116908181036101ad575060018414938480613c2a575b80613c1e575b8015613bfa575b15610e535750508460e051526004602052604060e05120926040519361396e85613f83565b549260ff8416855260ff8460081c16906020860191808352604087019460ff8760101c1615158652606088019460ff8860181c1615159283875264ffffffffff60808b019960201c16895215613ba2575b5050610dcb5760408051602081018a81526001600160a01b03909316918101919091526139ef81606081016107f6565b519020958660e05152600760205260ff604060e051205416610d98575060ff8151166008811015610d65575060ff81511660ff865116811015613b72575b508660e051526005602052604060e0512060ff82511660e0515260205287604060e051205560ff8151169260ff8414610ccb5760ff6001613afb95011682528760e05152600460205260ff604060e051209651167fffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00000062ff000061ff008954955160081b169351151560101b169316171717845551151583907fffffffffffffffffffffffffffffffffffffffffffffffffffffffff00ffffff63ff000000835492151560181b169116179055565b517fffffffffffffffffffffffffffffffffffffffffffffff0000000000ffffffff68ffffffffff0000000083549260201b16911617905560e051526007602052604060e0512060017fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00825416179055838061362b565b613b7c9088615093565b805160ff87511611613a2d57613b928187615247565b15610d2c57506001835289613a2d565b15613bf2575060ff60025b16875260a43567ffffffffffffffff81168082036101ad5764ffffffffff1015613be4575064ffffffffff805b1686528b806139bf565b64ffffffffff908116613bda565b60ff90613bad565b50600281148015613c14575b801561394957508115613949565b5060038114613c06565b50612710821115613942565b5081151561393c565b93506101643561ffff8116908181036101ad5750151593613625565b6001600160a01b037f00000000000000000000000000000000000000000000000000000000000000001690613c82613fc2565b823b15613d0c5760e45f928360ff9560405196879586947fd505accf00000000000000000000000000000000000000000000000000000000865260048601523060248601526102c43560448601526102e43560648601521660848401526103243560a48401526103443560c48401525af1156135f5575f613d0291613f9f565b5f60e052826135f5565b5f80fd5b6001600160a01b0390613d21613efa565b907fac2e2956000000000000000000000000000000000000000000000000000000005f526004521660245260445ffd5b7f8baa579f000000000000000000000000000000000000000000000000000000005f5260045ffd5b827f021010e3000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b6001600160a01b03613db5613ee3565b7f344b0904000000000000000000000000000000000000000000000000000000005f52336004521660245260445ffd5b359067ffffffffffffffff82168203613d0c57565b9181601f84011215613d0c5782359167ffffffffffffffff8311613d0c5760208381860195010111613d0c57565b600435906001600160a01b0382168203613d0c57565b6007811015610a3457602452565b9060a0600319830112613d0c5760807fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffdc600435930112613d0c57602490565b90601f19601f602080948051918291828752018686015e5f8582860101520116010190565b90602080835192838152019201905f5b818110613ecd5750505090565b8251845260209384019390920191600101613ec0565b6101a4356001600160a01b0381168103613d0c5790565b6004356001600160a01b0381168103613d0c5790565b6024356001600160a01b0381168103613d0c5790565b356001600160a01b0381168103613d0c5790565b60c0810190811067ffffffffffffffff821117613f5657604052565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b60a0810190811067ffffffffffffffff821117613f5657604052565b90601f601f19910116810190811067ffffffffffffffff821117613f5657604052565b6103043560ff81168103613d0c5790565b6007821015610a345752565b516007811015610a345790565b91908203918211613ff957565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b909192614034602483614ce4565b90604435926001600160a01b03841695868514159687613d0c57331496871580614570575b614544575f606086019182516007811015610a34576002036144ee575050614092425f958a806144db575b6144a8575b50602487614e52565b5096876bffffffffffffffffffffffff6020880151168091106144a0575b505b6140cb886bffffffffffffffffffffffff885116613fec565b98608087019283516142b8575b50506bffffffffffffffffffffffff8651169264ffffffffff60408801511692511515936040519061410982613f83565b8152602081016bffffffffffffffffffffffff8b16815260408201948552606082016003815260808301968752875f5260036020526bffffffffffffffffffffffff60405f20935116967cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008554945160601b16975160c01b169151916007831015610a34577fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff60a0987fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f69983c8c620daebe9e27d249dfb387ba279b8f229aa520a596431c9b0bb7efa89b7fffffff000000000000000000000000000000000000000000000000000000000060ff60f01b60ff60e81b9751151560f01b16981617161716179160e81b16171790556040519133835260030b60208301526040820152876060820152886080820152a2613d0c57614299926bffffffffffffffffffffffff60206142939301511690613fec565b90614ec5565b602435906001600160a01b0382168203613d0c576142b691614ec5565b565b516007811015610a34576002149081614493575b506142d8575f806140d8565b935050935093916bffffffffffffffffffffffff90511691604051926142fd84613f83565b835260208301936bffffffffffffffffffffffff82168552604084019364ffffffffff42168552606081019560068752608082019660018852885f5260036020526bffffffffffffffffffffffff60405f20935116977cffffffffff00000000000000000000000000000000000000000000000077ffffffffffffffffffffffff0000000000000000000000008554945160601b16985160c01b169151916007831015610a34577fff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff6080997fffff00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f272d705a70ab92f7c904e21ea5a24d26af03d03be0c7712f0bd509a63a0c5b479c7fffffff000000000000000000000000000000000000000000000000000000000060ff60f01b60ff60e81b9751151560f01b16981617161716179160e81b1617179055855f5260066020528060405f20556040519260030b835260208301526040820152846060820152a2602435906001600160a01b0382168203613d0c576142b691614ec5565b905085613d0c575f6142cc565b97505f6140b0565b67ffffffffffffffff915064ffffffffff6040890151169081838216105f146144d457505b165f614089565b90506144cd565b504267ffffffffffffffff821610614084565b94509681516007811015610a34575f1901156140b2578382516007811015610a345761453f917f2b3263b3000000000000000000000000000000000000000000000000000000005f52600452613e3e565b60445ffd5b7f20b9b340000000000000000000000000000000000000000000000000000000005f523360045260245ffd5b506024356001600160a01b03811690818103613d0c5750331415614059565b67ffffffffffffffff8111613f565760051b60200190565b91908201809211613ff957565b604051906145c182613f83565b5f6080838281528260208201528260408201528260608201520152565b906145e88261458f565b6145f56040519182613f9f565b828152601f19614605829461458f565b0190602036910137565b919081101561461f5760071b0190565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52603260045260245ffd5b805182101561461f5760209160051b010190565b5f198114613ff95760010190565b81810292918115918404141715613ff957565b8161468e91939293614ce4565b606081019283516007811015610a34576002146146cb5750602001519151916bffffffffffffffffffffffff166007831015610a34579160041490565b6146d89293504291614e52565b9091565b7f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005c6147285760017f9b779b17422d0df92223018b32b4d1fa46e071723d6817e2486d003becc55f005d565b7f3ee5aeb5000000000000000000000000000000000000000000000000000000005f5260045ffd5b3567ffffffffffffffff81168103613d0c5790565b60a43567ffffffffffffffff811690818103613d0c5781421015614bd25750506102243567ffffffffffffffff811690818103613d0c5781421015614ba65750506101e435604435808211614b7757506fffffffffffffffffffffffffffffffff8111614b385760643567ffffffffffffffff8116808203613d0c5715614b10576147ef91615389565b808210614ae157506bffffffffffffffffffffffff8111614aa657506004906101243560ff81168103613d0c576101608301359061ffff82168203613d0c5760207f451a5cc1373ab5f3043798ce24b42abd3a5983d6fc9efffa6851be1e3c1fba1a9183614969945061ffff6040519160ff858401947f143eb5d45c33aa792eaa90923472f5096eafaae4c43153157fc8b2619c1edf8086521660408401526101408901356060840152166080820152608081526148ae60a082613f9f565b51902067ffffffffffffffff6148c387613f26565b8188816148d260608301614750565b816148df60808501614750565b9160406148ee60a08701614750565b956001600160a01b0361490360c08301614750565b9983519d8e019e8f5216828d0152602081013560608d0152013560808b01521660a08901521660c08701521660e08501521661010083015260e08601356101208301526101008601356101408301526101608201526101608152612f7c61018082613f9f565b908161018435818103614a7957505060405160208101610184916101008201927fdeb082ae5821a65e6bb0ca3c133fd8559f6bdb41bfe63d0812d273c6936203a98352803560208401526020810135906001600160a01b0382168203613d0c57614a399467ffffffffffffffff614a2560c086946001600160a01b03612f7c971660408a0152604081013560608a0152606081013560808a0152608081013560a08a015283614a1a60a08301613de5565b16828a015201613de5565b1660e086015203601f198101835282613f9f565b92835f52600260205260405f2054614a4e5750565b83907f98090ea5000000000000000000000000000000000000000000000000000000005f525260245ffd5b847f19ee41e4000000000000000000000000000000000000000000000000000000005f525260245260445ffd5b7ff7b65670000000000000000000000000000000000000000000000000000000005f526004526bffffffffffffffffffffffff60245260445ffd5b907f4a77f2fa000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b7fa75e7434000000000000000000000000000000000000000000000000000000005f5260045ffd5b7f87ebe85d000000000000000000000000000000000000000000000000000000005f526004526fffffffffffffffffffffffffffffffff60245260445ffd5b907f8b8675a5000000000000000000000000000000000000000000000000000000005f5260045260245260445ffd5b507fbefd989c000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b507fbd5c334e000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b604290614c096153d7565b90604051917f19010000000000000000000000000000000000000000000000000000000000008352600283015260228201522090565b9060418303614c6957614c629250602081013591604082359201355f1a906154ed565b9192909190565b50505f9160029190565b614c7c81613f26565b614cde614c8b60208401613f26565b6107f6614c9a60608601614750565b6040519485936040602086019801359188929367ffffffffffffffff9195946001600160a01b03606094816080880199168752166020860152604085015216910152565b51902090565b90614ced6145b4565b50815f52600260205260405f2054908115614dae57614d0b90614c73565b03614d83575f52600360205260405f2060ff60405191614d2a83613f83565b546bffffffffffffffffffffffff811683526bffffffffffffffffffffffff8160601c16602084015264ffffffffff8160c01c166040840152614d75828260e81c1660608501613fd3565b60f01c161515608082015290565b7f65340458000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b827ff4665084000000000000000000000000000000000000000000000000000000005f5260045260245ffd5b90614df19064ffffffffff60408401511690613fec565b60843567ffffffffffffffff811690818103613d0c576bffffffffffffffffffffffff92610e1092614e2f92818311614e48575b505060643561466e565b0491511680821015614e415750905f90565b9160019150565b5090505f80614e25565b91614e2f6bffffffffffffffffffffffff92614e7d610e109364ffffffffff60408801511690613fec565b906060810167ffffffffffffffff614e9482614750565b168311614ea6575b506040013561466e565b6040919250614ebd67ffffffffffffffff91614750565b169190614e9c565b908015614fd3575a7f0000000000000000000000000000000000000000000000000000000000000000926001600160a01b03604051917fa9059cbb000000000000000000000000000000000000000000000000000000005f521693846004528360245260205f60448180855af19060015f5114821615614fc6575b5090604052614fc157603f5a91041015614f995760207f8af6e30690e4b192e05dc42baa9776cefda6c432838616c7f4f036bbab44917e91835f526008825260405f20614f8e8282546145a7565b9055604051908152a2565b7f385c7a97000000000000000000000000000000000000000000000000000000005f5260045ffd5b505050565b3b15153d1516165f614f40565b5050565b9290916001600160a01b039081604051947f23b872dd000000000000000000000000000000000000000000000000000000005f52166004521660245260445260205f60648180865af19060015f5114821615615072575b6040525f6060521561503d5750565b6001600160a01b03907f5274afe7000000000000000000000000000000000000000000000000000000005f521660045260245ffd5b90600181151661508a57823b15153d1516169061502e565b503d5f823e3d90fd5b60405192916080840167ffffffffffffffff811185821017613f56576040525f845260208401935f8552604081015f815260608201905f825282965f955f5b8681106150e3575050505050505050565b815f52600560205260405f20815f5260205260405f2054805f52600360205260405f20906040519161511483613f83565b546bffffffffffffffffffffffff811683526bffffffffffffffffffffffff8160601c166020840152604083019264ffffffffff8260c01c168452608060ff6060830193615167828260e81c1686613fd3565b60f01c16151591015280516007811015610a34576001148015615233575b156151a35750505060019061519a8751614660565b87525b016150d2565b516007811015610a34576006146151bf575b505060019061519d565b6151cc889a929a51614660565b88525f52600660205260405f2054908451155f1461521857509064ffffffffff600192995b6151fb8651614660565b8652511686518111615210575b8192506151b5565b86525f615208565b9864ffffffffff908a6001949303156151f1578387526151f1565b5080516007811015610a3457600214615185565b90600260ff8351161491826152dc575b50816152d0575b816152c1575b816152b3575b81615273575090565b6152ad91506060015167ffffffffffffffff7f000000000000000000000000000000000000000000000000000000000000000016906145a7565b42111590565b60408101511515915061526a565b60208101516002149150615264565b8051600214915061525e565b604001511591505f615257565b90604082019064ffffffffff82511661532d67ffffffffffffffff7f00000000000000000000000000000000000000000000000000000000000000001680926145a7565b42106153815764ffffffffff61534661534f9242613fec565b93511683613fec565b67ffffffffffffffff61536460608401614750565b1611156153795761537492614e52565b905090565b505050600190565b505050505f90565b6153b790610e1092603c67ffffffffffffffff8216105f146153c65767ffffffffffffffff905b169061466e565b04806153c35750600190565b90565b5067ffffffffffffffff603c6153b0565b6001600160a01b037f0000000000000000000000000000000000000000000000000000000000000000163014806154c4575b15615432577f000000000000000000000000000000000000000000000000000000000000000090565b60405160208101907f8b73c3c69bb8fe3d512ecc4cf759cc79239f7b179b0ffacaa9a75d522b39400f82527f000000000000000000000000000000000000000000000000000000000000000060408201527f000000000000000000000000000000000000000000000000000000000000000060608201524660808201523060a082015260a08152614cde60c082613f9f565b507f00000000000000000000000000000000000000000000000000000000000000004614615409565b91907f7fffffffffffffffffffffffffffffff5d576e7357a4501ddfe92f46681b20a0841161556f579160209360809260ff5f9560405194855216868401526040830152606082015282805260015afa15615564575f516001600160a01b0381161561555a57905f905f90565b505f906001905f90565b6040513d5f823e3d90fd5b5050505f9160039190565b60ff811690601f82116155a95760405191615596604084613f9f565b6020808452838101919036833783525290565b7fb3512b0c000000000000000000000000000000000000000000000000000000005f5260045ffdfea2646970667358221220821b7c194f0b501fcfac082b615e0a9a484f094747036f02073af95e97ddd32a64736f6c63430008250033",
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

// PackMAXOPENS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x16f6ce6b.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function MAX_OPENS() view returns(uint8)
func (escrow *Escrow) PackMAXOPENS() []byte {
	enc, err := escrow.abi.Pack("MAX_OPENS")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMAXOPENS is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x16f6ce6b.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function MAX_OPENS() view returns(uint8)
func (escrow *Escrow) TryPackMAXOPENS() ([]byte, error) {
	return escrow.abi.Pack("MAX_OPENS")
}

// UnpackMAXOPENS is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x16f6ce6b.
//
// Solidity: function MAX_OPENS() view returns(uint8)
func (escrow *Escrow) UnpackMAXOPENS(data []byte) (uint8, error) {
	out, err := escrow.abi.Unpack("MAX_OPENS", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
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

// PackVERIFYTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcb6535b5.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function VERIFY_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) PackVERIFYTYPEHASH() []byte {
	enc, err := escrow.abi.Pack("VERIFY_TYPEHASH")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackVERIFYTYPEHASH is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcb6535b5.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function VERIFY_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) TryPackVERIFYTYPEHASH() ([]byte, error) {
	return escrow.abi.Pack("VERIFY_TYPEHASH")
}

// UnpackVERIFYTYPEHASH is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xcb6535b5.
//
// Solidity: function VERIFY_TYPEHASH() view returns(bytes32)
func (escrow *Escrow) UnpackVERIFYTYPEHASH(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("VERIFY_TYPEHASH", data)
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

// PackGetGroup is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb567d4ba.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getGroup(bytes32 orderHash) view returns((uint8,uint8,bool,bool,uint40) group, uint256 active, bytes32[] members, bytes32[] digests)
func (escrow *Escrow) PackGetGroup(orderHash [32]byte) []byte {
	enc, err := escrow.abi.Pack("getGroup", orderHash)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackGetGroup is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xb567d4ba.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function getGroup(bytes32 orderHash) view returns((uint8,uint8,bool,bool,uint40) group, uint256 active, bytes32[] members, bytes32[] digests)
func (escrow *Escrow) TryPackGetGroup(orderHash [32]byte) ([]byte, error) {
	return escrow.abi.Pack("getGroup", orderHash)
}

// GetGroupOutput serves as a container for the return parameters of contract
// method GetGroup.
type GetGroupOutput struct {
	Group   EscrowGroup
	Active  *big.Int
	Members [][32]byte
	Digests [][32]byte
}

// UnpackGetGroup is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xb567d4ba.
//
// Solidity: function getGroup(bytes32 orderHash) view returns((uint8,uint8,bool,bool,uint40) group, uint256 active, bytes32[] members, bytes32[] digests)
func (escrow *Escrow) UnpackGetGroup(data []byte) (GetGroupOutput, error) {
	out, err := escrow.abi.Unpack("getGroup", data)
	outstruct := new(GetGroupOutput)
	if err != nil {
		return *outstruct, err
	}
	outstruct.Group = *abi.ConvertType(out[0], new(EscrowGroup)).(*EscrowGroup)
	outstruct.Active = abi.ConvertType(out[1], new(big.Int)).(*big.Int)
	outstruct.Members = *abi.ConvertType(out[2], new([][32]byte)).(*[][32]byte)
	outstruct.Digests = *abi.ConvertType(out[3], new([][32]byte)).(*[][32]byte)
	return *outstruct, nil
}

// PackGetLease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x2d54ad30.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function getLease(bytes32 leaseId) view returns((bytes32,uint96,uint96,uint40,uint8,bool))
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
// Solidity: function getLease(bytes32 leaseId) view returns((bytes32,uint96,uint96,uint40,uint8,bool))
func (escrow *Escrow) TryPackGetLease(leaseId [32]byte) ([]byte, error) {
	return escrow.abi.Pack("getLease", leaseId)
}

// UnpackGetLease is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x2d54ad30.
//
// Solidity: function getLease(bytes32 leaseId) view returns((bytes32,uint96,uint96,uint40,uint8,bool))
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
// the contract method with ID 0x48c39783.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function hashOrder((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32,uint8,bytes32,uint16) order) view returns(bytes32)
func (escrow *Escrow) PackHashOrder(order EscrowOrder) []byte {
	enc, err := escrow.abi.Pack("hashOrder", order)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackHashOrder is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x48c39783.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function hashOrder((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32,uint8,bytes32,uint16) order) view returns(bytes32)
func (escrow *Escrow) TryPackHashOrder(order EscrowOrder) ([]byte, error) {
	return escrow.abi.Pack("hashOrder", order)
}

// UnpackHashOrder is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x48c39783.
//
// Solidity: function hashOrder((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32,uint8,bytes32,uint16) order) view returns(bytes32)
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
// the contract method with ID 0x07a6d887.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function openAwarded((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32,uint8,bytes32,uint16) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, uint256 deposit, uint64 deadline, bytes awardSig, (uint256,uint256,uint8,bytes32,bytes32) permit) returns(bytes32 leaseId)
func (escrow *Escrow) PackOpenAwarded(order EscrowOrder, bid EscrowBid, deposit *big.Int, deadline uint64, awardSig []byte, permit EscrowPermit) []byte {
	enc, err := escrow.abi.Pack("openAwarded", order, bid, deposit, deadline, awardSig, permit)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOpenAwarded is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x07a6d887.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function openAwarded((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32,uint8,bytes32,uint16) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, uint256 deposit, uint64 deadline, bytes awardSig, (uint256,uint256,uint8,bytes32,bytes32) permit) returns(bytes32 leaseId)
func (escrow *Escrow) TryPackOpenAwarded(order EscrowOrder, bid EscrowBid, deposit *big.Int, deadline uint64, awardSig []byte, permit EscrowPermit) ([]byte, error) {
	return escrow.abi.Pack("openAwarded", order, bid, deposit, deadline, awardSig, permit)
}

// UnpackOpenAwarded is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x07a6d887.
//
// Solidity: function openAwarded((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32,uint8,bytes32,uint16) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, uint256 deposit, uint64 deadline, bytes awardSig, (uint256,uint256,uint8,bytes32,bytes32) permit) returns(bytes32 leaseId)
func (escrow *Escrow) UnpackOpenAwarded(data []byte) ([32]byte, error) {
	out, err := escrow.abi.Unpack("openAwarded", data)
	if err != nil {
		return *new([32]byte), err
	}
	out0 := *abi.ConvertType(out[0], new([32]byte)).(*[32]byte)
	return out0, nil
}

// PackOpenLease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcc678a16.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function openLease((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32,uint8,bytes32,uint16) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, bytes providerSig, uint256 deposit) returns(bytes32 leaseId)
func (escrow *Escrow) PackOpenLease(order EscrowOrder, bid EscrowBid, providerSig []byte, deposit *big.Int) []byte {
	enc, err := escrow.abi.Pack("openLease", order, bid, providerSig, deposit)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackOpenLease is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xcc678a16.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function openLease((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32,uint8,bytes32,uint16) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, bytes providerSig, uint256 deposit) returns(bytes32 leaseId)
func (escrow *Escrow) TryPackOpenLease(order EscrowOrder, bid EscrowBid, providerSig []byte, deposit *big.Int) ([]byte, error) {
	return escrow.abi.Pack("openLease", order, bid, providerSig, deposit)
}

// UnpackOpenLease is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xcc678a16.
//
// Solidity: function openLease((address,bytes32,uint256,uint64,uint64,uint64,uint64,bytes32,bytes32,uint8,bytes32,uint16) order, (bytes32,address,bytes32,uint256,bytes32,uint64,uint64) bid, bytes providerSig, uint256 deposit) returns(bytes32 leaseId)
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

// PackSettle is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xada54cb4.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function settle(bytes32 orderHash, (address,address,uint256,uint64)[] terms) returns()
func (escrow *Escrow) PackSettle(orderHash [32]byte, terms []EscrowTerms) []byte {
	enc, err := escrow.abi.Pack("settle", orderHash, terms)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSettle is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xada54cb4.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function settle(bytes32 orderHash, (address,address,uint256,uint64)[] terms) returns()
func (escrow *Escrow) TryPackSettle(orderHash [32]byte, terms []EscrowTerms) ([]byte, error) {
	return escrow.abi.Pack("settle", orderHash, terms)
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

// EscrowGroupSettled represents a GroupSettled event raised by the Escrow contract.
type EscrowGroupSettled struct {
	OrderHash [32]byte
	Majority  [32]byte
	Paid      *big.Int
	Refunded  *big.Int
	Raw       *types.Log // Blockchain specific contextual infos
}

const EscrowGroupSettledEventName = "GroupSettled"

// ContractEventName returns the user-defined event name.
func (EscrowGroupSettled) ContractEventName() string {
	return EscrowGroupSettledEventName
}

// UnpackGroupSettledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event GroupSettled(bytes32 indexed orderHash, bytes32 majority, uint256 paid, uint256 refunded)
func (escrow *Escrow) UnpackGroupSettledEvent(log *types.Log) (*EscrowGroupSettled, error) {
	event := "GroupSettled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowGroupSettled)
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

// EscrowReplicaSettled represents a ReplicaSettled event raised by the Escrow contract.
type EscrowReplicaSettled struct {
	LeaseId  [32]byte
	Agreed   bool
	Paid     *big.Int
	Refunded *big.Int
	Raw      *types.Log // Blockchain specific contextual infos
}

const EscrowReplicaSettledEventName = "ReplicaSettled"

// ContractEventName returns the user-defined event name.
func (EscrowReplicaSettled) ContractEventName() string {
	return EscrowReplicaSettledEventName
}

// UnpackReplicaSettledEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event ReplicaSettled(bytes32 indexed leaseId, bool agreed, uint256 paid, uint256 refunded)
func (escrow *Escrow) UnpackReplicaSettledEvent(log *types.Log) (*EscrowReplicaSettled, error) {
	event := "ReplicaSettled"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowReplicaSettled)
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

// EscrowReported represents a Reported event raised by the Escrow contract.
type EscrowReported struct {
	LeaseId      [32]byte
	ExitCode     int32
	ResultDigest [32]byte
	Held         *big.Int
	Refunded     *big.Int
	Raw          *types.Log // Blockchain specific contextual infos
}

const EscrowReportedEventName = "Reported"

// ContractEventName returns the user-defined event name.
func (EscrowReported) ContractEventName() string {
	return EscrowReportedEventName
}

// UnpackReportedEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Reported(bytes32 indexed leaseId, int32 exitCode, bytes32 resultDigest, uint256 held, uint256 refunded)
func (escrow *Escrow) UnpackReportedEvent(log *types.Log) (*EscrowReported, error) {
	event := "Reported"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != escrow.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(EscrowReported)
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
	if bytes.Equal(raw[:4], escrow.abi.Errors["GroupFull"].ID.Bytes()[:4]) {
		return escrow.UnpackGroupFullError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["GroupSettledAlready"].ID.Bytes()[:4]) {
		return escrow.UnpackGroupSettledAlreadyError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["GroupStillOpen"].ID.Bytes()[:4]) {
		return escrow.UnpackGroupStillOpenError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["Held"].ID.Bytes()[:4]) {
		return escrow.UnpackHeldError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["InvalidShortString"].ID.Bytes()[:4]) {
		return escrow.UnpackInvalidShortStringError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["InvalidSignature"].ID.Bytes()[:4]) {
		return escrow.UnpackInvalidSignatureError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["InvalidVerify"].ID.Bytes()[:4]) {
		return escrow.UnpackInvalidVerifyError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["LeaseExists"].ID.Bytes()[:4]) {
		return escrow.UnpackLeaseExistsError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["MembersMismatch"].ID.Bytes()[:4]) {
		return escrow.UnpackMembersMismatchError(raw[4:])
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
	if bytes.Equal(raw[:4], escrow.abi.Errors["ProviderInGroup"].ID.Bytes()[:4]) {
		return escrow.UnpackProviderInGroupError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ReentrancyGuardReentrantCall"].ID.Bytes()[:4]) {
		return escrow.UnpackReentrancyGuardReentrantCallError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["RefereeWindowOpen"].ID.Bytes()[:4]) {
		return escrow.UnpackRefereeWindowOpenError(raw[4:])
	}
	if bytes.Equal(raw[:4], escrow.abi.Errors["ReplicaNotEnded"].ID.Bytes()[:4]) {
		return escrow.UnpackReplicaNotEndedError(raw[4:])
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
	if bytes.Equal(raw[:4], escrow.abi.Errors["UnknownGroup"].ID.Bytes()[:4]) {
		return escrow.UnpackUnknownGroupError(raw[4:])
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

// EscrowGroupFull represents a GroupFull error raised by the Escrow contract.
type EscrowGroupFull struct {
	OrderHash [32]byte
	Members   uint8
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GroupFull(bytes32 orderHash, uint8 members)
func EscrowGroupFullErrorID() common.Hash {
	return common.HexToHash("0x755b4e4e177917234bc05a86b6db7b722e6596725930d6da802ae83d7d259af6")
}

// UnpackGroupFullError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GroupFull(bytes32 orderHash, uint8 members)
func (escrow *Escrow) UnpackGroupFullError(raw []byte) (*EscrowGroupFull, error) {
	out := new(EscrowGroupFull)
	if err := escrow.abi.UnpackIntoInterface(out, "GroupFull", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowGroupSettledAlready represents a GroupSettledAlready error raised by the Escrow contract.
type EscrowGroupSettledAlready struct {
	OrderHash [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GroupSettledAlready(bytes32 orderHash)
func EscrowGroupSettledAlreadyErrorID() common.Hash {
	return common.HexToHash("0x07f7525a680416d2a8e18f0974d4661cd56a7c79b033c57ecee20ac48624b135")
}

// UnpackGroupSettledAlreadyError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GroupSettledAlready(bytes32 orderHash)
func (escrow *Escrow) UnpackGroupSettledAlreadyError(raw []byte) (*EscrowGroupSettledAlready, error) {
	out := new(EscrowGroupSettledAlready)
	if err := escrow.abi.UnpackIntoInterface(out, "GroupSettledAlready", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowGroupStillOpen represents a GroupStillOpen error raised by the Escrow contract.
type EscrowGroupStillOpen struct {
	Expiry *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error GroupStillOpen(uint256 expiry)
func EscrowGroupStillOpenErrorID() common.Hash {
	return common.HexToHash("0x7c483b7393c85ae55fd8195ca1a1c004a8d705fc2e43a059b362ff805910f30b")
}

// UnpackGroupStillOpenError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error GroupStillOpen(uint256 expiry)
func (escrow *Escrow) UnpackGroupStillOpenError(raw []byte) (*EscrowGroupStillOpen, error) {
	out := new(EscrowGroupStillOpen)
	if err := escrow.abi.UnpackIntoInterface(out, "GroupStillOpen", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowHeld represents a Held error raised by the Escrow contract.
type EscrowHeld struct {
	LeaseId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error Held(bytes32 leaseId)
func EscrowHeldErrorID() common.Hash {
	return common.HexToHash("0xa87c1a61529a5eadbea3268f3e2723cee829b84e720e1462285217cd84aa605e")
}

// UnpackHeldError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error Held(bytes32 leaseId)
func (escrow *Escrow) UnpackHeldError(raw []byte) (*EscrowHeld, error) {
	out := new(EscrowHeld)
	if err := escrow.abi.UnpackIntoInterface(out, "Held", raw); err != nil {
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

// EscrowInvalidVerify represents a InvalidVerify error raised by the Escrow contract.
type EscrowInvalidVerify struct {
	Replicas     uint8
	SpotCheckBps uint16
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error InvalidVerify(uint8 replicas, uint16 spotCheckBps)
func EscrowInvalidVerifyErrorID() common.Hash {
	return common.HexToHash("0x86a8bcca4a1c963026674f5e80b2a749476f4c4c6fb82a2da629bb4fa7dc8f2f")
}

// UnpackInvalidVerifyError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error InvalidVerify(uint8 replicas, uint16 spotCheckBps)
func (escrow *Escrow) UnpackInvalidVerifyError(raw []byte) (*EscrowInvalidVerify, error) {
	out := new(EscrowInvalidVerify)
	if err := escrow.abi.UnpackIntoInterface(out, "InvalidVerify", raw); err != nil {
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

// EscrowMembersMismatch represents a MembersMismatch error raised by the Escrow contract.
type EscrowMembersMismatch struct {
	OrderHash [32]byte
	Members   *big.Int
	Given     *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error MembersMismatch(bytes32 orderHash, uint256 members, uint256 given)
func EscrowMembersMismatchErrorID() common.Hash {
	return common.HexToHash("0x312ea0875b8452f41c023066d9adc119e18298bde98a7db3f0f8e3c297754014")
}

// UnpackMembersMismatchError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error MembersMismatch(bytes32 orderHash, uint256 members, uint256 given)
func (escrow *Escrow) UnpackMembersMismatchError(raw []byte) (*EscrowMembersMismatch, error) {
	out := new(EscrowMembersMismatch)
	if err := escrow.abi.UnpackIntoInterface(out, "MembersMismatch", raw); err != nil {
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

// EscrowProviderInGroup represents a ProviderInGroup error raised by the Escrow contract.
type EscrowProviderInGroup struct {
	OrderHash [32]byte
	Provider  common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ProviderInGroup(bytes32 orderHash, address provider)
func EscrowProviderInGroupErrorID() common.Hash {
	return common.HexToHash("0x1031fd6eed4c843012f2c8dbab52e2de0e4dd90ab7ae587534e943657bc1816b")
}

// UnpackProviderInGroupError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ProviderInGroup(bytes32 orderHash, address provider)
func (escrow *Escrow) UnpackProviderInGroupError(raw []byte) (*EscrowProviderInGroup, error) {
	out := new(EscrowProviderInGroup)
	if err := escrow.abi.UnpackIntoInterface(out, "ProviderInGroup", raw); err != nil {
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

// EscrowRefereeWindowOpen represents a RefereeWindowOpen error raised by the Escrow contract.
type EscrowRefereeWindowOpen struct {
	Until *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error RefereeWindowOpen(uint256 until)
func EscrowRefereeWindowOpenErrorID() common.Hash {
	return common.HexToHash("0xa84fb944c71e7a80a12490b9b476fba5c2de55ba84c6b5a446e7f48a8a2511b1")
}

// UnpackRefereeWindowOpenError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error RefereeWindowOpen(uint256 until)
func (escrow *Escrow) UnpackRefereeWindowOpenError(raw []byte) (*EscrowRefereeWindowOpen, error) {
	out := new(EscrowRefereeWindowOpen)
	if err := escrow.abi.UnpackIntoInterface(out, "RefereeWindowOpen", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// EscrowReplicaNotEnded represents a ReplicaNotEnded error raised by the Escrow contract.
type EscrowReplicaNotEnded struct {
	LeaseId [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ReplicaNotEnded(bytes32 leaseId)
func EscrowReplicaNotEndedErrorID() common.Hash {
	return common.HexToHash("0xb089fbf2239611cec4afe244fcf472ba279a0745bf304acb56ae43a3e8d7b50f")
}

// UnpackReplicaNotEndedError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ReplicaNotEnded(bytes32 leaseId)
func (escrow *Escrow) UnpackReplicaNotEndedError(raw []byte) (*EscrowReplicaNotEnded, error) {
	out := new(EscrowReplicaNotEnded)
	if err := escrow.abi.UnpackIntoInterface(out, "ReplicaNotEnded", raw); err != nil {
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

// EscrowUnknownGroup represents a UnknownGroup error raised by the Escrow contract.
type EscrowUnknownGroup struct {
	OrderHash [32]byte
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error UnknownGroup(bytes32 orderHash)
func EscrowUnknownGroupErrorID() common.Hash {
	return common.HexToHash("0x5d43e34e6306fd74ee37d4e831ae2420f3b9e99b8203e9c22067ca932196e9f6")
}

// UnpackUnknownGroupError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error UnknownGroup(bytes32 orderHash)
func (escrow *Escrow) UnpackUnknownGroupError(raw []byte) (*EscrowUnknownGroup, error) {
	out := new(EscrowUnknownGroup)
	if err := escrow.abi.UnpackIntoInterface(out, "UnknownGroup", raw); err != nil {
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
