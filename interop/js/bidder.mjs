// An independent client of Tender's market, written from the published
// documents alone (docs/eip712.md, the network's topic and stream
// protocols) with js-libp2p and ethers: it joins the orders topic through
// one peer, takes the first order it hears, checks the tenant's EIP-712
// signature with types read from docs/eip712.md, and sends the order's
// auctioneer a sealed bid that meets the order's requirements.
//
// It prints one JSON object per line on stdout: {"event":"listening"} once
// it is subscribed, {"event":"order",...} with the order's hash and signer,
// {"event":"reply",...} with the auctioneer's reply to the bid. Errors go to
// stderr with exit status 1; no order within --timeout seconds is status 2.
//
//	node bidder.mjs --peer MULTIADDR --chain-id ID --escrow ADDRESS \
//	    --key HEX --price BASE_UNITS --schema docs/eip712.md [--timeout 60]

import { readFileSync } from 'node:fs'
import { createHash } from 'node:crypto'
import { parseArgs } from 'node:util'

import { noise } from '@chainsafe/libp2p-noise'
import { yamux } from '@chainsafe/libp2p-yamux'
import { gossipsub } from '@libp2p/gossipsub'
import { identify } from '@libp2p/identify'
import { peerIdFromString } from '@libp2p/peer-id'
import { tcp } from '@libp2p/tcp'
import { multiaddr } from '@multiformats/multiaddr'
import { ethers } from 'ethers'
import { createLibp2p } from 'libp2p'

const { values: args } = parseArgs({
  options: {
    peer: { type: 'string' },
    'chain-id': { type: 'string' },
    escrow: { type: 'string' },
    key: { type: 'string' },
    price: { type: 'string' },
    schema: { type: 'string' },
    timeout: { type: 'string', default: '60' }
  }
})
for (const name of ['peer', 'chain-id', 'escrow', 'key', 'price', 'schema']) {
  if (args[name] === undefined) fail(`--${name} is required`)
}

function fail (msg) {
  process.stderr.write(`bidder: ${msg}\n`)
  process.exit(1)
}

function say (obj) {
  process.stdout.write(JSON.stringify(obj) + '\n')
}

// The EIP-712 types as docs/eip712.md publishes them: each line of its
// "## Types" code block is Name(type field,...).
function readSchema (path) {
  const doc = readFileSync(path, 'utf8')
  const section = doc.split('\n## Types\n')[1]
  if (section === undefined) fail(`${path} has no "## Types" section`)
  const block = section.split('```')[1]
  const types = {}
  for (const line of block.split('\n')) {
    const m = line.trim().match(/^(\w+)\((.*)\)$/)
    if (m === null) continue
    types[m[1]] = m[2].split(',').map(f => {
      const [type, name] = f.split(' ')
      return { name, type }
    })
  }
  return types
}

// typesFor is the part of schema that primary uses: ethers wants exactly
// the types one message reaches.
function typesFor (schema, primary) {
  const out = {}
  const visit = name => {
    if (out[name] !== undefined || schema[name] === undefined) return
    out[name] = schema[name]
    for (const f of schema[name]) visit(f.type.replace(/\[\]$/, ''))
  }
  visit(primary)
  return out
}

// A message on a market stream: its length as an unsigned varint, then
// the bytes.
function frame (bytes) {
  const head = []
  let n = bytes.length
  while (n >= 0x80) {
    head.push((n & 0x7f) | 0x80)
    n >>>= 7
  }
  head.push(n)
  return Buffer.concat([Buffer.from(head), bytes])
}

function unframe (buf) {
  let n = 0
  let shift = 0
  for (let i = 0; i < buf.length && i < 10; i++) {
    n += (buf[i] & 0x7f) * 2 ** shift
    shift += 7
    if ((buf[i] & 0x80) === 0) {
      const body = buf.subarray(i + 1, i + 1 + n)
      if (body.length !== n) throw new Error(`reply of ${body.length} bytes, its length says ${n}`)
      return body
    }
  }
  throw new Error('reply without a length')
}

const schema = readSchema(args.schema)
const domain = {
  name: 'Tender',
  version: '1',
  chainId: BigInt(args['chain-id']),
  verifyingContract: ethers.getAddress(args.escrow)
}
const topic = `/tender/orders/1/${domain.chainId}/${domain.verifyingContract.toLowerCase()}`
const wallet = new ethers.Wallet(args.key)

const node = await createLibp2p({
  addresses: { listen: ['/ip4/127.0.0.1/tcp/0'] },
  // The peer it is given may be on loopback or a private network.
  connectionGater: { denyDialMultiaddr: () => false },
  transports: [tcp()],
  connectionEncrypters: [noise()],
  streamMuxers: [yamux()],
  services: {
    identify: identify(),
    pubsub: gossipsub({
      // Orders carry their tenants' signatures; gossip adds none and names
      // a message by the SHA-256 of its data, as the Go nodes do.
      globalSignaturePolicy: 'StrictNoSign',
      msgIdFn: msg => createHash('sha256').update(msg.data).digest(),
      emitSelf: false
    })
  }
})

const timer = setTimeout(() => {
  process.stderr.write(`bidder: no order on ${topic} within ${args.timeout} s\n`)
  process.exit(2)
}, Number(args.timeout) * 1000)

const order = new Promise((resolve, reject) => {
  node.services.pubsub.addEventListener('message', evt => {
    if (evt.detail.topic !== topic) return
    try {
      resolve(JSON.parse(new TextDecoder().decode(evt.detail.data)))
    } catch (err) {
      reject(err)
    }
  })
})
node.services.pubsub.subscribe(topic)
await node.dial(multiaddr(args.peer))
say({ event: 'listening', peerId: node.peerId.toString(), topic })

const env = await order
if (env.v !== 1) fail(`order of wire version ${env.v}, this client reads 1`)
// A plain order leaves verify out of its wire form, and a verified one
// leaves out spotCheckBps when it is 0; the digest covers them as zeros.
const o = { ...env.order, verify: { replicas: 0, paths: [], spotCheckBps: 0, ...env.order.verify } }
const orderTypes = typesFor(schema, 'Order')
const orderHash = ethers.TypedDataEncoder.hash(domain, orderTypes, o)
const signer = ethers.verifyTypedData(domain, orderTypes, o, env.signature)
say({ event: 'order', hash: orderHash, signer, tenant: o.tenant })
if (signer !== ethers.getAddress(o.tenant)) fail(`order ${orderHash} is signed by ${signer}, not its tenant ${o.tenant}`)

// The least offer that meets the order.
const r = o.requirements
const bid = {
  orderHash,
  provider: wallet.address,
  peerId: node.peerId.toString(),
  pricePerHour: args.price,
  offer: {
    gpus: r.gpuCount === 0
      ? []
      : [{ model: r.gpuModels[0] ?? 'GPU', vramMiB: r.minVramMiB, computeCapability: r.minComputeCapability, count: r.gpuCount }],
    cudaVersion: r.minCudaVersion,
    cpuMillis: r.cpuMillis,
    memoryMiB: r.memoryMiB,
    diskMiB: r.diskMiB,
    attributes: r.placement,
    simulated: r.allowSimulated && r.gpuCount > 0
  },
  expiry: o.expiry,
  nonce: '1'
}
const signature = await wallet.signTypedData(domain, typesFor(schema, 'Bid'), bid)
const msg = Buffer.from(JSON.stringify({ v: 1, bid, signature }))

const stream = await node.dialProtocol(peerIdFromString(o.auctioneer), '/tender/bid/1.0.0')
stream.send(frame(msg))
await stream.close()
const chunks = []
for await (const chunk of stream) chunks.push(chunk.subarray())
const reply = JSON.parse(new TextDecoder().decode(unframe(Buffer.concat(chunks))))
say({ event: 'reply', bidHash: ethers.TypedDataEncoder.hash(domain, typesFor(schema, 'Bid'), bid), ...reply })

clearTimeout(timer)
await node.stop()
process.exit(reply.error === undefined ? 0 : 1)
