/** Graph refuses bodies over 4 MB; provisionOnDemand bodies are a few hundred bytes. */
export const MAX_BODY_BYTES = 4 * 1024 * 1024;
