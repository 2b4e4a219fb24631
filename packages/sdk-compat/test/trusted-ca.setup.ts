import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServerCertificates } from '@ondemand/simulator';
import type { TestProject } from 'vitest/node';

/** Where the one certificate the simulator and the proxy serve, and the CA that signed it, are. */
export interface TrustedCertificate {
  caFile: string;
  certificateFile: string;
  keyFile: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    certificate: TrustedCertificate;
  }
}

/**
 * Makes a CA and a certificate for 127.0.0.1, writes them to a directory it removes at the end, and
 * names the CA in NODE_EXTRA_CA_CERTS for the test processes forked after it (Node reads it at start).
 */
export default async function setup(project: TestProject): Promise<() => void> {
  const made = await createServerCertificates();
  const dir = mkdtempSync(join(tmpdir(), 'ondemand-sdk-compat-'));
  const certificate: TrustedCertificate = {
    caFile: join(dir, 'ca.pem'),
    certificateFile: join(dir, 'cert.pem'),
    keyFile: join(dir, 'key.pem'),
  };
  writeFileSync(certificate.caFile, made.caPem);
  writeFileSync(certificate.certificateFile, made.certPem);
  writeFileSync(certificate.keyFile, made.keyPem, { mode: 0o600 });
  process.env.NODE_EXTRA_CA_CERTS = certificate.caFile;
  project.provide('certificate', certificate);
  return () => rmSync(dir, { recursive: true, force: true });
}
