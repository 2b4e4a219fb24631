/**
 * What the provisioning service's error codes and skip reasons mean, what to do about each, and
 * whether the service retries it by itself, as Microsoft documents them. Each entry cites its page.
 * Real codes often carry the target app's name as a prefix (`ContosoEntryConflict`), so a code is
 * looked up whole first, then by the longest documented code it ends with.
 */

/** Whether the provisioning service tries again by itself. */
export type Retry = 'automatic' | 'needsAction' | 'none';

export interface Remedy {
  code: string;
  /** What happened, in a sentence. */
  meaning: string;
  /** What to do about it. */
  whatToDo: string;
  /** `automatic`: the service retries it (next cycle, about 40 minutes); `needsAction`: someone must. */
  retry: Retry;
  /** The page this entry comes from. */
  source: string;
}

const LOGS =
  'https://learn.microsoft.com/entra/identity/monitoring-health/howto-analyze-provisioning-logs#error-codes';
const CROSS_TENANT =
  'https://learn.microsoft.com/entra/identity/monitoring-health/howto-analyze-provisioning-logs#error-codes-for-cross-tenant-synchronization';
const CLOUD_SYNC = 'https://learn.microsoft.com/entra/identity/hybrid/cloud-sync/reference-error-codes';
const ON_DEMAND = 'https://learn.microsoft.com/entra/identity/app-provisioning/provision-on-demand';
const QUARANTINE =
  'https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-quarantine-status';
const SKIPPED =
  'https://learn.microsoft.com/entra/identity/app-provisioning/application-provisioning-config-problem-no-users-provisioned';

const MATCHING_HELP =
  'see "Customize attribute mappings" (https://learn.microsoft.com/entra/identity/app-provisioning/customize-application-attributes)';

function remedies(
  codes: string[],
  meaning: string,
  whatToDo: string,
  retry: Retry,
  source: string,
): Remedy[] {
  return codes.map((code) => ({ code, meaning, whatToDo, retry, source }));
}

export const REMEDIATION_CATALOG: readonly Remedy[] = [
  // Provisioning logs (app provisioning).
  ...remedies(
    ['Conflict', 'EntryConflict'],
    'An object with the same identifying values already exists in the target app.',
    `Correct the conflicting attribute values in Entra ID or in the app, or fix the matching attributes if that account should have been matched and taken over (${MATCHING_HELP}).`,
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['TooManyRequests'],
    'The target app turned the update away because it is overloaded.',
    'Nothing: the service tries again by itself.',
    'automatic',
    LOGS,
  ),
  ...remedies(
    ['InternalServerError'],
    'The target app answered with an unexpected error.',
    'Nothing at first: the service tries again in about 40 minutes. If it persists, check the app’s service health.',
    'automatic',
    LOGS,
  ),
  ...remedies(
    ['InsufficientRights', 'MethodNotAllowed', 'NotPermitted', 'Unauthorized'],
    'The service signed in to the target app but was not allowed to make the change.',
    'Check the permissions of the credentials given to the app’s provisioning, following the app’s tutorial.',
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['UnprocessableEntity', 'NotImplemented'],
    'The target app answered in a way the service did not expect.',
    'Check the app’s provisioning configuration against its tutorial; the app may have a service issue.',
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['WebExceptionProtocolError'],
    'An HTTP protocol error happened while reaching the target app.',
    'Nothing: the service tries again in about 40 minutes.',
    'automatic',
    LOGS,
  ),
  ...remedies(
    ['InvalidAnchor'],
    'An object the service created or matched earlier no longer exists in the target.',
    'Make sure the object exists; to match everyone again, restart the job (a full cycle follows, which can take long).',
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['MandatoryFieldsMissing', 'MissingValues'],
    'The object could not be created because required values are missing.',
    `Fill in the missing attribute values in the source, or fix the mappings so the required fields are sent (${MATCHING_HELP}).`,
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['SchemaAttributeNotFound'],
    'A mapped attribute does not exist in the target app.',
    `Remove or correct the mapping of that attribute (${MATCHING_HELP}).`,
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['InternalError'],
    'An internal error of the provisioning service.',
    'Nothing: the service tries again in about 40 minutes.',
    'automatic',
    LOGS,
  ),
  ...remedies(
    ['InvalidDomain'],
    'An attribute value holds a domain the target app does not accept.',
    'Change the domain on the user, or allow it in the target app.',
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['Timeout'],
    'The target app took too long to answer.',
    'Nothing: the service tries again in about 40 minutes.',
    'automatic',
    LOGS,
  ),
  ...remedies(
    ['LicenseLimitExceeded'],
    'The target app has no licence left for this user.',
    'Buy more licences in the app, or review who is assigned and with which attributes.',
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['DuplicateTargetEntries'],
    'More than one object in the target app matches on the matching attributes.',
    `Remove the duplicate from the target app, or change the matching attributes (${MATCHING_HELP}).`,
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['DuplicateSourceEntries'],
    'More than one source object has the same matching attributes.',
    `Remove the duplicate source object, or change the matching attributes (${MATCHING_HELP}).`,
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['ImportSkipped'],
    'The object could not be imported, usually because it lacks the matching attribute; scoping was not evaluated.',
    'Give the object a value for the matching attribute.',
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['EntrySynchronizationSkipped'],
    'The object was found and nothing more was done: it is out of scope, or already the same in the target.',
    'Read the skip reason: if it should be in scope, assign it to the app or change the scoping filter.',
    'none',
    LOGS,
  ),
  ...remedies(
    ['SystemForCrossDomainIdentityManagementMultipleEntriesInResponse'],
    'A SCIM read for one object answered with several.',
    'Fix the app’s SCIM endpoint so a filtered read answers one object (and no members when excluded).',
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['SystemForCrossDomainIdentityManagementServiceIncompatible'],
    'The service could not read the target app’s SCIM answer.',
    'Ask the app’s developer to make its SCIM server compatible with the Entra SCIM client.',
    'needsAction',
    LOGS,
  ),
  ...remedies(
    ['SchemaPropertyCanOnlyAcceptValue'],
    'The target property takes one value, and the source has several.',
    'Map a single-valued attribute to it, make the source value single, or remove the mapping.',
    'needsAction',
    LOGS,
  ),
  // Cross-tenant synchronization.
  ...remedies(
    ['AzureActiveDirectoryCannotUpdateObjectsOriginatedInExternalService'],
    'Properties of the user in the target tenant cannot be updated by synchronization (source of authority).',
    'The service may retry without the property; otherwise change it in the target tenant.',
    'needsAction',
    CROSS_TENANT,
  ),
  ...remedies(
    ['AzureDirectoryB2BManagementPolicyCheckFailure'],
    'The cross-tenant policy allowing automatic redemption is missing.',
    'Enable automatic redemption in both the source tenant’s outbound and the target tenant’s inbound settings.',
    'needsAction',
    CROSS_TENANT,
  ),
  ...remedies(
    ['AzureActiveDirectoryQuotaLimitExceeded'],
    'The target tenant has reached its directory object limit.',
    'Ask for a higher quota or remove objects in the target tenant.',
    'needsAction',
    CROSS_TENANT,
  ),
  ...remedies(
    ['InvitationCreationFailure'],
    'Inviting the user into the target tenant failed.',
    'Contact support with the change id.',
    'needsAction',
    CROSS_TENANT,
  ),
  ...remedies(
    ['AzureActiveDirectoryForbidden'],
    'External collaboration settings blocked the invitation.',
    'Allow the invitation in the target tenant’s external collaboration settings.',
    'needsAction',
    CROSS_TENANT,
  ),
  ...remedies(
    ['InvitationCreationFailureInvalidPropertyValue'],
    'An invitation property is invalid: the primary SMTP address, the userType, or a mail shared with a group.',
    'Correct the user’s mail, map userType to Guest or Member, or resolve the address shared with a group.',
    'needsAction',
    CROSS_TENANT,
  ),
  ...remedies(
    ['InvitationCreationFailureAmbiguousUser'],
    'The invited user’s proxy address matches an internal user in the target tenant.',
    'Delete the internal user in the target tenant, or take this user out of scope.',
    'needsAction',
    CROSS_TENANT,
  ),
  ...remedies(
    ['AzureActiveDirectoryCannotUpdateObjectsMasteredOnPremises'],
    'The target user is synchronized from on-premises AD, so synchronization cannot update it.',
    'Nothing can update it through synchronization; change it on-premises.',
    'needsAction',
    CROSS_TENANT,
  ),
  // Cloud sync (AD → Entra ID).
  ...remedies(
    ['HybridSynchronizationActiveDirectoryInternalServerError'],
    'The on-premises request could not be processed.',
    'If it persists, contact support with the job id.',
    'automatic',
    CLOUD_SYNC,
  ),
  ...remedies(
    ['HybridIdentityServiceNoAgentsAssigned', 'HybridIdentityServiceNoActiveAgents'],
    'No cloud sync agent is registered or running for the domain.',
    'Check the agent service (Microsoft Entra Connect cloud sync agent) on its server, or install and register an agent.',
    'needsAction',
    CLOUD_SYNC,
  ),
  ...remedies(
    ['HybridIdentityServiceInvalidResource'],
    'The cloud sync setup is incomplete.',
    'Register the cloud sync agent on the domain again and restart the configuration.',
    'needsAction',
    CLOUD_SYNC,
  ),
  ...remedies(
    ['HybridIdentityServiceAgentSignalingError'],
    'The service could not reach the agent.',
    'If it persists, contact support with the job id.',
    'automatic',
    CLOUD_SYNC,
  ),
  ...remedies(
    ['AzureDirectoryServiceServerBusy'],
    'Entra ID is busy.',
    'Nothing: the service retries; contact support if it lasts more than 24 hours.',
    'automatic',
    CLOUD_SYNC,
  ),
  ...remedies(
    ['AzureActiveDirectoryInvalidCredential', 'AzureActiveDirectoryExpiredCredentials'],
    'The cloud sync service account is missing or its credentials expired.',
    'Repair it with Repair-AADCloudSyncToolsAccount.',
    'needsAction',
    CLOUD_SYNC,
  ),
  ...remedies(
    ['AzureActiveDirectoryAuthenticationFailed'],
    'Signing in for cloud sync failed for an unknown reason.',
    'If it persists, contact support with the job id.',
    'needsAction',
    CLOUD_SYNC,
  ),
  // Skip reasons and on-demand outcomes.
  ...remedies(
    ['RedundantExport'],
    'The target already holds the same values: nothing needed writing.',
    'Nothing.',
    'none',
    ON_DEMAND,
  ),
  ...remedies(
    ['NotEffectivelyEntitled'],
    'The object is not entitled to provisioning: not assigned to the app (directly or through a group), disabled, or outside the scoping filters.',
    'Assign the user or a group of theirs to the app, enable the account, or change the scoping filter; or set the scope to all users and groups.',
    'needsAction',
    SKIPPED,
  ),
  // Quarantine reasons.
  ...remedies(
    ['EncounteredQuarantineException'],
    'The job is quarantined: the credentials for the target app are not valid (or the app cannot be reached).',
    'Update the app’s admin credentials (test them with validateCredentials), then restart the job to clear the quarantine.',
    'needsAction',
    QUARANTINE,
  ),
  ...remedies(
    [
      'EncounteredBaseEscrowThreshold',
      'EncounteredTotalEscrowThreshold',
      'EncounteredEscrowProportionThreshold',
    ],
    'The job is quarantined: too many objects failed (escrows) in a row or in proportion.',
    'Fix the failures the provisioning logs show, then restart the job (reset scope Escrows, QuarantineState).',
    'needsAction',
    QUARANTINE,
  ),
  ...remedies(
    ['QuarantinedOnDemand'],
    'The job was put in quarantine on request.',
    'Restart the job to clear the quarantine once the cause is fixed.',
    'needsAction',
    QUARANTINE,
  ),
];

const byCode = new Map(REMEDIATION_CATALOG.map((remedy) => [remedy.code.toLowerCase(), remedy]));
const bySuffix = [...REMEDIATION_CATALOG].sort((a, b) => b.code.length - a.code.length);

/**
 * The documented remedy for a code (`EntryConflict`, `ContosoEntryConflict`, `NotEffectivelyEntitled`),
 * or `undefined` when Microsoft documents none: say so rather than guess.
 */
export function remedyFor(code: string | null | undefined): Remedy | undefined {
  if (!code) return undefined;
  // Logs repeat a few codes thousands of times, as written: those are answered before any folding.
  if (foundAsWritten.has(code)) return foundAsWritten.get(code);
  const wanted = code.trim().toLowerCase();
  if (found.has(wanted)) return remember(code, found.get(wanted));
  const remedy =
    byCode.get(wanted) ??
    // A vendor prefix: the longest documented code the given one ends with, after a capital.
    bySuffix.find((each) => wanted.endsWith(each.code.toLowerCase()) && wanted.length > each.code.length);
  // Each code is looked up once (a bounded memo).
  if (found.size < 10_000) found.set(wanted, remedy);
  return remember(code, remedy);
}

const found = new Map<string, Remedy | undefined>();
const foundAsWritten = new Map<string, Remedy | undefined>();
function remember(code: string, remedy: Remedy | undefined): Remedy | undefined {
  if (foundAsWritten.size < 10_000) foundAsWritten.set(code, remedy);
  return remedy;
}
