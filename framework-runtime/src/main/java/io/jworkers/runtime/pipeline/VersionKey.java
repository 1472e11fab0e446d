package io.jworkers.runtime.pipeline;

import java.nio.charset.StandardCharsets;

/**
 * Where a request falls in a gradual deployment: its key ({@code x-jworkers-version-key}, else
 * the request id) hashed to a bucket 0..99, the same on every host and for every worker of the
 * pipeline. A split sends buckets below the newer version's percentage to the newer version, so
 * a key that reached it keeps reaching it while its share grows, and two workers split alike
 * send the same keys to their new versions.
 *
 * <p>The hash is 64-bit FNV-1a over the key's UTF-8 bytes, finished with MurmurHash3's 64-bit
 * mix (FNV alone spreads short, similar keys unevenly over a small modulus), then taken
 * unsigned modulo 100: simple enough to compute in any language when a client wants to know
 * where a key lands.
 */
public final class VersionKey {

    /** The request header that names the key; absent, the request id is the key. */
    public static final String HEADER = "x-jworkers-version-key";

    /** The number of buckets: shares are whole percentages. */
    public static final int BUCKETS = 100;

    private static final long FNV_OFFSET = 0xcbf29ce484222325L;
    private static final long FNV_PRIME = 0x100000001b3L;

    private VersionKey() {
    }

    /**
     * The bucket of a key.
     *
     * @param key the key
     * @return 0 to 99
     */
    public static int bucket(String key) {
        long hash = FNV_OFFSET;
        int length = key.length();
        for (int i = 0; i < length; i++) {
            char c = key.charAt(i);
            if (c >= 0x80) {
                return utf8Bucket(key); // not ASCII: hash the encoded bytes
            }
            hash ^= c;
            hash *= FNV_PRIME;
        }
        return (int) Long.remainderUnsigned(mix(hash), BUCKETS);
    }

    // ASCII keys (request ids, most user ids) are their own UTF-8 bytes and need no encoding.
    private static int utf8Bucket(String key) {
        long hash = FNV_OFFSET;
        for (byte b : key.getBytes(StandardCharsets.UTF_8)) {
            hash ^= b & 0xff;
            hash *= FNV_PRIME;
        }
        return (int) Long.remainderUnsigned(mix(hash), BUCKETS);
    }

    // MurmurHash3's fmix64.
    private static long mix(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
