export type { Checkpoint } from './checkpoint.js';
export {
  CheckpointSigner,
  checkpointMessage,
  checkpointSchema,
  keyIdOf,
  readPublicKey,
  readSigningKey,
  signedBy,
} from './checkpoint.js';
export type { AuditAction, AuditEntry, AuditFields, AuditRow, ChainHead, ChainRow } from './entry.js';
export {
  canonicalJson,
  chainRows,
  entryHash,
  entryText,
  GENESIS_HASH,
  hashedText,
  sha256,
  storableText,
  toEntry,
} from './entry.js';
export type { OfflineVerifyOptions } from './offline-verify.js';
export { OfflineVerifyError, verifyOffline } from './offline-verify.js';
export type { ClosableChain } from './postgres-chain.js';
export type { CheckpointRow } from './table.js';
export {
  AUDIT_COLUMNS,
  auditTableDdl,
  CHAIN_BATCH,
  CHECKPOINT_COLUMNS,
  CHECKPOINT_TABLE_DDL,
  rowEntry,
  toChainRow,
  toCheckpoint,
  toRowValues,
} from './table.js';
export type {
  ChainProblem,
  ChainProblemKind,
  ChainSource,
  ChainTrust,
  ChainVerdict,
} from './verify-chain.js';
export { MAX_LISTED_PROBLEMS, verifyChain } from './verify-chain.js';
export { appendToWitness, readWitness } from './witness-file.js';
