export { collect } from '@ondemand/core';
export type { CloudEndpoints, CloudName, ResolvedEndpoints } from './clouds.js';
export { CLOUDS, resolveEndpoints } from './clouds.js';
export type { DeviceCodePrompt, MsalCredentialOptions } from './credentials/msal-credentials.js';
export {
  ClientCertificateCredential,
  ClientSecretCredential,
  DeviceCodeCredential,
} from './credentials/msal-credentials.js';
export { StaticTokenCredential } from './credentials/resolve-credential.js';
export type { AccessToken, TokenCredential } from './credentials/token-credential.js';
export { CachingCredential } from './credentials/token-credential.js';
export type { TransportErrorCode } from './errors.js';
export {
  AuthError,
  ConfigError,
  GraphRequestError,
  NetworkError,
  RateLimiterUnavailableError,
  RequestValidationError,
  ThrottledError,
  TimeoutError,
  TransportError,
} from './errors.js';
export type {
  CallOptions,
  GraphClientOptions,
  PendingApproval,
  ProvisionOptions,
  ProvisionResult,
} from './graph-client.js';
export { createGraphClient, GraphClient } from './graph-client.js';
export type {
  DirectoryGroup,
  DirectoryUser,
  ServicePrincipal,
  SynchronizationJob,
  SynchronizationRule,
  SynchronizationSchema,
} from './graph-schemas.js';
export type { RetryOptions } from './http/retry-policy.js';
