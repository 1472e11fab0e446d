package io.jworkers.runtime.deploy;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * The records of one state folder's versions: each environment's index (its commit point) and
 * one immutable record per version. A file that cannot be parsed is a {@link DamagedStateException}
 * naming it and what to do; a file that is not there is an empty answer.
 */
final class VersionRecords {

    private static final ObjectMapper JSON = JsonMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
            .disable(DeserializationFeature.ADJUST_DATES_TO_CONTEXT_TIME_ZONE)
            .enable(SerializationFeature.INDENT_OUTPUT)
            .build();

    /**
     * An environment's commit point.
     *
     * @param current the current version, {@code null} before the first commit
     * @param latest the highest version ever committed; records above it were never committed
     */
    record Index(Integer current, int latest) {
    }

    private final StateLayout layout;
    private final DurableFiles files;

    VersionRecords(StateLayout layout, DurableFiles files) {
        this.layout = layout;
        this.files = files;
    }

    /** The index, or empty when there is none. */
    Optional<Index> index(String worker, String environment) {
        Path file = layout.index(worker, environment);
        try {
            Optional<byte[]> bytes = DurableFiles.read(file);
            if (bytes.isEmpty()) {
                return Optional.empty();
            }
            Index index = JSON.readValue(bytes.get(), Index.class);
            if (index.latest() < 0 || index.current() != null && (index.current() < 1 || index.current() > index.latest())) {
                throw new IOException("current " + index.current() + " is not between 1 and latest " + index.latest());
            }
            return Optional.of(index);
        } catch (IOException e) {
            throw new DamagedStateException("The index " + file + " is damaged (" + firstLine(e.getMessage()) + ")."
                    + " Deploy again to make a new current version (the versions are kept), or restore it from a backup.");
        }
    }

    /** The index, or empty when there is none or it is damaged. */
    Optional<Index> indexQuietly(String worker, String environment) {
        try {
            return index(worker, environment);
        } catch (DamagedStateException e) {
            return Optional.empty();
        }
    }

    /**
     * Replaces the index atomically: the commit of a change.
     *
     * @param beforeRename told the current version once the new index is on disk under a temp name
     *     (a test hook of crash tests)
     */
    void writeIndex(String worker, String environment, Index index, IntConsumer beforeRename) throws IOException {
        files.createDirs(layout.environment(worker, environment), false);
        byte[] bytes = JSON.writeValueAsBytes(index);
        if (index.current() != null) {
            beforeRename.accept(index.current());
        }
        files.replace(layout.index(worker, environment), bytes, false);
    }

    /** A version's record, or empty when there is none. */
    Optional<VersionInfo> version(String worker, String environment, int number) {
        Path file = layout.version(worker, environment, number);
        try {
            Optional<byte[]> bytes = DurableFiles.read(file);
            return bytes.isEmpty() ? Optional.empty() : Optional.of(JSON.readValue(bytes.get(), VersionInfo.class));
        } catch (IOException e) {
            throw new DamagedStateException("The record of version " + number + " of \"" + worker + "\" in " + environment
                    + " (" + file + ") is damaged (" + firstLine(e.getMessage()) + "). Restore it from a backup, or deploy again.");
        }
    }

    /** Writes a new version's record (before the commit that makes it count). */
    void writeVersion(String worker, String environment, VersionInfo info) throws IOException {
        files.createDirs(layout.versions(worker, environment), false);
        files.replace(layout.version(worker, environment, info.number()), JSON.writeValueAsBytes(info), false);
    }

    /** The highest number among the version records present, committed or not; 0 if none. */
    int highestNumber(String worker, String environment) {
        int highest = 0;
        try {
            for (String name : DurableFiles.list(layout.versions(worker, environment))) {
                highest = Math.max(highest, StateLayout.versionNumber(name));
            }
        } catch (IOException e) {
            throw new DamagedStateException("Cannot list " + layout.versions(worker, environment) + ": " + e.getMessage());
        }
        return highest;
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "unreadable";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
