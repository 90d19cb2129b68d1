#!/usr/bin/env node
// Compile the Solidity sources in contracts/ with the pinned solc-js from
// tools/node_modules (no compiler download) and write, per contract,
// contracts/build/<Name>.json = {abi, bytecode, deployedBytecode}.
//
// Usage: node scripts/compile-contracts.js [--force]
// Skips the compile when every output is newer than every input (the
// sources, this script and the compiler's package.json); --force compiles
// anyway. Exits non-zero on any compiler error; prints warnings.
'use strict';

const fs = require('fs');
const path = require('path');

const ROOT = path.resolve(__dirname, '..');
const TOOLS = path.join(ROOT, 'tools', 'node_modules');
const SRC_DIR = path.join(ROOT, 'contracts');
const OUT_DIR = path.join(SRC_DIR, 'build');
// Contracts that get an artifact; everything they import is compiled too.
const CONTRACTS = ['ChainBridgeToken', 'StakingPool'];
// Test-only contracts: contracts/test/<File>.sol, artifacts in
// contracts/build/test/<Name>.json, kept apart from the product's.
const TEST_SOURCES = {
  SyncTestContracts: ['Sync721Emitter', 'Sync20Emitter'],
  SettleBenchToken: ['SettleBenchToken'],
};
const EVM_VERSION = 'cancun';
const OPTIMIZER_RUNS = 200;

function fail(msg) {
  process.stderr.write(`compile-contracts: ${msg}\n`);
  process.exit(1);
}

function loadSolc() {
  try {
    return require(path.join(TOOLS, 'solc'));
  } catch (e) {
    fail(`cannot load solc from tools/node_modules (run scripts/deps): ${e.message}`);
  }
  return null;
}

function mtime(file) {
  try {
    return fs.statSync(file).mtimeMs;
  } catch (e) {
    return null;
  }
}

function upToDate() {
  const inputs = CONTRACTS.map((n) => path.join(SRC_DIR, `${n}.sol`));
  for (const f of Object.keys(TEST_SOURCES)) {
    inputs.push(path.join(SRC_DIR, 'test', `${f}.sol`));
  }
  inputs.push(__filename, path.join(TOOLS, 'solc', 'package.json'),
    path.join(TOOLS, '@openzeppelin', 'contracts', 'package.json'));
  let newestInput = 0;
  for (const f of inputs) {
    const t = mtime(f);
    if (t === null) {
      return false;
    }
    newestInput = Math.max(newestInput, t);
  }
  const outputs = CONTRACTS.map((n) => path.join(OUT_DIR, `${n}.json`));
  for (const names of Object.values(TEST_SOURCES)) {
    for (const n of names) {
      outputs.push(path.join(OUT_DIR, 'test', `${n}.json`));
    }
  }
  for (const out of outputs) {
    const t = mtime(out);
    if (t === null || t < newestInput) {
      return false;
    }
  }
  return true;
}

// Resolve an import: project files relative to contracts/, packages
// (@openzeppelin/...) from tools/node_modules. Never leaves those trees.
function findImport(importPath) {
  const candidates = [path.join(SRC_DIR, importPath), path.join(TOOLS, importPath)];
  for (const c of candidates) {
    const resolved = path.resolve(c);
    const inside = resolved.startsWith(SRC_DIR + path.sep) || resolved.startsWith(TOOLS + path.sep);
    if (inside && fs.existsSync(resolved)) {
      return { contents: fs.readFileSync(resolved, 'utf8') };
    }
  }
  return { error: `import not found: ${importPath}` };
}

function main() {
  const force = process.argv.includes('--force');
  if (!force && upToDate()) {
    process.stdout.write('compile-contracts: up to date\n');
    return;
  }
  const solc = loadSolc();
  const sources = {};
  for (const n of CONTRACTS) {
    const file = path.join(SRC_DIR, `${n}.sol`);
    sources[`${n}.sol`] = { content: fs.readFileSync(file, 'utf8') };
  }
  for (const f of Object.keys(TEST_SOURCES)) {
    const file = path.join(SRC_DIR, 'test', `${f}.sol`);
    sources[`test/${f}.sol`] = { content: fs.readFileSync(file, 'utf8') };
  }
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: OPTIMIZER_RUNS },
      evmVersion: EVM_VERSION,
      outputSelection: {
        '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] },
      },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport }));
  let errors = 0;
  for (const d of output.errors || []) {
    const text = d.formattedMessage || d.message;
    if (d.severity === 'error') {
      errors += 1;
      process.stderr.write(`error: ${text}\n`);
    } else {
      process.stderr.write(`${d.severity}: ${text}\n`);
    }
  }
  if (errors > 0) {
    fail(`${errors} compiler error(s)`);
  }
  fs.mkdirSync(path.join(OUT_DIR, 'test'), { recursive: true });
  const wanted = CONTRACTS.map((n) => [`${n}.sol`, n, n]);
  for (const [f, names] of Object.entries(TEST_SOURCES)) {
    for (const n of names) {
      wanted.push([`test/${f}.sol`, n, path.join('test', n)]);
    }
  }
  for (const [src, n, outName] of wanted) {
    const c = output.contracts && output.contracts[src] && output.contracts[src][n];
    if (!c || !c.evm || !c.evm.bytecode.object) {
      fail(`no bytecode produced for ${n}`);
    }
    const artifact = {
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
    };
    const out = path.join(OUT_DIR, `${outName}.json`);
    const tmp = `${out}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify(artifact, null, 2)}\n`);
    fs.renameSync(tmp, out);
    process.stdout.write(`compile-contracts: wrote ${path.relative(ROOT, out)}\n`);
  }
  process.stdout.write(`compile-contracts: solc ${solc.version()}\n`);
}

main();
