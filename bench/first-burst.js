// The load of ../shared/probes/ttfb-probe.js (CONNECTIONS keep-alive loops, all started at once, each sending one
// streamed request after another for SECONDS), with each stream's first event filed under when the stream started:
// the first burst (every loop's first request, sent in the same moment), the second round, and the rest. The probe's
// p99 over a 20 s run is about its 100th-worst stream of 10,000, so it is set by the first burst's tail; this shows
// whether a gateway is slow in the burst or after it.
// Usage: node first-burst.js URL MODEL 'Header: value' CONNECTIONS SECONDS ROUND_MS
// (ROUND_MS: one stream's length, 20 events x their gap; the second round starts about then.)
// Prints one line, FIRSTBURST {json}: streams, errors, streams without [DONE], and first-event p50/p90/p99/max in ms
// over all streams and per part.
'use strict';
const http = require('http');
const [url, model, header, connectionsArg, secondsArg, roundArg] = process.argv.slice(2);
const target = new URL(url);
const connections = Number(connectionsArg), seconds = Number(secondsArg), round = Number(roundArg);
const body = JSON.stringify({ model, stream: true, messages: [{ role: 'user', content: 'hello' }] });
const headers = { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) };
const colon = header ? header.indexOf(':') : -1;
if (colon > 0) headers[header.slice(0, colon).trim()] = header.slice(colon + 1).trim();
const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
const origin = process.hrtime.bigint();
const millis = (from, to) => Number(to - from) / 1e6;
const streams = []; // [started ms after origin, first event ms]
let errors = 0, withoutDone = 0;

function stream() {
  return new Promise((resolve) => {
    const sent = process.hrtime.bigint();
    let first = null, last = '';
    const req = http.request({ host: target.hostname, port: target.port, path: target.pathname, method: 'POST', headers, agent }, (res) => {
      if (res.statusCode !== 200) { errors++; res.resume(); res.on('end', resolve); return; }
      res.on('data', (chunk) => {
        const text = chunk.toString();
        if (first === null && text.includes('data:')) first = process.hrtime.bigint();
        last = (last + text).slice(-64);
      });
      res.on('end', () => {
        if (!last.includes('[DONE]')) withoutDone++;
        if (first !== null) streams.push([millis(origin, sent), millis(sent, first)]);
        resolve();
      });
    });
    req.on('error', () => { errors++; resolve(); });
    req.end(body);
  });
}

async function loop(until) { while (Date.now() < until) await stream(); }

function summary(firsts) {
  const sorted = firsts.slice().sort((a, b) => a - b);
  const at = (p) => sorted.length ? +sorted[Math.min(sorted.length - 1, Math.floor(p / 100 * sorted.length))].toFixed(1) : null;
  return { n: sorted.length, p50: at(50), p90: at(90), p99: at(99), max: at(100) };
}

const until = Date.now() + seconds * 1000;
Promise.all(Array.from({ length: connections }, () => loop(until))).then(() => {
  // A loop's first stream starts within the first half round; its second, one stream's length later.
  const part = (from, to) => summary(streams.filter(([start]) => start >= from && start < to).map(([, first]) => first));
  console.log('FIRSTBURST ' + JSON.stringify({
    streams: streams.length, errors, without_done: withoutDone,
    all: summary(streams.map(([, first]) => first)),
    first_burst: part(0, round / 2),
    second_round: part(round / 2, 2 * round),
    after: part(2 * round, Infinity),
  }));
  agent.destroy();
});
