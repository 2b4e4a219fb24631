/** TLS errors that mean: the server's certificate was signed by a CA this process does not trust. */
const UNTRUSTED_CERTIFICATE = new Set([
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
]);

/**
 * Whether the connection failed on the server's certificate (not trusted, expired, for another host):
 * a matter of configuration (which CA to trust, which URL), not of the network, so exit 3, not 4.
 */
export function isCertificateProblem(code: string): boolean {
  return (
    UNTRUSTED_CERTIFICATE.has(code) || code === 'CERT_HAS_EXPIRED' || code === 'ERR_TLS_CERT_ALTNAME_INVALID'
  );
}

/** The error's code, from it or its cause (a wrapper keeps the socket's there), else its message. */
export function errorCode(error: unknown): string {
  const inner = error as { code?: string; cause?: { code?: string }; message?: string };
  return inner?.code ?? inner?.cause?.code ?? inner?.message ?? String(error);
}

/** What to do about a connection that failed, by its code: `pass --ca FILE` for an untrusted certificate. */
export function connectionHint(code: string): string {
  if (UNTRUSTED_CERTIFICATE.has(code))
    return "its certificate is not signed by a CA this machine trusts: pass --ca FILE with the CA that signed it (the simulator's and the proxy's ready lines name it as caFile)";
  if (code === 'CERT_HAS_EXPIRED') return 'its certificate has expired';
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return 'its certificate is for another host name: check the URL';
  if (code === 'ECONNREFUSED') return 'nothing answers there: check the URL and that it is running';
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return 'the host name does not resolve: check the URL';
  return 'check the URL, the network and the CA to trust (--ca FILE)';
}
