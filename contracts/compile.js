#!/usr/bin/env node
// Compiles the Tender contracts with the solc pinned in package.json and
// writes, for every deployable contract in SOURCES, <Name>.abi (JSON) and
// <Name>.bin (creation bytecode, hex) into the output directory (default
// build/). The output depends only on the sources, the pinned compiler and
// SETTINGS, so a fresh build can be compared byte for byte with the committed
// one.
//
//   node compile.js [outdir]
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

const SOLC_VERSION = require('./package.json').devDependencies.solc;

const SOURCES = ['Escrow.sol', 'TestToken.sol', 'test/ReentrantToken.sol', 'test/FalseToken.sol'];

const SETTINGS = {
  evmVersion: 'cancun',
  optimizer: { enabled: true, runs: 10000 },
  viaIR: true,
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

function findImports(name) {
  if (!name.startsWith('@openzeppelin/contracts/')) {
    return { error: 'import outside @openzeppelin/contracts: ' + name };
  }
  try {
    return { contents: fs.readFileSync(path.join(__dirname, 'node_modules', name), 'utf8') };
  } catch (err) {
    return { error: String(err) + ' (run npm ci in contracts/)' };
  }
}

function main() {
  const outDir = path.resolve(process.argv[2] || path.join(__dirname, 'build'));
  const version = solc.version();
  if (!version.startsWith(SOLC_VERSION + '+')) {
    throw new Error(`solc is ${version}, package.json pins ${SOLC_VERSION}: run npm ci in contracts/`);
  }
  const sources = {};
  for (const file of SOURCES) {
    sources[file] = { content: fs.readFileSync(path.join(__dirname, file), 'utf8') };
  }
  const input = { language: 'Solidity', sources, settings: SETTINGS };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));

  const errors = (output.errors || []).filter((e) => e.severity === 'error');
  for (const e of output.errors || []) {
    const file = e.sourceLocation ? e.sourceLocation.file : '';
    if (e.severity === 'error' || !file.startsWith('@openzeppelin/')) {
      process.stderr.write(e.formattedMessage + '\n');
    }
  }
  if (errors.length > 0) {
    throw new Error(`${errors.length} compiler error(s)`);
  }

  fs.mkdirSync(outDir, { recursive: true });
  for (const file of SOURCES) {
    const contracts = output.contracts[file] || {};
    for (const name of Object.keys(contracts).sort()) {
      const bin = contracts[name].evm.bytecode.object;
      if (bin === '') {
        continue; // interfaces and abstract contracts
      }
      fs.writeFileSync(path.join(outDir, name + '.abi'), JSON.stringify(contracts[name].abi, null, 2) + '\n');
      fs.writeFileSync(path.join(outDir, name + '.bin'), bin);
    }
  }
}

try {
  main();
} catch (err) {
  process.stderr.write('compile: ' + err.message + '\n');
  process.exit(1);
}
