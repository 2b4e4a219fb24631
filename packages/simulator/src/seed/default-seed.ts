import { createHash } from 'node:crypto';
import { newSecret } from './new-secret.js';
import type { SeedInput } from './seed-schema.js';

/**
 * The demo tenant. Its apps, jobs, rules and objects carry the ids of the API reference's three
 * examples, so the documented requests run against it unchanged and answer as documented:
 * 1. a user already in the SaaS app → Skipped, RedundantExport;
 * 2. an AD user whose Entra account lacks attributes → Success, Update;
 * 3. a group and two members through a rule with a #V2 suffix → Success, "{}".
 */

export {
  CONSOLE_CLIENT_ID,
  DEMO_CLIENT_ID,
  DEMO_TENANT_ID,
  documentedIds,
  OWNED_BY_CLIENT_ID,
  READER_CLIENT_ID,
} from './seed-ids.js';

import {
  CONSOLE_CLIENT_ID,
  DEMO_CLIENT_ID,
  DEMO_TENANT_ID,
  documentedIds,
  OWNED_BY_CLIENT_ID,
  READER_CLIENT_ID,
} from './seed-ids.js';

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
export function defaultSeed(options: { clientSecret?: string; consoleSecret?: string } = {}): SeedInput {
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

  // A copy: the jobs' rules are shared constants, and a caller that changes its seed must not change
  // every later one in the process.
  return structuredClone({
    tenantId: DEMO_TENANT_ID,
    tenantDomain,
    clients: [
      {
        clientId: DEMO_CLIENT_ID,
        displayName: 'ondemand demo',
        secret: options.clientSecret ?? newSecret(),
        permissions: [
          'Synchronization.ReadWrite.All',
          'User.Read.All',
          'Group.Read.All',
          'Application.Read.All',
          'AuditLog.Read.All',
        ],
      },
      {
        clientId: READER_CLIENT_ID,
        displayName: 'directory reader',
        secret: newSecret(),
        permissions: ['User.Read.All', 'Application.Read.All'],
      },
      {
        clientId: OWNED_BY_CLIENT_ID,
        displayName: 'owned-by provisioner',
        secret: newSecret(),
        permissions: ['Application.ReadWrite.OwnedBy'],
      },
      {
        // The console's web app: a confidential client that signs people in with a code and PKCE,
        // its app roles the proxy's (the demo people below hold one each; Ada Admin is an admin).
        clientId: CONSOLE_CLIENT_ID,
        displayName: 'ondemand console',
        secret: options.consoleSecret ?? newSecret(),
        allowDeviceCode: false,
        // Loopback reply URLs match on any port, as Entra ID matches them.
        redirectUris: [
          'https://127.0.0.1/console/callback',
          'https://localhost/console/callback',
          'http://localhost/console/callback',
        ],
        appRoles: {
          [userId(0)]: ['requester'],
          [userId(1)]: ['approver'],
          [userId(2)]: ['approver'],
          [userId(3)]: ['auditor'],
          [stableGuid('admin')]: ['admin'],
        },
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
  });
}
