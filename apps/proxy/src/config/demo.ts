import { randomBytes } from 'node:crypto';
import { documentedIds as ids } from '@ondemand/simulator/seed-ids';
import { hashApiKey } from '../auth/api-keys.js';
import type { Role } from '../auth/roles.js';
import type { ProxyConfigInput } from './config.js';

/** Demo principals and the roles they hold; each gets a fresh key at every start. */
const demoPrincipals: Array<[principal: string, roles: Role[]]> = [
  ['requester', ['requester']],
  ['approver', ['approver']],
  ['approver-2', ['approver']],
  ['auditor', ['auditor']],
  ['admin', ['admin']],
];

/**
 * The demo: single users on the app-provisioning job are allowed; groups and the cloud-sync job
 * need one approver; everything else is denied.
 */
export function demoConfig(
  graph: { baseUrl: string; tenantId: string; clientId: string },
  database: string,
  /** HTTPS with this certificate; plain HTTP (for in-process tests) without. */
  tls?: { certificateFile: string; keyFile: string },
): { config: ProxyConfigInput; keys: Record<string, string> } {
  const keys: Record<string, string> = {};
  const apiKeys = demoPrincipals.map(([principal, roles]) => {
    keys[principal] = `odp_${principal}_${randomBytes(18).toString('base64url')}`;
    return { principal, roles, sha256: hashApiKey(keys[principal]!) };
  });
  return {
    keys,
    config: {
      port: 0,
      database,
      ...(tls ? { tls } : { plainHttp: true }),
      graph: { baseUrl: graph.baseUrl, tenantId: graph.tenantId, clientId: graph.clientId },
      apiKeys,
      policy: {
        rules: [
          {
            name: 'groups need an approver',
            match: { objectType: ['Group'] },
            decision: 'require_approval',
            approvals: { count: 1, roles: ['approver'], expiresInMinutes: 60 },
          },
          {
            name: 'cloud sync needs an approver',
            match: { servicePrincipal: [ids.cloudSyncServicePrincipal] },
            decision: 'require_approval',
            approvals: { count: 1, roles: ['approver'], expiresInMinutes: 60 },
          },
          {
            name: 'single users on app provisioning',
            match: { objectType: ['User', 'Worker'], maxSubjects: 1 },
            decision: 'allow',
          },
          {
            // A restart can re-evaluate everyone or lift a quarantine: a second person looks first.
            name: 'job restarts need an approver',
            match: { action: ['restart'] },
            decision: 'require_approval',
            approvals: { count: 1, roles: ['approver'], expiresInMinutes: 60 },
          },
          {
            name: 'start, pause and credential tests',
            match: { action: ['start', 'pause', 'validateCredentials'] },
            decision: 'allow',
          },
        ],
        otherwise: 'deny',
      },
    },
  };
}
