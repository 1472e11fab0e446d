package io.jworkers.runtime.serve;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.helidon.webserver.http.ServerRequest;
import io.jworkers.runtime.bundle.BundleUpload;
import io.jworkers.runtime.bundle.NoSpaceLeftException;
import io.jworkers.runtime.bundle.UploadTooLargeException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.OptionalLong;

/**
 * The body of a deploy request: the bundle zip, optionally preceded by the secrets to set with
 * the new version ({@code deploy --secrets-file}). Secrets travel in the same request so that the
 * version and its secrets are one change; they are never written to the upload file, and the
 * bundle (whose hash identifies the code) never contains them.
 *
 * <p>Wire format: when the request has the header {@value #SECRETS_HEADER}{@code : N}, the first N
 * bytes of the body are a JSON object of secret names to values; the rest is the zip.
 */
final class DeployUpload {

    /** The header that announces the secrets' length in bytes. */
    static final String SECRETS_HEADER = "x-jworkers-secrets-bytes";

    // 128 secrets of 64 KiB, quoted and escaped: beyond that it cannot be a valid set.
    private static final long MAX_SECRETS_BYTES = 16L * 1024 * 1024;
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path bundle;
    private final Map<String, String> secrets;

    private DeployUpload(Path bundle, Map<String, String> secrets) {
        this.bundle = bundle;
        this.secrets = secrets;
    }

    /**
     * Reads the request body: the secrets into memory, the bundle into {@code file}, never more
     * than the limit of it (413 whether or not the body is chunked; 507 when the disk is full).
     *
     * @param request the deploy request
     * @param body its body (timed by the listener)
     * @param file where the bundle goes; the caller deletes it
     * @param maxBundleBytes the largest bundle accepted
     * @return the upload
     * @throws DeployRejectedException 400 for a malformed secrets part, 413, 507
     * @throws IOException if the body cannot be read
     */
    static DeployUpload read(ServerRequest request, InputStream body, Path file, long maxBundleBytes) throws IOException {
        long secretsBytes = secretsLength(request);
        // The body is not closed on purpose: closing Helidon's entity stream reads the rest of the body,
        // and after a refusal the rest is what must not be read. The 413 closes the connection instead.
        Map<String, String> secrets = secretsBytes == 0 ? Map.of() : parse(body.readNBytes((int) secretsBytes), secretsBytes);
        OptionalLong zipLength = request.headers().contentLength().isPresent()
                ? OptionalLong.of(request.headers().contentLength().getAsLong() - secretsBytes) : OptionalLong.empty();
        try {
            BundleUpload.receive(body, zipLength, file, maxBundleBytes);
        } catch (UploadTooLargeException e) {
            throw new DeployRejectedException(413, e.getMessage());
        } catch (NoSpaceLeftException e) {
            throw new DeployRejectedException(507, e.getMessage());
        }
        return new DeployUpload(file, secrets);
    }

    private static long secretsLength(ServerRequest request) {
        String header = request.headers().first(io.helidon.http.HeaderNames.create(SECRETS_HEADER)).orElse("0");
        if (!header.matches("[0-9]{1,9}") || Long.parseLong(header) > MAX_SECRETS_BYTES) {
            throw new DeployRejectedException(400, SECRETS_HEADER + " must be the length in bytes of the secrets"
                    + " JSON that starts the body, at most " + MAX_SECRETS_BYTES + "; got \"" + LogText.oneLine(header) + "\"");
        }
        return Long.parseLong(header);
    }

    private static Map<String, String> parse(byte[] bytes, long expected) {
        if (bytes.length != expected) {
            throw new DeployRejectedException(400, "The body ended inside the secrets (" + bytes.length + " of "
                    + expected + " bytes)");
        }
        try {
            return new LinkedHashMap<>(JSON.readValue(bytes, new TypeReference<Map<String, String>>() { }));
        } catch (IOException e) {
            // Never Jackson's message: it may quote a value.
            throw new DeployRejectedException(400, "The secrets that start the body are not a JSON object of strings");
        }
    }

    /** The bundle zip as uploaded. */
    Path bundle() {
        return bundle;
    }

    /** The secrets sent with it, by name; empty when none. */
    Map<String, String> secrets() {
        return secrets;
    }
}
