package io.jworkers.runtime.pipeline;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.jworkers.api.PipelineDepthExceededException;
import io.jworkers.bridge.HostBridge;
import java.lang.ref.WeakReference;
import java.net.URL;
import java.net.URLClassLoader;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The per-thread call stack that binding calls push and pop without allocating. */
class CallScopeTest {

    private final ClassLoader host = Thread.currentThread().getContextClassLoader();
    private final ClassLoader loaderA = new URLClassLoader("a", new URL[0], null);
    private final ClassLoader loaderB = new URLClassLoader("b", new URL[0], null);
    private final BindingOwner owner = new BindingOwner("a", 1000, Duration.ofSeconds(30), null);

    @Test
    void testsRunTheHostsPathWhereTheContextLoaderIsSetWithAReleaseStore() {
        assertEquals(!Boolean.getBoolean("jworkers.volatileContextLoader"), CallScope.releaseStoresContextLoader(),
                "surefire's argLine opens java.lang, as the jar manifest does");
    }

    @Test
    void nestedCallsSwapTheContextLoaderAndTheFrameAndRestoreBoth() {
        Pipeline pipeline = new Pipeline("r1", 1000, Duration.ofSeconds(30));
        CallFrame top = new CallFrame(pipeline, "a", loaderA, null, 1);
        CallScope scope = WorkerCall.open(top);
        try {
            assertSame(top, CallFrame.current());
            assertSame(loaderA, Thread.currentThread().getContextClassLoader());
            Callee b = new Callee("b", loaderB, null, "{\"tenant\":\"t1\"}");
            for (int i = 1; i <= 3; i++) {
                CallScope inner = CallScope.enter(b, owner);
                CallFrame frame;
                try {
                    assertSame(loaderB, Thread.currentThread().getContextClassLoader());
                    frame = CallFrame.current();
                    assertEquals("b", frame.workerName());
                    assertEquals(2, frame.depth());
                    assertEquals("{\"tenant\":\"t1\"}", CallFrame.currentProps("b"));
                    assertEquals(CallFrame.NO_PROPS, CallFrame.currentProps("a"));
                    assertSame(frame, CallFrame.current(), "built once per call");
                    assertEquals(2 * i - 1, frame.subrequests(), "every call counts, the one below too");
                } finally {
                    inner.exit();
                }
                assertSame(top, CallFrame.current());
                assertSame(loaderA, Thread.currentThread().getContextClassLoader());
                assertEquals("b", frame.workerName(), "a frame stays valid after its call");
                CallScope again = CallScope.enter(b, owner);
                try {
                    assertNotSame(frame, CallFrame.current(), "each call has its own frame");
                } finally {
                    again.exit();
                }
            }
            assertEquals(java.util.List.of("a", "b"), pipeline.visitedWorkers());
        } finally {
            WorkerCall.close(scope);
        }
        assertNull(HostBridge.current(), "no call runs once the thread's outermost call ended");
        assertNull(CallFrame.current());
        assertSame(host, Thread.currentThread().getContextClassLoader());
    }

    @Test
    void theThreadKeepsItsScopeForTheNextCallButNothingOfTheCallThatEnded() throws Exception {
        java.util.List<WeakReference<?>> ended = new java.util.ArrayList<>();
        HostBridge.ThreadCalls[] kept = new HostBridge.ThreadCalls[2];
        Thread caller = Thread.ofVirtual().start(() -> {
            for (int request = 0; request < 2; request++) {
                ended.addAll(oneRequest("r" + request));
                kept[request] = HostBridge.calls();
            }
        });
        caller.join();
        assertNotNull(kept[0], "the thread keeps its scope");
        assertSame(kept[0], kept[1], "the second request reused the first one's scope");
        for (WeakReference<?> reference : ended) {
            for (int i = 0; i < 100 && reference.get() != null; i++) {
                System.gc();
                Thread.sleep(10);
            }
            assertNull(reference.get(), "the scope still holds " + reference.get());
        }
    }

    // A request through two workers on this thread: weak references to its pipeline, loaders and frames.
    private java.util.List<WeakReference<?>> oneRequest(String id) {
        Pipeline pipeline = new Pipeline(id, 1000, Duration.ofSeconds(30));
        ClassLoader first = new URLClassLoader("first", new URL[0], null);
        ClassLoader second = new URLClassLoader("second", new URL[0], null);
        CallFrame top = new CallFrame(pipeline, "a", first, null, 1);
        CallScope scope = WorkerCall.open(top);
        CallFrame inner;
        try {
            CallScope called = CallScope.enter(new Callee("b", second, null, CallFrame.NO_PROPS), owner);
            try {
                inner = CallFrame.current();
            } finally {
                called.exit();
            }
        } finally {
            WorkerCall.close(scope);
        }
        assertNull(CallFrame.current());
        return java.util.List.of(new WeakReference<>(pipeline), new WeakReference<>(first), new WeakReference<>(second),
                new WeakReference<>(top), new WeakReference<>(inner));
    }

    @Test
    void aCallOutsideAnyRequestRunsAtDepthOneOfItsOwnPipelineAndLeavesNothingBehind() {
        CallScope scope = CallScope.enter(new Callee("b", loaderB, null, CallFrame.NO_PROPS), owner);
        try {
            CallFrame frame = CallFrame.current();
            assertEquals(1, frame.depth());
            assertEquals(1, frame.subrequests());
            assertSame(loaderB, Thread.currentThread().getContextClassLoader());
        } finally {
            scope.exit();
        }
        assertNull(CallFrame.current());
        assertNull(HostBridge.current());
        assertSame(host, Thread.currentThread().getContextClassLoader());
    }

    @Test
    void theDepthLimitFailsBeforeAnythingIsPushed() {
        Pipeline pipeline = new Pipeline("r2", 1000, Duration.ofSeconds(30));
        CallScope scope = WorkerCall.open(new CallFrame(pipeline, "a", loaderA, null, Pipeline.MAX_DEPTH));
        try {
            assertThrows(PipelineDepthExceededException.class,
                    () -> CallScope.enter(new Callee("b", loaderB, null, CallFrame.NO_PROPS), owner));
            assertEquals(Pipeline.MAX_DEPTH, CallFrame.current().depth());
            assertSame(loaderA, Thread.currentThread().getContextClassLoader());
            assertEquals(0, pipeline.subrequests());
        } finally {
            WorkerCall.close(scope);
        }
        assertNull(CallFrame.current());
    }
}
