#!/usr/bin/env node
// bench/settle-chain.js — the chain side of bench/settle-run: plain
// JSON-RPC (batched) against the node, never the project's RPC code.
//
//   settle-chain.js mints URL FROM TOKEN FILE
//       FILE: one "address amount" line per change (amount in base
//       units, decimal). Sends mint(address,uint256) from the unlocked
//       account FROM, one transaction per line, in file order, then reads
//       every receipt. Prints "mints txs=N gas=G failed=F blocks=B".
//   settle-chain.js receipts URL FILE
//       FILE: one transaction hash a line. Prints "receipts txs=N gas=G
//       failed=F" (the sum of gasUsed).
//   settle-chain.js window URL SIGNER FROM_BLOCK TO_BLOCK
//       Reads blocks FROM_BLOCK..TO_BLOCK and their receipts; the window is
//       the first to the last block with a transaction of SIGNER. Prints
//       "window first=.. last=.. blocks=.. signer_txs=.. signer_gas=..
//       gas_limit=.. all_gas=.. max_txs_per_block=.. idle_blocks=.."
//       (idle_blocks: blocks of the window without a signer transaction).
//
// Amounts stay decimal strings and BigInt: nothing is a float.
'use strict';

const fs = require('fs');

const MINT_SELECTOR = '40c10f19'; // mint(address,uint256)
const BATCH = 500; // JSON-RPC requests per HTTP request
const MINT_ROUND = 250; // mints sent before waiting for their receipts

function die(msg) {
  process.stderr.write(`settle-chain: ${msg}\n`);
  process.exit(1);
}

let nextId = 1;
async function rpcBatch(url, calls) {
  if (calls.length === 0) {
    return [];
  }
  const body = calls.map(([method, params]) => ({ jsonrpc: '2.0', id: nextId++, method, params }));
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (!res.ok) {
    die(`HTTP ${res.status} from ${url}`);
  }
  const out = await res.json();
  if (!Array.isArray(out)) {
    die(`not a batch answer: ${JSON.stringify(out).slice(0, 300)}`);
  }
  const byId = new Map(out.map((r) => [r.id, r]));
  return body.map((b) => {
    const r = byId.get(b.id);
    if (!r) {
      die(`no answer to ${b.method}`);
    }
    if (r.error) {
      die(`${b.method}: ${JSON.stringify(r.error)}`);
    }
    return r.result;
  });
}

async function rpcChunked(url, calls) {
  const out = [];
  for (let i = 0; i < calls.length; i += BATCH) {
    out.push(...(await rpcBatch(url, calls.slice(i, i + BATCH))));
  }
  return out;
}

function word(hex) {
  return hex.padStart(64, '0');
}

async function receiptsOf(url, hashes) {
  const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
  const got = new Array(hashes.length).fill(null);
  const deadline = Date.now() + 120000;
  for (;;) {
    const missing = [];
    got.forEach((r, i) => {
      if (r === null) {
        missing.push(i);
      }
    });
    if (missing.length === 0) {
      return got;
    }
    if (Date.now() > deadline) {
      die(`${missing.length} receipts missing after 120 s`);
    }
    const res = await rpcChunked(url, missing.map((i) => ['eth_getTransactionReceipt', [hashes[i]]]));
    res.forEach((r, k) => {
      got[missing[k]] = r;
    });
    if (res.some((r) => r === null)) {
      await sleep(500);
    }
  }
}

function sumReceipts(receipts) {
  let gas = 0n;
  let failed = 0;
  const blocks = new Set();
  for (const r of receipts) {
    gas += BigInt(r.gasUsed);
    if (BigInt(r.status) !== 1n) {
      failed += 1;
    }
    blocks.add(r.blockNumber);
  }
  return { gas, failed, blocks: blocks.size };
}

async function mints(url, from, token, file) {
  const lines = fs.readFileSync(file, 'utf8').split('\n').filter((l) => l.trim() !== '');
  const items = lines.map((l) => {
    const [addr, amount] = l.trim().split(/\s+/);
    if (!/^0x[0-9a-fA-F]{40}$/.test(addr) || !/^[0-9]+$/.test(amount)) {
      die(`bad line: ${l}`);
    }
    return `0x${MINT_SELECTOR}${word(addr.slice(2).toLowerCase())}${word(BigInt(amount).toString(16))}`;
  });
  // In rounds of MINT_ROUND transactions, each round mined before the
  // next is sent: the node drops part of a pool of thousands. Nonces are
  // given explicitly: the node handles a batch's requests concurrently
  // and would hand two of them the same one.
  const receiptsAll = [];
  for (let off = 0; off < items.length; off += MINT_ROUND) {
    const [count] = await rpcBatch(url, [['eth_getTransactionCount', [from, 'pending']]]);
    let nonce = BigInt(count);
    const calls = items.slice(off, off + MINT_ROUND).map((data) => {
      // A fixed gas limit: no estimate per transaction, and room to spare.
      const tx = { from, to: token, data, gas: '0x186a0', nonce: `0x${nonce.toString(16)}` };
      nonce += 1n;
      return ['eth_sendTransaction', [tx]];
    });
    const hashes = await rpcChunked(url, calls);
    receiptsAll.push(...(await receiptsOf(url, hashes)));
  }
  const s = sumReceipts(receiptsAll);
  process.stdout.write(`mints txs=${receiptsAll.length} gas=${s.gas} failed=${s.failed} blocks=${s.blocks}\n`);
}

async function receipts(url, file) {
  const hashes = fs.readFileSync(file, 'utf8').split('\n').map((l) => l.trim()).filter((l) => l !== '');
  const s = sumReceipts(await receiptsOf(url, hashes));
  process.stdout.write(`receipts txs=${hashes.length} gas=${s.gas} failed=${s.failed} blocks=${s.blocks}\n`);
}

async function windowOf(url, signer, fromBlock, toBlock) {
  const who = signer.toLowerCase();
  const nums = [];
  for (let n = fromBlock; n <= toBlock; n++) {
    nums.push(n);
  }
  const blocks = await rpcChunked(url, nums.map((n) => ['eth_getBlockByNumber', [`0x${n.toString(16)}`, false]]));
  const rcpts = await rpcChunked(url, nums.map((n) => ['eth_getBlockReceipts', [`0x${n.toString(16)}`]]));
  const per = nums.map((n, i) => {
    let gas = 0n;
    let txs = 0;
    for (const r of rcpts[i] || []) {
      if ((r.from || '').toLowerCase() === who) {
        gas += BigInt(r.gasUsed);
        txs += 1;
      }
    }
    return { n, gas, txs, limit: BigInt(blocks[i].gasLimit), used: BigInt(blocks[i].gasUsed) };
  });
  const withTx = per.filter((b) => b.txs > 0);
  if (withTx.length === 0) {
    process.stdout.write('window signer_txs=0\n');
    return;
  }
  const first = withTx[0].n;
  const last = withTx[withTx.length - 1].n;
  let gas = 0n;
  let limit = 0n;
  let used = 0n;
  let txs = 0;
  let maxTxs = 0;
  let idle = 0;
  for (const b of per) {
    if (b.n < first || b.n > last) {
      continue;
    }
    gas += b.gas;
    limit += b.limit;
    used += b.used;
    txs += b.txs;
    maxTxs = Math.max(maxTxs, b.txs);
    if (b.txs === 0) {
      idle += 1;
    }
  }
  process.stdout.write(`window first=${first} last=${last} blocks=${last - first + 1} signer_txs=${txs}` +
    ` signer_gas=${gas} gas_limit=${limit} all_gas=${used} max_txs_per_block=${maxTxs} idle_blocks=${idle}\n`);
}

async function main() {
  const [cmd, ...a] = process.argv.slice(2);
  if (cmd === 'mints' && a.length === 4) {
    await mints(a[0], a[1], a[2], a[3]);
  } else if (cmd === 'receipts' && a.length === 2) {
    await receipts(a[0], a[1]);
  } else if (cmd === 'window' && a.length === 4) {
    await windowOf(a[0], a[1], Number(a[2]), Number(a[3]));
  } else {
    die('usage: mints URL FROM TOKEN FILE | receipts URL FILE | window URL SIGNER FROM TO');
  }
}

main().catch((e) => die(e.stack || String(e)));
