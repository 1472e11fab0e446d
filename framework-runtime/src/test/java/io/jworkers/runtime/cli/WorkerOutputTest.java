package io.jworkers.runtime.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.jworkers.runtime.pipeline.CallFrame;
import io.jworkers.runtime.pipeline.Pipeline;
import io.jworkers.runtime.pipeline.WorkerCall;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class WorkerOutputTest {

    @Test
    void linesPrintedByWorkerCodeArePrefixedWithTheWorkerAndOthersPassUnchanged() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream out = WorkerOutput.wrap(new PrintStream(bytes, true, StandardCharsets.UTF_8));
        out.println("host line");
        CallFrame frame = new CallFrame(new Pipeline("r1", 1000, Duration.ofSeconds(5)), "auth", null, null, 1);
        var scope = WorkerCall.open(frame);
        try {
            out.println("checking token");
            out.print("two\nlines");
            out.println(" end");
        } finally {
            WorkerCall.close(scope);
        }
        out.println("host again");
        assertEquals("host line\n[auth] checking token\n[auth] two\n[auth] lines end\nhost again\n",
                bytes.toString(StandardCharsets.UTF_8).replace(System.lineSeparator(), "\n"));
    }
}
