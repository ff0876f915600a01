// Opens N concurrent paced streams (POST, "stream":true, header x-bench-pace) and reports time to first event
// (p50/p99/max), how many ended with [DONE], and errors. Usage: node streams.js URL KEY MODEL N EVENTS GAP_MS [SECONDS]
// Without SECONDS, N streams are opened at once, once. With it, N streams are kept open for SECONDS: the starts are
// spread over one stream's length (EVENTS x GAP_MS) and each stream that ends is replaced at once, so about N are open
// at any moment and none is measured in the burst of N connections opened in the same millisecond.
'use strict';
const http = require('http');
const [url, key, model, n, events, gap, seconds] = process.argv.slice(2);
const target = new URL(url);
const agent = new http.Agent({ keepAlive: true, maxSockets: Number(n) });
const body = JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hi' }], bench_pace: events + ',' + gap });
const firsts = [];
let done = 0, errors = 0, finished = 0, open = 0, peakOpen = 0;

function one() {
  return new Promise((resolve) => {
    const started = process.hrtime.bigint();
    open++;
    peakOpen = Math.max(peakOpen, open);
    let first = false, text = '';
    const req = http.request({
      host: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent,
      headers: { 'content-type': 'application/json', authorization: 'Bearer ' + key, 'x-bench-pace': events + ',' + gap,
                 'content-length': Buffer.byteLength(body) },
    }, (res) => {
      if (res.statusCode !== 200) errors++;
      res.setEncoding('utf8');
      res.on('data', (chunk) => {
        if (!first && chunk.includes('data:')) {
          first = true;
          firsts.push(Number(process.hrtime.bigint() - started) / 1e6);
        }
        text += chunk.length > 64 ? chunk.slice(-64) : chunk;
        if (text.length > 256) text = text.slice(-128);
      });
      res.on('end', () => { if (text.includes('[DONE]')) done++; finished++; open--; resolve(); });
      res.on('error', () => { errors++; finished++; open--; resolve(); });
    });
    req.on('error', () => { errors++; finished++; open--; resolve(); });
    req.end(body);
  });
}

const pct = (xs, p) => { const s = [...xs].sort((a, b) => a - b); return s.length ? s[Math.min(s.length - 1, Math.floor(p * s.length))] : NaN; };
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));
async function worker(i, until) {
  await sleep(i * Number(events) * Number(gap) / Number(n));
  do { await one(); } while (Date.now() < until);
}
const runs = seconds
  ? Array.from({ length: Number(n) }, (_, i) => worker(i, Date.now() + Number(seconds) * 1000))
  : Array.from({ length: Number(n) }, one);
Promise.all(runs).then(() => {
  console.log(JSON.stringify({ streams: finished, peak_open: peakOpen, done, errors, first_event_p50_ms: pct(firsts, 0.5),
    first_event_p99_ms: pct(firsts, 0.99), first_event_max_ms: pct(firsts, 1) }));
  agent.destroy();
});
