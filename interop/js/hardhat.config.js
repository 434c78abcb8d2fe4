// Hardhat's EDR node, an Ethereum node independent of go-ethereum, for the
// tests that run the market against it (Test...IndependentNode...). They
// start it with `hardhat node` and set its mining over JSON-RPC.
import { defineConfig } from 'hardhat/config'

export default defineConfig({})
