export type { ApiVersion } from '@ondemand/core';
export { collect } from '@ondemand/core';
export { type ApprovalContext, readApprovalContext } from './answers/approval-context.js';
export { assignmentsOf } from './answers/assignments.js';
export {
  type FoundUser,
  isWell,
  provisionWhereNeeded,
  type WhyApp,
  type WhyReport,
  whyUser,
} from './answers/why-user.js';
export type { PendingApproval } from './approval-follow-up.js';
export { HeldRequestNotRunError } from './approval-follow-up.js';
export type { CloudEndpoints, CloudName, ResolvedEndpoints } from './clouds.js';
export { CLOUDS, resolveEndpoints } from './clouds.js';
export type { DeviceCodePrompt, MsalCredentialOptions } from './credentials/msal-credentials.js';
export {
  ClientCertificateCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
} from './credentials/msal-credentials.js';
export type { CredentialOptions } from './credentials/resolve-credential.js';
export { StaticTokenCredential } from './credentials/resolve-credential.js';
export type { AccessToken, TokenCredential } from './credentials/token-credential.js';
export { CachingCredential } from './credentials/token-credential.js';
export type { TransportErrorCode } from './errors.js';
export {
  AuthError,
  ConfigError,
  GraphRequestError,
  HOW_TO_CHECK,
  NetworkError,
  OutcomeUnknownError,
  RateLimiterUnavailableError,
  RequestValidationError,
  ThrottledError,
  TimeoutError,
  TransportError,
} from './errors.js';
export type {
  CallOptions,
  GraphClientOptions,
  JobActionOptions,
  ProvisionOptions,
  ProvisionResult,
  RateLimitScope,
} from './graph-client.js';
export { createGraphClient, GraphClient } from './graph-client.js';
export { jobActionPath, jobPath, provisionOnDemandPath } from './graph-paths.js';
export type {
  AppRoleAssignment,
  DirectoryGroup,
  DirectoryObject,
  DirectoryUser,
  ServicePrincipal,
  SynchronizationJob,
  SynchronizationRule,
  SynchronizationSchema,
} from './graph-schemas.js';
export type { Attempt, GraphAnswer } from './http/graph-exchange.js';
export type { RetryOptions } from './http/retry-policy.js';
export { type AppJobHealth, readJobHealth } from './job-health.js';
export type {
  ApprovalFilters,
  AuditFilters,
  ProxyCallOptions,
  ProxyClientOptions,
} from './proxy-client.js';
export { createProxyClient, ProxyClient, ProxyRefusedError } from './proxy-client.js';
export { signWebhookBody, verifyWebhookSignature, WEBHOOK_SIGNATURE_HEADER } from './webhook-signature.js';
