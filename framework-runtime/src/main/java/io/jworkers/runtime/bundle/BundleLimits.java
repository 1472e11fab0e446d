package io.jworkers.runtime.bundle;

/**
 * How large a deployed bundle may be: the upload, what it unpacks to, and how many entries it has.
 * A bundle is checked against all three before anything of it is kept, so a small zip that
 * inflates to gigabytes, or a million tiny entries, is refused instead of filling the disk.
 *
 * @param maxUploadBytes the largest upload (the zip itself) the admin API accepts, else 413
 * @param maxUnpackedBytes the most bytes a bundle's files may hold once unpacked, counted while inflating
 * @param maxEntries the most entries (files and folders) a bundle's zip may list
 */
public record BundleLimits(long maxUploadBytes, long maxUnpackedBytes, int maxEntries) {

    /**
     * The most entries a zip can count without Zip64 extensions (65,535 is Zip64's marker), which
     * bundles never need: a bundle holds a worker's own class files plus one entry per jar.
     */
    public static final int ZIP_MAX_ENTRIES = 65_534;

    /**
     * The defaults: uploads up to 512 MiB (a worker with its jars is tens of MiB; this leaves room
     * for fat dependency sets while bounding what one request writes to the state folder's disk);
     * 1 GiB unpacked (jars are stored as single entries, so a real bundle unpacks to about its upload
     * size; twice the upload is generous and stops a zip bomb well before the disk fills); 65,534
     * entries, the most a zip without Zip64 can list ({@link #ZIP_MAX_ENTRIES}), far above the
     * thousands of classes of a large worker.
     */
    public static final BundleLimits DEFAULT = new BundleLimits(512L << 20, 1L << 30, ZIP_MAX_ENTRIES);

    /**
     * Checks the limits.
     *
     * @param maxUploadBytes the largest upload, at least 1
     * @param maxUnpackedBytes the most unpacked bytes, at least 1
     * @param maxEntries the most entries, 1 to {@link #ZIP_MAX_ENTRIES}
     */
    public BundleLimits {
        if (maxUploadBytes < 1 || maxUnpackedBytes < 1) {
            throw new IllegalArgumentException("bundle size limits must be positive: upload " + maxUploadBytes
                    + ", unpacked " + maxUnpackedBytes);
        }
        if (maxEntries < 1 || maxEntries > ZIP_MAX_ENTRIES) {
            throw new IllegalArgumentException("the entry limit must be 1 to " + ZIP_MAX_ENTRIES + ", not " + maxEntries);
        }
    }

    /**
     * A size as people read it: {@code 512 MiB}, {@code 1 GiB}, or {@code 1000 bytes} when it is not
     * a whole number of KiB.
     *
     * @param bytes the size
     * @return the text
     */
    public static String describe(long bytes) {
        if (bytes > 0 && bytes % (1L << 30) == 0) {
            return (bytes >> 30) + " GiB";
        }
        if (bytes > 0 && bytes % (1L << 20) == 0) {
            return (bytes >> 20) + " MiB";
        }
        if (bytes > 0 && bytes % 1024 == 0) {
            return (bytes >> 10) + " KiB";
        }
        return bytes + (bytes == 1 ? " byte" : " bytes");
    }
}
