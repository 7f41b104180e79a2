// Keeps request bodies byte-exact across a Prism proxy, for tests/api/prism_sync.sh.
// Prism's proxy parses a JSON body and re-serialises it, and reads any other body as
// UTF-8 text, so a binary attachment chunk reaches the upstream altered and its
// signature (over the body's SHA-256) fails. Prism still has to see every request and
// every reply: this sits on both sides of it.
//
//   kiosk → front (stores the body, tags the request) → Prism (validates) →
//   back (puts the stored body back) → yimen-server, and the reply all the way back.
//
// usage: node body_keeper.js UPSTREAM_PORT PRISM_PORT   (the server's port and the
//   port Prism will listen on); prints "body-keeper: front F back B" when listening.
'use strict';
const http = require('http');

const upstreamPort = Number(process.argv[2]);
const stored = new Map();  // tag → the body the kiosk sent
let nextTag = 1;
const prismPort = Number(process.argv[3]);
let altered = 0;  // bodies Prism passed on changed (reported at exit)
let carried = 0;
let violations = 0;  // replies Prism marked

const hopByHop = ['connection', 'keep-alive', 'transfer-encoding', 'content-length', 'host'];

function readAll(stream) {
  return new Promise((resolve, reject) => {
    const chunks = [];
    stream.on('data', c => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

// Sends method/url/headers/body to 127.0.0.1:port and copies the reply to `reply`.
function forward(port, request, headers, body, reply) {
  const clean = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!hopByHop.includes(name.toLowerCase())) clean[name] = value;
  }
  if (body.length > 0 || !['GET', 'HEAD'].includes(request.method)) {
    clean['content-length'] = String(body.length);
  }
  const out = http.request({host: '127.0.0.1', port, method: request.method, path: request.url,
                            headers: clean, agent: false}, upstream => {
    const replyHeaders = {};
    for (const [name, value] of Object.entries(upstream.headers)) {
      if (!hopByHop.includes(name.toLowerCase())) replyHeaders[name] = value;
    }
    readAll(upstream).then(data => {
      // Prism's verdict: an sl-violations header (warnings, and errors without
      // --errors) or, with --errors, its own error reply in place of the server's.
      const text = data.toString('utf8');
      if (port === prismPort &&
          (upstream.headers['sl-violations'] !== undefined || text.includes('prism/errors#'))) {
        violations++;
        console.log(`body-keeper: violation in ${request.method} ${request.url} (HTTP ` +
                    `${upstream.statusCode}): ${upstream.headers['sl-violations'] || ''} ` +
                    text.slice(0, 2000));
      }
      replyHeaders['content-length'] = String(data.length);
      reply.writeHead(upstream.statusCode, replyHeaders);
      reply.end(data);
    });
  });
  out.on('error', error => {
    reply.writeHead(502, {'content-type': 'text/plain'});
    reply.end('body-keeper: ' + error.message);
  });
  out.end(body);
}

const front = http.createServer(async (request, reply) => {
  const body = await readAll(request);
  const headers = {...request.headers};
  if (body.length > 0) {
    const tag = String(nextTag++);
    stored.set(tag, body);
    headers['x-apicheck-body'] = tag;
  }
  forward(prismPort, request, headers, body, reply);
});

const back = http.createServer(async (request, reply) => {
  let body = await readAll(request);
  const headers = {...request.headers};
  const tag = headers['x-apicheck-body'];
  delete headers['x-apicheck-body'];
  if (tag !== undefined && stored.has(tag)) {
    const original = stored.get(tag);
    stored.delete(tag);
    carried++;
    if (!original.equals(body)) {
      altered++;
      console.log(`body-keeper: Prism altered the body of ${request.method} ${request.url} ` +
                  `(${original.length} bytes sent, ${body.length} forwarded)`);
    }
    body = original;
  }
  forward(upstreamPort, request, headers, body, reply);
});

process.on('SIGTERM', () => {
  console.log(`body-keeper: ${carried} bodies carried, ${altered} of them altered by Prism; ` +
              `${violations} replies marked by Prism`);
  process.exit(0);
});

front.listen(0, '127.0.0.1', () => {
  back.listen(0, '127.0.0.1', () => {
    console.log(`body-keeper: front ${front.address().port} back ${back.address().port}`);
  });
});
