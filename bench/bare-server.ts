/** The baseline: a bare Node http server answering the same pixel, with no work behind it. */
import { createServer } from 'node:http';
import { GIF } from '../collector/http';

const server = createServer((_req, res) => {
  res.writeHead(200, {
    'Content-Type': 'image/gif',
    'Content-Length': String(GIF.length),
    'Cache-Control': 'no-cache, no-store, must-revalidate',
  });
  res.end(GIF);
});
server.keepAliveTimeout = 65000;
server.listen(Number(process.env.PORT), '127.0.0.1');
