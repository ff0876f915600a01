// A fast fake OpenAI-compatible upstream for bench/bench.sh (Node's own http module, no dependencies).
//   POST <any>/chat/completions             a fixed JSON completion, or with "stream":true a fixed 8-event stream at once
//   POST ...  with header x-bench-pace: N,MS, or "bench_pace":"N,MS" in the body (which a gateway passes on as it is,
//             where it may not pass the header)  a stream of N events MS ms apart (time to first event, the soak)
//   GET  <any>/models                        a two-model catalogue
// Usage: node fake-upstream.js PORT
'use strict';
const http = require('http');

const port = Number(process.argv[2] || 18001);
const completion = JSON.stringify({
  id: 'gen-bench', object: 'chat.completion', created: 1730000000, model: 'bench/model',
  choices: [{ index: 0, message: { role: 'assistant', content: 'Hello from the bench upstream.' }, finish_reason: 'stop' }],
  usage: { prompt_tokens: 9, completion_tokens: 7, total_tokens: 16, cost: 0.00001 },
});
const event = (i) => 'data: ' + JSON.stringify({
  id: 'gen-bench', object: 'chat.completion.chunk', created: 1730000000, model: 'bench/model',
  choices: [{ index: 0, delta: { content: 'w' + i + ' ' }, finish_reason: null }],
}) + '\n\n';
const burst = Array.from({ length: 8 }, (_, i) => event(i)).join('') + 'data: [DONE]\n\n';
const catalogue = JSON.stringify({ data: [{ id: 'bench/model', created: 1730000000 }, { id: 'bench/other', created: 1730000000 }] });

const server = http.createServer((req, res) => {
  const chunks = [];
  req.on('data', (c) => chunks.push(c));
  req.on('end', () => {
    if (req.method === 'GET' && req.url.endsWith('/models')) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(catalogue) });
      res.end(catalogue);
      return;
    }
    const body = Buffer.concat(chunks).toString('utf8');
    const stream = /"stream"\s*:\s*true/.test(body);
    if (!stream) {
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(completion) });
      res.end(completion);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
    const inBody = /"bench_pace"\s*:\s*"(\d+,\d+)"/.exec(body);
    const pace = req.headers['x-bench-pace'] || (inBody && inBody[1]);
    if (!pace) {
      res.end(burst);
      return;
    }
    const [count, gap] = pace.split(',').map(Number);
    let sent = 0;
    const next = () => {
      if (res.destroyed) return;
      if (sent === count) { res.end('data: [DONE]\n\n'); return; }
      res.write(event(sent++));
      setTimeout(next, gap);
    };
    next();
  });
});
server.keepAliveTimeout = 60000;
server.headersTimeout = 65000;
server.listen(port, '127.0.0.1', () => console.log('fake upstream on 127.0.0.1:' + port));
