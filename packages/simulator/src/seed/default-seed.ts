import { createHash, randomBytes } from 'node:crypto';
import type { SeedInput } from './seed-schema.js';

/**
 * The demo tenant. Its apps, jobs, rules and objects carry the ids of the API reference's three
 * examples, so the documented requests run against it unchanged and answer as documented:
 * 1. a user already in the SaaS app → Skipped, RedundantExport;
 * 2. an AD user whose Entra account lacks attributes → Success, Update;
 * 3. a group and two members through a rule with a #V2 suffix → Success, "{}".
 */

export const DEMO_TENANT_ID = '72f988bf-86f1-41af-91ab-2d7cd011db47';
export const DEMO_CLIENT_ID = 'a6f2e1c0-5d3b-4b8e-9f6a-0d1c2b3a4e5f';
export const READER_CLIENT_ID = 'b7a3f2d1-6e4c-4c9f-8a7b-1e2d3c4b5a6f';
export const OWNED_BY_CLIENT_ID = 'c8b4a3e2-7f5d-4dae-9b8c-2f3e4d5c6b7a';

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

/** A stable GUID for a name, so the demo tenant is the same at every start. */
export function stableGuid(name: string): string {
  const hex = createHash('sha1').update(name).digest('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const firstNames = [
  'Adele',
  'Alex',
  'Bianca',
  'Carlos',
  'Chen',
  'Diego',
  'Elif',
  'Fatima',
  'Grace',
  'Hiro',
  'Ingrid',
  'Jamal',
  'Kofi',
  'Lena',
  'Mateo',
  'Nadia',
  'Omar',
  'Priya',
  'Quinn',
  'Rosa',
  'Sven',
  'Tariq',
  'Uma',
  'Viktor',
  'Wen',
];
const lastNames = [
  'Vance',
  'Wilber',
  'Nakamura',
  'Okafor',
  'Lindqvist',
  'Haddad',
  'Moreau',
  'Silva',
  'Kowalski',
  'Patel',
];
const departments = ['Sales', 'Engineering', 'Marketing', 'Finance', 'Support'];
const cities = ['Chicago', 'Seattle', 'Dublin', 'Munich', 'Singapore'];

const saasMappings = [
  { source: 'userPrincipalName', target: 'userName', matching: true },
  { source: 'displayName', target: 'displayName' },
  { source: 'mailNickname', target: 'externalId' },
  { source: 'accountEnabled', target: 'active' },
  { source: 'department', target: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department' },
];

/** The demo tenant; `clientSecret` is made fresh unless given, so no secret lives in the code. */
export function defaultSeed(options: { clientSecret?: string } = {}): SeedInput {
  const tenantDomain = 'contoso.onmicrosoft.com';
  const users: NonNullable<SeedInput['users']> = [];
  const named = (index: number) => {
    const given = firstNames[index % firstNames.length]!;
    const family = lastNames[Math.floor(index / firstNames.length) % lastNames.length]!;
    return { given, family };
  };
  for (let index = 0; index < 50; index++) {
    const { given, family } = named(index + 1);
    const nickname = `${given}.${family}`.toLowerCase();
    users.push({
      id: stableGuid(`user-${index}`),
      userPrincipalName: `${nickname}@${tenantDomain}`,
      displayName: `${given} ${family}`,
      givenName: given,
      surname: family,
      mail: `${nickname}@contoso.com`,
      mailNickname: nickname,
      accountEnabled: index % 17 !== 16,
      department: departments[index % departments.length],
      jobTitle: index % 7 === 0 ? 'Manager' : 'Specialist',
      city: cities[index % cities.length],
      country: 'US',
      employeeId: String(10_000 + index),
      directoryRoles: [],
    });
  }
  users.push(
    {
      id: documentedIds.saasUser,
      userPrincipalName: `bill.bob@${tenantDomain}`,
      displayName: 'Bill Bob',
      givenName: 'Bill',
      surname: 'Bob',
      mailNickname: 'Bill',
      accountEnabled: true,
      department: 'Sales',
      directoryRoles: [],
    },
    ...documentedIds.groupMembers.map((id, index) => ({
      id,
      userPrincipalName: `member${index + 1}@${tenantDomain}`,
      displayName: `Group Member ${index + 1}`,
      mailNickname: `member${index + 1}`,
      accountEnabled: true,
      department: 'Engineering',
      directoryRoles: [],
    })),
    {
      id: stableGuid('admin'),
      userPrincipalName: `admin@${tenantDomain}`,
      displayName: 'Ada Admin',
      mailNickname: 'admin',
      accountEnabled: true,
      directoryRoles: ['Application Administrator', 'Hybrid Identity Administrator'],
    },
  );
  const userId = (index: number) => users[index]!.id;
  const groups: NonNullable<SeedInput['groups']> = [
    {
      id: documentedIds.group,
      displayName: 'Project Falcon',
      mailNickname: 'falcon',
      members: [...documentedIds.groupMembers, userId(0)],
    },
    {
      id: stableGuid('group-sales'),
      displayName: 'Sales',
      mailNickname: 'sales',
      members: users.filter((user) => user.department === 'Sales').map((user) => user.id),
    },
    {
      id: stableGuid('group-engineering'),
      displayName: 'Engineering',
      mailNickname: 'engineering',
      members: [userId(1), userId(6), userId(11)],
    },
    {
      id: stableGuid('group-all-hands'),
      displayName: 'All Hands (too big for on demand)',
      mailNickname: 'allhands',
      members: users.slice(0, 8).map((user) => user.id),
    },
  ];
  const salesGroup = groups[1]!.id;

  return {
    tenantId: DEMO_TENANT_ID,
    tenantDomain,
    clients: [
      {
        clientId: DEMO_CLIENT_ID,
        displayName: 'ondemand demo',
        secret: options.clientSecret ?? randomBytes(24).toString('base64url'),
        permissions: [
          'Synchronization.ReadWrite.All',
          'User.Read.All',
          'Group.Read.All',
          'Application.Read.All',
        ],
      },
      {
        clientId: READER_CLIENT_ID,
        displayName: 'directory reader',
        secret: randomBytes(24).toString('base64url'),
        permissions: ['User.Read.All', 'Application.Read.All'],
      },
      {
        clientId: OWNED_BY_CLIENT_ID,
        displayName: 'owned-by provisioner',
        secret: randomBytes(24).toString('base64url'),
        permissions: ['Application.ReadWrite.OwnedBy'],
      },
    ],
    users,
    groups,
    adUsers: [
      {
        distinguishedName: documentedIds.adUserDn,
        id: '38a2171b-8b04-4b21-8133-ca8ae52250f3',
        attributes: {
          cn: 'Adele Vest',
          sAMAccountName: 'adelev',
          givenName: 'Adele',
          sn: 'AdeleV',
          displayName: 'Adele Vest',
          userPrincipalName: 'adelev@contoso.com',
          mail: 'adelev@contoso.com',
          mailNickname: 'adelev',
          l: 'Chicago',
          st: 'NY',
          c: 'US',
          co: 'United States',
          postalCode: '13210',
          streetAddress: 'One Microsoft Way',
          accountDisabled: 'False',
        },
      },
      ...[0, 1, 2, 3, 4].map((index) => {
        const { given, family } = named(index + 30);
        const sam = `${given[0]}${family}`.toLowerCase();
        return {
          distinguishedName:
            index === 4
              ? `CN=${family}\\, ${given},OU=Contractors,DC=corp,DC=chicago,DC=com`
              : `CN=${sam},OU=Staff,DC=corp,DC=chicago,DC=com`,
          id: stableGuid(`ad-${index}`),
          attributes: {
            cn: `${given} ${family}`,
            sAMAccountName: sam,
            givenName: given,
            sn: family,
            displayName: `${given} ${family}`,
            userPrincipalName: `${sam}@contoso.com`,
            mail: `${sam}@contoso.com`,
            mailNickname: sam,
            l: 'Chicago',
            c: 'US',
            accountDisabled: 'False',
            department: index === 4 ? 'Contractors' : 'Staff',
          },
        };
      }),
    ],
    servicePrincipals: [
      {
        id: documentedIds.saasServicePrincipal,
        appId: stableGuid('app-saas'),
        displayName: 'Contoso Expenses (SCIM)',
        tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
        owners: [OWNED_BY_CLIENT_ID],
        assignedTo: [documentedIds.saasUser, salesGroup, ...users.slice(0, 20).map((user) => user.id)],
        jobs: [
          {
            id: documentedIds.saasJob,
            templateId: 'customappsso',
            kind: 'app',
            targetIdentityType: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
            rules: [
              {
                id: documentedIds.saasRule,
                name: 'USER_OUTBOUND_USER',
                sourceDirectoryName: 'Azure Active Directory',
                targetDirectoryName: 'customappsso',
                objectMappings: [
                  {
                    sourceObjectName: 'User',
                    targetObjectName: 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User',
                    attributeMappings: saasMappings,
                    scopingFilter: [],
                  },
                ],
              },
            ],
            target: [
              {
                id: '52507a19-96ec-4e73-9250-3e65ffd2d926',
                objectType: 'User',
                attributes: {
                  userName: `bill.bob@${tenantDomain}`,
                  displayName: 'Bill Bob',
                  externalId: 'Bill',
                  active: 'True',
                  'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:department': 'Sales',
                },
              },
            ],
          },
        ],
      },
      {
        id: documentedIds.cloudSyncServicePrincipal,
        appId: stableGuid('app-cloud-sync'),
        displayName: 'corp.chicago.com (Entra Cloud Sync)',
        tags: ['CloudSync'],
        jobs: [
          {
            id: documentedIds.cloudSyncJob,
            templateId: 'AD2AADProvisioning',
            kind: 'cloudSync',
            targetIdentityType: 'User',
            rules: [
              {
                id: documentedIds.cloudSyncRule,
                name: 'USER_AD_TO_AAD',
                sourceDirectoryName: 'Active Directory',
                targetDirectoryName: 'Azure Active Directory',
                objectMappings: [
                  {
                    sourceObjectName: 'user',
                    targetObjectName: 'User',
                    attributeMappings: [
                      { source: 'userPrincipalName', target: 'OnPremisesUserPrincipalName', matching: true },
                      { source: 'displayName', target: 'DisplayName' },
                      { source: 'givenName', target: 'GivenName' },
                      { source: 'sn', target: 'Surname' },
                      { source: 'mail', target: 'Mail' },
                      { source: 'mailNickname', target: 'Alias' },
                      { source: 'l', target: 'City' },
                      { source: 'st', target: 'State' },
                      { source: 'co', target: 'Country' },
                      { source: 'postalCode', target: 'PostalCode' },
                      { source: 'streetAddress', target: 'StreetAddress' },
                      { source: 'sAMAccountName', target: 'OnPremisesSamAccountName' },
                      { source: 'distinguishedName', target: 'OnPremisesDistinguishedName' },
                    ],
                    scopingFilter: [
                      { attribute: 'department', operator: 'NOT_EQUALS', value: 'Contractors' },
                    ],
                  },
                ],
              },
            ],
            target: [
              {
                id: '87cb2512-8e7f-4543-a9c9-e7cf8756a3ad',
                objectType: 'User',
                attributes: {
                  OnPremisesUserPrincipalName: 'adelev@contoso.com',
                  DisplayName: 'Adele V',
                  OnPremisesDistinguishedName: documentedIds.adUserDn,
                },
              },
            ],
          },
        ],
      },
      {
        id: documentedIds.groupServicePrincipal,
        appId: stableGuid('app-groups'),
        displayName: 'Fabrikam Workspace',
        tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
        assignedTo: [documentedIds.group, stableGuid('group-engineering'), stableGuid('group-all-hands')],
        jobs: [
          {
            id: documentedIds.groupJob,
            templateId: 'fabrikamWorkspace',
            kind: 'app',
            targetIdentityType: 'urn:ietf:params:scim:schemas:core:2.0:User',
            rules: [
              {
                id: documentedIds.groupRule,
                name: 'USER_AND_GROUP_OUTBOUND',
                sourceDirectoryName: 'Azure Active Directory',
                targetDirectoryName: 'Fabrikam Workspace',
                objectMappings: [
                  {
                    sourceObjectName: 'User',
                    targetObjectName: 'urn:ietf:params:scim:schemas:core:2.0:User',
                    attributeMappings: saasMappings.slice(0, 4),
                    scopingFilter: [],
                  },
                  {
                    sourceObjectName: 'Group',
                    targetObjectName: 'urn:ietf:params:scim:schemas:core:2.0:Group',
                    attributeMappings: [
                      { source: 'displayName', target: 'displayName', matching: true },
                      { source: 'mailNickname', target: 'externalId' },
                    ],
                    scopingFilter: [],
                  },
                ],
              },
            ],
          },
        ],
      },
      {
        id: documentedIds.githubServicePrincipal,
        appId: stableGuid('app-github'),
        displayName: 'GitHub Enterprise Cloud',
        tags: ['WindowsAzureActiveDirectoryIntegratedApp'],
        assignedTo: users.slice(0, 30).map((user) => user.id),
        jobs: [
          {
            id: documentedIds.githubJob,
            templateId: 'gitHubEnterpriseCloud',
            kind: 'app',
            targetIdentityType: 'urn:ietf:params:scim:schemas:core:2.0:User',
            rules: [
              {
                id: documentedIds.githubRule,
                name: 'USER_OUTBOUND_USER',
                sourceDirectoryName: 'Azure Active Directory',
                targetDirectoryName: 'GitHub Enterprise Cloud',
                objectMappings: [
                  {
                    sourceObjectName: 'User',
                    targetObjectName: 'urn:ietf:params:scim:schemas:core:2.0:User',
                    attributeMappings: saasMappings.slice(0, 4),
                    scopingFilter: [{ attribute: 'department', operator: 'EQUALS', value: 'Engineering' }],
                  },
                ],
              },
            ],
          },
        ],
      },
      {
        id: stableGuid('sp-no-jobs'),
        appId: stableGuid('app-no-jobs'),
        displayName: 'Contoso Intranet (no provisioning)',
        tags: [],
      },
    ],
  };
}
