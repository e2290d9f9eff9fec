import murmurHash3 from 'murmurhash3js';

/** Buckets of a rollout: a percentage with two decimals is a whole number of them. */
export const BUCKETS = 10_000;

/**
 * 0..9999, stable: MurmurHash3 (x86, 32-bit, seed 0) of the UTF-8 bytes of `${flagKey}:${stickinessValue}`,
 * modulo 10,000, as Unleash buckets (it takes modulo 100). A key is in a rollout of p% when its bucket is
 * below p × 100, so raising a rollout only adds keys.
 */
export function bucketOf(flagKey: string, stickinessValue: string): number {
  return murmurHash3.x86.hash32(utf8Bytes(`${flagKey}:${stickinessValue}`), 0) % BUCKETS;
}

/**
 * The hash reads one byte per UTF-16 unit (`charCodeAt & 0xff`): right for ASCII, lossy beyond it. A key
 * with other characters is rewritten as one character per UTF-8 byte, so it hashes as the reference does.
 */
function utf8Bytes(key: string): string {
  for (let i = 0; i < key.length; i += 1) {
    if (key.charCodeAt(i) > 0x7f) {
      let bytes = '';
      for (const byte of new TextEncoder().encode(key)) bytes += String.fromCharCode(byte);
      return bytes;
    }
  }
  return key;
}
