package io.jworkers.runtime.dashboard;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Tail events as lines of the dashboard's live-logs panel. */
class LogEventsTest {

    @Test
    void aRequestShowsItsMethodUrlAndStatus() {
        assertEquals("<div class=\"log-event ok\"><span class=\"outcome\">ok</span> <span class=\"worker\">auth@production/1</span>"
                + " <code>POST http://next/a</code> → 200<div class=\"log-line\">info: auth saw /a</div></div>",
                LogEvents.html("""
                        {"outcome":"ok","scriptName":"auth","scriptVersion":{"id":"production/1"},
                         "event":{"request":{"method":"POST","url":"http://next/a","headers":{}},"response":{"status":200}},
                         "logs":[{"message":["auth saw /a"],"level":"info","timestamp":1}],"exceptions":[]}"""));
    }

    @Test
    void anRpcCallThroughABindingShowsItsMethod() {
        assertEquals("<div class=\"log-event bad\"><span class=\"outcome\">exception</span> <span class=\"worker\">"
                + "auth@production/1</span> <code>RPC handle</code><div class=\"log-line bad\">java.lang.IllegalStateException:"
                + " boom</div></div>",
                LogEvents.html("""
                        {"outcome":"exception","scriptName":"auth","scriptVersion":{"id":"production/1"},
                         "event":{"rpcMethod":"handle"},"logs":[],
                         "exceptions":[{"name":"java.lang.IllegalStateException","message":"boom","timestamp":1}]}"""));
    }
}
