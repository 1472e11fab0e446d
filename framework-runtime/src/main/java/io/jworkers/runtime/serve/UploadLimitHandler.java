package io.jworkers.runtime.serve;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.jworkers.runtime.bundle.UploadTooLargeException;
import io.jworkers.runtime.json.JsonTrees;
import java.nio.charset.StandardCharsets;

/**
 * The admin API's answer when Helidon refuses a body over the upload limit before any route runs
 * (a Content-Length over it): the same 413 and JSON error as a chunked upload that goes over,
 * instead of Helidon's plain-text page. Every other error Helidon answers by itself goes to its
 * default handler.
 */
final class UploadLimitHandler implements DirectHandler {

    private final byte[] body;

    UploadLimitHandler(long maxUploadBytes) {
        this.body = JsonTrees.write(JsonNodeFactory.instance.objectNode()
                .put("error", new UploadTooLargeException(maxUploadBytes).getMessage())).getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public TransportResponse handle(TransportRequest request, EventType eventType, Status defaultStatus,
                                    ServerResponseHeaders responseHeaders, String message) {
        if (defaultStatus.code() != Status.REQUEST_ENTITY_TOO_LARGE_413.code()) {
            return DirectHandler.defaultHandler().handle(request, eventType, defaultStatus, responseHeaders, message);
        }
        responseHeaders.set(HeaderValues.CONTENT_TYPE_JSON);
        return TransportResponse.builder()
                .status(defaultStatus)
                .headers(responseHeaders)
                .entity(body)
                .keepAlive(false)
                .build();
    }
}
