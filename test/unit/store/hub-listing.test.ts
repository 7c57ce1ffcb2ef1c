// What a hub or mirror lists is bounded before any of it counts: sizes a download could hold, paths inside the
// repository, and a number of files a model repository has.
import { expect, test } from 'vitest';
import { HubClient, LISTING_LIMITS } from '../../../src/store/hub-client';

const COMMIT = 'a'.repeat(40);
const oid = (n: number) => n.toString(16).padStart(64, '0');

function hubListing(entries: unknown[]): HubClient {
  return new HubClient('https://mirror.example', async () => new Response(JSON.stringify(entries), { headers: { 'content-type': 'application/json' } }));
}

test('entries with impossible sizes or paths outside the repository are not listed', async () => {
  const files = await hubListing([
    { type: 'file', path: 'config.json', size: 1200, oid: 'b'.repeat(40) },
    { type: 'file', path: 'model.safetensors', size: 2_340_000_000, lfs: { oid: oid(1) } },
    { type: 'file', path: 'huge.safetensors', size: 10 ** 15, lfs: { oid: oid(2) } },
    { type: 'file', path: 'negative.bin', size: -5, lfs: { oid: oid(3) } },
    { type: 'file', path: 'fraction.bin', size: 1.5, lfs: { oid: oid(4) } },
    { type: 'file', path: '../outside.json', size: 10, oid: 'c'.repeat(40) },
    { type: 'file', path: '/absolute.json', size: 10, oid: 'c'.repeat(40) },
    { type: 'file', path: 'onnx//double.onnx', size: 10, oid: 'c'.repeat(40) },
    { type: 'file', path: 'a\\b.json', size: 10, oid: 'c'.repeat(40) },
    { type: 'file', path: 'x'.repeat(LISTING_LIMITS.pathChars + 1), size: 10, oid: 'c'.repeat(40) },
  ]).listFiles('org/model', COMMIT, new AbortController().signal);
  expect(files.map((file) => file.path)).toEqual(['config.json', 'model.safetensors']);
});

test('a listing of more files than a model repository holds is refused', async () => {
  const many = Array.from({ length: LISTING_LIMITS.files + 1 }, (_, i) => ({ type: 'file', path: `f${i}.json`, size: 1, oid: 'd'.repeat(40) }));
  await expect(hubListing(many).listFiles('org/model', COMMIT, new AbortController().signal)).rejects.toThrow(/more than 10000 files/);
});

test('a repository the hub does not know is named in words, not as a status and a URL', async () => {
  const hub = new HubClient('https://mirror.example', async () => new Response('{"error":"Repository not found"}', { status: 404 }));
  await expect(hub.resolveCommit('LiquidAI/LFM2.5-does-not-exist', 'main', new AbortController().signal)).rejects.toThrow('LiquidAI/LFM2.5-does-not-exist (revision main) was not found on the hub: check the name, or it may be private.');
});
