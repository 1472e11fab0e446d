package io.jworkers.runtime.deploy;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.function.IntConsumer;

/**
 * The records of one state folder's versions: each environment's index (its commit point) and
 * one immutable record per version. A file that cannot be parsed is a {@link DamagedStateException}
 * naming it and what to do; a file that is not there is an empty answer.
 */
final class VersionRecords {

    // Records are written by a mapper, made on the first write (a deploy), and read by StateJson:
    // serve reads them at every start, and a mapper costs that start time and memory.
    private static final class Json {
        static final ObjectMapper MAPPER = JsonMapper.builder()
                .addModule(new JavaTimeModule())
                .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS)
                .enable(SerializationFeature.INDENT_OUTPUT)
                .build();
    }

    /**
     * An environment's commit point.
     *
     * @param current the current version (the primary of what is deployed), {@code null} before the
     *     first commit or while versions were only uploaded
     * @param latest the highest version ever committed; records above it were never committed
     * @param split the shares of a gradual deployment, newest first; {@code null} (left out of the
     *     file) when {@code current} takes all traffic, so an index without a split reads as before
     * @param splitMessage the message of the last {@code versions deploy}, or {@code null}
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    record Index(Integer current, int latest, List<TrafficSplit.Share> split, String splitMessage) {

        /** An index whose current version, if any, takes all traffic. */
        Index(Integer current, int latest) {
            this(current, latest, null, null);
        }

        /** The index of a deployed split: its primary is the current version. */
        static Index of(TrafficSplit deployed, int latest) {
            return new Index(deployed.primary(), latest, deployed.isSplit() ? deployed.shares() : null, deployed.message());
        }

        /** The same deployment with another latest version (an upload). */
        Index withLatest(int number) {
            return new Index(current, number, split, splitMessage);
        }

        /** What is deployed, or {@code null} when no version is current. */
        TrafficSplit deployed() {
            if (current == null) {
                return null;
            }
            return new TrafficSplit(split != null ? split : List.of(new TrafficSplit.Share(current, 100)), splitMessage);
        }
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
            Index index = StateJson.index(bytes.get());
            if (index.latest() < 0 || index.current() != null && (index.current() < 1 || index.current() > index.latest())) {
                throw new IOException("current " + index.current() + " is not between 1 and latest " + index.latest());
            }
            checkSplit(index);
            return Optional.of(index);
        } catch (IOException e) {
            throw new DamagedStateException("The index " + file + " is damaged (" + firstLine(e.getMessage()) + ")."
                    + " Deploy again to make a new current version (the versions are kept), or restore it from a backup.");
        }
    }

    // A split names versions up to latest, and its primary is the current version.
    private static void checkSplit(Index index) throws IOException {
        if (index.split() == null) {
            return;
        }
        if (index.current() == null) {
            throw new IOException("a split without a current version");
        }
        TrafficSplit split;
        try {
            split = index.deployed();
        } catch (IllegalArgumentException | NullPointerException e) {
            throw new IOException("split " + index.split() + ": " + e.getMessage());
        }
        for (int version : split.versions()) {
            if (version > index.latest()) {
                throw new IOException("split version " + version + " is above latest " + index.latest());
            }
        }
        if (split.primary() != index.current()) {
            throw new IOException("the split " + split.describe() + " has primary " + split.primary() + ", not current "
                    + index.current());
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
        byte[] bytes = Json.MAPPER.writeValueAsBytes(index);
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
            return bytes.isEmpty() ? Optional.empty() : Optional.of(StateJson.version(bytes.get()));
        } catch (IOException e) {
            throw new DamagedStateException("The record of version " + number + " of \"" + worker + "\" in " + environment
                    + " (" + file + ") is damaged (" + firstLine(e.getMessage()) + "). Restore it from a backup, or deploy again.");
        }
    }

    /** Writes a new version's record (before the commit that makes it count). */
    void writeVersion(String worker, String environment, VersionInfo info) throws IOException {
        files.createDirs(layout.versions(worker, environment), false);
        files.replace(layout.version(worker, environment, info.number()), Json.MAPPER.writeValueAsBytes(info), false);
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
