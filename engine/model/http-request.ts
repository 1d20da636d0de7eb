/**
 * What every HTTP client of the imports shares (Placement, Keystone, Nova, Prometheus): a 60 s
 * timeout beside the caller's cancel signal, and one line saying why a request could not be
 * sent, with where a private CA goes when the server's certificate is not trusted (TLS is
 * always verified).
 */

const TIMEOUT_MS = 60_000;

/** The caller's signal (cancel), with a 60 s timeout. */
export function requestSignal(signal?: AbortSignal): AbortSignal {
  return signal ? AbortSignal.any([signal, AbortSignal.timeout(TIMEOUT_MS)]) : AbortSignal.timeout(TIMEOUT_MS);
}

/** Why a fetch failed: the system error code (ECONNREFUSED, CERT_HAS_EXPIRED, …), else its message. */
export function fetchCause(e: unknown): string {
  return (e as { cause?: { code?: string } }).cause?.code ?? (e as Error).message;
}

/** "cannot reach WHAT (cause)", and the NODE_EXTRA_CA_CERTS hint for an untrusted certificate. */
export function unreachable(what: string, cause: string): string {
  return `cannot reach ${what} (${cause})${/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(cause) ? '; the certificate is not trusted: a private CA goes in NODE_EXTRA_CA_CERTS' : ''}`;
}
