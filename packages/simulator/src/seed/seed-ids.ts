/**
 * The demo tenant's fixed ids (the API reference's documented examples among them): data only, so a
 * production proxy can name them without loading the simulator (`@ondemand/simulator/seed-ids`).
 */
export const DEMO_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const DEMO_CLIENT_ID = 'a6f2e1c0-5d3b-4b8e-9f6a-0d1c2b3a4e5f';
export const READER_CLIENT_ID = 'b7a3f2d1-6e4c-4c9f-8a7b-1e2d3c4b5a6f';
export const OWNED_BY_CLIENT_ID = 'c8b4a3e2-7f5d-4dae-9b8c-2f3e4d5c6b7a';
/** The ondemand console's app registration: a web app whose app roles are the proxy's roles. */
export const CONSOLE_CLIENT_ID = 'd9c5b4f3-8a6e-4ebf-ac9d-3a4f5e6d7c8b';

export const documentedIds = {
  saasServicePrincipal: 'c8c95753-f628-48e1-9fab-76c2d4cf624c',
  saasJob: '3f7565a3-fde6-4e4d-bda8-1bb70aba3612',
  saasRule: 'ea807875-5618-4f0a-9125-0b46a05298ca',
  saasUser: '9bb0f679-a883-4a6f-8260-35b491b8b8c8',
  cloudSyncServicePrincipal: '3e916d82-dd59-4944-824d-93092908fd8d',
  cloudSyncJob: '264ea562-28cd-42b1-93e0-8de1f0560581',
  cloudSyncRule: '6c409270-f78a-4bc6-af23-7cf3ab6482fe',
  adUserDn: 'CN=AdeleV,CN=Users,DC=corp,DC=chicago,DC=com',
  groupServicePrincipal: '4e116d82-dd59-4944-824d-93091408fd8d',
  groupJob: '664ea562-18cd-42bb-33e0-8de1f0560581',
  groupRule: '33f7c90d-bf71-41b1-bda6-aaf0ddbee5d8#V2',
  group: '8213fd99-d6b6-417b-8e13-af6334856215',
  groupMembers: ['cbc86211-6ada-4803-b73f-8039cf56d8a2', '2bc86211-6ada-4803-b73f-8039cf56d8a2'],
  githubServicePrincipal: '5f2a9c41-3b7e-4d6a-8c1f-9e0d2b4a6c8e',
  githubJob: 'gitHubEnterpriseCloud.6855f4b1d9e04d5b9a1cc3e7.16d1c2a3b4e5f6a7b8c9d0e1',
  githubRule: '03f7d90d-bf71-41b1-bda6-aaf0ddbee5d8',
} as const;
