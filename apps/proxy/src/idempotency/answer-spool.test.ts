import { appendFileSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from '@ondemand/test-utils/temp-dir';
import { describe, expect, it } from 'vitest';
import { SqliteStore } from '../store/sqlite/sqlite-store.js';
import { AnswerSpool } from './answer-spool.js';
import type { IdempotentAnswer } from './idempotency-store.js';

const answer = (text: string): IdempotentAnswer => ({
  kind: 'answer',
  answer: { status: 200, headers: { 'content-type': 'application/json' }, text },
});

/** A store holding one claimed, unanswered key for request hash `h1`. */
async function storeWithClaim(dir: string) {
  const store = new SqliteStore(join(dir, 'proxy.sqlite'));
  const at = new Date().toISOString();
  await store.claimIdempotencyKey(
    { principal: 'requester', key: 'k1', requestHash: 'h1', requestId: 'r1', replica: 'a', at },
    at,
  );
  return store;
}

const claimOf = (store: SqliteStore, requestHash = 'h1') => {
  const at = new Date().toISOString();
  return store.claimIdempotencyKey(
    { principal: 'requester', key: 'k1', requestHash, requestId: 'r2', replica: 'a', at },
    new Date(0).toISOString(),
  );
};

describe("an Idempotency-Key's answer kept on this machine's disk", () => {
  it('is written to its key once the store takes it, and the file is emptied; the file is private', async () => {
    const dir = tempDir();
    const store = await storeWithClaim(dir);
    const spool = new AnswerSpool(join(dir, 'answers.ndjson'), Buffer.alloc(32, 7));
    await spool.keep({ principal: 'requester', key: 'k1', requestHash: 'h1', answer: answer('{"graph":1}') });
    expect(statSync(spool.path).mode & 0o077).toBe(0);
    expect(await spool.flush(store)).toHaveLength(1);
    expect(await claimOf(store)).toEqual({ kind: 'answered', answer: answer('{"graph":1}') });
    expect(readFileSync(spool.path, 'utf8')).toBe('');
    store.close();
  });

  it('refuses a line without its MAC, a torn line, and never changes a kept answer or another request’s key', async () => {
    const dir = tempDir();
    const store = await storeWithClaim(dir);
    const key = Buffer.alloc(32, 7);
    const spool = new AnswerSpool(join(dir, 'answers.ndjson'), key);
    // Added by someone who can write the folder but has no key: refused.
    appendFileSync(
      spool.path,
      `${JSON.stringify({ value: { principal: 'requester', key: 'k1', requestHash: 'h1', answer: answer('forged') } })}\n`,
    );
    // Cut off by a crash mid-write: refused, and the next line stands alone.
    appendFileSync(spool.path, '{"value":{"principal":"requester","ke');
    await spool.keep({ principal: 'requester', key: 'k1', requestHash: 'other', answer: answer('other') });
    const refused: Array<{ line: number; why: string }> = [];
    await spool.flush(store, (lines) => refused.push(...lines));
    expect(refused.map(({ why }) => why)).toEqual([
      'its MAC is not one this proxy made',
      'it is not a whole line (cut off by a crash?)',
    ]);
    // The line for another request hash wrote nothing: the key still waits for its own answer.
    expect(await claimOf(store)).toEqual({ kind: 'in_flight' });
    await spool.keep({ principal: 'requester', key: 'k1', requestHash: 'h1', answer: answer('first') });
    await spool.keep({ principal: 'requester', key: 'k1', requestHash: 'h1', answer: answer('second') });
    await spool.flush(store);
    expect(await claimOf(store)).toEqual({ kind: 'answered', answer: answer('first') });
    expect(readFileSync(`${spool.path}.refused`, 'utf8').trim().split('\n')).toHaveLength(2);
    store.close();
  });
});
