// The tutorial's programs, built natively and as wasm, in all four
// server/client pairings: each side must print exactly what the native pair
// prints.

import { describe, expect, it, beforeAll } from 'vitest';
import { assertBuilt, normalisePort, PAIRINGS, runPair, type PairResult } from './helpers/programs.js';

interface Example {
  proto: 'tcp' | 'udp';
  server: string;
  client: string;
  serverArgs: (port: number) => string[];
  clientArgs: (port: number) => string[];
}

const EXAMPLES: Example[] = [
  { proto: 'tcp', server: 'server', client: 'client', serverArgs: (p) => [String(p)], clientArgs: (p) => ['127.0.0.1', String(p)] },
  { proto: 'udp', server: 'udp_server', client: 'udp_client', serverArgs: (p) => [String(p)], clientArgs: (p) => ['127.0.0.1', String(p), 'hello over udp'] },
];

function transcript(result: PairResult, port: number) {
  return {
    server: { code: result.server.code, stdout: normalisePort(result.server.stdout, port) },
    client: { code: result.client.code, stdout: normalisePort(result.client.stdout, port) },
  };
}

for (const example of EXAMPLES) {
  describe(`${example.server} + ${example.client} (${example.proto})`, () => {
    let native: ReturnType<typeof transcript>;

    beforeAll(async () => {
      assertBuilt(example.server);
      assertBuilt(example.client);
      let port = 0;
      const result = await runPair(PAIRINGS[0], example, { server: (p) => example.serverArgs((port = p)), client: example.clientArgs }, example.proto);
      native = transcript(result, port);
    });

    it('the native pair succeeds and says something', () => {
      expect(native.server.code).toBe(0);
      expect(native.client.code).toBe(0);
      expect(native.server.stdout.length).toBeGreaterThan(0);
      expect(native.client.stdout.length).toBeGreaterThan(0);
    });

    for (const pairing of PAIRINGS.slice(1)) {
      it(`${pairing.name}: same output as the native pair`, async () => {
        let port = 0;
        const result = await runPair(pairing, example, { server: (p) => example.serverArgs((port = p)), client: example.clientArgs }, example.proto);
        const got = transcript(result, port);
        expect({ got, stderr: { server: result.server.stderr, client: result.client.stderr } }).toEqual({ got: native, stderr: { server: '', client: '' } });
      });
    }
  });
}
