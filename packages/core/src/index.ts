export type { ApiVersion } from './api-version.js';
export { API_VERSION_PATTERN, API_VERSIONS, withoutApiVersion } from './api-version.js';
export type { EndedApproval } from './approval-ending.js';
export { approvalEnding } from './approval-ending.js';
export type { ApprovalRefusal, ApprovalState, ApprovalView } from './approval-view.js';
export {
  APPROVAL_ODATA_TYPE,
  APPROVAL_REFUSALS,
  APPROVAL_STATES,
  approvalPath,
  approvalResultPath,
  approvalViewSchema,
  isFinalApprovalState,
} from './approval-view.js';
export type { AuditAction, AuditEntryView } from './audit-entry.js';
export { AUDIT_ACTION_MEANINGS, AUDIT_ACTIONS, auditEntrySchema } from './audit-entry.js';
export type { ChainProblem, ChainProblemKind, ChainVerdict } from './audit-verdict.js';
export { CHAIN_PROBLEM_KINDS, chainVerdictSchema, describeVerdict } from './audit-verdict.js';
export { collect } from './collect.js';
export type { DecodedProvisionResponse, ResponseShape } from './decode-response.js';
export {
  decodeProvisionResponse,
  ResponseDecodeError,
  tryDecodeProvisionResponse,
} from './decode-response.js';
export type { ParseDistinguishedNameResult, RelativeDistinguishedName } from './distinguished-name.js';
export {
  distinguishedNameProblem,
  formatDistinguishedName,
  looksLikeDistinguishedName,
  parseDistinguishedName,
  trimUnescaped,
} from './distinguished-name.js';
export type { GraphErrorInfo, HeaderSource } from './graph-error.js';
export {
  NOT_RUN_STATUSES,
  OUTCOME_UNKNOWN_STATUSES,
  parseGraphError,
  RETRYABLE_STATUSES,
  readHeader,
  statusErrorCode,
} from './graph-error.js';
export { graphErrorBody } from './graph-error-body.js';
export { type HeldSubject, heldSubjects, subjectSummary } from './held-subjects.js';
export { invisibleCharacter } from './invisible-character.js';
export type { InputIssue } from './issue-path.js';
export { formatIssuePath } from './issue-path.js';
export type { JobAction, JobActionBody, JobOperation } from './jobs/job-action.js';
export {
  describeJobAction,
  JOB_ACTIONS,
  JOB_OPERATIONS,
  jobCallOfPath,
  validateJobActionBody,
} from './jobs/job-action.js';
export type { RestartScope, RestartScopeFlag } from './jobs/restart-scope.js';
export {
  DO_NOT_USE_RESTART_FLAGS,
  PORTAL_RESTART_FLAGS,
  parseRestartScope,
  RESTART_SCOPE_FLAGS,
  RESTART_SCOPE_MEANINGS,
  restartEffects,
} from './jobs/restart-scope.js';
export type { ScopeEvaluation, ScopingClauseResult } from './jobs/scoping-filter.js';
export { evaluateScope, scopeAttributes } from './jobs/scoping-filter.js';
export type { Clock } from './limiter/clock.js';
export { systemClock } from './limiter/clock.js';
export type { FailoverLimiterStoreOptions } from './limiter/failover-limiter-store.js';
export { FailoverLimiterStore } from './limiter/failover-limiter-store.js';
export type { AcquireAttempt, LimiterStore, WindowUsage } from './limiter/limiter-store.js';
export { MemoryLimiterStore } from './limiter/limiter-store.js';
export type {
  Grant,
  LimiterSnapshot,
  SlidingWindowLimiterOptions,
} from './limiter/sliding-window-limiter.js';
export {
  LimiterStoreError,
  PROVISION_ON_DEMAND_LIMIT,
  REPORTS_LIMIT,
  SlidingWindowLimiter,
} from './limiter/sliding-window-limiter.js';
export type { Loose } from './logs/loose-fields.js';
export type { Verdict } from './logs/outcome-verdict.js';
export { onDemandVerdict, verdictOf } from './logs/outcome-verdict.js';
export type { ProvisioningDocument } from './logs/provisioning-document.js';
export { readProvisioningDocument } from './logs/provisioning-document.js';
export type { LogAction, LogIdentity, ProvisioningLogEntry } from './logs/provisioning-log.js';
export {
  decodeLogEntry,
  decodeProvisioningLogs,
  isLogEntry,
  LogDecodeError,
  logAction,
} from './logs/provisioning-log.js';
export type { ProvisioningLogQuery } from './logs/provisioning-log-filter.js';
export { provisioningLogFilter } from './logs/provisioning-log-filter.js';
export type { Remedy, Retry } from './logs/remediation-catalog.js';
export { REMEDIATION_CATALOG, remedyFor } from './logs/remediation-catalog.js';
export type { ScopeClause } from './logs/scope-evaluation.js';
export { scopeClausesOfSteps, scopeEvaluation } from './logs/scope-evaluation.js';
export type { OutcomeStatus, StepKind, StepModel } from './logs/step-model.js';
export { outcomeStatus, skipReasonOfSteps, stepKind, stepModel } from './logs/step-model.js';
export type {
  JobError,
  JobExecution,
  JobHealth,
  SynchronizationJobView,
} from './logs/synchronization-job.js';
export { decodeSynchronizationJob, jobIsHealthy, jobTime } from './logs/synchronization-job.js';
export type {
  ModifiedProperty,
  ProvisioningReport,
  ProvisioningResult,
  ProvisioningStep,
  ProvisioningStepType,
  ProvisionOutcome,
} from './provisioning-report.js';
export {
  modifiedPropertySchema,
  PROVISIONING_RESULTS,
  PROVISIONING_STEP_TYPES,
  provisioningReportSchema,
  provisioningStepSchema,
  provisionOutcomeSchema,
} from './provisioning-report.js';
export type { ApprovalFilters, AuditFilters } from './proxy-queries.js';
export { approvalListQuerySchema, auditQuerySchema, reviewSchema } from './proxy-queries.js';
export { redactUrl } from './redact-url.js';
export type { PropertyChange, StatusMark, StepView } from './report-views.js';
export {
  failedScopingChecks,
  orderedSteps,
  propertiesWritten,
  propertyChanges,
  recommendedAction,
  statusMark,
  stepMark,
  summarizeOutcome,
  targetMatchesSource,
} from './report-views.js';
export {
  distinguishedNameRequest,
  groupRequest,
  RequestBuildError,
  subjectRequest,
  userRequest,
} from './request-builders.js';
export type {
  LinkedSubject,
  ObjectTypeName,
  ProvisionOnDemandRequest,
  ProvisionSubject,
  RequestValidationResult,
} from './request-schema.js';
export {
  applicationParametersSchema,
  entraObjectIdProblem,
  isObjectId,
  linkedSubjectSchema,
  MAX_GROUP_MEMBERS_PER_CALL,
  OBJECT_TYPE_NAMES,
  provisionOnDemandRequestSchema,
  subjectSchema,
  toInputIssue,
  validateProvisionRequest,
} from './request-schema.js';
export { parseRetryAfter } from './retry-after.js';
export type { RuleObjectMappings } from './rule-object-types.js';
export { mappedObjectTypes, unmappedObjectTypeProblem } from './rule-object-types.js';
export { terminalSafe, terminalText } from './terminal-text.js';
export { tryJson } from './try-json.js';
export { unsafeCharacter } from './unsafe-character.js';
