// Code generated via abigen V2 - DO NOT EDIT.
// This file is a generated binding and any manual changes will be lost.

package testtokens

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

// FalseTokenMetaData contains all meta data concerning the FalseToken contract.
var FalseTokenMetaData = bind.MetaData{
	ABI: "[{\"inputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"constructor\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"allowance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientAllowance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"balance\",\"type\":\"uint256\"},{\"internalType\":\"uint256\",\"name\":\"needed\",\"type\":\"uint256\"}],\"name\":\"ERC20InsufficientBalance\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"approver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidApprover\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"receiver\",\"type\":\"address\"}],\"name\":\"ERC20InvalidReceiver\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"sender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSender\",\"type\":\"error\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"ERC20InvalidSpender\",\"type\":\"error\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Approval\",\"type\":\"event\"},{\"anonymous\":false,\"inputs\":[{\"indexed\":true,\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"indexed\":true,\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"indexed\":false,\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"Transfer\",\"type\":\"event\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"owner\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"}],\"name\":\"allowance\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"spender\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"approve\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"balanceOf\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"decimals\",\"outputs\":[{\"internalType\":\"uint8\",\"name\":\"\",\"type\":\"uint8\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"exhaust\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"amount\",\"type\":\"uint256\"}],\"name\":\"mint\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"name\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"}],\"name\":\"refused\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"bool\",\"name\":\"on\",\"type\":\"bool\"}],\"name\":\"setExhaust\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"account\",\"type\":\"address\"},{\"internalType\":\"bool\",\"name\":\"refuse\",\"type\":\"bool\"}],\"name\":\"setRefused\",\"outputs\":[],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"symbol\",\"outputs\":[{\"internalType\":\"string\",\"name\":\"\",\"type\":\"string\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[],\"name\":\"totalSupply\",\"outputs\":[{\"internalType\":\"uint256\",\"name\":\"\",\"type\":\"uint256\"}],\"stateMutability\":\"view\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transfer\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"},{\"inputs\":[{\"internalType\":\"address\",\"name\":\"from\",\"type\":\"address\"},{\"internalType\":\"address\",\"name\":\"to\",\"type\":\"address\"},{\"internalType\":\"uint256\",\"name\":\"value\",\"type\":\"uint256\"}],\"name\":\"transferFrom\",\"outputs\":[{\"internalType\":\"bool\",\"name\":\"\",\"type\":\"bool\"}],\"stateMutability\":\"nonpayable\",\"type\":\"function\"}]",
	ID:  "FalseToken",
	Bin: "0x60806040523461032657604080519081016001600160401b0381118282101761022e57604090815260088252675265667573696e6760c01b602083015280519081016001600160401b0381118282101761022e5760405260028152614e4f60f01b602082015281516001600160401b03811161022e57600354600181811c9116801561031c575b602082101461021057601f81116102ae575b50602092601f821160011461024d57928192935f92610242575b50508160011b915f199060031b1c1916176003555b80516001600160401b03811161022e57600454600181811c91168015610224575b602082101461021057601f81116101a2575b50602091601f8211600114610142579181925f92610137575b50508160011b915f199060031b1c1916176004555b604051610ae0908161032b8239f35b015190505f80610113565b601f1982169260045f52805f20915f5b85811061018a57508360019510610172575b505050811b01600455610128565b01515f1960f88460031b161c191690555f8080610164565b91926020600181928685015181550194019201610152565b818111156100fa5760045f52601f820160051c7f8a35acfbc15ff81a39ae7d344fd709f28e8600b4aa8c65c6b64bfe7fe36bd19b60208410610208575b81601f9101920160051c03905f5b8281106101fb5750506100fa565b5f828201556001016101ed565b5f91506101df565b634e487b7160e01b5f52602260045260245ffd5b90607f16906100e8565b634e487b7160e01b5f52604160045260245ffd5b015190505f806100b2565b601f1982169360035f52805f20915f5b868110610296575083600195961061027e575b505050811b016003556100c7565b01515f1960f88460031b161c191690555f8080610270565b9192602060018192868501518155019401920161025d565b818111156100985760035f52601f820160051c7fc2575a0e9e593c00f959f8c92f12db2869c3395a3b0502d05e2516446f71f85b60208410610314575b81601f9101920160051c03905f5b828110610307575050610098565b5f828201556001016102f9565b5f91506102eb565b90607f1690610086565b5f80fdfe6080806040526004361015610012575f80fd5b5f3560e01c90816306fdde031461067a57508063095ea7b31461059357806318160ddd1461057657806323b872dd1461054757806324f316c814610525578063313ce5671461050a57806340c10f191461042957806370a08231146103e557806395d89b411461026a57806396c1e522146101f2578063a9059cbb146101c1578063dd62ed3e14610153578063e01940f3146101095763fa963a36146100b6575f80fd5b34610105576020600319360112610105576004358015158091036101055760ff7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff00600654169116176006555f80f35b5f80fd5b346101055760206003193601126101055773ffffffffffffffffffffffffffffffffffffffff61013761077b565b165f526005602052602060ff60405f2054166040519015158152f35b346101055760406003193601126101055761016c61077b565b73ffffffffffffffffffffffffffffffffffffffff61018961079e565b91165f52600160205273ffffffffffffffffffffffffffffffffffffffff60405f2091165f52602052602060405f2054604051908152f35b346101055760406003193601126101055760206101e86101df61077b565b60243590610910565b6040519015158152f35b346101055760406003193601126101055761020b61077b565b602435908115158092036101055773ffffffffffffffffffffffffffffffffffffffff165f52600560205260405f209060ff7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff0083541691161790555f80f35b34610105575f600319360112610105576040515f600454908160011c600183169283156103db575b6020821084146103ae57818552849390811561036c5750600114610310575b5003601f01601f191681019067ffffffffffffffff8211818310176102e3576102df82918260405282610751565b0390f35b7f4e487b71000000000000000000000000000000000000000000000000000000005f52604160045260245ffd5b60045f90815291507f8a35acfbc15ff81a39ae7d344fd709f28e8600b4aa8c65c6b64bfe7fe36bd19b5b8183106103505750508101602001601f196102b1565b602091935080600191548385880101520191019091839261033a565b7fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff001660208581019190915291151560051b84019091019150601f1990506102b1565b7f4e487b71000000000000000000000000000000000000000000000000000000005f52602260045260245ffd5b90607f1690610292565b346101055760206003193601126101055773ffffffffffffffffffffffffffffffffffffffff61041361077b565b165f525f602052602060405f2054604051908152f35b346101055760406003193601126101055761044261077b565b73ffffffffffffffffffffffffffffffffffffffff1660243581156104de57600254908082018092116104b15760207fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef915f9360025584845283825260408420818154019055604051908152a3005b7f4e487b71000000000000000000000000000000000000000000000000000000005f52601160045260245ffd5b7fec442f05000000000000000000000000000000000000000000000000000000005f525f60045260245ffd5b34610105575f60031936011261010557602060405160128152f35b34610105575f60031936011261010557602060ff600654166040519015158152f35b346101055760606003193601126101055760206101e861056561077b565b61056d61079e565b604435916107c1565b34610105575f600319360112610105576020600254604051908152f35b34610105576040600319360112610105576105ac61077b565b60243590331561064e5773ffffffffffffffffffffffffffffffffffffffff1690811561062257335f52600160205260405f20825f526020528060405f20556040519081527f8c5be1e5ebec7d5bd14f71427d1e84f3dd0314c0f7b2291e5b200ac8c7c3b92560203392a3602060405160018152f35b7f94280d62000000000000000000000000000000000000000000000000000000005f525f60045260245ffd5b7fe602df05000000000000000000000000000000000000000000000000000000005f525f60045260245ffd5b34610105575f600319360112610105575f600354908160011c60018316928315610747575b6020821084146103ae57818552849390811561036c57506001146106eb575003601f01601f191681019067ffffffffffffffff8211818310176102e3576102df82918260405282610751565b60035f90815291507fc2575a0e9e593c00f959f8c92f12db2869c3395a3b0502d05e2516446f71f85b5b81831061072b5750508101602001601f196102b1565b6020919350806001915483858801015201910190918392610715565b90607f169061069f565b601f19601f602060409481855280519182918282880152018686015e5f8582860101520116010190565b6004359073ffffffffffffffffffffffffffffffffffffffff8216820361010557565b6024359073ffffffffffffffffffffffffffffffffffffffff8216820361010557565b919073ffffffffffffffffffffffffffffffffffffffff831692835f52600560205260ff60405f20541680156108e4575b6108dc57835f52600160205260405f2073ffffffffffffffffffffffffffffffffffffffff33165f5260205260405f20547fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff811061085b575b5061085693506109b4565b600190565b8381106108a857841561064e57331561062257610856945f52600160205260405f2073ffffffffffffffffffffffffffffffffffffffff33165f526020528360405f20910390555f61084b565b83907ffb8f41b2000000000000000000000000000000000000000000000000000000005f523360045260245260445260645ffd5b505050505f90565b5073ffffffffffffffffffffffffffffffffffffffff82165f52600560205260ff60405f2054166107f2565b9060ff60065416610973575b335f52600560205260ff60405f2054168015610947575b6109415761085691336109b4565b50505f90565b5073ffffffffffffffffffffffffffffffffffffffff82165f52600560205260ff60405f205416610933565b91905f5b5a156109ac577fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff81146104b157600101610977565b50909161091c565b73ffffffffffffffffffffffffffffffffffffffff16908115610a7e5773ffffffffffffffffffffffffffffffffffffffff169182156104de57815f525f60205260405f2054818110610a4c57817fddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef92602092855f525f84520360405f2055845f525f825260405f20818154019055604051908152a3565b827fe450d38c000000000000000000000000000000000000000000000000000000005f5260045260245260445260645ffd5b7f96c6fd1e000000000000000000000000000000000000000000000000000000005f525f60045260245ffdfea2646970667358221220b37f3a47e95953e7de4e310a3a7a98dafcf1dd715e8fe07ddbd19ffc47b825cb64736f6c63430008250033",
}

// FalseToken is an auto generated Go binding around an Ethereum contract.
type FalseToken struct {
	abi abi.ABI
}

// GetABI returns the ABI associated with this contract binding.
func (c *FalseToken) GetABI() abi.ABI {
	return c.abi
}

// NewFalseToken creates a new instance of FalseToken.
func NewFalseToken() *FalseToken {
	parsed, err := FalseTokenMetaData.ParseABI()
	if err != nil {
		panic(errors.New("invalid ABI: " + err.Error()))
	}
	return &FalseToken{abi: *parsed}
}

// Instance creates a wrapper for a deployed contract instance at the given address.
// Use this to create the instance object passed to abigen v2 library functions Call, Transact, etc.
func (c *FalseToken) Instance(backend bind.ContractBackend, addr common.Address) *bind.BoundContract {
	return bind.NewBoundContract(addr, c.abi, backend, backend, backend)
}

// PackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (falseToken *FalseToken) PackAllowance(owner common.Address, spender common.Address) []byte {
	enc, err := falseToken.abi.Pack("allowance", owner, spender)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackAllowance is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xdd62ed3e.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (falseToken *FalseToken) TryPackAllowance(owner common.Address, spender common.Address) ([]byte, error) {
	return falseToken.abi.Pack("allowance", owner, spender)
}

// UnpackAllowance is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xdd62ed3e.
//
// Solidity: function allowance(address owner, address spender) view returns(uint256)
func (falseToken *FalseToken) UnpackAllowance(data []byte) (*big.Int, error) {
	out, err := falseToken.abi.Unpack("allowance", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (falseToken *FalseToken) PackApprove(spender common.Address, value *big.Int) []byte {
	enc, err := falseToken.abi.Pack("approve", spender, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackApprove is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x095ea7b3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (falseToken *FalseToken) TryPackApprove(spender common.Address, value *big.Int) ([]byte, error) {
	return falseToken.abi.Pack("approve", spender, value)
}

// UnpackApprove is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x095ea7b3.
//
// Solidity: function approve(address spender, uint256 value) returns(bool)
func (falseToken *FalseToken) UnpackApprove(data []byte) (bool, error) {
	out, err := falseToken.abi.Unpack("approve", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (falseToken *FalseToken) PackBalanceOf(account common.Address) []byte {
	enc, err := falseToken.abi.Pack("balanceOf", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackBalanceOf is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x70a08231.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (falseToken *FalseToken) TryPackBalanceOf(account common.Address) ([]byte, error) {
	return falseToken.abi.Pack("balanceOf", account)
}

// UnpackBalanceOf is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x70a08231.
//
// Solidity: function balanceOf(address account) view returns(uint256)
func (falseToken *FalseToken) UnpackBalanceOf(data []byte) (*big.Int, error) {
	out, err := falseToken.abi.Unpack("balanceOf", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function decimals() view returns(uint8)
func (falseToken *FalseToken) PackDecimals() []byte {
	enc, err := falseToken.abi.Pack("decimals")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackDecimals is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x313ce567.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function decimals() view returns(uint8)
func (falseToken *FalseToken) TryPackDecimals() ([]byte, error) {
	return falseToken.abi.Pack("decimals")
}

// UnpackDecimals is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x313ce567.
//
// Solidity: function decimals() view returns(uint8)
func (falseToken *FalseToken) UnpackDecimals(data []byte) (uint8, error) {
	out, err := falseToken.abi.Unpack("decimals", data)
	if err != nil {
		return *new(uint8), err
	}
	out0 := *abi.ConvertType(out[0], new(uint8)).(*uint8)
	return out0, nil
}

// PackExhaust is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x24f316c8.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function exhaust() view returns(bool)
func (falseToken *FalseToken) PackExhaust() []byte {
	enc, err := falseToken.abi.Pack("exhaust")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackExhaust is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x24f316c8.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function exhaust() view returns(bool)
func (falseToken *FalseToken) TryPackExhaust() ([]byte, error) {
	return falseToken.abi.Pack("exhaust")
}

// UnpackExhaust is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x24f316c8.
//
// Solidity: function exhaust() view returns(bool)
func (falseToken *FalseToken) UnpackExhaust(data []byte) (bool, error) {
	out, err := falseToken.abi.Unpack("exhaust", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40c10f19.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (falseToken *FalseToken) PackMint(to common.Address, amount *big.Int) []byte {
	enc, err := falseToken.abi.Pack("mint", to, amount)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackMint is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x40c10f19.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function mint(address to, uint256 amount) returns()
func (falseToken *FalseToken) TryPackMint(to common.Address, amount *big.Int) ([]byte, error) {
	return falseToken.abi.Pack("mint", to, amount)
}

// PackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function name() view returns(string)
func (falseToken *FalseToken) PackName() []byte {
	enc, err := falseToken.abi.Pack("name")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackName is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x06fdde03.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function name() view returns(string)
func (falseToken *FalseToken) TryPackName() ([]byte, error) {
	return falseToken.abi.Pack("name")
}

// UnpackName is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x06fdde03.
//
// Solidity: function name() view returns(string)
func (falseToken *FalseToken) UnpackName(data []byte) (string, error) {
	out, err := falseToken.abi.Unpack("name", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackRefused is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe01940f3.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function refused(address account) view returns(bool)
func (falseToken *FalseToken) PackRefused(account common.Address) []byte {
	enc, err := falseToken.abi.Pack("refused", account)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackRefused is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xe01940f3.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function refused(address account) view returns(bool)
func (falseToken *FalseToken) TryPackRefused(account common.Address) ([]byte, error) {
	return falseToken.abi.Pack("refused", account)
}

// UnpackRefused is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xe01940f3.
//
// Solidity: function refused(address account) view returns(bool)
func (falseToken *FalseToken) UnpackRefused(data []byte) (bool, error) {
	out, err := falseToken.abi.Unpack("refused", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackSetExhaust is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfa963a36.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setExhaust(bool on) returns()
func (falseToken *FalseToken) PackSetExhaust(on bool) []byte {
	enc, err := falseToken.abi.Pack("setExhaust", on)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetExhaust is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xfa963a36.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setExhaust(bool on) returns()
func (falseToken *FalseToken) TryPackSetExhaust(on bool) ([]byte, error) {
	return falseToken.abi.Pack("setExhaust", on)
}

// PackSetRefused is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x96c1e522.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function setRefused(address account, bool refuse) returns()
func (falseToken *FalseToken) PackSetRefused(account common.Address, refuse bool) []byte {
	enc, err := falseToken.abi.Pack("setRefused", account, refuse)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSetRefused is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x96c1e522.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function setRefused(address account, bool refuse) returns()
func (falseToken *FalseToken) TryPackSetRefused(account common.Address, refuse bool) ([]byte, error) {
	return falseToken.abi.Pack("setRefused", account, refuse)
}

// PackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function symbol() view returns(string)
func (falseToken *FalseToken) PackSymbol() []byte {
	enc, err := falseToken.abi.Pack("symbol")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackSymbol is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x95d89b41.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function symbol() view returns(string)
func (falseToken *FalseToken) TryPackSymbol() ([]byte, error) {
	return falseToken.abi.Pack("symbol")
}

// UnpackSymbol is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x95d89b41.
//
// Solidity: function symbol() view returns(string)
func (falseToken *FalseToken) UnpackSymbol(data []byte) (string, error) {
	out, err := falseToken.abi.Unpack("symbol", data)
	if err != nil {
		return *new(string), err
	}
	out0 := *abi.ConvertType(out[0], new(string)).(*string)
	return out0, nil
}

// PackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function totalSupply() view returns(uint256)
func (falseToken *FalseToken) PackTotalSupply() []byte {
	enc, err := falseToken.abi.Pack("totalSupply")
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTotalSupply is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x18160ddd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function totalSupply() view returns(uint256)
func (falseToken *FalseToken) TryPackTotalSupply() ([]byte, error) {
	return falseToken.abi.Pack("totalSupply")
}

// UnpackTotalSupply is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x18160ddd.
//
// Solidity: function totalSupply() view returns(uint256)
func (falseToken *FalseToken) UnpackTotalSupply(data []byte) (*big.Int, error) {
	out, err := falseToken.abi.Unpack("totalSupply", data)
	if err != nil {
		return new(big.Int), err
	}
	out0 := abi.ConvertType(out[0], new(big.Int)).(*big.Int)
	return out0, nil
}

// PackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (falseToken *FalseToken) PackTransfer(to common.Address, value *big.Int) []byte {
	enc, err := falseToken.abi.Pack("transfer", to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransfer is the Go binding used to pack the parameters required for calling
// the contract method with ID 0xa9059cbb.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (falseToken *FalseToken) TryPackTransfer(to common.Address, value *big.Int) ([]byte, error) {
	return falseToken.abi.Pack("transfer", to, value)
}

// UnpackTransfer is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0xa9059cbb.
//
// Solidity: function transfer(address to, uint256 value) returns(bool)
func (falseToken *FalseToken) UnpackTransfer(data []byte) (bool, error) {
	out, err := falseToken.abi.Unpack("transfer", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// PackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will panic if any
// invalid/nil inputs are passed.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (falseToken *FalseToken) PackTransferFrom(from common.Address, to common.Address, value *big.Int) []byte {
	enc, err := falseToken.abi.Pack("transferFrom", from, to, value)
	if err != nil {
		panic(err)
	}
	return enc
}

// TryPackTransferFrom is the Go binding used to pack the parameters required for calling
// the contract method with ID 0x23b872dd.  This method will return an error
// if any inputs are invalid/nil.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (falseToken *FalseToken) TryPackTransferFrom(from common.Address, to common.Address, value *big.Int) ([]byte, error) {
	return falseToken.abi.Pack("transferFrom", from, to, value)
}

// UnpackTransferFrom is the Go binding that unpacks the parameters returned
// from invoking the contract method with ID 0x23b872dd.
//
// Solidity: function transferFrom(address from, address to, uint256 value) returns(bool)
func (falseToken *FalseToken) UnpackTransferFrom(data []byte) (bool, error) {
	out, err := falseToken.abi.Unpack("transferFrom", data)
	if err != nil {
		return *new(bool), err
	}
	out0 := *abi.ConvertType(out[0], new(bool)).(*bool)
	return out0, nil
}

// FalseTokenApproval represents a Approval event raised by the FalseToken contract.
type FalseTokenApproval struct {
	Owner   common.Address
	Spender common.Address
	Value   *big.Int
	Raw     *types.Log // Blockchain specific contextual infos
}

const FalseTokenApprovalEventName = "Approval"

// ContractEventName returns the user-defined event name.
func (FalseTokenApproval) ContractEventName() string {
	return FalseTokenApprovalEventName
}

// UnpackApprovalEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Approval(address indexed owner, address indexed spender, uint256 value)
func (falseToken *FalseToken) UnpackApprovalEvent(log *types.Log) (*FalseTokenApproval, error) {
	event := "Approval"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != falseToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(FalseTokenApproval)
	if len(log.Data) > 0 {
		if err := falseToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range falseToken.abi.Events[event].Inputs {
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

// FalseTokenTransfer represents a Transfer event raised by the FalseToken contract.
type FalseTokenTransfer struct {
	From  common.Address
	To    common.Address
	Value *big.Int
	Raw   *types.Log // Blockchain specific contextual infos
}

const FalseTokenTransferEventName = "Transfer"

// ContractEventName returns the user-defined event name.
func (FalseTokenTransfer) ContractEventName() string {
	return FalseTokenTransferEventName
}

// UnpackTransferEvent is the Go binding that unpacks the event data emitted
// by contract.
//
// Solidity: event Transfer(address indexed from, address indexed to, uint256 value)
func (falseToken *FalseToken) UnpackTransferEvent(log *types.Log) (*FalseTokenTransfer, error) {
	event := "Transfer"
	if len(log.Topics) == 0 {
		return nil, bind.ErrNoEventSignature
	}
	if log.Topics[0] != falseToken.abi.Events[event].ID {
		return nil, bind.ErrEventSignatureMismatch
	}
	out := new(FalseTokenTransfer)
	if len(log.Data) > 0 {
		if err := falseToken.abi.UnpackIntoInterface(out, event, log.Data); err != nil {
			return nil, err
		}
	}
	var indexed abi.Arguments
	for _, arg := range falseToken.abi.Events[event].Inputs {
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
func (falseToken *FalseToken) UnpackError(raw []byte) (any, error) {
	if bytes.Equal(raw[:4], falseToken.abi.Errors["ERC20InsufficientAllowance"].ID.Bytes()[:4]) {
		return falseToken.UnpackERC20InsufficientAllowanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], falseToken.abi.Errors["ERC20InsufficientBalance"].ID.Bytes()[:4]) {
		return falseToken.UnpackERC20InsufficientBalanceError(raw[4:])
	}
	if bytes.Equal(raw[:4], falseToken.abi.Errors["ERC20InvalidApprover"].ID.Bytes()[:4]) {
		return falseToken.UnpackERC20InvalidApproverError(raw[4:])
	}
	if bytes.Equal(raw[:4], falseToken.abi.Errors["ERC20InvalidReceiver"].ID.Bytes()[:4]) {
		return falseToken.UnpackERC20InvalidReceiverError(raw[4:])
	}
	if bytes.Equal(raw[:4], falseToken.abi.Errors["ERC20InvalidSender"].ID.Bytes()[:4]) {
		return falseToken.UnpackERC20InvalidSenderError(raw[4:])
	}
	if bytes.Equal(raw[:4], falseToken.abi.Errors["ERC20InvalidSpender"].ID.Bytes()[:4]) {
		return falseToken.UnpackERC20InvalidSpenderError(raw[4:])
	}
	return nil, errors.New("Unknown error")
}

// FalseTokenERC20InsufficientAllowance represents a ERC20InsufficientAllowance error raised by the FalseToken contract.
type FalseTokenERC20InsufficientAllowance struct {
	Spender   common.Address
	Allowance *big.Int
	Needed    *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func FalseTokenERC20InsufficientAllowanceErrorID() common.Hash {
	return common.HexToHash("0xfb8f41b23e99d2101d86da76cdfa87dd51c82ed07d3cb62cbc473e469dbc75c3")
}

// UnpackERC20InsufficientAllowanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientAllowance(address spender, uint256 allowance, uint256 needed)
func (falseToken *FalseToken) UnpackERC20InsufficientAllowanceError(raw []byte) (*FalseTokenERC20InsufficientAllowance, error) {
	out := new(FalseTokenERC20InsufficientAllowance)
	if err := falseToken.abi.UnpackIntoInterface(out, "ERC20InsufficientAllowance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// FalseTokenERC20InsufficientBalance represents a ERC20InsufficientBalance error raised by the FalseToken contract.
type FalseTokenERC20InsufficientBalance struct {
	Sender  common.Address
	Balance *big.Int
	Needed  *big.Int
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func FalseTokenERC20InsufficientBalanceErrorID() common.Hash {
	return common.HexToHash("0xe450d38cd8d9f7d95077d567d60ed49c7254716e6ad08fc9872816c97e0ffec6")
}

// UnpackERC20InsufficientBalanceError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InsufficientBalance(address sender, uint256 balance, uint256 needed)
func (falseToken *FalseToken) UnpackERC20InsufficientBalanceError(raw []byte) (*FalseTokenERC20InsufficientBalance, error) {
	out := new(FalseTokenERC20InsufficientBalance)
	if err := falseToken.abi.UnpackIntoInterface(out, "ERC20InsufficientBalance", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// FalseTokenERC20InvalidApprover represents a ERC20InvalidApprover error raised by the FalseToken contract.
type FalseTokenERC20InvalidApprover struct {
	Approver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidApprover(address approver)
func FalseTokenERC20InvalidApproverErrorID() common.Hash {
	return common.HexToHash("0xe602df05cc75712490294c6c104ab7c17f4030363910a7a2626411c6d3118847")
}

// UnpackERC20InvalidApproverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidApprover(address approver)
func (falseToken *FalseToken) UnpackERC20InvalidApproverError(raw []byte) (*FalseTokenERC20InvalidApprover, error) {
	out := new(FalseTokenERC20InvalidApprover)
	if err := falseToken.abi.UnpackIntoInterface(out, "ERC20InvalidApprover", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// FalseTokenERC20InvalidReceiver represents a ERC20InvalidReceiver error raised by the FalseToken contract.
type FalseTokenERC20InvalidReceiver struct {
	Receiver common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func FalseTokenERC20InvalidReceiverErrorID() common.Hash {
	return common.HexToHash("0xec442f055133b72f3b2f9f0bb351c406b178527de2040a7d1feb4e058771f613")
}

// UnpackERC20InvalidReceiverError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidReceiver(address receiver)
func (falseToken *FalseToken) UnpackERC20InvalidReceiverError(raw []byte) (*FalseTokenERC20InvalidReceiver, error) {
	out := new(FalseTokenERC20InvalidReceiver)
	if err := falseToken.abi.UnpackIntoInterface(out, "ERC20InvalidReceiver", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// FalseTokenERC20InvalidSender represents a ERC20InvalidSender error raised by the FalseToken contract.
type FalseTokenERC20InvalidSender struct {
	Sender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSender(address sender)
func FalseTokenERC20InvalidSenderErrorID() common.Hash {
	return common.HexToHash("0x96c6fd1edd0cd6ef7ff0ecc0facdf53148dc0048b57fe58af65755250a7a96bd")
}

// UnpackERC20InvalidSenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSender(address sender)
func (falseToken *FalseToken) UnpackERC20InvalidSenderError(raw []byte) (*FalseTokenERC20InvalidSender, error) {
	out := new(FalseTokenERC20InvalidSender)
	if err := falseToken.abi.UnpackIntoInterface(out, "ERC20InvalidSender", raw); err != nil {
		return nil, err
	}
	return out, nil
}

// FalseTokenERC20InvalidSpender represents a ERC20InvalidSpender error raised by the FalseToken contract.
type FalseTokenERC20InvalidSpender struct {
	Spender common.Address
}

// ErrorID returns the hash of canonical representation of the error's signature.
//
// Solidity: error ERC20InvalidSpender(address spender)
func FalseTokenERC20InvalidSpenderErrorID() common.Hash {
	return common.HexToHash("0x94280d62c347d8d9f4d59a76ea321452406db88df38e0c9da304f58b57b373a2")
}

// UnpackERC20InvalidSpenderError is the Go binding used to decode the provided
// error data into the corresponding Go error struct.
//
// Solidity: error ERC20InvalidSpender(address spender)
func (falseToken *FalseToken) UnpackERC20InvalidSpenderError(raw []byte) (*FalseTokenERC20InvalidSpender, error) {
	out := new(FalseTokenERC20InvalidSpender)
	if err := falseToken.abi.UnpackIntoInterface(out, "ERC20InvalidSpender", raw); err != nil {
		return nil, err
	}
	return out, nil
}
