/**
 * The bench's load generator, run in a process of its own (as the platform's servers are not in
 * ours): autocannon POSTs Telegram updates, each with a new update_id, to the URL it is given,
 * and prints its result as JSON. The bare server and the webhook get exactly the same requests.
 *
 * Arguments: url, secret token, message text, connections, seconds.
 */
import autocannon from 'autocannon';
import { textUpdate } from '../tests/helpers/fake-telegram.js';

const [url, secret, text, connections, seconds] = process.argv.slice(2);
if (!url || !secret || !text || !connections || !seconds) throw new Error('usage: load.ts URL SECRET TEXT CONNECTIONS SECONDS');
let n = 0;
const result = await autocannon({
  url,
  connections: Number(connections),
  duration: Number(seconds),
  requests: [
    {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-telegram-bot-api-secret-token': secret },
      // 5000 families, each writing again and again.
      setupRequest: (req) => ({ ...req, body: JSON.stringify(textUpdate(100_000 + (n++ % 5000), text)) }),
    },
  ],
});
process.stdout.write(JSON.stringify(result));
