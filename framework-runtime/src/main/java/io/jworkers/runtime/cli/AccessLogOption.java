package io.jworkers.runtime.cli;

import io.jworkers.runtime.http.AccessLog;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code --access-log off|console|file} and {@code --access-log-file PATH} of serve and dev: where
 * the line per request goes. {@code console} (the default) is standard error with the other log
 * lines; {@code off} writes none (a load balancer or a proxy may keep its own); {@code file}
 * appends them, in the console's format, to a file of their own, written by a thread of its own
 * as the console is, so that a slow disk never holds a request.
 */
final class AccessLogOption {

    /** The file {@code --access-log file} appends to unless {@code --access-log-file} names another. */
    static final String DEFAULT_FILE = "jworkers-access.log";

    static final CommandLine.Option MODE = new CommandLine.Option("--access-log", null, "off|console|file",
            "where the line per request goes: standard error (console, the default), nowhere, or a file");
    static final CommandLine.Option FILE = new CommandLine.Option("--access-log-file", null, "PATH",
            "the file of --access-log file, appended to; default " + DEFAULT_FILE
                    + " in the working directory (implies --access-log file)");

    private AccessLogOption() {
    }

    /**
     * Checks the options' values, before anything opens.
     *
     * @throws UsageException for a value that is not off, console or file, or a file with {@code off} or {@code console}
     */
    static void check(String command, CommandLine line) {
        String mode = line.last("--access-log").orElse(null);
        if (mode != null && !List.of("off", "console", "file").contains(mode)) {
            throw new UsageException("jworkers " + command + ": --access-log is off, console or file, not \"" + mode + "\"");
        }
        if (line.last("--access-log-file").isPresent() && mode != null && !mode.equals("file")) {
            throw new UsageException("jworkers " + command + ": --access-log-file names the file of --access-log file,"
                    + " not of --access-log " + mode);
        }
    }

    /**
     * The access log the options ask for, opened; {@link Opened#close()} it when the host stops.
     *
     * @throws UsageException for the values {@link #check} refuses, or a file that cannot be opened for appending
     */
    static Opened open(String command, CommandLine line) {
        check(command, line);
        String mode = line.last("--access-log").orElse(null);
        String file = line.last("--access-log-file").orElse(null);
        if (file == null && !"file".equals(mode)) {
            return new Opened("off".equals(mode) ? AccessLog.OFF : AccessLog.CONSOLE, null, null);
        }
        Path path = Path.of(file == null ? DEFAULT_FILE : file).toAbsolutePath();
        OutputStream stream;
        try {
            if (Files.isDirectory(path)) {
                throw new IOException("it is a folder");
            }
            stream = new FileOutputStream(path.toFile(), true);
        } catch (IOException e) {
            throw new UsageException("jworkers " + command + ": cannot open the access log file " + path + ": "
                    + (e.getMessage() == null ? e.toString() : e.getMessage()));
        }
        LogSetup.OneLineFormatter formatter = new LogSetup.OneLineFormatter();
        AsyncConsoleHandler writer = new AsyncConsoleHandler(stream, StandardCharsets.UTF_8, formatter,
                AsyncConsoleHandler.DEFAULT_CAPACITY);
        AccessLog log = AccessLog.to(path.toString(), new AccessLines(writer));
        return new Opened(log, writer, stream);
    }

    /** An access log and, for a file, what writes it. */
    record Opened(AccessLog log, AsyncConsoleHandler writer, OutputStream stream) implements AutoCloseable {

        /** What the start-up output says about it: {@code access log in /var/log/jworkers-access.log}, {@code access log off}, or nothing for the console. */
        String describe() {
            return log == AccessLog.OFF ? "access log off" : writer != null ? "access log in " + log : "";
        }

        /** Writes out the queued lines and closes the file. */
        @Override
        public void close() {
            if (writer != null) {
                writer.close();
                try {
                    stream.close();
                } catch (IOException e) {
                    // The lines were flushed by close(); nothing more can be done at shutdown.
                }
            }
        }
    }
}
